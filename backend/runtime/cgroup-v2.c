/* cgroup-v2.c - the manager for unified (v2) hosts: one directory, the
 * controllers enabled down from the root through the parent's
 * cgroup.subtree_control, limits in memory.max, memory.swap.max, cpu.max
 * and pids.max, stats read as docker reads them. */
#include "runtime/cgroup-impl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CFS_PERIOD_US 100000
#define LABEL "v2"

/* the controllers a container's cgroup gets, in the order enabled */
static const char *const wanted[] = { "cpu", "memory", "pids", "io" };
#define NWANTED (sizeof(wanted) / sizeof(wanted[0]))

static const char *mnt(const struct cg_state *s)
{
	return s->host.mounts[s->v2].path;
}

/* Enable every wanted controller the level offers but does not yet pass
 * on. One write for all in the common case; one per controller when the
 * kernel refuses one (cpu with realtime tasks about), so the rest still
 * work and a limit on the refused one fails later with its own message. */
static int enable_at(const char *dir, struct tug_err *err)
{
	char avail[512], on[512], req[64] = "";
	size_t n = 0;

	if (cg_read(dir, "cgroup.controllers", avail, sizeof(avail)) < 0) {
		char path[PATH_MAX];
		cg_path(path, sizeof(path), dir, "", "cgroup.controllers", NULL);
		return cg_fail(err, LABEL, "read", path);
	}
	if (cg_read(dir, "cgroup.subtree_control", on, sizeof(on)) < 0)
		on[0] = '\0';
	for (size_t i = 0; i < NWANTED; i++)
		if (cg_has_token(avail, wanted[i]) && !cg_has_token(on, wanted[i]))
			n += (size_t)snprintf(req + n, sizeof(req) - n, "%s+%s", n ? " " : "",
					      wanted[i]);
	if (!n)
		return 0;
	if (cg_write(dir, "cgroup.subtree_control", req, LABEL, err) == 0)
		return 0;
	if (errno == EACCES || errno == EPERM || errno == EROFS || errno == ENOENT)
		return -1;
	for (size_t i = 0; i < NWANTED; i++) {
		char one[16];
		if (!cg_has_token(avail, wanted[i]) || cg_has_token(on, wanted[i]))
			continue;
		snprintf(one, sizeof(one), "+%s", wanted[i]);
		cg_write(dir, "cgroup.subtree_control", one, LABEL, NULL);
	}
	return 0;
}

/* Make sure parent exists and hands the wanted controllers to its
 * children. Fast path: one read of the parent's subtree_control. */
static int prepare_parent(const struct cg_state *s, const char *parent, struct tug_err *err)
{
	char dir[PATH_MAX], on[512], avail[512];
	const char *c;
	size_t i;

	if (cg_path(dir, sizeof(dir), mnt(s), parent, NULL, err) < 0)
		return -1;
	if (cg_read(dir, "cgroup.subtree_control", on, sizeof(on)) >= 0) {
		for (i = 0; i < NWANTED && cg_has_token(on, wanted[i]); i++)
			;
		if (i == NWANTED)
			return 0;
		/* some are off: fine if the host simply lacks them */
		if (cg_read(dir, "cgroup.controllers", avail, sizeof(avail)) >= 0) {
			for (i = 0; i < NWANTED; i++)
				if (cg_has_token(avail, wanted[i]) && !cg_has_token(on, wanted[i]))
					break;
			if (i == NWANTED)
				return 0;
		}
	}
	/* slow path, once per boot: walk from the root down to parent */
	snprintf(dir, sizeof(dir), "%s", mnt(s));
	c = parent;
	for (;;) {
		size_t len;
		if (enable_at(dir, err) < 0)
			return tug_err_wrap(err, "enable controllers for %s", parent);
		if (!*c)
			return 0;
		len = strcspn(c, "/");
		if (strlen(dir) + 1 + len >= sizeof(dir))
			return tug_errf(err, TUG_E_INVALID, "cgroup %s: path too long", parent);
		strcat(dir, "/");
		strncat(dir, c, len);
		if (cg_mkdir(dir, LABEL, err) < 0)
			return -1;
		c += len;
		if (*c)
			c++;
	}
}

