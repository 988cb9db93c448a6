/* view-nodes.c - the nodes of a cluster endpoint: name, status, roles,
 * kubelet version, internal IP, age; the detail pane graphs the selected
 * node's CPU and memory from the metrics API; `c` cordons or uncordons
 * it (the marked ones). The local runtime has no nodes and says so. */
#include "listview.h"
#include "kube/kube.h"

#include <stdio.h>
#include <string.h>

enum { N_NAME, N_STATUS, N_ROLES, N_VERSION, N_IP, N_AGE, N_COUNT };

static const struct table_col cols[N_COUNT] = {
	[N_NAME] = { "NAME", 20, 3, 0, 0, 0 },
	[N_STATUS] = { "STATUS", 24, 0, 0, 0, 0 },  /* Ready,SchedulingDisabled */
	[N_ROLES] = { "ROLES", 13, 1, 0, 0, 2 },
	[N_VERSION] = { "VERSION", 9, 0, 0, 0, 3 },
	[N_IP] = { "INTERNAL-IP", 15, 0, 0, 0, 4 },
	[N_AGE] = { "AGE", 14, 0, 0, 1, 1 },
};

static int cordoned(const struct tug_obj *o)
{
	return o->state && strstr(o->state, "SchedulingDisabled");
}

static void rows(struct listview *lv, const struct tug_obj *o)
{
	struct table *t = &lv->t;
	char ref[OBJ_REF_MAX], buf[128];
	struct table_row *r = table_add(t, obj_ref(o, ref, sizeof(ref)));
	const char *st = o->state ? o->state : "Unknown";
	int64_t now = now_ns();

	table_set(t, r, N_NAME, o->name, 0, ROLE_NORMAL);
	table_set(t, r, N_STATUS, st, 0,
		  strncmp(st, "Ready", 5) ? ROLE_STATE_ERROR : cordoned(o) ? ROLE_STATE_PAUSED : ROLE_STATE_RUNNING);
	table_set(t, r, N_ROLES, kube_cell_titled(o, "ROLES", now, buf, sizeof(buf)), 0, ROLE_NORMAL);
	table_set(t, r, N_VERSION, kube_cell_titled(o, "VERSION", now, buf, sizeof(buf)), 0, ROLE_NORMAL);
	table_set(t, r, N_IP, o->ip ? o->ip : "-", 0, ROLE_NORMAL);
	cell_created(t, r, N_AGE, o);
}

static const struct listview_spec spec = {
	.kind = TUG_NODE,
	.cols = cols,
	.ncols = N_COUNT,
	.sort_col = N_NAME,
	.features = LV_METRICS,
	.noun = "nodes",
	.rows = rows,
};

static int key(struct console *c, void *v, enum action a, int k)
{
	struct listview *lv = v;
	const struct tug_obj *o;

	switch (a) {
	case ACT_CORDON:
		/* like p on containers: the selection's state picks the way */
		o = listview_selected(lv);
		if (o && cordoned(o))
			listview_act(lv, TUG_ACT_UNCORDON, NULL, cordoned);
		else
			listview_act(lv, TUG_ACT_CORDON, NULL, NULL);
		return 1;
	case ACT_START:
	case ACT_STOP:
	case ACT_RESTART:
	case ACT_KILL:
	case ACT_PAUSE:
	case ACT_EXEC:
	case ACT_RENAME:
	case ACT_LOGS:
	case ACT_SCALE_UP:
	case ACT_SCALE_DOWN:
		console_status(c, ST_WARN, "nodes can be cordoned (c) or inspected; pods run on them (5)");
		return 1;
	default:
		return listview_key(c, v, a, k);
	}
}

static const enum action actions[] = {
	ACT_CORDON, ACT_REMOVE, ACT_INSPECT, ACT_MARK, ACT_FILTER, ACT_SORT_NEXT, ACT_SORT_PREV,
	ACT_SORT_REVERSE, ACT_CLEAR, ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN,
	ACT_NONE,
};

static const enum action *hints(void *v)
{
	static const enum action h[] = { ACT_CORDON, ACT_INSPECT, ACT_FILTER, ACT_COMMAND, ACT_NONE };
	(void)v;
	return h;
}

const struct view_ops view_nodes = {
	.name = "nodes",
	.alias = "no",
	.title = "Nodes",
	.kind = TUG_NODE,
	.scopes = SC_TABLE | SC_RESOURCE,
	.actions = actions,
	.spec = &spec,
	.key = key,
	.hints = hints,
	LISTVIEW_OPS,
};
