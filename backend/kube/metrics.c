/* metrics.c - CPU and memory from the metrics API (metrics.k8s.io/v1beta1,
 * served by metrics-server): per-object samples for the console's graphs
 * and whole lists for `top`. A cluster without it gets a clear "metrics
 * not available" rather than a bare 404. */
#include "kube/ep.h"
#include "kube/jscan.h"
#include "kube/objects.h"
#include "kube/paging.h"
#include "kube/resources.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define METRICS "/apis/metrics.k8s.io/v1beta1"
#define LIMIT_TTL_S 60

int kube_quantity(const char *s, double scale, uint64_t *out)
{
	static const struct { const char *sfx; double mul; } sfx[] = {
		{ "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 },
		{ "Ti", 1099511627776.0 }, { "Pi", 1125899906842624.0 },
		{ "Ei", 1152921504606846976.0 }, { "n", 1e-9 }, { "u", 1e-6 }, { "m", 1e-3 },
		{ "k", 1e3 }, { "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 },
		{ "E", 1e18 }, { "", 1.0 },
	};
	char *end;
	double v;

	if (!s || !*s || (!isdigit((unsigned char)*s) && *s != '.' && *s != '+'))
		return -1;
	v = strtod(s, &end);   /* takes "1e3" exponents too */
	if (end == s || v < 0)
		return -1;
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (!strcmp(end, sfx[i].sfx)) {
			*out = (uint64_t)(v * sfx[i].mul * scale + 0.5);
			return 0;
		}
	return -1;
}

static uint64_t jv_quantity(struct jv v, double scale)
{
	char buf[64];
	uint64_t q = 0;

	js_str(v, buf, sizeof(buf));
	kube_quantity(buf, scale, &q);
	return q;
}

/* The metrics API's absence looks like any 404: tell it apart from a pod
 * whose metrics are not collected yet. */
static int metrics_err(struct kube_client *kc, struct kube_resp *r, const char *what,
		       const char *obj, struct tug_err *err)
{
	char msg[300] = "";
	struct jv doc;

	if (r->body.len && js_parse(r->body.s, r->body.len, &doc) == 0)
		js_str(js_get(doc, "message"), msg, sizeof(msg));
	if (r->status == 404 && (!msg[0] || strstr(msg, "could not find the requested resource") ||
				 !obj))
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"%s: metrics not available: the cluster has no metrics API (metrics.k8s.io); install metrics-server",
				what);
	if (r->status == 503)
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"%s: metrics not available: the metrics API is registered but not answering (503)", what);
	if (r->status == 404)
		return tug_errf(err, TUG_E_NOTFOUND, "%s: no metrics for %s yet (metrics-server samples every 15-60 s)",
				what, obj);
	return kube_status_err(kc, r->status, r->body.s, r->body.len, what, err);
}

static int metrics_get(struct kube_client *kc, const char *path, const char *what,
		       const char *obj, struct kube_resp *r, struct tug_err *err)
{
	struct kube_req req = { .path = path };

	if (kube_do(kc, &req, what, r, err) < 0)
		return -1;
	if (r->status >= 200 && r->status < 300)
		return 0;
	metrics_err(kc, r, what, obj, err);
	kube_resp_release(r);
	return -1;
}

static void sum_containers(struct jv item, uint64_t *cpu, uint64_t *mem)
{
	struct jv cs = js_get(item, "containers"), c;
	struct js_it it;

	*cpu = *mem = 0;
	js_arr_iter(cs, &it);
	while (js_arr_next(&it, &c) > 0) {
		struct jv u = js_get(c, "usage");
		*cpu += jv_quantity(js_get(u, "cpu"), 1e9);
		*mem += jv_quantity(js_get(u, "memory"), 1.0);
	}
}

/* A pod's limit of one resource: the sum over its containers, 0 when
 * one of them is unlimited. */
static uint64_t pod_limit(struct jv doc, const char *res, double scale)
{
	struct jv cs = js_path(doc, "spec", "containers", NULL), cn;
	struct js_it it;
	uint64_t sum = 0;

	js_arr_iter(cs, &it);
	while (js_arr_next(&it, &cn) > 0) {
		uint64_t l = jv_quantity(js_path(cn, "resources", "limits", res, NULL), scale);
		if (!l)
			return 0;
		sum += l;
	}
	return sum;
}

