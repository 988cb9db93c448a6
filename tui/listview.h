/* listview.h - what every list view shares: a table over one kind of
 * object refreshed through the worker, an error line or message when
 * the endpoint cannot list that kind, actions with spinners, and for
 * containers, pods and nodes a detail pane (live graphs) and for
 * containers and pods a log pane.
 * Each view-*.c gives its columns and how an object becomes rows. */
#ifndef TUG_LISTVIEW_H
#define TUG_LISTVIEW_H

#include "console.h"
#include "refindex.h"

struct listview;

#define LV_STATS 1   /* sample running objects: CPU%/MEM columns and graphs */
#define LV_LOGS 2    /* a log pane following the selection */
#define LV_HIDE 4    /* `a` hides / shows stopped objects */
#define LV_METRICS 8 /* sample the selection from a metrics API: CPU and memory graphs */

struct listview_spec {
	enum tug_kind kind;
	const struct table_col *cols;
	int ncols;
	int sort_col, sort_desc;
	unsigned features;
	const char *noun;      /* "containers" */
	/* Add the table rows of one object. */
	void (*rows)(struct listview *lv, const struct tug_obj *o);
};

struct listview {
	const struct listview_spec *spec;
	struct console *c;
	int index;
	struct table t;
	struct tug_list list;
	int have_list;
	char err[1024];
	int err_code;
	int list_inflight, stats_inflight;
	unsigned stats_ticks;
	int hide_stopped;
	char **busy;
	size_t nbusy;
	struct sample_set samples;
	char stats_err[512];
	int stats_err_code;
	char *stats_err_ref;   /* LV_METRICS: whose sample failed */
	int table_y;           /* where the table was drawn (mouse) */
	int watched;           /* a live list feeds it: no polling */
	int stale;             /* events came in: rebuild the rows before drawing */
	char *select_name;     /* select this object when the next list comes */
	struct refindex idx;   /* ref -> index in list, once idx_ok */
	int idx_ok;
	size_t list_cap;       /* items allocated in list (watch events grow it) */
	int64_t rebuilt_at, rebuild_ns; /* the last row rebuild: when, how long */
	int64_t rebuild_due;   /* stale rows wait for a rebuild until then */
};

struct listview *listview_new(struct console *c, int index, const struct listview_spec *spec);
/* init for a view whose ops carry .spec = &its listview_spec */
void *listview_init(struct console *c, int index);
void listview_free(void *v);
void listview_tick(struct console *c, void *v, enum tick t);
void listview_update(struct console *c, void *v, struct job *j);
void listview_draw(struct console *c, void *v, WINDOW *w, int h, int wd);
/* Keys every list view has (moving, sorting, marks, inspect, remove,
 * logs); returns 1 when used. */
int listview_key(struct console *c, void *v, enum action a, int key);
int listview_click(struct console *c, void *v, int y, int x, int button);
struct table *listview_table(void *v);
int listview_busy(void *v);
/* Live-list events (see view_ops.watch_event). */
void listview_watch_event(struct console *c, void *v, struct tug_watch_event *ev);
void listview_mark_busy(void *v, const char *ref);
int64_t listview_deadline(void *v);

/* How actions name an object: "namespace/name" for namespaced cluster
 * objects, the name for nodes and namespaces, the id otherwise (or the
 * name when there is no id). Row ids are refs too. */
const char *obj_ref(const struct tug_obj *o, char *buf, size_t size);
#define OBJ_REF_MAX 512

/* The object behind a row id. */
const struct tug_obj *listview_obj(struct listview *lv, const char *id);
/* A row's object (also while a live list's rows wait for a rebuild). */
const struct tug_obj *listview_row_obj(struct listview *lv, const struct table_row *r);
/* The selected object, or NULL. */
const struct tug_obj *listview_selected(struct listview *lv);
/* Run act on the marked rows (or the selection). With pick, only the
 * objects pick() accepts; the rest are named in a status message. */
void listview_act(struct listview *lv, enum tug_action act, const struct tug_action_opts *o,
		  int (*pick)(const struct tug_obj *o));
/* Cells every kind has: who uses it ("web", "3: web, ...", "-"), and
 * how long ago it was created (muted, sorted by time). */
void cell_users(struct table *t, struct table_row *r, int col, const struct tug_obj *o);
void cell_created(struct table *t, struct table_row *r, int col, const struct tug_obj *o);
/* A string field of the raw object ("Driver"), or NULL. */
const char *obj_raw_str(const struct tug_obj *o, const char *key);

/* Keys of a view with no actions of its own (images, networks, volumes)
 * for help, and its status-line hints. */
extern const enum action listview_plain_actions[];
const enum action *listview_plain_hints(void *v);

/* Networks and volumes: the plain keys and `c` to create one. */
extern const enum action listview_store_actions[];
const enum action *listview_store_hints(void *v);
int listview_store_key(struct console *c, void *v, enum action a, int key);

/* The view_ops entries every list view shares. */
#define LISTVIEW_OPS LISTVIEW_OPS_BUT_DRAW, .draw = listview_draw
/* ... for a view that draws more around the list (it calls listview_draw) */
#define LISTVIEW_OPS_BUT_DRAW \
	.init = listview_init, .free = listview_free, .update = listview_update, \
	.tick = listview_tick, .click = listview_click, .table = listview_table, \
	.busy = listview_busy, .mark_busy = listview_mark_busy, \
	.watch_event = listview_watch_event, .deadline = listview_deadline

/* A running/paused object is "up". */
int obj_is_up(const struct tug_obj *o);
/* CPU limit in cores from the raw object (0 = none known). */
double obj_cpu_limit(const struct tug_obj *o);

#endif
