/* Log view: bounded ring (lines and bytes), partial lines, follow and
 * scrollback, wrap, search n/N, timestamps, stream colours. */
#include "t.h"
#include "tui-screen.h"
#include "widget-logview.h"

#include <string.h>

static void add(struct logview *lv, int stream, const char *s)
{
	struct tug_log_line l = { .time_ns = 1764338822123000000LL, .stream = stream,
				  .text = s, .len = strlen(s) };
	logview_append(lv, &l);
}

int main(void)
{
	struct logview lv;
	WINDOW *w;
	char line[64];

	ts_open(1, 1);
	w = newwin(10, 40, 0, 0);

	/* bound by lines */
	logview_init(&lv, 100, 1 << 20);
	for (int i = 0; i < 1000; i++) {
		snprintf(line, sizeof(line), "line %d", i);
		add(&lv, 1, line);
	}
	T_OK(logview_count(&lv) == 100, "ring holds 100 of 1000 lines");
	T_STREQ(logview_get(&lv, 0)->text, "line 900", "the oldest kept is line 900");
	T_STREQ(logview_get(&lv, 99)->text, "line 999", "the newest is line 999");
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	T_STREQ(ts_row(w, 9), "line 999", "following: the newest line at the bottom");
	T_STREQ(ts_row(w, 0), "line 990", "ten lines shown");
	logview_release(&lv);

	/* bound by bytes; an enormous line is cut */
	logview_init(&lv, 100000, 4096);
	char *big = malloc(100000);
	memset(big, 'x', 99999);
	big[99999] = 0;
	add(&lv, 1, big);
	T_OK(logview_count(&lv) == 1 && logview_get(&lv, 0)->len == LOGVIEW_MAX_LINE,
	     "a 100 kB line is cut to %d bytes", LOGVIEW_MAX_LINE);
	for (int i = 0; i < 1000; i++)
		add(&lv, 1, "0123456789");
	T_OK(lv.bytes <= 4096 && logview_count(&lv) == 409, "byte budget holds: %zu bytes in %zu lines",
	     lv.bytes, logview_count(&lv));
	free(big);
	logview_release(&lv);

	/* partial lines are joined */
	logview_init(&lv, 100, 1 << 20);
	struct tug_log_line p1 = { .stream = 1, .text = "hello ", .len = 6, .partial = 1 };
	struct tug_log_line p2 = { .stream = 1, .text = "wor", .len = 3, .partial = 1 };
	struct tug_log_line p3 = { .stream = 1, .text = "ld", .len = 2, .partial = 0 };
	logview_append(&lv, &p1);
	logview_append(&lv, &p2);
	T_OK(logview_count(&lv) == 0, "partial records wait for the rest of the line");
	logview_append(&lv, &p3);
	T_OK(logview_count(&lv) == 1, "the line arrives whole");
	T_STREQ(logview_get(&lv, 0)->text, "hello world", "joined text");

	/* stream colours: stderr drawn in its role */
	logview_clear(&lv);
	add(&lv, 1, "out");
	add(&lv, 2, "err");
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	T_STREQ(ts_row(w, 8), "out", "stdout line");
	T_STREQ(ts_row(w, 9), "err", "stderr line");
	{
		cchar_t a, b;
		wchar_t wc[CCHARW_MAX + 1];
		attr_t aa, ab;
		short pa, pb;
		int ea = 0, eb = 0;
		mvwin_wch(w, 8, 0, &a);
		mvwin_wch(w, 9, 0, &b);
		getcchar(&a, wc, &aa, &pa, &ea);
		getcchar(&b, wc, &ab, &pb, &eb);
		T_OK(ea == theme_role_pair(ROLE_LOG_STDOUT) && eb == theme_role_pair(ROLE_LOG_STDERR) && ea != eb,
		     "stdout and stderr use their own colour pairs (%d, %d)", ea, eb);
	}

	/* ANSI colour codes from the container never reach the terminal */
	logview_clear(&lv);
	add(&lv, 1, "\033[31mred\033[0m text\tand\001ctl");
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	T_STREQ(ts_row(w, 9), "red text and?ctl", "escape sequences dropped, controls shown as '?'");

	/* wrap on and off */
	logview_clear(&lv);
	add(&lv, 1, "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddEEEEE");
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	T_STREQ(ts_row(w, 8), "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd", "wrap: first 40 columns");
	T_STREQ(ts_row(w, 9), "EEEEE", "wrap: the rest on the next row");
	lv.wrap = 0;
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	T_STREQ(ts_row(w, 9), "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd", "no wrap: cut at the edge");
	T_STREQ(ts_row(w, 8), "", "no wrap: one row");
	lv.hscroll = 40;
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	T_STREQ(ts_row(w, 9), "EEEEE", "no wrap: scrolled right");
	lv.wrap = 1;

	/* timestamps */
	lv.timestamps = 1;
	logview_clear(&lv);
	add(&lv, 1, "stamped");
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	T_STREQ(ts_row(w, 9), "2025-11-28T14:07:02.123Z stamped", "timestamp prefix in UTC, milliseconds");
	lv.timestamps = 0;

	/* scrollback and follow */
	logview_clear(&lv);
	for (int i = 0; i < 50; i++) {
		snprintf(line, sizeof(line), "n%02d", i);
		add(&lv, 1, line);
	}
	logview_scroll(&lv, 5);
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	T_STREQ(ts_row(w, 9), "n44", "scrolled back five lines");
	add(&lv, 1, "n50");
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	T_STREQ(ts_row(w, 9), "n44", "a new line does not move a scrolled-back view");
	logview_top(&lv);
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	T_STREQ(ts_row(w, 0), "n00", "top shows the oldest line first");
	logview_bottom(&lv);
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	T_STREQ(ts_row(w, 9), "n50", "bottom again");

	/* search: n goes to older matches, N to newer */
	logview_clear(&lv);
	for (int i = 0; i < 60; i++) {
		snprintf(line, sizeof(line), i % 10 == 3 ? "ERROR %d" : "ok %d", i);
		add(&lv, 1, line);
	}
	int rc = logview_search(&lv, "error", 1);
	T_OK(rc == 0, "search finds a match");
	T_STREQ(logview_get(&lv, lv.match_seq - lv.dropped)->text, "ERROR 53", "first match: the newest one");
	rc = logview_search(&lv, NULL, 1);
	T_OK(rc == 0, "n: next");
	T_STREQ(logview_get(&lv, lv.match_seq - lv.dropped)->text, "ERROR 43", "n goes to the older match");
	logview_search(&lv, NULL, 1);
	logview_search(&lv, NULL, -1);
	T_STREQ(logview_get(&lv, lv.match_seq - lv.dropped)->text, "ERROR 43", "N comes back");
	werase(w);
	logview_draw(&lv, w, 0, 0, 10, 40);
	int found = 0;
	for (int r = 0; r < 10; r++)
		if (!strcmp(ts_row(w, r), "ERROR 43"))
			found = 1;
	T_OK(found, "the match is scrolled into view");
	T_OK(!lv.follow, "searching stops following");
	for (int i = 0; i < 10; i++)
		logview_search(&lv, NULL, 1);
	T_STREQ(logview_get(&lv, lv.match_seq - lv.dropped)->text, "ERROR 3", "n stops at the oldest match");
	rc = logview_search(&lv, "nothing-like-this", 1);
	T_OK(rc < 0, "no match: fails");
	logview_release(&lv);

	ts_close();
	return T_DONE();
}
