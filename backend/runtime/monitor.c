/* monitor.c - the per-container monitor (conmon's role): parent of the
 * container's init, owner of its stdio and log, recorder of its exit, and
 * executor of its restart policy. It outlives the CLI that started it.
 *
 * Channel to the CLI (SOCK_SEQPACKET), monitor -> CLI:
 *   'S' pid            the container runs
 *   'E' code message   it could not be started
 *   'X' code           it exited (only while a CLI is attached)
 * CLI -> monitor:
 *   'W' struct winsize the attached terminal was resized */
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "runtime/net.h"
#include "runtime/secure.h"
#include "runtime/volume.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"
#include "util/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 16384

struct linebuf {
	char data[LINE_MAX_BYTES];
	size_t len;
};

struct mon {
	struct rt *rt;
	struct ctr_spec s;
	int chan;          /* to the attached or starting CLI, -1 once gone */
	int attached;      /* fds 0-2 are the CLI's */
	int logfd;
	int mntns;         /* the last run's mount namespace, see spawn_io */
	int removed;       /* --rm: unpublished, its files wait in root/tmp */
	struct linebuf lb[3];
};

static void chan_send(struct mon *m, char tag, int code, const char *msg)
{
	char buf[1200];
	size_t n = 0;

	if (m->chan < 0)
		return;
	buf[n++] = tag;
	memcpy(buf + n, &code, sizeof(int));
	n += sizeof(int);
	if (msg) {
		size_t l = strlen(msg);
		if (l > sizeof(buf) - n)
			l = sizeof(buf) - n;
		memcpy(buf + n, msg, l);
		n += l;
	}
	if (send(m->chan, buf, n, MSG_NOSIGNAL) < 0) {
		close(m->chan);
		m->chan = -1;
	}
}

/* One docker json-file record: {"log":"...","stream":"stdout","time":"..."} */
static void log_record(struct mon *m, int stream, const char *data, size_t len)
{
	char stackbuf[LINE_MAX_BYTES * 2 + 256];
	char *out = stackbuf, ts[64];
	size_t need = len * 6 + 128, n = 0;

	if (m->logfd < 0)
		return;
	if (need > sizeof(stackbuf))
		out = xmalloc(need);
	n += (size_t)sprintf(out, "{\"log\":\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		switch (c) {
		case '"': out[n++] = '\\'; out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; out[n++] = '\\'; break;
		case '\n': out[n++] = '\\'; out[n++] = 'n'; break;
		case '\r': out[n++] = '\\'; out[n++] = 'r'; break;
		case '\t': out[n++] = '\\'; out[n++] = 't'; break;
		default:
			if (c < 0x20 || c == 0x7f)
				n += (size_t)sprintf(out + n, "\\u%04x", c);
			else
				out[n++] = (char)c;
		}
	}
	n += (size_t)sprintf(out + n, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n",
			     stream == 2 ? "stderr" : "stdout", fmt_rfc3339(ts, sizeof(ts), now_ns()));
	/* O_APPEND and one write per record: readers never see half a record
	 * unless the disk is full */
	if (write(m->logfd, out, n) < 0) {
		/* nowhere to report a full disk from here; drop the record */
	}
	if (out != stackbuf)
		free(out);
}

/* Non-UTF-8 bytes would make the log unparsable JSON: replace them. */
static size_t sanitize_utf8(char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t need = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		size_t k;
		if (need == 0 || i + need > len) {
			s[i++] = '?';
			continue;
		}
		for (k = 1; k < need; k++)
			if (((unsigned char)s[i + k] >> 6) != 2)
				break;
		if (k < need) {
			s[i++] = '?';
			continue;
		}
		i += need;
	}
	return len;
}

static void log_feed(struct mon *m, int stream, const char *data, size_t len, int flush)
{
	struct linebuf *b = &m->lb[stream];

	while (len > 0) {
		size_t take = LINE_MAX_BYTES - b->len;
		const char *nl;
		if (take > len)
			take = len;
		nl = memchr(data, '\n', take);
		if (nl)
			take = (size_t)(nl - data) + 1;
		memcpy(b->data + b->len, data, take);
		b->len += take;
		data += take;
		len -= take;
		if (nl || b->len == LINE_MAX_BYTES) {
			log_record(m, stream, b->data, sanitize_utf8(b->data, b->len));
			b->len = 0;
		}
	}
	if (flush && b->len) {
		log_record(m, stream, b->data, sanitize_utf8(b->data, b->len));
		b->len = 0;
	}
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void detach_stdio(struct mon *m)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		close(null);
	}
	m->attached = 0;
}

