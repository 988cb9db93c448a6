/* objects.c - one pass over each API object, picking the fields the
 * views need and computing what kubectl prints (pkg/printers). */
#include "kube/objects.h"
#include "util/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JV_NONE ((struct jv){ NULL, 0 })

int64_t kube_time(struct jv v)
{
	char buf[64];
	int64_t t;

	if (!js_is_str(v) || v.n > sizeof(buf))
		return 0;
	js_str(v, buf, sizeof(buf));
	return parse_rfc3339(buf, &t) == 0 ? t : 0;
}

static char *dup_or_null(struct jv v)
{
	return js_is_str(v) && v.n > 2 ? js_strdup(v) : NULL;
}

static char **cells_new(size_t n)
{
	return xcalloc(n + 1, sizeof(char *));
}

static void cell(struct tug_obj *o, int i, const char *s)
{
	free(o->cells[i]);
	o->cells[i] = xstrdup(s);
}

static void cellf(struct tug_obj *o, int i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void cellf(struct tug_obj *o, int i, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cell(o, i, buf);
}

static void cell_jv(struct tug_obj *o, int i, struct jv v, const char *empty)
{
	char *s = dup_or_null(v);
	free(o->cells[i]);
	o->cells[i] = s ? s : xstrdup(empty);
}

/* metadata: the fields every kind shows; labels handed back for nodes. */
static void decode_meta(struct jv md, struct tug_obj *o, int64_t *deleted, struct jv *labels)
{
	struct js_it it;
	struct jv k, v;

	js_obj_iter(md, &it);
	while (js_obj_next(&it, &k, &v) > 0) {
		if (js_key_eq(k, "name"))
			o->name = dup_or_null(v);
		else if (js_key_eq(k, "namespace"))
			o->namespace = dup_or_null(v);
		else if (js_key_eq(k, "uid"))
			o->id = dup_or_null(v);
		else if (js_key_eq(k, "creationTimestamp"))
			o->created_ns = kube_time(v);
		else if (js_key_eq(k, "deletionTimestamp") && deleted)
			*deleted = kube_time(v);
		else if (js_key_eq(k, "labels") && labels)
			*labels = v;
	}
}

/* ---- pods ---- */

struct cst {
	struct jv name;
	int ready, started;
	int64_t restarts;
	int64_t last_finished;   /* lastState.terminated.finishedAt */
	int state;               /* 0 none, 1 waiting, 2 running, 3 terminated */
	struct jv reason;
	int64_t exit_code, signal;
};

static void decode_state(struct jv st, struct cst *c)
{
	struct js_it it;
	struct jv k, v;

	js_obj_iter(st, &it);
	while (js_obj_next(&it, &k, &v) > 0) {
		if (js_key_eq(k, "waiting")) {
			c->state = 1;
			c->reason = js_get(v, "reason");
		} else if (js_key_eq(k, "running")) {
			c->state = 2;
		} else if (js_key_eq(k, "terminated")) {
			struct js_it t;
			struct jv tk, tv;
			c->state = 3;
			js_obj_iter(v, &t);
			while (js_obj_next(&t, &tk, &tv) > 0) {
				if (js_key_eq(tk, "reason"))
					c->reason = tv;
				else if (js_key_eq(tk, "exitCode"))
					c->exit_code = js_int(tv);
				else if (js_key_eq(tk, "signal"))
					c->signal = js_int(tv);
			}
		}
	}
}

static void decode_cst(struct jv v, struct cst *c)
{
	struct js_it it;
	struct jv k, f;

	memset(c, 0, sizeof(*c));
	js_obj_iter(v, &it);
	while (js_obj_next(&it, &k, &f) > 0) {
		if (js_key_eq(k, "name"))
			c->name = f;
		else if (js_key_eq(k, "ready"))
			c->ready = js_true(f);
		else if (js_key_eq(k, "started"))
			c->started = js_true(f);
		else if (js_key_eq(k, "restartCount"))
			c->restarts = js_int(f);
		else if (js_key_eq(k, "state"))
			decode_state(f, c);
		else if (js_key_eq(k, "lastState"))
			c->last_finished = kube_time(js_path(f, "terminated", "finishedAt", NULL));
	}
}

/* Decode an array of container statuses into a malloc'd array. */
static struct cst *decode_csts(struct jv arr, size_t *n)
{
	struct js_it it;
	struct jv v;
	size_t cap = js_arr_len(arr), i = 0;
	struct cst *c = cap ? xcalloc(cap, sizeof(*c)) : NULL;

	js_arr_iter(arr, &it);
	while (i < cap && js_arr_next(&it, &v) > 0)
		decode_cst(v, &c[i++]);
	*n = i;
	return c;
}

struct initc {
	struct jv name;
	int restartable;          /* sidecar: restartPolicy Always */
};

static int jv_eq(struct jv a, struct jv b)
{
	return a.n == b.n && a.n && !memcmp(a.p, b.p, a.n);
}

static int is_restartable(const struct initc *ic, size_t n, struct jv name)
{
	for (size_t i = 0; i < n; i++)
		if (jv_eq(ic[i].name, name))
			return ic[i].restartable;
	return 0;
}

static int cond_true(struct jv conds, const char *type)
{
	struct js_it it;
	struct jv c;

	js_arr_iter(conds, &it);
	while (js_arr_next(&it, &c) > 0)
		if (js_str_eq(js_get(c, "type"), type))
			return js_str_eq(js_get(c, "status"), "True");
	return 0;
}

static void jv_reason(char *buf, size_t size, const char *prefix, struct jv v)
{
	char tmp[128];
	snprintf(buf, size, "%s%s", prefix, js_str(v, tmp, sizeof(tmp)));
}

static void decode_pod(struct jv item, struct tug_obj *o)
{
	struct jv md = JV_NONE, spec = JV_NONE, st = JV_NONE, k, v;
	struct jv containers = JV_NONE, inits = JV_NONE, gates = JV_NONE, node = JV_NONE;
	struct jv phase = JV_NONE, sreason = JV_NONE, podip = JV_NONE, podips = JV_NONE;
	struct jv nominated = JV_NONE, conds = JV_NONE, icsts = JV_NONE, csts = JV_NONE;
	struct js_it it;
	int64_t deleted = 0, last_restart = 0, last_sidecar_restart = 0;
	int64_t restarts = 0, sidecar_restarts = 0;
	struct initc *ic = NULL;
	size_t nic = 0, nics = 0, ncs = 0;
	struct cst *ics, *cs;
	int total, ready = 0, initializing = 0;
	char reason[192];

	js_obj_iter(item, &it);
	while (js_obj_next(&it, &k, &v) > 0) {
		if (js_key_eq(k, "metadata"))
			md = v;
		else if (js_key_eq(k, "spec"))
			spec = v;
		else if (js_key_eq(k, "status"))
			st = v;
	}
	decode_meta(md, o, &deleted, NULL);

	js_obj_iter(spec, &it);
	while (js_obj_next(&it, &k, &v) > 0) {
		if (js_key_eq(k, "containers"))
			containers = v;
		else if (js_key_eq(k, "initContainers"))
			inits = v;
		else if (js_key_eq(k, "nodeName"))
			node = v;
		else if (js_key_eq(k, "readinessGates"))
			gates = v;
	}
	js_obj_iter(st, &it);
	while (js_obj_next(&it, &k, &v) > 0) {
		if (js_key_eq(k, "phase"))
			phase = v;
		else if (js_key_eq(k, "reason"))
			sreason = v;
		else if (js_key_eq(k, "podIP"))
			podip = v;
		else if (js_key_eq(k, "podIPs"))
			podips = v;
		else if (js_key_eq(k, "nominatedNodeName"))
			nominated = v;
		else if (js_key_eq(k, "conditions"))
			conds = v;
		else if (js_key_eq(k, "initContainerStatuses"))
			icsts = v;
		else if (js_key_eq(k, "containerStatuses"))
			csts = v;
		else if (js_key_eq(k, "startTime"))
			o->started_ns = kube_time(v);
	}

	total = (int)js_arr_len(containers);
	{
		struct jv c;
		js_arr_iter(containers, &it);
		if (js_arr_next(&it, &c) > 0)
			o->image = dup_or_null(js_get(c, "image"));
	}
	nic = js_arr_len(inits);
	if (nic) {
		struct jv c;
		size_t i = 0;
		ic = xcalloc(nic, sizeof(*ic));
		js_arr_iter(inits, &it);
		while (i < nic && js_arr_next(&it, &c) > 0) {
			ic[i].name = js_get(c, "name");
			ic[i].restartable = js_str_eq(js_get(c, "restartPolicy"), "Always");
			total += ic[i].restartable;
			i++;
		}
	}

	js_str(phase, reason, sizeof(reason));
	if (js_is_str(sreason) && sreason.n > 2)
		js_str(sreason, reason, sizeof(reason));
	{
		struct jv c;
		js_arr_iter(conds, &it);
		while (js_arr_next(&it, &c) > 0)
			if (js_str_eq(js_get(c, "type"), "PodScheduled") &&
			    js_str_eq(js_get(c, "reason"), "SchedulingGated"))
				snprintf(reason, sizeof(reason), "SchedulingGated");
	}

	ics = decode_csts(icsts, &nics);
	for (size_t i = 0; i < nics; i++) {
		struct cst *c = &ics[i];
		int sidecar = is_restartable(ic, nic, c->name);
		restarts += c->restarts;
		if (c->last_finished > last_restart)
			last_restart = c->last_finished;
		if (sidecar) {
			sidecar_restarts += c->restarts;
			if (c->last_finished > last_sidecar_restart)
				last_sidecar_restart = c->last_finished;
		}
		if (c->state == 3 && c->exit_code == 0)
			continue;
		if (sidecar && c->started) {
			ready += c->ready;
			continue;
		}
		if (c->state == 3) {
			if (!js_is_str(c->reason) || c->reason.n <= 2) {
				if (c->signal)
					snprintf(reason, sizeof(reason), "Init:Signal:%lld", (long long)c->signal);
				else
					snprintf(reason, sizeof(reason), "Init:ExitCode:%lld", (long long)c->exit_code);
			} else {
				jv_reason(reason, sizeof(reason), "Init:", c->reason);
			}
		} else if (c->state == 1 && js_is_str(c->reason) && c->reason.n > 2 &&
			   !js_str_eq(c->reason, "PodInitializing")) {
			jv_reason(reason, sizeof(reason), "Init:", c->reason);
		} else {
			snprintf(reason, sizeof(reason), "Init:%zu/%zu", i, nic);
		}
		initializing = 1;
		break;
	}

	if (!initializing || cond_true(conds, "Initialized")) {
		int has_running = 0;
		restarts = sidecar_restarts;
		last_restart = last_sidecar_restart;
		cs = decode_csts(csts, &ncs);
		for (size_t j = ncs; j-- > 0;) {
			struct cst *c = &cs[j];
			restarts += c->restarts;
			if (c->last_finished > last_restart)
				last_restart = c->last_finished;
			if (c->state == 1 && js_is_str(c->reason) && c->reason.n > 2) {
				js_str(c->reason, reason, sizeof(reason));
			} else if (c->state == 3 && js_is_str(c->reason) && c->reason.n > 2) {
				js_str(c->reason, reason, sizeof(reason));
			} else if (c->state == 3) {
				if (c->signal)
					snprintf(reason, sizeof(reason), "Signal:%lld", (long long)c->signal);
				else
					snprintf(reason, sizeof(reason), "ExitCode:%lld", (long long)c->exit_code);
			} else if (c->ready && c->state == 2) {
				has_running = 1;
				ready++;
			}
		}
		free(cs);
		if (!strcmp(reason, "Completed") && has_running)
			snprintf(reason, sizeof(reason), "%s",
				 cond_true(conds, "Ready") ? "Running" : "NotReady");
	}
	free(ics);
	free(ic);

	if (deleted && js_str_eq(sreason, "NodeLost"))
		snprintf(reason, sizeof(reason), "Unknown");
	else if (deleted && !js_str_eq(phase, "Succeeded") && !js_str_eq(phase, "Failed"))
		snprintf(reason, sizeof(reason), "Terminating");

	o->state = xstrdup(reason);
	o->ready = ready;
	o->total = total;
	o->restarts = (int)restarts;
	o->finished_ns = restarts ? last_restart : 0;
	o->node = dup_or_null(node);
	{
		struct jv first;
		js_arr_iter(podips, &it);
		if (js_arr_next(&it, &first) > 0)
			o->ip = dup_or_null(js_get(first, "ip"));
		if (!o->ip)
			o->ip = dup_or_null(podip);
	}

	o->cells = cells_new(POD_NCELLS);
	cell_jv(o, POD_NOMINATED, nominated, "<none>");
	if (js_arr_len(gates)) {
		struct jv g;
		int yes = 0, n = 0;
		js_arr_iter(gates, &it);
		while (js_arr_next(&it, &g) > 0) {
			char type[128];
			struct js_it ci;
			struct jv c;
			n++;
			js_str(js_get(g, "conditionType"), type, sizeof(type));
			js_arr_iter(conds, &ci);
			while (js_arr_next(&ci, &c) > 0)
				if (js_str_eq(js_get(c, "type"), type)) {
					yes += js_str_eq(js_get(c, "status"), "True");
					break;
				}
		}
		cellf(o, POD_GATES, "%d/%d", yes, n);
	} else {
		cell(o, POD_GATES, "<none>");
	}
	o->status = xstrdup(reason);
}

/* ---- workloads ---- */

/* "a,b" of the template's container names and images. */
static void template_containers(struct jv spec, struct sbuf *names, struct sbuf *images)
{
	struct jv cs = js_path(spec, "template", "spec", "containers", NULL), c;
	struct js_it it;

	js_arr_iter(cs, &it);
	while (js_arr_next(&it, &c) > 0) {
		if (names->len)
			sbuf_puts(names, ",");
		if (images->len)
			sbuf_puts(images, ",");
		js_str_add(js_get(c, "name"), names);
		js_str_add(js_get(c, "image"), images);
	}
}

struct req {
	char *key, *text;
};

static int req_cmp(const void *a, const void *b)
{
	return strcmp(((const struct req *)a)->key, ((const struct req *)b)->key);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Requirements sorted by key and joined with commas, "<none>" when there
 * are none; frees them. */
static char *join_reqs(struct req *r, size_t n)
{
	struct sbuf b = SBUF_INIT;

	if (n)
		qsort(r, n, sizeof(*r), req_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_puts(&b, ",");
		sbuf_puts(&b, r[i].text);
		free(r[i].key);
		free(r[i].text);
	}
	free(r);
	return b.len ? sbuf_detach(&b) : (sbuf_release(&b), xstrdup("<none>"));
}

/* "k=v,..." sorted by key, as labels.FormatLabels; empty -> "<none>". */
static char *format_labels(struct jv map)
{
	struct js_it it;
	struct jv k, v;
	size_t n = 0, cap = 0;
	struct req *r = NULL;

	js_obj_iter(map, &it);
	while (js_obj_next(&it, &k, &v) > 0) {
		struct sbuf t = SBUF_INIT;
		if (n == cap)
			r = xrealloc(r, (cap = cap ? cap * 2 : 8) * sizeof(*r));
		r[n].key = js_strdup(k);
		sbuf_puts(&t, r[n].key);
		sbuf_puts(&t, "=");
		js_str_add(v, &t);
		r[n++].text = sbuf_detach(&t);
	}
	return join_reqs(r, n);
}

/* metav1.FormatLabelSelector: requirements sorted by key. */
static char *format_selector(struct jv sel)
{
	struct jv ml = js_get(sel, "matchLabels"), me = js_get(sel, "matchExpressions"), k, v;
	struct js_it it;
	size_t n = 0, cap = 0;
	struct req *r = NULL;

	js_obj_iter(ml, &it);
	while (js_obj_next(&it, &k, &v) > 0) {
		struct sbuf t = SBUF_INIT;
		if (n == cap)
			r = xrealloc(r, (cap = cap ? cap * 2 : 8) * sizeof(*r));
		r[n].key = js_strdup(k);
		sbuf_printf(&t, "%s=", r[n].key);
		js_str_add(v, &t);
		r[n++].text = sbuf_detach(&t);
	}
	js_arr_iter(me, &it);
	while (js_arr_next(&it, &v) > 0) {
		struct sbuf t = SBUF_INIT;
		char op[32];
		struct jv vals = js_get(v, "values"), x;
		struct js_it vi;
		char **vs = NULL;
		size_t nv = 0;

		if (n == cap)
			r = xrealloc(r, (cap = cap ? cap * 2 : 8) * sizeof(*r));
		r[n].key = js_strdup(js_get(v, "key"));
		if (!r[n].key)
			r[n].key = xstrdup("");
		js_str(js_get(v, "operator"), op, sizeof(op));
		vs = xcalloc(js_arr_len(vals) + 1, sizeof(char *));
		js_arr_iter(vals, &vi);
		while (js_arr_next(&vi, &x) > 0)
			if ((vs[nv] = js_strdup(x)))
				nv++;
		if (nv)
			qsort(vs, nv, sizeof(char *), str_cmp);
		if (!strcmp(op, "Exists"))
			sbuf_puts(&t, r[n].key);
		else if (!strcmp(op, "DoesNotExist"))
			sbuf_printf(&t, "!%s", r[n].key);
		else {
			sbuf_printf(&t, "%s %s (", r[n].key, !strcmp(op, "NotIn") ? "notin" : "in");
			for (size_t i = 0; i < nv; i++)
				sbuf_printf(&t, "%s%s", i ? "," : "", vs[i]);
			sbuf_puts(&t, ")");
		}
		for (size_t i = 0; i < nv; i++)
			free(vs[i]);
		free(vs);
		r[n++].text = sbuf_detach(&t);
	}
	return join_reqs(r, n);
}

static void top_parts(struct jv item, struct jv *md, struct jv *spec, struct jv *st)
{
	struct js_it it;
	struct jv k, v;

	*md = *spec = *st = JV_NONE;
	js_obj_iter(item, &it);
	while (js_obj_next(&it, &k, &v) > 0) {
		if (js_key_eq(k, "metadata"))
			*md = v;
		else if (js_key_eq(k, "spec"))
			*spec = v;
		else if (js_key_eq(k, "status"))
			*st = v;
	}
}

static void set_containers(struct tug_obj *o, struct jv spec, int ci, int ii)
{
	struct sbuf names = SBUF_INIT, images = SBUF_INIT;

	template_containers(spec, &names, &images);
	o->cells[ci] = sbuf_detach(&names);
	o->cells[ii] = sbuf_detach(&images);
	if (o->cells[ii][0]) {
		char *comma = strchr(o->cells[ii], ',');
		o->image = comma ? strndup(o->cells[ii], (size_t)(comma - o->cells[ii]))
				 : xstrdup(o->cells[ii]);
	}
}

/* spec.replicas defaults to 1 when absent, as the API server does. */
static int64_t replicas(struct jv spec)
{
	struct jv r = js_get(spec, "replicas");
	return r.n ? js_int(r) : 1;
}

static void decode_deployment(struct jv item, struct tug_obj *o)
{
	struct jv md, spec, st;

	top_parts(item, &md, &spec, &st);
	decode_meta(md, o, NULL, NULL);
	o->ready = (int)js_int(js_get(st, "readyReplicas"));
	o->total = (int)replicas(spec);
	o->cells = cells_new(DEP_NCELLS);
	cellf(o, DEP_UPTODATE, "%lld", (long long)js_int(js_get(st, "updatedReplicas")));
	cellf(o, DEP_AVAILABLE, "%lld", (long long)js_int(js_get(st, "availableReplicas")));
	set_containers(o, spec, DEP_CONTAINERS, DEP_IMAGES);
	o->cells[DEP_SELECTOR] = format_selector(js_get(spec, "selector"));
}

static void decode_statefulset(struct jv item, struct tug_obj *o)
{
	struct jv md, spec, st;

	top_parts(item, &md, &spec, &st);
	decode_meta(md, o, NULL, NULL);
	o->ready = (int)js_int(js_get(st, "readyReplicas"));
	o->total = (int)replicas(spec);
	o->cells = cells_new(STS_NCELLS);
	set_containers(o, spec, STS_CONTAINERS, STS_IMAGES);
}

static void decode_daemonset(struct jv item, struct tug_obj *o)
{
	struct jv md, spec, st;
	int64_t desired;

	top_parts(item, &md, &spec, &st);
	decode_meta(md, o, NULL, NULL);
	desired = js_int(js_get(st, "desiredNumberScheduled"));
	o->ready = (int)js_int(js_get(st, "numberReady"));
	o->total = (int)desired;
	o->cells = cells_new(DS_NCELLS);
	cellf(o, DS_DESIRED, "%lld", (long long)desired);
	cellf(o, DS_CURRENT, "%lld", (long long)js_int(js_get(st, "currentNumberScheduled")));
	cellf(o, DS_READY, "%d", o->ready);
	cellf(o, DS_UPTODATE, "%lld", (long long)js_int(js_get(st, "updatedNumberScheduled")));
	cellf(o, DS_AVAILABLE, "%lld", (long long)js_int(js_get(st, "numberAvailable")));
	o->cells[DS_NODESEL] = format_labels(js_path(spec, "template", "spec", "nodeSelector", NULL));
	set_containers(o, spec, DS_CONTAINERS, DS_IMAGES);
	o->cells[DS_SELECTOR] = format_selector(js_get(spec, "selector"));
}

static void decode_replicaset(struct jv item, struct tug_obj *o)
{
	struct jv md, spec, st;

	top_parts(item, &md, &spec, &st);
	decode_meta(md, o, NULL, NULL);
	o->ready = (int)js_int(js_get(st, "readyReplicas"));
	o->total = (int)replicas(spec);
	o->cells = cells_new(RS_NCELLS);
	cellf(o, RS_DESIRED, "%d", o->total);
	cellf(o, RS_CURRENT, "%lld", (long long)js_int(js_get(st, "replicas")));
	cellf(o, RS_READY, "%d", o->ready);
	set_containers(o, spec, RS_CONTAINERS, RS_IMAGES);
	o->cells[RS_SELECTOR] = format_selector(js_get(spec, "selector"));
}

/* ---- services ---- */

static char *join_strings(struct jv arr)
{
	struct sbuf b = SBUF_INIT;
	struct js_it it;
	struct jv v;

	js_arr_iter(arr, &it);
	while (js_arr_next(&it, &v) > 0) {
		if (b.len)
			sbuf_puts(&b, ",");
		js_str_add(v, &b);
	}
	return sbuf_detach(&b);
}

static char *lb_ingress(struct jv st, int wide)
{
	struct jv ing = js_path(st, "loadBalancer", "ingress", NULL), v;
	struct sbuf b = SBUF_INIT;
	struct js_it it;

	js_arr_iter(ing, &it);
	while (js_arr_next(&it, &v) > 0) {
		struct jv ip = js_get(v, "ip"), host = js_get(v, "hostname");
		if (js_is_str(ip) && ip.n > 2) {
			if (b.len)
				sbuf_puts(&b, ",");
			js_str_add(ip, &b);
		} else if (js_is_str(host) && host.n > 2) {
			if (b.len)
				sbuf_puts(&b, ",");
			js_str_add(host, &b);
		}
	}
	if (!wide && b.len > 16) {
		b.len = 13;
		sbuf_puts(&b, "...");
	}
	return sbuf_detach(&b);
}

static char *external_ip(struct jv spec, struct jv st, const char *type, int wide)
{
	char *ext = join_strings(js_get(spec, "externalIPs"));
	char *r;

	if (!strcmp(type, "ClusterIP") || !strcmp(type, "NodePort")) {
		if (ext[0])
			return ext;
		free(ext);
		return xstrdup("<none>");
	}
	if (!strcmp(type, "LoadBalancer")) {
		char *lb = lb_ingress(st, wide);
		if (ext[0]) {
			struct sbuf b = SBUF_INIT;
			if (lb[0])
				sbuf_printf(&b, "%s,", lb);
			sbuf_puts(&b, ext);
			free(lb);
			free(ext);
			return sbuf_detach(&b);
		}
		free(ext);
		if (lb[0])
			return lb;
		free(lb);
		return xstrdup("<pending>");
	}
	free(ext);
	if (!strcmp(type, "ExternalName")) {
		r = js_strdup(js_get(spec, "externalName"));
		return r ? r : xstrdup("");
	}
	return xstrdup("<unknown>");
}

static void decode_service(struct jv item, struct tug_obj *o)
{
	struct jv md, spec, st, p;
	char type[64];
	struct sbuf ports = SBUF_INIT;
	struct js_it it;

	top_parts(item, &md, &spec, &st);
	decode_meta(md, o, NULL, NULL);
	js_str(js_get(spec, "type"), type, sizeof(type));
	if (!type[0])
		snprintf(type, sizeof(type), "ClusterIP");
	o->cells = cells_new(SVC_NCELLS);
	cell(o, SVC_TYPE, type);
	cell_jv(o, SVC_CLUSTERIP, js_get(spec, "clusterIP"), "<none>");
	o->ip = xstrdup(o->cells[SVC_CLUSTERIP]);
	o->cells[SVC_EXTERNALIP] = external_ip(spec, st, type, 0);
	o->cells[SVC_EXTERNALIP_WIDE] = external_ip(spec, st, type, 1);
	js_arr_iter(js_get(spec, "ports"), &it);
	while (js_arr_next(&it, &p) > 0) {
		char proto[16];
		int64_t node = js_int(js_get(p, "nodePort"));
		js_str(js_get(p, "protocol"), proto, sizeof(proto));
		if (!proto[0])
			snprintf(proto, sizeof(proto), "TCP");
		if (ports.len)
			sbuf_puts(&ports, ",");
		if (node)
			sbuf_printf(&ports, "%lld:%lld/%s", (long long)js_int(js_get(p, "port")),
				    (long long)node, proto);
		else
			sbuf_printf(&ports, "%lld/%s", (long long)js_int(js_get(p, "port")), proto);
	}
	if (!ports.len)
		sbuf_puts(&ports, "<none>");
	o->ports = xstrdup(ports.s);
	o->cells[SVC_PORTS] = sbuf_detach(&ports);
	o->cells[SVC_SELECTOR] = format_labels(js_get(spec, "selector"));
}

/* ---- nodes ---- */

static void decode_node(struct jv item, struct tug_obj *o)
{
	struct jv md, spec, st, labels = JV_NONE, k, v, c;
	struct js_it it;
	char **roles = NULL;
	size_t nroles = 0;
	struct sbuf b = SBUF_INIT;
	const char *ready = "Unknown";
	struct jv info;

	top_parts(item, &md, &spec, &st);
	decode_meta(md, o, NULL, &labels);

	js_arr_iter(js_get(st, "conditions"), &it);
	while (js_arr_next(&it, &c) > 0)
		if (js_str_eq(js_get(c, "type"), "Ready")) {
			ready = js_str_eq(js_get(c, "status"), "True") ? "Ready" : "NotReady";
			break;
		}
	sbuf_puts(&b, ready);
	if (js_true(js_get(spec, "unschedulable")))
		sbuf_puts(&b, ",SchedulingDisabled");
	o->state = sbuf_detach(&b);

	js_obj_iter(labels, &it);
	while (js_obj_next(&it, &k, &v) > 0) {
		char key[256];
		char *role = NULL;
		js_str(k, key, sizeof(key));
		if (str_has_prefix(key, "node-role.kubernetes.io/") && key[24])
			role = xstrdup(key + 24);
		else if (!strcmp(key, "kubernetes.io/role"))
			role = dup_or_null(v);
		if (!role)
			continue;
		roles = xrealloc(roles, (nroles + 1) * sizeof(char *));
		roles[nroles++] = role;
	}
	if (nroles)
		qsort(roles, nroles, sizeof(char *), str_cmp);
	for (size_t i = 0; i < nroles; i++) {
		if (!i || strcmp(roles[i], roles[i - 1]))
			sbuf_printf(&b, "%s%s", b.len ? "," : "", roles[i]);
	}
	for (size_t i = 0; i < nroles; i++)
		free(roles[i]);
	free(roles);
	if (!b.len)
		sbuf_puts(&b, "<none>");

	o->cells = cells_new(NODE_NCELLS);
	o->cells[NODE_ROLES] = sbuf_detach(&b);
	info = js_get(st, "nodeInfo");
	cell_jv(o, NODE_VERSION, js_get(info, "kubeletVersion"), "");
	cell_jv(o, NODE_OS, js_get(info, "osImage"), "<unknown>");
	cell_jv(o, NODE_KERNEL, js_get(info, "kernelVersion"), "<unknown>");
	cell_jv(o, NODE_RUNTIME, js_get(info, "containerRuntimeVersion"), "<unknown>");
	cell(o, NODE_INTERNALIP, "<none>");
	cell(o, NODE_EXTERNALIP, "<none>");
	{
		int got_int = 0, got_ext = 0;
		js_arr_iter(js_get(st, "addresses"), &it);
		while (js_arr_next(&it, &c) > 0) {
			struct jv type = js_get(c, "type");
			if (!got_int && js_str_eq(type, "InternalIP")) {
				cell_jv(o, NODE_INTERNALIP, js_get(c, "address"), "<none>");
				got_int = 1;
			} else if (!got_ext && js_str_eq(type, "ExternalIP")) {
				cell_jv(o, NODE_EXTERNALIP, js_get(c, "address"), "<none>");
				got_ext = 1;
			}
		}
	}
	if (strcmp(o->cells[NODE_INTERNALIP], "<none>"))
		o->ip = xstrdup(o->cells[NODE_INTERNALIP]);
}

/* ---- events ---- */

static void decode_event(struct jv item, struct tug_obj *o)
{
	struct jv md = JV_NONE, k, v, inv = JV_NONE, src = JV_NONE, series = JV_NONE;
	struct jv type = JV_NONE, reason = JV_NONE, msg = JV_NONE, count = JV_NONE;
	struct jv rc = JV_NONE, ri = JV_NONE;
	int64_t first = 0, last = 0, evtime = 0;
	struct js_it it;
	char kind[128], name[256], buf[256];
	struct sbuf b = SBUF_INIT;

	js_obj_iter(item, &it);
	while (js_obj_next(&it, &k, &v) > 0) {
		if (js_key_eq(k, "metadata"))
			md = v;
		else if (js_key_eq(k, "involvedObject"))
			inv = v;
		else if (js_key_eq(k, "source"))
			src = v;
		else if (js_key_eq(k, "series"))
			series = v;
		else if (js_key_eq(k, "type"))
			type = v;
		else if (js_key_eq(k, "reason"))
			reason = v;
		else if (js_key_eq(k, "message"))
			msg = v;
		else if (js_key_eq(k, "count"))
			count = v;
		else if (js_key_eq(k, "firstTimestamp"))
			first = kube_time(v);
		else if (js_key_eq(k, "lastTimestamp"))
			last = kube_time(v);
		else if (js_key_eq(k, "eventTime"))
			evtime = kube_time(v);
		else if (js_key_eq(k, "reportingComponent"))
			rc = v;
		else if (js_key_eq(k, "reportingInstance"))
			ri = v;
	}
	decode_meta(md, o, NULL, NULL);
	if (!first)
		first = evtime;
	if (!last)
		last = first;
	int64_t n = count.n ? js_int(count) : 0;
	if (js_is_obj(series)) {
		last = kube_time(js_get(series, "lastObservedTime"));
		n = js_int(js_get(series, "count"));
	} else if (n == 0) {
		n = 1;
	}
	o->started_ns = first;
	o->finished_ns = last;

	o->cells = cells_new(EV_NCELLS);
	cell_jv(o, EV_TYPE, type, "");
	cell_jv(o, EV_REASON, reason, "");
	o->state = xstrdup(o->cells[EV_TYPE]);
	js_str(js_get(inv, "kind"), kind, sizeof(kind));
	for (char *p = kind; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	js_str(js_get(inv, "name"), name, sizeof(name));
	if (name[0])
		cellf(o, EV_OBJECT, "%s/%s", kind, name);
	else
		cell(o, EV_OBJECT, kind);
	cell_jv(o, EV_SUBOBJECT, js_get(inv, "fieldPath"), "");
	{
		struct jv comp = js_get(src, "component"), host = js_get(src, "host");
		if (!js_is_str(comp) || comp.n <= 2)
			comp = rc;
		if (!js_is_str(host) || host.n <= 2)
			host = ri;
		js_str_add(comp, &b);
		if (b.len && js_is_str(host) && host.n > 2) {
			sbuf_puts(&b, ", ");
			js_str_add(host, &b);
		}
		o->cells[EV_SOURCE] = sbuf_detach(&b);
	}
	{
		char *m = dup_or_null(msg);
		char *s = m ? m : xstrdup(""), *e;
		char *start = s;
		while (*start == ' ' || *start == '\n' || *start == '\t' || *start == '\r')
			start++;
		e = start + strlen(start);
		while (e > start && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = '\0';
		o->cells[EV_MESSAGE] = xstrdup(start);
		o->status = xstrdup(start);
		free(s);
	}
	snprintf(buf, sizeof(buf), "%lld", (long long)n);
	cell(o, EV_COUNT, buf);
}

static void decode_namespace(struct jv item, struct tug_obj *o)
{
	struct jv md, spec, st;

	top_parts(item, &md, &spec, &st);
	decode_meta(md, o, NULL, NULL);
	o->state = dup_or_null(js_get(st, "phase"));
	if (!o->state)
		o->state = xstrdup("");
}

int kube_obj_decode(enum tug_kind k, struct jv item, struct tug_obj *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = k;
	if (!js_is_obj(item))
		return -1;
	switch (k) {
	case TUG_POD: decode_pod(item, o); break;
	case TUG_DEPLOYMENT: decode_deployment(item, o); break;
	case TUG_STATEFULSET: decode_statefulset(item, o); break;
	case TUG_DAEMONSET: decode_daemonset(item, o); break;
	case TUG_REPLICASET: decode_replicaset(item, o); break;
	case TUG_SERVICE: decode_service(item, o); break;
	case TUG_NODE: decode_node(item, o); break;
	case TUG_EVENT: decode_event(item, o); break;
	case TUG_NAMESPACE: decode_namespace(item, o); break;
	default: {
		struct jv md = js_get(item, "metadata");
		decode_meta(md, o, NULL, NULL);
		break;
	}
	}
	if (!o->name)
		o->name = xstrdup("");
	return 0;
}

int kube_obj_from_json(enum tug_kind k, json_t *j, struct tug_obj *o)
{
	char *s = json_dumps(j, JSON_COMPACT);
	struct jv v;
	int r = -1;

	if (s && js_parse(s, strlen(s), &v) == 0)
		r = kube_obj_decode(k, v, o);
	free(s);
	if (r == 0)
		o->raw = json_incref(j);
	return r;
}
