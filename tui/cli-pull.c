/* cli-pull.c - `tug pull` and `tug push`, with docker's output: the
 * backend's progress events drawn by cli-progress.c, then the image's
 * fully qualified name (pull) or its digest line (push). Ctrl-C cancels
 * cleanly: nothing half-pulled stays visible, and the next pull resumes
 * the layers already downloaded. */
#include "cli.h"
#include "cli-progress.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HELP_ONLY(r) ((r) > 0 ? 0 : 125)
#define TLS_HELP "Require HTTPS with a verified certificate; false allows plain HTTP or " \
	"unverified TLS for this registry, with a warning (loopback registries and those listed " \
	"as \"insecure HOST[:PORT]\" in /etc/tug/registries.conf or ~/.config/tug/registries.conf " \
	"are allowed already)"

static volatile int canceled;

/* --creds USER[:PASS] */
static int split_creds(const char *creds, struct tug_registry_opts *o, char **owned)
{
	char *colon;

	if (!creds)
		return 0;
	*owned = xstrdup(creds);
	colon = strchr(*owned, ':');
	if (!colon || colon == *owned)
		return cli_failf("--creds: expected USER:PASSWORD");
	*colon = '\0';
	o->username = *owned;
	o->password = colon + 1;
	return 0;
}

/* "busybox" -> "docker.io/library/busybox:latest", as docker prints it */
static void qualified(const char *ref, char *out, size_t size)
{
	const char *at = strchr(ref, '@'), *slash = strchr(ref, '/'), *colon;
	char first[256];
	size_t n = slash ? (size_t)(slash - ref) : 0;
	int has_domain;

	snprintf(first, sizeof(first), "%.*s", (int)(n < sizeof(first) ? n : 0), ref);
	has_domain = slash && (strchr(first, '.') || strchr(first, ':') || !strcmp(first, "localhost"));
	colon = strrchr(slash ? slash : ref, ':');
	if (at && colon && colon > at)
		colon = NULL;
	snprintf(out, size, "%s%s%s%s", has_domain ? "" : "docker.io/",
		 has_domain || slash ? "" : "library/", ref, at || colon ? "" : ":latest");
}

int cmd_pull(struct cli *c, int argc, char **argv)
{
	int quiet = 0, tls_verify = 1;
	const char *platform = NULL, *creds = NULL;
	const struct cli_opt opts[] = {
		{ 'q', "quiet", OPT_BOOL, &quiet, NULL, "Print only the image's name" },
		{ 0, "platform", OPT_STR, &platform, "OS/ARCH[/VARIANT]", "Pull this platform's image from an index (default: this machine's)" },
		{ 0, "tls-verify", OPT_BOOL, &tls_verify, NULL, TLS_HELP },
		{ 0, "creds", OPT_STR, &creds, "USER:PASS", "Credentials for this pull instead of the stored ones" },
		{ 0, NULL, 0, NULL, NULL, NULL },
	};
	struct tug_registry_opts o = { .cancel = &canceled };
	struct cli_progress prog;
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	char id[128], name[600], *owned = NULL;
	const char *ref;
	int optind, r, rc = 0;

	r = cli_parse("pull", "[OPTIONS] NAME[:TAG|@DIGEST]", opts, argc, argv, 0, &optind);
	if (r)
		return HELP_ONLY(r);
	if (cli_nargs(argv + optind) != 1)
		return cli_failf("pull: requires exactly 1 argument\nUsage: tug pull [OPTIONS] NAME[:TAG|@DIGEST]");
	if (split_creds(creds, &o, &owned) < 0)
		return 125;
	ref = argv[optind];
	ep = cli_endpoint(c);
	if (!ep) {
		free(owned);
		return 125;
	}
	o.insecure = !tls_verify;
	o.platform = platform;
	cli_progress_init(&prog, stdout, quiet);
	cli_progress_opts(&prog, &o);
	cli_cancel_on_signals(&canceled);
	if (!quiet && !strchr(ref, '@') && !strchr(strrchr(ref, '/') ? strrchr(ref, '/') : ref, ':'))
		printf("Using default tag: latest\n");
	if (backend_image_pull(ep, ref, &o, id, &err) < 0) {
		fflush(stdout);
		rc = cli_fail(&err);
	} else {
		qualified(ref, name, sizeof(name));
		printf("%s\n", name);
	}
	cli_progress_release(&prog);
	free(owned);
	return rc;
}

int cmd_push(struct cli *c, int argc, char **argv)
{
	int quiet = 0, tls_verify = 1;
	const char *creds = NULL;
	const struct cli_opt opts[] = {
		{ 'q', "quiet", OPT_BOOL, &quiet, NULL, "Print nothing but errors" },
		{ 0, "tls-verify", OPT_BOOL, &tls_verify, NULL, TLS_HELP },
		{ 0, "creds", OPT_STR, &creds, "USER:PASS", "Credentials for this push instead of the stored ones" },
		{ 0, NULL, 0, NULL, NULL, NULL },
	};
	struct tug_registry_opts o = { .cancel = &canceled };
	struct cli_progress prog;
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	char digest[128], *owned = NULL;
	int optind, r, n, rc = 0;

	r = cli_parse("push", "[OPTIONS] IMAGE [DESTINATION]", opts, argc, argv, 0, &optind);
	if (r)
		return HELP_ONLY(r);
	n = cli_nargs(argv + optind);
	if (n < 1 || n > 2)
		return cli_failf("push: requires an image and optionally a destination\n"
				 "Usage: tug push [OPTIONS] IMAGE [DESTINATION]");
	if (split_creds(creds, &o, &owned) < 0)
		return 125;
	ep = cli_endpoint(c);
	if (!ep) {
		free(owned);
		return 125;
	}
	o.insecure = !tls_verify;
	cli_progress_init(&prog, stdout, quiet);
	cli_progress_opts(&prog, &o);
	cli_cancel_on_signals(&canceled);
	if (backend_image_push(ep, argv[optind], n == 2 ? argv[optind + 1] : NULL, &o, digest, &err) < 0) {
		fflush(stdout);
		rc = cli_fail(&err);
	}
	cli_progress_release(&prog);
	free(owned);
	return rc;
}
