/* logs.c - pod logs as a non-blocking stream: when no container is
 * named, the pod is fetched first to pick kubectl's default container
 * (the kubectl.kubernetes.io/default-container annotation, else the
 * first), then /log streams (follow) with server timestamps, split into
 * lines for the caller's loop. */
#include "kube/ep.h"
#include "kube/engine.h"
#include "kube/jscan.h"
#include "kube/resources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PENDING (1u << 20)    /* pause the transfer above this */
#define MAX_LINE (64u << 10)      /* longer lines come in partial records */

enum phase { P_POD, P_LOG, P_DONE };

struct kube_logs {
	struct tug_logs base;
	struct kube_client *kc;
	struct kube_engine eng;
	struct kube_xfer x;
	enum phase phase;
	int running, cred_wait, paused, failed;
	struct tug_err err;
	char *ns, *name, *container;
	struct tug_log_opts opts;
	struct sbuf pending;       /* received, not yet delivered */
	size_t off;                /* delivered prefix of pending */
	char what[300];
};

static int on_data(void *data, const char *p, size_t n)
{
	struct kube_logs *l = data;

	if (l->pending.len - l->off > MAX_PENDING) {
		l->paused = 1;
		return KUBE_DATA_PAUSE;
	}
	sbuf_add(&l->pending, p, n);
	return 0;
}

static char *log_path(struct kube_logs *l)
{
	char *base = kube_path(TUG_POD, l->ns, l->name, "log");
	struct sbuf b = SBUF_INIT;

	sbuf_printf(&b, "%s?timestamps=true", base);
	free(base);
	if (l->container) {
		sbuf_puts(&b, "&container=");
		kube_escape(&b, l->container);
	}
	if (l->opts.follow)
		sbuf_puts(&b, "&follow=true");
	if (l->opts.previous)
		sbuf_puts(&b, "&previous=true");
	if (l->opts.tail >= 0)
		sbuf_printf(&b, "&tailLines=%ld", l->opts.tail);
	if (l->opts.since_ns > 0) {
		int64_t s = (now_ns() - l->opts.since_ns + 999999999) / 1000000000;
		sbuf_printf(&b, "&sinceSeconds=%lld", (long long)(s > 0 ? s : 1));
	}
	return sbuf_detach(&b);
}

static int start(struct kube_logs *l)
{
	struct kube_req req = { 0 };
	char *path;
	int r;

	if (!l->cred_wait) {
		kube_xfer_release(&l->x);
		if (l->phase == P_POD) {
			path = kube_path(TUG_POD, l->ns, l->name, NULL);
			req.path = path;
			kube_xfer_init(&l->x, l->kc, &req, NULL, NULL);
		} else {
			path = log_path(l);
			req.path = path;
			req.stream = l->opts.follow;
			kube_xfer_init(&l->x, l->kc, &req, on_data, l);
		}
		free(path);
	}
	r = kube_engine_start(&l->eng, &l->x, NULL, &l->err);
	l->cred_wait = r == 1;
	l->running = r == 0;
	if (r < 0)
		l->failed = 1;
	return r;
}

/* The pod answered: choose the container as kubectl does. */
static int pick_container(struct kube_logs *l)
{
	struct jv doc, ann, cs, c;
	struct js_it it;

	if (js_parse(l->x.resp.s ? l->x.resp.s : "", l->x.resp.len, &doc) < 0)
		return tug_errf(&l->err, TUG_E_GENERIC, "%s: the API server's answer is not JSON", l->what);
	ann = js_path(doc, "metadata", "annotations", "kubectl.kubernetes.io/default-container", NULL);
	if (js_is_str(ann) && ann.n > 2) {
		l->container = js_strdup(ann);
		return 0;
	}
	cs = js_path(doc, "spec", "containers", NULL);
	js_arr_iter(cs, &it);
	if (js_arr_next(&it, &c) > 0)
		l->container = js_strdup(js_get(c, "name"));
	return 0;
}

static void finished(struct kube_logs *l, CURLcode rc)
{
	int r;

	l->running = 0;
	r = kube_xfer_finish(&l->x, rc, l->what, &l->err);
	if (r == 1) {            /* 401 with fresh credentials possible */
		start(l);
		return;
	}
	if (r < 0) {
		l->failed = 1;
		return;
	}
	if (l->x.status < 200 || l->x.status >= 300) {
		kube_status_err(l->kc, l->x.status, l->x.resp.s, l->x.resp.len, l->what, &l->err);
		l->failed = 1;
		return;
	}
	if (l->phase == P_POD) {
		if (pick_container(l) < 0) {
			l->failed = 1;
			return;
		}
		l->phase = P_LOG;
		start(l);
		return;
	}
	l->phase = P_DONE;
}

