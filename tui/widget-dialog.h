/* widget-dialog.h - modal boxes drawn over the view: a confirmation
 * (y / n, Tab or arrows between the buttons, Enter), a prompt that asks
 * for one line of text, and a choice of one item from a short list
 * (arrows or j/k, Enter). The caller keeps what to do with the answer.
 */
#ifndef TUG_WIDGET_DIALOG_H
#define TUG_WIDGET_DIALOG_H

#include "widget-input.h"

enum dialog_kind { DLG_CONFIRM, DLG_PROMPT, DLG_CHOICE };
enum dialog_result { DLG_OPEN, DLG_YES, DLG_NO };

struct dialog {
	int active;
	enum dialog_kind kind;
	char title[128];
	char msg[1024];
	char yes[32];
	int focus_yes;            /* confirm: which button Enter presses */
	struct input in;          /* prompt: the text */
	char **items;             /* choice: the items (owned), and the one */
	int nitems, sel;          /* under the cursor */
	int top;                  /* choice: first item shown */
};

/* Open a confirmation; No has the focus, so a stray Enter is harmless. */
void dialog_confirm(struct dialog *d, const char *title, const char *msg, const char *yes);
void dialog_prompt(struct dialog *d, const char *title, const char *msg, const char *initial);
/* A choice among n items (copied), the cursor on sel. */
void dialog_choice(struct dialog *d, const char *title, const char *msg, char *const *items, int n, int sel);
/* The item chosen (after DLG_YES from a choice), or NULL. */
const char *dialog_chosen(const struct dialog *d);
/* Feed a key; DLG_YES / DLG_NO close the dialog. */
enum dialog_result dialog_key(struct dialog *d, int key);
void dialog_close(struct dialog *d);
/* Draw centred in a window area of h x wd at y,x. */
void dialog_draw(struct dialog *d, WINDOW *w, int y, int x, int h, int wd);

#endif
