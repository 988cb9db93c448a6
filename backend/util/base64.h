/* base64.h - standard base64 (RFC 4648, with padding), as docker's
 * config.json stores "user:password" and HTTP Basic auth sends it. */
#ifndef TUG_BASE64_H
#define TUG_BASE64_H

#include <stddef.h>

/* Encode len bytes; returns a malloc'd NUL-terminated string. */
char *base64_encode(const void *data, size_t len);
/* Decode s (padding optional, no whitespace) into a malloc'd buffer,
 * NUL-terminated for convenience; *len gets its length. Returns NULL when
 * s is not base64. */
char *base64_decode(const char *s, size_t *len);

#endif
