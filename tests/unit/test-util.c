/* Unit tests for the small utilities every layer relies on. */
#include "t.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"
#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void test_sizes(void)
{
	int64_t v;
	char buf[32];

	T_OK(parse_size("32m", &v) == 0 && v == 32 * 1024 * 1024, "parse_size 32m");
	T_OK(parse_size("1g", &v) == 0 && v == 1024LL * 1024 * 1024, "parse_size 1g");
	T_OK(parse_size("512", &v) == 0 && v == 512, "parse_size bytes");
	T_OK(parse_size("1.5GiB", &v) == 0 && v == 1610612736LL, "parse_size 1.5GiB");
	T_OK(parse_size("12x", &v) < 0, "parse_size rejects junk units");
	T_OK(parse_size("abc", &v) < 0, "parse_size rejects words");
	T_OK(parse_size("-5m", &v) < 0, "parse_size rejects negatives");
	T_STREQ(fmt_size(buf, sizeof(buf), 1500000), "1.5MB", "fmt_size decimal");
	T_STREQ(fmt_size_bin(buf, sizeof(buf), 32 * 1024 * 1024), "32MiB", "fmt_size_bin");
	T_STREQ(fmt_size(buf, sizeof(buf), 999), "999B", "fmt_size bytes");
}

static void test_times(void)
{
	int64_t ns, d;
	char buf[64];

	T_OK(parse_duration("1h30m", &d) == 0 && d == 5400LL * 1000000000, "parse_duration 1h30m");
	T_OK(parse_duration("250ms", &d) == 0 && d == 250000000, "parse_duration ms");
	T_OK(parse_duration("10q", &d) < 0, "parse_duration rejects junk");
	T_OK(parse_rfc3339("2026-11-28T13:57:34.123456789Z", &ns) == 0 &&
	     ns == 1795874254123456789LL, "parse_rfc3339 with nanoseconds");
	T_OK(parse_rfc3339("2026-11-28T14:57:34+01:00", &ns) == 0 && ns == 1795874254000000000LL,
	     "parse_rfc3339 with offset");
	T_STREQ(fmt_rfc3339(buf, sizeof(buf), 1795874254123456789LL), "2026-11-28T13:57:34.123456789Z",
		"fmt_rfc3339 round trip");
	T_STREQ(fmt_rfc3339(buf, sizeof(buf), 0), "1970-01-01T00:00:00.000000000Z", "fmt_rfc3339 epoch");
	T_STREQ(fmt_rfc3339(buf, sizeof(buf), 951782400LL * 1000000000), "2000-02-29T00:00:00.000000000Z",
		"fmt_rfc3339 leap day of a 400-year");
	T_STREQ(fmt_rfc3339(buf, sizeof(buf), -1), "1969-12-31T23:59:59.999999999Z",
		"fmt_rfc3339 before the epoch");
	{
		/* the hand-made calendar agrees with libc's over two centuries */
		int bad = 0;
		uint64_t x = 88172645463325252ULL;
		for (int i = 0; i < 20000 && !bad; i++) {
			time_t t;
			struct tm tm;
			char want[64];
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			t = (time_t)(x % (200ULL * 365 * 86400)) - (time_t)(50LL * 365 * 86400);
			gmtime_r(&t, &tm);
			strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S.000000000Z", &tm);
			fmt_rfc3339(buf, sizeof(buf), (int64_t)t * 1000000000);
			bad = strcmp(buf, want) != 0;
			if (bad)
				printf("# %lld: got %s, want %s\n", (long long)t, buf, want);
		}
		T_OK(!bad, "fmt_rfc3339 matches gmtime_r on 20000 instants, 1920-2120");
	}
	T_OK(parse_since("10m", 1000LL * 1000000000, &ns) == 0 && ns == 400LL * 1000000000,
	     "parse_since duration ago");
	T_OK(parse_since("1700000000", 0, &ns) == 0 && ns == 1700000000LL * 1000000000,
	     "parse_since unix seconds");
	T_STREQ(fmt_duration(buf, sizeof(buf), 3 * 60 + 5), "3 minutes", "fmt_duration minutes");
	T_STREQ(fmt_duration(buf, sizeof(buf), 65 * 60), "About an hour", "fmt_duration an hour");
	T_STREQ(fmt_duration(buf, sizeof(buf), 5 * 86400), "5 days", "fmt_duration days");
}

/* The open fd (other than 0-2) whose inode is ino, -1 if none. */
static int fd_of_inode(ino_t ino, nlink_t *nlink)
{
	struct stat st;

	for (int fd = 3; fd < 1024; fd++)
		if (fstat(fd, &st) == 0 && st.st_ino == ino) {
			*nlink = st.st_nlink;
			return fd;
		}
	return -1;
}

