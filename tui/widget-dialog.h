/* widget-dialog.h - modal boxes drawn over the view: a confirmation
 * (y / n, Tab or arrows between the buttons, Enter) and a prompt that
 * asks for one line of text. The caller keeps what to do with the answer.
 */
#ifndef TUG_WIDGET_DIALOG_H
#define TUG_WIDGET_DIALOG_H

#include "widget-input.h"

enum dialog_kind { DLG_CONFIRM, DLG_PROMPT };
enum dialog_result { DLG_OPEN, DLG_YES, DLG_NO };

struct dialog {
	int active;
	enum dialog_kind kind;
	char title[128];
	char msg[1024];
	char yes[32];
	int focus_yes;            /* confirm: which button Enter presses */
	struct input in;          /* prompt: the text */
};

/* Open a confirmation; No has the focus, so a stray Enter is harmless. */
void dialog_confirm(struct dialog *d, const char *title, const char *msg, const char *yes);
void dialog_prompt(struct dialog *d, const char *title, const char *msg, const char *initial);
/* Feed a key; DLG_YES / DLG_NO close the dialog. */
enum dialog_result dialog_key(struct dialog *d, int key);
void dialog_close(struct dialog *d);
/* Draw centred in a window area of h x wd at y,x. */
void dialog_draw(struct dialog *d, WINDOW *w, int y, int x, int h, int wd);

#endif
