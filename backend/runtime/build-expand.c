/* build-expand.c - variable substitution in Dockerfile arguments, the way
 * the Dockerfile frontend's shell lexer does it: $VAR and ${VAR} with the
 * :- - :+ + :? ? modifiers (their words expanded in turn), single quotes
 * literal, double quotes expanding, the escape character making the next
 * character literal. Quotes and escapes are removed from the result. */
#include "runtime/build.h"
#include "util/str.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct lx {
	const struct bx *x;
	const char *s;
	size_t i, n;
	struct tug_err *err;
	int started;           /* the current word has content or quotes */
};

static int is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static int process(struct lx *l, char stop, int stop_ws, struct sbuf *out);

static int expand_var(struct lx *l, struct sbuf *out)
{
	char name[256];
	size_t k = 0;
	const char *val;

	l->i++; /* '$' */
	if (l->i >= l->n) {
		sbuf_puts(out, "$");
		return 0;
	}
	if (l->s[l->i] != '{') {
		while (l->i < l->n && is_name_char(l->s[l->i]) && k < sizeof(name) - 1)
			name[k++] = l->s[l->i++];
		name[k] = '\0';
		if (!k) {
			sbuf_puts(out, "$"); /* a lone $ is literal */
			return 0;
		}
		val = l->x->lookup(l->x->ctx, name);
		if (val)
			sbuf_puts(out, val);
		return 0;
	}
	l->i++; /* '{' */
	while (l->i < l->n && is_name_char(l->s[l->i]) && k < sizeof(name) - 1)
		name[k++] = l->s[l->i++];
	name[k] = '\0';
	if (l->i >= l->n)
		return tug_errf(l->err, TUG_E_INVALID, "missing '}' in '%s'", l->s);
	if (!k)
		return tug_errf(l->err, TUG_E_INVALID, "bad substitution in '%s': a variable name must follow ${",
				l->s);
	val = l->x->lookup(l->x->ctx, name);
	if (l->s[l->i] == '}') {
		l->i++;
		if (val)
			sbuf_puts(out, val);
		return 0;
	}
	{
		int colon = 0;
		char mod;
		struct sbuf word = SBUF_INIT;
		int unset_or_empty;

		if (l->s[l->i] == ':') {
			colon = 1;
			l->i++;
		}
		mod = l->i < l->n ? l->s[l->i] : '\0';
		if (mod != '-' && mod != '+' && mod != '?')
			return tug_errf(l->err, TUG_E_INVALID,
					"unsupported modifier (%s%c) in substitution of ${%s} in '%s'",
					colon ? ":" : "", mod ? mod : ' ', name, l->s);
		l->i++;
		if (process(l, '}', 0, &word) < 0) {
			sbuf_release(&word);
			return -1;
		}
		if (l->i >= l->n) {
			sbuf_release(&word);
			return tug_errf(l->err, TUG_E_INVALID, "missing '}' in '%s'", l->s);
		}
		l->i++; /* '}' */
		unset_or_empty = !val || (colon && !*val);
		switch (mod) {
		case '-':
			sbuf_puts(out, unset_or_empty ? (word.s ? word.s : "") : val);
			break;
		case '+':
			if (!unset_or_empty)
				sbuf_puts(out, word.s ? word.s : "");
			break;
		case '?':
			if (unset_or_empty) {
				tug_errf(l->err, TUG_E_INVALID, "%s: %s", name,
					 word.len ? word.s : (colon ? "is not allowed to be unset or empty" :
							      "is not allowed to be unset"));
				sbuf_release(&word);
				return -1;
			}
			sbuf_puts(out, val);
			break;
		}
		sbuf_release(&word);
	}
	return 0;
}

static int single_quote(struct lx *l, struct sbuf *out)
{
	size_t start = ++l->i;

	while (l->i < l->n && l->s[l->i] != '\'')
		l->i++;
	if (l->i >= l->n)
		return tug_errf(l->err, TUG_E_INVALID,
				"unexpected end of statement while looking for matching single-quote in '%s'", l->s);
	sbuf_add(out, l->s + start, l->i - start);
	l->i++;
	return 0;
}

