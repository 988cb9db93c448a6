#include "util/lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t lazy_lock = PTHREAD_MUTEX_INITIALIZER;

void *lazy_sym(struct lazy_lib *lib, const char *name)
{
	void *sym;

	pthread_mutex_lock(&lazy_lock);
	if (!lib->handle) {
		lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
		if (!lib->handle) {
			fprintf(stderr, "tug: cannot load %s (%s): install the Debian package %s\n",
				lib->soname, dlerror(), lib->package);
			exit(125);
		}
	}
	pthread_mutex_unlock(&lazy_lock);
	sym = dlsym(lib->handle, name);
	if (!sym) {
		fprintf(stderr, "tug: %s has no %s: install a newer %s\n", lib->soname, name,
			lib->package);
		exit(125);
	}
	return sym;
}
