/* str.h - growable string buffer and the small formatters the CLI and the
 * console share (sizes, durations, times, ids). */
#ifndef TUG_STR_H
#define TUG_STR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

struct sbuf {
	char *s;
	size_t len, cap;
};

#define SBUF_INIT { NULL, 0, 0 }
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_release(struct sbuf *b);
/* Hand the string over to the caller (never NULL); the buffer is reset. */
char *sbuf_detach(struct sbuf *b);

/* "1.5GB", "32MB", "512B" as docker prints sizes (decimal units). */
char *fmt_size(char *buf, size_t size, double bytes);
/* "12.3MiB" as docker stats prints memory (binary units). */
char *fmt_size_bin(char *buf, size_t size, double bytes);
/* "3 minutes", "About an hour", "2 days" as docker's units.HumanDuration. */
char *fmt_duration(char *buf, size_t size, int64_t seconds);
/* RFC 3339 with nanoseconds, UTC: "2026-11-28T13:57:34.123456789Z". */
char *fmt_rfc3339(char *buf, size_t size, int64_t unix_ns);
/* Parse RFC 3339 (with or without fraction, Z or offset) to unix ns. */
int parse_rfc3339(const char *s, int64_t *out_ns);
/* Parse a docker --since/--until value: RFC 3339, unix seconds, or a
 * duration ago ("10m", "1h30m"). */
int parse_since(const char *s, int64_t now_ns, int64_t *out_ns);

/* "32m", "1g", "512k", "100" (bytes) -> bytes. Returns -1 on junk. */
int parse_size(const char *s, int64_t *out);
/* "1h30m", "10s", "250ms" -> nanoseconds. */
int parse_duration(const char *s, int64_t *out_ns);

int64_t now_ns(void);
int64_t mono_ns(void);

/* 64 lowercase hex characters from getrandom(). */
void random_hex_id(char out[65]);
/* A docker-style "adjective_name" for unnamed containers. */
void random_name(char *out, size_t size);

int str_has_prefix(const char *s, const char *prefix);
/* strdup that never returns NULL (aborts on OOM: nothing sane to do). */
char *xstrdup(const char *s);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);

#endif
