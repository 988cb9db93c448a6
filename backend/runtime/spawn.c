/* spawn.c - clone the container's init and run its command.
 *
 * The monitor makes the container's network namespace, starts a thread
 * that wires it, and clones the init with CLONE_VM|CLONE_VFORK: the child
 * runs on its own stack in the monitor's memory while the monitor's own
 * thread sleeps until the child's execve (or exit). Without a copy of the
 * monitor's address space the clone costs a fraction of a fork: on hosts
 * where page-table work is expensive (nested virtualisation) a new
 * address space is the largest single cost of a start. So the child must
 * not return into the monitor's frames, leaves the monitor's state as it
 * found it, and exits with _exit() only; it shares the heap's locks with
 * the network thread, which has an arena of its own (no mallopt limiting
 * arenas here), so the two hardly ever meet on one. The child builds its
 * filesystem while the thread wires the network and waits for it only
 * right before execve.
 *
 * The child tells the monitor over a SOCK_SEQPACKET pair:
 *   child  -> parent 'T' + fd       the pty master (with a tty)
 *   child  -> parent 'E' + err      setup failed: code and message
 *   EOF (CLOEXEC at execve)         the command is running
 * so a bad working dir or a missing command comes back as a message and
 * docker's exit codes (125 runtime, 126 cannot run, 127 not found). */
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "runtime/fdpass.h"
#include "runtime/net.h"
#include "runtime/secure.h"
#include "util/fs.h"
#include "util/str.h"
#include "util/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#else
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void __attribute__((noreturn)) child_fail(int sock, struct tug_err *err)
{
	fdpass_send_err(sock, err);
	_exit(err->code == TUG_E_CMD_NOTFOUND ? 127 : err->code == TUG_E_CANNOT_RUN ? 126 : 125);
}

static int loopback_up(struct tug_err *err)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return tug_errno(err, "socket for loopback");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP | IFF_RUNNING, ioctl(s, SIOCSIFFLAGS, &ifr) < 0)) {
		tug_errno(err, "bring up loopback");
		close(s);
		return -1;
	}
	close(s);
	return 0;
}

/* Resolve "user[:group]" against the container's /etc/passwd and
 * /etc/group (we are inside its root now). */
static int resolve_user(const char *spec, uid_t *uid, gid_t *gid, gid_t *groups, int *ngroups,
			const char **home, struct tug_err *err)
{
	char u[256] = "", g[256] = "", *colon, *end;
	struct passwd *pw = NULL;
	int max = *ngroups;

	*uid = 0;
	*gid = 0;
	*ngroups = 0;
	*home = "/root";
	if (spec && *spec) {
		snprintf(u, sizeof(u), "%s", spec);
		colon = strchr(u, ':');
		if (colon) {
			*colon = '\0';
			snprintf(g, sizeof(g), "%s", colon + 1);
		}
	} else {
		snprintf(u, sizeof(u), "0");
	}
	{
		unsigned long v = strtoul(u, &end, 10);
		FILE *f = fopen("/etc/passwd", "re");
		if (*u && !*end) {
			*uid = (uid_t)v;
			*gid = (gid_t)v; /* docker: a numeric uid without passwd entry gets gid 0? keep passwd's */
			*gid = 0;
			if (f)
				while ((pw = fgetpwent(f)))
					if (pw->pw_uid == *uid)
						break;
		} else {
			if (f)
				while ((pw = fgetpwent(f)))
					if (!strcmp(pw->pw_name, u))
						break;
			if (!pw) {
				if (f)
					fclose(f);
				return tug_errf(err, TUG_E_GENERIC,
						"unable to find user %s: no matching entries in passwd file", u);
			}
			*uid = pw->pw_uid;
		}
		if (pw) {
			*gid = pw->pw_gid;
			*home = xstrdup(pw->pw_dir);
			snprintf(u, sizeof(u), "%s", pw->pw_name);
		}
		if (f)
			fclose(f);
	}
	if (*g) {
		unsigned long v = strtoul(g, &end, 10);
		if (!*end) {
			*gid = (gid_t)v;
		} else {
			FILE *f = fopen("/etc/group", "re");
			struct group *gr = NULL;
			if (f)
				while ((gr = fgetgrent(f)))
					if (!strcmp(gr->gr_name, g))
						break;
			if (!gr) {
				if (f)
					fclose(f);
				return tug_errf(err, TUG_E_GENERIC,
						"unable to find group %s: no matching entries in group file", g);
			}
			*gid = gr->gr_gid;
			fclose(f);
		}
	}
	/* supplementary groups that list the user by name */
	{
		FILE *f = fopen("/etc/group", "re");
		struct group *gr;
		if (f) {
			while ((gr = fgetgrent(f)) && *ngroups < max)
				for (char **m = gr->gr_mem; m && *m; m++)
					if (!strcmp(*m, u) && gr->gr_gid != *gid)
						groups[(*ngroups)++] = gr->gr_gid;
			fclose(f);
		}
	}
	return 0;
}

