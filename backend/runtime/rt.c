/* rt.c - runtime roots, container records and name/id resolution. */
#include "runtime/rt.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rt_init(struct rt *rt, const char *root, const char *runroot, struct tug_err *err)
{
	char path[PATH_MAX];
	static const char *const subdirs[] = { "containers", "names", "tmp" };

	if (!root)
		root = getenv("TUG_ROOT");
	if (!root || !*root)
		root = "/var/lib/tug";
	if (!runroot)
		runroot = getenv("TUG_RUNROOT");
	if (!runroot || !*runroot)
		runroot = "/run/tug";
	if (root[0] != '/' || runroot[0] != '/') {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return tug_errno(err, "getcwd");
		if (root[0] != '/')
			snprintf(rt->root, sizeof(rt->root), "%s/%s", cwd, root);
		else
			snprintf(rt->root, sizeof(rt->root), "%s", root);
		if (runroot[0] != '/')
			snprintf(rt->runroot, sizeof(rt->runroot), "%s/%s", cwd, runroot);
		else
			snprintf(rt->runroot, sizeof(rt->runroot), "%s", runroot);
	} else {
		snprintf(rt->root, sizeof(rt->root), "%s", root);
		snprintf(rt->runroot, sizeof(rt->runroot), "%s", runroot);
	}
	snprintf(rt->cgroup_parent, sizeof(rt->cgroup_parent), "tug");
	/* subdirs are made in order: the last one there means all are (one
	 * syscall on every command instead of one per directory) */
	fs_join(path, sizeof(path), rt->root, subdirs[sizeof(subdirs) / sizeof(subdirs[0]) - 1]);
	if (access(path, F_OK) == 0)
		goto runroot;
	if (fs_mkdir_p(rt->root, 0711, err) < 0)
		return tug_err_wrap(err, "state directory %s (use --root to choose another)", rt->root);
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		fs_join(path, sizeof(path), rt->root, subdirs[i]);
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return tug_errno(err, "create %s", path);
	}
runroot:
	if (fs_mkdir_p(rt->runroot, 0700, err) < 0)
		return tug_err_wrap(err, "runtime directory %s (use --runroot to choose another)",
				    rt->runroot);
	return 0;
}

char *rt_ctr_path(const struct rt *rt, const char *id, const char *file, char *buf, size_t size)
{
	if (file)
		snprintf(buf, size, "%s/containers/%s/%s", rt->root, id, file);
	else
		snprintf(buf, size, "%s/containers/%s", rt->root, id);
	return buf;
}

static int is_hex_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int rt_ctr_resolve(const struct rt *rt, const char *ref, char *id_out, struct tug_err *err)
{
	char path[PATH_MAX], target[128];
	ssize_t n;
	DIR *d;
	struct dirent *de;
	int found = 0;

	if (!ref || !*ref)
		return tug_errf(err, TUG_E_INVALID, "container name or id is empty");
	if (strchr(ref, '/') || !strcmp(ref, ".") || !strcmp(ref, ".."))
		return tug_errf(err, TUG_E_NOTFOUND, "no such container: %s", ref);
	/* a name wins over an id prefix, as in docker */
	snprintf(path, sizeof(path), "%s/names/%s", rt->root, ref);
	n = readlink(path, target, sizeof(target) - 1);
	if (n == 64) {
		target[n] = '\0';
		memcpy(id_out, target, 65);
		return 0;
	}
	if (!is_hex_id(ref))
		return tug_errf(err, TUG_E_NOTFOUND, "no such container: %s", ref);
	if (strlen(ref) == 64) {
		struct stat st;
		if (stat(rt_ctr_path(rt, ref, NULL, path, sizeof(path)), &st) == 0) {
			memcpy(id_out, ref, 65);
			return 0;
		}
		return tug_errf(err, TUG_E_NOTFOUND, "no such container: %s", ref);
	}
	snprintf(path, sizeof(path), "%s/containers", rt->root);
	d = opendir(path);
	if (!d)
		return tug_errno(err, "read %s", path);
	while ((de = readdir(d))) {
		if (strlen(de->d_name) == 64 && str_has_prefix(de->d_name, ref)) {
			if (found++) {
				closedir(d);
				return tug_errf(err, TUG_E_CONFLICT,
						"id prefix %s matches several containers: give more of it", ref);
			}
			memcpy(id_out, de->d_name, 65);
		}
	}
	closedir(d);
	if (!found)
		return tug_errf(err, TUG_E_NOTFOUND, "no such container: %s", ref);
	return 0;
}

json_t *rt_ctr_config(const struct rt *rt, const char *id, struct tug_err *err)
{
	char path[PATH_MAX];
	json_t *j = json_load_path(rt_ctr_path(rt, id, "config.json", path, sizeof(path)), err);
	if (!j)
		tug_err_wrap(err, "container %.12s", id);
	return j;
}

unsigned long long rt_pid_start_ticks(pid_t pid)
{
	char path[64], buf[1024];
	char *p;
	unsigned long long v = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (fs_read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	/* comm may hold spaces and ')': fields start after the last ')' */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p += 2;
	/* now at field 3 (state); starttime is field 22 */
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		v = strtoull(p, NULL, 10);
	return v;
}

int rt_pid_alive(pid_t pid, unsigned long long start_ticks)
{
	if (pid <= 0)
		return 0;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return 0;
	if (start_ticks && rt_pid_start_ticks(pid) != start_ticks)
		return 0;
	return 1;
}

json_t *rt_ctr_state(const struct rt *rt, const char *id, struct tug_err *err)
{
	char path[PATH_MAX];
	json_t *st = json_load_path(rt_ctr_path(rt, id, "state.json", path, sizeof(path)), err);
	const char *status;

	if (!st)
		return (void)tug_err_wrap(err, "container %.12s", id), NULL;
	status = jstr(st, "Status");
	if (status && (!strcmp(status, ST_RUNNING) || !strcmp(status, ST_PAUSED) ||
		       !strcmp(status, ST_RESTARTING))) {
		pid_t mon = (pid_t)jint(st, "MonitorPid");
		if (!rt_pid_alive(mon, (unsigned long long)jint(st, "MonitorStart"))) {
			/* the monitor died without recording an exit (kill -9, reboot) */
			jset_str(st, "Status", ST_EXITED);
			jset_int(st, "Pid", 0);
			if (!json_object_get(st, "ExitCode") || jint(st, "ExitCode") == 0)
				jset_int(st, "ExitCode", 255);
			jset_str(st, "Error", "monitor process is gone");
		}
	}
	return st;
}

int rt_ctr_save_state(const struct rt *rt, const char *id, json_t *state, struct tug_err *err)
{
	char path[PATH_MAX];
	return json_save_path(rt_ctr_path(rt, id, "state.json", path, sizeof(path)), state, err);
}

int rt_ctr_lock(const struct rt *rt, const char *id, struct tug_err *err)
{
	char path[PATH_MAX];
	return fs_lock_dir(rt_ctr_path(rt, id, NULL, path, sizeof(path)), err);
}
