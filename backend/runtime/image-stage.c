/* image-stage.c - the way into the image store. Import and load unpack,
 * digest and verify everything in a private directory under root/tmp
 * (slow, unlocked, invisible), then publish it with renames and one index
 * write under the global lock (fast). A process killed while staging
 * leaves only a tmp directory that the next stage sweeps away. Layers
 * of one stage may be staged from several threads at once (pulls unpack
 * layers while they download): the bookkeeping is under s->mu. */
#include "runtime/image-layer.h"
#include "runtime/image-store.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct stage_layer {
	img_digest chain;
	char *dir;             /* staged layers/<chain> directory */
};

struct stage_blob {
	img_digest digest;
	char *path;
};

struct stage_image {
	img_digest id;
	char *dir;             /* staged images/<id> directory */
	img_digest *chains;
	size_t nchains;
	char **blobs;          /* digests the manifest's layers name */
	size_t nblobs;
	char **keys;
	size_t nkeys;
};

struct img_stage {
	const struct rt *rt;
	pthread_mutex_t mu;
	char dir[PATH_MAX];
	unsigned seq;
	struct stage_layer *layers;
	size_t nlayers;
	struct stage_blob *blobs;
	size_t nblobs;
	struct stage_image *images;
	size_t nimages;
};

int img_stage_new(const struct rt *rt, struct img_stage **out, struct tug_err *err)
{
	struct img_stage *s;
	char rnd[65];

	img_tmp_sweep(rt);
	s = xcalloc(1, sizeof(*s));
	s->rt = rt;
	pthread_mutex_init(&s->mu, NULL);
	random_hex_id(rnd);
	img_path(rt, s->dir, sizeof(s->dir), "tmp/img-%d-%.16s", (int)getpid(), rnd);
	if (fs_mkdir_p(s->dir, 0700, err) < 0) {
		pthread_mutex_destroy(&s->mu);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

char *img_stage_tmp(struct img_stage *s, char *buf, size_t size)
{
	unsigned seq;

	pthread_mutex_lock(&s->mu);
	seq = s->seq++;
	pthread_mutex_unlock(&s->mu);
	snprintf(buf, size, "%s/t%u", s->dir, seq);
	return buf;
}

static int store_has(const struct rt *rt, const char *fmt, const char *digest)
{
	char rel[128], path[PATH_MAX];
	struct stat st;

	snprintf(rel, sizeof(rel), fmt, img_hex(digest));
	return lstat(img_path(rt, path, sizeof(path), "%s", rel), &st) == 0;
}

static int staged_layer(struct img_stage *s, const char *chain)
{
	for (size_t i = 0; i < s->nlayers; i++)
		if (!strcmp(s->layers[i].chain, chain))
			return 1;
	return 0;
}

static int staged_blob(struct img_stage *s, const char *digest)
{
	for (size_t i = 0; i < s->nblobs; i++)
		if (!strcmp(s->blobs[i].digest, digest))
			return 1;
	return 0;
}

static int have_layer(struct img_stage *s, const char *chain)
{
	int staged;

	pthread_mutex_lock(&s->mu);
	staged = staged_layer(s, chain);
	pthread_mutex_unlock(&s->mu);
	return staged || store_has(s->rt, "layers/%s", chain);
}

/* Record a staged layer directory unless one with its ChainID is staged
 * or stored already; 0 when it was a duplicate. */
static int add_layer(struct img_stage *s, const char *chain, const char *dir)
{
	int added = 0;

	pthread_mutex_lock(&s->mu);
	if (!staged_layer(s, chain) && !store_has(s->rt, "layers/%s", chain)) {
		s->layers = xrealloc(s->layers, (s->nlayers + 1) * sizeof(*s->layers));
		memcpy(s->layers[s->nlayers].chain, chain, sizeof(img_digest));
		s->layers[s->nlayers++].dir = xstrdup(dir);
		added = 1;
	}
	pthread_mutex_unlock(&s->mu);
	return added;
}

/* Record a blob file to publish unless the blob is staged or stored. */
static int add_blob(struct img_stage *s, const char *digest, const char *path)
{
	int added = 0;

	pthread_mutex_lock(&s->mu);
	if (!staged_blob(s, digest) && !store_has(s->rt, "blobs/sha256/%s", digest)) {
		s->blobs = xrealloc(s->blobs, (s->nblobs + 1) * sizeof(*s->blobs));
		memcpy(s->blobs[s->nblobs].digest, digest, sizeof(img_digest));
		s->blobs[s->nblobs++].path = xstrdup(path);
		added = 1;
	}
	pthread_mutex_unlock(&s->mu);
	return added;
}

static int write_layer_meta(const char *dir, const char *chain, const char *parent,
			    const struct layer_out *o, struct tug_err *err)
{
	char path[PATH_MAX];
	json_t *j = json_object();
	int r;

	jset_str(j, "chain_id", chain);
	jset_str(j, "diff_id", o->diff_id);
	if (parent && *parent)
		jset_str(j, "parent", parent);
	jset_int(j, "size", o->size);
	jset_int(j, "tar_size", o->tar_size);
	r = json_save_path(fs_join(path, sizeof(path), dir, "layer.json"), j, err);
	json_decref(j);
	return r;
}

static int stage_layer(struct img_stage *s, struct layer_in *in, const char *in_path,
		       const char *parent_chain, const char *expect_diff_id, char *chain_out,
		       struct img_blob *blob_out, char *diff_id_out, struct tug_err *err)
{
	char ldir[PATH_MAX], dest[PATH_MAX], blob[PATH_MAX];
	struct layer_out o;
	img_digest chain;
	int unpack = 1;

	in->fd_is_blob = in_path != NULL;
	if (expect_diff_id) {
		img_chain_id(parent_chain, expect_diff_id, chain);
		unpack = !have_layer(s, chain);
	}
	img_stage_tmp(s, ldir, sizeof(ldir));
	if (unpack) {
		if (mkdir(ldir, 0755) < 0)
			return tug_errno(err, "create %s", ldir);
		in->dest = fs_join(dest, sizeof(dest), ldir, "diff");
	}
	in->blob_path = img_stage_tmp(s, blob, sizeof(blob));
	if (layer_read(in, &o, err) < 0)
		goto fail;
	if (expect_diff_id && strcmp(o.diff_id, expect_diff_id)) {
		tug_errf(err, TUG_E_INVALID,
			 "content does not match the image config: its DiffID is %s, the config says %s",
			 o.diff_id, expect_diff_id);
		goto fail;
	}
	img_chain_id(parent_chain, o.diff_id, chain);
	if (unpack) {
		if (write_layer_meta(ldir, chain, parent_chain, &o, err) < 0)
			goto fail;
		if (!add_layer(s, chain, ldir)) {
			/* the same layer was imported meanwhile: ours is a duplicate */
			struct tug_err ignore;
			fs_rm_rf(ldir, &ignore);
		}
	}
	if (!add_blob(s, o.blob_digest, o.blob_written ? blob : in_path) && o.blob_written)
		unlink(blob);
	memcpy(chain_out, chain, sizeof(chain));
	if (diff_id_out)
		memcpy(diff_id_out, o.diff_id, sizeof(o.diff_id));
	memcpy(blob_out->digest, o.blob_digest, sizeof(o.blob_digest));
	blob_out->size = o.blob_size;
	blob_out->media_type = o.media_type;
	return 0;
fail:
	{
		struct tug_err ignore;
		fs_rm_rf(ldir, &ignore);
		unlink(blob);
	}
	return -1;
}

int img_stage_layer(struct img_stage *s, int fd, const char *in_path, const char *parent_chain,
		    const char *expect_diff_id, char *chain_out, struct img_blob *blob_out,
		    char *diff_id_out, struct tug_err *err)
{
	struct layer_in in = { .fd = fd };

	return stage_layer(s, &in, in_path, parent_chain, expect_diff_id, chain_out, blob_out,
			   diff_id_out, err);
}

int img_stage_layer_read(struct img_stage *s, ssize_t (*rd)(void *, void *, size_t), void *rctx,
			 const char *raw_digest, const char *in_path, const char *parent_chain,
			 const char *expect_diff_id, char *chain_out, struct img_blob *blob_out,
			 struct tug_err *err)
{
	struct layer_in in = { .fd = -1, .read = rd, .read_ctx = rctx, .raw_digest = raw_digest };

	return stage_layer(s, &in, in_path, parent_chain, expect_diff_id, chain_out, blob_out, NULL,
			   err);
}

static char *oci_manifest(const char *id, size_t config_len, const struct img_blob *layers,
			  size_t n)
{
	json_t *m = json_object(), *cfg = json_object(), *ls = json_array();
	char *s;

	jset_int(m, "schemaVersion", 2);
	jset_str(m, "mediaType", MT_OCI_MANIFEST);
	jset_str(cfg, "mediaType", MT_OCI_CONFIG);
	jset_str(cfg, "digest", id);
	jset_int(cfg, "size", (int64_t)config_len);
	json_object_set_new(m, "config", cfg);
	for (size_t i = 0; i < n; i++) {
		json_t *l = json_object();
		jset_str(l, "mediaType", layers[i].media_type);
		jset_str(l, "digest", layers[i].digest);
		jset_int(l, "size", layers[i].size);
		json_array_append_new(ls, l);
	}
	json_object_set_new(m, "layers", ls);
	s = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	return s;
}

int img_stage_image(struct img_stage *s, const char *config, size_t config_len,
		    const char *manifest, size_t manifest_len, const struct img_blob *layers,
		    size_t nlayers, char *const *keys, size_t nkeys, char *id_out,
		    struct tug_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct stage_image *im;
	json_error_t je;
	json_t *cfg, *man = NULL, *l;
	char *gen = NULL;
	img_digest id;
	size_t i;
	int rc = -1;

	digest_buf(config, config_len, id);
	cfg = json_loadb(config, config_len, 0, &je);
	if (!json_is_object(cfg)) {
		tug_errf(err, TUG_E_INVALID, "image config %.19s is not a JSON object (%s)", id, je.text);
		goto out;
	}
	if (jstr(cfg, "os") && strcmp(jstr(cfg, "os"), "linux")) {
		tug_errf(err, TUG_E_UNSUPPORTED, "image %.19s is for %s: only linux images run here",
			 id, jstr(cfg, "os"));
		goto out;
	}
	s->images = xrealloc(s->images, (s->nimages + 1) * sizeof(*s->images));
	im = &s->images[s->nimages];
	memset(im, 0, sizeof(*im));
	if (img_chain_ids(cfg, &im->chains, &im->nchains, err) < 0)
		goto out;
	if (!manifest) {
		if (nlayers != im->nchains) {
			tug_errf(err, TUG_E_INVALID, "image %.19s: %zu layers for %zu diff_ids in its config",
				 id, nlayers, im->nchains);
			goto free_chains;
		}
		manifest = gen = oci_manifest(id, config_len, layers, nlayers);
		manifest_len = strlen(gen);
	}
	man = json_loadb(manifest, manifest_len, 0, &je);
	json_array_foreach(json_object_get(man, "layers"), i, l) {
		if (!jstr(l, "digest"))
			continue;
		im->blobs = xrealloc(im->blobs, (im->nblobs + 1) * sizeof(char *));
		im->blobs[im->nblobs++] = xstrdup(jstr(l, "digest"));
	}
	img_stage_tmp(s, dir, sizeof(dir));
	if (mkdir(dir, 0700) < 0) {
		tug_errno(err, "create %s", dir);
		goto free_chains;
	}
	if (fs_write_atomic(fs_join(path, sizeof(path), dir, "config.json"), config, config_len,
			    0644, err) < 0 ||
	    fs_write_atomic(fs_join(path, sizeof(path), dir, "manifest.json"), manifest,
			    manifest_len, 0644, err) < 0)
		goto free_chains;
	chmod(dir, 0755);
	memcpy(im->id, id, sizeof(id));
	im->dir = xstrdup(dir);
	im->keys = xcalloc(nkeys + 1, sizeof(char *));
	for (i = 0; i < nkeys; i++)
		im->keys[i] = xstrdup(keys[i]);
	im->nkeys = nkeys;
	s->nimages++;
	memcpy(id_out, id, sizeof(id));
	rc = 0;
	goto out;
free_chains:
	free(im->chains);
	for (i = 0; i < im->nblobs; i++)
		free(im->blobs[i]);
	free(im->blobs);
out:
	json_decref(cfg);
	json_decref(man);
	free(gen);
	return rc;
}

static int publish_one(const char *from, const char *to, struct tug_err *err)
{
	struct stat st;

	if (lstat(to, &st) == 0)
		return 0; /* the store has it: same digest, same content */
	if (rename(from, to) < 0 && errno != EEXIST && errno != ENOTEMPTY)
		return tug_errno(err, "publish %s", to);
	return 0;
}

/* Every layer and blob the staged images need is staged or stored; a
 * concurrent rmi may have collected one we counted on while staging. */
static int check_complete(struct img_stage *s, struct tug_err *err)
{
	for (size_t i = 0; i < s->nimages; i++) {
		struct stage_image *im = &s->images[i];
		for (size_t j = 0; j < im->nchains; j++)
			if (!have_layer(s, im->chains[j]))
				return tug_errf(err, TUG_E_CONFLICT,
						"layer %s was removed while the image was being added: try again",
						im->chains[j]);
		for (size_t j = 0; j < im->nblobs; j++)
			if (!staged_blob(s, im->blobs[j]) &&
			    !store_has(s->rt, "blobs/sha256/%s", im->blobs[j]))
				return tug_errf(err, TUG_E_CONFLICT,
						"blob %s was removed while the image was being added: try again",
						im->blobs[j]);
	}
	return 0;
}

static int publish_locked(struct img_stage *s, struct tug_err *err)
{
	static const char *const dirs[] = { "blobs/sha256", "layers", "images" };
	char path[PATH_MAX];
	json_t *idx;
	size_t i;
	int r;

	if (check_complete(s, err) < 0)
		return -1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (fs_mkdir_p(img_path(s->rt, path, sizeof(path), "%s", dirs[i]), 0700, err) < 0)
			return -1;
	for (i = 0; i < s->nblobs; i++)
		if (publish_one(s->blobs[i].path, img_path(s->rt, path, sizeof(path), "blobs/sha256/%s",
							  img_hex(s->blobs[i].digest)), err) < 0)
			return -1;
	for (i = 0; i < s->nlayers; i++)
		if (publish_one(s->layers[i].dir, img_path(s->rt, path, sizeof(path), "layers/%s",
							  img_hex(s->layers[i].chain)), err) < 0)
			return -1;
	idx = img_index_load(s->rt, err);
	if (!idx)
		return -1;
	for (i = 0; i < s->nimages; i++) {
		struct stage_image *im = &s->images[i];
		if (publish_one(im->dir, img_path(s->rt, path, sizeof(path), "images/%s",
						  img_hex(im->id)), err) < 0) {
			json_decref(idx);
			return -1;
		}
		for (size_t k = 0; k < im->nkeys; k++)
			json_object_set_new(idx, im->keys[k], json_string(im->id));
	}
	r = img_index_save(s->rt, idx, err);
	json_decref(idx);
	return r;
}

int img_stage_publish(struct img_stage *s, void (*tagged)(void *, const char *), void *ctx,
		      struct tug_err *err)
{
	sigset_t block, old;
	int lock, r;

	lock = img_lock(s->rt, err);
	if (lock < 0)
		return -1;
	/* a Ctrl-C now would leave an image visible without its tag */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	r = publish_locked(s, err);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	fs_unlock(lock);
	for (size_t i = 0; r == 0 && tagged && i < s->nimages; i++) {
		struct stage_image *im = &s->images[i];
		if (!im->nkeys)
			tagged(ctx, im->id);
		for (size_t k = 0; k < im->nkeys; k++)
			tagged(ctx, im->keys[k]);
	}
	return r;
}

void img_stage_free(struct img_stage *s)
{
	struct tug_err ignore;

	if (!s)
		return;
	fs_rm_rf(s->dir, &ignore);
	for (size_t i = 0; i < s->nlayers; i++)
		free(s->layers[i].dir);
	free(s->layers);
	for (size_t i = 0; i < s->nblobs; i++)
		free(s->blobs[i].path);
	free(s->blobs);
	for (size_t i = 0; i < s->nimages; i++) {
		struct stage_image *im = &s->images[i];
		free(im->dir);
		free(im->chains);
		for (size_t j = 0; j < im->nblobs; j++)
			free(im->blobs[j]);
		free(im->blobs);
		img_strv_free(im->keys);
	}
	free(s->images);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
