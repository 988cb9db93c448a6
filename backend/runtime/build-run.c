/* build-run.c - RUN: a container of the runtime over the stage's layers,
 * run attached with its output going to the build's output, no network
 * unless the build asks for the host's. Under the stage's layers lies an
 * "init" layer with the mount points the runtime needs (/proc, /sys,
 * /dev, /etc/hosts, /etc/hostname, /etc/resolv.conf), as docker's -init
 * layer: they exist in a lower layer, so the runtime creates nothing in
 * the upper directory, which therefore holds only what the command
 * changed. */
#include "runtime/build.h"
#include "runtime/container.h"
#include "runtime/image.h"
#include "runtime/ops.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* /etc as the image has it, so that a RUN writing into /etc copies up
 * the image's directory, not one of ours; 0 when the image has none. */
static int image_etc(const struct brun *r, struct stat *st)
{
	for (size_t i = r->nlower; i-- > 0;) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/etc", r->lower[i]);
		if (lstat(path, st) == 0)
			return S_ISDIR(st->st_mode) ? 1 : -1; /* a symlink or a whiteout */
	}
	return 0;
}

static int make_init_layer(const struct brun *r, char *dir, size_t size, struct tug_err *err)
{
	static const char *const dirs[] = { "proc", "sys", "dev" };
	static const char *const files[] = { "etc/hostname", "etc/hosts", "etc/resolv.conf" };
	char path[PATH_MAX];
	struct stat etc;
	int have_etc;

	snprintf(dir, size, "%s/init", r->scratch);
	if (fs_rm_rf(dir, err) < 0 || mkdir(dir, 0755) < 0)
		return tug_errno(err, "create %s", dir);
	for (size_t i = 0; i < 3; i++)
		if (mkdir(fs_join(path, sizeof(path), dir, dirs[i]), 0755) < 0)
			return tug_errno(err, "create %s", path);
	if (r->script) {
		/* a lower layer: the script is there for the step, not in its layer */
		if (mkdir(fs_join(path, sizeof(path), dir, ".tug-heredoc"), 0755) < 0)
			return tug_errno(err, "create %s", path);
		snprintf(path, sizeof(path), "%s/.tug-heredoc/%s", dir, r->script_name);
		if (fs_write_atomic(path, r->script, strlen(r->script), 0755, err) < 0)
			return -1;
		chmod(path, 0755);
	}
	have_etc = image_etc(r, &etc);
	if (have_etc < 0)
		return 0; /* /etc is a link: the runtime's mount points go through it */
	if (mkdir(fs_join(path, sizeof(path), dir, "etc"), 0755) < 0)
		return tug_errno(err, "create %s", path);
	if (have_etc) {
		struct timespec t[2] = { etc.st_atim, etc.st_mtim };
		if (chown(path, etc.st_uid, etc.st_gid) < 0 || chmod(path, etc.st_mode & 07777) < 0)
			return tug_errno(err, "set up %s", path);
		utimensat(AT_FDCWD, path, t, 0);
	}
	for (size_t i = 0; i < 3; i++) {
		int fd = open(fs_join(path, sizeof(path), dir, files[i]),
			      O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return tug_errno(err, "create %s", path);
		close(fd);
	}
	return 0;
}

char *brun_upper(const struct rt *rt, const char *ctr_id, char *buf, size_t size)
{
	return rt_ctr_path(rt, ctr_id, "upper", buf, size);
}

void brun_finish(struct rt *rt, const char *ctr_id)
{
	struct tug_action_opts o = { .timeout_s = 0, .force = 1 };
	struct tug_err e;

	if (ctr_id[0])
		rt_ctr_action(rt, ctr_id, TUG_ACT_REMOVE, &o, &e);
}

void brun_sweep(struct rt *rt)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/containers", rt->root);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		struct tug_err e;
		json_t *cfg;
		const char *v;
		long pid;
		if (strlen(de->d_name) != 64)
			continue;
		cfg = rt_ctr_config(rt, de->d_name, &e);
		v = jstr(json_object_get(json_object_get(cfg, "Config"), "Labels"), "tug.build");
		pid = v ? strtol(v, NULL, 10) : 0;
		if (pid > 0 && pid != getpid() && !rt_pid_alive((pid_t)pid, 0))
			brun_finish(rt, de->d_name);
		json_decref(cfg);
	}
	if (d)
		closedir(d);
}

