/* cli-inspect.c - `tug inspect`: the backend's full objects as a JSON
 * array indented like docker's, or one line per object with -f TEMPLATE.
 * A reference is looked up as a container, then as an image, a network
 * and a volume, as docker does, unless --type says which. */
#include "cli.h"
#include "cli-ctr.h"
#include "cli-format.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Look ref up among kinds; 0 found, -1 with err (the not-found error
 * names the object). */
static int lookup(struct tug_endpoint *ep, const enum tug_kind *kinds, size_t nk,
		  const char *ref, json_t **out, struct tug_err *err)
{
	for (size_t i = 0; i < nk; i++) {
		tug_err_clear(err);
		if (backend_inspect(ep, kinds[i], ref, out, err) == 0)
			return 0;
		/* anything but "not found" (or a kind this endpoint lacks) is real */
		if (err->code != TUG_E_NOTFOUND && err->code != TUG_E_UNSUPPORTED)
			return -1;
	}
	if (nk > 1 || err->code == TUG_E_UNSUPPORTED)
		tug_errf(err, TUG_E_NOTFOUND, "no such object: %s", ref);
	return -1;
}

int cli_inspect_kinds(struct cli *c, const char *cmd, const enum tug_kind *kinds, size_t nk,
		      const char *format, char **refs)
{
	struct tug_endpoint *ep = cli_endpoint(c);
	struct tug_err err = { 0 };
	struct tmpl *t = NULL;
	json_t *all = json_array();
	struct sbuf line = SBUF_INIT;
	int failed = 0;

	if (!ep) {
		json_decref(all);
		return 125;
	}
	if (format && *format && strcmp(format, "json")) {
		t = tmpl_compile(format, &err);
		if (!t) {
			json_decref(all);
			tug_err_wrap(&err, "%s: format", cmd);
			return cli_fail1(&err);
		}
	}
	for (; *refs; refs++) {
		json_t *obj = NULL;
		if (lookup(ep, kinds, nk, *refs, &obj, &err) < 0) {
			tug_err_wrap(&err, "%s", cmd);
			cli_fail(&err);
			failed = 1;
			continue;
		}
		if (t) {
			line.len = 0;
			if (tmpl_render(t, obj, 0, &line, &err) < 0) {
				json_decref(obj);
				tug_err_wrap(&err, "%s %s", cmd, *refs);
				cli_fail(&err);
				failed = 1;
				break;
			}
			printf("%s\n", line.s);
			json_decref(obj);
		} else {
			json_array_append_new(all, obj);
		}
	}
	if (!t) {
		/* docker prints the array even when some (or all) were missing */
		char *s = json_dumps(all, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		printf("%s\n", s ? s : "[]");
		free(s);
	}
	sbuf_release(&line);
	tmpl_free(t);
	json_decref(all);
	return failed;
}

int cmd_inspect(struct cli *c, int argc, char **argv)
{
	const char *type = NULL, *format = NULL;
	const struct cli_opt opts[] = {
		{ 'f', "format", OPT_STR, &format, "TEMPLATE", "Print each object through a Go template ('{{.State.Status}}')" },
		{ 0, "type", OPT_STR, &type, "TYPE", "Only look for a container, image, network or volume" },
		{ 0 },
	};
	static const enum tug_kind both[] = { TUG_CONTAINER, TUG_IMAGE, TUG_NETWORK, TUG_VOLUME };
	enum tug_kind one;
	int optind, rc = cli_parse("inspect", "[OPTIONS] NAME|ID [NAME|ID...]", opts, argc, argv, 0,
				   &optind);

	if (rc)
		return rc < 0 ? 125 : 0;
	if (!argv[optind])
		return cli_failf("inspect: requires at least one name or id (see 'tug inspect --help')");
	if (!type)
		return cli_inspect_kinds(c, "inspect", both, 4, format, argv + optind);
	if (tug_kind_parse(type, &one) < 0 ||
	    (one != TUG_CONTAINER && one != TUG_IMAGE && one != TUG_NETWORK && one != TUG_VOLUME))
		return cli_failf("inspect: unknown --type '%s': use container, image, network or volume", type);
	return cli_inspect_kinds(c, "inspect", &one, 1, format, argv + optind);
}

int cmd_container_inspect(struct cli *c, int argc, char **argv)
{
	const char *format = NULL;
	const struct cli_opt opts[] = {
		{ 'f', "format", OPT_STR, &format, "TEMPLATE", "Print each container through a Go template" },
		{ 0 },
	};
	static const enum tug_kind ctr = TUG_CONTAINER;
	int optind, rc = cli_parse("container inspect", "[OPTIONS] CONTAINER [CONTAINER...]", opts,
				   argc, argv, 0, &optind);

	if (rc)
		return rc < 0 ? 125 : 0;
	if (!argv[optind])
		return cli_failf("container inspect: requires at least one container");
	return cli_inspect_kinds(c, "container inspect", &ctr, 1, format, argv + optind);
}
