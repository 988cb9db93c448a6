/* watch.c - live lists: list (paged) then watch from the list's
 * resourceVersion; BOOKMARKs move the resourceVersion on; 410 Gone (as
 * an HTTP answer or an ERROR event) relists, diffing against what the
 * caller was told so vanished objects come as DELETED; dropped or failed
 * connections reconnect with exponential backoff and say so through
 * STATUS events. Everything runs in the stream's own curl multi engine. */
#include "kube/ep.h"
#include "kube/engine.h"
#include "kube/objects.h"
#include "kube/paging.h"
#include "kube/resources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000

enum wstate { W_LIST, W_WATCH, W_BACKOFF };

struct kube_watch {
	struct tug_watch base;
	struct kube_client *kc;
	enum tug_kind kind;
	char *ns, *selector;
	struct kube_engine eng;
	CURL *h;                   /* reused: keeps the connection between pages */
	struct kube_xfer x;
	int running, cred_wait;
	enum wstate state, after_backoff;
	char *cont, *rv;
	json_t *known;             /* "ns/name" -> generation seen */
	json_int_t gen;
	int relist;                /* a 410 arrived in the stream */
	int64_t backoff_until;
	int backoff_ms;
	int troubled;              /* a STATUS problem was reported */
	int watch_timeout_s;
	struct sbuf line;          /* partial watch event */
	tug_watch_cb cb;
	void *ctx;
	struct tug_err err;
	char what[160];
};

static void emit(struct kube_watch *w, enum tug_watch_type t, struct tug_obj *o, const char *msg)
{
	struct tug_watch_event ev = { t, o, msg };

	if (w->cb)
		w->cb(w->ctx, &ev);
}

static void key_of(const struct tug_obj *o, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", o->namespace ? o->namespace : "", o->name ? o->name : "");
}

static void healthy(struct kube_watch *w)
{
	w->backoff_ms = 0;
	if (w->troubled) {
		w->troubled = 0;
		emit(w, TUG_WATCH_STATUS, NULL, NULL);
	}
}

static void start(struct kube_watch *w);

static void trouble(struct kube_watch *w, enum wstate next)
{
	char msg[sizeof(w->err.msg) + 64];

	w->backoff_ms = w->backoff_ms ? w->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (w->backoff_ms > BACKOFF_MAX_MS)
		w->backoff_ms = BACKOFF_MAX_MS;
	/* jitter: many views reconnecting at once should not march in step */
	w->backoff_ms += (int)(mono_ns() % (w->backoff_ms / 4 + 1));
	w->backoff_until = mono_ns() + (int64_t)w->backoff_ms * 1000000;
	w->state = W_BACKOFF;
	w->after_backoff = next;
	w->troubled = 1;
	snprintf(msg, sizeof(msg), "%s; retrying in %.1fs", w->err.msg, w->backoff_ms / 1000.0);
	emit(w, TUG_WATCH_STATUS, NULL, msg);
}

/* ---- list ---- */

static int list_item(void *data, struct jv item)
{
	struct kube_watch *w = data;
	struct tug_obj o;
	char key[512];
	int known;

	if (kube_obj_decode(w->kind, item, &o) < 0)
		return 0;
	key_of(&o, key, sizeof(key));
	known = json_object_get(w->known, key) != NULL;
	json_object_set_new(w->known, key, json_integer(w->gen));
	emit(w, known ? TUG_WATCH_MODIFIED : TUG_WATCH_ADDED, &o, NULL);
	tug_obj_release(&o);
	return 0;
}

/* After a full (re)list: whatever was not seen in it is gone. */
static void sweep(struct kube_watch *w)
{
	const char *k;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(w->known, tmp, k, v) {
		if (json_integer_value(v) == w->gen)
			continue;
		struct tug_obj o = { 0 };
		const char *slash = strchr(k, '/');
		o.kind = w->kind;
		o.namespace = slash && slash > k ? strndup(k, (size_t)(slash - k)) : NULL;
		o.name = xstrdup(slash ? slash + 1 : k);
		json_object_del(w->known, k);
		emit(w, TUG_WATCH_DELETED, &o, NULL);
		tug_obj_release(&o);
	}
}

static void list_done(struct kube_watch *w)
{
	char *next = NULL, *rv = NULL;
	long n;

	if (w->x.status == 410 && w->cont) {
		/* continue token expired: list again from the start */
		free(w->cont);
		w->cont = NULL;
		w->gen++;
		start(w);
		return;
	}
	if (w->x.status < 200 || w->x.status >= 300) {
		kube_status_err(w->kc, w->x.status, w->x.resp.s, w->x.resp.len, w->what, &w->err);
		trouble(w, W_LIST);
		return;
	}
	n = kube_page_parse(w->x.resp.s ? w->x.resp.s : "", w->x.resp.len, list_item, w, &next, &rv);
	if (n < 0) {
		tug_errf(&w->err, TUG_E_GENERIC, "%s: the API server's answer is not a list", w->what);
		free(next);
		free(rv);
		trouble(w, W_LIST);
		return;
	}
	free(w->cont);
	w->cont = next;
	if (rv) {
		free(w->rv);
		w->rv = rv;
	}
	healthy(w);
	if (w->cont) {
		start(w);
		return;
	}
	sweep(w);
	emit(w, TUG_WATCH_SYNCED, NULL, NULL);
	w->state = W_WATCH;
	start(w);
}

