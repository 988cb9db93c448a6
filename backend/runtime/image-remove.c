/* image-remove.c - `tug tag`, `tug rmi` and `tug image prune`: changes to
 * the name index and image removal, each one step under the global lock.
 * An image a container uses is never deleted: without -f rmi refuses,
 * with -f it only loses its names (docker keeps such an image too). */
#include "runtime/image-store.h"
#include "runtime/imageref.h"
#include "runtime/ops.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rt_img_tag(struct rt *rt, const char *src, const char *dst, struct tug_err *err)
{
	char id[DIGEST_STR_LEN + 1], key[2 * IMAGE_REF_MAX + 80];
	struct image_ref r;
	json_t *idx;
	int lock, rc = -1;

	if (image_ref_parse(dst, &r, err) < 0)
		return tug_err_wrap(err, "tag");
	if (r.digest[0])
		return tug_errf(err, TUG_E_INVALID, "tag: refusing to create a tag with a digest reference (%s)",
				dst);
	image_ref_key(&r, key, sizeof(key));
	lock = img_lock(rt, err);
	if (lock < 0)
		return -1;
	idx = img_index_load(rt, err);
	if (idx && img_resolve(rt, idx, src, id, NULL, 0, err) == 0) {
		json_object_set_new(idx, key, json_string(id));
		rc = img_index_save(rt, idx, err);
	}
	json_decref(idx);
	fs_unlock(lock);
	return rc;
}

static void say(void (*cb)(void *, const char *), void *ctx, const char *verb, const char *what)
{
	char msg[2 * IMAGE_REF_MAX + 100];

	if (!cb)
		return;
	snprintf(msg, sizeof(msg), "%s: %s", verb, what);
	cb(ctx, msg);
}

static size_t strv_len(char **v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

static char *join_strv(char **v)
{
	struct sbuf b = SBUF_INIT;

	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			sbuf_puts(&b, ", ");
		sbuf_puts(&b, v[i]);
	}
	return sbuf_detach(&b);
}

/* Drop every name of id from the index, reporting each. */
static void untag_all(json_t *idx, const char *id, void (*cb)(void *, const char *), void *ctx)
{
	for (int digests = 0; digests < 2; digests++) {
		char **keys = img_keys(idx, id, digests);
		for (char **k = keys; k && *k; k++) {
			json_object_del(idx, *k);
			say(cb, ctx, "Untagged", *k);
		}
		img_strv_free(keys);
	}
}

/* Delete the record of id (nameless by now) and what only it used. */
static int delete_image(const struct rt *rt, const char *id, void (*cb)(void *, const char *),
			void *ctx, int64_t *freed, struct tug_err *err)
{
	if (img_delete_record(rt, id, err) < 0)
		return -1;
	say(cb, ctx, "Deleted", id);
	return img_gc(rt, cb, ctx, freed, err);
}

static int remove_locked(struct rt *rt, json_t *idx, const char *ref, int force,
			 void (*cb)(void *, const char *), void *ctx, struct tug_err *err)
{
	char id[DIGEST_STR_LEN + 1], key[2 * IMAGE_REF_MAX + 80];
	struct img_ctrs ctrs;
	char **tags = NULL, **digests = NULL, **users = NULL, *list = NULL;
	size_t nrefs;
	int rc = -1;

	if (img_resolve(rt, idx, ref, id, key, sizeof(key), err) < 0)
		return -1;
	img_ctrs_load(rt, &ctrs);
	users = img_ctrs_using(&ctrs, id);
	img_ctrs_release(&ctrs);
	tags = img_keys(idx, id, 0);
	digests = img_keys(idx, id, 1);
	nrefs = strv_len(tags) + strv_len(digests);

	if (key[0]) {
		/* by name: drop that name; the image goes with its last one */
		if (nrefs > 1 || (users && force)) {
			json_object_del(idx, key);
			say(cb, ctx, "Untagged", key);
			rc = img_index_save(rt, idx, err);
			goto out;
		}
		if (users) {
			list = join_strv(users);
			tug_errf(err, TUG_E_CONFLICT,
				 "unable to remove image %s: container %s uses it (remove the container "
				 "first, or use -f to only untag it)", key, list);
			goto out;
		}
	} else {
		char short_id[13];
		snprintf(short_id, sizeof(short_id), "%.12s", img_hex(id));
		if (nrefs > 1 && !force) {
			list = join_strv(tags ? tags : digests);
			tug_errf(err, TUG_E_CONFLICT,
				 "unable to delete image %s: it has several names (%s): remove them by "
				 "name, or use -f", short_id, list);
			goto out;
		}
		if (users && (!force || nrefs == 0)) {
			list = join_strv(users);
			tug_errf(err, TUG_E_CONFLICT, "unable to delete image %s: container %s uses it%s",
				 short_id, list,
				 force ? " (remove the container first)" :
					 " (remove the container first, or use -f to only untag it)");
			goto out;
		}
		if (users) {
			untag_all(idx, id, cb, ctx);
			rc = img_index_save(rt, idx, err);
			goto out;
		}
	}
	untag_all(idx, id, cb, ctx);
	if (img_index_save(rt, idx, err) < 0)
		goto out;
	rc = delete_image(rt, id, cb, ctx, NULL, err);
out:
	img_strv_free(tags);
	img_strv_free(digests);
	img_strv_free(users);
	free(list);
	return rc;
}

