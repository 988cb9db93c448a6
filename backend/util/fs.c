#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

char *fs_join(char *buf, size_t size, const char *a, const char *b)
{
	size_t la = strlen(a);

	if (la && a[la - 1] == '/')
		snprintf(buf, size, "%s%s", a, b[0] == '/' ? b + 1 : b);
	else
		snprintf(buf, size, "%s/%s", a, b[0] == '/' ? b + 1 : b);
	return buf;
}

/* Deferred release. On ext4 the expensive half of replacing or removing
 * a file is freeing its inode (truncate and journal), done by whoever
 * drops the last reference; a reference held here moves that work to
 * fs_release_deferred(), off a hot path. */
#define DEFER_MAX 16
static pthread_mutex_t defer_lock = PTHREAD_MUTEX_INITIALIZER;
static int defer_on, defer_fds[DEFER_MAX], defer_n;

void fs_defer_releases(int on)
{
	defer_on = on;
}

/* While deferring, hold path's inode (a symlink's own, not its target's). */
static void defer_hold(const char *path)
{
	int fd;

	if (!defer_on)
		return;
	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	pthread_mutex_lock(&defer_lock);
	if (defer_n < DEFER_MAX) {
		defer_fds[defer_n++] = fd;
		fd = -1;
	}
	pthread_mutex_unlock(&defer_lock);
	if (fd >= 0)
		close(fd); /* full: released now, as without deferring */
}

void fs_release_deferred(void)
{
	int fds[DEFER_MAX], n;

	pthread_mutex_lock(&defer_lock);
	n = defer_n;
	memcpy(fds, defer_fds, sizeof(int) * (size_t)n);
	defer_n = 0;
	pthread_mutex_unlock(&defer_lock);
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

int fs_unlink(const char *path)
{
	defer_hold(path);
	return unlink(path);
}

/* Create `file` (flags: O_EXCL or O_TRUNC) with data; removed again on
 * failure. Errors name `path`, the file the caller means. */
static int write_file(const char *file, int flags, const char *path, const void *data,
		      size_t len, mode_t mode, struct tug_err *err)
{
	const char *p = data;
	int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC | flags, mode);

	if (fd < 0)
		return tug_errno(err, "write %s", path);
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			tug_errno(err, "write %s", path);
			close(fd);
			unlink(file);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0) {
		tug_errno(err, "write %s", path);
		unlink(file);
		return -1;
	}
	return 0;
}

int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    struct tug_err *err)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	if (write_file(tmp, O_TRUNC, path, data, len, mode, err) < 0)
		return -1;
	defer_hold(path);
	if (rename(tmp, path) < 0) {
		tug_errno(err, "rename %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int fs_write_new(const char *path, const void *data, size_t len, mode_t mode,
		 struct tug_err *err)
{
	return write_file(path, O_EXCL, path, data, len, mode, err);
}

int fs_read_all(const char *path, char **out, size_t *len, struct tug_err *err)
{
	size_t cap = 4096, n = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return tug_errno(err, "read %s", path);
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return tug_errf(err, TUG_E_GENERIC, "read %s: out of memory", path);
	}
	for (;;) {
		ssize_t r;
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				close(fd);
				return tug_errf(err, TUG_E_GENERIC, "read %s: out of memory", path);
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			tug_errno(err, "read %s", path);
			free(buf);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

ssize_t fs_read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return n;
}

int fs_write_str(const char *path, const char *s, struct tug_err *err)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(s);

	if (fd < 0)
		return tug_errno(err, "open %s", path);
	if (write(fd, s, len) != (ssize_t)len) {
		tug_errno(err, "write '%s' to %s", s, path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int fs_mkdir_p(const char *path, mode_t mode, struct tug_err *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return tug_errf(err, TUG_E_INVALID, "path too long: %s", path);
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return tug_errno(err, "mkdir %s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return tug_errno(err, "mkdir %s", buf);
	return 0;
}

static int rm_at(int dfd, const char *name, dev_t dev, struct tug_err *err)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : tug_errno(err, "stat %s", name);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
			return tug_errno(err, "remove %s", name);
		return 0;
	}
	if (st.st_dev != dev)
		return tug_errf(err, TUG_E_CONFLICT, "remove %s: still a mount point", name);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return tug_errno(err, "open %s", name);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return tug_errno(err, "open %s", name);
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rm_at(dirfd(d), de->d_name, dev, err) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return tug_errno(err, "remove %s", name);
	return 0;
}

int fs_rm_rf(const char *path, struct tug_err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : tug_errno(err, "stat %s", path);
	if (rm_at(AT_FDCWD, path, st.st_dev, err) < 0)
		return tug_err_wrap(err, "remove %s", path);
	return 0;
}

int fs_rm_rf_at(int dfd, const char *name, struct tug_err *err)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : tug_errno(err, "stat %s", name);
	return rm_at(dfd, name, st.st_dev, err);
}

static long long du_at(int dfd, const char *name, dev_t dev)
{
	struct stat st;
	long long sum;
	DIR *d;
	struct dirent *de;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	sum = S_ISDIR(st.st_mode) ? 0 : st.st_size;
	if (!S_ISDIR(st.st_mode) || st.st_dev != dev)
		return sum;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sum;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return sum;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			sum += du_at(dirfd(d), de->d_name, dev);
	closedir(d);
	return sum;
}

long long fs_du(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return 0;
	return du_at(AT_FDCWD, path, st.st_dev);
}

/* lock_mode's own flag, apart from flock's LOCK_* bits */
#define LOCK_DIR 0x100

static int lock_mode(const char *path, int op, struct tug_err *err)
{
	int fd = op & LOCK_DIR ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
			       : open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	op &= ~LOCK_DIR;
	if (fd < 0)
		return tug_errno(err, "lock %s", path);
	while (flock(fd, op) < 0) {
		if (errno == EINTR)
			continue;
		tug_errno(err, "lock %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

int fs_lock(const char *path, struct tug_err *err)
{
	return lock_mode(path, LOCK_EX, err);
}

int fs_lock_dir(const char *path, struct tug_err *err)
{
	return lock_mode(path, LOCK_EX | LOCK_DIR, err);
}

int fs_lock_shared(const char *path, struct tug_err *err)
{
	return lock_mode(path, LOCK_SH, err);
}

void fs_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int fs_copy_data(int in, int out)
{
	char buf[65536];

	/* in-kernel (reflinks where the filesystem has them) first */
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return -1;
		break;
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf)), off = 0;
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (off < n) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			off += w;
		}
	}
}
