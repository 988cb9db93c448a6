/* test-image-layer.c - layer_read on tars crafted here with libarchive's
 * writer: what a well-formed layer unpacks to (modes, owners, times,
 * links, whiteouts, digests), and that hostile ones - "..", absolute
 * names, symlinks and hard links pointing out, device nodes, overlay
 * xattrs - never put anything outside the layer directory. */
#include "t.h"
#include "runtime/image-layer.h"
#include "util/digest.h"
#include "util/fs.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static char T[PATH_MAX];       /* test dir: T/layerN, T/outside */
static char OUT[PATH_MAX];     /* T/outside: must stay as it is */
static int nlayer;

/* ---- building tars ---- */

struct tb {
	struct archive *a;
	char *buf;
	size_t size, used;
};

static void tb_new(struct tb *b, const char *filter)
{
	b->size = 4 << 20;
	b->buf = malloc(b->size);
	b->used = 0;
	b->a = archive_write_new();
	archive_write_set_format_pax_restricted(b->a);
	if (filter && !strcmp(filter, "gzip"))
		archive_write_add_filter_gzip(b->a);
	if (filter && !strcmp(filter, "zstd"))
		archive_write_add_filter_zstd(b->a);
	archive_write_open_memory(b->a, b->buf, b->size, &b->used);
}

static struct archive_entry *tb_entry(const char *name, mode_t type, mode_t perm)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_mtime(e, 1234567890, 0);
	return e;
}

static void tb_put(struct tb *b, struct archive_entry *e, const char *data)
{
	if (data)
		archive_entry_set_size(e, (la_int64_t)strlen(data));
	archive_write_header(b->a, e);
	if (data)
		archive_write_data(b->a, data, strlen(data));
	archive_entry_free(e);
}

static void tb_file(struct tb *b, const char *name, const char *data, mode_t perm)
{
	tb_put(b, tb_entry(name, AE_IFREG, perm), data);
}

static void tb_dir(struct tb *b, const char *name, mode_t perm)
{
	tb_put(b, tb_entry(name, AE_IFDIR, perm), NULL);
}

static void tb_symlink(struct tb *b, const char *name, const char *target)
{
	struct archive_entry *e = tb_entry(name, AE_IFLNK, 0777);
	archive_entry_set_symlink(e, target);
	tb_put(b, e, NULL);
}

static void tb_hardlink(struct tb *b, const char *name, const char *target)
{
	struct archive_entry *e = tb_entry(name, AE_IFREG, 0644);
	archive_entry_set_hardlink(e, target);
	archive_entry_set_size(e, 0);
	tb_put(b, e, NULL);
}

static void tb_dev(struct tb *b, const char *name, mode_t type, int maj, int min)
{
	struct archive_entry *e = tb_entry(name, type, 0666);
	archive_entry_set_rdevmajor(e, (dev_t)maj);
	archive_entry_set_rdevminor(e, (dev_t)min);
	tb_put(b, e, NULL);
}

/* Finish the archive; returns its bytes (b->used long). */
static char *tb_done(struct tb *b)
{
	archive_write_close(b->a);
	archive_write_free(b->a);
	return b->buf;
}

/* ---- running layer_read ---- */

static int fd_of(const char *data, size_t len)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/input", T);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (write(fd, data, len) != (ssize_t)len)
		perror("write");
	lseek(fd, 0, SEEK_SET);
	unlink(path);
	return fd;
}

/* Unpack b into a fresh T/layerN (path in dest); returns layer_read's rc. */
static int unpack(struct tb *b, char *dest, struct layer_out *o, struct tug_err *err)
{
	char blob[PATH_MAX];
	struct layer_in in = { 0 };
	char *data = tb_done(b);
	int rc;

	snprintf(dest, PATH_MAX, "%s/layer%d", T, ++nlayer);
	snprintf(blob, sizeof(blob), "%s/blob%d", T, nlayer);
	in.fd = fd_of(data, b->used);
	in.dest = dest;
	in.blob_path = blob;
	memset(err, 0, sizeof(*err));
	rc = layer_read(&in, o, err);
	close(in.fd);
	free(data);
	return rc;
}

static int exists(const char *dir, const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return lstat(p, &st) == 0;
}

