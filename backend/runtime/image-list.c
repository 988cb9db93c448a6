/* image-list.c - `tug images` and `tug image inspect`: image records shown
 * the way docker shows them (the inspect object is docker's, field for
 * field where the data exists here). */
#include "runtime/image-store.h"
#include "runtime/imageref.h"
#include "runtime/ops.h"
#include "util/json.h"
#include "util/str.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *strv_json(char **v)
{
	json_t *a = json_array();

	for (char **p = v; p && *p; p++)
		json_array_append_new(a, json_string(*p));
	return a;
}

static void copy_str(json_t *dst, const char *key, json_t *cfg, const char *from)
{
	const char *s = jstr(cfg, from);
	jset_str(dst, key, s ? s : "");
}

/* The image's run config in docker's shape: every field docker shows,
 * null/empty where the image says nothing, then the image's own values. */
static json_t *docker_config(json_t *cc)
{
	static const char *const strs[] = { "Hostname", "Domainname", "User" };
	static const char *const bools[] = { "AttachStdin", "AttachStdout", "AttachStderr", "Tty",
					     "OpenStdin", "StdinOnce" };
	static const char *const nulls[] = { "Env", "Cmd", "Image", "Volumes", "WorkingDir",
					     "Entrypoint", "OnBuild", "Labels" };
	json_t *c = json_object();
	size_t i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		jset_str(c, strs[i], "");
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
		jset_bool(c, bools[i], 0);
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		json_object_set_new(c, nulls[i], json_null());
	jset_str(c, "Image", "");
	jset_str(c, "WorkingDir", "");
	if (json_is_object(cc))
		json_object_update(c, cc);
	return c;
}

/* overlayfs' lowerdir order: top layer first */
static char *lower_dirs(const struct rt *rt, json_t *cfg)
{
	struct sbuf b = SBUF_INIT;
	struct tug_err err;
	img_digest *chains;
	size_t n;

	if (img_chain_ids(cfg, &chains, &n, &err) < 0)
		return sbuf_detach(&b);
	for (size_t i = n; i-- > 0;) {
		char path[PATH_MAX];
		if (b.len)
			sbuf_puts(&b, ":");
		sbuf_puts(&b, img_path(rt, path, sizeof(path), "layers/%s/diff", img_hex(chains[i])));
	}
	free(chains);
	return sbuf_detach(&b);
}

static json_t *inspect_obj(const struct rt *rt, const char *id, json_t *cfg,
			   char **tags, char **digests, int64_t size)
{
	json_t *o = json_object(), *gd = json_object(), *data = json_object();
	json_t *rootfs = json_object(), *cc = json_object_get(cfg, "config");
	json_t *ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	char *lower = lower_dirs(rt, cfg);

	jset_str(o, "Id", id);
	json_object_set_new(o, "RepoTags", strv_json(tags));
	json_object_set_new(o, "RepoDigests", strv_json(digests));
	copy_str(o, "Parent", cfg, "parent");
	copy_str(o, "Comment", cfg, "comment");
	copy_str(o, "Created", cfg, "created");
	copy_str(o, "DockerVersion", cfg, "docker_version");
	copy_str(o, "Author", cfg, "author");
	json_object_set_new(o, "Config", docker_config(cc));
	copy_str(o, "Architecture", cfg, "architecture");
	if (jstr(cfg, "variant"))
		copy_str(o, "Variant", cfg, "variant");
	copy_str(o, "Os", cfg, "os");
	jset_int(o, "Size", size);
	jset_str(gd, "Name", "overlay");
	jset_str(data, "LowerDir", lower);
	json_object_set_new(gd, "Data", data);
	json_object_set_new(o, "GraphDriver", gd);
	jset_str(rootfs, "Type", "layers");
	json_object_set_new(rootfs, "Layers", json_is_array(ids) ? json_incref(ids) : json_array());
	json_object_set_new(o, "RootFS", rootfs);
	free(lower);
	return o;
}

/* The inspect object of image id; NULL when its record vanished. */
static json_t *inspect_id(const struct rt *rt, json_t *idx, const char *id,
			  struct tug_err *err)
{
	json_t *cfg = img_config_load(rt, id, err), *o;
	char **tags, **digests;

	if (!cfg)
		return NULL;
	tags = img_keys(idx, id, 0);
	digests = img_keys(idx, id, 1);
	o = inspect_obj(rt, id, cfg, tags, digests, img_size(rt, cfg));
	img_strv_free(tags);
	img_strv_free(digests);
	json_decref(cfg);
	return o;
}

int rt_img_inspect(struct rt *rt, const char *ref, json_t **out, struct tug_err *err)
{
	char id[DIGEST_STR_LEN + 1];
	json_t *idx = img_index_load(rt, err);

	if (!idx)
		return -1;
	if (img_resolve(rt, idx, ref, id, NULL, 0, err) < 0) {
		json_decref(idx);
		return -1;
	}
	*out = inspect_id(rt, idx, id, err);
	json_decref(idx);
	return *out ? 0 : -1;
}

static int newest_first(const void *a, const void *b)
{
	const struct tug_obj *x = a, *y = b;

	if (x->created_ns != y->created_ns)
		return x->created_ns < y->created_ns ? 1 : -1;
	return strcmp(x->id, y->id);
}

int rt_img_list(struct rt *rt, const struct tug_list_opts *o, struct tug_list *out,
		struct tug_err *err)
{
	char path[PATH_MAX];
	struct img_ctrs ctrs;
	struct dirent *de;
	json_t *idx;
	DIR *d;

	(void)o; /* no intermediate images here: -a shows what the default shows */
	memset(out, 0, sizeof(*out));
	idx = img_index_load(rt, err);
	if (!idx)
		return -1;
	d = opendir(img_path(rt, path, sizeof(path), "images"));
	if (!d) {
		json_decref(idx);
		return 0;
	}
	img_ctrs_load(rt, &ctrs);
	while ((de = readdir(d))) {
		char id[DIGEST_STR_LEN + 1];
		struct tug_err ignore;
		struct tug_obj *ob;
		json_t *raw;
		if (strlen(de->d_name) != DIGEST_HEX_LEN || !image_id_like(de->d_name))
			continue;
		snprintf(id, sizeof(id), "sha256:%s", de->d_name);
		raw = inspect_id(rt, idx, id, &ignore);
		if (!raw)
			continue; /* removed while we looked */
		out->items = xrealloc(out->items, (out->n + 1) * sizeof(*out->items));
		ob = &out->items[out->n++];
		memset(ob, 0, sizeof(*ob));
		ob->kind = TUG_IMAGE;
		ob->id = xstrdup(id);
		ob->tags = img_keys(idx, id, 0);
		if (ob->tags)
			ob->name = xstrdup(ob->tags[0]);
		if (parse_rfc3339(jstr(raw, "Created") ? jstr(raw, "Created") : "", &ob->created_ns) < 0)
			ob->created_ns = 0;
		ob->size = jint(raw, "Size");
		ob->users = img_ctrs_using(&ctrs, id);
		ob->raw = raw;
	}
	closedir(d);
	img_ctrs_release(&ctrs);
	json_decref(idx);
	if (out->n > 1)
		qsort(out->items, out->n, sizeof(*out->items), newest_first);
	return 0;
}
