/* cli-objects.c - list, inspect, rm and prune for the object commands. */
#include "cli-objects.h"
#include "cli-ctr.h"
#include "cli-format.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_print_rows(json_t *rows, const struct cli_column *cols, const char *default_table,
		   const char *quiet_field, const char *format, struct tug_err *err)
{
	struct sbuf quiet = SBUF_INIT;
	struct cli_fmt fmt = { 0 };
	json_t *headers = json_object();
	int rc;

	for (const struct cli_column *c = cols; c->title; c++)
		json_object_set_new(headers, c->field, json_string(c->title));
	if (quiet_field) {
		sbuf_printf(&quiet, "{{.%s}}", quiet_field);
		format = quiet.s;
	}
	rc = cli_fmt_init(&fmt, format, default_table, err);
	if (rc == 0)
		rc = cli_fmt_print(&fmt, rows, headers, stdout, err);
	cli_fmt_release(&fmt);
	json_decref(headers);
	sbuf_release(&quiet);
	return rc;
}

json_t *cli_labels_str(json_t *labels)
{
	size_t n = json_object_size(labels), i = 0;
	const char **keys = xcalloc(n + 1, sizeof(char *));
	struct sbuf s = SBUF_INIT;
	json_t *out;

	for (void *it = json_object_iter(labels); it; it = json_object_iter_next(labels, it))
		keys[i++] = json_object_iter_key(it);
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++)
			if (strcmp(keys[a], keys[b]) > 0) {
				const char *t = keys[a];
				keys[a] = keys[b];
				keys[b] = t;
			}
	for (i = 0; i < n; i++) {
		json_t *v = json_object_get(labels, keys[i]);
		sbuf_printf(&s, "%s%s=%s", i ? "," : "", keys[i], json_is_string(v) ? json_string_value(v) : "");
	}
	free(keys);
	out = json_string(s.s ? s.s : "");
	sbuf_release(&s);
	return out;
}

int cli_inspect_kind(struct cli *c, enum tug_kind kind, const char *cmd, int argc, char **argv)
{
	const char *format = NULL;
	const struct cli_opt opts[] = {
		{ 'f', "format", OPT_STR, &format, "TEMPLATE", "Print each object through a Go template" },
		{ 0 },
	};
	int optind, rc = cli_parse(cmd, "[OPTIONS] NAME [NAME...]", opts, argc, argv, 0, &optind);

	if (rc)
		return rc < 0 ? 1 : 0;
	if (!argv[optind])
		return cli_failf("%s: at least one name is required", cmd), 1;
	return cli_inspect_kinds(c, cmd, &kind, 1, format, argv + optind);
}

int cli_remove_kind(struct cli *c, enum tug_kind kind, const char *cmd, const char *force_help,
		    int argc, char **argv)
{
	int force = 0, optind, rc, failed = 0;
	struct tug_endpoint *ep;
	const struct cli_opt opts[] = {
		{ 'f', "force", OPT_BOOL, &force, NULL, force_help },
		{ 0 },
	};

	rc = cli_parse(cmd, "[OPTIONS] NAME [NAME...]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 1 : 0;
	if (!argv[optind])
		return cli_failf("%s: at least one name is required", cmd), 1;
	ep = cli_endpoint(c);
	if (!ep)
		return 1;
	for (int i = optind; argv[i]; i++) {
		struct tug_action_opts o = { .timeout_s = -1, .force = force };
		struct tug_err err = { 0 };
		if (backend_action(ep, kind, argv[i], TUG_ACT_REMOVE, &o, &err) < 0) {
			cli_fail(&err);
			failed = 1;
		} else {
			printf("%s\n", argv[i]);
		}
	}
	return failed;
}

struct pruned {
	const char *heading;
	int n;
};

static void print_pruned(void *ctx, const char *name)
{
	struct pruned *p = ctx;
	if (p->n++ == 0)
		printf("%s\n", p->heading);
	printf("%s\n", name);
}

int cli_prune_kind(struct cli *c, enum tug_kind kind, const char *cmd, const char *warning,
		   const char *heading, int argc, char **argv)
{
	int force = 0, optind, rc;
	struct pruned p = { heading, 0 };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	const struct cli_opt opts[] = {
		{ 'f', "force", OPT_BOOL, &force, NULL, "Do not ask for confirmation" },
		{ 0 },
	};
	struct sbuf q = SBUF_INIT;

	rc = cli_parse(cmd, "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 1 : 0;
	sbuf_printf(&q, "%s\nAre you sure you want to continue?", warning);
	rc = force || cli_confirm(q.s);
	sbuf_release(&q);
	if (!rc) {
		fprintf(stderr, "tug: %s: not confirmed, nothing removed\n", cmd);
		return 1;
	}
	ep = cli_endpoint(c);
	if (!ep)
		return 1;
	if (backend_prune(ep, kind, print_pruned, &p, &err) < 0)
		return cli_fail1(&err);
	return 0;
}
