/* image-store.c - reading the image store: the name index, resolving
 * references, image records, and rt_image_get for the container start
 * path (one index read, one config read, no directory scan unless the
 * reference is an id prefix). */
#include "runtime/image-store.h"
#include "runtime/image.h"
#include "runtime/imageref.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *img_path(const struct rt *rt, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, size, "%s/", rt->root);

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < size)
		vsnprintf(buf + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	return buf;
}

const char *img_hex(const char *digest)
{
	return str_has_prefix(digest, "sha256:") ? digest + 7 : digest;
}

int img_lock(const struct rt *rt, struct tug_err *err)
{
	char path[PATH_MAX];
	return fs_lock(img_path(rt, path, sizeof(path), "lock"), err);
}

json_t *img_index_load(const struct rt *rt, struct tug_err *err)
{
	char path[PATH_MAX];
	json_t *idx;

	idx = json_load_path(img_path(rt, path, sizeof(path), "repositories.json"), err);
	if (!idx && err->code == TUG_E_NOTFOUND) {
		tug_err_clear(err);
		return json_object(); /* no image named yet */
	}
	if (idx && !json_is_object(idx)) {
		json_decref(idx);
		tug_errf(err, TUG_E_GENERIC, "%s: not a JSON object", path);
		return NULL;
	}
	return idx;
}

int img_index_save(const struct rt *rt, json_t *idx, struct tug_err *err)
{
	char path[PATH_MAX];
	return json_save_path(img_path(rt, path, sizeof(path), "repositories.json"), idx, err);
}

/* An id or unique id prefix (hex, no "sha256:") of a stored image. */
static int resolve_id(const struct rt *rt, const char *hex, char *id, struct tug_err *err)
{
	char path[PATH_MAX];
	size_t n = strlen(hex);
	struct dirent *de;
	struct stat st;
	int found = 0;
	DIR *d;

	if (n == DIGEST_HEX_LEN) {
		if (stat(img_path(rt, path, sizeof(path), "images/%s", hex), &st) < 0)
			return tug_errf(err, TUG_E_NOTFOUND, "no such image: sha256:%s", hex);
		snprintf(id, DIGEST_STR_LEN + 1, "sha256:%s", hex);
		return 0;
	}
	d = opendir(img_path(rt, path, sizeof(path), "images"));
	if (!d)
		return tug_errf(err, TUG_E_NOTFOUND, "no such image: %s", hex);
	while ((de = readdir(d))) {
		if (strlen(de->d_name) != DIGEST_HEX_LEN || strncmp(de->d_name, hex, n))
			continue;
		if (found++) {
			closedir(d);
			return tug_errf(err, TUG_E_CONFLICT,
					"image id prefix %s matches several images: give more of it", hex);
		}
		snprintf(id, DIGEST_STR_LEN + 1, "sha256:%s", de->d_name);
	}
	closedir(d);
	if (!found)
		return tug_errf(err, TUG_E_NOTFOUND, "no such image: %s", hex);
	return 0;
}

int img_resolve(const struct rt *rt, json_t *idx, const char *ref, char *id, char *key,
		size_t keysize, struct tug_err *err)
{
	struct tug_err perr = { 0 };
	struct image_ref r;
	char k[2 * IMAGE_REF_MAX + 80];
	json_t *own = NULL;
	const char *v;
	int parsed;

	if (key && keysize)
		key[0] = '\0';
	if (!ref || !*ref)
		return tug_errf(err, TUG_E_INVALID, "the image name is empty");
	if (str_has_prefix(ref, "sha256:")) {
		if (!image_id_like(ref))
			return tug_errf(err, TUG_E_INVALID, "invalid image id \"%s\"", ref);
		return resolve_id(rt, ref + 7, id, err);
	}
	if (strlen(ref) == DIGEST_HEX_LEN && image_id_like(ref))
		return resolve_id(rt, ref, id, err);
	parsed = image_ref_parse(ref, &r, &perr) == 0;
	if (parsed) {
		image_ref_key(&r, k, sizeof(k));
		if (!idx) {
			idx = own = img_index_load(rt, err);
			if (!idx)
				return -1;
		}
		v = jstr(idx, k);
		if (v && digest_valid(v)) {
			snprintf(id, DIGEST_STR_LEN + 1, "%s", v);
			if (key && keysize)
				snprintf(key, keysize, "%s", k);
			json_decref(own);
			return 0;
		}
		json_decref(own);
	}
	if (image_id_like(ref)) {
		if (resolve_id(rt, ref, id, err) == 0)
			return 0;
		if (err->code == TUG_E_CONFLICT)
			return -1;
	}
	if (!parsed) {
		*err = perr;
		return -1;
	}
	return tug_errf(err, TUG_E_NOTFOUND, "no such image: %s", k);
}

