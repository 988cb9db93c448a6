/* build-parse.c - the Dockerfile lexer and parser: parser directives,
 * comments, line continuations, heredocs, leading --flags and the exec
 * (JSON) and shell forms. Every instruction keeps the line of its
 * keyword so that later errors can point at it. No I/O. */
#include "runtime/build.h"
#include "util/str.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const known[] = {
	"from", "run", "cmd", "label", "maintainer", "expose", "env", "add", "copy",
	"entrypoint", "volume", "user", "workdir", "arg", "onbuild", "stopsignal",
	"healthcheck", "shell",
};

/* Flags each instruction takes; the rest get theirs from the arguments. */
static const struct { const char *cmd; const char *const *flags; } flag_table[] = {
	{ "from", (const char *const[]){ "platform", NULL } },
	{ "run", (const char *const[]){ "mount", "network", "security", NULL } },
	{ "copy", (const char *const[]){ "from", "chown", "chmod", "link", "parents", "exclude", NULL } },
	{ "add", (const char *const[]){ "chown", "chmod", "link", "checksum", "keep-git-dir", "exclude",
					NULL } },
	{ "healthcheck", (const char *const[]){ "interval", "timeout", "start-period",
						"start-interval", "retries", NULL } },
};

static int is_known(const char *cmd)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(cmd, known[i]))
			return 1;
	return 0;
}

static const char *const *flags_of(const char *cmd)
{
	for (size_t i = 0; i < sizeof(flag_table) / sizeof(flag_table[0]); i++)
		if (!strcmp(cmd, flag_table[i].cmd))
			return flag_table[i].flags;
	return NULL;
}

void df_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static void strv_add(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 2) * sizeof(char *));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/* One raw word at *p: up to unquoted whitespace; quotes and escapes are
 * kept (a later bx_word removes them). NULL at the end of the text. */
static char *raw_word(const char **p, char escape)
{
	const char *s = *p, *start;
	char quote = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	start = s;
	for (; *s; s++) {
		if (*s == escape && s[1] && quote != '\'') {
			s++;
			continue;
		}
		if (quote) {
			if (*s == quote)
				quote = 0;
			continue;
		}
		if (*s == '\'' || *s == '"')
			quote = *s;
		else if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			break;
	}
	*p = s;
	return strndup(start, (size_t)(s - start));
}

