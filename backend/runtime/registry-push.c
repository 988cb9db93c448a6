/* registry-push.c - `tug push`: the stored blobs and manifest of an image,
 * byte for byte, so that the registry names it with the digests it has
 * here (a pull elsewhere gets the same image id and manifest digest).
 * Per blob: a HEAD to skip what the repository has, a cross-repository
 * mount from another repository of the same registry that holds it, or
 * an upload session - one PUT for small blobs, PATCH chunks then a PUT
 * for big ones. The manifest goes last, under its tag. */
#include "runtime/image-store.h"
#include "runtime/imageref.h"
#include "runtime/ops.h"
#include "runtime/registry.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Blobs up to this size go up in one PUT; bigger ones in chunks of it. */
#define CHUNK (16LL << 20)

struct push {
	struct rt *rt;
	struct reg_client *c;
	struct image_ref dst;
	char id[13];              /* progress id of the blob being pushed */
	int64_t base;             /* bytes of the blob sent before this request */
	int64_t total;
	int64_t last_event;
};

static void on_sent(void *ctx, int64_t done, int64_t total)
{
	struct push *p = ctx;
	int64_t t = mono_ns();

	(void)total;
	if (t - p->last_event < 100000000LL && p->base + done < p->total)
		return;
	p->last_event = t;
	reg_event(p->c, p->id, "Pushing", p->base + done, p->total);
}

static char *with_param(const char *url, const char *name, const char *value)
{
	size_t n = strlen(url) + strlen(name) + strlen(value) + 3;
	char *out = xmalloc(n);

	snprintf(out, n, "%s%c%s=%s", url, strchr(url, '?') ? '&' : '?', name, value);
	return out;
}

/* The upload session's next URL from a 202 answer. */
static int next_location(struct reg_resp *r, char **loc, const char *what, struct tug_err *err)
{
	if (!r->location)
		return tug_errf(err, TUG_E_GENERIC, "%s: the registry gave no upload location", what);
	free(*loc);
	*loc = xstrdup(r->location);
	return 0;
}

static int upload(struct push *p, const struct reg_desc *d, int fd, char **loc,
		  struct tug_err *err)
{
	struct reg_resp r = { 0 };
	char *url = NULL;
	int64_t chunk = CHUNK, off = 0;
	int rc = -1;

	p->total = d->size;
	if (d->size <= chunk) {
		/* monolithic: the whole blob with the closing PUT */
		struct reg_req rq = { .method = "PUT", .content_type = "application/octet-stream",
				      .body_fd = fd, .body_fd_set = 1, .body_fd_len = d->size,
				      .sent = on_sent, .sent_ctx = p };
		url = with_param(*loc, "digest", d->digest);
		rq.url = url;
		p->base = 0;
		if (reg_do(p->c, &rq, &r, err) < 0)
			goto out;
	} else {
		while (off < d->size) {
			char range[64];
			int64_t n = d->size - off < chunk ? d->size - off : chunk;
			struct reg_req rq = { .method = "PATCH", .url = *loc,
					      .content_type = "application/octet-stream",
					      .content_range = range, .body_fd = fd, .body_fd_set = 1,
					      .body_off = off, .body_fd_len = n, .sent = on_sent,
					      .sent_ctx = p };
			snprintf(range, sizeof(range), "%lld-%lld", (long long)off, (long long)(off + n - 1));
			p->base = off;
			if (reg_do(p->c, &rq, &r, err) < 0)
				goto out;
			if (r.status != 202) {
				reg_resp_error(p->c, &r, "upload", err);
				goto out;
			}
			if (next_location(&r, loc, "upload", err) < 0)
				goto out;
			/* a registry may want bigger chunks */
			if (r.chunk_min && atoll(r.chunk_min) > chunk)
				chunk = atoll(r.chunk_min);
			off += n;
		}
		{
			struct reg_req rq = { .method = "PUT" };
			url = with_param(*loc, "digest", d->digest);
			rq.url = url;
			if (reg_do(p->c, &rq, &r, err) < 0)
				goto out;
		}
	}
	if (r.status != 201) {
		reg_resp_error(p->c, &r, "upload", err);
		goto out;
	}
	if (r.digest && strcmp(r.digest, d->digest)) {
		tug_errf(err, TUG_E_GENERIC, "the registry stored the blob as %s", r.digest);
		goto out;
	}
	rc = 0;
out:
	free(url);
	reg_resp_release(&r);
	if (rc < 0)
		tug_err_wrap(err, "blob %s", d->digest);
	return rc;
}

