/* build-copy.c - COPY, ADD and WORKDIR as filesystem steps. A child
 * process in a private mount namespace mounts the stage's layers under a
 * fresh upper directory, mounts the sources (another stage's layers
 * read-only), and copies with docker's rules; every destination path is
 * resolved inside the image's root (its symlinks cannot lead out). The
 * upper directory then holds exactly the step's changes, overlay
 * whiteouts included, and becomes the layer (build-diff.c). When the
 * child exits its mounts are gone with its namespace. */
#include "runtime/build.h"
#include "util/fs.h"
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

struct cp {
	int dst;                /* O_PATH root of the image being built */
	const struct bcopy *c;
	int have_owner;         /* --chown given */
	uid_t uid;
	gid_t gid;
	struct tug_err *err;
};

/* ---- --chown: names from the image's own /etc/passwd and /etc/group ---- */

static int id_lookup(int root, const char *file, const char *name, int want_gid, long *out)
{
	int fd = bfs_open_in(root, file, O_RDONLY, 0);
	char buf[65536], *save = NULL;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = { 0 }, *p = line;
		for (int i = 0; i < 4 && p; i++) {
			f[i] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		if (!f[0] || strcmp(f[0], name) || !f[2])
			continue;
		/* passwd: name:x:uid:gid, group: name:x:gid */
		*out = strtol(want_gid && f[3] ? f[3] : f[2], NULL, 10);
		return 0;
	}
	return -1;
}

static int numeric(const char *s, long *out)
{
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return 0;
	*out = strtol(s, &end, 10);
	return !*end;
}

static int resolve_chown(struct cp *cp, const char *spec)
{
	char user[256], *group;
	long uid, gid;

	snprintf(user, sizeof(user), "%s", spec);
	group = strchr(user, ':');
	if (group)
		*group++ = '\0';
	if (!numeric(user, &uid) && id_lookup(cp->dst, "etc/passwd", user, 0, &uid) < 0)
		return tug_errf(cp->err, TUG_E_INVALID,
				"--chown=%s: unable to find user %s: no matching entries in the image's /etc/passwd",
				spec, user);
	if (!group || !*group)
		gid = uid; /* docker: a user alone gives its numeric id as the group too */
	else if (!numeric(group, &gid) && id_lookup(cp->dst, "etc/group", group, 0, &gid) < 0)
		return tug_errf(cp->err, TUG_E_INVALID,
				"--chown=%s: unable to find group %s: no matching entries in the image's /etc/group",
				spec, group);
	cp->have_owner = 1;
	cp->uid = (uid_t)uid;
	cp->gid = (gid_t)gid;
	return 0;
}

/* ---- destination ---- */

/* mkdir -p of an absolute path inside the image: O_PATH fd of the last
 * directory; *created when that one was made here. New directories are
 * 0755, owned by the --chown owner or root. */
static int dest_mkdirs(struct cp *cp, const char *path, int *created)
{
	char *buf = xstrdup(path), *save = NULL;
	struct sbuf prefix = SBUF_INIT;
	int cur = bfs_open_in(cp->dst, "", O_PATH | O_DIRECTORY, 0);

	if (created)
		*created = 0;
	for (char *c = strtok_r(buf, "/", &save); c && cur >= 0; c = strtok_r(NULL, "/", &save)) {
		int fd;
		if (!strcmp(c, "."))
			continue;
		sbuf_puts(&prefix, "/");
		sbuf_puts(&prefix, c);
		fd = bfs_open_in(cp->dst, prefix.s, O_PATH | O_DIRECTORY, 0);
		if (fd < 0 && errno == ENOENT) {
			if (mkdirat(cur, c, 0755) < 0) {
				tug_errno(cp->err, "create directory %s", prefix.s);
				close(cur);
				cur = -1;
				break;
			}
			fchownat(cur, c, cp->have_owner ? cp->uid : 0, cp->have_owner ? cp->gid : 0,
				 AT_SYMLINK_NOFOLLOW);
			fd = openat(cur, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (created)
				*created = 1;
		} else if (created) {
			*created = 0;
		}
		close(cur);
		cur = fd;
		if (fd < 0)
			tug_errf(cp->err, TUG_E_CONFLICT, "%s: %s", prefix.s,
				 errno == ENOTDIR ? "not a directory: a file is in the way" : strerror(errno));
	}
	if (cur < 0 && !cp->err->msg[0])
		tug_errno(cp->err, "open %s", path);
	sbuf_release(&prefix);
	free(buf);
	return cur;
}

static void owner_of(const struct cp *cp, const struct stat *st, int keep, uid_t *u, gid_t *g)
{
	if (cp->have_owner) {
		*u = cp->uid;
		*g = cp->gid;
	} else if (keep) {
		*u = st->st_uid;
		*g = st->st_gid;
	} else {
		*u = 0;
		*g = 0;
	}
}

static mode_t perm_of(const struct cp *cp, const struct stat *st)
{
	return cp->c->chmod >= 0 ? (mode_t)cp->c->chmod : st->st_mode & 07777;
}

static void copy_xattrs(int from, int to)
{
	char names[4096], val[4096];
	ssize_t n = flistxattr(from, names, sizeof(names));

	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(names + i) + 1) {
		const char *name = names + i;
		ssize_t vn;
		if (str_has_prefix(name, "trusted.") || !strcmp(name, "security.selinux"))
			continue;
		vn = fgetxattr(from, name, val, sizeof(val));
		if (vn >= 0)
			fsetxattr(to, name, val, (size_t)vn, 0);
	}
}