/* ---- watch ---- */

static void watch_event(struct kube_watch *w, const char *p, size_t n)
{
	struct jv ev, type, obj;
	struct tug_obj o;
	char key[512];

	if (js_parse(p, n, &ev) < 0)
		return;
	type = js_get(ev, "type");
	obj = js_get(ev, "object");
	{
		struct jv rv = js_path(obj, "metadata", "resourceVersion", NULL);
		if (js_is_str(rv) && rv.n > 2 && !js_str_eq(type, "ERROR")) {
			free(w->rv);
			w->rv = js_strdup(rv);
		}
	}
	if (js_str_eq(type, "BOOKMARK"))
		return;
	if (js_str_eq(type, "ERROR")) {
		char msg[400];
		if (js_int(js_get(obj, "code")) == 410) {
			w->relist = 1;
			return;
		}
		js_str(js_get(obj, "message"), msg, sizeof(msg));
		tug_errf(&w->err, TUG_E_GENERIC, "%s: %s", w->what, msg[0] ? msg : "the watch failed");
		w->relist = 2;   /* reconnect with backoff */
		return;
	}
	if (kube_obj_decode(w->kind, obj, &o) < 0)
		return;
	key_of(&o, key, sizeof(key));
	if (js_str_eq(type, "DELETED")) {
		json_object_del(w->known, key);
		emit(w, TUG_WATCH_DELETED, &o, NULL);
	} else {
		int known = json_object_get(w->known, key) != NULL;
		json_object_set_new(w->known, key, json_integer(w->gen));
		emit(w, known ? TUG_WATCH_MODIFIED : TUG_WATCH_ADDED, &o, NULL);
	}
	tug_obj_release(&o);
	healthy(w);
}

static int watch_data(void *data, const char *p, size_t n)
{
	struct kube_watch *w = data;
	const char *end = p + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			sbuf_add(&w->line, p, (size_t)(end - p));
			break;
		}
		if (w->line.len) {
			sbuf_add(&w->line, p, (size_t)(nl - p));
			watch_event(w, w->line.s, w->line.len);
			w->line.len = 0;
		} else if (nl > p) {
			watch_event(w, p, (size_t)(nl - p));
		}
		p = nl + 1;
		if (w->relist)
			return 1;   /* abort the transfer; watch_done acts on it */
	}
	return 0;
}

static void watch_done(struct kube_watch *w, int transport_failed)
{
	int relist = w->relist;

	w->relist = 0;
	w->line.len = 0;
	if (relist == 1 || w->x.status == 410) {
		/* our resourceVersion is too old: list again, diffing */
		free(w->cont);
		w->cont = NULL;
		w->gen++;
		w->state = W_LIST;
		start(w);
		return;
	}
	if (relist == 2) {
		trouble(w, W_WATCH);
		return;
	}
	if (transport_failed) {
		trouble(w, W_WATCH);
		return;
	}
	if (w->x.status < 200 || w->x.status >= 300) {
		kube_status_err(w->kc, w->x.status, w->x.resp.s, w->x.resp.len, w->what, &w->err);
		trouble(w, W_WATCH);
		return;
	}
	/* the server ended the watch (its timeoutSeconds): carry on */
	start(w);
}

/* ---- driving ---- */

