/* console.c - `tug` with no subcommand: the event loop and what it
 * dispatches. The loop polls stdin, the signal self-pipe, the worker's
 * result pipe and the log stream, runs timers, and renders once per
 * iteration whatever was marked dirty (wnoutrefresh + one doupdate).
 * Idle, it wakes once a second for the clock and the stats sample. */
#include "console.h"
#include "util/str.h"
#include "util/yaml.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const struct view_ops *const all_views[] = {
	&view_containers, &view_images, &view_networks, &view_volumes, &view_pods,
	&view_deployments, &view_statefulsets, &view_daemonsets, &view_nodes,
	/* no number key: `:` commands open them */
	&view_replicasets, &view_services, &view_events, &view_namespaces,
};

void console_dirty(struct console *c, unsigned what)
{
	c->dirty |= what;
}

void console_status(struct console *c, enum status_level l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->status_msg, sizeof(c->status_msg), fmt, ap);
	va_end(ap);
	/* a message is one line: newlines would tear the status bar */
	for (char *p = c->status_msg; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	c->status_level = l;
	c->status_until = mono_ns() + (l >= ST_WARN ? 10 : 5) * 1000000000LL;
	c->dirty |= D_STATUS;
}

void console_submit(struct console *c, struct job *j)
{
	j->gen = c->gen;
	if ((j->type == JOB_LIST || j->type == JOB_WATCH) && c->ns && !j->ns)
		j->ns = xstrdup(c->ns);
	worker_submit(c->wk, j);
}

void console_switch_view(struct console *c, int index)
{
	if (index < 0 || index >= c->nviews || index == c->view)
		return;
	c->view = index;
	if (c->mode == MODE_FILTER)
		c->mode = MODE_NORMAL;
	console_watch_view(c, index);
	/* show fresh data: refresh now rather than at the next tick */
	if (c->views[index]->tick)
		c->views[index]->tick(c, c->vstate[index], TICK_REFRESH);
	c->dirty |= D_ALL;
}

int console_refuse_readonly(struct console *c, const char *what)
{
	if (!c->readonly)
		return 0;
	console_status(c, ST_WARN, "read-only: %s refused (started with --readonly or readonly: true)", what);
	return 1;
}

void console_set_counts(struct console *c, int running, int total)
{
	if (c->ctr_running != running || c->ctr_total != total || !c->ctr_known)
		c->dirty |= D_HEADER;
	c->ctr_running = running;
	c->ctr_total = total;
	c->ctr_known = 1;
}

void console_set_host(struct console *c, const struct host_sample *h)
{
	if (!h->valid)
		return;
	if (c->host.valid && h->cpu_total > c->host.cpu_total)
		c->host_cpu = (double)(h->cpu_busy - c->host.cpu_busy) /
			      (double)(h->cpu_total - c->host.cpu_total) * 100.0;
	c->host_prev = c->host;
	c->host = *h;
	c->dirty |= D_HEADER;
}

static const char *act_verb(enum tug_action a)
{
	switch (a) {
	case TUG_ACT_START: return "start";
	case TUG_ACT_STOP: return "stop";
	case TUG_ACT_RESTART: return "restart";
	case TUG_ACT_KILL: return "kill";
	case TUG_ACT_REMOVE: return "remove";
	case TUG_ACT_PAUSE: return "pause";
	case TUG_ACT_UNPAUSE: return "unpause";
	case TUG_ACT_SCALE: return "scale";
	case TUG_ACT_ROLLOUT_RESTART: return "rollout restart";
	case TUG_ACT_CORDON: return "cordon";
	case TUG_ACT_UNCORDON: return "uncordon";
	}
	return "act on";
}

static void pending_clear(struct pending_action *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->refs[i]);
	free(p->refs);
	memset(p, 0, sizeof(*p));
}

static void submit_actions(struct console *c, const struct pending_action *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct job *j = job_new(JOB_ACTION, p->view, p->kind, p->refs[i]);
		j->act = p->act;
		j->aopts = p->opts;
		console_submit(c, j);
		/* the view shows a spinner until the result comes back */
		if (c->views[p->view]->mark_busy)
			c->views[p->view]->mark_busy(c->vstate[p->view], p->refs[i]);
	}
}

void console_action(struct console *c, int view, enum tug_kind kind, enum tug_action act,
		    const struct tug_action_opts *o, char **refs, char **names, size_t n)
{
	struct pending_action p = { 0 };
	char msg[900];
	size_t off = 0;

	if (!n) {
		console_status(c, ST_WARN, "nothing selected");
		return;
	}
	if (c->readonly) {
		console_refuse_readonly(c, act_verb(act));
		return;
	}
	p.view = view;
	p.kind = kind;
	p.act = act;
	p.opts = o ? *o : (struct tug_action_opts){ .timeout_s = -1 };
	p.refs = xcalloc(n, sizeof(char *));
	p.n = n;
	for (size_t i = 0; i < n; i++)
		p.refs[i] = xstrdup(refs[i]);
	if (act != TUG_ACT_REMOVE) {
		submit_actions(c, &p);
		console_status(c, ST_INFO, "%s %s%s...", act_verb(act), names[0],
			       n > 1 ? " and others" : "");
		pending_clear(&p);
		return;
	}
	/* removing asks first */
	off += (size_t)snprintf(msg + off, sizeof(msg) - off, "Remove %s %s", n > 1 ? "these" : "the",
				tug_kind_name(kind));
	off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s", n > 1 ? "s" : "");
	for (size_t i = 0; i < n && off < sizeof(msg) - 64; i++)
		off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s%s", i ? ", " : " ", names[i]);
	snprintf(msg + off, sizeof(msg) - off, "?%s", p.opts.force ? "\nRunning ones are killed first." : "");
	pending_clear(&c->pend);
	c->pend = p;
	dialog_confirm(&c->dlg, "Remove", msg, "Remove");
	c->mode = MODE_DIALOG;
	c->dirty |= D_MAIN | D_STATUS;
}

