/* backend.h - the one interface between tug's front ends (console, CLI)
 * and its drivers (built-in runtime, Kubernetes, later Docker/Podman).
 *
 * An endpoint is a driver table plus private state. Front ends call the
 * backend_*() wrappers below, never ops-> directly: a driver leaves an op
 * NULL when it cannot do it and the wrapper answers with a clean
 * TUG_E_UNSUPPORTED error ("stats: not supported by the kube endpoint").
 *
 * Threading: an endpoint may be used from one thread at a time. The
 * console serialises calls on a worker thread so that the UI thread never
 * waits on disk or network.
 *
 * Errors: every op returns 0 (or a count) on success and a negative value
 * with err filled on failure; messages name the object and say what a
 * person can do.
 */
#ifndef TUG_BACKEND_H
#define TUG_BACKEND_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

enum tug_kind {
	TUG_CONTAINER,
	TUG_IMAGE,
	TUG_NETWORK,
	TUG_VOLUME,
	TUG_POD,
	TUG_DEPLOYMENT,
	TUG_STATEFULSET,
	TUG_DAEMONSET,
	TUG_REPLICASET,
	TUG_SERVICE,
	TUG_NODE,
	TUG_EVENT,
	TUG_NAMESPACE,
	TUG_KIND_COUNT
};

/* "container", "image", ... ; "pods" etc. map back with tug_kind_parse. */
const char *tug_kind_name(enum tug_kind k);
int tug_kind_parse(const char *s, enum tug_kind *out);

/* One resource as the views show it. Strings are owned by the object
 * (freed by tug_obj_release); absent fields are NULL / 0. `raw` is the
 * driver's full object for the inspect view. */
struct tug_obj {
	enum tug_kind kind;
	char *id;          /* full id (containers, images) or uid */
	char *name;        /* container name, first repo:tag, pod name */
	char *namespace;   /* cluster objects */
	char *image;       /* containers: the image as given; pods: first container's */
	char *command;     /* containers: entrypoint + cmd, shell-quoted */
	char *state;       /* created|running|paused|restarting|exited|dead, or a pod's STATUS */
	char *status;      /* human summary: "Up 3 minutes", "Exited (0) 2 hours ago" */
	int exit_code;
	int oom_killed;
	int64_t created_ns, started_ns, finished_ns;
	char *ports;       /* "127.0.0.1:8080->80/tcp, ..." */
	int64_t size;      /* bytes: images, volumes, container rw layer */
	int ready, total;  /* pods: ready/containers; workloads: ready/desired */
	int restarts;
	char *node, *ip;
	char **tags;       /* images: every repo:tag, NULL-terminated */
	char **users;      /* volumes/networks/images: names of containers using it */
	json_t *raw;       /* full object (owned reference); may be NULL for big
			    * cluster lists: backend_inspect fetches it */
	char **cells;      /* driver-computed table cells for kinds the fields
			    * above do not cover (kube: kubectl's columns, see
			    * backend/kube/kube.h kube_columns), NULL-terminated */
};

struct tug_list {
	struct tug_obj *items;
	size_t n;
};

void tug_obj_release(struct tug_obj *o);
void tug_list_release(struct tug_list *l);

struct tug_list_opts {
	int all;               /* containers: include stopped ones (ps -a) */
	const char *namespace; /* cluster kinds: NULL = context default, "" = all */
	const char *selector;  /* label selector, where supported */
};

enum tug_action {
	TUG_ACT_START,
	TUG_ACT_STOP,     /* graceful: stop signal, then SIGKILL after timeout */
	TUG_ACT_RESTART,
	TUG_ACT_KILL,     /* send opts.signal (default SIGKILL) */
	TUG_ACT_REMOVE,   /* opts.force removes running; opts.volumes anon volumes */
	TUG_ACT_PAUSE,
	TUG_ACT_UNPAUSE,
	TUG_ACT_SCALE,    /* workloads: opts.replicas */
	TUG_ACT_ROLLOUT_RESTART,
	TUG_ACT_CORDON,
	TUG_ACT_UNCORDON,
};

