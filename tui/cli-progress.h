/* cli-progress.h - registry progress events (backend.h, struct
 * tug_registry_opts) drawn as docker draws them: on a terminal one line
 * per layer redrawn in place with a bar, bytes and rate; otherwise one
 * plain line per state change, so logs stay readable. */
#ifndef TUG_CLI_PROGRESS_H
#define TUG_CLI_PROGRESS_H

#include <stdint.h>
#include <stdio.h>
#include "backend.h"

struct cli_progress_row;

struct cli_progress {
	FILE *f;
	int tty;                  /* redraw lines in place */
	int quiet;                /* print nothing */
	int width;                /* terminal columns */
	struct cli_progress_row *rows;
	size_t nrows;
	size_t lines;             /* lines printed since the first row */
};

/* Draw on f (a terminal gets bars); quiet drops everything. */
void cli_progress_init(struct cli_progress *p, FILE *f, int quiet);
/* A tug_progress_cb: pass the struct cli_progress as its ctx. */
void cli_progress_event(void *ctx, const char *id, const char *what, int64_t done,
			int64_t total);
void cli_progress_release(struct cli_progress *p);

/* Fill o for a registry operation reported through p. */
void cli_progress_opts(struct cli_progress *p, struct tug_registry_opts *o);

/* Ctrl-C and SIGTERM set *flag (for tug_registry_opts.cancel) instead of
 * killing tug at once; a second one kills. */
void cli_cancel_on_signals(volatile int *flag);

#endif
