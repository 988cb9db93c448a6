/* draw.c - glyph sets and clipped, sanitised text output. */
#include "ui.h"

#include <langinfo.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const spin_utf8[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏" };
static const char *const spin_ascii[] = { "|", "/", "-", "\\" };

struct glyphs ui_glyphs;

void ui_glyphs_set(int utf8)
{
	ui_glyphs.utf8 = utf8;
	if (utf8) {
		ui_glyphs.mark = "●";
		ui_glyphs.sort_up = "▲";
		ui_glyphs.sort_down = "▼";
		ui_glyphs.ellipsis = "…";
		ui_glyphs.spinner = spin_utf8;
		ui_glyphs.nspinner = 10;
	} else {
		ui_glyphs.mark = "*";
		ui_glyphs.sort_up = "^";
		ui_glyphs.sort_down = "v";
		ui_glyphs.ellipsis = "~";
		ui_glyphs.spinner = spin_ascii;
		ui_glyphs.nspinner = 4;
	}
}

void ui_glyphs_init(void)
{
	const char *cs = nl_langinfo(CODESET);

	ui_glyphs_set(cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8")));
}

/* Length of an ANSI escape sequence starting at s[0] == ESC. */
static size_t esc_len(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 2)
		return n;
	if (s[1] == '[') {          /* CSI: parameters, then a final byte @..~ */
		for (i = 2; i < n; i++)
			if ((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e)
				return i + 1;
		return n;
	}
	if (s[1] == ']') {          /* OSC: up to BEL or ESC \ */
		for (i = 2; i < n; i++) {
			if (s[i] == '\a')
				return i + 1;
			if (s[i] == 0x1b && i + 1 < n && s[i + 1] == '\\')
				return i + 2;
		}
		return n;
	}
	return 2;
}

size_t ui_decode(const char *s, size_t n, wchar_t *wc, int *cols)
{
	unsigned char c = (unsigned char)s[0];
	mbstate_t st;
	size_t len;
	int cw;

	if (c == 0x1b) {
		*wc = 0;
		*cols = 0;
		return esc_len(s, n);
	}
	if (c < 0x80) {
		*wc = (c < 0x20 || c == 0x7f) ? L'?' : (wchar_t)c;
		if (c == '\t')
			*wc = L' ';
		*cols = 1;
		return 1;
	}
	if (!ui_glyphs.utf8) {
		/* a UTF-8 sequence still counts as one character */
		len = 1;
		while (len < n && ((unsigned char)s[len] & 0xc0) == 0x80 && len < 4)
			len++;
		*wc = L'?';
		*cols = 1;
		return len;
	}
	memset(&st, 0, sizeof(st));
	len = mbrtowc(wc, s, n, &st);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*wc = L'?';
		*cols = 1;
		return 1;
	}
	cw = wcwidth(*wc);
	if (cw < 0) {
		*wc = L'?';
		cw = 1;
	}
	*cols = cw;
	return len;
}

void ui_addwc(WINDOW *w, wchar_t wc)
{
	if (wc < 0x80) {
		waddch(w, (chtype)wc);
	} else {
		wchar_t ws[2] = { wc, 0 };
		waddnwstr(w, ws, 1);
	}
}

int ui_putn(WINDOW *w, int y, int x, int maxw, const char *s, size_t n)
{
	int used = 0, cols;
	wchar_t wc;
	size_t i = 0, k;

	if (!s || maxw <= 0)
		return 0;
	wmove(w, y, x);
	while (i < n && s[i]) {
		k = ui_decode(s + i, n - i, &wc, &cols);
		i += k;
		if (!cols && !wc)
			continue;
		if (used + cols > maxw)
			break;
		if (cols == 0)
			continue; /* a combining mark: dropped, the base stays */
		ui_addwc(w, wc);
		used += cols;
	}
	return used;
}

int ui_put(WINDOW *w, int y, int x, int maxw, const char *s)
{
	return s ? ui_putn(w, y, x, maxw, s, strlen(s)) : 0;
}