struct tug_action_opts {
	int timeout_s;   /* stop/restart: seconds before SIGKILL; <0 = default (10) */
	int signal;      /* kill: 0 = SIGKILL */
	int force;
	int volumes;
	int replicas;
};

struct tug_registry_opts;

/* What `tug create`/`run` ask of a driver that runs containers. */
struct tug_mount {
	char *type;      /* "bind", "volume", "tmpfs" */
	char *source;    /* host path or volume name; NULL for tmpfs/anonymous */
	char *target;    /* path inside the container */
	int readonly;
	char *options;   /* tmpfs: "size=64m,mode=1777" */
};

struct tug_create_opts {
	const char *image;
	char **cmd;            /* NULL-terminated; NULL = image's CMD */
	char **entrypoint;     /* NULL = image's; {NULL} (empty) = none */
	const char *name;      /* NULL = generated */
	char **env;            /* NULL-terminated KEY=VALUE, after the image's */
	const char *workdir;
	const char *user;      /* "uid[:gid]" or a name from the image's /etc/passwd */
	const char *hostname;
	int64_t memory;        /* bytes, 0 = unlimited */
	int64_t nano_cpus;     /* 1e9 = one core, 0 = unlimited */
	int64_t pids_limit;    /* 0 = unlimited */
	const char *restart;   /* "no", "on-failure[:N]", "always", "unless-stopped" */
	struct tug_mount *mounts;
	size_t nmounts;
	int read_only;
	const char *network;   /* "none", "host", or a network name (bridge driver) */
	int tty, interactive;
	int auto_remove;       /* --rm */
	char **labels;         /* KEY=VALUE */
	const char *stop_signal;
	char **ports;          /* -p specs as given ("8080:80/tcp"), NULL-terminated or
				* NULL: recorded now, published once networks exist */
	/* Bridge networks (network drivers that have them). */
	int publish_all;       /* -P: every exposed port on a random host port */
	char **expose;         /* --expose PORT[-END][/PROTO] */
	const char *ip;        /* --ip: fixed address on the (single) network */
	char **aliases;        /* --network-alias: extra names on user networks */
	char **dns;            /* --dns: nameservers for /etc/resolv.conf */
	char **dns_search;     /* --dns-search */
	char **dns_options;    /* --dns-option */
	char **extra_hosts;    /* --add-host NAME:IP lines for /etc/hosts */
	/* A missing image is pulled first (docker's run/create): pull is
	   "missing" (NULL, the default), "always" or "never"; pull_opts gives
	   the pull its progress callback, TLS and platform choices (NULL =
	   defaults, no progress). The first event of an implicit pull is the
	   message "Unable to find image 'REF' locally". */
	const char *pull;
	const struct tug_registry_opts *pull_opts;
};

/* tug network create. */
struct tug_net_create_opts {
	const char *name;
	const char *driver;    /* NULL or "bridge" */
	const char *subnet;    /* CIDR; NULL = a free one from the address pools */
	const char *gateway;   /* NULL = first address of the subnet */
	int internal;          /* no outbound route, no NAT, no published ports */
	char **labels;         /* KEY=VALUE */
};

/* tug network connect. */
struct tug_net_connect_opts {
	const char *ip;        /* fixed address, NULL = from IPAM */
	char **aliases;        /* extra names on that network */
};

/* tug volume create. */
struct tug_volume_create_opts {
	const char *name;      /* NULL = generated (64 hex, as docker) */
	const char *driver;    /* NULL or "local" */
	char **labels;         /* KEY=VALUE */
};

/* The caller's stdio for attached runs and exec: fds the driver reads
 * from / writes to until the process exits. -1 = not attached. */
struct tug_stdio {
	int in, out, err;
	int tty;               /* allocate a terminal; caller put `in` in raw mode */
	/* read end of a pipe of signals to forward to the container once it
	 * runs (one byte each: the signal number), the CLI's sig-proxy fed
	 * from its signal handlers; 0 = none (so `= { 0 }` proxies nothing) */
	int sigpipe;
};

