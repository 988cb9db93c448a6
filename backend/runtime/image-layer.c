/* image-layer.c - one pass over a layer stream: raw bytes -> blob digest
 * (and the blob file), decompressed bytes -> DiffID, tar entries -> a
 * safe, overlayfs-ready directory. Two libarchive readers are chained: the
 * outer one only decompresses (format "raw"), the inner one parses the tar
 * from the outer one's output, so every byte of the uncompressed stream is
 * seen exactly once and hashed on the way. The outer reader runs in its
 * own thread, handing decompressed blocks over through a small queue:
 * decompression overlaps hashing and writing files, which halves the
 * time of a big layer on two cores. */
#include "runtime/image-layer.h"
#include "util/fs.h"
#include "util/str.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define RAW_BUF (128 * 1024)
#define WH_PREFIX ".wh."
#define WH_META ".wh..wh."
#define WH_OPAQUE ".wh..wh..opq"
#define XATTR_OPAQUE "trusted.overlay.opaque"

/* ---- the unpacker ---- */

struct dir_fix {
	char *path;
	mode_t mode;
	struct timespec times[2];
};

struct lx {
	int root;              /* O_PATH fd of the layer root */
	int is_root;           /* euid 0: keep owners */
	char *cache_path;      /* last parent opened, and its O_PATH fd */
	int cache_fd;
	struct dir_fix *fixes; /* directory modes and times, applied last */
	size_t nfixes;
	int64_t size;
	long skipped;
};

int layer_clean_path(const char *in, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	while (*in) {
		const char *e;
		size_t n;
		while (*in == '/')
			in++;
		if (!*in)
			break;
		e = strchr(in, '/');
		n = e ? (size_t)(e - in) : strlen(in);
		if (n == 1 && in[0] == '.') {
			/* nothing */
		} else if (n == 2 && in[0] == '.' && in[1] == '.') {
			if (len == 0)
				return -1;
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
		} else {
			if (len + n + 2 > size)
				return -1;
			if (len)
				out[len++] = '/';
			memcpy(out + len, in, n);
			len += n;
			out[len] = '\0';
		}
		in += n;
	}
	return 0;
}

static void split_path(char *path, const char **dir, const char **base)
{
	char *slash = strrchr(path, '/');

	if (slash) {
		*slash = '\0';
		*dir = path;
		*base = slash + 1;
	} else {
		*dir = "";
		*base = path;
	}
}

static void lx_uncache(struct lx *x)
{
	if (x->cache_fd >= 0)
		close(x->cache_fd);
	x->cache_fd = -1;
	free(x->cache_path);
	x->cache_path = NULL;
}

/* Open directory `dir` (clean, relative to the layer root) as O_PATH
 * without following any symlink; missing components are created when
 * `create`. Returns a new fd the caller closes. */
static int lx_open_dir(struct lx *x, const char *dir, int create, const char *entry,
		       struct tug_err *err)
{
	char comp[NAME_MAX + 1];
	const char *p = dir;
	int fd;

	if (!*dir)
		return fcntl(x->root, F_DUPFD_CLOEXEC, 0);
	if (x->cache_path && !strcmp(x->cache_path, dir))
		return fcntl(x->cache_fd, F_DUPFD_CLOEXEC, 0);
	fd = fcntl(x->root, F_DUPFD_CLOEXEC, 0);
	while (fd >= 0 && *p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		int nfd;
		if (n > NAME_MAX) {
			close(fd);
			return tug_errf(err, TUG_E_INVALID, "layer entry \"%s\": name too long", entry);
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		nfd = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
				tug_errno(err, "layer entry \"%s\": create directory %.*s", entry,
					  (int)(p - dir + (ptrdiff_t)n), dir);
				close(fd);
				return -1;
			}
			nfd = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd < 0) {
			struct stat st;
			int e0 = errno;
			if ((e0 == ENOTDIR || e0 == ELOOP) &&
			    fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				tug_errf(err, TUG_E_INVALID,
					 "layer entry \"%s\": refusing to write through the symbolic link \"%.*s\"",
					 entry, (int)(p - dir + (ptrdiff_t)n), dir);
			else if (e0 == ENOTDIR)
				tug_errf(err, TUG_E_INVALID, "layer entry \"%s\": \"%.*s\" is not a directory",
					 entry, (int)(p - dir + (ptrdiff_t)n), dir);
			else {
				errno = e0;
				tug_errno(err, "layer entry \"%s\": open %.*s", entry,
					  (int)(p - dir + (ptrdiff_t)n), dir);
			}
			close(fd);
			return -1;
		}
		close(fd);
		fd = nfd;
		p = e ? e + 1 : p + n;
	}
	if (fd < 0)
		return tug_errno(err, "layer entry \"%s\": open %s", entry, dir);
	/* consecutive entries mostly share a parent: keep it */
	lx_uncache(x);
	x->cache_path = xstrdup(dir);
	x->cache_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return fd;
}

