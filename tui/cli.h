/* cli.h - the docker-style command line: global state, the flag parser
 * and the command table. Commands print tables or JSON and map errors to
 * one "tug: ..." line on stderr and a non-zero exit. */
#ifndef TUG_CLI_H
#define TUG_CLI_H

#include <stddef.h>
#include "backend.h"

struct strv {
	char **v;      /* NULL-terminated */
	size_t n;
};
void strv_push(struct strv *s, const char *str);
void strv_release(struct strv *s);

struct cli {
	const char *root, *runroot;
	const char *theme, *kubeconfig, *context;
	const char *namespace;     /* console: the cluster namespace to list ("all": every one) */
	int readonly;
	struct tug_endpoint *ep;   /* opened on first use */
	const char *prog;
};

/* The local runtime endpoint, opened on first call; prints the error and
 * returns NULL when it cannot be opened. */
struct tug_endpoint *cli_endpoint(struct cli *c);
/* Print "tug: <msg>" to stderr; returns the exit status to use (125 for
 * runtime failures unless the error says 126/127, as docker does). */
int cli_fail(const struct tug_err *err);
int cli_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

enum cli_opt_type { OPT_BOOL, OPT_STR, OPT_LIST, OPT_INT };

struct cli_opt {
	char short_name;       /* 0 = none */
	const char *long_name; /* NULL = none */
	enum cli_opt_type type;
	void *dest;            /* int*, const char**, struct strv*, long* */
	const char *arg;       /* name of the value for help, e.g. "SECS" */
	const char *help;
};

/* Parse flags for command `cmd`. With stop_at_arg, parsing stops at the
 * first positional argument (run IMAGE CMD..., exec CTR CMD...). On return
 * *optind is the index of the first positional argument. -h/--help prints
 * usage and returns 1 (exit 0); errors print and return -1. */
int cli_parse(const char *cmd, const char *usage, const struct cli_opt *opts,
	      int argc, char **argv, int stop_at_arg, int *optind);
/* Number of positional arguments left: argv is NULL-terminated after
 * cli_parse (argv + optind ... NULL). */
static inline int cli_nargs(char **v)
{
	int n = 0;
	while (v[n])
		n++;
	return n;
}
void cli_usage(const char *cmd, const char *usage, const struct cli_opt *opts, FILE *f);

struct cli_cmd {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	const char *summary;
};

/* Command implementations, one group per file (tui/cli-*.c). */
int cmd_run(struct cli *c, int argc, char **argv);
int cmd_create(struct cli *c, int argc, char **argv);
int cmd_start(struct cli *c, int argc, char **argv);
int cmd_stop(struct cli *c, int argc, char **argv);
int cmd_restart(struct cli *c, int argc, char **argv);
int cmd_kill(struct cli *c, int argc, char **argv);
int cmd_rm(struct cli *c, int argc, char **argv);
int cmd_pause(struct cli *c, int argc, char **argv);
int cmd_unpause(struct cli *c, int argc, char **argv);
int cmd_ps(struct cli *c, int argc, char **argv);
int cmd_inspect(struct cli *c, int argc, char **argv);
int cmd_logs(struct cli *c, int argc, char **argv);
int cmd_exec(struct cli *c, int argc, char **argv);
int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_wait(struct cli *c, int argc, char **argv);
int cmd_top(struct cli *c, int argc, char **argv);
int cmd_rename(struct cli *c, int argc, char **argv);
int cmd_container(struct cli *c, int argc, char **argv);

int cmd_import(struct cli *c, int argc, char **argv);
int cmd_load(struct cli *c, int argc, char **argv);
int cmd_save(struct cli *c, int argc, char **argv);
int cmd_images(struct cli *c, int argc, char **argv);
int cmd_tag(struct cli *c, int argc, char **argv);
int cmd_rmi(struct cli *c, int argc, char **argv);
int cmd_image(struct cli *c, int argc, char **argv);

int cmd_build(struct cli *c, int argc, char **argv);
int cmd_builder(struct cli *c, int argc, char **argv);

int cmd_network(struct cli *c, int argc, char **argv);
int cmd_volume(struct cli *c, int argc, char **argv);
/* registries: cli-pull.c, cli-login.c */
int cmd_pull(struct cli *c, int argc, char **argv);
int cmd_push(struct cli *c, int argc, char **argv);
int cmd_login(struct cli *c, int argc, char **argv);
int cmd_logout(struct cli *c, int argc, char **argv);

int cmd_system(struct cli *c, int argc, char **argv);
int cmd_kube(struct cli *c, int argc, char **argv);
int cmd_version(struct cli *c, int argc, char **argv);

/* The console (tui/console.c): `tug` with no subcommand. */
int console_main(struct cli *c, int argc, char **argv);

/* Run a subcommand table ("image ls", "container rm", "system reset"). */
int cli_dispatch(struct cli *c, const char *group, const struct cli_cmd *cmds,
		 int argc, char **argv);

#endif
