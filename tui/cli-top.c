/* cli-top.c - `tug top CONTAINER`: the container's processes as docker top
 * prints them (the backend's Titles and Processes, aligned). */
#include "cli.h"
#include "cli-format.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

int cmd_top(struct cli *c, int argc, char **argv)
{
	struct tug_endpoint *ep;
	struct tug_err err = { 0 };
	struct cli_table tab;
	struct sbuf line = SBUF_INIT;
	json_t *j = NULL, *titles, *procs, *v, *row;
	size_t i, k;
	int optind, rc;

	rc = cli_parse("top", "CONTAINER [ps OPTIONS]", NULL, argc, argv, 1, &optind);
	if (rc)
		return rc < 0 ? 125 : 0;
	if (!argv[optind])
		return cli_failf("top: requires a container (see 'tug top --help')");
	if (argv[optind + 1])
		fprintf(stderr, "tug: top: ps options are not supported; showing the default columns\n");
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	if (backend_top(ep, TUG_CONTAINER, argv[optind], &j, &err) < 0)
		return tug_err_wrap(&err, "top"), cli_fail1(&err);
	titles = json_object_get(j, "Titles");
	procs = json_object_get(j, "Processes");
	cli_table_init(&tab, 20, 3);
	json_array_foreach(titles, i, v) {
		if (i)
			sbuf_puts(&line, "\t");
		tmpl_print_value(&line, v);
	}
	cli_table_add(&tab, line.s ? line.s : "");
	json_array_foreach(procs, i, row) {
		line.len = 0;
		sbuf_add(&line, "", 0);
		json_array_foreach(row, k, v) {
			if (k)
				sbuf_puts(&line, "\t");
			tmpl_print_value(&line, v);
		}
		cli_table_add(&tab, line.s);
	}
	cli_table_flush(&tab, stdout);
	sbuf_release(&line);
	json_decref(j);
	return 0;
}
