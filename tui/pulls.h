/* pulls.h - image pulls the console runs in the background.
 *
 * Each pull has its own thread and its own endpoint over the same store,
 * so a pull that takes minutes holds neither the UI nor the worker (the
 * lists and graphs keep coming). The thread keeps the pull's progress
 * under a lock; the UI copies it out to draw a progress line and reaps
 * the pulls that ended. The store's own locking keeps the two endpoints
 * consistent, as it does for two CLI calls.
 */
#ifndef TUG_PULLS_H
#define TUG_PULLS_H

#include <stddef.h>
#include <stdint.h>
#include "backend.h"

struct pull;

struct pulls {
	struct pull *head;
	size_t n;
};

/* What the UI shows of one pull. */
struct pull_view {
	char ref[512];
	char line[256];         /* the last message ("Digest: ...", a warning) */
	int64_t done, total;    /* bytes of the blobs whose size is known */
	int blobs, blobs_done;  /* layers seen / finished */
	int extracting;         /* unpacking: done/total are the unpacked bytes */
	double rate;            /* bytes per second since the download began */
	int64_t started_ns;
};

/* A pull that ended. */
struct pull_result {
	char ref[512];
	int rc;                 /* 0 or -1 */
	struct tug_err err;
	char id[128];           /* the image id on success */
	int64_t took_ns;
};

/* Start pulling ref on a new thread with an endpoint opened over
 * root/runroot (NULL = the defaults). Fails when ref is already being
 * pulled or the thread cannot start. */
int pulls_start(struct pulls *ps, const char *root, const char *runroot, const char *ref,
		struct tug_err *err);
/* Copy the i-th running pull's progress (oldest first); 0, or -1 past the end. */
int pulls_view(struct pulls *ps, size_t i, struct pull_view *out);
/* Take one pull that ended, joining its thread: 1 when there was one. */
int pulls_reap(struct pulls *ps, struct pull_result *out);
/* Cancel every pull and wait for them (they stop within ~100 ms and
 * leave the store as it was). */
void pulls_cancel_all(struct pulls *ps);

/* A progress line: "45%  12.3MB / 27.1MB  3.2MB/s  2/5 layers", or the
 * last message when no size is known yet. */
void pull_view_text(const struct pull_view *v, char *buf, size_t size);
/* Fraction done, 0..1, or -1 when unknown. */
double pull_view_fraction(const struct pull_view *v);

#endif
