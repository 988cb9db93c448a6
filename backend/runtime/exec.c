/* exec.c - run a process inside a running container: join its cgroup and
 * namespaces, then apply the same user, hardening and environment rules
 * as its init (ctr_exec_process). */
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "runtime/fdpass.h"
#include "runtime/ops.h"
#include "util/json.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const struct { const char *name; int type; } nss[] = {
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "net", CLONE_NEWNET },
	{ "pid", CLONE_NEWPID }, { "cgroup", CLONE_NEWCGROUP }, { "mnt", CLONE_NEWNS },
};
#define NNS (sizeof(nss) / sizeof(nss[0]))

static int open_pty_inside(int sock, struct tug_err *err)
{
	int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), sl, n;
	unsigned int unlock = 0;
	char name[64];

	if (m < 0)
		return tug_errno(err, "open the container's /dev/ptmx");
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCGPTN, &n) < 0)
		return tug_errno(err, "set up a terminal");
	snprintf(name, sizeof(name), "/dev/pts/%d", n);
	sl = open(name, O_RDWR | O_NOCTTY);
	if (sl < 0)
		return tug_errno(err, "open %s", name);
	setsid();
	ioctl(sl, TIOCSCTTY, 0);
	dup2(sl, 0);
	dup2(sl, 1);
	dup2(sl, 2);
	if (sl > 2)
		close(sl);
	fdpass_send_fd(sock, 'T', m);
	close(m);
	return 0;
}

/* Inside the namespaces (second child): stdio, then the shared exec path. */
static void __attribute__((noreturn)) exec_child(struct ctr_spec *s, const struct tug_exec_opts *o,
						 const struct tug_stdio *io, int sock)
{
	struct tug_err err = { 0 };
	size_t n = 0, k = 0;
	char **env;
	const char *workdir = o->workdir && *o->workdir ? o->workdir : s->workdir;
	const char *user = o->user && *o->user ? o->user : s->user;

	if (o->tty) {
		if (open_pty_inside(sock, &err) < 0)
			goto fail;
	} else {
		int null = open("/dev/null", O_RDWR);
		dup2(o->interactive && io->in >= 0 ? io->in : null, 0);
		dup2(io->out >= 0 ? io->out : null, 1);
		dup2(io->err >= 0 ? io->err : null, 2);
		if (null > 2)
			close(null);
	}
	for (char **p = s->env; p && *p; p++)
		n++;
	for (char **p = o->env; p && *p; p++)
		n++;
	env = xcalloc(n + 1, sizeof(char *));
	for (char **p = s->env; p && *p; p++)
		env[k++] = *p;
	for (char **p = o->env; p && *p; p++) {
		size_t kl = strcspn(*p, "=");
		size_t j;
		for (j = 0; j < k; j++)
			if (!strncmp(env[j], *p, kl) && env[j][kl] == '=')
				break;
		env[j] = *p;
		if (j == k)
			k++;
	}
	env[k] = NULL;
	if (chdir("/") < 0)
		tug_errno(&err, "chdir /");
	ctr_reset_signals();
	ctr_exec_process(s, o->argv, env, workdir, user, o->tty, -1, &err);
fail:
	fdpass_send_err(sock, &err);
	_exit(err.code == TUG_E_CMD_NOTFOUND ? 127 : err.code == TUG_E_CANNOT_RUN ? 126 : 126);
}

static void proxy_tty(int master, const struct tug_stdio *io, pid_t child)
{
	char buf[16384];
	int in_open = io->in >= 0;

	for (;;) {
		struct pollfd p[2];
		int np = 0;
		p[np].fd = master; p[np++].events = POLLIN;
		if (in_open) { p[np].fd = io->in; p[np++].events = POLLIN; }
		if (poll(p, (nfds_t)np, 200) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			ssize_t r = read(master, buf, sizeof(buf));
			if (r <= 0)
				break; /* EIO: the last process on the terminal left */
			if (write(io->out, buf, (size_t)r) < 0)
				break;
		}
		if (np > 1 && p[1].revents) {
			ssize_t r = read(io->in, buf, sizeof(buf));
			if (r <= 0)
				in_open = 0;
			else if (write(master, buf, (size_t)r) < 0)
				break;
		}
		if (!p[0].revents && waitpid(child, NULL, WNOHANG | __WALL) == child)
			return;
	}
}

