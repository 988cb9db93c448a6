/* cli-objects.h - what the object commands (network, volume) share: list
 * output through the CLI's --format machinery with docker's column
 * titles, label text, inspect, rm and prune. */
#ifndef TUG_CLI_OBJECTS_H
#define TUG_CLI_OBJECTS_H

#include <jansson.h>
#include "cli.h"

/* A row field and the column title a table shows for it. */
struct cli_column {
	const char *title;
	const char *field;
};

/* Print rows (array of objects): with quiet_field only that field, one
 * per line; otherwise by format (NULL = default_table, "json", a Go
 * template or "table TEMPLATE"). cols names every field a row has (NULL
 * title ends it). */
int cli_print_rows(json_t *rows, const struct cli_column *cols, const char *default_table,
		   const char *quiet_field, const char *format, struct tug_err *err);

/* "k=v,k2=v2" (sorted) as a JSON string, from a labels object. */
json_t *cli_labels_str(json_t *labels);

/* `tug network inspect` / `tug volume inspect` [-f TEMPLATE] NAME... */
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

#endif
