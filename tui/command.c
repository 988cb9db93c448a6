/* command.c - `:` command mode: switch views, endpoints and themes,
 * filter, pull an image, quit; Tab completes command names, theme names and contexts. */
#include "listview.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const verbs[] = { "ctx", "ns", "theme", "filter", "pull", "since", "help", "readonly", "quit", "q", NULL };

static int view_by_name(struct console *c, const char *s)
{
	for (int i = 0; i < c->nviews; i++)
		if (!strcmp(s, c->views[i]->name) || (c->views[i]->alias && !strcmp(s, c->views[i]->alias)))
			return i;
	/* singular works too: ":container" */
	for (int i = 0; i < c->nviews; i++) {
		size_t n = strlen(c->views[i]->name);
		if (strlen(s) == n - 1 && !strncmp(s, c->views[i]->name, n - 1))
			return i;
	}
	return -1;
}

static void switch_theme(struct console *c, const char *name)
{
	char path[4096];
	struct tug_err err = { 0 };
	struct theme t;

	if (theme_find(name, path, sizeof(path), &err) < 0 || theme_load_file(&t, path, &err) < 0) {
		console_status(c, ST_ERROR, "%s", err.msg);
		return;
	}
	c->theme = t;
	theme_apply(&c->theme, c->cmode);
	term_layout(c);
	console_status(c, ST_OK, "theme %s%s", t.name, c->cmode == CM_MONO ? " (no colour: NO_COLOR or the terminal)" : "");
}

void command_run(struct console *c, const char *line)
{
	char verb[64] = "", *arg;
	const char *p = line;
	int v;

	while (*p == ' ' || *p == ':')
		p++;
	sscanf(p, "%63s", verb);
	arg = (char *)p + strlen(verb);
	while (*arg == ' ')
		arg++;
	{
		/* trailing blanks are not part of an argument */
		size_t n = strlen(arg);
		while (n && arg[n - 1] == ' ')
			arg[--n] = 0;
	}
	if (!verb[0])
		return;
	/* ":ns" alone opens the namespaces view; with a name it picks one */
	if ((!strcmp(verb, "ns") || !strcmp(verb, "namespace")) && *arg) {
		console_set_namespace(c, arg);
	} else if ((v = view_by_name(c, verb)) >= 0) {
		console_switch_view(c, v);
	} else if (!strcmp(verb, "q") || !strcmp(verb, "quit") || !strcmp(verb, "q!") || !strcmp(verb, "qa")) {
		c->quit = 1;
	} else if (!strcmp(verb, "theme")) {
		if (!*arg)
			console_status(c, ST_INFO, "theme %s (:theme NAME, Tab lists them)", c->theme.name);
		else
			switch_theme(c, arg);
	} else if (!strcmp(verb, "ctx") || !strcmp(verb, "context")) {
		if (!*arg)
			console_status(c, ST_INFO, "endpoint %s (:ctx local, or :ctx NAME for a kube context)", c->ep_name);
		else
			console_switch_endpoint(c, arg);
	} else if (!strcmp(verb, "since")) {
		console_logs_since(c, arg);
	} else if (!strcmp(verb, "pull")) {
		if (!*arg)
			console_pull_prompt(c, c->view);
		else
			console_pull(c, arg);
	} else if (!strcmp(verb, "help")) {
		c->mode = MODE_HELP;
		c->help_top = 0;
	} else if (!strcmp(verb, "filter")) {
		struct table *t = c->views[c->view]->table ? c->views[c->view]->table(c->vstate[c->view]) : NULL;
		struct tug_err err = { 0 };
		if (!t)
			console_status(c, ST_WARN, "this view has no table to filter");
		else if (table_set_filter(t, arg, &err) < 0)
			console_status(c, ST_ERROR, "%s", err.msg);
	} else if (!strcmp(verb, "readonly")) {
		console_status(c, ST_INFO, "read-only mode is %s%s", c->readonly ? "on" : "off",
			       c->readonly ? "" : " (start with --readonly to turn it on)");
	} else {
		console_status(c, ST_ERROR, "unknown command ':%s' (Tab completes; :help lists them)", verb);
	}
	c->dirty |= D_ALL;
}

static void push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 2) * sizeof(char *));
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

char **command_complete(void *ctx, const char *text)
{
	struct console *c = ctx;
	char **out = NULL, buf[600];
	size_t n = 0, tl;
	const char *sp = strchr(text, ' ');

	if (!sp) {
		tl = strlen(text);
		for (int i = 0; i < c->nviews; i++)
			if (!strncmp(c->views[i]->name, text, tl))
				push(&out, &n, c->views[i]->name);
		for (int i = 0; verbs[i]; i++) {
			if (strncmp(verbs[i], text, tl) || !strcmp(verbs[i], "q"))
				continue;
			/* verbs that take an argument complete with the space */
			int arg = !strcmp(verbs[i], "ctx") || !strcmp(verbs[i], "theme") || !strcmp(verbs[i], "filter") ||
				  !strcmp(verbs[i], "pull") || !strcmp(verbs[i], "ns") ||
				  !strcmp(verbs[i], "since");
			snprintf(buf, sizeof(buf), "%s%s", verbs[i], arg ? " " : "");
			push(&out, &n, buf);
		}
		return out;
	}
	const char *arg = sp + 1;
	tl = strlen(arg);
	if (!strncmp(text, "theme ", 6)) {
		char **names = theme_names();
		for (char **p = names; *p; p++)
			if (!strncmp(*p, arg, tl)) {
				snprintf(buf, sizeof(buf), "theme %s", *p);
				push(&out, &n, buf);
			}
		theme_names_free(names);
	} else if (!strncmp(text, "ctx ", 4)) {
		static const char *const known[] = { "local", "kube" };
		for (size_t i = 0; i < 2; i++)
			if (!strncmp(known[i], arg, tl)) {
				snprintf(buf, sizeof(buf), "ctx %s", known[i]);
				push(&out, &n, buf);
			}
	} else if (!strncmp(text, "ns ", 3)) {
		/* "all", and the namespaces the namespaces view has listed */
		if (!strncmp("all", arg, tl))
			push(&out, &n, "ns all");
		for (int v = 0; v < c->nviews; v++) {
			const struct listview *lv = c->vstate[v];
			if (c->views[v]->kind != TUG_NAMESPACE || !lv->have_list)
				continue;
			for (size_t i = 0; i < lv->list.n; i++) {
				const char *name = lv->list.items[i].name;
				if (name && !strncmp(name, arg, tl)) {
					snprintf(buf, sizeof(buf), "ns %s", name);
					push(&out, &n, buf);
				}
			}
		}
	}
	return out;
}