static int outside_untouched(void)
{
	char p[PATH_MAX];
	struct stat st;
	int n = 0;

	/* T/outside holds only "secret", with one link */
	snprintf(p, sizeof(p), "%s/secret", OUT);
	if (stat(p, &st) < 0 || st.st_nlink != 1 || st.st_size != 6)
		return 0;
	snprintf(p, sizeof(p), "ls -A '%s' | wc -l", OUT);
	FILE *f = popen(p, "r");
	if (!f || fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		pclose(f);
	return n == 1 && !exists(T, "escape") && !exists(T, "pwned");
}

/* ---- the cases ---- */

static void build_wellformed(struct tb *b)
{
	tb_new(b, NULL);
	tb_dir(b, "./", 0755);
	tb_dir(b, "./etc/", 0750);
	tb_file(b, "./etc/hosts", "127.0.0.1 localhost\n", 0640);
	tb_file(b, "bin/tool", "#!/bin/sh\n", 04755);
	tb_symlink(b, "bin/sh", "/bin/tool");
	tb_symlink(b, "etc/rel", "../bin/tool");
	tb_hardlink(b, "bin/tool2", "bin/tool");
	tb_put(b, tb_entry("run/fifo", AE_IFIFO, 0600), NULL);
	tb_dir(b, "ro/", 0555);
	tb_file(b, "ro/inside", "x", 0444);
	tb_file(b, "twice", "first", 0644);
	tb_file(b, "twice", "second", 0600);
	tb_dir(b, "becomes-file/", 0700);
	tb_file(b, "becomes-file/child", "c", 0644);
	tb_file(b, "becomes-file", "now a file", 0644);
	{
		struct archive_entry *e = tb_entry("xattrs", AE_IFREG, 0644);
		archive_entry_xattr_add_entry(e, "user.tug", "yes", 3);
		archive_entry_xattr_add_entry(e, "trusted.overlay.redirect", "/etc", 4);
		tb_put(b, e, "x");
	}
}

static void test_wellformed(void)
{
	struct tb b;
	struct layer_out o;
	struct tug_err err;
	char dest[PATH_MAX], p[PATH_MAX], dg[DIGEST_STR_LEN + 1], buf[64];
	struct stat st, st2;
	char *copy;
	int rc, fd;

	build_wellformed(&b);
	/* keep a copy: the DiffID must be the digest of exactly these bytes */
	copy = malloc(b.size);
	rc = unpack(&b, dest, &o, &err);
	T_OK(rc == 0, "well-formed layer unpacks (%s)", rc ? err.msg : "ok");
	build_wellformed(&b); /* identical bytes again, to digest them */
	tb_done(&b);
	digest_buf(b.buf, b.used, dg);
	T_STREQ(o.diff_id, dg, "DiffID is the sha256 of the whole tar stream");
	T_STREQ(o.blob_digest, dg, "an uncompressed layer is its own blob");
	T_OK(o.tar_size == (int64_t)b.used, "tar size counted (%lld)", (long long)o.tar_size);
	T_STREQ(o.media_type, MT_LAYER_TAR, "plain tar media type");
	T_OK(o.blob_written, "blob file written");
	snprintf(p, sizeof(p), "%s/blob%d", T, nlayer);
	fd = open(p, O_RDONLY);
	rc = fd >= 0 && read(fd, copy, b.size) == (ssize_t)b.used && !memcmp(copy, b.buf, b.used);
	T_OK(rc, "blob file holds the tar byte for byte");
	if (fd >= 0)
		close(fd);
	free(copy);
	free(b.buf);

	snprintf(p, sizeof(p), "%s/etc/hosts", dest);
	T_OK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0640 && st.st_mtime == 1234567890,
	     "file mode and mtime kept");
	snprintf(p, sizeof(p), "%s/etc", dest);
	T_OK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0750 && st.st_mtime == 1234567890,
	     "directory mode and mtime applied after its children");
	snprintf(p, sizeof(p), "%s/bin/tool", dest);
	rc = stat(p, &st);
	if (geteuid() == 0)
		T_OK(rc == 0 && (st.st_mode & 07777) == 04755, "setuid bit kept");
	else
		T_SKIP("needs root", "setuid bit kept");
	snprintf(p, sizeof(p), "%s/bin/tool2", dest);
	T_OK(stat(p, &st2) == 0 && st2.st_ino == st.st_ino && st2.st_nlink == 2,
	     "hard link inside the layer kept");
	snprintf(p, sizeof(p), "%s/bin/sh", dest);
	T_OK(readlink(p, buf, sizeof(buf)) == 9 && !memcmp(buf, "/bin/tool", 9),
	     "absolute symlink kept as written");
	snprintf(p, sizeof(p), "%s/etc/rel", dest);
	T_OK(readlink(p, buf, sizeof(buf)) == 11, "relative symlink inside the layer kept");
	snprintf(p, sizeof(p), "%s/run/fifo", dest);
	T_OK(lstat(p, &st) == 0 && S_ISFIFO(st.st_mode), "fifo created (parent made implicitly)");
	snprintf(p, sizeof(p), "%s/ro", dest);
	T_OK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0555 && exists(dest, "ro/inside"),
	     "read-only directory filled, then made read-only");
	snprintf(p, sizeof(p), "%s/twice", dest);
	fd = open(p, O_RDONLY);
	memset(buf, 0, sizeof(buf));
	rc = fd >= 0 && read(fd, buf, sizeof(buf)) == 6 && !strcmp(buf, "second") &&
	     fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600;
	T_OK(rc, "a later entry replaces an earlier one");
	if (fd >= 0)
		close(fd);
	snprintf(p, sizeof(p), "%s/becomes-file", dest);
	T_OK(lstat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644,
	     "a file replaces a directory (and the directory's late mode is not applied)");
	snprintf(p, sizeof(p), "%s/xattrs", dest);
	{
		char v[16];
		ssize_t n = getxattr(p, "user.tug", v, sizeof(v));
		if (n < 0)
			T_SKIP("no user xattrs on this filesystem", "user xattr kept");
		else
			T_OK(n == 3 && !memcmp(v, "yes", 3), "user xattr kept");
		T_OK(getxattr(p, "trusted.overlay.redirect", v, sizeof(v)) < 0,
		     "trusted.overlay.* xattr from the archive dropped");
	}
	T_OK(o.size > 0, "unpacked size counted (%lld)", (long long)o.size);
	T_OK(outside_untouched(), "nothing written outside the layer");
}

