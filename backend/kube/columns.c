/* columns.c - kubectl's printer columns as data: which field or cell of
 * a row fills each one. */
#include "kube/columns.h"
#include "kube/objects.h"

#include <stdio.h>
#include <string.h>

enum {
	SRC_NAME = -100, SRC_READY, SRC_STATE, SRC_RESTARTS, SRC_AGE, SRC_IP, SRC_NODE,
	SRC_LAST_SEEN, SRC_FIRST_SEEN,
};

#define A KUBE_COL_ALWAYS
#define W KUBE_COL_WIDE
#define N KUBE_COL_NARROW

static const struct kube_column pod_cols[] = {
	{ "NAME", A, SRC_NAME }, { "READY", A, SRC_READY }, { "STATUS", A, SRC_STATE },
	{ "RESTARTS", A, SRC_RESTARTS }, { "AGE", A, SRC_AGE }, { "IP", W, SRC_IP },
	{ "NODE", W, SRC_NODE }, { "NOMINATED NODE", W, POD_NOMINATED },
	{ "READINESS GATES", W, POD_GATES },
};
static const struct kube_column dep_cols[] = {
	{ "NAME", A, SRC_NAME }, { "READY", A, SRC_READY }, { "UP-TO-DATE", A, DEP_UPTODATE },
	{ "AVAILABLE", A, DEP_AVAILABLE }, { "AGE", A, SRC_AGE },
	{ "CONTAINERS", W, DEP_CONTAINERS }, { "IMAGES", W, DEP_IMAGES },
	{ "SELECTOR", W, DEP_SELECTOR },
};
static const struct kube_column sts_cols[] = {
	{ "NAME", A, SRC_NAME }, { "READY", A, SRC_READY }, { "AGE", A, SRC_AGE },
	{ "CONTAINERS", W, STS_CONTAINERS }, { "IMAGES", W, STS_IMAGES },
};
static const struct kube_column ds_cols[] = {
	{ "NAME", A, SRC_NAME }, { "DESIRED", A, DS_DESIRED }, { "CURRENT", A, DS_CURRENT },
	{ "READY", A, DS_READY }, { "UP-TO-DATE", A, DS_UPTODATE },
	{ "AVAILABLE", A, DS_AVAILABLE }, { "NODE SELECTOR", A, DS_NODESEL },
	{ "AGE", A, SRC_AGE }, { "CONTAINERS", W, DS_CONTAINERS }, { "IMAGES", W, DS_IMAGES },
	{ "SELECTOR", W, DS_SELECTOR },
};
static const struct kube_column rs_cols[] = {
	{ "NAME", A, SRC_NAME }, { "DESIRED", A, RS_DESIRED }, { "CURRENT", A, RS_CURRENT },
	{ "READY", A, RS_READY }, { "AGE", A, SRC_AGE }, { "CONTAINERS", W, RS_CONTAINERS },
	{ "IMAGES", W, RS_IMAGES }, { "SELECTOR", W, RS_SELECTOR },
};
static const struct kube_column svc_cols[] = {
	{ "NAME", A, SRC_NAME }, { "TYPE", A, SVC_TYPE }, { "CLUSTER-IP", A, SVC_CLUSTERIP },
	{ "EXTERNAL-IP", N, SVC_EXTERNALIP }, { "EXTERNAL-IP", W, SVC_EXTERNALIP_WIDE },
	{ "PORT(S)", A, SVC_PORTS }, { "AGE", A, SRC_AGE }, { "SELECTOR", W, SVC_SELECTOR },
};
static const struct kube_column node_cols[] = {
	{ "NAME", A, SRC_NAME }, { "STATUS", A, SRC_STATE }, { "ROLES", A, NODE_ROLES },
	{ "AGE", A, SRC_AGE }, { "VERSION", A, NODE_VERSION },
	{ "INTERNAL-IP", W, NODE_INTERNALIP }, { "EXTERNAL-IP", W, NODE_EXTERNALIP },
	{ "OS-IMAGE", W, NODE_OS }, { "KERNEL-VERSION", W, NODE_KERNEL },
	{ "CONTAINER-RUNTIME", W, NODE_RUNTIME },
};
static const struct kube_column ev_cols[] = {
	{ "LAST SEEN", A, SRC_LAST_SEEN }, { "TYPE", A, EV_TYPE }, { "REASON", A, EV_REASON },
	{ "OBJECT", A, EV_OBJECT }, { "SUBOBJECT", W, EV_SUBOBJECT }, { "SOURCE", W, EV_SOURCE },
	{ "MESSAGE", A, EV_MESSAGE }, { "FIRST SEEN", W, SRC_FIRST_SEEN },
	{ "COUNT", W, EV_COUNT }, { "NAME", W, SRC_NAME },
};
static const struct kube_column ns_cols[] = {
	{ "NAME", A, SRC_NAME }, { "STATUS", A, SRC_STATE }, { "AGE", A, SRC_AGE },
};
static const struct kube_column plain_cols[] = {
	{ "NAME", A, SRC_NAME }, { "AGE", A, SRC_AGE },
};

