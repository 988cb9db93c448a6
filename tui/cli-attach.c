/* cli-attach.c - raw terminal mode and the signal proxy for attached runs. */
#include "cli-attach.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const int proxied[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2 };
#define NPROXIED (sizeof(proxied) / sizeof(proxied[0]))

/* The one terminal state to restore, for atexit and fatal signals. */
static struct termios g_saved;
static volatile sig_atomic_t g_raw;
static int g_atexit_done;
static struct sigaction g_old[NPROXIED];
static int g_handlers_set;
static int g_proxy_fd = -1;

static void restore_tty(void)
{
	if (g_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved);
		g_raw = 0;
	}
}

/* A terminating signal while raw and not proxying: restore, then die of
 * the same signal so the caller sees the usual status. */
static void on_fatal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_proxied(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (g_proxy_fd >= 0 && write(g_proxy_fd, &b, 1) < 0) {
		/* pipe full: the attached call is behind by 4096 signals */
	}
	errno = saved;
}

static void set_handlers(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NPROXIED; i++)
		sigaction(proxied[i], &sa, g_handlers_set ? NULL : &g_old[i]);
	g_handlers_set = 1;
}

static void reset_handlers(void)
{
	if (!g_handlers_set)
		return;
	for (size_t i = 0; i < NPROXIED; i++)
		sigaction(proxied[i], &g_old[i], NULL);
	g_handlers_set = 0;
}

int cli_attach_check(int interactive, int tty, struct tug_err *err)
{
	if (interactive && tty && !isatty(STDIN_FILENO))
		return tug_errf(err, TUG_E_INVALID,
				"the input device is not a TTY: drop -t, or run from a terminal");
	return 0;
}

void cli_attach_begin(struct cli_attach *a, int interactive, int tty, struct tug_stdio *io)
{
	memset(a, 0, sizeof(*a));
	memset(io, 0, sizeof(*io));
	a->pipe[0] = a->pipe[1] = -1;
	a->io = io;
	io->in = interactive ? STDIN_FILENO : -1;
	io->out = STDOUT_FILENO;
	io->err = STDERR_FILENO;
	io->tty = tty;
	if (!(interactive && tty) || tcgetattr(STDIN_FILENO, &a->saved) < 0)
		return;
	struct termios raw = a->saved;
	cfmakeraw(&raw);
	g_saved = a->saved;
	if (!g_atexit_done) {
		atexit(restore_tty);
		g_atexit_done = 1;
	}
	g_raw = 1;
	set_handlers(on_fatal);
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) < 0) {
		g_raw = 0;
		reset_handlers();
		return;
	}
	a->raw = 1;
}

int cli_attach_proxy(struct cli_attach *a, struct tug_err *err)
{
	int fd;

	if (pipe2(a->pipe, O_CLOEXEC) < 0)
		return tug_errno(err, "signal proxy pipe");
	/* sigpipe 0 means none: keep the read end off stdin's number even
	 * when the CLI was started with stdin closed */
	if (a->pipe[0] == 0) {
		fd = fcntl(a->pipe[0], F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			tug_errno(err, "signal proxy pipe");
			close(a->pipe[0]);
			close(a->pipe[1]);
			a->pipe[0] = a->pipe[1] = -1;
			return -1;
		}
		close(a->pipe[0]);
		a->pipe[0] = fd;
	}
	/* a handler never blocks: a full pipe drops the signal */
	fcntl(a->pipe[1], F_SETFL, O_NONBLOCK);
	g_proxy_fd = a->pipe[1];
	set_handlers(on_proxied);
	a->io->sigpipe = a->pipe[0];
	a->proxying = 1;
	return 0;
}

void cli_attach_end(struct cli_attach *a)
{
	if (a->proxying) {
		/* while still raw, a fatal signal must restore the terminal */
		if (a->raw)
			set_handlers(on_fatal);
		else
			reset_handlers();
		g_proxy_fd = -1;
		a->io->sigpipe = 0;
		a->proxying = 0;
	}
	if (a->pipe[0] >= 0)
		close(a->pipe[0]);
	if (a->pipe[1] >= 0)
		close(a->pipe[1]);
	a->pipe[0] = a->pipe[1] = -1;
	if (a->raw) {
		restore_tty();
		a->raw = 0;
	}
	reset_handlers();
}
