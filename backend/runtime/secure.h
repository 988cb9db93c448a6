/* secure.h - the process hardening every container and exec gets:
 * Docker's default capability set, the user switch, no_new_privs, and a
 * seccomp filter equivalent to Docker's default profile.
 *
 * Split in two halves because the second runs in the child after clone(),
 * where nothing may allocate or take locks:
 *
 *   parent:  struct secure_filter f;            (once per start)
 *            secure_filter_prepare(&f, cache_dir, caps, err);
 *            struct secure_opts o;
 *            secure_opts_init(&o, err);  o.seccomp = &f;  o.uid = ...;
 *            clone(...)
 *   child:   ...mounts, pivot_root...
 *            secure_enter(&o, err);   then execve
 *   parent:  secure_filter_release(&f);
 *
 * The seccomp program is compiled with libseccomp only when the on-disk
 * cache has no valid copy: compiling Docker's profile for three
 * architectures costs milliseconds, reading the cached BPF microseconds.
 */
#ifndef TUG_SECURE_H
#define TUG_SECURE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/filter.h>
#include "util/err.h"

/* Docker's default capabilities as a bitmask: CHOWN DAC_OVERRIDE FSETID
 * FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE
 * SYS_CHROOT KILL AUDIT_WRITE (0x00000000a80425fb). */
uint64_t secure_default_caps(void);

/* The highest capability the running kernel knows, from
 * /proc/sys/kernel/cap_last_cap, read on first call and cached. Returns
 * it, or -1 with err set. */
int secure_cap_last(struct tug_err *err);

/* A compiled seccomp program, in the parent's memory (the child reads it
 * through its copy of the address space). */
struct secure_filter {
	struct sock_filter *insns;   /* malloc'd; NULL when released */
	unsigned short len;          /* instructions */
	int from_cache;              /* 1: read from the cache, 0: compiled now */
	uint64_t caps;               /* the capabilities it was evaluated for */
	char path[PATH_MAX];         /* its cache file */
};

/* Fill f with the default profile evaluated for `caps` (the rules that
 * depend on CAP_SYS_ADMIN, CAP_SYS_PTRACE... follow the caps the
 * container gets, as Docker's do). Reads cache_dir/seccomp-<key>.bpf,
 * where key hashes the evaluated rules, the libseccomp version, the
 * architecture and caps; a missing, foreign-owned, truncated or corrupted
 * file (checksum mismatch) is recompiled and rewritten atomically.
 * cache_dir is created (0700) when missing; a cache that cannot be
 * written only costs the next start a compile. Returns 0, or -1 with err
 * set (libseccomp failed) and f left released. */
int secure_filter_prepare(struct secure_filter *f, const char *cache_dir, uint64_t caps,
			  struct tug_err *err);
/* Free the program; f may be zeroed or already released. */
void secure_filter_release(struct secure_filter *f);
/* How many times this process compiled a program with libseccomp (the
 * cache tests and the benchmark read it). */
unsigned secure_filter_compiles(void);

/* What secure_enter applies. */
struct secure_opts {
	/* The bounding set. Permitted and effective equal it when the
	 * process ends as uid 0 and are empty otherwise, as Docker does for
	 * a non-root user; inheritable and ambient are always empty. */
	uint64_t caps;
	int last_cap;                /* from secure_cap_last(), read in the parent */
	int set_ids;                 /* switch to uid/gid/groups below */
	uid_t uid;
	gid_t gid;
	const gid_t *groups;         /* supplementary groups (may be NULL if ngroups 0) */
	size_t ngroups;
	int no_new_privs;
	const struct secure_filter *seccomp;  /* NULL: no filter */
};

/* Defaults: Docker's caps, the kernel's last cap, no_new_privs on, ids
 * unchanged, no filter. Call in the parent (reads /proc once). Returns 0
 * or -1 with err set. */
int secure_opts_init(struct secure_opts *o, struct tug_err *err);

/* In the child, after all mounts and just before execve: drop the
 * bounding set to o->caps, switch ids (setgroups, setresgid, setresuid),
 * set the capability sets with the raw capset syscall, clear ambient,
 * set no_new_privs, load the seccomp program. Without no_new_privs the
 * program is loaded first, while CAP_SYS_ADMIN (needed to load it then)
 * is still held. Never allocates. Returns 0, or -1 with err set; the
 * process is then half-hardened and must exit, not exec. */
int secure_enter(const struct secure_opts *o, struct tug_err *err);

/* The short form for a process that starts containers as root with the
 * default caps (what the monitor and spawn use today): prepare the
 * program for Docker's caps once per process, into a process-wide slot;
 * later calls reuse it. Also reads cap_last_cap, so the child need not. */
int secure_seccomp_prepare(const char *cache_dir, struct tug_err *err);
/* In the child: secure_enter() with `caps`, ids unchanged, no_new_privs,
 * and, when `seccomp` is non-zero, the program secure_seccomp_prepare()
 * made (an error if there is none or it was made for other caps). A
 * switch to a non-root user needs secure_enter() with set_ids: once the
 * process has left uid 0 it can no longer drop its bounding set. */
int secure_apply(uint64_t caps, int seccomp, struct tug_err *err);

#endif
