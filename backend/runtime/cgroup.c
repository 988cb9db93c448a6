/* cgroup.c - mode detection from the mount table, the cache, and the
 * dispatch of every cgroup_* call to the v1 or v2 manager chosen once at
 * run time. The mount table is parsed once per process: the start path
 * (create, attach, destroy) then costs only the knob syscalls. */
#include "runtime/cgroup-impl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <unistd.h>

const char *const cg_ctrl_names[CG_NCTRL] = {
	[CG_MEMORY] = "memory", [CG_CPU] = "cpu", [CG_CPUACCT] = "cpuacct",
	[CG_PIDS] = "pids", [CG_BLKIO] = "blkio", [CG_FREEZER] = "freezer",
};

static struct cg_state state;
static const struct cg_ops *ops;
static int detected;           /* read with acquire, set with release */
static pthread_mutex_t detect_lock = PTHREAD_MUTEX_INITIALIZER;
static char test_root[PATH_MAX];
static char *test_mountinfo;

/* Per-mount facts detection needs but the public table does not show. */
static char mount_root_is_slash[CGROUP_MAX_MOUNTS];

const char *cg_mnt(const struct cg_state *s, enum cg_ctrl c)
{
	return s->ctrl[c] < 0 ? NULL : s->host.mounts[s->ctrl[c]].path;
}

const char *cg_label(const struct cg_state *s, enum cg_ctrl c)
{
	return s->ctrl[c] < 0 ? cg_ctrl_names[c] : s->host.mounts[s->ctrl[c]].controllers;
}

/* mountinfo escapes blanks, tabs, newlines and backslashes as \ooo */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Keep the controller names (and name=...) of a v1 mount's super options. */
static void controllers_of(const char *opts, char *out, size_t size)
{
	static const char *const skip[] = { "rw", "ro", "xattr", "noprefix", "clone_children",
					    "cpuset_v2_mode", "favordynmods", NULL };
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = opts; *p;) {
		size_t len = strcspn(p, ",");
		int keep = strncmp(p, "release_agent=", 14) != 0;
		for (int i = 0; keep && skip[i]; i++)
			if (strlen(skip[i]) == len && !strncmp(p, skip[i], len))
				keep = 0;
		if (keep && n + len + 2 < size) {
			if (n)
				out[n++] = ',';
			memcpy(out + n, p, len);
			n += len;
			out[n] = '\0';
		}
		p += len;
		if (*p)
			p++;
	}
}

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...]
 * - FSTYPE SOURCE SUPEROPTS". Only cgroup and cgroup2 mounts are kept. */
static int mountinfo_line(char *line, void *ctx)
{
	struct cg_state *s = ctx;
	char *f[6], *fstype = NULL, *superopts = NULL, *tok, *save = NULL;
	struct cgroup_mount *m;
	int i = 0, v2;

	for (tok = strtok_r(line, " ", &save); tok && i < 6; tok = strtok_r(NULL, " ", &save))
		f[i++] = tok;
	if (i < 6)
		return 0;
	while (tok && strcmp(tok, "-"))
		tok = strtok_r(NULL, " ", &save);
	if (tok) {
		fstype = strtok_r(NULL, " ", &save);
		if (strtok_r(NULL, " ", &save))          /* source */
			superopts = strtok_r(NULL, " ", &save);
	}
	if (!fstype || !superopts)
		return 0;
	if (!strcmp(fstype, "cgroup2"))
		v2 = 1;
	else if (!strcmp(fstype, "cgroup"))
		v2 = 0;
	else
		return 0;
	if (s->host.nmounts == CGROUP_MAX_MOUNTS)
		return 0;
	unescape(f[4]);
	m = &s->host.mounts[s->host.nmounts];
	if ((size_t)snprintf(m->path, sizeof(m->path), "%s%s", test_root, f[4]) >= sizeof(m->path))
		return 0;
	m->v2 = v2;
	if (v2)
		m->controllers[0] = '\0';
	else
		controllers_of(superopts, m->controllers, sizeof(m->controllers));
	mount_root_is_slash[s->host.nmounts] = !strcmp(f[3], "/");
	s->host.nmounts++;
	return 0;
}