/* What the dialog about to open will do, on refs (copied) of kind;
 * the console goes into dialog mode. */
static void pend_dialog(struct console *c, int view, enum prompt prompt, enum tug_kind kind, char *const *refs,
			size_t n)
{
	pending_clear(&c->pend);
	c->pend.view = view;
	c->pend.prompt = prompt;
	c->pend.kind = kind;
	c->pend.refs = n ? xcalloc(n, sizeof(char *)) : NULL;
	for (size_t i = 0; i < n; i++)
		c->pend.refs[i] = xstrdup(refs[i]);
	c->pend.n = n;
	c->mode = MODE_DIALOG;
	c->dirty |= D_MAIN | D_STATUS;
}

void console_rename(struct console *c, int view, const char *ref, const char *name)
{
	char msg[300];

	if (console_refuse_readonly(c, "rename"))
		return;
	pend_dialog(c, view, PROMPT_RENAME, TUG_CONTAINER, (char *const *)&ref, 1);
	snprintf(msg, sizeof(msg), "New name for %s:", name);
	dialog_prompt(&c->dlg, "Rename", msg, name);
}

/* Networks, volumes and images live in the local runtime's store; a
 * cluster endpoint has none to create or pull into. */
static int refuse_no_store(struct console *c, const char *what)
{
	if (strcmp(c->ep_kind, "kube"))
		return 0;
	console_status(c, ST_WARN, "%s: the cluster endpoint %s has no local store (:ctx local switches back)", what,
		       c->ep_name);
	return 1;
}

void console_create(struct console *c, int view, enum tug_kind kind)
{
	char msg[300], title[64];
	const char *what = kind == TUG_NETWORK ? "network" : "volume";

	snprintf(title, sizeof(title), "%s create", what);
	if (console_refuse_readonly(c, title) || refuse_no_store(c, title))
		return;
	pend_dialog(c, view, PROMPT_CREATE, kind, NULL, 0);
	snprintf(msg, sizeof(msg), "New %s, as `tug %s create` takes it:\n%s", what, what, create_spec_usage(kind));
	snprintf(title, sizeof(title), "Create %s", what);
	dialog_prompt(&c->dlg, title, msg, "");
}

void console_scale_prompt(struct console *c, int view, enum tug_kind kind, char **refs, size_t n, const char *name,
			  int current)
{
	char msg[300], now[32];

	if (console_refuse_readonly(c, "scale"))
		return;
	if (!n) {
		console_status(c, ST_WARN, "nothing selected");
		return;
	}
	pend_dialog(c, view, PROMPT_SCALE, kind, refs, n);
	c->pend.act = TUG_ACT_SCALE;
	c->pend.opts = (struct tug_action_opts){ .timeout_s = -1 };
	if (n > 1)
		snprintf(msg, sizeof(msg), "Replicas for %s and %zu more:", name, n - 1);
	else
		snprintf(msg, sizeof(msg), "Replicas for %s (now %d):", name, current);
	snprintf(now, sizeof(now), "%d", current);
	dialog_prompt(&c->dlg, "Scale", msg, now);
}

void console_pick_prompt(struct console *c, int view, const char *ref)
{
	pend_dialog(c, view, PROMPT_CONTAINER, TUG_POD, (char *const *)&ref, 1);
}

void console_pull_prompt(struct console *c, int view)
{
	if (console_refuse_readonly(c, "pull") || refuse_no_store(c, "pull"))
		return;
	pend_dialog(c, view, PROMPT_PULL, TUG_IMAGE, NULL, 0);
	dialog_prompt(&c->dlg, "Pull image", "Image to pull, NAME[:TAG|@DIGEST]\n(the pull goes on in the background):", "");
}

void console_pull(struct console *c, const char *ref)
{
	struct tug_err err = { 0 };

	if (console_refuse_readonly(c, "pull") || refuse_no_store(c, "pull"))
		return;
	if (!*ref) {
		console_status(c, ST_WARN, "pull: no image given (NAME[:TAG|@DIGEST])");
		return;
	}
	if (pulls_start(&c->pulls, c->cli->root, c->cli->runroot, ref, &err) < 0) {
		console_status(c, ST_ERROR, "%s", err.msg);
		return;
	}
	console_status(c, ST_INFO, "pulling %s in the background (Images view shows its progress)", ref);
	c->dirty |= D_MAIN;
}

/* Lists of kind are shown again now, not at the next refresh. */
static void refresh_kind(struct console *c, enum tug_kind kind)
{
	for (int i = 0; i < c->nviews; i++)
		if (c->views[i]->kind == kind && c->views[i]->tick)
			c->views[i]->tick(c, c->vstate[i], TICK_REFRESH);
}

