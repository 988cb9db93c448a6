/* keymap.h - every console action, its default keys, and remapping.
 *
 * A key is an int: a Unicode character, or KEYF(KEY_UP) etc. for curses
 * function keys (so they never collide with characters). Actions belong
 * to a scope; the console looks a key up in the scopes active in the
 * current mode. The config file's `keys:` section rebinds actions by
 * name ("stop: x", "quit: [q, ctrl-q]").
 */
#ifndef TUG_KEYMAP_H
#define TUG_KEYMAP_H

#include <stddef.h>
#include "util/err.h"

#define KEYF(k) (0x40000000 | (k))
#define KEY_IS_F(k) ((k) & 0x40000000)
#define KEYCTRL(c) ((c) & 0x1f)

enum scope {
	SC_GLOBAL = 1,      /* always, outside text input */
	SC_TABLE = 2,       /* any list view */
	SC_RESOURCE = 4,    /* actions on containers, pods, workloads */
	SC_PAGER = 8,       /* full-screen logs and inspect */
	SC_LOGS = 16,       /* log-only toggles (follow, timestamps) */
	SC_IMAGES = 32,     /* the images view: pull */
	SC_STORE = 64,      /* networks and volumes: create */
};

#define KEYMAP_ACTIONS(X) \
	X(QUIT, "quit", SC_GLOBAL, "quit the console") \
	X(HELP, "help", SC_GLOBAL, "show the keys of this view") \
	X(COMMAND, "command", SC_GLOBAL, "command mode (:help lists)") \
	X(NEXT_VIEW, "next-view", SC_GLOBAL, "next view") \
	X(PREV_VIEW, "prev-view", SC_GLOBAL, "previous view") \
	X(VIEW1, "view-1", SC_GLOBAL, "view 1 (containers)") \
	X(VIEW2, "view-2", SC_GLOBAL, "view 2 (images)") \
	X(VIEW3, "view-3", SC_GLOBAL, "view 3 (networks)") \
	X(VIEW4, "view-4", SC_GLOBAL, "view 4 (volumes)") \
	X(VIEW5, "view-5", SC_GLOBAL, "view 5 (pods)") \
	X(VIEW6, "view-6", SC_GLOBAL, "view 6 (deployments)") \
	X(VIEW7, "view-7", SC_GLOBAL, "view 7 (statefulsets)") \
	X(VIEW8, "view-8", SC_GLOBAL, "view 8 (daemonsets)") \
	X(VIEW9, "view-9", SC_GLOBAL, "view 9 (nodes)") \
	X(REDRAW, "redraw", SC_GLOBAL, "redraw the screen and refresh now") \
	X(UP, "up", SC_TABLE | SC_PAGER, "move up") \
	X(DOWN, "down", SC_TABLE | SC_PAGER, "move down") \
	X(TOP, "top", SC_TABLE | SC_PAGER, "go to the top") \
	X(BOTTOM, "bottom", SC_TABLE | SC_PAGER, "go to the bottom") \
	X(PAGE_UP, "page-up", SC_TABLE | SC_PAGER, "page up") \
	X(PAGE_DOWN, "page-down", SC_TABLE | SC_PAGER, "page down") \
	X(FILTER, "filter", SC_TABLE, "filter: text, or a regex") \
	X(MARK, "mark", SC_TABLE, "mark rows for bulk actions") \
	X(SORT_NEXT, "sort-next", SC_TABLE, "sort by the next column") \
	X(SORT_PREV, "sort-prev", SC_TABLE, "sort by the previous column") \
	X(SORT_REVERSE, "sort-reverse", SC_TABLE, "reverse the sort order") \
	X(INSPECT, "inspect", SC_TABLE, "inspect: the full object") \
	X(CLEAR, "clear", SC_TABLE | SC_PAGER, "clear filter, marks / close") \
	X(SHOW_ALL, "show-all", SC_TABLE, "hide/show stopped containers") \
	X(START, "start", SC_RESOURCE, "start") \
	X(STOP, "stop", SC_RESOURCE, "stop (SIGTERM, then SIGKILL)") \
	X(RESTART, "restart", SC_RESOURCE, "restart") \
	X(KILL, "kill", SC_RESOURCE, "kill (SIGKILL)") \
	X(REMOVE, "remove", SC_TABLE, "remove (asks first)") \
	X(PAUSE, "pause", SC_RESOURCE, "pause / unpause") \
	X(LOGS, "logs", SC_RESOURCE, "logs full-screen") \
	X(EXEC, "exec", SC_RESOURCE, "shell in the container") \
	X(RENAME, "rename", SC_RESOURCE, "rename the container") \
	X(PULL, "pull", SC_IMAGES, "pull an image (asks for its reference)") \
	X(CREATE, "create", SC_STORE, "create one (asks for its name and options)") \
	X(SCALE_UP, "scale-up", SC_RESOURCE, "scale up by one replica") \
	X(SCALE_DOWN, "scale-down", SC_RESOURCE, "scale down by one replica") \
	X(SCALE, "scale", SC_RESOURCE, "scale to an exact number of replicas (asks)") \
	X(CORDON, "cordon", SC_RESOURCE, "cordon / uncordon the node") \
	X(USE, "use", SC_RESOURCE, "list this namespace in every view") \
	X(CONTAINER, "container", SC_RESOURCE, "pick the pod's container whose log to follow") \
	X(PREVIOUS, "previous", SC_RESOURCE, "log of the previous instance on/off") \
	X(SEARCH, "search", SC_PAGER, "search") \
	X(NEXT_MATCH, "next-match", SC_PAGER, "next match") \
	X(PREV_MATCH, "prev-match", SC_PAGER, "previous match") \
	X(LEFT, "left", SC_PAGER, "scroll left (no wrap)") \
	X(RIGHT, "right", SC_PAGER, "scroll right (no wrap)") \
	X(WRAP, "wrap", SC_PAGER, "wrap long lines on/off") \
	X(FOLLOW, "follow", SC_LOGS, "follow new lines on/off") \
	X(TIMESTAMPS, "timestamps", SC_LOGS, "timestamps on/off")

