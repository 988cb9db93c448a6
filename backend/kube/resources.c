#include "kube/resources.h"
#include "kube/client.h"

static const struct kube_res table[TUG_KIND_COUNT] = {
	[TUG_POD] = { "/api/v1", "pods", "Pod", "v1", 1 },
	[TUG_SERVICE] = { "/api/v1", "services", "Service", "v1", 1 },
	[TUG_EVENT] = { "/api/v1", "events", "Event", "v1", 1 },
	[TUG_NODE] = { "/api/v1", "nodes", "Node", "v1", 0 },
	[TUG_NAMESPACE] = { "/api/v1", "namespaces", "Namespace", "v1", 0 },
	[TUG_DEPLOYMENT] = { "/apis/apps/v1", "deployments", "Deployment", "apps/v1", 1 },
	[TUG_STATEFULSET] = { "/apis/apps/v1", "statefulsets", "StatefulSet", "apps/v1", 1 },
	[TUG_DAEMONSET] = { "/apis/apps/v1", "daemonsets", "DaemonSet", "apps/v1", 1 },
	[TUG_REPLICASET] = { "/apis/apps/v1", "replicasets", "ReplicaSet", "apps/v1", 1 },
};

const struct kube_res *kube_res(enum tug_kind k)
{
	if ((unsigned)k >= TUG_KIND_COUNT || !table[k].plural)
		return NULL;
	return &table[k];
}

char *kube_path(enum tug_kind k, const char *ns, const char *name, const char *sub)
{
	const struct kube_res *r = kube_res(k);
	struct sbuf b = SBUF_INIT;

	if (!r)
		return NULL;
	sbuf_puts(&b, r->prefix);
	if (r->namespaced && ns && *ns) {
		sbuf_puts(&b, "/namespaces/");
		kube_escape(&b, ns);
	}
	sbuf_printf(&b, "/%s", r->plural);
	if (name) {
		sbuf_puts(&b, "/");
		kube_escape(&b, name);
		if (sub)
			sbuf_printf(&b, "/%s", sub);
	}
	return sbuf_detach(&b);
}