/* Pulls that ended: say how, and show the new image. */
static void reap_pulls(struct console *c)
{
	struct pull_result r;

	while (pulls_reap(&c->pulls, &r)) {
		if (r.rc < 0) {
			console_status(c, ST_ERROR, "pull %s: %s", r.ref, r.err.msg);
		} else {
			const char *id = !strncmp(r.id, "sha256:", 7) ? r.id + 7 : r.id;
			console_status(c, ST_OK, "pulled %s (%.12s) in %.1f s", r.ref, id, (double)r.took_ns / 1e9);
		}
		refresh_kind(c, TUG_IMAGE);
		c->dirty |= D_MAIN;
	}
}

void console_open_logs_pager(struct console *c)
{
	if (!c->ls.id) {
		console_status(c, ST_WARN, "no logs to show: select a container");
		return;
	}
	pager_open_logs(c);
}

void console_inspect(struct console *c, int view, enum tug_kind kind, const char *ref)
{
	struct job *j = job_new(JOB_INSPECT, view, kind, ref);

	console_submit(c, j);
	console_status(c, ST_INFO, "inspecting %s...", ref);
}

void console_exec(struct console *c, enum tug_kind kind, const char *ref, const char *name)
{
	char *argv[] = { "/bin/sh", NULL };
	struct tug_exec_opts o = { .argv = argv, .tty = 1, .interactive = 1 };
	struct tug_stdio io = { .in = 0, .out = 1, .err = 2, .tty = 1 };
	struct tug_err err = { 0 };
	struct termios saved, raw;
	int code = 0, rc, have_tio;
	struct tug_endpoint *ep;

	if (console_refuse_readonly(c, "exec"))
		return;
	/* a pod: the container its log pane follows (C picks it) */
	if (kind == TUG_POD && c->ls.container && c->ls.id && !strcmp(c->ls.id, ref))
		o.container = c->ls.container;
	term_suspend(c);
	printf("tug: /bin/sh in %s %s%s%s; exit the shell to return to the console\r\n", tug_kind_name(kind), name,
	       o.container ? ", container " : "", o.container ? o.container : "");
	fflush(stdout);
	have_tio = tcgetattr(0, &saved) == 0;
	if (have_tio) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSADRAIN, &raw);
	}
	/* the endpoint is the worker's: wait for its current job */
	ep = worker_lock(c->wk);
	rc = backend_exec(ep, kind, ref, &o, &io, &code, &err);
	worker_unlock(c->wk);
	if (have_tio)
		tcsetattr(0, TCSADRAIN, &saved);
	term_resume(c);
	if (rc < 0)
		console_status(c, ST_ERROR, "exec in %s: %s", name, err.msg);
	else
		console_status(c, code ? ST_WARN : ST_OK, "shell in %s exited with %d", name, code);
	c->dirty |= D_ALL;
}

/* --- jobs coming back --- */

/* Where an endpoint opens: pods for a cluster, containers otherwise. */
static int home_view(struct console *c)
{
	if (strcmp(c->ep_kind, "kube"))
		return 0;
	for (int i = 0; i < c->nviews; i++)
		if (c->views[i]->kind == TUG_POD)
			return i;
	return 0;
}

/* Every view starts afresh (none waits for a reply that c->gen now
 * drops), on the view given, with its list asked for at once. */
static void restart_views(struct console *c, int view)
{
	for (int i = 0; i < c->nviews; i++) {
		c->views[i]->free(c->vstate[i]);
		c->vstate[i] = c->views[i]->init(c, i);
	}
	c->ctr_known = 0;
	c->view = view;
	/* the live list first: a view it feeds asks for no list of its own */
	console_watch_view(c, c->view);
	for (int i = 0; i < c->nviews; i++)
		if (c->views[i]->tick && (i == 0 || i == c->view)) {
			c->views[i]->tick(c, c->vstate[i], TICK_REFRESH);
			c->views[i]->tick(c, c->vstate[i], TICK_STATS);
		}
	c->dirty |= D_ALL;
}

static void endpoint_result(struct console *c, struct job *j)
{
	/* Results of jobs queued before the switch were dropped (c->gen moved
	 * on when it was asked for) */
	streams_endpoint_changed(c);
	if (j->rc == 0) {
		snprintf(c->ep_name, sizeof(c->ep_name), "%s", j->ep_name);
		snprintf(c->ep_kind, sizeof(c->ep_kind), "%s", j->ep_kind);
		snprintf(c->ep_ns, sizeof(c->ep_ns), "%s", j->ep_ns);
		/* a new context brings its own default namespace */
		free(c->ns);
		c->ns = NULL;
	}
	restart_views(c, j->rc == 0 ? home_view(c) : c->view);
	if (j->rc < 0)
		console_status(c, ST_ERROR, "%s", j->err.msg);
	else
		console_status(c, ST_OK, "switched to %s", c->ep_name);
}

void console_set_namespace(struct console *c, const char *ns)
{
	if (strcmp(c->ep_kind, "kube")) {
		console_status(c, ST_WARN, "namespaces are a cluster's: switch to one first (:ctx NAME)");
		return;
	}
	if (ns && (!strcmp(ns, "all") || !strcmp(ns, "-A") || !strcmp(ns, "*")))
		ns = "";
	free(c->ns);
	c->ns = ns ? xstrdup(ns) : NULL;
	/* lists of the old namespace still in flight are dropped */
	c->gen++;
	streams_close(c);
	c->ls.tag++;
	streams_endpoint_changed(c);
	restart_views(c, c->view);
	console_status(c, ST_OK, "namespace: %s", console_namespace(c));
}

