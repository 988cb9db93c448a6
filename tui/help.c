/* help.c - the `?` overlay: every key of the current view, the global
 * keys, the pager keys and the `:` commands, as currently bound. */
#include "console.h"

#include <stdio.h>
#include <string.h>

struct help_line {
	const char *section;   /* non-NULL: a heading */
	enum action a;
	const char *text;      /* a free line (commands) */
};

static const char *const commands_help[] = {
	":VIEW           switch view (:containers, :pods, :rs, :svc, :events, :ns...)",
	":ctx NAME       endpoint: local, or a kube context",
	":ns NAME        cluster namespace to list (:ns all for every one)",
	":theme NAME     switch theme (Tab completes)",
	":filter TEXT    filter the table",
	":pull IMAGE     pull an image in the background",
	":since T        logs from T on (10m, 2h, RFC 3339); :since alone: all",
	":readonly       is read-only mode on?",
	":q              quit",
};

static size_t build(struct console *c, struct help_line *out, size_t max)
{
	size_t n = 0;
	const struct view_ops *v = c->views[c->view];
	static const enum action pager[] = { ACT_LOGS, ACT_SEARCH, ACT_NEXT_MATCH, ACT_PREV_MATCH, ACT_FOLLOW,
					     ACT_TIMESTAMPS, ACT_WRAP, ACT_LEFT, ACT_RIGHT, ACT_NONE };

#define ADD(...) do { if (n < max) out[n++] = (struct help_line){ __VA_ARGS__ }; } while (0)
	ADD(.section = v->title);
	for (const enum action *a = v->actions; a && *a != ACT_NONE; a++)
		ADD(.a = *a);
	ADD(.section = "Everywhere");
	for (int a = 1; a < ACT_COUNT; a++)
		if (keymap_action_scope((enum action)a) == SC_GLOBAL && c->cfg.keys.keys[a][0] &&
		    (a < ACT_VIEW1 || a > ACT_VIEW9))
			ADD(.a = (enum action)a);
	{
		/* the view keys on one line: "views  1..5" */
		static char views[64];
		char a[16], b[16];
		snprintf(views, sizeof(views), "%-14s %s..%s (and Tab, S-Tab)",
			 keymap_key_name(c->cfg.keys.keys[ACT_VIEW1][0], a, sizeof(a)), "",
			 keymap_key_name(c->cfg.keys.keys[ACT_VIEW1 + c->nviews - 1][0], b, sizeof(b)));
		snprintf(views, sizeof(views), "%-14s %s..%s  views (also Tab, S-Tab)", "views", a, b);
		ADD(.text = views);
	}
	ADD(.section = "Logs (l) and inspect (Enter)");
	for (const enum action *a = pager; *a != ACT_NONE; a++)
		if (*a != ACT_LOGS)
			ADD(.a = *a);
	ADD(.section = "Commands");
	for (size_t i = 0; i < sizeof(commands_help) / sizeof(commands_help[0]); i++)
		ADD(.text = commands_help[i]);
#undef ADD
	return n;
}

void help_draw(struct console *c, WINDOW *w, int h, int wd)
{
	struct help_line lines[160];
	size_t n = build(c, lines, 160);
	int bw = wd - 4 > 112 ? 112 : wd - 4, bh = h - 2, by = 1, bx = (wd - bw) / 2;
	int cols = bw >= 90 ? 2 : 1, colw = (bw - 4) / cols, rows = bh - 2;
	char keys[64], title[96];
	size_t i = (size_t)c->help_top;

	if (bw < 20 || bh < 5)
		return;
	ui_role(w, ROLE_DIALOG);
	for (int r = 0; r < bh; r++)
		ui_fill(w, by + r, bx, bw);
	ui_box(w, by, bx, bh, bw);
	ui_role(w, ROLE_DIALOG_TITLE);
	snprintf(title, sizeof(title), " Help: %s keys (Esc closes) ", c->views[c->view]->title);
	ui_put(w, by, bx + 2, bw - 4, title);
	/* fill column by column so sections read top to bottom; break the
	 * columns between sections where that fits */
	size_t brk = (size_t)rows;
	if (cols == 2) {
		for (size_t k = i + (n - i + 1) / 2; k < n && k - i <= (size_t)rows; k++)
			if (lines[k].section) {
				brk = k - i;
				break;
			}
		if (brk > (size_t)rows)
			brk = (size_t)rows;
	}
	for (int col = 0; col < cols; col++) {
		int limit = col == 0 ? (int)brk : rows;
		for (int r = 0; r < limit && i < n; r++, i++) {
			int y = by + 1 + r, x = bx + 2 + col * colw;
			if (lines[i].section) {
				if (r == rows - 1)
					break; /* never a heading alone at the bottom */
				ui_role(w, ROLE_HELP_SECTION);
				ui_put(w, y, x, colw - 1, lines[i].section);
			} else if (lines[i].text) {
				ui_role(w, ROLE_DIALOG);
				ui_put(w, y, x, colw - 1, lines[i].text);
			} else {
				keymap_keys_text(&c->cfg.keys, lines[i].a, keys, sizeof(keys));
				ui_role(w, ROLE_DIALOG_TITLE);
				ui_put(w, y, x, 14, keys);
				ui_role(w, ROLE_DIALOG);
				ui_put(w, y, x + 15, colw - 16, keymap_action_help(lines[i].a));
			}
		}
	}
	ui_role(w, ROLE_NORMAL);
}

int help_key(struct console *c, enum action a, int key)
{
	(void)key;
	switch (a) {
	case ACT_DOWN:
	case ACT_PAGE_DOWN:
		if (c->help_top < 150)
			c->help_top += a == ACT_DOWN ? 1 : 10;
		return 1;
	case ACT_UP:
	case ACT_PAGE_UP:
		c->help_top -= a == ACT_UP ? 1 : 10;
		if (c->help_top < 0)
			c->help_top = 0;
		return 1;
	case ACT_TOP:
		c->help_top = 0;
		return 1;
	default:
		return 0; /* anything else closes help */
	}
}