static int double_quote(struct lx *l, struct sbuf *out)
{
	char esc = l->x->escape;

	l->i++;
	while (l->i < l->n) {
		char c = l->s[l->i];
		if (c == '"') {
			l->i++;
			return 0;
		}
		if (c == esc && l->i + 1 < l->n) {
			char nx = l->s[l->i + 1];
			/* inside double quotes only ", $ and the escape itself are escaped */
			if (nx == '"' || nx == '$' || nx == esc) {
				sbuf_add(out, &nx, 1);
				l->i += 2;
				continue;
			}
			sbuf_add(out, &c, 1);
			l->i++;
			continue;
		}
		if (c == '$') {
			if (expand_var(l, out) < 0)
				return -1;
			continue;
		}
		sbuf_add(out, &c, 1);
		l->i++;
	}
	return tug_errf(l->err, TUG_E_INVALID,
			"unexpected end of statement while looking for matching double-quote in '%s'", l->s);
}

/* Process until `stop` (not consumed) or, with stop_ws, unquoted blank. */
static int process(struct lx *l, char stop, int stop_ws, struct sbuf *out)
{
	char esc = l->x->escape;

	while (l->i < l->n) {
		char c = l->s[l->i];
		if (stop && c == stop)
			return 0;
		if (stop_ws && (c == ' ' || c == '\t' || c == '\n' || c == '\r'))
			return 0;
		l->started = 1;
		if (c == '\'') {
			if (single_quote(l, out) < 0)
				return -1;
		} else if (c == '"') {
			if (double_quote(l, out) < 0)
				return -1;
		} else if (c == esc) {
			if (l->i + 1 < l->n)
				sbuf_add(out, &l->s[l->i + 1], 1);
			l->i += 2;
		} else if (c == '$') {
			if (expand_var(l, out) < 0)
				return -1;
		} else {
			sbuf_add(out, &c, 1);
			l->i++;
		}
	}
	return 0;
}

int bx_word(const struct bx *x, const char *in, char **out, struct tug_err *err)
{
	struct lx l = { x, in, 0, strlen(in), err, 0 };
	struct sbuf b = SBUF_INIT;

	if (process(&l, 0, 0, &b) < 0) {
		sbuf_release(&b);
		return -1;
	}
	*out = sbuf_detach(&b);
	return 0;
}

int bx_words(const struct bx *x, const char *in, char ***out, struct tug_err *err)
{
	struct lx l = { x, in, 0, strlen(in), err, 0 };
	char **v = xcalloc(1, sizeof(char *));
	size_t n = 0;

	for (;;) {
		struct sbuf b = SBUF_INIT;
		while (l.i < l.n && (in[l.i] == ' ' || in[l.i] == '\t' || in[l.i] == '\n' ||
				     in[l.i] == '\r'))
			l.i++;
		if (l.i >= l.n)
			break;
		l.started = 0;
		if (process(&l, 0, 1, &b) < 0) {
			sbuf_release(&b);
			df_strv_free(v);
			return -1;
		}
		if (!l.started) {
			sbuf_release(&b);
			continue;
		}
		v = xrealloc(v, (n + 2) * sizeof(char *));
		v[n++] = sbuf_detach(&b);
		v[n] = NULL;
	}
	*out = v;
	return 0;
}

int bx_heredoc(const struct bx *x, const char *in, char **out, struct tug_err *err)
{
	struct lx l = { x, in, 0, strlen(in), err, 0 };
	struct sbuf b = SBUF_INIT;

	/* a heredoc body: quotes are text; only \$ and \\ are escapes */
	while (l.i < l.n) {
		char c = in[l.i];
		if (c == '\\' && l.i + 1 < l.n && (in[l.i + 1] == '$' || in[l.i + 1] == '\\')) {
			sbuf_add(&b, &in[l.i + 1], 1);
			l.i += 2;
		} else if (c == '$') {
			if (expand_var(&l, &b) < 0) {
				sbuf_release(&b);
				return -1;
			}
		} else {
			sbuf_add(&b, &c, 1);
			l.i++;
		}
	}
	*out = sbuf_detach(&b);
	return 0;
}
