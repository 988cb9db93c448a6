/* imageref.h - image references as docker spells them:
 *   [domain[:port]/]path[:tag][@sha256:<hex>]
 * e.g. "busybox", "busybox:1.36", "127.0.0.1:5000/ns/app:1",
 * "quay.io/org/app@sha256:...". Used by the local image index and by
 * registry clients; no I/O.
 */
#ifndef TUG_IMAGEREF_H
#define TUG_IMAGEREF_H

#include <stddef.h>
#include "util/digest.h"
#include "util/err.h"

#define IMAGE_REF_MAX 256

struct image_ref {
	char domain[IMAGE_REF_MAX]; /* "docker.io" when the reference names none */
	char path[IMAGE_REF_MAX];   /* "library/busybox" for docker.io single names */
	char tag[129];              /* "" when absent */
	char digest[DIGEST_STR_LEN + 1]; /* "" when absent */
};

/* Parse and validate s. Fails with TUG_E_INVALID and a message naming the
 * reference and what is wrong with it (uppercase repository, bad tag,
 * bad digest, 64-hex name...). */
int image_ref_parse(const char *s, struct image_ref *out, struct tug_err *err);

/* The repository as docker shows it: "busybox", "quay.io/org/app",
 * "127.0.0.1:5000/ns/app" (docker.io and library/ are dropped). */
char *image_ref_repo(const struct image_ref *r, char *buf, size_t size);

/* The key of the local image index: "repo@sha256:..." when a digest is
 * given, else "repo:tag" with the tag defaulting to "latest". */
char *image_ref_key(const struct image_ref *r, char *buf, size_t size);

/* Fully qualified repository for registry clients:
 * "docker.io/library/busybox", "127.0.0.1:5000/ns/app". */
char *image_ref_remote(const struct image_ref *r, char *buf, size_t size);

/* Is s an image id or id prefix: 1..64 lowercase hex characters,
 * optionally after "sha256:"? */
int image_id_like(const char *s);

#endif