/* A controller's mount: the first whose root is the hierarchy's root,
 * else the first at all (a bind of a sub-tree, as inside a container). */
static int find_mount(const struct cg_state *s, const char *ctrl, int v2)
{
	int found = -1;

	for (int i = 0; i < s->host.nmounts; i++) {
		const struct cgroup_mount *m = &s->host.mounts[i];
		if (m->v2 != v2 || (!v2 && !cg_has_token(m->controllers, ctrl)))
			continue;
		if (mount_root_is_slash[i])
			return i;
		if (found < 0)
			found = i;
	}
	return found;
}

static int parse_text(struct cg_state *s, const char *text)
{
	char line[4096];

	while (*text) {
		size_t len = strcspn(text, "\n");
		if (len < sizeof(line)) {
			memcpy(line, text, len);
			line[len] = '\0';
			mountinfo_line(line, s);
		}
		text += len;
		if (*text)
			text++;
	}
	return 0;
}

/* A pure v2 host mounts cgroup2 at /sys/fs/cgroup. One statfs proves it
 * and saves the mountinfo read, which costs ~100 us cold in a fresh
 * process (every `tug run`). Anything else (tmpfs with v1 mounts, no
 * mount, elsewhere) goes through the mount table. */
static int v2_at_standard_place(struct cg_state *s)
{
	static const char path[] = "/sys/fs/cgroup";
	struct statfs sf;

	if (statfs(path, &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
		return 0;
	memcpy(s->host.mounts[0].path, path, sizeof(path));
	s->host.mounts[0].v2 = 1;
	s->host.nmounts = 1;
	s->host.mode = CGROUP_V2;
	for (int c = 0; c < CG_NCTRL; c++)
		s->ctrl[c] = -1;
	s->v2 = 0;
	return 1;
}

static int detect_locked(struct cg_state *s, struct tug_err *err)
{
	char dir[PATH_MAX];

	memset(s, 0, sizeof(*s));
	s->testing = test_root[0] != '\0';
	if (!s->testing && !test_mountinfo && v2_at_standard_place(s))
		return 0;
	if (test_mountinfo) {
		parse_text(s, test_mountinfo);
	} else {
		snprintf(dir, sizeof(dir), "%s/proc/self", test_root);
		if (cg_each_line(dir, "mountinfo", mountinfo_line, s) < 0)
			return tug_errno(err, "cgroups: read %s/mountinfo (is /proc mounted?)", dir);
	}
	for (int c = 0; c < CG_NCTRL; c++) {
		s->ctrl[c] = find_mount(s, cg_ctrl_names[c], 0);
		if (s->ctrl[c] < 0)
			continue;
		int dup = 0;
		for (int j = 0; j < s->nuse; j++)
			dup |= s->use[j] == s->ctrl[c];
		if (!dup)
			s->use[s->nuse++] = s->ctrl[c];
	}
	s->v2 = find_mount(s, NULL, 1);
	if (s->nuse > 0) {
		s->host.mode = CGROUP_V1;
		s->host.hybrid = s->v2 >= 0;
	} else if (s->v2 >= 0) {
		s->host.mode = CGROUP_V2;
	} else {
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"cgroups: no cgroup filesystem is mounted (mount cgroup2 on "
				"/sys/fs/cgroup, or the v1 memory, cpu and pids controllers)");
	}
	return 0;
}

static const struct cg_state *get_state(struct tug_err *err)
{
	int r;

	if (__atomic_load_n(&detected, __ATOMIC_ACQUIRE))
		return &state;
	pthread_mutex_lock(&detect_lock);
	r = 0;
	if (!detected) {
		r = detect_locked(&state, err);
		if (r == 0) {
			ops = state.host.mode == CGROUP_V2 ? &cg_v2_ops : &cg_v1_ops;
			__atomic_store_n(&detected, 1, __ATOMIC_RELEASE);
		}
	}
	pthread_mutex_unlock(&detect_lock);
	return r < 0 ? NULL : &state;
}

int cgroup_detect(enum cgroup_mode *mode, struct tug_err *err)
{
	const struct cg_state *s = get_state(err);

	if (!s)
		return -1;
	if (mode)
		*mode = s->host.mode;
	return 0;
}

const struct cgroup_host *cgroup_host(struct tug_err *err)
{
	const struct cg_state *s = get_state(err);

	return s ? &s->host : NULL;
}

/* A relative cgroup path may not climb out of its hierarchy or hide
 * empty components: "tug", "tug/web" are fine, "../x", "a//b" are not. */
static int check_rel(const char *what, const char *p, int one_component, struct tug_err *err)
{
	const char *c = p;

	for (;;) {
		size_t len = strcspn(c, "/");
		if ((len == 0 && (*p || c != p)) || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.') || (one_component && c[len]))
			return tug_errf(err, TUG_E_INVALID, "cgroup %s '%s': not a valid cgroup name",
					what, p);
		if (!c[len])
			return 0;
		c += len + 1;
	}
}

/* "<parent>/<name>" into rel; parent loses its leading and trailing '/'. */
static int make_rel(char *rel, size_t size, char *clean_parent, size_t psize,
		    const char *parent, const char *name, struct tug_err *err)
{
	size_t len;
	int n;

	if (!parent)
		parent = "";
	while (*parent == '/')
		parent++;
	len = strlen(parent);
	while (len && parent[len - 1] == '/')
		len--;
	if (len >= psize)
		return tug_errf(err, TUG_E_INVALID, "cgroup parent '%s': too long", parent);
	memcpy(clean_parent, parent, len);
	clean_parent[len] = '\0';
	if (check_rel("parent", clean_parent, 0, err) < 0)
		return -1;
	if (!name || !*name) {
		n = snprintf(rel, size, "%s", clean_parent);
	} else {
		if (check_rel("name", name, 1, err) < 0)
			return -1;
		n = snprintf(rel, size, "%s%s%s", clean_parent, len ? "/" : "", name);
	}
	if (n < 0 || (size_t)n >= size)
		return tug_errf(err, TUG_E_INVALID, "cgroup %s/%s: too long", clean_parent, name);
	return 0;
}

#define PREPARE(parent, name, allow_empty_name)                                        \
	char rel[PATH_MAX / 2], clean_parent[PATH_MAX / 4];                            \
	const struct cg_state *s = get_state(err);                                     \
	if (!s)                                                                        \
		return -1;                                                             \
	if (!(allow_empty_name) && (!(name) || !*(name)))                              \
		return tug_errf(err, TUG_E_INVALID, "cgroup: empty container name");   \
	if (make_rel(rel, sizeof(rel), clean_parent, sizeof(clean_parent), parent, name, \
		     err) < 0)                                                         \
		return -1

int cgroup_create(const char *parent, const char *name, const struct cgroup_limits *l,
		  struct tug_err *err)
{
	static const struct cgroup_limits none;
	PREPARE(parent, name, 0);

	if (!l)
		l = &none;
	if (l->memory < 0 || l->nano_cpus < 0 || l->pids < 0 || l->memory_swap < -1)
		return tug_errf(err, TUG_E_INVALID, "cgroup %s: negative limit", rel);
	if (l->memory && l->memory_swap > 0 && l->memory_swap < l->memory)
		return tug_errf(err, TUG_E_INVALID,
				"cgroup %s: memory+swap limit %lld is below the memory limit %lld "
				"(--memory-swap must be at least --memory, or -1)",
				rel, (long long)l->memory_swap, (long long)l->memory);
	return ops->create(s, clean_parent, rel, l, err);
}

int cgroup_attach(const char *parent, const char *name, pid_t pid, struct tug_err *err)
{
	PREPARE(parent, name, 0);

	if (pid < 0)
		return tug_errf(err, TUG_E_INVALID, "cgroup %s: attach: bad pid %d", rel, (int)pid);
	return ops->attach(s, rel, pid, err);
}

int cgroup_stats(const char *parent, const char *name, struct cgroup_stats *out,
		 struct tug_err *err)
{
	PREPARE(parent, name, 0);

	memset(out, 0, sizeof(*out));
	return ops->stats(s, rel, out, err);
}

int cgroup_oom_kills(const char *parent, const char *name, int *out, struct tug_err *err)
{
	PREPARE(parent, name, 0);

	*out = 0;
	return ops->oom_kills(s, rel, out, err);
}

int cgroup_freeze(const char *parent, const char *name, int frozen, struct tug_err *err)
{
	PREPARE(parent, name, 0);

	return ops->freeze(s, rel, !!frozen, err);
}

int cgroup_pids(const char *parent, const char *name, pid_t **pids, struct tug_err *err)
{
	char dir[PATH_MAX];
	size_t n = 0, cap = 0;
	PREPARE(parent, name, 0);

	*pids = NULL;
	if (ops->procs_dir(s, rel, dir, sizeof(dir), err) < 0)
		return -1;
	if (cg_collect_pids(dir, pids, &n, &cap, err) < 0) {
		free(*pids);
		*pids = NULL;
		return -1;
	}
	return (int)n;
}

int cgroup_destroy(const char *parent, const char *name, struct tug_err *err)
{
	PREPARE(parent, name, 1);

	if (!*rel)
		return tug_errf(err, TUG_E_INVALID, "cgroup: refusing to remove a hierarchy root");
	return ops->destroy(s, rel, err);
}

int cgroup_path(const char *controller, const char *parent, const char *name,
		char *buf, size_t size, struct tug_err *err)
{
	int i;
	PREPARE(parent, name, 1);

	if (s->host.mode == CGROUP_V2)
		i = s->v2;
	else if (!controller || !*controller)
		return tug_errf(err, TUG_E_INVALID, "cgroup %s: a v1 host needs a controller name",
				rel);
	else if ((i = find_mount(s, controller, 0)) < 0)
		return tug_errf(err, TUG_E_UNSUPPORTED, "cgroup %s: controller %s is not mounted",
				rel, controller);
	return cg_path(buf, size, s->host.mounts[i].path, rel, NULL, err);
}

int cgroup_open(const char *parent, const char *name, struct tug_err *err)
{
	char dir[PATH_MAX];
	int fd;
	PREPARE(parent, name, 0);

	if (s->host.mode != CGROUP_V2)
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"cgroup %s: a cgroup fd for CLONE_INTO_CGROUP needs cgroup v2", rel);
	if (cg_path(dir, sizeof(dir), s->host.mounts[s->v2].path, rel, NULL, err) < 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cg_fail(err, "v2", "open", dir);
	return fd;
}

uint64_t cgroup_host_memory(void)
{
	struct sysinfo si;

	if (sysinfo(&si) < 0)
		return 0;
	return (uint64_t)si.totalram * si.mem_unit;
}

static void reset_cache(void)
{
	pthread_mutex_lock(&detect_lock);
	__atomic_store_n(&detected, 0, __ATOMIC_RELEASE);
	ops = NULL;
	pthread_mutex_unlock(&detect_lock);
}

void cgroup_set_root_for_tests(const char *root)
{
	snprintf(test_root, sizeof(test_root), "%s", root ? root : "");
	reset_cache();
}

void cgroup_set_mountinfo_for_tests(const char *text)
{
	free(test_mountinfo);
	test_mountinfo = text ? strdup(text) : NULL;
	reset_cache();
}
