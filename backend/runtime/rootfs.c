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

/* The new mount API (Linux 5.2), not in glibc's headers here; its
 * <linux/mount.h> clashes with <sys/mount.h>. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

/* What the container mounts from the host (its /etc files, bind and
 * volume sources, the host's /sys with --network host) is taken as a
 * detached copy of its mount before pivot_root, and the host's root is
 * detached right after it: while the image's paths are resolved (and its
 * symlinks followed) nothing of the host is reachable by path, and no
 * directory is created (and removed) in the container's upper layer for
 * the old root either. */
static int tree_copy(const char *path, int recursive, struct tug_err *err)
{
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, path,
			      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));

	if (fd < 0)
		return tug_errno(err, "take the mount of %s", path);
	return fd;
}

static int tree_attach(int fd, const char *dst, struct tug_err *err)
{
	if (syscall(SYS_move_mount, fd, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return tug_errno(err, "mount on %s", dst);
	return 0;
}

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

/* host_sys: the host's /sys (tree_copy), for --network host */
static int setup_sys(int host_sys, struct tug_err *err)
{
	unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;

	mkdirs("/sys", 0555);
	if (host_sys >= 0) {
		/* sysfs belongs to the host's network namespace here: bind it */
		if (tree_attach(host_sys, "/sys", err) < 0)
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

/* fds: the sources opened O_PATH, trees: their mounts (tree_copy) */
static int user_mounts(struct ctr_spec *s, const int *fds, const int *trees, struct tug_err *err)
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
			struct stat st;
			if (fstat(fds[i], &st) == 0 && !S_ISDIR(st.st_mode))
				touch(dst);
			else
				mkdirs(dst, 0755);
			if (tree_attach(trees[i], dst, err) < 0)
				return tug_err_wrap(err, "bind mount %s", jstr(m, "Source"));
			if (ro && mnt(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL, err) < 0)
				return -1;
		}
	}
	return 0;
}

static const char *const etc_files[] = { "hostname", "hosts", "resolv.conf" };
#define NETC (sizeof(etc_files) / sizeof(etc_files[0]))

/* Before pivot_root: the container's own /etc files, as mounts to attach. */
static int etc_trees(struct rt *rt, struct ctr_spec *s, int *trees, struct tug_err *err)
{
	char src[PATH_MAX];

	for (size_t i = 0; i < NETC; i++) {
		rt_ctr_path(rt, s->id, etc_files[i], src, sizeof(src));
		trees[i] = tree_copy(src, 0, err);
		if (trees[i] < 0)
			return -1;
	}
	return 0;
}

static int bind_etc(const int *trees, struct tug_err *err)
{
	char dst[64];

	for (size_t i = 0; i < NETC; i++) {
		snprintf(dst, sizeof(dst), "/etc/%s", etc_files[i]);
		if (touch(dst) < 0)
			continue; /* a read-only or odd image: leave the image's file */
		if (tree_attach(trees[i], dst, err) < 0)
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

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int rootfs_setup(struct rt *rt, struct ctr_spec *s, int *ptmx_out, struct tug_err *err)
{
	char merged[PATH_MAX];
	size_t nm = json_array_size(s->mounts);
	/* per user mount: its source (O_PATH) and its mount; then the /etc
	 * files' mounts and the host's /sys */
	int *fds = xcalloc(2 * nm + NETC + 1, sizeof(int)), *trees = fds + nm, *etc = trees + nm;
	int *host_sys = etc + NETC, rc = -1;
	size_t i;
	json_t *m;

	*ptmx_out = -1;
	for (i = 0; i < 2 * nm + NETC + 1; i++)
		fds[i] = -1;
	if (mnt(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err) < 0)
		goto out;
	rt_ctr_path(rt, s->id, "merged", merged, sizeof(merged));
	if (mount_overlay(rt, s, merged, err) < 0)
		goto out;
	json_array_foreach(s->mounts, i, m) {
		if (strcmp(jstr(m, "Type"), "bind") && strcmp(jstr(m, "Type"), "volume"))
			continue;
		fds[i] = open(jstr(m, "Source"), O_PATH | O_CLOEXEC);
		if (fds[i] < 0 && !strcmp(jstr(m, "Type"), "volume")) {
			tug_errno(err, "volume %s (removed while in use?)", jstr(m, "Name"));
			goto out;
		}
		if (fds[i] < 0) {
			tug_errno(err, "bind source %s", jstr(m, "Source"));
			goto out;
		}
		trees[i] = tree_copy(jstr(m, "Source"), 1, err);
		if (trees[i] < 0)
			goto out;
	}
	if (etc_trees(rt, s, etc, err) < 0)
		goto out;
	if (s->net_host && (*host_sys = tree_copy("/sys", 1, err)) < 0)
		goto out;
	if (chdir(merged) < 0) {
		tug_errno(err, "chdir %s", merged);
		goto out;
	}
	/* the host's root lands on top of the new one and goes at once */
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		tug_errno(err, "pivot_root into %s", merged);
		goto out;
	}
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
		tug_errno(err, "detach the host's root");
		goto out;
	}
	trace_mark("child: pivoted");
	mkdirs("/proc", 0555);
	if (mnt("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0 ||
	    setup_dev(s->tty, err) < 0 || setup_sys(*host_sys, err) < 0)
		goto out;
	trace_mark("child: dev and sys");
	mask_paths();
	if (bind_etc(etc, err) < 0 || user_mounts(s, fds, trees, err) < 0)
		goto out;
	trace_mark("child: mounts done");
	if (s->read_only && mnt(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL, err) < 0)
		goto out;
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0) {
		tug_errno(err, "set hostname %s", s->hostname);
		goto out;
	}
	if (s->tty && open_tty(ptmx_out, err) < 0)
		goto out;
	rc = 0;
out:
	close_all(fds, 2 * nm + NETC + 1);
	free(fds);
	return rc;
}
