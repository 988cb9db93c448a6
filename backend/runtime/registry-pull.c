/* registry-pull.c - `tug pull`: the manifest for this platform, then the
 * config and the layer blobs downloaded concurrently (registry-download.c,
 * up to MAX_DOWNLOADS at a time) while each layer is unpacked by its own
 * thread as its bytes arrive. Every blob is checked against its
 * descriptor's digest and size and every layer against the config's
 * DiffID before the image is published through the store's staging area,
 * so a failed or interrupted pull leaves nothing visible; the layers it
 * got are resumed by the next pull. */
#include "runtime/image-store.h"
#include "runtime/image.h"
#include "runtime/imageref.h"
#include "runtime/ops.h"
#include "runtime/registry-download.h"
#include "runtime/registry.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DOWNLOADS 3
#define EVENT_EVERY_NS 100000000LL

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
	struct dl_set dls;        /* v[0] is the config */
	struct job *jobs;
	size_t njobs;
	int planned;              /* jobs made (the config is in) */
	char *config;
	size_t config_len;
};

static void short_id(const char *digest, char *out)
{
	snprintf(out, 13, "%.12s", img_hex(digest));
}

/* ---- unpacking ---- */

static ssize_t job_read(void *ctx, void *buf, size_t len)
{
	struct job *j = ctx;
	int64_t pos = __atomic_load_n(&j->pos, __ATOMIC_RELAXED);
	ssize_t n = j->dl ? dl_read(j->dl, pos, buf, len) : read(j->fd, buf, len);

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
	dl_wakeup(&p->dls);
	return NULL;
}

static int job_start(struct job *j, struct tug_err *err)
{
	if (pthread_create(&j->thread, NULL, job_main, j) != 0)
		return tug_errf(err, TUG_E_GENERIC, "cannot start a thread to unpack layer %zu", j->i + 1);
	j->started = 1;
	return 0;
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
	char parent[DIGEST_STR_LEN + 1] = "";
	json_error_t je;
	json_t *cfg, *ids;
	int rc = -1;

	if (fs_read_all(p->dls.v[0]->path, &p->config, &p->config_len, err) < 0)
		return -1;
	cfg = json_loadb(p->config, p->config_len, 0, &je);
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
			j->dl = dl_find(&p->dls, l->digest);
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
	if (j->dl)
		dl_forget(j->dl);
	return tug_errf(err, TUG_E_INVALID, "layer %s: digest mismatch: the registry sent %lld bytes "
			"with digest %s (expected %lld bytes)", l->digest, size, got, (long long)l->size);
}

/* ---- the loop ---- */

static void emit_progress(struct pull *p)
{
	int64_t t = mono_ns();

	dl_progress(&p->dls);
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

static int start_jobs(struct pull *p)
{
	struct tug_err e = { 0 };

	for (size_t i = 0; i < p->njobs; i++) {
		struct job *j = &p->jobs[i];
		if (!j->started && (!j->dl || j->dl->state != DL_WAITING) && job_start(j, &e) < 0)
			return dl_set_fail(&p->dls, &e);
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
		if (j->rc < 0 && j->dl && j->dl->state == DL_RUNNING && !p->dls.failed) {
			(*left)++;
			continue;
		}
		pthread_join(j->thread, NULL);
		j->reaped = 1;
		if (p->dls.failed)
			continue;
		if (job_check(p, j, &e) < 0)
			return dl_set_fail(&p->dls, &e);
		short_id(p->m.layers[j->i].digest, id);
		reg_event(p->c, id, "Pull complete", -1, -1);
	}
	return 0;
}

static int run(struct pull *p)
{
	struct tug_err e = { 0 };
	int left = 1;

	if (dl_start(p->dls.v[0], &e) < 0)
		return dl_set_fail(&p->dls, &e);
	if (dl_start_waiting(&p->dls, MAX_DOWNLOADS + 1) < 0)
		return -1;
	while (!p->dls.failed) {
		if (reg_canceled(p->c)) {
			tug_errf(&e, TUG_E_GENERIC, "canceled");
			return dl_set_fail(&p->dls, &e);
		}
		dl_pump(&p->dls);
		if (p->dls.failed)
			break;
		if (!p->planned && p->dls.v[0]->state == DL_DONE && plan_jobs(p, &e) < 0)
			return dl_set_fail(&p->dls, &e);
		/* the config counts among the running downloads until it is done */
		if (dl_start_waiting(&p->dls, MAX_DOWNLOADS + (p->dls.v[0]->state == DL_RUNNING)) < 0)
			break;
		if (p->planned && (start_jobs(p) < 0 || reap_jobs(p, &left) < 0))
			break;
		if (p->planned && !left)
			return 0;
		emit_progress(p);
		dl_wait(&p->dls, 100);
	}
	return -1;
}

/* ---- the pull ---- */

static void pull_release(struct pull *p)
{
	dl_abort(&p->dls);
	for (size_t i = 0; i < p->njobs; i++) {
		struct job *j = &p->jobs[i];
		if (j->started && !j->reaped)
			pthread_join(j->thread, NULL);
		if (j->fd >= 0)
			close(j->fd);
	}
	free(p->jobs);
	dl_set_release(&p->dls);
	free(p->config);
	reg_manifest_release(&p->m);
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
		if (dl_set_init(&p->dls, p->rt, p->c, p->st, p->ref.path, err) < 0)
			return -1;
		dl_add(&p->dls, &p->m.config, 1);
		for (size_t i = 0; i < p->m.nlayers; i++) {
			const struct reg_desc *l = &p->m.layers[i];
			char id[13];
			short_id(l->digest, id);
			if (!store_has(p->rt, "blobs/sha256", l->digest) && !dl_find(&p->dls, l->digest)) {
				dl_add(&p->dls, l, 0);
				reg_event(p->c, id, p->dls.n - 1 > MAX_DOWNLOADS ? "Waiting" : "Pulling fs layer",
					  -1, -1);
			}
		}
		if (run(p) < 0) {
			*err = p->dls.err;
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
	dl_sweep_partials(rt);
	if (img_stage_new(rt, &p.st, err) < 0)
		goto fail;
	if (fetch_and_stage(&p, id_out, &fresh, keys, nkeys, err) < 0 ||
	    img_stage_publish(p.st, NULL, NULL, err) < 0)
		goto fail;
	dl_drop_partials(&p.dls);
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