/* Deliver complete lines (and, at the end, the unterminated tail). */
static int deliver(struct kube_logs *l, tug_log_cb cb, void *ctx, int final)
{
	while (l->off < l->pending.len) {
		char *start = l->pending.s + l->off;
		size_t avail = l->pending.len - l->off;
		char *nl = memchr(start, '\n', avail);
		size_t len = nl ? (size_t)(nl - start) : avail;
		struct tug_log_line line = { 0 };
		int partial = 0;
		char *sp;

		if (!nl && !final && avail < MAX_LINE)
			break;
		if (len > MAX_LINE) {
			len = MAX_LINE;
			partial = 1;
			nl = NULL;
		}
		line.stream = 1;
		line.text = start;
		line.len = len;
		line.partial = partial;
		/* "2024-05-01T10:00:00.123456789Z text" */
		sp = memchr(start, ' ', len < 40 ? len : 40);
		if (sp && sp - start >= 20 && start[4] == '-' && start[10] == 'T') {
			char ts[48];
			snprintf(ts, sizeof(ts), "%.*s", (int)(sp - start), start);
			if (parse_rfc3339(ts, &line.time_ns) == 0) {
				line.text = sp + 1;
				line.len = len - (size_t)(sp + 1 - start);
			}
		}
		l->off += len + (nl ? 1 : 0);
		if (l->opts.until_ns && line.time_ns > l->opts.until_ns)
			continue;
		if (cb(ctx, &line))
			break;
	}
	if (l->off == l->pending.len) {
		l->pending.len = 0;
		l->off = 0;
	} else if (l->off > (256u << 10)) {
		memmove(l->pending.s, l->pending.s + l->off, l->pending.len - l->off);
		l->pending.len -= l->off;
		l->off = 0;
	}
	if (l->paused && l->pending.len - l->off < MAX_PENDING / 2) {
		l->paused = 0;
		curl_easy_pause(l->x.h, CURLPAUSE_CONT);
	}
	return l->off < l->pending.len;
}

static int logs_pump(struct tug_logs *base, tug_log_cb cb, void *ctx, struct tug_err *err)
{
	struct kube_logs *l = (struct kube_logs *)base;
	CURL *h;
	CURLcode rc;

	if (l->cred_wait)
		start(l);
	kube_engine_drive(&l->eng);
	while ((h = kube_engine_done(&l->eng, &rc)))
		finished(l, rc);
	if (l->failed) {
		deliver(l, cb, ctx, 1);
		*err = l->err;
		return -1;
	}
	if (deliver(l, cb, ctx, l->phase == P_DONE))
		return 0;   /* the caller asked to pause delivery */
	return l->phase == P_DONE ? 1 : 0;
}

static int logs_fd(struct tug_logs *base)
{
	return kube_engine_fd(&((struct kube_logs *)base)->eng);
}

static int logs_timeout(struct tug_logs *base)
{
	struct kube_logs *l = (struct kube_logs *)base;
	int ms = kube_engine_timeout_ms(&l->eng);

	if (l->cred_wait || l->phase == P_DONE || l->failed || l->off < l->pending.len)
		kube_min_timeout(&ms, l->cred_wait ? 20 : 0);
	return ms;
}

static void logs_close(struct tug_logs *base)
{
	struct kube_logs *l = (struct kube_logs *)base;

	if (l->running)
		kube_engine_remove(&l->eng, l->x.h);
	kube_xfer_release(&l->x);
	kube_engine_release(&l->eng);
	sbuf_release(&l->pending);
	free(l->ns);
	free(l->name);
	free(l->container);
	free(l);
}

static const struct tug_logs_ops kube_logs_ops = {
	.fd = logs_fd,
	.timeout_ms = logs_timeout,
	.pump = logs_pump,
	.close = logs_close,
};

int kube_op_logs(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		 const struct tug_log_opts *opts, struct tug_logs **out, struct tug_err *err)
{
	static const struct tug_log_opts none = { .tail = -1 };
	struct kube_logs *l;

	*out = NULL;
	if (kind != TUG_POD)
		return tug_errf(err, TUG_E_UNSUPPORTED, "logs: only pods have logs on a kube endpoint");
	l = xcalloc(1, sizeof(*l));
	if (kube_engine_init(&l->eng, err) < 0) {
		free(l);
		return -1;
	}
	l->base.ops = &kube_logs_ops;
	l->kc = &KEP(ep)->kc;
	l->opts = opts ? *opts : none;
	l->opts.container = NULL;
	kube_split_ref(ep, TUG_POD, ref, &l->ns, &l->name);
	if (opts && opts->container && *opts->container)
		l->container = xstrdup(opts->container);
	l->phase = l->container ? P_LOG : P_POD;
	snprintf(l->what, sizeof(l->what), "logs %s/%s", l->ns, l->name);
	if (start(l) < 0) {
		*err = l->err;
		logs_close(&l->base);
		return -1;
	}
	*out = &l->base;
	return 0;
}