/* A readable fd of directory `dir` (for fsetxattr / fchmod). */
static int lx_open_dir_rd(struct lx *x, const char *dir, int create, const char *entry,
			  struct tug_err *err)
{
	char buf[PATH_MAX];
	const char *pdir, *base;
	int pfd, fd;

	if (!*dir)
		return openat(x->root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(buf, sizeof(buf), "%s", dir);
	split_path(buf, &pdir, &base);
	pfd = lx_open_dir(x, pdir, create, entry, err);
	if (pfd < 0)
		return -1;
	fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(pfd, base, 0755) == 0 || errno == EEXIST)
			fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		tug_errno(err, "layer entry \"%s\": open directory %s", entry, dir);
	close(pfd);
	return fd;
}

static void lx_forget_fixes(struct lx *x, const char *path)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < x->nfixes; i++) {
		const char *p = x->fixes[i].path;
		if (p && !strncmp(p, path, n) && (p[n] == '\0' || p[n] == '/')) {
			free(x->fixes[i].path);
			x->fixes[i].path = NULL;
		}
	}
}

/* Make room for a new entry `name` in pfd. An existing directory is kept
 * when keep_dir (returns 1); anything else is removed (returns 0). */
static int lx_clear(struct lx *x, int pfd, const char *name, const char *path, int keep_dir,
		    struct tug_err *err)
{
	struct stat st;

	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return tug_errno(err, "layer entry \"%s\": stat", path);
	}
	if (S_ISDIR(st.st_mode)) {
		if (keep_dir)
			return 1;
		lx_uncache(x);
		lx_forget_fixes(x, path);
		if (fs_rm_rf_at(pfd, name, err) < 0)
			return tug_err_wrap(err, "layer entry \"%s\"", path);
		return 0;
	}
	if (unlinkat(pfd, name, 0) < 0 && errno != ENOENT)
		return tug_errno(err, "layer entry \"%s\": replace", path);
	return 0;
}

static void entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	} else {
		ts[0] = ts[1];
	}
}

static int is_overlay_xattr(const char *name)
{
	return str_has_prefix(name, "trusted.overlay.") || str_has_prefix(name, "user.overlay.");
}

static int lx_xattrs(struct archive_entry *e, int fd, const char *path, struct tug_err *err)
{
	const char *name;
	const void *val;
	size_t len;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &val, &len) == ARCHIVE_OK) {
		if (is_overlay_xattr(name))
			continue;
		if (fsetxattr(fd, name, val, len, 0) < 0 && errno != ENOTSUP && errno != EPERM)
			return tug_errno(err, "layer entry \"%s\": set xattr %s", path, name);
	}
	return 0;
}

static int lx_owner(struct lx *x, struct archive_entry *e, int fd, const char *path,
		    struct tug_err *err)
{
	if (!x->is_root)
		return 0;
	if (fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0)
		return tug_errno(err, "layer entry \"%s\": chown %lld:%lld", path,
				 (long long)archive_entry_uid(e), (long long)archive_entry_gid(e));
	return 0;
}

