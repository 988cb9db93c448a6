#include "util/json.h"
#include "util/fs.h"

#include <stdlib.h>
#include <string.h>

json_t *json_load_path(const char *path, struct tug_err *err)
{
	json_error_t je;
	char *buf;
	size_t len;
	json_t *j;

	if (fs_read_all(path, &buf, &len, err) < 0)
		return NULL;
	j = json_loadb(buf, len, 0, &je);
	free(buf);
	if (!j)
		tug_errf(err, TUG_E_GENERIC, "%s:%d: %s", path, je.line, je.text);
	return j;
}

static int save(const char *path, json_t *j, int fresh, struct tug_err *err)
{
	char *s = json_dumps(j, JSON_COMPACT);
	int r;

	if (!s)
		return tug_errf(err, TUG_E_GENERIC, "write %s: cannot encode JSON", path);
	r = fresh ? fs_write_new(path, s, strlen(s), 0644, err)
		  : fs_write_atomic(path, s, strlen(s), 0644, err);
	free(s);
	return r;
}

int json_save_path(const char *path, json_t *j, struct tug_err *err)
{
	return save(path, j, 0, err);
}

int json_save_new(const char *path, json_t *j, struct tug_err *err)
{
	return save(path, j, 1, err);
}

const char *jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

int64_t jint(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (int64_t)json_real_value(v);
	return 0;
}

int jbool(json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

void jset_str(json_t *obj, const char *key, const char *s)
{
	if (s)
		json_object_set_new(obj, key, json_string(s));
	else
		json_object_del(obj, key);
}

void jset_int(json_t *obj, const char *key, int64_t v)
{
	json_object_set_new(obj, key, json_integer(v));
}

void jset_bool(json_t *obj, const char *key, int v)
{
	json_object_set_new(obj, key, json_boolean(v));
}
