/* Tables, --format handling and docker's status texts. */
#include "t.h"
#include "cli-format.h"

#include <stdlib.h>

/* Run fn-like code writing to a memory stream; returns malloc'd text. */
static char *table_text(const char *const *lines, size_t n, int minwidth, int pad)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct cli_table t;

	cli_table_init(&t, minwidth, pad);
	for (size_t i = 0; i < n; i++)
		cli_table_add(&t, lines[i]);
	cli_table_flush(&t, f);
	fclose(f);
	return buf;
}

static char *fmt_text(const char *format, json_t *rows, json_t *headers, struct tug_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct cli_fmt fm;
	int rc = cli_fmt_init(&fm, format, CLI_PS_TABLE, err);

	if (rc == 0)
		rc = cli_fmt_print(&fm, rows, headers, f, err);
	cli_fmt_release(&fm);
	fclose(f);
	if (rc < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int main(void)
{
	const int64_t s = 1000000000LL, now = 1700000000LL * s;
	char buf[256];
	char *out;

	{
		const char *lines[] = { "CONTAINER ID\tIMAGE\tNAMES", "abc\tbb\tweb", "d\tbusybox:latest\tx" };
		out = table_text(lines, 3, 10, 3);
		T_STREQ(out, "CONTAINER ID   IMAGE            NAMES\n"
			     "abc            bb               web\n"
			     "d              busybox:latest   x\n",
			"table: widest cell + 3, last column unpadded");
		free(out);
	}
	{
		const char *lines[] = { "A\tB", "é\tx" };
		out = table_text(lines, 2, 1, 1);
		T_STREQ(out, "A B\né x\n", "table widths count characters, not bytes");
		free(out);
	}
	{
		const char *lines[] = { "UID\tPID", "root\t1" };
		out = table_text(lines, 2, 20, 3);
		T_STREQ(out, "UID                 PID\nroot                1\n", "minimum width (docker top)");
		free(out);
	}

	T_STREQ(fmt_ellipsis("short", 20, buf, sizeof(buf)), "short", "ellipsis keeps short text");
	T_STREQ(fmt_ellipsis("sh -c 'while true; do echo hi; done'", 20, buf, sizeof(buf)),
		"sh -c 'while true; …", "ellipsis cuts to 20 characters");
	T_OK(utf8_width(buf) == 20, "ellipsis result is 20 characters wide");

	{
		struct sbuf b = SBUF_INIT;
		fmt_go_quote(&b, "say \"hi\"\\\n");
		T_STREQ(b.s, "\"say \\\"hi\\\"\\\\\\n\"", "Go quoting");
		sbuf_release(&b);
	}

	{
		struct tug_obj o = { 0 };
		o.state = "running";
		o.started_ns = now - 180 * s;
		T_STREQ(fmt_ctr_status(&o, now, buf, sizeof(buf)), "Up 3 minutes", "status running");
		o.state = "paused";
		T_STREQ(fmt_ctr_status(&o, now, buf, sizeof(buf)), "Up 3 minutes (Paused)", "status paused");
		o.state = "exited";
		o.exit_code = 137;
		o.finished_ns = now - 7200 * s;
		T_STREQ(fmt_ctr_status(&o, now, buf, sizeof(buf)), "Exited (137) 2 hours ago", "status exited");
		o.state = "restarting";
		o.exit_code = 1;
		o.finished_ns = now - 1 * s;
		T_STREQ(fmt_ctr_status(&o, now, buf, sizeof(buf)), "Restarting (1) 1 second ago",
			"status restarting");
		o.state = "created";
		T_STREQ(fmt_ctr_status(&o, now, buf, sizeof(buf)), "Created", "status created");
		o.state = "running";
		o.started_ns = now;
		T_STREQ(fmt_ctr_status(&o, now, buf, sizeof(buf)), "Up Less than a second", "status just started");
	}
	T_STREQ(fmt_ago(now - 45 * s, now, buf, sizeof(buf)), "45 seconds ago", "ago");

	{
		struct tug_obj o = { 0 };
		struct tug_err err = { 0 };
		json_t *rows = json_array(), *headers = cli_ps_headers(), *row;
		o.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
		o.name = "web";
		o.image = "bb:latest";
		o.command = "httpd -f -p 8080 -h /var/www";
		o.state = "running";
		o.created_ns = now - 600 * s;
		o.started_ns = now - 300 * s;
		o.raw = json_pack("{s:{s:{s:s}}}", "Config", "Labels", "app", "demo");
		row = cli_ps_row(&o, now, 1);
		T_STREQ(json_string_value(json_object_get(row, "ID")), "0123456789ab", "ps row: short id");
		T_STREQ(json_string_value(json_object_get(row, "Command")), "\"httpd -f -p 8080 -h…\"",
			"ps row: command quoted and cut");
		T_STREQ(json_string_value(json_object_get(row, "Status")), "Up 5 minutes", "ps row: status");
		T_STREQ(json_string_value(json_object_get(row, "RunningFor")), "10 minutes ago",
			"ps row: created");
		T_STREQ(json_string_value(json_object_get(row, "Labels")), "app=demo", "ps row: labels");
		json_array_append_new(rows, row);

		out = fmt_text("", rows, headers, &err);
		{
			const char *h = "CONTAINER ID   IMAGE       COMMAND                  CREATED          "
					"STATUS         PORTS     NAMES\n";
			T_OK(out && !strncmp(out, h, strlen(h)), "ps default table header");
		}
		T_OK(out && strstr(out, "\n0123456789ab   bb:latest   \"httpd -f -p 8080 -h…\"   10 minutes ago   "
					"Up 5 minutes             web\n"), "ps default table row");
		free(out);

		out = fmt_text("{{.ID}}: {{.Names}}", rows, headers, &err);
		T_STREQ(out, "0123456789ab: web\n", "custom template, no header");
		free(out);

		out = fmt_text("table {{.Names}}\\t{{.State}}", rows, headers, &err);
		T_STREQ(out, "NAMES     STATE\nweb       running\n", "table template with \\t escape");
		free(out);

		out = fmt_text("json", rows, headers, &err);
		T_OK(out && out[0] == '{' && strstr(out, "\"Names\":\"web\"") && strchr(out, '\n') == out + strlen(out) - 1,
		     "json: one compact object per line");
		free(out);

		out = fmt_text("{{.Bogus}}", rows, headers, &err);
		T_OK(out == NULL && strstr(err.msg, "Bogus"), "unknown field is an error naming it");
		free(out);

		json_decref(o.raw);
		json_decref(rows);
		json_decref(headers);
	}
	return T_DONE();
}
