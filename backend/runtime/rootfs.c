/* rootfs.c - the container's filesystem view, built inside its new mount
 * namespace right after clone(): overlay root, pivot_root, /proc, /dev,
 * /sys, masked and read-only paths, /etc files and user mounts.
 *
 * Everything is mounted inside the container's private mount namespace,
 * so when its last process exits the kernel tears all of it down: no
 * umount bookkeeping on the host, nothing left behind after a crash. */
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "runtime/volume.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"
#include "util/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <termios.h>
#include <unistd.h>

/* pivot_root parks the host's root on the container's /proc until it is
 * detached, and proc is mounted there after: no directory of our own is
 * created (and removed) in the container's upper layer for it. An image
 * whose /proc is not a plain directory gets a directory of ours instead. */
#define OLDROOT_PROC "/proc"
#define OLDROOT_OWN "/.tug-oldroot"

static int mnt(const char *src, const char *tgt, const char *type, unsigned long flags,
	       const char *data, struct tug_err *err)
{
	if (mount(src, tgt, type, flags, data) < 0)
		return tug_errno(err, "mount %s on %s", type ? type : src ? src : "(remount)", tgt);
	return 0;
}

/* mkdir -p inside the new root (after pivot_root, so symlinks in the
 * image resolve inside the container, never to the host). */
static int mkdirs(const char *path, mode_t mode)
{
	struct tug_err e;
	return fs_mkdir_p(path, mode, &e);
}

static int touch(const char *path)
{
	int fd;
	char dir[PATH_MAX], *slash;
	struct stat st;

	/* an existing file is a mount point as it is: opening it for writing
	 * would copy it up into the container's upper dir for nothing (and
	 * into a build step's layer); a symlink is refused as O_NOFOLLOW did */
	if (lstat(path, &st) == 0)
		return S_ISLNK(st.st_mode) ? -1 : 0;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdirs(dir, 0755);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return errno == EEXIST || errno == EISDIR ? 0 : -1;
	close(fd);
	return 0;
}

static int mount_overlay(struct rt *rt, struct ctr_spec *s, const char *merged,
			 struct tug_err *err)
{
	struct sbuf o = SBUF_INIT;
	size_t rl = strlen(rt->root);
	char empty[PATH_MAX];
	int r;

	/* relative paths from the root keep the option string well under the
	 * one-page limit of mount data, even with many layers */
	if (chdir(rt->root) < 0)
		return tug_errno(err, "chdir %s", rt->root);
	sbuf_puts(&o, "lowerdir=");
	if (s->nlower == 0) {
		snprintf(empty, sizeof(empty), "containers/%s/empty", s->id);
		mkdir(empty, 0755);
		sbuf_puts(&o, empty);
	}
	for (size_t i = s->nlower; i-- > 0;) {
		const char *l = s->lower[i];
		if (!strncmp(l, rt->root, rl) && l[rl] == '/')
			l += rl + 1;
		sbuf_puts(&o, l);
		if (i)
			sbuf_puts(&o, ":");
	}
	sbuf_printf(&o, ",upperdir=containers/%s/upper,workdir=containers/%s/work", s->id, s->id);
	if (o.len >= 4000) {
		sbuf_release(&o);
		return tug_errf(err, TUG_E_UNSUPPORTED, "image has too many layers for one overlay mount");
	}
	r = mount("overlay", merged, "overlay", 0, o.s);
	if (r < 0)
		tug_errno(err, "mount overlay root for container %.12s", s->id);
	sbuf_release(&o);
	return r;
}

