/* widget-table.c - columns, sort, filter, selection, marks. */
#include "widget-table.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void table_init(struct table *t, const struct table_col *cols, int ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols > 32 ? 32 : ncols;
	t->sort_col = -1;
}

static void row_free(struct table *t, struct table_row *r)
{
	free(r->id);
	if (r->text)
		for (int c = 0; c < t->ncols; c++)
			free(r->text[c]);
	free(r->text);
	free(r->num);
	free(r->role);
}

static void rows_free(struct table *t, struct table_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		row_free(t, &rows[i]);
	free(rows);
}

static void free_ids(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void table_release(struct table *t)
{
	rows_free(t, t->rows, t->nrows);
	rows_free(t, t->nrows_buf, t->nbuild);
	free(t->vis);
	free(t->filter);
	if (t->filter_regex)
		regfree(&t->re);
	free_ids(t->marked_ids, t->nmarked);
	free(t->sel_id);
	memset(t, 0, sizeof(*t));
}

void table_begin(struct table *t)
{
	struct table_row *r = table_selected(t);

	/* remember what the user was looking at, by id */
	free(t->sel_id);
	t->sel_id = r ? xstrdup(r->id) : NULL;
	free_ids(t->marked_ids, t->nmarked);
	t->marked_ids = NULL;
	t->nmarked = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		if (!t->rows[i].marked)
			continue;
		t->marked_ids = xrealloc(t->marked_ids, (t->nmarked + 1) * sizeof(char *));
		t->marked_ids[t->nmarked++] = xstrdup(t->rows[i].id);
	}
	rows_free(t, t->nrows_buf, t->nbuild);
	t->nrows_buf = NULL;
	t->nbuild = t->ncap = 0;
}

struct table_row *table_add(struct table *t, const char *id)
{
	struct table_row *r;

	if (t->nbuild == t->ncap) {
		t->ncap = t->ncap ? t->ncap * 2 : 16;
		t->nrows_buf = xrealloc(t->nrows_buf, t->ncap * sizeof(*r));
	}
	r = &t->nrows_buf[t->nbuild++];
	memset(r, 0, sizeof(*r));
	r->id = xstrdup(id ? id : "");
	r->text = xcalloc((size_t)t->ncols, sizeof(char *));
	r->num = xcalloc((size_t)t->ncols, sizeof(double));
	r->role = xcalloc((size_t)t->ncols, 1);
	return r;
}

void table_set(struct table *t, struct table_row *r, int col, const char *text, double num,
	       enum role role)
{
	if (col < 0 || col >= t->ncols)
		return;
	free(r->text[col]);
	r->text[col] = xstrdup(text ? text : "");
	r->num[col] = num;
	r->role[col] = (unsigned char)role;
}

static int row_matches(struct table *t, const struct table_row *r)
{
	if (!t->filter || !*t->filter)
		return 1;
	for (int c = 0; c < t->ncols; c++) {
		const char *s = r->text[c];
		if (!s)
			continue;
		if (t->filter_regex ? regexec(&t->re, s, 0, NULL, 0) == 0 : strcasestr(s, t->filter) != NULL)
			return 1;
	}
	/* the id too, so a pasted id prefix finds its row */
	return !t->filter_regex && str_has_prefix(r->id, t->filter);
}

/* qsort has no context argument: the table being sorted */
static struct table *sort_table;

static int cmp_rows(const void *a, const void *b)
{
	struct table *t = sort_table;
	const struct table_row *ra = &t->rows[*(const size_t *)a];
	const struct table_row *rb = &t->rows[*(const size_t *)b];
	int c = t->sort_col, d = 0;

	if (c >= 0 && c < t->ncols) {
		if (t->cols[c].numeric)
			d = ra->num[c] < rb->num[c] ? -1 : ra->num[c] > rb->num[c];
		else
			d = strcasecmp(ra->text[c] ? ra->text[c] : "", rb->text[c] ? rb->text[c] : "");
		if (t->sort_desc)
			d = -d;
	}
	if (!d) /* stable across refreshes: fall back to the id */
		d = strcmp(ra->id, rb->id);
	return d;
}

static void rebuild_vis(struct table *t)
{
	struct table_row *cur = NULL;
	char *keep = NULL;

	if (t->nvis && t->sel < t->nvis)
		cur = &t->rows[t->vis[t->sel]];
	if (cur)
		keep = xstrdup(cur->id);
	else if (t->sel_id)
		keep = xstrdup(t->sel_id);
	t->vis = xrealloc(t->vis, (t->nrows ? t->nrows : 1) * sizeof(size_t));
	t->nvis = 0;
	for (size_t i = 0; i < t->nrows; i++)
		if (row_matches(t, &t->rows[i]))
			t->vis[t->nvis++] = i;
	sort_table = t;
	qsort(t->vis, t->nvis, sizeof(size_t), cmp_rows);
	sort_table = NULL;
	if (keep && table_select_id(t, keep) == 0) {
		free(keep);
		return;
	}
	free(keep);
	if (t->sel >= t->nvis)
		t->sel = t->nvis ? t->nvis - 1 : 0;
}

