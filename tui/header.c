/* header.c - the top two rows: endpoint, host load, container counts and
 * the clock; then the view tabs (clickable). */
#include "console.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void header_draw(struct console *c)
{
	WINDOW *w = c->hdr;
	char buf[256], a[32], b[32], clock[16];
	int x = 0, wd = c->cols;
	time_t t = time(NULL);
	struct tm tm;

	ui_role(w, ROLE_HEADER);
	ui_fill(w, 0, 0, wd);
	ui_role(w, ROLE_HEADER_ACCENT);
	x += ui_put(w, 0, x, wd - x, " tug ");
	ui_role(w, ROLE_HEADER);
	snprintf(buf, sizeof(buf), " %s ", c->ep_name);
	ui_role(w, ROLE_HEADER_ACCENT);
	x += ui_put(w, 0, x, wd - x, buf);
	ui_role(w, ROLE_HEADER);
	if (!strcmp(c->ep_kind, "kube")) {
		snprintf(buf, sizeof(buf), "ns %s ", console_namespace(c));
		x += ui_put(w, 0, x, wd - x, buf);
	}
	snprintf(buf, sizeof(buf), "(%s) ", c->ep_kind);
	if (wd >= 100)
		x += ui_put(w, 0, x, wd - x, buf);
	if (c->host.valid) {
		uint64_t used = c->host.mem_total - c->host.mem_avail;
		fmt_size_bin(a, sizeof(a), (double)used);
		fmt_size_bin(b, sizeof(b), (double)c->host.mem_total);
		snprintf(buf, sizeof(buf), " CPU %5.1f%%  MEM %s/%s ", c->host_cpu, a, b);
		x += ui_put(w, 0, x, wd - x, buf);
	}
	if (c->ctr_known) {
		snprintf(buf, sizeof(buf), " containers %d/%d running ", c->ctr_running, c->ctr_total);
		if (wd < 100)
			snprintf(buf, sizeof(buf), " %d/%d up ", c->ctr_running, c->ctr_total);
		x += ui_put(w, 0, x, wd - x, buf);
	}
	ui_role(w, ROLE_HEADER_ACCENT);
	if (c->readonly)
		x += ui_put(w, 0, x, wd - x, " READ-ONLY ");
	if (c->bench_rows)
		x += ui_put(w, 0, x, wd - x, " BENCH: synthetic rows ");
	localtime_r(&t, &tm);
	strftime(clock, sizeof(clock), " %H:%M:%S ", &tm);
	if (x + 10 <= wd) {
		ui_role(w, ROLE_HEADER);
		ui_put_right(w, 0, 0, wd, clock);
	}
	ui_role(w, ROLE_NORMAL);
}

void tabs_draw(struct console *c)
{
	WINDOW *w = c->tabs;
	int x = 0, full = 0;
	char buf[64];

	/* full titles when they fit; otherwise the short command names, but
	 * for the current view. Views past 9 have no number key: the tab row
	 * shows the one that is open, by its command */
	for (int i = 0; i < c->nviews; i++)
		if (i < 9 || i == c->view)
			full += ui_width(c->views[i]->title) + 5;
	ui_role(w, ROLE_NORMAL);
	ui_fill(w, 0, 0, c->cols);
	for (int i = 0; i < c->nviews; i++) {
		c->tab_x[i] = x;
		c->tab_w[i] = 0;
		if (i >= 9 && i != c->view)
			continue;
		if (i < 9)
			snprintf(buf, sizeof(buf), " %d %s ", i + 1,
				 full <= c->cols || i == c->view || !c->views[i]->alias ? c->views[i]->title
											     : c->views[i]->alias);
		else
			snprintf(buf, sizeof(buf), " :%s %s ", c->views[i]->alias ? c->views[i]->alias : c->views[i]->name,
				 c->views[i]->title);
		ui_role(w, i == c->view ? ROLE_TAB_ACTIVE : ROLE_TAB);
		c->tab_w[i] = ui_put(w, 0, x, c->cols - x, buf);
		x += c->tab_w[i];
		ui_role(w, ROLE_NORMAL);
		if (x < c->cols)
			x += ui_put(w, 0, x, 1, " ");
	}
	ui_role(w, ROLE_NORMAL);
}