struct tug_exec_opts {
	char **argv;           /* NULL-terminated */
	char **env;            /* extra KEY=VALUE */
	const char *workdir;
	const char *user;
	int tty, interactive;
	const char *container; /* pods: which container */
	int detach;            /* return once the process runs (exec -d) */
};

/* Log streams: non-blocking, driven by the caller's event loop. */
struct tug_log_opts {
	int follow;
	long tail;             /* -1 = all */
	int64_t since_ns, until_ns; /* 0 = unbounded */
	int timestamps;        /* kube: ask the server to prefix them */
	const char *container; /* pods */
	int previous;          /* pods: previous instance */
};

struct tug_log_line {
	int64_t time_ns;
	int stream;            /* 1 stdout, 2 stderr */
	const char *text;      /* without the trailing newline */
	size_t len;
	int partial;           /* the line continues in the next record */
};

/* Return non-zero from the callback to stop delivering for now. */
typedef int (*tug_log_cb)(void *ctx, const struct tug_log_line *line);

struct tug_logs;
struct tug_logs_ops {
	/* fd that becomes readable when pump has work, -1 if none */
	int (*fd)(struct tug_logs *l);
	/* ms until pump should run even without fd readiness, -1 = never */
	int (*timeout_ms)(struct tug_logs *l);
	/* deliver what is available now, never blocking. Returns 0 = more may
	 * come, 1 = the stream ended, <0 = error (err filled). */
	int (*pump)(struct tug_logs *l, tug_log_cb cb, void *ctx, struct tug_err *err);
	void (*close)(struct tug_logs *l);
};
struct tug_logs {
	const struct tug_logs_ops *ops;
};

/* One resource sample; counters are cumulative, the caller derives rates. */
struct tug_stats {
	int64_t time_ns;       /* when sampled (CLOCK_REALTIME) */
	uint64_t cpu_ns;       /* total CPU time used */
	uint64_t mem_usage;    /* bytes, docker's way: usage minus inactive file */
	uint64_t mem_limit;    /* bytes; host memory when unlimited */
	uint64_t net_rx, net_tx;
	uint64_t blk_read, blk_write;
	uint64_t pids, pids_limit;   /* limit 0 = unlimited */
	int online_cpus;
	int valid;             /* 0 when the object is not running */
	/* Drivers that measure CPU as a rate (kube: metrics.k8s.io) set
	 * cpu_rate = 1 and cpu_nanocores (1e9 = one core busy) instead of
	 * the cumulative cpu_ns; mem_usage is then the working set. */
	int cpu_rate;
	uint64_t cpu_nanocores;
	/* Rate drivers: the CPU a pod may use (sum of its containers'
	 * limits) or a node's allocatable CPU, 1e9 = one core; 0 = none. */
	uint64_t cpu_limit_nanocores;
};

/* Live lists: the driver lists the objects, then follows changes (kube:
 * list + watch with resourceVersion, bookmarks, relist after 410 Gone,
 * reconnect with backoff). Non-blocking, pumped by the caller's loop
 * like struct tug_logs. */
enum tug_watch_type {
	TUG_WATCH_ADDED,
	TUG_WATCH_MODIFIED,
	TUG_WATCH_DELETED,     /* obj carries at least kind, name, namespace */
	TUG_WATCH_SYNCED,      /* the view is complete (initial list, relist) */
	TUG_WATCH_STATUS,      /* message: a problem to show ("watch pods: connection
				* lost; retrying in 4s"); NULL when healthy again */
};

struct tug_watch_event {
	enum tug_watch_type type;
	/* ADDED/MODIFIED/DELETED: owned by the stream; the callback may take
	 * it over by copying the struct and zeroing *obj. */
	struct tug_obj *obj;
	const char *message;
};

typedef void (*tug_watch_cb)(void *ctx, struct tug_watch_event *ev);

