"""The resource types the simulator serves: names, scope, verbs and subresources, as discovery shows them."""

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
READ_VERBS = ["get", "list"]


class ResourceType:
    """One REST resource (e.g. pods in core/v1, deployments in apps/v1)."""

    def __init__(self, group, version, plural, kind, namespaced=True, short=(), categories=(),
                 verbs=ALL_VERBS, subresources=None, generation=False, singular=None, virtual=False):
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.singular = singular or kind.lower()
        self.namespaced = namespaced
        self.short_names = list(short)
        self.categories = list(categories)
        self.verbs = list(verbs)
        # name -> (group, version, kind, verbs); kind None means "same kind as the parent"
        self.subresources = subresources or {}
        self.generation = generation      # spec changes bump metadata.generation
        self.virtual = virtual            # not kept in the store (metrics, reviews)
        self.api_version = version if not group else "%s/%s" % (group, version)
        self.key = plural if not group else "%s.%s" % (plural, group)
        self.list_kind = kind + "List"
        self.kind_prefix = ('{"kind":"%s","apiVersion":"%s",' % (kind, self.api_version)).encode()


def _scale(verbs=("get", "patch", "update")):
    return ("autoscaling", "v1", "Scale", list(verbs))


STATUS = (None, None, None, ["get", "patch", "update"])

TYPES = [
    ResourceType("", "v1", "namespaces", "Namespace", namespaced=False, short=["ns"],
                 verbs=["create", "delete", "get", "list", "patch", "update", "watch"],
                 subresources={"status": STATUS, "finalize": (None, None, None, ["update"])}),
    ResourceType("", "v1", "nodes", "Node", namespaced=False, short=["no"],
                 subresources={"status": STATUS}),
    ResourceType("", "v1", "pods", "Pod", short=["po"], categories=["all"],
                 subresources={"status": STATUS, "log": (None, None, None, ["get"]),
                               "eviction": ("policy", "v1", "Eviction", ["create"]),
                               "binding": ("", "v1", "Binding", ["create"])}),
    ResourceType("", "v1", "services", "Service", short=["svc"], categories=["all"],
                 verbs=["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
                 subresources={"status": STATUS}),
    ResourceType("", "v1", "endpoints", "Endpoints", short=["ep"], singular="endpoints"),
    ResourceType("", "v1", "events", "Event", short=["ev"]),
    ResourceType("", "v1", "configmaps", "ConfigMap", short=["cm"]),
    ResourceType("", "v1", "secrets", "Secret"),
    ResourceType("", "v1", "serviceaccounts", "ServiceAccount", short=["sa"]),
    ResourceType("apps", "v1", "deployments", "Deployment", short=["deploy"], categories=["all"],
                 generation=True, subresources={"scale": _scale(), "status": STATUS}),
    ResourceType("apps", "v1", "replicasets", "ReplicaSet", short=["rs"], categories=["all"],
                 generation=True, subresources={"scale": _scale(), "status": STATUS}),
    ResourceType("apps", "v1", "statefulsets", "StatefulSet", short=["sts"], categories=["all"],
                 generation=True, subresources={"scale": _scale(), "status": STATUS}),
    ResourceType("apps", "v1", "daemonsets", "DaemonSet", short=["ds"], categories=["all"],
                 generation=True, subresources={"status": STATUS}),
    ResourceType("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", verbs=READ_VERBS, virtual=True,
                 singular=""),
    ResourceType("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", namespaced=False, verbs=READ_VERBS,
                 virtual=True, singular=""),
    ResourceType("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", namespaced=False,
                 verbs=["create"], virtual=True),
    ResourceType("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview",
                 namespaced=False, verbs=["create"], virtual=True),
]

BY_PATH = {(t.group, t.version, t.plural): t for t in TYPES}
BY_KEY = {t.key: t for t in TYPES}
BY_KIND = {(t.group, t.kind): t for t in TYPES if not t.virtual}

GROUP_VERSIONS = []  # ordered (group, version) pairs, core first
for _t in TYPES:
    if (_t.group, _t.version) not in GROUP_VERSIONS:
        GROUP_VERSIONS.append((_t.group, _t.version))

METRICS_GROUP = "metrics.k8s.io"


def lookup(group, version, plural):
    return BY_PATH.get((group, version, plural))


def of(key):
    """The type for a store key such as 'pods' or 'deployments.apps'."""
    return BY_KEY[key]


def for_api_version(api_version, kind):
    group = api_version.split("/")[0] if "/" in api_version else ""
    return BY_KIND.get((group, kind))


PODS = BY_KEY["pods"]
NODES = BY_KEY["nodes"]
NAMESPACES = BY_KEY["namespaces"]
SERVICES = BY_KEY["services"]
ENDPOINTS = BY_KEY["endpoints"]
EVENTS = BY_KEY["events"]
DEPLOYMENTS = BY_KEY["deployments.apps"]
REPLICASETS = BY_KEY["replicasets.apps"]
STATEFULSETS = BY_KEY["statefulsets.apps"]
DAEMONSETS = BY_KEY["daemonsets.apps"]