static void test_defer(const char *dir)
{
	char path[512], link[512];
	struct tug_err err = { 0 };
	struct stat old, oldlink;
	nlink_t nl = 99;

	fs_join(path, sizeof(path), dir, "state.json");
	fs_join(link, sizeof(link), dir, "name");
	T_OK(fs_write_atomic(path, "1", 1, 0644, &err) == 0 && symlink("x", link) == 0 &&
	     stat(path, &old) == 0 && lstat(link, &oldlink) == 0, "files to replace and remove");
	fs_defer_releases(1);
	T_OK(fs_write_atomic(path, "2", 1, 0644, &err) == 0 && fs_unlink(link) == 0, "replace, remove");
	T_OK(fd_of_inode(old.st_ino, &nl) >= 0 && nl == 0,
	     "deferring: the replaced file's inode is still held, unlinked");
	T_OK(fd_of_inode(oldlink.st_ino, &nl) >= 0 && nl == 0,
	     "deferring: the removed symlink's own inode is held");
	fs_release_deferred();
	T_OK(fd_of_inode(old.st_ino, &nl) < 0 && fd_of_inode(oldlink.st_ino, &nl) < 0,
	     "released: nothing held");
	fs_defer_releases(0);
	T_OK(stat(path, &old) == 0 && fs_write_atomic(path, "3", 1, 0644, &err) == 0 &&
	     fd_of_inode(old.st_ino, &nl) < 0, "not deferring: released at once");
}

static void test_fs(void)
{
	char dir[] = "/tmp/tug-unit.XXXXXX", path[512], *data = NULL, deep[600];
	size_t len = 0;
	struct tug_err err = { 0 };

	T_OK(mkdtemp(dir) != NULL, "mkdtemp");
	fs_join(path, sizeof(path), dir, "a.json");
	T_OK(fs_write_atomic(path, "{\"x\":1}", 7, 0644, &err) == 0, "atomic write");
	T_OK(fs_read_all(path, &data, &len, &err) == 0 && len == 7 && !strcmp(data, "{\"x\":1}"),
	     "read back");
	free(data);
	{
		json_t *j = json_load_path(path, &err);
		T_OK(j && jint(j, "x") == 1, "json_load_path");
		json_decref(j);
	}
	snprintf(deep, sizeof(deep), "%s/b/c/d", dir);
	T_OK(fs_mkdir_p(deep, 0755, &err) == 0 && access(deep, F_OK) == 0, "mkdir -p");
	T_OK(fs_read_all("/nonexistent/x", &data, &len, &err) < 0 && err.code == TUG_E_NOTFOUND &&
	     strstr(err.msg, "/nonexistent/x") != NULL, "missing file error names the path");
	test_defer(dir);
	T_OK(fs_rm_rf(dir, &err) == 0 && access(dir, F_OK) < 0, "rm -rf");
}

static void test_digest(void)
{
	char d[DIGEST_STR_LEN + 1];

	digest_buf("abc", 3, d);
	T_STREQ(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"sha256 of abc");
	T_OK(digest_valid(d), "digest_valid accepts");
	T_OK(!digest_valid("sha256:xyz"), "digest_valid rejects");
}

static void test_args(void)
{
	int detach = 0, rm = 1;
	const char *name = NULL;
	struct strv env = { 0 };
	long n = 0;
	const struct cli_opt opts[] = {
		{ 'd', "detach", OPT_BOOL, &detach, NULL, "" },
		{ 0, "rm", OPT_BOOL, &rm, NULL, "" },
		{ 0, "name", OPT_STR, &name, "NAME", "" },
		{ 'e', "env", OPT_LIST, &env, "K=V", "" },
		{ 'n', "num", OPT_INT, &n, "N", "" },
		{ 0, NULL, 0, NULL, NULL, NULL },
	};
	char *argv[] = { "run", "-de", "A=1", "--rm=false", "--name=web", "-eB=2", "-n5", "img",
			 "sh", "-c", "echo", NULL };
	int optind = 0;

	T_OK(cli_parse("run", "", opts, 11, argv, 1, &optind) == 0, "parse run flags");
	T_OK(detach == 1 && rm == 0, "combined short bool and --flag=false");
	T_STREQ(name, "web", "--name=value");
	T_OK(env.n == 2 && !strcmp(env.v[0], "A=1") && !strcmp(env.v[1], "B=2"), "repeated list flags");
	T_OK(n == 5, "attached short int");
	T_STREQ(argv[optind], "img", "stops at the image");
	T_OK(cli_nargs(argv + optind) == 4, "command kept after the image");
	strv_release(&env);
}

int main(void)
{
	test_sizes();
	test_times();
	test_fs();
	test_digest();
	test_args();
	return T_DONE();
}
