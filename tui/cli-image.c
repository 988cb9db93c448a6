/* cli-image.c - the image commands but the listing: import, load, save,
 * tag, rmi, image inspect, image prune, and the `tug image` group. Output
 * and messages follow docker's. */
#include "cli-image.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HELP_ONLY(r) ((r) > 0 ? 0 : 125)

int cmd_import(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = { { 0, NULL, 0, NULL, NULL, NULL } };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	char id[128];
	const char *src, *ref;
	int optind, r, fd, rc;

	r = cli_parse("import", "FILE|- [REPOSITORY[:TAG]]", opts, argc, argv, 0, &optind);
	if (r)
		return HELP_ONLY(r);
	if (cli_nargs(argv + optind) < 1 || cli_nargs(argv + optind) > 2)
		return cli_failf("import: needs a file (or - for stdin) and optionally a name\n"
				 "Usage: tug import FILE|- [REPOSITORY[:TAG]]");
	src = argv[optind];
	ref = argv[optind + 1];
	if (str_has_prefix(src, "http://") || str_has_prefix(src, "https://"))
		return cli_failf("import: %s: importing from a URL is not supported: download the file "
				 "and import it", src);
	if (!strcmp(src, "-")) {
		if (isatty(0))
			return cli_failf("import: stdin is a terminal: pipe a tar archive into it");
		fd = 0;
	} else {
		fd = open(src, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return cli_failf("import: %s: %s", src, strerror(errno));
	}
	ep = cli_endpoint(c);
	if (!ep)
		rc = 125;
	else if (backend_image_import(ep, fd, ref, id, &err) < 0)
		rc = cli_fail(&err);
	else {
		printf("%s\n", id);
		rc = 0;
	}
	if (fd != 0)
		close(fd);
	return rc;
}

struct load_ctx {
	int quiet;
};

static void print_loaded(void *ctx, const char *what)
{
	struct load_ctx *l = ctx;

	if (l->quiet)
		return;
	if (str_has_prefix(what, "sha256:"))
		printf("Loaded image ID: %s\n", what);
	else
		printf("Loaded image: %s\n", what);
}

int cmd_load(struct cli *c, int argc, char **argv)
{
	struct load_ctx lc = { 0 };
	const char *input = NULL;
	const struct cli_opt opts[] = {
		{ 'i', "input", OPT_STR, &input, "FILE", "Read from a tar archive file instead of stdin" },
		{ 'q', "quiet", OPT_BOOL, &lc.quiet, NULL, "Suppress the load output" },
		{ 0, NULL, 0, NULL, NULL, NULL },
	};
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	int optind, r, fd = 0, rc;

	r = cli_parse("load", "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (r)
		return HELP_ONLY(r);
	if (cli_nargs(argv + optind))
		return cli_failf("load: takes no arguments: use -i FILE or stdin");
	if (input && strcmp(input, "-")) {
		fd = open(input, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return cli_failf("load: %s: %s", input, strerror(errno));
	} else if (isatty(0)) {
		return cli_failf("load: requested load from stdin, but stdin is a terminal: "
				 "use -i FILE or redirect");
	}
	ep = cli_endpoint(c);
	if (!ep)
		rc = 125;
	else if (backend_image_load(ep, fd, print_loaded, &lc, &err) < 0)
		rc = cli_fail(&err);
	else
		rc = 0;
	if (fd != 0)
		close(fd);
	return rc;
}

int cmd_save(struct cli *c, int argc, char **argv)
{
	const char *output = NULL;
	const struct cli_opt opts[] = {
		{ 'o', "output", OPT_STR, &output, "FILE", "Write to a file instead of stdout" },
		{ 0, NULL, 0, NULL, NULL, NULL },
	};
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	char tmp[4096];
	int optind, r, fd = 1, rc;

	r = cli_parse("save", "[OPTIONS] IMAGE [IMAGE...]", opts, argc, argv, 0, &optind);
	if (r)
		return HELP_ONLY(r);
	if (!cli_nargs(argv + optind))
		return cli_failf("save: name at least one image\nUsage: tug save [-o FILE] IMAGE [IMAGE...]");
	if (!output || !strcmp(output, "-")) {
		if (isatty(1))
			return cli_failf("save: cowardly refusing to save to a terminal: use the -o flag "
					 "or redirect");
		output = NULL;
	}
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	if (output) {
		/* the file appears whole or not at all */
		snprintf(tmp, sizeof(tmp), "%s.tmp-%d", output, (int)getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0)
			return cli_failf("save: %s: %s", output, strerror(errno));
	}
	rc = backend_image_save(ep, (const char *const *)(argv + optind),
				(size_t)cli_nargs(argv + optind), fd, &err) < 0;
	if (output) {
		if (close(fd) < 0 && !rc)
			rc = tug_errno(&err, "save: write %s", output) < 0;
		if (!rc && rename(tmp, output) < 0)
			rc = tug_errno(&err, "save: %s", output) < 0;
		if (rc)
			unlink(tmp);
	}
	return rc ? cli_fail(&err) : 0;
}

int cmd_tag(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = { { 0, NULL, 0, NULL, NULL, NULL } };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	int optind, r;

	r = cli_parse("tag", "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", opts, argc, argv, 0, &optind);
	if (r)
		return HELP_ONLY(r);
	if (cli_nargs(argv + optind) != 2)
		return cli_failf("tag: requires exactly 2 arguments\n"
				 "Usage: tug tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]");
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	if (backend_image_tag(ep, argv[optind], argv[optind + 1], &err) < 0)
		return cli_fail(&err);
	return 0;
}

static void print_line(void *ctx, const char *what)
{
	(void)ctx;
	printf("%s\n", what);
}

int cmd_rmi(struct cli *c, int argc, char **argv)
{
	int force = 0, no_prune = 0;
	const struct cli_opt opts[] = {
		{ 'f', "force", OPT_BOOL, &force, NULL, "Untag images containers use" },
		{ 0, "no-prune", OPT_BOOL, &no_prune, NULL, "Accepted for docker compatibility (no parent images here)" },
		{ 0, NULL, 0, NULL, NULL, NULL },
	};
	struct tug_endpoint *ep;
	int optind, r, rc = 0;

	r = cli_parse("rmi", "[OPTIONS] IMAGE [IMAGE...]", opts, argc, argv, 0, &optind);
	if (r)
		return HELP_ONLY(r);
	if (!cli_nargs(argv + optind))
		return cli_failf("rmi: name at least one image\nUsage: tug rmi [-f] IMAGE [IMAGE...]");
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	for (int i = optind; argv[i]; i++) {
		struct tug_err err = { 0 };
		if (backend_image_remove(ep, argv[i], force, print_line, NULL, &err) < 0)
			rc = cli_fail(&err);
		fflush(stdout);
	}
	return rc;
}

static int image_inspect(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = { { 0, NULL, 0, NULL, NULL, NULL } };
	struct tug_endpoint *ep;
	json_t *all;
	char *s;
	int optind, r, rc = 0;

	r = cli_parse("image inspect", "IMAGE [IMAGE...]", opts, argc, argv, 0, &optind);
	if (r)
		return HELP_ONLY(r);
	if (!cli_nargs(argv + optind))
		return cli_failf("image inspect: name at least one image");
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	all = json_array();
	for (int i = optind; argv[i]; i++) {
		struct tug_err err = { 0 };
		json_t *o;
		if (backend_inspect(ep, TUG_IMAGE, argv[i], &o, &err) < 0) {
			rc = cli_fail(&err);
			continue;
		}
		json_array_append_new(all, o);
	}
	s = json_dumps(all, JSON_INDENT(4));
	printf("%s\n", s ? s : "[]");
	free(s);
	json_decref(all);
	return rc;
}

/* prune prints docker's lowercase verbs under "Deleted Images:" */
struct prune_ctx {
	int any;
};

static void print_pruned(void *ctx, const char *what)
{
	struct prune_ctx *p = ctx;

	if (!p->any)
		printf("Deleted Images:\n");
	p->any = 1;
	if (str_has_prefix(what, "Untagged: "))
		printf("untagged: %s\n", what + 10);
	else if (str_has_prefix(what, "Deleted: "))
		printf("deleted: %s\n", what + 9);
	else
		printf("%s\n", what);
}

static int confirm(const char *warning)
{
	char line[64];

	printf("WARNING! %s\nAre you sure you want to continue? [y/N] ", warning);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

static int image_prune(struct cli *c, int argc, char **argv)
{
	int all = 0, force = 0;
	const struct cli_opt opts[] = {
		{ 'a', "all", OPT_BOOL, &all, NULL, "Remove every image no container uses, not just nameless ones" },
		{ 'f', "force", OPT_BOOL, &force, NULL, "Do not prompt for confirmation" },
		{ 0, NULL, 0, NULL, NULL, NULL },
	};
	struct prune_ctx pc = { 0 };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	int64_t reclaimed = 0;
	char size[32];
	int optind, r;

	r = cli_parse("image prune", "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (r)
		return HELP_ONLY(r);
	if (cli_nargs(argv + optind))
		return cli_failf("image prune: takes no arguments");
	if (!force && !confirm(all ? "This will remove all images without at least one container "
				     "associated to them." :
				     "This will remove all dangling images."))
		return 0;
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	if (backend_image_prune(ep, all, print_pruned, &pc, &reclaimed, &err) < 0)
		return cli_fail(&err);
	if (pc.any)
		printf("\n");
	printf("Total reclaimed space: %s\n", fmt_size(size, sizeof(size), (double)reclaimed));
	return 0;
}

int cmd_image(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "ls", cli_image_ls, "List images" },
		{ "list", cli_image_ls, "List images" },
		{ "inspect", image_inspect, "Show the full object of images" },
		{ "tag", cmd_tag, "Add a name to an image" },
		{ "rm", cmd_rmi, "Remove images" },
		{ "remove", cmd_rmi, "Remove images" },
		{ "prune", image_prune, "Remove unused images" },
		{ "import", cmd_import, "Create an image from a rootfs tarball" },
		{ "load", cmd_load, "Load images from a docker-save or OCI archive" },
		{ "save", cmd_save, "Save images to a docker-save archive" },
		{ "pull", cmd_pull, "Download an image from a registry" },
		{ "push", cmd_push, "Upload an image to a registry" },
		{ NULL, NULL, NULL },
	};
	return cli_dispatch(c, "image", cmds, argc, argv);
}