char **df_split_raw(const char *s, char escape)
{
	char **v = xcalloc(1, sizeof(char *)), *w;
	size_t n = 0;

	while ((w = raw_word(&s, escape)))
		strv_add(&v, &n, w);
	return v;
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

void df_instr_release(struct df_instr *in)
{
	free(in->keyword);
	free(in->cmd);
	free(in->text);
	for (size_t i = 0; i < in->nflags; i++) {
		free(in->flags[i].name);
		free(in->flags[i].value);
	}
	free(in->flags);
	free(in->rest);
	df_strv_free(in->json);
	for (size_t i = 0; i < in->nheredocs; i++) {
		free(in->heredocs[i].name);
		free(in->heredocs[i].content);
	}
	free(in->heredocs);
	memset(in, 0, sizeof(*in));
}

void df_release(struct dockerfile *df)
{
	for (size_t i = 0; i < df->n; i++)
		df_instr_release(&df->ins[i]);
	free(df->ins);
	free(df->name);
	memset(df, 0, sizeof(*df));
}

const char *df_flag(const struct df_instr *in, const char *name)
{
	const char *v = NULL;

	/* the last one wins, as for command line flags */
	for (size_t i = 0; i < in->nflags; i++)
		if (!strcmp(in->flags[i].name, name))
			v = in->flags[i].value ? in->flags[i].value : "";
	return v;
}

/* Exec form: a JSON array of strings. Anything else is the shell form,
 * as docker falls back to it when the JSON does not parse. */
static char **parse_json_form(const char *rest)
{
	json_error_t je;
	json_t *a, *x;
	char **v;
	size_t i, n = 0;

	if (rest[0] != '[')
		return NULL;
	a = json_loads(rest, JSON_DECODE_ANY, &je);
	if (!json_is_array(a)) {
		json_decref(a);
		return NULL;
	}
	json_array_foreach(a, i, x)
		if (!json_is_string(x)) {
			json_decref(a);
			return NULL;
		}
	v = xcalloc(json_array_size(a) + 1, sizeof(char *));
	json_array_foreach(a, i, x)
		v[n++] = xstrdup(json_string_value(x));
	json_decref(a);
	return v;
}

/* Leading --name[=value] words. */
static int parse_flags(const char *name, int line, struct df_instr *in, const char *args,
		       char escape, const char **after, struct tug_err *err)
{
	const char *const *allowed = flags_of(in->cmd);
	const char *p = args;

	for (;;) {
		const char *save = p;
		char *w, *eq;
		int ok = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (p[0] != '-' || p[1] != '-' || !isalpha((unsigned char)p[2])) {
			p = save;
			break;
		}
		w = raw_word(&p, escape);
		eq = strchr(w, '=');
		if (eq)
			*eq = '\0';
		for (const char *const *f = allowed; f && *f; f++)
			if (!strcmp(*f, w + 2))
				ok = 1;
		if (!ok) {
			tug_errf(err, TUG_E_INVALID, "%s:%d: unknown flag for %s: %s", name, line,
				 in->keyword, w);
			free(w);
			return -1;
		}
		in->flags = xrealloc(in->flags, (in->nflags + 1) * sizeof(*in->flags));
		in->flags[in->nflags].name = xstrdup(w + 2);
		in->flags[in->nflags].value = eq ? xstrdup(eq + 1) : NULL;
		in->nflags++;
		free(w);
	}
	*after = p;
	return 0;
}

/* "<<EOF", "<<-EOF", "<<'EOF'", "<<\"EOF\"" at the start of a raw word. */
static int heredoc_word(const char *w, struct df_heredoc *h)
{
	const char *p = w;
	size_t n;
	char q = 0;

	if (strncmp(p, "<<", 2) || p[2] == '<')
		return 0;
	p += 2;
	memset(h, 0, sizeof(*h));
	if (*p == '-') {
		h->chomp = 1;
		p++;
	}
	if (*p == '"' || *p == '\'')
		q = *p++;
	n = strcspn(p, q ? (q == '"' ? "\"" : "'") : " \t");
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_' && p[i] != '.' && p[i] != '-')
			return 0;
	if (q && p[n] != q)
		return 0;
	h->name = strndup(p, n);
	h->expand = !q;
	return 1;
}

static int check_args(const char *name, struct df_instr *in, struct tug_err *err)
{
	if (!in->rest[0] && !in->nheredocs)
		return tug_errf(err, TUG_E_INVALID, "%s:%d: %s requires at least one argument", name,
				in->line, in->keyword);
	if (!strcmp(in->cmd, "shell") && !in->json)
		return tug_errf(err, TUG_E_INVALID,
				"%s:%d: SHELL requires the arguments to be in JSON form, e.g. SHELL [\"/bin/sh\", \"-c\"]",
				name, in->line);
	if (!strcmp(in->cmd, "onbuild")) {
		char kw[32];
		size_t k = strcspn(in->rest, " \t");
		snprintf(kw, sizeof(kw), "%.*s", (int)(k < 31 ? k : 31), in->rest);
		for (char *c = kw; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!strcmp(kw, "onbuild") || !strcmp(kw, "from") || !strcmp(kw, "maintainer"))
			return tug_errf(err, TUG_E_INVALID, "%s:%d: %s isn't allowed as an ONBUILD trigger",
					name, in->line, kw);
		if (!is_known(kw))
			return tug_errf(err, TUG_E_INVALID, "%s:%d: unknown instruction in ONBUILD: %.*s",
					name, in->line, (int)k, in->rest);
	}
	return 0;
}

/* Split a logical line into keyword, flags and arguments. */
static int parse_logical(const char *name, int line, char escape, const char *text,
			 struct df_instr *in, struct tug_err *err)
{
	const char *p = text, *args;
	size_t k;

	memset(in, 0, sizeof(*in));
	in->line = line;
	while (isspace((unsigned char)*p))
		p++;
	k = strcspn(p, " \t\r\n");
	in->keyword = strndup(p, k);
	in->cmd = xstrdup(in->keyword);
	for (char *c = in->cmd; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (!is_known(in->cmd)) {
		tug_errf(err, TUG_E_INVALID, "%s:%d: unknown instruction: %s", name, line, in->keyword);
		goto fail;
	}
	p += k;
	in->text = trim_dup(p, strlen(p));
	args = in->text;
	if (flags_of(in->cmd) && parse_flags(name, line, in, in->text, escape, &args, err) < 0)
		goto fail;
	in->rest = trim_dup(args, strlen(args));
	in->json = parse_json_form(in->rest);
	return 0;
fail:
	df_instr_release(in);
	return -1;
}

int df_parse_one(const char *name, int line, char escape, const char *text,
		 struct df_instr *out, struct tug_err *err)
{
	if (parse_logical(name, line, escape, text, out, err) < 0)
		return -1;
	if (check_args(name, out, err) < 0) {
		df_instr_release(out);
		return -1;
	}
	return 0;
}

/* ---- the file ---- */

struct lines {
	const char *s, *end;
	int no;            /* number of the line last returned */
};

/* The next line without its newline (start and length); 0 at the end. */
static int next_line(struct lines *L, const char **l, size_t *n)
{
	const char *e;

	if (L->s >= L->end)
		return 0;
	e = memchr(L->s, '\n', (size_t)(L->end - L->s));
	if (!e)
		e = L->end;
	*l = L->s;
	*n = (size_t)(e - L->s);
	if (*n && (*l)[*n - 1] == '\r')
		(*n)--;
	L->s = e < L->end ? e + 1 : e;
	L->no++;
	return 1;
}

static int blank(const char *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)l[i]))
			return 0;
	return 1;
}

