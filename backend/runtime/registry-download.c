/* registry-download.c - the blob downloads of a pull: transfers on one
 * curl multi handle, each landing in a file that readers in other threads
 * follow as it grows (dl_read), with the blob's digest computed as its
 * bytes arrive. A layer blob goes to root/tmp/pull/<hex>.part, flock'ed
 * while in use: a pull killed midway leaves it there, and the next pull of
 * any image with that blob feeds what it has to its reader and asks the
 * registry for the rest with a Range request. Redirects are followed
 * without the registry's Authorization reaching another host; a 401
 * (expired token) authenticates again; dropped connections resume. */
#include "runtime/image-store.h"
#include "runtime/registry-download.h"
#include "util/fs.h"
#include "util/str.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_RETRIES 3
#define MAX_REDIRECTS 10
#define EVENT_EVERY_NS 100000000LL
#define PARTIAL_MAX_AGE (7 * 24 * 3600)

static void dl_set_state(struct dl *d, int state)
{
	pthread_mutex_lock(&d->mu);
	d->state = state;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

/* ---- partial files ---- */

void dl_sweep_partials(struct rt *rt)
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
	struct dl_set *s = d->set;
	char dir[PATH_MAX];
	struct stat st;

	if (!d->verify && fs_mkdir_p(img_path(s->rt, dir, sizeof(dir), "tmp/pull"), 0700, err) == 0) {
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
	img_stage_tmp(s->st, d->path, sizeof(d->path));
	d->fd = open(d->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (d->fd < 0)
		return tug_errno(err, "create %s", d->path);
	d->written = 0;
	return 0;
}

static int dl_fail(struct dl *d, struct tug_err *e);

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
		curl_multi_remove_handle(d->set->multi, d->h);
		curl_easy_cleanup(d->h);
		d->h = NULL;
	}
	curl_slist_free_all(d->hdrs);
	d->hdrs = NULL;
}

static int dl_start_transfer(struct dl *d, struct tug_err *err)
{
	struct dl_set *s = d->set;
	struct curl_slist *extra = NULL;
	char range[64];

	dl_stop_transfer(d);
	d->h = curl_easy_init();
	if (!d->h)
		return tug_errf(err, TUG_E_GENERIC, "cannot create a libcurl handle");
	reg_easy_setup(s->c, d->h);
	if (d->written > 0 && !d->no_range) {
		snprintf(range, sizeof(range), "Range: bytes=%lld-", (long long)d->written);
		extra = curl_slist_append(extra, range);
	}
	d->hdrs = reg_headers(s->c, d->url, extra);
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
	if (curl_multi_add_handle(s->multi, d->h) != CURLM_OK)
		return tug_errf(err, TUG_E_GENERIC, "cannot start the download of %s", d->desc.digest);
	return 0;
}

/* A verified download must hold exactly what its descriptor names. */
static int dl_verify(struct dl *d, struct tug_err *err)
{
	if (d->verify && (strcmp(d->got, d->desc.digest) || d->written != d->desc.size))
		return tug_errf(err, TUG_E_INVALID, "blob %s: digest mismatch: the registry sent %lld "
				"bytes with digest %s", d->desc.digest, (long long)d->written, d->got);
	return 0;
}

/* The download is complete: its digest, then readers may see the end. */
static int dl_done(struct dl *d)
{
	struct tug_err e = { 0 };

	digest_final(d->dg, d->got);
	d->dg = NULL;
	if (dl_verify(d, &e) < 0)
		return dl_fail(d, &e);
	if (!d->quiet)
		reg_event(d->set->c, d->id, "Download complete", -1, -1);
	dl_set_state(d, DL_DONE);
	return 0;
}