#undef A
#undef W
#undef N
#define COLS(a) (*out = (a), sizeof(a) / sizeof((a)[0]))

size_t kube_columns(enum tug_kind k, const struct kube_column **out)
{
	switch (k) {
	case TUG_POD: return COLS(pod_cols);
	case TUG_DEPLOYMENT: return COLS(dep_cols);
	case TUG_STATEFULSET: return COLS(sts_cols);
	case TUG_DAEMONSET: return COLS(ds_cols);
	case TUG_REPLICASET: return COLS(rs_cols);
	case TUG_SERVICE: return COLS(svc_cols);
	case TUG_NODE: return COLS(node_cols);
	case TUG_EVENT: return COLS(ev_cols);
	case TUG_NAMESPACE: return COLS(ns_cols);
	default: return COLS(plain_cols);
	}
}

/* k8s.io/apimachinery/pkg/util/duration.HumanDuration */
char *kube_age(char *buf, size_t size, int64_t since, int64_t now)
{
	int64_t d, s, m, h;

	if (!since) {
		snprintf(buf, size, "<unknown>");
		return buf;
	}
	d = now - since;
	s = d / 1000000000;
	if (s < -1) {
		snprintf(buf, size, "<invalid>");
		return buf;
	}
	if (s < 0)
		s = 0;
	if (s < 120) {
		snprintf(buf, size, "%llds", (long long)s);
		return buf;
	}
	m = s / 60;
	if (m < 10) {
		if (s % 60)
			snprintf(buf, size, "%lldm%llds", (long long)m, (long long)(s % 60));
		else
			snprintf(buf, size, "%lldm", (long long)m);
		return buf;
	}
	if (m < 180) {
		snprintf(buf, size, "%lldm", (long long)m);
		return buf;
	}
	h = m / 60;
	if (h < 8) {
		if (m % 60)
			snprintf(buf, size, "%lldh%lldm", (long long)h, (long long)(m % 60));
		else
			snprintf(buf, size, "%lldh", (long long)h);
	} else if (h < 48) {
		snprintf(buf, size, "%lldh", (long long)h);
	} else if (h < 24 * 8) {
		if (h % 24)
			snprintf(buf, size, "%lldd%lldh", (long long)(h / 24), (long long)(h % 24));
		else
			snprintf(buf, size, "%lldd", (long long)(h / 24));
	} else if (h < 24 * 365 * 2) {
		snprintf(buf, size, "%lldd", (long long)(h / 24));
	} else if (h < 24 * 365 * 8) {
		int64_t dy = (h / 24) % 365;
		if (dy)
			snprintf(buf, size, "%lldy%lldd", (long long)(h / 24 / 365), (long long)dy);
		else
			snprintf(buf, size, "%lldy", (long long)(h / 24 / 365));
	} else {
		snprintf(buf, size, "%lldy", (long long)(h / 24 / 365));
	}
	return buf;
}

static const char *or_none(const char *s)
{
	return s && *s ? s : "<none>";
}

const char *kube_cell(const struct tug_obj *o, const struct kube_column *c,
		      int64_t now, char *buf, size_t size)
{
	char age[32];

	buf[0] = '\0';
	switch (c->src) {
	case SRC_NAME:
		snprintf(buf, size, "%s", o->name ? o->name : "");
		break;
	case SRC_READY:
		snprintf(buf, size, "%d/%d", o->ready, o->total);
		break;
	case SRC_STATE:
		snprintf(buf, size, "%s", o->state ? o->state : "");
		break;
	case SRC_RESTARTS:
		if (o->restarts && o->finished_ns)
			snprintf(buf, size, "%d (%s ago)", o->restarts,
				 kube_age(age, sizeof(age), o->finished_ns, now));
		else
			snprintf(buf, size, "%d", o->restarts);
		break;
	case SRC_AGE:
		kube_age(buf, size, o->created_ns, now);
		break;
	case SRC_IP:
		snprintf(buf, size, "%s", or_none(o->ip));
		break;
	case SRC_NODE:
		snprintf(buf, size, "%s", or_none(o->node));
		break;
	case SRC_LAST_SEEN:
		kube_age(buf, size, o->finished_ns, now);
		break;
	case SRC_FIRST_SEEN:
		kube_age(buf, size, o->started_ns, now);
		break;
	default:
		if (c->src >= 0 && o->cells) {
			for (int i = 0; i < c->src; i++)
				if (!o->cells[i])
					return buf;
			if (o->cells[c->src])
				snprintf(buf, size, "%s", o->cells[c->src]);
		}
		break;
	}
	return buf;
}

const char *kube_cell_titled(const struct tug_obj *o, const char *title, int64_t now_ns, char *buf,
			     size_t size)
{
	const struct kube_column *kc;
	size_t n = kube_columns(o->kind, &kc);

	buf[0] = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kc[i].title, title) && kube_column_shown(&kc[i], 0))
			return kube_cell(o, &kc[i], now_ns, buf, size);
	return buf;
}
