/* cli-format.c - tables, --format handling and docker's status texts. */
#include "cli-format.h"
#include "cli.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- tables ---- */

void cli_table_init(struct cli_table *t, int minwidth, int pad)
{
	memset(t, 0, sizeof(*t));
	t->minwidth = minwidth;
	t->pad = pad;
}

void cli_table_add(struct cli_table *t, const char *line)
{
	t->lines = xrealloc(t->lines, (t->n + 1) * sizeof(char *));
	t->lines[t->n++] = xstrdup(line);
}

size_t utf8_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static size_t utf8_width_n(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

void cli_table_flush(struct cli_table *t, FILE *f)
{
	size_t *width = NULL, ncol = 0;

	/* a column's width: its widest cell that a tab terminates (the last
	 * cell of a line does not take part, as in tabwriter) */
	for (size_t i = 0; i < t->n; i++) {
		const char *p = t->lines[i];
		size_t col = 0;
		for (const char *tab; (tab = strchr(p, '\t')); p = tab + 1, col++) {
			size_t w = utf8_width_n(p, (size_t)(tab - p)) + (size_t)t->pad;
			if (col >= ncol) {
				width = xrealloc(width, (col + 1) * sizeof(size_t));
				for (size_t k = ncol; k <= col; k++)
					width[k] = (size_t)t->minwidth;
				ncol = col + 1;
			}
			if (w > width[col])
				width[col] = w;
		}
	}
	for (size_t i = 0; i < t->n; i++) {
		const char *p = t->lines[i];
		size_t col = 0;
		for (const char *tab; (tab = strchr(p, '\t')); p = tab + 1, col++) {
			size_t w = utf8_width_n(p, (size_t)(tab - p));
			fwrite(p, 1, (size_t)(tab - p), f);
			for (; w < width[col]; w++)
				fputc(' ', f);
		}
		fputs(p, f);
		fputc('\n', f);
		free(t->lines[i]);
	}
	free(width);
	free(t->lines);
	t->lines = NULL;
	t->n = 0;
}

void cli_table_release(struct cli_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->lines[i]);
	free(t->lines);
	t->lines = NULL;
	t->n = 0;
}

/* ---- --format ---- */

int cli_fmt_init(struct cli_fmt *f, const char *format, const char *default_table,
		 struct tug_err *err)
{
	struct sbuf b = SBUF_INIT;
	const char *s;

	memset(f, 0, sizeof(*f));
	if (!format || !*format || !strcmp(format, "table"))
		format = default_table;
	if (!strcmp(format, "json")) {
		f->json = 1;
		return 0;
	}
	if (str_has_prefix(format, "table ") || str_has_prefix(format, "table\t")) {
		f->table = 1;
		format += 6;
	}
	while (*format == ' ')
		format++;
	for (s = format; *s; s++) {
		if (s[0] == '\\' && (s[1] == 't' || s[1] == 'n')) {
			sbuf_add(&b, s[1] == 't' ? "\t" : "\n", 1);
			s++;
		} else {
			sbuf_add(&b, s, 1);
		}
	}
	/* docker trims the format's trailing spaces too */
	while (b.len && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	f->t = tmpl_compile(b.s ? b.s : "", err);
	sbuf_release(&b);
	if (!f->t)
		return tug_err_wrap(err, "format");
	return 0;
}

int cli_fmt_print(struct cli_fmt *f, json_t *rows, json_t *headers, FILE *out,
		  struct tug_err *err)
{
	struct cli_table tab;
	struct sbuf b = SBUF_INIT;
	size_t i;
	json_t *row;

	if (f->json) {
		json_array_foreach(rows, i, row) {
			char *s = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER);
			fprintf(out, "%s\n", s ? s : "{}");
			free(s);
		}
		return 0;
	}
	cli_table_init(&tab, 10, 3);
	if (f->table) {
		if (tmpl_render(f->t, headers, 1, &b, err) < 0)
			goto fail;
		cli_table_add(&tab, b.s);
		b.len = 0;
	}
	json_array_foreach(rows, i, row) {
		b.len = 0;
		if (tmpl_render(f->t, row, 1, &b, err) < 0)
			goto fail;
		if (f->table)
			cli_table_add(&tab, b.s);
		else
			fprintf(out, "%s\n", b.s);
	}
	if (f->table)
		cli_table_flush(&tab, out);
	sbuf_release(&b);
	return 0;
fail:
	cli_table_release(&tab);
	sbuf_release(&b);
	return tug_err_wrap(err, "format");
}

