/* ep.h - the kube endpoint's private state, shared by the driver files. */
#ifndef TUG_KUBE_EP_H
#define TUG_KUBE_EP_H

#include <pthread.h>
#include "backend.h"
#include "kube/client.h"
#include "kube/kube.h"

struct kube_ep {
	struct kube_client kc;
	pthread_mutex_t mu;      /* guards the caches below */
	json_t *mem_limits;      /* "ns/name" -> {"limit": bytes, "cpu": nanocores, "t": mono s} */
};

#define KEP(ep) ((struct kube_ep *)(ep)->priv)

/* "ns/name" or "name" (the context's namespace); cluster-scoped kinds
 * take the whole ref as the name. Caller frees both. */
void kube_split_ref(struct tug_endpoint *ep, enum tug_kind k, const char *ref, char **ns,
		    char **name);
/* Is this a kind the cluster serves? Otherwise fills err. */
int kube_check_kind(struct tug_endpoint *ep, enum tug_kind k, const char *what,
		    struct tug_err *err);

int kube_op_action(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		   enum tug_action act, const struct tug_action_opts *opts, struct tug_err *err);
int kube_op_logs(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		 const struct tug_log_opts *opts, struct tug_logs **out, struct tug_err *err);
int kube_op_stats(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		  struct tug_stats *out, struct tug_err *err);
int kube_op_exec(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		 const struct tug_exec_opts *opts, const struct tug_stdio *io, int *exit_code,
		 struct tug_err *err);
int kube_op_watch(struct tug_endpoint *ep, enum tug_kind kind, const struct tug_list_opts *opts,
		  struct tug_watch **out, struct tug_err *err);

#endif