struct state_edit {
	const char *status;
	pid_t pid;
	int exit_code;
	int set_exit;
	int oom;
	int restarts;
	const char *error;
	int64_t started, finished;
	json_t *net;            /* running: NetworkSettings from the spawn */
};

static void apply_edit(json_t *st, void *ctx)
{
	struct state_edit *e = ctx;
	static pid_t me;
	static unsigned long long me_start;

	if (!me) {
		me = getpid();
		me_start = rt_pid_start_ticks(me);
	}
	jset_str(st, "Status", e->status);
	jset_int(st, "Pid", e->pid);
	jset_int(st, "PidStart", e->pid ? (int64_t)rt_pid_start_ticks(e->pid) : 0);
	jset_int(st, "MonitorPid", me);
	jset_int(st, "MonitorStart", (int64_t)me_start);
	/* not running: net_teardown released the network, this record says so */
	if (strcmp(e->status, ST_RUNNING)) {
		json_object_del(st, "NetworkSettings");
	} else if (e->net) {
		json_object_set(st, "NetworkSettings", e->net);
	}
	if (json_is_object(json_object_get(st, "NetworkSettings")) && e->pid &&
	    !strcmp(e->status, ST_RUNNING)) {
		char key[64];
		snprintf(key, sizeof(key), "/proc/%d/ns/net", (int)e->pid);
		jset_str(json_object_get(st, "NetworkSettings"), "SandboxKey", key);
	}
	if (e->set_exit)
		jset_int(st, "ExitCode", e->exit_code);
	jset_bool(st, "OOMKilled", e->oom);
	jset_int(st, "RestartCount", e->restarts);
	jset_str(st, "Error", e->error ? e->error : "");
	if (e->started)
		jset_int(st, "StartedNs", e->started);
	if (e->finished)
		jset_int(st, "FinishedNs", e->finished);
}

static int should_restart(struct mon *m, int code, int restarts)
{
	const char *p = m->s.restart;

	if (ctr_is_stopping(m->rt, m->s.id))
		return 0;
	if (!strcmp(p, "always") || !strcmp(p, "unless-stopped"))
		return 1;
	if (!strcmp(p, "on-failure"))
		return code != 0 && (m->s.restart_max == 0 || restarts < m->s.restart_max);
	return 0;
}

/* Sleep for the restart back-off, waking early when a stop is asked for. */
static int backoff_sleep(struct mon *m, int64_t ms)
{
	int64_t end = mono_ns() + ms * 1000000;

	while (mono_ns() < end) {
		if (ctr_is_stopping(m->rt, m->s.id))
			return -1;
		usleep(20000);
	}
	return 0;
}

static void forward(struct mon *m, int stream, int outfd, const char *buf, size_t n)
{
	log_feed(m, stream, buf, n, 0);
	if (m->attached)
		write_all(outfd, buf, n);
}

/* Drain what is left in the pipes after init exits, bounded in time: a
 * process outside the pid namespace cannot hold them, but be safe. */
static void drain(struct mon *m, int *fds, int n)
{
	int64_t end = mono_ns() + 500000000LL;
	char buf[65536];

	for (;;) {
		struct pollfd p[2];
		int np = 0, left;
		for (int i = 0; i < n; i++)
			if (fds[i] >= 0) {
				p[np].fd = fds[i];
				p[np].events = POLLIN;
				np++;
			}
		if (!np)
			return;
		left = (int)((end - mono_ns()) / 1000000);
		if (left <= 0 || poll(p, (nfds_t)np, left) <= 0)
			return;
		for (int k = 0; k < np; k++) {
			int idx;
			ssize_t r;
			if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			for (idx = 0; idx < n && fds[idx] != p[k].fd; idx++)
				;
			r = read(p[k].fd, buf, sizeof(buf));
			if (r <= 0) {
				close(fds[idx]);
				fds[idx] = -1;
			} else {
				forward(m, idx == 1 ? 2 : 1, idx == 1 ? 2 : 1, buf, (size_t)r);
			}
		}
	}
}

/* Run the container once: returns its exit code, or -1 if it could not
 * be started (err filled). */
