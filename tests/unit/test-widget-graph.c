/* Graph widget: ring buffer, braille cells (2 samples x 4 dots), block
 * and ASCII fallbacks, the mirrored dual series, scaling. */
#include "t.h"
#include "tui-screen.h"
#include "widget-graph.h"

int main(void)
{
	struct graph g;
	WINDOW *w;

	ts_open(1, 0);
	w = newwin(10, 40, 0, 0);

	graph_init(&g, 5, 0);
	for (int i = 1; i <= 7; i++)
		graph_push(&g, i, 0);
	T_OK(g.n == 5, "ring keeps its capacity (5)");
	T_OK(graph_at(&g, 0, 0) == 7 && graph_at(&g, 0, 4) == 3, "newest is 7, oldest kept is 3");
	T_OK(graph_max(&g, 0, 5) == 7, "max over the shown samples");
	graph_push(&g, -3, 0);
	T_OK(graph_at(&g, 0, 0) == 0, "negative samples clamp to 0");
	graph_release(&g);

	/* braille: one row, full value at the right edge */
	graph_init(&g, 100, 0);
	graph_push(&g, 100, 0);   /* older: left dot column of the last cell */
	graph_push(&g, 50, 0);    /* newest: right dot column */
	werase(w);
	graph_draw(&g, w, 0, 0, 1, 10, 100, 0, ROLE_GRAPH_CPU, ROLE_GRAPH_CPU, GM_BRAILLE);
	/* left column 4 dots (1,2,3,7 = 0x47), right column 2 dots (6,8 = 0xa0) */
	T_OK(ts_cell(w, 0, 9) == (wchar_t)(0x2800 + 0x47 + 0xa0), "braille cell holds two samples: U+%04X",
	     (unsigned)ts_cell(w, 0, 9));
	T_OK(ts_cell(w, 0, 8) == L' ', "no samples there: blank");

	/* braille over 2 rows: 100% fills both rows, 25% only the bottom */
	graph_clear(&g);
	graph_push(&g, 25, 0);
	graph_push(&g, 100, 0);
	werase(w);
	graph_draw(&g, w, 0, 0, 2, 10, 100, 0, ROLE_GRAPH_CPU, ROLE_GRAPH_CPU, GM_BRAILLE);
	T_OK(ts_cell(w, 0, 9) == (wchar_t)(0x2800 + 0xb8), "top row: only the right column (100%%): U+%04X",
	     (unsigned)ts_cell(w, 0, 9));
	T_OK(ts_cell(w, 1, 9) == (wchar_t)(0x2800 + 0xb8 + 0x44), "bottom row: right full, left two dots (25%% of 8): U+%04X",
	     (unsigned)ts_cell(w, 1, 9));

	/* a tiny value never disappears */
	graph_clear(&g);
	graph_push(&g, 0.01, 0);
	werase(w);
	graph_draw(&g, w, 0, 0, 3, 10, 100, 0, ROLE_GRAPH_CPU, ROLE_GRAPH_CPU, GM_BRAILLE);
	T_OK(ts_cell(w, 2, 9) == (wchar_t)(0x2800 + 0x80), "0.01%% still shows one dot: U+%04X",
	     (unsigned)ts_cell(w, 2, 9));

	/* auto scale: max <= 0 uses the largest sample */
	graph_clear(&g);
	graph_push(&g, 3, 0);
	graph_push(&g, 6, 0);
	werase(w);
	graph_draw(&g, w, 0, 0, 1, 10, 0, 0, ROLE_GRAPH_CPU, ROLE_GRAPH_CPU, GM_BRAILLE);
	T_OK(ts_cell(w, 0, 9) == (wchar_t)(0x2800 + 0x44 + 0xb8), "auto scale: 6 is full, 3 half: U+%04X",
	     (unsigned)ts_cell(w, 0, 9));

	/* block mode: one sample per cell, eighths */
	graph_clear(&g);
	graph_push(&g, 50, 0);
	graph_push(&g, 100, 0);
	werase(w);
	graph_draw(&g, w, 0, 0, 1, 10, 100, 0, ROLE_GRAPH_CPU, ROLE_GRAPH_CPU, GM_BLOCK);
	T_OK(ts_cell(w, 0, 9) == L'█' && ts_cell(w, 0, 8) == L'▄', "block: full and half blocks");

	/* history longer than the width: only the newest fit */
	graph_clear(&g);
	for (int i = 0; i < 100; i++)
		graph_push(&g, i < 90 ? 100 : 0, 0);
	werase(w);
	graph_draw(&g, w, 0, 0, 1, 10, 100, 0, ROLE_GRAPH_CPU, ROLE_GRAPH_CPU, GM_BRAILLE);
	T_OK(ts_cell(w, 0, 9) == L' ' && ts_cell(w, 0, 0) == L'⣿', "20 samples in 10 cells: the old busy ones scrolled left");
	graph_release(&g);

	/* dual: rx up, tx down */
	graph_init(&g, 50, 1);
	graph_push(&g, 10, 0);
	graph_push(&g, 0, 10);
	werase(w);
	graph_draw(&g, w, 0, 0, 2, 10, 10, 10, ROLE_GRAPH_NET_RX, ROLE_GRAPH_NET_TX, GM_BRAILLE);
	T_OK(ts_cell(w, 0, 9) == (wchar_t)(0x2800 + 0x47), "dual: older rx sample fills the top half (left column)");
	T_OK(ts_cell(w, 1, 9) == (wchar_t)(0x2800 + 0xb8), "dual: newer tx sample fills the bottom half (right column)");
	graph_release(&g);
	ts_close();

	/* ASCII in a non-UTF-8 locale */
	ts_open(0, 0);
	w = newwin(10, 40, 0, 0);
	graph_init(&g, 50, 0);
	graph_push(&g, 100, 0);
	graph_push(&g, 25, 0);
	graph_push(&g, 0, 0);
	werase(w);
	graph_draw(&g, w, 0, 0, 2, 10, 100, 0, ROLE_GRAPH_CPU, ROLE_GRAPH_CPU, GM_ASCII);
	T_OK(ts_cell(w, 0, 7) == L'#' && ts_cell(w, 1, 7) == L'#', "ascii: 100%% is '#' in every row");
	T_OK(ts_cell(w, 0, 8) == L' ' && ts_cell(w, 1, 8) == L'.', "ascii: 25%% is a '.' at the bottom");
	T_OK(ts_cell(w, 1, 9) == L' ', "ascii: 0 is blank");
	const char *row = ts_row(w, 1);
	int ascii = 1;
	for (const char *p = row; *p; p++)
		if ((unsigned char)*p >= 0x80)
			ascii = 0;
	T_OK(ascii, "ascii graph row has no byte above 0x7f: '%s'", row);
	graph_release(&g);
	ts_close();
	return T_DONE();
}
