/* image-store.h - internals shared by the image store's files (image-*.c):
 * paths, the name index, image records, garbage collection, and the
 * staging area through which every new layer, blob and image enters the
 * store. Other modules use image.h and ops.h. See image.h for the layout.
 */
#ifndef TUG_IMAGE_STORE_H
#define TUG_IMAGE_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "runtime/rt.h"
#include "util/digest.h"
#include "util/err.h"

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

typedef char img_digest[DIGEST_STR_LEN + 1];

/* rt->root + "/" + printf(fmt, ...) into buf. */
char *img_path(const struct rt *rt, char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "sha256:<hex>" -> "<hex>" (unchanged without the prefix). */
const char *img_hex(const char *digest);

/* The global lock (root/lock) every store writer holds; fs_unlock() it. */
int img_lock(const struct rt *rt, struct tug_err *err);

/* The name index {"repo:tag" or "repo@sha256:..": "sha256:<id>"}; an
 * empty object when there is none yet. */
json_t *img_index_load(const struct rt *rt, struct tug_err *err);
int img_index_save(const struct rt *rt, json_t *idx, struct tug_err *err);

/* Resolve a reference - "repo[:tag]", "repo@digest", "sha256:<id>", an id
 * or a unique id prefix - to "sha256:<id>". idx may be NULL (loaded
 * here). key (if not NULL) receives the index key that matched, "" when
 * the image was found by id. Names win over id prefixes, as in docker. */
int img_resolve(const struct rt *rt, json_t *idx, const char *ref, char *id,
		char *key, size_t keysize, struct tug_err *err);

/* The exact bytes of an image's config (its digest is the image id). */
int img_config_read(const struct rt *rt, const char *id, char **raw, size_t *len,
		    struct tug_err *err);
json_t *img_config_load(const struct rt *rt, const char *id, struct tug_err *err);
/* The stored manifest of an image (OCI or docker v2 schema 2). */
json_t *img_manifest_load(const struct rt *rt, const char *id, struct tug_err *err);

/* ChainID of a layer on top of `parent` (NULL/"" for the base layer). */
void img_chain_id(const char *parent, const char *diff_id, char *out);
/* ChainIDs of every layer of a config's rootfs.diff_ids, base first;
 * *out is malloc'd. Fails on a config without valid diff_ids. */
int img_chain_ids(json_t *cfg, img_digest **out, size_t *n, struct tug_err *err);

/* The machine as Go names it (GOARCH: "amd64", "arm64"...) and the OCI
 * variant ("v7", or NULL). */
void img_host_platform(const char **arch, const char **variant);

/* Unpacked size of an image: the sum of its layers' sizes. */
int64_t img_size(const struct rt *rt, json_t *cfg);

/* Index keys pointing at id, sorted, NULL-terminated (tags: "repo:tag";
 * digests: "repo@sha256:..."). Free with img_strv_free. */
char **img_keys(json_t *idx, const char *id, int digests);
void img_strv_free(char **v);

/* Containers and the images and layers they use, read once from
 * root/containers/<id>/config.json ("ImageId", "Name", and "Layers": the
 * layer diff directories the container mounts). */
struct img_ctrs {
	char **image;  /* "sha256:<hex>" */
	char **name;   /* container name, or its 12-char id */
	size_t n;
	char **layers; /* ChainID hex of every layer some container mounts */
	size_t nlayers;
};
void img_ctrs_load(const struct rt *rt, struct img_ctrs *c);
/* Names of the containers using image id, NULL-terminated; NULL when none. */
char **img_ctrs_using(const struct img_ctrs *c, const char *id);
void img_ctrs_release(struct img_ctrs *c);

/* Remove the image record id (not its tags). Caller holds the lock. The
 * removed trees leave the store at once and are deleted by
 * img_purge_retired(). */
int img_delete_record(const struct rt *rt, const char *id, struct tug_err *err);
/* Remove every layer and blob no image references. Caller holds the lock.
 * removed(ctx, "Deleted: sha256:<chain>") per layer; *freed += bytes. */
int img_gc(const struct rt *rt, void (*removed)(void *, const char *), void *ctx,
	   int64_t *freed, struct tug_err *err);
/* Delete what this process's img_delete_record / img_gc moved out of the
 * store; call it after releasing the lock. */
void img_purge_retired(const struct rt *rt);
/* Delete root/tmp/img-<pid>-* left behind by processes that died. */
void img_tmp_sweep(const struct rt *rt);

/* ---- staging: build in root/tmp, publish with renames under the lock ---- */

struct img_blob {
	img_digest digest;
	int64_t size;
	const char *media_type;
};

struct img_stage;

/* A private staging directory; sweeps leftovers of dead processes. */
int img_stage_new(const struct rt *rt, struct img_stage **out, struct tug_err *err);
/* A fresh path inside the staging directory. */
char *img_stage_tmp(struct img_stage *s, char *buf, size_t size);

/* Read one layer stream from fd (layer_read): its blob is kept, and it is
 * unpacked unless the store or this stage has its ChainID already.
 * expect_diff_id (or NULL) is checked. in_path names fd's file when that
 * file may become the blob as it is (load), NULL for streams (import).
 * Writes the layer's ChainID and the blob's descriptor. */
int img_stage_layer(struct img_stage *s, int fd, const char *in_path, const char *parent_chain,
		    const char *expect_diff_id, char *chain_out, struct img_blob *blob_out,
		    char *diff_id_out, struct tug_err *err);

/* img_stage_layer for a stream that rd(rctx, buf, len) reads (0 at the
 * end, -1 with errno set): a registry download still arriving, kept in
 * in_path, which becomes the blob. raw_digest: see layer_in (NULL = the
 * unpacker digests the stream). Several threads may stage layers of one
 * stage at once. */
int img_stage_layer_read(struct img_stage *s, ssize_t (*rd)(void *, void *, size_t), void *rctx,
			 const char *raw_digest, const char *in_path, const char *parent_chain,
			 const char *expect_diff_id, char *chain_out, struct img_blob *blob_out,
			 struct tug_err *err);

/* Stage an image: config bytes (id = their digest), and the manifest
 * bytes, or NULL to write an OCI manifest of the config and `layers`.
 * keys are index keys to point at it. Writes the id. */
int img_stage_image(struct img_stage *s, const char *config, size_t config_len,
		    const char *manifest, size_t manifest_len, const struct img_blob *layers,
		    size_t nlayers, char *const *keys, size_t nkeys, char *id_out,
		    struct tug_err *err);

/* Move every staged blob, layer and image into the store and point the
 * keys at their images, all under the global lock. tagged(ctx, key) per
 * key, tagged(ctx, "sha256:<id>") per image staged without keys. */
int img_stage_publish(struct img_stage *s, void (*tagged)(void *, const char *), void *ctx,
		      struct tug_err *err);

/* Remove the staging directory and free s. */
void img_stage_free(struct img_stage *s);

#endif
