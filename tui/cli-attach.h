/* cli-attach.h - the CLI attached to a process in a container (run without
 * -d, start -a, exec): the caller's stdio for the backend, the terminal
 * in raw mode for -it (restored on every way out, fatal signals and
 * exit() included), and docker's sig-proxy: signals the CLI receives are
 * sent to the container with backend_action(KILL, signal).
 *
 * The proxy is a pipe: the signal handlers write the signal's number to
 * it and the attached call (io->sigpipe) forwards what it reads, so a run
 * that gets no signal pays for one pipe, not a thread. */
#ifndef TUG_CLI_ATTACH_H
#define TUG_CLI_ATTACH_H

#include <termios.h>
#include "backend.h"
#include "cli.h"

struct cli_attach {
	int raw;                 /* stdin was put in raw mode */
	struct termios saved;
	int proxying;
	int pipe[2];             /* signal handlers -> io->sigpipe */
	struct tug_stdio *io;    /* what cli_attach_begin filled */
};

/* Check that what is asked can be attached: -i -t needs stdin to be a
 * terminal. -1 with err otherwise (before anything is created). */
int cli_attach_check(int interactive, int tty, struct tug_err *err);

/* Fill io with the caller's stdio (stdin only when interactive) and, for
 * -i -t on a terminal, put stdin in raw mode. Call cli_attach_end after. */
void cli_attach_begin(struct cli_attach *a, int interactive, int tty, struct tug_stdio *io);

/* Forward HUP, INT, QUIT, TERM, USR1 and USR2 to the container through
 * the io of cli_attach_begin (its sigpipe) until cli_attach_end. Returns
 * -1 with err when the pipe cannot be made. */
int cli_attach_proxy(struct cli_attach *a, struct tug_err *err);

/* Stop forwarding, restore the signal handlers and the terminal. */
void cli_attach_end(struct cli_attach *a);

#endif
