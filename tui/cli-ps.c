/* cli-ps.c - `tug ps`: containers as docker lists them, newest first,
 * with -a, -q, -n/-l, -s, --no-trunc, --format and docker's filters
 * (name=, id=, status=, label=, exited=, ancestor=). */
#include "cli.h"
#include "cli-format.h"
#include "util/str.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ps_filter {
	struct strv name, id, status, label, exited, ancestor;
	regex_t *name_re;
};

static void filter_release(struct ps_filter *f)
{
	for (size_t i = 0; f->name_re && i < f->name.n; i++)
		regfree(&f->name_re[i]);
	free(f->name_re);
	strv_release(&f->name);
	strv_release(&f->id);
	strv_release(&f->status);
	strv_release(&f->label);
	strv_release(&f->exited);
	strv_release(&f->ancestor);
}

static int filter_parse(struct ps_filter *f, struct strv *specs, struct tug_err *err)
{
	static const char *const states[] = { "created", "restarting", "running", "removing",
					      "paused", "exited", "dead", NULL };

	for (size_t i = 0; i < specs->n; i++) {
		const char *s = specs->v[i], *eq = strchr(s, '=');
		const char *v = eq ? eq + 1 : NULL;
		size_t kl = eq ? (size_t)(eq - s) : strlen(s);
		if (!eq || !*v)
			return tug_errf(err, TUG_E_INVALID, "bad filter '%s': use KEY=VALUE", s);
		if (kl == 4 && !strncmp(s, "name", 4)) {
			strv_push(&f->name, v);
		} else if (kl == 2 && !strncmp(s, "id", 2)) {
			strv_push(&f->id, v);
		} else if (kl == 6 && !strncmp(s, "status", 6)) {
			int ok = 0;
			for (const char *const *p = states; *p; p++)
				ok |= !strcmp(*p, v);
			if (!ok)
				return tug_errf(err, TUG_E_INVALID,
						"invalid filter 'status=%s': use created, restarting, running, "
						"removing, paused, exited or dead", v);
			strv_push(&f->status, v);
		} else if (kl == 5 && !strncmp(s, "label", 5)) {
			strv_push(&f->label, v);
		} else if (kl == 6 && !strncmp(s, "exited", 6)) {
			char *end;
			strtol(v, &end, 10);
			if (*end)
				return tug_errf(err, TUG_E_INVALID, "invalid filter 'exited=%s': want a number", v);
			strv_push(&f->exited, v);
		} else if (kl == 8 && !strncmp(s, "ancestor", 8)) {
			strv_push(&f->ancestor, v);
		} else {
			return tug_errf(err, TUG_E_INVALID,
					"invalid filter '%.*s': use name, id, status, label, exited or ancestor",
					(int)kl, s);
		}
	}
	if (f->name.n) {
		f->name_re = xcalloc(f->name.n, sizeof(regex_t));
		for (size_t i = 0; i < f->name.n; i++)
			if (regcomp(&f->name_re[i], f->name.v[i], REG_EXTENDED | REG_NOSUB) != 0) {
				/* keep what compiled freeable: compile a trivial one */
				regcomp(&f->name_re[i], "$^", REG_EXTENDED | REG_NOSUB);
				return tug_errf(err, TUG_E_INVALID, "invalid filter 'name=%s': bad regular expression",
						f->name.v[i]);
			}
	}
	return 0;
}

static int has_label(const struct tug_obj *o, const char *want)
{
	json_t *labels = cli_ctr_field(o, "Config.Labels");
	const char *eq = strchr(want, '=');
	json_t *v;

	if (!eq)
		return json_object_get(labels, want) != NULL;
	{
		char *k = strndup(want, (size_t)(eq - want));
		v = k ? json_object_get(labels, k) : NULL;
		free(k);
	}
	return v && json_is_string(v) && !strcmp(json_string_value(v), eq + 1);
}

static int ancestor_match(const struct tug_obj *o, const char *want)
{
	const char *img = o->image ? o->image : "";
	json_t *id = cli_ctr_field(o, "ImageId") ?: cli_ctr_field(o, "Image");
	size_t wl = strlen(want);

	if (!strcmp(img, want))
		return 1;
	/* "busybox" matches "busybox:latest" */
	if (!strchr(want, ':') && str_has_prefix(img, want) && !strcmp(img + wl, ":latest"))
		return 1;
	if (id && json_is_string(id)) {
		const char *s = json_string_value(id);
		if (str_has_prefix(s, "sha256:") && !str_has_prefix(want, "sha256:"))
			s += 7;
		if (wl >= 4 && str_has_prefix(s, want))
			return 1;
	}
	return 0;
}

