/* cgroup.h - one small interface over cgroup v2, v1 and hybrid hosts.
 *
 * The mode is detected once (cgroup_detect): v2 when /sys/fs/cgroup is a
 * cgroup2 mount; v1 when it holds per-controller v1 mounts (hybrid hosts
 * also have an empty cgroup2 at /sys/fs/cgroup/unified, which we ignore
 * for controllers). A container's cgroup is <parent>/<id> under every
 * controller it needs (v1) or under the single hierarchy (v2), relative
 * to the cgroup of the process that creates it is NOT used: paths are
 * absolute from each hierarchy's root so every tug process finds them.
 */
#ifndef TUG_CGROUP_H
#define TUG_CGROUP_H

#include <stdint.h>
#include <sys/types.h>
#include "util/err.h"

enum cgroup_mode { CGROUP_V1 = 1, CGROUP_V2 = 2 };

struct cgroup_limits {
	int64_t memory;      /* bytes, 0 = none */
	int64_t nano_cpus;   /* 1e9 = one CPU, 0 = none */
	int64_t pids;        /* 0 = none */
};

struct cgroup_stats {
	uint64_t cpu_ns;
	uint64_t mem_usage;  /* usage minus inactive_file (total_inactive_file on v1) */
	uint64_t mem_limit;  /* 0 when unlimited */
	uint64_t blk_read, blk_write;
	uint64_t pids, pids_limit;
	int oom_kills;       /* oom_kill counter */
};

/* Detect the host's mode; cached after the first call. Returns -1 if no
 * usable cgroup filesystem is mounted. */
int cgroup_detect(enum cgroup_mode *mode, struct tug_err *err);

/* Create <parent>/<name> in every hierarchy tug uses and apply limits. */
int cgroup_create(const char *parent, const char *name, const struct cgroup_limits *l,
		  struct tug_err *err);
/* Move pid into the container's cgroup (every hierarchy). */
int cgroup_attach(const char *parent, const char *name, pid_t pid, struct tug_err *err);
/* Read a stats sample. */
int cgroup_stats(const char *parent, const char *name, struct cgroup_stats *out,
		 struct tug_err *err);
/* Freeze (1) or thaw (0) every process in it; waits until frozen. */
int cgroup_freeze(const char *parent, const char *name, int frozen, struct tug_err *err);
/* Pids in the cgroup (caller frees *pids). Returns count or -1. */
int cgroup_pids(const char *parent, const char *name, pid_t **pids, struct tug_err *err);
/* Kill every process left, then remove the cgroup dirs. Missing dirs are
 * not an error. */
int cgroup_destroy(const char *parent, const char *name, struct tug_err *err);

/* Test hook: use root instead of /sys/fs/cgroup (fixture trees). */
void cgroup_set_root_for_tests(const char *root);

#endif
