/* cli-values.c - flag value parsers shared by run, create, exec, kill. */
#include "cli-values.h"
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIN_MEMORY (6LL * 1024 * 1024)

int cli_parse_memory(const char *flag, const char *s, int64_t *out, struct tug_err *err)
{
	int64_t v;

	if (parse_size(s, &v) < 0)
		return tug_errf(err, TUG_E_INVALID,
				"invalid size '%s' for %s: use a number with an optional unit b, k, m or g (e.g. 512m)",
				s, flag);
	if (v != 0 && v < MIN_MEMORY)
		return tug_errf(err, TUG_E_INVALID,
				"%s %s is too small: the minimum memory limit is 6MB", flag, s);
	*out = v;
	return 0;
}

int cli_parse_cpus(const char *s, int64_t *nano, struct tug_err *err)
{
	char *end;
	double v;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < 0)
		return tug_errf(err, TUG_E_INVALID,
				"invalid value '%s' for --cpus: use a number of CPUs such as 0.5 or 2", s);
	if (v != 0 && (v < 0.01 || (ncpu > 0 && v > (double)ncpu)))
		return tug_errf(err, TUG_E_INVALID,
				"--cpus %s is out of range: from 0.01 to %ld.00, as there are only %ld CPUs available",
				s, ncpu, ncpu);
	*nano = (int64_t)(v * 1e9 + 0.5);
	return 0;
}

int cli_check_restart(const char *s, struct tug_err *err)
{
	const char *colon = strchr(s, ':');
	size_t nl = colon ? (size_t)(colon - s) : strlen(s);

	if (!*s || (!colon && (!strcmp(s, "no") || !strcmp(s, "always") ||
			       !strcmp(s, "unless-stopped") || !strcmp(s, "on-failure"))))
		return 0;
	if (colon && nl == 10 && !strncmp(s, "on-failure", 10)) {
		char *end;
		long n;
		errno = 0;
		n = strtol(colon + 1, &end, 10);
		if (!colon[1] || *end || errno || n < 0)
			return tug_errf(err, TUG_E_INVALID,
					"invalid restart policy '%s': the retry count must be a number >= 0", s);
		return 0;
	}
	if (colon && ((nl == 2 && !strncmp(s, "no", 2)) || (nl == 6 && !strncmp(s, "always", 6)) ||
		      (nl == 14 && !strncmp(s, "unless-stopped", 14))))
		return tug_errf(err, TUG_E_INVALID,
				"invalid restart policy '%s': a retry count only goes with on-failure", s);
	return tug_errf(err, TUG_E_INVALID,
			"invalid restart policy '%s': use no, always, unless-stopped or on-failure[:N]", s);
}

int cli_parse_signal(const char *s, int *out, struct tug_err *err)
{
	const char *name = s;
	char *end;
	long n;

	if (isdigit((unsigned char)*s)) {
		errno = 0;
		n = strtol(s, &end, 10);
		if (*end || errno || n < 1 || n > SIGRTMAX)
			goto bad;
		*out = (int)n;
		return 0;
	}
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (int i = 1; i < SIGRTMIN; i++) {
		const char *abbrev = sigabbrev_np(i);
		if (abbrev && !strcasecmp(abbrev, name)) {
			*out = i;
			return 0;
		}
	}
	if (!strncasecmp(name, "RTMIN", 5) || !strncasecmp(name, "RTMAX", 5)) {
		int base = toupper((unsigned char)name[4]) == 'N' ? SIGRTMIN : SIGRTMAX;
		const char *p = name + 5;
		n = 0;
		if (*p == '+' || *p == '-') {
			errno = 0;
			n = strtol(p + 1, &end, 10);
			if (*end || errno || !p[1])
				goto bad;
			if (*p == '-')
				n = -n;
		} else if (*p) {
			goto bad;
		}
		if (base + n < SIGRTMIN || base + n > SIGRTMAX)
			goto bad;
		*out = (int)(base + n);
		return 0;
	}
bad:
	return tug_errf(err, TUG_E_INVALID,
			"invalid signal '%s': use a name such as TERM, SIGKILL or HUP, or a number", s);
}

void cli_mount_release(struct tug_mount *m)
{
	free(m->type);
	free(m->source);
	free(m->target);
	free(m->options);
	memset(m, 0, sizeof(*m));
}

static int valid_volume_name(const char *s)
{
	if (!isalnum((unsigned char)*s))
		return 0;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return 0;
	return 1;
}

