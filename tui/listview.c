/* listview.c - the table, refresh, actions, detail and log panes. */
#include "listview.h"
#include "graph-pane.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Metrics views keep the histories of this many recently selected objects. */
#define METRICS_HISTORIES 64

struct listview *listview_new(struct console *c, int index, const struct listview_spec *spec)
{
	struct listview *lv = xcalloc(1, sizeof(*lv));

	lv->spec = spec;
	lv->c = c;
	lv->index = index;
	table_init(&lv->t, spec->cols, spec->ncols);
	lv->t.sort_col = spec->sort_col;
	lv->t.sort_desc = spec->sort_desc;
	sample_set_init(&lv->samples, (size_t)c->cfg.graph_history);
	if (spec->features & LV_METRICS)
		sample_set_cap(&lv->samples, METRICS_HISTORIES);
	return lv;
}

void *listview_init(struct console *c, int index)
{
	return listview_new(c, index, c->views[index]->spec);
}

void listview_free(void *v)
{
	struct listview *lv = v;

	if (!lv)
		return;
	table_release(&lv->t);
	tug_list_release(&lv->list);
	for (size_t i = 0; i < lv->nbusy; i++)
		free(lv->busy[i]);
	free(lv->busy);
	sample_set_release(&lv->samples);
	free(lv->select_name);
	free(lv->stats_err_ref);
	refindex_release(&lv->idx);
	free(lv);
}

const enum action listview_plain_actions[] = {
	ACT_REMOVE, ACT_INSPECT, ACT_MARK, ACT_FILTER, ACT_SORT_NEXT, ACT_SORT_PREV, ACT_SORT_REVERSE,
	ACT_CLEAR, ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_NONE,
};

const enum action *listview_plain_hints(void *v)
{
	static const enum action h[] = { ACT_REMOVE, ACT_INSPECT, ACT_MARK, ACT_FILTER, ACT_SORT_NEXT,
					 ACT_COMMAND, ACT_NONE };
	(void)v;
	return h;
}

const enum action listview_store_actions[] = {
	ACT_CREATE, ACT_REMOVE, ACT_INSPECT, ACT_MARK, ACT_FILTER, ACT_SORT_NEXT, ACT_SORT_PREV, ACT_SORT_REVERSE,
	ACT_CLEAR, ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_NONE,
};

const enum action *listview_store_hints(void *v)
{
	static const enum action h[] = { ACT_CREATE, ACT_REMOVE, ACT_INSPECT, ACT_MARK, ACT_FILTER,
					 ACT_COMMAND, ACT_NONE };
	(void)v;
	return h;
}

int listview_store_key(struct console *c, void *v, enum action a, int key)
{
	struct listview *lv = v;

	if (a != ACT_CREATE)
		return listview_key(c, v, a, key);
	console_create(c, lv->index, lv->spec->kind);
	return 1;
}

struct table *listview_table(void *v)
{
	return &((struct listview *)v)->t;
}

int listview_busy(void *v)
{
	return ((struct listview *)v)->nbusy > 0;
}

int obj_is_up(const struct tug_obj *o)
{
	return o->state && (!strcmp(o->state, "running") || !strcmp(o->state, "paused") ||
			    !strcmp(o->state, "Running"));
}

void cell_users(struct table *t, struct table_row *r, int col, const struct tug_obj *o)
{
	char buf[160];
	int n = 0;

	for (char **u = o->users; u && *u; u++)
		n++;
	if (n == 1)
		snprintf(buf, sizeof(buf), "%s", o->users[0]);
	else if (n)
		snprintf(buf, sizeof(buf), "%d: %s, ...", n, o->users[0]);
	else
		snprintf(buf, sizeof(buf), "-");
	table_set(t, r, col, buf, n, n ? ROLE_STATE_RUNNING : ROLE_MUTED);
}

void cell_created(struct table *t, struct table_row *r, int col, const struct tug_obj *o)
{
	char buf[64];

	con_fmt_ago(buf, sizeof(buf), o->created_ns);
	table_set(t, r, col, buf, (double)o->created_ns, ROLE_MUTED);
}

const char *obj_raw_str(const struct tug_obj *o, const char *key)
{
	json_t *v = o->raw ? json_object_get(o->raw, key) : NULL;

	return v && json_is_string(v) ? json_string_value(v) : NULL;
}

/* An integer member named key anywhere in the first levels of j: drivers
 * nest the host config differently (docker: HostConfig.NanoCpus; ours:
 * Config.HostConfig.NanoCpus). */
static int64_t find_int(json_t *j, const char *key, int depth)
{
	const char *k;
	json_t *v;

	if (!json_is_object(j) || depth < 0)
		return 0;
	v = json_object_get(j, key);
	if (v && json_is_integer(v))
		return json_integer_value(v);
	json_object_foreach(j, k, v) {
		int64_t r = find_int(v, key, depth - 1);
		if (r)
			return r;
	}
	return 0;
}

