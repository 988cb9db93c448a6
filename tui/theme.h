/* theme.h - UI roles and the colours themes give them.
 *
 * The code only names roles (ROLE_HEADER, ROLE_ROW_SELECTED...); a theme,
 * a YAML file in themes/, maps each role to a foreground, a background
 * and attributes. theme_apply() turns that into curses attributes for
 * the terminal at hand: true colour, 256, 16 or 8 colours, or none at
 * all (NO_COLOR, or a terminal without colours) where only attributes
 * remain and a fixed set of monochrome attributes keeps things legible.
 */
#ifndef TUG_THEME_H
#define TUG_THEME_H

#include <limits.h>
#include <stdint.h>
#include "ui.h"
#include "util/err.h"

/* X(id, "yaml name", monochrome attributes) */
#define THEME_ROLES(X) \
	X(NORMAL, "normal", 0) \
	X(MUTED, "muted", A_DIM) \
	X(BORDER, "border", 0) \
	X(TITLE, "title", A_BOLD) \
	X(HEADER, "header", A_REVERSE) \
	X(HEADER_ACCENT, "header_accent", A_REVERSE | A_BOLD) \
	X(TAB, "tab", 0) \
	X(TAB_ACTIVE, "tab_active", A_REVERSE | A_BOLD) \
	X(TABLE_HEADER, "table_header", A_BOLD | A_UNDERLINE) \
	X(TABLE_SORTED, "table_sorted", A_BOLD | A_UNDERLINE | A_REVERSE) \
	X(ROW_SELECTED, "row_selected", A_REVERSE) \
	X(ROW_MARKED, "row_marked", A_BOLD) \
	X(STATE_RUNNING, "state_running", A_BOLD) \
	X(STATE_PAUSED, "state_paused", A_UNDERLINE) \
	X(STATE_STOPPED, "state_stopped", A_DIM) \
	X(STATE_CREATED, "state_created", 0) \
	X(STATE_ERROR, "state_error", A_BOLD | A_UNDERLINE) \
	X(STATUS_OK, "status_ok", A_BOLD) \
	X(STATUS_INFO, "status_info", 0) \
	X(STATUS_WARN, "status_warn", A_BOLD) \
	X(STATUS_ERROR, "status_error", A_BOLD | A_REVERSE) \
	X(KEY_HINT, "key_hint", A_BOLD) \
	X(HINT, "hint", A_DIM) \
	X(MESSAGE, "message", A_BOLD) \
	X(GRAPH_CPU, "graph_cpu", 0) \
	X(GRAPH_MEM, "graph_mem", 0) \
	X(GRAPH_NET_RX, "graph_net_rx", 0) \
	X(GRAPH_NET_TX, "graph_net_tx", 0) \
	X(GRAPH_BLK_READ, "graph_blk_read", 0) \
	X(GRAPH_BLK_WRITE, "graph_blk_write", 0) \
	X(GRAPH_PIDS, "graph_pids", 0) \
	X(GRAPH_LABEL, "graph_label", A_BOLD) \
	X(LOG_STDOUT, "log_stdout", 0) \
	X(LOG_STDERR, "log_stderr", A_BOLD) \
	X(LOG_TIMESTAMP, "log_timestamp", A_DIM) \
	X(LOG_MATCH, "log_match", A_REVERSE) \
	X(LOG_INFO, "log_info", A_DIM) \
	X(DIALOG, "dialog", 0) \
	X(DIALOG_TITLE, "dialog_title", A_BOLD) \
	X(DIALOG_BUTTON, "dialog_button", 0) \
	X(DIALOG_BUTTON_ACTIVE, "dialog_button_active", A_REVERSE) \
	X(INPUT, "input", A_BOLD) \
	X(SPINNER, "spinner", A_BOLD) \
	X(JSON_KEY, "json_key", A_BOLD) \
	X(JSON_STRING, "json_string", 0) \
	X(JSON_NUMBER, "json_number", 0) \
	X(JSON_LITERAL, "json_literal", A_DIM) \
	X(HELP_SECTION, "help_section", A_BOLD | A_UNDERLINE)

enum role {
#define THEME_ROLE_ENUM(id, name, mono) ROLE_##id,
	THEME_ROLES(THEME_ROLE_ENUM)
#undef THEME_ROLE_ENUM
	ROLE_COUNT
};

const char *theme_role_name(enum role r);
/* Role by YAML name; -1 when unknown. */
int theme_role_parse(const char *name);

enum color_kind { COLOR_UNSET = 0, COLOR_DEFAULT, COLOR_INDEX, COLOR_RGB };
struct theme_color {
	enum color_kind kind;
	uint32_t v;            /* index 0-255, or 0xRRGGBB */
};
struct theme_style {
	struct theme_color fg, bg;
	attr_t attrs;
	int set;               /* named by the theme file */
};
struct theme {
	char name[64];
	char path[PATH_MAX];   /* "" for the built-in fallback */
	struct theme_style roles[ROLE_COUNT];
};

/* Parse "default", "red", "bright-blue", "208", "#ff8800". */
int theme_color_parse(const char *s, struct theme_color *out);
/* Parse "bold", "bold underline", "bold,reverse", "none". */
int theme_attrs_parse(const char *s, attr_t *out);

/* Load a theme file. Roles the file does not name keep the built-in
 * fallback's style (so a partial user theme still works); errors say
 * "file:LINE: what is wrong". */
int theme_load_file(struct theme *t, const char *path, struct tug_err *err);
int theme_load_string(struct theme *t, const char *name, const char *text,
		      struct tug_err *err);
/* The built-in fallback: 8 basic colours, used when no theme file loads. */
void theme_builtin(struct theme *t);
/* Roles a theme file did not name, comma-separated into buf; returns how
 * many (shipped themes must name every role). */
int theme_missing_roles(const struct theme *t, char *buf, size_t size);

/* Directories searched for NAME.yaml, in order: $TUG_THEMES,
 * $XDG_CONFIG_HOME/tug/themes, the themes/ next to the binary (a source
 * tree), TUG_DATADIR/themes. Returns how many were written. */
int theme_dirs(char dirs[][PATH_MAX], int max);
/* Resolve NAME or a file path to a theme file. */
int theme_find(const char *name_or_file, char *path, size_t size, struct tug_err *err);
/* Names of every theme found (sorted, unique, NULL-terminated; free with
 * theme_names_free) for `:theme` completion. */
char **theme_names(void);
void theme_names_free(char **v);

/* How many colours the terminal gets. */
enum color_mode { CM_MONO, CM_8, CM_16, CM_256, CM_DIRECT };
/* Decide from NO_COLOR, has_colors() and COLORS (after start_color). */
enum color_mode theme_color_mode(void);
/* Nearest xterm-256 index of an RGB colour, and of the 16/8 basic ones. */
int theme_rgb_to_256(uint32_t rgb);
int theme_rgb_to_basic(uint32_t rgb, int ncolors);
uint32_t theme_index_to_rgb(int index);

/* The curses colour number of a theme colour in a mode: -1 for the
 * terminal default, 0xRRGGBB in direct (true) colour, an index below. */
int theme_color_value(const struct theme_color *c, enum color_mode m);

/* Set up colour pairs and attributes for every role (after initscr and,
 * unless mode is CM_MONO, start_color). */
void theme_apply(const struct theme *t, enum color_mode mode);
/* Switch a window to a role's colours and attributes. */
void ui_role(WINDOW *w, enum role r);
/* The attributes + pair of a role, for bkgd and cchar_t. */
attr_t theme_role_attr(enum role r);
int theme_role_pair(enum role r);

#endif
