/* start-floor - the kernel's share of a container start on this machine,
 * for tests/bench.sh: what any runtime pays before doing anything of its
 * own. One run, as `tug run --rm IMAGE /bin/true` does it, minus
 * everything that is tug's (state, cgroups, seccomp, capabilities, logs,
 * network):
 *   - this process plays the CLI: it forks a monitor and waits for the
 *     exit code on a pipe;
 *   - the monitor makes the overlay's upper and work dirs and clones the
 *     init into new mount, pid, uts, ipc and network namespaces
 *     (CLONE_VM|CLONE_VFORK, as tug does);
 *   - the init mounts the overlay, pivots into it, mounts /proc and a
 *     tmpfs /dev, and execs /bin/true;
 *   - the monitor reaps it, reports the code, then removes the dirs.
 * Usage: start-floor LOWERDIR SCRATCHDIR (as root). Exits with the
 * container's code, 125 when a step fails (naming it on stderr). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct init_args {
	const char *lower, *upper, *work, *merged;
	int errfd;
};

static void __attribute__((noreturn)) fail(int fd, const char *what)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "start-floor: %s: %s\n", what, strerror(errno));

	if (write(fd, msg, (size_t)n) < 0) {
		/* nowhere else to say it */
	}
	_exit(125);
}

static int init_main(void *p)
{
	struct init_args *a = p;
	char opts[4096];
	char *argv[] = { "/bin/true", NULL }, *envp[] = { NULL };

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail(a->errfd, "make / private");
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", a->lower, a->upper, a->work);
	if (mount("overlay", a->merged, "overlay", 0, opts) < 0)
		fail(a->errfd, "mount overlay");
	if (chdir(a->merged) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		fail(a->errfd, "pivot_root");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail(a->errfd, "mount /proc");
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID, "mode=755") < 0)
		fail(a->errfd, "mount /dev");
	execve(argv[0], argv, envp);
	fail(a->errfd, "execve /bin/true");
}

/* overlay's work dir holds one empty dir of its own */
static void rm_work_dir(const char *work)
{
	char inner[4200];

	snprintf(inner, sizeof(inner), "%s/work", work);
	rmdir(inner);
	rmdir(work);
}

int main(int argc, char **argv)
{
	char base[4096], upper[4200], work[4200], merged[4200];
	int pipefd[2], code = 125;
	pid_t mon;
	static char stack[256 * 1024];

	if (argc != 3) {
		fprintf(stderr, "usage: start-floor LOWERDIR SCRATCHDIR\n");
		return 2;
	}
	if (pipe(pipefd) < 0)
		return 125;
	mon = fork();
	if (mon < 0)
		return 125;
	if (mon == 0) {
		struct init_args a;
		int st;
		pid_t init;
		unsigned char c;

		close(pipefd[0]);
		snprintf(base, sizeof(base), "%s/run-%d", argv[2], (int)getpid());
		snprintf(upper, sizeof(upper), "%s/upper", base);
		snprintf(work, sizeof(work), "%s/work", base);
		snprintf(merged, sizeof(merged), "%s/merged", base);
		if (mkdir(base, 0700) < 0 || mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0 ||
		    mkdir(merged, 0755) < 0)
			fail(2, "make the container's dirs");
		a = (struct init_args){ argv[1], upper, work, merged, 2 };
		init = clone(init_main, stack + sizeof(stack),
			     CLONE_VM | CLONE_VFORK | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
				     CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD,
			     &a);
		if (init < 0)
			fail(2, "clone the init");
		while (waitpid(init, &st, 0) < 0 && errno == EINTR)
			;
		c = WIFEXITED(st) ? (unsigned char)WEXITSTATUS(st) : 125;
		if (write(pipefd[1], &c, 1) != 1)
			_exit(125);
		close(pipefd[1]);
		rmdir(upper);
		rm_work_dir(work);
		rmdir(merged);
		rmdir(base);
		_exit(0);
	}
	close(pipefd[1]);
	{
		unsigned char c;
		if (read(pipefd[0], &c, 1) == 1)
			code = c;
	}
	/* like tug's CLI: the exit code is out, the monitor's clean-up is not
	 * waited for (it is reaped when it is done, or by init) */
	waitpid(mon, NULL, WNOHANG);
	return code;
}
