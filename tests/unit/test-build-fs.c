/* test-build-fs.c - COPY sources (glob expansion, .dockerignore, paths
 * kept inside the context, the content hash of the cache key) and the
 * overlay upper directory written as an OCI layer tar (whiteouts, opaque
 * directories, hard links, overlay attributes dropped). The upper
 * directory tests need root (whiteouts are device nodes, opaque marks
 * trusted.* attributes) and skip without it. */
#include "runtime/build.h"
#include "t.h"
#include "util/fs.h"
#include "util/str.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static char dir[PATH_MAX];

static void put(const char *rel, const char *content)
{
	char p[PATH_MAX];
	struct tug_err err;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	fs_write_atomic(p, content, strlen(content), 0644, &err);
}

static char *joined(char **v, size_t n)
{
	struct sbuf b = SBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_puts(&b, " ");
		sbuf_puts(&b, v[i]);
	}
	return sbuf_detach(&b);
}

static char *expand(const struct bsrc *s, const char *pattern)
{
	struct tug_err err = { 0 };
	char **v = NULL, *r;
	size_t n = 0;

	if (bsrc_expand(s, pattern, &v, &n, &err) < 0)
		return xstrdup(err.msg);
	r = joined(v, n);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return r;
}

static void hash(const struct bsrc *s, const char *path, char *out)
{
	struct digest_ctx *d = digest_new();
	struct tug_err err;

	if (bsrc_hash(s, path, d, &err) < 0)
		snprintf(out, DIGEST_STR_LEN + 1, "error: %.60s", err.msg);
	else
		digest_final(d, out);
	if (!strncmp(out, "error", 5))
		digest_free(d);
}

static void test_sources(void)
{
	struct ignore ig;
	struct tug_err err = { 0 };
	char sub[PATH_MAX], h1[80], h2[80], h3[80], *r;
	struct bsrc s;

	snprintf(sub, sizeof(sub), "%s/sub", dir);
	mkdir(sub, 0755);
	snprintf(sub, sizeof(sub), "%s/sub/deep", dir);
	mkdir(sub, 0755);
	put("a.txt", "a");
	put("b.txt", "b");
	put("c.log", "c");
	put("sub/x.txt", "x");
	put("sub/deep/y.key", "y");
	snprintf(sub, sizeof(sub), "%s/escape", dir);
	symlink("/etc/hostname", sub);
	snprintf(sub, sizeof(sub), "%s/up", dir);
	symlink("../../../..", sub);
	ignore_parse("*.log\n**/*.key\n", 16, &ig, &err);
	s.fd = open(dir, O_PATH | O_DIRECTORY);
	s.ig = &ig;
	s.keep_owner = 0;

	r = expand(&s, "*.txt");
	T_STREQ(r, "a.txt b.txt", "a glob matches in its directory only, sorted");
	free(r);
	r = expand(&s, "/sub/./*");
	T_STREQ(r, "sub/deep sub/x.txt", "leading / and . are cleaned; * matches directories too");
	free(r);
	r = expand(&s, "[ab].txt");
	T_STREQ(r, "a.txt b.txt", "character classes");
	free(r);
	r = expand(&s, "*.log");
	T_OK(strstr(r, "no source files were specified") != NULL, "a glob matching only excluded files fails: %s", r);
	free(r);
	r = expand(&s, "c.log");
	T_OK(strstr(r, "c.log: file not found in build context or excluded by .dockerignore") != NULL,
	     "naming an excluded file fails: %s", r);
	free(r);
	r = expand(&s, "../outside");
	T_OK(strstr(r, "outside the build context") != NULL, "../ above the context is refused: %s", r);
	free(r);
	r = expand(&s, "escape");
	T_OK(strstr(r, "not found") != NULL, "an absolute symlink resolves inside the context: %s", r);
	free(r);
	{
		char *v = expand(&s, "up/sub/x.txt");
		T_STREQ(v, "up/sub/x.txt", "a symlink climbing out stops at the context's root");
		free(v);
	}

	hash(&s, "", h1);
	hash(&s, "", h2);
	T_STREQ(h1, h2, "the hash of a tree is stable");
	put("sub/deep/y.key", "changed but excluded");
	hash(&s, "", h2);
	T_STREQ(h1, h2, "excluded files do not change the hash");
	{
		char p[PATH_MAX];
		struct timespec t[2] = { { 1000, 0 }, { 1000, 0 } };
		snprintf(p, sizeof(p), "%s/a.txt", dir);
		utimensat(AT_FDCWD, p, t, 0);
		hash(&s, "", h2);
		T_STREQ(h1, h2, "a changed mtime does not change the hash");
		chmod(p, 0600);
		hash(&s, "", h3);
		T_OK(strcmp(h1, h3) != 0, "a changed mode does");
		chmod(p, 0644);
	}
	put("sub/x.txt", "X");
	hash(&s, "", h3);
	T_OK(strcmp(h1, h3) != 0, "a changed file does");
	hash(&s, "sub/x.txt", h2);
	hash(&s, "a.txt", h3);
	T_OK(strcmp(h2, h3) != 0 && strncmp(h2, "error", 5), "single files hash by content");
	close(s.fd);
	ignore_release(&ig);
}

/* ---- upper directory -> layer tar ---- */

struct entry {
	char name[256];
	int type;
	char link[256];
	int nxattr;
	char xattr[128];
};

