/* pulls.c - background image pulls for the console: one thread and one
 * endpoint each, progress kept under a lock for the UI to copy. */
#include "pulls.h"
#include "util/str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct blob {
	char id[16];
	int64_t dl_done, dl_total;  /* -1: not known */
	int64_t ex_done, ex_total;
	int downloaded, finished, extracting;
	int layer;                  /* announced as a layer (the config blob is not) */
};

struct pull {
	pthread_t th;
	pthread_mutex_t mu;
	char *ref, *root, *runroot;
	volatile int cancel;
	/* under mu */
	struct blob *blobs;
	size_t nblobs;
	char line[256];
	int ended;
	int64_t started_ns, first_byte_ns;
	/* written by the thread before ended is set */
	struct pull_result res;
	struct pull *next;
};

static struct blob *blob_of(struct pull *p, const char *id)
{
	for (size_t i = 0; i < p->nblobs; i++)
		if (!strcmp(p->blobs[i].id, id))
			return &p->blobs[i];
	p->blobs = xrealloc(p->blobs, (p->nblobs + 1) * sizeof(*p->blobs));
	struct blob *b = &p->blobs[p->nblobs++];
	memset(b, 0, sizeof(*b));
	snprintf(b->id, sizeof(b->id), "%s", id);
	b->dl_total = b->ex_total = -1;
	return b;
}

/* Events come from the pull's own thread (backend.h). */
static void on_progress(void *ctx, const char *id, const char *what, int64_t done, int64_t total)
{
	struct pull *p = ctx;

	pthread_mutex_lock(&p->mu);
	if (!id) {
		snprintf(p->line, sizeof(p->line), "%s", what);
	} else {
		struct blob *b = blob_of(p, id);
		if (!strcmp(what, "Pulling fs layer") || !strcmp(what, "Waiting"))
			b->layer = 1;
		if (!strcmp(what, "Downloading") || !strcmp(what, "Resuming")) {
			if (!p->first_byte_ns)
				p->first_byte_ns = mono_ns();
			b->dl_done = done;
			if (total >= 0)
				b->dl_total = total;
		} else if (!strcmp(what, "Download complete")) {
			b->downloaded = 1;
		} else if (!strcmp(what, "Extracting")) {
			b->downloaded = 1;
			b->extracting = 1;
			b->ex_done = done;
			if (total >= 0)
				b->ex_total = total;
		} else if (!strcmp(what, "Pull complete") || !strcmp(what, "Already exists")) {
			b->layer = b->downloaded = b->finished = 1;
			b->extracting = 0;
		}
	}
	pthread_mutex_unlock(&p->mu);
}

