#include "kube/jscan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* Byte classes for the skipping loops: 1 quote, 2 open, 3 close, 4 backslash. */
static const unsigned char cls[256] = {
	['"'] = 1, ['{'] = 2, ['['] = 2, ['}'] = 3, [']'] = 3, ['\\'] = 4,
};

/* p points at the opening quote; returns the byte after the closing one,
 * or NULL when the string is unterminated. */
static inline const char *skip_string(const char *p, const char *end)
{
	p++;
	for (;;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		const char *b;
		if (!q)
			return NULL;
		/* an odd run of backslashes right before the quote escapes it */
		b = q;
		while (b > p && b[-1] == '\\')
			b--;
		if (((q - b) & 1) == 0)
			return q + 1;
		p = q + 1;
	}
}

/* p points at '{' or '['; returns the byte after the matching close.
 * Brackets are counted, not matched by type: cheap, and still bounded. */
static const char *skip_container(const char *p, const char *end)
{
	int depth = 0;

	while (p < end) {
		unsigned char c = cls[(unsigned char)*p];
		if (!c) {
			p++;
			continue;
		}
		if (c == 1) {
			p = skip_string(p, end);
			if (!p)
				return NULL;
			continue;
		}
		if (c == 2)
			depth++;
		else if (c == 3 && --depth == 0)
			return p + 1;
		p++;
	}
	return NULL;
}

int js_value(const char **pp, const char *end, struct jv *out)
{
	const char *p = skip_ws(*pp, end), *q;

	out->p = p;
	out->n = 0;
	if (p >= end)
		return -1;
	switch (*p) {
	case '"':
		q = skip_string(p, end);
		break;
	case '{':
	case '[':
		q = skip_container(p, end);
		break;
	case ',': case ':': case '}': case ']':
		return -1;
	default:
		q = p;
		while (q < end && *q != ',' && *q != '}' && *q != ']' && *q != ' ' &&
		       *q != '\n' && *q != '\r' && *q != '\t' && *q != ':')
			q++;
		break;
	}
	if (!q)
		return -1;
	out->n = (size_t)(q - p);
	*pp = q;
	return 0;
}

int js_parse(const char *buf, size_t len, struct jv *out)
{
	const char *p = buf, *end = buf + len;

	if (js_value(&p, end, out) < 0)
		return -1;
	return skip_ws(p, end) == end ? 0 : -1;
}

static int iter(struct jv v, char open, struct js_it *it)
{
	it->started = 0;
	if (v.n < 2 || v.p[0] != open) {
		it->p = it->end = NULL;
		return -1;
	}
	it->p = v.p + 1;
	it->end = v.p + v.n - 1;   /* the closing bracket */
	return 0;
}

int js_obj_iter(struct jv obj, struct js_it *it)
{
	return iter(obj, '{', it);
}

int js_arr_iter(struct jv arr, struct js_it *it)
{
	return iter(arr, '[', it);
}

static int it_sep(struct js_it *it)
{
	const char *p = skip_ws(it->p, it->end);

	if (p >= it->end)
		return 0;
	if (it->started) {
		if (*p != ',')
			return -1;
		p = skip_ws(p + 1, it->end);
		if (p >= it->end)
			return -1;
	}
	it->started = 1;
	it->p = p;
	return 1;
}

int js_obj_next(struct js_it *it, struct jv *key, struct jv *val)
{
	const char *p;
	int r;

	if (!it->p)
		return 0;
	r = it_sep(it);
	if (r <= 0)
		return r;
	if (*it->p != '"' || js_value(&it->p, it->end, key) < 0)
		return -1;
	p = skip_ws(it->p, it->end);
	if (p >= it->end || *p != ':')
		return -1;
	it->p = p + 1;
	if (js_value(&it->p, it->end, val) < 0)
		return -1;
	return 1;
}

int js_arr_next(struct js_it *it, struct jv *val)
{
	int r;

	if (!it->p)
		return 0;
	r = it_sep(it);
	if (r <= 0)
		return r;
	if (js_value(&it->p, it->end, val) < 0)
		return -1;
	return 1;
}

int js_key_eq(struct jv key, const char *s)
{
	size_t n = strlen(s);
	return key.n == n + 2 && !memcmp(key.p + 1, s, n);
}

struct jv js_get(struct jv obj, const char *key)
{
	struct js_it it;
	struct jv k, v, none = { NULL, 0 };

	if (js_obj_iter(obj, &it) < 0)
		return none;
	while (js_obj_next(&it, &k, &v) > 0)
		if (js_key_eq(k, key))
			return v;
	return none;
}

struct jv js_path(struct jv v, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, v);
	while ((k = va_arg(ap, const char *)) && v.n)
		v = js_get(v, k);
	va_end(ap);
	return v;
}

size_t js_arr_len(struct jv arr)
{
	struct js_it it;
	struct jv v;
	size_t n = 0;

	if (js_arr_iter(arr, &it) < 0)
		return 0;
	while (js_arr_next(&it, &v) > 0)
		n++;
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Unescape the body of a string span into out (room for n bytes: the
 * unescaped form is never longer than the escaped one). Returns length. */
static size_t unescape(const char *p, const char *end, char *out)
{
	char *o = out;

	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		size_t run = bs ? (size_t)(bs - p) : (size_t)(end - p);
		unsigned cp, lo;

		memcpy(o, p, run);
		o += run;
		p += run;
		if (!bs || p + 1 >= end)
			break;
		p++;
		switch (*p++) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'u':
			if (hex4(p, end, &cp) < 0) {
				*o++ = '?';
				break;
			}
			p += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 6 && p[0] == '\\' &&
			    p[1] == 'u' && hex4(p + 2, end, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			} else if (cp >= 0xD800 && cp < 0xE000) {
				cp = 0xFFFD;
			}
			o += put_utf8(o, cp);
			break;
		default:
			*o++ = p[-1];   /* \" \\ \/ */
			break;
		}
	}
	return (size_t)(o - out);
}

