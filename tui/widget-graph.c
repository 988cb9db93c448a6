/* widget-graph.c - ring buffer to braille, block or ASCII cells. */
#include "widget-graph.h"
#include "util/str.h"


#include <stdlib.h>
#include <string.h>

void graph_init(struct graph *g, size_t cap, int dual)
{
	memset(g, 0, sizeof(*g));
	g->cap = cap ? cap : 1;
	g->a = xcalloc(g->cap, sizeof(double));
	if (dual)
		g->b = xcalloc(g->cap, sizeof(double));
}

void graph_release(struct graph *g)
{
	free(g->a);
	free(g->b);
	memset(g, 0, sizeof(*g));
}

void graph_push(struct graph *g, double a, double b)
{
	if (!g->a)
		return;
	g->a[g->head] = !(a >= 0) ? 0 : a;
	if (g->b)
		g->b[g->head] = !(b >= 0) ? 0 : b;
	g->head = (g->head + 1) % g->cap;
	if (g->n < g->cap)
		g->n++;
}

void graph_clear(struct graph *g)
{
	g->n = 0;
	g->head = 0;
}

double graph_at(const struct graph *g, int series, size_t i)
{
	const double *v = series ? g->b : g->a;

	if (!v || i >= g->n)
		return 0;
	return v[(g->head + g->cap - 1 - i) % g->cap];
}

double graph_max(const struct graph *g, int series, size_t n)
{
	double m = 0;

	for (size_t i = 0; i < n && i < g->n; i++)
		if (graph_at(g, series, i) > m)
			m = graph_at(g, series, i);
	return m;
}

int graph_per_cell(enum graph_mode m)
{
	return m == GM_BRAILLE ? 2 : 1;
}

static int levels_per_cell(enum graph_mode m)
{
	return m == GM_BRAILLE ? 4 : m == GM_BLOCK ? 8 : 2;
}

/* Height in levels of a sample: at least one when the value is positive. */
static int level(double v, double max, int total)
{
	int l;

	if (v <= 0 || max <= 0)
		return 0;
	l = (int)(v / max * total + 0.5);
	if (l < 1)
		l = 1;
	return l > total ? total : l;
}

/* braille dot bits: [column][row from the top] */
static const unsigned dot[2][4] = { { 0x01, 0x02, 0x04, 0x40 }, { 0x08, 0x10, 0x20, 0x80 } };

static void put_braille(WINDOW *w, int y, int x, unsigned bits)
{
	wchar_t ws[2] = { (wchar_t)(0x2800 + bits), 0 };

	mvwaddnwstr(w, y, x, ws, 1);
}

/* Levels filled in cell row `row` (0 = top) of a column `lv` levels high
 * growing up from the bottom of an area `rows` cells high. */
static int fill_in_row(int lv, int row, int rows, int per)
{
	int from_bottom = rows - 1 - row;
	int f = lv - from_bottom * per;

	return f < 0 ? 0 : f > per ? per : f;
}

static void draw_cell_up(WINDOW *w, int y, int x, const int *lv, int nsamp, int row, int rows,
			 enum graph_mode m)
{
	int per = levels_per_cell(m);

	if (m == GM_BRAILLE) {
		unsigned bits = 0;
		for (int s = 0; s < nsamp; s++) {
			int f = fill_in_row(lv[s], row, rows, per);
			for (int d = 0; d < f; d++)
				bits |= dot[s][3 - d];
		}
		if (bits)
			put_braille(w, y, x, bits);
		else
			mvwaddch(w, y, x, ' ');
		return;
	}
	int f = fill_in_row(lv[0], row, rows, per);
	if (m == GM_BLOCK) {
		if (f) {
			wchar_t ws[2] = { (wchar_t)(0x2580 + f), 0 };
			mvwaddnwstr(w, y, x, ws, 1);
		} else {
			mvwaddch(w, y, x, ' ');
		}
	} else {
		mvwaddch(w, y, x, f == 2 ? '#' : f == 1 ? '.' : ' ');
	}
}

