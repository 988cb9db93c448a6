#include "util/yaml.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- reading ---- */

static int is_null(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

/* YAML 1.1 booleans, as go-yaml v2 (and so kubectl) reads them. */
static int bool_value(const char *s)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES", "true", "True",
					   "TRUE", "on", "On", "ON", NULL };
	static const char *const no[] = { "n", "N", "no", "No", "NO", "false", "False",
					  "FALSE", "off", "Off", "OFF", NULL };
	for (int i = 0; yes[i]; i++)
		if (!strcmp(s, yes[i]))
			return 1;
	for (int i = 0; no[i]; i++)
		if (!strcmp(s, no[i]))
			return 0;
	return -1;
}

/* YAML 1.1 integers: [-+] then decimal, 0x hex or 0o octal digits, with
 * "_" separators allowed (such ones are kept as text when loading: out
 * is only set for the plain forms). */
static int is_int(const char *s, long long *out)
{
	const char *p = s, *digits;
	int base = 10, underscore = 0;
	char *end;

	if (*p == '+' || *p == '-')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o')) {
		base = p[1] == 'x' ? 16 : 8;
		p += 2;
	}
	digits = p;
	if (!*p)
		return 0;
	for (; *p; p++) {
		if (*p == '_') {
			underscore = 1;
			continue;
		}
		if (base == 16 ? !isxdigit((unsigned char)*p) :
		    base == 8 ? (*p < '0' || *p > '7') : !isdigit((unsigned char)*p))
			return 0;
	}
	if (!out)
		return 1;
	if (underscore)
		return 0;
	errno = 0;
	*out = strtoll(digits, &end, base);
	if (*end || errno)
		return 0;
	if (*s == '-')
		*out = -*out;
	return 1;
}

/* go-yaml reads a plain scalar as a float when strconv.ParseFloat takes
 * it whole: "1.5", "1e3", ".5" (not "172.18.0.3", not hex, not "inf"). */
static int is_float(const char *s, double *out)
{
	char *end;
	double v;
	int digits = 0;

	for (const char *q = s; *q; q++) {
		if (isdigit((unsigned char)*q))
			digits++;
		else if (!strchr("+-.eE", *q))
			return 0;
	}
	if (!strcmp(s, ".inf") || !strcmp(s, "-.inf") || !strcmp(s, "+.inf") || !strcmp(s, ".Inf") ||
	    !strcmp(s, ".nan") || !strcmp(s, ".NaN"))
		return out ? 0 : 1;
	if (!digits)
		return 0;
	v = strtod(s, &end);
	if (*end)
		return 0;
	if (out)
		*out = v;
	return 1;
}

/* YAML 1.1 timestamps ("2024-05-01", "2024-05-01T10:00:00Z"): go-yaml
 * quotes such strings so they stay strings. */
static int is_timestamp(const char *s)
{
	int n = 0;

	for (; n < 10; n++) {
		char c = s[n];
		if (n == 4 || n == 7 ? c != '-' : !isdigit((unsigned char)c))
			return 0;
	}
	return s[10] == '\0' || s[10] == 'T' || s[10] == 't' || s[10] == ' ';
}

int yaml_plain_is_typed(const char *s)
{
	long long i;
	double d;
	const char *p = s;

	if (is_timestamp(s))
		return 1;

	if (is_null(s) || bool_value(s) >= 0 || is_int(s, &i) || is_float(s, &d))
		return 1;
	if (is_int(s, NULL) || is_float(s, NULL))
		return 1;
	(void)d;
	/* base-60 numbers ("1:20") of YAML 1.1 */
	if (*p == '+' || *p == '-')
		p++;
	if (isdigit((unsigned char)*p) && strchr(p, ':')) {
		for (; *p; p++)
			if (!isdigit((unsigned char)*p) && *p != ':' && *p != '.' && *p != '_')
				return 0;
		return 1;
	}
	return 0;
}

static json_t *plain_scalar(const char *s)
{
	long long i;
	double d;
	int b;

	if (is_null(s))
		return json_null();
	if ((b = bool_value(s)) >= 0)
		return json_boolean(b);
	if (is_int(s, &i))
		return json_integer(i);
	if (is_float(s, &d))
		return json_real(d);
	return json_string(s);
}

static json_t *node_to_json(yaml_document_t *doc, yaml_node_t *n, int depth,
			    const char *name, struct tug_err *err)
{
	json_t *j;

	if (depth > 64) {
		tug_errf(err, TUG_E_INVALID, "%s:%zu: nesting too deep (recursive alias?)",
			 name, n->start_mark.line + 1);
		return NULL;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE: {
		const char *s = (const char *)n->data.scalar.value;
		/* the document API gives every untagged scalar the str tag, so
		 * only the style tells a plain scalar from a quoted one */
		if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			j = plain_scalar(s);
		else
			j = json_stringn(s, n->data.scalar.length);
		if (!j)
			tug_errf(err, TUG_E_INVALID, "%s:%zu: text is not valid UTF-8", name,
				 n->start_mark.line + 1);
		return j;
	}
	case YAML_SEQUENCE_NODE:
		j = json_array();
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			json_t *v = node_to_json(doc, yaml_document_get_node(doc, *it), depth + 1,
						 name, err);
			if (!v) {
				json_decref(j);
				return NULL;
			}
			json_array_append_new(j, v);
		}
		return j;
	case YAML_MAPPING_NODE:
		j = json_object();
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			json_t *v;
			if (!k || k->type != YAML_SCALAR_NODE) {
				tug_errf(err, TUG_E_INVALID, "%s:%zu:%zu: mapping keys must be plain text",
					 name, n->start_mark.line + 1, n->start_mark.column + 1);
				json_decref(j);
				return NULL;
			}
			v = node_to_json(doc, yaml_document_get_node(doc, p->value), depth + 1, name, err);
			if (!v) {
				json_decref(j);
				return NULL;
			}
			json_object_set_new(j, (const char *)k->data.scalar.value, v);
		}
		return j;
	default:
		return json_null();
	}
}