char *js_strdup(struct jv v)
{
	char *s;
	size_t n;

	if (!js_is_str(v))
		return NULL;
	s = xmalloc(v.n);
	n = unescape(v.p + 1, v.p + v.n - 1, s);
	s[n] = '\0';
	return s;
}

const char *js_str(struct jv v, char *buf, size_t size)
{
	char tmp[1024];
	size_t n;

	buf[0] = '\0';
	if (!js_is_str(v) || !size)
		return buf;
	if (!memchr(v.p, '\\', v.n)) {
		n = v.n - 2 < size - 1 ? v.n - 2 : size - 1;
		memcpy(buf, v.p + 1, n);
		buf[n] = '\0';
		return buf;
	}
	if (v.n > sizeof(tmp)) {
		char *s = js_strdup(v);
		snprintf(buf, size, "%s", s);
		free(s);
		return buf;
	}
	n = unescape(v.p + 1, v.p + v.n - 1, tmp);
	if (n > size - 1)
		n = size - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return buf;
}

int js_str_add(struct jv v, struct sbuf *b)
{
	size_t n;

	if (!js_is_str(v))
		return -1;
	sbuf_add(b, "", 0);
	if (b->len + v.n + 1 > b->cap) {
		b->cap = b->len + v.n + 1;
		b->s = xrealloc(b->s, b->cap);
	}
	n = unescape(v.p + 1, v.p + v.n - 1, b->s + b->len);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int js_str_eq(struct jv v, const char *s)
{
	size_t n = strlen(s);

	if (!js_is_str(v))
		return 0;
	if (v.n == n + 2 && !memcmp(v.p + 1, s, n))
		return 1;
	if (memchr(v.p, '\\', v.n)) {
		char *u = js_strdup(v);
		int eq = !strcmp(u, s);
		free(u);
		return eq;
	}
	return 0;
}

int64_t js_int(struct jv v)
{
	const char *p = v.p, *end = v.p + v.n;
	int neg = 0;
	int64_t r = 0;

	if (!v.n)
		return 0;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return 0;
	while (p < end && *p >= '0' && *p <= '9' && r < INT64_MAX / 10)
		r = r * 10 + (*p++ - '0');
	return neg ? -r : r;
}

int js_true(struct jv v)
{
	return v.n == 4 && !memcmp(v.p, "true", 4);
}

/* Output cursor with room reserved ahead, so the hot loop writes bytes
 * without a call per token. */
struct out {
	struct sbuf *b;
	char *o, *lim;
};

static void out_reserve(struct out *w, size_t n)
{
	struct sbuf *b = w->b;

	if ((size_t)(w->lim - w->o) >= n)
		return;
	b->len = (size_t)(w->o - b->s);
	b->cap = (b->len + n) * 2 + 4096;
	b->s = xrealloc(b->s, b->cap);
	w->o = b->s + b->len;
	w->lim = b->s + b->cap - 1;
}

static inline void out_nl(struct out *w, int indent, int depth)
{
	size_t n = (size_t)(indent * depth);

	out_reserve(w, n + 1);
	*w->o++ = '\n';
	memset(w->o, ' ', n);
	w->o += n;
}

void js_pretty(struct jv v, int indent, int depth, struct sbuf *b)
{
	const char *p = v.p, *end = v.p + v.n;
	struct out w;

	sbuf_add(b, "", 0);
	w.b = b;
	w.o = b->s + b->len;
	w.lim = b->s + b->cap - 1;
	out_reserve(&w, v.n + v.n / 2 + 64);
	while (p < end) {
		const char *q;
		switch (*p) {
		case '"':
			q = skip_string(p, end);
			if (!q)
				q = end;
			out_reserve(&w, (size_t)(q - p));
			memcpy(w.o, p, (size_t)(q - p));
			w.o += q - p;
			p = q;
			continue;
		case '{':
		case '[':
			q = skip_ws(p + 1, end);
			out_reserve(&w, 2);
			*w.o++ = *p;
			if (q < end && (*q == '}' || *q == ']')) {
				*w.o++ = *q;
				p = q + 1;
				continue;
			}
			out_nl(&w, indent, ++depth);
			break;
		case '}':
		case ']':
			out_nl(&w, indent, --depth);
			out_reserve(&w, 1);
			*w.o++ = *p;
			break;
		case ',':
			out_reserve(&w, 1);
			*w.o++ = ',';
			out_nl(&w, indent, depth);
			break;
		case ':':
			out_reserve(&w, 2);
			*w.o++ = ':';
			*w.o++ = ' ';
			break;
		case ' ': case '\n': case '\r': case '\t':
			break;
		default:
			q = p;
			while (q < end && *q != ',' && *q != '}' && *q != ']' && *q != ' ' &&
			       *q != '\n' && *q != '"' && *q != '\r' && *q != '\t' && *q != ':')
				q++;
			out_reserve(&w, (size_t)(q - p));
			memcpy(w.o, p, (size_t)(q - p));
			w.o += q - p;
			p = q;
			continue;
		}
		p++;
	}
	b->len = (size_t)(w.o - b->s);
	b->s[b->len] = '\0';
}
