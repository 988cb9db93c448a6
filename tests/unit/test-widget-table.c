/* Table widget: layout, sort, filter (substring and regex), selection and
 * marks kept across refreshes, rendered into an off-screen window. */
#include "t.h"
#include "tui-screen.h"
#include "widget-table.h"

#include <string.h>

static const struct table_col cols[] = {
	{ "NAME", 10, 2, 0, 0, 0 },
	{ "STATE", 8, 0, 0, 0, 0 },
	{ "CPU%", 6, 0, 1, 1, 1 },
	{ "CREATED", 12, 1, 0, 0, 2 },
};

static void fill(struct table *t, int n, const char *skip)
{
	char id[32], name[32], cpu[16];

	table_begin(t);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "web-%02d", i);
		if (skip && !strcmp(name, skip))
			continue;
		snprintf(id, sizeof(id), "id%02d", i);
		snprintf(cpu, sizeof(cpu), "%d.0", (i * 37) % 100);
		struct table_row *r = table_add(t, id);
		table_set(t, r, 0, name, 0, ROLE_NORMAL);
		table_set(t, r, 1, i % 3 ? "running" : "exited", 0,
			  i % 3 ? ROLE_STATE_RUNNING : ROLE_STATE_STOPPED);
		table_set(t, r, 2, cpu, (i * 37) % 100, ROLE_NORMAL);
		table_set(t, r, 3, i % 2 ? "2 hours ago" : "3 days ago", 0, ROLE_NORMAL);
	}
	table_end(t);
}