static int run_once(struct mon *m, int sfd, int restarts, int *started, struct tug_err *err)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, inp[2] = { -1, -1 };
	struct spawn_io io = { .stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1, .ptmx = -1, .mntns = -1 };
	int devnull = -1, status = 0, code, out_fds[2];
	pid_t pid;
	struct state_edit e = { 0 };
	int stdin_open;

	if (!m->s.tty) {
		if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
			return tug_errno(err, "create pipes");
		io.stdout_fd = outp[1];
		io.stderr_fd = errp[1];
		if (m->s.interactive && m->attached) {
			io.stdin_fd = 0;
		} else if (m->s.interactive) {
			/* keep stdin open, as docker does for -i without a client */
			if (pipe2(inp, O_CLOEXEC) < 0)
				return tug_errno(err, "create pipes");
			io.stdin_fd = inp[0];
		} else {
			devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
			io.stdin_fd = devnull;
		}
	}
	if (m->mntns >= 0) {
		close(m->mntns);
		m->mntns = -1;
	}
	pid = ctr_spawn(m->rt, &m->s, &io, err);
	if (pid > 0)
		m->mntns = io.mntns;
	if (outp[1] >= 0) close(outp[1]);
	if (errp[1] >= 0) close(errp[1]);
	if (inp[0] >= 0) close(inp[0]);
	if (devnull >= 0) close(devnull);
	if (pid < 0) {
		if (outp[0] >= 0) close(outp[0]);
		if (errp[0] >= 0) close(errp[0]);
		if (inp[1] >= 0) close(inp[1]);
		return -1;
	}
	e.status = ST_RUNNING;
	e.pid = pid;
	e.restarts = restarts;
	e.started = now_ns();
	e.net = io.net_settings;
	{
		struct tug_err e2;
		ctr_state_update(m->rt, m->s.id, apply_edit, &e, &e2);
	}
	json_decref(io.net_settings);
	io.net_settings = NULL;
	e.net = NULL;
	if (!*started) {
		*started = 1;
		chan_send(m, 'S', (int)pid, NULL);
		if (!m->attached && m->chan >= 0) {
			close(m->chan);
			m->chan = -1;
		}
	}
	/* the start is reported: the files it replaced can go now */
	fs_release_deferred();
	if (m->s.tty && m->attached) {
		struct winsize ws;
		if (ioctl(1, TIOCGWINSZ, &ws) == 0)
			ioctl(io.ptmx, TIOCSWINSZ, &ws);
	}
	stdin_open = m->s.tty && m->s.interactive && m->attached;
	out_fds[0] = m->s.tty ? io.ptmx : outp[0];
	out_fds[1] = m->s.tty ? -1 : errp[0];
	for (;;) {
		struct pollfd p[5];
		int np = 0, done = 0;
		char buf[65536];

		p[np].fd = sfd; p[np++].events = POLLIN;
		if (out_fds[0] >= 0) { p[np].fd = out_fds[0]; p[np++].events = POLLIN; }
		if (out_fds[1] >= 0) { p[np].fd = out_fds[1]; p[np++].events = POLLIN; }
		if (m->chan >= 0) { p[np].fd = m->chan; p[np++].events = POLLIN; }
		if (stdin_open) { p[np].fd = 0; p[np++].events = POLLIN; }
		if (poll(p, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < np; k++) {
			if (!p[k].revents)
				continue;
			if (p[k].fd == sfd) {
				struct signalfd_siginfo si;
				while (read(sfd, &si, sizeof(si)) > 0)
					;
				if (waitpid(pid, &status, WNOHANG) == pid)
					done = 1;
				/* reap anything else (a failed exec helper) */
				while (waitpid(-1, NULL, WNOHANG) > 0)
					;
			} else if (p[k].fd == out_fds[0] || p[k].fd == out_fds[1]) {
				int is_err = p[k].fd == out_fds[1];
				ssize_t r = read(p[k].fd, buf, sizeof(buf));
				if (r > 0) {
					forward(m, is_err ? 2 : 1, is_err ? 2 : 1, buf, (size_t)r);
				} else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
					/* a pty master reports EIO once the last slave closes */
					if (is_err) { close(out_fds[1]); out_fds[1] = -1; }
					else { close(out_fds[0]); out_fds[0] = -1; if (m->s.tty) io.ptmx = -1; }
				}
			} else if (p[k].fd == m->chan) {
				char msg[64];
				ssize_t r = recv(m->chan, msg, sizeof(msg), MSG_DONTWAIT);
				if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
					/* the CLI went away: keep running, stop forwarding */
					close(m->chan);
					m->chan = -1;
					detach_stdio(m);
					stdin_open = 0;
				} else if (r >= (ssize_t)(1 + sizeof(struct winsize)) && msg[0] == 'W' &&
					   io.ptmx >= 0) {
					struct winsize ws;
					memcpy(&ws, msg + 1, sizeof(ws));
					ioctl(io.ptmx, TIOCSWINSZ, &ws);
					kill(pid, SIGWINCH);
				}
			} else if (p[k].fd == 0) {
				ssize_t r = read(0, buf, sizeof(buf));
				if (r > 0 && io.ptmx >= 0)
					write_all(io.ptmx, buf, (size_t)r);
				else if (r <= 0)
					stdin_open = 0;
			}
		}
		if (done)
			break;
	}
	trace_mark("monitor: container exited");
	/* leases, ports and rules go before the exit is recorded */
	net_teardown(m->rt, m->s.id, m->s.config);
	drain(m, out_fds, 2);
	log_feed(m, 1, "", 0, 1);
	log_feed(m, 2, "", 0, 1);
	if (inp[1] >= 0)
		close(inp[1]);
	if (WIFEXITED(status))
		code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		code = 128 + WTERMSIG(status);
	else
		code = 255;
	return code;
}