int rt_ctr_exec(struct rt *rt, const char *ref, const struct tug_exec_opts *o,
		const struct tug_stdio *io, int *exit_code, struct tug_err *err)
{
	char id[65], path[64];
	json_t *st;
	pid_t pid, c1;
	struct ctr_spec s;
	int nsfd[NNS], sv[2], status = 0, master = -1;
	char buf[1200];

	if (!o->argv || !o->argv[0])
		return tug_errf(err, TUG_E_INVALID, "exec: no command given");
	if (rt_ctr_resolve(rt, ref, id, err) < 0)
		return -1;
	st = rt_ctr_state(rt, id, err);
	if (!st)
		return -1;
	if (strcmp(jstr(st, "Status") ? jstr(st, "Status") : "", ST_RUNNING)) {
		int paused = jstr(st, "Status") && !strcmp(jstr(st, "Status"), ST_PAUSED);
		json_decref(st);
		return tug_errf(err, TUG_E_CONFLICT, paused ?
				"container %.12s is paused: unpause it first" :
				"container %.12s is not running", id);
	}
	pid = (pid_t)jint(st, "Pid");
	json_decref(st);
	if (ctr_security_prepare(rt, err) < 0)
		return -1;
	if (ctr_spec_load(rt, id, &s, err) < 0)
		return -1;
	for (size_t i = 0; i < NNS; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, nss[i].name);
		nsfd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfd[i] < 0) {
			tug_errno(err, "open namespace %s of container %.12s", nss[i].name, id);
			for (size_t k = 0; k < i; k++)
				close(nsfd[k]);
			ctr_spec_release(&s);
			return -1;
		}
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		tug_errno(err, "socketpair");
		goto out_ns;
	}
	fflush(stdout);
	fflush(stderr);
	c1 = fork();
	if (c1 < 0) {
		tug_errno(err, "fork");
		close(sv[0]);
		close(sv[1]);
		goto out_ns;
	}
	if (c1 == 0) {
		/* first child: join cgroup and namespaces; the pid namespace
		 * applies to its children, hence the second fork */
		struct tug_err e = { 0 };
		pid_t c2;
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (cgroup_attach(rt->cgroup_parent, id, getpid(), &e) < 0) {
			fdpass_send_err(sv[1], &e);
			_exit(125);
		}
		for (size_t i = 0; i < NNS; i++)
			if (setns(nsfd[i], nss[i].type) < 0) {
				tug_errno(&e, "join %s namespace of container %.12s", nss[i].name, id);
				fdpass_send_err(sv[1], &e);
				_exit(125);
			}
		c2 = fork();
		if (c2 < 0)
			_exit(125);
		if (c2 == 0)
			exec_child(&s, o, io, sv[1]);
		close(sv[1]);
		if (o->detach)
			_exit(0);
		while (waitpid(c2, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status))
			_exit(WEXITSTATUS(status));
		_exit(128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 127));
	}
	close(sv[1]);
	for (;;) {
		int fd;
		ssize_t n = fdpass_recv(sv[0], buf, sizeof(buf) - 1, &fd);

		if (n <= 0)
			break; /* exec happened */
		if (buf[0] == 'T') {
			master = fd;
			continue;
		}
		if (fd >= 0)
			close(fd);
		if (buf[0] == 'E') {
			fdpass_decode_err(buf, n, err);
			close(sv[0]);
			if (master >= 0)
				close(master);
			waitpid(c1, &status, 0);
			goto out_ns;
		}
	}
	close(sv[0]);
	if (master >= 0) {
		struct winsize ws;
		if (ioctl(io->out, TIOCGWINSZ, &ws) == 0)
			ioctl(master, TIOCSWINSZ, &ws);
		if (!o->detach)
			proxy_tty(master, io, c1);
		close(master);
	}
	while (waitpid(c1, &status, 0) < 0 && errno == EINTR)
		;
	if (exit_code)
		*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	for (size_t i = 0; i < NNS; i++)
		close(nsfd[i]);
	ctr_spec_release(&s);
	return 0;
out_ns:
	for (size_t i = 0; i < NNS; i++)
		close(nsfd[i]);
	ctr_spec_release(&s);
	return -1;
}