const char *console_namespace(struct console *c)
{
	if (c->ns && !*c->ns)
		return "all";
	return c->ns ? c->ns : c->ep_ns[0] ? c->ep_ns : "default";
}

/* The object in the pager: YAML for cluster objects, as kubectl -o yaml
 * prints them; JSON, as docker inspect does, for the rest. */
static void open_inspect(struct console *c, struct job *j)
{
	char title[256];
	struct sbuf b = SBUF_INIT;
	struct tug_err err = { 0 };

	snprintf(title, sizeof(title), "%s %s", tug_kind_name(j->kind), j->ref);
	if (!strcmp(c->ep_kind, "kube") && yaml_emit(j->json, &b, &err) == 0) {
		sbuf_add(&b, "", 1);
		pager_open_text(c, title, b.s, PAGER_YAML);
	} else {
		char *text = json_dumps(j->json, JSON_INDENT(2) | JSON_SORT_KEYS);
		pager_open_text(c, title, text ? text : "null", PAGER_JSON);
		free(text);
	}
	sbuf_release(&b);
}

static void dispatch(struct console *c, struct job *j)
{
	if (j->type == JOB_ENDPOINT) {
		endpoint_result(c, j);
	} else if (streams_job(c, j)) {
		/* a log or watch stream: streams.c took it */
	} else if (j->gen != c->gen) {
		/* from the endpoint we just left */
	} else if (logopts_job(c, j)) {
		/* the container picker's pod */
	} else if (j->type == JOB_INSPECT) {
		if (j->rc < 0) {
			console_status(c, ST_ERROR, "%s", j->err.msg);
		} else {
			open_inspect(c, j);
			c->status_msg[0] = 0;
		}
	} else if (j->owner >= 0 && j->owner < c->nviews && c->views[j->owner]->update) {
		c->views[j->owner]->update(c, c->vstate[j->owner], j);
	}
	job_free(j);
}

/* --- keys --- */

static void start_input(struct console *c, enum mode m)
{
	struct table *t = c->views[c->view]->table ? c->views[c->view]->table(c->vstate[c->view]) : NULL;

	if (m == MODE_FILTER) {
		if (!t)
			return;
		snprintf(c->filter_before, sizeof(c->filter_before), "%s", t->filter ? t->filter : "");
		input_init(&c->in, c->filter_before, NULL, NULL);
	} else {
		input_init(&c->in, "", command_complete, c);
	}
	c->mode = m;
	c->dirty |= D_STATUS;
}

static void filter_key(struct console *c, int key)
{
	struct table *t = c->views[c->view]->table(c->vstate[c->view]);
	struct tug_err err = { 0 };
	enum input_result r = input_key(&c->in, key);

	if (r == IN_CANCEL) {
		table_set_filter(t, c->filter_before, &err);
		c->mode = MODE_NORMAL;
	} else if (r == IN_ACCEPT) {
		if (table_set_filter(t, c->in.buf, &err) < 0)
			console_status(c, ST_ERROR, "%s", err.msg);
		else if (c->in.buf[0])
			console_status(c, ST_INFO, "filter /%s/: %zu of %zu rows (Esc clears)", c->in.buf, t->nvis,
				       t->nrows);
		c->mode = MODE_NORMAL;
	} else if (r == IN_CHANGED) {
		/* live: narrow as the user types; a half-typed regex waits */
		if (table_set_filter(t, c->in.buf, &err) == 0)
			c->status_msg[0] = 0;
	}
	c->dirty |= D_MAIN | D_STATUS;
}

static void command_key(struct console *c, int key)
{
	enum input_result r = input_key(&c->in, key);

	if (r == IN_CANCEL) {
		c->mode = MODE_NORMAL;
	} else if (r == IN_ACCEPT) {
		char line[sizeof(c->in.buf)];
		snprintf(line, sizeof(line), "%s", c->in.buf);
		c->mode = MODE_NORMAL;
		command_run(c, line);
	}
	c->dirty |= D_STATUS | D_MAIN;
}

