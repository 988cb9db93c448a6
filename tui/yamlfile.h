/* yamlfile.h - a YAML file loaded as a libyaml document, with errors that
 * name the file and line ("theme.yaml:12: unknown role 'hedaer'"). Used
 * by the theme and config loaders. */
#ifndef TUG_YAMLFILE_H
#define TUG_YAMLFILE_H

#include <yaml.h>
#include "util/err.h"

struct yfile {
	yaml_document_t doc;
	char name[512];      /* the path or label used in messages */
	int loaded;
};

/* Load and parse path. A missing file is TUG_E_NOTFOUND; a syntax error
 * is "path:LINE: message". */
int yfile_load(struct yfile *y, const char *path, struct tug_err *err);
/* Parse text as if it were the file `name` (tests, built-in data). */
int yfile_load_string(struct yfile *y, const char *name, const char *text,
		      size_t len, struct tug_err *err);
void yfile_release(struct yfile *y);

/* The root node; NULL for an empty document. */
yaml_node_t *yfile_root(struct yfile *y);
/* Node by index (from a pair or sequence item). */
yaml_node_t *yfile_node(struct yfile *y, int index);
/* 1-based line where a node starts. */
int yfile_line(const yaml_node_t *n);
/* The scalar's text, or NULL when the node is not a scalar. */
const char *yfile_scalar(const yaml_node_t *n);
/* Fill err with "name:LINE: message" for node n; returns -1. */
int yfile_errf(struct yfile *y, const yaml_node_t *n, struct tug_err *err,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Parse "true/false/yes/no/on/off"; -1 when it is none of them. */
int yfile_bool(const char *s);

#endif