static void test_refused(const char *what, void (*build)(struct tb *), const char *msg)
{
	struct tb b;
	struct layer_out o;
	struct tug_err err;
	char dest[PATH_MAX];
	int rc;

	tb_new(&b, NULL);
	build(&b);
	rc = unpack(&b, dest, &o, &err);
	T_OK(rc < 0, "%s is refused", what);
	T_OK(rc < 0 && strstr(err.msg, msg), "%s: error says \"%s\" (got: %s)", what, msg, err.msg);
	T_OK(outside_untouched(), "%s: nothing written outside the layer", what);
}

static void b_dotdot(struct tb *b)
{
	tb_file(b, "ok", "fine", 0644);
	tb_file(b, "../escape", "pwned", 0644);
}

static void b_dotdot_deep(struct tb *b)
{
	tb_file(b, "a/b/../../../pwned", "pwned", 0644);
}

static void b_symlink_out_then_write(struct tb *b)
{
	tb_symlink(b, "link", OUT); /* absolute: kept, points inside the container */
	tb_file(b, "link/pwned", "pwned", 0644);
}

static void b_symlink_rel_out(struct tb *b)
{
	tb_symlink(b, "up", "../../..");
}

static void b_symlink_rel_out_nested(struct tb *b)
{
	tb_symlink(b, "a/b/up", "../../../outside");
	tb_file(b, "a/b/up/pwned", "pwned", 0644);
}

static void b_hardlink_dotdot(struct tb *b)
{
	tb_hardlink(b, "stolen", "../outside/secret");
}

static void b_hardlink_abs(struct tb *b)
{
	char t[PATH_MAX];
	snprintf(t, sizeof(t), "%s/secret", OUT);
	tb_hardlink(b, "stolen", t);
}

static void b_hardlink_through_symlink(struct tb *b)
{
	tb_symlink(b, "out", OUT);
	tb_hardlink(b, "stolen", "out/secret");
}

static void test_absolute_neutralised(void)
{
	struct tb b;
	struct layer_out o;
	struct tug_err err;
	char dest[PATH_MAX], name[PATH_MAX];
	int rc;

	snprintf(name, sizeof(name), "%s/abs-pwned", OUT);
	tb_new(&b, NULL);
	tb_file(&b, name, "pwned", 0644);
	tb_file(&b, "/etc/abs", "abs", 0644);
	rc = unpack(&b, dest, &o, &err);
	T_OK(rc == 0, "absolute names are accepted (%s)", rc ? err.msg : "ok");
	T_OK(exists(dest, name + 1) && exists(dest, "etc/abs"), "absolute names land inside the layer");
	T_OK(outside_untouched(), "absolute names: nothing written outside the layer");
}

