/* cli-template.c - a small Go text/template evaluator over jansson values.
 *
 * Compile splits the source into text and actions, parses each action into
 * a pipeline of commands, and nests if/with/range bodies into a tree;
 * render walks the tree. Values are json_t references; NULL stands for
 * Go's "no value" (a key missing from a map). */
#include "cli-template.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum arg_kind { A_FIELD, A_STR, A_INT, A_REAL, A_BOOL, A_NIL, A_IDENT, A_PIPE };

struct tpipe;

struct targ {
	enum arg_kind kind;
	int from_root;        /* $ rather than . */
	char **path;          /* field chain (A_FIELD, or after a (pipe)) */
	size_t npath;
	char *s;              /* A_STR text, A_IDENT name */
	json_int_t i;
	double r;
	struct tpipe *pipe;   /* A_PIPE */
};

struct tcmd {
	struct targ *args;
	size_t nargs;
};

struct tpipe {
	struct tcmd *cmds;
	size_t ncmds;
};

enum node_kind { N_TEXT, N_ACTION, N_IF, N_WITH, N_RANGE };

struct tnode;
struct tlist {
	struct tnode *nodes;
	size_t n;
};

struct tnode {
	enum node_kind kind;
	char *text;           /* N_TEXT */
	struct tpipe *pipe;   /* everything else */
	struct tlist body, alt;
};

struct tmpl {
	struct tlist root;
};

/* ---- freeing ---- */

static void pipe_free(struct tpipe *p);

static void arg_release(struct targ *a)
{
	for (size_t i = 0; i < a->npath; i++)
		free(a->path[i]);
	free(a->path);
	free(a->s);
	pipe_free(a->pipe);
}

static void pipe_free(struct tpipe *p)
{
	if (!p)
		return;
	for (size_t c = 0; c < p->ncmds; c++) {
		for (size_t i = 0; i < p->cmds[c].nargs; i++)
			arg_release(&p->cmds[c].args[i]);
		free(p->cmds[c].args);
	}
	free(p->cmds);
	free(p);
}

static void list_release(struct tlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct tnode *n = &l->nodes[i];
		free(n->text);
		pipe_free(n->pipe);
		list_release(&n->body);
		list_release(&n->alt);
	}
	free(l->nodes);
	l->nodes = NULL;
	l->n = 0;
}

void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	list_release(&t->root);
	free(t);
}

/* ---- parsing actions ---- */

struct lex {
	const char *p;
	struct tug_err *err;
};

static void skip_space(struct lex *lx)
{
	while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r')
		lx->p++;
}

static int is_ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static int is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/* ".A.B" -> path components; lx->p at the first '.' */
static int lex_path(struct lex *lx, struct targ *a)
{
	while (*lx->p == '.' && is_ident_start((unsigned char)lx->p[1])) {
		const char *s = ++lx->p;
		while (is_ident((unsigned char)*lx->p))
			lx->p++;
		a->path = xrealloc(a->path, (a->npath + 1) * sizeof(char *));
		a->path[a->npath] = xmalloc((size_t)(lx->p - s) + 1);
		memcpy(a->path[a->npath], s, (size_t)(lx->p - s));
		a->path[a->npath][lx->p - s] = '\0';
		a->npath++;
	}
	return 0;
}

static int lex_string(struct lex *lx, struct targ *a)
{
	struct sbuf b = SBUF_INIT;
	char q = *lx->p++;

	while (*lx->p && *lx->p != q) {
		char ch = *lx->p++;
		if (q == '"' && ch == '\\' && *lx->p) {
			ch = *lx->p++;
			switch (ch) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case '0': ch = '\0'; break;
			default: break;
			}
		}
		sbuf_add(&b, &ch, 1);
	}
	if (*lx->p != q) {
		sbuf_release(&b);
		return tug_errf(lx->err, TUG_E_INVALID, "template: unterminated string");
	}
	lx->p++;
	a->kind = A_STR;
	a->s = sbuf_detach(&b);
	return 0;
}

