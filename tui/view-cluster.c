/* view-cluster.c - the rest of a cluster's kinds, with kubectl's columns:
 * replicasets, services, events and namespaces. They have no tab number
 * (`:rs`, `:svc`, `:events`, `:ns` open them; the tab row shows the one
 * open); `u` in the namespaces view makes every view list that namespace.
 * Cells come from the kube driver's kubectl column renderer, so they read
 * as `kubectl get` prints them. */
#include "listview.h"
#include "kube/kube.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

/* Every column but NAMESPACE and AGE is kubectl's cell of that title. */
static void kube_rows(struct listview *lv, const struct tug_obj *o)
{
	struct table *t = &lv->t;
	char ref[OBJ_REF_MAX], buf[512];
	struct table_row *r = table_add(t, obj_ref(o, ref, sizeof(ref)));

	int64_t now = now_ns();

	for (int i = 0; i < lv->spec->ncols; i++) {
		const char *title = lv->spec->cols[i].title, *text;
		if (!strcmp(title, "NAMESPACE")) {
			table_set(t, r, i, o->namespace ? o->namespace : "", 0, ROLE_MUTED);
			continue;
		}
		if (!strcmp(title, "AGE")) {
			cell_created(t, r, i, o);
			continue;
		}
		text = kube_cell_titled(o, title, now, buf, sizeof(buf));
		if (!strcmp(title, "LAST SEEN"))
			/* newest first when sorted: the number is the time */
			table_set(t, r, i, text, (double)o->finished_ns / 1e9, ROLE_MUTED);
		else if (!strcmp(title, "TYPE") && o->kind == TUG_EVENT)
			table_set(t, r, i, text, 0, strcmp(text, "Normal") ? ROLE_STATE_ERROR : ROLE_NORMAL);
		else if (!strcmp(title, "STATUS"))
			table_set(t, r, i, text, 0, strcmp(text, "Active") ? ROLE_STATE_PAUSED : ROLE_STATE_RUNNING);
		else
			table_set(t, r, i, text, atof(text), ROLE_NORMAL);
	}
}

static const struct table_col rs_cols[] = {
	{ "NAMESPACE", 10, 1, 0, 0, 1 }, { "NAME", 24, 3, 0, 0, 0 }, { "DESIRED", 7, 0, 1, 1, 0 },
	{ "CURRENT", 7, 0, 1, 1, 0 }, { "READY", 5, 0, 1, 1, 0 }, { "AGE", 14, 0, 0, 1, 1 },
};
static const struct table_col svc_cols[] = {
	{ "NAMESPACE", 10, 1, 0, 0, 1 }, { "NAME", 18, 2, 0, 0, 0 }, { "TYPE", 12, 0, 0, 0, 2 },
	{ "CLUSTER-IP", 15, 0, 0, 0, 0 }, { "EXTERNAL-IP", 12, 1, 0, 0, 3 }, { "PORT(S)", 14, 2, 0, 0, 0 },
	{ "AGE", 14, 0, 0, 1, 1 },
};
static const struct table_col ev_cols[] = {
	{ "NAMESPACE", 10, 1, 0, 0, 2 }, { "LAST SEEN", 10, 0, 1, 1, 0 }, { "TYPE", 7, 0, 0, 0, 0 },
	{ "REASON", 16, 0, 0, 0, 1 }, { "OBJECT", 20, 2, 0, 0, 0 }, { "MESSAGE", 30, 5, 0, 0, 0 },
};
static const struct table_col ns_cols[] = {
	{ "NAME", 24, 3, 0, 0, 0 }, { "STATUS", 11, 0, 0, 0, 0 }, { "AGE", 14, 0, 0, 1, 1 },
};
#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct listview_spec rs_spec = {
	.kind = TUG_REPLICASET, .cols = rs_cols, .ncols = NCOLS(rs_cols), .sort_col = 1,
	.noun = "replicasets", .rows = kube_rows,
};
static const struct listview_spec svc_spec = {
	.kind = TUG_SERVICE, .cols = svc_cols, .ncols = NCOLS(svc_cols), .sort_col = 1,
	.noun = "services", .rows = kube_rows,
};
/* the newest event first, as one reads them */
static const struct listview_spec ev_spec = {
	.kind = TUG_EVENT, .cols = ev_cols, .ncols = NCOLS(ev_cols), .sort_col = 1, .sort_desc = 1,
	.noun = "events", .rows = kube_rows,
};
static const struct listview_spec ns_spec = {
	.kind = TUG_NAMESPACE, .cols = ns_cols, .ncols = NCOLS(ns_cols), .sort_col = 0,
	.noun = "namespaces", .rows = kube_rows,
};

