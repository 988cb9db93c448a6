/* build-context.c - the trees COPY and ADD read from (the build context,
 * another stage, an image): paths resolved inside the tree's root only,
 * glob sources expanded, .dockerignore'd paths left out, and the content
 * hash that keys COPY steps in the build cache. */
#include "runtime/build.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int bfs_open_in(int root, const char *path, int flags, mode_t mode)
{
	struct open_how how = { 0 };

	how.flags = (uint64_t)(flags | O_CLOEXEC);
	how.mode = (flags & O_CREAT) ? mode : 0;
	/* ".." stops at root, absolute symlinks start at root */
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	while (*path == '/')
		path++;
	return (int)syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof(how));
}

int bsrc_clean(const char *in, char *out, size_t size, struct tug_err *err)
{
	char *buf = xstrdup(in), *save = NULL, **comp = xcalloc(strlen(in) + 1, sizeof(char *));
	size_t n = 0, len = 0;
	int rc = 0;

	for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			if (!n) {
				rc = tug_errf(err, TUG_E_INVALID,
					      "%s: forbidden path outside the build context", in);
				goto out;
			}
			n--;
			continue;
		}
		comp[n++] = c;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(comp[i]);
		if (len + l + 2 > size) {
			rc = tug_errf(err, TUG_E_INVALID, "%.64s...: path too long", in);
			goto out;
		}
		if (i)
			out[len++] = '/';
		memcpy(out + len, comp[i], l + 1);
		len += l;
	}
out:
	free(comp);
	free(buf);
	return rc;
}

static int has_meta(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **bfs_names(int dir)
{
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	char **v = xcalloc(1, sizeof(char *));
	struct dirent *de;
	size_t n = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		free(v);
		return NULL;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		v = xrealloc(v, (n + 2) * sizeof(char *));
		v[n++] = xstrdup(de->d_name);
		v[n] = NULL;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(char *), cmp_strp);
	return v;
}

/* Sorted entry names of the directory at path inside root. */
static char **list_dir(int root, const char *path, size_t *n)
{
	int fd = bfs_open_in(root, path, O_PATH | O_DIRECTORY, 0);
	char **v;

	*n = 0;
	if (fd < 0)
		return NULL;
	v = bfs_names(fd);
	close(fd);
	while (v && v[*n])
		(*n)++;
	return v;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = xmalloc(la + lb + 2);

	memcpy(s, a, la);
	if (la)
		s[la++] = '/';
	memcpy(s + la, b, lb + 1);
	return s;
}

static void add_path(char ***v, size_t *n, char *p)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = p;
}

static void free_paths(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int bsrc_expand(const struct bsrc *s, const char *pattern, char ***out, size_t *nout,
		struct tug_err *err)
{
	char clean[PATH_MAX], *buf, *save = NULL;
	char **cur = NULL, **next;
	size_t ncur = 0, nnext;

	*out = NULL;
	*nout = 0;
	if (bsrc_clean(pattern, clean, sizeof(clean), err) < 0)
		return -1;
	if (!has_meta(clean)) {
		int fd = bfs_open_in(s->fd, clean, O_PATH, 0);
		if (fd < 0 || (clean[0] && ignore_match(s->ig, clean))) {
			if (fd >= 0)
				close(fd);
			return tug_errf(err, TUG_E_NOTFOUND,
					"%s: file not found in build context or excluded by .dockerignore",
					pattern);
		}
		close(fd);
		add_path(out, nout, xstrdup(clean));
		return 0;
	}
	/* one path component at a time: '*' never crosses a '/' */
	add_path(&cur, &ncur, xstrdup(""));
	buf = xstrdup(clean);
	for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		next = NULL;
		nnext = 0;
		for (size_t i = 0; i < ncur; i++) {
			if (!has_meta(c)) {
				add_path(&next, &nnext, join(cur[i], c));
				continue;
			}
			size_t ne;
			char **names = list_dir(s->fd, cur[i], &ne);
			for (size_t k = 0; k < ne; k++) {
				if (ignore_glob(c, names[k]))
					add_path(&next, &nnext, join(cur[i], names[k]));
			}
			free_paths(names, ne);
		}
		free_paths(cur, ncur);
		cur = next;
		ncur = nnext;
	}
	free(buf);
	for (size_t i = 0; i < ncur; i++) {
		int fd = bfs_open_in(s->fd, cur[i], O_PATH, 0);
		if (fd < 0 || ignore_match(s->ig, cur[i])) {
			if (fd >= 0)
				close(fd);
			free(cur[i]);
			continue;
		}
		close(fd);
		add_path(out, nout, cur[i]);
	}
	free(cur);
	if (!*nout) {
		free(*out);
		*out = NULL;
		return tug_errf(err, TUG_E_NOTFOUND,
				"%s: no source files were specified: nothing in the build context matches it",
				pattern);
	}
	qsort(*out, *nout, sizeof(char *), cmp_strp);
	return 0;
}