double obj_cpu_limit(const struct tug_obj *o)
{
	int64_t n = o->raw ? find_int(o->raw, "NanoCpus", 2) : 0;

	return n > 0 ? (double)n / 1e9 : 0;
}

const char *obj_ref(const struct tug_obj *o, char *buf, size_t size)
{
	/* cluster-scoped objects go by name; their id is a uid */
	if ((o->kind == TUG_NODE || o->kind == TUG_NAMESPACE) && o->name)
		snprintf(buf, size, "%s", o->name);
	else if (o->namespace && *o->namespace && o->name)
		snprintf(buf, size, "%s/%s", o->namespace, o->name);
	else
		snprintf(buf, size, "%s", o->id ? o->id : o->name ? o->name : "");
	return buf;
}

/* The index of the object whose ref is ref, or -1: hashed, built
 * again after the list is replaced. */
static long find_ref(struct listview *lv, const char *ref)
{
	char buf[OBJ_REF_MAX];

	if (!lv->idx_ok) {
		refindex_release(&lv->idx);
		for (size_t i = 0; i < lv->list.n; i++)
			refindex_put(&lv->idx, obj_ref(&lv->list.items[i], buf, sizeof(buf)), (long)i);
		lv->idx_ok = 1;
	}
	return refindex_get(&lv->idx, ref);
}

const struct tug_obj *listview_obj(struct listview *lv, const char *id)
{
	long i = find_ref(lv, id);

	return i >= 0 ? &lv->list.items[i] : NULL;
}

int64_t listview_deadline(void *v)
{
	struct listview *lv = v;

	return lv->stale ? lv->rebuild_due : 0;
}

/* A row's object. Rows point at theirs until the list changes; a live
 * list that changed but whose rows are not rebuilt yet (see
 * maybe_rebuild) finds it by the row's id. */
const struct tug_obj *listview_row_obj(struct listview *lv, const struct table_row *r)
{
	if (!r)
		return NULL;
	return lv->stale ? listview_obj(lv, r->id) : r->data;
}

const struct tug_obj *listview_selected(struct listview *lv)
{
	return listview_row_obj(lv, table_selected(&lv->t));
}

static int is_busy(struct listview *lv, const char *id)
{
	for (size_t i = 0; i < lv->nbusy; i++)
		if (!strcmp(lv->busy[i], id))
			return 1;
	return 0;
}

void listview_mark_busy(void *v, const char *ref)
{
	struct listview *lv = v;

	lv->busy = xrealloc(lv->busy, (lv->nbusy + 1) * sizeof(char *));
	lv->busy[lv->nbusy++] = xstrdup(ref);
	table_set_busy(&lv->t, ref, 1);
}

static void unmark_busy(struct listview *lv, const char *ref)
{
	for (size_t i = 0; i < lv->nbusy; i++)
		if (!strcmp(lv->busy[i], ref)) {
			free(lv->busy[i]);
			lv->busy[i] = lv->busy[--lv->nbusy];
			break;
		}
	if (!is_busy(lv, ref))
		table_set_busy(&lv->t, ref, 0);
}

static void rebuild(struct listview *lv)
{
	int64_t t0 = mono_ns();

	table_begin(&lv->t);
	for (size_t i = 0; i < lv->list.n; i++) {
		const struct tug_obj *o = &lv->list.items[i];
		size_t first = lv->t.nbuild;
		if (lv->hide_stopped && !obj_is_up(o))
			continue;
		lv->spec->rows(lv, o);
		/* rows point at their object until the list changes, which
		 * always rebuilds them */
		for (size_t k = first; k < lv->t.nbuild; k++)
			lv->t.nrows_buf[k].data = o;
	}
	table_end(&lv->t);
	lv->stale = 0;
	for (size_t i = 0; i < lv->nbusy; i++)
		table_set_busy(&lv->t, lv->busy[i], 1);
	lv->rebuilt_at = mono_ns();
	lv->rebuild_ns = lv->rebuilt_at - t0;
}

/* A live list of thousands changing fifty times a second would be
 * rebuilt (formatted, sorted) on every frame: rows are rebuilt at most
 * every 40 rebuild-times (a few percent of a core), and within a second.
 * Small lists take that to "at once". Returns 1 when rebuilt. */
static int maybe_rebuild(struct listview *lv)
{
	int64_t gap = lv->rebuild_ns * 40;

	if (!lv->stale)
		return 0;
	if (gap > 1000000000LL)
		gap = 1000000000LL;
	if (mono_ns() - lv->rebuilt_at < gap) {
		/* come back for it: the frame after the gap redraws */
		lv->rebuild_due = lv->rebuilt_at + gap;
		return 0;
	}
	rebuild(lv);
	return 1;
}

/* The log pane follows the selection of the active view. */
static void follow_selection(struct listview *lv)
{
	const struct tug_obj *o;

	if (!(lv->spec->features & LV_LOGS) || lv->c->view != lv->index || lv->c->bench_rows)
		return;
	char ref[OBJ_REF_MAX];

	o = listview_selected(lv);
	console_follow_logs(lv->c, lv->spec->kind, o ? obj_ref(o, ref, sizeof(ref)) : NULL,
			    o ? o->name : NULL, o ? obj_is_up(o) : 0);
}

