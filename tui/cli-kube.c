/* cli-kube.c - `tug kube ...`: kubectl-like commands over the kube
 * endpoint (get, logs, scale, delete, rollout restart, cordon/uncordon,
 * contexts, top, exec), tables printed as kubectl prints them. */
#include "cli.h"
#include "kube/kube.h"
#include "kube/jscan.h"
#include "kube/objects.h"
#include "util/str.h"
#include "util/yaml.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Flags every subcommand takes. */
struct kflags {
	const char *ns;
	int all_ns;
	const char *timeout;
};

#define KUBE_COMMON_OPTS(f) \
	{ 'n', "namespace", OPT_STR, &(f).ns, "NS", "namespace (default: the context's)" }, \
	{ 0, "request-timeout", OPT_STR, &(f).timeout, "DURATION", "give up on a request after this long (default 30s, 0 = never)" }

static struct tug_endpoint *kube_endpoint(struct cli *c, const struct kflags *f)
{
	struct tug_err err = { 0 };

	if (!c->ep) {
		if (backend_open_kube(c->kubeconfig, c->context, &c->ep, &err) < 0) {
			cli_fail(&err);
			return NULL;
		}
		c->ep->readonly = c->readonly;
	}
	if (f && f->timeout) {
		int64_t ns;
		if (!strcmp(f->timeout, "0")) {
			ns = 0;
		} else if (parse_duration(f->timeout, &ns) < 0) {
			cli_failf("invalid --request-timeout '%s': use a duration like 5s or 1m", f->timeout);
			return NULL;
		}
		kube_set_request_timeout(c->ep, (long)(ns / 1000000));
	}
	return c->ep;
}

/* The namespace a command works in: -A = all (""), -n, else the context's. */
static const char *flag_ns(struct tug_endpoint *ep, const struct kflags *f)
{
	if (f->all_ns)
		return "";
	return f->ns ? f->ns : kube_namespace(ep);
}

/* "NS/NAME" for backend refs; cluster-scoped kinds take the bare name. */
static char *mkref(struct tug_endpoint *ep, const struct kflags *f, enum tug_kind k,
		   const char *name)
{
	struct sbuf b = SBUF_INIT;

	if (k == TUG_NODE || k == TUG_NAMESPACE)
		return xstrdup(name);
	sbuf_printf(&b, "%s/%s", f->ns ? f->ns : kube_namespace(ep), name);
	return sbuf_detach(&b);
}

/* ---- tables, kubectl's tabwriter: column = widest cell + 3 spaces ---- */

struct table {
	char **cells;     /* row-major */
	size_t ncols, n, cap;
};

static void table_cell(struct table *t, const char *s)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = xrealloc(t->cells, t->cap * sizeof(char *));
	}
	t->cells[t->n++] = xstrdup(s ? s : "");
}

static void table_print(struct table *t, FILE *f)
{
	size_t *w = xcalloc(t->ncols, sizeof(size_t)), rows = t->n / t->ncols;

	for (size_t i = 0; i < rows * t->ncols; i++) {
		size_t l = strlen(t->cells[i]);
		if (l > w[i % t->ncols])
			w[i % t->ncols] = l;
	}
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			if (c + 1 < t->ncols)
				fprintf(f, "%-*s", (int)(w[c] + 3), s);
			else
				fputs(s, f);
		}
		fputc('\n', f);
	}
	free(w);
}

