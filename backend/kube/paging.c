#include "kube/paging.h"
#include "kube/resources.h"

#include <stdlib.h>
#include <string.h>

char *kube_list_query(int limit, const char *cont, const char *selector)
{
	struct sbuf b = SBUF_INIT;

	sbuf_add(&b, "", 0);
	if (limit > 0)
		sbuf_printf(&b, "%slimit=%d", b.len ? "&" : "?", limit);
	if (cont && *cont) {
		sbuf_puts(&b, b.len ? "&continue=" : "?continue=");
		kube_escape(&b, cont);
	}
	if (selector && *selector) {
		sbuf_puts(&b, b.len ? "&labelSelector=" : "?labelSelector=");
		kube_escape(&b, selector);
	}
	return sbuf_detach(&b);
}

long kube_page_parse(const char *buf, size_t len, kube_item_cb cb, void *ctx, char **cont,
		     char **rv)
{
	struct jv doc, k, v, items = { NULL, 0 };
	struct js_it it;
	long n = 0;

	if (cont)
		*cont = NULL;
	if (rv)
		*rv = NULL;
	if (js_parse(buf, len, &doc) < 0 || js_obj_iter(doc, &it) < 0)
		return -1;
	/* one pass over the top: metadata comes before items on real servers,
	 * but nothing here depends on that */
	while (js_obj_next(&it, &k, &v) > 0) {
		if (js_key_eq(k, "metadata")) {
			struct jv c = js_get(v, "continue"), r = js_get(v, "resourceVersion");
			if (cont && js_is_str(c) && c.n > 2)
				*cont = js_strdup(c);
			if (rv && js_is_str(r) && r.n > 2)
				*rv = js_strdup(r);
		} else if (js_key_eq(k, "items")) {
			items = v;
		}
	}
	if (!items.n)
		return 0;
	if (js_arr_iter(items, &it) < 0)
		return -1;
	while (js_arr_next(&it, &v) > 0) {
		n++;
		if (cb && cb(ctx, v))
			break;
	}
	return n;
}

int kube_list_all(struct kube_client *kc, enum tug_kind k, const char *ns,
		  const char *selector, kube_item_cb cb, void *ctx, char **rv_out,
		  struct tug_err *err)
{
	char *base = kube_path(k, ns, NULL, NULL), *cont = NULL, *rv = NULL;
	char what[128];
	int limit = kc->chunk, r = 0;

	if (rv_out)
		*rv_out = NULL;
	snprintf(what, sizeof(what), "list %s", kube_res(k)->plural);
	for (;;) {
		char *q = kube_list_query(limit, cont, selector);
		struct sbuf path = SBUF_INIT;
		struct kube_req req = { 0 };
		struct kube_resp resp;
		char *next = NULL;
		long n;

		sbuf_printf(&path, "%s%s", base, q);
		free(q);
		req.path = path.s;
		r = kube_do(kc, &req, what, &resp, err);
		sbuf_release(&path);
		if (r < 0)
			break;
		if (resp.status == 410 && cont) {
			/* the continue token expired mid-list: start over, whole */
			kube_resp_release(&resp);
			free(cont);
			cont = NULL;
			limit = 0;
			continue;
		}
		if (resp.status < 200 || resp.status >= 300) {
			r = kube_status_err(kc, resp.status, resp.body.s, resp.body.len, what, err);
			kube_resp_release(&resp);
			break;
		}
		free(rv);
		n = kube_page_parse(resp.body.s, resp.body.len, cb, ctx, &next, &rv);
		kube_resp_release(&resp);
		if (n < 0) {
			free(next);
			r = tug_errf(err, TUG_E_GENERIC, "%s: the API server's answer is not a list", what);
			break;
		}
		free(cont);
		cont = next;
		if (!cont)
			break;
	}
	free(cont);
	free(base);
	if (r == 0 && rv_out)
		*rv_out = rv;
	else
		free(rv);
	return r;
}
