/* widget-logview.h - a bounded log buffer with a view on it: follow,
 * scrollback, search (n/N), timestamps and wrap toggles, stdout/stderr
 * colours, and carry-over of partial lines. Memory is bounded by a line
 * count and a byte budget: the oldest lines go first, and one line never
 * holds more than LOGVIEW_MAX_LINE bytes, however chatty the source.
 * Also used for the inspect view (JSON with a colouring hook).
 */
#ifndef TUG_WIDGET_LOGVIEW_H
#define TUG_WIDGET_LOGVIEW_H

#include <stddef.h>
#include <stdint.h>
#include "backend.h"
#include "theme.h"
#include "util/str.h"

#define LOGVIEW_MAX_LINE 16384

struct log_line {
	int64_t time_ns;
	char *text;
	uint32_t len;
	unsigned char stream;   /* 1 stdout, 2 stderr, 0 info from the console */
};

/* Per-byte roles for a line (inspect colours JSON). */
typedef void (*logview_colorize_fn)(const char *s, size_t n, unsigned char *roles);

struct logview {
	struct log_line *ring;
	size_t cap, n, head;      /* head: slot of the oldest line */
	size_t bytes, max_bytes;
	uint64_t dropped;         /* lines dropped so far: seq of ring[head] */
	struct sbuf partial;      /* a line still being received */
	int partial_stream;
	int64_t partial_time;
	size_t scroll;            /* lines between the bottom of the view and the newest */
	int follow, timestamps, wrap;
	int hscroll;
	char *search;
	uint64_t match_seq;       /* line of the current match */
	int have_match;
	logview_colorize_fn colorize;
	int last_h, last_w;
};

void logview_init(struct logview *lv, size_t max_lines, size_t max_bytes);
void logview_release(struct logview *lv);
/* Drop every line (a new source); keeps the toggles. */
void logview_clear(struct logview *lv);

/* A record from a log stream: partial records are joined with the next. */
void logview_append(struct logview *lv, const struct tug_log_line *l);
/* A whole line of text (may contain no newline). */
void logview_add(struct logview *lv, int stream, int64_t time_ns, const char *s, size_t n);
/* Lines held, and the i-th oldest. */
size_t logview_count(const struct logview *lv);
const struct log_line *logview_get(const struct logview *lv, size_t i);

/* Scroll by lines: positive = older. Leaving the bottom stops following;
 * reaching it again resumes if follow is on. */
void logview_scroll(struct logview *lv, long delta);
void logview_top(struct logview *lv);
void logview_bottom(struct logview *lv);
void logview_set_follow(struct logview *lv, int on);

/* Search (case-insensitive substring). dir > 0: the next older match
 * from the current one (or from the bottom of the view); dir < 0: the
 * next newer one. The match is scrolled into view. Returns 0 when found. */
int logview_search(struct logview *lv, const char *pattern, int dir);

void logview_draw(struct logview *lv, WINDOW *w, int y, int x, int h, int wd);

#endif
