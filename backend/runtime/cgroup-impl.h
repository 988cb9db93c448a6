/* cgroup-impl.h - private to cgroup*.c: the detected host, the per-mode
 * manager table chosen at run time (as crun does), and the knob helpers
 * the v1 and v2 managers share. */
#ifndef TUG_CGROUP_IMPL_H
#define TUG_CGROUP_IMPL_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include "runtime/cgroup.h"

/* The v1 controllers tug uses, in the order it visits hierarchies. */
enum cg_ctrl { CG_MEMORY, CG_CPU, CG_CPUACCT, CG_PIDS, CG_BLKIO, CG_FREEZER, CG_NCTRL };
extern const char *const cg_ctrl_names[CG_NCTRL];

struct cg_state {
	struct cgroup_host host;
	int ctrl[CG_NCTRL];   /* v1: index into host.mounts, -1 = not mounted */
	int use[CG_NCTRL];    /* v1: distinct hierarchies (comounts once) */
	int nuse;
	int v2;               /* index of the cgroup2 mount, -1 = none */
	int testing;          /* fixture tree: never signal, drop knob files */
};

/* Block IO bytes summed over devices. */
struct cg_io {
	uint64_t read, write;
};

/* A manager. rel is "<parent>/<name>" (or "<name>"), already validated;
 * parent is the validated parent alone ("" for the root). */
struct cg_ops {
	const char *name;
	int (*create)(const struct cg_state *s, const char *parent, const char *rel,
		      const struct cgroup_limits *l, struct tug_err *err);
	int (*attach)(const struct cg_state *s, const char *rel, pid_t pid, struct tug_err *err);
	int (*stats)(const struct cg_state *s, const char *rel, struct cgroup_stats *out,
		     struct tug_err *err);
	int (*freeze)(const struct cg_state *s, const char *rel, int frozen, struct tug_err *err);
	/* the dir whose cgroup.procs lists every process of the container */
	int (*procs_dir)(const struct cg_state *s, const char *rel, char *buf, size_t size,
			 struct tug_err *err);
	int (*destroy)(const struct cg_state *s, const char *rel, struct tug_err *err);
	/* the oom_kill counter alone: 0 when the host has none */
	int (*oom_kills)(const struct cg_state *s, const char *rel, int *out, struct tug_err *err);
};
extern const struct cg_ops cg_v1_ops, cg_v2_ops;

/* The mount point of a v1 controller / of cgroup2 (NULL = not mounted). */
const char *cg_mnt(const struct cg_state *s, enum cg_ctrl c);
/* The label errors use for a v1 hierarchy ("memory", "cpu,cpuacct"). */
const char *cg_label(const struct cg_state *s, enum cg_ctrl c);

/* "<mnt>/<rel>[/<file>]" into buf; -1 with err when it does not fit. */
int cg_path(char *buf, size_t size, const char *mnt, const char *rel, const char *file,
	    struct tug_err *err);

/* Fill err from errno as "cgroup <label>: <what> <path>: <strerror>"
 * plus a hint a person can act on ("are you root?"). Returns -1 and
 * leaves errno as it was. */
int cg_fail(struct tug_err *err, const char *label, const char *what, const char *path);

/* Write val to dir/file (O_TRUNC: one write, as `echo val > file`).
 * Returns -1 with err filled and errno kept, so a caller may treat
 * ENOENT as "this kernel has no such knob". */
int cg_write(const char *dir, const char *file, const char *val, const char *label,
	     struct tug_err *err);
/* Read dir/file into buf (NUL-terminated, trailing newline dropped).
 * Returns the length or -1 with errno set; no err (cheap, often optional). */
ssize_t cg_read(const char *dir, const char *file, char *buf, size_t size);
/* Read a number knob; "max" (and v1's huge "unlimited") become 0.
 * Returns 0, or -1 with errno set. */
int cg_read_limit(const char *dir, const char *file, uint64_t *out);
int cg_read_u64(const char *dir, const char *file, uint64_t *out);
/* Call fn on every line of dir/file (NUL-terminated, without the newline),
 * reading in chunks on the stack; lines longer than 4 KiB are skipped.
 * fn returns non-zero to stop. Returns 0, or -1 with errno set. */
int cg_each_line(const char *dir, const char *file, int (*fn)(char *line, void *ctx),
		 void *ctx);
/* If line is "<key> <number>", store the number and return 1. */
int cg_key_u64(const char *line, const char *key, uint64_t *out);
/* The number after key in a "key value" file (memory.stat, cpu.stat,
 * memory.events...). Returns 0, or -1 with errno set (ENODATA: no such
 * key, as on kernels without the counter). */
int cg_read_key(const char *dir, const char *file, const char *key, uint64_t *out);
/* v as a knob value, or unlimited ("max", "-1") when v is 0. */
void cg_fmt_limit(char *buf, size_t size, int64_t v, const char *unlimited);
/* 0 when dir exists; TUG_E_NOTFOUND naming rel when it does not. */
int cg_exists(const char *dir, const char *rel, const char *label, struct tug_err *err);
/* Is tok one of the comma- or space-separated tokens of list? */
int cg_has_token(const char *list, const char *tok);

/* mkdir dir (0755), creating missing ancestors. Returns 1 when created,
 * 0 when it existed, -1 with err. */
int cg_mkdir(const char *dir, const char *label, struct tug_err *err);
/* Remove dir and its descendant cgroups. While the kernel says EBUSY,
 * call kill(dir, ctx) (which should SIGKILL/thaw what is inside) and
 * retry with a short backoff, for up to 5 s. Missing is fine. */
int cg_remove(const struct cg_state *s, const char *dir, const char *label,
	      void (*kill)(const struct cg_state *s, const char *dir, void *ctx), void *ctx,
	      struct tug_err *err);
/* SIGKILL every process in dir and its descendants (never in tests). */
void cg_kill_tree(const struct cg_state *s, const char *dir);
/* Append the pids of dir and its descendants to a malloc'd array. */
int cg_collect_pids(const char *dir, pid_t **pids, size_t *n, size_t *cap, struct tug_err *err);
/* Poll until check(dir, want) is true, up to 2 s with a short backoff;
 * every tenth poll calls again(dir, want) when not NULL (re-request a
 * stuck freeze). Returns 0 when reached, -1 on timeout. */
int cg_wait(const char *dir, int want, int (*check)(const char *dir, int want),
	    void (*again)(const char *dir, int want));

#endif