static const char *env_get(char **env, const char *key)
{
	size_t kl = strlen(key);
	for (; env && *env; env++)
		if (!strncmp(*env, key, kl) && (*env)[kl] == '=')
			return *env + kl + 1;
	return NULL;
}

static char **env_with(char **env, const char *kv)
{
	size_t n = 0, kl = strcspn(kv, "=");
	char **out;

	for (char **p = env; p && *p; p++) {
		if (!strncmp(*p, kv, kl) && (*p)[kl] == '=')
			return env; /* the user's value wins */
		n++;
	}
	out = xcalloc(n + 2, sizeof(char *));
	memcpy(out, env, n * sizeof(char *));
	out[n] = (char *)kv;
	return out;
}

/* Find argv0 in $PATH as docker does before exec, for a clear 127. */
static int lookup_cmd(const char *cmd, char **env, char *out, size_t size, struct tug_err *err)
{
	const char *path;
	char buf[4096], *save = NULL;
	struct stat st;
	int found_noexec = 0;

	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) < 0)
			return tug_errf(err, TUG_E_CMD_NOTFOUND, "exec: \"%s\": stat %s: no such file or directory", cmd, cmd);
		if (S_ISDIR(st.st_mode) || access(cmd, X_OK) < 0)
			return tug_errf(err, TUG_E_CANNOT_RUN, "exec: \"%s\": permission denied", cmd);
		snprintf(out, size, "%s", cmd);
		return 0;
	}
	path = env_get(env, "PATH");
	snprintf(buf, sizeof(buf), "%s", path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (char *d = strtok_r(buf, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, size, "%s/%s", *d ? d : ".", cmd);
		if (stat(out, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(out, X_OK) == 0)
				return 0;
			found_noexec = 1;
		}
	}
	if (found_noexec)
		return tug_errf(err, TUG_E_CANNOT_RUN, "exec: \"%s\": permission denied", cmd);
	return tug_errf(err, TUG_E_CMD_NOTFOUND, "exec: \"%s\": executable file not found in $PATH", cmd);
}

static struct secure_filter g_filter;
static int g_filter_ready;

int ctr_security_prepare(struct rt *rt, struct tug_err *err)
{
	char dir[PATH_MAX];

	if (g_filter_ready)
		return 0;
	snprintf(dir, sizeof(dir), "%s/cache", rt->root);
	if (secure_cap_last(err) < 0)
		return -1;
	if (secure_filter_prepare(&g_filter, dir, secure_default_caps(), err) < 0)
		return tug_err_wrap(err, "seccomp profile");
	g_filter_ready = 1;
	return 0;
}

/* The signals with a handler or ignored, from /proc/self/status's SigIgn
 * and SigCgt (one read instead of 64 sigaction calls); all of them when it
 * cannot be read. */
static uint64_t handled_signals(void)
{
	char buf[4096], *p, *q;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return ~(uint64_t)0;
	buf[n] = '\0';
	p = strstr(buf, "\nSigIgn:");
	q = strstr(buf, "\nSigCgt:");
	if (!p || !q)
		return ~(uint64_t)0;
	return strtoull(p + 8, NULL, 16) | strtoull(q + 8, NULL, 16);
}

