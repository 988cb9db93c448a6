/* logopts.c - what the log pane asks of a stream besides "follow the
 * selection": which container of a pod (a picker fed by the pod's spec),
 * its previous instance (the one that crashed), and since when. The
 * stream is reopened with the new options; the pane's title says them. */
#include "console.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the tag of the inspect job that feeds the container picker */
#define PICK_CONTAINERS 0x7069636bULL

void console_pick_container(struct console *c, int view, const char *ref, const char *name)
{
	struct job *j = job_new(JOB_INSPECT, view, TUG_POD, ref);

	j->tag = PICK_CONTAINERS;
	console_submit(c, j);
	console_status(c, ST_INFO, "reading the containers of %s...", name);
}

/* Names of a pod's containers: init containers first, as they run. */
static size_t container_names(json_t *pod, char ***out)
{
	static const char *const lists[] = { "initContainers", "containers", "ephemeralContainers" };
	json_t *spec = json_object_get(pod, "spec");
	char **v = NULL;
	size_t n = 0;

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		json_t *a = json_object_get(spec, lists[l]), *ctr;
		size_t i;
		json_array_foreach(a, i, ctr) {
			const char *name = json_string_value(json_object_get(ctr, "name"));
			if (!name)
				continue;
			v = xrealloc(v, (n + 1) * sizeof(char *));
			v[n++] = xstrdup(name);
		}
	}
	*out = v;
	return n;
}

int logopts_job(struct console *c, struct job *j)
{
	char **names = NULL, msg[300];
	size_t n;
	int sel = 0;

	if (j->type != JOB_INSPECT || j->tag != PICK_CONTAINERS)
		return 0;
	if (j->rc < 0) {
		console_status(c, ST_ERROR, "%s", j->err.msg);
		return 1;
	}
	n = container_names(j->json, &names);
	if (n == 0) {
		console_status(c, ST_WARN, "%s lists no containers", j->ref);
	} else if (n == 1) {
		console_status(c, ST_INFO, "%s has one container, %s: its log is the one shown", j->ref, names[0]);
	} else {
		for (size_t i = 0; i < n; i++)
			if (c->ls.container && !strcmp(names[i], c->ls.container))
				sel = (int)i;
		snprintf(msg, sizeof(msg), "Container of %s whose log to follow:", j->ref);
		console_pick_prompt(c, j->owner, j->ref);
		dialog_choice(&c->dlg, "Logs of", msg, names, (int)n, sel);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 1;
}

void console_logs_container(struct console *c, const char *ref, const char *container)
{
	if (!c->ls.id || strcmp(c->ls.id, ref)) {
		console_status(c, ST_WARN, "the log pane has moved on from %s", ref);
		return;
	}
	free(c->ls.container);
	c->ls.container = xstrdup(container);
	console_reopen_logs(c);
	console_status(c, ST_OK, "following the log of %s in %s", container, c->ls.name ? c->ls.name : ref);
}

void console_logs_previous(struct console *c)
{
	if (!c->ls.id || c->ls.kind != TUG_POD) {
		console_status(c, ST_WARN, "previous instance: select a pod (its crashed container's log)");
		return;
	}
	c->ls.previous = !c->ls.previous;
	console_reopen_logs(c);
	console_status(c, ST_INFO, "%s", c->ls.previous ? "the previous instance's log (P again: the current one)"
							: "the current instance's log");
}

void console_logs_since(struct console *c, const char *arg)
{
	int64_t t;

	if (!*arg) {
		c->ls.since_ns = 0;
		c->ls.since_text[0] = 0;
		console_status(c, ST_OK, "logs: no time limit");
	} else if (parse_since(arg, now_ns(), &t) < 0) {
		console_status(c, ST_ERROR, "since: '%s' is not a time: use 10m, 2h, a unix time or 2026-01-02T15:04:05Z", arg);
		return;
	} else {
		c->ls.since_ns = t;
		snprintf(c->ls.since_text, sizeof(c->ls.since_text), "%s", arg);
		console_status(c, ST_OK, "logs since %s", arg);
	}
	if (c->ls.id)
		console_reopen_logs(c);
}

const char *logopts_describe(const struct logstream *ls, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = 0;
	if (ls->container)
		o += (size_t)snprintf(buf + o, size - o, " [%s]", ls->container);
	if (ls->previous && o < size)
		o += (size_t)snprintf(buf + o, size - o, " previous instance");
	if (ls->since_text[0] && o < size)
		snprintf(buf + o, size - o, " since %s", ls->since_text);
	return buf;
}