static void dialog_key_cb(struct console *c, int key)
{
	enum dialog_result r = dialog_key(&c->dlg, key);

	if (r == DLG_OPEN) {
		c->dirty |= D_MAIN;
		return;
	}
	c->mode = MODE_NORMAL;
	if (r == DLG_YES && c->pend.prompt == PROMPT_RENAME) {
		struct job *j = job_new(JOB_RENAME, c->pend.view, TUG_CONTAINER, c->pend.refs[0]);
		j->ctx = xstrdup(c->dlg.in.buf);
		console_submit(c, j);
		console_status(c, ST_INFO, "renaming to %s...", c->dlg.in.buf);
	} else if (r == DLG_YES && c->pend.prompt == PROMPT_CREATE) {
		struct job *j = job_new(JOB_CREATE, c->pend.view, c->pend.kind, NULL);
		struct tug_err err = { 0 };
		if (create_spec_parse(c->pend.kind, c->dlg.in.buf, &j->create, &err) < 0) {
			console_status(c, ST_ERROR, "%s", err.msg);
			job_free(j);
		} else {
			console_status(c, ST_INFO, "creating %s %s...", tug_kind_name(c->pend.kind),
				       j->create.name ? j->create.name : "(a generated name)");
			console_submit(c, j);
		}
	} else if (r == DLG_YES && c->pend.prompt == PROMPT_SCALE) {
		char *end;
		long v = strtol(c->dlg.in.buf, &end, 10);
		while (*end == ' ')
			end++;
		if (end == c->dlg.in.buf || *end || v < 0 || v > 100000) {
			console_status(c, ST_ERROR, "scale: '%s' is not a number of replicas (0 or more)", c->dlg.in.buf);
		} else {
			c->pend.opts.replicas = (int)v;
			submit_actions(c, &c->pend);
			console_status(c, ST_INFO, "scaling to %ld...", v);
		}
	} else if (r == DLG_YES && c->pend.prompt == PROMPT_CONTAINER) {
		console_logs_container(c, c->pend.refs[0], dialog_chosen(&c->dlg));
	} else if (r == DLG_YES && c->pend.prompt == PROMPT_PULL) {
		char ref[sizeof(c->dlg.in.buf)];
		const char *p = c->dlg.in.buf;
		size_t n;
		while (*p == ' ')
			p++;
		n = (size_t)snprintf(ref, sizeof(ref), "%s", p);
		while (n && ref[n - 1] == ' ')
			ref[--n] = 0;
		console_pull(c, ref);
	} else if (r == DLG_YES) {
		submit_actions(c, &c->pend);
		console_status(c, ST_INFO, "removing %zu %s%s...", c->pend.n, tug_kind_name(c->pend.kind),
			       c->pend.n > 1 ? "s" : "");
	} else {
		static const char *const why[] = { [PROMPT_NONE] = "nothing removed", [PROMPT_RENAME] = "name unchanged",
						   [PROMPT_CREATE] = "nothing created", [PROMPT_PULL] = "nothing pulled",
						   [PROMPT_CONTAINER] = "the log pane is unchanged",
						   [PROMPT_SCALE] = "replicas unchanged" };
		console_status(c, ST_INFO, "%s", why[c->pend.prompt]);
	}
	pending_clear(&c->pend);
	c->dirty |= D_MAIN | D_STATUS;
}

static int global_action(struct console *c, enum action a)
{
	switch (a) {
	case ACT_QUIT:
		c->quit = 1;
		return 1;
	case ACT_HELP:
		c->mode = MODE_HELP;
		c->help_top = 0;
		c->dirty |= D_MAIN | D_STATUS;
		return 1;
	case ACT_COMMAND:
		start_input(c, MODE_COMMAND);
		return 1;
	case ACT_NEXT_VIEW:
		console_switch_view(c, (c->view + 1) % c->nviews);
		return 1;
	case ACT_PREV_VIEW:
		console_switch_view(c, (c->view + c->nviews - 1) % c->nviews);
		return 1;
	case ACT_VIEW1: case ACT_VIEW2: case ACT_VIEW3: case ACT_VIEW4: case ACT_VIEW5:
	case ACT_VIEW6: case ACT_VIEW7: case ACT_VIEW8: case ACT_VIEW9:
		if ((int)(a - ACT_VIEW1) < c->nviews)
			console_switch_view(c, (int)(a - ACT_VIEW1));
		return 1;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		c->dirty |= D_ALL;
		c->next_refresh = 0;
		c->next_stats = 0;
		return 1;
	default:
		return 0;
	}
}

static void mouse_event(struct console *c)
{
	MEVENT ev;
	int button = 0;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		button = 1;
	else if (ev.bstate & BUTTON4_PRESSED)
		button = 4;
	else if (ev.bstate & BUTTON5_PRESSED)
		button = 5;
	if (!button || c->too_small)
		return;
	if (c->mode == MODE_PAGER) {
		if (button == 4 || button == 5)
			pager_key(c, button == 4 ? KEYF(KEY_UP) : KEYF(KEY_DOWN));
		return;
	}
	if (c->mode != MODE_NORMAL)
		return;
	if (ev.y == 1 && button == 1) {
		for (int i = 0; i < c->nviews; i++)
			if (ev.x >= c->tab_x[i] && ev.x < c->tab_x[i] + c->tab_w[i])
				console_switch_view(c, i);
		return;
	}
	if (ev.y >= 2 && ev.y < c->rows - 1 && c->views[c->view]->click &&
	    c->views[c->view]->click(c, c->vstate[c->view], ev.y - 2, ev.x, button))
		c->dirty |= D_MAIN;
}

