/* test-cgroup.c - the cgroup managers on fixture trees: mode detection
 * from sample mount tables, limits written to the right knobs with the
 * right values, stats parsed as docker parses them, freeze, pids, destroy,
 * on v1 (separate and comounted cpu/cpuacct), hybrid and v2 layouts.
 * The real-kernel test is test-cgroup-real.c. */
#include "runtime/cgroup.h"
#include "t.h"

/* a cleared error for each call, so messages printed are its own */
#define E (tug_err_clear(&e), &e)
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[PATH_MAX];

/* ---- fixture helpers ---- */

static const char *P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *P(const char *fmt, ...)
{
	static char bufs[4][PATH_MAX];
	static int k;
	char rel[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	k = (k + 1) % 4;
	snprintf(bufs[k], sizeof(bufs[k]), "%s/%s", root, rel);
	return bufs[k];
}

static void put(const char *path, const char *text)
{
	char dir[PATH_MAX];
	struct tug_err e;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if (fs_mkdir_p(dir, 0755, &e) < 0 || fs_write_atomic(path, text, strlen(text), 0644, &e) < 0) {
		printf("# fixture %s: %s\n", path, e.msg);
		exit(1);
	}
}

static const char *get(const char *path)
{
	static char buf[4][4096];
	static int k;

	k = (k + 1) % 4;
	if (fs_read_small(path, buf[k], sizeof(buf[k])) < 0)
		snprintf(buf[k], sizeof(buf[k]), "<missing: %s>", strerror(errno));
	return buf[k];
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void new_root(const char *mountinfo)
{
	struct tug_err e;

	if (root[0])
		fs_rm_rf(root, &e);
	snprintf(root, sizeof(root), "/tmp/tug-cgroup-test.XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		exit(1);
	}
	put(P("proc/self/mountinfo"), mountinfo);
	cgroup_set_mountinfo_for_tests(NULL);
	cgroup_set_root_for_tests(root);
}

/* ---- sample mount tables ---- */

/* this CI machine: separate v1 mounts plus an empty cgroup2 (hybrid) */
static const char *mi_hybrid =
	"22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"35 30 0:32 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
	"36 30 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
	"37 30 0:34 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
	"38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
	"40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

/* a classic systemd v1 host: cpu and cpuacct comounted, optional fields */
static const char *mi_comount =
	"25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
	"27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup "
	"cgroup rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd\n"
	"31 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - "
	"cgroup cgroup rw,cpu,cpuacct\n"
	"32 25 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup "
	"cgroup rw,memory\n"
	"33 25 0:30 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:16 - cgroup "
	"cgroup rw,pids\n"
	"34 25 0:31 / /sys/fs/cgroup/blkio rw,nosuid,nodev,noexec,relatime shared:17 - cgroup "
	"cgroup rw,blkio\n"
	"35 25 0:32 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:18 - cgroup "
	"cgroup rw,freezer\n"
	"36 25 0:33 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:19 - "
	"cgroup cgroup rw,net_cls,net_prio\n";

static const char *mi_v2 =
	"24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
	"rw,nsdelegate,memory_recursiveprot\n";

/* ---- detection ---- */

static int mount_of(const struct cgroup_host *h, const char *suffix)
{
	size_t n = strlen(suffix);

	for (int i = 0; i < h->nmounts; i++) {
		size_t l = strlen(h->mounts[i].path);
		if (l >= n && !strcmp(h->mounts[i].path + l - n, suffix))
			return i;
	}
	return -1;
}

static void test_detect(void)
{
	const struct cgroup_host *h;
	enum cgroup_mode mode = 0;
	struct tug_err e = { 0 };
	char path[PATH_MAX];
	int i;

	cgroup_set_root_for_tests("/nonexistent-root");
	cgroup_set_mountinfo_for_tests(mi_hybrid);
	T_OK(cgroup_detect(&mode, E) == 0 && mode == CGROUP_V1, "hybrid host detected as v1");
	h = cgroup_host(&e);
	T_OK(h && h->hybrid, "hybrid flag set when cgroup2 sits beside v1 controllers");
	T_OK(h && h->nmounts == 10, "every cgroup mount kept, tmpfs and sysfs ignored");
	i = h ? mount_of(h, "/sys/fs/cgroup/systemd") : -1;
	T_STREQ(i >= 0 ? h->mounts[i].controllers : NULL, "name=systemd", "named hierarchy kept");
	T_OK(cgroup_path("cpu", "tug", "x", path, sizeof(path), E) == 0 &&
	     !strcmp(path, "/nonexistent-root/sys/fs/cgroup/cpu/tug/x"),
	     "cpu path under its own mount (%s)", path);
	T_OK(cgroup_path("cpuacct", "tug", "x", path, sizeof(path), E) == 0 &&
	     !strcmp(path, "/nonexistent-root/sys/fs/cgroup/cpuacct/tug/x"),
	     "cpuacct separate from cpu (%s)", path);
	T_OK(cgroup_path("cpuset", "tug", "", path, sizeof(path), E) == 0 &&
	     !strcmp(path, "/nonexistent-root/sys/fs/cgroup/cpuset/tug"),
	     "parent path of any mounted controller (%s)", path);
	T_OK(cgroup_path("hugetlb", "tug", "x", path, sizeof(path), E) < 0 &&
	     e.code == TUG_E_UNSUPPORTED, "unmounted controller: %s", e.msg);
	T_OK(cgroup_open("tug", "x", E) < 0 && e.code == TUG_E_UNSUPPORTED,
	     "no CLONE_INTO_CGROUP fd on v1: %s", e.msg);

	cgroup_set_mountinfo_for_tests(mi_comount);
	T_OK(cgroup_detect(&mode, E) == 0 && mode == CGROUP_V1, "comounted v1 host detected as v1");
	h = cgroup_host(&e);
	T_OK(h && !h->hybrid, "no cgroup2: not hybrid");
	i = h ? mount_of(h, "/sys/fs/cgroup/cpu,cpuacct") : -1;
	T_STREQ(i >= 0 ? h->mounts[i].controllers : NULL, "cpu,cpuacct", "comount controllers");
	i = h ? mount_of(h, "/sys/fs/cgroup/systemd") : -1;
	T_STREQ(i >= 0 ? h->mounts[i].controllers : NULL, "name=systemd",
		"xattr and release_agent dropped from the controller list");
	T_OK(cgroup_path("cpuacct", "tug", "x", path, sizeof(path), E) == 0 &&
	     !strcmp(path, "/nonexistent-root/sys/fs/cgroup/cpu,cpuacct/tug/x"),
	     "cpuacct found in the comount (%s)", path);
	T_OK(cgroup_path("net_prio", "tug", "x", path, sizeof(path), E) == 0 &&
	     strstr(path, "net_cls,net_prio"), "second token of a comount (%s)", path);

	cgroup_set_mountinfo_for_tests(mi_v2);
	T_OK(cgroup_detect(&mode, E) == 0 && mode == CGROUP_V2, "cgroup2 at the top: v2");
	T_OK(cgroup_path("memory", "tug", "x", path, sizeof(path), E) == 0 &&
	     !strcmp(path, "/nonexistent-root/sys/fs/cgroup/tug/x"),
	     "v2 ignores the controller in paths (%s)", path);

	/* a v2 host with a named v1 hierarchy for old systemd tools */
	cgroup_set_mountinfo_for_tests(
		"35 24 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
		"36 35 0:31 / /run/elogind rw - cgroup cgroup rw,name=elogind\n");
	T_OK(cgroup_detect(&mode, E) == 0 && mode == CGROUP_V2,
	     "a named-only v1 hierarchy does not make a host v1");

	/* mount points with escaped blanks; a bind of a sub-tree loses to the root */
	cgroup_set_mountinfo_for_tests(
		"40 30 0:31 /docker/abc /mnt/sub\\040tree rw - cgroup cgroup rw,memory\n"
		"41 30 0:31 / /mnt/mem\\040cg rw - cgroup cgroup rw,memory\n");
	T_OK(cgroup_path("memory", "", "x", path, sizeof(path), E) == 0 &&
	     !strcmp(path, "/nonexistent-root/mnt/mem cg/x"),
	     "octal escapes decoded, hierarchy root preferred (%s)", path);

	cgroup_set_mountinfo_for_tests(
		"22 1 0:21 / /sys rw - sysfs sysfs rw\n"
		"30 22 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n");
	e.code = 0;
	T_OK(cgroup_detect(&mode, E) < 0 && e.code == TUG_E_UNSUPPORTED && strstr(e.msg, "cgroup2"),
	     "no cgroup mounted: actionable error (%s)", e.msg);
	T_OK(cgroup_create("tug", "x", NULL, E) < 0, "every call fails without cgroups");

	/* garbage lines do not crash the parser */
	cgroup_set_mountinfo_for_tests("\n\n1 2\n - - -\n1 2 3 4 5 6 -\n"
				       "34 30 0:31 / /m rw - cgroup\n");
	T_OK(cgroup_detect(&mode, E) < 0, "truncated lines ignored");
	cgroup_set_mountinfo_for_tests(NULL);
}

/* ---- v1 ---- */

static const char *v1_ctrls[] = { "memory", "cpu", "cpuacct", "pids", "blkio", "freezer" };

static void v1_fixture(const char *cpu, const char *cpuacct, const char *id, int memsw)
{
	for (size_t i = 0; i < 6; i++) {
		const char *c = i == 1 ? cpu : i == 2 ? cpuacct : v1_ctrls[i];
		put(P("sys/fs/cgroup/%s/tug/%s/cgroup.procs", c, id), "");
	}
	put(P("sys/fs/cgroup/memory/tug/%s/memory.limit_in_bytes", id), "9223372036854771712\n");
	if (memsw)
		put(P("sys/fs/cgroup/memory/tug/%s/memory.memsw.limit_in_bytes", id),
		    "9223372036854771712\n");
	put(P("sys/fs/cgroup/%s/tug/%s/cpu.cfs_period_us", cpu, id), "100000\n");
	put(P("sys/fs/cgroup/%s/tug/%s/cpu.cfs_quota_us", cpu, id), "-1\n");
	put(P("sys/fs/cgroup/pids/tug/%s/pids.max", id), "max\n");
	put(P("sys/fs/cgroup/freezer/tug/%s/freezer.state", id), "THAWED\n");
}

static void test_v1_separate(void)
{
	struct cgroup_limits l = { .memory = 64 << 20, .nano_cpus = 1500000000, .pids = 100 };
	struct cgroup_stats st;
	struct tug_err e = { 0 };
	pid_t *pids = NULL;
	int n;

	new_root(mi_hybrid);
	v1_fixture("cpu", "cpuacct", "abc", 1);
	T_OK(cgroup_create("tug", "abc", &l, E) == 0, "v1 create with limits (%s)", e.msg);
	T_STREQ(get(P("sys/fs/cgroup/memory/tug/abc/memory.limit_in_bytes")), "67108864",
		"memory.limit_in_bytes");
	T_STREQ(get(P("sys/fs/cgroup/memory/tug/abc/memory.memsw.limit_in_bytes")), "134217728",
		"memsw defaults to twice memory, as docker does");
	T_STREQ(get(P("sys/fs/cgroup/cpu/tug/abc/cpu.cfs_period_us")), "100000", "cfs period");
	T_STREQ(get(P("sys/fs/cgroup/cpu/tug/abc/cpu.cfs_quota_us")), "150000",
		"1.5 CPUs = 150000us per 100000us");
	T_STREQ(get(P("sys/fs/cgroup/pids/tug/abc/pids.max")), "100", "pids.max");
	T_OK(!exists(P("sys/fs/cgroup/cpuset/tug")) && !exists(P("sys/fs/cgroup/devices/tug")),
	     "cpuset and devices left alone");

	/* re-create (a restart) with other limits: unset ones reset to unlimited */
	l = (struct cgroup_limits){ .memory = 32 << 20, .memory_swap = -1 };
	T_OK(cgroup_create("tug", "abc", &l, E) == 0, "re-create reuses the cgroup (%s)", e.msg);
	T_STREQ(get(P("sys/fs/cgroup/memory/tug/abc/memory.memsw.limit_in_bytes")), "-1",
		"memory_swap -1: unlimited swap");
	T_STREQ(get(P("sys/fs/cgroup/cpu/tug/abc/cpu.cfs_quota_us")), "-1", "old CPU limit lifted");
	T_STREQ(get(P("sys/fs/cgroup/pids/tug/abc/pids.max")), "max", "old pids limit lifted");
	l = (struct cgroup_limits){ .memory = 32 << 20, .memory_swap = 32 << 20, .nano_cpus = 1000 };
	T_OK(cgroup_create("tug", "abc", &l, E) == 0, "create with swap = memory");
	T_STREQ(get(P("sys/fs/cgroup/memory/tug/abc/memory.memsw.limit_in_bytes")), "33554432",
		"memory_swap = memory: no swap");
	T_STREQ(get(P("sys/fs/cgroup/cpu/tug/abc/cpu.cfs_quota_us")), "1000",
		"tiny CPU share clamped to the kernel's 1 ms minimum");

	/* no swap accounting: no memsw knob, and none gets invented */
	v1_fixture("cpu", "cpuacct", "nosw", 0);
	l = (struct cgroup_limits){ .memory = 16 << 20 };
	T_OK(cgroup_create("tug", "nosw", &l, E) == 0, "no memsw file is fine (%s)", e.msg);
	T_OK(!exists(P("sys/fs/cgroup/memory/tug/nosw/memory.memsw.limit_in_bytes")),
	     "memsw not created");

	/* a knob that cannot be written: error names it, created dirs undone */
	e.code = 0;
	T_OK(cgroup_create("tug", "fresh", &l, E) < 0 && strstr(e.msg, "memory.limit_in_bytes") &&
	     strstr(e.msg, "cgroup memory:"), "failed limit names the knob: %s", e.msg);
	T_OK(!exists(P("sys/fs/cgroup/memory/tug/fresh")) && !exists(P("sys/fs/cgroup/pids/tug/fresh")),
	     "a failed create leaves no dirs behind");
	T_OK(cgroup_create("tug", "plain", NULL, E) == 0, "create without limits (%s)", e.msg);
	n = 0;
	for (size_t i = 0; i < 6; i++)
		n += exists(P("sys/fs/cgroup/%s/tug/plain", v1_ctrls[i]));
	T_OK(n == 6, "plain cgroup made in all six hierarchies (%d)", n);

	/* attach */
	T_OK(cgroup_attach("tug", "abc", 4242, E) == 0, "attach (%s)", e.msg);
	n = 0;
	for (size_t i = 0; i < 6; i++)
		n += !strcmp(get(P("sys/fs/cgroup/%s/tug/abc/cgroup.procs", v1_ctrls[i])), "4242");
	T_OK(n == 6, "pid written to cgroup.procs of every hierarchy (%d)", n);
	T_OK(cgroup_attach("tug", "nope", 4242, E) < 0 && strstr(e.msg, "attach pid 4242"),
	     "attach to a missing cgroup: %s", e.msg);

	/* stats */
	put(P("sys/fs/cgroup/cpuacct/tug/abc/cpuacct.usage"), "123456789\n");
	put(P("sys/fs/cgroup/memory/tug/abc/memory.usage_in_bytes"), "104857600\n");
	put(P("sys/fs/cgroup/memory/tug/abc/memory.stat"),
	    "cache 8192\ninactive_file 1\nhierarchical_memory_limit 9223372036854771712\n"
	    "total_inactive_anon 5\ntotal_inactive_file 4194304\ntotal_active_file 7\n");
	put(P("sys/fs/cgroup/memory/tug/abc/memory.limit_in_bytes"), "9223372036854771712\n");
	put(P("sys/fs/cgroup/memory/tug/abc/memory.oom_control"),
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
	put(P("sys/fs/cgroup/blkio/tug/abc/blkio.throttle.io_service_bytes_recursive"),
	    "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 12288\n8:0 Async 0\n8:0 Discard 0\n"
	    "8:0 Total 12288\n253:1 Read 100\n253:1 Write 1\n253:1 Total 101\nTotal 12389\n");
	put(P("sys/fs/cgroup/blkio/tug/abc/blkio.throttle.io_service_bytes"),
	    "8:0 Read 999999\n");
	put(P("sys/fs/cgroup/pids/tug/abc/pids.current"), "7\n");
	put(P("sys/fs/cgroup/pids/tug/abc/pids.max"), "max\n");
	T_OK(cgroup_stats("tug", "abc", &st, E) == 0, "v1 stats (%s)", e.msg);
	T_OK(st.cpu_ns == 123456789, "cpu from cpuacct.usage (%llu)", (unsigned long long)st.cpu_ns);
	T_OK(st.mem_usage == 104857600 - 4194304,
	     "memory = usage - total_inactive_file (%llu)", (unsigned long long)st.mem_usage);
	T_OK(st.mem_limit == 0, "v1 'unlimited' huge value reads as 0");
	T_OK(st.blk_read == 4196 && st.blk_write == 8193,
	     "blkio Read/Write summed over devices from _recursive (%llu/%llu)",
	     (unsigned long long)st.blk_read, (unsigned long long)st.blk_write);
	T_OK(st.pids == 7 && st.pids_limit == 0, "pids.current, pids.max 'max' = 0");
	T_OK(st.oom_kills == 3, "oom_kill counter from memory.oom_control (%d)", st.oom_kills);
	put(P("sys/fs/cgroup/memory/tug/abc/memory.limit_in_bytes"), "33554432\n");
	put(P("sys/fs/cgroup/pids/tug/abc/pids.max"), "64\n");
	unlink(P("sys/fs/cgroup/blkio/tug/abc/blkio.throttle.io_service_bytes_recursive"));
	cgroup_stats("tug", "abc", &st, E);
	T_OK(st.mem_limit == 33554432 && st.pids_limit == 64, "real limits read back");
	T_OK(st.blk_read == 999999, "flat blkio file when _recursive is missing");
	put(P("sys/fs/cgroup/memory/tug/abc/memory.stat"), "total_inactive_file 999999999\n");
	cgroup_stats("tug", "abc", &st, E);
	T_OK(st.mem_usage == 0, "inactive file above usage clamps to 0, never wraps");
	T_OK(cgroup_stats("tug", "gone", &st, E) < 0 && e.code == TUG_E_NOTFOUND,
	     "stats of a missing cgroup: %s", e.msg);

	/* freeze */
	T_OK(cgroup_freeze("tug", "abc", 1, E) == 0, "freeze (%s)", e.msg);
	T_STREQ(get(P("sys/fs/cgroup/freezer/tug/abc/freezer.state")), "FROZEN", "freezer.state FROZEN");
	T_OK(cgroup_freeze("tug", "abc", 0, E) == 0, "thaw (%s)", e.msg);
	T_STREQ(get(P("sys/fs/cgroup/freezer/tug/abc/freezer.state")), "THAWED", "freezer.state THAWED");

	/* pids: freezer hierarchy, descendants included */
	put(P("sys/fs/cgroup/freezer/tug/abc/cgroup.procs"), "11\n12\n");
	put(P("sys/fs/cgroup/freezer/tug/abc/sub/cgroup.procs"), "13\n");
	n = cgroup_pids("tug", "abc", &pids, E);
	T_OK(n == 3 && pids[0] == 11 && pids[1] == 12 && pids[2] == 13,
	     "pids of the cgroup and its children (%d)", n);
	free(pids);
	T_OK(cgroup_pids("tug", "gone", &pids, E) < 0 && !pids, "pids of a missing cgroup fail");

	/* destroy */
	T_OK(cgroup_destroy("tug", "abc", E) == 0, "destroy (%s)", e.msg);
	n = 0;
	for (size_t i = 0; i < 6; i++)
		n += exists(P("sys/fs/cgroup/%s/tug/abc", v1_ctrls[i]));
	T_OK(n == 0, "every hierarchy's dir removed, children first");
	T_OK(exists(P("sys/fs/cgroup/memory/tug")), "the parent stays");
	T_OK(cgroup_destroy("tug", "abc", E) == 0, "destroying a missing cgroup is fine");
	T_OK(cgroup_destroy("", "tug", E) == 0 && !exists(P("sys/fs/cgroup/memory/tug")),
	     "an explicit destroy removes a parent");
}

static void test_v1_comount(void)
{
	struct cgroup_limits l = { .memory = 1 << 30, .nano_cpus = 500000000 };
	struct cgroup_stats st;
	struct tug_err e = { 0 };
	int n = 0;

	new_root(mi_comount);
	v1_fixture("cpu,cpuacct", "cpu,cpuacct", "c1", 1);
	put(P("sys/fs/cgroup/cpu,cpuacct/tug/c1/cpuacct.usage"), "5000\n");
	T_OK(cgroup_create("tug", "c1", &l, E) == 0, "comount create (%s)", e.msg);
	T_STREQ(get(P("sys/fs/cgroup/cpu,cpuacct/tug/c1/cpu.cfs_quota_us")), "50000",
		"quota in the cpu,cpuacct comount");
	T_OK(cgroup_attach("tug", "c1", 77, E) == 0, "comount attach (%s)", e.msg);
	for (size_t i = 0; i < 6; i++) {
		const char *c = i == 1 || i == 2 ? "cpu,cpuacct" : v1_ctrls[i];
		n += !strcmp(get(P("sys/fs/cgroup/%s/tug/c1/cgroup.procs", c)), "77");
	}
	T_OK(n == 6, "attached in every hierarchy");
	T_OK(cgroup_stats("tug", "c1", &st, E) == 0 && st.cpu_ns == 5000,
	     "cpuacct.usage read from the comount");
	T_OK(!exists(P("sys/fs/cgroup/net_cls,net_prio/tug")), "unused hierarchies untouched");
	T_OK(cgroup_destroy("tug", "c1", E) == 0 && !exists(P("sys/fs/cgroup/cpu,cpuacct/tug/c1")),
	     "comount destroy (%s)", e.msg);

	/* a host without pids: a pids limit is refused before anything is made */
	new_root("34 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
	l = (struct cgroup_limits){ .pids = 10 };
	e.code = 0;
	T_OK(cgroup_create("tug", "np", &l, E) < 0 && e.code == TUG_E_UNSUPPORTED &&
	     strstr(e.msg, "pids"), "pids limit without the controller: %s", e.msg);
	T_OK(!exists(P("sys/fs/cgroup/memory/tug/np")), "nothing created");
	T_OK(cgroup_freeze("tug", "np", 1, E) < 0 && e.code == TUG_E_UNSUPPORTED,
	     "pause without a freezer: %s", e.msg);
}

/* ---- v2 ---- */

static void v2_fixture(const char *id)
{
	put(P("sys/fs/cgroup/tug/%s/cgroup.procs", id), "");
	put(P("sys/fs/cgroup/tug/%s/memory.max", id), "max\n");
	put(P("sys/fs/cgroup/tug/%s/memory.swap.max", id), "max\n");
	put(P("sys/fs/cgroup/tug/%s/cpu.max", id), "max 100000\n");
	put(P("sys/fs/cgroup/tug/%s/pids.max", id), "max\n");
	put(P("sys/fs/cgroup/tug/%s/cgroup.freeze", id), "0\n");
	put(P("sys/fs/cgroup/tug/%s/cgroup.events", id), "populated 1\nfrozen 1\n");
}

static void test_v2(void)
{
	struct cgroup_limits l = { .memory = 64 << 20, .nano_cpus = 500000000, .pids = 50 };
	struct cgroup_stats st;
	struct tug_err e = { 0 };
	char path[PATH_MAX];
	int fd;

	new_root(mi_v2);
	put(P("sys/fs/cgroup/cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
	put(P("sys/fs/cgroup/cgroup.subtree_control"), "");
	put(P("sys/fs/cgroup/tug/cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");
	put(P("sys/fs/cgroup/tug/cgroup.subtree_control"), "");
	v2_fixture("abc");
	T_OK(cgroup_create("tug", "abc", &l, E) == 0, "v2 create (%s)", e.msg);
	T_STREQ(get(P("sys/fs/cgroup/cgroup.subtree_control")), "+cpu +memory +pids +io",
		"controllers enabled at the root in one write");
	T_STREQ(get(P("sys/fs/cgroup/tug/cgroup.subtree_control")), "+cpu +memory +pids +io",
		"and in the parent");
	T_STREQ(get(P("sys/fs/cgroup/tug/abc/memory.max")), "67108864", "memory.max");
	T_STREQ(get(P("sys/fs/cgroup/tug/abc/memory.swap.max")), "67108864",
		"swap.max = memory: docker's default memory+swap of twice memory");
	T_STREQ(get(P("sys/fs/cgroup/tug/abc/cpu.max")), "50000 100000", "cpu.max");
	T_STREQ(get(P("sys/fs/cgroup/tug/abc/pids.max")), "50", "pids.max");

	/* fast path: the parent already passes everything on, the root is not read */
	put(P("sys/fs/cgroup/cgroup.subtree_control"), "");
	put(P("sys/fs/cgroup/tug/cgroup.subtree_control"), "cpu io memory pids\n");
	l = (struct cgroup_limits){ .memory = 64 << 20, .memory_swap = 64 << 20 };
	T_OK(cgroup_create("tug", "abc", &l, E) == 0, "v2 re-create (%s)", e.msg);
	T_STREQ(get(P("sys/fs/cgroup/cgroup.subtree_control")), "", "root untouched when the parent is ready");
	T_STREQ(get(P("sys/fs/cgroup/tug/abc/memory.swap.max")), "0", "swap = memory: swap.max 0");
	T_STREQ(get(P("sys/fs/cgroup/tug/abc/cpu.max")), "max 100000", "CPU limit lifted on reuse");
	T_STREQ(get(P("sys/fs/cgroup/tug/abc/pids.max")), "max", "pids limit lifted on reuse");
	l.memory_swap = -1;
	cgroup_create("tug", "abc", &l, E);
	T_STREQ(get(P("sys/fs/cgroup/tug/abc/memory.swap.max")), "max", "swap -1: swap.max max");

	/* io missing on this host: the parent is still "ready" */
	put(P("sys/fs/cgroup/tug/cgroup.controllers"), "cpu memory pids\n");
	put(P("sys/fs/cgroup/tug/cgroup.subtree_control"), "cpu memory pids\n");
	v2_fixture("noio");
	T_OK(cgroup_create("tug", "noio", NULL, E) == 0 &&
	     !strcmp(get(P("sys/fs/cgroup/cgroup.subtree_control")), ""),
	     "a controller the host lacks does not force the slow path");

	/* a knob the kernel does not offer: controller not enabled */
	put(P("sys/fs/cgroup/tug/nocpu/cgroup.procs"), "");
	l = (struct cgroup_limits){ .nano_cpus = 1000000000 };
	e.code = 0;
	T_OK(cgroup_create("tug", "nocpu", &l, E) < 0 && e.code == TUG_E_UNSUPPORTED &&
	     strstr(e.msg, "cpu.max") && strstr(e.msg, "subtree_control"),
	     "missing cpu.max explained: %s", e.msg);
	T_OK(exists(P("sys/fs/cgroup/tug/nocpu")), "a pre-existing cgroup is not removed on failure");

	/* nested parent, created on the way with controllers at every level */
	put(P("sys/fs/cgroup/cgroup.subtree_control"), "");
	put(P("sys/fs/cgroup/tug/cgroup.controllers"), "cpu io memory pids\n");
	put(P("sys/fs/cgroup/tug/cgroup.subtree_control"), "");
	put(P("sys/fs/cgroup/tug/web/cgroup.controllers"), "cpu memory pids\n");
	put(P("sys/fs/cgroup/tug/web/cgroup.subtree_control"), "");
	put(P("sys/fs/cgroup/tug/web/x/cgroup.procs"), "");
	T_OK(cgroup_create("tug/web", "x", NULL, E) == 0, "nested parent (%s)", e.msg);
	T_STREQ(get(P("sys/fs/cgroup/tug/web/cgroup.subtree_control")), "+cpu +memory +pids",
		"each level enables what it has");
	T_STREQ(get(P("sys/fs/cgroup/tug/cgroup.subtree_control")), "+cpu +memory +pids +io",
		"the levels above too");

	/* attach, open */
	T_OK(cgroup_attach("tug", "abc", 999, E) == 0 &&
	     !strcmp(get(P("sys/fs/cgroup/tug/abc/cgroup.procs")), "999"), "v2 attach");
	fd = cgroup_open("tug", "abc", E);
	T_OK(fd >= 0, "v2 cgroup fd for CLONE_INTO_CGROUP (%s)", fd < 0 ? e.msg : "");
	if (fd >= 0)
		close(fd);
	T_OK(cgroup_path(NULL, "tug", "abc", path, sizeof(path), E) == 0 &&
	     !strcmp(path, P("sys/fs/cgroup/tug/abc")), "v2 path");

	/* stats */
	put(P("sys/fs/cgroup/tug/abc/cpu.stat"), "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
	put(P("sys/fs/cgroup/tug/abc/memory.current"), "52428800\n");
	put(P("sys/fs/cgroup/tug/abc/memory.stat"),
	    "anon 1\nfile 2\nactive_file 3\ninactive_file 10485760\nworkingset_refault_file 4\n");
	put(P("sys/fs/cgroup/tug/abc/memory.max"), "max\n");
	put(P("sys/fs/cgroup/tug/abc/memory.events"), "low 0\nhigh 0\nmax 9\noom 2\noom_kill 2\n");
	put(P("sys/fs/cgroup/tug/abc/io.stat"),
	    "8:0 rbytes=1000 wbytes=2000 rios=1 wios=2 dbytes=0 dios=0\n"
	    "253:0 rbytes=30 wbytes=40 rios=3 wios=4 dbytes=5 dios=6\n");
	put(P("sys/fs/cgroup/tug/abc/pids.current"), "3\n");
	put(P("sys/fs/cgroup/tug/abc/pids.max"), "50\n");
	T_OK(cgroup_stats("tug", "abc", &st, E) == 0, "v2 stats (%s)", e.msg);
	T_OK(st.cpu_ns == 2500000, "cpu.stat usage_usec in ns (%llu)", (unsigned long long)st.cpu_ns);
	T_OK(st.mem_usage == 52428800 - 10485760, "memory.current - inactive_file (%llu)",
	     (unsigned long long)st.mem_usage);
	T_OK(st.mem_limit == 0, "memory.max 'max' = 0");
	T_OK(st.oom_kills == 2, "oom_kill from memory.events, not 'oom' (%d)", st.oom_kills);
	T_OK(st.blk_read == 1030 && st.blk_write == 2040, "io.stat summed over devices");
	T_OK(st.pids == 3 && st.pids_limit == 50, "pids");

	/* freeze: cgroup.freeze written, cgroup.events polled */
	T_OK(cgroup_freeze("tug", "abc", 1, E) == 0 &&
	     !strcmp(get(P("sys/fs/cgroup/tug/abc/cgroup.freeze")), "1"), "v2 freeze (%s)", e.msg);
	put(P("sys/fs/cgroup/tug/abc/cgroup.events"), "populated 1\nfrozen 0\n");
	T_OK(cgroup_freeze("tug", "abc", 0, E) == 0 &&
	     !strcmp(get(P("sys/fs/cgroup/tug/abc/cgroup.freeze")), "0"), "v2 thaw");
	e.code = 0;
	T_OK(cgroup_freeze("tug", "abc", 1, E) < 0 && e.code == TUG_E_CONFLICT,
	     "never frozen: error after the timeout (%s)", e.msg);
	T_STREQ(get(P("sys/fs/cgroup/tug/abc/cgroup.freeze")), "0", "and thawed again");

	T_OK(cgroup_destroy("tug", "abc", E) == 0 && !exists(P("sys/fs/cgroup/tug/abc")) &&
	     exists(P("sys/fs/cgroup/tug")), "v2 destroy keeps the parent (%s)", e.msg);
}

static void test_names(void)
{
	static const char *bad_parents[] = { "../etc", "tug/../..", "a//b", "./x", ".." };
	static const char *bad_names[] = { "..", ".", "a/b", "../x" };
	struct cgroup_limits l = { 0 };
	struct tug_err e = { 0 };
	int ok = 1;

	new_root(mi_v2);
	for (size_t i = 0; i < sizeof(bad_parents) / sizeof(*bad_parents); i++) {
		e.code = 0;
		ok &= cgroup_create(bad_parents[i], "x", NULL, E) < 0 && e.code == TUG_E_INVALID;
	}
	T_OK(ok, "parents that climb or hide components refused (%s)", e.msg);
	ok = 1;
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(*bad_names); i++) {
		e.code = 0;
		ok &= cgroup_attach("tug", bad_names[i], 1, E) < 0 && e.code == TUG_E_INVALID;
	}
	T_OK(ok, "names that are not one component refused (%s)", e.msg);
	T_OK(cgroup_stats("tug", "", &(struct cgroup_stats){ 0 }, E) < 0 && e.code == TUG_E_INVALID,
	     "empty name refused");
	T_OK(cgroup_destroy("", "", E) < 0 && e.code == TUG_E_INVALID, "the root is never removed");
	l.memory = -5;
	T_OK(cgroup_create("tug", "x", &l, E) < 0 && e.code == TUG_E_INVALID, "negative limit");
	l = (struct cgroup_limits){ .memory = 100 << 20, .memory_swap = 50 << 20 };
	T_OK(cgroup_create("tug", "x", &l, E) < 0 && e.code == TUG_E_INVALID &&
	     strstr(e.msg, "--memory-swap"), "swap below memory: %s", e.msg);
	T_OK(!exists(P("sys/fs/cgroup/tug")), "refused calls create nothing");
	T_OK(cgroup_host_memory() > (64ULL << 20), "host memory from sysinfo (%llu)",
	     (unsigned long long)cgroup_host_memory());
}

int main(void)
{
	struct tug_err e;

	test_detect();
	test_v1_separate();
	test_v1_comount();
	test_v2();
	test_names();
	if (root[0])
		fs_rm_rf(root, &e);
	cgroup_set_root_for_tests(NULL);
	return T_DONE();
}