/* Make room for a non-directory at (parent, name). */
static int clear_slot(struct cp *cp, int parent, const char *name, const char *shown)
{
	struct stat st;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (S_ISDIR(st.st_mode))
		return tug_errf(cp->err, TUG_E_CONFLICT,
				"cannot copy to %s: it is a directory in the image", shown);
	if (unlinkat(parent, name, 0) < 0)
		return tug_errno(cp->err, "replace %s", shown);
	return 0;
}

static int copy_children(struct cp *cp, const struct bsrc *s, int sdir, int ddir,
			 const char *rel, const char *shown);

/* Copy one node (src_fd open O_RDONLY for files and directories, -1
 * otherwise) to (dparent, dname). */
static int copy_node(struct cp *cp, const struct bsrc *s, int src_fd, int sparent,
		     const char *sname, const struct stat *st, int dparent, const char *dname,
		     const char *rel, const char *shown)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	uid_t u;
	gid_t g;

	owner_of(cp, st, s->keep_owner, &u, &g);
	if (S_ISREG(st->st_mode)) {
		int out;
		if (clear_slot(cp, dparent, dname, shown) < 0)
			return -1;
		out = openat(dparent, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out < 0)
			return tug_errno(cp->err, "create %s", shown);
		if (fs_copy_data(src_fd, out) < 0) {
			tug_errno(cp->err, "copy %s", shown);
			close(out);
			return -1;
		}
		copy_xattrs(src_fd, out);
		/* owner before mode: chown clears set-id bits */
		if (fchown(out, u, g) < 0 || fchmod(out, perm_of(cp, st)) < 0 ||
		    futimens(out, times) < 0) {
			tug_errno(cp->err, "set owner, mode and times of %s", shown);
			close(out);
			return -1;
		}
		close(out);
		return 0;
	}
	if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(sparent, sname, target, sizeof(target) - 1);
		if (n < 0)
			return tug_errno(cp->err, "readlink %s", rel);
		target[n] = '\0';
		if (clear_slot(cp, dparent, dname, shown) < 0)
			return -1;
		if (symlinkat(target, dparent, dname) < 0)
			return tug_errno(cp->err, "create symlink %s", shown);
		fchownat(dparent, dname, u, g, AT_SYMLINK_NOFOLLOW);
		utimensat(dparent, dname, times, AT_SYMLINK_NOFOLLOW);
		return 0;
	}
	if (S_ISFIFO(st->st_mode)) {
		if (clear_slot(cp, dparent, dname, shown) < 0)
			return -1;
		if (mkfifoat(dparent, dname, perm_of(cp, st)) < 0)
			return tug_errno(cp->err, "create fifo %s", shown);
		fchownat(dparent, dname, u, g, AT_SYMLINK_NOFOLLOW);
		return 0;
	}
	if (S_ISDIR(st->st_mode)) {
		struct stat dst;
		int made = 0, dfd, r;
		if (fstatat(dparent, dname, &dst, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(dst.st_mode)) {
			if (unlinkat(dparent, dname, 0) < 0)
				return tug_errno(cp->err, "replace %s", shown);
		}
		if (mkdirat(dparent, dname, 0700) == 0)
			made = 1;
		else if (errno != EEXIST)
			return tug_errno(cp->err, "create directory %s", shown);
		dfd = openat(dparent, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0)
			return tug_errno(cp->err, "open %s", shown);
		r = copy_children(cp, s, src_fd, dfd, rel, shown);
		if (r == 0 && made) {
			copy_xattrs(src_fd, dfd);
			if (fchown(dfd, u, g) < 0 || fchmod(dfd, perm_of(cp, st)) < 0 ||
			    futimens(dfd, times) < 0)
				r = tug_errno(cp->err, "set owner, mode and times of %s", shown);
		}
		close(dfd);
		return r;
	}
	return 0; /* devices and sockets: a container gets a fresh /dev */
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = xmalloc(la + lb + 2);

	memcpy(s, a, la);
	if (la && a[la - 1] != '/')
		s[la++] = '/';
	memcpy(s + la, b, lb + 1);
	return s;
}

