/* cli-ctr.c - container lifecycle commands that take several references:
 * start, stop, restart, kill, rm, pause, unpause, wait; and rename.
 * As docker does, each reference that succeeds is printed as given, each
 * failure gets its own error line, and the exit status is 1 if any
 * failed. */
#include "cli.h"
#include "cli-attach.h"
#include "cli-format.h"
#include "cli-values.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

static int need_refs(const char *cmd, char **args)
{
	if (!args[0]) {
		cli_failf("%s: requires at least one container (see 'tug %s --help')", cmd, cmd);
		return -1;
	}
	return 0;
}

static int each_ref(struct cli *c, const char *cmd, char **refs, enum tug_action act,
		    const struct tug_action_opts *o)
{
	struct tug_endpoint *ep = cli_endpoint(c);
	int failed = 0;

	if (!ep)
		return 125;
	for (; *refs; refs++) {
		struct tug_err err = { 0 };
		if (backend_action(ep, TUG_CONTAINER, *refs, act, o, &err) < 0) {
			tug_err_wrap(&err, "%s", cmd);
			cli_fail(&err);
			failed = 1;
			continue;
		}
		printf("%s\n", *refs);
		fflush(stdout);
	}
	return failed;
}

/* Parse flags for a multi-reference command; >= 0 is an exit status. */
static int parse_refs(const char *cmd, const char *usage, const struct cli_opt *opts,
		      int argc, char **argv, char ***refs)
{
	int optind, rc = cli_parse(cmd, usage, opts, argc, argv, 0, &optind);

	if (rc)
		return rc < 0 ? 125 : 0;
	*refs = argv + optind;
	if (need_refs(cmd, *refs) < 0)
		return 125;
	return -1;
}

static int start_attached(struct cli *c, const char *ref, int want_stdin)
{
	struct tug_endpoint *ep = cli_endpoint(c);
	struct tug_err err = { 0 };
	struct cli_attach at;
	struct tug_stdio io;
	json_t *j = NULL, *cfg;
	char id[65];
	int tty, interactive, code = 0, rc;

	if (!ep)
		return 125;
	if (backend_inspect(ep, TUG_CONTAINER, ref, &j, &err) < 0)
		return tug_err_wrap(&err, "start"), cli_fail1(&err);
	cfg = json_object_get(j, "Config");
	tty = jbool(cfg, "Tty");
	interactive = want_stdin && jbool(cfg, "OpenStdin");
	snprintf(id, sizeof(id), "%s", jstr(j, "Id") ? jstr(j, "Id") : ref);
	json_decref(j);
	if (cli_attach_check(interactive, tty, &err) < 0)
		return tug_err_wrap(&err, "start"), cli_fail1(&err);
	cli_attach_begin(&at, interactive, tty, &io);
	if (cli_attach_proxy(&at, &err) < 0) {
		cli_attach_end(&at);
		return cli_fail1(&err);
	}
	rc = backend_start_attached(ep, id, &io, &code, &err);
	cli_attach_end(&at);
	if (rc < 0)
		return tug_err_wrap(&err, "start %s", ref), cli_fail1(&err);
	return code;
}

int cmd_start(struct cli *c, int argc, char **argv)
{
	int attach = 0, interactive = 0, rc;
	const struct cli_opt opts[] = {
		{ 'a', "attach", OPT_BOOL, &attach, NULL, "Attach to the container's output and wait for it" },
		{ 'i', "interactive", OPT_BOOL, &interactive, NULL, "Attach the container's stdin" },
		{ 0 },
	};
	char **refs;

	rc = parse_refs("start", "[OPTIONS] CONTAINER [CONTAINER...]", opts, argc, argv, &refs);
	if (rc >= 0)
		return rc;
	if (attach || interactive) {
		if (refs[1])
			return cli_failf("start: attach to one container at a time");
		return start_attached(c, refs[0], interactive);
	}
	return each_ref(c, "start", refs, TUG_ACT_START, NULL);
}

