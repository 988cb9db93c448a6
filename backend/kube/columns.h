/* columns.h - kubectl's table columns for cluster kinds, rendered from
 * struct tug_obj rows (see kube.h for the public view of these). */
#ifndef TUG_KUBE_COLUMNS_H
#define TUG_KUBE_COLUMNS_H

#include <stddef.h>
#include <stdint.h>
#include "backend.h"

enum kube_col_mode {
	KUBE_COL_ALWAYS,
	KUBE_COL_WIDE,     /* only with -o wide / the wide layout */
	KUBE_COL_NARROW,   /* only without it */
};

struct kube_column {
	const char *title;
	enum kube_col_mode mode;
	int src;           /* internal: which field or cell feeds it */
};

/* The columns of kind k, in kubectl's order, NAMESPACE excluded (front
 * ends put it first for all-namespace lists). Returns the count. */
size_t kube_columns(enum tug_kind k, const struct kube_column **out);
/* Should column c show in this layout? */
static inline int kube_column_shown(const struct kube_column *c, int wide)
{
	return c->mode == KUBE_COL_ALWAYS || (c->mode == KUBE_COL_WIDE) == !!wide;
}
/* Render column c of o into buf; ages relative to now_ns. Returns buf. */
const char *kube_cell(const struct tug_obj *o, const struct kube_column *c,
		      int64_t now_ns, char *buf, size_t size);
/* Render o's column titled `title` in the narrow layout (the console's
 * cells), or "" when kind has none. Returns buf. */
const char *kube_cell_titled(const struct tug_obj *o, const char *title, int64_t now_ns, char *buf,
			     size_t size);
/* kubectl's age format ("45s", "3m12s", "5h", "12d", "2y3d"), of the time
 * from since_ns to now_ns; "<unknown>" when since_ns is 0. */
char *kube_age(char *buf, size_t size, int64_t since_ns, int64_t now_ns);

#endif