/* The mirrored half: levels grow down from the top of the area. */
static void draw_cell_down(WINDOW *w, int y, int x, const int *lv, int nsamp, int row,
			   enum graph_mode m)
{
	int per = levels_per_cell(m);

	if (m == GM_BRAILLE) {
		unsigned bits = 0;
		for (int s = 0; s < nsamp; s++) {
			int f = lv[s] - row * per;
			f = f < 0 ? 0 : f > per ? per : f;
			for (int d = 0; d < f; d++)
				bits |= dot[s][d];
		}
		if (bits)
			put_braille(w, y, x, bits);
		else
			mvwaddch(w, y, x, ' ');
		return;
	}
	int f = lv[0] - row * per;
	f = f < 0 ? 0 : f > per ? per : f;
	if (m == GM_BLOCK) {
		/* only the upper half and full blocks grow downwards */
		wchar_t c = f == 0 ? L' ' : f >= 6 ? 0x2588 : f >= 3 ? 0x2580 : 0x2594;
		wchar_t ws[2] = { c, 0 };
		mvwaddnwstr(w, y, x, ws, 1);
	} else {
		mvwaddch(w, y, x, f == 2 ? '#' : f == 1 ? '\'' : ' ');
	}
}

void graph_draw(const struct graph *g, WINDOW *w, int y, int x, int h, int wd,
		double max_a, double max_b, enum role ra, enum role rb, enum graph_mode m)
{
	int per_cell = graph_per_cell(m), per = levels_per_cell(m);
	size_t shown = (size_t)wd * (size_t)per_cell;
	int dual = g->b != NULL;
	int up_rows = dual ? (h + 1) / 2 : h, down_rows = dual ? h - up_rows : 0;
	int up_total, down_total;

	if (h <= 0 || wd <= 0)
		return;
	if (dual && h == 1 && m == GM_BRAILLE) {
		/* one braille row still halves: two dots each way */
		up_rows = 1;
		down_rows = 0;
	}
	if (max_a <= 0)
		max_a = graph_max(g, 0, shown);
	if (dual && max_b <= 0)
		max_b = graph_max(g, 1, shown);
	up_total = up_rows * per;
	down_total = down_rows * per;
	if (dual && h == 1 && m == GM_BRAILLE)
		up_total = 2;
	for (int col = 0; col < wd; col++) {
		int lva[2] = { 0, 0 }, lvb[2] = { 0, 0 };
		/* newest sample at the right edge; within a braille cell the
		 * right dot column is the newer sample */
		for (int s = 0; s < per_cell; s++) {
			size_t age = (size_t)(wd - 1 - col) * (size_t)per_cell + (size_t)(per_cell - 1 - s);
			if (age >= g->n)
				continue;
			lva[s] = level(graph_at(g, 0, age), max_a, up_total);
			if (dual)
				lvb[s] = level(graph_at(g, 1, age), max_b, dual && h == 1 && m == GM_BRAILLE ? 2 : down_total);
		}
		if (dual && h == 1 && m == GM_BRAILLE) {
			unsigned bits = 0;
			for (int s = 0; s < 2; s++) {
				for (int d = 0; d < lva[s]; d++)
					bits |= dot[s][1 - d];
				for (int d = 0; d < lvb[s]; d++)
					bits |= dot[s][2 + d];
			}
			ui_role(w, lva[0] + lva[1] >= lvb[0] + lvb[1] ? ra : rb);
			if (bits)
				put_braille(w, y, x + col, bits);
			else
				mvwaddch(w, y, x + col, ' ');
			continue;
		}
		ui_role(w, ra);
		for (int row = 0; row < up_rows; row++)
			draw_cell_up(w, y + row, x + col, lva, per_cell, row, up_rows, m);
		ui_role(w, rb);
		for (int row = 0; row < down_rows; row++)
			draw_cell_down(w, y + up_rows + row, x + col, lvb, per_cell, row, m);
	}
	ui_role(w, ROLE_NORMAL);
}
