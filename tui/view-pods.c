/* view-pods.c - pods of a cluster endpoint: namespace, name, ready,
 * status, restarts, ip, node, age; the detail pane graphs the selected
 * pod's CPU and memory from the metrics API and the log pane follows
 * it (C picks the container, P the previous instance); delete asks first; exec opens a shell in its first container.
 * The local runtime has no pods and says so. */
#include "listview.h"

#include <stdio.h>
#include <string.h>

enum { P_NS, P_NAME, P_READY, P_STATUS, P_RESTARTS, P_IP, P_NODE, P_AGE, P_COUNT };

static const struct table_col cols[P_COUNT] = {
	[P_NS] = { "NAMESPACE", 10, 1, 0, 0, 2 },
	[P_NAME] = { "NAME", 20, 3, 0, 0, 0 },
	[P_READY] = { "READY", 5, 0, 1, 1, 0 },
	[P_STATUS] = { "STATUS", 12, 0, 0, 0, 0 },
	[P_RESTARTS] = { "RESTARTS", 8, 0, 1, 1, 1 },
	[P_IP] = { "IP", 15, 0, 0, 0, 3 },
	[P_NODE] = { "NODE", 12, 1, 0, 0, 4 },
	[P_AGE] = { "AGE", 14, 0, 0, 1, 1 },
};

static enum role status_role(const struct tug_obj *o)
{
	const char *s = o->state ? o->state : "";

	if (!strcmp(s, "Running"))
		return o->ready < o->total ? ROLE_STATE_PAUSED : ROLE_STATE_RUNNING;
	if (!strcmp(s, "Succeeded") || !strcmp(s, "Completed"))
		return ROLE_STATE_STOPPED;
	if (!strcmp(s, "Pending") || !strcmp(s, "ContainerCreating") || !strcmp(s, "Terminating"))
		return ROLE_STATE_CREATED;
	return ROLE_STATE_ERROR; /* Failed, CrashLoopBackOff, ErrImagePull... */
}

static void rows(struct listview *lv, const struct tug_obj *o)
{
	struct table *t = &lv->t;
	char ref[OBJ_REF_MAX];
	struct table_row *r = table_add(t, obj_ref(o, ref, sizeof(ref)));
	char buf[64];

	table_set(t, r, P_NS, o->namespace ? o->namespace : "", 0, ROLE_MUTED);
	table_set(t, r, P_NAME, o->name, 0, ROLE_NORMAL);
	snprintf(buf, sizeof(buf), "%d/%d", o->ready, o->total);
	table_set(t, r, P_READY, buf, o->total ? (double)o->ready / o->total : 0, ROLE_NORMAL);
	table_set(t, r, P_STATUS, o->state ? o->state : "Unknown", 0, status_role(o));
	snprintf(buf, sizeof(buf), "%d", o->restarts);
	table_set(t, r, P_RESTARTS, buf, o->restarts, o->restarts ? ROLE_STATUS_WARN : ROLE_NORMAL);
	table_set(t, r, P_IP, o->ip ? o->ip : "-", 0, ROLE_NORMAL);
	table_set(t, r, P_NODE, o->node ? o->node : "-", 0, ROLE_NORMAL);
	cell_created(t, r, P_AGE, o);
}

static const struct listview_spec spec = {
	.kind = TUG_POD,
	.cols = cols,
	.ncols = P_COUNT,
	.sort_col = P_NAME,
	.features = LV_LOGS | LV_METRICS,
	.noun = "pods",
	.rows = rows,
};

static int key(struct console *c, void *v, enum action a, int k)
{
	struct listview *lv = v;
	const struct tug_obj *o;

	switch (a) {
	case ACT_EXEC:
		o = listview_selected(lv);
		if (o)
			console_exec(c, TUG_POD, table_selected(&lv->t)->id, o->name);
		return 1;
	case ACT_RESTART:
		/* a pod restarts by being deleted and made again by its owner */
		listview_act(lv, TUG_ACT_REMOVE, NULL, NULL);
		return 1;
	case ACT_RENAME:
		console_status(c, ST_WARN, "pods cannot be renamed");
		return 1;
	case ACT_CONTAINER:
		o = listview_selected(lv);
		if (o)
			console_pick_container(c, lv->index, table_selected(&lv->t)->id, o->name);
		return 1;
	case ACT_PREVIOUS:
		console_logs_previous(c);
		return 1;
	case ACT_START:
	case ACT_STOP:
	case ACT_KILL:
	case ACT_PAUSE:
	case ACT_SCALE_UP:
	case ACT_SCALE_DOWN:
		console_status(c, ST_WARN, "pods are run by their workloads: act on the deployment instead");
		return 1;
	default:
		return listview_key(c, v, a, k);
	}
}

static const enum action actions[] = {
	ACT_REMOVE, ACT_LOGS, ACT_CONTAINER, ACT_PREVIOUS, ACT_EXEC, ACT_RESTART, ACT_INSPECT, ACT_MARK, ACT_FILTER, ACT_SORT_NEXT,
	ACT_SORT_PREV, ACT_SORT_REVERSE, ACT_CLEAR, ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP,
	ACT_PAGE_DOWN, ACT_NONE,
};

static const enum action *hints(void *v)
{
	static const enum action h[] = { ACT_REMOVE, ACT_LOGS, ACT_EXEC, ACT_INSPECT, ACT_FILTER, ACT_COMMAND,
					 ACT_NONE };
	(void)v;
	return h;
}

const struct view_ops view_pods = {
	.name = "pods",
	.alias = "po",
	.title = "Pods",
	.kind = TUG_POD,
	.scopes = SC_TABLE | SC_RESOURCE,
	.actions = actions,
	.spec = &spec,
	.key = key,
	.hints = hints,
	LISTVIEW_OPS,
};
