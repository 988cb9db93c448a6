/* widget-graph.h - a time series in a ring buffer, drawn right-aligned
 * (newest sample at the right edge) as a filled area:
 *   braille  2 samples x 4 levels per cell (UTF-8 terminals)
 *   block    1 sample x 8 levels per cell (▁▂▃▄▅▆▇█)
 *   ascii    1 sample x 2 levels per cell ('.', '#')
 * A dual graph mirrors a second series below a middle line (rx above,
 * tx below), so both rates share one box.
 */
#ifndef TUG_WIDGET_GRAPH_H
#define TUG_WIDGET_GRAPH_H

#include <stddef.h>
#include "theme.h"

enum graph_mode { GM_BRAILLE, GM_BLOCK, GM_ASCII };

struct graph {
	double *a, *b;      /* b only for dual graphs */
	size_t cap, n, head;
};

void graph_init(struct graph *g, size_t cap, int dual);
void graph_release(struct graph *g);
/* Append a sample (b ignored unless dual); the oldest drops out. */
void graph_push(struct graph *g, double a, double b);
void graph_clear(struct graph *g);
/* i-th newest sample (0 = newest) of series 0 (a) or 1 (b). */
double graph_at(const struct graph *g, int series, size_t i);
/* Largest value among the newest n samples of a series. */
double graph_max(const struct graph *g, int series, size_t n);
/* Samples one cell holds in a mode. */
int graph_per_cell(enum graph_mode m);

/* Draw into w at y,x, h rows by wd columns. max <= 0 scales to the
 * largest shown sample. A non-zero sample always shows at least one dot,
 * so activity is never invisible. */
void graph_draw(const struct graph *g, WINDOW *w, int y, int x, int h, int wd,
		double max_a, double max_b, enum role ra, enum role rb, enum graph_mode m);

#endif
