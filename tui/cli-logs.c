/* cli-logs.c - `tug logs`: a container's output, stdout lines to stdout
 * and stderr lines to stderr, optionally following it as it grows. The
 * loop is the one every front end runs over a log stream: poll the
 * stream's fd (or its timeout), then pump what is ready. */
#include "cli.h"
#include "cli-format.h"
#include "util/str.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct logs_out {
	int timestamps;
	int at_line_start[3];
	int broken;            /* a reader went away (EPIPE) */
};

static int on_line(void *ctx, const struct tug_log_line *l)
{
	struct logs_out *o = ctx;
	int s = l->stream == 2 ? 2 : 1;
	FILE *f = s == 2 ? stderr : stdout;

	if (o->timestamps && o->at_line_start[s]) {
		char ts[64];
		fmt_rfc3339(ts, sizeof(ts), l->time_ns);
		fputs(ts, f);
		fputc(' ', f);
	}
	fwrite(l->text, 1, l->len, f);
	if (!l->partial)
		fputc('\n', f);
	o->at_line_start[s] = !l->partial;
	if (ferror(f)) {
		o->broken = 1;
		return 1;
	}
	return 0;
}

static int parse_tail(const char *s, long *out)
{
	char *end;
	long v;

	if (!s || !strcmp(s, "all")) {
		*out = -1;
		return 0;
	}
	v = strtol(s, &end, 10);
	if (end == s || *end)
		return -1;
	*out = v < 0 ? -1 : v;
	return 0;
}

int cmd_logs(struct cli *c, int argc, char **argv)
{
	int follow = 0, timestamps = 0, details = 0, optind, rc;
	const char *tail = NULL, *since = NULL, *until = NULL;
	const struct cli_opt opts[] = {
		{ 'f', "follow", OPT_BOOL, &follow, NULL, "Follow the output until the container stops" },
		{ 'n', "tail", OPT_STR, &tail, "N", "Number of lines to show from the end (default all)" },
		{ 't', "timestamps", OPT_BOOL, &timestamps, NULL, "Show timestamps" },
		{ 0, "since", OPT_STR, &since, "TIME", "Show lines since a time (2024-01-02T15:04:05Z, 1700000000) or a duration ago (10m)" },
		{ 0, "until", OPT_STR, &until, "TIME", "Show lines before a time or a duration ago" },
		{ 0, "details", OPT_BOOL, &details, NULL, "Accepted for compatibility (tug records no log attributes)" },
		{ 0 },
	};
	struct tug_log_opts lo = { .tail = -1 };
	struct logs_out out = { .at_line_start = { 1, 1, 1 } };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	struct tug_logs *l = NULL;
	int64_t now = now_ns();

	rc = cli_parse("logs", "[OPTIONS] CONTAINER", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 125 : 0;
	if (cli_nargs(argv + optind) != 1)
		return cli_failf("logs: takes exactly one container (see 'tug logs --help')");
	if (parse_tail(tail, &lo.tail) < 0)
		return cli_failf("logs: invalid --tail '%s': use a number of lines or all", tail);
	if (since && parse_since(since, now, &lo.since_ns) < 0)
		return cli_failf("logs: invalid --since '%s': use RFC 3339, unix seconds or a duration such as 10m",
				 since);
	if (until && parse_since(until, now, &lo.until_ns) < 0)
		return cli_failf("logs: invalid --until '%s': use RFC 3339, unix seconds or a duration such as 10m",
				 until);
	lo.follow = follow;
	lo.timestamps = timestamps;
	out.timestamps = timestamps;
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	if (backend_logs(ep, TUG_CONTAINER, argv[optind], &lo, &l, &err) < 0)
		return tug_err_wrap(&err, "logs"), cli_fail1(&err);
	for (;;) {
		struct pollfd pfd;
		int r = tug_logs_pump(l, on_line, &out, &err), fd, timeout;

		if (fflush(stdout) != 0 || fflush(stderr) != 0)
			out.broken = 1;
		if (out.broken) {
			rc = 0;
			break;
		}
		if (r < 0) {
			tug_err_wrap(&err, "logs");
			rc = cli_fail1(&err);
			break;
		}
		if (r == 1) {
			rc = 0;
			break;
		}
		fd = tug_logs_fd(l);
		timeout = tug_logs_timeout_ms(l);
		/* a stream that names neither is polled, never waited on forever */
		if (fd < 0 && timeout < 0)
			timeout = 200;
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, fd >= 0 ? 1 : 0, timeout) < 0 && errno != EINTR) {
			tug_errno(&err, "logs: poll");
			rc = cli_fail1(&err);
			break;
		}
	}
	tug_logs_close(l);
	return rc;
}
