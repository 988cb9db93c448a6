/* cli-container.c - the `tug container` group (docker's management
 * command form: container ls, container rm, ...) and container prune. */
#include "cli.h"
#include "cli-ctr.h"
#include "cli-format.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

int cmd_container_prune(struct cli *c, int argc, char **argv)
{
	int force = 0, optind, rc, failed = 0;
	const struct cli_opt opts[] = {
		{ 'f', "force", OPT_BOOL, &force, NULL, "Do not ask for confirmation" },
		{ 0 },
	};
	struct tug_list_opts lo = { .all = 1 };
	struct tug_list l = { 0 };
	struct tug_err err = { 0 };
	struct tug_action_opts rm = { .timeout_s = -1 };
	struct tug_endpoint *ep;
	int64_t freed = 0;
	int header = 0;
	char size[32];

	rc = cli_parse("container prune", "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 125 : 0;
	if (!force && !cli_confirm("WARNING! This will remove all stopped containers.\n"
				   "Are you sure you want to continue?")) {
		fprintf(stderr, "tug: container prune: not confirmed, nothing removed\n");
		return 1;
	}
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	if (backend_list(ep, TUG_CONTAINER, &lo, &l, &err) < 0)
		return tug_err_wrap(&err, "container prune"), cli_fail1(&err);
	for (size_t i = 0; i < l.n; i++) {
		const struct tug_obj *o = &l.items[i];
		const char *st = o->state ? o->state : "";
		if (strcmp(st, "created") && strcmp(st, "exited") && strcmp(st, "dead"))
			continue;
		tug_err_clear(&err);
		if (backend_action(ep, TUG_CONTAINER, o->id, TUG_ACT_REMOVE, &rm, &err) < 0) {
			tug_err_wrap(&err, "container prune");
			cli_fail(&err);
			failed = 1;
			continue;
		}
		if (!header++)
			printf("Deleted Containers:\n");
		printf("%s\n", o->id);
		freed += o->size;
	}
	printf("%sTotal reclaimed space: %s\n", header ? "\n" : "",
	       fmt_size(size, sizeof(size), (double)freed));
	tug_list_release(&l);
	return failed;
}

int cmd_container(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "ls", cmd_ps, "List containers" },
		{ "list", cmd_ps, "List containers" },
		{ "ps", cmd_ps, "List containers" },
		{ "run", cmd_run, "Create and start a container" },
		{ "create", cmd_create, "Create a container" },
		{ "start", cmd_start, "Start containers" },
		{ "stop", cmd_stop, "Stop containers" },
		{ "restart", cmd_restart, "Restart containers" },
		{ "kill", cmd_kill, "Send a signal to containers" },
		{ "rm", cmd_rm, "Remove containers" },
		{ "pause", cmd_pause, "Freeze containers" },
		{ "unpause", cmd_unpause, "Thaw containers" },
		{ "inspect", cmd_container_inspect, "Show containers' full objects" },
		{ "logs", cmd_logs, "Show a container's output" },
		{ "exec", cmd_exec, "Run a command in a running container" },
		{ "stats", cmd_stats, "Live resource use" },
		{ "wait", cmd_wait, "Wait for containers to stop" },
		{ "top", cmd_top, "Processes of a container" },
		{ "rename", cmd_rename, "Rename a container" },
		{ "prune", cmd_container_prune, "Remove all stopped containers" },
		{ NULL, NULL, NULL },
	};

	return cli_dispatch(c, "container", cmds, argc, argv);
}