static int comment(const char *l, size_t n)
{
	size_t i = 0;

	while (i < n && isspace((unsigned char)l[i]))
		i++;
	return i < n && l[i] == '#';
}

/* Does the line end in the escape character (then it continues)? The
 * length without it is left in *n. */
static int continues(const char *l, size_t *n, char escape)
{
	size_t m = *n;

	while (m && (l[m - 1] == ' ' || l[m - 1] == '\t'))
		m--;
	if (m && l[m - 1] == escape) {
		*n = m - 1;
		return 1;
	}
	return 0;
}

/* "# name=value" at the top of the file. 1 = a directive (stored), 0 =
 * not one (directives end), -1 = error. */
static int directive(const char *fname, int line, const char *l, size_t n, char *escape,
		     int *seen, struct tug_err *err)
{
	char key[32], val[128];
	size_t i = 0, k = 0, v = 0;

	while (i < n && isspace((unsigned char)l[i]))
		i++;
	if (i >= n || l[i] != '#')
		return 0;
	i++;
	while (i < n && isspace((unsigned char)l[i]))
		i++;
	while (i < n && (isalnum((unsigned char)l[i]) || l[i] == '_') && k < sizeof(key) - 1)
		key[k++] = (char)tolower((unsigned char)l[i++]);
	key[k] = '\0';
	while (i < n && isspace((unsigned char)l[i]))
		i++;
	if (!k || i >= n || l[i] != '=')
		return 0;
	i++;
	while (i < n && isspace((unsigned char)l[i]))
		i++;
	while (n > i && isspace((unsigned char)l[n - 1]))
		n--;
	while (i < n && v < sizeof(val) - 1)
		val[v++] = l[i++];
	val[v] = '\0';
	if (!strcmp(key, "escape")) {
		if (seen[0]++)
			return tug_errf(err, TUG_E_INVALID, "%s:%d: only one escape parser directive can be used",
					fname, line);
		if (strcmp(val, "\\") && strcmp(val, "`"))
			return tug_errf(err, TUG_E_INVALID,
					"%s:%d: invalid escape token '%s' does not match ` or \\", fname, line, val);
		*escape = val[0];
		return 1;
	}
	if (!strcmp(key, "syntax") || !strcmp(key, "check")) {
		/* the frontend image and build checks: one built-in frontend here */
		if (seen[!strcmp(key, "syntax") ? 1 : 2]++)
			return tug_errf(err, TUG_E_INVALID, "%s:%d: only one %s parser directive can be used",
					fname, line, key);
		return 1;
	}
	return 0; /* unknown: a comment, and the end of the directives */
}

