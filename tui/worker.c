/* worker.c - job queue and the thread that runs backend calls. */
#include "worker.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct worker {
	pthread_t thread;
	pthread_mutex_t mu;        /* queues */
	pthread_cond_t cv;
	pthread_mutex_t ep_mu;     /* the endpoint: held while a job runs */
	struct job *todo, *todo_tail;
	struct job *done, *done_tail;
	int running;               /* a job is being run right now */
	int quit;
	int pipe[2];
	struct tug_endpoint *ep;
};

struct job *job_new(enum job_type type, int owner, enum tug_kind kind, const char *ref)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->type = type;
	j->owner = owner;
	j->kind = kind;
	j->ref = ref ? xstrdup(ref) : NULL;
	j->aopts.timeout_s = -1;
	return j;
}

void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->ref);
	free(j->ns);
	free(j->ctx);
	free(j->kubeconfig);
	free(j->root);
	free(j->runroot);
	for (size_t i = 0; i < j->nids; i++)
		free(j->ids[i]);
	free(j->ids);
	free(j->stats);
	free(j->stats_rc);
	tug_list_release(&j->list);
	json_decref(j->json);
	tug_logs_close(j->logs);
	if (j->watch)
		tug_watch_close(j->watch);
	create_spec_free(&j->create);
	free(j);
}

int host_sample_read(struct host_sample *h)
{
	char buf[4096];
	FILE *f;

	memset(h, 0, sizeof(*h));
	if ((f = fopen("/proc/stat", "re"))) {
		while (fgets(buf, sizeof(buf), f)) {
			unsigned long long v[10] = { 0 };
			if (!strncmp(buf, "cpu ", 4)) {
				sscanf(buf + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
				       &v[3], &v[4], &v[5], &v[6], &v[7]);
				/* idle and iowait are not busy */
				h->cpu_total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
				h->cpu_busy = h->cpu_total - v[3] - v[4];
			} else if (!strncmp(buf, "cpu", 3)) {
				h->ncpu++;
			}
		}
		fclose(f);
	}
	if ((f = fopen("/proc/meminfo", "re"))) {
		unsigned long long kb;
		while (fgets(buf, sizeof(buf), f)) {
			if (sscanf(buf, "MemTotal: %llu kB", &kb) == 1)
				h->mem_total = kb * 1024;
			else if (sscanf(buf, "MemAvailable: %llu kB", &kb) == 1)
				h->mem_avail = kb * 1024;
		}
		fclose(f);
	}
	h->valid = h->cpu_total && h->mem_total;
	return h->valid ? 0 : -1;
}

static void run_endpoint(struct worker *w, struct job *j)
{
	struct tug_endpoint *ep = NULL;

	if (!j->ctx || !strcmp(j->ctx, "local")) {
		j->rc = backend_open_runtime(j->root, j->runroot, &ep, &j->err);
	} else {
		const char *ctx = !strcmp(j->ctx, "kube") ? NULL : j->ctx;
		j->rc = backend_open_kube(j->kubeconfig, ctx, &ep, &j->err);
	}
	if (j->rc < 0)
		return;
	ep->readonly = j->readonly;
	snprintf(j->ep_name, sizeof(j->ep_name), "%s", ep->context ? ep->context : ep->name ? ep->name : "");
	snprintf(j->ep_kind, sizeof(j->ep_kind), "%s", ep->ops->name);
	snprintf(j->ep_ns, sizeof(j->ep_ns), "%s", ep->namespace ? ep->namespace : "");
	backend_close(w->ep);
	w->ep = ep;
}

static void run_create(struct tug_endpoint *ep, struct job *j)
{
	const struct create_spec *s = &j->create;
	char out[256] = "";

	if (j->kind == TUG_NETWORK) {
		struct tug_net_create_opts o = { .name = s->name, .driver = s->driver, .subnet = s->subnet,
						 .gateway = s->gateway, .internal = s->internal, .labels = s->labels };
		j->rc = backend_network_create(ep, &o, out, &j->err);
		/* the id is what came back; people know it by its name */
		snprintf(out, sizeof(out), "%s", s->name);
	} else {
		struct tug_volume_create_opts o = { .name = s->name, .driver = s->driver, .labels = s->labels };
		j->rc = backend_volume_create(ep, &o, out, &j->err);
	}
	if (j->rc == 0)
		j->ctx = xstrdup(out);
}

