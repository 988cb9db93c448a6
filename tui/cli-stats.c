/* cli-stats.c - `tug stats`: live resource use of containers in docker's
 * columns. CPU % comes from two samples a second apart (100% = one core);
 * memory is docker's figure (usage minus inactive file cache). The live
 * view redraws every second; --no-stream prints one frame. */
#include "cli.h"
#include "cli-format.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STATS_TABLE \
	"table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}"

struct target {
	char *ref;             /* as the user gave it, or the short id */
	char id[65];
	char *name;
	struct tug_stats prev, cur;
	int have_prev;
	int seen;              /* still listed (auto mode) */
};

struct targets {
	struct target *v;
	size_t n;
};

static void targets_release(struct targets *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].ref);
		free(t->v[i].name);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static struct target *target_add(struct targets *t, const char *ref, const char *id,
				 const char *name)
{
	struct target *x;

	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	x = &t->v[t->n++];
	memset(x, 0, sizeof(*x));
	x->ref = xstrdup(ref);
	snprintf(x->id, sizeof(x->id), "%s", id);
	x->name = xstrdup(name && *name == '/' ? name + 1 : name ? name : "");
	x->seen = 1;
	return x;
}

/* Auto mode: follow the container list, keeping samples of those that
 * stay so their CPU % needs no new warm-up. */
static int refresh_list(struct tug_endpoint *ep, int all, struct targets *t, struct tug_err *err)
{
	struct tug_list_opts lo = { .all = all };
	struct tug_list l = { 0 };
	size_t i, j, k;

	if (backend_list(ep, TUG_CONTAINER, &lo, &l, err) < 0)
		return -1;
	for (i = 0; i < t->n; i++)
		t->v[i].seen = 0;
	for (j = 0; j < l.n; j++) {
		const struct tug_obj *o = &l.items[j];
		char shortid[13];
		for (i = 0; i < t->n; i++)
			if (o->id && !strcmp(t->v[i].id, o->id))
				break;
		if (i < t->n) {
			t->v[i].seen = 1;
			continue;
		}
		snprintf(shortid, sizeof(shortid), "%.12s", o->id ? o->id : "");
		target_add(t, shortid, o->id ? o->id : "", o->name);
	}
	for (i = 0, k = 0; i < t->n; i++) {
		if (t->v[i].seen) {
			t->v[k++] = t->v[i];
		} else {
			free(t->v[i].ref);
			free(t->v[i].name);
		}
	}
	t->n = k;
	tug_list_release(&l);
	return 0;
}

static void sample(struct tug_endpoint *ep, struct targets *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct tug_err err = { 0 };
		struct target *x = &t->v[i];
		if (x->cur.time_ns) {
			x->prev = x->cur;
			x->have_prev = 1;
		}
		memset(&x->cur, 0, sizeof(x->cur));
		if (backend_stats(ep, TUG_CONTAINER, x->id, &x->cur, &err) < 0 || !x->cur.valid) {
			memset(&x->cur, 0, sizeof(x->cur));
			x->cur.time_ns = now_ns();
		}
	}
}

static json_t *stats_row(const struct target *x, int trunc)
{
	const struct tug_stats *s = &x->cur, *p = &x->prev;
	char a[32], b[32], buf[96];
	double cpu = 0, mem = 0;
	json_t *row = json_object();

	if (x->have_prev && s->valid && p->valid && s->time_ns > p->time_ns && s->cpu_ns >= p->cpu_ns)
		cpu = (double)(s->cpu_ns - p->cpu_ns) / (double)(s->time_ns - p->time_ns) * 100.0;
	if (s->valid && s->mem_limit)
		mem = (double)s->mem_usage / (double)s->mem_limit * 100.0;
	snprintf(buf, sizeof(buf), "%s / %s", fmt_size(a, sizeof(a), (double)s->blk_read),
		 fmt_size(b, sizeof(b), (double)s->blk_write));
	json_object_set_new(row, "BlockIO", json_string(buf));
	json_object_set_new(row, "CPUPerc", json_sprintf("%.2f%%", cpu));
	json_object_set_new(row, "Container", json_string(x->ref));
	json_object_set_new(row, "ID", trunc ? json_stringn(x->id, strlen(x->id) < 12 ? strlen(x->id) : 12)
					    : json_string(x->id));
	json_object_set_new(row, "MemPerc", json_sprintf("%.2f%%", mem));
	snprintf(buf, sizeof(buf), "%s / %s", fmt_size_bin(a, sizeof(a), (double)s->mem_usage),
		 fmt_size_bin(b, sizeof(b), (double)s->mem_limit));
	json_object_set_new(row, "MemUsage", json_string(buf));
	json_object_set_new(row, "Name", json_string(x->name));
	snprintf(buf, sizeof(buf), "%s / %s", fmt_size(a, sizeof(a), (double)s->net_rx),
		 fmt_size(b, sizeof(b), (double)s->net_tx));
	json_object_set_new(row, "NetIO", json_string(buf));
	json_object_set_new(row, "PIDs", json_sprintf("%llu", (unsigned long long)s->pids));
	return row;
}

