/* lifecycle.c - start, stop, restart, kill, pause, remove and wait. */
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "runtime/ops.h"
#include "runtime/volume.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"
#include "util/trace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int status_is(json_t *st, const char *s)
{
	const char *v = jstr(st, "Status");
	return v && !strcmp(v, s);
}

static int is_live(json_t *st)
{
	return status_is(st, ST_RUNNING) || status_is(st, ST_PAUSED) || status_is(st, ST_RESTARTING);
}

static volatile sig_atomic_t winch_seen;
static void on_winch(int sig)
{
	(void)sig;
	winch_seen = 1;
}

/* Read one message from the monitor; returns its tag, 0 on EOF. */
static int chan_recv(int chan, int *code, char *msg, size_t msize)
{
	char buf[1300];
	ssize_t n;

	do
		n = recv(chan, buf, sizeof(buf) - 1, 0);
	while (n < 0 && errno == EINTR && !winch_seen);
	if (n < 0 && errno == EINTR)
		return -2;
	if (n <= 0)
		return 0;
	*code = 0;
	if (n >= (ssize_t)(1 + sizeof(int)))
		memcpy(code, buf + 1, sizeof(int));
	buf[n] = '\0';
	if (msg)
		snprintf(msg, msize, "%s", n > (ssize_t)(1 + sizeof(int)) ? buf + 1 + sizeof(int) : "");
	return buf[0];
}

/* Send the signals queued on the caller's sig-proxy pipe to the
 * container, as `tug kill -s` would. Returns the fd, or -1 once the pipe
 * is closed. */
static int forward_signals(struct rt *rt, const char *id, int fd)
{
	unsigned char sigs[64];
	ssize_t n = read(fd, sigs, sizeof(sigs));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return fd;
	if (n <= 0)
		return -1;
	for (ssize_t i = 0; i < n; i++) {
		struct tug_action_opts o = { .timeout_s = -1, .signal = sigs[i] };
		struct tug_err e;
		/* the container may be gone already: nothing to tell anyone */
		rt_ctr_action(rt, id, TUG_ACT_KILL, &o, &e);
	}
	return fd;
}

int ctr_start(struct rt *rt, const char *id, const struct tug_stdio *io, int *exit_code,
	      struct tug_err *err)
{
	int sv[2], tag, code = 0;
	pid_t pid;
	char msg[1100];
	json_t *st = rt_ctr_state(rt, id, err);

	if (!st)
		return -1;
	if (is_live(st)) {
		json_decref(st);
		if (io)
			return tug_errf(err, TUG_E_CONFLICT, "container %.12s is already running", id);
		return 0; /* docker start on a running container is a no-op */
	}
	json_decref(st);
	ctr_mark_stopping(rt, id, 0);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return tug_errno(err, "socketpair");
	fflush(stdout);
	fflush(stderr);
	trace_mark("start: fork monitor");
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return tug_errno(err, "fork the container monitor");
	}
	if (pid == 0) {
		trace_mark("monitor: forked");
		close(sv[0]);
		setsid();
		if (io) {
			if (io->in >= 0 && io->in != 0) dup2(io->in, 0);
			if (io->out >= 0 && io->out != 1) dup2(io->out, 1);
			if (io->err >= 0 && io->err != 2) dup2(io->err, 2);
			ctr_monitor_main(rt, id, sv[1], 1);
		}
		/* detached: a second fork so that no caller (the console among
		 * them) ever has to reap the monitor */
		{
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
				close(null);
			}
		}
		if (fork() != 0)
			_exit(0);
		ctr_monitor_main(rt, id, sv[1], 0);
	}
	trace_mark("start: forked");
	close(sv[1]);
	if (!io)
		waitpid(pid, NULL, 0);
	tag = chan_recv(sv[0], &code, msg, sizeof(msg));
	if (tag == 'E') {
		close(sv[0]);
		if (io)
			waitpid(pid, NULL, 0);
		if (exit_code)
			*exit_code = code == TUG_E_CMD_NOTFOUND ? 127 : code == TUG_E_CANNOT_RUN ? 126 : 125;
		return tug_errf(err, code ? code : TUG_E_GENERIC, "%s", msg);
	}
	if (tag != 'S') {
		close(sv[0]);
		return tug_errf(err, TUG_E_GENERIC, "container %.12s: the monitor exited before starting it", id);
	}
	if (!io) {
		close(sv[0]);
		return 0;
	}
	/* attached: relay window sizes and the caller's signals until the
	 * exit code comes */
	{
		struct sigaction sa = { 0 }, old;
		int sigfd = io->sigpipe > 0 ? io->sigpipe : -1;
		sa.sa_handler = on_winch;
		sigaction(SIGWINCH, &sa, &old);
		for (;;) {
			struct pollfd p[2] = { { sv[0], POLLIN, 0 }, { sigfd, POLLIN, 0 } };
			int r = poll(p, 2, -1);
			tag = -2;
			if (r > 0 && p[1].revents)
				sigfd = forward_signals(rt, id, sigfd);
			if (r > 0 && p[0].revents)
				tag = chan_recv(sv[0], &code, NULL, 0);
			if (tag == -2 || winch_seen) {
				struct winsize ws;
				char buf[1 + sizeof(ws)];
				if (winch_seen && io->tty && ioctl(io->out, TIOCGWINSZ, &ws) == 0) {
					buf[0] = 'W';
					memcpy(buf + 1, &ws, sizeof(ws));
					send(sv[0], buf, sizeof(buf), MSG_NOSIGNAL);
				}
				winch_seen = 0;
				if (tag == -2 && (r >= 0 || errno == EINTR))
					continue;
			}
			break;
		}
		sigaction(SIGWINCH, &old, NULL);
	}
	trace_mark("start: exit code received");
	close(sv[0]);
	if (tag == 'X') {
		/* after 'X' the monitor only removes what nobody can see any
		 * more (cgroups, the renamed-away layer): reap it if it is
		 * done, leave it to init otherwise */
		waitpid(pid, NULL, WNOHANG);
	} else {
		waitpid(pid, NULL, 0);
		/* the monitor died without a word: read what it recorded */
		json_t *s2 = rt_ctr_state(rt, id, err);
		code = s2 ? (int)jint(s2, "ExitCode") : 255;
		json_decref(s2);
	}
	if (exit_code)
		*exit_code = code;
	return 0;
}

