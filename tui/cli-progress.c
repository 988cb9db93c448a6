/* cli-progress.c - see cli-progress.h. */
#include "cli-progress.h"
#include "util/str.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BAR 40

struct cli_progress_row {
	char id[24];
	char status[96];
	int64_t done, total;
	int64_t t0, d0;           /* when and where "Downloading" began: the rate */
	size_t line;              /* its line, counted from the first row */
};

void cli_progress_init(struct cli_progress *p, FILE *f, int quiet)
{
	struct winsize ws;

	memset(p, 0, sizeof(*p));
	p->f = f;
	p->quiet = quiet;
	p->tty = isatty(fileno(f)) && getenv("TERM") && strcmp(getenv("TERM"), "dumb");
	p->width = 80;
	if (p->tty && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		p->width = ws.ws_col;
}

void cli_progress_release(struct cli_progress *p)
{
	free(p->rows);
	p->rows = NULL;
	p->nrows = 0;
}

void cli_progress_opts(struct cli_progress *p, struct tug_registry_opts *o)
{
	o->progress = cli_progress_event;
	o->ctx = p;
}

static int is_progress(const char *what)
{
	return !strcmp(what, "Downloading") || !strcmp(what, "Extracting") ||
	       !strcmp(what, "Pushing");
}

static void render(const struct cli_progress *p, const struct cli_progress_row *r, char *out,
		   size_t size)
{
	char a[32], b[32], rate[32], tail[128] = "", bar[BAR + 1];
	int n, room, fill;

	n = snprintf(out, size, "%s: %s", r->id, r->status);
	if (r->done < 0 || !is_progress(r->status) || (size_t)n >= size)
		return;
	if (r->total > 0)
		snprintf(tail, sizeof(tail), " %s/%s", fmt_size(a, sizeof(a), (double)r->done),
			 fmt_size(b, sizeof(b), (double)r->total));
	else
		snprintf(tail, sizeof(tail), " %s", fmt_size(a, sizeof(a), (double)r->done));
	if (r->t0) {
		double secs = (double)(mono_ns() - r->t0) / 1e9;
		if (secs > 0.2)
			snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail), "  %s/s",
				 fmt_size(rate, sizeof(rate), (double)(r->done - r->d0) / secs));
	}
	/* the bar takes what the terminal has left: a wrapped line would
	   break the redraw */
	room = p->width - 1 - n - (int)strlen(tail) - 3;
	if (room > BAR)
		room = BAR;
	if (r->total > 0 && room >= 10) {
		fill = (int)(r->done * room / r->total);
		if (fill > room)
			fill = room;
		memset(bar, ' ', (size_t)room);
		memset(bar, '=', (size_t)fill);
		if (fill < room)
			bar[fill] = '>';
		bar[room] = '\0';
		n += snprintf(out + n, size - (size_t)n, " [%s]", bar);
	}
	if ((size_t)n < size)
		snprintf(out + n, size - (size_t)n, "%s", tail);
	if (p->tty && strlen(out) >= (size_t)p->width)
		out[p->width - 1] = '\0';
}

/* The row of id; a new one (status "") when id is new, *created = 1. */
static struct cli_progress_row *get_row(struct cli_progress *p, const char *id, int *created)
{
	struct cli_progress_row *r;

	*created = 0;
	for (size_t i = 0; i < p->nrows; i++)
		if (!strcmp(p->rows[i].id, id))
			return &p->rows[i];
	p->rows = xrealloc(p->rows, (p->nrows + 1) * sizeof(*p->rows));
	r = &p->rows[p->nrows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	*created = 1;
	return r;
}

static void tty_event(struct cli_progress *p, const char *id, const char *what, int64_t done,
		      int64_t total)
{
	struct cli_progress_row *r;
	char line[512];
	int created;

	if (!id) {
		fprintf(p->f, "%s\n", what);
		if (p->nrows)
			p->lines++;
		return;
	}
	r = get_row(p, id, &created);
	if (created) {
		r->line = p->lines++;
		snprintf(r->status, sizeof(r->status), "%s", what);
		r->done = done;
		r->total = total;
		render(p, r, line, sizeof(line));
		fprintf(p->f, "%s\n", line);
		return;
	}
	if (is_progress(what) && strcmp(r->status, what)) {
		r->t0 = mono_ns();
		r->d0 = done;
	}
	snprintf(r->status, sizeof(r->status), "%s", what);
	r->done = done;
	r->total = total;
	render(p, r, line, sizeof(line));
	/* up to the row, redraw it, back down */
	fprintf(p->f, "\033[%zuA\r\033[2K%s\r\033[%zuB", p->lines - r->line, line,
		p->lines - r->line);
}

void cli_progress_event(void *ctx, const char *id, const char *what, int64_t done,
			int64_t total)
{
	struct cli_progress *p = ctx;
	struct cli_progress_row *r;
	char a[32];
	int created;

	if (p->quiet)
		return;
	if (p->tty) {
		tty_event(p, id, what, done, total);
		fflush(p->f);
		return;
	}
	if (!id) {
		fprintf(p->f, "%s\n", what);
		fflush(p->f);
		return;
	}
	/* plain output: one line per state change, no byte counts */
	r = get_row(p, id, &created);
	if (!created && !strcmp(r->status, what))
		return;
	snprintf(r->status, sizeof(r->status), "%s", what);
	if (!strcmp(what, "Resuming"))
		fprintf(p->f, "%s: Resuming from %s\n", id, fmt_size(a, sizeof(a), (double)done));
	else if (!is_progress(what))
		fprintf(p->f, "%s: %s\n", id, what);
	fflush(p->f);
}

static volatile int *cancel_flag;

static void on_signal(int sig)
{
	if (*cancel_flag) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	*cancel_flag = 1;
}

void cli_cancel_on_signals(volatile int *flag)
{
	struct sigaction sa;

	cancel_flag = flag;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
