/* cli-volume.c - `tug volume create|ls|inspect|rm|prune`, docker's
 * commands over the backend's volume operations. */
#include "cli.h"
#include "cli-format.h"
#include "cli-objects.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vol_create(struct cli *c, int argc, char **argv)
{
	struct tug_volume_create_opts o = { 0 };
	struct strv labels = { 0 };
	const char *driver = NULL, *name = NULL;
	int optind, rc;
	char out[256];
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	const struct cli_opt opts[] = {
		{ 'd', "driver", OPT_STR, &driver, "DRIVER", "Volume driver (local)" },
		{ 0, "label", OPT_LIST, &labels, "KEY=VALUE", "Set a label" },
		{ 0, "name", OPT_STR, &name, "NAME", "Volume name (also accepted as the argument)" },
		{ 0 },
	};

	rc = cli_parse("volume create", "[OPTIONS] [VOLUME]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 1 : 0;
	if (cli_nargs(argv + optind) > 1 || (name && argv[optind])) {
		strv_release(&labels);
		cli_failf("volume create: give at most one volume name");
		return 1;
	}
	ep = cli_endpoint(c);
	if (!ep) {
		strv_release(&labels);
		return 1;
	}
	o.name = name ? name : argv[optind];
	o.driver = driver;
	o.labels = labels.v;
	rc = backend_volume_create(ep, &o, out, &err);
	strv_release(&labels);
	if (rc < 0)
		return cli_fail1(&err);
	printf("%s\n", out);
	return 0;
}

static json_t *vol_row(const struct tug_obj *o)
{
	json_t *r = json_object();
	char size[32], created[64];
	size_t n = 0;

	json_object_set_new(r, "Name", json_string(o->name));
	json_object_set_new(r, "Driver", json_string(o->status ? o->status : "local"));
	json_object_set_new(r, "Scope", json_string("local"));
	json_object_set_new(r, "Mountpoint", json_string(json_string_value(
		json_object_get(o->raw, "Mountpoint")) ? json_string_value(json_object_get(o->raw, "Mountpoint")) : ""));
	json_object_set_new(r, "Labels", cli_labels_str(json_object_get(o->raw, "Labels")));
	for (char **u = o->users; u && *u; u++)
		n++;
	json_object_set_new(r, "Links", json_integer((json_int_t)n));
	json_object_set_new(r, "Size", json_string(fmt_size(size, sizeof(size), (double)o->size)));
	json_object_set_new(r, "CreatedAt", json_string(o->created_ns ? fmt_rfc3339(created, sizeof(created),
										       o->created_ns) : ""));
	return r;
}

static int vol_ls(struct cli *c, int argc, char **argv)
{
	int quiet = 0, optind, rc;
	const char *format = NULL;
	struct tug_list l = { 0 };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	json_t *rows;
	const struct cli_opt opts[] = {
		{ 'q', "quiet", OPT_BOOL, &quiet, NULL, "Only print volume names" },
		{ 0, "format", OPT_STR, &format, "FORMAT", "table (default), json, or a Go template" },
		{ 0 },
	};
	static const struct cli_column cols[] = {
		{ "DRIVER", "Driver" }, { "VOLUME NAME", "Name" }, { "SCOPE", "Scope" },
		{ "MOUNTPOINT", "Mountpoint" }, { "LABELS", "Labels" }, { "LINKS", "Links" },
		{ "SIZE", "Size" }, { "CREATED AT", "CreatedAt" }, { NULL, NULL },
	};

	rc = cli_parse("volume ls", "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 1 : 0;
	ep = cli_endpoint(c);
	if (!ep)
		return 1;
	if (backend_list(ep, TUG_VOLUME, NULL, &l, &err) < 0)
		return cli_fail1(&err);
	rows = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(rows, vol_row(&l.items[i]));
	tug_list_release(&l);
	rc = cli_print_rows(rows, cols, "table {{.Driver}}\t{{.Name}}", quiet ? "Name" : NULL, format, &err);
	json_decref(rows);
	return rc < 0 ? cli_fail1(&err) : 0;
}

static int vol_inspect(struct cli *c, int argc, char **argv)
{
	return cli_inspect_kind(c, TUG_VOLUME, "volume inspect", argc, argv);
}

static int vol_rm(struct cli *c, int argc, char **argv)
{
	return cli_remove_kind(c, TUG_VOLUME, "volume rm", "Remove even when containers use it", argc, argv);
}

static int vol_prune(struct cli *c, int argc, char **argv)
{
	return cli_prune_kind(c, TUG_VOLUME, "volume prune",
			      "WARNING! This will remove all local volumes not used by at least one container.",
			      "Deleted Volumes:", argc, argv);
}

int cmd_volume(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "create", vol_create, "Create a volume" },
		{ "ls", vol_ls, "List volumes" },
		{ "list", vol_ls, "List volumes" },
		{ "inspect", vol_inspect, "Show volumes in full" },
		{ "rm", vol_rm, "Remove volumes" },
		{ "remove", vol_rm, "Remove volumes" },
		{ "prune", vol_prune, "Remove volumes no container uses" },
		{ NULL, NULL, NULL },
	};
	return cli_dispatch(c, "volume", cmds, argc, argv);
}
