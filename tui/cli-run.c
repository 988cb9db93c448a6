/* cli-run.c - `tug run` and `tug create`: docker's flags mapped onto
 * struct tug_create_opts. Every value is checked before anything is
 * created, so bad input leaves the store as it was (exit 125, one line). */
#include "cli.h"
#include "cli-progress.h"
#include "cli-attach.h"
#include "cli-format.h"
#include "cli-values.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run_flags {
	int detach, rm, interactive, tty, read_only, sig_proxy;
	const char *name, *workdir, *user, *hostname, *entrypoint;
	const char *memory, *cpus, *restart, *network, *stop_signal, *pull;
	long pids_limit;
	struct strv env, env_file, volume, mount, tmpfs, label, publish;
	/* networks */
	int publish_all;
	const char *ip;
	struct strv expose, alias, dns, dns_search, dns_option, add_host;
};

/* What create accepts; run adds -d and --sig-proxy. */
#define CREATE_OPTS(f) \
	{ 0, "rm", OPT_BOOL, &(f).rm, NULL, "Remove the container when it exits" }, \
	{ 'i', "interactive", OPT_BOOL, &(f).interactive, NULL, "Keep stdin open" }, \
	{ 't', "tty", OPT_BOOL, &(f).tty, NULL, "Allocate a terminal" }, \
	{ 0, "name", OPT_STR, &(f).name, "NAME", "Name the container" }, \
	{ 'e', "env", OPT_LIST, &(f).env, "KEY=VALUE", "Set an environment variable" }, \
	{ 0, "env-file", OPT_LIST, &(f).env_file, "FILE", "Read environment variables from a file" }, \
	{ 'w', "workdir", OPT_STR, &(f).workdir, "DIR", "Working directory inside the container" }, \
	{ 'u', "user", OPT_STR, &(f).user, "USER[:GROUP]", "User name or uid[:gid]" }, \
	{ 'h', "hostname", OPT_STR, &(f).hostname, "NAME", "Container host name" }, \
	{ 0, "entrypoint", OPT_STR, &(f).entrypoint, "CMD", "Override the image's entrypoint (\"\" for none)" }, \
	{ 'm', "memory", OPT_STR, &(f).memory, "BYTES", "Memory limit (e.g. 512m, 1g)" }, \
	{ 0, "cpus", OPT_STR, &(f).cpus, "N", "CPU limit in cores (e.g. 0.5)" }, \
	{ 0, "pids-limit", OPT_INT, &(f).pids_limit, "N", "Maximum number of processes (-1 = unlimited)" }, \
	{ 0, "restart", OPT_STR, &(f).restart, "POLICY", "no, on-failure[:N], always, unless-stopped" }, \
	{ 'v', "volume", OPT_LIST, &(f).volume, "SRC:DST[:ro]", "Bind mount a host path or a volume" }, \
	{ 0, "mount", OPT_LIST, &(f).mount, "SPEC", "Mount: type=bind|volume|tmpfs,source=,target=,readonly" }, \
	{ 0, "tmpfs", OPT_LIST, &(f).tmpfs, "DST[:OPTS]", "Mount a tmpfs" }, \
	{ 0, "read-only", OPT_BOOL, &(f).read_only, NULL, "Mount the root filesystem read-only" }, \
	{ 0, "network", OPT_STR, &(f).network, "MODE", "bridge (default), none, host, or a network name" }, \
	{ 0, "net", OPT_STR, &(f).network, "MODE", "Same as --network" }, \
	{ 'l', "label", OPT_LIST, &(f).label, "KEY=VALUE", "Set a label" }, \
	{ 0, "stop-signal", OPT_STR, &(f).stop_signal, "SIGNAL", "Signal that stops the container (default SIGTERM)" }, \
	{ 0, "pull", OPT_STR, &(f).pull, "POLICY", "Pull the image: missing (default), always, never" }, \
	{ 'p', "publish", OPT_LIST, &(f).publish, "[IP:]HOST:CTR[/PROTO]", "Publish a container port on the host" }, \
	{ 'P', "publish-all", OPT_BOOL, &(f).publish_all, NULL, "Publish every exposed port on a random host port" }, \
	{ 0, "expose", OPT_LIST, &(f).expose, "PORT[/PROTO]", "Expose a port (for -P)" }, \
	{ 0, "ip", OPT_STR, &(f).ip, "IP", "Fixed IPv4 address on the network" }, \
	{ 0, "network-alias", OPT_LIST, &(f).alias, "NAME", "Extra name on the network" }, \
	{ 0, "net-alias", OPT_LIST, &(f).alias, "NAME", "Same as --network-alias" }, \
	{ 0, "dns", OPT_LIST, &(f).dns, "IP", "Nameserver for /etc/resolv.conf" }, \
	{ 0, "dns-search", OPT_LIST, &(f).dns_search, "DOMAIN", "Search domain for /etc/resolv.conf" }, \
	{ 0, "dns-option", OPT_LIST, &(f).dns_option, "OPT", "Resolver option for /etc/resolv.conf" }, \
	{ 0, "add-host", OPT_LIST, &(f).add_host, "NAME:IP", "Add a line to /etc/hosts" }

