/* view-containers.c - containers: name, image, state with uptime or exit
 * code, CPU%, memory, ports, created; live graphs and the log of the
 * selected one; start/stop/restart/kill/pause/remove/exec. */
#include "listview.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

enum { C_NAME, C_IMAGE, C_STATE, C_CPU, C_MEM, C_PORTS, C_CREATED, C_ID, C_COUNT };

static const struct table_col cols[C_COUNT] = {
	[C_NAME] = { "NAME", 14, 3, 0, 0, 0 },
	[C_IMAGE] = { "IMAGE", 12, 2, 0, 0, 1 },
	[C_STATE] = { "STATE", 18, 1, 0, 0, 0 },
	[C_CPU] = { "CPU%", 6, 0, 1, 1, 0 },
	[C_MEM] = { "MEM", 9, 0, 1, 1, 1 },
	[C_PORTS] = { "PORTS", 10, 2, 0, 0, 3 },
	[C_CREATED] = { "CREATED", 14, 0, 0, 1, 4 },
	[C_ID] = { "ID", 12, 0, 0, 0, 5 },
};

static enum role state_role(const struct tug_obj *o)
{
	const char *s = o->state ? o->state : "";

	if (!strcmp(s, "running"))
		return ROLE_STATE_RUNNING;
	if (!strcmp(s, "paused"))
		return ROLE_STATE_PAUSED;
	if (!strcmp(s, "exited"))
		return o->exit_code || o->oom_killed ? ROLE_STATE_ERROR : ROLE_STATE_STOPPED;
	if (!strcmp(s, "dead"))
		return ROLE_STATE_ERROR;
	return ROLE_STATE_CREATED;
}

/* "Up 3 minutes", "Exited (137) 2 hours ago": fresh every refresh,
 * whatever the driver's status string said when it was made. */
static void state_text(const struct tug_obj *o, char *buf, size_t size)
{
	const char *s = o->state ? o->state : "unknown";
	char d[64];
	int64_t now = now_ns();

	if ((!strcmp(s, "running") || !strcmp(s, "paused")) && o->started_ns > 0) {
		fmt_duration(d, sizeof(d), (now - o->started_ns) / 1000000000LL);
		snprintf(buf, size, "Up %s%s", d, !strcmp(s, "paused") ? " (Paused)" : "");
	} else if (!strcmp(s, "exited") && o->finished_ns > 0) {
		fmt_duration(d, sizeof(d), (now - o->finished_ns) / 1000000000LL);
		snprintf(buf, size, "Exited (%d%s) %s ago", o->exit_code, o->oom_killed ? ", OOM" : "", d);
	} else if (!strcmp(s, "exited")) {
		snprintf(buf, size, "Exited (%d%s)", o->exit_code, o->oom_killed ? ", OOM" : "");
	} else if (o->status && *o->status) {
		snprintf(buf, size, "%s", o->status);
	} else {
		snprintf(buf, size, "%c%s", s[0] >= 'a' && s[0] <= 'z' ? s[0] - 32 : s[0], s[0] ? s + 1 : "");
	}
}

static void rows(struct listview *lv, const struct tug_obj *o)
{
	struct table *t = &lv->t;
	struct table_row *r = table_add(t, o->id);
	struct samples *s = sample_set_get(&lv->samples, o->id, 0);
	char buf[128], id[16];
	int up = o->state && !strcmp(o->state, "running");

	table_set(t, r, C_NAME, o->name, 0, ROLE_NORMAL);
	table_set(t, r, C_IMAGE, o->image, 0, ROLE_NORMAL);
	state_text(o, buf, sizeof(buf));
	table_set(t, r, C_STATE, buf, 0, state_role(o));
	if (up && s && s->valid) {
		snprintf(buf, sizeof(buf), "%.1f", s->cpu_pct);
		table_set(t, r, C_CPU, buf, s->cpu_pct, ROLE_NORMAL);
		fmt_size_bin(buf, sizeof(buf), (double)s->mem_usage);
		table_set(t, r, C_MEM, buf, (double)s->mem_usage, ROLE_NORMAL);
	} else {
		table_set(t, r, C_CPU, "-", -1, ROLE_MUTED);
		table_set(t, r, C_MEM, "-", -1, ROLE_MUTED);
	}
	table_set(t, r, C_PORTS, o->ports ? o->ports : "", 0, ROLE_NORMAL);
	cell_created(t, r, C_CREATED, o);
	snprintf(id, sizeof(id), "%.12s", o->id);
	table_set(t, r, C_ID, id, 0, ROLE_MUTED);
	r->dim = !obj_is_up(o);
}