/* Memory and CPU limits of a pod (pod_limit) or a node's allocatable
 * memory and CPU, cached a minute: limits rarely change and stats are
 * sampled every second. */
static void limits(struct tug_endpoint *ep, enum tug_kind k, const char *ns, const char *name,
		   uint64_t *mem, uint64_t *cpu)
{
	struct kube_ep *ke = KEP(ep);
	char key[512];
	json_t *c;
	int64_t now = mono_ns() / 1000000000;
	struct kube_req req = { 0 };
	struct kube_resp r;
	struct tug_err err;
	struct jv doc;
	char *path;

	*mem = *cpu = 0;
	snprintf(key, sizeof(key), "%d:%s/%s", (int)k, ns ? ns : "", name);
	pthread_mutex_lock(&ke->mu);
	c = json_object_get(ke->mem_limits, key);
	if (c && now - json_integer_value(json_object_get(c, "t")) < LIMIT_TTL_S) {
		*mem = (uint64_t)json_integer_value(json_object_get(c, "limit"));
		*cpu = (uint64_t)json_integer_value(json_object_get(c, "cpu"));
		pthread_mutex_unlock(&ke->mu);
		return;
	}
	pthread_mutex_unlock(&ke->mu);

	path = kube_path(k, ns, name, NULL);
	req.path = path;
	if (kube_do(&ke->kc, &req, "get", &r, &err) == 0 && r.status == 200 &&
	    js_parse(r.body.s, r.body.len, &doc) == 0) {
		if (k == TUG_NODE) {
			struct jv alloc = js_path(doc, "status", "allocatable", NULL);
			*mem = jv_quantity(js_get(alloc, "memory"), 1.0);
			*cpu = jv_quantity(js_get(alloc, "cpu"), 1e9);
		} else {
			*mem = pod_limit(doc, "memory", 1.0);
			*cpu = pod_limit(doc, "cpu", 1e9);
		}
	}
	if (r.body.s)
		kube_resp_release(&r);
	free(path);
	pthread_mutex_lock(&ke->mu);
	json_object_set_new(ke->mem_limits, key, json_pack("{s:I,s:I,s:I}", "limit", (json_int_t)*mem,
							    "cpu", (json_int_t)*cpu, "t", (json_int_t)now));
	pthread_mutex_unlock(&ke->mu);
}

int kube_op_stats(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
		  struct tug_stats *out, struct tug_err *err)
{
	struct kube_client *kc = &KEP(ep)->kc;
	char *ns, *name, what[300], obj[300];
	struct sbuf path = SBUF_INIT;
	struct kube_resp r;
	struct jv doc;
	int rc;

	memset(out, 0, sizeof(*out));
	if (k != TUG_POD && k != TUG_NODE)
		return tug_errf(err, TUG_E_UNSUPPORTED, "stats: only pods and nodes have metrics");
	kube_split_ref(ep, k, ref, &ns, &name);
	snprintf(what, sizeof(what), "stats %s/%s", tug_kind_name(k), name);
	snprintf(obj, sizeof(obj), "%s %s", tug_kind_name(k), name);
	if (k == TUG_POD) {
		sbuf_printf(&path, METRICS "/namespaces/");
		kube_escape(&path, ns);
		sbuf_puts(&path, "/pods/");
	} else {
		sbuf_puts(&path, METRICS "/nodes/");
	}
	kube_escape(&path, name);
	rc = metrics_get(kc, path.s, what, obj, &r, err);
	sbuf_release(&path);
	if (rc == 0) {
		if (js_parse(r.body.s, r.body.len, &doc) < 0) {
			rc = tug_errf(err, TUG_E_GENERIC, "%s: the metrics answer is not JSON", what);
		} else {
			out->time_ns = now_ns();
			{
				int64_t t = kube_time(js_get(doc, "timestamp"));
				if (t)
					out->time_ns = t;
			}
			if (k == TUG_POD) {
				sum_containers(doc, &out->cpu_nanocores, &out->mem_usage);
			} else {
				struct jv u = js_get(doc, "usage");
				out->cpu_nanocores = jv_quantity(js_get(u, "cpu"), 1e9);
				out->mem_usage = jv_quantity(js_get(u, "memory"), 1.0);
			}
			out->cpu_rate = 1;
			out->valid = 1;
		}
		kube_resp_release(&r);
	}
	if (rc == 0)
		limits(ep, k, ns, name, &out->mem_limit, &out->cpu_limit_nanocores);
	free(ns);
	free(name);
	return rc;
}

