/* cgroup.h - one small interface over cgroup v2, v1 and hybrid hosts.
 *
 * The mode is detected once per process (cgroup_detect) from
 * /proc/self/mountinfo and cached in static memory: v1 when any v1
 * hierarchy carries a controller tug uses (memory, cpu, cpuacct, pids,
 * blkio, freezer), whether those controllers are mounted separately or
 * comounted ("cpu,cpuacct"); hybrid hosts (v1 controllers plus an empty
 * cgroup2, usually at /sys/fs/cgroup/unified) count as v1 and the cgroup2
 * mount is ignored for controllers; v2 when only a cgroup2 mount is there.
 * Each controller's mount point comes from the mount table: nothing
 * assumes /sys/fs/cgroup.
 *
 * A container's cgroup is <parent>/<name> under every v1 hierarchy tug
 * uses (cpuset and devices are left alone: tug sets no cpuset, so the
 * container keeps its creator's, and device access is enforced by the
 * container's /dev, not by the devices controller) or under the single v2
 * hierarchy. Paths are absolute from each hierarchy's root, NOT relative
 * to the cgroup of the process that creates them, so every tug process
 * (CLI, console, monitor) finds the same directories. parent may be
 * nested ("tug/web") or "" (the hierarchy root); name is one component.
 *
 * Every function except the test hooks is thread-safe; the console
 * samples stats from worker threads.
 */
#ifndef TUG_CGROUP_H
#define TUG_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "util/err.h"

enum cgroup_mode { CGROUP_V1 = 1, CGROUP_V2 = 2 };

struct cgroup_limits {
	int64_t memory;      /* bytes, 0 = none */
	int64_t nano_cpus;   /* 1e9 = one CPU, 0 = none */
	int64_t pids;        /* 0 = none */
	/* memory plus swap, docker's --memory-swap; used only with memory.
	 * 0 = docker's default, twice memory (as much swap as memory);
	 * -1 = unlimited swap; equal to memory = no swap. Ignored where the
	 * kernel does no swap accounting (no memsw / memory.swap.max file). */
	int64_t memory_swap;
};

struct cgroup_stats {
	uint64_t cpu_ns;
	uint64_t mem_usage;  /* usage minus inactive_file (total_inactive_file on v1) */
	uint64_t mem_limit;  /* 0 when unlimited */
	uint64_t blk_read, blk_write;
	uint64_t pids, pids_limit;  /* pids_limit 0 = unlimited */
	int oom_kills;       /* oom_kill counter */
};

/* Detect the host's mode; cached after the first call. Returns -1 if no
 * usable cgroup filesystem is mounted. */
int cgroup_detect(enum cgroup_mode *mode, struct tug_err *err);

/* Create <parent>/<name> in every hierarchy tug uses and apply limits.
 * Missing parents are created (on v2 with +cpu +memory +pids +io enabled
 * down to the parent's cgroup.subtree_control, where available). An
 * existing cgroup is reused and its limits rewritten (restarts). A limit
 * whose controller the host lacks is an error (TUG_E_UNSUPPORTED); on
 * failure nothing this call created is left behind. */
int cgroup_create(const char *parent, const char *name, const struct cgroup_limits *l,
		  struct tug_err *err);
/* Move pid (the whole process; 0 = the caller) into the container's
 * cgroup (every hierarchy). */
int cgroup_attach(const char *parent, const char *name, pid_t pid, struct tug_err *err);
/* Read a stats sample. Files a host lacks (no blkio, no oom_kill counter)
 * read as 0; a cgroup that does not exist is TUG_E_NOTFOUND. */
int cgroup_stats(const char *parent, const char *name, struct cgroup_stats *out,
		 struct tug_err *err);
/* The oom_kill counter of cgroup_stats alone (one file instead of all
 * of them: the monitor reads it on every exit). 0 on a host without one. */
int cgroup_oom_kills(const char *parent, const char *name, int *out, struct tug_err *err);
/* Freeze (1) or thaw (0) every process in it; waits (up to 2 s) until the
 * kernel reports the cgroup frozen, and thaws again if it never is. */
int cgroup_freeze(const char *parent, const char *name, int frozen, struct tug_err *err);
/* Pids in the cgroup and its descendants (caller frees *pids). Returns
 * the count or -1. */
int cgroup_pids(const char *parent, const char *name, pid_t **pids, struct tug_err *err);
/* SIGKILL every process left (thawing it first), wait until the cgroup is
 * empty (up to 5 s), then remove the dirs in every hierarchy, descendants
 * first, retrying briefly on EBUSY. Missing dirs are not an error; the
 * parent is left in place. */
int cgroup_destroy(const char *parent, const char *name, struct tug_err *err);

/* The directory of <parent>/<name> (name may be "" for the parent) in
 * controller's hierarchy ("memory", "cpu", "pids"...; ignored on v2,
 * where every controller shares one). For cgroup namespace set-up and
 * diagnostics. TUG_E_UNSUPPORTED when that controller is not mounted. */
int cgroup_path(const char *controller, const char *parent, const char *name,
		char *buf, size_t size, struct tug_err *err);
/* v2 only: an O_DIRECTORY|O_CLOEXEC fd on the container's cgroup (create
 * it first), for clone3(CLONE_INTO_CGROUP), which saves the attach write.
 * On v1 returns -1 with TUG_E_UNSUPPORTED: use cgroup_attach. */
int cgroup_open(const char *parent, const char *name, struct tug_err *err);

/* What detection found, for `tug info` and diagnostics. */
#define CGROUP_MAX_MOUNTS 16
struct cgroup_mount {
	char path[512];         /* mount point (under the test root in tests) */
	char controllers[128];  /* "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
	int v2;
};
struct cgroup_host {
	enum cgroup_mode mode;
	int hybrid;             /* v1 controllers plus a cgroup2 mount */
	int nmounts;
	struct cgroup_mount mounts[CGROUP_MAX_MOUNTS];
};
/* The cached detection result (NULL on failure, err filled). */
const struct cgroup_host *cgroup_host(struct tug_err *err);

/* Total RAM of the host in bytes: what docker reports as the limit of a
 * container without one (cgroup_stats leaves mem_limit 0 for that). */
uint64_t cgroup_host_memory(void);

/* Test hooks (not thread-safe; call before other threads use cgroups).
 * cgroup_set_root_for_tests(root): resolve everything under root as if it
 * were "/": the mount table is read from <root>/proc/self/mountinfo and
 * each mount point is <root><mountpoint>, so fixture trees of plain
 * directories and knob files stand in for cgroupfs. In that mode writes
 * create no files, processes are never signalled, and removal deletes
 * the knob files a real cgroupfs would drop by itself. NULL = the host.
 * Both hooks drop the cached detection. */
void cgroup_set_root_for_tests(const char *root);
/* Use text as the mount table instead of reading one (NULL = read it). */
void cgroup_set_mountinfo_for_tests(const char *text);

#endif