void table_end(struct table *t)
{
	size_t old_sel = t->sel;

	rows_free(t, t->rows, t->nrows);
	t->rows = t->nrows_buf;
	t->nrows = t->nbuild;
	t->nrows_buf = NULL;
	t->nbuild = t->ncap = 0;
	for (size_t m = 0; m < t->nmarked; m++)
		for (size_t i = 0; i < t->nrows; i++)
			if (!strcmp(t->rows[i].id, t->marked_ids[m]))
				t->rows[i].marked = 1;
	t->nvis = 0; /* the old vis points into freed rows */
	t->sel = old_sel;
	rebuild_vis(t);
}

int table_set_filter(struct table *t, const char *text, struct tug_err *err)
{
	int is_re = text && strpbrk(text, "^$.*+?()[]{}|\\") != NULL;
	regex_t re;
	int rc;

	if (is_re && (rc = regcomp(&re, text, REG_EXTENDED | REG_ICASE | REG_NOSUB)) != 0) {
		char msg[256];
		regerror(rc, &re, msg, sizeof(msg));
		return tug_errf(err, TUG_E_INVALID, "filter /%s/: %s", text, msg);
	}
	if (t->filter_regex)
		regfree(&t->re);
	free(t->filter);
	t->filter = text && *text ? xstrdup(text) : NULL;
	t->filter_regex = is_re && t->filter;
	if (t->filter_regex)
		t->re = re;
	else if (is_re)
		regfree(&re);
	rebuild_vis(t);
	return 0;
}

void table_sort(struct table *t, int col, int desc)
{
	t->sort_col = col;
	t->sort_desc = desc;
	rebuild_vis(t);
}

void table_select_index(struct table *t, size_t i)
{
	t->sel = t->nvis ? (i >= t->nvis ? t->nvis - 1 : i) : 0;
}

void table_move(struct table *t, long delta)
{
	long s = (long)t->sel + delta;

	if (s < 0)
		s = 0;
	table_select_index(t, (size_t)s);
}

void table_home(struct table *t)
{
	t->sel = 0;
}

void table_end_row(struct table *t)
{
	table_select_index(t, t->nvis ? t->nvis - 1 : 0);
}

void table_page(struct table *t, int dir)
{
	long page = t->last_h > 2 ? t->last_h - 2 : 1;

	table_move(t, dir * page);
}

int table_select_id(struct table *t, const char *id)
{
	for (size_t i = 0; i < t->nvis; i++)
		if (!strcmp(t->rows[t->vis[i]].id, id)) {
			t->sel = i;
			return 0;
		}
	return -1;
}

struct table_row *table_selected(struct table *t)
{
	return t->nvis && t->sel < t->nvis ? &t->rows[t->vis[t->sel]] : NULL;
}

int table_toggle_mark(struct table *t)
{
	struct table_row *r = table_selected(t);

	if (!r)
		return 0;
	r->marked = !r->marked;
	return r->marked;
}

void table_clear_marks(struct table *t)
{
	for (size_t i = 0; i < t->nrows; i++)
		t->rows[i].marked = 0;
}

size_t table_targets(struct table *t, struct table_row ***out)
{
	size_t n = 0;
	struct table_row *r;

	*out = NULL;
	for (size_t i = 0; i < t->nvis; i++) {
		r = &t->rows[t->vis[i]];
		if (!r->marked)
			continue;
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n++] = r;
	}
	if (!n && (r = table_selected(t))) {
		*out = xmalloc(sizeof(**out));
		(*out)[n++] = r;
	}
	return n;
}

void table_set_busy(struct table *t, const char *id, int busy)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].id, id))
			t->rows[i].busy = busy ? 1 : 0;
}

/* Column widths for the width available: minimums first, dropping the
 * highest-prio columns while they do not fit, then spare width by flex. */
