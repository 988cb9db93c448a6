/* worker.h - the one thread that makes every backend call for the
 * console, so the UI thread never waits on disk or network.
 *
 * The UI submits jobs (list, stats, action, inspect, open a log stream,
 * switch endpoint); the worker runs them in order and queues them back;
 * worker_fd() becomes readable when results wait, and the event loop
 * collects them with worker_take(). Jobs carry copies of what they need,
 * never pointers into views. The endpoint belongs to the worker; the UI
 * borrows it only with worker_lock() held (exec on the real terminal).
 */
#ifndef TUG_WORKER_H
#define TUG_WORKER_H

#include <pthread.h>
#include <stdint.h>
#include "backend.h"
#include "create-spec.h"

enum job_type {
	JOB_LIST,       /* kind, lopts -> list */
	JOB_STATS,      /* kind, ids -> stats[], stats_rc[] (+ host) */
	JOB_ACTION,     /* kind, ref, act, aopts */
	JOB_INSPECT,    /* kind, ref -> json */
	JOB_LOGS,       /* kind, ref, logopts -> logs (the UI pumps it) */
	JOB_ENDPOINT,   /* ctx: "local" or a kube context -> switch */
	JOB_RENAME,     /* ref -> ctx (the new name) */
	JOB_WATCH,      /* kind -> watch (a live list the UI pumps) */
	JOB_CREATE,     /* kind, create -> ctx (the new network's or volume's name) */
};

struct host_sample {
	uint64_t cpu_busy, cpu_total;   /* jiffies from /proc/stat */
	uint64_t mem_total, mem_avail;  /* bytes */
	int ncpu;
	int valid;
};

struct job {
	enum job_type type;
	int owner;             /* who asked: a view index, or -1 for the console */
	uint64_t gen;          /* endpoint generation when submitted */
	uint64_t tag;          /* owner's own sequence number */
	enum tug_kind kind;
	char *ref;
	int all;               /* list: include stopped */
	char *ns;              /* list: namespace (NULL = default) */
	enum tug_action act;
	struct tug_action_opts aopts;
	struct tug_log_opts logopts;
	char **ids;            /* stats */
	size_t nids;
	char *ctx;             /* endpoint: "local", "kube" or a kube context */
	char *kubeconfig, *root, *runroot;
	int readonly;
	struct create_spec create;
	/* results */
	int rc;
	struct tug_err err;
	struct tug_list list;
	json_t *json;
	struct tug_logs *logs;
	struct tug_watch *watch;
	struct tug_stats *stats;
	int *stats_rc;
	struct host_sample host;
	char ep_name[128];     /* endpoint: the new endpoint's name */
	char ep_kind[64];      /* and its driver's ("local runtime") */
	char ep_ns[128];       /* and its default namespace (clusters) */
	int64_t started_ns, done_ns;
	struct job *next;
};

struct worker;

/* Start the thread over ep (ownership moves to the worker). */
struct worker *worker_start(struct tug_endpoint *ep);
/* Stop: pending jobs are dropped, the running one finishes; returns the
 * endpoint for the caller to close. */
struct tug_endpoint *worker_stop(struct worker *w);
/* Readable while results wait. */
int worker_fd(struct worker *w);
void worker_submit(struct worker *w, struct job *j);
/* One finished job, or NULL; the caller frees it with job_free. */
struct job *worker_take(struct worker *w);
/* Is a job running right now (stop waits for it)? */
int worker_running(struct worker *w);
/* Borrow the endpoint on the calling thread (blocks until the current
 * job ends). */
struct tug_endpoint *worker_lock(struct worker *w);
void worker_unlock(struct worker *w);

struct job *job_new(enum job_type type, int owner, enum tug_kind kind, const char *ref);
void job_free(struct job *j);

/* Host CPU and memory from /proc (used by the stats job). */
int host_sample_read(struct host_sample *h);

#endif