static const struct listview_spec spec = {
	.kind = TUG_CONTAINER,
	.cols = cols,
	.ncols = C_COUNT,
	.sort_col = C_NAME,
	.features = LV_STATS | LV_LOGS | LV_HIDE,
	.noun = "containers",
	.rows = rows,
};

static int startable(const struct tug_obj *o)
{
	return !obj_is_up(o);
}

static int running(const struct tug_obj *o)
{
	return o->state && !strcmp(o->state, "running");
}

static int paused(const struct tug_obj *o)
{
	return o->state && !strcmp(o->state, "paused");
}

static int key(struct console *c, void *v, enum action a, int k)
{
	struct listview *lv = v;
	const struct tug_obj *o;

	switch (a) {
	case ACT_START:
		listview_act(lv, TUG_ACT_START, NULL, startable);
		return 1;
	case ACT_STOP:
		listview_act(lv, TUG_ACT_STOP, NULL, obj_is_up);
		return 1;
	case ACT_RESTART:
		listview_act(lv, TUG_ACT_RESTART, NULL, NULL);
		return 1;
	case ACT_KILL:
		listview_act(lv, TUG_ACT_KILL, NULL, obj_is_up);
		return 1;
	case ACT_PAUSE:
		/* p pauses running ones and unpauses paused ones */
		o = listview_selected(lv);
		if (o && paused(o))
			listview_act(lv, TUG_ACT_UNPAUSE, NULL, paused);
		else
			listview_act(lv, TUG_ACT_PAUSE, NULL, running);
		return 1;
	case ACT_EXEC:
		o = listview_selected(lv);
		if (!o)
			console_status(c, ST_WARN, "no container selected");
		else if (!running(o))
			console_status(c, ST_WARN, "%s is not running: s starts it", o->name);
		else
			console_exec(c, TUG_CONTAINER, o->id, o->name);
		return 1;
	case ACT_RENAME:
		o = listview_selected(lv);
		if (o)
			console_rename(c, lv->index, o->id, o->name);
		return 1;
	case ACT_SCALE_UP:
	case ACT_SCALE_DOWN:
		console_status(c, ST_WARN, "containers do not scale: that is for deployments and statefulsets");
		return 1;
	default:
		return listview_key(c, v, a, k);
	}
}

static const enum action actions[] = {
	ACT_START, ACT_STOP, ACT_RESTART, ACT_KILL, ACT_PAUSE, ACT_REMOVE, ACT_LOGS, ACT_EXEC, ACT_RENAME, ACT_INSPECT,
	ACT_MARK, ACT_FILTER, ACT_SORT_NEXT, ACT_SORT_PREV, ACT_SORT_REVERSE, ACT_SHOW_ALL, ACT_CLEAR,
	ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_NONE,
};

static const enum action *hints(void *v)
{
	static const enum action h[] = { ACT_START, ACT_STOP, ACT_RESTART, ACT_REMOVE, ACT_LOGS, ACT_EXEC,
					 ACT_INSPECT, ACT_FILTER, ACT_COMMAND, ACT_NONE };
	(void)v;
	return h;
}

const struct view_ops view_containers = {
	.name = "containers",
	.alias = "ctr",
	.title = "Containers",
	.kind = TUG_CONTAINER,
	.scopes = SC_TABLE | SC_RESOURCE,
	.actions = actions,
	.spec = &spec,
	.key = key,
	.hints = hints,
	LISTVIEW_OPS,
};
