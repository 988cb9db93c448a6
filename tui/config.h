/* config.h - the console's settings from $XDG_CONFIG_HOME/tug/config.yaml
 * (or ~/.config/tug/config.yaml, or $TUG_CONFIG):
 *
 *   theme: dark              # a name from themes/ or a file
 *   refresh: 2s              # list refresh interval
 *   stats_interval: 1s       # resource sampling for graphs and CPU%
 *   graph_history: 300       # samples kept per container
 *   log_buffer: 5000         # lines kept per log pane
 *   readonly: false          # refuse every destructive action
 *   endpoint: local          # or kube, kube:CONTEXT
 *   mouse: true
 *   graph_style: auto        # braille, block, ascii
 *   keys:                    # rebind actions by name
 *     stop: x
 *     quit: [q, ctrl-q]
 */
#ifndef TUG_CONFIG_H
#define TUG_CONFIG_H

#include <limits.h>
#include "keymap.h"
#include "util/err.h"

enum graph_style { GRAPH_AUTO, GRAPH_BRAILLE, GRAPH_BLOCK, GRAPH_ASCII };

struct config {
	char theme[PATH_MAX];
	int refresh_ms;
	int stats_ms;
	int graph_history;
	int log_lines;
	int readonly;
	char endpoint[256];
	int mouse;
	enum graph_style graph_style;
	struct keymap keys;
	char path[PATH_MAX];   /* the file read, "" when none */
};

/* Defaults, as if the file were empty. */
void config_defaults(struct config *c);
/* Where the config file is looked for. */
char *config_path(char *buf, size_t size);
/* Read path into c (which holds defaults). A missing file is not an
 * error (returns 0, path left ""). Unknown keys and bad values fail with
 * "file:LINE: what is wrong"; c then keeps what was read before. */
int config_load(struct config *c, const char *path, struct tug_err *err);
/* Same from a string (tests). */
int config_load_string(struct config *c, const char *name, const char *text,
		       struct tug_err *err);

#endif