struct cctx {
	struct cp *cp;
	const struct bsrc *s;
	int ddir;
	const char *shown;
};

static int copy_entry(void *ctx, int fd, int dir, const char *name, const struct stat *st,
		      const char *rel)
{
	struct cctx *x = ctx;
	char *shown = join(x->shown, name);
	int rc = copy_node(x->cp, x->s, fd, dir, name, st, x->ddir, name, rel, shown);

	free(shown);
	return rc;
}

static int copy_children(struct cp *cp, const struct bsrc *s, int sdir, int ddir,
			 const char *rel, const char *shown)
{
	struct cctx x = { cp, s, ddir, shown };
	return bsrc_children(s, sdir, rel, copy_entry, &x, cp->err);
}

static int dest_is_dir_syntax(const char *dest)
{
	size_t n = strlen(dest);

	return n == 0 || dest[n - 1] == '/' || (n >= 2 && !strcmp(dest + n - 2, "/.")) ||
	       !strcmp(dest, ".");
}

/* Copy one matched source path to the destination. */
static int copy_match(struct cp *cp, const struct bsrc *s, const char *match, int dest_dir)
{
	const char *dest = cp->c->dest;
	int pfd = bfs_open_in(s->fd, match, O_PATH, 0), rfd = -1, rc;
	struct stat st;

	if (pfd < 0)
		return tug_errno(cp->err, "%s", match[0] ? match : ".");
	if (fstat(pfd, &st) < 0) {
		close(pfd);
		return tug_errno(cp->err, "stat %s", match);
	}
	close(pfd);
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		rfd = bfs_open_in(s->fd, match, O_RDONLY, 0);
		if (rfd < 0)
			return tug_errno(cp->err, "open %s", match[0] ? match : ".");
	}
	if (S_ISDIR(st.st_mode)) {
		/* a directory's contents go into the destination directory */
		int created, dfd = dest_mkdirs(cp, dest, &created), wfd;
		uid_t u;
		gid_t g;
		if (dfd < 0) {
			close(rfd);
			return -1;
		}
		wfd = bfs_open_in(dfd, "", O_RDONLY | O_DIRECTORY, 0);
		close(dfd);
		if (wfd < 0) {
			close(rfd);
			return tug_errno(cp->err, "open %s", dest);
		}
		rc = copy_children(cp, s, rfd, wfd, match, dest);
		if (rc == 0 && created) {
			struct timespec t[2] = { st.st_atim, st.st_mtim };
			owner_of(cp, &st, s->keep_owner, &u, &g);
			if (fchown(wfd, u, g) < 0 || fchmod(wfd, perm_of(cp, &st)) < 0 || futimens(wfd, t) < 0)
				rc = tug_errno(cp->err, "set owner, mode and times of %s", dest);
		}
		close(wfd);
	} else {
		const char *base = strrchr(match, '/') ? strrchr(match, '/') + 1 : match;
		char *target = dest_dir ? join(dest, base) : xstrdup(dest);
		char *slash = strrchr(target, '/'), *name, *dir;
		int dfd;
		if (!slash) {
			free(target);
			close(rfd);
			return tug_errf(cp->err, TUG_E_INVALID, "destination %s is not absolute", dest);
		}
		name = xstrdup(slash + 1);
		*slash = '\0';
		dir = target[0] ? target : "/";
		dfd = dest_mkdirs(cp, dir, NULL);
		rc = dfd < 0 ? -1 : 0;
		if (rc == 0 && !*name)
			rc = tug_errf(cp->err, TUG_E_INVALID, "destination %s names no file", dest);
		if (rc == 0) {
			char *shown = join(dir, name);
			/* the parent is open O_PATH: the *at calls work on it */
			rc = copy_node(cp, s, rfd, -1, "", &st, dfd, name, match, shown);
			free(shown);
		}
		if (dfd >= 0)
			close(dfd);
		free(name);
		free(target);
	}
	if (rfd >= 0)
		close(rfd);
	return rc;
}

/* ---- the child ---- */