static void layout(struct table *t, int wd)
{
	int shown[32], total, flex = 0, gap = 1, gutter = 2, spare;

	for (int c = 0; c < t->ncols; c++)
		shown[c] = 1;
	for (;;) {
		total = gutter;
		int n = 0;
		for (int c = 0; c < t->ncols; c++)
			if (shown[c]) {
				total += t->cols[c].width + (n ? gap : 0);
				n++;
			}
		if (total <= wd || n <= 1)
			break;
		int drop = -1;
		for (int c = t->ncols - 1; c >= 0; c--)
			if (shown[c] && (drop < 0 || t->cols[c].prio > t->cols[drop].prio))
				drop = c;
		if (drop < 0 || t->cols[drop].prio == 0) {
			/* nothing optional left: drop from the right */
			for (int c = t->ncols - 1; c > 0; c--)
				if (shown[c]) {
					drop = c;
					break;
				}
		}
		shown[drop] = 0;
	}
	spare = wd - total;
	for (int c = 0; c < t->ncols; c++)
		if (shown[c])
			flex += t->cols[c].flex;
	int x = gutter, first = 1, given = 0, flexleft = flex;
	for (int c = 0; c < t->ncols; c++) {
		if (!shown[c]) {
			t->col_w[c] = 0;
			t->col_x[c] = 0;
			continue;
		}
		if (!first)
			x += gap;
		first = 0;
		int extra = 0;
		if (spare > 0 && t->cols[c].flex) {
			flexleft -= t->cols[c].flex;
			extra = flexleft ? spare * t->cols[c].flex / flex : spare - given;
			given += extra;
		}
		t->col_x[c] = x;
		t->col_w[c] = t->cols[c].width + extra;
		if (x + t->col_w[c] > wd)
			t->col_w[c] = wd - x > 0 ? wd - x : 0;
		x += t->col_w[c];
	}
}

static void draw_cell(WINDOW *w, int y, int x, int cw, const char *s, int right)
{
	int sw = ui_width(s);

	if (sw > cw && cw > 1) {
		/* truncate with an ellipsis so a cut name reads as cut */
		ui_put(w, y, x, cw - 1, s);
		ui_put(w, y, x + cw - 1, 1, ui_glyphs.ellipsis);
		return;
	}
	if (right)
		ui_put_right(w, y, x, cw, s);
	else
		ui_put(w, y, x, cw, s);
}

void table_draw(struct table *t, WINDOW *w, int y, int x, int h, int wd, int focused)
{
	int rows = h - 1;

	(void)focused;
	if (h <= 0 || wd <= 0)
		return;
	layout(t, wd);
	t->last_h = rows;
	/* header */
	ui_role(w, ROLE_TABLE_HEADER);
	ui_fill(w, y, x, wd);
	for (int c = 0; c < t->ncols; c++) {
		int cw = t->col_w[c];
		char title[64];
		if (!cw)
			continue;
		if (c == t->sort_col) {
			snprintf(title, sizeof(title), "%s%s", t->cols[c].title,
				 t->sort_desc ? ui_glyphs.sort_down : ui_glyphs.sort_up);
			ui_role(w, ROLE_TABLE_SORTED);
		} else {
			snprintf(title, sizeof(title), "%s", t->cols[c].title);
			ui_role(w, ROLE_TABLE_HEADER);
		}
		draw_cell(w, y, x + t->col_x[c], cw, title, t->cols[c].right);
	}
	if (rows <= 0)
		return;
	/* keep the selection in sight */
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + (size_t)rows)
		t->top = t->sel - (size_t)rows + 1;
	if (t->top + (size_t)rows > t->nvis)
		t->top = t->nvis > (size_t)rows ? t->nvis - (size_t)rows : 0;
	for (int i = 0; i < rows; i++) {
		size_t vi = t->top + (size_t)i;
		int ry = y + 1 + i;
		struct table_row *r;
		int selected;

		ui_role(w, ROLE_NORMAL);
		ui_fill(w, ry, x, wd);
		if (vi >= t->nvis)
			continue;
		r = &t->rows[t->vis[vi]];
		selected = vi == t->sel;
		enum role base = selected ? ROLE_ROW_SELECTED : r->marked ? ROLE_ROW_MARKED
			: r->dim ? ROLE_MUTED : ROLE_NORMAL;
		ui_role(w, base);
		ui_fill(w, ry, x, wd);
		if (r->busy) {
			ui_role(w, selected ? base : ROLE_SPINNER);
			ui_glyph(w, ry, x, ui_glyphs.spinner[t->spin % ui_glyphs.nspinner]);
		} else if (r->marked) {
			ui_glyph(w, ry, x, ui_glyphs.mark);
		}
		for (int c = 0; c < t->ncols; c++) {
			if (!t->col_w[c])
				continue;
			enum role cr = base;
			if (!selected && !r->marked && r->role[c] != ROLE_NORMAL)
				cr = (enum role)r->role[c];
			ui_role(w, cr);
			draw_cell(w, ry, x + t->col_x[c], t->col_w[c], r->text[c] ? r->text[c] : "",
				  t->cols[c].right);
		}
	}
	ui_role(w, ROLE_NORMAL);
}

long table_hit(struct table *t, int y, int x, int top_y, int *col)
{
	if (y == top_y) {
		for (int c = 0; c < t->ncols; c++)
			if (t->col_w[c] && x >= t->col_x[c] && x < t->col_x[c] + t->col_w[c]) {
				*col = c;
				return -2;
			}
		return -1;
	}
	if (y > top_y && y <= top_y + t->last_h) {
		size_t vi = t->top + (size_t)(y - top_y - 1);
		return vi < t->nvis ? (long)vi : -1;
	}
	return -1;
}
