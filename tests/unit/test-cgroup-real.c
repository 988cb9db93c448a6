/* test-cgroup-real.c - the cgroup managers against this host's kernel
 * (root only; skipped and counted otherwise): a real cgroup with limits,
 * a forked child attached to it that allocates memory, burns CPU, is
 * frozen and thawed and hits the pids limit, an OOM kill counted, and
 * destroy killing what is left. Everything lives under a private parent
 * "tug-unit-<pid>" that is removed at the end, also when a check fails
 * or the test hangs (SIGALRM).
 *
 * `test-cgroup-real --bench [N]` times N create+attach+destroy cycles of
 * a process that exits before destroy, as `tug run --rm IMG /bin/true`
 * does, and prints medians (for `make bench`; no timing in the tests). */
#include "runtime/cgroup.h"
#include "t.h"

/* a cleared error for each call, so messages printed are its own */
#define E (tug_err_clear(&e), &e)

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char parent[64];
static pid_t kids[4];
static volatile uint64_t *counter;   /* shared with the child: proof of running */

static const char *const leaves[] = { "c1", "c2", "c3", "bench" };
/* the hybrid host's cgroup2 mount as a mount table of its own */
static char v2_table[1200];

static void cleanup_tree(void)
{
	struct tug_err e;

	for (size_t i = 0; i < sizeof(leaves) / sizeof(*leaves); i++)
		if (parent[0] && cgroup_destroy(parent, leaves[i], E) < 0)
			printf("# cleanup %s/%s: %s\n", parent, leaves[i], e.msg);
	if (parent[0] && cgroup_destroy("", parent, E) < 0)
		printf("# cleanup %s: %s\n", parent, e.msg);
}

