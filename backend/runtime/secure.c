/* secure.c - capabilities, the user switch, no_new_privs and loading the
 * prepared seccomp program: the child's half of secure.h.
 *
 * Everything after clone() uses raw syscalls: glibc's set*id wrappers
 * broadcast to every thread glibc believes exists, and a child cloned
 * from a threaded parent (the console) inherits that belief but not the
 * threads. Credentials are per-thread in the kernel, and the child has
 * exactly one. */
#include "runtime/secure.h"
#include "util/fs.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CAPBIT(c) (1ULL << (c))

uint64_t secure_default_caps(void)
{
	return CAPBIT(CAP_CHOWN) | CAPBIT(CAP_DAC_OVERRIDE) | CAPBIT(CAP_FSETID) |
	       CAPBIT(CAP_FOWNER) | CAPBIT(CAP_MKNOD) | CAPBIT(CAP_NET_RAW) |
	       CAPBIT(CAP_SETGID) | CAPBIT(CAP_SETUID) | CAPBIT(CAP_SETFCAP) |
	       CAPBIT(CAP_SETPCAP) | CAPBIT(CAP_NET_BIND_SERVICE) |
	       CAPBIT(CAP_SYS_CHROOT) | CAPBIT(CAP_KILL) | CAPBIT(CAP_AUDIT_WRITE);
}

int secure_cap_last(struct tug_err *err)
{
	static int cached = -1;
	char buf[32], *end;
	long v;

	if (cached >= 0)
		return cached;
	if (fs_read_small("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) < 0) {
		/* kernels before 3.2 lack the file; they know no more caps
		 * than the headers we were built with */
		if (errno == ENOENT)
			return cached = CAP_LAST_CAP;
		return tug_errno(err, "read /proc/sys/kernel/cap_last_cap");
	}
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || v < 0 || v > 63)
		return tug_errf(err, TUG_E_GENERIC,
				"/proc/sys/kernel/cap_last_cap holds '%s', not a capability number", buf);
	return cached = (int)v;
}

int secure_opts_init(struct secure_opts *o, struct tug_err *err)
{
	memset(o, 0, sizeof(*o));
	o->caps = secure_default_caps();
	o->no_new_privs = 1;
	o->last_cap = secure_cap_last(err);
	return o->last_cap < 0 ? -1 : 0;
}

static int load_filter(const struct secure_filter *f, struct tug_err *err)
{
	struct sock_fprog prog = { .len = f->len, .filter = f->insns };

	if (!f->insns || !f->len)
		return tug_errf(err, TUG_E_GENERIC, "seccomp: no program was prepared");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	if (errno == ENOSYS && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0)
		return 0;
	return tug_errno(err, "seccomp: load the filter");
}

static int drop_bounding(uint64_t keep, int last_cap, struct tug_err *err)
{
	for (int cap = 0; cap <= last_cap; cap++) {
		if (keep & CAPBIT(cap))
			continue;
		/* EINVAL: a cap this kernel does not know, nothing to drop */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return tug_errno(err, "drop capability %d from the bounding set", cap);
	}
	return 0;
}

static int switch_ids(const struct secure_opts *o, struct tug_err *err)
{
#ifdef __NR_setresuid32
	const long nr_groups = __NR_setgroups32, nr_gid = __NR_setresgid32, nr_uid = __NR_setresuid32;
#else
	const long nr_groups = __NR_setgroups, nr_gid = __NR_setresgid, nr_uid = __NR_setresuid;
#endif
	if (syscall(nr_groups, o->ngroups, o->groups) < 0)
		return tug_errno(err, "setgroups (%zu groups)", o->ngroups);
	if (syscall(nr_gid, o->gid, o->gid, o->gid) < 0)
		return tug_errno(err, "switch to gid %u", (unsigned)o->gid);
	/* leaving uid 0 without SECBIT_KEEP_CAPS clears permitted,
	 * effective and ambient: the kernel does the non-root half for us */
	if (syscall(nr_uid, o->uid, o->uid, o->uid) < 0)
		return tug_errno(err, "switch to uid %u", (unsigned)o->uid);
	return 0;
}

static int set_caps(uint64_t caps, struct tug_err *err)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)caps;
	data[1].effective = data[1].permitted = (uint32_t)(caps >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return tug_errno(err, "set capabilities to %#llx", (unsigned long long)caps);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return tug_errno(err, "clear ambient capabilities");
	return 0;
}

int secure_enter(const struct secure_opts *o, struct tug_err *err)
{
	int root;

	/* without no_new_privs the kernel wants CAP_SYS_ADMIN to load a
	 * filter, so load it while we still have everything; the profile
	 * allows the prctl/set*id/capset calls that follow */
	if (o->seccomp && !o->no_new_privs && load_filter(o->seccomp, err) < 0)
		return -1;
	if (drop_bounding(o->caps, o->last_cap, err) < 0)
		return -1;
	if (o->set_ids && switch_ids(o, err) < 0)
		return -1;
	root = o->set_ids ? o->uid == 0 : syscall(SYS_geteuid) == 0;
	if (set_caps(root ? o->caps : 0, err) < 0)
		return -1;
	if (o->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return tug_errno(err, "set no_new_privs");
	if (o->seccomp && o->no_new_privs && load_filter(o->seccomp, err) < 0)
		return -1;
	return 0;
}

static struct secure_filter default_filter;

int secure_seccomp_prepare(const char *cache_dir, struct tug_err *err)
{
	if (secure_cap_last(err) < 0)
		return -1;
	if (default_filter.insns)
		return 0;
	return secure_filter_prepare(&default_filter, cache_dir, secure_default_caps(), err);
}

int secure_apply(uint64_t caps, int seccomp, struct tug_err *err)
{
	struct secure_opts o;

	if (secure_opts_init(&o, err) < 0)
		return -1;
	o.caps = caps;
	if (seccomp) {
		if (!default_filter.insns)
			return tug_errf(err, TUG_E_GENERIC,
					"seccomp: no program was prepared (secure_seccomp_prepare)");
		if (default_filter.caps != caps)
			return tug_errf(err, TUG_E_GENERIC,
					"seccomp: the program was prepared for caps %#llx, not %#llx",
					(unsigned long long)default_filter.caps,
					(unsigned long long)caps);
		o.seccomp = &default_filter;
	}
	return secure_enter(&o, err);
}