static void table_release(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* kubectl's names for kinds in messages: "deployment.apps/web scaled". */
static const char *kind_res(enum tug_kind k)
{
	switch (k) {
	case TUG_DEPLOYMENT: return "deployment.apps";
	case TUG_STATEFULSET: return "statefulset.apps";
	case TUG_DAEMONSET: return "daemonset.apps";
	case TUG_REPLICASET: return "replicaset.apps";
	default: return tug_kind_name(k);
	}
}

static int parse_kind(const char *s, enum tug_kind *k)
{
	if (tug_kind_parse(s, k) < 0 || *k < TUG_POD) {
		cli_failf("unknown resource type \"%s\": use pods, deployments, statefulsets, daemonsets, "
			  "replicasets, services, nodes, events or namespaces", s);
		return -1;
	}
	return 0;
}

/* "deployment/web", "deploy/web" -> kind and name (name points into s). */
static int parse_kind_name(const char *s, enum tug_kind *k, const char **name)
{
	const char *slash = strchr(s, '/');
	char kind[64];

	if (!slash || !slash[1] || (size_t)(slash - s) >= sizeof(kind)) {
		cli_failf("expected TYPE/NAME (like deployment/web), got \"%s\"", s);
		return -1;
	}
	snprintf(kind, sizeof(kind), "%.*s", (int)(slash - s), s);
	*name = slash + 1;
	return parse_kind(kind, k);
}

/* ---- rows of a kind as kubectl prints them ---- */

struct rows {
	struct table t;
	const struct kube_column *cols;
	size_t ncols;
	int wide, all_ns, events;
	int64_t now;
};

static void rows_init(struct rows *r, enum tug_kind k, int wide, int all_ns, int events)
{
	memset(r, 0, sizeof(*r));
	r->ncols = kube_columns(k, &r->cols);
	r->wide = wide;
	r->all_ns = all_ns;
	r->events = events;
	r->now = now_ns();
	r->t.ncols = (size_t)(events + all_ns);
	for (size_t i = 0; i < r->ncols; i++)
		r->t.ncols += kube_column_shown(&r->cols[i], wide);
}

static void rows_header(struct rows *r)
{
	if (r->events)
		table_cell(&r->t, "EVENT");
	if (r->all_ns)
		table_cell(&r->t, "NAMESPACE");
	for (size_t i = 0; i < r->ncols; i++)
		if (kube_column_shown(&r->cols[i], r->wide))
			table_cell(&r->t, r->cols[i].title);
}

static void rows_add(struct rows *r, const struct tug_obj *o, const char *event)
{
	char buf[1024];

	if (r->events)
		table_cell(&r->t, event);
	if (r->all_ns)
		table_cell(&r->t, o->namespace);
	for (size_t i = 0; i < r->ncols; i++)
		if (kube_column_shown(&r->cols[i], r->wide))
			table_cell(&r->t, kube_cell(o, &r->cols[i], r->now, buf, sizeof(buf)));
}

/* ---- get ---- */

struct json_out {
	FILE *f;
	size_t n;
	struct sbuf b;
	const char *head;   /* "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"," */
};

/* List items come without apiVersion and kind; a List printed by kubectl
 * has them on every item, first. */
static int has_kind(const char *json, size_t len)
{
	struct jv v = { json, len }, k, val;
	struct js_it it;

	return js_obj_iter(v, &it) == 0 && js_obj_next(&it, &k, &val) > 0 &&
	       (js_key_eq(k, "apiVersion") || js_key_eq(k, "kind"));
}

static int json_item(void *data, const char *json, size_t len)
{
	struct json_out *o = data;
	struct sbuf tmp = SBUF_INIT;
	struct jv v = { json, len };

	o->b.len = 0;
	sbuf_puts(&o->b, o->n++ ? ",\n        " : "\n        ");
	if (len > 2 && !has_kind(json, len)) {
		sbuf_puts(&tmp, o->head);
		sbuf_add(&tmp, json + 1, len - 1);
		v.p = tmp.s;
		v.n = tmp.len;
	}
	js_pretty(v, 4, 2, &o->b);
	sbuf_release(&tmp);
	return fwrite(o->b.s, 1, o->b.len, o->f) == o->b.len ? 0 : 1;
}

static char *kind_head(enum tug_kind k)
{
	static const char *const kinds[TUG_KIND_COUNT] = {
		[TUG_POD] = "v1|Pod", [TUG_SERVICE] = "v1|Service", [TUG_EVENT] = "v1|Event",
		[TUG_NODE] = "v1|Node", [TUG_NAMESPACE] = "v1|Namespace",
		[TUG_DEPLOYMENT] = "apps/v1|Deployment", [TUG_STATEFULSET] = "apps/v1|StatefulSet",
		[TUG_DAEMONSET] = "apps/v1|DaemonSet", [TUG_REPLICASET] = "apps/v1|ReplicaSet",
	};
	const char *s = kinds[k] ? kinds[k] : "v1|List";
	const char *bar = strchr(s, '|');
	struct sbuf b = SBUF_INIT;

	sbuf_printf(&b, "{\"apiVersion\":\"%.*s\",\"kind\":\"%s\",", (int)(bar - s), s, bar + 1);
	return sbuf_detach(&b);
}

static int get_json_list(struct tug_endpoint *ep, enum tug_kind k, const char *ns,
			 const char *sel)
{
	struct json_out o = { stdout, 0, SBUF_INIT, NULL };
	struct tug_err err = { 0 };
	char *head = kind_head(k);
	int r;

	o.head = head;
	fputs("{\n    \"apiVersion\": \"v1\",\n    \"items\": [", stdout);
	r = kube_list_raw(ep, k, ns, sel, json_item, &o, &err);
	sbuf_release(&o.b);
	free(head);
	fputs(o.n ? "\n    ],\n" : "],\n", stdout);
	fputs("    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n", stdout);
	if (r < 0)
		return cli_fail(&err);
	return 0;
}

struct collect {
	json_t *items;
	enum tug_kind kind;
};

static int collect_item(void *data, const char *json, size_t len)
{
	struct collect *c = data;
	json_t *j = json_loadb(json, len, 0, NULL);

	if (!j)
		return 0;
	if (!json_object_get(j, "kind")) {
		char *head = kind_head(c->kind);
		json_t *h;
		head[strlen(head) - 1] = '}';
		h = json_loads(head, 0, NULL);
		json_object_update_missing(j, h);
		json_decref(h);
		free(head);
	}
	json_array_append_new(c->items, j);
	return 0;
}

static json_t *list_object(json_t *items)
{
	return json_pack("{s:s,s:o,s:s,s:{s:s}}", "apiVersion", "v1", "items", items, "kind", "List",
			 "metadata", "resourceVersion", "");
}

static int print_yaml(json_t *j)
{
	struct sbuf b = SBUF_INIT;
	struct tug_err err = { 0 };

	if (yaml_emit(j, &b, &err) < 0)
		return cli_fail(&err);
	fwrite(b.s, 1, b.len, stdout);
	sbuf_release(&b);
	return 0;
}

static int print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(4));

	if (!s)
		return cli_failf("cannot encode JSON");
	puts(s);
	free(s);
	return 0;
}

