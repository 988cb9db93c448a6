/* cli-template.h - the subset of Go's text/template that docker users put
 * in --format and inspect -f, evaluated over JSON values.
 *
 * Supported: text; {{.}} {{.A.B}} {{$}} {{$.A}}; string, number, true,
 * false literals; parenthesised pipelines; pipes (`.Name | upper`);
 * {{- and -}} trimming; {{if}}/{{with}}/{{range}} with {{else}} and
 * {{end}}; functions json, index, len, upper, lower, title, join, split,
 * truncate, printf (%s %v %d %q %%), eq, ne, not, and, or.
 * Values print as Go prints them: strings raw, integers in decimal,
 * arrays as [a b], objects as map[k:v] with sorted keys, null as <nil>.
 */
#ifndef TUG_CLI_TEMPLATE_H
#define TUG_CLI_TEMPLATE_H

#include <jansson.h>
#include "util/err.h"
#include "util/str.h"

struct tmpl;

/* Compile src; NULL with err filled on a syntax error. */
struct tmpl *tmpl_compile(const char *src, struct tug_err *err);

/* Append the template evaluated with `dot` as {{.}} to out. With strict,
 * a field missing from an object is an error (fixed-schema rows such as
 * ps); otherwise it prints "<no value>" as Go does for maps (inspect).
 * Returns 0, or -1 with err filled. */
int tmpl_render(const struct tmpl *t, json_t *dot, int strict, struct sbuf *out,
		struct tug_err *err);

void tmpl_free(struct tmpl *t);

/* Go's way of printing a value with {{.X}}, appended to out. */
void tmpl_print_value(struct sbuf *out, json_t *v);

#endif
