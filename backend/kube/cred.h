/* cred.h - the credentials a request carries: a static token, a token
 * file (re-read every minute, as kubectl does for rotating service-account
 * tokens), or an exec credential plugin (client.authentication.k8s.io/v1
 * and v1beta1) whose answer is cached until its expirationTimestamp and
 * dropped after a 401. Shared by every thread of an endpoint (mutex).
 *
 * Secrets stay in memory: never in messages, logs or the screen. */
#ifndef TUG_KUBE_CRED_H
#define TUG_KUBE_CRED_H

#include "kube/kubeconfig.h"

struct kube_cred {
	char *bearer;                  /* NULL = no Authorization header */
	struct kube_blob cert, key;    /* from a plugin; empty = the config's */
	unsigned gen;                  /* which generation: see kube_auth_invalidate */
};

struct kube_auth;

/* cfg must outlive the auth object. */
struct kube_auth *kube_auth_new(const struct kube_config *cfg);
void kube_auth_free(struct kube_auth *a);

/* Credentials for a request, never blocking: 0 = ready (out filled),
 * 1 = an exec plugin is running: wait until *fd is readable (or -1: just
 * retry within 50 ms) and call again; -1 = error (err filled). */
int kube_auth_get(struct kube_auth *a, struct kube_cred *out, int *fd, struct tug_err *err);
/* The same, waiting for a plugin to finish (sync callers). */
int kube_auth_get_wait(struct kube_auth *a, struct kube_cred *out, struct tug_err *err);
/* A request with credentials of generation gen got 401: forget cached
 * plugin output / token file contents. Returns 1 when fresh credentials
 * can be fetched (a retry may help), 0 when they are static. */
int kube_auth_invalidate(struct kube_auth *a, unsigned gen);
/* How many times the exec plugin ran (tests check the cache). */
unsigned kube_auth_plugin_runs(struct kube_auth *a);
void kube_cred_release(struct kube_cred *c);

/* Standard base64 of len bytes (for KUBERNETES_EXEC_INFO). */
char *kube_base64_encode(const char *data, size_t len);

#endif
