/* benchtime - time a command's wall clock over many runs, for
 * tests/bench.sh. Spawns it directly (no shell, stdin and stdout on
 * /dev/null, stderr passed through), measures spawn-to-reap with
 * CLOCK_MONOTONIC, and prints one line:
 *   runs=30 median_ms=8.1230 min_ms=7.9000 max_ms=9.4000 mean_ms=8.2000
 * Usage: benchtime [-n RUNS] [-w WARMUP] -- CMD [ARGS...]
 * Exits 1 (naming the run and its status) when any run fails. */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* One run: its wall time in ms, or -1 after saying why it failed. */
static double run_once(char **argv, int i)
{
	posix_spawn_file_actions_t fa;
	double t0, t1;
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	t0 = bench_now_ms();
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		fprintf(stderr, "benchtime: cannot run %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			perror("benchtime: waitpid");
			return -1;
		}
	}
	t1 = bench_now_ms();
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		if (WIFEXITED(st))
			fprintf(stderr, "benchtime: run %d of %s exited %d\n", i, argv[0], WEXITSTATUS(st));
		else
			fprintf(stderr, "benchtime: run %d of %s killed by signal %d\n", i, argv[0],
				WTERMSIG(st));
		return -1;
	}
	return t1 - t0;
}

int main(int argc, char **argv)
{
	int runs = 30, warmup = 2, opt;
	double *t;

	while ((opt = getopt(argc, argv, "+n:w:")) != -1) {
		if (opt == 'n')
			runs = atoi(optarg);
		else if (opt == 'w')
			warmup = atoi(optarg);
		else
			goto usage;
	}
	if (optind >= argc || runs < 1 || warmup < 0)
		goto usage;
	argv += optind;
	for (int i = 0; i < warmup; i++)
		if (run_once(argv, -i - 1) < 0)
			return 1;
	t = calloc((size_t)runs, sizeof(*t));
	if (!t)
		return 1;
	for (int i = 0; i < runs; i++) {
		t[i] = run_once(argv, i + 1);
		if (t[i] < 0)
			return 1;
	}
	bench_report(NULL, t, runs);
	free(t);
	return 0;
usage:
	fprintf(stderr, "usage: benchtime [-n RUNS] [-w WARMUP] -- CMD [ARGS...]\n");
	return 2;
}