static void no_resources(struct tug_endpoint *ep, enum tug_kind k, const char *ns)
{
	(void)ep;
	if (!*ns || k == TUG_NODE || k == TUG_NAMESPACE)
		fputs("No resources found\n", stderr);
	else
		fprintf(stderr, "No resources found in %s namespace.\n", ns);
}

struct watch_print {
	struct rows rows;
	enum tug_kind kind;
	int name_only;
	int synced;
	size_t *w;             /* column widths fixed by the first table */
};

/* Rows after the first table: padded to its widths, as kubectl -w. */
static void print_last_row(struct watch_print *w)
{
	size_t nc = w->rows.t.ncols, base = w->rows.t.n - nc;

	for (size_t c = 0; c < nc; c++) {
		const char *s = w->rows.t.cells[base + c];
		size_t width = strlen(s) > w->w[c] ? strlen(s) : w->w[c];
		if (c + 1 < nc)
			printf("%-*s", (int)(width + 3), s);
		else
			fputs(s, stdout);
	}
	fputc('\n', stdout);
	for (size_t i = base; i < w->rows.t.n; i++)
		free(w->rows.t.cells[i]);
	w->rows.t.n = base;
}

static void watch_cb(void *ctx, struct tug_watch_event *ev)
{
	struct watch_print *w = ctx;
	static const char *const names[] = { "ADDED", "MODIFIED", "DELETED" };

	switch (ev->type) {
	case TUG_WATCH_STATUS:
		if (ev->message)
			fprintf(stderr, "tug: %s\n", ev->message);
		else
			fprintf(stderr, "tug: watch %ss: connected again\n", tug_kind_name(w->kind));
		return;
	case TUG_WATCH_SYNCED:
		if (!w->synced && !w->name_only) {
			size_t nc = w->rows.t.ncols;
			w->w = xcalloc(nc, sizeof(size_t));
			for (size_t i = 0; i < w->rows.t.n; i++)
				if (strlen(w->rows.t.cells[i]) > w->w[i % nc])
					w->w[i % nc] = strlen(w->rows.t.cells[i]);
			table_print(&w->rows.t, stdout);
			for (size_t i = 0; i < w->rows.t.n; i++)
				free(w->rows.t.cells[i]);
			w->rows.t.n = 0;
			fflush(stdout);
		}
		w->synced = 1;
		return;
	default:
		break;
	}
	if (w->name_only) {
		printf("%s%s%s/%s\n", w->rows.events ? names[ev->type] : "",
		       w->rows.events ? " " : "", kind_res(w->kind), ev->obj->name);
		fflush(stdout);
		return;
	}
	w->rows.now = now_ns();
	rows_add(&w->rows, ev->obj, names[ev->type]);
	if (w->synced) {
		print_last_row(w);
		fflush(stdout);
	}
}

static int get_watch(struct tug_endpoint *ep, enum tug_kind k, const char *ns, const char *sel,
		     int wide, int name_only, int events)
{
	struct tug_list_opts lo = { .namespace = ns, .selector = sel };
	struct watch_print w = { .kind = k, .name_only = name_only };
	struct tug_watch *ws;
	struct tug_err err = { 0 };

	rows_init(&w.rows, k, wide, !*ns && k != TUG_NODE && k != TUG_NAMESPACE, events);
	if (backend_watch(ep, k, &lo, &ws, &err) < 0)
		return cli_fail(&err);
	if (!name_only)
		rows_header(&w.rows);
	for (;;) {
		struct pollfd p = { .fd = tug_watch_fd(ws), .events = POLLIN };
		poll(&p, 1, tug_watch_timeout_ms(ws));
		if (tug_watch_pump(ws, watch_cb, &w, &err) < 0) {
			tug_watch_close(ws);
			table_release(&w.rows.t);
			free(w.w);
			return cli_fail(&err);
		}
	}
}

