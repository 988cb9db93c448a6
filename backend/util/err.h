/* err.h - the error object every fallible function fills.
 *
 * A fallible function returns a negative value (or NULL) and fills the
 * struct tug_err passed last; callers on the way up may prefix context
 * with tug_err_wrap() ("pull app:1: layer sha256:ab..: digest mismatch").
 * Only the top level (status bar, stderr) reports it.
 */
#ifndef TUG_ERR_H
#define TUG_ERR_H

#include <stddef.h>

enum tug_errcode {
	TUG_E_OK = 0,
	TUG_E_GENERIC = 1,      /* anything else */
	TUG_E_INVALID = 2,      /* bad input from the user: flag, value, reference */
	TUG_E_NOTFOUND = 3,     /* no such container, image, file... */
	TUG_E_CONFLICT = 4,     /* name taken, object in use, wrong state */
	TUG_E_UNSUPPORTED = 5,  /* this endpoint or host cannot do that */
	TUG_E_PERM = 6,         /* not allowed: read-only, not root, 403 */
	TUG_E_CANNOT_RUN = 126, /* the container command exists but cannot run */
	TUG_E_CMD_NOTFOUND = 127,
};

struct tug_err {
	int code;
	char msg[1024];
};

/* Set the error; returns -1 so callers can `return tug_errf(...)`. */
int tug_errf(struct tug_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like tug_errf with ": strerror(errno)" appended, code TUG_E_GENERIC
 * (TUG_E_NOTFOUND for ENOENT, TUG_E_PERM for EACCES/EPERM). */
int tug_errno(struct tug_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the current message with context: "ctx: message". Returns -1. */
int tug_err_wrap(struct tug_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tug_err_clear(struct tug_err *e);

#endif
