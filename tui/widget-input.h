/* widget-input.h - a one-line editor for the filter, the `:` command line
 * and prompt dialogs: UTF-8 text, cursor movement, word delete, and Tab
 * completion through a callback (one candidate completes, several
 * complete their common prefix, Tab again cycles through them). */
#ifndef TUG_WIDGET_INPUT_H
#define TUG_WIDGET_INPUT_H

#include <stddef.h>
#include "theme.h"

/* Candidates for the whole text typed so far, each a full replacement
 * text; returns a malloc'd NULL-terminated array (or NULL). */
typedef char **(*input_complete_fn)(void *ctx, const char *text);

enum input_result { IN_NONE, IN_CHANGED, IN_ACCEPT, IN_CANCEL };

struct input {
	char buf[512];
	size_t len, cur;          /* bytes; cur is on a character boundary */
	input_complete_fn complete;
	void *ctx;
	char **cands;             /* last completion candidates */
	size_t ncands, cand_i;
	int cycling;
};

void input_init(struct input *in, const char *text, input_complete_fn complete, void *ctx);
void input_release(struct input *in);
/* Feed a key (see keymap.h for the key encoding). */
enum input_result input_key(struct input *in, int key);
/* Draw "prompt text" on row y; places the cursor. */
void input_draw(struct input *in, WINDOW *w, int y, int x, int wd, const char *prompt);
/* Candidates as "a  b  c" for a hint line ("" when none). */
const char *input_cands_text(const struct input *in, char *buf, size_t size);

#endif