json_t *yaml_load(const char *buf, size_t len, const char *name, struct tug_err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	json_t *j;

	if (!yaml_parser_initialize(&parser)) {
		tug_errf(err, TUG_E_GENERIC, "%s: cannot start the YAML parser", name);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		tug_errf(err, TUG_E_INVALID, "%s:%zu:%zu: %s%s%s", name,
			 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "malformed YAML",
			 parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return NULL;
	}
	root = yaml_document_get_root_node(&doc);
	j = root ? node_to_json(&doc, root, 0, name, err) : json_object();
	if (j && json_is_null(j)) {
		json_decref(j);
		j = json_object();
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return j;
}

/* ---- writing ---- */

struct emit {
	yaml_emitter_t em;
	struct sbuf *out;
};

static int write_cb(void *data, unsigned char *buf, size_t size)
{
	struct emit *e = data;
	sbuf_add(e->out, (const char *)buf, size);
	return 1;
}

static int ev_scalar(struct emit *e, const char *s, size_t n, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	/* untagged either way: the quoting alone says "string" */
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, 1, 1, style);
	return yaml_emitter_emit(&e->em, &ev);
}

static int str_style(const char *s, size_t n)
{
	if (memchr(s, '\n', n))
		return YAML_LITERAL_SCALAR_STYLE;
	if (yaml_plain_is_typed(s))
		return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	return YAML_PLAIN_SCALAR_STYLE;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int emit_node(struct emit *e, json_t *j)
{
	yaml_event_t ev;
	char num[64];

	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(j), i = 0;
		const char **keys;
		const char *k;
		json_t *v;
		int ok = 1;

		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
						    n ? YAML_BLOCK_MAPPING_STYLE : YAML_FLOW_MAPPING_STYLE);
		if (!yaml_emitter_emit(&e->em, &ev))
			return 0;
		keys = malloc((n ? n : 1) * sizeof(*keys));
		if (!keys)
			return 0;
		json_object_foreach(j, k, v)
			keys[i++] = k;
		qsort(keys, n, sizeof(*keys), cmp_keys);
		for (i = 0; i < n && ok; i++) {
			size_t kl = strlen(keys[i]);
			ok = ev_scalar(e, keys[i], kl, str_style(keys[i], kl)) &&
			     emit_node(e, json_object_get(j, keys[i]));
		}
		free(keys);
		if (!ok)
			return 0;
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(&e->em, &ev);
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						     json_array_size(j) ? YAML_BLOCK_SEQUENCE_STYLE
									: YAML_FLOW_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(&e->em, &ev))
			return 0;
		json_array_foreach(j, i, v)
			if (!emit_node(e, v))
				return 0;
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(&e->em, &ev);
	}
	case JSON_STRING: {
		const char *s = json_string_value(j);
		size_t n = json_string_length(j);
		return ev_scalar(e, s, n, str_style(s, n));
	}
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return ev_scalar(e, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
	case JSON_REAL: {
		char *s = json_dumps(j, JSON_ENCODE_ANY);
		int r;
		if (!s)
			return 0;
		r = ev_scalar(e, s, strlen(s), YAML_PLAIN_SCALAR_STYLE);
		free(s);
		return r;
	}
	case JSON_TRUE:
		return ev_scalar(e, "true", 4, YAML_PLAIN_SCALAR_STYLE);
	case JSON_FALSE:
		return ev_scalar(e, "false", 5, YAML_PLAIN_SCALAR_STYLE);
	case JSON_NULL:
	default:
		return ev_scalar(e, "null", 4, YAML_PLAIN_SCALAR_STYLE);
	}
}

int yaml_emit(json_t *j, struct sbuf *out, struct tug_err *err)
{
	struct emit e = { .out = out };
	yaml_event_t ev;
	int ok;

	if (!yaml_emitter_initialize(&e.em))
		return tug_errf(err, TUG_E_GENERIC, "cannot start the YAML emitter");
	yaml_emitter_set_output(&e.em, write_cb, &e);
	yaml_emitter_set_unicode(&e.em, 1);
	yaml_emitter_set_width(&e.em, 80);   /* go-yaml folds at 80 too */
	yaml_emitter_set_indent(&e.em, 2);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = yaml_emitter_emit(&e.em, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	ok = ok && yaml_emitter_emit(&e.em, &ev);
	ok = ok && emit_node(&e, j);
	yaml_document_end_event_initialize(&ev, 1);
	ok = ok && yaml_emitter_emit(&e.em, &ev);
	yaml_stream_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&e.em, &ev);
	if (!ok) {
		tug_errf(err, TUG_E_GENERIC, "YAML output: %s",
			 e.em.problem ? e.em.problem : "emitter failed");
		yaml_emitter_delete(&e.em);
		return -1;
	}
	yaml_emitter_flush(&e.em);
	yaml_emitter_delete(&e.em);
	return 0;
}
