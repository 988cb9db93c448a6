/* cli-exec.c - `tug exec`: run a process inside a running container,
 * attached to the caller's stdio, exiting with the process's status
 * (126/127 when it cannot be run, as docker does). With -d the CLI
 * returns once the process runs. */
#include "cli.h"
#include "cli-attach.h"
#include "cli-format.h"
#include "cli-values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_exec(struct cli *c, int argc, char **argv)
{
	int interactive = 0, tty = 0, detach = 0, privileged = 0, optind, rc, code = 0;
	const char *workdir = NULL, *user = NULL;
	struct strv envs = { 0 }, env_files = { 0 }, env = { 0 }, args = { 0 };
	const struct cli_opt opts[] = {
		{ 'i', "interactive", OPT_BOOL, &interactive, NULL, "Keep stdin open" },
		{ 't', "tty", OPT_BOOL, &tty, NULL, "Allocate a terminal" },
		{ 'd', "detach", OPT_BOOL, &detach, NULL, "Run the command in the background" },
		{ 'e', "env", OPT_LIST, &envs, "KEY=VALUE", "Set an environment variable" },
		{ 0, "env-file", OPT_LIST, &env_files, "FILE", "Read environment variables from a file" },
		{ 'w', "workdir", OPT_STR, &workdir, "DIR", "Working directory inside the container" },
		{ 'u', "user", OPT_STR, &user, "USER[:GROUP]", "User name or uid[:gid]" },
		{ 0, "privileged", OPT_BOOL, &privileged, NULL, "Not supported: refused" },
		{ 0 },
	};
	struct tug_exec_opts o = { 0 };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	struct cli_attach at;
	struct tug_stdio io;

	rc = cli_parse("exec", "[OPTIONS] CONTAINER COMMAND [ARG...]", opts, argc, argv, 1, &optind);
	if (rc) {
		rc = rc < 0 ? 125 : 0;
		goto out;
	}
	if (privileged) {
		rc = cli_failf("exec: --privileged is not supported: tug keeps Docker's default capabilities");
		goto out;
	}
	if (cli_nargs(argv + optind) < 2) {
		rc = cli_failf("exec: requires a container and a command (see 'tug exec --help')");
		goto out;
	}
	for (size_t i = 0; i < env_files.n; i++)
		if (cli_read_env_file(env_files.v[i], &env, &err) < 0) {
			tug_err_wrap(&err, "exec");
			rc = cli_fail(&err);
			goto out;
		}
	for (size_t i = 0; i < envs.n; i++)
		cli_env_add(&env, envs.v[i]);
	for (int i = optind + 1; argv[i]; i++)
		strv_push(&args, argv[i]);
	if (workdir && workdir[0] != '/') {
		rc = cli_failf("exec: the working directory '%s' is not an absolute path", workdir);
		goto out;
	}
	o.argv = args.v;
	o.env = env.v;
	o.workdir = workdir;
	o.user = user;
	o.tty = tty;
	o.interactive = interactive;
	if (!detach && cli_attach_check(interactive, tty, &err) < 0) {
		tug_err_wrap(&err, "exec");
			rc = cli_fail(&err);
		goto out;
	}
	ep = cli_endpoint(c);
	if (!ep) {
		rc = 125;
		goto out;
	}
	if (detach) {
		/* the process gets /dev/null for stdio and outlives us */
		struct tug_stdio none = { -1, -1, -1, 0, 0 };
		o.detach = 1;
		o.interactive = 0;
		rc = backend_exec(ep, TUG_CONTAINER, argv[optind], &o, &none, &code, &err);
		code = 0;
	} else {
		cli_attach_begin(&at, interactive, tty, &io);
		rc = backend_exec(ep, TUG_CONTAINER, argv[optind], &o, &io, &code, &err);
		cli_attach_end(&at);
	}
	if (rc < 0) {
		tug_err_wrap(&err, "exec");
		rc = cli_fail1(&err);
		goto out;
	}
	rc = code;
out:
	strv_release(&envs);
	strv_release(&env_files);
	strv_release(&env);
	strv_release(&args);
	return rc;
}