static void test_devices_skipped(void)
{
	struct tb b;
	struct layer_out o;
	struct tug_err err;
	char dest[PATH_MAX];
	int rc;

	tb_new(&b, NULL);
	tb_dev(&b, "dev/null", AE_IFCHR, 1, 3);
	tb_dev(&b, "dev/sda", AE_IFBLK, 8, 0);
	tb_dev(&b, "dev/zero-zero", AE_IFCHR, 0, 0);
	tb_file(&b, "dev/keep", "k", 0644);
	rc = unpack(&b, dest, &o, &err);
	T_OK(rc == 0, "device nodes do not fail the layer (%s)", rc ? err.msg : "ok");
	T_OK(!exists(dest, "dev/null") && !exists(dest, "dev/sda") && !exists(dest, "dev/zero-zero"),
	     "char and block devices are left out");
	T_OK(exists(dest, "dev/keep") && o.skipped == 3, "the rest is kept, 3 skipped (%ld)", o.skipped);
}

static void test_whiteouts(void)
{
	struct tb b;
	struct layer_out o;
	struct tug_err err;
	char dest[PATH_MAX], p[PATH_MAX], v[8];
	struct stat st;
	int rc;

	tb_new(&b, NULL);
	tb_dir(&b, "etc/", 0755);
	tb_file(&b, "etc/.wh.passwd", "", 0644);
	tb_file(&b, "gone/.wh..wh..opq", "", 0644);
	tb_file(&b, "gone/new", "n", 0644);
	tb_file(&b, "top/.wh..wh.plnk", "", 0644);
	tb_file(&b, ".wh.root-file", "", 0644);
	rc = unpack(&b, dest, &o, &err);
	if (rc < 0 && geteuid() != 0) {
		T_SKIP("needs root (trusted.* xattrs)", "whiteouts converted");
		return;
	}
	T_OK(rc == 0, "layer with whiteouts unpacks (%s)", rc ? err.msg : "ok");
	snprintf(p, sizeof(p), "%s/etc/passwd", dest);
	T_OK(lstat(p, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0),
	     ".wh.NAME became a 0/0 character device NAME");
	T_OK(!exists(dest, "etc/.wh.passwd"), "no .wh. file left");
	snprintf(p, sizeof(p), "%s/root-file", dest);
	T_OK(lstat(p, &st) == 0 && S_ISCHR(st.st_mode), "whiteout at the layer root");
	snprintf(p, sizeof(p), "%s/gone", dest);
	T_OK(getxattr(p, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y',
	     ".wh..wh..opq became trusted.overlay.opaque=y");
	T_OK(exists(dest, "gone/new") && !exists(dest, "gone/.wh..wh..opq"),
	     "opaque directory keeps its new content, no marker file");
	T_OK(!exists(dest, "top/.wh..wh.plnk"), "aufs metadata entries dropped");
}

static void test_compressed(const char *filter, const char *mt)
{
	struct tb b;
	struct layer_out o;
	struct tug_err err;
	char dest[PATH_MAX], dg[DIGEST_STR_LEN + 1];
	struct archive *a;
	char *plain;
	size_t plain_len = 0;
	int rc;

	/* the same entries, uncompressed, give the expected DiffID */
	plain = malloc(1 << 20);
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, plain, 1 << 20, &plain_len);
	{
		struct archive_entry *e = tb_entry("hello", AE_IFREG, 0644);
		archive_entry_set_size(e, 5);
		archive_write_header(a, e);
		archive_write_data(a, "hello", 5);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);

	tb_new(&b, filter);
	tb_file(&b, "hello", "hello", 0644);
	rc = unpack(&b, dest, &o, &err);
	T_OK(rc == 0, "%s layer unpacks (%s)", filter, rc ? err.msg : "ok");
	digest_buf(plain, plain_len, dg);
	T_STREQ(o.diff_id, dg, "%s: DiffID is the digest of the uncompressed tar", filter);
	T_STREQ(o.media_type, mt, "%s: media type", filter);
	T_OK(exists(dest, "hello"), "%s: content unpacked", filter);
	T_OK(strcmp(o.blob_digest, o.diff_id) != 0 && o.blob_size < o.tar_size,
	     "%s: the blob is the compressed stream", filter);
	free(plain);
}