static void *pull_main(void *arg)
{
	struct pull *p = arg;
	struct tug_endpoint *ep = NULL;
	struct tug_registry_opts o = { .progress = on_progress, .ctx = p, .cancel = &p->cancel };
	struct pull_result r = { 0 };

	snprintf(r.ref, sizeof(r.ref), "%s", p->ref);
	r.rc = backend_open_runtime(p->root, p->runroot, &ep, &r.err);
	if (r.rc == 0)
		r.rc = backend_image_pull(ep, p->ref, &o, r.id, &r.err);
	if (r.rc < 0 && !r.err.msg[0])
		tug_errf(&r.err, TUG_E_GENERIC, "pull %s failed without saying why", p->ref);
	backend_close(ep);
	pthread_mutex_lock(&p->mu);
	r.took_ns = mono_ns() - p->started_ns;
	p->res = r;
	p->ended = 1;
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void pull_free(struct pull *p)
{
	pthread_mutex_destroy(&p->mu);
	free(p->ref);
	free(p->root);
	free(p->runroot);
	free(p->blobs);
	free(p);
}

int pulls_start(struct pulls *ps, const char *root, const char *runroot, const char *ref, struct tug_err *err)
{
	struct pull *p, **tail = &ps->head;

	for (p = ps->head; p; p = p->next) {
		if (!strcmp(p->ref, ref))
			return tug_errf(err, TUG_E_CONFLICT, "%s is already being pulled", ref);
		tail = &p->next;
	}
	p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	p->ref = xstrdup(ref);
	p->root = root ? xstrdup(root) : NULL;
	p->runroot = runroot ? xstrdup(runroot) : NULL;
	p->started_ns = mono_ns();
	snprintf(p->line, sizeof(p->line), "connecting...");
	if (pthread_create(&p->th, NULL, pull_main, p) != 0) {
		pull_free(p);
		return tug_errf(err, TUG_E_GENERIC, "pull %s: cannot start a thread for it (out of memory?)", ref);
	}
	*tail = p;
	ps->n++;
	return 0;
}

int pulls_view(struct pulls *ps, size_t i, struct pull_view *v)
{
	struct pull *p = ps->head;

	while (p && i--)
		p = p->next;
	if (!p)
		return -1;
	memset(v, 0, sizeof(*v));
	pthread_mutex_lock(&p->mu);
	snprintf(v->ref, sizeof(v->ref), "%s", p->ref);
	snprintf(v->line, sizeof(v->line), "%s", p->line);
	v->started_ns = p->started_ns;
	int all_downloaded = p->nblobs > 0;
	int64_t dl = 0, dl_total = 0, ex = 0, ex_total = 0;
	for (size_t k = 0; k < p->nblobs; k++) {
		const struct blob *b = &p->blobs[k];
		v->blobs += b->layer;
		v->blobs_done += b->layer && b->finished;
		all_downloaded &= b->downloaded;
		if (b->dl_total > 0) {
			dl_total += b->dl_total;
			dl += b->downloaded ? b->dl_total : b->dl_done;
		}
		if (b->extracting && b->ex_total > 0) {
			ex_total += b->ex_total;
			ex += b->ex_done;
		}
	}
	if (all_downloaded && ex_total > 0) {
		v->extracting = 1;
		v->done = ex;
		v->total = ex_total;
	} else {
		v->done = dl;
		v->total = dl_total;
	}
	if (p->first_byte_ns && dl > 0) {
		double s = (double)(mono_ns() - p->first_byte_ns) / 1e9;
		v->rate = s > 0.05 ? (double)dl / s : 0;
	}
	pthread_mutex_unlock(&p->mu);
	return 0;
}

int pulls_reap(struct pulls *ps, struct pull_result *out)
{
	for (struct pull **pp = &ps->head; *pp; pp = &(*pp)->next) {
		struct pull *p = *pp;
		int ended;
		pthread_mutex_lock(&p->mu);
		ended = p->ended;
		pthread_mutex_unlock(&p->mu);
		if (!ended)
			continue;
		pthread_join(p->th, NULL);
		*out = p->res;
		*pp = p->next;
		ps->n--;
		pull_free(p);
		return 1;
	}
	return 0;
}

void pulls_cancel_all(struct pulls *ps)
{
	struct pull *p;

	for (p = ps->head; p; p = p->next)
		p->cancel = 1;
	while ((p = ps->head)) {
		pthread_join(p->th, NULL);
		ps->head = p->next;
		pull_free(p);
	}
	ps->n = 0;
}

double pull_view_fraction(const struct pull_view *v)
{
	if (v->total <= 0)
		return -1;
	double f = (double)v->done / (double)v->total;
	return f < 0 ? 0 : f > 1 ? 1 : f;
}

void pull_view_text(const struct pull_view *v, char *buf, size_t size)
{
	char d[32], t[32], r[32];
	double f = pull_view_fraction(v);
	size_t o;

	if (f < 0) {
		snprintf(buf, size, "%s", v->line);
		return;
	}
	fmt_size(d, sizeof(d), (double)v->done);
	fmt_size(t, sizeof(t), (double)v->total);
	o = (size_t)snprintf(buf, size, "%3d%%  %s%s / %s", (int)(f * 100), v->extracting ? "extracting " : "", d, t);
	if (o < size && v->rate > 0 && !v->extracting) {
		fmt_size(r, sizeof(r), v->rate);
		o += (size_t)snprintf(buf + o, size - o, "  %s/s", r);
	}
	if (o < size && v->blobs)
		snprintf(buf + o, size - o, "  %d/%d layers", v->blobs_done, v->blobs);
}
