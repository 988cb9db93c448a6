/* ui.h - what every console file shares: the curses include (wide
 * characters on), the glyph set chosen from the locale, and text drawing
 * that clips to a width and never lets control bytes reach the terminal.
 * Widgets draw into any WINDOW, so tests use an off-screen terminal. */
#ifndef TUG_UI_H
#define TUG_UI_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/* Glyphs depend on the locale: UTF-8 terminals get braille graphs and
 * box drawing; anything else gets ASCII. */
struct glyphs {
	int utf8;
	const char *mark;        /* marked row */
	const char *sort_up, *sort_down;
	const char *ellipsis;    /* truncated text */
	const char *const *spinner;
	int nspinner;
};
extern struct glyphs ui_glyphs;

/* Pick glyphs from the current locale's codeset (call after setlocale). */
void ui_glyphs_init(void);
/* Force a glyph set (tests, config graph_style). */
void ui_glyphs_set(int utf8);

/* Draw s (UTF-8) at y,x clipped to maxw columns; control characters are
 * shown as '?', non-ASCII as '?' in a non-UTF-8 locale, ANSI escape
 * sequences are dropped. Returns the number of columns drawn. */
int ui_put(WINDOW *w, int y, int x, int maxw, const char *s);
/* Same for n bytes of s. */
int ui_putn(WINDOW *w, int y, int x, int maxw, const char *s, size_t n);
/* Add one decoded character at the cursor. */
void ui_addwc(WINDOW *w, wchar_t wc);
/* Columns the string takes once drawn by ui_put (same rules). */
int ui_width(const char *s);
/* ui_put right-aligned so the text ends at column x+maxw. */
int ui_put_right(WINDOW *w, int y, int x, int maxw, const char *s);
/* Fill a row segment with spaces in the current attributes. */
void ui_fill(WINDOW *w, int y, int x, int n);
/* Lines and boxes: Unicode box drawing in a UTF-8 locale, the
 * terminal's line-drawing set (or ASCII) otherwise. */
void ui_hline(WINDOW *w, int y, int x, int n);
void ui_vline(WINDOW *w, int y, int x, int n);
void ui_box(WINDOW *w, int y, int x, int h, int wd);
/* Draw one glyph string (a single cell) at y,x. */
void ui_glyph(WINDOW *w, int y, int x, const char *g);

/* Decode one character of s (at most n bytes) the way ui_put shows it:
 * stores the wide character to draw in *wc (L'?' for junk), its width in
 * *cols, and returns the bytes consumed (>= 1). ESC sequences return
 * their length with *cols = 0. */
size_t ui_decode(const char *s, size_t n, wchar_t *wc, int *cols);

/* Read the text of row y of a window into buf (UTF-8, trailing spaces
 * kept), for tests and for the status line's copy of the screen. */
char *ui_row_text(WINDOW *w, int y, char *buf, size_t size);

#endif
