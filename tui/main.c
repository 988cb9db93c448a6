/* main.c - the tug binary: no subcommand opens the console, otherwise
 * the docker-style CLI. Global flags come before the subcommand. */
#include "cli.h"
#include "util/str.h"
#include "util/trace.h"

#include <jansson.h>
#include <locale.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#ifndef TUG_VERSION
#define TUG_VERSION "0.1.0"
#endif

static const struct cli_cmd commands[] = {
	{ "run", cmd_run, "Create and start a container from an image" },
	{ "create", cmd_create, "Create a container without starting it" },
	{ "start", cmd_start, "Start stopped containers" },
	{ "stop", cmd_stop, "Stop running containers (SIGTERM, then SIGKILL)" },
	{ "restart", cmd_restart, "Restart containers" },
	{ "kill", cmd_kill, "Send a signal to running containers" },
	{ "rm", cmd_rm, "Remove containers" },
	{ "pause", cmd_pause, "Freeze every process of containers" },
	{ "unpause", cmd_unpause, "Thaw paused containers" },
	{ "ps", cmd_ps, "List containers" },
	{ "inspect", cmd_inspect, "Show the full object of containers or images" },
	{ "logs", cmd_logs, "Show or follow a container's output" },
	{ "exec", cmd_exec, "Run a command in a running container" },
	{ "stats", cmd_stats, "Live resource usage of containers" },
	{ "wait", cmd_wait, "Wait for containers to stop, print exit codes" },
	{ "top", cmd_top, "Processes of a container" },
	{ "rename", cmd_rename, "Rename a container" },
	{ "container", cmd_container, "Manage containers (ls, rm, inspect, ...)" },
	{ "import", cmd_import, "Create an image from a rootfs tarball" },
	{ "load", cmd_load, "Load images from a docker-save or OCI archive" },
	{ "save", cmd_save, "Save images to a docker-save archive" },
	{ "images", cmd_images, "List images" },
	{ "tag", cmd_tag, "Add a name to an image" },
	{ "rmi", cmd_rmi, "Remove images" },
	{ "image", cmd_image, "Manage images (ls, rm, inspect, ...)" },
	{ "build", cmd_build, "Build an image from a Dockerfile" },
	{ "builder", cmd_builder, "Manage the build cache (prune)" },
	{ "network", cmd_network, "Manage networks (create, ls, rm, connect, ...)" },
	{ "volume", cmd_volume, "Manage volumes (create, ls, rm, prune, ...)" },
	{ "pull", cmd_pull, "Download an image from a registry" },
	{ "push", cmd_push, "Upload an image to a registry" },
	{ "login", cmd_login, "Log in to a registry" },
	{ "logout", cmd_logout, "Log out from a registry" },
	{ "kube", cmd_kube, "Kubernetes clusters: get, logs, scale, delete, contexts" },
	{ "system", cmd_system, "Manage tug's state (reset, info, df)" },
	{ "version", cmd_version, "Show the version" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fputs("Usage: tug [GLOBAL OPTIONS] [COMMAND] [ARGS...]\n\n"
	      "With no command, tug opens the console.\n\n"
	      "Global options:\n"
	      "  --root DIR          state directory (default /var/lib/tug, env TUG_ROOT)\n"
	      "  --runroot DIR       runtime directory (default /run/tug, env TUG_RUNROOT)\n"
	      "  --readonly          refuse every destructive action\n"
	      "  --theme NAME|FILE   console theme\n"
	      "  --kubeconfig FILE   kubeconfig for cluster endpoints\n"
	      "  --context NAME      kubeconfig context\n"
	      "  --namespace NS|all  console: the cluster namespace to list (default: the context's)\n"
	      "  -v, --version       print the version\n\n"
	      "Commands:\n", f);
	for (const struct cli_cmd *p = commands; p->name; p++)
		fprintf(f, "  %-10s %s\n", p->name, p->summary);
	fputs("\nRun 'tug COMMAND --help' for a command's options.\n", f);
}

struct tug_endpoint *cli_endpoint(struct cli *c)
{
	struct tug_err err = { 0 };

	if (c->ep)
		return c->ep;
	if (backend_open_runtime(c->root, c->runroot, &c->ep, &err) < 0) {
		cli_fail(&err);
		return NULL;
	}
	c->ep->readonly = c->readonly;
	return c->ep;
}

int cmd_version(struct cli *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	printf("tug version %s\n", TUG_VERSION);
	return 0;
}

static int global_value(int argc, char **argv, int *i, const char *name, const char **out)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n))
		return 0;
	if (a[n] == '=') {
		*out = a + n + 1;
		return 1;
	}
	if (a[n] == '\0') {
		if (*i + 1 >= argc) {
			cli_failf("flag needs an argument: %s", name);
			exit(125);
		}
		*out = argv[++*i];
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	int i, rc;

	c.prog = argv[0];
	trace_init();
	trace_mark("cli start");
	signal(SIGPIPE, SIG_IGN);
	{
		/* jansson would open /dev/urandom for its hash seed on the first
		 * object: one syscall instead of three on every command */
		uint32_t seed = 0;
		if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed) && seed)
			json_object_seed(seed);
	}
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (global_value(argc, argv, &i, "--root", &c.root) ||
		    global_value(argc, argv, &i, "--runroot", &c.runroot) ||
		    global_value(argc, argv, &i, "--theme", &c.theme) ||
		    global_value(argc, argv, &i, "--kubeconfig", &c.kubeconfig) ||
		    global_value(argc, argv, &i, "--context", &c.context) ||
		    global_value(argc, argv, &i, "--namespace", &c.namespace))
			continue;
		if (!strcmp(argv[i], "--readonly")) {
			c.readonly = 1;
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--version")) {
			return cmd_version(&c, 0, NULL);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			cli_failf("unknown flag: %s (see 'tug --help')", argv[i]);
			return 125;
		}
	}
	if (i >= argc) {
		setlocale(LC_ALL, "");
		rc = console_main(&c, argc - i, argv + i);
		backend_close(c.ep);
		return rc;
	}
	for (const struct cli_cmd *p = commands; p->name; p++) {
		if (!strcmp(p->name, argv[i])) {
			rc = p->fn(&c, argc - i, argv + i);
			fflush(stdout);
			backend_close(c.ep);
			trace_mark("cli done");
			return rc;
		}
	}
	cli_failf("unknown command: %s (see 'tug --help')", argv[i]);
	return 125;
}
