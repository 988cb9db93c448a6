/* widget-input.c - line editing with completion. */
#include "widget-input.h"
#include "keymap.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

static void free_cands(struct input *in)
{
	if (in->cands)
		for (size_t i = 0; i < in->ncands; i++)
			free(in->cands[i]);
	free(in->cands);
	in->cands = NULL;
	in->ncands = in->cand_i = 0;
	in->cycling = 0;
}

void input_init(struct input *in, const char *text, input_complete_fn complete, void *ctx)
{
	free_cands(in);
	memset(in, 0, sizeof(*in));
	snprintf(in->buf, sizeof(in->buf), "%s", text ? text : "");
	in->len = in->cur = strlen(in->buf);
	in->complete = complete;
	in->ctx = ctx;
}

void input_release(struct input *in)
{
	free_cands(in);
}

static void set_text(struct input *in, const char *s)
{
	snprintf(in->buf, sizeof(in->buf), "%s", s);
	in->len = in->cur = strlen(in->buf);
}

static size_t prev_char(const struct input *in, size_t i)
{
	while (i > 0 && ((unsigned char)in->buf[--i] & 0xc0) == 0x80)
		;
	return i;
}

static size_t next_char(const struct input *in, size_t i)
{
	if (i < in->len)
		i++;
	while (i < in->len && ((unsigned char)in->buf[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static void delete_range(struct input *in, size_t a, size_t b)
{
	memmove(in->buf + a, in->buf + b, in->len - b + 1);
	in->len -= b - a;
	in->cur = a;
}

static enum input_result complete(struct input *in)
{
	size_t common;

	if (!in->complete)
		return IN_NONE;
	if (in->cycling && in->ncands > 1) {
		in->cand_i = (in->cand_i + 1) % in->ncands;
		set_text(in, in->cands[in->cand_i]);
		return IN_CHANGED;
	}
	free_cands(in);
	in->cands = in->complete(in->ctx, in->buf);
	if (!in->cands)
		return IN_NONE;
	while (in->cands[in->ncands])
		in->ncands++;
	if (!in->ncands)
		return IN_NONE;
	if (in->ncands == 1) {
		set_text(in, in->cands[0]);
		free_cands(in);
		return IN_CHANGED;
	}
	common = strlen(in->cands[0]);
	for (size_t i = 1; i < in->ncands; i++) {
		size_t k = 0;
		while (k < common && in->cands[i][k] == in->cands[0][k])
			k++;
		common = k;
	}
	if (common > in->len) {
		char tmp[sizeof(in->buf)];
		snprintf(tmp, sizeof(tmp), "%.*s", (int)common, in->cands[0]);
		set_text(in, tmp);
	}
	/* the next Tab walks through the candidates */
	in->cycling = 1;
	in->cand_i = in->ncands - 1;
	return IN_CHANGED;
}

enum input_result input_key(struct input *in, int key)
{
	if (key != '\t')
		in->cycling = 0;
	switch (key) {
	case '\n':
	case '\r':
	case KEYF(KEY_ENTER):
		return IN_ACCEPT;
	case 27:
	case KEYCTRL('g'):
		return IN_CANCEL;
	case '\t':
		return complete(in);
	case KEYF(KEY_BACKSPACE):
	case 127:
	case KEYCTRL('h'):
		if (!in->cur)
			return in->len ? IN_NONE : IN_CANCEL; /* backspace on empty leaves */
		delete_range(in, prev_char(in, in->cur), in->cur);
		return IN_CHANGED;
	case KEYF(KEY_DC):
	case KEYCTRL('d'):
		if (in->cur >= in->len)
			return IN_NONE;
		delete_range(in, in->cur, next_char(in, in->cur));
		return IN_CHANGED;
	case KEYF(KEY_LEFT):
	case KEYCTRL('b'):
		in->cur = prev_char(in, in->cur);
		return IN_NONE;
	case KEYF(KEY_RIGHT):
	case KEYCTRL('f'):
		in->cur = next_char(in, in->cur);
		return IN_NONE;
	case KEYF(KEY_HOME):
	case KEYCTRL('a'):
		in->cur = 0;
		return IN_NONE;
	case KEYF(KEY_END):
	case KEYCTRL('e'):
		in->cur = in->len;
		return IN_NONE;
	case KEYCTRL('u'):
		delete_range(in, 0, in->cur);
		return IN_CHANGED;
	case KEYCTRL('k'):
		in->buf[in->cur] = 0;
		in->len = in->cur;
		return IN_CHANGED;
	case KEYCTRL('w'): {
		size_t a = in->cur;
		while (a > 0 && in->buf[a - 1] == ' ')
			a--;
		while (a > 0 && in->buf[a - 1] != ' ')
			a--;
		delete_range(in, a, in->cur);
		return IN_CHANGED;
	}
	}
	if (KEY_IS_F(key) || key < 0x20)
		return IN_NONE;
	char mb[8];
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1 || in->len + n >= sizeof(in->buf))
		return IN_NONE;
	memmove(in->buf + in->cur + n, in->buf + in->cur, in->len - in->cur + 1);
	memcpy(in->buf + in->cur, mb, n);
	in->len += n;
	in->cur += n;
	return IN_CHANGED;
}

void input_draw(struct input *in, WINDOW *w, int y, int x, int wd, const char *prompt)
{
	int pw, before, avail;
	char tmp[sizeof(in->buf)];
	const char *shown = in->buf;

	ui_role(w, ROLE_INPUT);
	ui_fill(w, y, x, wd);
	pw = ui_put(w, y, x, wd, prompt);
	avail = wd - pw - 1;
	memcpy(tmp, in->buf, in->cur);
	tmp[in->cur] = 0;
	before = ui_width(tmp);
	/* keep the cursor in sight: scroll the text left */
	while (before > avail && *shown) {
		wchar_t wc;
		int cols;
		shown += ui_decode(shown, strlen(shown), &wc, &cols);
		before -= cols;
	}
	ui_put(w, y, x + pw, avail, shown);
	wmove(w, y, x + pw + (before < 0 ? 0 : before));
	ui_role(w, ROLE_NORMAL);
}

const char *input_cands_text(const struct input *in, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = 0;
	for (size_t i = 0; i < in->ncands && o + 1 < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "  " : "", in->cands[i]);
	return buf;
}
