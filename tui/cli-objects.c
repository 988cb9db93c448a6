/* cli-objects.c - table, JSON and prompt helpers of the object commands. */
#include "cli-objects.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *cell(json_t *row, const char *field)
{
	json_t *v = json_object_get(row, field);
	char buf[32];

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		return xstrdup(buf);
	}
	return xstrdup("");
}

int cli_print_rows(json_t *rows, const struct cli_column *cols, const char *quiet_field,
		   const char *format, struct tug_err *err)
{
	size_t i, ncol = 0, *width;
	json_t *row;

	if (quiet_field) {
		json_array_foreach(rows, i, row) {
			char *s = cell(row, quiet_field);
			printf("%s\n", s);
			free(s);
		}
		return 0;
	}
	if (format && !strcmp(format, "json")) {
		json_array_foreach(rows, i, row) {
			char *s = json_dumps(row, JSON_COMPACT);
			printf("%s\n", s);
			free(s);
		}
		return 0;
	}
	if (format && *format && strcmp(format, "table"))
		return tug_errf(err, TUG_E_INVALID, "--format '%s': use table or json", format);
	while (cols[ncol].title)
		ncol++;
	width = xcalloc(ncol, sizeof(size_t));
	for (size_t c = 0; c < ncol; c++)
		width[c] = strlen(cols[c].title);
	json_array_foreach(rows, i, row)
		for (size_t c = 0; c < ncol; c++) {
			char *s = cell(row, cols[c].field);
			if (strlen(s) > width[c])
				width[c] = strlen(s);
			free(s);
		}
	/* docker's tabwriter: three blanks between columns, last one ragged */
	for (size_t c = 0; c < ncol; c++)
		printf(c + 1 < ncol ? "%-*s   " : "%-*s", c + 1 < ncol ? (int)width[c] : 0, cols[c].title);
	printf("\n");
	json_array_foreach(rows, i, row) {
		for (size_t c = 0; c < ncol; c++) {
			char *s = cell(row, cols[c].field);
			printf(c + 1 < ncol ? "%-*s   " : "%-*s", c + 1 < ncol ? (int)width[c] : 0, s);
			free(s);
		}
		printf("\n");
	}
	free(width);
	return 0;
}

json_t *cli_labels_str(json_t *labels)
{
	const char *k;
	json_t *v;
	struct sbuf s = SBUF_INIT;
	json_t *out;
	void *iter;
	const char **keys;
	size_t n = json_object_size(labels), i = 0;

	keys = xcalloc(n + 1, sizeof(char *));
	for (iter = json_object_iter(labels); iter; iter = json_object_iter_next(labels, iter))
		keys[i++] = json_object_iter_key(iter);
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++)
			if (strcmp(keys[a], keys[b]) > 0) {
				const char *t = keys[a];
				keys[a] = keys[b];
				keys[b] = t;
			}
	for (i = 0; i < n; i++) {
		k = keys[i];
		v = json_object_get(labels, k);
		sbuf_printf(&s, "%s%s=%s", i ? "," : "", k, json_is_string(v) ? json_string_value(v) : "");
	}
	free(keys);
	out = json_string(s.s ? s.s : "");
	sbuf_release(&s);
	return out;
}

int cli_inspect_kind(struct cli *c, enum tug_kind kind, const char *cmd, int argc, char **argv)
{
	int optind, rc, failed = 0;
	const char *format = NULL;
	struct tug_endpoint *ep;
	json_t *all;
	const struct cli_opt opts[] = {
		{ 'f', "format", OPT_STR, &format, "FORMAT", "json (default)" },
		{ 0 },
	};
	char *s;

	rc = cli_parse(cmd, "[OPTIONS] NAME [NAME...]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 1 : 0;
	if (format && strcmp(format, "json"))
		return cli_failf("%s: --format '%s': only json is supported here", cmd, format), 1;
	if (!argv[optind])
		return cli_failf("%s: at least one name is required", cmd), 1;
	ep = cli_endpoint(c);
	if (!ep)
		return 1;
	all = json_array();
	for (int i = optind; argv[i]; i++) {
		struct tug_err err = { 0 };
		json_t *o;
		if (backend_inspect(ep, kind, argv[i], &o, &err) < 0) {
			cli_fail(&err);
			failed = 1;
			continue;
		}
		json_array_append_new(all, o);
	}
	s = json_dumps(all, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	free(s);
	json_decref(all);
	return failed;
}

int cli_objects_confirm(const char *warning)
{
	char line[64];

	fprintf(stderr, "%s\nAre you sure you want to continue? [y/N] ", warning);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
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

	rc = cli_parse(cmd, "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 1 : 0;
	if (!force && !cli_objects_confirm(warning))
		return 0;
	ep = cli_endpoint(c);
	if (!ep)
		return 1;
	if (backend_prune(ep, kind, print_pruned, &p, &err) < 0)
		return cli_fail(&err), 1;
	return 0;
}