static int read_tar(const char *path, struct entry *out, int max)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int n = 0;

	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 10240) != ARCHIVE_OK)
		return -1;
	while (n < max && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name, *hl = archive_entry_hardlink(e);
		const void *v;
		size_t vs;
		memset(&out[n], 0, sizeof(out[n]));
		snprintf(out[n].name, sizeof(out[n].name), "%s", archive_entry_pathname(e));
		out[n].type = (int)archive_entry_filetype(e);
		if (hl)
			snprintf(out[n].link, sizeof(out[n].link), "=%s", hl);
		else if (archive_entry_symlink(e))
			snprintf(out[n].link, sizeof(out[n].link), "%s", archive_entry_symlink(e));
		out[n].nxattr = archive_entry_xattr_reset(e);
		while (archive_entry_xattr_next(e, &name, &v, &vs) == ARCHIVE_OK)
			snprintf(out[n].xattr + strlen(out[n].xattr), sizeof(out[n].xattr) - strlen(out[n].xattr),
				 "%s ", name);
		n++;
	}
	archive_read_free(a);
	return n;
}

static const struct entry *find(const struct entry *v, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].name, name) || (strlen(v[i].name) == strlen(name) + 1 &&
						  !strncmp(v[i].name, name, strlen(name)) &&
						  v[i].name[strlen(name)] == '/'))
			return &v[i];
	return NULL;
}

static void test_diff(void)
{
	char up[PATH_MAX], p[PATH_MAX], q[PATH_MAX], tar[PATH_MAX];
	struct entry ents[32];
	struct tug_err err = { 0 };
	long count = 0;
	int fd, n;

	if (geteuid() != 0) {
		T_SKIP("needs root", "upper directory to layer tar");
		return;
	}
	snprintf(up, sizeof(up), "%s/upper", dir);
	mkdir(up, 0755);
	snprintf(p, sizeof(p), "%s/etc", up);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/new.conf", up);
	fs_write_atomic(p, "x=1\n", 4, 0640, &err);
	setxattr(p, "user.note", "kept", 4, 0);
	setxattr(p, "trusted.overlay.origin", "o", 1, 0);
	snprintf(q, sizeof(q), "%s/etc/hard.conf", up);
	link(p, q);
	snprintf(p, sizeof(p), "%s/etc/gone", up);
	mknod(p, S_IFCHR | 0, makedev(0, 0));
	snprintf(p, sizeof(p), "%s/etc/link", up);
	symlink("new.conf", p);
	snprintf(p, sizeof(p), "%s/opq", up);
	mkdir(p, 0755);
	setxattr(p, "trusted.overlay.opaque", "y", 1, 0);
	snprintf(p, sizeof(p), "%s/opq/only", up);
	fs_write_atomic(p, "only\n", 5, 0644, &err);

	snprintf(tar, sizeof(tar), "%s/layer.tar", dir);
	fd = open(tar, O_RDWR | O_CREAT | O_TRUNC, 0644);
	T_OK(build_diff_tar(up, fd, &count, &err) == 0, "the upper directory is written (%s)", err.msg);
	close(fd);
	n = read_tar(tar, ents, 32);
	T_OK(n == count && n == 8, "eight entries (%d read, %ld written)", n, count);
	T_OK(find(ents, n, "etc/.wh.gone") && find(ents, n, "etc/.wh.gone")->type == AE_IFREG,
	     "a 0/0 device becomes a .wh. file");
	T_OK(!find(ents, n, "etc/gone"), "the device itself is not in the tar");
	T_OK(find(ents, n, "opq/.wh..wh..opq") != NULL, "an opaque directory gets the opaque marker");
	T_OK(find(ents, n, "opq") && !strstr(find(ents, n, "opq")->xattr, "overlay"),
	     "without its overlay attribute");
	/* libarchive writes (and reads back) pax SCHILY and LIBARCHIVE forms */
	T_OK(find(ents, n, "etc/new.conf") && strstr(find(ents, n, "etc/new.conf")->xattr, "user.note ") &&
	     !strstr(find(ents, n, "etc/new.conf")->xattr, "overlay"),
	     "user attributes are kept, trusted.overlay.* dropped (%s)",
	     find(ents, n, "etc/new.conf") ? find(ents, n, "etc/new.conf")->xattr : "");
	T_OK(find(ents, n, "etc/new.conf") && find(ents, n, "etc/hard.conf") &&
	     (!strcmp(find(ents, n, "etc/new.conf")->link, "=etc/hard.conf") ||
	      !strcmp(find(ents, n, "etc/hard.conf")->link, "=etc/new.conf")), "hard links stay links");
	T_STREQ(find(ents, n, "etc/link") ? find(ents, n, "etc/link")->link : NULL, "new.conf",
		"symlinks keep their target");
	for (int i = 1; i < n; i++)
		if (strcmp(ents[i - 1].name, ents[i].name) > 0 &&
		    strncmp(ents[i].name, ents[i - 1].name, strlen(ents[i - 1].name) - 1))
			T_OK(0, "entries in name order: %s after %s", ents[i].name, ents[i - 1].name);

	snprintf(p, sizeof(p), "%s/etc", up);
	setxattr(p, "trusted.overlay.redirect", "/x", 2, 0);
	fd = open(tar, O_RDWR | O_CREAT | O_TRUNC, 0644);
	T_OK(build_diff_tar(up, fd, &count, &err) < 0 && strstr(err.msg, "redirect_dir"),
	     "a redirected directory is refused: %s", err.msg);
	close(fd);

	{
		char empty[PATH_MAX];
		snprintf(empty, sizeof(empty), "%s/empty", dir);
		mkdir(empty, 0755);
		fd = open(tar, O_RDWR | O_CREAT | O_TRUNC, 0644);
		T_OK(build_diff_tar(empty, fd, &count, &err) == 0 && count == 0,
		     "an empty upper directory has no entries");
		close(fd);
	}
}

int main(void)
{
	struct tug_err err;

	snprintf(dir, sizeof(dir), "/tmp/tug-test-build-fs.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	test_sources();
	test_diff();
	fs_rm_rf(dir, &err);
	return T_DONE();
}
