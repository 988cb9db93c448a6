/* dirlist.h - the names in a directory, as a NULL-terminated array: the
 * network, lease and volume stores list their records this way. */
#ifndef TUG_RT_DIRLIST_H
#define TUG_RT_DIRLIST_H

/* Entries of dir (never "." or ".."; dot files skipped) for which keep
 * returns non-zero (NULL keeps all). A missing directory is empty.
 * Never NULL; free with dirlist_free. */
char **dirlist(const char *dir, int (*keep)(const char *dir, const char *name, void *ctx),
	       void *ctx);
void dirlist_free(char **v);

#endif
