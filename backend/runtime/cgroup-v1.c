/* cgroup-v1.c - the manager for v1 and hybrid hosts: one directory per
 * hierarchy (memory, cpu, cpuacct, pids, blkio, freezer; comounted ones
 * once), limits in the v1 knob files, stats read as docker reads them. */
#include "runtime/cgroup-impl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CFS_PERIOD_US 100000

static int dir_of(const struct cg_state *s, enum cg_ctrl c, const char *rel, char *buf,
		  size_t size, struct tug_err *err)
{
	return cg_path(buf, size, cg_mnt(s, c), rel, NULL, err);
}

static int need(const struct cg_state *s, enum cg_ctrl c, const char *what, const char *rel,
		struct tug_err *err)
{
	if (s->ctrl[c] >= 0)
		return 0;
	return tug_errf(err, TUG_E_UNSUPPORTED,
			"cgroup %s: %s needs the v1 %s controller, which this host does not mount",
			rel, what, cg_ctrl_names[c]);
}

static int set_memory(const struct cg_state *s, const char *rel,
		      const struct cgroup_limits *l, int reused, struct tug_err *err)
{
	const char *label = cg_label(s, CG_MEMORY);
	char dir[PATH_MAX], mem[32], sw[32];
	int64_t total;

	if (dir_of(s, CG_MEMORY, rel, dir, sizeof(dir), err) < 0)
		return -1;
	total = !l->memory ? 0 : l->memory_swap ? l->memory_swap : 2 * l->memory;
	cg_fmt_limit(mem, sizeof(mem), l->memory, "-1");
	cg_fmt_limit(sw, sizeof(sw), total, "-1");
	/* memsw may never drop below memory: on a reused cgroup whose old
	 * limits are unknown, lift memsw first so both writes are legal */
	if (reused && cg_write(dir, "memory.memsw.limit_in_bytes", "-1", label, err) < 0 &&
	    errno != ENOENT)
		return -1;
	if ((l->memory || reused) && cg_write(dir, "memory.limit_in_bytes", mem, label, err) < 0)
		return -1;
	/* no memsw file: the kernel does no swap accounting (swapaccount=0) */
	if ((l->memory || reused) &&
	    cg_write(dir, "memory.memsw.limit_in_bytes", sw, label, err) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

static int set_cpu(const struct cg_state *s, const char *rel, const struct cgroup_limits *l,
		   int reused, struct tug_err *err)
{
	const char *label = cg_label(s, CG_CPU);
	char dir[PATH_MAX], quota[32], period[16];
	int64_t q;

	if (!l->nano_cpus && !reused)
		return 0;
	if (dir_of(s, CG_CPU, rel, dir, sizeof(dir), err) < 0)
		return -1;
	q = l->nano_cpus / (1000000000LL / CFS_PERIOD_US);
	if (l->nano_cpus && q < 1000)
		q = 1000;   /* the kernel's minimum quota, 1 ms */
	cg_fmt_limit(quota, sizeof(quota), l->nano_cpus ? q : 0, "-1");
	snprintf(period, sizeof(period), "%d", CFS_PERIOD_US);
	if (cg_write(dir, "cpu.cfs_period_us", period, label, err) < 0 ||
	    cg_write(dir, "cpu.cfs_quota_us", quota, label, err) < 0)
		return -1;
	return 0;
}

static int set_pids(const struct cg_state *s, const char *rel, const struct cgroup_limits *l,
		    int reused, struct tug_err *err)
{
	char dir[PATH_MAX], max[32];

	if (!l->pids && !reused)
		return 0;
	if (s->ctrl[CG_PIDS] < 0)
		return 0;   /* reused without a limit on a host without pids */
	if (dir_of(s, CG_PIDS, rel, dir, sizeof(dir), err) < 0)
		return -1;
	cg_fmt_limit(max, sizeof(max), l->pids, "max");
	return cg_write(dir, "pids.max", max, cg_label(s, CG_PIDS), err);
}

static int v1_create(const struct cg_state *s, const char *parent, const char *rel,
		     const struct cgroup_limits *l, struct tug_err *err)
{
	char dirs[CG_NCTRL][PATH_MAX];
	int created[CG_NCTRL] = { 0 }, reused = 0, i, n = 0;

	(void)parent;
	if ((l->memory && need(s, CG_MEMORY, "a memory limit", rel, err) < 0) ||
	    (l->nano_cpus && need(s, CG_CPU, "a CPU limit", rel, err) < 0) ||
	    (l->pids && need(s, CG_PIDS, "a pids limit", rel, err) < 0))
		return -1;
	for (; n < s->nuse; n++) {
		const struct cgroup_mount *m = &s->host.mounts[s->use[n]];
		int r;
		if (cg_path(dirs[n], sizeof(dirs[n]), m->path, rel, NULL, err) < 0)
			goto undo;
		r = cg_mkdir(dirs[n], m->controllers, err);
		if (r < 0)
			goto undo;
		created[n] = r;
		reused |= !r;
	}
	if (s->ctrl[CG_MEMORY] >= 0 && set_memory(s, rel, l, reused, err) < 0)
		goto undo;
	if (s->ctrl[CG_CPU] >= 0 && set_cpu(s, rel, l, reused, err) < 0)
		goto undo;
	if (set_pids(s, rel, l, reused, err) < 0)
		goto undo;
	return 0;
undo:
	for (i = 0; i < n; i++)
		if (created[i])
			rmdir(dirs[i]);
	return -1;
}

static int v1_attach(const struct cg_state *s, const char *rel, pid_t pid, struct tug_err *err)
{
	char dir[PATH_MAX], val[16];

	snprintf(val, sizeof(val), "%d", (int)pid);
	for (int i = 0; i < s->nuse; i++) {
		const struct cgroup_mount *m = &s->host.mounts[s->use[i]];
		if (cg_path(dir, sizeof(dir), m->path, rel, NULL, err) < 0 ||
		    cg_write(dir, "cgroup.procs", val, m->controllers, err) < 0)
			return pid ? tug_err_wrap(err, "attach pid %d", (int)pid) : tug_err_wrap(err, "join it");
	}
	return 0;
}

/* "8:0 Read 4096" ... "Total 8192": sum Read and Write over devices */
static int blkio_line(char *line, void *ctx)
{
	struct cg_io *b = ctx;
	char op[16];
	unsigned long long v;

	if (sscanf(line, "%*s %15s %llu", op, &v) != 2)
		return 0;
	if (!strcmp(op, "Read"))
		b->read += v;
	else if (!strcmp(op, "Write"))
		b->write += v;
	return 0;
}

static int v1_stats(const struct cg_state *s, const char *rel, struct cgroup_stats *out,
		    struct tug_err *err)
{
	const struct cgroup_mount *first = &s->host.mounts[s->use[0]];
	char dir[PATH_MAX];
	uint64_t v = 0;

	/* one stat tells "gone" from "a knob this kernel lacks" */
	if (cg_path(dir, sizeof(dir), first->path, rel, NULL, err) < 0 ||
	    cg_exists(dir, rel, first->controllers, err) < 0)
		return -1;

	if (s->ctrl[CG_CPUACCT] >= 0 && dir_of(s, CG_CPUACCT, rel, dir, sizeof(dir), err) == 0)
		cg_read_u64(dir, "cpuacct.usage", &out->cpu_ns);

	if (s->ctrl[CG_MEMORY] >= 0 && dir_of(s, CG_MEMORY, rel, dir, sizeof(dir), err) == 0) {
		uint64_t usage = 0, inactive = 0;
		cg_read_u64(dir, "memory.usage_in_bytes", &usage);
		cg_read_key(dir, "memory.stat", "total_inactive_file", &inactive);
		out->mem_usage = usage > inactive ? usage - inactive : 0;
		cg_read_limit(dir, "memory.limit_in_bytes", &out->mem_limit);
		if (cg_read_key(dir, "memory.oom_control", "oom_kill", &v) == 0)
			out->oom_kills = (int)v;
	}

	if (s->ctrl[CG_BLKIO] >= 0 && dir_of(s, CG_BLKIO, rel, dir, sizeof(dir), err) == 0) {
		struct cg_io b = { 0, 0 };
		/* _recursive counts IO of nested cgroups too; older kernels
		 * only have the flat file */
		if (cg_each_line(dir, "blkio.throttle.io_service_bytes_recursive", blkio_line,
				 &b) < 0)
			cg_each_line(dir, "blkio.throttle.io_service_bytes", blkio_line, &b);
		out->blk_read = b.read;
		out->blk_write = b.write;
	}

	if (s->ctrl[CG_PIDS] >= 0 && dir_of(s, CG_PIDS, rel, dir, sizeof(dir), err) == 0) {
		cg_read_u64(dir, "pids.current", &out->pids);
		cg_read_limit(dir, "pids.max", &out->pids_limit);
	}
	return 0;
}

static int frozen_is(const char *dir, int want)
{
	char buf[32];

	if (cg_read(dir, "freezer.state", buf, sizeof(buf)) < 0)
		return 0;
	return !strcmp(buf, want ? "FROZEN" : "THAWED");
}

/* a task that was busy (vfork, D state) can leave the cgroup FREEZING:
 * asking again is how runc and crun get it to FROZEN */
static void freeze_again(const char *dir, int want)
{
	cg_write(dir, "freezer.state", want ? "FROZEN" : "THAWED", "freezer", NULL);
}

static int v1_freeze(const struct cg_state *s, const char *rel, int frozen, struct tug_err *err)
{
	const char *label = cg_label(s, CG_FREEZER);
	char dir[PATH_MAX];

	if (need(s, CG_FREEZER, frozen ? "pause" : "unpause", rel, err) < 0 ||
	    dir_of(s, CG_FREEZER, rel, dir, sizeof(dir), err) < 0)
		return -1;
	if (cg_write(dir, "freezer.state", frozen ? "FROZEN" : "THAWED", label, err) < 0)
		return -1;
	if (cg_wait(dir, frozen, frozen_is, freeze_again) == 0)
		return 0;
	if (frozen)
		freeze_again(dir, 0);
	return tug_errf(err, TUG_E_CONFLICT,
			"cgroup %s: %s: not %s after 2 s (a process stuck in uninterruptible "
			"sleep?)%s", label, dir, frozen ? "FROZEN" : "THAWED",
			frozen ? "; thawed again" : "");
}

static int v1_procs_dir(const struct cg_state *s, const char *rel, char *buf, size_t size,
			struct tug_err *err)
{
	/* the freezer sees what pause stops; else any hierarchy tug joins */
	int m = s->ctrl[CG_FREEZER] >= 0 ? s->ctrl[CG_FREEZER] : s->use[0];

	return cg_path(buf, size, s->host.mounts[m].path, rel, NULL, err);
}

/* a frozen task cannot die: kill, then thaw so the SIGKILLs land */
static void v1_kill(const struct cg_state *s, const char *dir, void *ctx)
{
	const char *rel = ctx;
	char fdir[PATH_MAX];

	cg_kill_tree(s, dir);
	if (s->ctrl[CG_FREEZER] >= 0 && !s->testing &&
	    dir_of(s, CG_FREEZER, rel, fdir, sizeof(fdir), NULL) == 0)
		cg_write(fdir, "freezer.state", "THAWED", "freezer", NULL);
}

static int v1_destroy(const struct cg_state *s, const char *rel, struct tug_err *err)
{
	char dir[PATH_MAX];
	int rc = 0;

	/* every hierarchy is tried even when one fails, so as little as
	 * possible is left behind; the first error is reported */
	for (int i = 0; i < s->nuse; i++) {
		const struct cgroup_mount *m = &s->host.mounts[s->use[i]];
		struct tug_err e2;
		if (cg_path(dir, sizeof(dir), m->path, rel, NULL, rc ? &e2 : err) < 0 ||
		    cg_remove(s, dir, m->controllers, v1_kill, (void *)rel, rc ? &e2 : err) < 0)
			rc = -1;
	}
	return rc;
}

static int v1_oom_kills(const struct cg_state *s, const char *rel, int *out, struct tug_err *err)
{
	char dir[PATH_MAX];
	uint64_t v = 0;

	if (s->ctrl[CG_MEMORY] < 0)
		return 0;
	if (dir_of(s, CG_MEMORY, rel, dir, sizeof(dir), err) < 0)
		return -1;
	if (cg_read_key(dir, "memory.oom_control", "oom_kill", &v) == 0)
		*out = (int)v;
	return 0;
}

const struct cg_ops cg_v1_ops = {
	.name = "v1",
	.create = v1_create,
	.attach = v1_attach,
	.stats = v1_stats,
	.freeze = v1_freeze,
	.procs_dir = v1_procs_dir,
	.destroy = v1_destroy,
	.oom_kills = v1_oom_kills,
};
