/* registry-pull.c - `tug pull`: the manifest for this platform, then the
 * config and the layer blobs downloaded concurrently (curl multi, up to
 * MAX_DOWNLOADS at a time) while each layer is unpacked by its own thread
 * as its bytes arrive: the download lands in a file, the unpacker reads
 * that file behind it. Every blob is checked against its descriptor's
 * digest and size and every layer against the config's DiffID before
 * the image is published through the store's staging area, so a failed
 * or interrupted pull leaves nothing visible.
 *
 * Resuming: a layer blob is downloaded into root/tmp/pull/<hex>.part,
 * flock'ed while in use. A pull killed midway leaves it there; the next
 * pull of any image with that blob feeds the bytes it has to the
 * unpacker and asks the registry for the rest with a Range request. A
 * blob that fails its digest check is deleted; partial files untouched
 * for a week are swept. */
#include "runtime/image-store.h"
#include "runtime/image.h"
#include "runtime/imageref.h"
#include "runtime/ops.h"
#include "runtime/registry.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_DOWNLOADS 3
#define MAX_RETRIES 3
#define MAX_REDIRECTS 10
#define EVENT_EVERY_NS 100000000LL
#define PARTIAL_MAX_AGE (7 * 24 * 3600)

enum dl_state { DL_WAITING, DL_RUNNING, DL_DONE, DL_FAILED };

