/* cli-args.c - docker-style flag parsing: -d, -it, -e K=V, -eK=V,
 * --name x, --name=x, --rm=false, repeated list flags, and "--". */
#include "cli.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strv_push(struct strv *s, const char *str)
{
	s->v = xrealloc(s->v, (s->n + 2) * sizeof(char *));
	s->v[s->n++] = xstrdup(str);
	s->v[s->n] = NULL;
}

void strv_release(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int cli_failf(const char *fmt, ...)
{
	va_list ap;

	fputs("tug: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 125;
}

int cli_fail(const struct tug_err *err)
{
	fprintf(stderr, "tug: %s\n", err->msg[0] ? err->msg : "unknown error");
	if (err->code == TUG_E_CANNOT_RUN || err->code == TUG_E_CMD_NOTFOUND)
		return err->code;
	return 125;
}

void cli_usage(const char *cmd, const char *usage, const struct cli_opt *opts, FILE *f)
{
	fprintf(f, "Usage: tug %s %s\n", cmd, usage ? usage : "");
	if (!opts || !opts[0].long_name)
		return;
	fputs("\nOptions:\n", f);
	for (const struct cli_opt *o = opts; o->long_name || o->short_name; o++) {
		char left[64];
		int n = 0;
		if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c, ", o->short_name);
		else
			n = snprintf(left, sizeof(left), "    ");
		snprintf(left + n, sizeof(left) - (size_t)n, "--%s%s%s", o->long_name ? o->long_name : "",
			 o->type == OPT_BOOL ? "" : " ", o->type == OPT_BOOL ? "" : (o->arg ? o->arg : "VALUE"));
		fprintf(f, "  %-28s %s\n", left, o->help ? o->help : "");
	}
}

static int set_opt(const char *cmd, const struct cli_opt *o, const char *val, int has_inline)
{
	switch (o->type) {
	case OPT_BOOL:
		if (!has_inline || !strcmp(val, "true") || !strcmp(val, "1"))
			*(int *)o->dest = 1;
		else if (!strcmp(val, "false") || !strcmp(val, "0"))
			*(int *)o->dest = 0;
		else
			return cli_failf("%s: invalid boolean value '%s' for --%s", cmd, val, o->long_name), -1;
		return 0;
	case OPT_STR:
		*(const char **)o->dest = val;
		return 0;
	case OPT_LIST:
		strv_push((struct strv *)o->dest, val);
		return 0;
	case OPT_INT: {
		char *end;
		long v;
		errno = 0;
		v = strtol(val, &end, 10);
		if (errno || end == val || *end) {
			cli_failf("%s: invalid number '%s' for --%s", cmd, val,
				  o->long_name ? o->long_name : "?");
			return -1;
		}
		*(long *)o->dest = v;
		return 0;
	}
	}
	return -1;
}

int cli_parse(const char *cmd, const char *usage, const struct cli_opt *opts,
	      int argc, char **argv, int stop_at_arg, int *optind)
{
	int i = 1;
	char **pos = xcalloc((size_t)argc + 1, sizeof(char *));
	int npos = 0;
	int h_is_flag = 0;

	/* docker's run/create use -h for --hostname; --help stays */
	for (const struct cli_opt *p = opts; p && (p->long_name || p->short_name); p++)
		if (p->short_name == 'h')
			h_is_flag = 1;
	for (; i < argc; i++) {
		char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (stop_at_arg)
				break;
			pos[npos++] = a;
			continue;
		}
		if ((!h_is_flag && !strcmp(a, "-h")) || !strcmp(a, "--help")) {
			cli_usage(cmd, usage, opts, stdout);
			free(pos);
			return 1;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t nl = eq ? (size_t)(eq - name) : strlen(name);
			const struct cli_opt *o = NULL;
			for (const struct cli_opt *p = opts; p && (p->long_name || p->short_name); p++)
				if (p->long_name && strlen(p->long_name) == nl && !strncmp(p->long_name, name, nl))
					o = p;
			if (!o) {
				cli_failf("%s: unknown flag: --%.*s (see 'tug %s --help')", cmd, (int)nl, name, cmd);
				free(pos);
				return -1;
			}
			if (eq) {
				if (set_opt(cmd, o, eq + 1, 1) < 0)
					goto fail;
			} else if (o->type == OPT_BOOL) {
				set_opt(cmd, o, "", 0);
			} else {
				if (i + 1 >= argc) {
					cli_failf("%s: flag needs an argument: --%s", cmd, o->long_name);
					goto fail;
				}
				if (set_opt(cmd, o, argv[++i], 1) < 0)
					goto fail;
			}
			continue;
		}
		/* short flags, possibly combined: -it, -e K=V, -eK=V, -n5 */
		for (char *p = a + 1; *p; p++) {
			const struct cli_opt *o = NULL;
			for (const struct cli_opt *q = opts; q && (q->long_name || q->short_name); q++)
				if (q->short_name == *p)
					o = q;
			if (!o) {
				cli_failf("%s: unknown shorthand flag: '%c' in %s (see 'tug %s --help')", cmd, *p, a, cmd);
				goto fail;
			}
			if (o->type == OPT_BOOL) {
				set_opt(cmd, o, "", 0);
				continue;
			}
			if (p[1]) {
				if (set_opt(cmd, o, p[1] == '=' ? p + 2 : p + 1, 1) < 0)
					goto fail;
			} else {
				if (i + 1 >= argc) {
					cli_failf("%s: flag needs an argument: '%c' in %s", cmd, *p, a);
					goto fail;
				}
				if (set_opt(cmd, o, argv[++i], 1) < 0)
					goto fail;
			}
			break;
		}
	}
	/* move positionals (collected when not stopping) to the front */
	if (!stop_at_arg) {
		int rest = argc - i;
		memmove(argv + 1 + npos, argv + i, (size_t)rest * sizeof(char *));
		memcpy(argv + 1, pos, (size_t)npos * sizeof(char *));
		argv[1 + npos + rest] = NULL;
		i = 1;
		argc = 1 + npos + rest;
		(void)argc;
	}
	*optind = i;
	free(pos);
	return 0;
fail:
	free(pos);
	return -1;
}

int cli_dispatch(struct cli *c, const char *group, const struct cli_cmd *cmds,
		 int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		FILE *f = argc < 2 ? stderr : stdout;
		fprintf(f, "Usage: tug %s COMMAND\n\nCommands:\n", group);
		for (const struct cli_cmd *p = cmds; p->name; p++)
			fprintf(f, "  %-10s %s\n", p->name, p->summary);
		return argc < 2 ? 1 : 0;
	}
	for (const struct cli_cmd *p = cmds; p->name; p++)
		if (!strcmp(p->name, argv[1]))
			return p->fn(c, argc - 1, argv + 1);
	return cli_failf("%s: unknown command '%s' (see 'tug %s --help')", group, argv[1], group);
}
