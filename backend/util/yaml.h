/* yaml.h - YAML <-> jansson: load config files (kubeconfig) into JSON
 * trees, and print JSON objects as YAML the way kubectl does (block
 * style, keys sorted, strings that would read back as another type
 * quoted). libyaml does the syntax. */
#ifndef TUG_YAML_H
#define TUG_YAML_H

#include <jansson.h>
#include <stddef.h>
#include "util/err.h"
#include "util/str.h"

/* Parse the first YAML document of buf. Plain scalars become null, bool,
 * integer or real where YAML 1.1 reads them so; quoted ones stay strings.
 * An empty document gives an empty object. Errors read
 * "NAME:LINE:COL: problem". Returns a new reference or NULL. */
json_t *yaml_load(const char *buf, size_t len, const char *name, struct tug_err *err);

/* Append j as a YAML document to out. Returns 0, or -1 with err. */
int yaml_emit(json_t *j, struct sbuf *out, struct tug_err *err);

/* Would the plain scalar s read back as something other than a string
 * (null, bool, number)? Such strings are quoted when emitted. */
int yaml_plain_is_typed(const char *s);

#endif
