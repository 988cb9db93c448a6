/* streams.c - the console's streams: the log of the selected object and
 * the live list (watch) of the active view. The worker opens them (that
 * may touch disk or network); the loop pumps them when their fd is ready
 * or their timer is due, a bounded amount per turn.
 *
 * A stream belongs to its endpoint and must be closed before it. So an
 * endpoint switch waits until no stream is being opened, closes the open
 * ones, and only then asks the worker to switch. */
#include "console.h"
#include "util/str.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines taken per pump: a chatty container must not starve the keyboard. */
#define LOG_LINES_PER_PUMP 2000

static void logs_close(struct console *c)
{
	tug_logs_close(c->ls.logs);
	c->ls.logs = NULL;
	c->ls.more = 0;
}

static void watch_close(struct console *c)
{
	struct watchstream *ws = &c->ws;

	if (ws->w) {
		tug_watch_close(ws->w);
		ws->w = NULL;
		/* the view goes back to polling */
		if (ws->view >= 0 && ws->view < c->nviews && c->views[ws->view]->watch_event)
			c->views[ws->view]->watch_event(c, c->vstate[ws->view], NULL);
	}
	ws->view = -1;
	ws->tag++;
}

void streams_close(struct console *c)
{
	logs_close(c);
	watch_close(c);
}

static void stream_submit(struct console *c, struct job *j)
{
	c->stream_jobs++;
	console_submit(c, j);
}

/* The pane starts over: the stream closed, its lines cleared, an open
 * still in flight not wanted any more; a new one opens at open_at. */
static void logs_restart(struct console *c, int64_t open_at)
{
	struct logstream *ls = &c->ls;

	logs_close(c);
	ls->ended = 0;
	ls->err[0] = 0;
	ls->tag++;
	ls->pending = 0;
	logview_clear(&ls->lv);
	ls->open_at = open_at;
	c->dirty |= D_MAIN;
}

void console_follow_logs(struct console *c, enum tug_kind kind, const char *id, const char *name,
			 int running)
{
	struct logstream *ls = &c->ls;

	if (id && ls->id && !strcmp(ls->id, id) && ls->kind == kind) {
		/* same object: reopen only when its stream ended and it runs
		 * again (a previous instance's log ends by itself: it stays) */
		if (!(ls->ended && running && !ls->pending && !ls->previous))
			return;
	}
	/* a container and an instance are one pod's; since holds for all */
	if (!id || !ls->id || strcmp(ls->id, id) || ls->kind != kind) {
		free(ls->container);
		ls->container = NULL;
		ls->previous = 0;
	}
	free(ls->id);
	free(ls->name);
	ls->id = id ? xstrdup(id) : NULL;
	ls->name = name ? xstrdup(name) : NULL;
	ls->kind = kind;
	/* wait for the selection to settle: scrolling through rows must not
	 * open a stream per row */
	logs_restart(c, id ? mono_ns() + 150 * 1000000LL : 0);
}

void console_reopen_logs(struct console *c)
{
	if (c->ls.id)
		logs_restart(c, mono_ns());
}

static void logs_open_now(struct console *c)
{
	struct logstream *ls = &c->ls;
	struct job *j;

	ls->open_at = 0;
	if (c->switch_to)
		return; /* the endpoint is going away */
	j = job_new(JOB_LOGS, -1, ls->kind, ls->id);
	/* a previous instance has ended: its log is all there is */
	j->logopts.follow = !ls->previous;
	j->logopts.tail = c->cfg.log_lines;
	j->logopts.previous = ls->previous;
	j->logopts.since_ns = ls->since_ns;
	j->ctx = ls->container ? xstrdup(ls->container) : NULL; /* the job owns its copy */
	j->tag = ls->tag;
	ls->pending = 1;
	stream_submit(c, j);
}

static int log_line_cb(void *ctx, const struct tug_log_line *l)
{
	struct console *c = ctx;

	logview_append(&c->ls.lv, l);
	return ++c->ls.pumped >= LOG_LINES_PER_PUMP;
}

static void logs_pump(struct console *c)
{
	struct logstream *ls = &c->ls;
	struct tug_err err = { 0 };
	int rc;

	if (!ls->logs)
		return;
	ls->pumped = 0;
	rc = tug_logs_pump(ls->logs, log_line_cb, c, &err);
	/* stopped early: the rest comes on the next turn of the loop */
	ls->more = ls->pumped >= LOG_LINES_PER_PUMP;
	if (rc != 0) {
		if (rc < 0)
			snprintf(ls->err, sizeof(ls->err), "%s", err.msg);
		logs_close(c);
		ls->ended = 1;
	}
	c->dirty |= D_MAIN;
}

void console_watch_view(struct console *c, int view)
{
	struct watchstream *ws = &c->ws;
	struct job *j;

	if (ws->view == view && (ws->w || ws->pending))
		return;
	watch_close(c);
	if (ws->unsupported || c->switch_to || c->bench_rows || view < 0 || view >= c->nviews ||
	    !c->views[view]->watch_event)
		return;
	j = job_new(JOB_WATCH, view, c->views[view]->kind, NULL);
	j->all = 1;
	j->tag = ws->tag;
	ws->view = view;
	ws->pending = 1;
	stream_submit(c, j);
}