/* One blob download, shared by every layer made of that blob. */
struct dl {
	struct pull *p;
	struct reg_desc desc;
	char id[13];              /* short hex: the progress id */
	int is_config;
	char path[PATH_MAX];      /* the file receiving the blob */
	int fd;
	int resumable;            /* path is tmp/pull/<hex>.part, flock'ed by us */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int64_t written;          /* bytes in the file (under mu) */
	int state;                /* enum dl_state (under mu) */
	/* the blob's digest, computed here as bytes arrive so that the
	   unpacker's thread has one hash less to do */
	struct digest_ctx *dg;
	char got[DIGEST_STR_LEN + 1];
	/* the transfer */
	CURL *h;
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

/* One layer to stage, read from a download or from the stored blob. */
struct job {
	struct pull *p;
	size_t i;
	struct dl *dl;            /* NULL: the blob is in the store */
	int fd;                   /* the stored blob when dl is NULL */
	char stored[PATH_MAX];
	img_digest parent, chain, diff_id;
	int64_t pos;              /* bytes handed to the unpacker (atomic) */
	pthread_t thread;
	int started, finished;    /* finished: atomic, set by the thread */
	int reaped;
	int rc;
	struct img_blob blob;
	struct tug_err err;
	int64_t last_event;
};

struct pull {
	struct rt *rt;
	struct reg_client *c;
	const struct tug_registry_opts *o;
	struct image_ref ref;
	struct img_stage *st;
	struct reg_manifest m;
	CURLM *multi;
	struct dl **dls;          /* [0] is the config */
	size_t ndls;
	struct job *jobs;
	size_t njobs;
	int planned;              /* jobs made (the config is in) */
	char *config;
	size_t config_len;
	int abort;                /* atomic: every reader stops */
	int failed;
	struct tug_err err;
};

static int64_t now(void)
{
	return mono_ns();
}

static void short_id(const char *digest, char *out)
{
	snprintf(out, 13, "%.12s", img_hex(digest));
}

static int pull_fail(struct pull *p, const struct tug_err *e)
{
	if (!p->failed) {
		p->failed = 1;
		p->err = *e;
	}
	return -1;
}

static void dl_set_state(struct dl *d, int state)
{
	pthread_mutex_lock(&d->mu);
	d->state = state;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

/* Stop everything: readers wake up and fail. */
static void pull_abort(struct pull *p)
{
	__atomic_store_n(&p->abort, 1, __ATOMIC_SEQ_CST);
	for (size_t i = 0; i < p->ndls; i++) {
		struct dl *d = p->dls[i];
		pthread_mutex_lock(&d->mu);
		pthread_cond_broadcast(&d->cv);
		pthread_mutex_unlock(&d->mu);
	}
}

/* ---- partial files ---- */

static void sweep_partials(struct rt *rt)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	time_t t = time(NULL);
	DIR *d = opendir(img_path(rt, dir, sizeof(dir), "tmp/pull"));

	while (d && (de = readdir(d))) {
		struct stat st;
		int fd;
		if (de->d_name[0] == '.')
			continue;
		fs_join(path, sizeof(path), dir, de->d_name);
		if (lstat(path, &st) < 0 || t - st.st_mtime < PARTIAL_MAX_AGE)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlink(path);
		if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
}

/* Digest what a resumed partial file already has. */
static int hash_existing(struct dl *d, struct tug_err *err)
{
	char *buf = xmalloc(1 << 20);
	int64_t off = 0;
	ssize_t n = 0;

	while (off < d->written && (n = pread(d->fd, buf, 1 << 20, (off_t)off)) > 0) {
		if (off + n > d->written)
			n = (ssize_t)(d->written - off);
		digest_update(d->dg, buf, (size_t)n);
		off += n;
	}
	free(buf);
	if (off < d->written)
		return tug_errno(err, "read %s", d->path);
	return 0;
}

/* Open the file a download lands in: the shared partial file when no
 * other pull holds it, else a private one. */
static int dl_open_file(struct dl *d, struct tug_err *err)
{
	struct pull *p = d->p;
	char dir[PATH_MAX];
	struct stat st;

	if (!d->is_config && fs_mkdir_p(img_path(p->rt, dir, sizeof(dir), "tmp/pull"), 0700, err) == 0) {
		snprintf(d->path, sizeof(d->path), "%s/%s.part", dir, img_hex(d->desc.digest));
		d->fd = open(d->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (d->fd >= 0 && flock(d->fd, LOCK_EX | LOCK_NB) == 0 && fstat(d->fd, &st) == 0) {
			d->resumable = 1;
			d->written = st.st_size;
			if (d->written > d->desc.size) {
				/* not a prefix of this blob: start over */
				if (ftruncate(d->fd, 0) < 0)
					return tug_errno(err, "truncate %s", d->path);
				d->written = 0;
			}
			return hash_existing(d, err);
		}
		if (d->fd >= 0)
			close(d->fd);
	}
	tug_err_clear(err);
	img_stage_tmp(p->st, d->path, sizeof(d->path));
	d->fd = open(d->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (d->fd < 0)
		return tug_errno(err, "create %s", d->path);
	d->written = 0;
	return 0;
}

/* ---- transfers ---- */

static size_t dl_write(char *data, size_t size, size_t n, void *ctx)
{
	struct dl *d = ctx;
	size_t len = size * n;

	if (!d->status)
		curl_easy_getinfo(d->h, CURLINFO_RESPONSE_CODE, &d->status);
	if (d->status < 200 || d->status > 299) {
		if (d->errbody.len < 65536)
			sbuf_add(&d->errbody, data, len);
		return len;
	}
	if (!d->started_body) {
		d->started_body = 1;
		if (d->status == 206) {
			struct curl_header *hd;
			char want[64];
			snprintf(want, sizeof(want), "bytes %lld-", (long long)d->written);
			if (curl_easy_header(d->h, "Content-Range", 0, CURLH_HEADER, -1, &hd) != CURLHE_OK ||
			    !str_has_prefix(hd->value, want)) {
				tug_errf(&d->err, TUG_E_GENERIC, "blob %s: the registry answered a range "
					 "request with another range", d->desc.digest);
				return 0;
			}
		} else {
			/* a full answer: what the file has is its beginning */
			d->discard = d->written;
		}
	}
	if (d->discard > 0) {
		size_t skip = (int64_t)len < d->discard ? len : (size_t)d->discard;
		d->discard -= (int64_t)skip;
		data += skip;
		len -= skip;
		if (!len)
			return size * n;
	}
	if (d->written + (int64_t)len > d->desc.size) {
		tug_errf(&d->err, TUG_E_INVALID, "blob %s: the registry sent more than its %lld bytes",
			 d->desc.digest, (long long)d->desc.size);
		return 0;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = pwrite(d->fd, data + off, len - off, (off_t)(d->written + (int64_t)off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			tug_errno(&d->err, "write %s", d->path);
			return 0;
		}
		off += (size_t)w;
	}
	digest_update(d->dg, data, len);
	pthread_mutex_lock(&d->mu);
	d->written += (int64_t)len;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	return size * n;
}

static void dl_stop_transfer(struct dl *d)
{
	if (d->h) {
		curl_multi_remove_handle(d->p->multi, d->h);
		curl_easy_cleanup(d->h);
		d->h = NULL;
	}
	curl_slist_free_all(d->hdrs);
	d->hdrs = NULL;
}

static int dl_start_transfer(struct dl *d, struct tug_err *err)
{
	struct pull *p = d->p;
	struct curl_slist *extra = NULL;
	char range[64];

	dl_stop_transfer(d);
	d->h = curl_easy_init();
	if (!d->h)
		return tug_errf(err, TUG_E_GENERIC, "cannot create a libcurl handle");
	reg_easy_setup(p->c, d->h);
	if (d->written > 0 && !d->no_range) {
		snprintf(range, sizeof(range), "Range: bytes=%lld-", (long long)d->written);
		extra = curl_slist_append(extra, range);
	}
	d->hdrs = reg_headers(p->c, d->url, extra);
	curl_slist_free_all(extra);
	d->status = 0;
	d->started_body = 0;
	d->discard = 0;
	sbuf_release(&d->errbody);
	curl_easy_setopt(d->h, CURLOPT_URL, d->url);
	curl_easy_setopt(d->h, CURLOPT_HTTPHEADER, d->hdrs);
	curl_easy_setopt(d->h, CURLOPT_WRITEFUNCTION, dl_write);
	curl_easy_setopt(d->h, CURLOPT_WRITEDATA, d);
	curl_easy_setopt(d->h, CURLOPT_PRIVATE, d);
	curl_easy_setopt(d->h, CURLOPT_BUFFERSIZE, 512L * 1024);
	if (curl_multi_add_handle(p->multi, d->h) != CURLM_OK)
		return tug_errf(err, TUG_E_GENERIC, "cannot start the download of %s", d->desc.digest);
	return 0;
}

/* The download is complete: its digest, then readers may see the end. */
static void dl_done(struct dl *d)
{
	digest_final(d->dg, d->got);
	d->dg = NULL;
	dl_set_state(d, DL_DONE);
}

static int dl_start(struct dl *d, struct tug_err *err)
{
	char path[300];

	d->dg = digest_new();
	if (dl_open_file(d, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/v2/%s/blobs/%s", d->p->ref.path, d->desc.digest);
	d->url = reg_url(d->p->c, path);
	dl_set_state(d, DL_RUNNING);
	if (d->written == d->desc.size) {
		/* a previous pull got it all: the reader checks it */
		if (!d->is_config)
			reg_event(d->p->c, d->id, "Download complete", -1, -1);
		dl_done(d);
		return 0;
	}
	if (d->written > 0 && !d->is_config)
		reg_event(d->p->c, d->id, "Resuming", d->written, d->desc.size);
	return dl_start_transfer(d, err);
}

static int dl_fail(struct dl *d, struct tug_err *e)
{
	d->err = *e;
	dl_set_state(d, DL_FAILED);
	return pull_fail(d->p, e);
}

static int check_config(struct dl *d, struct tug_err *err);

/* A transfer ended: done, or restarted (redirect, new token, retry), or
 * failed. */
static int dl_finished(struct dl *d, CURLcode rc)
{
	struct pull *p = d->p;
	struct tug_err e = { 0 };
	long status = 0;

	curl_easy_getinfo(d->h, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK) {
		if (rc == CURLE_ABORTED_BY_CALLBACK && reg_canceled(p->c))
			tug_errf(&e, TUG_E_GENERIC, "canceled");
		else if (d->err.msg[0])
			e = d->err;
		else if (++d->retries <= MAX_RETRIES && rc != CURLE_WRITE_ERROR)
			return dl_start_transfer(d, &e) < 0 ? dl_fail(d, &e) : 0;
		else
			tug_errf(&e, TUG_E_GENERIC, "blob %s: %s", d->desc.digest, curl_easy_strerror(rc));
		return dl_fail(d, &e);
	}
	if (status >= 200 && status <= 299) {
		if (d->written < d->desc.size) {
			/* the connection ended early: continue from where it stopped */
			if (++d->retries <= MAX_RETRIES)
				return dl_start_transfer(d, &e) < 0 ? dl_fail(d, &e) : 0;
			tug_errf(&e, TUG_E_GENERIC, "blob %s: the registry sent %lld of its %lld bytes",
				 d->desc.digest, (long long)d->written, (long long)d->desc.size);
			return dl_fail(d, &e);
		}
		dl_stop_transfer(d);
		if (d->is_config && check_config(d, &e) < 0)
			return dl_fail(d, &e);
		if (!d->is_config)
			reg_event(p->c, d->id, "Download complete", -1, -1);
		dl_done(d);
		return 0;
	}
	if (status >= 300 && status <= 399) {
		struct curl_header *hd;
		char *to = NULL;
		if (curl_easy_header(d->h, "Location", 0, CURLH_HEADER, -1, &hd) == CURLHE_OK &&
		    ++d->redirects <= MAX_REDIRECTS) {
			/* the new URL gets our Authorization only if it is the registry's */
			char *eff = NULL;
			CURLU *u = curl_url();
			curl_easy_getinfo(d->h, CURLINFO_EFFECTIVE_URL, &eff);
			if (u && curl_url_set(u, CURLUPART_URL, eff ? eff : d->url, 0) == CURLUE_OK &&
			    curl_url_set(u, CURLUPART_URL, hd->value, 0) == CURLUE_OK)
				curl_url_get(u, CURLUPART_URL, &to, 0);
			curl_url_cleanup(u);
		}
		if (to) {
			free(d->url);
			d->url = xstrdup(to);
			curl_free(to);
			return dl_start_transfer(d, &e) < 0 ? dl_fail(d, &e) : 0;
		}
	}
	if (status == 401 && !d->reauthed && reg_same_origin(d->url, reg_base(p->c))) {
		struct curl_header *hd;
		d->reauthed = 1;
		if (curl_easy_header(d->h, "WWW-Authenticate", 0, CURLH_HEADER, -1, &hd) == CURLHE_OK &&
		    reg_auth_challenge(p->c, hd->value, &e) < 0)
			return dl_fail(d, &e);
		return dl_start_transfer(d, &e) < 0 ? dl_fail(d, &e) : 0;
	}
	if (status == 416 && d->written > 0 && !d->no_range) {
		d->no_range = 1;
		return dl_start_transfer(d, &e) < 0 ? dl_fail(d, &e) : 0;
	}
	{
		struct reg_resp r = { .status = status, .body = d->errbody };
		char msg[512];
		reg_resp_message(&r, msg, sizeof(msg));
		tug_errf(&e, status == 404 ? TUG_E_NOTFOUND : status == 401 || status == 403 ?
			 TUG_E_PERM : TUG_E_GENERIC, "blob %s: %s", d->desc.digest, msg);
	}
	return dl_fail(d, &e);
}

/* ---- the config ---- */

static int check_config(struct dl *d, struct tug_err *err)
{
	struct pull *p = d->p;
	char got[DIGEST_STR_LEN + 1];
	size_t len;

	if (fs_read_all(d->path, &p->config, &len, err) < 0)
		return -1;
	p->config_len = len;
	digest_buf(p->config, len, got);
	if (strcmp(got, d->desc.digest) || (int64_t)len != d->desc.size)
		return tug_errf(err, TUG_E_INVALID, "config %s: digest mismatch: the registry sent %zu "
				"bytes with digest %s", d->desc.digest, len, got);
	return 0;
}

/* ---- unpacking ---- */

static ssize_t job_read(void *ctx, void *buf, size_t len)
{
	struct job *j = ctx;
	struct dl *d = j->dl;
	int64_t pos = __atomic_load_n(&j->pos, __ATOMIC_RELAXED), avail;
	ssize_t n;

	if (!d) {
		n = read(j->fd, buf, len);
	} else {
		pthread_mutex_lock(&d->mu);
		while (pos >= d->written && d->state == DL_RUNNING &&
		       !__atomic_load_n(&j->p->abort, __ATOMIC_SEQ_CST))
			pthread_cond_wait(&d->cv, &d->mu);
		avail = d->written - pos;
		if (avail <= 0) {
			int ok = d->state == DL_DONE && !__atomic_load_n(&j->p->abort, __ATOMIC_SEQ_CST);
			pthread_mutex_unlock(&d->mu);
			if (ok)
				return 0;
			errno = ECANCELED;
			return -1;
		}
		pthread_mutex_unlock(&d->mu);
		n = pread(d->fd, buf, (int64_t)len < avail ? len : (size_t)avail, (off_t)pos);
	}
	if (n > 0)
		__atomic_store_n(&j->pos, pos + n, __ATOMIC_RELAXED);
	return n;
}

static void *job_main(void *arg)
{
	struct job *j = arg;
	struct pull *p = j->p;

	j->rc = img_stage_layer_read(p->st, job_read, j, j->dl ? j->dl->got : NULL,
				     j->dl ? j->dl->path : j->stored, j->parent, j->diff_id, j->chain,
				     &j->blob, &j->err);
	__atomic_store_n(&j->finished, 1, __ATOMIC_SEQ_CST);
	curl_multi_wakeup(p->multi);
	return NULL;
}

static int job_start(struct job *j, struct tug_err *err)
{
	if (pthread_create(&j->thread, NULL, job_main, j) != 0)
		return tug_errf(err, TUG_E_GENERIC, "cannot start a thread to unpack layer %zu", j->i + 1);
	j->started = 1;
	return 0;
}

static struct dl *find_dl(struct pull *p, const char *digest)
{
	for (size_t i = 1; i < p->ndls; i++)
		if (!strcmp(p->dls[i]->desc.digest, digest))
			return p->dls[i];
	return NULL;
}

static int store_has(struct rt *rt, const char *what, const char *digest)
{
	char path[PATH_MAX];
	struct stat st;

	return lstat(img_path(rt, path, sizeof(path), "%s/%s", what, img_hex(digest)), &st) == 0;
}

/* The config is in: decide what each layer needs. */
static int plan_jobs(struct pull *p, struct tug_err *err)
{
	json_error_t je;
	json_t *cfg = json_loadb(p->config, p->config_len, 0, &je), *ids;
	char parent[DIGEST_STR_LEN + 1] = "";
	int rc = -1;

	ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	if (!json_is_object(cfg)) {
		tug_errf(err, TUG_E_INVALID, "the image config is not a JSON object (%s)", je.text);
		goto out;
	}
	if (json_array_size(ids) != p->m.nlayers) {
		tug_errf(err, TUG_E_INVALID, "the manifest lists %zu layers, the config %zu DiffIDs",
			 p->m.nlayers, json_array_size(ids));
		goto out;
	}
	p->jobs = xcalloc(p->m.nlayers + 1, sizeof(*p->jobs));
	for (size_t i = 0; i < p->m.nlayers; i++) {
		const struct reg_desc *l = &p->m.layers[i];
		const char *diff = json_string_value(json_array_get(ids, i));
		img_digest chain;
		char id[13];
		struct job *j;
		if (!diff || !digest_valid(diff)) {
			tug_errf(err, TUG_E_INVALID, "the image config's DiffID %zu is not a sha256 digest",
				 i + 1);
			goto out;
		}
		img_chain_id(parent, diff, chain);
		short_id(l->digest, id);
		if (store_has(p->rt, "blobs/sha256", l->digest) && store_has(p->rt, "layers", chain)) {
			reg_event(p->c, id, "Already exists", -1, -1);
		} else {
			j = &p->jobs[p->njobs++];
			j->p = p;
			j->i = i;
			j->fd = -1;
			memcpy(j->parent, parent, sizeof(j->parent));
			memcpy(j->chain, chain, sizeof(chain));
			snprintf(j->diff_id, sizeof(j->diff_id), "%s", diff);
			j->dl = find_dl(p, l->digest);
			if (!j->dl) {
				img_path(p->rt, j->stored, sizeof(j->stored), "blobs/sha256/%s",
					 img_hex(l->digest));
				j->fd = open(j->stored, O_RDONLY | O_CLOEXEC);
				if (j->fd < 0) {
					tug_errno(err, "open %s (removed meanwhile? pull again)", j->stored);
					goto out;
				}
			}
		}
		memcpy(parent, chain, sizeof(chain));
	}
	p->planned = 1;
	rc = 0;
out:
	json_decref(cfg);
	return rc;
}

/* A finished job: its blob must be the one the manifest names. */
static int job_check(struct pull *p, struct job *j, struct tug_err *err)
{
	const struct reg_desc *l = &p->m.layers[j->i];
	char got[DIGEST_STR_LEN + 1];
	long long size;

	if (j->rc == 0 && !strcmp(j->blob.digest, l->digest) && j->blob.size == l->size)
		return 0;
	if (j->rc == 0) {
		snprintf(got, sizeof(got), "%s", j->blob.digest);
		size = j->blob.size;
	} else if (!j->dl || j->dl->state != DL_DONE || !strcmp(j->dl->got, l->digest)) {
		/* the blob is right (or not ours to judge): the layer itself is bad */
		*err = j->err;
		return tug_err_wrap(err, "layer %s", l->digest);
	} else {
		snprintf(got, sizeof(got), "%s", j->dl->got);
		size = j->dl->written;
	}
	/* a corrupt download must not be resumed from */
	if (j->dl && j->dl->resumable)
		unlink(j->dl->path);
	return tug_errf(err, TUG_E_INVALID, "layer %s: digest mismatch: the registry sent %lld bytes "
			"with digest %s (expected %lld bytes)", l->digest, size, got, (long long)l->size);
}

/* ---- the loop ---- */

static void emit_progress(struct pull *p)
{
	int64_t t = now();

	for (size_t i = 1; i < p->ndls; i++) {
		struct dl *d = p->dls[i];
		int64_t w;
		if (d->state != DL_RUNNING || t - d->last_event < EVENT_EVERY_NS)
			continue;
		pthread_mutex_lock(&d->mu);
		w = d->written;
		pthread_mutex_unlock(&d->mu);
		d->last_event = t;
		reg_event(p->c, d->id, "Downloading", w, d->desc.size);
	}
	for (size_t i = 0; i < p->njobs; i++) {
		struct job *j = &p->jobs[i];
		char id[13];
		if (!j->started || j->reaped || (j->dl && j->dl->state != DL_DONE) ||
		    t - j->last_event < EVENT_EVERY_NS)
			continue;
		j->last_event = t;
		short_id(p->m.layers[j->i].digest, id);
		reg_event(p->c, id, "Extracting", __atomic_load_n(&j->pos, __ATOMIC_RELAXED),
			  p->m.layers[j->i].size);
	}
}

static int start_waiting(struct pull *p)
{
	size_t running = 0;
	struct tug_err e = { 0 };

	for (size_t i = 1; i < p->ndls; i++)
		running += p->dls[i]->state == DL_RUNNING;
	for (size_t i = 1; i < p->ndls && running < MAX_DOWNLOADS; i++) {
		struct dl *d = p->dls[i];
		if (d->state != DL_WAITING)
			continue;
		if (dl_start(d, &e) < 0)
			return dl_fail(d, &e);
		running += d->state == DL_RUNNING;
	}
	return 0;
}

static int start_jobs(struct pull *p)
{
	struct tug_err e = { 0 };

	for (size_t i = 0; i < p->njobs; i++) {
		struct job *j = &p->jobs[i];
		if (!j->started && (!j->dl || j->dl->state != DL_WAITING) && job_start(j, &e) < 0)
			return pull_fail(p, &e);
	}
	return 0;
}

static int reap_jobs(struct pull *p, int *left)
{
	struct tug_err e = { 0 };

	*left = 0;
	for (size_t i = 0; i < p->njobs; i++) {
		struct job *j = &p->jobs[i];
		char id[13];
		if (j->reaped)
			continue;
		if (!j->started || !__atomic_load_n(&j->finished, __ATOMIC_SEQ_CST)) {
			(*left)++;
			continue;
		}
		/* a failed unpack of a download still arriving: wait for all of
		   it, a digest error explains a broken stream best */
		if (j->rc < 0 && j->dl && j->dl->state == DL_RUNNING && !p->failed) {
			(*left)++;
			continue;
		}
		pthread_join(j->thread, NULL);
		j->reaped = 1;
		if (p->failed)
			continue;
		if (job_check(p, j, &e) < 0)
			return pull_fail(p, &e);
		short_id(p->m.layers[j->i].digest, id);
		reg_event(p->c, id, "Pull complete", -1, -1);
	}
	return 0;
}

static void handle_messages(struct pull *p)
{
	CURLMsg *msg;
	int n;

	while ((msg = curl_multi_info_read(p->multi, &n))) {
		struct dl *d = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&d);
		if (d)
			dl_finished(d, msg->data.result);
	}
}

static int run(struct pull *p)
{
	struct tug_err e = { 0 };
	int running, left = 1;

	if (dl_start(p->dls[0], &e) < 0)
		return dl_fail(p->dls[0], &e);
	if (start_waiting(p) < 0)
		return -1;
	while (!p->failed) {
		if (reg_canceled(p->c)) {
			tug_errf(&e, TUG_E_GENERIC, "canceled");
			pull_fail(p, &e);
			break;
		}
		curl_multi_perform(p->multi, &running);
		handle_messages(p);
		if (p->failed)
			break;
		if (!p->planned && p->dls[0]->state == DL_DONE && plan_jobs(p, &e) < 0) {
			pull_fail(p, &e);
			break;
		}
		if (start_waiting(p) < 0)
			break;
		if (p->planned && (start_jobs(p) < 0 || reap_jobs(p, &left) < 0))
			break;
		if (p->planned && !left)
			return 0;
		emit_progress(p);
		curl_multi_poll(p->multi, NULL, 0, 100, NULL);
	}
	return -1;
}

/* ---- the pull ---- */

static void pull_release(struct pull *p)
{
	pull_abort(p);
	for (size_t i = 0; i < p->njobs; i++) {
		struct job *j = &p->jobs[i];
		if (j->started && !j->reaped)
			pthread_join(j->thread, NULL);
		if (j->fd >= 0)
			close(j->fd);
	}
	free(p->jobs);
	for (size_t i = 0; i < p->ndls; i++) {
		struct dl *d = p->dls[i];
		dl_stop_transfer(d);
		if (d->fd >= 0)
			close(d->fd); /* drops the partial file's lock */
		free(d->url);
		digest_free(d->dg);
		sbuf_release(&d->errbody);
		pthread_mutex_destroy(&d->mu);
		pthread_cond_destroy(&d->cv);
		free(d);
	}
	free(p->dls);
	if (p->multi)
		curl_multi_cleanup(p->multi);
	free(p->config);
	reg_manifest_release(&p->m);
}

static struct dl *dl_new(struct pull *p, const struct reg_desc *desc, int is_config)
{
	struct dl *d = xcalloc(1, sizeof(*d));

	d->p = p;
	d->desc = *desc;
	d->is_config = is_config;
	d->fd = -1;
	short_id(desc->digest, d->id);
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	p->dls = xrealloc(p->dls, (p->ndls + 1) * sizeof(*p->dls));
	p->dls[p->ndls++] = d;
	return d;
}

/* After a publish, the partial files that were not renamed into the
 * store (it had the blob already) go. */
static void drop_partials(struct pull *p)
{
	for (size_t i = 1; i < p->ndls; i++) {
		struct dl *d = p->dls[i];
		struct stat a, b;
		if (d->resumable && d->fd >= 0 && fstat(d->fd, &a) == 0 && lstat(d->path, &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			unlink(d->path);
	}
}

static int image_complete(struct pull *p)
{
	char path[PATH_MAX];
	struct stat st;

	if (stat(img_path(p->rt, path, sizeof(path), "images/%s", img_hex(p->m.config.digest)), &st) < 0)
		return 0;
	for (size_t i = 0; i < p->m.nlayers; i++)
		if (!store_has(p->rt, "blobs/sha256", p->m.layers[i].digest))
			return 0;
	return 1;
}

static int fetch_and_stage(struct pull *p, char *id_out, int *fresh, char *const *keys,
			   size_t nkeys, struct tug_err *err)
{
	if (image_complete(p)) {
		/* only the names change */
		*fresh = 0;
		if (img_config_read(p->rt, p->m.config.digest, &p->config, &p->config_len, err) < 0)
			return -1;
	} else {
		*fresh = 1;
		p->multi = curl_multi_init();
		if (!p->multi)
			return tug_errf(err, TUG_E_GENERIC, "cannot create a libcurl multi handle");
		dl_new(p, &p->m.config, 1);
		for (size_t i = 0; i < p->m.nlayers; i++) {
			const struct reg_desc *l = &p->m.layers[i];
			char id[13];
			short_id(l->digest, id);
			if (!store_has(p->rt, "blobs/sha256", l->digest) && !find_dl(p, l->digest)) {
				dl_new(p, l, 0);
				reg_event(p->c, id, p->ndls - 1 > MAX_DOWNLOADS ? "Waiting" : "Pulling fs layer",
					  -1, -1);
			}
		}
		if (run(p) < 0) {
			*err = p->err;
			return -1;
		}
	}
	return img_stage_image(p->st, p->config, p->config_len, p->m.raw, p->m.len, NULL, 0, keys,
			       nkeys, id_out, err);
}

int rt_img_pull(struct rt *rt, const char *ref, const struct tug_registry_opts *o, char *id_out,
		struct tug_err *err)
{
	static const struct tug_registry_opts none = { 0 };
	struct pull p = { .rt = rt, .o = o ? o : &none };
	struct reg_platform want;
	char repo[2 * IMAGE_REF_MAX], top[DIGEST_STR_LEN + 1], key[2][2 * IMAGE_REF_MAX + 80];
	char shown[2 * IMAGE_REF_MAX + 80], *keys[2];
	const char *reference;
	size_t nkeys = 0;
	int fresh = 0, rc = -1;

	shown[0] = '\0';
	if (image_ref_parse(ref, &p.ref, err) < 0)
		return -1;
	if (p.o->platform) {
		if (reg_platform_parse(p.o->platform, &want, err) < 0)
			return -1;
	} else {
		reg_platform_host(&want);
	}
	image_ref_repo(&p.ref, repo, sizeof(repo));
	reference = p.ref.digest[0] ? p.ref.digest : p.ref.tag[0] ? p.ref.tag : "latest";
	if (p.ref.digest[0])
		snprintf(shown, sizeof(shown), "%s@%s", repo, p.ref.digest);
	else
		snprintf(shown, sizeof(shown), "%s:%s", repo, reference);
	if (reg_open(p.ref.domain, p.ref.path, "pull", p.o, &p.c, err) < 0)
		goto fail;
	reg_msg(p.c, "%s: Pulling from %s", reference, p.ref.path);
	if (reg_manifest_fetch(p.c, p.ref.path, reference, &want, &p.m, top, err) < 0)
		goto fail;
	if (!p.ref.digest[0]) {
		snprintf(key[nkeys], sizeof(key[0]), "%s:%s", repo, reference);
		keys[nkeys] = key[nkeys];
		nkeys++;
	}
	snprintf(key[nkeys], sizeof(key[0]), "%s@%s", repo, top);
	keys[nkeys] = key[nkeys];
	nkeys++;
	sweep_partials(rt);
	if (img_stage_new(rt, &p.st, err) < 0)
		goto fail;
	if (fetch_and_stage(&p, id_out, &fresh, keys, nkeys, err) < 0 ||
	    img_stage_publish(p.st, NULL, NULL, err) < 0)
		goto fail;
	drop_partials(&p);
	reg_msg(p.c, "Digest: %s", top);
	reg_msg(p.c, "Status: %s for %s", fresh ? "Downloaded newer image" : "Image is up to date", shown);
	rc = 0;
	goto out;
fail:
	tug_err_wrap(err, "pull %s", shown[0] ? shown : ref);
out:
	pull_release(&p);
	img_stage_free(p.st);
	reg_close(p.c);
	return rc;
}

/* ---- implicit pulls: run and create ---- */

int rt_img_get_pull(struct rt *rt, const struct tug_create_opts *o, struct rt_image *img,
		    struct tug_err *err)
{
	const char *policy = o->pull ? o->pull : "missing";
	const struct tug_registry_opts *ro = o->pull_opts;
	struct image_ref r;
	struct tug_err perr = { 0 };
	char id[DIGEST_STR_LEN + 8], key[2 * IMAGE_REF_MAX + 80];

	if (strcmp(policy, "missing") && strcmp(policy, "always") && strcmp(policy, "never"))
		return tug_errf(err, TUG_E_INVALID, "invalid pull policy \"%s\": use missing, always "
				"or never", policy);
	if (!strcmp(policy, "always")) {
		if (rt_img_pull(rt, o->image, ro, id, err) < 0)
			return -1;
		return rt_image_get(rt, o->image, img, err);
	}
	if (rt_image_get(rt, o->image, img, err) == 0)
		return 0;
	/* ids and digests of images we do not have name nothing to pull */
	if (err->code != TUG_E_NOTFOUND || !strcmp(policy, "never") ||
	    str_has_prefix(o->image, "sha256:") || image_ref_parse(o->image, &r, &perr) < 0)
		return -1;
	if (ro && ro->progress) {
		char line[2 * IMAGE_REF_MAX + 120];
		snprintf(line, sizeof(line), "Unable to find image '%s' locally",
			 image_ref_key(&r, key, sizeof(key)));
		ro->progress(ro->ctx, NULL, line, -1, -1);
	}
	tug_err_clear(err);
	if (rt_img_pull(rt, o->image, ro, id, err) < 0)
		return -1;
	return rt_image_get(rt, o->image, img, err);
}
