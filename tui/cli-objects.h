/* cli-objects.h - small output helpers of the object commands (network,
 * volume): aligned tables with docker's column titles, JSON rows, the
 * inspect array, label text and prune's confirmation prompt. */
#ifndef TUG_CLI_OBJECTS_H
#define TUG_CLI_OBJECTS_H

#include <jansson.h>
#include "cli.h"

/* A table column: its title and the row field it shows. */
struct cli_column {
	const char *title;
	const char *field;
};

/* Print rows (array of objects with string or integer fields): with
 * quiet_field only that field, one per line; format NULL or "table" an
 * aligned table of cols (NULL-title terminated); "json" one compact JSON
 * object per line. Anything else is an error. */
int cli_print_rows(json_t *rows, const struct cli_column *cols, const char *quiet_field,
		   const char *format, struct tug_err *err);

/* "k=v,k2=v2" (sorted) as a JSON string, from a labels object. */
json_t *cli_labels_str(json_t *labels);

/* `tug network inspect` and `tug volume inspect`: a JSON array of the
 * objects named in argv, exit 1 if any is missing. */
int cli_inspect_kind(struct cli *c, enum tug_kind kind, const char *cmd, int argc, char **argv);

/* `tug network rm` / `tug volume rm`: action REMOVE on each name (with
 * -f: force_help says what it forces), printing each removed name;
 * exit 1 if any failed. */
int cli_remove_kind(struct cli *c, enum tug_kind kind, const char *cmd, const char *force_help,
		    int argc, char **argv);

/* `tug network prune` / `tug volume prune`: asks (unless -f) with
 * warning, prints heading and then each removed name. */
int cli_prune_kind(struct cli *c, enum tug_kind kind, const char *cmd, const char *warning,
		   const char *heading, int argc, char **argv);

/* Print warning and "Are you sure you want to continue? [y/N]", read the
 * answer from stdin; non-zero for yes. */
int cli_objects_confirm(const char *warning);

#endif