/* A bind source made absolute ("./data" -> "$PWD/data"). */
static char *abs_source(const char *src)
{
	char cwd[PATH_MAX];

	if (src[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(src);
	if (!strcmp(src, "."))
		return xstrdup(cwd);
	if (str_has_prefix(src, "./"))
		src += 2;
	{
		struct sbuf b = SBUF_INIT;
		sbuf_printf(&b, "%s/%s", cwd, src);
		return sbuf_detach(&b);
	}
}

static int check_target(const char *flag, const char *spec, const char *t, struct tug_err *err)
{
	if (!t || !*t)
		return tug_errf(err, TUG_E_INVALID, "invalid %s '%s': the target path is missing",
				flag, spec);
	if (t[0] != '/')
		return tug_errf(err, TUG_E_INVALID,
				"invalid %s '%s': the target path '%s' must be absolute", flag, spec, t);
	if (!strcmp(t, "/"))
		return tug_errf(err, TUG_E_INVALID, "invalid %s '%s': the target can't be '/'",
				flag, spec);
	return 0;
}

static void add_option(struct tug_mount *m, const char *opt);

int cli_parse_volume(const char *spec, struct tug_mount *m, struct tug_err *err)
{
	char *copy = xstrdup(spec), *parts[4] = { 0 };
	int n = 0;
	char *save = NULL, *tok;

	memset(m, 0, sizeof(*m));
	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (n == 3) {
			free(copy);
			return tug_errf(err, TUG_E_INVALID,
					"invalid volume '%s': use SOURCE:TARGET[:ro] or TARGET", spec);
		}
		parts[n++] = tok;
	}
	if (n == 0 || spec[0] == ':' || strstr(spec, "::") || spec[strlen(spec) - 1] == ':') {
		free(copy);
		return tug_errf(err, TUG_E_INVALID,
				"invalid volume '%s': use SOURCE:TARGET[:ro] or TARGET", spec);
	}
	if (n == 1) {
		if (check_target("volume", spec, parts[0], err) < 0)
			goto fail;
		m->type = xstrdup("volume");
		m->target = xstrdup(parts[0]);
		free(copy);
		return 0;
	}
	if (check_target("volume", spec, parts[1], err) < 0)
		goto fail;
	if (parts[0][0] == '/' || parts[0][0] == '.') {
		m->type = xstrdup("bind");
		m->source = abs_source(parts[0]);
	} else if (valid_volume_name(parts[0])) {
		m->type = xstrdup("volume");
		m->source = xstrdup(parts[0]);
	} else {
		tug_errf(err, TUG_E_INVALID,
			 "invalid volume '%s': '%s' is neither an absolute host path nor a volume name "
			 "([a-zA-Z0-9][a-zA-Z0-9_.-]*)", spec, parts[0]);
		goto fail;
	}
	m->target = xstrdup(parts[1]);
	if (n == 3) {
		char *s2 = NULL;
		for (tok = strtok_r(parts[2], ",", &s2); tok; tok = strtok_r(NULL, ",", &s2)) {
			static const char *const ok[] = { "rw", "z", "Z", "nocopy", "private", "rprivate",
							  "shared", "rshared", "slave", "rslave",
							  "consistent", "cached", "delegated", NULL };
			int known = !strcmp(tok, "ro");
			for (const char *const *o = ok; *o && !known; o++)
				known = !strcmp(tok, *o);
			if (!known) {
				tug_errf(err, TUG_E_INVALID,
					 "invalid volume '%s': unknown option '%s' (use ro or rw)", spec, tok);
				goto fail;
			}
			if (!strcmp(tok, "ro"))
				m->readonly = 1;
			/* a new volume starts empty instead of with the image's files */
			if (!strcmp(tok, "nocopy") && !strcmp(m->type, "volume"))
				add_option(m, "nocopy");
		}
	}
	free(copy);
	return 0;
fail:
	free(copy);
	cli_mount_release(m);
	return -1;
}

static int parse_bool_value(const char *v, int *out)
{
	if (!v || !strcmp(v, "1") || !strcasecmp(v, "true")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(v, "0") || !strcasecmp(v, "false")) {
		*out = 0;
		return 0;
	}
	return -1;
}

static void add_option(struct tug_mount *m, const char *opt)
{
	struct sbuf b = SBUF_INIT;

	if (m->options)
		sbuf_printf(&b, "%s,", m->options);
	sbuf_puts(&b, opt);
	free(m->options);
	m->options = sbuf_detach(&b);
}

int cli_parse_mount(const char *spec, struct tug_mount *m, struct tug_err *err)
{
	char *copy = xstrdup(spec), *save = NULL, *tok;
	struct stat st;

	memset(m, 0, sizeof(*m));
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *val = strchr(tok, '=');
		if (val)
			*val++ = '\0';
		if (!strcmp(tok, "type")) {
			if (!val || (strcmp(val, "bind") && strcmp(val, "volume") && strcmp(val, "tmpfs"))) {
				tug_errf(err, TUG_E_INVALID,
					 "invalid mount '%s': type must be bind, volume or tmpfs", spec);
				goto fail;
			}
			free(m->type);
			m->type = xstrdup(val);
		} else if (!strcmp(tok, "source") || !strcmp(tok, "src")) {
			free(m->source);
			m->source = val && *val ? xstrdup(val) : NULL;
		} else if (!strcmp(tok, "target") || !strcmp(tok, "destination") || !strcmp(tok, "dst")) {
			free(m->target);
			m->target = val ? xstrdup(val) : NULL;
		} else if (!strcmp(tok, "readonly") || !strcmp(tok, "ro")) {
			if (parse_bool_value(val, &m->readonly) < 0) {
				tug_errf(err, TUG_E_INVALID, "invalid mount '%s': %s takes true or false",
					 spec, tok);
				goto fail;
			}
		} else if (!strcmp(tok, "tmpfs-size")) {
			int64_t size;
			char opt[64];
			if (!val || parse_size(val, &size) < 0) {
				tug_errf(err, TUG_E_INVALID, "invalid mount '%s': bad tmpfs-size", spec);
				goto fail;
			}
			snprintf(opt, sizeof(opt), "size=%lld", (long long)size);
			add_option(m, opt);
		} else if (!strcmp(tok, "tmpfs-mode")) {
			char *end;
			char opt[64];
			long mode = val ? strtol(val, &end, 8) : -1;
			if (!val || *end || mode < 0 || mode > 07777) {
				tug_errf(err, TUG_E_INVALID, "invalid mount '%s': tmpfs-mode is octal (e.g. 1777)",
					 spec);
				goto fail;
			}
			snprintf(opt, sizeof(opt), "mode=%lo", mode);
			add_option(m, opt);
		} else if (!strcmp(tok, "volume-nocopy")) {
			int on = 1;
			if (val && parse_bool_value(val, &on) < 0) {
				tug_errf(err, TUG_E_INVALID, "invalid mount '%s': %s takes true or false",
					 spec, tok);
				goto fail;
			}
			if (on)
				add_option(m, "nocopy");
		} else if (!strcmp(tok, "bind-propagation") || !strcmp(tok, "consistency") ||
			   !strcmp(tok, "bind-nonrecursive")) {
			/* accepted for compatibility: private propagation and copy-less
			 * volumes are what tug does anyway */
		} else {
			tug_errf(err, TUG_E_INVALID, "invalid mount '%s': unknown key '%s'", spec, tok);
			goto fail;
		}
	}
	if (!m->type)
		m->type = xstrdup("volume");
	if (check_target("mount", spec, m->target, err) < 0)
		goto fail;
	if (!strcmp(m->type, "bind")) {
		char *abs;
		if (!m->source) {
			tug_errf(err, TUG_E_INVALID, "invalid mount '%s': a bind mount needs source=", spec);
			goto fail;
		}
		abs = abs_source(m->source);
		free(m->source);
		m->source = abs;
		if (stat(m->source, &st) < 0) {
			tug_errf(err, TUG_E_INVALID, "invalid mount '%s': bind source path %s does not exist",
				 spec, m->source);
			goto fail;
		}
	} else if (!strcmp(m->type, "tmpfs")) {
		if (m->source) {
			tug_errf(err, TUG_E_INVALID, "invalid mount '%s': a tmpfs mount takes no source", spec);
			goto fail;
		}
	} else if (m->source && !valid_volume_name(m->source)) {
		tug_errf(err, TUG_E_INVALID, "invalid mount '%s': bad volume name '%s'", spec, m->source);
		goto fail;
	}
	if (m->options && strcmp(m->type, "tmpfs") &&
	    !(!strcmp(m->type, "volume") && !strcmp(m->options, "nocopy"))) {
		tug_errf(err, TUG_E_INVALID, "invalid mount '%s': tmpfs options need type=tmpfs", spec);
		goto fail;
	}
	free(copy);
	return 0;
fail:
	free(copy);
	cli_mount_release(m);
	return -1;
}