/* Every signal back to its default, as docker's processes start: an
 * ignored signal stays ignored across execve, and the monitor (and the
 * CLI) ignore HUP, INT, PIPE and TERM for themselves, which would make
 * `trap ... TERM` in a container shell a no-op. Caught signals go too:
 * before execve a handler would run in the monitor's memory. The raw
 * syscall also reaches the two signals glibc keeps for itself. */
void ctr_reset_signals(void)
{
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		uint64_t mask;
	} dfl = { SIG_DFL, 0, NULL, 0 };
	uint64_t set = handled_signals();

	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && (set >> (sig - 1) & 1))
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
}

/* Shared by the container's init and `tug exec`: user, workdir, env,
 * hardening and execve. Returns only on failure. */
int ctr_exec_process(struct ctr_spec *s, char **argv, char **env, const char *workdir,
		     const char *user, int tty, int wait_fd, struct tug_err *err)
{
	uid_t uid;
	gid_t gid, groups[64];
	int ngroups = 64;
	const char *home;
	char path[PATH_MAX], *hostname_env = NULL;

	if (resolve_user(user, &uid, &gid, groups, &ngroups, &home, err) < 0)
		return -1;
	trace_mark("child: user resolved");
	if (workdir && *workdir) {
		if (fs_mkdir_p(workdir, 0755, err) < 0 || chdir(workdir) < 0) {
			tug_errf(err, TUG_E_GENERIC, "cannot use working directory %s: %s", workdir,
				 strerror(errno));
			return -1;
		}
	}
	if (s && s->hostname) {
		size_t n = strlen(s->hostname) + 10;
		hostname_env = xmalloc(n);
		snprintf(hostname_env, n, "HOSTNAME=%s", s->hostname);
		env = env_with(env, hostname_env);
	}
	{
		size_t n = strlen(home) + 6;
		char *h = xmalloc(n);
		snprintf(h, n, "HOME=%s", home);
		env = env_with(env, h);
	}
	if (tty)
		env = env_with(env, "TERM=xterm");
	if (lookup_cmd(argv[0], env, path, sizeof(path), err) < 0)
		return -1;
	trace_mark("child: command found");
	{
		struct secure_opts so;
		if (secure_opts_init(&so, err) < 0)
			return -1;
		so.set_ids = 1;
		so.uid = uid;
		so.gid = gid;
		so.groups = groups;
		so.ngroups = (size_t)ngroups;
		so.seccomp = g_filter_ready ? &g_filter : NULL;
		if (!so.seccomp)
			return tug_errf(err, TUG_E_GENERIC, "internal error: seccomp profile not prepared");
		if (secure_enter(&so, err) < 0)
			return -1;
	}
	if (wait_fd >= 0) {
		char go = 0;
		trace_mark("child: waiting for the network");
		/* 'F': the monitor reports the network's error */
		if (read(wait_fd, &go, 1) != 1 || go != 'G')
			_exit(125);
		close(wait_fd);
	}
	trace_mark("child: execve");
	execve(path, argv, env);
	if (errno == ENOENT)
		return tug_errf(err, TUG_E_CMD_NOTFOUND, "exec: \"%s\": no such file or directory", argv[0]);
	return tug_errf(err, TUG_E_CANNOT_RUN, "exec: \"%s\": %s", argv[0], strerror(errno));
}

struct child_args {
	struct rt *rt;
	struct ctr_spec *s;
	struct spawn_io *io;
	int sock;
	int netns;              /* the container's network namespace, -1 = host's */
	int net_wait;           /* 'G' here once the network is wired, -1 = none */
};

/* The network is wired on a thread of the monitor while the child builds
 * its filesystem: the monitor's own thread sleeps in vfork meanwhile, and
 * the two halves are of a size. */
struct net_job {
	struct rt *rt;
	struct ctr_spec *s;
	int nsfd;
	int done;               /* write end: 'G' or 'F' for the child */
	int rc;
	json_t *settings;
	struct tug_err err;
};

