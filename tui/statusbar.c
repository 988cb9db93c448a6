/* statusbar.c - the bottom row: the line being typed (filter, command,
 * search), else the latest result or error of an action, else the keys
 * of the current view. Nothing the backend says ever reaches the
 * terminal any other way. */
#include "console.h"

#include <stdio.h>
#include <string.h>

static const enum action pager_hints[] = { ACT_SEARCH, ACT_NEXT_MATCH, ACT_PREV_MATCH, ACT_WRAP,
					    ACT_CLEAR, ACT_NONE };
static const enum action logs_hints[] = { ACT_FOLLOW, ACT_SEARCH, ACT_NEXT_MATCH, ACT_TIMESTAMPS,
					   ACT_WRAP, ACT_CLEAR, ACT_NONE };

static int draw_hints(struct console *c, WINDOW *w, const enum action *acts, int x, int wd)
{
	char keys[64];

	for (; *acts != ACT_NONE && x < wd; acts++) {
		keymap_keys_text(&c->cfg.keys, *acts, keys, sizeof(keys));
		/* one key is enough in a hint */
		char *comma = strchr(keys, ',');
		if (comma)
			*comma = 0;
		if (!keys[0])
			continue;
		const char *name = keymap_action_name(*acts);
		if (x + ui_width(keys) + (int)strlen(name) + 3 > wd)
			break;
		ui_role(w, ROLE_KEY_HINT);
		x += ui_put(w, 0, x, wd - x, keys);
		ui_role(w, ROLE_HINT);
		x += ui_put(w, 0, x, wd - x, " ");
		x += ui_put(w, 0, x, wd - x, name);
		x += ui_put(w, 0, x, wd - x, "  ");
	}
	return x;
}

void statusbar_draw(struct console *c)
{
	WINDOW *w = c->status;
	int wd = c->cols;
	static const enum role lv[] = { ROLE_STATUS_INFO, ROLE_STATUS_OK, ROLE_STATUS_WARN, ROLE_STATUS_ERROR };

	ui_role(w, ROLE_NORMAL);
	ui_fill(w, 0, 0, wd);
	if (c->mode == MODE_FILTER) {
		input_draw(&c->in, w, 0, 0, wd, "/");
		wnoutrefresh(w);
		return;
	}
	if (c->mode == MODE_COMMAND) {
		char cands[512];
		input_cands_text(&c->in, cands, sizeof(cands));
		int cw = ui_width(cands);
		if (cands[0] && cw < wd / 2) {
			ui_role(w, ROLE_HINT);
			ui_put_right(w, 0, 0, wd, cands);
		} else {
			cw = 0;
		}
		input_draw(&c->in, w, 0, 0, wd - cw - 1, ":");
		wnoutrefresh(w);
		return;
	}
	if (c->mode == MODE_PAGER && c->pager.searching) {
		input_draw(&c->pager.search, w, 0, 0, wd, "/");
		wnoutrefresh(w);
		return;
	}
	if (c->status_msg[0]) {
		ui_role(w, lv[c->status_level]);
		ui_put(w, 0, 0, wd, c->status_msg);
		ui_role(w, ROLE_NORMAL);
		wnoutrefresh(w);
		return;
	}
	const enum action *acts = NULL;
	switch (c->mode) {
	case MODE_HELP:
		ui_role(w, ROLE_HINT);
		ui_put(w, 0, 0, wd, "j/k scroll  Esc or ? close");
		break;
	case MODE_PAGER:
		acts = c->pager.logs ? logs_hints : pager_hints;
		break;
	case MODE_DIALOG:
		/* '?' is text in a prompt, not help: no key hints after these */
		ui_role(w, ROLE_HINT);
		ui_put(w, 0, 0, wd, c->dlg.kind == DLG_CONFIRM ? "y confirm  n/Esc cancel  Tab switch" :
		       "Enter accept  Esc cancel");
		break;
	default:
		if (c->views[c->view]->hints)
			acts = c->views[c->view]->hints(c->vstate[c->view]);
		break;
	}
	if (acts) {
		int x = draw_hints(c, w, acts, 0, wd - 8);
		static const enum action tail[] = { ACT_HELP, ACT_NONE };
		draw_hints(c, w, tail, x, wd);
	}
	ui_role(w, ROLE_NORMAL);
	wnoutrefresh(w);
}
