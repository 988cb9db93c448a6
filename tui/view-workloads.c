/* view-workloads.c - the workloads of a cluster endpoint: deployments,
 * statefulsets and daemonsets, three views over one row layout:
 * namespace, name, ready/desired, image, age. `+`/`-` scale by one
 * replica, `=` to a number it asks for (not daemonsets: they run one per node), `r` is a rollout
 * restart, `d` deletes after a confirmation. */
#include "listview.h"

#include <stdio.h>
#include <string.h>

enum { W_NS, W_NAME, W_READY, W_IMAGE, W_AGE, W_COUNT };

static const struct table_col cols[W_COUNT] = {
	[W_NS] = { "NAMESPACE", 10, 1, 0, 0, 1 },
	[W_NAME] = { "NAME", 20, 3, 0, 0, 0 },
	[W_READY] = { "READY", 7, 0, 1, 1, 0 },
	[W_IMAGE] = { "IMAGE", 20, 2, 0, 0, 2 },
	[W_AGE] = { "AGE", 14, 0, 0, 1, 1 },
};

static void rows(struct listview *lv, const struct tug_obj *o)
{
	struct table *t = &lv->t;
	char ref[OBJ_REF_MAX], buf[64];
	struct table_row *r = table_add(t, obj_ref(o, ref, sizeof(ref)));

	table_set(t, r, W_NS, o->namespace ? o->namespace : "", 0, ROLE_MUTED);
	table_set(t, r, W_NAME, o->name, 0, ROLE_NORMAL);
	snprintf(buf, sizeof(buf), "%d/%d", o->ready, o->total);
	table_set(t, r, W_READY, buf, o->total ? (double)o->ready / o->total : 0,
		  o->ready >= o->total ? (o->total ? ROLE_STATE_RUNNING : ROLE_STATE_STOPPED) : ROLE_STATE_PAUSED);
	table_set(t, r, W_IMAGE, o->image ? o->image : "", 0, ROLE_NORMAL);
	cell_created(t, r, W_AGE, o);
}

static const struct listview_spec deployments = {
	.kind = TUG_DEPLOYMENT, .cols = cols, .ncols = W_COUNT, .sort_col = W_NAME,
	.noun = "deployments", .rows = rows,
};
static const struct listview_spec statefulsets = {
	.kind = TUG_STATEFULSET, .cols = cols, .ncols = W_COUNT, .sort_col = W_NAME,
	.noun = "statefulsets", .rows = rows,
};
static const struct listview_spec daemonsets = {
	.kind = TUG_DAEMONSET, .cols = cols, .ncols = W_COUNT, .sort_col = W_NAME,
	.noun = "daemonsets", .rows = rows,
};

/* One scale request per row: each goes from its own replica count. */
static void scale(struct console *c, struct listview *lv, int delta)
{
	struct table_row **rows;
	size_t n = table_targets(&lv->t, &rows);

	if (lv->spec->kind == TUG_DAEMONSET)
		console_status(c, ST_WARN, "daemonsets run one pod per node: they do not scale");
	for (size_t i = 0; i < n && lv->spec->kind != TUG_DAEMONSET; i++) {
		const struct tug_obj *o = listview_obj(lv, rows[i]->id);
		struct tug_action_opts opts = { .timeout_s = -1 };
		char *ref = rows[i]->id, *name;
		if (!o)
			continue;
		if (o->total + delta < 0) {
			console_status(c, ST_WARN, "%s is already at 0 replicas", o->name);
			continue;
		}
		opts.replicas = o->total + delta;
		name = o->name;
		console_action(c, lv->index, lv->spec->kind, TUG_ACT_SCALE, &opts, &ref, &name, 1);
	}
	free(rows);
}

/* = asks for the number: one answer for every marked row. */
static void scale_prompt(struct console *c, struct listview *lv)
{
	struct table_row **rows;
	size_t n = table_targets(&lv->t, &rows), k = 0;
	char **refs = xcalloc(n + 1, sizeof(char *));
	const struct tug_obj *first = NULL;

	if (lv->spec->kind == TUG_DAEMONSET) {
		console_status(c, ST_WARN, "daemonsets run one pod per node: they do not scale");
		n = 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct tug_obj *o = listview_obj(lv, rows[i]->id);
		if (!o)
			continue;
		first = first ? first : o;
		refs[k++] = rows[i]->id;
	}
	if (first)
		console_scale_prompt(c, lv->index, lv->spec->kind, refs, k, first->name, first->total);
	free(refs);
	free(rows);
}

static int key(struct console *c, void *v, enum action a, int k)
{
	struct listview *lv = v;

	switch (a) {
	case ACT_SCALE_UP:
	case ACT_SCALE_DOWN:
		scale(c, lv, a == ACT_SCALE_UP ? 1 : -1);
		return 1;
	case ACT_SCALE:
		scale_prompt(c, lv);
		return 1;
	case ACT_RESTART:
		listview_act(lv, TUG_ACT_ROLLOUT_RESTART, NULL, NULL);
		return 1;
	case ACT_START:
	case ACT_STOP:
	case ACT_KILL:
	case ACT_PAUSE:
	case ACT_EXEC:
	case ACT_RENAME:
	case ACT_LOGS:
		console_status(c, ST_WARN, "that acts on pods: see the Pods view (5)");
		return 1;
	default:
		return listview_key(c, v, a, k);
	}
}

static const enum action actions[] = {
	ACT_SCALE_UP, ACT_SCALE_DOWN, ACT_SCALE, ACT_RESTART, ACT_REMOVE, ACT_INSPECT, ACT_MARK, ACT_FILTER,
	ACT_SORT_NEXT, ACT_SORT_PREV, ACT_SORT_REVERSE, ACT_CLEAR, ACT_UP, ACT_DOWN, ACT_TOP,
	ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_NONE,
};

static const enum action *hints(void *v)
{
	static const enum action h[] = { ACT_SCALE_UP, ACT_SCALE_DOWN, ACT_SCALE, ACT_RESTART, ACT_REMOVE, ACT_INSPECT,
					 ACT_FILTER, ACT_COMMAND, ACT_NONE };
	(void)v;
	return h;
}

#define WORKLOAD_VIEW(var, nm, al, ti, k, sp) \
	const struct view_ops var = { \
		.name = nm, .alias = al, .title = ti, .kind = k, \
		.scopes = SC_TABLE | SC_RESOURCE, .actions = actions, .spec = &sp, \
		.key = key, .hints = hints, LISTVIEW_OPS, \
	}

WORKLOAD_VIEW(view_deployments, "deployments", "deploy", "Deployments", TUG_DEPLOYMENT, deployments);
WORKLOAD_VIEW(view_statefulsets, "statefulsets", "sts", "StatefulSets", TUG_STATEFULSET, statefulsets);
WORKLOAD_VIEW(view_daemonsets, "daemonsets", "ds", "DaemonSets", TUG_DAEMONSET, daemonsets);