int rt_ctr_start_attached(struct rt *rt, const char *ref, const struct tug_stdio *io,
			  int *exit_code, struct tug_err *err)
{
	char id[65];

	if (rt_ctr_resolve(rt, ref, id, err) < 0)
		return -1;
	return ctr_start(rt, id, io, exit_code, err);
}

static int signal_ctr(struct rt *rt, const char *id, int sig, struct tug_err *err)
{
	json_t *st = rt_ctr_state(rt, id, err);
	pid_t pid;

	if (!st)
		return -1;
	if (!status_is(st, ST_RUNNING) && !status_is(st, ST_PAUSED)) {
		json_decref(st);
		return tug_errf(err, TUG_E_CONFLICT, "container %.12s is not running", id);
	}
	pid = (pid_t)jint(st, "Pid");
	if (!rt_pid_alive(pid, (unsigned long long)jint(st, "PidStart"))) {
		json_decref(st);
		return tug_errf(err, TUG_E_CONFLICT, "container %.12s is not running", id);
	}
	json_decref(st);
	if (kill(pid, sig) < 0 && errno != ESRCH)
		return tug_errno(err, "signal container %.12s", id);
	return 0;
}

static int do_stop(struct rt *rt, const char *id, int timeout_s, struct tug_err *err)
{
	json_t *st = rt_ctr_state(rt, id, err), *cfg;
	int sig, r;
	pid_t pid;

	if (!st)
		return -1;
	ctr_mark_stopping(rt, id, 1);
	if (!is_live(st)) {
		json_decref(st);
		return 0;
	}
	pid = (pid_t)jint(st, "Pid");
	if (status_is(st, ST_PAUSED)) {
		/* a frozen process cannot handle the signal: thaw first */
		struct tug_err e;
		cgroup_freeze(rt->cgroup_parent, id, 0, &e);
	}
	json_decref(st);
	cfg = rt_ctr_config(rt, id, err);
	if (!cfg)
		return -1;
	sig = ctr_parse_signal(jstr(json_object_get(cfg, "Config"), "StopSignal"));
	json_decref(cfg);
	if (!sig)
		sig = SIGTERM;
	if (timeout_s < 0)
		timeout_s = 10;
	if (pid > 0 && timeout_s > 0)
		kill(pid, sig);
	r = ctr_wait_stopped(rt, id, timeout_s * 1000, err);
	if (r < 0)
		return -1;
	if (r == 0) {
		/* SIGKILL to init takes every process of the pid namespace along */
		st = rt_ctr_state(rt, id, err);
		if (st) {
			pid = (pid_t)jint(st, "Pid");
			if (rt_pid_alive(pid, (unsigned long long)jint(st, "PidStart")))
				kill(pid, SIGKILL);
			json_decref(st);
		}
		if (ctr_wait_stopped(rt, id, 30000, err) <= 0)
			return tug_errf(err, TUG_E_GENERIC,
					"container %.12s did not stop after SIGKILL within 30 s", id);
	}
	return 0;
}

static void set_paused(json_t *st, void *ctx)
{
	jset_str(st, "Status", *(int *)ctx ? ST_PAUSED : ST_RUNNING);
}