int main(void)
{
	struct table t;
	struct tug_err err = { 0 };
	WINDOW *w;
	char want[128];

	ts_open(1, 0);
	w = newwin(12, 60, 0, 0);
	table_init(&t, cols, 4);
	fill(&t, 20, NULL);
	T_OK(t.nrows == 20 && t.nvis == 20, "20 rows added, all shown");

	table_sort(&t, 0, 0);
	werase(w);
	table_draw(&t, w, 0, 0, 12, 60, 1);
	T_OK(strstr(ts_row(w, 0), "NAME") && strstr(ts_row(w, 0), "STATE") &&
	     strstr(ts_row(w, 0), "CPU%") && strstr(ts_row(w, 0), "CREATED"), "header has every column: '%s'", ts_row(w, 0));
	T_OK(strstr(ts_row(w, 0), "NAME▲") != NULL, "sorted column shows an arrow");
	T_OK(strstr(ts_row(w, 1), "web-00") && strstr(ts_row(w, 1), "exited"), "first row: '%s'", ts_row(w, 1));
	T_OK(strstr(ts_row(w, 11), "web-10") != NULL, "11 data rows fit under the header: '%s'", ts_row(w, 11));
	T_OK(ts_attr(w, 1, 5) & A_REVERSE, "selected row drawn with the selected role (reverse in mono)");
	T_OK(!(ts_attr(w, 2, 5) & A_REVERSE), "other rows are not");

	/* numeric sort, descending */
	table_sort(&t, 2, 1);
	table_home(&t);
	werase(w);
	table_draw(&t, w, 0, 0, 12, 60, 1);
	T_OK(strstr(ts_row(w, 0), "CPU%▼") != NULL, "descending arrow on CPU%%");
	T_OK(strstr(ts_row(w, 1), "96.0") != NULL, "highest CPU first: '%s'", ts_row(w, 1));
	T_OK(strstr(ts_row(w, 2), "92.0") != NULL, "then the next: '%s'", ts_row(w, 2));
	T_OK(strstr(ts_row(w, 1), "web-") && strstr(ts_row(w, 1), "  96.0"), "numbers right-aligned in their column");

	/* selection kept across a refresh by id, even when rows move */
	table_sort(&t, 0, 0);
	table_select_id(&t, "id07");
	fill(&t, 20, "web-03");
	T_STREQ(table_selected(&t)->id, "id07", "selection follows its row after a refresh that removed another row");
	T_OK(t.nvis == 19, "refresh replaced the rows");

	/* a vanished selected row leaves the selection at the same place */
	table_select_id(&t, "id19");
	fill(&t, 19, NULL);
	T_OK(table_selected(&t) && !strcmp(table_selected(&t)->id, "id18"), "selection clamps when its row goes");

	/* marks kept across refresh */
	table_select_id(&t, "id02");
	table_toggle_mark(&t);
	table_select_id(&t, "id05");
	table_toggle_mark(&t);
	fill(&t, 20, NULL);
	struct table_row **targets;
	size_t nt = table_targets(&t, &targets);
	T_OK(nt == 2 && !strcmp(targets[0]->id, "id02") && !strcmp(targets[1]->id, "id05"),
	     "two marked rows survive a refresh and are the bulk targets");
	free(targets);
	table_home(&t);
	werase(w);
	table_draw(&t, w, 0, 0, 12, 60, 1);
	T_OK(ts_cell(w, 3, 0) == L'●', "marked row shows the mark glyph");
	table_clear_marks(&t);
	nt = table_targets(&t, &targets);
	T_OK(nt == 1 && targets[0] == table_selected(&t), "without marks the target is the selection");
	free(targets);

	/* substring filter, case-insensitive */
	T_OK(table_set_filter(&t, "WEB-1", &err) == 0, "substring filter accepted");
	T_OK(t.nvis == 10, "'WEB-1' keeps web-10..web-19 (%zu)", t.nvis);
	werase(w);
	table_draw(&t, w, 0, 0, 12, 60, 1);
	T_OK(strstr(ts_row(w, 1), "web-1") && !strstr(ts_row(w, 11), "web-0"), "only matching rows drawn");

	/* regex filter */
	T_OK(table_set_filter(&t, "^web-0[12]$", &err) == 0, "regex filter accepted");
	T_OK(t.nvis == 2, "regex keeps exactly web-01 and web-02 (%zu)", t.nvis);
	T_OK(table_set_filter(&t, "exit(ed", &err) < 0 && strstr(err.msg, "filter"), "bad regex refused: %s", err.msg);
	T_OK(t.nvis == 2, "a bad regex leaves the previous filter");
	T_OK(table_set_filter(&t, "exited", &err) == 0 && t.nvis == 7, "filter matches any column (state): %zu", t.nvis);
	table_set_filter(&t, "", &err);
	T_OK(t.nvis == 20, "empty filter shows everything");

	/* navigation */
	table_home(&t);
	table_move(&t, 3);
	T_OK(t.sel == 3, "move down 3");
	table_move(&t, -10);
	T_OK(t.sel == 0, "move clamps at the top");
	table_end_row(&t);
	T_OK(t.sel == 19, "end goes to the last row");
	werase(w);
	table_draw(&t, w, 0, 0, 12, 60, 1);
	T_OK(strstr(ts_row(w, 11), "web-19") != NULL, "the view scrolls to keep the selection visible");
	table_page(&t, -1);
	T_OK(t.sel == 10, "page up moves by a page (%zu)", t.sel);

	/* narrow: optional columns drop, never overflow */
	WINDOW *n = newwin(5, 30, 20, 0);
	table_draw(&t, n, 0, 0, 5, 30, 1);
	T_OK(!strstr(ts_row(n, 0), "CREATED") && strstr(ts_row(n, 0), "NAME"), "narrow table drops low-priority columns: '%s'", ts_row(n, 0));

	/* mouse hit on the header */
	int col = -1;
	table_draw(&t, w, 0, 0, 12, 60, 1);
	long hit = table_hit(&t, 0, t.col_x[1] + 1, 0, &col);
	T_OK(hit == -2 && col == 1, "click on the STATE header hits column 1");
	hit = table_hit(&t, 2, 5, 0, &col);
	T_OK(hit == (long)t.top + 1, "click on the second row hits it");

	/* busy row spinner */
	table_set_busy(&t, table_selected(&t)->id, 1);
	table_draw(&t, w, 0, 0, 12, 60, 1);
	snprintf(want, sizeof(want), "%s", ui_glyphs.spinner[0]);
	T_OK(ts_cell(w, 1 + (int)(t.sel - t.top), 0) == L'⠋', "busy row shows a spinner");

	/* 10,000 rows */
	table_begin(&t);
	for (int i = 0; i < 10000; i++) {
		char id[16];
		snprintf(id, sizeof(id), "r%05d", i);
		struct table_row *r = table_add(&t, id);
		table_set(&t, r, 0, id, 0, ROLE_NORMAL);
		table_set(&t, r, 2, "1", 10000 - i, ROLE_NORMAL);
	}
	table_end(&t);
	table_sort(&t, 2, 0);
	T_STREQ(t.rows[t.vis[0]].id, "r09999", "10,000 rows sort numerically");
	table_release(&t);

	/* ASCII glyphs in a non-UTF-8 locale */
	ts_close();
	ts_open(0, 0);
	w = newwin(12, 60, 0, 0);
	table_init(&t, cols, 4);
	fill(&t, 5, NULL);
	table_sort(&t, 0, 1);
	table_home(&t);
	table_toggle_mark(&t);
	table_draw(&t, w, 0, 0, 12, 60, 1);
	T_OK(strstr(ts_row(w, 0), "NAMEv") != NULL, "ASCII sort arrow: '%s'", ts_row(w, 0));
	T_OK(ts_cell(w, 1, 0) == L'*', "ASCII mark");
	table_release(&t);
	ts_close();
	return T_DONE();
}