static int setup_dev(int tty, struct tug_err *err)
{
	static const struct { const char *name; int maj, min; } devs[] = {
		{ "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 }, { "/dev/full", 1, 7 },
		{ "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
	};
	static const struct { const char *target, *link; } links[] = {
		{ "/proc/self/fd", "/dev/fd" }, { "/proc/self/fd/0", "/dev/stdin" },
		{ "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
		{ "pts/ptmx", "/dev/ptmx" }, { "/proc/kcore", "/dev/core" },
	};
	mode_t old = umask(0);

	(void)tty;
	mkdirs("/dev", 0755);
	if (mnt("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k", err) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		if (mknod(devs[i].name, S_IFCHR | 0666, makedev(devs[i].maj, devs[i].min)) < 0) {
			tug_errno(err, "mknod %s", devs[i].name);
			goto fail;
		}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlink(links[i].target, links[i].link) < 0) {
			tug_errno(err, "symlink %s", links[i].link);
			goto fail;
		}
	mkdir("/dev/pts", 0755);
	mkdir("/dev/shm", 01777);
	mkdir("/dev/mqueue", 0755);
	if (mnt("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		"newinstance,ptmxmode=0666,mode=0620,gid=5", err) < 0)
		goto fail;
	if (mnt("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		"mode=1777,size=65536k", err) < 0)
		goto fail;
	if (mnt("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0)
		goto fail;
	umask(old);
	return 0;
fail:
	umask(old);
	return -1;
}

static int setup_sys(struct ctr_spec *s, const char *oldroot, struct tug_err *err)
{
	unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;

	mkdirs("/sys", 0555);
	if (s->net_host) {
		/* sysfs belongs to the host's network namespace here: bind it */
		char src[64];
		snprintf(src, sizeof(src), "%s/sys", oldroot);
		if (mnt(src, "/sys", NULL, MS_BIND | MS_REC, NULL, err) < 0)
			return -1;
		return mnt(NULL, "/sys", NULL, MS_BIND | MS_REMOUNT | ro, NULL, err);
	}
	if (mnt("sysfs", "/sys", "sysfs", ro, NULL, err) < 0)
		return -1;
	return 0;
}

int rootfs_mount_cgroup(struct tug_err *err)
{
	enum cgroup_mode mode;

	/* mounted inside the container's cgroup namespace, the hierarchy's
	 * root is the container's own cgroup, as docker shows it (v2 only:
	 * v1 hierarchies are not mounted in the container) */
	if (cgroup_detect(&mode, err) < 0 || mode != CGROUP_V2)
		return 0;
	if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0 && errno != ENOENT)
		return tug_errno(err, "mount cgroup2 on /sys/fs/cgroup");
	return 0;
}

static void mask_paths(void)
{
	static const char *const masked[] = {
		"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
		"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
		"/sys/firmware", "/sys/devices/virtual/powercap",
	};
	static const char *const readonly[] = {
		"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
	};
	struct stat st;

	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		if (stat(masked[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			mount("tmpfs", masked[i], "tmpfs", MS_RDONLY, "size=0");
		else
			mount("/dev/null", masked[i], NULL, MS_BIND, NULL);
	}
	for (size_t i = 0; i < sizeof(readonly) / sizeof(readonly[0]); i++) {
		if (stat(readonly[i], &st) < 0)
			continue;
		if (mount(readonly[i], readonly[i], NULL, MS_BIND | MS_REC, NULL) == 0)
			mount(NULL, readonly[i], NULL,
			      MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	}
}

/* tmpfs options: docker's "size=64m,mode=1777,exec" style; flags such as
 * ro/exec/suid/dev are mount flags, the rest goes to tmpfs as data */
static void tmpfs_flags(const char *opts, unsigned long *flags, char *data, size_t size)
{
	char buf[512], *save = NULL;

	*flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	data[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", opts ? opts : "");
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "exec"))
			*flags &= ~(unsigned long)MS_NOEXEC;
		else if (!strcmp(t, "suid"))
			*flags &= ~(unsigned long)MS_NOSUID;
		else if (!strcmp(t, "dev"))
			*flags &= ~(unsigned long)MS_NODEV;
		else if (!strcmp(t, "ro"))
			*flags |= MS_RDONLY;
		else if (!strcmp(t, "rw") || !strcmp(t, "noexec") || !strcmp(t, "nosuid") ||
			 !strcmp(t, "nodev"))
			;
		else {
			size_t n = strlen(data);
			snprintf(data + n, size - n, "%s%s", n ? "," : "", t);
		}
	}
	if (!strstr(data, "size="))
		snprintf(data + strlen(data), size - strlen(data), "%ssize=65536k", data[0] ? "," : "");
}

/* fdlinks: where this process's /proc/self/fd is reachable right now */
static int user_mounts(struct ctr_spec *s, int *fds, const char *fdlinks, struct tug_err *err)
{
	size_t i;
	json_t *m;

	json_array_foreach(s->mounts, i, m) {
		const char *type = jstr(m, "Type"), *dst = jstr(m, "Destination");
		int ro = !jbool(m, "RW");
		if (!strcmp(type, "tmpfs")) {
			unsigned long flags;
			char data[512];
			tmpfs_flags(jstr(m, "Options"), &flags, data, sizeof(data));
			if (ro)
				flags |= MS_RDONLY;
			mkdirs(dst, 0755);
			if (mnt("tmpfs", dst, "tmpfs", flags, data, err) < 0)
				return -1;
			continue;
		}
		/* bind or volume: the source was opened before pivot_root */
		if (!strcmp(type, "volume") && jbool(m, "CopyUp") && vol_copy_up(fds[i], dst, err) < 0)
			return -1;
		{
			char src[96];
			struct stat st;
			snprintf(src, sizeof(src), "%s/%d", fdlinks, fds[i]);
			if (fstat(fds[i], &st) == 0 && !S_ISDIR(st.st_mode))
				touch(dst);
			else
				mkdirs(dst, 0755);
			if (mnt(src, dst, NULL, MS_BIND | MS_REC, NULL, err) < 0)
				return tug_err_wrap(err, "bind mount %s", jstr(m, "Source"));
			if (ro && mnt(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int bind_etc(struct rt *rt, struct ctr_spec *s, const char *oldroot, struct tug_err *err)
{
	static const char *const files[] = { "hostname", "hosts", "resolv.conf" };
	char src[PATH_MAX], dst[64];

	for (size_t i = 0; i < 3; i++) {
		snprintf(src, sizeof(src), "%s%s/containers/%s/%s", oldroot, rt->root, s->id, files[i]);
		snprintf(dst, sizeof(dst), "/etc/%s", files[i]);
		if (touch(dst) < 0)
			continue; /* a read-only or odd image: leave the image's file */
		if (mnt(src, dst, NULL, MS_BIND, NULL, err) < 0)
			return -1;
	}
	return 0;
}

static int open_tty(int *ptmx_out, struct tug_err *err)
{
	int m, sl, n;
	unsigned int unlock = 0;
	char name[64];

	m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return tug_errno(err, "open /dev/ptmx");
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCGPTN, &n) < 0) {
		close(m);
		return tug_errno(err, "set up the container's terminal");
	}
	snprintf(name, sizeof(name), "/dev/pts/%d", n);
	sl = open(name, O_RDWR | O_NOCTTY);
	if (sl < 0) {
		close(m);
		return tug_errno(err, "open %s", name);
	}
	setsid();
	if (ioctl(sl, TIOCSCTTY, 0) < 0) {
		close(m);
		close(sl);
		return tug_errno(err, "make %s the controlling terminal", name);
	}
	dup2(sl, 0);
	dup2(sl, 1);
	dup2(sl, 2);
	if (sl > 2)
		close(sl);
	*ptmx_out = m;
	return 0;
}

static int mounts_into_proc(struct ctr_spec *s)
{
	size_t i;
	json_t *m;

	json_array_foreach(s->mounts, i, m) {
		const char *d = jstr(m, "Destination");
		while (d && *d == '/')
			d++;
		if (d && !strncmp(d, "proc", 4) && (d[4] == '/' || !d[4]))
			return 1;
	}
	return 0;
}

int rootfs_setup(struct rt *rt, struct ctr_spec *s, int *ptmx_out, struct tug_err *err)
{
	char merged[PATH_MAX];
	size_t nm = json_array_size(s->mounts);
	int *fds = xcalloc(nm + 1, sizeof(int));
	size_t i;
	json_t *m;
	const char *oldroot = OLDROOT_PROC;

	*ptmx_out = -1;
	if (mnt(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err) < 0)
		return -1;
	rt_ctr_path(rt, s->id, "merged", merged, sizeof(merged));
	if (mount_overlay(rt, s, merged, err) < 0)
		return -1;
	json_array_foreach(s->mounts, i, m) {
		fds[i] = -1;
		if (strcmp(jstr(m, "Type"), "bind") && strcmp(jstr(m, "Type"), "volume"))
			continue;
		fds[i] = open(jstr(m, "Source"), O_PATH | O_CLOEXEC);
		if (fds[i] < 0 && !strcmp(jstr(m, "Type"), "volume"))
			return tug_errno(err, "volume %s (removed while in use?)", jstr(m, "Name"));
		if (fds[i] < 0)
			return tug_errno(err, "bind source %s", jstr(m, "Source"));
	}
	if (chdir(merged) < 0)
		return tug_errno(err, "chdir %s", merged);
	{
		struct stat st;
		if (lstat("." OLDROOT_PROC, &st) < 0 && errno == ENOENT)
			mkdir("." OLDROOT_PROC, 0555);
		/* a user mount into /proc must land on the container's proc */
		if (lstat("." OLDROOT_PROC, &st) < 0 || !S_ISDIR(st.st_mode) || mounts_into_proc(s)) {
			oldroot = OLDROOT_OWN;
			mkdir("." OLDROOT_OWN, 0700);
		}
	}
	if (syscall(SYS_pivot_root, ".", oldroot + 1) < 0)
		return tug_errno(err, "pivot_root into %s", merged);
	if (chdir("/") < 0)
		return tug_errno(err, "chdir /");
	trace_mark("child: pivoted");
	if (setup_dev(s->tty, err) < 0 || setup_sys(s, oldroot, err) < 0 ||
	    bind_etc(rt, s, oldroot, err) < 0)
		return -1;
	trace_mark("child: dev, sys, etc");
	if (!strcmp(oldroot, OLDROOT_PROC)) {
		/* bind sources must be reached before the old root is detached
		 * (the kernel refuses binds from a detached tree): through the
		 * host's proc, under the parked root */
		if (user_mounts(s, fds, OLDROOT_PROC "/proc/self/fd", err) < 0)
			return -1;
		if (umount2(oldroot, MNT_DETACH) < 0)
			return tug_errno(err, "detach the host's root");
		if (mnt("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0)
			return -1;
		mask_paths();
	} else {
		mkdirs("/proc", 0555);
		if (mnt("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0)
			return -1;
		mask_paths();
		if (user_mounts(s, fds, "/proc/self/fd", err) < 0)
			return -1;
		if (umount2(oldroot, MNT_DETACH) < 0)
			return tug_errno(err, "detach the host's root");
		rmdir(oldroot);
	}
	for (i = 0; i < nm; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	trace_mark("child: mounts done");
	if (s->read_only && mnt(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL, err) < 0)
		return -1;
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return tug_errno(err, "set hostname %s", s->hostname);
	if (s->tty && open_tty(ptmx_out, err) < 0)
		return -1;
	return 0;
}
