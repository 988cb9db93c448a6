/* dirlist.c - directory entries as a NULL-terminated array. */
#include "runtime/dirlist.h"
#include "util/str.h"

#include <dirent.h>
#include <stdlib.h>

char **dirlist(const char *dir, int (*keep)(const char *dir, const char *name, void *ctx),
	       void *ctx)
{
	char **v = xcalloc(1, sizeof(char *));
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return v;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || (keep && !keep(dir, de->d_name, ctx)))
			continue;
		v = xrealloc(v, (n + 2) * sizeof(char *));
		v[n++] = xstrdup(de->d_name);
		v[n] = NULL;
	}
	closedir(d);
	return v;
}

void dirlist_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}