static int do_pause(struct rt *rt, const char *id, int on, struct tug_err *err)
{
	json_t *st = rt_ctr_state(rt, id, err);
	int ok;

	if (!st)
		return -1;
	ok = on ? status_is(st, ST_RUNNING) : status_is(st, ST_PAUSED);
	json_decref(st);
	if (!ok)
		return tug_errf(err, TUG_E_CONFLICT, on ? "container %.12s is not running" :
				"container %.12s is not paused", id);
	if (cgroup_freeze(rt->cgroup_parent, id, on, err) < 0)
		return -1;
	return ctr_state_update(rt, id, set_paused, &on, err);
}

static int do_remove(struct rt *rt, const char *id, int force, struct tug_err *err)
{
	json_t *st = rt_ctr_state(rt, id, err);
	int live;

	if (!st)
		return -1;
	live = is_live(st);
	json_decref(st);
	if (live && !force)
		return tug_errf(err, TUG_E_CONFLICT,
				"cannot remove container %.12s: it is running; stop it first or use --force", id);
	if (live && do_stop(rt, id, 0, err) < 0)
		return -1;
	/* wait out a monitor still writing its last state (auto-remove races) */
	{
		char path[PATH_MAX];
		/* the monitor's lock is its log */
		int fd = open(rt_ctr_path(rt, id, "ctr.log", path, sizeof(path)), O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			for (int i = 0; i < 500 && flock(fd, LOCK_EX | LOCK_NB) < 0; i++)
				usleep(10000);
			close(fd);
		}
	}
	if (access(rt_ctr_path(rt, id, NULL, (char[PATH_MAX]){ 0 }, PATH_MAX), F_OK) < 0)
		return 0; /* removed by its own --rm meanwhile */
	return ctr_remove_files(rt, id, err);
}

int rt_ctr_action(struct rt *rt, const char *ref, enum tug_action act,
		  const struct tug_action_opts *o, struct tug_err *err)
{
	char id[65];

	if (rt_ctr_resolve(rt, ref, id, err) < 0)
		return -1;
	switch (act) {
	case TUG_ACT_START:
		return ctr_start(rt, id, NULL, NULL, err);
	case TUG_ACT_STOP:
		return do_stop(rt, id, o->timeout_s, err);
	case TUG_ACT_RESTART:
		if (do_stop(rt, id, o->timeout_s, err) < 0)
			return -1;
		return ctr_start(rt, id, NULL, NULL, err);
	case TUG_ACT_KILL: {
		int sig = o->signal ? o->signal : SIGKILL;
		if (sig == SIGKILL)
			ctr_mark_stopping(rt, id, 1);
		return signal_ctr(rt, id, sig, err);
	}
	case TUG_ACT_REMOVE: {
		/* rm -v: the anonymous volumes go with the container */
		json_t *cfg = o->volumes ? rt_ctr_config(rt, id, err) : NULL;
		int r = do_remove(rt, id, o->force, err);
		if (r == 0 && cfg)
			vol_remove_anonymous(rt, cfg);
		json_decref(cfg);
		return r;
	}
	case TUG_ACT_PAUSE:
		return do_pause(rt, id, 1, err);
	case TUG_ACT_UNPAUSE:
		return do_pause(rt, id, 0, err);
	default:
		return tug_errf(err, TUG_E_UNSUPPORTED, "that action is not supported for containers");
	}
}

int rt_ctr_wait(struct rt *rt, const char *ref, int *exit_code, struct tug_err *err)
{
	char id[65];
	json_t *st;

	if (rt_ctr_resolve(rt, ref, id, err) < 0)
		return -1;
	if (ctr_wait_stopped(rt, id, -1, err) < 0)
		return -1;
	st = rt_ctr_state(rt, id, err);
	if (!st) {
		/* removed on exit (--rm): the code is gone with it */
		*exit_code = 0;
		return 0;
	}
	*exit_code = (int)jint(st, "ExitCode");
	json_decref(st);
	return 0;
}

int rt_ctr_remove_all(struct rt *rt, struct tug_err *err)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/containers", rt->root);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : tug_errno(err, "read %s", path);
	while ((de = readdir(d))) {
		struct tug_err e;
		if (strlen(de->d_name) != 64)
			continue;
		ctr_mark_stopping(rt, de->d_name, 1);
		if (do_stop(rt, de->d_name, 0, &e) < 0 || do_remove(rt, de->d_name, 1, &e) < 0) {
			/* a half-created container has no state: remove its files */
			if (ctr_remove_files(rt, de->d_name, &e) < 0 &&
			    fs_rm_rf(rt_ctr_path(rt, de->d_name, NULL, path, sizeof(path)), &e) < 0) {
				memcpy(err, &e, sizeof(e));
				rc = -1;
			}
		}
	}
	closedir(d);
	return rc;
}
