/* widget-dialog.c - confirm and prompt boxes. */
#include "widget-dialog.h"
#include "keymap.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reset(struct dialog *d, enum dialog_kind kind, const char *title, const char *msg)
{
	input_release(&d->in);
	for (int i = 0; i < d->nitems; i++)
		free(d->items[i]);
	free(d->items);
	memset(d, 0, sizeof(*d));
	d->active = 1;
	d->kind = kind;
	snprintf(d->title, sizeof(d->title), "%s", title);
	snprintf(d->msg, sizeof(d->msg), "%s", msg);
}

void dialog_confirm(struct dialog *d, const char *title, const char *msg, const char *yes)
{
	reset(d, DLG_CONFIRM, title, msg);
	snprintf(d->yes, sizeof(d->yes), "%s", yes ? yes : "Yes");
}

void dialog_prompt(struct dialog *d, const char *title, const char *msg, const char *initial)
{
	reset(d, DLG_PROMPT, title, msg);
	input_init(&d->in, initial, NULL, NULL);
}

void dialog_choice(struct dialog *d, const char *title, const char *msg, char *const *items, int n, int sel)
{
	reset(d, DLG_CHOICE, title, msg);
	d->items = xcalloc((size_t)(n > 0 ? n : 1), sizeof(char *));
	for (int i = 0; i < n; i++)
		d->items[d->nitems++] = xstrdup(items[i] ? items[i] : "");
	d->sel = sel >= 0 && sel < d->nitems ? sel : 0;
}

const char *dialog_chosen(const struct dialog *d)
{
	return d->kind == DLG_CHOICE && d->sel >= 0 && d->sel < d->nitems ? d->items[d->sel] : NULL;
}

static enum dialog_result choice_key(struct dialog *d, int key)
{
	switch (key) {
	case KEYF(KEY_UP):
	case 'k':
		if (d->sel > 0)
			d->sel--;
		break;
	case KEYF(KEY_DOWN):
	case 'j':
		if (d->sel + 1 < d->nitems)
			d->sel++;
		break;
	case KEYF(KEY_HOME):
	case 'g':
		d->sel = 0;
		break;
	case KEYF(KEY_END):
	case 'G':
		d->sel = d->nitems ? d->nitems - 1 : 0;
		break;
	case '\n':
	case '\r':
	case KEYF(KEY_ENTER):
		return d->nitems ? DLG_YES : DLG_NO;
	case 27:
	case 'q':
		return DLG_NO;
	}
	return DLG_OPEN;
}

void dialog_close(struct dialog *d)
{
	d->active = 0;
	for (int i = 0; i < d->nitems; i++)
		free(d->items[i]);
	free(d->items);
	d->items = NULL;
	d->nitems = 0;
}

enum dialog_result dialog_key(struct dialog *d, int key)
{
	enum dialog_result r = DLG_OPEN;

	if (d->kind == DLG_CHOICE) {
		r = choice_key(d, key);
	} else if (d->kind == DLG_PROMPT) {
		enum input_result ir = input_key(&d->in, key);
		if (ir == IN_ACCEPT)
			r = DLG_YES;
		else if (ir == IN_CANCEL)
			r = DLG_NO;
	} else {
		switch (key) {
		case 'y':
		case 'Y':
			r = DLG_YES;
			break;
		case 'n':
		case 'N':
		case 27:
		case 'q':
			r = DLG_NO;
			break;
		case '\t':
		case KEYF(KEY_BTAB):
		case KEYF(KEY_LEFT):
		case KEYF(KEY_RIGHT):
		case 'h':
		case 'l':
			d->focus_yes = !d->focus_yes;
			break;
		case '\n':
		case '\r':
		case KEYF(KEY_ENTER):
			r = d->focus_yes ? DLG_YES : DLG_NO;
			break;
		}
	}
	if (r != DLG_OPEN)
		d->active = 0;
	return r;
}

/* Wrap msg into lines of at most w columns (by words); returns count. */
static int wrap_lines(const char *msg, int w, const char *lines[], int lens[], int max)
{
	int n = 0;
	const char *p = msg;

	while (*p && n < max) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		if (len > w) {
			int cut = w;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			len = cut > 0 ? cut : w;
		}
		lines[n] = p;
		lens[n++] = len;
		p += len;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	return n;
}

void dialog_draw(struct dialog *d, WINDOW *w, int y, int x, int h, int wd)
{
	const char *lines[12];
	int lens[12], n, bw, bh, by, bx, inner;
	char no_label[] = "Cancel";

	if (!d->active)
		return;
	bw = wd - 4 < 64 ? wd - 4 : 64;
	if (bw < 20)
		bw = wd;
	inner = bw - 4;
	n = wrap_lines(d->msg, inner, lines, lens, 12);
	if (d->kind == DLG_CHOICE) {
		/* the list gets what the screen has left, at most 10 rows */
		int rows = d->nitems < 10 ? d->nitems : 10;
		if (rows > h - n - 4)
			rows = h - n - 4 > 1 ? h - n - 4 : 1;
		if (d->sel < d->top)
			d->top = d->sel;
		if (d->sel >= d->top + rows)
			d->top = d->sel - rows + 1;
		bh = n + rows + 4;
	} else {
		bh = n + (d->kind == DLG_PROMPT ? 6 : 5);
	}
	if (bh > h)
		bh = h;
	by = y + (h - bh) / 2;
	bx = x + (wd - bw) / 2;
	ui_role(w, ROLE_DIALOG);
	for (int r = 0; r < bh; r++)
		ui_fill(w, by + r, bx, bw);
	ui_box(w, by, bx, bh, bw);
	ui_role(w, ROLE_DIALOG_TITLE);
	{
		char t[160];
		snprintf(t, sizeof(t), " %s ", d->title);
		ui_put(w, by, bx + 2, bw - 4, t);
	}
	ui_role(w, ROLE_DIALOG);
	for (int i = 0; i < n && 2 + i < bh - 2; i++)
		ui_putn(w, by + 2 + i, bx + 2, inner, lines[i], (size_t)lens[i]);
	if (d->kind == DLG_PROMPT) {
		input_draw(&d->in, w, by + bh - 3, bx + 2, inner, "> ");
		return;
	}
	if (d->kind == DLG_CHOICE) {
		for (int i = d->top, row = by + 3 + n; i < d->nitems && row < by + bh - 1; i++, row++) {
			ui_role(w, i == d->sel ? ROLE_DIALOG_BUTTON_ACTIVE : ROLE_DIALOG);
			ui_fill(w, row, bx + 2, inner);
			ui_put(w, row, bx + 3, inner - 2, d->items[i]);
		}
		ui_role(w, ROLE_NORMAL);
		return;
	}
	{
		char yes[48], no[48];
		int yw, nw, total, cx;
		snprintf(yes, sizeof(yes), "[ %s (y) ]", d->yes);
		snprintf(no, sizeof(no), "[ %s (n) ]", no_label);
		yw = ui_width(yes);
		nw = ui_width(no);
		total = yw + 2 + nw;
		cx = bx + (bw - total) / 2;
		ui_role(w, d->focus_yes ? ROLE_DIALOG_BUTTON_ACTIVE : ROLE_DIALOG_BUTTON);
		ui_put(w, by + bh - 2, cx, yw, yes);
		ui_role(w, d->focus_yes ? ROLE_DIALOG_BUTTON : ROLE_DIALOG_BUTTON_ACTIVE);
		ui_put(w, by + bh - 2, cx + yw + 2, nw, no);
	}
	ui_role(w, ROLE_NORMAL);
}
