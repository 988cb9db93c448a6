/* widget-table.h - the list every view shows: columns that fit the width,
 * sort by any column, a filter (substring, or a regular expression when
 * the text has regex characters), a selection and marks that follow
 * their rows by id across refreshes, and a spinner on busy rows.
 *
 * Rows are rebuilt wholesale on each refresh: table_begin(), then
 * table_add() + table_set() per row, then table_end(), which sorts,
 * filters and restores selection and marks. Drawing touches only the
 * visible rows, so a key on a 10,000-row table redraws in microseconds.
 */
#ifndef TUG_WIDGET_TABLE_H
#define TUG_WIDGET_TABLE_H

#include <regex.h>
#include <stddef.h>
#include "theme.h"
#include "util/err.h"

struct table_col {
	const char *title;
	int width;        /* minimum width */
	int flex;         /* share of the spare width (0 = fixed) */
	int right;        /* right-aligned */
	int numeric;      /* sorts by the cell's number, not its text */
	int prio;         /* dropped first when narrow: higher prio drops first */
};

struct table_row {
	char *id;
	char **text;          /* one per column */
	double *num;          /* sort keys of numeric columns */
	unsigned char *role;  /* enum role per cell (ROLE_NORMAL = plain) */
	const void *data;     /* the caller's: what the row shows */
	unsigned marked : 1;
	unsigned busy : 1;
	unsigned dim : 1;     /* whole row muted (e.g. stopped) */
};

struct table {
	const struct table_col *cols;
	int ncols;
	struct table_row *rows;   /* all rows */
	size_t nrows, cap;
	size_t *vis;              /* indexes of shown rows, sorted and filtered */
	size_t nvis;
	size_t sel;               /* index into vis */
	size_t top;               /* first shown row (index into vis) */
	int sort_col, sort_desc;
	char *filter;
	int filter_regex;
	regex_t re;
	char **marked_ids;        /* carried across table_begin/table_end */
	size_t nmarked;
	char *sel_id;
	int last_h;               /* rows of the last draw, for paging */
	int col_x[32], col_w[32]; /* last layout, for mouse hits; w 0 = hidden */
	int spin;                 /* spinner frame */
	/* building */
	struct table_row *nrows_buf;
	size_t nbuild, ncap;
};

void table_init(struct table *t, const struct table_col *cols, int ncols);
void table_release(struct table *t);

/* Rebuild: begin, add rows, end. */
void table_begin(struct table *t);
struct table_row *table_add(struct table *t, const char *id);
/* Set a cell; num is its sort key for numeric columns. */
void table_set(struct table *t, struct table_row *r, int col, const char *text, double num,
	       enum role role);
void table_end(struct table *t);

/* Set the filter ("" clears). Text with regex characters is compiled as
 * an extended, case-insensitive regex; a bad one fails with err (the
 * filter stays as it was). Plain text matches as a case-insensitive
 * substring of any cell. */
int table_set_filter(struct table *t, const char *text, struct tug_err *err);
void table_sort(struct table *t, int col, int desc);

void table_move(struct table *t, long delta);
void table_home(struct table *t);
void table_end_row(struct table *t);
void table_page(struct table *t, int dir);
/* Select the row with this id if it is shown; returns 0 when found. */
int table_select_id(struct table *t, const char *id);
void table_select_index(struct table *t, size_t vis_index);

struct table_row *table_selected(struct table *t);
/* Toggle the selected row's mark; returns its new state. */
int table_toggle_mark(struct table *t);
void table_clear_marks(struct table *t);
/* Rows to act on: the marked ones, or else the selected one. Fills a
 * malloc'd array of row pointers (valid until the next table_begin). */
size_t table_targets(struct table *t, struct table_row ***out);
/* Mark rows whose id is in ids as busy (spinner); clears the others. */
void table_set_busy(struct table *t, const char *id, int busy);

/* Draw header and rows into w at y,x (h rows including the header). */
void table_draw(struct table *t, WINDOW *w, int y, int x, int h, int wd, int focused);
/* Hit test after a draw: returns -2 for the header (col in *col), the
 * vis index of a row, or -1. */
long table_hit(struct table *t, int y, int x, int top_y, int *col);

#endif
