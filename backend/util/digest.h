/* digest.h - sha256 over libcrypto, as "sha256:<hex>" digests. */
#ifndef TUG_DIGEST_H
#define TUG_DIGEST_H

#include <stddef.h>
#include "util/err.h"

#define DIGEST_HEX_LEN 64
#define DIGEST_STR_LEN (7 + DIGEST_HEX_LEN) /* "sha256:" + hex */

struct digest_ctx;

/* Streaming sha256. digest_new never fails short of OOM (aborts). */
struct digest_ctx *digest_new(void);
void digest_update(struct digest_ctx *c, const void *data, size_t len);
/* Writes "sha256:<hex>" into out (DIGEST_STR_LEN + 1 bytes) and frees c. */
void digest_final(struct digest_ctx *c, char *out);
void digest_free(struct digest_ctx *c);

/* One-shot digest of a buffer / a file. */
void digest_buf(const void *data, size_t len, char *out);
int digest_file(const char *path, char *out, long long *size, struct tug_err *err);
/* Is s a well-formed "sha256:<64 hex>"? */
int digest_valid(const char *s);

#endif
