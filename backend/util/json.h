/* json.h - jansson helpers: load/save files atomically, typed getters
 * that tolerate missing keys. */
#ifndef TUG_JSON_H
#define TUG_JSON_H

#include <jansson.h>
#include <stdint.h>
#include "util/err.h"

json_t *json_load_path(const char *path, struct tug_err *err);
int json_save_path(const char *path, json_t *j, struct tug_err *err);
/* The same for a file that must not exist yet, written in place (see
 * fs_write_new). */
int json_save_new(const char *path, json_t *j, struct tug_err *err);

const char *jstr(json_t *obj, const char *key);   /* NULL when absent */
int64_t jint(json_t *obj, const char *key);        /* 0 when absent */
int jbool(json_t *obj, const char *key);           /* 0 when absent */
/* Set key to a string, or remove it when s is NULL. */
void jset_str(json_t *obj, const char *key, const char *s);
void jset_int(json_t *obj, const char *key, int64_t v);
void jset_bool(json_t *obj, const char *key, int v);

#endif