struct tug_watch;
struct tug_watch_ops {
	int (*fd)(struct tug_watch *w);          /* readable = pump; -1 none */
	int (*timeout_ms)(struct tug_watch *w);  /* pump within this even if idle; -1 never */
	/* deliver what is available now, never blocking. 0 = going on,
	 * <0 = the stream cannot go on (err filled). Transient trouble is
	 * reported as TUG_WATCH_STATUS events, not errors. */
	int (*pump)(struct tug_watch *w, tug_watch_cb cb, void *ctx, struct tug_err *err);
	void (*close)(struct tug_watch *w);
};
struct tug_watch {
	const struct tug_watch_ops *ops;
};

/* Progress of long operations (import, load, pull...). */
typedef void (*tug_progress_cb)(void *ctx, const char *id, const char *what,
				int64_t done, int64_t total);

/* What `tug build` asks: a Dockerfile, its context and the options of
 * docker build. RUN steps run in containers of the endpoint with no
 * network unless `network` is "host". */
struct tug_build_opts {
	const char *context;        /* directory; NULL = none (or context_tar_fd) */
	int context_tar_fd;         /* a tar of the context (docker build - < ctx.tar); -1 = none */
	const char *dockerfile;     /* path; NULL = CONTEXT/Dockerfile */
	const char *dockerfile_text;/* the Dockerfile itself (read from stdin), instead of a path */
	size_t dockerfile_len;
	char **tags;                /* NULL-terminated "name[:tag]"; NULL = no name */
	char **build_args;          /* "KEY=VALUE", or "KEY" for the value in tug's environment */
	char **labels;              /* "KEY=VALUE" added to the image */
	const char *target;         /* stage to stop at; NULL = the last */
	const char *network;        /* RUN steps: "none" (default), "host" or a network name */
	int no_cache;               /* run every step (the results still fill the cache) */
	int out_fd;                 /* where RUN output goes; -1 = discarded */
	/* one line of progress: "STEP 2/5: RUN make", "--> CACHED", warnings */
	void (*progress)(void *ctx, const char *line);
	void *progress_ctx;
	volatile int *cancel;       /* set non-zero (from a signal handler or another
				     * thread) to stop: a running step is killed */
	const char *platform;       /* "os/arch[/variant]": must be this machine's; NULL = it */
};
/* Registry operations (pull, push, login).
 *
 * Progress events, as docker's pull/push output: with id NULL, `what` is
 * a line to show as it is ("latest: Pulling from library/busybox",
 * "Digest: sha256:...", "Status: Downloaded newer image for busybox:latest",
 * "warning: ..."), done = total = -1. With id set (the 12-hex short digest
 * of a layer or config blob), `what` is that blob's state - pull:
 * "Pulling fs layer", "Waiting", "Downloading", "Resuming", "Download
 * complete", "Extracting", "Pull complete", "Already exists"; push: "Preparing", "Waiting", "Pushing", "Pushed",
 * "Layer already exists", "Mounted from REPO" - and done/total are bytes
 * for "Downloading", "Resuming", "Extracting" and "Pushing" (total -1 when
 * unknown), -1 otherwise. Events come from the calling thread only, one
 * at a time; "Downloading" and "Extracting" at most every 100 ms per blob.
 *
 * The operation runs in the calling thread until it ends (the console
 * calls it from a worker thread); setting *cancel non-zero from another
 * thread stops it within about 100 ms with the error "canceled", leaving
 * the store as it was. */
struct tug_registry_opts {
	int insecure;             /* --tls-verify=false: plain HTTP or unverified
				     TLS allowed for this registry (with a warning) */
	const char *platform;     /* pull: "os/arch[/variant]"; NULL = this machine */
	const char *username;     /* NULL = the stored credentials (tug login) */
	const char *password;
	tug_progress_cb progress; /* NULL = no events */
	void *ctx;
	const volatile int *cancel;
};

struct tug_endpoint;

struct backend_ops {
	const char *name;      /* "runtime", "kube" */