static int stop_like(struct cli *c, const char *cmd, enum tug_action act, int argc, char **argv)
{
	long secs = -1;
	const struct cli_opt opts[] = {
		{ 't', "time", OPT_INT, &secs, "SECS", "Seconds to wait for the process to stop before killing it (default 10)" },
		{ 0 },
	};
	struct tug_action_opts o = { .timeout_s = -1 };
	char **refs;
	int rc = parse_refs(cmd, "[OPTIONS] CONTAINER [CONTAINER...]", opts, argc, argv, &refs);

	if (rc >= 0)
		return rc;
	if (secs >= 0)
		o.timeout_s = secs > 1000000 ? 1000000 : (int)secs;
	return each_ref(c, cmd, refs, act, &o);
}

int cmd_stop(struct cli *c, int argc, char **argv)
{
	return stop_like(c, "stop", TUG_ACT_STOP, argc, argv);
}

int cmd_restart(struct cli *c, int argc, char **argv)
{
	return stop_like(c, "restart", TUG_ACT_RESTART, argc, argv);
}

int cmd_kill(struct cli *c, int argc, char **argv)
{
	const char *sig = NULL;
	const struct cli_opt opts[] = {
		{ 's', "signal", OPT_STR, &sig, "SIGNAL", "Signal to send (default KILL)" },
		{ 0 },
	};
	struct tug_action_opts o = { .timeout_s = -1 };
	struct tug_err err = { 0 };
	char **refs;
	int rc = parse_refs("kill", "[OPTIONS] CONTAINER [CONTAINER...]", opts, argc, argv, &refs);

	if (rc >= 0)
		return rc;
	if (sig && cli_parse_signal(sig, &o.signal, &err) < 0)
		return tug_err_wrap(&err, "kill"), cli_fail(&err);
	return each_ref(c, "kill", refs, TUG_ACT_KILL, &o);
}

int cmd_rm(struct cli *c, int argc, char **argv)
{
	int force = 0, volumes = 0;
	const struct cli_opt opts[] = {
		{ 'f', "force", OPT_BOOL, &force, NULL, "Kill and remove running containers" },
		{ 'v', "volumes", OPT_BOOL, &volumes, NULL, "Remove the container's anonymous volumes" },
		{ 0 },
	};
	struct tug_action_opts o = { .timeout_s = -1 };
	char **refs;
	int rc = parse_refs("rm", "[OPTIONS] CONTAINER [CONTAINER...]", opts, argc, argv, &refs);

	if (rc >= 0)
		return rc;
	o.force = force;
	o.volumes = volumes;
	return each_ref(c, "rm", refs, TUG_ACT_REMOVE, &o);
}

int cmd_pause(struct cli *c, int argc, char **argv)
{
	char **refs;
	int rc = parse_refs("pause", "CONTAINER [CONTAINER...]", NULL, argc, argv, &refs);

	return rc >= 0 ? rc : each_ref(c, "pause", refs, TUG_ACT_PAUSE, NULL);
}

int cmd_unpause(struct cli *c, int argc, char **argv)
{
	char **refs;
	int rc = parse_refs("unpause", "CONTAINER [CONTAINER...]", NULL, argc, argv, &refs);

	return rc >= 0 ? rc : each_ref(c, "unpause", refs, TUG_ACT_UNPAUSE, NULL);
}

int cmd_wait(struct cli *c, int argc, char **argv)
{
	struct tug_endpoint *ep;
	char **refs;
	int failed = 0, rc = parse_refs("wait", "CONTAINER [CONTAINER...]", NULL, argc, argv, &refs);

	if (rc >= 0)
		return rc;
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	for (; *refs; refs++) {
		struct tug_err err = { 0 };
		int code;
		if (backend_wait(ep, *refs, &code, &err) < 0) {
			tug_err_wrap(&err, "wait");
			cli_fail(&err);
			failed = 1;
			continue;
		}
		printf("%d\n", code);
		fflush(stdout);
	}
	return failed;
}

int cmd_rename(struct cli *c, int argc, char **argv)
{
	struct tug_endpoint *ep;
	struct tug_err err = { 0 };
	int optind, rc = cli_parse("rename", "CONTAINER NEW_NAME", NULL, argc, argv, 0, &optind);

	if (rc)
		return rc < 0 ? 125 : 0;
	if (cli_nargs(argv + optind) != 2)
		return cli_failf("rename: takes exactly 2 arguments: CONTAINER NEW_NAME");
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	if (backend_rename(ep, argv[optind], argv[optind + 1], &err) < 0)
		return tug_err_wrap(&err, "rename"), cli_fail1(&err);
	return 0;
}
