/* engine.h - a curl multi handle driven by an event loop. The engine
 * owns an epoll fd holding every socket curl wants watched, so a caller
 * polls ONE fd per engine (readable = work to do) plus a timeout, and
 * calls kube_engine_drive(); nothing here ever blocks. */
#ifndef TUG_KUBE_ENGINE_H
#define TUG_KUBE_ENGINE_H

#include <curl/curl.h>
#include <stdint.h>
#include "util/err.h"

struct kube_engine {
	CURLM *multi;
	int epfd;
	int64_t deadline_ns;   /* curl's timer (monotonic), 0 = none */
	int running;
};

int kube_engine_init(struct kube_engine *e, struct tug_err *err);
void kube_engine_release(struct kube_engine *e);
static inline int kube_engine_fd(const struct kube_engine *e) { return e->epfd; }
/* ms until the engine must be driven even without fd activity; -1 = no timer. */
int kube_engine_timeout_ms(const struct kube_engine *e);
/* Run what is ready now (sockets, expired timers). */
void kube_engine_drive(struct kube_engine *e);
/* The next finished transfer (its result in *rc), removed from the engine;
 * NULL when none. */
CURL *kube_engine_done(struct kube_engine *e, CURLcode *rc);
int kube_engine_add(struct kube_engine *e, CURL *h);
void kube_engine_remove(struct kube_engine *e, CURL *h);

struct kube_xfer;
/* Prepare x (see kube_xfer_prepare) and add it to e: 0 running,
 * 1 waiting for credentials (call again later), -1 error. */
int kube_engine_start(struct kube_engine *e, struct kube_xfer *x, CURL *h, struct tug_err *err);

/* Combine a deadline (ms from now, -1 none) into *ms, keeping the sooner. */
static inline void kube_min_timeout(int *ms, int other)
{
	if (other >= 0 && (*ms < 0 || other < *ms))
		*ms = other;
}

#endif