struct run_result {
	int rc;
	int code;
	struct tug_err err;
};

/* ctr_start waits for the exit without an interruption point; it runs in
 * a child so that the build can notice a cancel and kill the container. */
static int run_attached(struct rt *rt, const char *id, const struct brun *r, int *code,
			struct tug_err *err)
{
	struct run_result res = { 0 };
	int p[2], null = open("/dev/null", O_RDWR | O_CLOEXEC), killed = 0, status;
	size_t got = 0;
	pid_t pid;

	if (null < 0)
		return tug_errno(err, "open /dev/null");
	if (pipe2(p, O_CLOEXEC) < 0) {
		close(null);
		return tug_errno(err, "pipe");
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(null);
		close(p[0]);
		close(p[1]);
		return tug_errno(err, "fork");
	}
	if (pid == 0) {
		struct tug_stdio io = { null, r->out_fd >= 0 ? r->out_fd : null,
					r->out_fd >= 0 ? r->out_fd : null, 0, 0 };
		close(p[0]);
		signal(SIGINT, SIG_IGN); /* the build decides what a Ctrl-C does */
		res.rc = ctr_start(rt, id, &io, &res.code, &res.err);
		(void)!write(p[1], &res, sizeof(res));
		_exit(0);
	}
	close(null);
	close(p[1]);
	for (;;) {
		struct pollfd pfd = { p[0], POLLIN, 0 };
		ssize_t n;
		if (r->cancel && *r->cancel && !killed) {
			struct tug_action_opts ko = { .signal = SIGKILL };
			struct tug_err e;
			rt_ctr_action(rt, id, TUG_ACT_KILL, &ko, &e);
			killed = 1;
		}
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = read(p[0], (char *)&res + got, sizeof(res) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof(res))
			break;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (killed)
		return tug_errf(err, TUG_E_GENERIC, "build cancelled");
	if (got != sizeof(res))
		return tug_errf(err, TUG_E_GENERIC, "the RUN container's starter died (status %#x)", status);
	*code = res.code;
	if (res.rc < 0) {
		*err = res.err;
		return -1;
	}
	return 0;
}

int brun_start(struct rt *rt, const struct brun *r, char *ctr_id, int *code,
	       struct tug_err *err)
{
	char init[PATH_MAX];
	struct rt_image img = { .id = "" };
	struct tug_create_opts o = { 0 };
	char *no_entrypoint[] = { NULL };
	char label[64], *labels[] = { label, NULL };
	char **dirs;
	int rc;

	ctr_id[0] = '\0';
	/* which build made it: a later build removes it if this one died */
	snprintf(label, sizeof(label), "tug.build=%d", (int)getpid());
	if (make_init_layer(r, init, sizeof(init), err) < 0)
		return -1;
	dirs = xcalloc(r->nlower + 2, sizeof(char *));
	for (size_t i = 0; i < r->nlower; i++)
		dirs[i] = (char *)r->lower[i];
	dirs[r->nlower] = init;
	img.config = json_pack("{s:{}}", "config");
	img.layer_dirs = dirs;
	img.nlayers = r->nlower + 1;
	o.cmd = r->argv;
	o.entrypoint = no_entrypoint;
	o.env = r->env;
	o.workdir = r->workdir && *r->workdir ? r->workdir : NULL;
	o.user = r->user && *r->user ? r->user : NULL;
	o.network = r->network ? r->network : "none";
	o.labels = labels;
	o.image = "(build step)";
	rc = ctr_create_from(rt, &o, &img, ctr_id, err);
	json_decref(img.config);
	free(dirs);
	if (rc < 0)
		return -1;
	return run_attached(rt, ctr_id, r, code, err);
}