/* An empty list, its index and capacity with it. */
static void list_reset(struct listview *lv)
{
	tug_list_release(&lv->list);
	lv->list_cap = 0;
	lv->idx_ok = 0;
}

/* Synthetic objects for tests/bench-console.sh only (TUG_BENCH_ROWS). */
static void bench_list(struct listview *lv, long n)
{
	char buf[64];

	list_reset(lv);
	lv->list.items = xcalloc((size_t)n, sizeof(struct tug_obj));
	lv->list.n = lv->list_cap = (size_t)n;
	for (long i = 0; i < n; i++) {
		struct tug_obj *o = &lv->list.items[i];
		o->kind = TUG_CONTAINER;
		snprintf(buf, sizeof(buf), "%064ld", i);
		o->id = xstrdup(buf);
		snprintf(buf, sizeof(buf), "bench-%05ld", i);
		o->name = xstrdup(buf);
		o->image = xstrdup("bench:synthetic");
		o->state = xstrdup(i % 3 ? "running" : "exited");
		o->created_ns = now_ns() - i * 1000000000LL;
		o->started_ns = o->created_ns;
	}
	lv->have_list = 1;
	rebuild(lv);
}

/* Index of the object with this ref in the list, or -1. */
void listview_watch_event(struct console *c, void *v, struct tug_watch_event *ev)
{
	struct listview *lv = v;
	char ref[OBJ_REF_MAX];
	long i;

	if (!ev) {
		lv->watched = 0; /* polling takes over again */
		return;
	}
	if (!lv->watched) {
		/* the stream starts from a full list of its own */
		list_reset(lv);
		lv->watched = 1;
	}
	switch (ev->type) {
	case TUG_WATCH_ADDED:
	case TUG_WATCH_MODIFIED:
		i = find_ref(lv, obj_ref(ev->obj, ref, sizeof(ref)));
		if (i >= 0) {
			tug_obj_release(&lv->list.items[i]);
		} else {
			/* grow by half: 10,000 ADDED events at the start of a stream */
			if (lv->list.n + 1 > lv->list_cap) {
				lv->list_cap = lv->list_cap ? lv->list_cap * 3 / 2 + 1 : 64;
				lv->list.items = xrealloc(lv->list.items, lv->list_cap * sizeof(struct tug_obj));
			}
			i = (long)lv->list.n++;
			refindex_put(&lv->idx, ref, i);
		}
		lv->list.items[i] = *ev->obj; /* taken over, as the stream allows */
		memset(ev->obj, 0, sizeof(*ev->obj));
		break;
	case TUG_WATCH_DELETED:
		i = find_ref(lv, obj_ref(ev->obj, ref, sizeof(ref)));
		if (i >= 0) {
			char moved[OBJ_REF_MAX];
			tug_obj_release(&lv->list.items[i]);
			refindex_del(&lv->idx, ref);
			if ((size_t)i != --lv->list.n) {
				lv->list.items[i] = lv->list.items[lv->list.n];
				refindex_put(&lv->idx, obj_ref(&lv->list.items[i], moved, sizeof(moved)), i);
			}
		}
		break;
	case TUG_WATCH_SYNCED:
		/* the whole list is in: show it now, whatever the throttle says */
		if (!lv->have_list && lv->index == c->view)
			c->full_frame = c->full_frame ? c->full_frame : 1;
		lv->have_list = 1;
		lv->err[0] = 0;
		lv->rebuilt_at = 0;
		break;
	case TUG_WATCH_STATUS:
		/* trouble (or its end) shows on the title row; rows stay */
		snprintf(lv->err, sizeof(lv->err), "%s", ev->message ? ev->message : "");
		break;
	}
	lv->stale = 1;
}

/* Metrics views sample the selection when it has figures: a running
 * pod, any node. */
static int metrics_sampled(struct listview *lv, const struct tug_obj *o)
{
	return lv->spec->kind == TUG_NODE || obj_is_up(o);
}