int ui_width(const char *s)
{
	int used = 0, cols;
	wchar_t wc;
	size_t n, i = 0;

	if (!s)
		return 0;
	n = strlen(s);
	while (i < n) {
		i += ui_decode(s + i, n - i, &wc, &cols);
		used += cols;
	}
	return used;
}

int ui_put_right(WINDOW *w, int y, int x, int maxw, const char *s)
{
	int wd = ui_width(s);

	if (wd > maxw)
		wd = maxw;
	return ui_put(w, y, x + maxw - wd, wd, s);
}

void ui_fill(WINDOW *w, int y, int x, int n)
{
	if (n > 0)
		mvwhline(w, y, x, ' ', n);
}

/* A cell holding a box-drawing character in the window's current
 * attributes. Unicode itself, not the terminal's line-drawing set: that
 * one goes through SO/SI switching some terminals and multiplexers mangle. */
static cchar_t *box_cell(WINDOW *w, wchar_t c, cchar_t *cc)
{
	wchar_t ws[2] = { c, 0 };
	attr_t a;
	short p;
	int ep = 0;

	wattr_get(w, &a, &p, &ep);
	setcchar(cc, ws, a, (short)ep, &ep);
	return cc;
}

void ui_hline(WINDOW *w, int y, int x, int n)
{
	cchar_t cc;

	if (n <= 0)
		return;
	if (ui_glyphs.utf8)
		mvwhline_set(w, y, x, box_cell(w, L'─', &cc), n);
	else
		mvwhline(w, y, x, ACS_HLINE, n);
}

void ui_vline(WINDOW *w, int y, int x, int n)
{
	cchar_t cc;

	if (n <= 0)
		return;
	if (ui_glyphs.utf8)
		mvwvline_set(w, y, x, box_cell(w, L'│', &cc), n);
	else
		mvwvline(w, y, x, ACS_VLINE, n);
}

void ui_box(WINDOW *w, int y, int x, int h, int wd)
{
	cchar_t cc;

	ui_hline(w, y, x, wd);
	ui_hline(w, y + h - 1, x, wd);
	ui_vline(w, y, x, h);
	ui_vline(w, y, x + wd - 1, h);
	if (ui_glyphs.utf8) {
		mvwadd_wch(w, y, x, box_cell(w, L'┌', &cc));
		mvwadd_wch(w, y, x + wd - 1, box_cell(w, L'┐', &cc));
		mvwadd_wch(w, y + h - 1, x, box_cell(w, L'└', &cc));
		mvwadd_wch(w, y + h - 1, x + wd - 1, box_cell(w, L'┘', &cc));
	} else {
		mvwaddch(w, y, x, ACS_ULCORNER);
		mvwaddch(w, y, x + wd - 1, ACS_URCORNER);
		mvwaddch(w, y + h - 1, x, ACS_LLCORNER);
		mvwaddch(w, y + h - 1, x + wd - 1, ACS_LRCORNER);
	}
}

void ui_glyph(WINDOW *w, int y, int x, const char *g)
{
	ui_put(w, y, x, 2, g);
}

char *ui_row_text(WINDOW *w, int y, char *buf, size_t size)
{
	int cols = getmaxx(w);
	size_t o = 0;
	cchar_t cc;
	wchar_t wcs[CCHARW_MAX + 1];
	attr_t a;
	short p;
	char mb[MB_LEN_MAX];
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	for (int x = 0; x < cols && o + MB_LEN_MAX + 1 < size; x++) {
		if (mvwin_wch(w, y, x, &cc) == ERR)
			break;
		getcchar(&cc, wcs, &a, &p, NULL);
		if (!wcs[0])
			continue; /* the right half of a wide character */
		size_t k = wcrtomb(mb, wcs[0], &st);
		if (k == (size_t)-1) {
			mb[0] = '?';
			k = 1;
		}
		memcpy(buf + o, mb, k);
		o += k;
	}
	buf[o] = 0;
	return buf;
}