static void handle_key(struct console *c, int key)
{
	const struct view_ops *v = c->views[c->view];
	enum action a;

	if (key == KEYF(KEY_MOUSE)) {
		mouse_event(c);
		return;
	}
	if (key == KEYF(KEY_RESIZE)) {
		term_layout(c);
		return;
	}
	switch (c->mode) {
	case MODE_FILTER:
		filter_key(c, key);
		return;
	case MODE_COMMAND:
		command_key(c, key);
		return;
	case MODE_DIALOG:
		dialog_key_cb(c, key);
		return;
	case MODE_HELP:
		a = keymap_lookup(&c->cfg.keys, SC_GLOBAL | SC_PAGER, key);
		if (!help_key(c, a, key))
			c->mode = MODE_NORMAL;
		c->dirty |= D_MAIN | D_STATUS;
		return;
	case MODE_PAGER:
		if (!pager_key(c, key))
			pager_close(c);
		c->dirty |= D_MAIN | D_STATUS;
		return;
	case MODE_NORMAL:
		break;
	}
	if (c->too_small) {
		if (keymap_lookup(&c->cfg.keys, SC_GLOBAL, key) == ACT_QUIT)
			c->quit = 1;
		return;
	}
	a = keymap_lookup(&c->cfg.keys, SC_GLOBAL | v->scopes, key);
	if (global_action(c, a))
		return;
	if (a == ACT_FILTER && v->table) {
		start_input(c, MODE_FILTER);
		return;
	}
	if (v->key && v->key(c, c->vstate[c->view], a, key)) {
		c->dirty |= D_MAIN | D_STATUS;
		return;
	}
	if (a == ACT_NONE && key >= 0x20 && !KEY_IS_F(key)) {
		char kn[32];
		console_status(c, ST_INFO, "'%s' does nothing here; ? lists the keys",
			       keymap_key_name(key, kn, sizeof(kn)));
	}
}

static void read_keys(struct console *c)
{
	wint_t wc;
	int r;

	while ((r = wget_wch(c->keys, &wc)) != ERR) {
		int key = r == KEY_CODE_YES ? KEYF((int)wc) : (int)wc;
		if (c->bench_out && !c->key_at)
			c->key_at = mono_ns();
		handle_key(c, key);
		if (c->quit)
			return;
	}
}

/* --- rendering --- */

static void render(struct console *c)
{
	const struct view_ops *v = c->views[c->view];
	int cursor = 0;

	if (!c->dirty)
		return;
	if (c->too_small) {
		char msg[128];
		werase(c->main);
		ui_role(c->main, ROLE_MESSAGE);
		snprintf(msg, sizeof(msg), "terminal too small (%dx%d): tug needs 40x10", c->cols, c->rows);
		ui_put(c->main, c->rows / 2, 0, c->cols, msg);
		wnoutrefresh(c->main);
		doupdate();
		c->dirty = 0;
		return;
	}
	if (c->dirty & D_HEADER) {
		header_draw(c);
		wnoutrefresh(c->hdr);
	}
	if (c->dirty & D_TABS) {
		tabs_draw(c);
		wnoutrefresh(c->tabs);
	}
	if (c->dirty & D_MAIN) {
		int h = getmaxy(c->main), wd = getmaxx(c->main);
		werase(c->main);
		if (c->mode == MODE_PAGER)
			pager_draw(c, c->main, h, wd);
		else
			v->draw(c, c->vstate[c->view], c->main, h, wd);
		if (c->mode == MODE_HELP)
			help_draw(c, c->main, h, wd);
		if (c->mode == MODE_DIALOG) {
			dialog_draw(&c->dlg, c->main, 0, 0, h, wd);
			cursor = c->dlg.kind == DLG_PROMPT;
		}
		wnoutrefresh(c->main);
	}
	if (c->dirty & D_STATUS) {
		statusbar_draw(c);
	}
	if (c->mode == MODE_FILTER || c->mode == MODE_COMMAND || (c->mode == MODE_PAGER && c->pager.searching)) {
		cursor = 1;
		wnoutrefresh(c->status);
	} else if (cursor) {
		/* the prompt dialog's cursor, in the main window */
		leaveok(c->main, FALSE);
		wnoutrefresh(c->main);
		leaveok(c->main, TRUE);
	}
	curs_set(cursor);
	doupdate();
	c->dirty = 0;
	if (c->bench_out) {
		int64_t now = mono_ns();
		if (!c->first_frame) {
			c->first_frame = 1;
			fprintf(c->bench_out, "first_frame_ms %.2f\n", (double)(now - c->t_start) / 1e6);
		}
		if (c->full_frame == 1) {
			c->full_frame = 2;
			fprintf(c->bench_out, "full_frame_ms %.2f\n", (double)(now - c->t_start) / 1e6);
		}
		if (c->key_at) {
			fprintf(c->bench_out, "key_redraw_us %.1f\n", (double)(now - c->key_at) / 1e3);
			c->key_at = 0;
		}
		fflush(c->bench_out);
	}
}

/* --- timers --- */

static int any_busy(struct console *c)
{
	if (c->pulls.n)
		return 1;
	for (int i = 0; i < c->nviews; i++)
		if (c->views[i]->busy && c->views[i]->busy(c->vstate[i]))
			return 1;
	return 0;
}

static void tick_views(struct console *c, enum tick t)
{
	/* the containers view always: its list gives the header's counts
	 * and its stats job samples the host */
	if (c->views[0]->tick)
		c->views[0]->tick(c, c->vstate[0], t);
	if (c->view != 0 && c->views[c->view]->tick)
		c->views[c->view]->tick(c, c->vstate[c->view], t);
}

/* Show what the backend wrote to stderr (now a file) on the status line. */
static void check_errlog(struct console *c)
{
	char buf[1024];
	ssize_t n;

	if (c->errlog_fd <= 0)
		return;
	n = pread(c->errlog_fd, buf, sizeof(buf) - 1, c->errlog_off);
	if (n <= 0)
		return;
	c->errlog_off += n;
	buf[n] = 0;
	/* the last complete line says the most */
	char *end = buf + n;
	while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = 0;
	char *last = strrchr(buf, '\n');
	console_status(c, ST_WARN, "%s", last ? last + 1 : buf);
}