static void *net_job_run(void *arg)
{
	struct net_job *j = arg;
	char c;

	j->rc = net_setup(j->rt, j->s, j->nsfd, &j->settings, &j->err);
	c = j->rc < 0 ? 'F' : 'G';
	if (write(j->done, &c, 1) != 1) {
		/* the child is gone already: it reads nothing */
	}
	return NULL;
}

/* The container's init, from clone until execve. Signals arrive blocked
 * (the monitor blocked them around the clone). */
static int child_main(void *arg)
{
	struct child_args *a = arg;
	struct ctr_spec *s = a->s;
	struct tug_err err = { 0 };
	int ptmx = -1;
	sigset_t none;

	ctr_reset_signals();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	trace_mark("child: start");
	/* into the cgroups first, so that all the set-up is charged to them */
	if (cgroup_attach(a->rt->cgroup_parent, s->id, 0, &err) < 0)
		child_fail(a->sock, &err);
	if (a->netns >= 0 && setns(a->netns, CLONE_NEWNET) < 0) {
		tug_errno(&err, "join the container's network namespace");
		child_fail(a->sock, &err);
	}
	trace_mark("child: in cgroup and netns");
	if (!s->tty) {
		if (dup2(a->io->stdin_fd, 0) < 0 || dup2(a->io->stdout_fd, 1) < 0 ||
		    dup2(a->io->stderr_fd, 2) < 0) {
			tug_errno(&err, "set up stdio");
			child_fail(a->sock, &err);
		}
	}
	if (rootfs_setup(a->rt, s, &ptmx, &err) < 0)
		child_fail(a->sock, &err);
	trace_mark("child: rootfs ready");
	/* with a network, the monitor's thread brings lo up with it */
	if (!s->net_host && a->net_wait < 0 && loopback_up(&err) < 0)
		child_fail(a->sock, &err);
	if (ptmx >= 0) {
		fdpass_send_fd(a->sock, 'T', ptmx);
		close(ptmx);
	}
	trace_mark("child: loopback and terminal");
	/* now in the container's cgroup: make it our cgroup root */
	unshare(CLONE_NEWCGROUP);
	if (rootfs_mount_cgroup(&err) < 0)
		child_fail(a->sock, &err);
	trace_mark("child: cgroup namespace");
	/* everything but execve itself goes on while the network is wired */
	ctr_exec_process(s, s->argv, s->env, s->workdir, s->user, s->tty, a->net_wait, &err);
	child_fail(a->sock, &err);
}

/* A new network namespace, held by the returned fd (-1 with err): made
 * before the child so that the monitor wires it up front. The monitor
 * steps in and straight back out. */
static int netns_new(struct tug_err *err)
{
	static int host = -1;
	int fd;

	if (host < 0) {
		host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (host < 0)
			return tug_errno(err, "open the host's network namespace");
	}
	if (unshare(CLONE_NEWNET) < 0)
		return tug_errno(err, "create the container's network namespace");
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		tug_errno(err, "open the container's network namespace");
	if (setns(host, CLONE_NEWNET) < 0) {
		/* stranded outside the host's network: nothing this monitor
		 * would do next can be right */
		fprintf(stderr, "tug: monitor: cannot return to the host's network namespace: %s\n",
			strerror(errno));
		_exit(125);
	}
	return fd;
}

/* Room for the child's frames: rootfs set-up and the passwd lookup stay
 * well under this; pages it does not touch cost nothing. */
#define CHILD_STACK (512 * 1024)

/* The network's half: on a thread when there is a network to wire. */
static int net_start(struct net_job *j, pthread_t *th, int *wait_fd, struct tug_err *err)
{
	int p[2];
	sigset_t all, old;
	pthread_attr_t attr;
	int r;

	*wait_fd = -1;
	if (!net_wanted(j->s))
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return tug_errno(err, "pipe");
	j->done = p[1];
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	/* signals stay with the monitor's own thread (its SIGCHLD signalfd
	 * needs every thread to block SIGCHLD) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(th, &attr, net_job_run, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		close(p[0]);
		close(p[1]);
		errno = r;
		return tug_errno(err, "start the network set-up");
	}
	*wait_fd = p[0];
	return 1;
}

/* The child's stack, kept for the next start (a restart): unmapping it
 * would cost a TLB shootdown on every CPU the monitor's threads ran on.
 * Free again as soon as the child execs or exits. */
static void *child_stack(struct tug_err *err)
{
	static void *stack;

	if (!stack) {
		void *p = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			tug_errno(err, "allocate the container init's stack");
			return NULL;
		}
		stack = p;
	}
	/* under AddressSanitizer the last child's frames are still marked
	 * (it exec'd without returning): they would read as overflows */
	ASAN_UNPOISON_MEMORY_REGION(stack, CHILD_STACK);
	return stack;
}

