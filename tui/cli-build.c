/* cli-build.c - `tug build` (docker build's options) and `tug builder
 * prune`. The Dockerfile may come from stdin (-f -), and so may the whole
 * context: `tug build - < context.tar` (a tar, plain or compressed) or
 * `tug build - < Dockerfile` (no context). Ctrl-C stops the build and
 * kills the step that runs. */
#include "cli.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile int cancelled;

static void on_signal(int sig)
{
	(void)sig;
	cancelled = 1;
}

static void progress(void *ctx, const char *line)
{
	(void)ctx;
	fputs(line, stdout);
	fputc('\n', stdout);
	/* RUN output is written to the same fd by the step's container */
	fflush(stdout);
}

/* All of stdin in a memfd. */
static int slurp_stdin(size_t *len)
{
	int fd = memfd_create("tug-build-stdin", MFD_CLOEXEC);
	char buf[65536];
	ssize_t n;

	*len = 0;
	if (fd < 0)
		return -1;
	while ((n = read(0, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (write(fd, buf, (size_t)n) != n) {
			close(fd);
			return -1;
		}
		*len += (size_t)n;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* gzip, bzip2, xz, zstd, or a tar header: a context archive. */
static int looks_like_archive(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return 1;
	if (n >= 3 && !memcmp(p, "BZh", 3))
		return 1;
	if (n >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
		return 1;
	if (n >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
		return 1;
	return n >= 262 && !memcmp(p + 257, "ustar", 5);
}

static char *read_fd_all(int fd, size_t len)
{
	char *s = xmalloc(len + 1);
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, s + got, len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	s[got] = '\0';
	return s;
}

int cmd_build(struct cli *c, int argc, char **argv)
{
	struct strv tags = { 0 }, args = { 0 }, labels = { 0 };
	const char *file = NULL, *target = NULL, *prog = NULL, *network = NULL, *iidfile = NULL;
	const char *platform = NULL;
	int no_cache = 0, quiet = 0, rm = 1, force_rm = 0, pull = 0;
	const struct cli_opt opts[] = {
		{ 't', "tag", OPT_LIST, &tags, "NAME[:TAG]", "Name the image (repeatable)" },
		{ 'f', "file", OPT_STR, &file, "FILE", "The Dockerfile (default CONTEXT/Dockerfile; - = stdin)" },
		{ 0, "build-arg", OPT_LIST, &args, "KEY[=VALUE]", "Set a build-time variable" },
		{ 0, "target", OPT_STR, &target, "STAGE", "Build up to this stage" },
		{ 0, "no-cache", OPT_BOOL, &no_cache, NULL, "Run every step, even if cached" },
		{ 'q', "quiet", OPT_BOOL, &quiet, NULL, "Print only the image id" },
		{ 0, "progress", OPT_STR, &prog, "auto|plain|tty|quiet", "Progress output (plain lines here)" },
		{ 0, "label", OPT_LIST, &labels, "KEY=VALUE", "Add a label to the image" },
		{ 0, "network", OPT_STR, &network, "none|host|NAME", "Network of RUN steps (default none)" },
		{ 0, "iidfile", OPT_STR, &iidfile, "FILE", "Write the image id to the file" },
		{ 0, "platform", OPT_STR, &platform, "PLATFORM", "Target platform: this machine's only" },
		{ 0, "rm", OPT_BOOL, &rm, NULL, "Remove step containers (always done)" },
		{ 0, "force-rm", OPT_BOOL, &force_rm, NULL, "Remove step containers on failure too (always done)" },
		{ 0, "pull", OPT_BOOL, &pull, NULL, "Pull base images first (not available)" },
		{ 0, NULL, 0, NULL, NULL, NULL },
	};
	struct tug_build_opts o = { .context_tar_fd = -1, .out_fd = -1 };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	struct sigaction sa = { 0 }, old_int, old_term;
	char id[128] = "", *dftext = NULL;
	const char *ctx;
	int optind, r, rc = 125, stdin_fd = -1;
	struct stat st;

	r = cli_parse("build", "[OPTIONS] PATH | -", opts, argc, argv, 0, &optind);
	if (r)
		return r > 0 ? 0 : 125;
	if (cli_nargs(argv + optind) != 1) {
		rc = cli_failf("build: needs exactly one argument: the context directory, or - for stdin\n"
			       "Usage: tug build [OPTIONS] PATH | -");
		goto out;
	}
	ctx = argv[optind];
	if (prog && strcmp(prog, "auto") && strcmp(prog, "plain") && strcmp(prog, "tty") &&
	    strcmp(prog, "quiet") && strcmp(prog, "rawjson")) {
		rc = cli_failf("build: --progress %s: use auto, plain, tty or quiet", prog);
		goto out;
	}
	if (prog && !strcmp(prog, "quiet"))
		quiet = 1;
	if (pull) {
		rc = cli_failf("build: --pull: pulling is not available in this build of tug; pull base images first");
		goto out;
	}
	if (str_has_prefix(ctx, "http://") || str_has_prefix(ctx, "https://") ||
	    str_has_prefix(ctx, "git@")) {
		rc = cli_failf("build: %s: remote contexts need a network: clone or download it and build the directory",
			       ctx);
		goto out;
	}
	if (!strcmp(ctx, "-")) {
		size_t len;
		unsigned char head[512];
		ssize_t n;
		if (file && !strcmp(file, "-")) {
			rc = cli_failf("build: the Dockerfile and the context cannot both come from stdin");
			goto out;
		}
		stdin_fd = slurp_stdin(&len);
		if (stdin_fd < 0) {
			rc = cli_failf("build: read stdin: %s", strerror(errno));
			goto out;
		}
		n = pread(stdin_fd, head, sizeof(head), 0);
		if (n > 0 && looks_like_archive(head, (size_t)n)) {
			o.context_tar_fd = stdin_fd;
		} else {
			dftext = read_fd_all(stdin_fd, len);
			o.dockerfile_text = dftext;
			o.dockerfile_len = len;
			if (file) {
				rc = cli_failf("build: -f %s: with a Dockerfile on stdin there is no context to find it in",
					       file);
				goto out;
			}
		}
	} else {
		if (stat(ctx, &st) < 0 || !S_ISDIR(st.st_mode)) {
			rc = cli_failf("build: unable to prepare context: path \"%s\" not found or not a directory",
				       ctx);
			goto out;
		}
		o.context = ctx;
	}
	if (file && !strcmp(file, "-")) {
		size_t len;
		stdin_fd = slurp_stdin(&len);
		if (stdin_fd < 0) {
			rc = cli_failf("build: read stdin: %s", strerror(errno));
			goto out;
		}
		dftext = read_fd_all(stdin_fd, len);
		o.dockerfile_text = dftext;
		o.dockerfile_len = len;
	} else if (file) {
		o.dockerfile = file;
	}
	o.tags = tags.v;
	o.build_args = args.v;
	o.labels = labels.v;
	o.target = target;
	o.network = network;
	o.no_cache = no_cache;
	o.out_fd = quiet ? -1 : 1;
	o.progress = quiet ? NULL : progress;
	o.cancel = &cancelled;
	o.platform = platform;
	ep = cli_endpoint(c);
	if (!ep)
		goto out;
	sa.sa_handler = on_signal; /* no SA_RESTART: waits notice the signal */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	r = backend_image_build(ep, &o, id, &err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (r < 0) {
		cli_fail(&err);
		rc = cancelled ? 130 : 1; /* docker build exits 1 when a build fails */
		goto out;
	}
	printf("%s\n", id);
	if (iidfile) {
		FILE *f = fopen(iidfile, "w");
		if (!f || fprintf(f, "%s", id) < 0 || fclose(f) != 0) {
			rc = cli_failf("build: write --iidfile %s: %s", iidfile, strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	if (stdin_fd >= 0)
		close(stdin_fd);
	free(dftext);
	strv_release(&tags);
	strv_release(&args);
	strv_release(&labels);
	return rc;
}

static int builder_prune(struct cli *c, int argc, char **argv)
{
	int all = 0, force = 0;
	const struct cli_opt opts[] = {
		{ 'a', "all", OPT_BOOL, &all, NULL, "Remove all build cache (the only kind here)" },
		{ 'f', "force", OPT_BOOL, &force, NULL, "Do not prompt for confirmation" },
		{ 0, NULL, 0, NULL, NULL, NULL },
	};
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	int64_t freed = 0;
	long n = 0;
	int optind, r;
	char size[32];

	r = cli_parse("builder prune", "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (r)
		return r > 0 ? 0 : 125;
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	if (backend_build_prune(ep, &n, &freed, &err) < 0)
		return cli_fail(&err);
	printf("Deleted build cache objects: %ld\nTotal reclaimed space: %s\n", n,
	       fmt_size(size, sizeof(size), (double)freed));
	return 0;
}

int cmd_builder(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "prune", builder_prune, "Remove the build cache" },
		{ "build", cmd_build, "Build an image from a Dockerfile" },
		{ NULL, NULL, NULL },
	};
	return cli_dispatch(c, "builder", cmds, argc, argv);
}
