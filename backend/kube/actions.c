/* actions.c - changes to the cluster: scale through the scale
 * subresource, delete, rollout restart (kubectl's restartedAt annotation
 * by strategic-merge patch), cordon/uncordon. */
#include "kube/ep.h"
#include "kube/resources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int request(struct tug_endpoint *ep, const char *method, const char *path,
		   const char *ctype, const char *body, const char *what, struct tug_err *err)
{
	struct kube_req req = { .method = method, .path = path, .body = body, .content_type = ctype };
	struct kube_resp resp;

	if (kube_do_ok(&KEP(ep)->kc, &req, what, &resp, err) < 0)
		return -1;
	kube_resp_release(&resp);
	return 0;
}

static int scale(struct tug_endpoint *ep, enum tug_kind k, const char *ns, const char *name,
		 int replicas, const char *what, struct tug_err *err)
{
	char *path, body[96];
	int r;

	if (k != TUG_DEPLOYMENT && k != TUG_STATEFULSET && k != TUG_REPLICASET)
		return tug_errf(err, TUG_E_UNSUPPORTED, "%s: only deployments, statefulsets and replicasets scale", what);
	if (replicas < 0)
		return tug_errf(err, TUG_E_INVALID, "%s: replicas must be 0 or more, not %d", what, replicas);
	path = kube_path(k, ns, name, "scale");
	snprintf(body, sizeof(body), "{\"spec\":{\"replicas\":%d}}", replicas);
	r = request(ep, "PATCH", path, "application/merge-patch+json", body, what, err);
	free(path);
	return r;
}

static int rollout_restart(struct tug_endpoint *ep, enum tug_kind k, const char *ns,
			   const char *name, const char *what, struct tug_err *err)
{
	char *path, body[256], ts[64];
	time_t now = time(NULL);
	struct tm tm;
	int r;

	if (k != TUG_DEPLOYMENT && k != TUG_STATEFULSET && k != TUG_DAEMONSET)
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"%s: only deployments, statefulsets and daemonsets restart", what);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(body, sizeof(body),
		 "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
		 "{\"kubectl.kubernetes.io/restartedAt\":\"%s\"}}}}}", ts);
	path = kube_path(k, ns, name, NULL);
	r = request(ep, "PATCH", path, "application/strategic-merge-patch+json", body, what, err);
	free(path);
	return r;
}

static int cordon(struct tug_endpoint *ep, enum tug_kind k, const char *name, int on,
		  const char *what, struct tug_err *err)
{
	char *path;
	int r;

	if (k != TUG_NODE)
		return tug_errf(err, TUG_E_UNSUPPORTED, "%s: only nodes can be cordoned", what);
	path = kube_path(k, NULL, name, NULL);
	r = request(ep, "PATCH", path, "application/strategic-merge-patch+json",
		    on ? "{\"spec\":{\"unschedulable\":true}}" : "{\"spec\":{\"unschedulable\":null}}",
		    what, err);
	free(path);
	return r;
}

int kube_op_action(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
		   enum tug_action act, const struct tug_action_opts *o, struct tug_err *err)
{
	static const struct tug_action_opts none = { .timeout_s = -1 };
	char *ns = NULL, *name = NULL, *path, what[300];
	const char *verb;
	int r;

	if (!o)
		o = &none;
	switch (act) {
	case TUG_ACT_SCALE: verb = "scale"; break;
	case TUG_ACT_REMOVE: verb = "delete"; break;
	case TUG_ACT_ROLLOUT_RESTART: verb = "rollout restart"; break;
	case TUG_ACT_CORDON: verb = "cordon"; break;
	case TUG_ACT_UNCORDON: verb = "uncordon"; break;
	default:
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"that action is not supported on a %s of a kube endpoint (scale, delete, rollout restart, cordon and uncordon are)",
				tug_kind_name(k));
	}
	if (kube_check_kind(ep, k, verb, err) < 0)
		return -1;
	kube_split_ref(ep, k, ref, &ns, &name);
	snprintf(what, sizeof(what), "%s %s/%s", verb, tug_kind_name(k), name);
	switch (act) {
	case TUG_ACT_SCALE:
		r = scale(ep, k, ns, name, o->replicas, what, err);
		break;
	case TUG_ACT_ROLLOUT_RESTART:
		r = rollout_restart(ep, k, ns, name, what, err);
		break;
	case TUG_ACT_CORDON:
	case TUG_ACT_UNCORDON:
		r = cordon(ep, k, name, act == TUG_ACT_CORDON, what, err);
		break;
	default: {
		char *base = kube_path(k, ns, name, NULL);
		struct sbuf p = SBUF_INIT;
		/* --force: no grace period, as kubectl delete --force --grace-period=0 */
		sbuf_printf(&p, "%s%s", base, o->force ? "?gracePeriodSeconds=0" : "");
		free(base);
		path = sbuf_detach(&p);
		r = request(ep, "DELETE", path, NULL, NULL, what, err);
		free(path);
		break;
	}
	}
	free(ns);
	free(name);
	return r;
}