int rt_img_remove(struct rt *rt, const char *ref, int force, void (*removed)(void *, const char *),
		  void *ctx, struct tug_err *err)
{
	json_t *idx;
	int lock, rc = -1;

	lock = img_lock(rt, err);
	if (lock < 0)
		return -1;
	idx = img_index_load(rt, err);
	if (idx)
		rc = remove_locked(rt, idx, ref, force, removed, ctx, err);
	json_decref(idx);
	fs_unlock(lock);
	img_purge_retired(rt);
	return rc;
}

static int prune_locked(struct rt *rt, json_t *idx, int all, void (*cb)(void *, const char *),
			void *ctx, int64_t *freed, struct tug_err *err)
{
	char path[PATH_MAX], id[DIGEST_STR_LEN + 1];
	struct img_ctrs ctrs;
	struct dirent *de;
	char **ids = NULL;
	size_t n = 0;
	int rc = 0;
	DIR *d = opendir(img_path(rt, path, sizeof(path), "images"));

	if (!d)
		return 0;
	img_ctrs_load(rt, &ctrs);
	while ((de = readdir(d))) {
		char **tags, **digests, **users;
		int named;
		if (strlen(de->d_name) != DIGEST_HEX_LEN || !image_id_like(de->d_name))
			continue;
		snprintf(id, sizeof(id), "sha256:%s", de->d_name);
		tags = img_keys(idx, id, 0);
		digests = img_keys(idx, id, 1);
		users = img_ctrs_using(&ctrs, id);
		named = tags || digests;
		if (!users && (all || !named)) {
			ids = xrealloc(ids, (n + 1) * sizeof(char *));
			ids[n++] = xstrdup(id);
		}
		img_strv_free(tags);
		img_strv_free(digests);
		img_strv_free(users);
	}
	closedir(d);
	img_ctrs_release(&ctrs);
	for (size_t i = 0; i < n && rc == 0; i++) {
		untag_all(idx, ids[i], cb, ctx);
		rc = img_index_save(rt, idx, err);
		if (rc == 0 && img_delete_record(rt, ids[i], err) < 0)
			rc = -1;
		if (rc == 0)
			say(cb, ctx, "Deleted", ids[i]);
	}
	if (rc == 0)
		rc = img_gc(rt, cb, ctx, freed, err);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return rc;
}

int rt_img_prune(struct rt *rt, int all, void (*removed)(void *, const char *), void *ctx,
		 int64_t *reclaimed, struct tug_err *err)
{
	json_t *idx;
	int lock, rc = -1;
	int64_t freed = 0;

	lock = img_lock(rt, err);
	if (lock < 0)
		return -1;
	idx = img_index_load(rt, err);
	if (idx)
		rc = prune_locked(rt, idx, all, removed, ctx, &freed, err);
	json_decref(idx);
	fs_unlock(lock);
	img_purge_retired(rt);
	if (reclaimed)
		*reclaimed = freed;
	return rc;
}