static struct tpipe *parse_pipe(struct lex *lx, char close);

static int parse_arg(struct lex *lx, struct targ *a)
{
	const char *p = lx->p;

	memset(a, 0, sizeof(*a));
	if (*p == '.') {
		a->kind = A_FIELD;
		if (is_ident_start((unsigned char)p[1]))
			return lex_path(lx, a);
		lx->p++;
		return 0;
	}
	if (*p == '$') {
		lx->p++;
		a->kind = A_FIELD;
		a->from_root = 1;
		if (is_ident_start((unsigned char)*lx->p))
			return tug_errf(lx->err, TUG_E_INVALID,
					"template: variables other than $ are not supported");
		return lex_path(lx, a);
	}
	if (*p == '"' || *p == '`')
		return lex_string(lx, a);
	if (*p == '(') {
		lx->p++;
		a->kind = A_PIPE;
		a->pipe = parse_pipe(lx, ')');
		if (!a->pipe)
			return -1;
		return lex_path(lx, a);
	}
	if (isdigit((unsigned char)*p) || ((*p == '-' || *p == '+') && isdigit((unsigned char)p[1]))) {
		char *end;
		long long v = strtoll(p, &end, 10);
		if (*end == '.' || *end == 'e' || *end == 'E') {
			a->kind = A_REAL;
			a->r = strtod(p, &end);
		} else {
			a->kind = A_INT;
			a->i = v;
		}
		lx->p = end;
		return 0;
	}
	if (is_ident_start((unsigned char)*p)) {
		while (is_ident((unsigned char)*lx->p))
			lx->p++;
		a->s = xmalloc((size_t)(lx->p - p) + 1);
		memcpy(a->s, p, (size_t)(lx->p - p));
		a->s[lx->p - p] = '\0';
		if (!strcmp(a->s, "true") || !strcmp(a->s, "false")) {
			a->kind = A_BOOL;
			a->i = a->s[0] == 't';
		} else if (!strcmp(a->s, "nil")) {
			a->kind = A_NIL;
		} else {
			a->kind = A_IDENT;
		}
		return 0;
	}
	return tug_errf(lx->err, TUG_E_INVALID, "template: unexpected \"%c\" in action", *p);
}

/* A pipeline up to `close` (')' or '\0'); consumes the closing ')'. */
static struct tpipe *parse_pipe(struct lex *lx, char close)
{
	struct tpipe *pp = xcalloc(1, sizeof(*pp));
	struct tcmd *cmd;

	pp->cmds = xcalloc(1, sizeof(struct tcmd));
	pp->ncmds = 1;
	cmd = &pp->cmds[0];
	for (;;) {
		skip_space(lx);
		if (*lx->p == close) {
			if (close)
				lx->p++;
			break;
		}
		if (!*lx->p) {
			tug_errf(lx->err, TUG_E_INVALID, "template: unclosed parenthesis");
			goto fail;
		}
		if (*lx->p == ')') {
			tug_errf(lx->err, TUG_E_INVALID, "template: unexpected \")\"");
			goto fail;
		}
		if (*lx->p == '|') {
			lx->p++;
			if (!cmd->nargs) {
				tug_errf(lx->err, TUG_E_INVALID, "template: missing command before \"|\"");
				goto fail;
			}
			pp->cmds = xrealloc(pp->cmds, (pp->ncmds + 1) * sizeof(struct tcmd));
			cmd = &pp->cmds[pp->ncmds++];
			memset(cmd, 0, sizeof(*cmd));
			continue;
		}
		cmd->args = xrealloc(cmd->args, (cmd->nargs + 1) * sizeof(struct targ));
		if (parse_arg(lx, &cmd->args[cmd->nargs]) < 0) {
			arg_release(&cmd->args[cmd->nargs]);
			goto fail;
		}
		cmd->nargs++;
	}
	if (!cmd->nargs) {
		tug_errf(lx->err, TUG_E_INVALID, "template: missing value for command");
		goto fail;
	}
	return pp;
fail:
	pipe_free(pp);
	return NULL;
}