static int write_all_at(int fd, const char *buf, size_t len, off_t off)
{
	while (len > 0) {
		ssize_t n = pwrite(fd, buf, len, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static int lx_file(struct lx *x, struct archive *a, struct archive_entry *e, int pfd,
		   const char *name, const char *path, struct tug_err *err)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	struct timespec ts[2];
	int fd, r;

	if (lx_clear(x, pfd, name, path, 0, err) < 0)
		return -1;
	fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return tug_errno(err, "layer entry \"%s\": create", path);
	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		if (len && write_all_at(fd, buf, len, (off_t)off) < 0) {
			tug_errno(err, "layer entry \"%s\": write", path);
			goto fail;
		}
	}
	if (r != ARCHIVE_EOF) {
		tug_errf(err, TUG_E_INVALID, "layer entry \"%s\": %s", path, archive_error_string(a));
		goto fail;
	}
	/* sparse files end in a hole */
	if (archive_entry_size_is_set(e) && ftruncate(fd, (off_t)archive_entry_size(e)) < 0) {
		tug_errno(err, "layer entry \"%s\": truncate", path);
		goto fail;
	}
	if (lx_owner(x, e, fd, path, err) < 0)
		goto fail;
	/* after chown, which clears set-id bits */
	if (fchmod(fd, archive_entry_perm(e) & 07777) < 0) {
		tug_errno(err, "layer entry \"%s\": chmod", path);
		goto fail;
	}
	if (lx_xattrs(e, fd, path, err) < 0)
		goto fail;
	entry_times(e, ts);
	if (futimens(fd, ts) < 0) {
		tug_errno(err, "layer entry \"%s\": set times", path);
		goto fail;
	}
	close(fd);
	x->size += archive_entry_size(e);
	return 0;
fail:
	close(fd);
	return -1;
}

static int lx_dir(struct lx *x, struct archive_entry *e, int pfd, const char *name,
		  const char *path, struct tug_err *err)
{
	struct dir_fix *f;
	int fd, kept;

	kept = lx_clear(x, pfd, name, path, 1, err);
	if (kept < 0)
		return -1;
	/* owner-writable until the end, whatever the archive says */
	if (!kept && mkdirat(pfd, name, 0700) < 0)
		return tug_errno(err, "layer entry \"%s\": mkdir", path);
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return tug_errno(err, "layer entry \"%s\": open", path);
	if (lx_owner(x, e, fd, path, err) < 0 || lx_xattrs(e, fd, path, err) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	lx_forget_fixes(x, path);
	x->fixes = xrealloc(x->fixes, (x->nfixes + 1) * sizeof(*x->fixes));
	f = &x->fixes[x->nfixes++];
	f->path = xstrdup(path);
	f->mode = archive_entry_perm(e) & 07777;
	entry_times(e, f->times);
	return 0;
}

/* A relative target is resolved from the link's directory; it must not
 * climb above the layer root. Absolute targets resolve inside the
 * container's root at run time. */
static int symlink_escapes(const char *dir, const char *target)
{
	char joined[2 * PATH_MAX], clean[2 * PATH_MAX];

	if (target[0] == '/')
		return 0;
	snprintf(joined, sizeof(joined), "%s/%s", dir, target);
	return layer_clean_path(joined, clean, sizeof(clean)) < 0;
}

static int lx_symlink(struct lx *x, struct archive_entry *e, int pfd, const char *dir,
		      const char *name, const char *path, struct tug_err *err)
{
	const char *target = archive_entry_symlink(e);
	struct timespec ts[2];

	if (!target || !*target)
		return tug_errf(err, TUG_E_INVALID, "layer entry \"%s\": symbolic link without a target",
				path);
	if (symlink_escapes(dir, target))
		return tug_errf(err, TUG_E_INVALID,
				"layer entry \"%s\": refusing a symbolic link to \"%s\", outside the layer",
				path, target);
	if (lx_clear(x, pfd, name, path, 0, err) < 0)
		return -1;
	if (symlinkat(target, pfd, name) < 0)
		return tug_errno(err, "layer entry \"%s\": symlink", path);
	if (x->is_root && fchownat(pfd, name, (uid_t)archive_entry_uid(e),
				   (gid_t)archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0)
		return tug_errno(err, "layer entry \"%s\": chown", path);
	entry_times(e, ts);
	if (utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return tug_errno(err, "layer entry \"%s\": set times", path);
	x->size += (int64_t)strlen(target);
	return 0;
}

static int lx_hardlink(struct lx *x, struct archive_entry *e, int pfd, const char *name,
		       const char *path, struct tug_err *err)
{
	char target[PATH_MAX];
	const char *tdir, *tbase;
	int tfd, r;

	if (layer_clean_path(archive_entry_hardlink(e), target, sizeof(target)) < 0 || !target[0])
		return tug_errf(err, TUG_E_INVALID,
				"layer entry \"%s\": refusing a hard link to \"%s\", outside the layer",
				path, archive_entry_hardlink(e));
	if (!strcmp(target, path))
		return 0;
	split_path(target, &tdir, &tbase);
	tfd = lx_open_dir(x, tdir, 0, path, err);
	if (tfd < 0)
		return tug_err_wrap(err, "hard link target not in this layer");
	r = lx_clear(x, pfd, name, path, 0, err);
	if (r == 0 && linkat(tfd, tbase, pfd, name, 0) < 0)
		r = tug_errno(err, "layer entry \"%s\": hard link to \"%s\" (the target must come "
			      "earlier in the same layer)", path, archive_entry_hardlink(e));
	close(tfd);
	return r < 0 ? -1 : 0;
}

static int lx_fifo(struct lx *x, struct archive_entry *e, int pfd, const char *name,
		   const char *path, struct tug_err *err)
{
	struct timespec ts[2];

	if (lx_clear(x, pfd, name, path, 0, err) < 0)
		return -1;
	if (mknodat(pfd, name, S_IFIFO | 0600, 0) < 0)
		return tug_errno(err, "layer entry \"%s\": mkfifo", path);
	if (x->is_root && fchownat(pfd, name, (uid_t)archive_entry_uid(e),
				   (gid_t)archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0)
		return tug_errno(err, "layer entry \"%s\": chown", path);
	if (fchmodat(pfd, name, archive_entry_perm(e) & 07777, 0) < 0)
		return tug_errno(err, "layer entry \"%s\": chmod", path);
	entry_times(e, ts);
	if (utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return tug_errno(err, "layer entry \"%s\": set times", path);
	return 0;
}

static int lx_whiteout(struct lx *x, struct archive_entry *e, const char *dir,
		       const char *base, const char *path, struct tug_err *err)
{
	const char *name = base + strlen(WH_PREFIX);
	int fd, r = 0;

	if (!strcmp(base, WH_OPAQUE)) {
		fd = lx_open_dir_rd(x, dir, 1, path, err);
		if (fd < 0)
			return -1;
		if (fsetxattr(fd, XATTR_OPAQUE, "y", 1, 0) < 0)
			r = tug_errno(err, "layer entry \"%s\": mark %s opaque (overlayfs needs root "
				      "for trusted.* xattrs)", path, *dir ? dir : "/");
		close(fd);
		return r;
	}
	if (str_has_prefix(base, WH_META))
		return 0; /* aufs bookkeeping (.wh..wh.plnk ...): nothing to do */
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return tug_errf(err, TUG_E_INVALID, "layer entry \"%s\": invalid whiteout", path);
	fd = lx_open_dir(x, dir, 1, path, err);
	if (fd < 0)
		return -1;
	if (lx_clear(x, fd, name, path, 0, err) < 0)
		r = -1;
	else if (mknodat(fd, name, S_IFCHR | 0, makedev(0, 0)) < 0)
		r = tug_errno(err, "layer entry \"%s\": create the whiteout", path);
	else if (x->is_root && fchownat(fd, name, (uid_t)archive_entry_uid(e),
					(gid_t)archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0)
		r = tug_errno(err, "layer entry \"%s\": chown", path);
	close(fd);
	return r;
}

static int lx_entry(struct lx *x, struct archive *a, struct archive_entry *e,
		    struct tug_err *err)
{
	char path[PATH_MAX], parent[PATH_MAX];
	const char *raw = archive_entry_pathname(e), *dir, *base;
	mode_t type = archive_entry_filetype(e);
	int pfd, r;

	if (!raw)
		return tug_errf(err, TUG_E_INVALID, "layer entry without a name");
	if (layer_clean_path(raw, path, sizeof(path)) < 0)
		return tug_errf(err, TUG_E_INVALID,
				"layer entry \"%s\": refusing a path outside the layer", raw);
	if (!path[0])
		return 0; /* the root itself: its attributes are the container's */
	snprintf(parent, sizeof(parent), "%s", path);
	split_path(parent, &dir, &base);

	if (str_has_prefix(base, WH_PREFIX))
		return lx_whiteout(x, e, dir, base, path, err);
	if (!archive_entry_hardlink(e) &&
	    (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFSOCK)) {
		x->skipped++;
		return 0;
	}
	pfd = lx_open_dir(x, dir, 1, path, err);
	if (pfd < 0)
		return -1;
	if (archive_entry_hardlink(e))
		r = lx_hardlink(x, e, pfd, base, path, err);
	else if (type == AE_IFREG)
		r = lx_file(x, a, e, pfd, base, path, err);
	else if (type == AE_IFDIR)
		r = lx_dir(x, e, pfd, base, path, err);
	else if (type == AE_IFLNK)
		r = lx_symlink(x, e, pfd, dir, base, path, err);
	else if (type == AE_IFIFO)
		r = lx_fifo(x, e, pfd, base, path, err);
	else
		r = tug_errf(err, TUG_E_INVALID, "layer entry \"%s\": unknown file type %o", path,
			     (unsigned)type);
	close(pfd);
	return r;
}

/* Directory modes and times last (children change a directory's mtime),
 * deepest first. */
static int lx_finish(struct lx *x, struct tug_err *err)
{
	for (size_t i = x->nfixes; i-- > 0;) {
		struct dir_fix *f = &x->fixes[i];
		struct tug_err ignore;
		int fd;
		if (!f->path)
			continue;
		fd = lx_open_dir_rd(x, f->path, 0, f->path, &ignore);
		if (fd < 0)
			continue; /* replaced later in the archive */
		if (fchmod(fd, f->mode) < 0 || futimens(fd, f->times) < 0) {
			tug_errno(err, "layer entry \"%s\": set mode and times", f->path);
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

static void lx_release(struct lx *x)
{
	lx_uncache(x);
	for (size_t i = 0; i < x->nfixes; i++)
		free(x->fixes[i].path);
	free(x->fixes);
	if (x->root >= 0)
		close(x->root);
}

/* ---- the stream ---- */

#define TQ_SLOTS 8

/* Decompressed blocks from the outer reader's thread to the unpacker. */
struct tq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct {
		void *buf;
		size_t len, cap;
	} slot[TQ_SLOTS];
	unsigned head, tail;   /* pop at head, push at tail */
	int eof, failed, abort;
	int err_errno;         /* the failure: an I/O errno, or 0 and errmsg */
	const char *err_what;
	char errmsg[512];
	void *held;            /* the block the unpacker reads now */
	size_t held_cap;
	pthread_t thread;
	int started;
};

struct lpipe {
	const struct layer_in *in;
	unsigned char *rbuf;
	struct digest_ctx *raw_dg;
	int64_t raw_n;
	struct sbuf pending;   /* raw bytes read before the compression is known */
	int buffer_raw;        /* keep them in pending */
	int raw_out, tar_out;  /* blob file receiving raw / uncompressed bytes */
	struct archive *outer;
	struct digest_ctx *tar_dg;
	int64_t tar_n;
	int io_errno;          /* the unpacker's side */
	const char *io_what;
	int raw_errno;         /* the raw input's side (the outer reader's thread) */
	const char *raw_what;
	struct tq *q;          /* the outer reader runs in q->thread */
};


static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Next raw chunk from the input: hashed and copied on the way. */
static ssize_t pull_raw(struct lpipe *p)
{
	ssize_t n;

	do
		n = p->in->read ? p->in->read(p->in->read_ctx, p->rbuf, RAW_BUF) :
				  read(p->in->fd, p->rbuf, RAW_BUF);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		p->raw_errno = errno;
		p->raw_what = "read the input";
		return -1;
	}
	if (p->raw_dg)
		digest_update(p->raw_dg, p->rbuf, (size_t)n);
	p->raw_n += n;
	if (p->buffer_raw)
		sbuf_add(&p->pending, (const char *)p->rbuf, (size_t)n);
	else if (p->raw_out >= 0 && write_all(p->raw_out, p->rbuf, (size_t)n) < 0) {
		p->raw_errno = errno;
		p->raw_what = "write the blob";
		return -1;
	}
	return n;
}

static la_ssize_t outer_read(struct archive *a, void *ctx, const void **buf)
{
	struct lpipe *p = ctx;
	ssize_t n = pull_raw(p);

	if (n < 0) {
		archive_set_error(a, p->raw_errno, "%s: %s", p->raw_what, strerror(p->raw_errno));
		if (!p->q) {
			/* one thread: the unpacker's side may report it directly */
			p->io_errno = p->raw_errno;
			p->io_what = p->raw_what;
		}
		return -1;
	}
	*buf = p->rbuf;
	return n;
}

/* The next decompressed block of the outer reader, unaccounted; 0 at
 * the end, -1 on errors (archive_error_string(p->outer), p->io_errno). */
static la_ssize_t decompress(struct lpipe *p, const void **buf)
{
	size_t len = 0;
	la_int64_t off;
	int r;

	do {
		r = archive_read_data_block(p->outer, buf, &len, &off);
	} while (r == ARCHIVE_OK && len == 0);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		return -1;
	return (la_ssize_t)len;
}

static void tq_fail(struct tq *q, struct lpipe *p)
{
	pthread_mutex_lock(&q->mu);
	q->failed = 1;
	q->err_errno = p->raw_errno;
	q->err_what = p->raw_what;
	snprintf(q->errmsg, sizeof(q->errmsg), "%s", p->raw_errno ? strerror(p->raw_errno) :
		 archive_error_string(p->outer) ? archive_error_string(p->outer) :
		 "corrupt compressed stream");
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* The outer reader: decompress into the queue, then read the raw input
 * to its end (the blob digest covers it all). */
static void *tq_producer(void *arg)
{
	struct lpipe *p = arg;
	struct tq *q = p->q;
	const void *buf;
	la_ssize_t n;

	while ((n = decompress(p, &buf)) > 0) {
		pthread_mutex_lock(&q->mu);
		while (q->tail - q->head == TQ_SLOTS && !q->abort)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->abort) {
			pthread_mutex_unlock(&q->mu);
			return NULL;
		}
		pthread_mutex_unlock(&q->mu);
		/* the slot at tail is ours until tail moves */
		{
			unsigned k = q->tail % TQ_SLOTS;
			if (q->slot[k].cap < (size_t)n) {
				q->slot[k].buf = xrealloc(q->slot[k].buf, (size_t)n);
				q->slot[k].cap = (size_t)n;
			}
			memcpy(q->slot[k].buf, buf, (size_t)n);
			q->slot[k].len = (size_t)n;
		}
		pthread_mutex_lock(&q->mu);
		q->tail++;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
	}
	if (n == 0)
		while ((n = pull_raw(p)) > 0)
			;
	if (n < 0) {
		tq_fail(q, p);
		return NULL;
	}
	pthread_mutex_lock(&q->mu);
	q->eof = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* The next block from the queue: 0 at the end, -1 on the producer's
 * failure (copied into p->io_errno / q->errmsg). */
static la_ssize_t tq_pop(struct lpipe *p, const void **buf)
{
	struct tq *q = p->q;
	unsigned k;
	void *tmp;
	size_t cap, len;

	pthread_mutex_lock(&q->mu);
	while (q->head == q->tail && !q->eof && !q->failed)
		pthread_cond_wait(&q->cv, &q->mu);
	if (q->head == q->tail) {
		int failed = q->failed;
		if (failed && q->err_errno) {
			p->io_errno = q->err_errno;
			p->io_what = q->err_what;
		}
		pthread_mutex_unlock(&q->mu);
		return failed ? -1 : 0;
	}
	/* swap buffers: the producer reuses ours */
	k = q->head % TQ_SLOTS;
	tmp = q->slot[k].buf;
	cap = q->slot[k].cap;
	len = q->slot[k].len;
	q->slot[k].buf = q->held;
	q->slot[k].cap = q->held_cap;
	q->held = tmp;
	q->held_cap = cap;
	q->head++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	*buf = q->held;
	return (la_ssize_t)len;
}

static int tq_start(struct lpipe *p)
{
	struct tq *q = xcalloc(1, sizeof(*q));

	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	p->q = q;
	if (pthread_create(&q->thread, NULL, tq_producer, p) != 0) {
		/* no thread: read in this one */
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		free(q);
		p->q = NULL;
		return -1;
	}
	q->started = 1;
	return 0;
}

/* Stop the producer (if still going) and free the queue. */
static void tq_stop(struct lpipe *p)
{
	struct tq *q = p->q;

	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->abort = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	if (q->started)
		pthread_join(q->thread, NULL);
	for (int i = 0; i < TQ_SLOTS; i++)
		free(q->slot[i].buf);
	free(q->held);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
	p->q = NULL;
}

/* Why the outer reader failed. */
static const char *outer_error(struct lpipe *p)
{
	if (p->q)
		return p->q->errmsg[0] ? p->q->errmsg : "corrupt compressed stream";
	return archive_error_string(p->outer) ? archive_error_string(p->outer) :
	       "corrupt compressed stream";
}

/* Next uncompressed chunk: hashed and copied on the way. 0 at the end. */
static la_ssize_t pull_tar(struct lpipe *p, const void **buf)
{
	la_ssize_t n = p->q ? tq_pop(p, buf) : decompress(p, buf);
	size_t len;

	if (n <= 0)
		return n;
	len = (size_t)n;
	digest_update(p->tar_dg, *buf, len);
	p->tar_n += (int64_t)len;
	if (p->tar_out >= 0 && write_all(p->tar_out, *buf, len) < 0) {
		p->io_errno = errno;
		p->io_what = "write the blob";
		return -1;
	}
	return (la_ssize_t)len;
}

static la_ssize_t inner_read(struct archive *a, void *ctx, const void **buf)
{
	struct lpipe *p = ctx;
	la_ssize_t n = pull_tar(p, buf);

	if (n < 0) {
		if (p->io_errno)
			archive_set_error(a, p->io_errno, "%s: %s", p->io_what, strerror(p->io_errno));
		else
			archive_set_error(a, EIO, "%s", outer_error(p));
	}
	return n;
}

static int open_blob(const char *path, struct tug_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		tug_errno(err, "create %s", path);
	return fd;
}

/* The compression is known: decide what the blob is. A valid OCI layer
 * (plain, gzip, zstd) is kept as given, anything else uncompressed. */
static int choose_blob(struct lpipe *p, struct layer_out *out, struct tug_err *err)
{
	int code = archive_filter_code(p->outer, 0);
	int keep_raw = archive_filter_count(p->outer) <= 2 &&
		       (code == ARCHIVE_FILTER_NONE || code == ARCHIVE_FILTER_GZIP ||
			code == ARCHIVE_FILTER_ZSTD);

	out->media_type = !keep_raw || code == ARCHIVE_FILTER_NONE ? MT_LAYER_TAR :
			  code == ARCHIVE_FILTER_GZIP ? MT_LAYER_GZIP : MT_LAYER_ZSTD;
	if (!p->in->blob_path) {
		out->blob_written = 0;
	} else if (keep_raw) {
		if (!p->in->fd_is_blob) {
			p->raw_out = open_blob(p->in->blob_path, err);
			if (p->raw_out < 0)
				return -1;
			if (write_all(p->raw_out, p->pending.s, p->pending.len) < 0)
				return tug_errno(err, "write %s", p->in->blob_path);
			out->blob_written = 1;
		}
	} else {
		p->tar_out = open_blob(p->in->blob_path, err);
		if (p->tar_out < 0)
			return -1;
		out->blob_written = 1;
	}
	p->buffer_raw = 0;
	sbuf_release(&p->pending);
	return keep_raw;
}

static int archive_fail(struct lpipe *p, struct archive *a, const char *what, struct tug_err *err)
{
	if (p->io_errno) {
		errno = p->io_errno;
		return tug_errno(err, "%s", p->io_what);
	}
	return tug_errf(err, TUG_E_INVALID, "%s: %s", what,
			archive_error_string(a) ? archive_error_string(a) : "unreadable archive");
}

static int read_entries(struct lpipe *p, struct lx *x, struct tug_err *err)
{
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	int r, rc = 0;

	archive_read_support_format_tar(in);
	if (archive_read_open(in, p, NULL, inner_read, NULL) != ARCHIVE_OK) {
		rc = archive_fail(p, in, "not a tar archive", err);
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(in, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			rc = archive_fail(p, in, p->tar_n ? "corrupt tar archive" :
					  "not a tar archive (plain, gzip, zstd, bzip2 or xz)", err);
			goto out;
		}
		if (x && lx_entry(x, in, e, err) < 0) {
			rc = -1;
			goto out;
		}
		if (!x && archive_read_data_skip(in) != ARCHIVE_OK) {
			rc = archive_fail(p, in, "corrupt tar archive", err);
			goto out;
		}
	}
out:
	archive_read_free(in);
	return rc;
}

static int open_dest(const char *dest, struct lx *x, struct tug_err *err)
{
	memset(x, 0, sizeof(*x));
	x->root = x->cache_fd = -1;
	x->is_root = geteuid() == 0;
	if (mkdir(dest, 0755) < 0)
		return tug_errno(err, "create %s", dest);
	x->root = open(dest, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (x->root < 0)
		return tug_errno(err, "open %s", dest);
	return 0;
}

int layer_read(const struct layer_in *in, struct layer_out *out, struct tug_err *err)
{
	struct lpipe p = { .in = in, .raw_out = -1, .tar_out = -1, .pending = SBUF_INIT };
	struct archive_entry *e;
	struct lx x = { .root = -1, .cache_fd = -1 };
	const void *buf;
	int keep_raw = 0, rc = -1;
	la_ssize_t n;

	memset(out, 0, sizeof(*out));
	if (in->dest && open_dest(in->dest, &x, err) < 0) {
		lx_release(&x);
		return -1;
	}
	p.rbuf = xmalloc(RAW_BUF);
	p.raw_dg = in->raw_digest ? NULL : digest_new();
	p.tar_dg = digest_new();
	p.buffer_raw = in->blob_path && !in->fd_is_blob;
	p.outer = archive_read_new();
	archive_read_support_filter_gzip(p.outer);
	archive_read_support_filter_zstd(p.outer);
	archive_read_support_filter_bzip2(p.outer);
	archive_read_support_filter_xz(p.outer);
	archive_read_support_format_raw(p.outer);
	if (archive_read_open(p.outer, &p, NULL, outer_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(p.outer, &e) != ARCHIVE_OK) {
		if (!p.io_errno && p.raw_n == 0)
			tug_errf(err, TUG_E_INVALID, "the input is empty: expected a tar archive");
		else
			archive_fail(&p, p.outer, "unreadable input", err);
		goto out;
	}
	keep_raw = choose_blob(&p, out, err);
	if (keep_raw < 0)
		goto out;
	tq_start(&p); /* without a thread, all is read in this one */
	if (read_entries(&p, in->dest ? &x : NULL, err) < 0)
		goto out;
	if (in->dest && lx_finish(&x, err) < 0)
		goto out;
	/* the DiffID covers the whole stream, padding after the tar's end too */
	while ((n = pull_tar(&p, &buf)) > 0)
		;
	if (n < 0) {
		if (p.io_errno) {
			errno = p.io_errno;
			tug_errno(err, "%s", p.io_what);
		} else {
			tug_errf(err, TUG_E_INVALID, "corrupt compressed stream: %s", outer_error(&p));
		}
		goto out;
	}
	if (p.q) {
		/* the producer read the raw input to its end */
		tq_stop(&p);
	} else {
		while ((n = pull_raw(&p)) > 0)
			;
		if (n < 0) {
			errno = p.raw_errno;
			tug_errno(err, "%s", p.raw_what);
			goto out;
		}
	}
	if (p.raw_out >= 0 && close(p.raw_out) < 0) {
		p.raw_out = -1;
		tug_errno(err, "write %s", in->blob_path);
		goto out;
	}
	p.raw_out = -1;
	if (p.tar_out >= 0 && close(p.tar_out) < 0) {
		p.tar_out = -1;
		tug_errno(err, "write %s", in->blob_path);
		goto out;
	}
	p.tar_out = -1;
	digest_final(p.tar_dg, out->diff_id);
	p.tar_dg = NULL;
	if (p.raw_dg)
		digest_final(p.raw_dg, out->blob_digest);
	else
		snprintf(out->blob_digest, sizeof(out->blob_digest), "%s", in->raw_digest);
	p.raw_dg = NULL;
	out->tar_size = p.tar_n;
	out->blob_size = p.raw_n;
	if (!keep_raw) {
		memcpy(out->blob_digest, out->diff_id, sizeof(out->diff_id));
		out->blob_size = p.tar_n;
	}
	out->size = x.size;
	out->skipped = x.skipped;
	rc = 0;
out:
	tq_stop(&p);
	if (p.raw_out >= 0)
		close(p.raw_out);
	if (p.tar_out >= 0)
		close(p.tar_out);
	archive_read_free(p.outer);
	digest_free(p.raw_dg);
	digest_free(p.tar_dg);
	sbuf_release(&p.pending);
	free(p.rbuf);
	lx_release(&x);
	return rc;
}
