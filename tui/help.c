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
	":containers :images :networks :volumes :pods   switch view",
	":ctx NAME       switch endpoint (local, or a kube context)",
	":theme NAME     switch theme (Tab completes)",
	":filter TEXT    filter the table      :readonly   show the mode",
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
		/* the view keys on one line: "1..5 views: Containers, Images..." */
		static char views[256];
		size_t o = 0;
		char k[16];
		o += (size_t)snprintf(views + o, sizeof(views) - o, "%-14s ", "");
		for (int i = 0; i < c->nviews && o < sizeof(views); i++)
			o += (size_t)snprintf(views + o, sizeof(views) - o, "%s%s %s", i ? ", " : "",
					      keymap_key_name(c->cfg.keys.keys[ACT_VIEW1 + i][0], k, sizeof(k)),
					      c->views[i]->title);
		memcpy(views, "views", 5);
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
	mvwhline(w, by, bx, ACS_HLINE, bw);
	mvwhline(w, by + bh - 1, bx, ACS_HLINE, bw);
	mvwvline(w, by, bx, ACS_VLINE, bh);
	mvwvline(w, by, bx + bw - 1, ACS_VLINE, bh);
	mvwaddch(w, by, bx, ACS_ULCORNER);
	mvwaddch(w, by, bx + bw - 1, ACS_URCORNER);
	mvwaddch(w, by + bh - 1, bx, ACS_LLCORNER);
	mvwaddch(w, by + bh - 1, bx + bw - 1, ACS_LRCORNER);
	ui_role(w, ROLE_DIALOG_TITLE);
	snprintf(title, sizeof(title), " Help: %s keys (Esc closes) ", c->views[c->view]->title);
	ui_put(w, by, bx + 2, bw - 4, title);
	/* fill column by column so sections read top to bottom */
	for (int col = 0; col < cols; col++) {
		for (int r = 0; r < rows && i < n; r++, i++) {
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