static void watch_cb(void *ctx, struct tug_watch_event *ev)
{
	struct console *c = ctx;

	c->views[c->ws.view]->watch_event(c, c->vstate[c->ws.view], ev);
}

static void watch_pump(struct console *c)
{
	struct watchstream *ws = &c->ws;
	struct tug_err err = { 0 };

	if (!ws->w)
		return;
	if (tug_watch_pump(ws->w, watch_cb, c, &err) < 0) {
		console_status(c, ST_WARN, "%s; refreshing by polling instead", err.msg);
		watch_close(c);
	}
	c->dirty |= D_MAIN;
}

/* Start the endpoint switch once no stream is being opened. */
static void maybe_switch(struct console *c)
{
	struct job *j;

	if (!c->switch_to || c->stream_jobs > 0)
		return;
	j = job_new(JOB_ENDPOINT, -1, TUG_CONTAINER, NULL);
	j->ctx = c->switch_to;
	c->switch_to = NULL;
	j->kubeconfig = c->cli->kubeconfig ? xstrdup(c->cli->kubeconfig) : NULL;
	j->root = c->cli->root ? xstrdup(c->cli->root) : NULL;
	j->runroot = c->cli->runroot ? xstrdup(c->cli->runroot) : NULL;
	j->readonly = c->readonly;
	/* results of jobs queued before this one belong to the old endpoint */
	c->gen++;
	console_submit(c, j);
}

void console_switch_endpoint(struct console *c, const char *ctx)
{
	free(c->switch_to);
	c->switch_to = xstrdup(ctx);
	streams_close(c);
	c->ls.tag++;
	console_status(c, ST_INFO, "connecting to %s...", ctx);
	maybe_switch(c);
}

void streams_endpoint_changed(struct console *c)
{
	c->ws.unsupported = 0;
	console_follow_logs(c, TUG_CONTAINER, NULL, NULL, 0);
}

int streams_job(struct console *c, struct job *j)
{
	if (j->type != JOB_LOGS && j->type != JOB_WATCH)
		return 0;
	c->stream_jobs--;
	if (c->switch_to || j->gen != c->gen) {
		/* not wanted any more; job_free closes it while its endpoint lives */
		maybe_switch(c);
		return 1;
	}
	if (j->type == JOB_LOGS) {
		struct logstream *ls = &c->ls;
		if (j->tag != ls->tag)
			return 1; /* the selection moved on */
		ls->pending = 0;
		if (j->rc < 0) {
			snprintf(ls->err, sizeof(ls->err), "%s", j->err.msg);
			ls->ended = 1;
		} else {
			ls->logs = j->logs;
			j->logs = NULL;
			logs_pump(c);
		}
	} else {
		struct watchstream *ws = &c->ws;
		if (j->tag != ws->tag)
			return 1; /* the view changed meanwhile */
		ws->pending = 0;
		if (j->rc < 0) {
			/* no live lists here (the local runtime): polling it is */
			if (j->err.code == TUG_E_UNSUPPORTED)
				ws->unsupported = 1;
			else
				console_status(c, ST_WARN, "%s; refreshing by polling instead", j->err.msg);
			ws->view = -1;
			c->next_refresh = 0; /* the view waited for it: list now */
		} else {
			ws->w = j->watch;
			j->watch = NULL;
			watch_pump(c);
		}
	}
	c->dirty |= D_MAIN;
	return 1;
}

int streams_pollfds(struct console *c, struct pollfd *fds, int *lfd_idx, int *wfd_idx)
{
	int n = 0, fd;

	*lfd_idx = *wfd_idx = -1;
	if (c->ls.logs && (fd = tug_logs_fd(c->ls.logs)) >= 0) {
		*lfd_idx = n;
		fds[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	}
	if (c->ws.w && (fd = tug_watch_fd(c->ws.w)) >= 0) {
		*wfd_idx = n;
		fds[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	}
	return n;
}

int64_t streams_deadline(struct console *c, int64_t now)
{
	int64_t t = 0;
	int ms;

	if (c->ls.more)
		return now;
	if (c->ls.logs && (ms = tug_logs_timeout_ms(c->ls.logs)) >= 0)
		t = now + (int64_t)ms * 1000000;
	if (c->ws.w && (ms = tug_watch_timeout_ms(c->ws.w)) >= 0 &&
	    (!t || now + (int64_t)ms * 1000000 < t))
		t = now + (int64_t)ms * 1000000;
	if (c->ls.open_at && (!t || c->ls.open_at < t))
		t = c->ls.open_at;
	return t;
}

void streams_run(struct console *c, int64_t now, int logs_ready, int watch_ready)
{
	if (c->ls.logs && (logs_ready || c->ls.more || (c->ls.due && now >= c->ls.due)))
		logs_pump(c);
	if (c->ws.w && (watch_ready || (c->ws.due && now >= c->ws.due)))
		watch_pump(c);
	/* the next timed pump, for streams that ask for one */
	int ms;
	c->ls.due = c->ls.logs && (ms = tug_logs_timeout_ms(c->ls.logs)) >= 0 ? now + (int64_t)ms * 1000000 : 0;
	c->ws.due = c->ws.w && (ms = tug_watch_timeout_ms(c->ws.w)) >= 0 ? now + (int64_t)ms * 1000000 : 0;
	if (c->ls.open_at && now >= c->ls.open_at)
		logs_open_now(c);
}
