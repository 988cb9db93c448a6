/* build-ignore.c - .dockerignore patterns, matched as docker's
 * patternmatcher does: paths relative to the context root, a pattern
 * matching a path or any of its parents, the last matching pattern
 * deciding (an exception "!p" re-includes), '*' '?' '[..]' within one
 * path component and '**' across any number of them. No I/O. */
#include "runtime/build.h"
#include "util/str.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* One character class at p ('[' already consumed) against c. Returns the
 * position after ']' and sets *hit, or NULL when the class is malformed. */
static const char *match_class(const char *p, char c, int *hit)
{
	int neg = 0, any = 0, first = 1;

	if (*p == '^' || *p == '!') {
		neg = 1;
		p++;
	}
	for (;; first = 0) {
		char lo, hi;
		if (!*p)
			return NULL;
		if (*p == ']' && !first)
			break;
		if (*p == '\\') {
			p++;
			if (!*p)
				return NULL;
		}
		lo = hi = *p++;
		if (*p == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\') {
				p++;
				if (!*p)
					return NULL;
			}
			hi = *p++;
		}
		if (lo <= c && c <= hi)
			any = 1;
	}
	*hit = any != neg;
	return p + 1;
}

int ignore_glob(const char *p, const char *s)
{
	while (*p) {
		if (p[0] == '*' && p[1] == '*') {
			while (*p == '*')
				p++;
			if (*p == '/') {
				/* "**" + "/": zero or more whole directories */
				p++;
				if (ignore_glob(p, s))
					return 1;
				for (const char *t = s; *t; t++)
					if (*t == '/' && ignore_glob(p, t + 1))
						return 1;
				return 0;
			}
			for (const char *t = s + strlen(s);; t--) {
				if (ignore_glob(p, t))
					return 1;
				if (t == s)
					return 0;
			}
		}
		if (*p == '*') {
			p++;
			for (const char *t = s;; t++) {
				if (ignore_glob(p, t))
					return 1;
				if (!*t || *t == '/')
					return 0;
			}
		}
		if (!*s)
			return 0;
		if (*p == '?') {
			if (*s == '/')
				return 0;
		} else if (*p == '[') {
			int hit;
			const char *np;
			if (*s == '/')
				return 0;
			np = match_class(p + 1, *s, &hit);
			if (!np || !hit)
				return 0;
			p = np;
			s++;
			continue;
		} else {
			if (*p == '\\' && p[1])
				p++;
			if (*p != *s)
				return 0;
		}
		p++;
		s++;
	}
	return *s == '\0';
}

/* filepath.Clean for a pattern, then no leading '/'. */
static char *clean_pattern(const char *in)
{
	char *buf = xstrdup(in), *save = NULL;
	char **comp = xcalloc(strlen(in) + 1, sizeof(char *));
	struct sbuf out = SBUF_INIT;
	size_t n = 0;

	for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			if (n && strcmp(comp[n - 1], "..")) {
				n--;
				continue;
			}
			if (in[0] == '/')
				continue; /* "/.." is "/" */
		}
		comp[n++] = c;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_puts(&out, "/");
		sbuf_puts(&out, comp[i]);
	}
	if (!n)
		sbuf_puts(&out, ".");
	free(comp);
	free(buf);
	return sbuf_detach(&out);
}

static int valid_pattern(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			int hit;
			const char *np = match_class(p + 1, 'a', &hit);
			if (!np)
				return 0;
			p = np - 1;
		}
	}
	return 1;
}

int ignore_add(struct ignore *ig, const char *pattern, struct tug_err *err)
{
	const char *p = pattern;
	int neg = 0;
	char *c;

	if (*p == '!') {
		neg = 1;
		p++;
		while (isspace((unsigned char)*p))
			p++;
	}
	c = clean_pattern(p);
	if (!valid_pattern(c)) {
		tug_errf(err, TUG_E_INVALID, "invalid exclusion pattern '%s': unterminated character class",
			 pattern);
		free(c);
		return -1;
	}
	ig->v = xrealloc(ig->v, (ig->n + 1) * sizeof(*ig->v));
	ig->v[ig->n].pat = c;
	ig->v[ig->n].neg = neg;
	ig->n++;
	if (neg)
		ig->has_neg = 1;
	return 0;
}

int ignore_parse(const char *text, size_t len, struct ignore *out, struct tug_err *err)
{
	const char *s = text, *end = text + len;

	memset(out, 0, sizeof(*out));
	while (s < end) {
		const char *e = memchr(s, '\n', (size_t)(end - s));
		char *line;
		size_t n;
		if (!e)
			e = end;
		n = (size_t)(e - s);
		while (n && isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		line = strndup(s, n);
		s = e + 1;
		if (!n || line[0] == '#') {
			free(line);
			continue;
		}
		if (ignore_add(out, line, err) < 0) {
			free(line);
			ignore_release(out);
			return -1;
		}
		free(line);
	}
	return 0;
}

/* The pattern matches path or one of its parent directories. */
static int match_or_parent(const char *pat, const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (ignore_glob(pat, path))
		return 1;
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, path, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (ignore_glob(pat, buf))
			return 1;
		buf[i] = '/';
	}
	return 0;
}

int ignore_match(const struct ignore *ig, const char *path)
{
	int matched = 0;

	if (!ig)
		return 0;
	for (size_t i = 0; i < ig->n; i++) {
		/* only a pattern that can flip the verdict needs matching */
		if (ig->v[i].neg != matched)
			continue;
		if (match_or_parent(ig->v[i].pat, path))
			matched = !ig->v[i].neg;
	}
	return matched;
}

int ignore_may_include_under(const struct ignore *ig, const char *dir)
{
	size_t n = strlen(dir);

	if (!ig || !ig->has_neg)
		return 0;
	for (size_t i = 0; i < ig->n; i++) {
		const char *p = ig->v[i].pat;
		if (!ig->v[i].neg)
			continue;
		/* an exception that starts with a wildcard, or names this
		 * directory's path as its prefix, may reach inside */
		if (strpbrk(p, "*?[\\") && (size_t)(strpbrk(p, "*?[\\") - p) <= n)
			return 1;
		if (!strncmp(p, dir, n) && p[n] == '/')
			return 1;
	}
	return 0;
}

void ignore_release(struct ignore *ig)
{
	for (size_t i = 0; i < ig->n; i++)
		free(ig->v[i].pat);
	free(ig->v);
	memset(ig, 0, sizeof(*ig));
}