static int get_one_list(struct tug_endpoint *ep, enum tug_kind k, const char *ns,
			const char *sel, const char *out)
{
	struct tug_list_opts lo = { .namespace = ns, .selector = sel };
	struct tug_list l = { 0 };
	struct tug_err err = { 0 };
	int wide = out && !strcmp(out, "wide");

	if (out && !strcmp(out, "json"))
		return get_json_list(ep, k, ns, sel);
	if (out && !strcmp(out, "yaml")) {
		struct collect col = { json_array(), k };
		json_t *list;
		int r;
		if (kube_list_raw(ep, k, ns, sel, collect_item, &col, &err) < 0) {
			json_decref(col.items);
			return cli_fail(&err);
		}
		list = list_object(col.items);
		r = print_yaml(list);
		json_decref(list);
		return r;
	}
	if (backend_list(ep, k, &lo, &l, &err) < 0)
		return cli_fail(&err);
	if (!l.n) {
		if (!out || wide)
			no_resources(ep, k, ns);
		return 0;
	}
	if (out && !strcmp(out, "name")) {
		for (size_t i = 0; i < l.n; i++)
			printf("%s/%s\n", kind_res(k), l.items[i].name);
	} else {
		struct rows r;
		rows_init(&r, k, wide, !*ns && k != TUG_NODE && k != TUG_NAMESPACE, 0);
		rows_header(&r);
		for (size_t i = 0; i < l.n; i++)
			rows_add(&r, &l.items[i], NULL);
		table_print(&r.t, stdout);
		table_release(&r.t);
	}
	tug_list_release(&l);
	return 0;
}

static int get_named(struct tug_endpoint *ep, const struct kflags *f, enum tug_kind k,
		     char **names, const char *out)
{
	int wide = out && !strcmp(out, "wide"), rc = 0, n = cli_nargs(names);
	json_t *items = json_array();
	struct rows r;

	rows_init(&r, k, wide, 0, 0);
	rows_header(&r);
	for (int i = 0; i < n; i++) {
		struct tug_err err = { 0 };
		char *ref = mkref(ep, f, k, names[i]);
		json_t *j;
		if (backend_inspect(ep, k, ref, &j, &err) < 0) {
			rc = cli_fail(&err);
			free(ref);
			continue;
		}
		free(ref);
		if (!out || wide) {
			struct tug_obj o;
			if (kube_obj_from_json(k, j, &o) == 0) {
				rows_add(&r, &o, NULL);
				tug_obj_release(&o);
			}
			json_decref(j);
		} else if (!strcmp(out, "name")) {
			printf("%s/%s\n", kind_res(k), names[i]);
			json_decref(j);
		} else {
			json_array_append_new(items, j);
		}
	}
	if (!out || wide) {
		if (r.t.n > r.t.ncols)
			table_print(&r.t, stdout);
	} else if (json_array_size(items)) {
		json_t *j = json_array_size(items) == 1 ? json_incref(json_array_get(items, 0))
							: list_object(json_incref(items));
		int e = !strcmp(out, "yaml") ? print_yaml(j) : print_json(j);
		json_decref(j);
		if (e)
			rc = e;
	}
	json_decref(items);
	table_release(&r.t);
	return rc;
}

