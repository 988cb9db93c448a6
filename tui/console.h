/* console.h - the console's shared state, for its own files only
 * (console.c, term.c, statusbar.c, help.c, pager.c, listview.c, view-*.c).
 *
 * One event loop (console.c) owns the terminal, the signal self-pipe,
 * timers, the worker's result pipe and the log stream. Everything marks
 * parts dirty; one render per loop iteration draws them.
 */
#ifndef TUG_CONSOLE_H
#define TUG_CONSOLE_H

#include <poll.h>
#include "cli.h"
#include "config.h"
#include "keymap.h"
#include "pulls.h"
#include "samples.h"
#include "theme.h"
#include "widget-dialog.h"
#include "widget-graph.h"
#include "widget-logview.h"
#include "widget-table.h"
#include "worker.h"

struct console;

enum tick { TICK_REFRESH, TICK_STATS };

/* A view: one file each (view-*.c), a const table of these. */
struct view_ops {
	const char *name;       /* command: "containers" */
	const char *alias;      /* short command: "ctr" */
	const char *title;      /* tab label */
	enum tug_kind kind;
	unsigned scopes;        /* keymap scopes besides SC_GLOBAL */
	const enum action *actions; /* what the view does, for help; ends with ACT_NONE */
	const void *spec;       /* the view's own description (list views: listview_spec) */
	void *(*init)(struct console *c, int index);
	void (*free)(void *v);
	/* An action (or ACT_NONE with the raw key); returns 1 when used. */
	int (*key)(struct console *c, void *v, enum action a, int key);
	/* A finished job this view asked for. */
	void (*update)(struct console *c, void *v, struct job *j);
	void (*draw)(struct console *c, void *v, WINDOW *w, int h, int wd);
	/* Timers: refresh the list, sample stats. */
	void (*tick)(struct console *c, void *v, enum tick t);
	/* Mouse: button 1 click, 4/5 wheel, at y,x of the main window. */
	int (*click)(struct console *c, void *v, int y, int x, int button);
	/* Actions to hint on the status line, ending with ACT_NONE. */
	const enum action *(*hints)(void *v);
	/* The table, for the filter prompt (NULL when none). */
	struct table *(*table)(void *v);
	/* Something is spinning: the loop ticks the spinner. */
	int (*busy)(void *v);
	/* An action on ref was submitted: spin on its row until it is done. */
	void (*mark_busy)(void *v, const char *ref);
	/* A live-list event for this view (it has a watch stream); NULL: the
	 * stream is gone, go back to polling. Views without it are polled. */
	void (*watch_event)(struct console *c, void *v, struct tug_watch_event *ev);
	/* When the view next needs a frame of its own (0 = none): rows of a
	 * busy live list wait a little before they are rebuilt. */
	int64_t (*deadline)(void *v);
};

extern const struct view_ops view_containers;
extern const struct view_ops view_images;
extern const struct view_ops view_networks;
extern const struct view_ops view_volumes;
extern const struct view_ops view_pods;
extern const struct view_ops view_deployments;
extern const struct view_ops view_statefulsets;
extern const struct view_ops view_daemonsets;
extern const struct view_ops view_nodes;
extern const struct view_ops view_replicasets;
extern const struct view_ops view_services;
extern const struct view_ops view_events;
extern const struct view_ops view_namespaces;

enum mode { MODE_NORMAL, MODE_FILTER, MODE_COMMAND, MODE_DIALOG, MODE_HELP, MODE_PAGER };
enum status_level { ST_INFO, ST_OK, ST_WARN, ST_ERROR };

enum dirty {
	D_HEADER = 1,
	D_TABS = 2,
	D_MAIN = 4,
	D_STATUS = 8,
	D_ALL = 15,
};

/* The log stream of the selected object: one at a time, opened by the
 * worker, pumped by the loop. */
struct logstream {
	struct tug_logs *logs;
	enum tug_kind kind;
	char *id, *name;
	uint64_t tag;          /* the request in flight / attached */
	int pending;           /* open requested, not back yet */
	int ended;
	int more;              /* pump stopped early: call again soon */
	int pumped;            /* lines taken by the current pump */
	int64_t due;           /* the stream's own timer: pump by then */
	char err[512];
	int64_t open_at;       /* debounce: open after the selection settles */
	struct logview lv;
	/* options (logopts.c): a pod's container (NULL = the driver's
	 * default), its previous instance, lines since (0 = all) */
	char *container;
	int previous;
	int64_t since_ns;
	char since_text[64];
};

