/* volume-copy.c - docker's copy-up: a new, empty volume mounted over a
 * path where the image has content starts with a copy of that content.
 * Runs in the container's mount namespace before the volume is mounted,
 * so the image's files are those at `target` of the container's root. */
#include "runtime/volume.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MAX_DEPTH 128

static int dir_empty(int fd)
{
	int d = dup(fd);
	DIR *dir;
	struct dirent *de;
	int empty = 1;

	if (d < 0)
		return 0;
	dir = fdopendir(d);
	if (!dir) {
		close(d);
		return 0;
	}
	while (empty && (de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(dir);
	return empty;
}

static void set_meta(int dfd, const char *name, const struct stat *st, int is_link)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	fchownat(dfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
	if (!is_link)
		fchmodat(dfd, name, st->st_mode & 07777, 0);
	utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW);
}

static int copy_tree(int sfd, int dfd, int depth, struct tug_err *err)
{
	int d = dup(sfd);
	DIR *dir;
	struct dirent *de;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return tug_errf(err, TUG_E_GENERIC, "copy into volume: directories nested too deep");
	if (d < 0 || !(dir = fdopendir(d))) {
		if (d >= 0)
			close(d);
		return tug_errno(err, "copy into volume: read directory");
	}
	while (rc == 0 && (de = readdir(dir))) {
		struct stat st;
		const char *n = de->d_name;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (fstatat(sfd, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int s2, d2;
			if (mkdirat(dfd, n, 0700) < 0 && errno != EEXIST) {
				rc = tug_errno(err, "copy into volume: mkdir %s", n);
				break;
			}
			s2 = openat(sfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			d2 = openat(dfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (s2 >= 0 && d2 >= 0)
				rc = copy_tree(s2, d2, depth + 1, err);
			if (s2 >= 0)
				close(s2);
			if (d2 >= 0)
				close(d2);
			set_meta(dfd, n, &st, 0);
		} else if (S_ISREG(st.st_mode)) {
			int in = openat(sfd, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			int out = openat(dfd, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
			if (in < 0 || out < 0 || fs_copy_data(in, out) < 0)
				rc = tug_errno(err, "copy into volume: %s", n);
			if (in >= 0)
				close(in);
			if (out >= 0)
				close(out);
			if (rc == 0)
				set_meta(dfd, n, &st, 0);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t len = readlinkat(sfd, n, target, sizeof(target) - 1);
			if (len < 0)
				continue;
			target[len] = '\0';
			if (symlinkat(target, dfd, n) < 0 && errno != EEXIST) {
				rc = tug_errno(err, "copy into volume: symlink %s", n);
				break;
			}
			set_meta(dfd, n, &st, 1);
		} else if (mknodat(dfd, n, st.st_mode, st.st_rdev) == 0) {
			set_meta(dfd, n, &st, 0);
		}
	}
	closedir(dir);
	return rc;
}

int vol_copy_up(int volfd, const char *target, struct tug_err *err)
{
	int dst = openat(volfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), src, rc;
	struct stat st;

	if (dst < 0)
		return tug_errno(err, "open volume for %s", target);
	/* two containers starting on one new volume: one copies */
	flock(dst, LOCK_EX);
	if (!dir_empty(dst)) {
		close(dst);
		return 0;
	}
	src = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0) {
		close(dst);
		return 0; /* nothing in the image at that path */
	}
	if (fstat(src, &st) == 0) {
		/* the volume's root takes the image directory's owner and mode */
		if (fchown(dst, st.st_uid, st.st_gid) < 0 || fchmod(dst, st.st_mode & 07777) < 0) {
			/* not fatal: the content still gets copied */
		}
	}
	rc = copy_tree(src, dst, 0, err);
	close(src);
	close(dst);
	if (rc < 0)
		return tug_err_wrap(err, "volume for %s", target);
	return 0;
}
