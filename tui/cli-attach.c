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
		/* pipe full: the proxy is behind by 4096 signals already */
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
	a->pipe[0] = a->pipe[1] = -1;
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

static void *proxy_main(void *arg)
{
	struct cli_attach *a = arg;
	struct tug_endpoint *ep = NULL;
	unsigned char sig;

	/* started: from here on this thread allocates only after a signal */
	sem_post(&a->ready);

	for (;;) {
		ssize_t n = read(a->pipe[0], &sig, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || sig == 0)
			break;
		struct tug_err err = { 0 };
		struct tug_action_opts o = { .timeout_s = -1, .signal = sig };
		if (!ep && backend_open_runtime(a->root, a->runroot, &ep, &err) < 0) {
			ep = NULL;
			continue;
		}
		/* the container may be gone already: nothing to tell anyone */
		backend_action(ep, TUG_CONTAINER, a->id, TUG_ACT_KILL, &o, &err);
	}
	backend_close(ep);
	return NULL;
}

int cli_attach_proxy(struct cli_attach *a, struct cli *c, const char *id, struct tug_err *err)
{
	if (pipe2(a->pipe, O_CLOEXEC) < 0)
		return tug_errno(err, "signal proxy pipe");
	snprintf(a->id, sizeof(a->id), "%s", id);
	a->root = c->root;
	a->runroot = c->runroot;
	sem_init(&a->ready, 0, 0);
	if (pthread_create(&a->thread, NULL, proxy_main, a) != 0) {
		sem_destroy(&a->ready);
		close(a->pipe[0]);
		close(a->pipe[1]);
		a->pipe[0] = a->pipe[1] = -1;
		return tug_errf(err, TUG_E_GENERIC, "cannot start the signal proxy thread");
	}
	/* The attached call forks the container's monitor. A child forked
	 * while another thread is still starting up can inherit a lock that
	 * thread holds (ASan's allocator does not guard fork) and hang: let
	 * the thread settle in its read first. */
	while (sem_wait(&a->ready) < 0 && errno == EINTR)
		;
	fcntl(a->pipe[1], F_SETFL, O_NONBLOCK);
	g_proxy_fd = a->pipe[1];
	set_handlers(on_proxied);
	a->proxying = 1;
	return 0;
}

void cli_attach_end(struct cli_attach *a)
{
	if (a->proxying) {
		unsigned char stop = 0;
		/* while still raw, a fatal signal must restore the terminal */
		if (a->raw)
			set_handlers(on_fatal);
		else
			reset_handlers();
		g_proxy_fd = -1;
		fcntl(a->pipe[1], F_SETFL, 0);
		if (write(a->pipe[1], &stop, 1) < 0)
			close(a->pipe[1]), a->pipe[1] = -1;
		pthread_join(a->thread, NULL);
		sem_destroy(&a->ready);
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
