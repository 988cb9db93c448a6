/* widget-logview.c - bounded ring of lines, drawn from the bottom up. */
#include "widget-logview.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void logview_init(struct logview *lv, size_t max_lines, size_t max_bytes)
{
	memset(lv, 0, sizeof(*lv));
	lv->cap = max_lines ? max_lines : 1;
	lv->max_bytes = max_bytes ? max_bytes : (size_t)-1;
	lv->ring = xcalloc(lv->cap, sizeof(*lv->ring));
	lv->follow = 1;
	lv->wrap = 1;
}

void logview_clear(struct logview *lv)
{
	for (size_t i = 0; i < lv->n; i++)
		free(lv->ring[(lv->head + i) % lv->cap].text);
	lv->n = lv->head = 0;
	lv->bytes = 0;
	lv->dropped = 0;
	lv->partial.len = 0;
	lv->scroll = 0;
	lv->have_match = 0;
	lv->hscroll = 0;
}

void logview_release(struct logview *lv)
{
	logview_clear(lv);
	free(lv->ring);
	sbuf_release(&lv->partial);
	free(lv->search);
	memset(lv, 0, sizeof(*lv));
}

static void drop_oldest(struct logview *lv)
{
	struct log_line *l = &lv->ring[lv->head];

	lv->bytes -= l->len;
	free(l->text);
	l->text = NULL;
	lv->head = (lv->head + 1) % lv->cap;
	lv->n--;
	lv->dropped++;
	if (lv->scroll && lv->scroll >= lv->n)
		lv->scroll = lv->n ? lv->n - 1 : 0;
}

void logview_add(struct logview *lv, int stream, int64_t t, const char *s, size_t n)
{
	struct log_line *l;

	if (!lv->ring)
		return;
	if (n > LOGVIEW_MAX_LINE)
		n = LOGVIEW_MAX_LINE;
	while (lv->n && (lv->n == lv->cap || lv->bytes + n > lv->max_bytes))
		drop_oldest(lv);
	l = &lv->ring[(lv->head + lv->n) % lv->cap];
	l->text = xmalloc(n + 1);
	memcpy(l->text, s, n);
	l->text[n] = 0;
	l->len = (uint32_t)n;
	l->stream = (unsigned char)stream;
	l->time_ns = t;
	lv->n++;
	lv->bytes += n;
	/* a reader scrolled back, or not following, keeps looking at the
	 * same lines */
	if ((lv->scroll || !lv->follow) && lv->scroll + 1 < lv->n)
		lv->scroll++;
}

void logview_append(struct logview *lv, const struct tug_log_line *l)
{
	if (l->partial || lv->partial.len) {
		if (!lv->partial.len) {
			lv->partial_stream = l->stream;
			lv->partial_time = l->time_ns;
		}
		if (lv->partial.len < LOGVIEW_MAX_LINE)
			sbuf_add(&lv->partial, l->text, l->len);
		if (l->partial)
			return;
		logview_add(lv, lv->partial_stream, lv->partial_time, lv->partial.s, lv->partial.len);
		lv->partial.len = 0;
		return;
	}
	logview_add(lv, l->stream, l->time_ns, l->text, l->len);
}

size_t logview_count(const struct logview *lv)
{
	return lv->n;
}

const struct log_line *logview_get(const struct logview *lv, size_t i)
{
	return i < lv->n ? &lv->ring[(lv->head + i) % lv->cap] : NULL;
}

void logview_scroll(struct logview *lv, long delta)
{
	long s = (long)lv->scroll + delta;
	long max = lv->n ? (long)lv->n - 1 : 0;

	if (s < 0)
		s = 0;
	if (s > max)
		s = max;
	lv->scroll = (size_t)s;
}

void logview_top(struct logview *lv)
{
	/* the oldest line at the top: enough scroll that it is in view */
	size_t h = lv->last_h > 0 ? (size_t)lv->last_h : 1;

	lv->scroll = lv->n > h ? lv->n - h : 0;
}

void logview_bottom(struct logview *lv)
{
	lv->scroll = 0;
}

void logview_set_follow(struct logview *lv, int on)
{
	lv->follow = on;
	if (on)
		lv->scroll = 0;
}

int logview_search(struct logview *lv, const char *pattern, int dir)
{
	long i;

	if (pattern && (!lv->search || strcmp(lv->search, pattern))) {
		free(lv->search);
		lv->search = *pattern ? xstrdup(pattern) : NULL;
		lv->have_match = 0;
	}
	if (!lv->search || !lv->n)
		return -1;
	/* step from the current match, or start at the bottom line of the view */
	if (lv->have_match && lv->match_seq >= lv->dropped && lv->match_seq < lv->dropped + lv->n)
		i = (long)(lv->match_seq - lv->dropped) + (dir > 0 ? -1 : 1);
	else
		i = (long)lv->n - 1 - (long)lv->scroll;
	for (; i >= 0 && i < (long)lv->n; i += dir > 0 ? -1 : 1) {
		const struct log_line *l = logview_get(lv, (size_t)i);
		if (strcasestr(l->text, lv->search)) {
			lv->match_seq = lv->dropped + (uint64_t)i;
			lv->have_match = 1;
			lv->follow = 0;
			/* put the match in the middle of the view when possible */
			long s = (long)lv->n - 1 - i - (lv->last_h > 2 ? lv->last_h / 2 : 0);
			lv->scroll = s > 0 ? (size_t)s : 0;
			return 0;
		}
	}
	return -1;
}