/* ---- splitting the source and building the tree ---- */

static struct tnode *list_add(struct tlist *l, enum node_kind k)
{
	l->nodes = xrealloc(l->nodes, (l->n + 1) * sizeof(struct tnode));
	memset(&l->nodes[l->n], 0, sizeof(struct tnode));
	l->nodes[l->n].kind = k;
	return &l->nodes[l->n++];
}

struct frame {
	struct tnode *node;   /* NULL for the root */
	int in_else;
	int chained;          /* opened by "else if": closed by the same end */
};

/* The list new nodes go into. Nodes live in realloc'd arrays, so a frame
 * holds the index path rather than pointers... except that a parent's
 * array never grows while a child frame is open (children are added to
 * the child's own lists), which keeps these pointers valid. */
static struct tlist *frame_list(struct tmpl *t, struct frame *f)
{
	if (!f->node)
		return &t->root;
	return f->in_else ? &f->node->alt : &f->node->body;
}

static int word_is(const char *s, const char *w)
{
	size_t n = strlen(w);
	return !strncmp(s, w, n) && !is_ident((unsigned char)s[n]);
}

/* Parse the pipeline of an if/with/range (lx after the keyword) into a new
 * node of list l and open its body as the next frame. */
static int open_block(struct lex *lx, struct tlist *l, enum node_kind k, struct frame *stack,
		      int *depth, int chained)
{
	struct tnode *n = list_add(l, k);

	n->pipe = parse_pipe(lx, '\0');
	if (!n->pipe)
		return -1;
	if (*depth + 1 >= 64)
		return tug_errf(lx->err, TUG_E_INVALID, "template: nested too deeply");
	stack[++*depth] = (struct frame){ n, 0, chained };
	return 0;
}

struct tmpl *tmpl_compile(const char *src, struct tug_err *err)
{
	struct tmpl *t = xcalloc(1, sizeof(*t));
	struct frame stack[64];
	int depth = 0;
	const char *p = src;
	int trim_next = 0;