static int read_heredocs(const char *fname, struct lines *L, struct df_instr *in,
			 struct tug_err *err)
{
	for (size_t i = 0; i < in->nheredocs; i++) {
		struct df_heredoc *h = &in->heredocs[i];
		struct sbuf b = SBUF_INIT;
		const char *l;
		size_t n;
		int found = 0;

		while (next_line(L, &l, &n)) {
			const char *t = l;
			size_t tn = n;
			if (h->chomp)
				while (tn && *t == '\t') {
					t++;
					tn--;
				}
			if (tn == strlen(h->name) && !memcmp(t, h->name, tn)) {
				found = 1;
				break;
			}
			sbuf_add(&b, t, tn);
			sbuf_puts(&b, "\n");
		}
		h->content = sbuf_detach(&b);
		if (!found)
			return tug_errf(err, TUG_E_INVALID,
					"%s:%d: unterminated heredoc: no line \"%s\" ends it", fname,
					in->line, h->name);
	}
	return 0;
}

static void find_heredocs(struct df_instr *in, char escape)
{
	char **words;

	if (strcmp(in->cmd, "run") && strcmp(in->cmd, "copy") && strcmp(in->cmd, "add"))
		return;
	if (in->json || !strstr(in->rest, "<<"))
		return;
	words = df_split_raw(in->rest, escape);
	for (char **w = words; *w; w++) {
		struct df_heredoc h;
		if (!heredoc_word(*w, &h))
			continue;
		in->heredocs = xrealloc(in->heredocs, (in->nheredocs + 1) * sizeof(*in->heredocs));
		in->heredocs[in->nheredocs++] = h;
	}
	df_strv_free(words);
}

int df_parse(const char *name, const char *text, size_t len, struct dockerfile *out,
	     struct tug_err *err)
{
	struct lines L = { text, text + len, 0 };
	int seen[3] = { 0 }, in_directives = 1;
	const char *l;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->name = xstrdup(name);
	out->escape = '\\';
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		L.s += 3;
	while (next_line(&L, &l, &n)) {
		struct sbuf b = SBUF_INIT;
		struct df_instr in;
		int line = L.no, r;

		if (in_directives) {
			r = directive(name, line, l, n, &out->escape, seen, err);
			if (r < 0)
				goto fail;
			if (r > 0)
				continue;
			in_directives = 0;
		}
		if (blank(l, n) || comment(l, n))
			continue;
		while (continues(l, &n, out->escape)) {
			sbuf_add(&b, l, n);
			/* blank and comment lines inside a continuation are dropped */
			do {
				if (!next_line(&L, &l, &n)) {
					l = "";
					n = 0;
					break;
				}
			} while (blank(l, n) || comment(l, n));
		}
		sbuf_add(&b, l, n);
		r = parse_logical(name, line, out->escape, b.s ? b.s : "", &in, err);
		sbuf_release(&b);
		if (r < 0)
			goto fail;
		find_heredocs(&in, out->escape);
		if (read_heredocs(name, &L, &in, err) < 0 || check_args(name, &in, err) < 0) {
			df_instr_release(&in);
			goto fail;
		}
		out->ins = xrealloc(out->ins, (out->n + 1) * sizeof(*out->ins));
		out->ins[out->n++] = in;
	}
	if (!out->n) {
		tug_errf(err, TUG_E_INVALID, "the Dockerfile (%s) cannot be empty: it needs at least a FROM",
			 name);
		goto fail;
	}
	return 0;
fail:
	df_release(out);
	return -1;
}