/* Another repository of the destination registry holding blob `digest`:
 * one of the names of a local image whose manifest lists it. */
static int mount_source(struct push *p, json_t *idx, const char *digest, char *out, size_t size)
{
	const char *key;
	json_t *v;

	json_object_foreach(idx, key, v) {
		struct image_ref r;
		struct tug_err e;
		json_t *m, *l;
		size_t i;
		int has = 0;
		if (image_ref_parse(key, &r, &e) < 0 || strcmp(r.domain, p->dst.domain) ||
		    !strcmp(r.path, p->dst.path) || !json_string_value(v))
			continue;
		m = img_manifest_load(p->rt, json_string_value(v), &e);
		json_array_foreach(json_object_get(m, "layers"), i, l)
			has |= jstr(l, "digest") && !strcmp(jstr(l, "digest"), digest);
		json_decref(m);
		if (has) {
			snprintf(out, size, "%s", r.path);
			return 1;
		}
	}
	return 0;
}

static int push_blob(struct push *p, const struct reg_desc *d, const char *path, json_t *idx,
		     int is_config, struct tug_err *err)
{
	char url[1024], from[IMAGE_REF_MAX], *loc = NULL, *murl = NULL;
	struct reg_resp r = { 0 };
	struct reg_req rq = { .method = "HEAD", .url = url };
	int fd = -1, rc = -1;

	snprintf(p->id, sizeof(p->id), "%.12s", img_hex(d->digest));
	snprintf(url, sizeof(url), "/v2/%s/blobs/%s", p->dst.path, d->digest);
	if (reg_do(p->c, &rq, &r, err) < 0)
		goto out;
	if (r.status == 200) {
		if (!is_config)
			reg_event(p->c, p->id, "Layer already exists", -1, -1);
		rc = 0;
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tug_errno(err, "open %s", path);
		goto out;
	}
	snprintf(url, sizeof(url), "/v2/%s/blobs/uploads/", p->dst.path);
	rq.method = "POST";
	if (!is_config && mount_source(p, idx, d->digest, from, sizeof(from))) {
		/* the token must grant pull on the source repository too */
		reg_add_scope(p->c, from, "pull");
		if (reg_reauth(p->c, err) < 0)
			goto out;
		{
			char q[2 * IMAGE_REF_MAX + 1200];
			snprintf(q, sizeof(q), "%s?mount=%s&from=%s", url, d->digest, from);
			murl = xstrdup(q);
		}
		rq.url = murl;
		if (reg_do(p->c, &rq, &r, err) < 0)
			goto out;
		if (r.status == 201) {
			char what[IMAGE_REF_MAX + 16];
			snprintf(what, sizeof(what), "Mounted from %s", from);
			reg_event(p->c, p->id, what, -1, -1);
			rc = 0;
			goto out;
		}
		/* 202: the registry did not mount, the session is an upload */
	} else {
		if (reg_do(p->c, &rq, &r, err) < 0)
			goto out;
	}
	if (r.status != 202) {
		reg_resp_error(p->c, &r, "start an upload", err);
		tug_err_wrap(err, "blob %s", d->digest);
		goto out;
	}
	if (next_location(&r, &loc, "start an upload", err) < 0 || upload(p, d, fd, &loc, err) < 0)
		goto out;
	if (!is_config)
		reg_event(p->c, p->id, "Pushed", -1, -1);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(loc);
	free(murl);
	reg_resp_release(&r);
	return rc;
}

/* Remember repo@digest locally, as docker does after a push. */
static void record_digest(struct push *p, const char *id, const char *digest)
{
	char repo[2 * IMAGE_REF_MAX], key[2 * IMAGE_REF_MAX + 80];
	struct tug_err e;
	json_t *idx;
	int lock = img_lock(p->rt, &e);

	if (lock < 0)
		return;
	idx = img_index_load(p->rt, &e);
	if (idx) {
		snprintf(key, sizeof(key), "%s@%s", image_ref_repo(&p->dst, repo, sizeof(repo)), digest);
		json_object_set_new(idx, key, json_string(id));
		img_index_save(p->rt, idx, &e);
		json_decref(idx);
	}
	fs_unlock(lock);
}