static void test_not_tar(void)
{
	static const char text[] = "this is not a tar archive, just some text that goes on\n";
	struct layer_in in = { 0 };
	struct layer_out o;
	struct tug_err err = { 0 };
	char dest[PATH_MAX];
	int rc;

	snprintf(dest, sizeof(dest), "%s/layer-text", T);
	in.fd = fd_of(text, sizeof(text) - 1);
	in.dest = dest;
	rc = layer_read(&in, &o, &err);
	close(in.fd);
	T_OK(rc < 0 && strstr(err.msg, "not a tar archive"), "text that is not a tar is refused (%s)",
	     err.msg);
	T_OK(outside_untouched(), "text: nothing written outside the layer");
}

static void test_empty_input(void)
{
	struct layer_in in = { 0 };
	struct layer_out o;
	struct tug_err err = { 0 };
	char dest[PATH_MAX];
	int p[2];

	snprintf(dest, sizeof(dest), "%s/layer-empty", T);
	if (pipe(p) < 0)
		return;
	close(p[1]);
	in.fd = p[0];
	in.dest = dest;
	T_OK(layer_read(&in, &o, &err) < 0 && strstr(err.msg, "empty"), "empty input refused (%s)",
	     err.msg);
	close(p[0]);
}

static void test_clean_path(void)
{
	char out[64];

	T_OK(layer_clean_path("./a//b/./c/", out, sizeof(out)) == 0 && !strcmp(out, "a/b/c"),
	     "clean ./a//b/./c/");
	T_OK(layer_clean_path("/abs/x", out, sizeof(out)) == 0 && !strcmp(out, "abs/x"),
	     "clean drops the leading /");
	T_OK(layer_clean_path("a/../b", out, sizeof(out)) == 0 && !strcmp(out, "b"), "clean a/../b");
	T_OK(layer_clean_path("a/..", out, sizeof(out)) == 0 && !strcmp(out, ""), "clean a/.. is the root");
	T_OK(layer_clean_path("..", out, sizeof(out)) < 0, "clean refuses ..");
	T_OK(layer_clean_path("a/../../b", out, sizeof(out)) < 0, "clean refuses a/../../b");
}

int main(void)
{
	char p[PATH_MAX];
	struct tug_err err;
	int fd;

	snprintf(T, sizeof(T), "/tmp/tug-unit-layer.XXXXXX");
	if (!mkdtemp(T)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(OUT, sizeof(OUT), "%s/outside", T);
	mkdir(OUT, 0755);
	snprintf(p, sizeof(p), "%s/secret", OUT);
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	if (write(fd, "secret", 6) != 6)
		perror("write");
	close(fd);

	test_clean_path();
	test_wellformed();
	test_refused("\"../escape\"", b_dotdot, "outside the layer");
	test_refused("\"a/b/../../../pwned\"", b_dotdot_deep, "outside the layer");
	test_refused("a write through an absolute symlink", b_symlink_out_then_write,
		     "through the symbolic link");
	test_refused("a relative symlink climbing out", b_symlink_rel_out, "outside the layer");
	test_refused("a nested relative symlink climbing out", b_symlink_rel_out_nested,
		     "outside the layer");
	test_refused("a hard link to ../outside", b_hardlink_dotdot, "outside the layer");
	test_refused("a hard link to an absolute outside path", b_hardlink_abs, "not in this layer");
	test_refused("a hard link through a symlink", b_hardlink_through_symlink,
		     "through the symbolic link");
	test_not_tar();
	test_absolute_neutralised();
	test_devices_skipped();
	test_whiteouts();
	test_compressed("gzip", MT_LAYER_GZIP);
	test_compressed("zstd", MT_LAYER_ZSTD);
	test_empty_input();

	/* read-only directories unpacked by a non-root run */
	snprintf(p, sizeof(p), "chmod -R u+rwX '%s' 2>/dev/null", T);
	if (system(p) < 0)
		perror("chmod");
	if (fs_rm_rf(T, &err) < 0)
		printf("# cleanup: %s\n", err.msg);
	return T_DONE();
}
