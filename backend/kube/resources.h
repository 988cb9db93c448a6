/* resources.h - where each kind lives in the API (group/version, plural,
 * namespaced or not) and the paths built from that. */
#ifndef TUG_KUBE_RESOURCES_H
#define TUG_KUBE_RESOURCES_H

#include "backend.h"

struct kube_res {
	const char *prefix;     /* "/api/v1", "/apis/apps/v1" */
	const char *plural;     /* "pods" */
	const char *kind;       /* "Pod" */
	const char *api_version;/* "v1", "apps/v1" */
	int namespaced;
};

/* NULL for kinds the cluster does not have (containers, images...). */
const struct kube_res *kube_res(enum tug_kind k);
/* ".../namespaces/NS/PLURAL[/NAME[/SUB]]"; ns NULL or "" lists across
 * namespaces; ignored for cluster-scoped kinds. Caller frees. */
char *kube_path(enum tug_kind k, const char *ns, const char *name, const char *sub);

#endif