/* A missing knob means the controller is not enabled here: an error for
 * a limit asked for, nothing to reset when lifting an old one. */
static int knob(const char *dir, const char *file, const char *val, const char *ctrl,
		int asked, struct tug_err *err)
{
	if (cg_write(dir, file, val, LABEL, err) == 0)
		return 0;
	if (errno == ENOENT && !asked)
		return 0;
	if (errno == ENOENT)
		tug_errf(err, TUG_E_UNSUPPORTED,
			 "cgroup %s: no %s: the %s controller is not enabled for it (the host must "
			 "list it in cgroup.controllers, and the parent enable it in "
			 "cgroup.subtree_control)", dir, file, ctrl);
	return -1;
}

static int v2_create(const struct cg_state *s, const char *parent, const char *rel,
		     const struct cgroup_limits *l, struct tug_err *err)
{
	char dir[PATH_MAX], v[48];
	int created, reused;
	int64_t q, swap;

	if (prepare_parent(s, parent, err) < 0)
		return -1;
	if (cg_path(dir, sizeof(dir), mnt(s), rel, NULL, err) < 0)
		return -1;
	created = cg_mkdir(dir, LABEL, err);
	if (created < 0)
		return -1;
	reused = !created;

	if (l->memory || reused) {
		cg_fmt_limit(v, sizeof(v), l->memory, "max");
		if (knob(dir, "memory.max", v, "memory", l->memory != 0, err) < 0)
			goto undo;
		/* v2 counts swap apart from memory: docker's memory+swap total
		 * becomes total - memory; its default (2x) leaves swap = memory */
		swap = l->memory_swap ? l->memory_swap - l->memory : l->memory;
		if (!l->memory || l->memory_swap < 0)
			snprintf(v, sizeof(v), "max");
		else   /* 0 is a real value here: no swap */
			snprintf(v, sizeof(v), "%" PRId64, swap);
		/* no memory.swap.max: the kernel does no swap accounting */
		if (cg_write(dir, "memory.swap.max", v, LABEL, err) < 0 && errno != ENOENT)
			goto undo;
	}
	if (l->nano_cpus || reused) {
		q = l->nano_cpus / (1000000000LL / CFS_PERIOD_US);
		if (q < 1000)
			q = 1000;   /* the kernel's minimum quota, 1 ms */
		if (l->nano_cpus)
			snprintf(v, sizeof(v), "%" PRId64 " %d", q, CFS_PERIOD_US);
		else
			snprintf(v, sizeof(v), "max %d", CFS_PERIOD_US);
		if (knob(dir, "cpu.max", v, "cpu", l->nano_cpus != 0, err) < 0)
			goto undo;
	}
	if (l->pids || reused) {
		cg_fmt_limit(v, sizeof(v), l->pids, "max");
		if (knob(dir, "pids.max", v, "pids", l->pids != 0, err) < 0)
			goto undo;
	}
	return 0;
undo:
	if (created)
		rmdir(dir);
	return -1;
}

static int v2_attach(const struct cg_state *s, const char *rel, pid_t pid, struct tug_err *err)
{
	char dir[PATH_MAX], val[16];

	snprintf(val, sizeof(val), "%d", (int)pid);
	if (cg_path(dir, sizeof(dir), mnt(s), rel, NULL, err) < 0 ||
	    cg_write(dir, "cgroup.procs", val, LABEL, err) < 0)
		return pid ? tug_err_wrap(err, "attach pid %d", (int)pid) : tug_err_wrap(err, "join it");
	return 0;
}

/* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device */
static int io_line(char *line, void *ctx)
{
	struct cg_io *io = ctx;
	uint64_t v;

	for (char *p = strchr(line, ' '); p; p = strchr(p, ' ')) {
		p++;
		if (sscanf(p, "rbytes=%" SCNu64, &v) == 1)
			io->read += v;
		else if (sscanf(p, "wbytes=%" SCNu64, &v) == 1)
			io->write += v;
	}
	return 0;
}

