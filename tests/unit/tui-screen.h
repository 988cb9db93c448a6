/* tui-screen.h - an off-screen curses terminal for widget tests: output
 * goes to /dev/null, windows keep their cells, and tests read them back
 * with ui_row_text() and mvwin_wch(). */
#ifndef TUG_TUI_SCREEN_H
#define TUG_TUI_SCREEN_H

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include "theme.h"
#include "ui.h"

static SCREEN *ts_screen;
static FILE *ts_out, *ts_in;

/* utf8 picks the locale (and so the glyphs); colors starts colour. */
static inline void ts_open(int utf8, int colors)
{
	struct theme th;

	setlocale(LC_ALL, utf8 ? "C.UTF-8" : "C");
	ui_glyphs_init();
	setenv("LINES", "50", 1);
	setenv("COLUMNS", "200", 1);
	ts_out = fopen("/dev/null", "w");
	ts_in = fopen("/dev/null", "r");
	ts_screen = newterm("xterm-256color", ts_out, ts_in);
	if (!ts_screen) {
		printf("Bail out! newterm failed (no xterm-256color terminfo?)\n");
		exit(1);
	}
	if (colors)
		start_color();
	theme_builtin(&th);
	theme_apply(&th, colors ? CM_256 : CM_MONO);
}

static inline void ts_close(void)
{
	endwin();
	delscreen(ts_screen);
	fclose(ts_out);
	fclose(ts_in);
}

/* Row y of w as UTF-8, trailing blanks removed. */
static inline const char *ts_row(WINDOW *w, int y)
{
	static char buf[4096];
	size_t n;

	ui_row_text(w, y, buf, sizeof(buf));
	n = strlen(buf);
	while (n && buf[n - 1] == ' ')
		buf[--n] = 0;
	return buf;
}

/* The wide character in cell y,x. */
static inline wchar_t ts_cell(WINDOW *w, int y, int x)
{
	cchar_t cc;
	wchar_t wcs[CCHARW_MAX + 1] = { 0 };
	attr_t a;
	short p;

	mvwin_wch(w, y, x, &cc);
	getcchar(&cc, wcs, &a, &p, NULL);
	return wcs[0];
}

/* The attributes of cell y,x. */
static inline attr_t ts_attr(WINDOW *w, int y, int x)
{
	cchar_t cc;
	wchar_t wcs[CCHARW_MAX + 1];
	attr_t a;
	short p;

	mvwin_wch(w, y, x, &cc);
	getcchar(&cc, wcs, &a, &p, NULL);
	return a;
}

#endif