int rt_img_push(struct rt *rt, const char *ref, const char *dest,
		const struct tug_registry_opts *o, char *digest_out, struct tug_err *err)
{
	static const struct tug_registry_opts none = { 0 };
	struct push p = { .rt = rt };
	struct reg_manifest m = { 0 };
	struct reg_resp r = { 0 };
	char id[DIGEST_STR_LEN + 8], path[PATH_MAX], url[1024], repo[2 * IMAGE_REF_MAX];
	const char *tag;
	char *raw = NULL;
	size_t len;
	json_t *idx = NULL, *mj = NULL;
	int rc = -1;

	if (!o)
		o = &none;
	if (image_ref_parse(dest ? dest : ref, &p.dst, err) < 0)
		return -1;
	if (p.dst.digest[0])
		return tug_errf(err, TUG_E_INVALID, "push %s: a digest names what the registry computes: "
				"push to a tag", dest ? dest : ref);
	tag = p.dst.tag[0] ? p.dst.tag : "latest";
	image_ref_repo(&p.dst, repo, sizeof(repo));
	idx = img_index_load(rt, err);
	if (!idx || img_resolve(rt, idx, ref, id, NULL, 0, err) < 0)
		goto fail;
	if (fs_read_all(img_path(rt, path, sizeof(path), "images/%s/manifest.json", img_hex(id)), &raw,
			&len, err) < 0)
		goto fail;
	mj = json_loadb(raw, len, 0, NULL);
	if (reg_manifest_parse(raw, len, jstr(mj, "mediaType"), &m, err) < 0) {
		tug_err_wrap(err, "the stored manifest of %s", ref);
		goto fail;
	}
	if (strcmp(m.config.digest, id)) {
		tug_errf(err, TUG_E_GENERIC, "the stored manifest of %s names config %s, not the image's",
			 ref, m.config.digest);
		goto fail;
	}
	if (reg_open(p.dst.domain, p.dst.path, "pull,push", o, &p.c, err) < 0)
		goto fail;
	reg_msg(p.c, "The push refers to repository [%s/%s]", p.dst.domain, p.dst.path);
	for (size_t i = 0; i < m.nlayers; i++) {
		char sid[13];
		snprintf(sid, sizeof(sid), "%.12s", img_hex(m.layers[i].digest));
		reg_event(p.c, sid, "Preparing", -1, -1);
	}
	for (size_t i = m.nlayers; i-- > 0;) {
		img_path(rt, path, sizeof(path), "blobs/sha256/%s", img_hex(m.layers[i].digest));
		if (push_blob(&p, &m.layers[i], path, idx, 0, err) < 0)
			goto fail;
	}
	/* the config from the image record, where its bytes live */
	img_path(rt, path, sizeof(path), "images/%s/config.json", img_hex(id));
	if (push_blob(&p, &m.config, path, idx, 1, err) < 0)
		goto fail;
	{
		struct reg_req rq = { .method = "PUT", .url = url, .content_type = m.media_type,
				      .body = raw, .body_len = len };
		snprintf(url, sizeof(url), "/v2/%s/manifests/%s", p.dst.path, tag);
		if (reg_do(p.c, &rq, &r, err) < 0)
			goto fail;
	}
	if (r.status != 201 && r.status != 200) {
		reg_resp_error(p.c, &r, "manifest", err);
		goto fail;
	}
	if (r.digest && strcmp(r.digest, m.digest)) {
		tug_errf(err, TUG_E_GENERIC, "the registry stored the manifest as %s, not %s", r.digest,
			 m.digest);
		goto fail;
	}
	reg_msg(p.c, "%s: digest: %s size: %zu", tag, m.digest, len);
	record_digest(&p, id, m.digest);
	snprintf(digest_out, DIGEST_STR_LEN + 1, "%s", m.digest);
	rc = 0;
	goto out;
fail:
	tug_err_wrap(err, "push %s:%s", repo, tag);
out:
	reg_resp_release(&r);
	reg_manifest_release(&m);
	reg_close(p.c);
	json_decref(idx);
	json_decref(mj);
	free(raw);
	return rc;
}