int img_config_read(const struct rt *rt, const char *id, char **raw, size_t *len,
		    struct tug_err *err)
{
	char path[PATH_MAX];

	if (fs_read_all(img_path(rt, path, sizeof(path), "images/%s/config.json", img_hex(id)),
			raw, len, err) < 0) {
		if (err->code == TUG_E_NOTFOUND)
			return tug_errf(err, TUG_E_NOTFOUND, "no such image: %s (removed meanwhile?)", id);
		return -1;
	}
	return 0;
}

json_t *img_config_load(const struct rt *rt, const char *id, struct tug_err *err)
{
	json_error_t je;
	size_t len;
	char *raw;
	json_t *j;

	if (img_config_read(rt, id, &raw, &len, err) < 0)
		return NULL;
	j = json_loadb(raw, len, 0, &je);
	free(raw);
	if (!json_is_object(j)) {
		json_decref(j);
		tug_errf(err, TUG_E_GENERIC, "image %.19s: its config is not a JSON object (%s)", id,
			 je.text);
		return NULL;
	}
	return j;
}

json_t *img_manifest_load(const struct rt *rt, const char *id, struct tug_err *err)
{
	char path[PATH_MAX];
	return json_load_path(img_path(rt, path, sizeof(path), "images/%s/manifest.json",
				       img_hex(id)), err);
}

void img_chain_id(const char *parent, const char *diff_id, char *out)
{
	char buf[2 * DIGEST_STR_LEN + 2];

	if (!parent || !*parent) {
		snprintf(out, DIGEST_STR_LEN + 1, "%s", diff_id);
		return;
	}
	snprintf(buf, sizeof(buf), "%s %s", parent, diff_id);
	digest_buf(buf, strlen(buf), out);
}

int img_chain_ids(json_t *cfg, img_digest **out, size_t *n, struct tug_err *err)
{
	json_t *rootfs = json_object_get(cfg, "rootfs");
	json_t *ids = json_object_get(rootfs, "diff_ids");
	img_digest *v;
	size_t i, cnt;

	if (!json_is_array(ids) || (jstr(rootfs, "type") && strcmp(jstr(rootfs, "type"), "layers")))
		return tug_errf(err, TUG_E_INVALID, "image config has no rootfs.diff_ids layer list");
	cnt = json_array_size(ids);
	v = xcalloc(cnt ? cnt : 1, sizeof(*v));
	for (i = 0; i < cnt; i++) {
		const char *d = json_string_value(json_array_get(ids, i));
		if (!d || !digest_valid(d)) {
			free(v);
			return tug_errf(err, TUG_E_INVALID, "image config: rootfs.diff_ids[%zu] is not a sha256 digest", i);
		}
		img_chain_id(i ? v[i - 1] : NULL, d, v[i]);
	}
	*out = v;
	*n = cnt;
	return 0;
}