static int64_t view_deadline(struct console *c)
{
	const struct view_ops *v = c->views[c->view];

	return v->deadline ? v->deadline(c->vstate[c->view]) : 0;
}

static void run_timers(struct console *c, int64_t now)
{
	if (now >= c->next_refresh) {
		tick_views(c, TICK_REFRESH);
		c->next_refresh = now + (int64_t)c->cfg.refresh_ms * 1000000;
	}
	if (now >= c->next_stats) {
		tick_views(c, TICK_STATS);
		check_errlog(c);
		c->next_stats = now + (int64_t)c->cfg.stats_ms * 1000000;
	}
	if (any_busy(c)) {
		if (now >= c->next_spin) {
			reap_pulls(c);
			c->spin++;
			c->next_spin = now + 100 * 1000000LL;
			c->dirty |= D_MAIN;
		}
	} else {
		c->next_spin = 0;
	}
	{
		int64_t d = view_deadline(c);
		if (d && now >= d)
			c->dirty |= D_MAIN;
	}
	if (c->status_msg[0] && c->status_until && now >= c->status_until) {
		c->status_msg[0] = 0;
		c->status_until = 0;
		c->dirty |= D_STATUS;
	}
}

static int64_t next_second(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)(1000000000L - ts.tv_nsec);
}

static int poll_timeout(struct console *c, int64_t now)
{
	int64_t t = c->next_refresh;

	if (c->next_stats < t)
		t = c->next_stats;
	if (c->next_spin && c->next_spin < t)
		t = c->next_spin;
	if (c->status_until && c->status_until < t)
		t = c->status_until;
	int64_t sd = streams_deadline(c, now);
	if (sd && sd < t)
		t = sd;
	/* a deadline gone by has made the view dirty: the frame timer rules */
	sd = view_deadline(c);
	if (sd > now && sd < t)
		t = sd;
	/* the header clock ticks on the second */
	if (now + next_second() < t)
		t = now + next_second();
	t -= now;
	if (t < 0)
		t = 0;
	return (int)(t / 1000000) + (t % 1000000 ? 1 : 0);
}

static void handle_signals(struct console *c)
{
	unsigned char sigs[64];
	ssize_t n;

	while ((n = read(c->sigpipe[0], sigs, sizeof(sigs))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			switch (sigs[i]) {
			case SIGWINCH:
				term_layout(c);
				break;
			case SIGCHLD:
				/* a process we started ended: the list may have changed */
				c->next_refresh = 0;
				break;
			default: /* SIGTERM, SIGINT, SIGHUP: leave cleanly */
				c->quit = 1;
				break;
			}
		}
	}
}

/* Frames come at most every FRAME_NS unless a key asks for one: a log
 * pouring thousands of lines a second costs a few redraws, not one per
 * line. */
#define FRAME_NS (16 * 1000000LL)

static void loop(struct console *c)
{
	struct pollfd fds[6];
	int64_t last_frame = 0;
	time_t shown_second = 0;

	while (!c->quit) {
		int64_t now = mono_ns();
		int nfds = 3, li, wi, rc, timeout;

		if (c->dirty && (c->urgent || now - last_frame >= FRAME_NS)) {
			render(c);
			last_frame = now;
			c->urgent = 0;
		}
		timeout = poll_timeout(c, now);
		if (c->dirty) {
			int wait = (int)((last_frame + FRAME_NS - now) / 1000000) + 1;
			if (wait < timeout)
				timeout = wait < 0 ? 0 : wait;
		}
		fds[0] = (struct pollfd){ .fd = 0, .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = c->sigpipe[0], .events = POLLIN };
		fds[2] = (struct pollfd){ .fd = worker_fd(c->wk), .events = POLLIN };
		nfds += streams_pollfds(c, fds + 3, &li, &wi);
		rc = poll(fds, (nfds_t)nfds, timeout);
		if (rc < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			handle_signals(c);
		if (fds[2].revents) {
			struct job *j;
			while ((j = worker_take(c->wk)))
				dispatch(c, j);
		}
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			c->quit = 1; /* the terminal went away */
		} else if (fds[0].revents) {
			read_keys(c);
			c->urgent = 1;
		}
		now = mono_ns();
		/* a stream replaced during dispatch may get one needless pump:
		 * harmless, pumps never block */
		streams_run(c, now, li >= 0 && fds[3 + li].revents, wi >= 0 && fds[3 + wi].revents);
		/* the clock: redraw the header when the second turns */
		time_t sec = time(NULL);
		if (sec != shown_second) {
			shown_second = sec;
			c->dirty |= D_HEADER;
		}
		run_timers(c, now);
	}
}

/* --- start and stop --- */

static void load_theme(struct console *c, const char *name, char *msg, size_t size)
{
	char path[4096];
	struct tug_err err = { 0 };

	if (theme_find(name, path, sizeof(path), &err) == 0 && theme_load_file(&c->theme, path, &err) == 0)
		return;
	snprintf(msg, size, "%s; using the default theme", err.msg);
	if (theme_find("dark", path, sizeof(path), &err) == 0 && theme_load_file(&c->theme, path, &err) == 0)
		return;
	theme_builtin(&c->theme);
}

