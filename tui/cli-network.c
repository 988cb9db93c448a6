/* cli-network.c - `tug network create|ls|inspect|rm|prune|connect|
 * disconnect`, docker's commands over the backend's network operations. */
#include "cli.h"
#include "cli-format.h"
#include "cli-objects.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int net_create(struct cli *c, int argc, char **argv)
{
	struct tug_net_create_opts o = { 0 };
	struct strv labels = { 0 };
	int internal = 0, optind, rc;
	const char *subnet = NULL, *gateway = NULL, *driver = NULL;
	char id[65];
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	const struct cli_opt opts[] = {
		{ 'd', "driver", OPT_STR, &driver, "DRIVER", "Network driver (bridge)" },
		{ 0, "subnet", OPT_STR, &subnet, "CIDR", "Subnet (default: a free one from the address pools)" },
		{ 0, "gateway", OPT_STR, &gateway, "IP", "Gateway (default: the subnet's first address)" },
		{ 0, "internal", OPT_BOOL, &internal, NULL, "No outbound access, no published ports" },
		{ 0, "label", OPT_LIST, &labels, "KEY=VALUE", "Set a label" },
		{ 0 },
	};

	rc = cli_parse("network create", "[OPTIONS] NETWORK", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 1 : 0;
	if (cli_nargs(argv + optind) != 1) {
		strv_release(&labels);
		cli_failf("network create: exactly one network name is required");
		return 1;
	}
	ep = cli_endpoint(c);
	if (!ep) {
		strv_release(&labels);
		return 1;
	}
	o.name = argv[optind];
	o.driver = driver;
	o.subnet = subnet;
	o.gateway = gateway;
	o.internal = internal;
	o.labels = labels.v;
	rc = backend_network_create(ep, &o, id, &err);
	strv_release(&labels);
	if (rc < 0)
		return cli_fail1(&err);
	printf("%s\n", id);
	return 0;
}

static json_t *net_row(const struct tug_obj *o, int trunc)
{
	json_t *r = json_object();
	char id[65], created[64];
	size_t n = 0;

	snprintf(id, sizeof(id), trunc ? "%.12s" : "%s", o->id);
	json_object_set_new(r, "ID", json_string(id));
	json_object_set_new(r, "Name", json_string(o->name));
	json_object_set_new(r, "Driver", json_string(o->status ? o->status : ""));
	json_object_set_new(r, "Scope", json_string("local"));
	json_object_set_new(r, "IPv6", json_string("false"));
	json_object_set_new(r, "Internal",
			    json_string(json_is_true(json_object_get(o->raw, "Internal")) ? "true" : "false"));
	json_object_set_new(r, "Subnet", json_string(o->ip ? o->ip : ""));
	for (char **u = o->users; u && *u; u++)
		n++;
	json_object_set_new(r, "Containers", json_integer((json_int_t)n));
	json_object_set_new(r, "Ports", json_string(o->ports ? o->ports : ""));
	json_object_set_new(r, "Labels", cli_labels_str(json_object_get(o->raw, "Labels")));
	json_object_set_new(r, "CreatedAt", json_string(o->created_ns ? fmt_rfc3339(created, sizeof(created),
										       o->created_ns) : ""));
	return r;
}

static int net_ls(struct cli *c, int argc, char **argv)
{
	int quiet = 0, no_trunc = 0, optind, rc;
	const char *format = NULL;
	struct tug_list l = { 0 };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	json_t *rows;
	const struct cli_opt opts[] = {
		{ 'q', "quiet", OPT_BOOL, &quiet, NULL, "Only print network ids" },
		{ 0, "no-trunc", OPT_BOOL, &no_trunc, NULL, "Do not shorten ids" },
		{ 0, "format", OPT_STR, &format, "FORMAT", "table (default), json, or a Go template" },
		{ 0 },
	};
	static const struct cli_column cols[] = {
		{ "NETWORK ID", "ID" }, { "NAME", "Name" }, { "DRIVER", "Driver" }, { "SCOPE", "Scope" },
		{ "IPV6", "IPv6" }, { "INTERNAL", "Internal" }, { "SUBNET", "Subnet" },
		{ "CONTAINERS", "Containers" }, { "PORTS", "Ports" }, { "LABELS", "Labels" },
		{ "CREATED AT", "CreatedAt" }, { NULL, NULL },
	};

	rc = cli_parse("network ls", "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 1 : 0;
	ep = cli_endpoint(c);
	if (!ep)
		return 1;
	if (backend_list(ep, TUG_NETWORK, NULL, &l, &err) < 0)
		return cli_fail1(&err);
	rows = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(rows, net_row(&l.items[i], !no_trunc));
	tug_list_release(&l);
	rc = cli_print_rows(rows, cols,
			    "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}\t{{.Subnet}}\t{{.Containers}}\t{{.Ports}}",
			    quiet ? "ID" : NULL, format, &err);
	json_decref(rows);
	return rc < 0 ? cli_fail1(&err) : 0;
}

static int net_rm(struct cli *c, int argc, char **argv)
{
	return cli_remove_kind(c, TUG_NETWORK, "network rm",
			       "Do not error if the network does not exist", argc, argv);
}

static int net_inspect(struct cli *c, int argc, char **argv)
{
	return cli_inspect_kind(c, TUG_NETWORK, "network inspect", argc, argv);
}

static int net_prune(struct cli *c, int argc, char **argv)
{
	return cli_prune_kind(c, TUG_NETWORK, "network prune",
			      "WARNING! This will remove all custom networks not used by at least one container.",
			      "Deleted Networks:", argc, argv);
}

static int net_connect(struct cli *c, int argc, char **argv)
{
	struct tug_net_connect_opts o = { 0 };
	struct strv aliases = { 0 };
	const char *ip = NULL;
	int optind, rc;
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	const struct cli_opt opts[] = {
		{ 0, "ip", OPT_STR, &ip, "IP", "IPv4 address on that network" },
		{ 0, "alias", OPT_LIST, &aliases, "NAME", "Extra name of the container on that network" },
		{ 0 },
	};

	rc = cli_parse("network connect", "[OPTIONS] NETWORK CONTAINER", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 1 : 0;
	if (cli_nargs(argv + optind) != 2) {
		strv_release(&aliases);
		cli_failf("network connect: a network and a container are required");
		return 1;
	}
	ep = cli_endpoint(c);
	if (!ep) {
		strv_release(&aliases);
		return 1;
	}
	o.ip = ip;
	o.aliases = aliases.v;
	rc = backend_network_connect(ep, argv[optind], argv[optind + 1], &o, &err);
	strv_release(&aliases);
	return rc < 0 ? cli_fail1(&err) : 0;
}

static int net_disconnect(struct cli *c, int argc, char **argv)
{
	int force = 0, optind, rc;
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	const struct cli_opt opts[] = {
		{ 'f', "force", OPT_BOOL, &force, NULL, "Force the container to disconnect" },
		{ 0 },
	};

	rc = cli_parse("network disconnect", "[OPTIONS] NETWORK CONTAINER", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 1 : 0;
	if (cli_nargs(argv + optind) != 2) {
		cli_failf("network disconnect: a network and a container are required");
		return 1;
	}
	ep = cli_endpoint(c);
	if (!ep)
		return 1;
	rc = backend_network_disconnect(ep, argv[optind], argv[optind + 1], force, &err);
	return rc < 0 ? cli_fail1(&err) : 0;
}

int cmd_network(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "create", net_create, "Create a network" },
		{ "ls", net_ls, "List networks" },
		{ "list", net_ls, "List networks" },
		{ "inspect", net_inspect, "Show networks in full" },
		{ "rm", net_rm, "Remove networks" },
		{ "remove", net_rm, "Remove networks" },
		{ "prune", net_prune, "Remove unused networks" },
		{ "connect", net_connect, "Connect a container to a network" },
		{ "disconnect", net_disconnect, "Disconnect a container from a network" },
		{ NULL, NULL, NULL },
	};
	return cli_dispatch(c, "network", cmds, argc, argv);
}