void listview_tick(struct console *c, void *v, enum tick t)
{
	struct listview *lv = v;
	struct job *j;

	maybe_rebuild(lv);
	/* the live list keeps itself fresh, and one being opened brings the
	 * whole list first: fetching it twice would double the wait */
	if (t == TICK_REFRESH && (lv->watched || (c->ws.view == lv->index && (c->ws.pending || c->ws.w))))
		return;
	if (t == TICK_REFRESH) {
		if (c->bench_rows && lv->spec->kind == TUG_CONTAINER) {
			if (!lv->have_list) {
				bench_list(lv, c->bench_rows);
				c->full_frame = 1;
				console_dirty(c, D_MAIN);
			}
			return;
		}
		if (lv->list_inflight)
			return; /* the worker is busy: never pile up refreshes */
		j = job_new(JOB_LIST, lv->index, lv->spec->kind, NULL);
		j->all = 1;
		lv->list_inflight = 1;
		console_submit(c, j);
		return;
	}
	/* stats: every running object, and the host for the header */
	if (lv->stats_inflight || (!(lv->spec->features & (LV_STATS | LV_METRICS)) && lv->index != 0))
		return;
	j = job_new(JOB_STATS, lv->index, lv->spec->kind, NULL);
	if (lv->spec->features & LV_METRICS) {
		/* one request per object: only the one looked at */
		struct table_row *sel = table_selected(&lv->t);
		const struct tug_obj *so = listview_row_obj(lv, sel);
		if (so && metrics_sampled(lv, so)) {
			j->ids = xcalloc(1, sizeof(char *));
			j->ids[j->nids++] = xstrdup(sel->id);
		}
	} else if ((lv->spec->features & LV_STATS) && !c->bench_rows) {
		/* Every tick the rows on screen and the selection; every fifth
		 * tick all of them, so a sort by CPU% still sees every row: with
		 * fifty containers that halves what sampling costs. */
		int all = lv->stats_ticks++ % 5 == 0;
		size_t top = lv->t.top, bottom = lv->t.top + (size_t)(lv->t.last_h > 0 ? lv->t.last_h : 0);
		struct table_row *sel = table_selected(&lv->t);
		for (size_t vi = all ? 0 : top; vi < (all ? lv->t.nvis : bottom) && vi < lv->t.nvis; vi++) {
			struct table_row *r = &lv->t.rows[lv->t.vis[vi]];
			const struct tug_obj *o = listview_row_obj(lv, r);
			if (!o || !o->state || strcmp(o->state, "running"))
				continue;
			j->ids = xrealloc(j->ids, (j->nids + 2) * sizeof(char *));
			j->ids[j->nids++] = xstrdup(r->id);
		}
		if (sel && !all && (lv->t.sel < top || lv->t.sel >= bottom)) {
			const struct tug_obj *o = listview_row_obj(lv, sel);
			if (o && o->state && !strcmp(o->state, "running")) {
				j->ids = xrealloc(j->ids, (j->nids + 1) * sizeof(char *));
				j->ids[j->nids++] = xstrdup(sel->id);
			}
		}
	}
	lv->stats_inflight = 1;
	console_submit(c, j);
}

static void list_done(struct console *c, struct listview *lv, struct job *j)
{
	lv->list_inflight = 0;
	if (j->rc < 0) {
		snprintf(lv->err, sizeof(lv->err), "%s", j->err.msg);
		lv->err_code = j->err.code;
		if (j->err.code == TUG_E_UNSUPPORTED || !lv->have_list) {
			list_reset(lv);
			lv->have_list = 0;
			rebuild(lv);
		}
		console_dirty(c, D_MAIN);
		return;
	}
	lv->err[0] = 0;
	tug_list_release(&lv->list);
	lv->list = j->list;
	lv->list_cap = lv->list.n;
	lv->idx_ok = 0;
	memset(&j->list, 0, sizeof(j->list));
	/* bench: the first frame with the opening view's whole list */
	if (!lv->have_list && lv->index == c->view)
		c->full_frame = c->full_frame ? c->full_frame : 1;
	lv->have_list = 1;
	if (lv->spec->features & LV_STATS) {
		char **ids = xcalloc(lv->list.n + 1, sizeof(char *)), ref[OBJ_REF_MAX];
		for (size_t i = 0; i < lv->list.n; i++)
			ids[i] = xstrdup(obj_ref(&lv->list.items[i], ref, sizeof(ref)));
		sample_set_keep(&lv->samples, ids, lv->list.n);
		for (size_t i = 0; i < lv->list.n; i++)
			free(ids[i]);
		free(ids);
		/* stopped ones get a zero so their graphs fall, not freeze */
		for (size_t i = 0; i < lv->list.n; i++) {
			const struct tug_obj *o = &lv->list.items[i];
			char ref[OBJ_REF_MAX];
			struct samples *s = sample_set_get(&lv->samples, obj_ref(o, ref, sizeof(ref)), 0);
			if (s && s->valid && !obj_is_up(o))
				samples_stopped(s);
		}
	}
	if (lv->spec->kind == TUG_CONTAINER) {
		int running = 0;
		for (size_t i = 0; i < lv->list.n; i++)
			if (lv->list.items[i].state && !strcmp(lv->list.items[i].state, "running"))
				running++;
		console_set_counts(c, running, (int)lv->list.n);
	}
	rebuild(lv);
	if (lv->select_name) {
		for (size_t i = 0; i < lv->list.n; i++) {
			const struct tug_obj *o = &lv->list.items[i];
			char ref[OBJ_REF_MAX];
			if (o->name && !strcmp(o->name, lv->select_name)) {
				table_select_id(&lv->t, obj_ref(o, ref, sizeof(ref)));
				break;
			}
		}
		free(lv->select_name);
		lv->select_name = NULL;
	}
	follow_selection(lv);
	if (c->view == lv->index)
		console_dirty(c, D_MAIN);
}

/* A metrics API that fails keeps the history as it was (no zeros: the
 * object did not stop) and says why in the pane, never on the status
 * line: a cluster without metrics-server would say it every second. */