static int kube_get(struct cli *c, int argc, char **argv)
{
	struct kflags f = { 0 };
	const char *out = NULL, *sel = NULL;
	long chunk = -1;
	int watch = 0, events = 0, optind, r;
	const struct cli_opt opts[] = {
		KUBE_COMMON_OPTS(f),
		{ 'A', "all-namespaces", OPT_BOOL, &f.all_ns, NULL, "list across all namespaces" },
		{ 'o', "output", OPT_STR, &out, "FORMAT", "json, yaml, wide or name" },
		{ 'l', "selector", OPT_STR, &sel, "SELECTOR", "label selector (app=web,tier!=db)" },
		{ 'w', "watch", OPT_BOOL, &watch, NULL, "after listing, print changes as they happen" },
		{ 0, "output-watch-events", OPT_BOOL, &events, NULL, "with --watch: an EVENT column" },
		{ 0, "chunk-size", OPT_INT, &chunk, "N", "list in pages of N (default 500, 0 = whole)" },
		{ 0 },
	};
	static const char usage[] = "TYPE [NAME...] [OPTIONS]\n\nTYPE: pods, deployments, statefulsets, daemonsets, replicasets,\n      services, nodes, events, namespaces (or po, deploy, sts, ds, rs, svc, no, ev, ns)";
	struct tug_endpoint *ep;
	enum tug_kind k;
	const char *ns;

	r = cli_parse("kube get", usage, opts, argc, argv, 0, &optind);
	if (r)
		return r > 0 ? 0 : 125;
	if (cli_nargs(argv + optind) < 1) {
		cli_usage("kube get", usage, opts, stderr);
		return 125;
	}
	if (out && strcmp(out, "json") && strcmp(out, "yaml") && strcmp(out, "wide") && strcmp(out, "name"))
		return cli_failf("unknown output format \"%s\": use json, yaml, wide or name", out);
	if (strchr(argv[optind], '/')) {
		const char *name;
		char *one[2];
		if (parse_kind_name(argv[optind], &k, &name) < 0)
			return 125;
		if (!(ep = kube_endpoint(c, &f)))
			return 125;
		one[0] = (char *)name;
		one[1] = NULL;
		return get_named(ep, &f, k, one, out);
	}
	if (parse_kind(argv[optind], &k) < 0)
		return 125;
	if (!(ep = kube_endpoint(c, &f)))
		return 125;
	if (chunk >= 0)
		kube_set_chunk_size(ep, (int)chunk);
	ns = flag_ns(ep, &f);
	if (cli_nargs(argv + optind) > 1)
		return get_named(ep, &f, k, argv + optind + 1, out);
	if (watch)
		return get_watch(ep, k, ns, sel, out && !strcmp(out, "wide"),
				 out && !strcmp(out, "name"), events);
	return get_one_list(ep, k, ns, sel, out);
}

/* ---- changes ---- */

static int act(struct cli *c, struct kflags *f, enum tug_kind k, const char *name,
	       enum tug_action a, const struct tug_action_opts *o, const char *done)
{
	struct tug_endpoint *ep = kube_endpoint(c, f);
	struct tug_err err = { 0 };
	char *ref;
	int r;

	if (!ep)
		return 125;
	ref = mkref(ep, f, k, name);
	r = backend_action(ep, k, ref, a, o, &err);
	free(ref);
	if (r < 0)
		return cli_fail(&err);
	if (a == TUG_ACT_REMOVE)
		printf("%s \"%s\" %s\n", tug_kind_name(k), name, done);
	else
		printf("%s/%s %s\n", kind_res(k), name, done);
	return 0;
}

static int kube_scale(struct cli *c, int argc, char **argv)
{
	struct kflags f = { 0 };
	long replicas = -1;
	int optind, r, n;
	const struct cli_opt opts[] = {
		KUBE_COMMON_OPTS(f),
		{ 0, "replicas", OPT_INT, &replicas, "N", "the number of replicas wanted" },
		{ 0 },
	};
	static const char usage[] = "deployment/NAME|statefulset/NAME|replicaset/NAME --replicas N";
	struct tug_action_opts o = { .timeout_s = -1 };
	enum tug_kind k;
	const char *name;

	r = cli_parse("kube scale", usage, opts, argc, argv, 0, &optind);
	if (r)
		return r > 0 ? 0 : 125;
	n = cli_nargs(argv + optind);
	if (n < 1 || replicas < 0) {
		cli_usage("kube scale", usage, opts, stderr);
		return 125;
	}
	if (n == 2) {   /* scale deployment web */
		if (parse_kind(argv[optind], &k) < 0)
			return 125;
		name = argv[optind + 1];
	} else if (parse_kind_name(argv[optind], &k, &name) < 0) {
		return 125;
	}
	o.replicas = (int)replicas;
	return act(c, &f, k, name, TUG_ACT_SCALE, &o, "scaled");
}

static int kube_delete(struct cli *c, int argc, char **argv)
{
	struct kflags f = { 0 };
	int optind, r, n, rc = 0, force = 0;
	const struct cli_opt opts[] = {
		KUBE_COMMON_OPTS(f),
		{ 0, "force", OPT_BOOL, &force, NULL, "no grace period (pods die at once)" },
		{ 0 },
	};
	static const char usage[] = "TYPE NAME... | TYPE/NAME...";
	struct tug_action_opts o = { .timeout_s = -1 };
	enum tug_kind k;

	r = cli_parse("kube delete", usage, opts, argc, argv, 0, &optind);
	if (r)
		return r > 0 ? 0 : 125;
	n = cli_nargs(argv + optind);
	if (n < 1) {
		cli_usage("kube delete", usage, opts, stderr);
		return 125;
	}
	o.force = force;
	if (strchr(argv[optind], '/')) {
		for (int i = 0; i < n; i++) {
			const char *name;
			if (parse_kind_name(argv[optind + i], &k, &name) < 0)
				return 125;
			rc |= act(c, &f, k, name, TUG_ACT_REMOVE, &o, "deleted");
		}
		return rc ? 125 : 0;
	}
	if (n < 2) {
		cli_usage("kube delete", usage, opts, stderr);
		return 125;
	}
	if (parse_kind(argv[optind], &k) < 0)
		return 125;
	for (int i = 1; i < n; i++)
		rc |= act(c, &f, k, argv[optind + i], TUG_ACT_REMOVE, &o, "deleted");
	return rc ? 125 : 0;
}