int cli_parse_tmpfs(const char *spec, struct tug_mount *m, struct tug_err *err)
{
	const char *colon = strchr(spec, ':');

	memset(m, 0, sizeof(*m));
	m->target = colon ? strndup(spec, (size_t)(colon - spec)) : xstrdup(spec);
	if (!m->target)
		abort();
	if (check_target("tmpfs", spec, m->target, err) < 0) {
		cli_mount_release(m);
		return -1;
	}
	m->type = xstrdup("tmpfs");
	if (colon && colon[1])
		m->options = xstrdup(colon + 1);
	return 0;
}

static int parse_port_range(const char *s, size_t len, int allow_empty)
{
	char buf[32], *end;
	long a, b;

	if (len == 0)
		return allow_empty ? 0 : -1;
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	a = strtol(buf, &end, 10);
	if (end == buf || a < 1 || a > 65535)
		return -1;
	b = a;
	if (*end == '-') {
		char *e2;
		b = strtol(end + 1, &e2, 10);
		if (e2 == end + 1 || *e2 || b < a || b > 65535)
			return -1;
	} else if (*end) {
		return -1;
	}
	return (int)(b - a + 1);
}

int cli_check_publish(const char *spec, struct tug_err *err)
{
	char *copy = xstrdup(spec), *rest = copy, *slash, *parts[3];
	int n = 0, nc, nh = 0;
	unsigned char addr[16];

	slash = strchr(copy, '/');
	if (slash) {
		*slash++ = '\0';
		if (strcmp(slash, "tcp") && strcmp(slash, "udp") && strcmp(slash, "sctp")) {
			free(copy);
			return tug_errf(err, TUG_E_INVALID,
					"invalid port '%s': the protocol must be tcp, udp or sctp", spec);
		}
	}
	if (*rest == '[') {
		/* [IPv6]:HOSTPORT:CONTAINERPORT */
		char *close = strchr(rest, ']');
		if (!close || close[1] != ':')
			goto bad;
		*close = '\0';
		parts[n++] = rest + 1;
		rest = close + 2;
	}
	for (char *p = rest;; ) {
		char *colon = strchr(p, ':');
		if (n == 3)
			goto bad;
		parts[n++] = p;
		if (!colon)
			break;
		*colon = '\0';
		p = colon + 1;
	}
	nc = parse_port_range(parts[n - 1], strlen(parts[n - 1]), 0);
	if (nc < 0)
		goto bad;
	if (n >= 2) {
		nh = parse_port_range(parts[n - 2], strlen(parts[n - 2]), n == 3);
		if (nh < 0 || (nh > 1 && nh != nc))
			goto bad;
	}
	if (n == 3 && inet_pton(AF_INET, parts[0], addr) != 1 &&
	    inet_pton(AF_INET6, parts[0], addr) != 1)
		goto bad;
	free(copy);
	return 0;
bad:
	free(copy);
	return tug_errf(err, TUG_E_INVALID,
			"invalid port '%s': use [IP:][HOSTPORT:]CONTAINERPORT[/PROTO], e.g. 8080:80", spec);
}