static void metrics_done(struct console *c, struct listview *lv, struct job *j)
{
	free(lv->stats_err_ref);
	lv->stats_err_ref = NULL;
	lv->stats_err[0] = 0;
	lv->stats_err_code = 0;
	for (size_t i = 0; i < j->nids; i++) {
		if (j->stats_rc[i] < 0) {
			snprintf(lv->stats_err, sizeof(lv->stats_err), "%s", j->err.msg);
			lv->stats_err_code = j->err.code;
			lv->stats_err_ref = xstrdup(j->ids[i]);
			continue;
		}
		samples_add(sample_set_get(&lv->samples, j->ids[i], 1), &j->stats[i]);
	}
	if (j->nids && c->view == lv->index)
		console_dirty(c, D_MAIN);
}

static void stats_done(struct console *c, struct listview *lv, struct job *j)
{
	int ok = 0;

	lv->stats_inflight = 0;
	console_set_host(c, &j->host);
	if (lv->spec->features & LV_METRICS) {
		metrics_done(c, lv, j);
		return;
	}
	for (size_t i = 0; i < j->nids; i++) {
		struct samples *s = sample_set_get(&lv->samples, j->ids[i], 1);
		if (j->stats_rc[i] < 0) {
			samples_stopped(s);
			continue;
		}
		samples_add(s, &j->stats[i]);
		ok++;
	}
	if (j->nids && !ok && j->err.msg[0])
		snprintf(lv->stats_err, sizeof(lv->stats_err), "%s", j->err.msg);
	else
		lv->stats_err[0] = 0;
	if (j->nids) {
		/* the CPU and memory columns show the new sample */
		if (lv->spec->features & LV_STATS)
			rebuild(lv);
		if (c->view == lv->index)
			console_dirty(c, D_MAIN);
	}
}

static const char *past_tense(enum tug_action a)
{
	switch (a) {
	case TUG_ACT_START: return "started";
	case TUG_ACT_STOP: return "stopped";
	case TUG_ACT_RESTART: return "restarted";
	case TUG_ACT_KILL: return "killed";
	case TUG_ACT_REMOVE: return "removed";
	case TUG_ACT_PAUSE: return "paused";
	case TUG_ACT_UNPAUSE: return "unpaused";
	case TUG_ACT_SCALE: return "scaled";
	case TUG_ACT_CORDON: return "cordoned";
	case TUG_ACT_UNCORDON: return "uncordoned";
	default: return "done:";
	}
}

static void action_done(struct console *c, struct listview *lv, struct job *j)
{
	const struct tug_obj *o = listview_obj(lv, j->ref);
	const char *name = o && o->name ? o->name : j->ref;

	unmark_busy(lv, j->ref);
	if (j->rc < 0)
		console_status(c, ST_ERROR, "%s", j->err.msg);
	else
		console_status(c, ST_OK, "%s %s", past_tense(j->act), name);
	/* show the new state now, not at the next tick */
	if (!lv->list_inflight) {
		struct job *l = job_new(JOB_LIST, lv->index, lv->spec->kind, NULL);
		l->all = 1;
		lv->list_inflight = 1;
		console_submit(c, l);
	}
	console_dirty(c, D_MAIN);
}

void listview_update(struct console *c, void *v, struct job *j)
{
	struct listview *lv = v;

	switch (j->type) {
	case JOB_LIST:
		list_done(c, lv, j);
		break;
	case JOB_STATS:
		stats_done(c, lv, j);
		break;
	case JOB_ACTION:
		action_done(c, lv, j);
		break;
	case JOB_RENAME:
		if (j->rc < 0)
			console_status(c, ST_ERROR, "%s", j->err.msg);
		else
			console_status(c, ST_OK, "renamed to %s", j->ctx);
		listview_tick(c, lv, TICK_REFRESH);
		break;
	case JOB_CREATE:
		if (j->rc < 0) {
			console_status(c, ST_ERROR, "%s", j->err.msg);
		} else {
			console_status(c, ST_OK, "created %s %s", tug_kind_name(j->kind), j->ctx);
			/* the new row is selected once the list comes back */
			free(lv->select_name);
			lv->select_name = xstrdup(j->ctx);
		}
		listview_tick(c, lv, TICK_REFRESH);
		break;
	default:
		break;
	}
}

void listview_act(struct listview *lv, enum tug_action act, const struct tug_action_opts *o,
		  int (*pick)(const struct tug_obj *o))
{
	struct table_row **rows;
	size_t n = table_targets(&lv->t, &rows), k = 0, skipped = 0;
	char **refs = xcalloc(n + 1, sizeof(char *)), **names = xcalloc(n + 1, sizeof(char *));
	const char *skipped_name = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct tug_obj *obj = listview_obj(lv, rows[i]->id);
		if (!obj)
			continue;
		if (pick && !pick(obj)) {
			skipped++;
			skipped_name = obj->name;
			continue;
		}
		refs[k] = rows[i]->id; /* row ids are refs */
		names[k++] = obj->name ? obj->name : rows[i]->id;
	}
	if (k)
		console_action(lv->c, lv->index, lv->spec->kind, act, o, refs, names, k);
	else if (skipped)
		console_status(lv->c, ST_WARN, "%s: nothing to %s (it is %s)", skipped_name ? skipped_name : "?",
			       act == TUG_ACT_START ? "start" : "do", act == TUG_ACT_START ? "running" : "not running");
	else
		console_status(lv->c, ST_WARN, "no %s selected", lv->spec->noun);
	if (k && act == TUG_ACT_REMOVE)
		table_clear_marks(&lv->t);
	free(refs);
	free(names);
	free(rows);
}