void cli_fmt_release(struct cli_fmt *f)
{
	tmpl_free(f->t);
	f->t = NULL;
}

/* ---- text ---- */

char *fmt_ellipsis(const char *s, size_t width, char *buf, size_t size)
{
	size_t chars = 0;
	const char *p = s;

	if (utf8_width(s) <= width || width == 0) {
		snprintf(buf, size, "%s", width ? s : "");
		return buf;
	}
	/* keep width-1 characters, then the ellipsis */
	while (*p) {
		if (((unsigned char)*p & 0xc0) != 0x80) {
			if (chars == width - 1)
				break;
			chars++;
		}
		p++;
	}
	snprintf(buf, size, "%.*s…", (int)(p - s), s);
	return buf;
}

void fmt_go_quote(struct sbuf *out, const char *s)
{
	sbuf_puts(out, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': sbuf_puts(out, "\\\""); break;
		case '\\': sbuf_puts(out, "\\\\"); break;
		case '\n': sbuf_puts(out, "\\n"); break;
		case '\t': sbuf_puts(out, "\\t"); break;
		case '\r': sbuf_puts(out, "\\r"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				sbuf_printf(out, "\\x%02x", *p);
			else
				sbuf_add(out, (const char *)p, 1);
		}
	}
	sbuf_puts(out, "\"");
}

char *fmt_ago(int64_t then_ns, int64_t now, char *buf, size_t size)
{
	char d[64];

	if (!then_ns) {
		snprintf(buf, size, "%s", "");
		return buf;
	}
	fmt_duration(d, sizeof(d), (now - then_ns) / 1000000000);
	snprintf(buf, size, "%s ago", d);
	return buf;
}

char *fmt_ctr_status(const struct tug_obj *o, int64_t now, char *buf, size_t size)
{
	const char *st = o->state ? o->state : "";
	char d[64];

	if (!strcmp(st, "running") || !strcmp(st, "paused")) {
		fmt_duration(d, sizeof(d), o->started_ns ? (now - o->started_ns) / 1000000000 : 0);
		snprintf(buf, size, "Up %s%s", d, !strcmp(st, "paused") ? " (Paused)" : "");
	} else if (!strcmp(st, "restarting")) {
		fmt_duration(d, sizeof(d), o->finished_ns ? (now - o->finished_ns) / 1000000000 : 0);
		snprintf(buf, size, "Restarting (%d) %s ago", o->exit_code, d);
	} else if (!strcmp(st, "exited")) {
		if (!o->finished_ns) {
			snprintf(buf, size, "Created");
		} else {
			fmt_duration(d, sizeof(d), (now - o->finished_ns) / 1000000000);
			snprintf(buf, size, "Exited (%d) %s ago", o->exit_code, d);
		}
	} else if (!strcmp(st, "created")) {
		snprintf(buf, size, "Created");
	} else if (!strcmp(st, "dead")) {
		snprintf(buf, size, "Dead");
	} else if (!strcmp(st, "removing")) {
		snprintf(buf, size, "Removal In Progress");
	} else {
		snprintf(buf, size, "%s", o->status ? o->status : st);
	}
	return buf;
}