void cli_env_add(struct strv *env, const char *kv)
{
	const char *v;
	struct sbuf b = SBUF_INIT;

	if (strchr(kv, '=')) {
		strv_push(env, kv);
		return;
	}
	v = getenv(kv);
	if (!v)
		return;
	sbuf_printf(&b, "%s=%s", kv, v);
	strv_push(env, b.s);
	sbuf_release(&b);
}

int cli_read_env_file(const char *path, struct strv *env, struct tug_err *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;

	if (!f)
		return tug_errno(err, "env file %s", path);
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *p = line, *eq;
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		eq = strchr(p, '=');
		for (char *q = p; q < (eq ? eq : p + strlen(p)); q++)
			if (isspace((unsigned char)*q)) {
				tug_errf(err, TUG_E_INVALID,
					 "env file %s line %d: variable '%.*s' contains whitespace", path,
					 lineno, (int)(eq ? eq - p : (long)strlen(p)), p);
				free(line);
				fclose(f);
				return -1;
			}
		if (eq == p) {
			tug_errf(err, TUG_E_INVALID, "env file %s line %d: no variable name before '='",
				 path, lineno);
			free(line);
			fclose(f);
			return -1;
		}
		cli_env_add(env, p);
	}
	free(line);
	fclose(f);
	return 0;
}