static int kube_rollout(struct cli *c, int argc, char **argv)
{
	struct kflags f = { 0 };
	int optind, r, n;
	const struct cli_opt opts[] = { KUBE_COMMON_OPTS(f), { 0 } };
	static const char usage[] = "restart deployment/NAME|statefulset/NAME|daemonset/NAME";
	enum tug_kind k;
	const char *name;

	r = cli_parse("kube rollout", usage, opts, argc, argv, 0, &optind);
	if (r)
		return r > 0 ? 0 : 125;
	n = cli_nargs(argv + optind);
	if (n < 2 || strcmp(argv[optind], "restart")) {
		cli_usage("kube rollout", usage, opts, stderr);
		return 125;
	}
	if (n == 3) {
		if (parse_kind(argv[optind + 1], &k) < 0)
			return 125;
		name = argv[optind + 2];
	} else if (parse_kind_name(argv[optind + 1], &k, &name) < 0) {
		return 125;
	}
	return act(c, &f, k, name, TUG_ACT_ROLLOUT_RESTART, NULL, "restarted");
}

static int cordon_cmd(struct cli *c, int argc, char **argv, int on)
{
	struct kflags f = { 0 };
	int optind, r, n, rc = 0;
	const struct cli_opt opts[] = { KUBE_COMMON_OPTS(f), { 0 } };
	const char *cmd = on ? "kube cordon" : "kube uncordon";

	r = cli_parse(cmd, "NODE...", opts, argc, argv, 0, &optind);
	if (r)
		return r > 0 ? 0 : 125;
	n = cli_nargs(argv + optind);
	if (n < 1) {
		cli_usage(cmd, "NODE...", opts, stderr);
		return 125;
	}
	for (int i = 0; i < n; i++)
		rc |= act(c, &f, TUG_NODE, argv[optind + i], on ? TUG_ACT_CORDON : TUG_ACT_UNCORDON,
			  NULL, on ? "cordoned" : "uncordoned");
	return rc ? 125 : 0;
}

static int kube_cordon(struct cli *c, int argc, char **argv)
{
	return cordon_cmd(c, argc, argv, 1);
}

static int kube_uncordon(struct cli *c, int argc, char **argv)
{
	return cordon_cmd(c, argc, argv, 0);
}

/* ---- logs ---- */

struct log_print {
	int timestamps;
	struct sbuf b;
};

static int log_line(void *ctx, const struct tug_log_line *l)
{
	struct log_print *p = ctx;

	p->b.len = 0;
	if (p->timestamps && l->time_ns) {
		char ts[48];
		size_t n;
		fmt_rfc3339(ts, sizeof(ts), l->time_ns);
		/* Go's RFC3339Nano, as kubectl prints: trailing zeros dropped */
		n = strlen(ts) - 1;
		while (n && ts[n - 1] == '0')
			n--;
		if (n && ts[n - 1] == '.')
			n--;
		sbuf_add(&p->b, ts, n);
		sbuf_puts(&p->b, "Z ");
	}
	sbuf_add(&p->b, l->text, l->len);
	if (!l->partial)
		sbuf_add(&p->b, "\n", 1);
	fwrite(p->b.s, 1, p->b.len, stdout);
	return 0;
}

