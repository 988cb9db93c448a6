/* build-cache.c - the build cache: one small JSON file per step result,
 * root/cache/build/<key-hex>.json, where the key chains the parent
 * step's key, the parent's top layer and what the step does (see
 * build.c). A step's layer stays in the store as long as an entry names
 * it: image garbage collection asks build_cache_pins(). Entries are
 * written before the layer is published, so a collection running in
 * between already keeps the layer. */
#include "runtime/build.h"
#include "runtime/image-store.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *entry_path(const struct rt *rt, const char *key, char *buf, size_t size)
{
	return img_path(rt, buf, size, "cache/build/%s.json", img_hex(key));
}

static void copy_field(char *dst, size_t size, json_t *o, const char *k)
{
	snprintf(dst, size, "%s", jstr(o, k) ? jstr(o, k) : "");
}

static int parse_entry(json_t *j, struct bcache_entry *e)
{
	json_t *l = json_object_get(j, "layer");

	memset(e, 0, sizeof(*e));
	copy_field(e->created, sizeof(e->created), j, "created");
	if (!json_is_object(l))
		return 0;
	e->has_layer = 1;
	copy_field(e->layer.chain, sizeof(e->layer.chain), l, "chain");
	copy_field(e->layer.diff_id, sizeof(e->layer.diff_id), l, "diff_id");
	copy_field(e->layer.blob, sizeof(e->layer.blob), l, "digest");
	copy_field(e->layer.media_type, sizeof(e->layer.media_type), l, "mediaType");
	e->layer.blob_size = jint(l, "size");
	if (!digest_valid(e->layer.chain) || !digest_valid(e->layer.diff_id) ||
	    !digest_valid(e->layer.blob))
		return -1;
	return 0;
}

int bcache_get(const struct rt *rt, const char *key, struct bcache_entry *e)
{
	char path[PATH_MAX];
	struct tug_err ignore;
	struct stat st;
	json_t *j = json_load_path(entry_path(rt, key, path, sizeof(path)), &ignore);
	int r;

	if (!j)
		return 0;
	r = parse_entry(j, e);
	json_decref(j);
	if (r < 0 || !e->created[0])
		return 0;
	if (!e->has_layer)
		return 1;
	/* the layer (removed with `builder prune` or by hand) must still be there */
	if (stat(img_path(rt, path, sizeof(path), "layers/%s/diff", img_hex(e->layer.chain)), &st) < 0 ||
	    stat(img_path(rt, path, sizeof(path), "blobs/sha256/%s", img_hex(e->layer.blob)), &st) < 0)
		return 0;
	return 1;
}

int bcache_put(const struct rt *rt, const char *key, const struct bcache_entry *e,
	       struct tug_err *err)
{
	char path[PATH_MAX];
	json_t *j = json_object();
	int r;

	if (fs_mkdir_p(img_path(rt, path, sizeof(path), "cache/build"), 0700, err) < 0) {
		json_decref(j);
		return -1;
	}
	jset_str(j, "created", e->created);
	if (e->has_layer) {
		json_t *l = json_object();
		jset_str(l, "chain", e->layer.chain);
		jset_str(l, "diff_id", e->layer.diff_id);
		jset_str(l, "digest", e->layer.blob);
		jset_int(l, "size", e->layer.blob_size);
		jset_str(l, "mediaType", e->layer.media_type);
		json_object_set_new(j, "layer", l);
	}
	r = json_save_path(entry_path(rt, key, path, sizeof(path)), j, err);
	json_decref(j);
	return r;
}

void build_cache_pins(const struct rt *rt, void (*pin)(void *ctx, const char *chain,
						       const char *blob), void *ctx)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(img_path(rt, path, sizeof(path), "cache/build"));

	while (d && (de = readdir(d))) {
		struct bcache_entry e;
		struct tug_err ignore;
		json_t *j;
		if (!strstr(de->d_name, ".json"))
			continue;
		j = json_load_path(img_path(rt, path, sizeof(path), "cache/build/%s", de->d_name), &ignore);
		if (j && parse_entry(j, &e) == 0 && e.has_layer)
			pin(ctx, e.layer.chain, e.layer.blob);
		json_decref(j);
	}
	if (d)
		closedir(d);
}

int build_cache_clear(const struct rt *rt, long *n, struct tug_err *err)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(img_path(rt, path, sizeof(path), "cache/build"));

	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : tug_errno(err, "read %s", path);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			(*n)++;
		else if (errno != ENOENT) {
			tug_errno(err, "remove %s/%s", path, de->d_name);
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}
