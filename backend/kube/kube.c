/* kube.c - the kube endpoint: opening, the ops table, list and inspect. */
#include "kube/kube.h"
#include "kube/ep.h"
#include "kube/objects.h"
#include "kube/paging.h"
#include "kube/resources.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

void kube_split_ref(struct tug_endpoint *ep, enum tug_kind k, const char *ref, char **ns,
		    char **name)
{
	const struct kube_res *r = kube_res(k);
	const char *slash = strchr(ref, '/');

	if (r && r->namespaced && slash) {
		*ns = strndup(ref, (size_t)(slash - ref));
		*name = xstrdup(slash + 1);
	} else {
		*ns = r && r->namespaced ? xstrdup(kube_namespace(ep)) : NULL;
		*name = xstrdup(ref);
	}
}

int kube_check_kind(struct tug_endpoint *ep, enum tug_kind k, const char *what,
		    struct tug_err *err)
{
	(void)ep;
	if (kube_res(k))
		return 0;
	return tug_errf(err, TUG_E_UNSUPPORTED, "%s: %ss are not cluster objects; use the local endpoint",
			what, tug_kind_name(k));
}

static const char *list_ns(struct tug_endpoint *ep, const struct tug_list_opts *o)
{
	if (o && o->namespace)
		return o->namespace;
	return kube_namespace(ep);
}

struct list_ctx {
	enum tug_kind kind;
	struct tug_list *out;
	size_t cap;
};

static int add_item(void *data, struct jv item)
{
	struct list_ctx *c = data;

	if (c->out->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->out->items = xrealloc(c->out->items, c->cap * sizeof(struct tug_obj));
	}
	if (kube_obj_decode(c->kind, item, &c->out->items[c->out->n]) == 0)
		c->out->n++;
	return 0;
}

static int op_list(struct tug_endpoint *ep, enum tug_kind k, const struct tug_list_opts *o,
		   struct tug_list *out, struct tug_err *err)
{
	struct list_ctx c = { k, out, 0 };

	out->items = NULL;
	out->n = 0;
	if (kube_check_kind(ep, k, "list", err) < 0)
		return -1;
	if (kube_list_all(&KEP(ep)->kc, k, list_ns(ep, o), o ? o->selector : NULL, add_item, &c,
			  NULL, err) < 0) {
		tug_list_release(out);
		return -1;
	}
	return (int)out->n;
}

struct raw_ctx {
	int (*cb)(void *, const char *, size_t);
	void *ctx;
};

static int raw_item(void *data, struct jv item)
{
	struct raw_ctx *c = data;
	return c->cb(c->ctx, item.p, item.n);
}

int kube_list_raw(struct tug_endpoint *ep, enum tug_kind k, const char *ns,
		  const char *selector, int (*cb)(void *, const char *, size_t), void *ctx,
		  struct tug_err *err)
{
	struct raw_ctx c = { cb, ctx };

	if (kube_check_kind(ep, k, "list", err) < 0)
		return -1;
	return kube_list_all(&KEP(ep)->kc, k, ns ? ns : kube_namespace(ep), selector, raw_item, &c,
			     NULL, err);
}

static int op_inspect(struct tug_endpoint *ep, enum tug_kind k, const char *ref, json_t **out,
		      struct tug_err *err)
{
	char *ns, *name, *path, what[300];
	struct kube_req req = { 0 };
	struct kube_resp resp;
	json_error_t je;

	*out = NULL;
	if (kube_check_kind(ep, k, "get", err) < 0)
		return -1;
	kube_split_ref(ep, k, ref, &ns, &name);
	snprintf(what, sizeof(what), "get %s/%s", tug_kind_name(k), name);
	path = kube_path(k, ns, name, NULL);
	req.path = path;
	free(ns);
	free(name);
	if (kube_do_ok(&KEP(ep)->kc, &req, what, &resp, err) < 0) {
		free(path);
		return -1;
	}
	free(path);
	*out = json_loadb(resp.body.s ? resp.body.s : "", resp.body.len, 0, &je);
	kube_resp_release(&resp);
	if (!*out)
		return tug_errf(err, TUG_E_GENERIC, "%s: the API server's answer is not JSON", what);
	return 0;
}

static void op_close(struct tug_endpoint *ep)
{
	struct kube_ep *k = KEP(ep);

	if (!k)
		return;
	kube_client_release(&k->kc);
	json_decref(k->mem_limits);
	pthread_mutex_destroy(&k->mu);
	free(k);
	ep->priv = NULL;
}

static const struct backend_ops kube_ops = {
	.name = "kube",
	.list = op_list,
	.inspect = op_inspect,
	.action = kube_op_action,
	.exec = kube_op_exec,
	.logs = kube_op_logs,
	.stats = kube_op_stats,
	.close = op_close,
	.watch = kube_op_watch,
};

int backend_open_kube(const char *kubeconfig, const char *context, struct tug_endpoint **out,
		      struct tug_err *err)
{
	struct kube_ep *k = xcalloc(1, sizeof(*k));
	struct tug_endpoint *ep;

	*out = NULL;
	if (kube_client_init(&k->kc, kubeconfig, context, err) < 0) {
		free(k);
		return -1;
	}
	pthread_mutex_init(&k->mu, NULL);
	k->mem_limits = json_object();
	ep = xcalloc(1, sizeof(*ep));
	ep->ops = &kube_ops;
	ep->priv = k;
	ep->name = xstrdup(k->kc.cfg.context);
	ep->context = xstrdup(k->kc.cfg.context);
	ep->namespace = xstrdup(kube_namespace(ep));
	*out = ep;
	return 0;
}

const char *kube_namespace(struct tug_endpoint *ep)
{
	return KEP(ep)->kc.cfg.namespace;
}

const char *kube_context(struct tug_endpoint *ep)
{
	return KEP(ep)->kc.cfg.context;
}

const char *kube_server(struct tug_endpoint *ep)
{
	return KEP(ep)->kc.cfg.server;
}

void kube_set_request_timeout(struct tug_endpoint *ep, long ms)
{
	KEP(ep)->kc.timeout_ms = ms;
}

void kube_set_chunk_size(struct tug_endpoint *ep, int n)
{
	KEP(ep)->kc.chunk = n;
}