	stack[0] = (struct frame){ NULL, 0, 0 };
	while (*p) {
		const char *open = strstr(p, "{{");
		const char *text_end = open ? open : p + strlen(p);
		const char *a, *close, *body_end;
		int trim_left = 0, trim_right = 0;
		struct lex lx = { NULL, err };

		if (open && open[2] == '-' && (open[3] == ' ' || open[3] == '\t' || open[3] == '\n'))
			trim_left = 1;
		/* text before the action, trimmed as the markers ask */
		{
			const char *s = p, *e = text_end;
			if (trim_next)
				while (s < e && isspace((unsigned char)*s))
					s++;
			if (trim_left)
				while (e > s && isspace((unsigned char)e[-1]))
					e--;
			if (e > s) {
				struct tnode *n = list_add(frame_list(t, &stack[depth]), N_TEXT);
				n->text = xmalloc((size_t)(e - s) + 1);
				memcpy(n->text, s, (size_t)(e - s));
				n->text[e - s] = '\0';
			}
		}
		trim_next = 0;
		if (!open)
			break;
		a = open + 2 + (trim_left ? 2 : 0);
		close = strstr(a, "}}");
		if (!close) {
			tug_errf(err, TUG_E_INVALID, "template: unclosed action");
			goto fail;
		}
		body_end = close;
		if (close - a >= 2 && close[-1] == '-' &&
		    (close[-2] == ' ' || close[-2] == '\t' || close[-2] == '\n')) {
			trim_right = 1;
			body_end = close - 1;
		}
		{
			size_t len = (size_t)(body_end - a);
			char *body = xmalloc(len + 1);
			struct frame *f = &stack[depth];
			memcpy(body, a, len);
			body[len] = '\0';
			lx.p = body;
			skip_space(&lx);
			if (str_has_prefix(lx.p, "/*")) {
				/* comment */
			} else if (word_is(lx.p, "end")) {
				if (depth == 0) {
					free(body);
					tug_errf(err, TUG_E_INVALID, "template: unexpected {{end}}");
					goto fail;
				}
				while (stack[depth].chained)
					depth--;
				depth--;
			} else if (word_is(lx.p, "else")) {
				if (depth == 0 || f->in_else) {
					free(body);
					tug_errf(err, TUG_E_INVALID, "template: unexpected {{else}}");
					goto fail;
				}
				f->in_else = 1;
				lx.p += 4;
				skip_space(&lx);
				if (word_is(lx.p, "if")) {
					lx.p += 2;
					if (open_block(&lx, &f->node->alt, N_IF, stack, &depth, 1) < 0) {
						free(body);
						goto fail;
					}
				} else if (*lx.p) {
					free(body);
					tug_errf(err, TUG_E_INVALID, "template: unexpected text after else");
					goto fail;
				}
			} else if (word_is(lx.p, "if") || word_is(lx.p, "with") || word_is(lx.p, "range")) {
				enum node_kind k = word_is(lx.p, "if") ? N_IF :
						   word_is(lx.p, "with") ? N_WITH : N_RANGE;
				lx.p += k == N_IF ? 2 : k == N_WITH ? 4 : 5;
				if (open_block(&lx, frame_list(t, f), k, stack, &depth, 0) < 0) {
					free(body);
					goto fail;
				}
			} else if (word_is(lx.p, "define") || word_is(lx.p, "template") ||
				   word_is(lx.p, "block")) {
				tug_errf(err, TUG_E_INVALID, "template: {{%.*s}} is not supported",
					 (int)strcspn(lx.p, " "), lx.p);
				free(body);
				goto fail;
			} else {
				struct tnode *n = list_add(frame_list(t, f), N_ACTION);
				n->pipe = parse_pipe(&lx, '\0');
				if (!n->pipe) {
					free(body);
					goto fail;
				}
			}
			free(body);
		}
		trim_next = trim_right;
		p = close + 2;
	}
	if (depth) {
		tug_errf(err, TUG_E_INVALID, "template: missing {{end}}");
		goto fail;
	}
	return t;
fail:
	tmpl_free(t);
	return NULL;
}

/* ---- printing values as Go does ---- */

