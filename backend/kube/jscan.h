/* jscan.h - a zero-copy JSON scanner for big API answers.
 *
 * A 10,000-pod list is ~40 MB of JSON. Building a jansson tree for it
 * costs seconds and hundreds of MB; the views need a dozen fields per
 * item. The scanner walks the bytes in place: a value is a span of the
 * input, objects and arrays are iterated member by member, and whatever
 * is not asked for is skipped with memchr-speed loops. Every function is
 * bounded by the span's end, so malformed or truncated input yields
 * "absent" or an error, never a read past the buffer.
 */
#ifndef TUG_KUBE_JSCAN_H
#define TUG_KUBE_JSCAN_H

#include <stddef.h>
#include <stdint.h>
#include "util/str.h"

/* A JSON value's bytes; n == 0 means absent. */
struct jv {
	const char *p;
	size_t n;
};

/* Iterator over an object's members or an array's elements. */
struct js_it {
	const char *p, *end;
	int started;
};

/* Read the value starting at *p (leading whitespace skipped) into out and
 * advance *p past it. Returns 0, or -1 on malformed/truncated input. */
int js_value(const char **p, const char *end, struct jv *out);
/* The whole buffer as one value (trailing whitespace allowed). */
int js_parse(const char *buf, size_t len, struct jv *out);

static inline int js_is_obj(struct jv v) { return v.n >= 2 && v.p[0] == '{'; }
static inline int js_is_arr(struct jv v) { return v.n >= 2 && v.p[0] == '['; }
static inline int js_is_str(struct jv v) { return v.n >= 2 && v.p[0] == '"'; }
static inline int js_is_null(struct jv v) { return v.n == 0 || (v.n == 4 && v.p[0] == 'n'); }

/* Start iterating; -1 when v is not an object/array. */
int js_obj_iter(struct jv obj, struct js_it *it);
int js_arr_iter(struct jv arr, struct js_it *it);
/* Next member: 1 = got one (key is the raw quoted key), 0 = end,
 * -1 = malformed. */
int js_obj_next(struct js_it *it, struct jv *key, struct jv *val);
int js_arr_next(struct js_it *it, struct jv *val);

/* Does the raw quoted key equal s? (keys with escapes never match) */
int js_key_eq(struct jv key, const char *s);
/* Member by key; absent when missing or obj is not an object. */
struct jv js_get(struct jv obj, const char *key);
/* Nested lookup: js_path(v, "status", "phase", NULL). */
struct jv js_path(struct jv v, ...) __attribute__((sentinel));
/* Number of array elements (0 for absent/non-arrays). */
size_t js_arr_len(struct jv arr);

/* A string value unescaped into a new buffer; NULL when not a string. */
char *js_strdup(struct jv v);
/* Unescaped into buf (truncated to size-1); returns buf, "" when absent. */
const char *js_str(struct jv v, char *buf, size_t size);
/* Append the unescaped string to b; returns -1 when v is not a string. */
int js_str_add(struct jv v, struct sbuf *b);
/* Does the string value equal s? */
int js_str_eq(struct jv v, const char *s);
/* An integer value (strings and non-numbers give 0). */
int64_t js_int(struct jv v);
int js_true(struct jv v);

/* Re-indent v as kubectl prints JSON (indent spaces per level, "key": value)
 * starting at nesting depth `depth`; appends to b. */
void js_pretty(struct jv v, int indent, int depth, struct sbuf *b);

#endif