static void cleanup(void)
{
	for (size_t i = 0; i < sizeof(kids) / sizeof(*kids); i++)
		if (kids[i] > 0)
			kill(kids[i], SIGKILL);
	if (v2_table[0]) {
		cgroup_set_mountinfo_for_tests(v2_table);
		cleanup_tree();
		cgroup_set_mountinfo_for_tests(NULL);
	}
	cleanup_tree();
	/* we are the subreaper of the grandchildren too */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* a hang, a crash or an interrupt still removes what the test made */
static void on_fatal(int sig)
{
	printf("not ok - %s\n", sig == SIGALRM ? "timed out" : strsignal(sig));
	cleanup();
	_exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The child: waits for "go", then allocates 32 MiB and burns ~200 ms of
 * CPU, reports 'r', and spins (counting) while serving commands:
 * 'f' = fork sleepers until fork fails, reply with their count;
 * 'm' = allocate without end (for the OOM check). */
static void __attribute__((noreturn)) child(int cmd, int rep)
{
	char c;
	double t0;
	char *mem;

	if (read(cmd, &c, 1) != 1)
		_exit(2);
	mem = malloc(32 << 20);
	if (!mem)
		_exit(3);
	for (size_t i = 0; i < (32u << 20); i += 4096)
		mem[i] = 1;
	t0 = now_us();
	while (now_us() - t0 < 200000)
		(*counter)++;
	if (write(rep, "r", 1) != 1)
		_exit(4);
	/* non-blocking commands from here: the child keeps spinning */
	fcntl(cmd, F_SETFL, O_NONBLOCK);
	for (;;) {
		for (int i = 0; i < 100000; i++)
			(*counter)++;
		ssize_t n = read(cmd, &c, 1);
		if (n == 0)
			_exit(0);
		if (n < 0)
			continue;
		if (c == 'f') {
			unsigned char forked = 0;
			for (int i = 0; i < 64; i++) {
				pid_t p = fork();
				if (p == 0) {
					for (;;)
						pause();
				}
				if (p < 0)
					break;
				forked++;
			}
			if (write(rep, &forked, 1) != 1)
				_exit(5);
		} else if (c == 'm') {
			for (;;) {
				char *p = malloc(1 << 20);
				if (p)
					for (size_t i = 0; i < (1u << 20); i += 4096)
						p[i] = 1;
			}
		}
	}
}

static pid_t spawn(int *cmd_w, int *rep_r)
{
	int cmd[2], rep[2];
	pid_t p;

	if (pipe(cmd) < 0 || pipe(rep) < 0)
		return -1;
	p = fork();
	if (p == 0) {
		close(cmd[1]);
		close(rep[0]);
		child(cmd[0], rep[1]);
	}
	close(cmd[0]);
	close(rep[1]);
	*cmd_w = cmd[1];
	*rep_r = rep[0];
	return p;
}

/* Reap kids[slot], close its pipes; was it SIGKILLed? */
static int reaped_killed(int slot, int cmd, int rep)
{
	int status = 0;
	pid_t p = waitpid(kids[slot], &status, 0);

	kids[slot] = 0;
	close(cmd);
	close(rep);
	return p > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static int in_cgroup(pid_t pid, const char *want)
{
	char path[64], line[512];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, want))
			found = 1;
	fclose(f);
	return found;
}

static int left_behind(void)
{
	const struct cgroup_host *h = (cgroup_set_mountinfo_for_tests(NULL), cgroup_host(NULL));
	struct stat st;
	char path[1024];
	int n = 0;

	for (int i = 0; h && i < h->nmounts; i++) {
		snprintf(path, sizeof(path), "%s/%s", h->mounts[i].path, parent);
		if (stat(path, &st) == 0) {
			printf("# left behind: %s\n", path);
			n++;
		}
	}
	return n;
}

static void test_real(void)
{
	struct cgroup_limits l = { .memory = 256 << 20, .nano_cpus = 1000000000, .pids = 8 };
	struct cgroup_stats st;
	struct tug_err e = { 0 };
	const struct cgroup_host *h;
	enum cgroup_mode mode;
	int cmd = -1, rep = -1, n;
	uint64_t a, b;
	char c, want[128];
	pid_t *pids = NULL;
	unsigned char forked = 0;

	T_OK(cgroup_detect(&mode, E) == 0, "detect this host (%s)", e.msg);
	h = cgroup_host(&e);
	if (!h)
		return;
	printf("# mode %s%s, %d cgroup mounts\n", mode == CGROUP_V2 ? "v2" : "v1",
	       h->hybrid ? " (hybrid)" : "", h->nmounts);

	T_OK(cgroup_create(parent, "c1", &l, E) == 0, "create %s/c1 (%s)", parent, e.msg);
	kids[0] = spawn(&cmd, &rep);
	T_OK(kids[0] > 0, "fork the child");
	if (kids[0] <= 0)
		return;
	T_OK(cgroup_attach(parent, "c1", kids[0], E) == 0, "attach the child (%s)", e.msg);
	snprintf(want, sizeof(want), ":/%s/c1\n", parent);
	T_OK(in_cgroup(kids[0], want), "/proc/pid/cgroup shows %s/c1", parent);
	T_OK(write(cmd, "g", 1) == 1 && read(rep, &c, 1) == 1 && c == 'r',
	     "child allocated and burned CPU");

	T_OK(cgroup_stats(parent, "c1", &st, E) == 0, "stats (%s)", e.msg);
	printf("# cpu %llu ns, mem %llu/%llu, pids %llu/%llu, oom %d\n",
	       (unsigned long long)st.cpu_ns, (unsigned long long)st.mem_usage,
	       (unsigned long long)st.mem_limit, (unsigned long long)st.pids,
	       (unsigned long long)st.pids_limit, st.oom_kills);
	T_OK(st.cpu_ns >= 100000000ULL, "at least 100 ms of CPU counted");
	T_OK(st.mem_usage >= (24u << 20) && st.mem_usage < (200u << 20),
	     "the 32 MiB the child touched are counted");
	T_OK(st.mem_limit == (256u << 20), "memory limit read back");
	T_OK(st.pids == 1 && st.pids_limit == 8, "one pid, limit 8");
	T_OK(st.oom_kills == 0, "no OOM yet");

	/* freeze: the child's counter stops, thaw: it moves again */
	T_OK(cgroup_freeze(parent, "c1", 1, E) == 0, "freeze (%s)", e.msg);
	a = *counter;
	sleep_ms(100);
	b = *counter;
	T_OK(a == b, "frozen child does not run (%llu -> %llu)", (unsigned long long)a,
	     (unsigned long long)b);
	T_OK(cgroup_freeze(parent, "c1", 0, E) == 0, "thaw (%s)", e.msg);
	sleep_ms(100);
	T_OK(*counter > b, "thawed child runs again");

	/* pids limit: 7 more processes fit under 8 */
	T_OK(write(cmd, "f", 1) == 1 && read(rep, &forked, 1) == 1, "child forked until refused");
	T_OK(forked == 7, "pids.max 8 stops the 8th process (%u forked)", forked);
	n = cgroup_pids(parent, "c1", &pids, E);
	T_OK(n == 8, "cgroup_pids lists all 8 (%d)", n);
	free(pids);

	/* destroy with processes inside: killed, then removed */
	T_OK(cgroup_destroy(parent, "c1", E) == 0, "destroy with live processes (%s)", e.msg);
	T_OK(reaped_killed(0, cmd, rep), "the child was SIGKILLed");
	T_OK(cgroup_stats(parent, "c1", &st, E) < 0 && e.code == TUG_E_NOTFOUND,
	     "the cgroup is gone (%s)", e.msg);

	/* OOM: 64 MiB, no swap, a child allocating without end */
	l = (struct cgroup_limits){ .memory = 64 << 20, .memory_swap = 64 << 20 };
	T_OK(cgroup_create(parent, "c2", &l, E) == 0, "create c2 (%s)", e.msg);
	kids[1] = spawn(&cmd, &rep);
	T_OK(kids[1] > 0 && cgroup_attach(parent, "c2", kids[1], E) == 0, "attach c2 (%s)",
	     e.msg);
	if (kids[1] > 0) {
		n = write(cmd, "g", 1) == 1 && read(rep, &c, 1) == 1 && write(cmd, "m", 1) == 1;
		T_OK(reaped_killed(1, cmd, rep) && n, "memory hog killed by the OOM killer");
		T_OK(cgroup_stats(parent, "c2", &st, E) == 0 && st.oom_kills >= 1,
		     "OOM kill counted (%d)", st.oom_kills);
	}
	T_OK(cgroup_destroy(parent, "c2", E) == 0, "destroy an empty cgroup (%s)", e.msg);
}

/* A hybrid host's cgroup2 has no controllers, but attach, freeze,
 * cgroup.events, cgroup.kill and cpu.stat are the real v2 kernel
 * interface: run the v2 manager on it. */
static void test_real_v2_on_hybrid(void)
{
	const struct cgroup_host *h = cgroup_host(NULL);
	struct cgroup_limits l = { .memory = 64 << 20 };
	struct cgroup_stats st;
	struct tug_err e = { 0 };
	enum cgroup_mode mode = 0;
	char path[1024], want[128], c;
	int cmd = -1, rep = -1, n;
	uint64_t a, b;
	pid_t *pids = NULL;
	struct stat sb;

	for (int i = 0; h && i < h->nmounts; i++)
		if (h->mounts[i].v2 && !strchr(h->mounts[i].path, ' '))
			snprintf(v2_table, sizeof(v2_table), "1 1 0:1 / %s rw - cgroup2 cgroup2 rw\n",
				 h->mounts[i].path);
	if (!h || h->mode != CGROUP_V1 || !v2_table[0]) {
		T_SKIP("not a hybrid host", "v2 manager on the hybrid cgroup2 mount");
		return;
	}
	cgroup_set_mountinfo_for_tests(v2_table);
	T_OK(cgroup_detect(&mode, E) == 0 && mode == CGROUP_V2, "v2 manager on the cgroup2 mount");
	e.code = 0;
	T_OK(cgroup_create(parent, "c3", &l, E) < 0 && e.code == TUG_E_UNSUPPORTED,
	     "memory limit without the memory controller: %s", e.msg);
	T_OK(cgroup_path(NULL, parent, "c3", path, sizeof(path), E) == 0 && stat(path, &sb) < 0,
	     "the failed create was undone");
	T_OK(cgroup_create(parent, "c3", NULL, E) == 0, "create without limits (%s)", e.msg);
	kids[2] = spawn(&cmd, &rep);
	if (kids[2] <= 0)
		return;
	T_OK(cgroup_attach(parent, "c3", kids[2], E) == 0, "attach (%s)", e.msg);
	snprintf(want, sizeof(want), "0::/%s/c3\n", parent);
	T_OK(in_cgroup(kids[2], want), "/proc/pid/cgroup shows 0::/%s/c3", parent);
	T_OK(write(cmd, "g", 1) == 1 && read(rep, &c, 1) == 1 && c == 'r', "child ran");
	T_OK(cgroup_stats(parent, "c3", &st, E) == 0 && st.cpu_ns >= 100000000ULL,
	     "cpu.stat usage_usec counted (%llu ns)", (unsigned long long)st.cpu_ns);
	T_OK(cgroup_freeze(parent, "c3", 1, E) == 0, "freeze: cgroup.events says frozen (%s)",
	     e.msg);
	a = *counter;
	sleep_ms(100);
	b = *counter;
	T_OK(a == b, "frozen child does not run");
	T_OK(cgroup_freeze(parent, "c3", 0, E) == 0, "thaw (%s)", e.msg);
	sleep_ms(100);
	T_OK(*counter > b, "thawed child runs again");
	n = cgroup_pids(parent, "c3", &pids, E);
	T_OK(n == 1 && pids[0] == kids[2], "cgroup_pids (%d)", n);
	free(pids);
	T_OK(cgroup_freeze(parent, "c3", 1, E) == 0, "freeze again");
	T_OK(cgroup_destroy(parent, "c3", E) == 0, "destroy a frozen cgroup (%s)", e.msg);
	T_OK(reaped_killed(2, cmd, rep), "its process was killed");
	T_OK(cgroup_destroy("", parent, E) == 0, "parent removed (%s)", e.msg);
	cgroup_set_mountinfo_for_tests(NULL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int bench(int runs)
{
	double *t[3], t0, t1;
	struct cgroup_limits l = { .memory = 64 << 20, .nano_cpus = 500000000, .pids = 100 };
	struct tug_err e;
	enum cgroup_mode mode;
	int p[2], status;

	t0 = now_us();
	if (cgroup_detect(&mode, E) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	printf("cgroup detect (mountinfo parse, once per process): %.1f us\n", now_us() - t0);
	for (int k = 0; k < 3; k++)
		t[k] = calloc((size_t)runs, sizeof(double));
	for (int i = 0; i < runs; i++) {
		if (pipe(p) < 0)
			return 1;
		kids[3] = fork();
		if (kids[3] == 0) {
			char c;
			close(p[1]);
			_exit(read(p[0], &c, 1) < 0);
		}
		close(p[0]);
		t0 = now_us();
		if (cgroup_create(parent, "bench", &l, E) < 0)
			goto fail;
		t1 = now_us();
		t[0][i] = t1 - t0;
		if (cgroup_attach(parent, "bench", kids[3], E) < 0)
			goto fail;
		t[1][i] = now_us() - t1;
		close(p[1]);
		waitpid(kids[3], &status, 0);
		kids[3] = 0;
		t0 = now_us();
		if (cgroup_destroy(parent, "bench", E) < 0)
			goto fail;
		t[2][i] = now_us() - t0;
	}
	for (int k = 0; k < 3; k++)
		qsort(t[k], (size_t)runs, sizeof(double), cmp_double);
	printf("cgroup %s, %d runs, median us: create %.1f  attach %.1f  destroy %.1f  "
	       "total %.1f\n", mode == CGROUP_V2 ? "v2" : "v1", runs, t[0][runs / 2],
	       t[1][runs / 2], t[2][runs / 2], t[0][runs / 2] + t[1][runs / 2] + t[2][runs / 2]);
	return 0;
fail:
	fprintf(stderr, "bench: %s\n", e.msg);
	return 1;
}

int main(int argc, char **argv)
{
	int rc;

	snprintf(parent, sizeof(parent), "tug-unit-%d", (int)getpid());
	if (geteuid() != 0) {
		T_SKIP("needs root", "real cgroup on this host");
		return T_DONE();
	}
	counter = mmap(NULL, sizeof(*counter), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counter == MAP_FAILED)
		return 1;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGALRM, on_fatal);
	signal(SIGINT, on_fatal);
	signal(SIGTERM, on_fatal);
	signal(SIGSEGV, on_fatal);
	signal(SIGABRT, on_fatal);
	signal(SIGPIPE, SIG_IGN);
	alarm(60);
	if (argc > 1 && !strcmp(argv[1], "--bench")) {
		rc = bench(argc > 2 ? atoi(argv[2]) > 0 ? atoi(argv[2]) : 100 : 100);
		cleanup();
		return rc;
	}
	test_real();
	test_real_v2_on_hybrid();
	cleanup();
	T_OK(left_behind() == 0, "nothing left behind in any hierarchy");
	return T_DONE();
}
