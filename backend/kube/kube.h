/* kube.h - the Kubernetes driver seen from the front ends: what the
 * console and `tug kube` need beyond backend.h.
 *
 * OPENING. backend_open_kube(kubeconfig, context) (backend.h) resolves
 * the kubeconfig (kubeconfig.h has the merge rules) and returns an
 * endpoint; nothing is sent to the server until the first call. Switching
 * context (`:ctx NAME`) = close the endpoint (after its streams) and open
 * another. kube_contexts() lists contexts for completion and pickers.
 *
 * REFERENCES. Every op taking a `ref` accepts "NAMESPACE/NAME" or "NAME"
 * (the context's namespace, kube_namespace()); cluster-scoped kinds
 * (nodes, namespaces) take the plain name. tug_list_opts.namespace: NULL
 * = the context's namespace, "" = all namespaces.
 *
 * ROWS. Lists and watches give struct tug_obj rows WITHOUT raw (10,000
 * pods fit in a few MB); backend_inspect() fetches the full object, and
 * yaml_emit() (util/yaml.h) prints it as kubectl -o yaml does. Table
 * columns as kubectl prints them: kube_columns() + kube_cell() below
 * (kube_cell_titled() for one column by its title),
 * with ages computed at render time (so a redraw updates them).
 *
 * NON-BLOCKING USE IN THE CONSOLE'S LOOP.
 *  - Live tables: backend_watch(ep, TUG_POD, &opts, &w) returns a stream
 *    that lists (paged) and then watches; put tug_watch_fd(w) in the
 *    poll set with tug_watch_timeout_ms(w), call tug_watch_pump(w, cb,
 *    ctx) when it is readable or the timeout expires. Events: ADDED /
 *    MODIFIED / DELETED rows (take ownership by copying the struct and
 *    zeroing it), SYNCED when the table is complete, STATUS with a
 *    message for the status line ("watch pods: ...; retrying in 4s") and
 *    with NULL once the stream is healthy again. Lost connections
 *    reconnect with backoff, 410 Gone relists (rows that vanished meanwhile
 *    come as DELETED), bookmarks keep the resourceVersion fresh.
 *  - Logs: backend_logs(ep, TUG_POD, "ns/pod", &opts, &l) -> struct
 *    tug_logs, same fd/timeout/pump pattern; lines carry time_ns (the
 *    server's timestamps) and text without it; pump returns 1 at the end.
 *  - Every stream owns its own curl multi handle behind ONE epoll fd,
 *    so a stalled server stalls only that stream.
 *  - One-shot calls (list, inspect, action, stats, exec) are synchronous
 *    with a request timeout (kube_set_request_timeout, default 30 s):
 *    run them on the console's worker thread, as backend.h says. They
 *    may run on that thread while streams are pumped on the UI thread:
 *    the endpoint's shared state (credential cache) is locked.
 *  - Exec credential plugins run as child processes on non-blocking
 *    pipes; a stream waiting for one polls again within 50 ms. The
 *    console must not reap children it did not start (no waitpid(-1)).
 *  - backend_exec(ep, TUG_POD, ref, ...) runs `kubectl exec -it` on the
 *    caller's terminal and returns when it exits: suspend the screen
 *    (endwin) first. A missing kubectl is a clear TUG_E_CMD_NOTFOUND.
 *  - backend_stats(ep, TUG_POD|TUG_NODE, ref, &st) reads metrics.k8s.io:
 *    st.cpu_rate = 1 with cpu_nanocores, mem_usage = working set,
 *    mem_limit = the pod's memory limit / node's allocatable (0 unknown),
 *    cpu_limit_nanocores the same for CPU.
 *    Without the metrics API the error says "metrics not available".
 */
#ifndef TUG_KUBE_H
#define TUG_KUBE_H

#include "backend.h"
#include "kube/columns.h"
#include "kube/kubeconfig.h"
#include "util/str.h"

/* The context's default namespace, the context name, the server URL. */
const char *kube_namespace(struct tug_endpoint *ep);
const char *kube_context(struct tug_endpoint *ep);
const char *kube_server(struct tug_endpoint *ep);

/* One-shot request timeout in ms (0 = none, as kubectl's default). */
void kube_set_request_timeout(struct tug_endpoint *ep, long ms);
/* Page size for lists (kubectl --chunk-size; 0 = unpaged). */
void kube_set_chunk_size(struct tug_endpoint *ep, int n);

/* Contexts of a kubeconfig (NULL = the default files), sorted. */
static inline int kube_contexts(const char *kubeconfig, struct kube_context **out, size_t *n,
				struct tug_err *err)
{
	return kubeconfig_contexts(kubeconfig, out, n, err);
}

/* Every object of a kind as raw JSON bytes (len bytes at json, not
 * NUL-terminated), page by page, in server order: `get -o json` streams
 * these without decoding. cb returns non-zero to stop. */
int kube_list_raw(struct tug_endpoint *ep, enum tug_kind k, const char *ns,
		  const char *selector, int (*cb)(void *ctx, const char *json, size_t len),
		  void *ctx, struct tug_err *err);

/* Resource usage from metrics.k8s.io/v1beta1 for `top`. */
struct kube_top_row {
	char *namespace, *name;
	uint64_t cpu_nanocores, mem_bytes;
	uint64_t cpu_capacity, mem_capacity;  /* nodes: allocatable; 0 unknown */
};
/* kind TUG_POD (ns "" = all) or TUG_NODE. "metrics not available" when
 * the cluster has no metrics API. */
int kube_top(struct tug_endpoint *ep, enum tug_kind k, const char *ns,
	     struct kube_top_row **rows, size_t *n, struct tug_err *err);
void kube_top_free(struct kube_top_row *rows, size_t n);

/* Kubernetes quantities ("250m", "1.5Gi", "123456n", "1e3"): scaled by
 * `scale` (1e9 for CPU in nanocores, 1 for bytes). -1 on junk. */
int kube_quantity(const char *s, double scale, uint64_t *out);

#endif