/* The live list of the active view, where the endpoint has them. */
struct watchstream {
	struct tug_watch *w;
	int view;              /* whose list it is, -1 = none */
	uint64_t tag;
	int pending;
	int unsupported;       /* this endpoint has no live lists: poll */
	int64_t due;
};

/* Full-screen pager: logs or an inspected object. */
struct pager {
	int active;
	int logs;              /* shows the log stream's view */
	char title[256];
	struct logview text;   /* inspect: the pretty-printed object */
	int searching;
	struct input search;
};

/* What a prompt dialog asks for (PROMPT_NONE: a remove confirmation). */
enum prompt { PROMPT_NONE, PROMPT_RENAME, PROMPT_CREATE, PROMPT_PULL, PROMPT_CONTAINER, PROMPT_SCALE };

/* What a confirmation (or prompt) dialog will do. */
struct pending_action {
	int view;
	enum prompt prompt;    /* rename: the new name of refs[0]; create: a
				* network or volume of kind; pull: a reference */
	enum tug_kind kind;
	enum tug_action act;
	struct tug_action_opts opts;
	char **refs;
	size_t n;
};

struct console {
	struct cli *cli;
	struct config cfg;
	struct theme theme;
	enum color_mode cmode;
	enum graph_mode gmode;
	struct worker *wk;
	uint64_t gen;           /* endpoint generation */
	char ep_name[128];      /* shown in the header */
	char ep_kind[64];       /* the driver's name: "local runtime" */
	char ep_ns[128];        /* a cluster's default namespace (its context's) */
	char *ns;               /* the namespace chosen (:ns): NULL = ep_ns, "" = all */
	int readonly;
	int quit;

	WINDOW *hdr, *tabs, *main, *status, *keys;
	int rows, cols;
	unsigned dirty;
	int urgent;             /* a key was pressed: draw now, not at the next frame */
	int too_small;

	const struct view_ops *views[16];
	void *vstate[16];
	int nviews, view;
	int tab_x[16], tab_w[16];

	enum mode mode;
	struct input in;        /* filter / command line */
	char filter_before[512];
	struct dialog dlg;
	struct pending_action pend;
	int help_top;
	struct pager pager;

	char status_msg[1024];
	enum status_level status_level;
	int64_t status_until;

	struct host_sample host_prev, host;
	double host_cpu;
	int ctr_running, ctr_total, ctr_known;

	struct logstream ls;
	struct watchstream ws;
	struct pulls pulls;     /* image pulls running in the background */
	int stream_jobs;        /* log/watch opens the worker has not answered */
	char *switch_to;        /* an endpoint switch waiting for them */

	int64_t next_refresh, next_stats, next_spin;
	int spin;

	int sigpipe[2];
	int errlog_fd;          /* stderr goes to a file while curses runs */
	off_t errlog_off;
	char errlog_path[512];

	/* bench mode (TUG_BENCH_ROWS): figures for tests/bench-console.sh */
	long bench_rows;
	FILE *bench_out;
	int64_t t_start, key_at;
	int first_frame, full_frame;
};

