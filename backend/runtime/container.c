/* container.c - container records: create, list, inspect, rename and the
 * helpers every lifecycle file shares. */
#include "runtime/container.h"
#include "runtime/cgroup.h"
#include "runtime/image.h"
#include "runtime/net.h"
#include "runtime/ops.h"
#include "runtime/volume.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"
#include "util/trace.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct { const char *name; int sig; } signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "BUS", SIGBUS }, { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
	{ "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU }, { "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
	{ "PWR", SIGPWR }, { "SYS", SIGSYS },
};

int ctr_parse_signal(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return 0;
	v = strtol(s, &end, 10);
	if (end != s && !*end)
		return (v > 0 && v < 65) ? (int)v : 0;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(s, signals[i].name))
			return signals[i].sig;
	if (!strncasecmp(s, "RTMIN", 5))
		return SIGRTMIN + (s[5] == '+' ? atoi(s + 6) : 0);
	return 0;
}

static int valid_name(const char *n)
{
	if (!isalnum((unsigned char)n[0]))
		return 0;
	for (const char *p = n + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return 0;
	return strlen(n) < 200;
}

static json_t *strv_json(char **v)
{
	json_t *a = json_array();
	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static int parse_restart(const char *s, const char **name, int *max, struct tug_err *err)
{
	*max = 0;
	if (!s || !*s || !strcmp(s, "no")) {
		*name = "no";
		return 0;
	}
	if (!strcmp(s, "always") || !strcmp(s, "unless-stopped")) {
		*name = s;
		return 0;
	}
	if (!strncmp(s, "on-failure", 10)) {
		*name = "on-failure";
		if (s[10] == ':') {
			char *end;
			long v = strtol(s + 11, &end, 10);
			if (end == s + 11 || *end || v < 0)
				return tug_errf(err, TUG_E_INVALID,
						"invalid restart policy '%s': the retry count must be a number", s);
			*max = (int)v;
		} else if (s[10]) {
			goto bad;
		}
		return 0;
	}
bad:
	return tug_errf(err, TUG_E_INVALID,
			"invalid restart policy '%s': use no, always, unless-stopped or on-failure[:N]", s);
}

/* The config this process created last, kept for its start: a monitor
 * is a fork of the CLI that just wrote config.json, and need not read
 * and parse it again. Used only while the file on disk is still that
 * one (same inode, size and mtime); shared, so read-only. */
static struct {
	char id[65];
	json_t *cfg;
	struct stat st;
} g_created;

static void created_remember(const char *path, const char *id, json_t *cfg)
{
	json_decref(g_created.cfg);
	g_created.cfg = NULL;
	if (stat(path, &g_created.st) < 0)
		return;
	memcpy(g_created.id, id, 65);
	g_created.cfg = json_incref(cfg);
}

static json_t *created_config(const char *path, const char *id)
{
	struct stat st;

	if (!g_created.cfg || strcmp(g_created.id, id) || stat(path, &st) < 0 ||
	    st.st_dev != g_created.st.st_dev || st.st_ino != g_created.st.st_ino ||
	    st.st_size != g_created.st.st_size ||
	    st.st_mtim.tv_sec != g_created.st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != g_created.st.st_mtim.tv_nsec)
		return NULL;
	return json_incref(g_created.cfg);
}

static int write_etc_files(const struct rt *rt, const char *id, const char *hostname,
			   int host_net, struct tug_err *err)
{
	char path[PATH_MAX], buf[1024];
	struct tug_err e;
	int n;

	n = snprintf(buf, sizeof(buf), "%s\n", hostname);
	if (fs_write_new(rt_ctr_path(rt, id, "hostname", path, sizeof(path)), buf, (size_t)n,
			 0644, err) < 0)
		return -1;
	/* off the host's network, net_ctr_etc writes hosts and resolv.conf
	 * for the container's networks right after: two files less per start */
	if (host_net) {
		char *hosts = NULL;
		size_t len = 0;
		if (fs_read_all("/etc/hosts", &hosts, &len, err) < 0)
			return -1;
		n = fs_write_new(rt_ctr_path(rt, id, "hosts", path, sizeof(path)), hosts, len, 0644, err);
		free(hosts);
		if (n < 0)
			return -1;
		/* the host's resolver, as it is: its loopback servers are
		 * reachable on the host's network */
		hosts = NULL;
		len = 0;
		if (fs_read_all("/etc/resolv.conf", &hosts, &len, &e) < 0)
			len = 0;
		n = fs_write_new(rt_ctr_path(rt, id, "resolv.conf", path, sizeof(path)),
				    hosts ? hosts : "", len, 0644, err);
		free(hosts);
		if (n < 0)
			return -1;
	}
	return 0;
}

static json_t *mounts_json(struct rt *rt, const char *id, const struct tug_create_opts *o,
			   struct tug_err *err)
{
	json_t *a = json_array();

	for (size_t i = 0; i < o->nmounts; i++) {
		const struct tug_mount *m = &o->mounts[i];
		json_t *j = json_object();
		struct stat st;

		if (!m->target || m->target[0] != '/') {
			json_decref(j);
			json_decref(a);
			return tug_errf(err, TUG_E_INVALID, "mount target '%s' must be an absolute path",
					m->target ? m->target : ""), NULL;
		}
		if (!strcmp(m->type, "bind")) {
			char real[PATH_MAX];
			if (!m->source || m->source[0] != '/' || stat(m->source, &st) < 0) {
				json_decref(j);
				json_decref(a);
				tug_errf(err, TUG_E_INVALID, "bind source path does not exist: %s",
					 m->source ? m->source : "(none)");
				return NULL;
			}
			jset_str(j, "Source", realpath(m->source, real) ? real : m->source);
		} else if (!strcmp(m->type, "tmpfs")) {
			jset_str(j, "Source", "");
			if (m->options)
				jset_str(j, "Options", m->options);
		} else if (!strcmp(m->type, "volume")) {
			if (vol_ctr_mount(rt, id, m, j, err) < 0) {
				json_decref(j);
				json_decref(a);
				return NULL;
			}
		} else {
			json_decref(j);
			json_decref(a);
			tug_errf(err, TUG_E_UNSUPPORTED, "mount type '%s' is not supported yet by the local runtime",
				 m->type);
			return NULL;
		}
		jset_str(j, "Type", m->type);
		jset_str(j, "Destination", m->target);
		jset_bool(j, "RW", !m->readonly);
		jset_str(j, "Mode", m->readonly ? "ro" : "");
		json_array_append_new(a, j);
	}
	return a;
}

/* What create refuses before looking at the image. */
static int create_checks(const struct tug_create_opts *o, const char **policy, int *max_retry,
			 struct tug_err *err)
{
	if (parse_restart(o->restart, policy, max_retry, err) < 0)
		return -1;
	if (o->auto_remove && strcmp(*policy, "no"))
		return tug_errf(err, TUG_E_INVALID, "conflicting options: --restart and --rm");
	if (o->name && !valid_name(o->name))
		return tug_errf(err, TUG_E_INVALID,
				"invalid container name '%s': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
				o->name);
	if (o->stop_signal && !ctr_parse_signal(o->stop_signal))
		return tug_errf(err, TUG_E_INVALID, "invalid stop signal '%s'", o->stop_signal);
	if (o->memory < 0 || o->nano_cpus < 0 || o->pids_limit < 0)
		return tug_errf(err, TUG_E_INVALID, "resource limits must not be negative");
	if (o->memory && o->memory < 6 * 1024 * 1024)
		return tug_errf(err, TUG_E_INVALID, "minimum memory limit allowed is 6MB");
	if (o->nano_cpus) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		if (o->nano_cpus > (int64_t)ncpu * 1000000000LL)
			return tug_errf(err, TUG_E_INVALID,
					"range of CPUs is from 0.01 to %ld.00, as there are only %ld CPUs available",
					ncpu, ncpu);
	}
	return 0;
}

int rt_ctr_create(struct rt *rt, const struct tug_create_opts *o, char *id_out,
		  struct tug_err *err)
{
	struct rt_image img;
	const char *policy;
	int max_retry, r;

	if (create_checks(o, &policy, &max_retry, err) < 0)
		return -1;
	if (rt_img_get_pull(rt, o, &img, err) < 0)
		return -1;
	r = ctr_create_from(rt, o, &img, id_out, err);
	rt_image_release(&img);
	return r;
}

int ctr_create_from(struct rt *rt, const struct tug_create_opts *o, const struct rt_image *img,
		    char *id_out, struct tug_err *err)
{
	json_t *cfg = NULL, *ccfg, *hcfg, *img_cfg, *entry, *cmd, *env, *mounts = NULL, *labels;
	const char *policy;
	int max_retry;
	char id[65], name[256], path[PATH_MAX], hostname[65];
	int64_t now = now_ns();
	char ts[64];

	if (create_checks(o, &policy, &max_retry, err) < 0)
		return -1;
	img_cfg = json_object_get(img->config, "config");

	/* docker's rule: a new entrypoint drops the image's CMD */
	if (o->entrypoint) {
		entry = strv_json(o->entrypoint);
		cmd = strv_json(o->cmd);
	} else {
		json_t *e = json_object_get(img_cfg, "Entrypoint");
		entry = json_is_array(e) ? json_deep_copy(e) : json_array();
		if (o->cmd) {
			cmd = strv_json(o->cmd);
		} else {
			json_t *c = json_object_get(img_cfg, "Cmd");
			cmd = json_is_array(c) ? json_deep_copy(c) : json_array();
		}
	}
	if (json_array_size(entry) + json_array_size(cmd) == 0) {
		json_decref(entry);
		json_decref(cmd);
		return tug_errf(err, TUG_E_INVALID, "no command specified: give one after the image name");
	}
	env = json_array();
	{
		json_t *ie = json_object_get(img_cfg, "Env");
		size_t i;
		json_t *v;
		int have_path = 0;
		json_array_foreach(ie, i, v) {
			if (json_is_string(v)) {
				if (str_has_prefix(json_string_value(v), "PATH="))
					have_path = 1;
				json_array_append(env, v);
			}
		}
		for (char **p = o->env; p && *p; p++) {
			/* a later KEY=... replaces an earlier one */
			const char *eq = strchr(*p, '=');
			size_t kl = eq ? (size_t)(eq - *p) : strlen(*p);
			if (kl == 4 && !strncmp(*p, "PATH", 4))
				have_path = 1;
			for (size_t k = 0; k < json_array_size(env); k++) {
				const char *old = json_string_value(json_array_get(env, k));
				if (!strncmp(old, *p, kl) && (old[kl] == '=' || old[kl] == '\0')) {
					json_array_remove(env, k);
					break;
				}
			}
			json_array_append_new(env, json_string(*p));
		}
		if (!have_path)
			json_array_insert_new(env, 0, json_string(
				"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
	}
	/* the id first: volume references name the container */
	random_hex_id(id);
	mounts = mounts_json(rt, id, o, err);
	if (!mounts) {
		json_decref(entry);
		json_decref(cmd);
		json_decref(env);
		return -1;
	}
	labels = json_object();
	for (char **p = o->labels; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		char key[256];
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - *p) : (int)strlen(*p), *p);
		json_object_set_new(labels, key, json_string(eq ? eq + 1 : ""));
	}

	trace_mark("create: image resolved");
	if (o->name)
		snprintf(name, sizeof(name), "%s", o->name);
	else
		random_name(name, sizeof(name));
	snprintf(hostname, sizeof(hostname), "%s", o->hostname ? o->hostname : "");
	/* docker: the short id, or the host's name when sharing its network */
	if (!hostname[0] && o->network && !strcmp(o->network, "host"))
		gethostname(hostname, sizeof(hostname) - 1);
	if (!hostname[0])
		snprintf(hostname, sizeof(hostname), "%.12s", id);

	ccfg = json_object();
	jset_str(ccfg, "Hostname", hostname);
	jset_str(ccfg, "User", o->user ? o->user : (jstr(img_cfg, "User") ? jstr(img_cfg, "User") : ""));
	json_object_set_new(ccfg, "Env", env);
	json_object_set_new(ccfg, "Cmd", cmd);
	json_object_set_new(ccfg, "Entrypoint", entry);
	jset_str(ccfg, "WorkingDir", o->workdir ? o->workdir :
		 (jstr(img_cfg, "WorkingDir") ? jstr(img_cfg, "WorkingDir") : ""));
	json_object_set_new(ccfg, "Labels", labels);
	jset_bool(ccfg, "Tty", o->tty);
	jset_bool(ccfg, "OpenStdin", o->interactive);
	jset_str(ccfg, "Image", o->image);
	jset_str(ccfg, "StopSignal", o->stop_signal ? o->stop_signal :
		 (jstr(img_cfg, "StopSignal") ? jstr(img_cfg, "StopSignal") : "SIGTERM"));

	hcfg = json_object();
	jset_int(hcfg, "Memory", o->memory);
	jset_int(hcfg, "NanoCpus", o->nano_cpus);
	jset_int(hcfg, "PidsLimit", o->pids_limit);
	{
		json_t *rp = json_object();
		jset_str(rp, "Name", policy);
		jset_int(rp, "MaximumRetryCount", max_retry);
		json_object_set_new(hcfg, "RestartPolicy", rp);
	}
	jset_bool(hcfg, "ReadonlyRootfs", o->read_only);
	jset_bool(hcfg, "AutoRemove", o->auto_remove);

	cfg = json_object();
	jset_str(cfg, "Id", id);
	jset_str(cfg, "Name", name);
	jset_str(cfg, "Created", fmt_rfc3339(ts, sizeof(ts), now));
	jset_int(cfg, "CreatedNs", now);
	jset_str(cfg, "Image", o->image);
	jset_str(cfg, "ImageId", img->id);
	json_object_set_new(cfg, "Config", ccfg);
	json_object_set_new(cfg, "HostConfig", hcfg);
	json_object_set_new(cfg, "Mounts", mounts);
	if (net_ctr_config(rt, o, img_cfg, cfg, err) < 0) {
		json_decref(cfg);
		return -1;
	}
	{
		json_t *lower = json_array();
		for (size_t i = 0; i < img->nlayers; i++)
			json_array_append_new(lower, json_string(img->layer_dirs[i]));
		json_object_set_new(cfg, "Layers", lower);
	}

	/* directory and files first, then the name, then state.json: readers
	 * skip a container without state.json, so nobody sees half of it */
	rt_ctr_path(rt, id, NULL, path, sizeof(path));
	if (mkdir(path, 0700) < 0) {
		tug_errno(err, "create %s", path);
		goto fail_nodir;
	}
	{
		static const char *const sub[] = { "upper", "work", "merged" };
		for (size_t i = 0; i < 3; i++)
			if (mkdir(rt_ctr_path(rt, id, sub[i], path, sizeof(path)), 0755) < 0) {
				tug_errno(err, "create %s", path);
				goto fail;
			}
	}
	/* in place: nobody reads them before state.json exists */
	if (json_save_new(rt_ctr_path(rt, id, "config.json", path, sizeof(path)), cfg, err) < 0)
		goto fail;
	if (write_etc_files(rt, id, hostname, o->network && !strcmp(o->network, "host"), err) < 0 ||
	    net_ctr_etc(rt, id, cfg, err) < 0)
		goto fail;
	snprintf(path, sizeof(path), "%s/names/%s", rt->root, name);
	if (symlink(id, path) < 0) {
		if (errno == EEXIST) {
			char other[128] = "";
			ssize_t n = readlink(path, other, sizeof(other) - 1);
			if (n > 0)
				other[n] = '\0';
			tug_errf(err, TUG_E_CONFLICT,
				 "the container name \"%s\" is already in use by container %.12s: remove or rename that container to reuse the name",
				 name, other);
		} else {
			tug_errno(err, "reserve name %s", name);
		}
		goto fail;
	}
	{
		json_t *st = json_object();
		jset_str(st, "Status", ST_CREATED);
		jset_int(st, "ExitCode", 0);
		jset_int(st, "RestartCount", 0);
		if (rt_ctr_save_state(rt, id, st, err) < 0) {
			json_decref(st);
			unlink(path);
			goto fail;
		}
		json_decref(st);
	}
	created_remember(rt_ctr_path(rt, id, "config.json", path, sizeof(path)), id, cfg);
	trace_mark("create: done");
	json_decref(cfg);
	memcpy(id_out, id, 65);
	return 0;
fail:
	{
		struct tug_err e2;
		fs_rm_rf(rt_ctr_path(rt, id, NULL, path, sizeof(path)), &e2);
	}
fail_nodir:
	json_decref(cfg);
	return -1;
}

static char **json_strv(json_t *a, json_t *b)
{
	size_t n = json_array_size(a) + json_array_size(b), k = 0, i;
	char **v = xcalloc(n + 1, sizeof(char *));
	json_t *x;

	json_array_foreach(a, i, x)
		if (json_is_string(x))
			v[k++] = (char *)json_string_value(x);
	json_array_foreach(b, i, x)
		if (json_is_string(x))
			v[k++] = (char *)json_string_value(x);
	v[k] = NULL;
	return v;
}

int ctr_spec_load(const struct rt *rt, const char *id, struct ctr_spec *s, struct tug_err *err)
{
	json_t *c, *h, *rp, *layers, *x;
	char path[PATH_MAX];
	size_t i;

	memset(s, 0, sizeof(*s));
	memcpy(s->id, id, 65);
	s->config = created_config(rt_ctr_path(rt, id, "config.json", path, sizeof(path)), id);
	if (!s->config)
		s->config = rt_ctr_config(rt, id, err);
	if (!s->config)
		return -1;
	c = json_object_get(s->config, "Config");
	h = json_object_get(s->config, "HostConfig");
	s->argv = json_strv(json_object_get(c, "Entrypoint"), json_object_get(c, "Cmd"));
	s->env = json_strv(json_object_get(c, "Env"), NULL);
	s->workdir = jstr(c, "WorkingDir");
	s->user = jstr(c, "User");
	s->hostname = jstr(c, "Hostname");
	s->tty = jbool(c, "Tty");
	s->interactive = jbool(c, "OpenStdin");
	s->stop_signal = ctr_parse_signal(jstr(c, "StopSignal"));
	if (!s->stop_signal)
		s->stop_signal = SIGTERM;
	s->read_only = jbool(h, "ReadonlyRootfs");
	s->auto_remove = jbool(h, "AutoRemove");
	s->net_host = jstr(h, "NetworkMode") && !strcmp(jstr(h, "NetworkMode"), "host");
	s->memory = jint(h, "Memory");
	s->nano_cpus = jint(h, "NanoCpus");
	s->pids_limit = jint(h, "PidsLimit");
	rp = json_object_get(h, "RestartPolicy");
	s->restart = jstr(rp, "Name") ? jstr(rp, "Name") : "no";
	s->restart_max = (int)jint(rp, "MaximumRetryCount");
	s->mounts = json_object_get(s->config, "Mounts");
	layers = json_object_get(s->config, "Layers");
	s->nlower = json_array_size(layers);
	s->lower = xcalloc(s->nlower + 1, sizeof(char *));
	json_array_foreach(layers, i, x)
		s->lower[i] = json_string_value(x);
	if (!s->argv[0]) {
		ctr_spec_release(s);
		return tug_errf(err, TUG_E_INVALID, "container %.12s has no command", id);
	}
	return 0;
}

void ctr_spec_release(struct ctr_spec *s)
{
	free(s->argv);
	free(s->env);
	free(s->lower);
	json_decref(s->config);
	memset(s, 0, sizeof(*s));
}

int ctr_state_update(const struct rt *rt, const char *id,
		     void (*fn)(json_t *state, void *ctx), void *ctx, struct tug_err *err)
{
	int lk = rt_ctr_lock(rt, id, err);
	json_t *st;
	int r;

	if (lk < 0)
		return -1;
	st = rt_ctr_state(rt, id, err);
	if (!st) {
		fs_unlock(lk);
		return -1;
	}
	fn(st, ctx);
	r = rt_ctr_save_state(rt, id, st, err);
	json_decref(st);
	fs_unlock(lk);
	return r;
}

int ctr_mark_stopping(const struct rt *rt, const char *id, int on)
{
	char path[PATH_MAX];

	rt_ctr_path(rt, id, "stopping", path, sizeof(path));
	if (!on)
		return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int ctr_is_stopping(const struct rt *rt, const char *id)
{
	char path[PATH_MAX];
	return access(rt_ctr_path(rt, id, "stopping", path, sizeof(path)), F_OK) == 0;
}

static int state_is_live(json_t *st)
{
	const char *s = jstr(st, "Status");
	return s && (!strcmp(s, ST_RUNNING) || !strcmp(s, ST_PAUSED) || !strcmp(s, ST_RESTARTING));
}

int ctr_wait_stopped(const struct rt *rt, const char *id, int timeout_ms, struct tug_err *err)
{
	char dir[PATH_MAX];
	int64_t deadline = timeout_ms < 0 ? 0 : mono_ns() + (int64_t)timeout_ms * 1000000;
	int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	rt_ctr_path(rt, id, NULL, dir, sizeof(dir));
	if (ino >= 0)
		inotify_add_watch(ino, dir, IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_CREATE);
	for (;;) {
		struct tug_err e;
		json_t *st = rt_ctr_state(rt, id, &e);
		int live, wait_ms;
		struct pollfd pfd;
		char buf[4096];

		if (!st) {
			if (ino >= 0)
				close(ino);
			/* gone (auto-removed) counts as stopped */
			return access(dir, F_OK) == 0 ? (memcpy(err, &e, sizeof(e)), -1) : 1;
		}
		live = state_is_live(st);
		json_decref(st);
		if (!live) {
			if (ino >= 0)
				close(ino);
			return 1;
		}
		if (deadline && mono_ns() >= deadline) {
			if (ino >= 0)
				close(ino);
			return 0;
		}
		/* inotify wakes us on the monitor's rename of state.json; the
		 * timeout also covers a monitor that died without writing */
		wait_ms = 200;
		if (deadline) {
			int64_t left = (deadline - mono_ns()) / 1000000;
			if (left < wait_ms)
				wait_ms = left > 0 ? (int)left : 0;
		}
		pfd.fd = ino;
		pfd.events = POLLIN;
		if (ino >= 0) {
			if (poll(&pfd, 1, wait_ms) > 0)
				while (read(ino, buf, sizeof(buf)) > 0)
					;
		} else {
			usleep((useconds_t)wait_ms * 1000);
		}
	}
}

void ctr_trash_path(const struct rt *rt, const char *id, char *buf, size_t size)
{
	snprintf(buf, size, "%s/tmp/removed-%s", rt->root, id);
}

int ctr_unpublish(const struct rt *rt, const char *id, int net_released, char *trash,
		  size_t size, struct tug_err *err)
{
	char path[PATH_MAX], link[PATH_MAX], target[128];
	json_t *cfg = created_config(rt_ctr_path(rt, id, "config.json", path, sizeof(path)), id);
	const char *name;

	if (!cfg)
		cfg = rt_ctr_config(rt, id, err);
	if (!cfg)
		return -1;
	name = jstr(cfg, "Name");
	/* drop the name only if it still points at us (rename races) */
	if (name) {
		ssize_t n;
		snprintf(link, sizeof(link), "%s/names/%s", rt->root, name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n == 64 && !memcmp(target, id, 64))
			fs_unlink(link);
	}
	json_decref(cfg);
	if (!net_released)
		net_ctr_removed(rt, id);
	ctr_trash_path(rt, id, trash, size);
	if (rename(rt_ctr_path(rt, id, NULL, path, sizeof(path)), trash) < 0)
		return tug_errno(err, "remove container %.12s", id);
	return 0;
}

int ctr_remove_files(const struct rt *rt, const char *id, struct tug_err *err)
{
	char trash[PATH_MAX];
	struct tug_err e;

	if (ctr_unpublish(rt, id, 0, trash, sizeof(trash), err) < 0)
		return -1;
	cgroup_destroy(rt->cgroup_parent, id, &e);
	return fs_rm_rf(trash, err);
}

char *ctr_status_text(json_t *st, int64_t now)
{
	const char *s = jstr(st, "Status");
	char buf[128], dur[64];
	int64_t started = jint(st, "StartedNs"), finished = jint(st, "FinishedNs");

	if (!s)
		s = ST_CREATED;
	if (!strcmp(s, ST_RUNNING) || !strcmp(s, ST_PAUSED)) {
		fmt_duration(dur, sizeof(dur), (now - started) / 1000000000);
		snprintf(buf, sizeof(buf), "Up %s%s", dur, !strcmp(s, ST_PAUSED) ? " (Paused)" : "");
	} else if (!strcmp(s, ST_RESTARTING)) {
		fmt_duration(dur, sizeof(dur), (now - finished) / 1000000000);
		snprintf(buf, sizeof(buf), "Restarting (%d) %s ago", (int)jint(st, "ExitCode"), dur);
	} else if (!strcmp(s, ST_EXITED) || !strcmp(s, ST_DEAD)) {
		if (!finished)
			snprintf(buf, sizeof(buf), "Exited (%d)", (int)jint(st, "ExitCode"));
		else {
			fmt_duration(dur, sizeof(dur), (now - finished) / 1000000000);
			snprintf(buf, sizeof(buf), "Exited (%d) %s ago", (int)jint(st, "ExitCode"), dur);
		}
	} else {
		snprintf(buf, sizeof(buf), "Created");
	}
	return xstrdup(buf);
}

static char *shell_join(json_t *a, json_t *b)
{
	struct sbuf sb = SBUF_INIT;
	json_t *parts[2] = { a, b }, *x;
	size_t i;

	for (int k = 0; k < 2; k++)
		json_array_foreach(parts[k], i, x) {
			const char *s = json_string_value(x);
			if (!s)
				continue;
			if (sb.len)
				sbuf_puts(&sb, " ");
			sbuf_puts(&sb, s);
		}
	return sbuf_detach(&sb);
}

static int fill_obj(const struct rt *rt, const char *id, struct tug_obj *o, int64_t now,
		    struct tug_err *err)
{
	json_t *cfg = rt_ctr_config(rt, id, err), *st, *c;

	if (!cfg)
		return -1;
	st = rt_ctr_state(rt, id, err);
	if (!st) {
		json_decref(cfg);
		return -1;
	}
	c = json_object_get(cfg, "Config");
	memset(o, 0, sizeof(*o));
	o->kind = TUG_CONTAINER;
	o->id = xstrdup(id);
	o->name = xstrdup(jstr(cfg, "Name") ? jstr(cfg, "Name") : "");
	o->image = xstrdup(jstr(cfg, "Image") ? jstr(cfg, "Image") : "");
	o->command = shell_join(json_object_get(c, "Entrypoint"), json_object_get(c, "Cmd"));
	o->state = xstrdup(jstr(st, "Status") ? jstr(st, "Status") : ST_CREATED);
	o->status = ctr_status_text(st, now);
	o->exit_code = (int)jint(st, "ExitCode");
	o->oom_killed = jbool(st, "OOMKilled");
	o->created_ns = jint(cfg, "CreatedNs");
	o->started_ns = jint(st, "StartedNs");
	o->finished_ns = jint(st, "FinishedNs");
	o->restarts = (int)jint(st, "RestartCount");
	o->ports = net_ports_text(st, cfg);
	o->ip = net_ctr_ip(st) ? xstrdup(net_ctr_ip(st)) : NULL;
	o->raw = json_object();
	json_object_set_new(o->raw, "Config", cfg);
	json_object_set_new(o->raw, "State", st);
	return 0;
}

struct ctr_entry {
	int64_t created;
	char id[65];
};

static int by_created_desc(const void *a, const void *b)
{
	const struct ctr_entry *x = a, *y = b;
	return x->created < y->created ? 1 : x->created > y->created ? -1 : 0;
}

int rt_ctr_list(struct rt *rt, const struct tug_list_opts *opts, struct tug_list *out,
		struct tug_err *err)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *de;
	size_t cap = 16, n = 0;
	struct tug_obj *items;
	int64_t now = now_ns();

	snprintf(path, sizeof(path), "%s/containers", rt->root);
	d = opendir(path);
	if (!d)
		return tug_errno(err, "list containers in %s", path);
	items = xcalloc(cap, sizeof(*items));
	while ((de = readdir(d))) {
		struct tug_err e;
		if (strlen(de->d_name) != 64)
			continue;
		if (n == cap) {
			cap *= 2;
			items = xrealloc(items, cap * sizeof(*items));
		}
		/* vanished or half-created containers are skipped, not errors */
		if (fill_obj(rt, de->d_name, &items[n], now, &e) < 0)
			continue;
		if (!opts->all && strcmp(items[n].state, ST_RUNNING) && strcmp(items[n].state, ST_PAUSED) &&
		    strcmp(items[n].state, ST_RESTARTING)) {
			tug_obj_release(&items[n]);
			continue;
		}
		n++;
	}
	closedir(d);
	/* newest first, as docker ps */
	{
		struct ctr_entry *keys = xcalloc(n ? n : 1, sizeof(*keys));
		struct tug_obj *sorted = xcalloc(n ? n : 1, sizeof(*sorted));
		for (size_t i = 0; i < n; i++) {
			keys[i].created = items[i].created_ns;
			snprintf(keys[i].id, sizeof(keys[i].id), "%zu", i);
		}
		qsort(keys, n, sizeof(*keys), by_created_desc);
		for (size_t i = 0; i < n; i++)
			sorted[i] = items[atoi(keys[i].id)];
		free(items);
		free(keys);
		items = sorted;
	}
	out->items = items;
	out->n = n;
	return 0;
}

int rt_ctr_inspect(struct rt *rt, const char *ref, json_t **out, struct tug_err *err)
{
	char id[65], path[PATH_MAX], ts[64];
	json_t *cfg, *st, *o, *state;
	const char *status;

	if (rt_ctr_resolve(rt, ref, id, err) < 0)
		return -1;
	cfg = rt_ctr_config(rt, id, err);
	if (!cfg)
		return -1;
	st = rt_ctr_state(rt, id, err);
	if (!st) {
		json_decref(cfg);
		return -1;
	}
	status = jstr(st, "Status") ? jstr(st, "Status") : ST_CREATED;
	o = json_object();
	jset_str(o, "Id", id);
	jset_str(o, "Created", jstr(cfg, "Created"));
	{
		json_t *c = json_object_get(cfg, "Config");
		json_t *argv = json_array();
		json_t *x;
		size_t i;
		json_array_extend(argv, json_object_get(c, "Entrypoint"));
		json_array_extend(argv, json_object_get(c, "Cmd"));
		jset_str(o, "Path", json_string_value(json_array_get(argv, 0)));
		x = json_array();
		for (i = 1; i < json_array_size(argv); i++)
			json_array_append(x, json_array_get(argv, i));
		json_object_set_new(o, "Args", x);
		json_decref(argv);
	}
	state = json_object();
	jset_str(state, "Status", status);
	jset_bool(state, "Running", !strcmp(status, ST_RUNNING) || !strcmp(status, ST_PAUSED));
	jset_bool(state, "Paused", !strcmp(status, ST_PAUSED));
	jset_bool(state, "Restarting", !strcmp(status, ST_RESTARTING));
	jset_bool(state, "OOMKilled", jbool(st, "OOMKilled"));
	jset_bool(state, "Dead", !strcmp(status, ST_DEAD));
	jset_int(state, "Pid", jint(st, "Pid"));
	jset_int(state, "ExitCode", jint(st, "ExitCode"));
	jset_str(state, "Error", jstr(st, "Error") ? jstr(st, "Error") : "");
	jset_str(state, "StartedAt", jint(st, "StartedNs") ?
		 fmt_rfc3339(ts, sizeof(ts), jint(st, "StartedNs")) : "0001-01-01T00:00:00Z");
	jset_str(state, "FinishedAt", jint(st, "FinishedNs") ?
		 fmt_rfc3339(ts, sizeof(ts), jint(st, "FinishedNs")) : "0001-01-01T00:00:00Z");
	json_object_set_new(o, "State", state);
	jset_str(o, "Image", jstr(cfg, "ImageId"));
	jset_str(o, "ResolvConfPath", rt_ctr_path(rt, id, "resolv.conf", path, sizeof(path)));
	jset_str(o, "HostnamePath", rt_ctr_path(rt, id, "hostname", path, sizeof(path)));
	jset_str(o, "HostsPath", rt_ctr_path(rt, id, "hosts", path, sizeof(path)));
	jset_str(o, "LogPath", rt_ctr_path(rt, id, "ctr.log", path, sizeof(path)));
	{
		char name[300];
		snprintf(name, sizeof(name), "/%s", jstr(cfg, "Name") ? jstr(cfg, "Name") : "");
		jset_str(o, "Name", name);
	}
	jset_int(o, "RestartCount", jint(st, "RestartCount"));
	jset_str(o, "Driver", "overlay");
	{
		json_t *h = json_deep_copy(json_object_get(cfg, "HostConfig"));
		json_t *binds = json_array(), *m;
		size_t i;
		json_array_foreach(json_object_get(cfg, "Mounts"), i, m)
			if (!strcmp(jstr(m, "Type"), "bind") || !strcmp(jstr(m, "Type"), "volume")) {
				char b[PATH_MAX * 2 + 8];
				snprintf(b, sizeof(b), "%s:%s%s",
					 !strcmp(jstr(m, "Type"), "volume") ? jstr(m, "Name") : jstr(m, "Source"),
					 jstr(m, "Destination"), jbool(m, "RW") ? "" : ":ro");
				json_array_append_new(binds, json_string(b));
			}
		json_object_set_new(h, "Binds", binds);
		json_object_set_new(o, "HostConfig", h);
	}
	{
		json_t *gd = json_object(), *data = json_object();
		jset_str(data, "UpperDir", rt_ctr_path(rt, id, "upper", path, sizeof(path)));
		jset_str(data, "WorkDir", rt_ctr_path(rt, id, "work", path, sizeof(path)));
		jset_str(data, "MergedDir", rt_ctr_path(rt, id, "merged", path, sizeof(path)));
		jset_str(gd, "Name", "overlay");
		json_object_set_new(gd, "Data", data);
		json_object_set_new(o, "GraphDriver", gd);
	}
	json_object_set(o, "Mounts", json_object_get(cfg, "Mounts"));
	json_object_set(o, "Config", json_object_get(cfg, "Config"));
	{
		/* what net_setup recorded while the container runs */
		json_t *ns = json_deep_copy(json_object_get(st, "NetworkSettings"));
		if (!ns || (strcmp(status, ST_RUNNING) && strcmp(status, ST_PAUSED))) {
			json_decref(ns);
			ns = json_pack("{s:{}, s:{}, s:s, s:s}", "Networks", "Ports", "IPAddress", "",
				       "Gateway", "");
		}
		json_object_set_new(o, "NetworkSettings", ns);
	}
	json_decref(cfg);
	json_decref(st);
	*out = o;
	return 0;
}

int rt_ctr_rename(struct rt *rt, const char *ref, const char *name, struct tug_err *err)
{
	char id[65], oldp[PATH_MAX], newp[PATH_MAX], path[PATH_MAX];
	json_t *cfg;
	int lk;

	if (!valid_name(name))
		return tug_errf(err, TUG_E_INVALID,
				"invalid container name '%s': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
	if (rt_ctr_resolve(rt, ref, id, err) < 0)
		return -1;
	lk = rt_ctr_lock(rt, id, err);
	if (lk < 0)
		return -1;
	cfg = rt_ctr_config(rt, id, err);
	if (!cfg) {
		fs_unlock(lk);
		return -1;
	}
	snprintf(newp, sizeof(newp), "%s/names/%s", rt->root, name);
	if (symlink(id, newp) < 0) {
		json_decref(cfg);
		fs_unlock(lk);
		if (errno == EEXIST)
			return tug_errf(err, TUG_E_CONFLICT, "the container name \"%s\" is already in use", name);
		return tug_errno(err, "reserve name %s", name);
	}
	snprintf(oldp, sizeof(oldp), "%s/names/%s", rt->root, jstr(cfg, "Name"));
	jset_str(cfg, "Name", name);
	if (json_save_path(rt_ctr_path(rt, id, "config.json", path, sizeof(path)), cfg, err) < 0) {
		unlink(newp);
		json_decref(cfg);
		fs_unlock(lk);
		return -1;
	}
	unlink(oldp);
	json_decref(cfg);
	fs_unlock(lk);
	net_ctr_renamed(rt, id, name);
	return 0;
}