struct built {
	struct tug_create_opts o;
	struct strv cmd, env, labels;
	char *entry[2];
	struct tug_mount *mounts;
	size_t nmounts;
};

static void built_release(struct built *b)
{
	strv_release(&b->cmd);
	strv_release(&b->env);
	strv_release(&b->labels);
	for (size_t i = 0; i < b->nmounts; i++)
		cli_mount_release(&b->mounts[i]);
	free(b->mounts);
}

static void flags_release(struct run_flags *f)
{
	strv_release(&f->env);
	strv_release(&f->env_file);
	strv_release(&f->volume);
	strv_release(&f->mount);
	strv_release(&f->tmpfs);
	strv_release(&f->label);
	strv_release(&f->publish);
	strv_release(&f->expose);
	strv_release(&f->alias);
	strv_release(&f->dns);
	strv_release(&f->dns_search);
	strv_release(&f->dns_option);
	strv_release(&f->add_host);
}

static struct tug_mount *add_mount(struct built *b)
{
	b->mounts = xrealloc(b->mounts, (b->nmounts + 1) * sizeof(struct tug_mount));
	memset(&b->mounts[b->nmounts], 0, sizeof(struct tug_mount));
	return &b->mounts[b->nmounts];
}

/* Check every flag and fill b->o; nothing touches the store. */
static int build_opts(struct run_flags *f, char **args, struct built *b, struct tug_err *err)
{
	struct tug_create_opts *o = &b->o;
	size_t i;
	int sig;

	memset(b, 0, sizeof(*b));
	o->image = args[0];
	for (i = 1; args[i]; i++)
		strv_push(&b->cmd, args[i]);
	o->cmd = b->cmd.v;
	if (f->entrypoint) {
		b->entry[0] = *f->entrypoint ? (char *)f->entrypoint : NULL;
		o->entrypoint = b->entry;
	}
	o->name = f->name;
	if (f->name && !*f->name)
		return tug_errf(err, TUG_E_INVALID, "--name must not be empty");
	for (i = 0; i < f->env_file.n; i++)
		if (cli_read_env_file(f->env_file.v[i], &b->env, err) < 0)
			return -1;
	for (i = 0; i < f->env.n; i++)
		cli_env_add(&b->env, f->env.v[i]);
	o->env = b->env.v;
	o->workdir = f->workdir;
	if (f->workdir && f->workdir[0] != '/')
		return tug_errf(err, TUG_E_INVALID, "the working directory '%s' is not an absolute path",
				f->workdir);
	o->user = f->user;
	o->hostname = f->hostname;
	if (f->memory && cli_parse_memory("--memory", f->memory, &o->memory, err) < 0)
		return -1;
	if (f->cpus && cli_parse_cpus(f->cpus, &o->nano_cpus, err) < 0)
		return -1;
	o->pids_limit = f->pids_limit > 0 ? f->pids_limit : 0;
	if (f->restart && cli_check_restart(f->restart, err) < 0)
		return -1;
	o->restart = f->restart;
	if (f->rm && f->restart && *f->restart && strcmp(f->restart, "no"))
		return tug_errf(err, TUG_E_INVALID, "--rm and --restart %s conflict: choose one",
				f->restart);
	for (i = 0; i < f->volume.n; i++) {
		if (cli_parse_volume(f->volume.v[i], add_mount(b), err) < 0)
			return -1;
		b->nmounts++;
	}
	for (i = 0; i < f->mount.n; i++) {
		if (cli_parse_mount(f->mount.v[i], add_mount(b), err) < 0)
			return -1;
		b->nmounts++;
	}
	for (i = 0; i < f->tmpfs.n; i++) {
		if (cli_parse_tmpfs(f->tmpfs.v[i], add_mount(b), err) < 0)
			return -1;
		b->nmounts++;
	}
	for (i = 0; i < b->nmounts; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(b->mounts[i].target, b->mounts[j].target))
				return tug_errf(err, TUG_E_INVALID, "duplicate mount point: %s",
						b->mounts[i].target);
	o->mounts = b->mounts;
	o->nmounts = b->nmounts;
	o->read_only = f->read_only;
	o->network = f->network;
	if (f->network && !*f->network)
		return tug_errf(err, TUG_E_INVALID, "--network must not be empty");
	o->tty = f->tty;
	o->interactive = f->interactive;
	o->auto_remove = f->rm;
	for (i = 0; i < f->label.n; i++) {
		const char *l = f->label.v[i];
		if (!*l || *l == '=')
			return tug_errf(err, TUG_E_INVALID, "invalid label '%s': use KEY=VALUE", l);
		if (strchr(l, '=')) {
			strv_push(&b->labels, l);
		} else {
			struct sbuf s = SBUF_INIT;
			sbuf_printf(&s, "%s=", l);
			strv_push(&b->labels, s.s);
			sbuf_release(&s);
		}
	}
	o->labels = b->labels.v;
	if (f->stop_signal && cli_parse_signal(f->stop_signal, &sig, err) < 0)
		return -1;
	o->stop_signal = f->stop_signal;
	if (f->pull && strcmp(f->pull, "missing") && strcmp(f->pull, "always") && strcmp(f->pull, "never"))
		return tug_errf(err, TUG_E_INVALID, "invalid --pull policy '%s': use missing, always or never",
				f->pull);
	o->pull = f->pull;
	for (i = 0; i < f->publish.n; i++)
		if (cli_check_publish(f->publish.v[i], err) < 0)
			return -1;
	o->ports = f->publish.v;
	o->publish_all = f->publish_all;
	o->expose = f->expose.v;
	o->ip = f->ip;
	o->aliases = f->alias.v;
	o->dns = f->dns.v;
	o->dns_search = f->dns_search.v;
	o->dns_options = f->dns_option.v;
	o->extra_hosts = f->add_host.v;
	return 0;
}