static void sort_step(struct listview *lv, int dir)
{
	int c = lv->t.sort_col;

	c = c < 0 ? 0 : (c + dir + lv->t.ncols) % lv->t.ncols;
	table_sort(&lv->t, c, lv->t.cols[c].numeric); /* numbers: biggest first */
	console_status(lv->c, ST_INFO, "sorted by %s", lv->t.cols[c].title);
}

int listview_key(struct console *c, void *v, enum action a, int key)
{
	struct listview *lv = v;
	struct table_row *before;
	char *before_id;
	int used = 1;
	struct tug_err err = { 0 };

	if (lv->stale)
		rebuild(lv);
	before = table_selected(&lv->t);
	before_id = before ? xstrdup(before->id) : NULL;

	(void)key;
	switch (a) {
	case ACT_UP:
		table_move(&lv->t, -1);
		break;
	case ACT_DOWN:
		table_move(&lv->t, 1);
		break;
	case ACT_TOP:
		table_home(&lv->t);
		break;
	case ACT_BOTTOM:
		table_end_row(&lv->t);
		break;
	case ACT_PAGE_UP:
		table_page(&lv->t, -1);
		break;
	case ACT_PAGE_DOWN:
		table_page(&lv->t, 1);
		break;
	case ACT_MARK:
		table_toggle_mark(&lv->t);
		table_move(&lv->t, 1);
		break;
	case ACT_SORT_NEXT:
		sort_step(lv, 1);
		break;
	case ACT_SORT_PREV:
		sort_step(lv, -1);
		break;
	case ACT_SORT_REVERSE:
		table_sort(&lv->t, lv->t.sort_col < 0 ? 0 : lv->t.sort_col, !lv->t.sort_desc);
		break;
	case ACT_CLEAR:
		table_set_filter(&lv->t, "", &err);
		table_clear_marks(&lv->t);
		break;
	case ACT_INSPECT: {
		const struct tug_obj *o = listview_selected(lv);
		char ref[OBJ_REF_MAX];
		if (o)
			console_inspect(c, lv->index, lv->spec->kind, obj_ref(o, ref, sizeof(ref)));
		break;
	}
	case ACT_REMOVE: {
		struct tug_action_opts o = { .timeout_s = -1 };
		struct table_row **rows;
		size_t n = table_targets(&lv->t, &rows);
		for (size_t i = 0; i < n; i++) {
			const struct tug_obj *obj = listview_obj(lv, rows[i]->id);
			if (obj && obj_is_up(obj))
				o.force = 1; /* the dialog says running ones are killed */
		}
		free(rows);
		listview_act(lv, TUG_ACT_REMOVE, &o, NULL);
		break;
	}
	case ACT_SHOW_ALL:
		if (!(lv->spec->features & LV_HIDE)) {
			used = 0;
			break;
		}
		lv->hide_stopped = !lv->hide_stopped;
		rebuild(lv);
		console_status(c, ST_INFO, "%s stopped %s", lv->hide_stopped ? "hiding" : "showing", lv->spec->noun);
		break;
	case ACT_LOGS:
		if (!(lv->spec->features & LV_LOGS)) {
			used = 0;
			break;
		}
		follow_selection(lv);
		console_open_logs_pager(c);
		break;
	default:
		used = 0;
	}
	struct table_row *after = table_selected(&lv->t);
	if (after && (!before_id || strcmp(before_id, after->id)))
		follow_selection(lv);
	free(before_id);
	return used;
}

int listview_click(struct console *c, void *v, int y, int x, int button)
{
	struct listview *lv = v;
	int col = -1;
	long hit;

	if (button == 4 || button == 5)
		return listview_key(c, v, button == 4 ? ACT_UP : ACT_DOWN, 0);
	if (lv->stale)
		rebuild(lv);
	hit = table_hit(&lv->t, y, x, lv->table_y, &col);
	if (hit == -2) {
		table_sort(&lv->t, col, lv->t.sort_col == col ? !lv->t.sort_desc : lv->t.cols[col].numeric);
		return 1;
	}
	if (hit >= 0) {
		table_select_index(&lv->t, (size_t)hit);
		follow_selection(lv);
		return 1;
	}
	return 0;
}

/* --- drawing --- */