/* Where each display row of a line starts, for width wd (wrap), or just
 * the first (no wrap). Returns the number of rows. */
static size_t line_rows(const char *s, size_t n, int wd, size_t **starts, size_t *cap)
{
	size_t rows = 0, i = 0;
	int col = 0, cols;
	wchar_t wc;

	if (*cap < 4) {
		*cap = 64;
		*starts = xrealloc(*starts, *cap * sizeof(size_t));
	}
	(*starts)[rows++] = 0;
	if (wd <= 0)
		return rows;
	while (i < n) {
		size_t k = ui_decode(s + i, n - i, &wc, &cols);
		if (col + cols > wd) {
			if (rows == *cap) {
				*cap *= 2;
				*starts = xrealloc(*starts, *cap * sizeof(size_t));
			}
			(*starts)[rows++] = i;
			col = 0;
		}
		col += cols;
		i += k;
	}
	return rows;
}

/* Draw bytes [from,to) of a line with per-byte roles; skips `skip`
 * columns first (horizontal scroll). */
static void draw_span(WINDOW *w, int y, int x, int maxw, const char *s, size_t from, size_t to,
		      const unsigned char *roles, int skip)
{
	int used = 0, cols, cur = -1;
	wchar_t wc;
	size_t i = from;

	wmove(w, y, x);
	while (i < to) {
		size_t k = ui_decode(s + i, to - i, &wc, &cols);
		if (!cols) {
			i += k;
			continue;
		}
		if (skip > 0) {
			skip -= cols;
			i += k;
			continue;
		}
		if (used + cols > maxw)
			break;
		if (roles[i] != cur) {
			cur = roles[i];
			ui_role(w, (enum role)cur);
		}
		ui_addwc(w, wc);
		used += cols;
		i += k;
	}
}

void logview_draw(struct logview *lv, WINDOW *w, int y, int x, int h, int wd)
{
	static size_t *starts;
	static size_t starts_cap;
	static unsigned char *roles;
	static size_t roles_cap;
	int row = y + h - 1;
	int tsw = lv->timestamps ? 25 : 0;
	int textw = wd - tsw;
	long idx;

	lv->last_h = h;
	lv->last_w = wd;
	ui_role(w, ROLE_NORMAL);
	for (int r = 0; r < h; r++)
		ui_fill(w, y + r, x, wd);
	if (h <= 0 || wd <= 0 || !lv->n)
		return;
	if (textw < 10) {
		tsw = 0;
		textw = wd;
	}
	if (lv->follow && lv->scroll == 0)
		lv->hscroll = lv->wrap ? 0 : lv->hscroll;
	for (idx = (long)lv->n - 1 - (long)lv->scroll; idx >= 0 && row >= y; idx--) {
		const struct log_line *l = logview_get(lv, (size_t)idx);
		enum role base = l->stream == 2 ? ROLE_LOG_STDERR : l->stream == 0 ? ROLE_LOG_INFO
			: ROLE_LOG_STDOUT;
		size_t nrows = lv->wrap ? line_rows(l->text, l->len, textw, &starts, &starts_cap) : 1;
		int is_match = lv->have_match && lv->match_seq == lv->dropped + (uint64_t)idx;

		if (!lv->wrap) {
			if (starts_cap < 1) {
				starts_cap = 64;
				starts = xrealloc(starts, starts_cap * sizeof(size_t));
			}
			starts[0] = 0;
		}
		if (roles_cap < (size_t)l->len + 1) {
			roles_cap = (size_t)l->len + 64;
			roles = xrealloc(roles, roles_cap);
		}
		memset(roles, base, l->len + 1);
		if (lv->colorize)
			lv->colorize(l->text, l->len, roles);
		if (lv->search) {
			size_t pl = strlen(lv->search);
			const char *p = l->text;
			while (pl && (p = strcasestr(p, lv->search))) {
				memset(roles + (p - l->text), ROLE_LOG_MATCH, pl);
				p += pl;
			}
		}
		for (long r = (long)nrows - 1; r >= 0 && row >= y; r--, row--) {
			size_t from = starts[r], to = (size_t)r + 1 < nrows ? starts[r + 1] : l->len;
			ui_role(w, is_match ? ROLE_LOG_MATCH : ROLE_NORMAL);
			ui_fill(w, row, x, wd);
			if (tsw && r == 0) {
				char ts[48];
				fmt_rfc3339(ts, sizeof(ts), l->time_ns);
				/* milliseconds are enough on screen */
				if (strlen(ts) > 24) {
					ts[23] = 'Z';
					ts[24] = 0;
				}
				ui_role(w, ROLE_LOG_TIMESTAMP);
				ui_put(w, row, x, tsw - 1, l->time_ns ? ts : "");
			}
			draw_span(w, row, x + tsw, textw, l->text, from, to, roles,
				  lv->wrap ? 0 : lv->hscroll);
		}
	}
	ui_role(w, ROLE_NORMAL);
}