static int parse_run(const char *cmd, const char *usage, const struct cli_opt *opts,
		     int argc, char **argv, char ***args)
{
	int optind, rc;

	rc = cli_parse(cmd, usage, opts, argc, argv, 1, &optind);
	if (rc)
		return rc < 0 ? 125 : 0;
	if (optind >= argc) {
		cli_failf("%s: an image is required (see 'tug %s --help')", cmd, cmd);
		return 125;
	}
	*args = argv + optind;
	return -1;
}

static void remove_quietly(struct tug_endpoint *ep, const char *id)
{
	struct tug_err err = { 0 };
	struct tug_action_opts rm = { .timeout_s = -1, .force = 1 };

	backend_action(ep, TUG_CONTAINER, id, TUG_ACT_REMOVE, &rm, &err);
}

/* --rm for an attached run: the built-in runtime's monitor removes the
 * container before it reports the exit; a driver that has not done so by
 * now gets it done here, so the caller never sees a leftover. */
static void ensure_removed(struct tug_endpoint *ep, const char *id)
{
	struct tug_err err = { 0 };
	json_t *j = NULL;

	if (backend_inspect(ep, TUG_CONTAINER, id, &j, &err) < 0)
		return;
	json_decref(j);
	remove_quietly(ep, id);
}

/* Check the flags, then create the container: the shared first half of
 * run and create. Returns -1 once created (id filled, *epp set), or the
 * exit status to return. check_attach: refuse -it without a terminal. */