static void draw_title(struct listview *lv, WINDOW *w, int wd)
{
	char buf[256], extra[200] = "";
	struct table *t = &lv->t;
	size_t marked = 0;
	int x;

	for (size_t i = 0; i < t->nrows; i++)
		marked += t->rows[i].marked;
	ui_role(w, ROLE_TITLE);
	ui_fill(w, 0, 0, wd);
	snprintf(buf, sizeof(buf), " %s (%zu) ", lv->c->views[lv->index]->title, t->nrows);
	x = ui_put(w, 0, 0, wd, buf);
	ui_role(w, ROLE_MUTED);
	if (t->filter)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " /%s/ %zu of %zu ", t->filter,
			 t->nvis, t->nrows);
	if (marked)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " %zu marked ", marked);
	if (lv->hide_stopped)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " running only ");
	if (lv->c->bench_rows && lv->spec->kind == TUG_CONTAINER)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " BENCH: synthetic rows ");
	x += ui_put(w, 0, x, wd - x, extra);
	if (lv->err[0] && lv->have_list) {
		/* the list is stale: say why on the title row */
		ui_role(w, ROLE_STATUS_WARN);
		ui_put(w, 0, x, wd - x, lv->err);
	}
}

static void centred(WINDOW *w, int y, int wd, enum role r, const char *msg)
{
	int mw = ui_width(msg);

	ui_role(w, r);
	if (mw >= wd)
		ui_put(w, y, 1, wd - 2, msg);
	else
		ui_put(w, y, (wd - mw) / 2, mw, msg);
}

/* The metrics error of the selection: the API's absence concerns every
 * object, a missing sample only its own. */
static const char *metrics_err(struct listview *lv, const char *ref)
{
	if (!lv->stats_err[0])
		return NULL;
	if (lv->stats_err_code == TUG_E_UNSUPPORTED || (lv->stats_err_ref && !strcmp(lv->stats_err_ref, ref)))
		return lv->stats_err;
	return NULL;
}

static void draw_graphs(struct listview *lv, WINDOW *w, int y, int x, int h, int wd,
			const struct tug_obj *o)
{
	struct console *c = lv->c;
	char ref[OBJ_REF_MAX];
	struct samples *s = o ? sample_set_get(&lv->samples, obj_ref(o, ref, sizeof(ref)), 0) : NULL;
	struct graph_pane_opts po = { .mode = c->gmode };
	int metrics = lv->spec->features & LV_METRICS;
	const char *err = metrics && o ? metrics_err(lv, ref) : lv->stats_err[0] ? lv->stats_err : NULL;

	if (!o) {
		centred(w, y + h / 2, wd, ROLE_MUTED, "nothing selected");
		return;
	}
	if (metrics ? !metrics_sampled(lv, o) : !obj_is_up(o) && (!s || !s->cpu.n)) {
		centred(w, y + h / 2, wd, ROLE_MUTED, "not running: no live figures");
		return;
	}
	if (err && metrics) {
		/* the driver's contract (kube.h): the API's absence says this */
		const char *na = "metrics not available", *why = strstr(err, na);
		if (why && lv->stats_err_code == TUG_E_UNSUPPORTED) {
			why += strlen(na);
			while (*why == ':' || *why == ' ')
				why++;
			graph_pane_message(w, y, x, h, wd, na, why);
		} else {
			graph_pane_message(w, y, x, h, wd, "no metrics", err);
		}
		return;
	}
	if (err) {
		centred(w, y + h / 2, wd, ROLE_STATUS_WARN, err);
		return;
	}
	if (!s) {
		centred(w, y + h / 2, wd, ROLE_MUTED, "sampling...");
		return;
	}
	po.cpu_limit = obj_cpu_limit(o);
	po.host_mem = c->host.valid ? c->host.mem_total : 0;
	graph_pane_draw(w, y, x, h, wd, s, &po);
}

static void draw_logs(struct listview *lv, WINDOW *w, int y, int x, int h, int wd)
{
	struct console *c = lv->c;
	struct logstream *ls = &c->ls;
	char title[256];

	if (h < 2)
		return;
	ui_role(w, ROLE_TITLE);
	ui_fill(w, y, x, wd);
	char opts[160];
	snprintf(title, sizeof(title), " Logs %s%s%s%s", ls->name ? ls->name : "", logopts_describe(ls, opts, sizeof(opts)),
		 ls->pending ? " (opening...)" : ls->ended ? " (ended)" : "",
		 ls->lv.follow ? "" : " (paused)");
	ui_put(w, y, x, wd, title);
	ui_role(w, ROLE_MUTED);
	if (wd > 40)
		ui_put_right(w, y, x, wd - 1, "l full screen");
	if (ls->err[0]) {
		ui_role(w, ROLE_STATUS_WARN);
		ui_put(w, y + 1, x + 1, wd - 2, ls->err);
		return;
	}
	if (!ls->id) {
		ui_role(w, ROLE_MUTED);
		ui_put(w, y + 1, x + 1, wd - 2, "select a container to follow its log");
		return;
	}
	if (!logview_count(&ls->lv) && !ls->pending) {
		ui_role(w, ROLE_MUTED);
		ui_put(w, y + 1, x + 1, wd - 2, "no output yet");
		return;
	}
	logview_draw(&ls->lv, w, y + 1, x, h - 1, wd);
}

