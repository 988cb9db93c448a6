/* cgroup-fs.c - knob reads and writes, line parsing and cgroup tree
 * removal shared by the v1 and v2 managers. Everything here sits on the
 * container start path or the console's sampling loop: stack buffers,
 * one open/read-or-write/close per knob, no malloc except for pid lists. */
#include "runtime/cgroup-impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CG_REMOVE_TIMEOUT_MS 5000
#define CG_WAIT_TIMEOUT_MS 2000
#define CG_LINE_MAX 4096

int cg_path(char *buf, size_t size, const char *mnt, const char *rel, const char *file,
	    struct tug_err *err)
{
	int n;

	if (file)
		n = snprintf(buf, size, "%s%s%s/%s", mnt, *rel ? "/" : "", rel, file);
	else
		n = snprintf(buf, size, "%s%s%s", mnt, *rel ? "/" : "", rel);
	if (n < 0 || (size_t)n >= size)
		return tug_errf(err, TUG_E_INVALID, "cgroup %s/%s: path too long", mnt, rel);
	return 0;
}

/* Does the directory holding path exist? Asked only on the error path. */
static int dir_exists(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	return stat(dir, &st) == 0;
}

static const char *hint(int e, const char *what, const char *path)
{
	int writing = !strncmp(what, "write", 5);

	switch (e) {
	case EACCES:
	case EPERM:
		return " (are you root?)";
	case EROFS:
		return " (the cgroup filesystem is read-only: run tug on the host or in a "
		       "privileged container)";
	case ENOENT:
		if (!writing)
			return "";
		return dir_exists(path) ? " (this kernel or cgroup has no such knob: is the "
					  "controller enabled?)" :
					  " (no such cgroup: was the container removed?)";
	case ESRCH:
		return " (the process has already exited)";
	case ENOSPC:
		return " (cpuset has no cpus or mems, or too many cgroups)";
	case EBUSY:
		return strncmp(what, "enable", 6) && !strstr(path, "subtree_control") ?
		       " (processes are still inside)" :
		       " (that cgroup has processes of its own, which cgroup v2 forbids "
		       "with controllers enabled for children)";
	case EOPNOTSUPP:
		return " (a threaded cgroup cannot take processes)";
	default:
		return "";
	}
}

int cg_fail(struct tug_err *err, const char *label, const char *what, const char *path)
{
	int e = errno;
	size_t n;

	tug_errno(err, "cgroup %s: %s %s", label, what, path);
	if (err) {
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, "%s", hint(e, what, path));
		if (e == EINVAL && !strncmp(what, "write", 5))
			err->code = TUG_E_INVALID;
	}
	errno = e;
	return -1;
}

int cg_write(const char *dir, const char *file, const char *val, const char *label,
	     struct tug_err *err)
{
	char path[PATH_MAX], what[96];
	size_t len = strlen(val);
	ssize_t w;
	int fd;

	if (cg_path(path, sizeof(path), dir, "", file, err) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd >= 0) {
		do
			w = write(fd, val, len);
		while (w < 0 && errno == EINTR);
		if (w == (ssize_t)len) {
			close(fd);
			return 0;
		}
		if (w >= 0)
			errno = EIO;
		int e = errno;
		close(fd);
		errno = e;
	}
	snprintf(what, sizeof(what), "write '%s' to", val);
	return cg_fail(err, label, what, path);
}