static int has_volumes(json_t *cfg)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(cfg, "Mounts"), i, m)
		if (jstr(m, "Type") && !strcmp(jstr(m, "Type"), "volume"))
			return 1;
	return 0;
}

/* Put the end on record. A --rm container is unpublished instead: its
 * directory is renamed away at once, so a record there would be read by
 * nobody (and the write is one of the slower steps of a short run). */
static void settle(struct mon *m, struct state_edit *e)
{
	struct tug_err e2;
	char trash[PATH_MAX];

	if (m->s.auto_remove && !m->removed) {
		ctr_mark_stopping(m->rt, m->s.id, 0);
		m->removed = ctr_unpublish(m->rt, m->s.id, 1, trash, sizeof(trash), &e2) == 0;
		if (m->removed)
			return;
	}
	ctr_state_update(m->rt, m->s.id, apply_edit, e, &e2);
}

/* Report the end and clean up. What readers can see (state, name,
 * directory) is settled before the exit code goes out; the slow kernel
 * work (cgroup rmdir, mount namespace teardown, rm -rf of the layer) comes
 * after, while the monitor still holds its lock, so a new start or an rm
 * of the same container waits for it. */
static void __attribute__((noreturn)) finish(struct mon *m, int code, int notify)
{
	struct tug_err e;
	char trash[PATH_MAX];
	int removed = m->removed;

	ctr_mark_stopping(m->rt, m->s.id, 0);
	if (m->s.auto_remove && !removed)
		removed = ctr_unpublish(m->rt, m->s.id, 1, trash, sizeof(trash), &e) == 0;
	else if (removed)
		ctr_trash_path(m->rt, m->s.id, trash, sizeof(trash));
	if (m->attached)
		detach_stdio(m);
	/* volumes are visible (volume ls): an attached --rm run returns only
	 * once its anonymous ones are gone, and they are unmounted first */
	if (removed && has_volumes(m->s.config)) {
		if (m->mntns >= 0)
			close(m->mntns);
		m->mntns = -1;
		vol_remove_anonymous(m->rt, m->s.config);
	}
	trace_mark("monitor: recorded, reporting");
	if (notify)
		chan_send(m, 'X', code, NULL);
	if (m->chan >= 0)
		close(m->chan);
	fs_release_deferred();
	if (m->mntns >= 0)
		close(m->mntns);
	trace_mark("monitor: namespaces released");
	cgroup_destroy(m->rt->cgroup_parent, m->s.id, &e);
	trace_mark("monitor: cgroups removed");
	if (removed)
		fs_rm_rf(trash, &e);
	trace_mark("monitor: cleaned up");
	_exit(0);
}