static json_t *stats_headers(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			 "BlockIO", "BLOCK I/O", "CPUPerc", "CPU %", "Container", "CONTAINER",
			 "ID", "CONTAINER ID", "MemPerc", "MEM %", "MemUsage", "MEM USAGE / LIMIT",
			 "Name", "NAME", "NetIO", "NET I/O", "PIDs", "PIDS");
}

static void sleep_until(int64_t mono_deadline)
{
	int64_t left = mono_deadline - mono_ns();

	if (left > 0) {
		struct timespec ts = { (time_t)(left / 1000000000), (long)(left % 1000000000) };
		nanosleep(&ts, NULL);
	}
}

int cmd_stats(struct cli *c, int argc, char **argv)
{
	int no_stream = 0, all = 0, no_trunc = 0, optind, rc, failed = 0, is_tty;
	const char *format = NULL;
	const struct cli_opt opts[] = {
		{ 0, "no-stream", OPT_BOOL, &no_stream, NULL, "Print one sample and exit" },
		{ 'a', "all", OPT_BOOL, &all, NULL, "Show all containers (default shows just running)" },
		{ 0, "no-trunc", OPT_BOOL, &no_trunc, NULL, "Don't truncate output" },
		{ 0, "format", OPT_STR, &format, "FORMAT", "table, json, or a Go template ('{{.Name}} {{.CPUPerc}}')" },
		{ 0 },
	};
	struct targets t = { 0 };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	struct cli_fmt fmt = { 0 };
	json_t *headers = NULL;
	char **refs;
	int64_t tick;

	rc = cli_parse("stats", "[OPTIONS] [CONTAINER...]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 125 : 0;
	refs = argv + optind;
	if (cli_fmt_init(&fmt, format, STATS_TABLE, &err) < 0) {
		tug_err_wrap(&err, "stats");
		return cli_fail(&err);
	}
	ep = cli_endpoint(c);
	if (!ep) {
		cli_fmt_release(&fmt);
		return 125;
	}
	for (; *refs; refs++) {
		json_t *j = NULL;
		if (backend_inspect(ep, TUG_CONTAINER, *refs, &j, &err) < 0) {
			tug_err_wrap(&err, "stats");
			cli_fail(&err);
			failed = 1;
			continue;
		}
		target_add(&t, *refs, json_string_value(json_object_get(j, "Id")) ?: *refs,
			   json_string_value(json_object_get(j, "Name")));
		json_decref(j);
	}
	if (argv[optind] && !t.n) {
		rc = 1;
		goto out;
	}
	if (!argv[optind] && refresh_list(ep, all, &t, &err) < 0) {
		tug_err_wrap(&err, "stats");
		rc = cli_fail1(&err);
		goto out;
	}
	headers = stats_headers();
	is_tty = isatty(STDOUT_FILENO);
	sample(ep, &t);
	tick = mono_ns();
	for (;;) {
		json_t *rows = json_array();
		tick += 1000000000;
		sleep_until(tick);
		sample(ep, &t);
		for (size_t i = 0; i < t.n; i++)
			json_array_append_new(rows, stats_row(&t.v[i], !no_trunc));
		if (!no_stream && is_tty && !fmt.json)
			fputs("\033[2J\033[H", stdout);
		rc = cli_fmt_print(&fmt, rows, headers, stdout, &err);
		json_decref(rows);
		if (rc < 0) {
			tug_err_wrap(&err, "stats");
			rc = cli_fail(&err);
			goto out;
		}
		if (fflush(stdout) != 0 || no_stream)
			break;
		if (!argv[optind] && refresh_list(ep, all, &t, &err) < 0)
			break;
	}
	rc = failed;
out:
	json_decref(headers);
	cli_fmt_release(&fmt);
	targets_release(&t);
	return rc;
}