static int kube_logs(struct cli *c, int argc, char **argv)
{
	struct kflags f = { 0 };
	const char *container = NULL, *since = NULL;
	long tail = -1;
	int follow = 0, previous = 0, timestamps = 0, optind, r;
	const struct cli_opt opts[] = {
		KUBE_COMMON_OPTS(f),
		{ 'f', "follow", OPT_BOOL, &follow, NULL, "keep printing new lines" },
		{ 'c', "container", OPT_STR, &container, "NAME", "the container (default: kubectl's default)" },
		{ 'p', "previous", OPT_BOOL, &previous, NULL, "the previous, terminated instance" },
		{ 0, "since", OPT_STR, &since, "DURATION", "only lines newer than this (10s, 5m, 1h)" },
		{ 0, "timestamps", OPT_BOOL, &timestamps, NULL, "prefix each line with its time" },
		{ 0, "tail", OPT_INT, &tail, "N", "only the last N lines" },
		{ 0 },
	};
	struct tug_log_opts lo = { .tail = -1 };
	struct log_print lp = { 0 };
	struct tug_endpoint *ep;
	struct tug_logs *l;
	struct tug_err err = { 0 };
	char *ref;

	r = cli_parse("kube logs", "[OPTIONS] POD", opts, argc, argv, 0, &optind);
	if (r)
		return r > 0 ? 0 : 125;
	if (cli_nargs(argv + optind) != 1) {
		cli_usage("kube logs", "[OPTIONS] POD", opts, stderr);
		return 125;
	}
	if (since) {
		int64_t d;
		if (parse_duration(since, &d) < 0)
			return cli_failf("invalid --since '%s': use a duration like 10s, 5m or 1h", since);
		lo.since_ns = now_ns() - d;
	}
	if (!(ep = kube_endpoint(c, &f)))
		return 125;
	lo.follow = follow;
	lo.tail = tail;
	lo.previous = previous;
	lo.timestamps = timestamps;
	lo.container = container;
	lp.timestamps = timestamps;
	{
		const char *pod = argv[optind];
		if (!strncmp(pod, "pod/", 4) || !strncmp(pod, "pods/", 5))
			pod = strchr(pod, '/') + 1;
		ref = mkref(ep, &f, TUG_POD, pod);
	}
	r = backend_logs(ep, TUG_POD, ref, &lo, &l, &err);
	free(ref);
	if (r < 0)
		return cli_fail(&err);
	for (;;) {
		struct pollfd p = { .fd = tug_logs_fd(l), .events = POLLIN };
		poll(&p, 1, tug_logs_timeout_ms(l));
		r = tug_logs_pump(l, log_line, &lp, &err);
		fflush(stdout);
		if (r != 0)
			break;
	}
	tug_logs_close(l);
	sbuf_release(&lp.b);
	return r < 0 ? cli_fail(&err) : 0;
}

/* ---- contexts, top, exec ---- */

static int kube_contexts_cmd(struct cli *c, int argc, char **argv)
{
	struct kube_context *ctx;
	struct tug_err err = { 0 };
	struct table t = { .ncols = 5 };
	const char *out = NULL;
	int optind, r, name_only = 0;
	const struct cli_opt opts[] = {
		{ 'o', "output", OPT_STR, &out, "name", "only the names" },
		{ 0 },
	};
	size_t n;

	r = cli_parse("kube contexts", "[-o name]", opts, argc, argv, 0, &optind);
	if (r)
		return r > 0 ? 0 : 125;
	name_only = out && !strcmp(out, "name");
	if (kube_contexts(c->kubeconfig, &ctx, &n, &err) < 0)
		return cli_fail(&err);
	if (!name_only) {
		table_cell(&t, "CURRENT");
		table_cell(&t, "NAME");
		table_cell(&t, "CLUSTER");
		table_cell(&t, "AUTHINFO");
		table_cell(&t, "NAMESPACE");
	}
	for (size_t i = 0; i < n; i++) {
		int cur = c->context ? !strcmp(c->context, ctx[i].name) : ctx[i].current;
		if (name_only) {
			puts(ctx[i].name);
			continue;
		}
		table_cell(&t, cur ? "*" : "");
		table_cell(&t, ctx[i].name);
		table_cell(&t, ctx[i].cluster);
		table_cell(&t, ctx[i].user);
		table_cell(&t, ctx[i].namespace);
	}
	table_print(&t, stdout);
	table_release(&t);
	kubeconfig_contexts_free(ctx, n);
	return 0;
}