char *fmt_local_time(int64_t unix_ns, char *buf, size_t size)
{
	time_t t = (time_t)(unix_ns / 1000000000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S %z %Z", &tm);
	return buf;
}

/* ---- ps rows ---- */

json_t *cli_ctr_field(const struct tug_obj *o, const char *path)
{
	json_t *bases[2] = { o->raw, o->raw ? json_object_get(o->raw, "Config") : NULL };

	for (int b = 0; b < 2; b++) {
		json_t *cur = bases[b];
		const char *p = path;
		while (cur && *p) {
			size_t n = strcspn(p, ".");
			char key[64];
			snprintf(key, sizeof(key), "%.*s", (int)n, p);
			cur = json_is_object(cur) ? json_object_get(cur, key) : NULL;
			p += n + (p[n] == '.');
		}
		if (cur && !json_is_null(cur))
			return cur;
	}
	return NULL;
}

static void ps_mounts(const struct tug_obj *o, int trunc, json_t *row)
{
	json_t *mounts = cli_ctr_field(o, "Mounts");
	struct sbuf b = SBUF_INIT;
	int volumes = 0;
	size_t i;
	json_t *m;

	json_array_foreach(mounts, i, m) {
		const char *type = json_string_value(json_object_get(m, "Type"));
		const char *name = json_string_value(json_object_get(m, "Name"));
		const char *src = json_string_value(json_object_get(m, "Source"));
		const char *what = name && *name ? name : src ? src : "";
		char cut[128];
		if (type && !strcmp(type, "volume"))
			volumes++;
		if (b.len)
			sbuf_puts(&b, ",");
		sbuf_puts(&b, trunc ? fmt_ellipsis(what, 15, cut, sizeof(cut)) : what);
	}
	json_object_set_new(row, "LocalVolumes", json_sprintf("%d", volumes));
	json_object_set_new(row, "Mounts", json_string(b.s ? b.s : ""));
	sbuf_release(&b);
}

/* The keys of an object joined with commas, with "=value" when asked. */
static json_t *join_keys(json_t *obj, int with_values, const char *fallback)
{
	struct sbuf b = SBUF_INIT;
	const char *k;
	json_t *v, *r;

	json_object_foreach(obj, k, v) {
		if (b.len)
			sbuf_puts(&b, ",");
		sbuf_puts(&b, k);
		if (with_values)
			sbuf_printf(&b, "=%s", json_is_string(v) ? json_string_value(v) : "");
	}
	r = json_string(b.s ? b.s : fallback ? fallback : "");
	sbuf_release(&b);
	return r;
}

json_t *cli_ps_row(const struct tug_obj *o, int64_t now, int trunc)
{
	json_t *row = json_object();
	struct sbuf cmd = SBUF_INIT;
	char buf[256], cut[256];
	const char *id = o->id ? o->id : "";
	const char *image = o->image ? o->image : "";

	/* keys in alphabetical order, as docker's JSON has them */
	if (trunc)
		fmt_go_quote(&cmd, fmt_ellipsis(o->command ? o->command : "", 20, cut, sizeof(cut)));
	else
		fmt_go_quote(&cmd, o->command ? o->command : "");
	json_object_set_new(row, "Command", json_string(cmd.s));
	sbuf_release(&cmd);
	json_object_set_new(row, "CreatedAt",
			    json_string(o->created_ns ? fmt_local_time(o->created_ns, buf, sizeof(buf)) : ""));
	json_object_set_new(row, "ID", trunc ? json_stringn(id, strlen(id) < 12 ? strlen(id) : 12)
					    : json_string(id));
	if (trunc && str_has_prefix(image, "sha256:") && strlen(image) > 19)
		json_object_set_new(row, "Image", json_stringn(image + 7, 12));
	else
		json_object_set_new(row, "Image", json_string(image));
	json_object_set_new(row, "Labels", join_keys(cli_ctr_field(o, "Config.Labels"), 1, NULL));
	ps_mounts(o, trunc, row);
	json_object_set_new(row, "Names", json_string(o->name ? o->name : ""));
	json_object_set_new(row, "Networks",
			    join_keys(cli_ctr_field(o, "NetworkSettings.Networks"), 0,
				      json_string_value(cli_ctr_field(o, "HostConfig.NetworkMode"))));
	json_object_set_new(row, "Ports", json_string(o->ports ? o->ports : ""));
	json_object_set_new(row, "RunningFor", json_string(fmt_ago(o->created_ns, now, buf, sizeof(buf))));
	json_object_set_new(row, "Size", json_string(fmt_size(buf, sizeof(buf), (double)o->size)));
	json_object_set_new(row, "State", json_string(o->state ? o->state : ""));
	json_object_set_new(row, "Status", json_string(fmt_ctr_status(o, now, buf, sizeof(buf))));
	return row;
}

json_t *cli_ps_headers(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			 "Command", "COMMAND", "CreatedAt", "CREATED AT", "ID", "CONTAINER ID",
			 "Image", "IMAGE", "Labels", "LABELS", "LocalVolumes", "LOCAL VOLUMES",
			 "Mounts", "MOUNTS", "Names", "NAMES", "Networks", "NETWORKS",
			 "Ports", "PORTS", "RunningFor", "CREATED", "Size", "SIZE",
			 "State", "STATE", "Status", "STATUS");
}

/* ---- prompts and errors ---- */

int cli_confirm(const char *question)
{
	char answer[16] = "";

	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (!fgets(answer, sizeof(answer), stdin))
		return 0;
	answer[strcspn(answer, "\r\n")] = '\0';
	return !strcasecmp(answer, "y") || !strcasecmp(answer, "yes");
}

int cli_fail1(const struct tug_err *err)
{
	int rc = cli_fail(err);
	return rc == 126 || rc == 127 ? rc : 1;
}
