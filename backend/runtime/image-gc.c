/* image-gc.c - removing from the image store: image records, layers and
 * blobs nothing references any more, and staging leftovers of processes
 * that died. Trees leave the store by an atomic rename into root/tmp
 * first, so a reader never sees half a layer. */
#include "runtime/build.h"
#include "runtime/image-store.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Move root/<rel> out of the store, into root/tmp/img-<pid>-gc-*: gone
 * for readers at once, deleted by img_purge_retired() once the lock is
 * released (or by the next sweep if this process dies first). */
static int retire(const struct rt *rt, const char *rel, struct tug_err *err)
{
	char from[PATH_MAX], to[PATH_MAX], rnd[65];

	random_hex_id(rnd);
	img_path(rt, from, sizeof(from), "%s", rel);
	img_path(rt, to, sizeof(to), "tmp/img-%d-gc-%.16s", (int)getpid(), rnd);
	if (rename(from, to) < 0 && errno != ENOENT)
		return tug_errno(err, "remove %s", from);
	return 0;
}

void img_purge_retired(const struct rt *rt)
{
	char path[PATH_MAX], prefix[64];
	struct dirent *de;
	DIR *d = opendir(img_path(rt, path, sizeof(path), "tmp"));

	snprintf(prefix, sizeof(prefix), "img-%d-gc-", (int)getpid());
	while (d && (de = readdir(d))) {
		struct tug_err ignore;
		if (str_has_prefix(de->d_name, prefix))
			fs_rm_rf(img_path(rt, path, sizeof(path), "tmp/%s", de->d_name), &ignore);
	}
	if (d)
		closedir(d);
}

int img_delete_record(const struct rt *rt, const char *id, struct tug_err *err)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "images/%s", img_hex(id));
	return retire(rt, rel, err);
}

struct strset {
	char **v;
	size_t n;
	int sorted;
};

static void set_add(struct strset *s, const char *str)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(char *));
	s->v[s->n++] = xstrdup(img_hex(str));
	s->sorted = 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int set_has(struct strset *s, const char *str)
{
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof(char *), cmp_strp);
		s->sorted = 1;
	}
	return s->n && bsearch(&str, s->v, s->n, sizeof(char *), cmp_strp) != NULL;
}

static void set_release(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static int is_hex64(const char *s)
{
	if (strlen(s) != DIGEST_HEX_LEN)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

/* Layers and blobs every image record refers to. Any unreadable record
 * fails the whole collection: better keep garbage than delete a layer. */
static int referenced(const struct rt *rt, struct strset *layers, struct strset *blobs,
		      struct tug_err *err)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(img_path(rt, path, sizeof(path), "images"));
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0 : tug_errno(err, "read %s", path);
	while (rc == 0 && (de = readdir(d))) {
		img_digest *chains;
		json_t *cfg, *man, *l;
		size_t n, i;
		if (!is_hex64(de->d_name))
			continue;
		cfg = img_config_load(rt, de->d_name, err);
		if (!cfg || img_chain_ids(cfg, &chains, &n, err) < 0) {
			json_decref(cfg);
			rc = tug_err_wrap(err, "image %.12s: not collecting unused layers", de->d_name);
			break;
		}
		for (i = 0; i < n; i++)
			set_add(layers, chains[i]);
		free(chains);
		json_decref(cfg);
		man = img_manifest_load(rt, de->d_name, err);
		if (!man) {
			rc = tug_err_wrap(err, "image %.12s: not collecting unused blobs", de->d_name);
			break;
		}
		json_array_foreach(json_object_get(man, "layers"), i, l)
			if (jstr(l, "digest"))
				set_add(blobs, jstr(l, "digest"));
		json_decref(man);
	}
	closedir(d);
	return rc;
}

static void pin_cached(void *ctx, const char *chain, const char *blob)
{
	struct strset **sets = ctx;

	set_add(sets[0], chain);
	set_add(sets[1], blob);
}

int img_gc(const struct rt *rt, void (*removed)(void *, const char *), void *ctx,
	   int64_t *freed, struct tug_err *err)
{
	struct strset layers = { 0 }, blobs = { 0 };
	struct img_ctrs ctrs;
	char path[PATH_MAX], rel[PATH_MAX], msg[128];
	struct dirent *de;
	int rc = -1;
	DIR *d;

	if (referenced(rt, &layers, &blobs, err) < 0)
		goto out;
	/* and whatever a container mounts, whether or not its image is still
	 * there (a container created while its image was being removed) */
	img_ctrs_load(rt, &ctrs);
	for (size_t i = 0; i < ctrs.nlayers; i++)
		set_add(&layers, ctrs.layers[i]);
	img_ctrs_release(&ctrs);
	/* and the layers of build cache entries (`builder prune` drops them) */
	{
		struct strset *sets[2] = { &layers, &blobs };
		build_cache_pins(rt, pin_cached, sets);
	}
	d = opendir(img_path(rt, path, sizeof(path), "layers"));
	while (d && (de = readdir(d))) {
		json_t *meta;
		struct tug_err ignore;
		if (!is_hex64(de->d_name) || set_has(&layers, de->d_name))
			continue;
		meta = json_load_path(img_path(rt, path, sizeof(path), "layers/%s/layer.json",
					       de->d_name), &ignore);
		snprintf(rel, sizeof(rel), "layers/%s", de->d_name);
		if (retire(rt, rel, err) < 0) {
			json_decref(meta);
			closedir(d);
			goto out;
		}
		if (freed)
			*freed += jint(meta, "size");
		json_decref(meta);
		if (removed) {
			snprintf(msg, sizeof(msg), "Deleted: sha256:%s", de->d_name);
			removed(ctx, msg);
		}
	}
	if (d)
		closedir(d);
	d = opendir(img_path(rt, path, sizeof(path), "blobs/sha256"));
	while (d && (de = readdir(d))) {
		struct stat st;
		if (!is_hex64(de->d_name) || set_has(&blobs, de->d_name))
			continue;
		img_path(rt, path, sizeof(path), "blobs/sha256/%s", de->d_name);
		if (stat(path, &st) == 0 && freed)
			*freed += st.st_size;
		if (unlink(path) < 0 && errno != ENOENT) {
			tug_errno(err, "remove %s", path);
			closedir(d);
			goto out;
		}
	}
	if (d)
		closedir(d);
	rc = 0;
out:
	set_release(&layers);
	set_release(&blobs);
	return rc;
}

void img_tmp_sweep(const struct rt *rt)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(img_path(rt, path, sizeof(path), "tmp"));

	while (d && (de = readdir(d))) {
		struct tug_err ignore;
		char *end;
		long pid;
		if (!str_has_prefix(de->d_name, "img-"))
			continue;
		pid = strtol(de->d_name + 4, &end, 10);
		if (end == de->d_name + 4 || *end != '-' || pid <= 0 || pid == getpid() ||
		    rt_pid_alive((pid_t)pid, 0))
			continue;
		fs_rm_rf(img_path(rt, path, sizeof(path), "tmp/%s", de->d_name), &ignore);
	}
	if (d)
		closedir(d);
}