enum action {
	ACT_NONE = 0,
#define KEYMAP_ENUM(id, name, scope, help) ACT_##id,
	KEYMAP_ACTIONS(KEYMAP_ENUM)
#undef KEYMAP_ENUM
	ACT_COUNT
};

#define KEYMAP_MAXKEYS 4

struct keymap {
	int keys[ACT_COUNT][KEYMAP_MAXKEYS];   /* 0-terminated */
};

/* Fill with the default bindings. */
void keymap_defaults(struct keymap *km);
/* The action bound to key among actions in any of the scopes. */
enum action keymap_lookup(const struct keymap *km, unsigned scopes, int key);
/* Rebind an action to keys (replacing its defaults). Fails on an unknown
 * action or key name. Call keymap_check() once every binding is made. */
int keymap_bind(struct keymap *km, const char *action, const char *const *keys, size_t n,
		struct tug_err *err);
/* Find two actions that can be active at the same time and share a key.
 * Returns -1 with them (and the key) filled, 0 when there is none. */
int keymap_check(const struct keymap *km, enum action *a, enum action *b, int *key);

const char *keymap_action_name(enum action a);
const char *keymap_action_help(enum action a);
unsigned keymap_action_scope(enum action a);
/* Action by name; ACT_NONE when unknown. */
enum action keymap_action_parse(const char *name);

/* "q", "S", "ctrl-c", "enter", "esc", "tab", "backtab", "space", "up",
 * "pgdn", "f1"... -> key; -1 when not a key name. */
int keymap_key_parse(const char *s);
/* The key as help shows it ("q", "Enter", "^C", "PgDn"). */
const char *keymap_key_name(int key, char *buf, size_t size);
/* "S, x" : every key of an action, for help and hints. */
const char *keymap_keys_text(const struct keymap *km, enum action a, char *buf, size_t size);

#endif
