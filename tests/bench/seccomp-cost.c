/* seccomp-cost - what preparing the default seccomp program costs: a
 * libseccomp compile (empty cache) against a cached load, over many runs.
 * Prints, for tests/bench.sh, in benchtime's format:
 *   insns=1234
 *   compile runs=30 median_ms=... min_ms=... max_ms=... mean_ms=...
 *   cached runs=30 median_ms=... ...
 * Usage: seccomp-cost [RUNS] */
#include "bench.h"
#include "runtime/secure.h"
#include "util/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 30, rc = 1;
	char dir[] = "/tmp/tug-seccomp-cost.XXXXXX";
	struct tug_err err = { 0 };
	struct secure_filter f;
	double *compile_ms, *cached_ms;
	unsigned short len = 0;

	if (n < 3)
		n = 3;
	if (!mkdtemp(dir)) {
		perror("seccomp-cost: mkdtemp");
		return 1;
	}
	compile_ms = calloc((size_t)n, sizeof(double));
	cached_ms = calloc((size_t)n, sizeof(double));
	if (!compile_ms || !cached_ms)
		goto out;
	for (int i = 0; i < n; i++) {
		double t0 = bench_now_ms();
		if (secure_filter_prepare(&f, dir, secure_default_caps(), &err) < 0 || f.from_cache) {
			fprintf(stderr, "seccomp-cost: compile: %s\n", err.msg[0] ? err.msg : "came from the cache");
			goto out;
		}
		compile_ms[i] = bench_now_ms() - t0;
		len = f.len;
		unlink(f.path); /* the next round compiles again */
		secure_filter_release(&f);
	}
	for (int i = -1; i < n; i++) {  /* round -1 writes the cache */
		double t0 = bench_now_ms();
		if (secure_filter_prepare(&f, dir, secure_default_caps(), &err) < 0 ||
		    (i >= 0 && !f.from_cache)) {
			fprintf(stderr, "seccomp-cost: cached load: %s\n", err.msg[0] ? err.msg : "recompiled");
			goto out;
		}
		if (i >= 0)
			cached_ms[i] = bench_now_ms() - t0;
		secure_filter_release(&f);
	}
	printf("insns=%u\n", len);
	bench_report("compile", compile_ms, n);
	bench_report("cached", cached_ms, n);
	rc = 0;
out:
	fs_rm_rf(dir, &err);
	free(compile_ms);
	free(cached_ms);
	return rc;
}