	/* List objects of a kind. */
	int (*list)(struct tug_endpoint *ep, enum tug_kind kind,
		    const struct tug_list_opts *opts, struct tug_list *out,
		    struct tug_err *err);
	/* Full object by name, id or id prefix (raw JSON, owned by caller). */
	int (*inspect)(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		       json_t **out, struct tug_err *err);
	/* start/stop/restart/kill/remove/pause/unpause/scale... */
	int (*action)(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		      enum tug_action act, const struct tug_action_opts *opts,
		      struct tug_err *err);

	/* Containers. create writes the full id (65 bytes) into id_out. */
	int (*create)(struct tug_endpoint *ep, const struct tug_create_opts *opts,
		      char *id_out, struct tug_err *err);
	/* Start a created/stopped container attached to io; returns once the
	 * container exits, with its exit code in *exit_code. Signals the
	 * caller forwards go through action(KILL). */
	int (*start_attached)(struct tug_endpoint *ep, const char *ref,
			      const struct tug_stdio *io, int *exit_code,
			      struct tug_err *err);
	/* Run a process inside a running container / pod, attached to io. */
	int (*exec)(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		    const struct tug_exec_opts *opts, const struct tug_stdio *io,
		    int *exit_code, struct tug_err *err);
	/* Block until the container is not running; its exit code. */
	int (*wait)(struct tug_endpoint *ep, const char *ref, int *exit_code,
		    struct tug_err *err);
	/* Processes: {"Titles":[...],"Processes":[[...],...]} as docker top. */
	int (*top)(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		   json_t **out, struct tug_err *err);
	int (*logs)(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		    const struct tug_log_opts *opts, struct tug_logs **out,
		    struct tug_err *err);
	int (*stats)(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		     struct tug_stats *out, struct tug_err *err);
	/* Rename a container. */
	int (*rename)(struct tug_endpoint *ep, const char *ref, const char *name,
		      struct tug_err *err);

	/* Images. */
	int (*image_import)(struct tug_endpoint *ep, int fd, const char *ref,
			    char *id_out, struct tug_err *err);
	/* Load a docker-save or OCI-layout tar; calls loaded(ctx, ref) per tag. */
	int (*image_load)(struct tug_endpoint *ep, int fd,
			  void (*loaded)(void *ctx, const char *what), void *ctx,
			  struct tug_err *err);
	/* Write a docker-save compatible tar of the images to fd. */
	int (*image_save)(struct tug_endpoint *ep, const char *const *refs, size_t n,
			  int fd, struct tug_err *err);
	int (*image_tag)(struct tug_endpoint *ep, const char *src, const char *dst,
			 struct tug_err *err);
	/* Remove a tag or an image; calls removed(ctx, "Untagged: x"/"Deleted: y"). */
	int (*image_remove)(struct tug_endpoint *ep, const char *ref, int force,
			    void (*removed)(void *ctx, const char *what), void *ctx,
			    struct tug_err *err);

	/* Remove everything this endpoint owns (tug system reset). */
	int (*reset)(struct tug_endpoint *ep, struct tug_err *err);

	void (*close)(struct tug_endpoint *ep);

	/* Remove images no container uses: the nameless ones, or with `all`
	 * every one; removed() as image_remove; *reclaimed = bytes freed. */
	int (*image_prune)(struct tug_endpoint *ep, int all,
			   void (*removed)(void *ctx, const char *what), void *ctx,
			   int64_t *reclaimed, struct tug_err *err);
	/* Networks (TUG_NETWORK). list fills id, name, status (driver), ip
	 * (subnet), ports (published ports of its containers), users
	 * (container names), created_ns and raw (inspect JSON). Removal is
	 * action(TUG_NETWORK, REMOVE). create writes the id (65 bytes). */
	int (*network_create)(struct tug_endpoint *ep, const struct tug_net_create_opts *o,
			      char *id_out, struct tug_err *err);
	/* Attach a container to a network (a running one gets its interface
	 * now, a stopped one at its next start) / detach it. */
	int (*network_connect)(struct tug_endpoint *ep, const char *net, const char *ctr,
			       const struct tug_net_connect_opts *o, struct tug_err *err);
	int (*network_disconnect)(struct tug_endpoint *ep, const char *net, const char *ctr,
				  int force, struct tug_err *err);
	/* Volumes (TUG_VOLUME). list fills name, id (= name), status (driver),
	 * size (bytes used), users (container names), created_ns and raw.
	 * Removal is action(TUG_VOLUME, REMOVE, force: even when in use).
	 * create writes the name (at most 256 bytes with the NUL). */
	int (*volume_create)(struct tug_endpoint *ep, const struct tug_volume_create_opts *o,
			     char *name_out, struct tug_err *err);
	/* Remove every unused network or volume; removed(ctx, name) for each. */
	int (*prune)(struct tug_endpoint *ep, enum tug_kind kind,
		     void (*removed)(void *ctx, const char *name), void *ctx,
		     struct tug_err *err);

