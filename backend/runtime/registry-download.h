/* registry-download.h - the blob downloads of a pull (registry-download.c).
 * One thread drives every transfer (dl_start_waiting, dl_pump, dl_wait);
 * readers in other threads follow a download as it arrives (dl_read).
 * Failures are recorded in the set: the first one wins. */
#ifndef TUG_REGISTRY_DOWNLOAD_H
#define TUG_REGISTRY_DOWNLOAD_H

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include "runtime/image-store.h"
#include "runtime/registry.h"
#include "util/digest.h"
#include "util/str.h"

enum dl_state { DL_WAITING, DL_RUNNING, DL_DONE, DL_FAILED };

struct dl_set;

struct dl {
	struct dl_set *set;
	struct reg_desc desc;
	char id[13];              /* short hex: the progress id */
	int verify;               /* check the digest at the end (no reader does) */
	int quiet;                /* no progress events */
	char path[PATH_MAX];      /* the file receiving the blob */
	int fd;
	int resumable;            /* path is tmp/pull/<hex>.part, flock'ed by us */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int64_t written;          /* bytes in the file (under mu) */
	int state;                /* enum dl_state (under mu) */
	struct digest_ctx *dg;
	char got[DIGEST_STR_LEN + 1]; /* the digest of what came, once DL_DONE */
	/* the transfer */
	void *h;                  /* CURL * */
	struct curl_slist *hdrs;
	char *url;
	int redirects, retries, reauthed, no_range;
	int64_t discard;          /* bytes of a full answer already in the file */
	int started_body;
	long status;
	struct sbuf errbody;
	struct tug_err err;
	int64_t last_event;
};

struct dl_set {
	struct rt *rt;
	struct reg_client *c;
	struct img_stage *st;     /* private files when a partial one is taken */
	const char *repo;
	void *multi;              /* CURLM * */
	struct dl **v;
	size_t n;
	int abort;                /* atomic: readers stop */
	int failed;
	struct tug_err err;
};

int dl_set_init(struct dl_set *s, struct rt *rt, struct reg_client *c, struct img_stage *st,
		const char *repo, struct tug_err *err);
/* Transfers stop, files close (partial files stay for the next pull).
 * Every reader must be gone. */
void dl_set_release(struct dl_set *s);
/* Record a failure (the first one is kept); returns -1. */
int dl_set_fail(struct dl_set *s, const struct tug_err *e);

/* A download of desc, waiting. verify: a small blob nobody reads as it
 * arrives (the config): checked against desc when complete, no events. */
struct dl *dl_add(struct dl_set *s, const struct reg_desc *desc, int verify);
struct dl *dl_find(struct dl_set *s, const char *digest);
/* Start d now / start waiting downloads until max run. */
int dl_start(struct dl *d, struct tug_err *err);
int dl_start_waiting(struct dl_set *s, size_t max);
/* Move the transfers on without blocking, then wait up to timeout_ms for
 * more to do (or dl_wakeup from another thread). */
void dl_pump(struct dl_set *s);
void dl_wait(struct dl_set *s, int timeout_ms);
void dl_wakeup(struct dl_set *s);
/* "Downloading" events, at most every 100 ms per blob. */
void dl_progress(struct dl_set *s);
/* Wake every reader: they fail. */
void dl_abort(struct dl_set *s);

/* Up to len bytes of d at pos, waiting for them to arrive: 0 at the end
 * of a complete download, -1 (errno ECANCELED) when it failed or the set
 * was aborted. Any thread. */
ssize_t dl_read(struct dl *d, int64_t pos, void *buf, size_t len);
/* Delete d's partial file: its content is wrong. */
void dl_forget(struct dl *d);
/* After publishing: delete partial files the store did not take. */
void dl_drop_partials(struct dl_set *s);
/* Delete partial files nobody touched for a week. */
void dl_sweep_partials(struct rt *rt);

#endif