void ctr_monitor_main(struct rt *rt, const char *id, int chan, int io_attached)
{
	/* not "= { 0 }": that would zero 48 KiB of line buffers, a dozen
	 * fresh stack pages faulted in before anything runs; only the
	 * lengths need a value */
	struct mon m;
	struct tug_err err = { 0 };
	sigset_t mask;
	int sfd, restarts = 0, started = 0, oom_base = 0, lockfd;
	char path[PATH_MAX];
	struct cgroup_limits lim = { 0 };
	json_t *st;

	memset(&m, 0, offsetof(struct mon, lb));
	for (int i = 0; i < 3; i++)
		m.lb[i].len = 0;
	m.rt = rt;
	m.chan = chan;
	m.attached = io_attached;
	m.logfd = -1;
	m.mntns = -1;
	trace_mark("monitor: start");
	/* a start and an exit report each replace a few files: their old
	 * inodes are freed once the report is out */
	fs_defer_releases(1);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	/* one monitor per container: the log it writes for as long as it
	 * lives is its lock too (never renamed or replaced) */
	lockfd = open(rt_ctr_path(rt, id, "ctr.log", path, sizeof(path)),
		      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	/* a previous monitor may still be cleaning up after its exit report:
	 * wait for it a little, but never for a live one */
	for (int i = 0; lockfd >= 0 && flock(lockfd, LOCK_EX | LOCK_NB) < 0; i++) {
		if (i >= 500) {
			chan_send(&m, 'E', TUG_E_CONFLICT, "container is already running");
			_exit(0);
		}
		usleep(10000);
	}
	if (lockfd < 0) {
		chan_send(&m, 'E', TUG_E_GENERIC, "cannot open the container's log");
		_exit(0);
	}
	m.logfd = lockfd;
	if (ctr_spec_load(rt, id, &m.s, &err) < 0) {
		chan_send(&m, 'E', err.code, err.msg);
		_exit(0);
	}
	st = rt_ctr_state(rt, id, &err);
	if (st) {
		restarts = (int)jint(st, "RestartCount");
		json_decref(st);
	}
	trace_mark("monitor: spec loaded");
	lim.memory = m.s.memory;
	lim.nano_cpus = m.s.nano_cpus;
	lim.pids = m.s.pids_limit;
	if (cgroup_create(rt->cgroup_parent, id, &lim, &err) < 0 ||
	    ctr_security_prepare(rt, &err) < 0) {
		struct state_edit e = { .status = ST_EXITED, .exit_code = 125, .set_exit = 1,
					.error = err.msg, .finished = now_ns() };
		settle(&m, &e);
		chan_send(&m, 'E', err.code, err.msg);
		finish(&m, 125, 0);
	}
	trace_mark("monitor: cgroup and seccomp ready");
	for (;;) {
		int64_t t0 = mono_ns();
		int code = run_once(&m, sfd, restarts, &started, &err);
		struct state_edit e = { 0 };
		struct tug_err e2;
		int64_t backoff;
		int ooms = 0;

		e.finished = now_ns();
		e.set_exit = 1;
		e.restarts = restarts;
		if (code < 0) {
			int rc = err.code == TUG_E_CMD_NOTFOUND ? 127 :
				 err.code == TUG_E_CANNOT_RUN ? 126 : 125;
			e.status = ST_EXITED;
			e.exit_code = rc;
			e.error = err.msg;
			settle(&m, &e);
			if (!started) {
				chan_send(&m, 'E', err.code, err.msg);
				finish(&m, rc, 0);
			}
			finish(&m, rc, 1);
		}
		if (cgroup_oom_kills(rt->cgroup_parent, id, &ooms, &e2) == 0 && ooms > oom_base) {
			e.oom = 1;
			oom_base = ooms;
		}
		e.exit_code = code;
		if (!should_restart(&m, code, restarts)) {
			e.status = ST_EXITED;
			settle(&m, &e);
			finish(&m, code, 1);
		}
		e.status = ST_RESTARTING;
		ctr_state_update(rt, id, apply_edit, &e, &e2);
		/* docker's back-off: 100 ms doubling, reset after 10 s of running */
		backoff = 100;
		if ((mono_ns() - t0) < 10000000000LL)
			for (int i = 0; i < restarts && backoff < 60000; i++)
				backoff *= 2;
		if (backoff > 60000)
			backoff = 60000;
		if (backoff_sleep(&m, backoff) < 0) {
			e.status = ST_EXITED;
			settle(&m, &e);
			finish(&m, code, 1);
		}
		restarts++;
	}
}
