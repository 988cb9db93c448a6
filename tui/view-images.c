/* view-images.c - images, one row per tag as `docker images` shows them:
 * repository:tag, id, created, size, the containers using it; remove
 * untags (or deletes the last tag) after a confirmation; `p` pulls in
 * the background, with a progress line per pull under the table. */
#include "listview.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

enum { I_NAME, I_ID, I_CREATED, I_SIZE, I_USED, I_COUNT };

static const struct table_col cols[I_COUNT] = {
	[I_NAME] = { "REPOSITORY:TAG", 24, 3, 0, 0, 0 },
	[I_ID] = { "IMAGE ID", 12, 0, 0, 0, 0 },
	[I_CREATED] = { "CREATED", 14, 0, 0, 1, 1 },
	[I_SIZE] = { "SIZE", 9, 0, 1, 1, 0 },
	[I_USED] = { "CONTAINERS", 10, 1, 0, 1, 2 },
};

static void add_row(struct listview *lv, const struct tug_obj *o, const char *tag)
{
	struct table *t = &lv->t;
	struct table_row *r;
	char buf[128];
	const char *hex = o->id && !strncmp(o->id, "sha256:", 7) ? o->id + 7 : o->id ? o->id : "";

	/* a tag is its own row; an untagged image is its id */
	r = table_add(t, tag ? tag : o->id);
	table_set(t, r, I_NAME, tag ? tag : "<none>:<none>", 0, tag ? ROLE_NORMAL : ROLE_MUTED);
	snprintf(buf, sizeof(buf), "%.12s", hex);
	table_set(t, r, I_ID, buf, 0, ROLE_MUTED);
	cell_created(t, r, I_CREATED, o);
	fmt_size(buf, sizeof(buf), (double)o->size);
	table_set(t, r, I_SIZE, buf, (double)o->size, ROLE_NORMAL);
	cell_users(t, r, I_USED, o);
}

static void rows(struct listview *lv, const struct tug_obj *o)
{
	if (!o->tags || !o->tags[0]) {
		add_row(lv, o, o->name && *o->name && strcmp(o->name, "<none>") ? o->name : NULL);
		return;
	}
	for (char **t = o->tags; *t; t++)
		add_row(lv, o, *t);
}

static const struct listview_spec spec = {
	.kind = TUG_IMAGE,
	.cols = cols,
	.ncols = I_COUNT,
	.sort_col = I_NAME,
	.noun = "images",
	.rows = rows,
};

static int key(struct console *c, void *v, enum action a, int k)
{
	struct listview *lv = v;
	struct table_row **rows;
	size_t n;

	switch (a) {
	case ACT_REMOVE: {
		/* the ref is the tag: removing it untags, as docker rmi does */
		n = table_targets(&lv->t, &rows);
		char **refs = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			refs[i] = rows[i]->id;
		console_action(c, lv->index, TUG_IMAGE, TUG_ACT_REMOVE, NULL, refs, refs, n);
		table_clear_marks(&lv->t);
		free(refs);
		free(rows);
		return 1;
	}
	case ACT_PULL:
		console_pull_prompt(c, lv->index);
		return 1;
	case ACT_INSPECT: {
		/* the row's tag names the image */
		struct table_row *r = table_selected(&lv->t);
		if (listview_row_obj(lv, r))
			console_inspect(c, lv->index, TUG_IMAGE, r->id);
		return 1;
	}
	default:
		return listview_key(c, v, a, k);
	}
}

/* One pull: spinner, reference, a bar and the figures. */
static void draw_pull(struct console *c, WINDOW *w, int y, int wd, const struct pull_view *pv)
{
	char text[300];
	double f = pull_view_fraction(pv);
	int x = 1, bar = wd >= 90 ? 24 : wd >= 60 ? 12 : 0;

	ui_role(w, ROLE_SPINNER);
	ui_glyph(w, y, x, ui_glyphs.spinner[c->spin % ui_glyphs.nspinner]);
	x += 2;
	ui_role(w, ROLE_TITLE);
	x += ui_put(w, y, x, wd / 3, pv->ref);
	x += 2;
	if (bar && f >= 0 && x + bar + 2 < wd) {
		int full = (int)(f * bar + 0.5);
		ui_role(w, ROLE_GRAPH_NET_RX);
		for (int i = 0; i < bar; i++)
			ui_glyph(w, y, x + i, i < full ? (ui_glyphs.utf8 ? "\u2588" : "#") : (ui_glyphs.utf8 ? "\u2591" : "-"));
		x += bar + 2;
	}
	pull_view_text(pv, text, sizeof(text));
	ui_role(w, ROLE_NORMAL);
	if (x < wd - 1)
		ui_put(w, y, x, wd - 1 - x, text);
}

/* The table, and under it a line for each pull still running. */
static void draw(struct console *c, void *v, WINDOW *w, int h, int wd)
{
	size_t n = c->pulls.n;
	int lines = (int)n + 1;
	struct pull_view pv;

	/* the table keeps at least a few rows */
	if (!n || h - lines < 6) {
		listview_draw(c, v, w, h, wd);
		if (n && pulls_view(&c->pulls, 0, &pv) == 0)
			draw_pull(c, w, h - 1, wd, &pv);
		return;
	}
	listview_draw(c, v, w, h - lines, wd);
	ui_role(w, ROLE_BORDER);
	ui_hline(w, h - lines, 0, wd);
	ui_role(w, ROLE_TITLE);
	ui_put(w, h - lines, 2, wd - 4, n > 1 ? " Pulls " : " Pull ");
	for (size_t i = 0; i < n && pulls_view(&c->pulls, i, &pv) == 0; i++)
		draw_pull(c, w, h - lines + 1 + (int)i, wd, &pv);
}

static const enum action actions[] = {
	ACT_PULL, ACT_REMOVE, ACT_INSPECT, ACT_MARK, ACT_FILTER, ACT_SORT_NEXT, ACT_SORT_PREV, ACT_SORT_REVERSE,
	ACT_CLEAR, ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_NONE,
};

static const enum action *hints(void *v)
{
	static const enum action h[] = { ACT_PULL, ACT_REMOVE, ACT_INSPECT, ACT_MARK, ACT_FILTER, ACT_COMMAND, ACT_NONE };
	(void)v;
	return h;
}

const struct view_ops view_images = {
	.name = "images",
	.alias = "img",
	.title = "Images",
	.kind = TUG_IMAGE,
	.scopes = SC_TABLE | SC_IMAGES,
	.actions = actions,
	.spec = &spec,
	.key = key,
	.hints = hints,
	LISTVIEW_OPS_BUT_DRAW,
	.draw = draw,
};