static void run(struct worker *w, struct job *j)
{
	struct tug_endpoint *ep = w->ep;

	j->started_ns = mono_ns();
	switch (j->type) {
	case JOB_LIST: {
		struct tug_list_opts o = { .all = j->all, .namespace = j->ns };
		j->rc = backend_list(ep, j->kind, &o, &j->list, &j->err);
		break;
	}
	case JOB_STATS:
		j->stats = xcalloc(j->nids ? j->nids : 1, sizeof(*j->stats));
		j->stats_rc = xcalloc(j->nids ? j->nids : 1, sizeof(int));
		for (size_t i = 0; i < j->nids; i++) {
			struct tug_err e = { 0 };
			j->stats_rc[i] = backend_stats(ep, j->kind, j->ids[i], &j->stats[i], &e);
			if (j->stats_rc[i] < 0 && !j->err.msg[0])
				j->err = e; /* the first failure explains the rest */
		}
		host_sample_read(&j->host);
		j->rc = 0;
		break;
	case JOB_ACTION:
		j->rc = backend_action(ep, j->kind, j->ref, j->act, &j->aopts, &j->err);
		break;
	case JOB_INSPECT:
		j->rc = backend_inspect(ep, j->kind, j->ref, &j->json, &j->err);
		break;
	case JOB_LOGS:
		j->logopts.container = j->ctx;
		j->rc = backend_logs(ep, j->kind, j->ref, &j->logopts, &j->logs, &j->err);
		break;
	case JOB_ENDPOINT:
		run_endpoint(w, j);
		break;
	case JOB_WATCH: {
		struct tug_list_opts o = { .all = j->all, .namespace = j->ns };
		j->rc = backend_watch(ep, j->kind, &o, &j->watch, &j->err);
		break;
	}
	case JOB_RENAME:
		j->rc = backend_rename(ep, j->ref, j->ctx, &j->err);
		break;
	case JOB_CREATE:
		run_create(ep, j);
		break;
	}
	if (j->rc < 0 && !j->err.msg[0])
		tug_errf(&j->err, TUG_E_GENERIC, "%s %s: the %s endpoint failed without saying why",
			 tug_kind_name(j->kind), j->ref ? j->ref : "list", ep && ep->ops ? ep->ops->name : "?");
	j->done_ns = mono_ns();
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct job *j;
		while (!w->todo && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->quit)
			break;
		j = w->todo;
		w->todo = j->next;
		if (!w->todo)
			w->todo_tail = NULL;
		j->next = NULL;
		w->running = 1;
		pthread_mutex_unlock(&w->mu);

		pthread_mutex_lock(&w->ep_mu);
		run(w, j);
		pthread_mutex_unlock(&w->ep_mu);

		pthread_mutex_lock(&w->mu);
		w->running = 0;
		if (w->done_tail)
			w->done_tail->next = j;
		else
			w->done = j;
		w->done_tail = j;
		/* a full pipe already says "results wait" */
		if (write(w->pipe[1], "", 1) < 0 && errno != EAGAIN) {
			/* nothing to do: the loop also drains on its next wake */
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct worker *worker_start(struct tug_endpoint *ep)
{
	struct worker *w = xcalloc(1, sizeof(*w));

	pthread_mutex_init(&w->mu, NULL);
	pthread_mutex_init(&w->ep_mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(w);
		return NULL;
	}
	w->ep = ep;
	if (pthread_create(&w->thread, NULL, thread_main, w) != 0) {
		close(w->pipe[0]);
		close(w->pipe[1]);
		free(w);
		return NULL;
	}
	return w;
}

static void free_chain(struct job *j)
{
	while (j) {
		struct job *n = j->next;
		job_free(j);
		j = n;
	}
}

struct tug_endpoint *worker_stop(struct worker *w)
{
	struct tug_endpoint *ep;

	if (!w)
		return NULL;
	pthread_mutex_lock(&w->mu);
	w->quit = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	free_chain(w->todo);
	free_chain(w->done);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->mu);
	pthread_mutex_destroy(&w->ep_mu);
	pthread_cond_destroy(&w->cv);
	ep = w->ep;
	free(w);
	return ep;
}

int worker_fd(struct worker *w)
{
	return w->pipe[0];
}

void worker_submit(struct worker *w, struct job *j)
{
	pthread_mutex_lock(&w->mu);
	j->next = NULL;
	if (w->todo_tail)
		w->todo_tail->next = j;
	else
		w->todo = j;
	w->todo_tail = j;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

struct job *worker_take(struct worker *w)
{
	struct job *j;
	char buf[64];

	while (read(w->pipe[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&w->mu);
	j = w->done;
	if (j) {
		w->done = j->next;
		if (!w->done)
			w->done_tail = NULL;
		j->next = NULL;
	}
	pthread_mutex_unlock(&w->mu);
	return j;
}

int worker_running(struct worker *w)
{
	int r;

	pthread_mutex_lock(&w->mu);
	r = w->running;
	pthread_mutex_unlock(&w->mu);
	return r;
}

struct tug_endpoint *worker_lock(struct worker *w)
{
	pthread_mutex_lock(&w->ep_mu);
	return w->ep;
}

void worker_unlock(struct worker *w)
{
	pthread_mutex_unlock(&w->ep_mu);
}