	/* A live list of a kind (see struct tug_watch). Streams must be
	 * closed before their endpoint. */
	int (*watch)(struct tug_endpoint *ep, enum tug_kind kind,
		     const struct tug_list_opts *opts, struct tug_watch **out,
		     struct tug_err *err);

	/* Build an image from a Dockerfile; writes "sha256:<id>" (72 bytes)
	 * into id_out. Errors in the Dockerfile name its line. */
	int (*image_build)(struct tug_endpoint *ep, const struct tug_build_opts *o, char *id_out,
			   struct tug_err *err);
	/* Drop the build cache and the layers only it kept; *removed = entries
	 * dropped, *reclaimed = bytes freed. */
	int (*build_prune)(struct tug_endpoint *ep, long *removed, int64_t *reclaimed,
			   struct tug_err *err);

	/* Pull `ref` ([registry/]name[:tag][@digest]) from its registry: the
	 * manifest for the platform, every blob verified, layers unpacked;
	 * names it ref (and repo@digest). Writes the image id ("sha256:..",
	 * 72 bytes). A pull that fails or is interrupted leaves nothing
	 * visible; partly downloaded layers are resumed by the next pull. */
	int (*image_pull)(struct tug_endpoint *ep, const char *ref,
			  const struct tug_registry_opts *o, char *id_out,
			  struct tug_err *err);
	/* Push local image `ref` to `dest` (NULL = ref, which must then name
	 * the registry and repository). Writes the manifest digest (72 bytes). */
	int (*image_push)(struct tug_endpoint *ep, const char *ref, const char *dest,
			  const struct tug_registry_opts *o, char *digest_out,
			  struct tug_err *err);
	/* Check o->username/o->password against `registry` ("" or NULL =
	 * docker.io) and store them for later pulls and pushes (docker's
	 * config.json, mode 0600). */
	int (*registry_login)(struct tug_endpoint *ep, const char *registry,
			      const struct tug_registry_opts *o, struct tug_err *err);
	/* Forget the credentials of `registry`; TUG_E_NOTFOUND when there
	 * were none. */
	int (*registry_logout)(struct tug_endpoint *ep, const char *registry,
			       struct tug_err *err);
};

struct tug_endpoint {
	const struct backend_ops *ops;
	void *priv;
	char *name;            /* "local", or the kube context */
	char *context;         /* kube context, NULL for local */
	int readonly;          /* refuse every destructive action */
	char *namespace;       /* cluster: the context's default namespace; NULL for local */
};

/* Open the built-in runtime rooted at root/runroot (NULL = defaults or
 * $TUG_ROOT / $TUG_RUNROOT). */
int backend_open_runtime(const char *root, const char *runroot,
			 struct tug_endpoint **out, struct tug_err *err);
/* Open a Kubernetes endpoint from kubeconfig (NULL = $KUBECONFIG or
 * ~/.kube/config) and context (NULL = current-context). */
int backend_open_kube(const char *kubeconfig, const char *context,
		      struct tug_endpoint **out, struct tug_err *err);
void backend_close(struct tug_endpoint *ep);

int backend_unsupported(struct tug_endpoint *ep, const char *what, struct tug_err *err);
int backend_refuse_readonly(struct tug_endpoint *ep, const char *what, struct tug_err *err);

