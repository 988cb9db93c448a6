"""kube-sim: a Kubernetes API server simulator for tug's tests (standard library only)."""
