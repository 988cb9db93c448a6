/* widget-dialog.c - confirm and prompt boxes. */
#include "widget-dialog.h"
#include "keymap.h"

#include <stdio.h>
#include <string.h>

void dialog_confirm(struct dialog *d, const char *title, const char *msg, const char *yes)
{
	input_release(&d->in);
	memset(d, 0, sizeof(*d));
	d->active = 1;
	d->kind = DLG_CONFIRM;
	snprintf(d->title, sizeof(d->title), "%s", title);
	snprintf(d->msg, sizeof(d->msg), "%s", msg);
	snprintf(d->yes, sizeof(d->yes), "%s", yes ? yes : "Yes");
}

void dialog_prompt(struct dialog *d, const char *title, const char *msg, const char *initial)
{
	input_release(&d->in);
	memset(d, 0, sizeof(*d));
	d->active = 1;
	d->kind = DLG_PROMPT;
	snprintf(d->title, sizeof(d->title), "%s", title);
	snprintf(d->msg, sizeof(d->msg), "%s", msg);
	input_init(&d->in, initial, NULL, NULL);
}

void dialog_close(struct dialog *d)
{
	d->active = 0;
}

enum dialog_result dialog_key(struct dialog *d, int key)
{
	enum dialog_result r = DLG_OPEN;

	if (d->kind == DLG_PROMPT) {
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
	bh = n + (d->kind == DLG_PROMPT ? 6 : 5);
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