static int check_and_create(struct cli *c, const char *cmd, struct run_flags *f, char **args,
			    int check_attach, struct built *b, struct tug_endpoint **epp, char *id)
{
	struct tug_err err = { 0 };

	if (build_opts(f, args, b, &err) < 0 ||
	    (check_attach && cli_attach_check(f->interactive, f->tty, &err) < 0)) {
		fprintf(stderr, "tug: %s: %s\n", cmd, err.msg);
		return 125;
	}
	*epp = cli_endpoint(c);
	if (!*epp)
		return 125;
	{
		/* a missing image is pulled first, with progress on stderr */
		struct cli_progress prog;
		struct tug_registry_opts ro = { 0 };
		int r;

		cli_progress_init(&prog, stderr, 0);
		cli_progress_opts(&prog, &ro);
		b->o.pull_opts = &ro;
		r = backend_create(*epp, &b->o, id, &err);
		b->o.pull_opts = NULL;
		cli_progress_release(&prog);
		if (r < 0) {
			tug_err_wrap(&err, "%s", cmd);
			return cli_fail(&err);
		}
	}
	return -1;
}

int cmd_run(struct cli *c, int argc, char **argv)
{
	struct run_flags f = { .sig_proxy = 1 };
	const struct cli_opt opts[] = {
		{ 'd', "detach", OPT_BOOL, &f.detach, NULL, "Run in the background and print the id" },
		{ 0, "sig-proxy", OPT_BOOL, &f.sig_proxy, NULL, "Forward received signals to the container (default true)" },
		CREATE_OPTS(f),
		{ 0 },
	};
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	struct built b;
	struct cli_attach at;
	struct tug_stdio io;
	char **args, id[65] = "";
	int rc, code = 0;

	rc = parse_run("run", "[OPTIONS] IMAGE [COMMAND] [ARG...]", opts, argc, argv, &args);
	if (rc >= 0) {
		flags_release(&f);
		return rc;
	}
	rc = check_and_create(c, "run", &f, args, !f.detach, &b, &ep, id);
	if (rc >= 0)
		goto out;
	if (f.detach) {
		if (backend_action(ep, TUG_CONTAINER, id, TUG_ACT_START, NULL, &err) < 0) {
			tug_err_wrap(&err, "run");
			rc = cli_fail(&err);
			if (f.rm)
				remove_quietly(ep, id);
			goto out;
		}
		printf("%s\n", id);
		rc = 0;
		goto out;
	}
	cli_attach_begin(&at, f.interactive, f.tty, &io);
	if (f.sig_proxy && cli_attach_proxy(&at, &err) < 0) {
		cli_attach_end(&at);
		rc = cli_fail(&err);
		remove_quietly(ep, id);
		goto out;
	}
	rc = backend_start_attached(ep, id, &io, &code, &err);
	cli_attach_end(&at);
	if (rc < 0) {
		tug_err_wrap(&err, "run");
		rc = cli_fail(&err);
		if (f.rm)
			remove_quietly(ep, id);
		goto out;
	}
	if (f.rm)
		ensure_removed(ep, id);
	rc = code;
out:
	built_release(&b);
	flags_release(&f);
	return rc;
}

int cmd_create(struct cli *c, int argc, char **argv)
{
	struct run_flags f = { 0 };
	const struct cli_opt opts[] = {
		CREATE_OPTS(f),
		{ 0 },
	};
	struct tug_endpoint *ep;
	struct built b;
	char **args, id[65];
	int rc;

	rc = parse_run("create", "[OPTIONS] IMAGE [COMMAND] [ARG...]", opts, argc, argv, &args);
	if (rc >= 0) {
		flags_release(&f);
		return rc;
	}
	rc = check_and_create(c, "create", &f, args, 0, &b, &ep, id);
	if (rc >= 0)
		goto out;
	printf("%s\n", id);
	rc = 0;
out:
	built_release(&b);
	flags_release(&f);
	return rc;
}
