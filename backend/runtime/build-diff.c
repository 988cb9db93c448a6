/* build-diff.c - an overlay upper directory written as an OCI layer tar:
 * the upper directory of a step holds exactly its changes, with deletions
 * as overlay whiteouts that the tar spells the OCI way. Entries are
 * written in name order and without user or group names, so the same
 * changes give the same bytes. */
#include "runtime/build.h"
#include "util/str.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define XATTR_OVL "trusted.overlay."

struct hardlink {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct dw {
	struct archive *a;
	struct archive_entry *e;
	struct hardlink *links;
	size_t nlinks;
	long entries;
	struct tug_err *err;
};

static int arc_fail(struct dw *w, const char *what)
{
	return tug_errf(w->err, TUG_E_GENERIC, "write the layer (%s): %s", what,
			archive_error_string(w->a) ? archive_error_string(w->a) : "unknown error");
}

/* Add the entry's extended attributes; refuse overlay features that keep
 * content out of the upper directory (a diff of it would be wrong). */
static int add_xattrs(struct dw *w, int fd, const char *path, const char *rel, int *opaque)
{
	char names[8192], val[8192];
	ssize_t n = fd >= 0 ? flistxattr(fd, names, sizeof(names)) :
			      llistxattr(path, names, sizeof(names));

	*opaque = 0;
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(names + i) + 1) {
		const char *name = names + i;
		ssize_t vn = fd >= 0 ? fgetxattr(fd, name, val, sizeof(val)) :
				       lgetxattr(path, name, val, sizeof(val));
		if (vn < 0)
			continue;
		if (str_has_prefix(name, XATTR_OVL)) {
			const char *k = name + strlen(XATTR_OVL);
			if (!strcmp(k, "opaque") && vn >= 1 && val[0] == 'y')
				*opaque = 1;
			else if (!strcmp(k, "redirect") || !strcmp(k, "metacopy"))
				return tug_errf(w->err, TUG_E_UNSUPPORTED,
						"%s: overlayfs %s is in use on this host (redirect_dir or metacopy enabled): a build step's changes cannot be read from its upper directory; load the overlay module with redirect_dir=off metacopy=off",
						rel, k);
			continue;
		}
		archive_entry_xattr_add_entry(w->e, name, val, (size_t)vn);
	}
	return 0;
}

static int write_marker(struct dw *w, const char *dirrel, const char *name, const struct stat *st)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s%s%s", dirrel, dirrel[0] ? "/" : "", name);
	archive_entry_clear(w->e);
	archive_entry_copy_pathname(w->e, path);
	archive_entry_set_mode(w->e, S_IFREG);
	archive_entry_set_uid(w->e, st->st_uid);
	archive_entry_set_gid(w->e, st->st_gid);
	archive_entry_set_mtime(w->e, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	archive_entry_set_size(w->e, 0);
	if (archive_write_header(w->a, w->e) != ARCHIVE_OK)
		return arc_fail(w, path);
	w->entries++;
	return 0;
}

static int write_data(struct dw *w, int fd, const char *rel)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return tug_errno(w->err, "read %s", rel);
		}
		if (archive_write_data(w->a, buf, (size_t)n) != n)
			return arc_fail(w, rel);
	}
	return 0;
}

static int walk(struct dw *w, int dir, const char *abs, const char *rel);

static int write_node(struct dw *w, int dirfd, const char *name, const char *abs,
		      const char *rel, const char *dirrel)
{
	struct stat st;
	int fd = -1, opaque = 0, rc = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return tug_errno(w->err, "stat %s", rel);
	if (S_ISSOCK(st.st_mode))
		return 0;
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
		char wh[NAME_MAX + 8];
		snprintf(wh, sizeof(wh), ".wh.%s", name);
		return write_marker(w, dirrel, wh, &st);
	}
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return tug_errno(w->err, "open %s", rel);
	}
	archive_entry_clear(w->e);
	archive_entry_copy_pathname(w->e, rel);
	archive_entry_set_mode(w->e, st.st_mode);
	archive_entry_set_uid(w->e, st.st_uid);
	archive_entry_set_gid(w->e, st.st_gid);
	archive_entry_set_mtime(w->e, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	if (add_xattrs(w, fd, abs, rel, &opaque) < 0)
		goto out_fail;
	if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
		for (size_t i = 0; i < w->nlinks; i++)
			if (w->links[i].dev == st.st_dev && w->links[i].ino == st.st_ino) {
				archive_entry_set_size(w->e, 0);
				archive_entry_set_hardlink(w->e, w->links[i].path);
				if (archive_write_header(w->a, w->e) != ARCHIVE_OK)
					rc = arc_fail(w, rel);
				w->entries++;
				close(fd);
				return rc;
			}
		w->links = xrealloc(w->links, (w->nlinks + 1) * sizeof(*w->links));
		w->links[w->nlinks].dev = st.st_dev;
		w->links[w->nlinks].ino = st.st_ino;
		w->links[w->nlinks++].path = xstrdup(rel);
	}
	if (S_ISREG(st.st_mode))
		archive_entry_set_size(w->e, st.st_size);
	else
		archive_entry_set_size(w->e, 0);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
		if (n < 0) {
			tug_errno(w->err, "readlink %s", rel);
			goto out_fail;
		}
		target[n] = '\0';
		archive_entry_set_symlink(w->e, target);
	}
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		archive_entry_set_rdevmajor(w->e, major(st.st_rdev));
		archive_entry_set_rdevminor(w->e, minor(st.st_rdev));
	}
	if (archive_write_header(w->a, w->e) != ARCHIVE_OK) {
		arc_fail(w, rel);
		goto out_fail;
	}
	w->entries++;
	if (S_ISREG(st.st_mode))
		rc = write_data(w, fd, rel);
	else if (S_ISDIR(st.st_mode)) {
		if (opaque)
			rc = write_marker(w, rel, ".wh..wh..opq", &st);
		if (rc == 0)
			rc = walk(w, fd, abs, rel);
	}
	if (fd >= 0)
		close(fd);
	return rc;
out_fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

static int walk(struct dw *w, int dir, const char *abs, const char *rel)
{
	char **names = bfs_names(dir);
	int rc = 0;

	if (!names)
		return tug_errno(w->err, "read %s", abs);
	for (size_t i = 0; names[i] && rc == 0; i++) {
		char cabs[PATH_MAX], crel[PATH_MAX];
		snprintf(cabs, sizeof(cabs), "%s/%s", abs, names[i]);
		snprintf(crel, sizeof(crel), "%s%s%s", rel, rel[0] ? "/" : "", names[i]);
		rc = write_node(w, dir, names[i], cabs, crel, rel);
	}
	df_strv_free(names);
	return rc;
}

int build_diff_tar(const char *upper, int fd, long *entries, struct tug_err *err)
{
	struct dw w = { .err = err };
	int dfd, rc;

	dfd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return tug_errno(err, "open %s", upper);
	w.a = archive_write_new();
	w.e = archive_entry_new();
	if (archive_write_set_format_pax_restricted(w.a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(w.a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(w.a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(w.a, fd) != ARCHIVE_OK) {
		rc = arc_fail(&w, "open");
		goto out;
	}
	rc = walk(&w, dfd, upper, "");
	if (rc == 0 && archive_write_close(w.a) != ARCHIVE_OK)
		rc = arc_fail(&w, "close");
out:
	archive_entry_free(w.e);
	archive_write_free(w.a);
	close(dfd);
	for (size_t i = 0; i < w.nlinks; i++)
		free(w.links[i].path);
	free(w.links);
	*entries = w.entries;
	return rc;
}