static const char *rel_to(const char *root, const char *path)
{
	size_t n = strlen(root);

	if (!strncmp(path, root, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

static int mount_view(const struct bfs_view *v, struct tug_err *err)
{
	struct sbuf o = SBUF_INIT;
	int r;

	if (chdir(v->root) < 0)
		return tug_errno(err, "chdir %s", v->root);
	sbuf_puts(&o, "lowerdir=");
	for (size_t i = v->nlower; i-- > 0;) {
		sbuf_puts(&o, rel_to(v->root, v->lower[i]));
		if (i)
			sbuf_puts(&o, ":");
	}
	if (v->upper)
		sbuf_printf(&o, ",upperdir=%s,workdir=%s", rel_to(v->root, v->upper),
			    rel_to(v->root, v->work));
	if (o.len >= 4000) {
		sbuf_release(&o);
		return tug_errf(err, TUG_E_UNSUPPORTED, "too many layers for one overlay mount");
	}
	r = mount("overlay", v->merged, "overlay", v->upper ? 0 : MS_RDONLY, o.s);
	if (r < 0)
		tug_errno(err, "mount the layers on %s", v->merged);
	sbuf_release(&o);
	return r;
}

/* The root of source i, mounted when it is a stage of several layers. */
static int open_source(const struct bfs_view *v, const struct bfs_srcview *sv, struct tug_err *err)
{
	const char *dir = sv->plain;
	int fd;

	if (!dir && sv->nlower == 1)
		dir = sv->lower[0];
	if (!dir && sv->nlower == 0)
		dir = sv->mnt; /* an empty tree: FROM scratch */
	if (!dir) {
		struct bfs_view sview = { v->root, sv->lower, sv->nlower, NULL, NULL, sv->mnt };
		if (mount_view(&sview, err) < 0)
			return -1;
		dir = sv->mnt;
	}
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		tug_errno(err, "open %s", dir);
	return fd;
}

static int copy_child(const struct bfs_view *v, const struct bcopy *c, struct tug_err *err)
{
	struct cp cp = { .c = c, .err = err };
	struct bsrc *src = xcalloc(c->n + 1, sizeof(*src));
	char ***matches = xcalloc(c->n + 1, sizeof(char **));
	size_t *nmatch = xcalloc(c->n + 1, sizeof(size_t)), total = 0;
	int rc = -1, dest_dir;

	if (unshare(CLONE_NEWNS) < 0)
		return tug_errno(err, "unshare the mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return tug_errno(err, "make mounts private");
	if (v->nlower) {
		if (mount_view(v, err) < 0)
			return -1;
		cp.dst = open(v->merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else {
		cp.dst = open(v->upper, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if (cp.dst < 0)
		return tug_errno(err, "open the image's root");
	if (c->mkdir) {
		int fd = dest_mkdirs(&cp, c->mkdir, NULL);
		if (fd >= 0)
			close(fd);
		return fd < 0 ? -1 : 0;
	}
	if (c->chown && *c->chown && resolve_chown(&cp, c->chown) < 0)
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		src[i].fd = open_source(v, &c->src[i], err);
		if (src[i].fd < 0)
			goto out;
		src[i].ig = c->src[i].ig;
		src[i].keep_owner = c->src[i].keep_owner;
		if (c->src[i].literal) {
			int fd = bfs_open_in(src[i].fd, c->paths[i], O_PATH, 0);
			if (fd < 0) {
				tug_errno(err, "%s", c->paths[i][0] ? c->paths[i] : ".");
				goto out;
			}
			close(fd);
			matches[i] = xcalloc(1, sizeof(char *));
			matches[i][0] = xstrdup(c->paths[i]);
			nmatch[i] = 1;
		} else if (bsrc_expand(&src[i], c->paths[i], &matches[i], &nmatch[i], err) < 0) {
			goto out;
		}
		total += nmatch[i];
	}
	dest_dir = dest_is_dir_syntax(c->dest);
	if (!dest_dir) {
		int fd = bfs_open_in(cp.dst, c->dest, O_PATH | O_DIRECTORY, 0);
		if (fd >= 0) {
			dest_dir = 1;
			close(fd);
		}
	}
	if (total > 1 && !dest_dir) {
		tug_errf(err, TUG_E_INVALID,
			 "when using %s with more than one source file, the destination must be a directory and end with a /",
			 c->is_add ? "ADD" : "COPY");
		goto out;
	}
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < nmatch[i]; k++)
			if (copy_match(&cp, &src[i], matches[i][k], dest_dir) < 0)
				goto out;
	rc = 0;
out:
	/* the process exits next: the kernel reclaims the rest */
	return rc;
}

int bfs_copy(const struct bfs_view *view, const struct bcopy *c, struct tug_err *err)
{
	int p[2], status;
	struct tug_err child = { 0 };
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return tug_errno(err, "pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return tug_errno(err, "fork");
	}
	if (pid == 0) {
		close(p[0]);
		if (copy_child(view, c, &child) < 0) {
			if (!child.msg[0])
				tug_errf(&child, TUG_E_GENERIC, "copy failed");
			(void)!write(p[1], &child, sizeof(child));
			_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	do
		n = read(p[0], &child, sizeof(child));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(child)) {
		*err = child;
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return tug_errf(err, TUG_E_GENERIC, "the copy process failed (status %#x)", status);
	return 0;
}