/* Actions on containers and workloads mean nothing here. */
static int not_here(struct console *c, enum action a, const char *noun)
{
	switch (a) {
	case ACT_START: case ACT_STOP: case ACT_RESTART: case ACT_KILL: case ACT_PAUSE: case ACT_EXEC:
	case ACT_RENAME: case ACT_LOGS: case ACT_SCALE_UP: case ACT_SCALE_DOWN: case ACT_CORDON:
		console_status(c, ST_WARN, "%s can be inspected (Enter) or deleted (d); pods are on 5", noun);
		return 1;
	default:
		return 0;
	}
}

static int key(struct console *c, void *v, enum action a, int k)
{
	struct listview *lv = v;

	return not_here(c, a, lv->spec->noun) || listview_key(c, v, a, k);
}

static int ns_key(struct console *c, void *v, enum action a, int k)
{
	struct listview *lv = v;
	const struct tug_obj *o;

	if (a != ACT_USE)
		return not_here(c, a, "namespaces") || listview_key(c, v, a, k);
	o = listview_selected(lv);
	if (!o || !o->name) {
		console_status(c, ST_WARN, "no namespace selected");
		return 1;
	}
	console_set_namespace(c, o->name);
	/* its pods are what one wants to see next */
	for (int i = 0; i < c->nviews; i++)
		if (c->views[i]->kind == TUG_POD)
			console_switch_view(c, i);
	return 1;
}

static const enum action ns_actions[] = {
	ACT_USE, ACT_REMOVE, ACT_INSPECT, ACT_MARK, ACT_FILTER, ACT_SORT_NEXT, ACT_SORT_PREV, ACT_SORT_REVERSE,
	ACT_CLEAR, ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_NONE,
};

static const enum action *ns_hints(void *v)
{
	static const enum action h[] = { ACT_USE, ACT_INSPECT, ACT_FILTER, ACT_COMMAND, ACT_NONE };
	(void)v;
	return h;
}

#define CLUSTER_VIEW(var, nm, al, ti, k, sp) \
	const struct view_ops var = { \
		.name = nm, .alias = al, .title = ti, .kind = k, .scopes = SC_TABLE | SC_RESOURCE, \
		.actions = listview_plain_actions, .spec = &sp, .key = key, .hints = listview_plain_hints, LISTVIEW_OPS, \
	}

CLUSTER_VIEW(view_replicasets, "replicasets", "rs", "ReplicaSets", TUG_REPLICASET, rs_spec);
CLUSTER_VIEW(view_services, "services", "svc", "Services", TUG_SERVICE, svc_spec);
CLUSTER_VIEW(view_events, "events", "ev", "Events", TUG_EVENT, ev_spec);

const struct view_ops view_namespaces = {
	.name = "namespaces",
	.alias = "ns",
	.title = "Namespaces",
	.kind = TUG_NAMESPACE,
	.scopes = SC_TABLE | SC_RESOURCE,
	.actions = ns_actions,
	.spec = &ns_spec,
	.key = ns_key,
	.hints = ns_hints,
	LISTVIEW_OPS,
};