/* console.c */
void console_status(struct console *c, enum status_level l, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void console_dirty(struct console *c, unsigned what);
void console_submit(struct console *c, struct job *j);
void console_switch_view(struct console *c, int index);
/* Ask for an action on refs (by the view at index); confirm first when
 * the action destroys something. Refuses in read-only mode. */
void console_action(struct console *c, int view, enum tug_kind kind, enum tug_action act,
		    const struct tug_action_opts *o, char **refs, char **names, size_t n);
/* streams.c: the log of the selection and the live list of a view. */
void streams_close(struct console *c);
/* Keep the active view's list live (a watch) where the endpoint can. */
void console_watch_view(struct console *c, int view);
/* Switch endpoints once no stream of the old one is being opened. */
void console_switch_endpoint(struct console *c, const char *ctx);
void streams_endpoint_changed(struct console *c);
/* A finished log/watch open: returns 1 when it was one. */
int streams_job(struct console *c, struct job *j);
/* The streams' fds for poll (indexes of each, -1 when none). */
int streams_pollfds(struct console *c, struct pollfd *fds, int *logs_idx, int *watch_idx);
/* When the streams next need a turn (0 = no deadline). */
int64_t streams_deadline(struct console *c, int64_t now);
/* Pump what is ready or due; open the log once the selection settled. */
void streams_run(struct console *c, int64_t now, int logs_ready, int watch_ready);
/* Follow the log of an object in the log pane (NULL id: none). */
void console_follow_logs(struct console *c, enum tug_kind kind, const char *id,
			 const char *name, int running);
void console_open_logs_pager(struct console *c);
/* Open the log of the same object again (its options changed). */
void console_reopen_logs(struct console *c);
void console_inspect(struct console *c, int view, enum tug_kind kind, const char *ref);
void console_exec(struct console *c, enum tug_kind kind, const char *ref, const char *name);
/* Ask for a new name, then rename (containers). */
void console_rename(struct console *c, int view, const char *ref, const char *name);
/* Ask for a network's or volume's name and options, then create it. */
void console_create(struct console *c, int view, enum tug_kind kind);
/* Ask for an image reference, then pull it in the background. */
void console_pull_prompt(struct console *c, int view);
/* Pull ref in the background (its progress shows in the images view). */
void console_pull(struct console *c, const char *ref);
/* Show one namespace of a cluster (NULL: the context's, "all": every
 * one); every view lists afresh. */
void console_set_namespace(struct console *c, const char *ns);
/* The namespace shown: a name, or "all". */
const char *console_namespace(struct console *c);
/* logopts.c - the log pane's options. Pick a container of pod ref
 * (asks the endpoint for the pod, then offers its containers). */
void console_pick_container(struct console *c, int view, const char *ref, const char *name);
/* The picker's inspect job: returns 1 when j was it. */
int logopts_job(struct console *c, struct job *j);
/* Follow that container of the pod the pane shows. */
void console_logs_container(struct console *c, const char *ref, const char *container);
/* Toggle the previous instance's log (pods). */
void console_logs_previous(struct console *c);
/* Lines since arg (10m, RFC 3339, unix time); "" = no limit. */
void console_logs_since(struct console *c, const char *arg);
/* " [app] previous instance since 10m", for titles. */
const char *logopts_describe(const struct logstream *ls, char *buf, size_t size);
/* Ask for an exact number of replicas, then scale refs to it (name and
 * current: of the first, for the prompt). */
void console_scale_prompt(struct console *c, int view, enum tug_kind kind, char **refs, size_t n, const char *name,
			  int current);
/* console.c: the choice dialog's answer goes to the container of ref. */
void console_pick_prompt(struct console *c, int view, const char *ref);
/* Counts for the header, from the containers view. */
void console_set_counts(struct console *c, int running, int total);
void console_set_host(struct console *c, const struct host_sample *h);
int console_refuse_readonly(struct console *c, const char *what);

/* term.c - the terminal: start, stop, suspend, signals, crash. */
int term_start(struct console *c, struct tug_err *err);
void term_stop(struct console *c);
/* Make the windows for the current size. */
void term_layout(struct console *c);
/* Leave curses for the real terminal, and come back. */
void term_suspend(struct console *c);
void term_resume(struct console *c);
/* The signal self-pipe: SIGWINCH, SIGCHLD, SIGTERM, SIGINT, SIGHUP are
 * written to it as one byte each. */
int term_signals(struct console *c);
/* Default dispositions again, and the self-pipe closed. */
void term_signals_stop(struct console *c);
/* Crash handlers: restore the terminal, then die the same way. */
void term_crash_handlers(void);

/* statusbar.c */
void statusbar_draw(struct console *c);
/* header and tabs */
void header_draw(struct console *c);
void tabs_draw(struct console *c);

/* help.c */
void help_draw(struct console *c, WINDOW *w, int h, int wd);
int help_key(struct console *c, enum action a, int key);

/* pager.c */
enum pager_syntax { PAGER_PLAIN, PAGER_JSON, PAGER_YAML };
void pager_open_text(struct console *c, const char *title, const char *text, enum pager_syntax syntax);
void pager_open_logs(struct console *c);
void pager_close(struct console *c);
int pager_key(struct console *c, int key);
void pager_draw(struct console *c, WINDOW *w, int h, int wd);
/* JSON and YAML colouring for the inspect pager (one line at a time). */
void pager_json_colorize(const char *s, size_t n, unsigned char *roles);
void pager_yaml_colorize(const char *s, size_t n, unsigned char *roles);

/* command.c - `:` commands and their completion. */
void command_run(struct console *c, const char *line);
char **command_complete(void *ctx, const char *text);

/* Formatting shared by views. */
const char *con_fmt_ago(char *buf, size_t size, int64_t when_ns);
const char *con_fmt_rate(char *buf, size_t size, double bytes_per_s);

#endif