#define BACKEND_CALL(ep, op, err, ...) \
	((ep)->ops->op ? (ep)->ops->op(ep, __VA_ARGS__) : backend_unsupported(ep, #op, err))

static inline int backend_list(struct tug_endpoint *ep, enum tug_kind k,
			       const struct tug_list_opts *o, struct tug_list *out,
			       struct tug_err *err)
{
	return BACKEND_CALL(ep, list, err, k, o, out, err);
}
static inline int backend_inspect(struct tug_endpoint *ep, enum tug_kind k,
				  const char *ref, json_t **out, struct tug_err *err)
{
	return BACKEND_CALL(ep, inspect, err, k, ref, out, err);
}
int backend_action(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
		   enum tug_action act, const struct tug_action_opts *o,
		   struct tug_err *err);
static inline int backend_create(struct tug_endpoint *ep, const struct tug_create_opts *o,
				 char *id_out, struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "create", err);
	return BACKEND_CALL(ep, create, err, o, id_out, err);
}
static inline int backend_start_attached(struct tug_endpoint *ep, const char *ref,
					 const struct tug_stdio *io, int *code,
					 struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "start", err);
	return BACKEND_CALL(ep, start_attached, err, ref, io, code, err);
}
static inline int backend_exec(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
			       const struct tug_exec_opts *o, const struct tug_stdio *io,
			       int *code, struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "exec", err);
	return BACKEND_CALL(ep, exec, err, k, ref, o, io, code, err);
}
static inline int backend_wait(struct tug_endpoint *ep, const char *ref, int *code,
			       struct tug_err *err)
{
	return BACKEND_CALL(ep, wait, err, ref, code, err);
}
static inline int backend_top(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
			      json_t **out, struct tug_err *err)
{
	return BACKEND_CALL(ep, top, err, k, ref, out, err);
}
static inline int backend_logs(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
			       const struct tug_log_opts *o, struct tug_logs **out,
			       struct tug_err *err)
{
	return BACKEND_CALL(ep, logs, err, k, ref, o, out, err);
}
static inline int backend_stats(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
				struct tug_stats *out, struct tug_err *err)
{
	return BACKEND_CALL(ep, stats, err, k, ref, out, err);
}
static inline int backend_rename(struct tug_endpoint *ep, const char *ref, const char *name,
				 struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "rename", err);
	return BACKEND_CALL(ep, rename, err, ref, name, err);
}
static inline int backend_image_import(struct tug_endpoint *ep, int fd, const char *ref,
				       char *id_out, struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "import", err);
	return BACKEND_CALL(ep, image_import, err, fd, ref, id_out, err);
}
static inline int backend_image_load(struct tug_endpoint *ep, int fd,
				     void (*loaded)(void *, const char *), void *ctx,
				     struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "load", err);
	return BACKEND_CALL(ep, image_load, err, fd, loaded, ctx, err);
}
static inline int backend_image_save(struct tug_endpoint *ep, const char *const *refs,
				     size_t n, int fd, struct tug_err *err)
{
	return BACKEND_CALL(ep, image_save, err, refs, n, fd, err);
}
static inline int backend_image_tag(struct tug_endpoint *ep, const char *src,
				    const char *dst, struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "tag", err);
	return BACKEND_CALL(ep, image_tag, err, src, dst, err);
}
static inline int backend_image_remove(struct tug_endpoint *ep, const char *ref, int force,
				       void (*removed)(void *, const char *), void *ctx,
				       struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "rmi", err);
	return BACKEND_CALL(ep, image_remove, err, ref, force, removed, ctx, err);
}
static inline int backend_image_prune(struct tug_endpoint *ep, int all,
				      void (*removed)(void *, const char *), void *ctx,
				      int64_t *reclaimed, struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "image prune", err);
	return BACKEND_CALL(ep, image_prune, err, all, removed, ctx, reclaimed, err);
}
static inline int backend_image_build(struct tug_endpoint *ep, const struct tug_build_opts *o,
				      char *id_out, struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "build", err);
	return BACKEND_CALL(ep, image_build, err, o, id_out, err);
}
static inline int backend_build_prune(struct tug_endpoint *ep, long *removed, int64_t *reclaimed,
				      struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "builder prune", err);
	return BACKEND_CALL(ep, build_prune, err, removed, reclaimed, err);
}
static inline int backend_image_pull(struct tug_endpoint *ep, const char *ref,
				     const struct tug_registry_opts *o, char *id_out,
				     struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "pull", err);
	return BACKEND_CALL(ep, image_pull, err, ref, o, id_out, err);
}
static inline int backend_image_push(struct tug_endpoint *ep, const char *ref,
				     const char *dest, const struct tug_registry_opts *o,
				     char *digest_out, struct tug_err *err)
{
	return BACKEND_CALL(ep, image_push, err, ref, dest, o, digest_out, err);
}
static inline int backend_registry_login(struct tug_endpoint *ep, const char *registry,
					 const struct tug_registry_opts *o,
					 struct tug_err *err)
{
	return BACKEND_CALL(ep, registry_login, err, registry, o, err);
}
static inline int backend_registry_logout(struct tug_endpoint *ep, const char *registry,
					  struct tug_err *err)
{
	return BACKEND_CALL(ep, registry_logout, err, registry, err);
}
static inline int backend_reset(struct tug_endpoint *ep, struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "reset", err);
	return BACKEND_CALL(ep, reset, err, err);
}