pid_t ctr_spawn(struct rt *rt, struct ctr_spec *s, struct spawn_io *io, struct tug_err *err)
{
	int sv[2], netns = -1, threaded = 0;
	unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
	pid_t pid;
	char buf[sizeof(err->msg) + 16];
	void *stack;
	sigset_t all, old;
	struct child_args args = { .rt = rt, .s = s, .io = io, .net_wait = -1 };
	struct net_job job = { .rt = rt, .s = s, .done = -1 };
	pthread_t th;

	io->ptmx = -1;
	io->mntns = -1;
	io->net_settings = NULL;
	if (!s->net_host) {
		netns = netns_new(err);
		if (netns < 0)
			return -1;
		trace_mark("spawn: netns made");
		job.nsfd = netns;
		threaded = net_start(&job, &th, &args.net_wait, err);
		if (threaded < 0) {
			close(netns);
			return -1;
		}
	}
	stack = child_stack(err);
	if (!stack) {
		pid = -1;
		goto joined;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		tug_errno(err, "socketpair");
		pid = -1;
		goto joined;
	}
	args.sock = sv[1];
	args.netns = netns;
	/* no handler may run in the child while it shares our memory */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	trace_mark("spawn: clone");
	pid = clone(child_main, (char *)stack + CHILD_STACK, (int)(flags | CLONE_VM | CLONE_VFORK | SIGCHLD),
		    &args);
	if (pid < 0)
		tug_errno(err, "create the container's namespaces");
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(sv[1]);
	if (pid < 0)
		close(sv[0]);
joined:
	if (threaded) {
		/* the child exec'd only after the network was ready, so this
		 * returns at once then */
		pthread_join(th, NULL);
		close(job.done);
		close(args.net_wait);
		if (job.rc < 0 && pid >= 0) {
			/* the child saw 'F' and exited: the network's error wins */
			*err = job.err;
			waitpid(pid, NULL, 0);
			close(sv[0]);
			pid = -1;
		}
	}
	if (netns >= 0)
		close(netns);
	io->net_settings = job.settings;
	if (pid < 0) {
		/* net_setup undid itself when it failed */
		if (!s->net_host && !(threaded && job.rc < 0))
			net_teardown(rt, s->id, s->config);
		json_decref(io->net_settings);
		io->net_settings = NULL;
		return -1;
	}
	trace_mark("spawn: exec seen");
	{
		char ns[64];
		snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", (int)pid);
		io->mntns = open(ns, O_RDONLY | O_CLOEXEC);
	}
	for (;;) {
		int fd;
		ssize_t n = fdpass_recv(sv[0], buf, sizeof(buf) - 1, &fd);
		if (n <= 0)
			break; /* EOF: execve succeeded */
		if (buf[0] == 'T') {
			io->ptmx = fd;
			continue;
		}
		if (fd >= 0)
			close(fd);
		if (buf[0] == 'E')
			fdpass_decode_err(buf, n, err);
		else
			tug_errf(err, TUG_E_GENERIC, "container setup failed");
		waitpid(pid, NULL, 0);
		if (io->ptmx >= 0)
			close(io->ptmx);
		io->ptmx = -1;
		if (io->mntns >= 0)
			close(io->mntns);
		io->mntns = -1;
		close(sv[0]);
		if (!s->net_host)
			net_teardown(rt, s->id, s->config);
		json_decref(io->net_settings);
		io->net_settings = NULL;
		return -1;
	}
	close(sv[0]);
	return pid;
}
