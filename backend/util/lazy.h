/* lazy.h - load a shared library on first use.
 *
 * libcurl and libarchive pull in dozens of dependent libraries whose
 * mapping and relocation would cost every tug invocation milliseconds -
 * including `tug run`, the start path we race runc on - although only
 * pulls, image imports and cluster endpoints use them. tug therefore does
 * not link them: backend/util/lazy-curl.c and lazy-archive.c define each
 * API function we use as a thin forwarder that resolves the real one
 * with dlopen/dlsym on first call. Code keeps calling the normal API
 * through the normal headers. A function used for the first time must be
 * added to the matching lazy-*.c (the link fails until it is). */
#ifndef TUG_LAZY_H
#define TUG_LAZY_H

struct lazy_lib {
	const char *soname;   /* "libcurl.so.4" */
	const char *package;  /* Debian package that ships it, for the message */
	void *handle;
};

/* The address of `name` in lib, loading lib on first use. A missing
 * library or symbol is fatal: the message names the package to install
 * and tug exits with status 125, because the calling API has no error
 * path for "the library is not there". */
void *lazy_sym(struct lazy_lib *lib, const char *name);

#endif