int dl_start(struct dl *d, struct tug_err *err)
{
	char path[300];

	d->dg = digest_new();
	if (dl_open_file(d, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/v2/%s/blobs/%s", d->set->repo, d->desc.digest);
	d->url = reg_url(d->set->c, path);
	dl_set_state(d, DL_RUNNING);
	if (d->written == d->desc.size)
		return dl_done(d); /* a previous pull got it all */
	if (d->written > 0 && !d->quiet)
		reg_event(d->set->c, d->id, "Resuming", d->written, d->desc.size);
	return dl_start_transfer(d, err);
}

int dl_set_fail(struct dl_set *s, const struct tug_err *e)
{
	if (!s->failed) {
		s->failed = 1;
		s->err = *e;
	}
	return -1;
}

static int dl_fail(struct dl *d, struct tug_err *e)
{
	d->err = *e;
	dl_set_state(d, DL_FAILED);
	return dl_set_fail(d->set, e);
}

/* A transfer ended: done, or restarted (redirect, new token, retry), or
 * failed. */
static int dl_finished(struct dl *d, CURLcode rc)
{
	struct dl_set *s = d->set;
	struct tug_err e = { 0 };
	long status = 0;

	curl_easy_getinfo(d->h, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK) {
		if (rc == CURLE_ABORTED_BY_CALLBACK && reg_canceled(s->c))
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
		return dl_done(d);
	}
	if (status >= 300 && status <= 399) {
		struct curl_header *hd;
		char *to = NULL;
		/* the new URL gets our Authorization only if it is the registry's
		   (reg_headers decides) */
		if (curl_easy_header(d->h, "Location", 0, CURLH_HEADER, -1, &hd) == CURLHE_OK &&
		    ++d->redirects <= MAX_REDIRECTS)
			to = reg_resolve_url(d->url, hd->value);
		if (to) {
			free(d->url);
			d->url = to;
			return dl_start_transfer(d, &e) < 0 ? dl_fail(d, &e) : 0;
		}
	}
	if (status == 401 && !d->reauthed && reg_same_origin(d->url, reg_base(s->c))) {
		struct curl_header *hd;
		d->reauthed = 1;
		if (curl_easy_header(d->h, "WWW-Authenticate", 0, CURLH_HEADER, -1, &hd) == CURLHE_OK &&
		    reg_auth_challenge(s->c, hd->value, &e) < 0)
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

/* ---- the set ---- */

int dl_set_init(struct dl_set *s, struct rt *rt, struct reg_client *c, struct img_stage *st,
		const char *repo, struct tug_err *err)
{
	memset(s, 0, sizeof(*s));
	s->rt = rt;
	s->c = c;
	s->st = st;
	s->repo = repo;
	s->multi = curl_multi_init();
	if (!s->multi)
		return tug_errf(err, TUG_E_GENERIC, "cannot create a libcurl multi handle");
	return 0;
}

struct dl *dl_add(struct dl_set *s, const struct reg_desc *desc, int verify)
{
	struct dl *d = xcalloc(1, sizeof(*d));

	d->set = s;
	d->desc = *desc;
	d->verify = d->quiet = verify;
	d->fd = -1;
	snprintf(d->id, sizeof(d->id), "%.12s", img_hex(desc->digest));
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = d;
	return d;
}

struct dl *dl_find(struct dl_set *s, const char *digest)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i]->desc.digest, digest))
			return s->v[i];
	return NULL;
}

int dl_start_waiting(struct dl_set *s, size_t max)
{
	struct tug_err e = { 0 };
	size_t running = 0;

	for (size_t i = 0; i < s->n; i++)
		running += s->v[i]->state == DL_RUNNING;
	for (size_t i = 0; i < s->n && running < max; i++) {
		struct dl *d = s->v[i];
		if (d->state != DL_WAITING)
			continue;
		if (dl_start(d, &e) < 0)
			return dl_fail(d, &e);
		running += d->state == DL_RUNNING;
	}
	return 0;
}

void dl_pump(struct dl_set *s)
{
	CURLMsg *msg;
	int running, n;

	curl_multi_perform(s->multi, &running);
	while ((msg = curl_multi_info_read(s->multi, &n))) {
		struct dl *d = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&d);
		if (d)
			dl_finished(d, msg->data.result);
	}
}

void dl_wait(struct dl_set *s, int timeout_ms)
{
	curl_multi_poll(s->multi, NULL, 0, timeout_ms, NULL);
}

void dl_wakeup(struct dl_set *s)
{
	curl_multi_wakeup(s->multi);
}

void dl_progress(struct dl_set *s)
{
	int64_t t = mono_ns();

	for (size_t i = 0; i < s->n; i++) {
		struct dl *d = s->v[i];
		int64_t w;
		if (d->quiet || d->state != DL_RUNNING || t - d->last_event < EVENT_EVERY_NS)
			continue;
		pthread_mutex_lock(&d->mu);
		w = d->written;
		pthread_mutex_unlock(&d->mu);
		d->last_event = t;
		reg_event(s->c, d->id, "Downloading", w, d->desc.size);
	}
}

void dl_abort(struct dl_set *s)
{
	__atomic_store_n(&s->abort, 1, __ATOMIC_SEQ_CST);
	for (size_t i = 0; i < s->n; i++) {
		struct dl *d = s->v[i];
		pthread_mutex_lock(&d->mu);
		pthread_cond_broadcast(&d->cv);
		pthread_mutex_unlock(&d->mu);
	}
}

ssize_t dl_read(struct dl *d, int64_t pos, void *buf, size_t len)
{
	struct dl_set *s = d->set;
	int64_t avail;

	pthread_mutex_lock(&d->mu);
	while (pos >= d->written && d->state == DL_RUNNING && !__atomic_load_n(&s->abort, __ATOMIC_SEQ_CST))
		pthread_cond_wait(&d->cv, &d->mu);
	avail = d->written - pos;
	if (avail <= 0) {
		int ok = d->state == DL_DONE && !__atomic_load_n(&s->abort, __ATOMIC_SEQ_CST);
		pthread_mutex_unlock(&d->mu);
		if (ok)
			return 0;
		errno = ECANCELED;
		return -1;
	}
	pthread_mutex_unlock(&d->mu);
	return pread(d->fd, buf, (int64_t)len < avail ? len : (size_t)avail, (off_t)pos);
}

void dl_forget(struct dl *d)
{
	if (d->resumable)
		unlink(d->path);
}

void dl_drop_partials(struct dl_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct dl *d = s->v[i];
		struct stat a, b;
		/* only if the path is still ours: a newer pull may own it now */
		if (d->resumable && d->fd >= 0 && fstat(d->fd, &a) == 0 && lstat(d->path, &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			unlink(d->path);
	}
}

void dl_set_release(struct dl_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct dl *d = s->v[i];
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
	free(s->v);
	if (s->multi)
		curl_multi_cleanup(s->multi);
	memset(s, 0, sizeof(*s));
}
