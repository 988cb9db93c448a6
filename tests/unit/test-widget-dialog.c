/* Line input (editing, completion) and dialogs (confirm, prompt),
 * drawn into an off-screen window. */
#include "t.h"
#include "tui-screen.h"
#include "keymap.h"
#include "widget-dialog.h"
#include "util/str.h"

#include <string.h>

static char **complete(void *ctx, const char *text)
{
	static const char *const words[] = { "containers", "ctx ", "theme ", NULL };
	char **out = xcalloc(4, sizeof(char *));
	size_t n = 0;

	(void)ctx;
	for (int i = 0; words[i]; i++)
		if (!strncmp(words[i], text, strlen(text)))
			out[n++] = xstrdup(words[i]);
	return out;
}

static void type(struct input *in, const char *s)
{
	while (*s)
		input_key(in, (unsigned char)*s++);
}

int main(void)
{
	struct input in = { 0 };
	struct dialog d = { 0 };
	WINDOW *w;
	enum input_result r;

	ts_open(1, 0);
	w = newwin(20, 80, 0, 0);

	input_init(&in, "", complete, NULL);
	type(&in, "hello wrld");
	input_key(&in, KEYF(KEY_LEFT));
	input_key(&in, KEYF(KEY_LEFT));
	input_key(&in, KEYF(KEY_LEFT));
	input_key(&in, 'o');
	T_STREQ(in.buf, "hello world", "insert in the middle");
	input_key(&in, KEYCTRL('w'));
	T_STREQ(in.buf, "hello rld", "ctrl-w deletes the word before the cursor");
	input_key(&in, KEYCTRL('u'));
	T_STREQ(in.buf, "rld", "ctrl-u deletes to the start");
	input_key(&in, KEYF(KEY_END));
	input_key(&in, 127);
	T_STREQ(in.buf, "rl", "backspace");
	input_key(&in, 0xe9);
	T_STREQ(in.buf, "rl\xc3\xa9", "a non-ASCII character is stored as UTF-8");
	input_key(&in, KEYF(KEY_BACKSPACE));
	T_STREQ(in.buf, "rl", "backspace removes the whole character");
	T_OK(input_key(&in, '\n') == IN_ACCEPT, "Enter accepts");
	T_OK(input_key(&in, 27) == IN_CANCEL, "Esc cancels");

	/* completion */
	input_init(&in, "t", complete, NULL);
	r = input_key(&in, '\t');
	T_OK(r == IN_CHANGED, "Tab completes");
	T_STREQ(in.buf, "theme ", "a single candidate completes fully");
	input_init(&in, "c", complete, NULL);
	input_key(&in, '\t');
	T_STREQ(in.buf, "c", "two candidates: the common prefix (nothing more here)");
	T_OK(in.ncands == 2, "and they are listed");
	char cands[128];
	T_STREQ(input_cands_text(&in, cands, sizeof(cands)), "containers  ctx ", "candidates text");
	input_key(&in, '\t');
	T_STREQ(in.buf, "containers", "Tab again cycles to the first");
	input_key(&in, '\t');
	T_STREQ(in.buf, "ctx ", "and the next");
	input_release(&in);

	/* drawing keeps the cursor in view */
	input_init(&in, "", NULL, NULL);
	for (int i = 0; i < 100; i++)
		input_key(&in, 'a' + i % 26);
	werase(w);
	input_draw(&in, w, 0, 0, 30, ":");
	T_OK(getcurx(w) <= 29, "cursor within the 30 columns (%d)", getcurx(w));
	T_OK(ts_row(w, 0)[0] == ':', "the prompt stays");

	/* confirm dialog: No has the focus */
	dialog_confirm(&d, "Remove", "Remove the container web?", "Remove");
	werase(w);
	dialog_draw(&d, w, 0, 0, 20, 80);
	int found = 0, buttons = 0;
	for (int y = 0; y < 20; y++) {
		if (strstr(ts_row(w, y), "Remove the container web?"))
			found = 1;
		if (strstr(ts_row(w, y), "[ Remove (y) ]") && strstr(ts_row(w, y), "[ Cancel (n) ]"))
			buttons = 1;
	}
	T_OK(found, "the question is drawn");
	T_OK(buttons, "both buttons are drawn");
	T_OK(dialog_key(&d, '\n') == DLG_NO && !d.active, "Enter on the default button cancels");
	dialog_confirm(&d, "Remove", "x?", "Remove");
	T_OK(dialog_key(&d, 'z') == DLG_OPEN && d.active, "other keys keep it open");
	dialog_key(&d, '\t');
	T_OK(dialog_key(&d, '\n') == DLG_YES, "Tab then Enter confirms");
	dialog_confirm(&d, "Remove", "x?", "Remove");
	T_OK(dialog_key(&d, 'y') == DLG_YES, "y confirms");
	dialog_confirm(&d, "Remove", "x?", "Remove");
	T_OK(dialog_key(&d, 27) == DLG_NO, "Esc cancels");

	/* prompt */
	dialog_prompt(&d, "Rename", "New name for web:", "web");
	type(&d.in, "-2");
	T_OK(dialog_key(&d, '\n') == DLG_YES, "prompt accepts with Enter");
	T_STREQ(d.in.buf, "web-2", "with the typed text");
	input_release(&d.in);

	/* choice: the pod's containers, the cursor on the one followed */
	{
		char *items[] = { "init-db", "app", "sidecar" };
		int found = -1;
		dialog_choice(&d, "Logs of", "Container of web-1:", items, 3, 1);
		T_STREQ(dialog_chosen(&d), "app", "a choice starts on the item given");
		werase(w);
		dialog_draw(&d, w, 0, 0, 20, 80);
		for (int y = 0; y < 20; y++)
			if (strstr(ts_row(w, y), "sidecar"))
				found = y;
		T_OK(found >= 0, "every item is drawn");
		T_OK(found >= 0 && strstr(ts_row(w, found - 1), "app") && strstr(ts_row(w, found - 2), "init-db"),
		     "in order, one a row");
		T_OK(found >= 0 && (ts_attr(w, found - 1, 40) & A_REVERSE) && !(ts_attr(w, found, 40) & A_REVERSE),
		     "the cursor's row stands out, the others do not");
		T_OK(dialog_key(&d, KEYF(KEY_DOWN)) == DLG_OPEN && !strcmp(dialog_chosen(&d), "sidecar"), "Down moves");
		T_OK(dialog_key(&d, 'j') == DLG_OPEN && !strcmp(dialog_chosen(&d), "sidecar"), "not past the last");
		dialog_key(&d, 'g');
		T_STREQ(dialog_chosen(&d), "init-db", "g: the first");
		dialog_key(&d, 'k');
		T_STREQ(dialog_chosen(&d), "init-db", "not before the first");
		dialog_key(&d, 'j');
		T_OK(dialog_key(&d, '\n') == DLG_YES && !strcmp(dialog_chosen(&d), "app"), "Enter chooses the item");
		dialog_choice(&d, "Logs of", "x", items, 3, 0);
		T_OK(dialog_key(&d, 27) == DLG_NO, "Esc cancels a choice");
		dialog_choice(&d, "Logs of", "x", NULL, 0, 0);
		T_OK(dialog_key(&d, '\n') == DLG_NO && dialog_chosen(&d) == NULL, "an empty choice chooses nothing");
		dialog_close(&d);
	}
	ts_close();
	return T_DONE();
}
