/* client.h - HTTP to the API server: one client per endpoint holding the
 * resolved kubeconfig, the credential cache and the settings; transfers
 * (struct kube_xfer) that run either synchronously (kube_do) or inside a
 * curl multi engine pumped by an event loop (engine.h).
 *
 * Secrets (tokens, keys, passwords) only ever go into curl options and
 * headers; messages name the server, the context and the user, never a
 * credential. No verbose curl output is ever enabled. */
#ifndef TUG_KUBE_CLIENT_H
#define TUG_KUBE_CLIENT_H

#include <curl/curl.h>
#include <pthread.h>
#include "kube/cred.h"
#include "kube/kubeconfig.h"
#include "util/str.h"

struct kube_client {
	struct kube_config cfg;
	struct kube_auth *auth;
	long timeout_ms;          /* one-shot requests; default 30 s */
	long connect_timeout_ms;  /* every request; default 10 s */
	int chunk;                /* list page size (limit); default 500 */
	char *url_base;           /* scheme://host:port[/prefix] used in URLs */
	struct curl_slist *connect_to; /* CURLOPT_CONNECT_TO for tls-server-name */
	pthread_mutex_t sync_mu;
	CURL *sync;               /* reused by kube_do: keeps the connection alive */
};

/* Load the kubeconfig and set the client up. */
int kube_client_init(struct kube_client *kc, const char *kubeconfig, const char *context,
		     struct tug_err *err);
void kube_client_release(struct kube_client *kc);

struct kube_req {
	const char *method;       /* NULL = GET */
	const char *path;         /* "/api/v1/pods?limit=500", query included */
	const char *body;
	const char *content_type; /* of the body */
	int stream;               /* long-lived (watch, log -f): no total timeout */
	long timeout_ms;          /* 0 = the client's */
};

/* Called with response body bytes of a successful (2xx) streaming
 * transfer; return 0 to go on (bytes consumed), KUBE_DATA_PAUSE to leave
 * them unconsumed and pause the transfer (curl_easy_pause to resume: the
 * same bytes come again), anything else to abort the transfer. */
#define KUBE_DATA_PAUSE 2
typedef int (*kube_data_cb)(void *ctx, const char *p, size_t n);

struct kube_xfer {
	struct kube_client *kc;
	CURL *h;
	int own_handle;
	struct curl_slist *hdrs;
	char errbuf[CURL_ERROR_SIZE];
	struct kube_cred cred;
	struct kube_req req;
	char *path, *body, *method, *ctype;   /* owned copies of req */
	kube_data_cb on_data;     /* NULL = collect into body */
	void *ctx;
	struct sbuf resp;         /* collected body, or the error body */
	long status;
	int retried;              /* 401 retry done */
	int aborted;              /* on_data asked to stop */
	int64_t last_data_ns;     /* monotonic time of the last byte */
};

/* Prepare a transfer (copies req). on_data NULL collects the body. */
void kube_xfer_init(struct kube_xfer *x, struct kube_client *kc, const struct kube_req *req,
		    kube_data_cb on_data, void *ctx);
/* Get credentials and configure the curl handle (a new one when h is
 * NULL). Returns 0 ready, 1 credentials pending (call again later), -1 error. */
int kube_xfer_prepare(struct kube_xfer *x, CURL *h, struct tug_err *err);
/* After the transfer finished with rc: 0 = done (x->status set), 1 = got
 * 401 and fresh credentials may help (prepare and run it again), -1 =
 * transport error (err filled). `what` prefixes messages ("list pods"). */
int kube_xfer_finish(struct kube_xfer *x, CURLcode rc, const char *what, struct tug_err *err);
void kube_xfer_release(struct kube_xfer *x);

struct kube_resp {
	long status;
	struct sbuf body;
};

/* Run a request synchronously (with one retry after a 401 when the
 * credentials can be refreshed). Returns 0 when an HTTP answer came
 * (any status), -1 on transport/credential errors. */
int kube_do(struct kube_client *kc, const struct kube_req *req, const char *what,
	    struct kube_resp *resp, struct tug_err *err);
/* kube_do, then a non-2xx answer turned into an error. */
int kube_do_ok(struct kube_client *kc, const struct kube_req *req, const char *what,
	       struct kube_resp *resp, struct tug_err *err);
void kube_resp_release(struct kube_resp *r);

/* An error for a non-2xx answer: the Status message when there is one,
 * codes mapped (404 not found, 403/401 permission, 409 conflict...). */
int kube_status_err(struct kube_client *kc, long status, const char *body, size_t len,
		    const char *what, struct tug_err *err);

/* Percent-encode a query value or path segment into b. */
void kube_escape(struct sbuf *b, const char *s);

#endif