static int open_knob(const char *dir, const char *file)
{
	char path[PATH_MAX];

	if (cg_path(path, sizeof(path), dir, "", file, NULL) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* read(2) past EINTR; on error the fd is closed with errno kept */
static ssize_t read_or_close(int fd, char *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return r;
}

ssize_t cg_read(const char *dir, const char *file, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	int fd = open_knob(dir, file);

	if (fd < 0)
		return -1;
	/* seq_file hands out at most a page per read: loop to EOF */
	while (n + 1 < size) {
		r = read_or_close(fd, buf + n, size - 1 - n);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return (ssize_t)n;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || (*end && *end != '\n' && *end != ' ')) {
		errno = EINVAL;
		return -1;
	}
	*out = v;
	return 0;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out)
{
	char buf[64];

	if (cg_read(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	return parse_u64(buf, out);
}

int cg_read_limit(const char *dir, const char *file, uint64_t *out)
{
	char buf[64];

	if (cg_read(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	if (!strcmp(buf, "max") || !strcmp(buf, "-1")) {
		*out = 0;
		return 0;
	}
	if (parse_u64(buf, out) < 0)
		return -1;
	/* v1 says "unlimited" with PAGE_COUNTER_MAX pages (9223372036854771712
	 * on 4 KiB pages); nothing real comes near 2^60 bytes */
	if (*out >= (1ULL << 60))
		*out = 0;
	return 0;
}

int cg_each_line(const char *dir, const char *file, int (*fn)(char *line, void *ctx),
		 void *ctx)
{
	char buf[CG_LINE_MAX + 1];
	size_t have = 0;
	int skipping = 0, fd = open_knob(dir, file);
	ssize_t r;

	if (fd < 0)
		return -1;
	for (;;) {
		char *p, *nl;

		r = read_or_close(fd, buf + have, CG_LINE_MAX - have);
		if (r < 0)
			return -1;
		if (r == 0 && have == 0)
			break;
		if (r == 0)
			buf[have++] = '\n';   /* a last line without newline */
		else
			have += (size_t)r;
		p = buf;
		while ((nl = memchr(p, '\n', have - (size_t)(p - buf)))) {
			*nl = '\0';
			if (!skipping && fn(p, ctx)) {
				close(fd);
				return 0;
			}
			skipping = 0;
			p = nl + 1;
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (have == CG_LINE_MAX) {  /* an over-long line: drop it */
			have = 0;
			skipping = 1;
		}
	}
	close(fd);
	return 0;
}

int cg_key_u64(const char *line, const char *key, uint64_t *out)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) || line[n] != ' ')
		return 0;
	return parse_u64(line + n + 1, out) == 0;
}

struct key_ctx {
	const char *key;
	uint64_t v;
	int found;
};

static int key_line(char *line, void *ctx)
{
	struct key_ctx *k = ctx;

	k->found = cg_key_u64(line, k->key, &k->v);
	return k->found;   /* stop at the key */
}

int cg_read_key(const char *dir, const char *file, const char *key, uint64_t *out)
{
	struct key_ctx k = { key, 0, 0 };

	if (cg_each_line(dir, file, key_line, &k) < 0)
		return -1;
	if (!k.found) {
		errno = ENODATA;
		return -1;
	}
	*out = k.v;
	return 0;
}

void cg_fmt_limit(char *buf, size_t size, int64_t v, const char *unlimited)
{
	if (v)
		snprintf(buf, size, "%lld", (long long)v);
	else
		snprintf(buf, size, "%s", unlimited);
}

int cg_exists(const char *dir, const char *rel, const char *label, struct tug_err *err)
{
	struct stat st;

	if (stat(dir, &st) == 0)
		return 0;
	if (errno == ENOENT)
		return tug_errf(err, TUG_E_NOTFOUND,
				"cgroup %s: no such cgroup (is the container running?)", rel);
	return cg_fail(err, label, "stat", dir);
}

int cg_has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ", ");
		if (len == n && !strncmp(p, tok, n))
			return 1;
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

int cg_mkdir(const char *dir, const char *label, struct tug_err *err)
{
	char parent[PATH_MAX];
	char *slash;

	if (mkdir(dir, 0755) == 0)
		return 1;
	if (errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return cg_fail(err, label, "create", dir);
	/* the parent ("tug") is missing: the first container on this boot */
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return cg_fail(err, label, "create", dir);
	*slash = '\0';
	if (cg_mkdir(parent, label, err) < 0)
		return -1;
	if (mkdir(dir, 0755) == 0)
		return 1;
	if (errno == EEXIST)
		return 0;
	return cg_fail(err, label, "create", dir);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void backoff(long *us)
{
	struct timespec ts = { 0, *us * 1000L };

	nanosleep(&ts, NULL);
	if (*us < 50000)
		*us *= 2;
}

/* A fixture tree holds the knob files cgroupfs would make vanish. */
static void drop_knob_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_type != DT_DIR)
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/* Depth-first rmdir of the descendants; what is still busy stays. */
static void remove_children(const struct cg_state *s, const char *dir)
{
	char sub[PATH_MAX];
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (cg_path(sub, sizeof(sub), dir, de->d_name, NULL, NULL) < 0)
			continue;
		remove_children(s, sub);
		if (s->testing)
			drop_knob_files(sub);
		rmdir(sub);
	}
	closedir(d);
}

int cg_remove(const struct cg_state *s, const char *dir, const char *label,
	      void (*kill)(const struct cg_state *s, const char *dir, void *ctx), void *ctx,
	      struct tug_err *err)
{
	long deadline = 0, delay = 1000;

	for (;;) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno == ENOTEMPTY && s->testing) {
			remove_children(s, dir);
			drop_knob_files(dir);
			if (rmdir(dir) == 0)
				return 0;
			return cg_fail(err, label, "remove", dir);
		}
		if (errno != EBUSY)
			return cg_fail(err, label, "remove", dir);
		/* processes or child cgroups left: the slow path */
		if (!deadline)
			deadline = now_ms() + CG_REMOVE_TIMEOUT_MS;
		else if (now_ms() > deadline)
			return tug_errf(err, TUG_E_CONFLICT, "cgroup %s: remove %s: still busy after "
					"%d s (processes stuck in uninterruptible sleep?); left in place",
					label, dir, CG_REMOVE_TIMEOUT_MS / 1000);
		if (kill)
			kill(s, dir, ctx);
		remove_children(s, dir);
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		backoff(&delay);
	}
}

struct pid_list {
	pid_t **pids;
	size_t *n, *cap;
	int oom;
};

static int add_pid(char *line, void *ctx)
{
	struct pid_list *pl = ctx;
	long v = strtol(line, NULL, 10);

	if (v <= 0)
		return 0;
	if (*pl->n == *pl->cap) {
		size_t cap = *pl->cap ? *pl->cap * 2 : 32;
		pid_t *np = realloc(*pl->pids, cap * sizeof(pid_t));
		if (!np) {
			pl->oom = 1;
			return 1;
		}
		*pl->pids = np;
		*pl->cap = cap;
	}
	(*pl->pids)[(*pl->n)++] = (pid_t)v;
	return 0;
}

int cg_collect_pids(const char *dir, pid_t **pids, size_t *n, size_t *cap, struct tug_err *err)
{
	struct pid_list pl = { pids, n, cap, 0 };
	char sub[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (cg_each_line(dir, "cgroup.procs", add_pid, &pl) < 0) {
		char path[PATH_MAX];
		cg_path(path, sizeof(path), dir, "", "cgroup.procs", NULL);
		return cg_fail(err, "procs", "read", path);
	}
	if (pl.oom)
		return tug_errf(err, TUG_E_GENERIC, "cgroup %s: out of memory listing pids", dir);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (cg_path(sub, sizeof(sub), dir, de->d_name, NULL, NULL) < 0)
			continue;
		if (cg_collect_pids(sub, pids, n, cap, err) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

static int kill_line(char *line, void *ctx)
{
	long v = strtol(line, NULL, 10);

	(void)ctx;
	if (v > 0)
		kill((pid_t)v, SIGKILL);
	return 0;
}

void cg_kill_tree(const struct cg_state *s, const char *dir)
{
	char sub[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (s->testing)
		return;
	cg_each_line(dir, "cgroup.procs", kill_line, NULL);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (cg_path(sub, sizeof(sub), dir, de->d_name, NULL, NULL) == 0)
			cg_kill_tree(s, sub);
	}
	closedir(d);
}

int cg_wait(const char *dir, int want, int (*check)(const char *dir, int want),
	    void (*again)(const char *dir, int want))
{
	long deadline = now_ms() + CG_WAIT_TIMEOUT_MS, delay = 100;

	for (int i = 1;; i++) {
		if (check(dir, want))
			return 0;
		if (now_ms() > deadline)
			return -1;
		if (again && i % 10 == 0)
			again(dir, want);
		backoff(&delay);
	}
}
