/* cli-attach.h - the CLI attached to a process in a container (run without
 * -d, start -a, exec): the caller's stdio for the backend, the terminal
 * in raw mode for -it (restored on every way out, fatal signals and
 * exit() included), and docker's sig-proxy: signals the CLI receives are
 * sent to the container with backend_action(KILL, signal).
 *
 * The proxy runs on its own thread with its own endpoint (an endpoint is
 * used by one thread at a time, and the main thread is blocked in the
 * attached call); the endpoint is opened on the first signal, so a run
 * that gets none pays only for the thread. */
#ifndef TUG_CLI_ATTACH_H
#define TUG_CLI_ATTACH_H

#include <pthread.h>
#include <semaphore.h>
#include <termios.h>
#include "backend.h"
#include "cli.h"

struct cli_attach {
	int raw;                 /* stdin was put in raw mode */
	struct termios saved;
	int proxying;
	int pipe[2];             /* signal handler -> proxy thread */
	pthread_t thread;
	sem_t ready;             /* the proxy thread is up and waiting */
	const char *root, *runroot;
	char id[65];
};

/* Check that what is asked can be attached: -i -t needs stdin to be a
 * terminal. -1 with err otherwise (before anything is created). */
int cli_attach_check(int interactive, int tty, struct tug_err *err);

/* Fill io with the caller's stdio (stdin only when interactive) and, for
 * -i -t on a terminal, put stdin in raw mode. Call cli_attach_end after. */
void cli_attach_begin(struct cli_attach *a, int interactive, int tty, struct tug_stdio *io);

/* Forward HUP, INT, QUIT, TERM, USR1 and USR2 to container id until
 * cli_attach_end. Returns -1 with err when the thread cannot start. */
int cli_attach_proxy(struct cli_attach *a, struct cli *c, const char *id, struct tug_err *err);

/* Stop forwarding, restore the signal handlers and the terminal. */
void cli_attach_end(struct cli_attach *a);

#endif