int64_t img_size(const struct rt *rt, json_t *cfg)
{
	struct tug_err err;
	img_digest *chains;
	int64_t sum = 0;
	size_t n;

	if (img_chain_ids(cfg, &chains, &n, &err) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		json_t *l = json_load_path(img_path(rt, path, sizeof(path), "layers/%s/layer.json",
						    img_hex(chains[i])), &err);
		sum += jint(l, "size");
		json_decref(l);
	}
	free(chains);
	return sum;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **img_keys(json_t *idx, const char *id, int digests)
{
	const char *k;
	json_t *v;
	char **out = NULL;
	size_t n = 0;

	json_object_foreach(idx, k, v) {
		const char *s = json_string_value(v);
		if (!s || strcmp(s, id) || (!!strchr(k, '@')) != !!digests)
			continue;
		out = xrealloc(out, (n + 2) * sizeof(char *));
		out[n++] = xstrdup(k);
		out[n] = NULL;
	}
	if (n > 1)
		qsort(out, n, sizeof(char *), cmp_str);
	return out;
}

void img_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* ".../layers/<chainid-hex>/diff" -> the hex */
static void ctrs_add_layers(struct img_ctrs *c, json_t *dirs)
{
	size_t i;
	json_t *d;

	json_array_foreach(dirs, i, d) {
		const char *p = json_string_value(d), *l;
		char hex[DIGEST_HEX_LEN + 1];
		if (!p || !(l = strstr(p, "/layers/")))
			continue;
		snprintf(hex, sizeof(hex), "%.64s", l + 8);
		if (strlen(hex) != DIGEST_HEX_LEN || !image_id_like(hex))
			continue;
		c->layers = xrealloc(c->layers, (c->nlayers + 1) * sizeof(char *));
		c->layers[c->nlayers++] = xstrdup(hex);
	}
}

void img_ctrs_load(const struct rt *rt, struct img_ctrs *c)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	memset(c, 0, sizeof(*c));
	d = opendir(img_path(rt, path, sizeof(path), "containers"));
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct tug_err err;
		const char *img, *name;
		json_t *cfg;
		if (de->d_name[0] == '.')
			continue;
		cfg = json_load_path(img_path(rt, path, sizeof(path), "containers/%s/config.json",
					      de->d_name), &err);
		ctrs_add_layers(c, json_object_get(cfg, "Layers"));
		img = jstr(cfg, "ImageId");
		if (img && *img) {
			char id[DIGEST_STR_LEN + 8];
			snprintf(id, sizeof(id), "%s%s", str_has_prefix(img, "sha256:") ? "" : "sha256:", img);
			name = jstr(cfg, "Name");
			if (name && *name == '/')
				name++;
			c->image = xrealloc(c->image, (c->n + 1) * sizeof(char *));
			c->name = xrealloc(c->name, (c->n + 1) * sizeof(char *));
			c->image[c->n] = xstrdup(id);
			if (name && *name) {
				c->name[c->n] = xstrdup(name);
			} else {
				char short_id[13];
				snprintf(short_id, sizeof(short_id), "%.12s", de->d_name);
				c->name[c->n] = xstrdup(short_id);
			}
			c->n++;
		}
		json_decref(cfg);
	}
	closedir(d);
}

char **img_ctrs_using(const struct img_ctrs *c, const char *id)
{
	char **out = NULL;
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->image[i], id))
			continue;
		out = xrealloc(out, (n + 2) * sizeof(char *));
		out[n++] = xstrdup(c->name[i]);
		out[n] = NULL;
	}
	return out;
}

void img_ctrs_release(struct img_ctrs *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->image[i]);
		free(c->name[i]);
	}
	for (size_t i = 0; i < c->nlayers; i++)
		free(c->layers[i]);
	free(c->image);
	free(c->name);
	free(c->layers);
	memset(c, 0, sizeof(*c));
}

/* ---- image.h ---- */

int rt_image_get(const struct rt *rt, const char *ref, struct rt_image *out, struct tug_err *err)
{
	img_digest *chains;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (img_resolve(rt, NULL, ref, out->id, NULL, 0, err) < 0)
		return -1;
	out->config = img_config_load(rt, out->id, err);
	if (!out->config)
		return -1;
	if (img_chain_ids(out->config, &chains, &n, err) < 0) {
		tug_err_wrap(err, "image %s", ref);
		rt_image_release(out);
		return -1;
	}
	out->layer_dirs = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		out->layer_dirs[i] = xstrdup(img_path(rt, path, sizeof(path), "layers/%s/diff",
						      img_hex(chains[i])));
	}
	out->nlayers = n;
	free(chains);
	return 0;
}

void rt_image_release(struct rt_image *img)
{
	json_decref(img->config);
	for (size_t i = 0; i < img->nlayers; i++)
		free(img->layer_dirs[i]);
	free(img->layer_dirs);
	memset(img, 0, sizeof(*img));
}

void rt_image_normalize_ref(const char *ref, char *out, size_t size)
{
	struct tug_err err;
	struct image_ref r;

	if (image_ref_parse(ref, &r, &err) == 0)
		image_ref_key(&r, out, size);
	else
		snprintf(out, size, "%s", ref);
}