static inline int backend_network_create(struct tug_endpoint *ep,
					 const struct tug_net_create_opts *o, char *id_out,
					 struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "network create", err);
	return BACKEND_CALL(ep, network_create, err, o, id_out, err);
}
static inline int backend_network_connect(struct tug_endpoint *ep, const char *net,
					  const char *ctr, const struct tug_net_connect_opts *o,
					  struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "network connect", err);
	return BACKEND_CALL(ep, network_connect, err, net, ctr, o, err);
}
static inline int backend_network_disconnect(struct tug_endpoint *ep, const char *net,
					     const char *ctr, int force, struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "network disconnect", err);
	return BACKEND_CALL(ep, network_disconnect, err, net, ctr, force, err);
}
static inline int backend_volume_create(struct tug_endpoint *ep,
					const struct tug_volume_create_opts *o, char *name_out,
					struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "volume create", err);
	return BACKEND_CALL(ep, volume_create, err, o, name_out, err);
}
static inline int backend_prune(struct tug_endpoint *ep, enum tug_kind k,
				void (*removed)(void *, const char *), void *ctx,
				struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "prune", err);
	return BACKEND_CALL(ep, prune, err, k, removed, ctx, err);
}
static inline int backend_watch(struct tug_endpoint *ep, enum tug_kind k,
				const struct tug_list_opts *o, struct tug_watch **out,
				struct tug_err *err)
{
	return BACKEND_CALL(ep, watch, err, k, o, out, err);
}

/* Watch stream helpers. */
static inline int tug_watch_fd(struct tug_watch *w) { return w->ops->fd(w); }
static inline int tug_watch_timeout_ms(struct tug_watch *w) { return w->ops->timeout_ms(w); }
static inline int tug_watch_pump(struct tug_watch *w, tug_watch_cb cb, void *ctx,
				 struct tug_err *err)
{
	return w->ops->pump(w, cb, ctx, err);
}
static inline void tug_watch_close(struct tug_watch *w)
{
	if (w)
		w->ops->close(w);
}

/* Log stream helpers. */
static inline int tug_logs_fd(struct tug_logs *l) { return l->ops->fd(l); }
static inline int tug_logs_timeout_ms(struct tug_logs *l) { return l->ops->timeout_ms(l); }
static inline int tug_logs_pump(struct tug_logs *l, tug_log_cb cb, void *ctx,
				struct tug_err *err)
{
	return l->ops->pump(l, cb, ctx, err);
}
static inline void tug_logs_close(struct tug_logs *l)
{
	if (l)
		l->ops->close(l);
}

#endif