/* ---- hashing ---- */

static void hash_str(struct digest_ctx *d, const char *s)
{
	digest_update(d, s, strlen(s) + 1);
}

static int hash_file(int fd, struct digest_ctx *d, const char *rel, struct tug_err *err)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return tug_errno(err, "read %s", rel);
		}
		digest_update(d, buf, (size_t)n);
	}
	return 0;
}

int bsrc_children(const struct bsrc *s, int dir, const char *rel, bsrc_visit_fn fn, void *ctx,
		  struct tug_err *err)
{
	char **names = bfs_names(dir);
	int rc = 0;

	if (!names)
		return tug_errno(err, "read %s", rel[0] ? rel : ".");
	for (size_t i = 0; names[i] && rc == 0; i++) {
		char *crel = join(rel, names[i]);
		struct stat st;
		int fd = -1;

		if (fstatat(dir, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = tug_errno(err, "stat %s", crel);
		} else if (ignore_match(s->ig, crel) &&
			   !(S_ISDIR(st.st_mode) && ignore_may_include_under(s->ig, crel))) {
			/* excluded, and nothing under it can come back */
		} else {
			if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
				fd = openat(dir, names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
				if (fd < 0)
					rc = tug_errno(err, "open %s", crel);
			}
			if (rc == 0)
				rc = fn(ctx, fd, dir, names[i], &st, crel);
			if (fd >= 0)
				close(fd);
		}
		free(crel);
	}
	df_strv_free(names);
	return rc;
}

struct hctx {
	const struct bsrc *s;
	struct digest_ctx *d;
	size_t top;             /* length of the COPY source's own path + '/' */
	struct tug_err *err;
};

static int hash_node(const struct bsrc *s, int fd, int parent, const char *name,
		     const struct stat *st, const char *rel, const char *shown,
		     struct digest_ctx *d, struct tug_err *err);

static int hash_child(void *ctx, int fd, int dir, const char *name, const struct stat *st,
		      const char *rel)
{
	struct hctx *h = ctx;
	return hash_node(h->s, fd, dir, name, st, rel, rel + h->top, h->d, h->err);
}

/* One node: its name relative to the COPY source, type, permissions,
 * size, and content or link target; a directory's children in name
 * order. fd is open O_RDONLY for files and directories; symlinks are
 * read through (parent, name). */
static int hash_node(const struct bsrc *s, int fd, int parent, const char *name,
		     const struct stat *st, const char *rel, const char *shown,
		     struct digest_ctx *d, struct tug_err *err)
{
	char meta[128];

	snprintf(meta, sizeof(meta), "%o %lld", (unsigned)st->st_mode,
		 S_ISREG(st->st_mode) ? (long long)st->st_size : 0LL);
	hash_str(d, shown);
	hash_str(d, meta);
	if (s->keep_owner) {
		snprintf(meta, sizeof(meta), "%u:%u", (unsigned)st->st_uid, (unsigned)st->st_gid);
		hash_str(d, meta);
	}
	if (S_ISREG(st->st_mode))
		return hash_file(fd, d, rel, err);
	if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(parent, name, target, sizeof(target) - 1);
		if (n < 0)
			return tug_errno(err, "readlink %s", rel);
		target[n] = '\0';
		hash_str(d, target);
		return 0;
	}
	if (S_ISDIR(st->st_mode)) {
		/* the children's names relative to the COPY source: their
		 * paths in the tree less this prefix */
		size_t top = (rel[0] ? strlen(rel) + 1 : 0) - (shown[0] ? strlen(shown) + 1 : 0);
		struct hctx h = { s, d, top, err };
		return bsrc_children(s, fd, rel, hash_child, &h, err);
	}
	return 0; /* fifos, devices: their metadata is all there is */
}

int bsrc_hash(const struct bsrc *s, const char *path, struct digest_ctx *d, struct tug_err *err)
{
	/* the path itself may be a symlink COPY follows: hash what it names */
	int fd = bfs_open_in(s->fd, path, O_PATH, 0), rfd;
	struct stat st;
	int r;

	if (fd < 0)
		return tug_errno(err, "%s", path[0] ? path : ".");
	if (fstat(fd, &st) < 0) {
		close(fd);
		return tug_errno(err, "stat %s", path[0] ? path : ".");
	}
	close(fd);
	rfd = -1;
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		rfd = bfs_open_in(s->fd, path, O_RDONLY, 0);
		if (rfd < 0)
			return tug_errno(err, "open %s", path[0] ? path : ".");
	}
	r = hash_node(s, rfd, -1, "", &st, path, "", d, err);
	if (rfd >= 0)
		close(rfd);
	return r;
}