/* A newly selected object shows figures at once, not at the next tick
 * (which may be seconds away): however the selection moved. */
static void sample_new_selection(struct listview *lv)
{
	struct table_row *r = table_selected(&lv->t);
	const struct tug_obj *o = listview_row_obj(lv, r);

	if (!o || lv->stats_inflight || lv->c->view != lv->index ||
	    !metrics_sampled(lv, o) || metrics_err(lv, r->id) ||
	    sample_set_get(&lv->samples, r->id, 0))
		return;
	listview_tick(lv->c, lv, TICK_STATS);
}

void listview_draw(struct console *c, void *v, WINDOW *w, int h, int wd)
{
	struct listview *lv = v;
	unsigned f = lv->spec->features;
	int detail = (f & (LV_STATS | LV_LOGS | LV_METRICS)) && h >= 16 && !c->bench_rows;
	int table_h = detail ? (h - 1) * 2 / 5 : h - 1;
	char msg[300];

	/* a short list leaves the room to the graphs and the log */
	if (detail && (int)lv->t.nvis + 3 < table_h)
		table_h = (int)lv->t.nvis + 3;
	if (table_h < 6)
		table_h = 6;
	maybe_rebuild(lv);
	/* however the selection moved (keys, filter, mouse, a refresh), the
	 * log pane follows it */
	if (lv->spec->features & LV_LOGS) {
		struct table_row *r = table_selected(&lv->t);
		struct logstream *ls = &c->ls;
		if (r ? !ls->id || ls->kind != lv->spec->kind || strcmp(ls->id, r->id) : ls->id != NULL)
			follow_selection(lv);
	}
	if (f & LV_METRICS)
		sample_new_selection(lv);
	lv->t.spin = c->spin;
	draw_title(lv, w, wd);
	lv->table_y = 1;
	if (!lv->have_list) {
		const char *m = lv->err[0] ? lv->err : "loading...";
		centred(w, 1 + table_h / 2, wd, lv->err[0] ? ROLE_MESSAGE : ROLE_MUTED, m);
		if (lv->err_code == TUG_E_UNSUPPORTED)
			centred(w, 2 + table_h / 2, wd, ROLE_MUTED, ":ctx NAME switches to an endpoint that has them");
		return;
	}
	table_draw(&lv->t, w, 1, 0, table_h, wd, 1);
	if (!lv->t.nvis) {
		if (lv->t.nrows)
			snprintf(msg, sizeof(msg), "no %s match /%s/ (Esc clears the filter)", lv->spec->noun,
				 lv->t.filter ? lv->t.filter : "");
		else
			snprintf(msg, sizeof(msg), "no %s%s", lv->spec->noun,
				 lv->spec->kind == TUG_CONTAINER ? ": tug run -d --name web IMAGE ..." : "");
		centred(w, 1 + table_h / 2, wd, ROLE_MUTED, msg);
	}
	if (!detail)
		return;
	/* the detail pane: a titled rule, then graphs and the log */
	int dy = 1 + table_h, dh = h - dy;
	const struct tug_obj *o = listview_selected(lv);
	char rule[512];
	ui_role(w, ROLE_BORDER);
	ui_hline(w, dy, 0, wd);
	if (o) {
		snprintf(rule, sizeof(rule), " %s ", o->name ? o->name : o->id);
		ui_role(w, ROLE_TITLE);
		int x = 1 + ui_put(w, dy, 1, wd - 2, rule);
		snprintf(rule, sizeof(rule), " %s%s%s ", o->image ? o->image : "", o->image && o->status ? " · " : "",
			 o->status ? o->status : "");
		if (!ui_glyphs.utf8)
			snprintf(rule, sizeof(rule), " %s%s%s ", o->image ? o->image : "",
				 o->image && o->status ? " - " : "", o->status ? o->status : "");
		ui_role(w, ROLE_MUTED);
		ui_put(w, dy, x, wd - x - 1, rule);
	}
	dy++;
	dh--;
	if (!(f & (LV_STATS | LV_METRICS))) {
		draw_logs(lv, w, dy, 0, dh, wd);
	} else if (!(f & LV_LOGS)) {
		draw_graphs(lv, w, dy, 0, dh, wd, o);
	} else if (wd >= 110) {
		int gw = wd * 2 / 5;
		draw_graphs(lv, w, dy, 0, dh, gw, o);
		ui_role(w, ROLE_BORDER);
		ui_vline(w, dy, gw, dh);
		draw_logs(lv, w, dy, gw + 1, dh, wd - gw - 1);
	} else {
		int gh = dh / 2 > 6 ? 6 : dh / 2;
		if (gh < 2)
			gh = 2;
		draw_graphs(lv, w, dy, 0, gh, wd, o);
		draw_logs(lv, w, dy + gh, 0, dh - gh, wd);
	}
	ui_role(w, ROLE_NORMAL);
}