static int kube_top_cmd(struct cli *c, int argc, char **argv)
{
	struct kflags f = { 0 };
	int optind, r;
	const struct cli_opt opts[] = {
		KUBE_COMMON_OPTS(f),
		{ 'A', "all-namespaces", OPT_BOOL, &f.all_ns, NULL, "pods of every namespace" },
		{ 0 },
	};
	struct tug_endpoint *ep;
	struct tug_err err = { 0 };
	struct kube_top_row *rows;
	struct table t = { 0 };
	enum tug_kind k;
	const char *ns;
	size_t n;
	char buf[64];

	r = cli_parse("kube top", "pods|nodes", opts, argc, argv, 0, &optind);
	if (r)
		return r > 0 ? 0 : 125;
	if (cli_nargs(argv + optind) != 1 || parse_kind(argv[optind], &k) < 0 ||
	    (k != TUG_POD && k != TUG_NODE)) {
		cli_usage("kube top", "pods|nodes", opts, stderr);
		return 125;
	}
	if (!(ep = kube_endpoint(c, &f)))
		return 125;
	ns = flag_ns(ep, &f);
	if (kube_top(ep, k, ns, &rows, &n, &err) < 0)
		return cli_fail(&err);
	if (!n) {
		no_resources(ep, k, ns);
		return 0;
	}
	if (k == TUG_POD) {
		t.ncols = *ns ? 3 : 4;
		if (!*ns)
			table_cell(&t, "NAMESPACE");
		table_cell(&t, "NAME");
		table_cell(&t, "CPU(cores)");
		table_cell(&t, "MEMORY(bytes)");
	} else {
		t.ncols = 5;
		table_cell(&t, "NAME");
		table_cell(&t, "CPU(cores)");
		table_cell(&t, "CPU(%)");
		table_cell(&t, "MEMORY(bytes)");
		table_cell(&t, "MEMORY(%)");
	}
	for (size_t i = 0; i < n; i++) {
		/* kubectl: millicores rounded up, memory in whole MiB */
		uint64_t milli = (rows[i].cpu_nanocores + 999999) / 1000000;
		if (k == TUG_POD && !*ns)
			table_cell(&t, rows[i].namespace);
		table_cell(&t, rows[i].name);
		snprintf(buf, sizeof(buf), "%llum", (unsigned long long)milli);
		table_cell(&t, buf);
		if (k == TUG_NODE) {
			if (rows[i].cpu_capacity)
				snprintf(buf, sizeof(buf), "%llu%%", (unsigned long long)(milli * 100 /
					 ((rows[i].cpu_capacity + 999999) / 1000000)));
			else
				snprintf(buf, sizeof(buf), "<unknown>");
			table_cell(&t, buf);
		}
		snprintf(buf, sizeof(buf), "%lluMi", (unsigned long long)(rows[i].mem_bytes >> 20));
		table_cell(&t, buf);
		if (k == TUG_NODE) {
			if (rows[i].mem_capacity)
				snprintf(buf, sizeof(buf), "%llu%%", (unsigned long long)(rows[i].mem_bytes * 100 /
					 rows[i].mem_capacity));
			else
				snprintf(buf, sizeof(buf), "<unknown>");
			table_cell(&t, buf);
		}
	}
	table_print(&t, stdout);
	table_release(&t);
	kube_top_free(rows, n);
	return 0;
}

static int kube_exec_cmd(struct cli *c, int argc, char **argv)
{
	struct kflags f = { 0 };
	const char *container = NULL;
	int interactive = 0, tty = 0, optind, r, code = 0;
	const struct cli_opt opts[] = {
		KUBE_COMMON_OPTS(f),
		{ 'c', "container", OPT_STR, &container, "NAME", "the container" },
		{ 'i', "stdin", OPT_BOOL, &interactive, NULL, "pass stdin" },
		{ 't', "tty", OPT_BOOL, &tty, NULL, "allocate a terminal" },
		{ 0 },
	};
	struct tug_exec_opts eo = { 0 };
	struct tug_stdio io = { 0, 1, 2, 0, 0 };
	struct tug_endpoint *ep;
	struct tug_err err = { 0 };
	char **cmd, *ref;

	r = cli_parse("kube exec", "[OPTIONS] POD [-- COMMAND...]", opts, argc, argv, 1, &optind);
	if (r)
		return r > 0 ? 0 : 125;
	if (optind >= argc) {
		cli_usage("kube exec", "[OPTIONS] POD [-- COMMAND...]", opts, stderr);
		return 125;
	}
	cmd = argv + optind + 1;
	if (*cmd && !strcmp(*cmd, "--"))
		cmd++;
	if (!(ep = kube_endpoint(c, &f)))
		return 125;
	eo.argv = *cmd ? cmd : NULL;
	eo.interactive = interactive;
	eo.tty = tty;
	eo.container = container;
	io.tty = tty;
	ref = mkref(ep, &f, TUG_POD, argv[optind]);
	r = backend_exec(ep, TUG_POD, ref, &eo, &io, &code, &err);
	free(ref);
	if (r < 0)
		return cli_fail(&err);
	return code;
}

int cmd_kube(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "get", kube_get, "List objects (pods, deployments, nodes, ...) or show some" },
		{ "logs", kube_logs, "Print or follow a pod's log" },
		{ "scale", kube_scale, "Set the replicas of a deployment or statefulset" },
		{ "delete", kube_delete, "Delete objects (pods, ...)" },
		{ "rollout", kube_rollout, "rollout restart: restart a workload's pods" },
		{ "cordon", kube_cordon, "Mark nodes unschedulable" },
		{ "uncordon", kube_uncordon, "Mark nodes schedulable again" },
		{ "contexts", kube_contexts_cmd, "List the kubeconfig's contexts" },
		{ "top", kube_top_cmd, "CPU and memory of pods or nodes (metrics API)" },
		{ "exec", kube_exec_cmd, "Run a command in a pod (through kubectl)" },
		{ NULL, NULL, NULL },
	};
	return cli_dispatch(c, "kube", cmds, argc, argv);
}
