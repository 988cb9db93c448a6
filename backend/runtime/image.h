/* image.h - the runtime's image store.
 *
 * root/repositories.json      the name index {"repo:tag" or "repo@sha256:..":
 *                             "sha256:<id>"}, keys normalised (imageref.h)
 * root/images/<id-hex>/       config.json (the OCI image config, byte for
 *                             byte: its sha256 is the image id) and
 *                             manifest.json (OCI/docker manifest naming the
 *                             config and the layer blobs)
 * root/layers/<chainid-hex>/  diff/ (the layer unpacked once, overlayfs
 *                             whiteouts, shared by every container as a
 *                             lowerdir) and layer.json {chain_id, diff_id,
 *                             parent, size, tar_size}
 * root/blobs/sha256/<hex>     layer blobs as received (plain, gzip or zstd
 *                             tar), kept so that save is byte-exact
 * root/tmp/img-<pid>-*        staging of import/load; never visible, swept
 *                             when its process is gone
 * Writers hold the global lock (root/lock) only to publish: staged trees
 * and files are renamed in, then the index is rewritten atomically, so a
 * concurrent or interrupted command never leaves half an image visible.
 * Readers take no lock. Layers and blobs no image references are deleted
 * with the last image using them.
 */
#ifndef TUG_IMAGE_H
#define TUG_IMAGE_H

#include <jansson.h>
#include <stddef.h>
#include "runtime/rt.h"
#include "util/err.h"

struct rt_image {
	char id[72];        /* "sha256:<hex>" */
	json_t *config;     /* OCI image config (owned) */
	char **layer_dirs;  /* absolute paths of unpacked diff dirs, base first */
	size_t nlayers;
};

/* Resolve "name[:tag]", "name@sha256:..", "sha256:<id>", an id or a unique
 * id prefix (names win) and load the image for a container start: one
 * index read and one config read, no directory scan for names and ids.
 * layer_dirs are the overlayfs lower layers, base first. Fails with
 * TUG_E_NOTFOUND / TUG_E_INVALID / TUG_E_CONFLICT (ambiguous prefix). */
int rt_image_get(const struct rt *rt, const char *ref, struct rt_image *out,
		 struct tug_err *err);
void rt_image_release(struct rt_image *img);

/* Normalise "busybox" -> "busybox:latest", "docker.io/library/x:1" ->
 * "x:1" for the local index; a reference that does not parse is copied
 * unchanged (lookups then fail with a clear error). */
void rt_image_normalize_ref(const char *ref, char *out, size_t size);

#endif