void kube_top_free(struct kube_top_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].namespace);
		free(rows[i].name);
	}
	free(rows);
}

struct top_ctx {
	struct kube_top_row *rows;
	size_t n, cap;
	int node;
};

static int top_item(void *data, struct jv item)
{
	struct top_ctx *c = data;
	struct kube_top_row *r;
	struct jv md = js_get(item, "metadata");

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->rows = xrealloc(c->rows, c->cap * sizeof(*c->rows));
	}
	r = &c->rows[c->n++];
	memset(r, 0, sizeof(*r));
	r->name = js_strdup(js_get(md, "name"));
	if (!r->name)
		r->name = xstrdup("");
	r->namespace = js_strdup(js_get(md, "namespace"));
	if (c->node) {
		struct jv u = js_get(item, "usage");
		r->cpu_nanocores = jv_quantity(js_get(u, "cpu"), 1e9);
		r->mem_bytes = jv_quantity(js_get(u, "memory"), 1.0);
	} else {
		sum_containers(item, &r->cpu_nanocores, &r->mem_bytes);
	}
	return 0;
}

static int node_cap(void *data, struct jv item)
{
	struct top_ctx *c = data;
	char name[256];
	struct jv alloc = js_path(item, "status", "allocatable", NULL);

	js_str(js_path(item, "metadata", "name", NULL), name, sizeof(name));
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->rows[i].name, name)) {
			c->rows[i].cpu_capacity = jv_quantity(js_get(alloc, "cpu"), 1e9);
			c->rows[i].mem_capacity = jv_quantity(js_get(alloc, "memory"), 1.0);
		}
	return 0;
}

int kube_top(struct tug_endpoint *ep, enum tug_kind k, const char *ns,
	     struct kube_top_row **rows, size_t *n, struct tug_err *err)
{
	struct kube_client *kc = &KEP(ep)->kc;
	struct top_ctx c = { .node = k == TUG_NODE };
	struct sbuf path = SBUF_INIT;
	struct kube_resp r;
	const char *what = k == TUG_NODE ? "top nodes" : "top pods";
	int rc;

	*rows = NULL;
	*n = 0;
	if (k != TUG_POD && k != TUG_NODE)
		return tug_errf(err, TUG_E_UNSUPPORTED, "top: only pods and nodes have metrics");
	if (!ns)
		ns = kube_namespace(ep);
	sbuf_puts(&path, METRICS);
	if (k == TUG_POD && *ns) {
		sbuf_puts(&path, "/namespaces/");
		kube_escape(&path, ns);
	}
	sbuf_puts(&path, k == TUG_POD ? "/pods" : "/nodes");
	rc = metrics_get(kc, path.s, what, NULL, &r, err);
	sbuf_release(&path);
	if (rc < 0)
		return -1;
	if (kube_page_parse(r.body.s, r.body.len, top_item, &c, NULL, NULL) < 0) {
		kube_resp_release(&r);
		kube_top_free(c.rows, c.n);
		return tug_errf(err, TUG_E_GENERIC, "%s: the metrics answer is not a list", what);
	}
	kube_resp_release(&r);
	if (k == TUG_NODE && c.n &&
	    kube_list_all(kc, TUG_NODE, NULL, NULL, node_cap, &c, NULL, err) < 0) {
		kube_top_free(c.rows, c.n);
		return -1;
	}
	*rows = c.rows;
	*n = c.n;
	return 0;
}