static void print_real(struct sbuf *out, double d)
{
	char buf[64];
	int prec, exp10;

	if (isnan(d)) {
		sbuf_puts(out, "NaN");
		return;
	}
	if (isinf(d)) {
		sbuf_puts(out, d > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* shortest digits that read back to d */
	for (prec = 0; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	exp10 = atoi(strchr(buf, 'e') + 1);
	if (exp10 < -4 || exp10 >= 21 || (exp10 >= 6 && d != 0)) {
		sbuf_puts(out, buf);
		return;
	}
	snprintf(buf, sizeof(buf), "%.*f", prec - exp10 > 0 ? prec - exp10 : 0, d);
	sbuf_puts(out, buf);
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Object keys in sorted order (Go ranges and prints maps that way). */
static const char **sorted_keys(json_t *obj, size_t *n)
{
	const char **keys = xcalloc(json_object_size(obj) + 1, sizeof(char *));
	const char *k;
	json_t *v;
	size_t i = 0;

	json_object_foreach(obj, k, v)
		keys[i++] = k;
	qsort(keys, i, sizeof(char *), cmp_keys);
	*n = i;
	return keys;
}

void tmpl_print_value(struct sbuf *out, json_t *v)
{
	size_t i, n;

	if (!v) {
		sbuf_puts(out, "<no value>");
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		sbuf_add(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		sbuf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		print_real(out, json_real_value(v));
		break;
	case JSON_TRUE:
		sbuf_puts(out, "true");
		break;
	case JSON_FALSE:
		sbuf_puts(out, "false");
		break;
	case JSON_NULL:
		sbuf_puts(out, "<nil>");
		break;
	case JSON_ARRAY:
		sbuf_puts(out, "[");
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				sbuf_puts(out, " ");
			tmpl_print_value(out, json_array_get(v, i));
		}
		sbuf_puts(out, "]");
		break;
	case JSON_OBJECT: {
		const char **keys = sorted_keys(v, &n);
		sbuf_puts(out, "map[");
		for (i = 0; i < n; i++) {
			if (i)
				sbuf_puts(out, " ");
			sbuf_printf(out, "%s:", keys[i]);
			tmpl_print_value(out, json_object_get(v, keys[i]));
		}
		sbuf_puts(out, "]");
		free(keys);
		break;
	}
	}
}

static int truthy(json_t *v)
{
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0;
	case JSON_TRUE: return 1;
	case JSON_FALSE: return 0;
	case JSON_NULL: return 0;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_OBJECT: return json_object_size(v) > 0;
	}
	return 0;
}

/* ---- evaluation ---- */

struct ectx {
	json_t *root;
	int strict;
	struct tug_err *err;
};

static const char *type_name(json_t *v)
{
	if (!v)
		return "no value";
	switch (json_typeof(v)) {
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "int";
	case JSON_REAL: return "float64";
	case JSON_TRUE:
	case JSON_FALSE: return "bool";
	case JSON_NULL: return "nil";
	case JSON_ARRAY: return "array";
	case JSON_OBJECT: return "map";
	}
	return "?";
}

/* Follow path from v (a new reference or NULL); returns the new value. */
static int walk_path(struct ectx *cx, json_t *v, char **path, size_t n, json_t **out)
{
	json_t *cur = v;

	json_incref(cur);
	for (size_t i = 0; i < n; i++) {
		json_t *next;
		if (!cur || !json_is_object(cur)) {
			if (!cx->strict && (!cur || json_is_null(cur))) {
				json_decref(cur);
				*out = NULL;
				return 0;
			}
			tug_errf(cx->err, TUG_E_INVALID, "template: can't evaluate field %s in type %s",
				 path[i], type_name(cur));
			json_decref(cur);
			return -1;
		}
		next = json_object_get(cur, path[i]);
		if (!next && cx->strict) {
			tug_errf(cx->err, TUG_E_INVALID, "template: can't evaluate field %s", path[i]);
			json_decref(cur);
			return -1;
		}
		json_incref(next);
		json_decref(cur);
		cur = next;
	}
	*out = cur;
	return 0;
}

static int eval_pipe(struct ectx *cx, const struct tpipe *p, json_t *dot, json_t **out);

static int eval_arg(struct ectx *cx, const struct targ *a, json_t *dot, json_t **out)
{
	json_t *base;
	int rc;

	switch (a->kind) {
	case A_FIELD:
		return walk_path(cx, a->from_root ? cx->root : dot, a->path, a->npath, out);
	case A_STR:
		*out = json_string(a->s);
		return 0;
	case A_INT:
		*out = json_integer(a->i);
		return 0;
	case A_REAL:
		*out = json_real(a->r);
		return 0;
	case A_BOOL:
		*out = json_boolean(a->i);
		return 0;
	case A_NIL:
		*out = json_null();
		return 0;
	case A_PIPE:
		if (eval_pipe(cx, a->pipe, dot, &base) < 0)
			return -1;
		rc = walk_path(cx, base, a->path, a->npath, out);
		json_decref(base);
		return rc;
	case A_IDENT:
		return tug_errf(cx->err, TUG_E_INVALID, "template: function %s used as a value", a->s);
	}
	return -1;
}

static int want_args(struct ectx *cx, const char *fn, size_t got, size_t min, size_t max)
{
	if (got < min || got > max)
		return tug_errf(cx->err, TUG_E_INVALID, "template: wrong number of args for %s: want %zu got %zu",
				fn, min, got);
	return 0;
}

static int want_string(struct ectx *cx, const char *fn, json_t *v)
{
	if (!v || !json_is_string(v))
		return tug_errf(cx->err, TUG_E_INVALID, "template: %s: want a string, got %s",
				fn, type_name(v));
	return 0;
}

static json_t *str_map(json_t *v, int (*f)(int), int title)
{
	char *s = xstrdup(json_string_value(v));
	int start = 1;
	json_t *r;

	for (char *p = s; *p; p++) {
		if (title) {
			if (start && isalpha((unsigned char)*p))
				*p = (char)toupper((unsigned char)*p);
			start = isspace((unsigned char)*p);
		} else {
			*p = (char)f((unsigned char)*p);
		}
	}
	r = json_string(s);
	free(s);
	return r;
}

static int fn_printf(struct ectx *cx, json_t **args, size_t n, json_t **out)
{
	const char *f;
	struct sbuf b = SBUF_INIT;
	size_t ai = 1;

	if (want_args(cx, "printf", n, 1, 64) < 0 || want_string(cx, "printf", args[0]) < 0)
		return -1;
	f = json_string_value(args[0]);
	while (*f) {
		char spec[32], verb;
		size_t sl;
		struct sbuf v = SBUF_INIT;
		if (*f != '%') {
			sbuf_add(&b, f++, 1);
			continue;
		}
		if (f[1] == '%') {
			sbuf_puts(&b, "%");
			f += 2;
			continue;
		}
		sl = 1 + strspn(f + 1, "-+ 0#123456789.");
		verb = f[sl];
		if (sl >= sizeof(spec) - 4 || !strchr("sdvq", verb) || !verb) {
			sbuf_release(&b);
			return tug_errf(cx->err, TUG_E_INVALID, "template: printf: unsupported verb in %s",
					json_string_value(args[0]));
		}
		if (ai >= n) {
			sbuf_puts(&b, "%!");
			sbuf_add(&b, &verb, 1);
			sbuf_puts(&b, "(MISSING)");
			f += sl + 1;
			continue;
		}
		memcpy(spec, f, sl);
		if (verb == 'd' && args[ai] && json_is_integer(args[ai])) {
			memcpy(spec + sl, "lld", 4);
			sbuf_printf(&b, spec, (long long)json_integer_value(args[ai]));
		} else {
			if (verb == 'q') {
				sbuf_puts(&v, "\"");
				tmpl_print_value(&v, args[ai]);
				sbuf_puts(&v, "\"");
			} else {
				tmpl_print_value(&v, args[ai]);
			}
			spec[sl] = 's';
			spec[sl + 1] = '\0';
			sbuf_printf(&b, spec, v.s ? v.s : "");
			sbuf_release(&v);
		}
		ai++;
		f += sl + 1;
	}
	*out = json_string(b.s ? b.s : "");
	sbuf_release(&b);
	return 0;
}

static int call_fn(struct ectx *cx, const char *fn, json_t **args, size_t n, json_t **out)
{
	*out = NULL;
	if (!strcmp(fn, "json")) {
		char *s;
		if (want_args(cx, fn, n, 1, 1) < 0)
			return -1;
		s = args[0] ? json_dumps(args[0], JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER)
			    : NULL;
		*out = json_string(s ? s : "null");
		free(s);
		return 0;
	}
	if (!strcmp(fn, "index")) {
		json_t *cur;
		if (want_args(cx, fn, n, 1, 16) < 0)
			return -1;
		cur = args[0];
		for (size_t i = 1; i < n && cur; i++) {
			if (json_is_object(cur) && args[i] && json_is_string(args[i]))
				cur = json_object_get(cur, json_string_value(args[i]));
			else if (json_is_array(cur) && args[i] && json_is_integer(args[i]))
				cur = json_array_get(cur, (size_t)json_integer_value(args[i]));
			else if (json_is_null(cur))
				cur = NULL;
			else
				return tug_errf(cx->err, TUG_E_INVALID, "template: index of %s with %s",
						type_name(cur), type_name(args[i]));
		}
		*out = json_incref(cur);
		return 0;
	}
	if (!strcmp(fn, "len")) {
		json_t *v;
		if (want_args(cx, fn, n, 1, 1) < 0)
			return -1;
		v = args[0];
		if (v && json_is_string(v))
			*out = json_integer((json_int_t)json_string_length(v));
		else if (v && json_is_array(v))
			*out = json_integer((json_int_t)json_array_size(v));
		else if (v && json_is_object(v))
			*out = json_integer((json_int_t)json_object_size(v));
		else if (v && json_is_null(v))
			*out = json_integer(0);
		else
			return tug_errf(cx->err, TUG_E_INVALID, "template: len of %s", type_name(v));
		return 0;
	}
	if (!strcmp(fn, "upper") || !strcmp(fn, "lower") || !strcmp(fn, "title")) {
		if (want_args(cx, fn, n, 1, 1) < 0 || want_string(cx, fn, args[0]) < 0)
			return -1;
		*out = str_map(args[0], fn[0] == 'u' ? toupper : tolower, fn[0] == 't');
		return 0;
	}
	if (!strcmp(fn, "join")) {
		struct sbuf b = SBUF_INIT;
		if (want_args(cx, fn, n, 2, 2) < 0 || want_string(cx, fn, args[1]) < 0)
			return -1;
		if (!args[0] || !json_is_array(args[0]))
			return tug_errf(cx->err, TUG_E_INVALID, "template: join: want a list, got %s",
					type_name(args[0]));
		for (size_t i = 0; i < json_array_size(args[0]); i++) {
			if (i)
				sbuf_puts(&b, json_string_value(args[1]));
			tmpl_print_value(&b, json_array_get(args[0], i));
		}
		*out = json_string(b.s ? b.s : "");
		sbuf_release(&b);
		return 0;
	}
	if (!strcmp(fn, "split")) {
		const char *s, *sep;
		size_t sl;
		if (want_args(cx, fn, n, 2, 2) < 0 || want_string(cx, fn, args[0]) < 0 ||
		    want_string(cx, fn, args[1]) < 0)
			return -1;
		s = json_string_value(args[0]);
		sep = json_string_value(args[1]);
		sl = strlen(sep);
		*out = json_array();
		for (;;) {
			const char *e = sl ? strstr(s, sep) : NULL;
			if (!e) {
				json_array_append_new(*out, json_string(s));
				break;
			}
			json_array_append_new(*out, json_stringn(s, (size_t)(e - s)));
			s = e + sl;
		}
		return 0;
	}
	if (!strcmp(fn, "truncate")) {
		size_t len;
		if (want_args(cx, fn, n, 2, 2) < 0 || want_string(cx, fn, args[0]) < 0)
			return -1;
		if (!args[1] || !json_is_integer(args[1]) || json_integer_value(args[1]) < 0)
			return tug_errf(cx->err, TUG_E_INVALID, "template: truncate: want a length");
		len = json_string_length(args[0]);
		if ((json_int_t)len > json_integer_value(args[1]))
			len = (size_t)json_integer_value(args[1]);
		*out = json_stringn(json_string_value(args[0]), len);
		return 0;
	}
	if (!strcmp(fn, "printf"))
		return fn_printf(cx, args, n, out);
	if (!strcmp(fn, "eq") || !strcmp(fn, "ne")) {
		int eq = 0;
		if (want_args(cx, fn, n, 2, fn[0] == 'e' ? 16 : 2) < 0)
			return -1;
		for (size_t i = 1; i < n; i++)
			if ((!args[0] && !args[i]) || (args[0] && args[i] && json_equal(args[0], args[i])))
				eq = 1;
		*out = json_boolean(fn[0] == 'e' ? eq : !eq);
		return 0;
	}
	if (!strcmp(fn, "not")) {
		if (want_args(cx, fn, n, 1, 1) < 0)
			return -1;
		*out = json_boolean(!truthy(args[0]));
		return 0;
	}
	if (!strcmp(fn, "and") || !strcmp(fn, "or")) {
		size_t i;
		if (want_args(cx, fn, n, 1, 16) < 0)
			return -1;
		for (i = 0; i + 1 < n; i++)
			if (truthy(args[i]) == (fn[0] == 'o'))
				break;
		*out = json_incref(args[i]);
		return 0;
	}
	return tug_errf(cx->err, TUG_E_INVALID, "template: function \"%s\" not defined", fn);
}

static int eval_cmd(struct ectx *cx, const struct tcmd *c, json_t *dot, json_t *piped,
		    int has_piped, json_t **out)
{
	json_t *args[18];
	size_t n = 0;
	int rc;

	if (c->args[0].kind != A_IDENT) {
		if (c->nargs > 1 || has_piped)
			return tug_errf(cx->err, TUG_E_INVALID,
					"template: can't give argument to non-function");
		return eval_arg(cx, &c->args[0], dot, out);
	}
	if (c->nargs > 16)
		return tug_errf(cx->err, TUG_E_INVALID, "template: too many arguments");
	for (size_t i = 1; i < c->nargs; i++) {
		if (eval_arg(cx, &c->args[i], dot, &args[n]) < 0) {
			while (n)
				json_decref(args[--n]);
			return -1;
		}
		n++;
	}
	if (has_piped)
		args[n++] = json_incref(piped);
	rc = call_fn(cx, c->args[0].s, args, n, out);
	while (n)
		json_decref(args[--n]);
	return rc;
}

static int eval_pipe(struct ectx *cx, const struct tpipe *p, json_t *dot, json_t **out)
{
	json_t *v = NULL;

	for (size_t i = 0; i < p->ncmds; i++) {
		json_t *next;
		if (eval_cmd(cx, &p->cmds[i], dot, v, i > 0, &next) < 0) {
			json_decref(v);
			return -1;
		}
		json_decref(v);
		v = next;
	}
	*out = v;
	return 0;
}

static int render_list(struct ectx *cx, const struct tlist *l, json_t *dot, struct sbuf *out)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct tnode *n = &l->nodes[i];
		json_t *v;
		int rc = 0;

		if (n->kind == N_TEXT) {
			sbuf_puts(out, n->text);
			continue;
		}
		if (eval_pipe(cx, n->pipe, dot, &v) < 0)
			return -1;
		switch (n->kind) {
		case N_ACTION:
			tmpl_print_value(out, v);
			break;
		case N_IF:
			rc = render_list(cx, truthy(v) ? &n->body : &n->alt, dot, out);
			break;
		case N_WITH:
			rc = truthy(v) ? render_list(cx, &n->body, v, out)
				       : render_list(cx, &n->alt, dot, out);
			break;
		case N_RANGE:
			if (!truthy(v)) {
				rc = render_list(cx, &n->alt, dot, out);
			} else if (json_is_array(v)) {
				for (size_t j = 0; j < json_array_size(v) && rc == 0; j++)
					rc = render_list(cx, &n->body, json_array_get(v, j), out);
			} else if (json_is_object(v)) {
				size_t nk;
				const char **keys = sorted_keys(v, &nk);
				for (size_t j = 0; j < nk && rc == 0; j++)
					rc = render_list(cx, &n->body, json_object_get(v, keys[j]), out);
				free(keys);
			} else if (json_is_integer(v)) {
				for (json_int_t j = 0; j < json_integer_value(v) && rc == 0; j++) {
					json_t *iv = json_integer(j);
					rc = render_list(cx, &n->body, iv, out);
					json_decref(iv);
				}
			} else {
				rc = tug_errf(cx->err, TUG_E_INVALID, "template: range can't iterate over %s",
					      type_name(v));
			}
			break;
		case N_TEXT:
			break;
		}
		json_decref(v);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int tmpl_render(const struct tmpl *t, json_t *dot, int strict, struct sbuf *out,
		struct tug_err *err)
{
	struct ectx cx = { dot, strict, err };

	sbuf_add(out, "", 0);
	return render_list(&cx, &t->root, dot, out);
}