static void start(struct kube_watch *w)
{
	struct kube_req req = { 0 };
	struct sbuf path = SBUF_INIT;
	char *base, *q;
	int r;

	if (!w->cred_wait) {
		kube_xfer_release(&w->x);
		base = kube_path(w->kind, w->ns, NULL, NULL);
		if (w->state == W_LIST) {
			q = kube_list_query(w->kc->chunk, w->cont, w->selector);
			sbuf_printf(&path, "%s%s", base, q);
			req.path = path.s;
			kube_xfer_init(&w->x, w->kc, &req, NULL, NULL);
		} else {
			q = kube_list_query(0, NULL, w->selector);
			sbuf_printf(&path, "%s%s%swatch=1&allowWatchBookmarks=true&timeoutSeconds=%d",
				    base, q, q[0] ? "&" : "?", w->watch_timeout_s);
			if (w->rv) {
				sbuf_puts(&path, "&resourceVersion=");
				kube_escape(&path, w->rv);
			}
			req.path = path.s;
			req.stream = 1;
			kube_xfer_init(&w->x, w->kc, &req, watch_data, w);
		}
		free(q);
		free(base);
		sbuf_release(&path);
	}
	r = kube_engine_start(&w->eng, &w->x, w->h, &w->err);
	w->cred_wait = r == 1;
	w->running = r == 0;
	if (r == 0 && w->state == W_WATCH) {
		/* a silent server (no events, no bookmarks) for longer than the
		 * watch's own timeout is a dead one */
		curl_easy_setopt(w->x.h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(w->x.h, CURLOPT_LOW_SPEED_TIME, (long)w->watch_timeout_s + 30);
	}
	if (r < 0)
		trouble(w, w->state == W_BACKOFF ? w->after_backoff : w->state);
}

static void finished(struct kube_watch *w, CURLcode rc)
{
	int r;

	w->running = 0;
	r = kube_xfer_finish(&w->x, rc, w->what, &w->err);
	if (r == 1) {
		start(w);
		return;
	}
	if (w->state == W_LIST) {
		if (r < 0)
			trouble(w, W_LIST);
		else
			list_done(w);
	} else {
		watch_done(w, r < 0);
	}
}

static int w_pump(struct tug_watch *base, tug_watch_cb cb, void *ctx, struct tug_err *err)
{
	struct kube_watch *w = (struct kube_watch *)base;
	CURLcode rc;

	(void)err;
	w->cb = cb;
	w->ctx = ctx;
	if (w->state == W_BACKOFF && mono_ns() >= w->backoff_until) {
		w->state = w->after_backoff;
		if (w->state == W_LIST) {
			free(w->cont);
			w->cont = NULL;
			w->gen++;
		}
		start(w);
	} else if (w->cred_wait) {
		start(w);
	}
	kube_engine_drive(&w->eng);
	while (kube_engine_done(&w->eng, &rc))
		finished(w, rc);
	if (w->troubled && w->running && w->state == W_WATCH) {
		/* a quiet watch that got its 200 is a healthy one */
		long code = 0;
		curl_easy_getinfo(w->x.h, CURLINFO_RESPONSE_CODE, &code);
		if (code == 200)
			healthy(w);
	}
	w->cb = NULL;
	w->ctx = NULL;
	return 0;
}

static int w_fd(struct tug_watch *base)
{
	return kube_engine_fd(&((struct kube_watch *)base)->eng);
}

static int w_timeout(struct tug_watch *base)
{
	struct kube_watch *w = (struct kube_watch *)base;
	int ms = kube_engine_timeout_ms(&w->eng);

	if (w->cred_wait)
		kube_min_timeout(&ms, 20);
	if (w->state == W_BACKOFF) {
		int64_t d = (w->backoff_until - mono_ns()) / 1000000;
		kube_min_timeout(&ms, d > 0 ? (int)d : 0);
	}
	return ms;
}

static void w_close(struct tug_watch *base)
{
	struct kube_watch *w = (struct kube_watch *)base;

	if (w->running)
		kube_engine_remove(&w->eng, w->x.h);
	kube_xfer_release(&w->x);
	if (w->h)
		curl_easy_cleanup(w->h);
	kube_engine_release(&w->eng);
	json_decref(w->known);
	sbuf_release(&w->line);
	free(w->cont);
	free(w->rv);
	free(w->ns);
	free(w->selector);
	free(w);
}

static const struct tug_watch_ops kube_watch_ops = {
	.fd = w_fd,
	.timeout_ms = w_timeout,
	.pump = w_pump,
	.close = w_close,
};

int kube_op_watch(struct tug_endpoint *ep, enum tug_kind kind, const struct tug_list_opts *o,
		  struct tug_watch **out, struct tug_err *err)
{
	struct kube_watch *w;
	const char *ns;
	const char *env = getenv("TUG_KUBE_WATCH_TIMEOUT");

	*out = NULL;
	if (kube_check_kind(ep, kind, "watch", err) < 0)
		return -1;
	w = xcalloc(1, sizeof(*w));
	if (kube_engine_init(&w->eng, err) < 0) {
		free(w);
		return -1;
	}
	ns = o && o->namespace ? o->namespace : kube_namespace(ep);
	w->base.ops = &kube_watch_ops;
	w->kc = &KEP(ep)->kc;
	w->kind = kind;
	w->ns = xstrdup(kube_res(kind)->namespaced ? ns : "");
	w->selector = o && o->selector ? xstrdup(o->selector) : NULL;
	w->known = json_object();
	w->gen = 1;
	w->h = curl_easy_init();
	/* client-go picks 5-10 minutes; the env knob lets tests use seconds */
	w->watch_timeout_s = env && atoi(env) > 0 ? atoi(env) : 300 + (int)(mono_ns() % 300);
	snprintf(w->what, sizeof(w->what), "watch %s%s%s", kube_res(kind)->plural,
		 w->ns[0] ? " in " : "", w->ns);
	w->state = W_LIST;
	start(w);
	*out = &w->base;
	return 0;
}
