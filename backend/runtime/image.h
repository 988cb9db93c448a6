/* image.h - the runtime's image store.
 *
 * root/blobs/sha256/<hex>     blobs by digest (configs, manifests, layer tars)
 * root/layers/<chainid-hex>/  diff/ (unpacked, overlayfs whiteouts),
 *                             layer.json {diff_id, parent, size}
 * root/images/<id-hex>/       config.json (OCI image config, its digest is
 *                             the image id), manifest.json
 * root/repositories.json      {"name:tag": "sha256:<id>", ...}
 * Writers hold the global lock (root/lock); every file written atomically.
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

/* Resolve "name[:tag]", "sha256:<id>", an id or an id prefix. */
int rt_image_get(const struct rt *rt, const char *ref, struct rt_image *out,
		 struct tug_err *err);
void rt_image_release(struct rt_image *img);

/* Normalise "busybox" -> "busybox:latest" for the local index. */
void rt_image_normalize_ref(const char *ref, char *out, size_t size);

#endif