/* Values of one key OR together; different keys AND. */
static int filter_match(const struct ps_filter *f, const struct tug_obj *o)
{
	size_t i;
	int ok;

	if (f->name.n) {
		for (ok = 0, i = 0; i < f->name.n && !ok; i++)
			ok = o->name && regexec(&f->name_re[i], o->name, 0, NULL, 0) == 0;
		if (!ok)
			return 0;
	}
	if (f->id.n) {
		for (ok = 0, i = 0; i < f->id.n && !ok; i++)
			ok = o->id && str_has_prefix(o->id, f->id.v[i]);
		if (!ok)
			return 0;
	}
	if (f->status.n) {
		for (ok = 0, i = 0; i < f->status.n && !ok; i++)
			ok = o->state && !strcmp(o->state, f->status.v[i]);
		if (!ok)
			return 0;
	}
	for (i = 0; i < f->label.n; i++)
		if (!has_label(o, f->label.v[i]))
			return 0;
	if (f->exited.n) {
		for (ok = 0, i = 0; i < f->exited.n && !ok; i++)
			ok = o->state && !strcmp(o->state, "exited") && o->exit_code == atoi(f->exited.v[i]);
		if (!ok)
			return 0;
	}
	if (f->ancestor.n) {
		for (ok = 0, i = 0; i < f->ancestor.n && !ok; i++)
			ok = ancestor_match(o, f->ancestor.v[i]);
		if (!ok)
			return 0;
	}
	return 1;
}

static int newest_first(const void *a, const void *b)
{
	const struct tug_obj *x = a, *y = b;

	if (x->created_ns != y->created_ns)
		return x->created_ns < y->created_ns ? 1 : -1;
	return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

int cmd_ps(struct cli *c, int argc, char **argv)
{
	int all = 0, quiet = 0, no_trunc = 0, latest = 0, size = 0, optind, rc;
	long last = -1;
	const char *format = NULL;
	struct strv filters = { 0 };
	const struct cli_opt opts[] = {
		{ 'a', "all", OPT_BOOL, &all, NULL, "Show all containers (default shows just running)" },
		{ 'q', "quiet", OPT_BOOL, &quiet, NULL, "Only display container ids" },
		{ 0, "no-trunc", OPT_BOOL, &no_trunc, NULL, "Don't truncate output" },
		{ 'n', "last", OPT_INT, &last, "N", "Show the N last created containers (all states)" },
		{ 'l', "latest", OPT_BOOL, &latest, NULL, "Show the latest created container (all states)" },
		{ 's', "size", OPT_BOOL, &size, NULL, "Show the size of each container's writable layer" },
		{ 'f', "filter", OPT_LIST, &filters, "KEY=VALUE", "Filter: name=, id=, status=, label=, exited=, ancestor=" },
		{ 0, "format", OPT_STR, &format, "FORMAT", "table, json, or a Go template ('{{.ID}} {{.Names}}')" },
		{ 0 },
	};
	struct ps_filter flt = { 0 };
	struct tug_list_opts lo = { 0 };
	struct tug_list list = { 0 };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	struct cli_fmt fmt = { 0 };
	json_t *rows = NULL, *headers = NULL;
	int64_t now = now_ns();
	size_t shown = 0;

	rc = cli_parse("ps", "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (rc) {
		strv_release(&filters);
		return rc < 0 ? 125 : 0;
	}
	if (argv[optind]) {
		strv_release(&filters);
		return cli_failf("ps: takes no arguments (use -f name=%s to filter)", argv[optind]);
	}
	if (latest)
		last = 1;
	if (filter_parse(&flt, &filters, &err) < 0)
		goto bad;
	if (quiet)
		format = "{{.ID}}";
	else if (!format && size)
		format = CLI_PS_TABLE "\t{{.Size}}";
	if (cli_fmt_init(&fmt, format, CLI_PS_TABLE, &err) < 0)
		goto bad;
	ep = cli_endpoint(c);
	if (!ep) {
		rc = 125;
		goto out;
	}
	/* a status filter or -n looks at every container, as docker's does */
	lo.all = all || flt.status.n || flt.exited.n || last >= 0;
	if (backend_list(ep, TUG_CONTAINER, &lo, &list, &err) < 0) {
		tug_err_wrap(&err, "ps");
		rc = cli_fail1(&err);
		goto out;
	}
	qsort(list.items, list.n, sizeof(struct tug_obj), newest_first);
	rows = json_array();
	for (size_t i = 0; i < list.n; i++) {
		if (last >= 0 && shown >= (size_t)last)
			break;
		if (!filter_match(&flt, &list.items[i]))
			continue;
		json_array_append_new(rows, cli_ps_row(&list.items[i], now, !no_trunc));
		shown++;
	}
	headers = cli_ps_headers();
	if (cli_fmt_print(&fmt, rows, headers, stdout, &err) < 0)
		goto bad;
	rc = 0;
	goto out;
bad:
	fprintf(stderr, "tug: ps: %s\n", err.msg);
	rc = 125;
out:
	json_decref(rows);
	json_decref(headers);
	cli_fmt_release(&fmt);
	tug_list_release(&list);
	filter_release(&flt);
	strv_release(&filters);
	return rc;
}
