/* cli-format.h - output helpers the CLI commands share and the console may
 * reuse (nothing here touches ncurses): docker's aligned tables, --format
 * handling (table / json / Go template), container status and age text,
 * truncation, and the exit status of a failed command. */
#ifndef TUG_CLI_FORMAT_H
#define TUG_CLI_FORMAT_H

#include <stdio.h>
#include <jansson.h>
#include "backend.h"
#include "cli-template.h"

/* ---- aligned tables (Go's text/tabwriter as docker configures it) ---- */

/* Lines whose cells are separated by '\t'. Every cell but the last of a
 * line is padded to the widest cell of its column plus `pad` spaces, and
 * to at least `minwidth`; widths count characters, not bytes. */
struct cli_table {
	char **lines;
	size_t n;
	int minwidth, pad;
};

/* docker ps/images/stats use minwidth 10, pad 3; docker top 20, 3. */
void cli_table_init(struct cli_table *t, int minwidth, int pad);
void cli_table_add(struct cli_table *t, const char *line);
/* Write every line to f, aligned; the table is emptied. */
void cli_table_flush(struct cli_table *t, FILE *f);
void cli_table_release(struct cli_table *t);

/* ---- --format ---- */

/* How a list command prints its rows: "" or "table" = default table,
 * "json" = one compact JSON object per row, "table TEMPLATE" = a header
 * line and aligned rows, anything else = TEMPLATE once per row. As docker
 * does, the two-character sequences \t and \n in the format are turned
 * into a tab and a newline. */
struct cli_fmt {
	int json;
	int table;
	struct tmpl *t;
};

int cli_fmt_init(struct cli_fmt *f, const char *format, const char *default_table,
		 struct tug_err *err);
/* Print rows (an array of objects). headers maps each field name to its
 * column title; it is what the template sees for the header line. */
int cli_fmt_print(struct cli_fmt *f, json_t *rows, json_t *headers, FILE *out,
		  struct tug_err *err);
void cli_fmt_release(struct cli_fmt *f);

/* ---- text ---- */

/* Number of characters (UTF-8 code points) in s. */
size_t utf8_width(const char *s);
/* s cut to at most width characters, the last one replaced by "…" when
 * cut, as docker's formatter.Ellipsis. Returns buf. */
char *fmt_ellipsis(const char *s, size_t width, char *buf, size_t size);
/* Go's strconv.Quote: "…" with quotes, backslashes and control
 * characters escaped. Appended to out. */
void fmt_go_quote(struct sbuf *out, const char *s);
/* "3 minutes ago" (docker's CREATED column); "" when then is 0. */
char *fmt_ago(int64_t then_ns, int64_t now, char *buf, size_t size);
/* docker ps STATUS: "Created", "Up 3 minutes", "Up 2 hours (Paused)",
 * "Restarting (1) 5 seconds ago", "Exited (0) 2 minutes ago", "Dead",
 * "Removal In Progress". Falls back to o->status, then o->state. */
char *fmt_ctr_status(const struct tug_obj *o, int64_t now, char *buf, size_t size);
/* "2024-05-01 10:20:30 +0200 CEST" as Go prints a local time. */
char *fmt_local_time(int64_t unix_ns, char *buf, size_t size);

/* ---- containers as docker ps shows them ---- */

/* One `ps` row with docker's field names (Command, CreatedAt, ID, Image,
 * Labels, LocalVolumes, Mounts, Names, Networks, Ports, RunningFor, Size,
 * State, Status). trunc shortens the id and the command as docker does. */
json_t *cli_ps_row(const struct tug_obj *o, int64_t now, int trunc);
/* The column titles for those fields. New reference. */
json_t *cli_ps_headers(void);
/* A field of a container's raw object by dotted path ("Config.Labels"),
 * NULL when absent. Drivers put docker's inspect layout in raw; the
 * runtime's list rows wrap its config record as raw.Config, so that
 * layout is looked at second. Borrowed reference. */
json_t *cli_ctr_field(const struct tug_obj *o, const char *path);
/* docker's default ps table. */
#define CLI_PS_TABLE \
	"table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

/* ---- prompts and errors ---- */

/* Print question and " [y/N] " on stderr and read the answer from stdin
 * (a terminal or a pipe); only y or yes agrees, end of input does not. */
int cli_confirm(const char *question);

/* Print err as one "tug: ..." line; the exit status docker gives a failed
 * non-run command: 1, or 126/127 when a process could not be run. */
int cli_fail1(const struct tug_err *err);

#endif