static struct tug_endpoint *open_endpoint(struct console *c)
{
	struct cli *cli = c->cli;
	struct tug_endpoint *ep;
	struct tug_err err = { 0 };
	const char *ctx = NULL;

	if (cli->context)
		ctx = cli->context;
	else if (!strncmp(c->cfg.endpoint, "kube", 4))
		ctx = c->cfg.endpoint[4] == ':' ? c->cfg.endpoint + 5 : "";
	if (!ctx) {
		ep = cli_endpoint(cli);
		if (!ep)
			return NULL;
		cli->ep = NULL; /* the worker owns it now */
	} else if (backend_open_kube(cli->kubeconfig, *ctx ? ctx : NULL, &ep, &err) < 0) {
		cli_fail(&err);
		return NULL;
	}
	ep->readonly = c->readonly;
	snprintf(c->ep_name, sizeof(c->ep_name), "%s", ep->context ? ep->context : ep->name ? ep->name : "?");
	snprintf(c->ep_kind, sizeof(c->ep_kind), "%s", ep->ops->name);
	snprintf(c->ep_ns, sizeof(c->ep_ns), "%s", ep->namespace ? ep->namespace : "");
	return ep;
}

int console_main(struct cli *cli, int argc, char **argv)
{
	struct console *c = xcalloc(1, sizeof(*c));
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	char cfg_path[4096], startup_msg[1200] = "", theme_msg[1200] = "";
	const char *e;
	int rc = 0;

	(void)argv;
	if (argc > 0) {
		fprintf(stderr, "tug: the console takes no arguments; see 'tug --help'\n");
		free(c);
		return 125;
	}
	c->t_start = mono_ns();
	c->cli = cli;
	c->errlog_fd = -1;
	config_defaults(&c->cfg);
	if (config_load(&c->cfg, config_path(cfg_path, sizeof(cfg_path)), &err) < 0)
		snprintf(startup_msg, sizeof(startup_msg), "config: %s", err.msg);
	c->readonly = cli->readonly || c->cfg.readonly;
	load_theme(c, cli->theme ? cli->theme : c->cfg.theme, theme_msg, sizeof(theme_msg));
	ui_glyphs_init();
	switch (c->cfg.graph_style) {
	case GRAPH_BRAILLE: c->gmode = ui_glyphs.utf8 ? GM_BRAILLE : GM_ASCII; break;
	case GRAPH_BLOCK: c->gmode = ui_glyphs.utf8 ? GM_BLOCK : GM_ASCII; break;
	case GRAPH_ASCII: c->gmode = GM_ASCII; break;
	default: c->gmode = ui_glyphs.utf8 ? GM_BRAILLE : GM_ASCII; break;
	}
	/* bench mode only: a synthetic table for tests/bench-console.sh */
	if ((e = getenv("TUG_BENCH_ROWS")) && *e)
		c->bench_rows = atol(e);
	if ((e = getenv("TUG_BENCH_OUT")) && *e)
		c->bench_out = fopen(e, "we");
	if (!(ep = open_endpoint(c))) {
		free(c);
		return 125;
	}
	if (cli->namespace)
		c->ns = xstrdup(!strcmp(cli->namespace, "all") || !strcmp(cli->namespace, "*") ? "" : cli->namespace);
	if (term_signals(c) < 0 || !(c->wk = worker_start(ep))) {
		fprintf(stderr, "tug: cannot start the console: %s\n", strerror(errno));
		backend_close(ep);
		free(c);
		return 125;
	}
	for (size_t i = 0; i < sizeof(all_views) / sizeof(all_views[0]); i++) {
		c->views[c->nviews] = all_views[i];
		c->vstate[c->nviews] = all_views[i]->init(c, c->nviews);
		c->nviews++;
	}
	c->view = home_view(c);
	c->ws.view = -1;
	logview_init(&c->ls.lv, (size_t)c->cfg.log_lines, (size_t)c->cfg.log_lines * 512);
	logview_init(&c->pager.text, 1000000, 64u << 20);
	term_crash_handlers();
	if (term_start(c, &err) < 0) {
		fprintf(stderr, "tug: %s\n", err.msg);
		rc = 125;
		goto out;
	}
	if (startup_msg[0])
		console_status(c, ST_ERROR, "%s", startup_msg);
	else if (theme_msg[0])
		console_status(c, ST_ERROR, "%s", theme_msg);
	c->dirty = D_ALL;
	console_watch_view(c, c->view);
	loop(c);
	term_stop(c);
	if (worker_running(c->wk))
		fprintf(stderr, "tug: letting the backend call in progress finish...\n");
out:
	streams_close(c);
	/* a pull cut short leaves the store as it was */
	pulls_cancel_all(&c->pulls);
	cli->ep = worker_stop(c->wk);
	for (int i = 0; i < c->nviews; i++)
		c->views[i]->free(c->vstate[i]);
	pending_clear(&c->pend);
	input_release(&c->in);
	input_release(&c->pager.search);
	logview_release(&c->ls.lv);
	logview_release(&c->pager.text);
	free(c->ls.id);
	free(c->ls.name);
	free(c->ls.container);
	free(c->ns);
	dialog_close(&c->dlg);
	input_release(&c->dlg.in);
	term_signals_stop(c);
	if (c->bench_out)
		fclose(c->bench_out);
	free(c);
	return rc;
}