static int v2_stats(const struct cg_state *s, const char *rel, struct cgroup_stats *out,
		    struct tug_err *err)
{
	char dir[PATH_MAX];
	uint64_t v = 0, usage = 0, inactive = 0;
	struct cg_io io = { 0, 0 };

	if (cg_path(dir, sizeof(dir), mnt(s), rel, NULL, err) < 0 ||
	    cg_exists(dir, rel, LABEL, err) < 0)
		return -1;
	if (cg_read_key(dir, "cpu.stat", "usage_usec", &v) == 0)
		out->cpu_ns = v * 1000;
	cg_read_u64(dir, "memory.current", &usage);
	cg_read_key(dir, "memory.stat", "inactive_file", &inactive);
	out->mem_usage = usage > inactive ? usage - inactive : 0;
	cg_read_limit(dir, "memory.max", &out->mem_limit);
	if (cg_read_key(dir, "memory.events", "oom_kill", &v) == 0)
		out->oom_kills = (int)v;
	cg_each_line(dir, "io.stat", io_line, &io);
	out->blk_read = io.read;
	out->blk_write = io.write;
	cg_read_u64(dir, "pids.current", &out->pids);
	cg_read_limit(dir, "pids.max", &out->pids_limit);
	return 0;
}

static int events_frozen(const char *dir, int want)
{
	uint64_t v;

	return cg_read_key(dir, "cgroup.events", "frozen", &v) == 0 && v == (uint64_t)want;
}

static int v2_freeze(const struct cg_state *s, const char *rel, int frozen, struct tug_err *err)
{
	char dir[PATH_MAX];

	if (cg_path(dir, sizeof(dir), mnt(s), rel, NULL, err) < 0)
		return -1;
	if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", LABEL, err) < 0) {
		if (errno == ENOENT)
			tug_errf(err, TUG_E_UNSUPPORTED, "cgroup %s: no cgroup.freeze: pause needs "
				 "Linux 5.2 or later, or the cgroup is gone", dir);
		return -1;
	}
	if (cg_wait(dir, frozen, events_frozen, NULL) == 0)
		return 0;
	if (frozen)
		cg_write(dir, "cgroup.freeze", "0", LABEL, NULL);
	return tug_errf(err, TUG_E_CONFLICT, "cgroup %s: not %s after 2 s%s", dir,
			frozen ? "frozen" : "thawed", frozen ? "; thawed again" : "");
}

static int v2_procs_dir(const struct cg_state *s, const char *rel, char *buf, size_t size,
			struct tug_err *err)
{
	return cg_path(buf, size, mnt(s), rel, NULL, err);
}

/* cgroup.kill (Linux 5.14) kills the whole subtree, frozen or not, in
 * one write; older kernels get SIGKILL per pid and a thaw */
static void v2_kill(const struct cg_state *s, const char *dir, void *ctx)
{
	(void)ctx;
	if (s->testing)
		return;
	if (cg_write(dir, "cgroup.kill", "1", LABEL, NULL) == 0)
		return;
	cg_kill_tree(s, dir);
	cg_write(dir, "cgroup.freeze", "0", LABEL, NULL);
}

static int v2_destroy(const struct cg_state *s, const char *rel, struct tug_err *err)
{
	char dir[PATH_MAX];

	if (cg_path(dir, sizeof(dir), mnt(s), rel, NULL, err) < 0)
		return -1;
	return cg_remove(s, dir, LABEL, v2_kill, NULL, err);
}

static int v2_oom_kills(const struct cg_state *s, const char *rel, int *out, struct tug_err *err)
{
	char dir[PATH_MAX];
	uint64_t v = 0;

	if (cg_path(dir, sizeof(dir), mnt(s), rel, NULL, err) < 0)
		return -1;
	if (cg_read_key(dir, "memory.events", "oom_kill", &v) == 0)
		*out = (int)v;
	return 0;
}

const struct cg_ops cg_v2_ops = {
	.name = "v2",
	.create = v2_create,
	.attach = v2_attach,
	.stats = v2_stats,
	.freeze = v2_freeze,
	.procs_dir = v2_procs_dir,
	.destroy = v2_destroy,
	.oom_kills = v2_oom_kills,
};
