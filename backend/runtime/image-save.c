/* image-save.c - `tug save`: the layout docker 25+ writes, which is both a
 * docker-save archive (manifest.json, repositories) and an OCI image
 * layout (oci-layout, index.json, blobs/sha256/...):
 *   blobs/sha256/<config>    the image config, byte for byte (so the id
 *                            survives the round trip)
 *   blobs/sha256/<layer>     each layer blob as stored (plain, gzip or zstd
 *                            tar; docker load and OCI tools decompress)
 *   blobs/sha256/<manifest>  the image's manifest
 *   index.json, manifest.json, oci-layout, repositories
 * Every file is opened under a shared store lock, then streamed without
 * it, so a long save never blocks other commands and a concurrent rmi
 * cannot pull a blob from under it. */
#include "runtime/image-store.h"
#include "runtime/imageref.h"
#include "runtime/ops.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct save_layer {
	img_digest digest;
	int fd;
	int64_t size;
};

struct save_img {
	img_digest id;
	char **tags;             /* index keys "repo:tag" */
	char *config, *manifest;
	size_t config_len, manifest_len;
	img_digest manifest_digest;
	json_t *cfg;
	int64_t created;
	struct save_layer *layers;
	size_t nlayers;
};

struct save {
	struct save_img *imgs;
	size_t n;
};

static struct save_img *save_add(struct save *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->imgs[i].id, id))
			return &s->imgs[i];
	s->imgs = xrealloc(s->imgs, (s->n + 1) * sizeof(*s->imgs));
	memset(&s->imgs[s->n], 0, sizeof(s->imgs[0]));
	snprintf(s->imgs[s->n].id, sizeof(s->imgs[0].id), "%s", id);
	return &s->imgs[s->n++];
}

static void add_tag(struct save_img *im, const char *key)
{
	size_t n = 0;

	while (im->tags && im->tags[n]) {
		if (!strcmp(im->tags[n], key))
			return;
		n++;
	}
	im->tags = xrealloc(im->tags, (n + 2) * sizeof(char *));
	im->tags[n] = xstrdup(key);
	im->tags[n + 1] = NULL;
}

/* docker's rules: "repo" alone saves every tag of repo, "repo:tag" that
 * tag, an id or digest the image without names. */
static int collect(const struct rt *rt, json_t *idx, struct save *s, const char *ref,
		   struct tug_err *err)
{
	char id[DIGEST_STR_LEN + 1], key[2 * IMAGE_REF_MAX + 80];
	struct tug_err perr;
	struct image_ref r;

	if (image_ref_parse(ref, &r, &perr) == 0 && !r.tag[0] && !r.digest[0]) {
		char repo[2 * IMAGE_REF_MAX];
		size_t rl = strlen(image_ref_repo(&r, repo, sizeof(repo)));
		const char *k;
		json_t *v;
		int found = 0;
		json_object_foreach(idx, k, v) {
			if (strncmp(k, repo, rl) || k[rl] != ':' || !digest_valid(json_string_value(v)))
				continue;
			add_tag(save_add(s, json_string_value(v)), k);
			found = 1;
		}
		if (found)
			return 0;
	}
	if (img_resolve(rt, idx, ref, id, key, sizeof(key), err) < 0)
		return -1;
	if (key[0] && !strchr(key, '@'))
		add_tag(save_add(s, id), key);
	else
		save_add(s, id);
	return 0;
}

static int open_image(const struct rt *rt, struct save_img *im, struct tug_err *err)
{
	char path[PATH_MAX];
	json_t *man = NULL, *l;
	size_t i;

	if (img_config_read(rt, im->id, &im->config, &im->config_len, err) < 0)
		return -1;
	im->cfg = json_loadb(im->config, im->config_len, 0, NULL);
	if (parse_rfc3339(jstr(im->cfg, "created") ? jstr(im->cfg, "created") : "", &im->created) < 0)
		im->created = 0;
	if (fs_read_all(img_path(rt, path, sizeof(path), "images/%s/manifest.json", img_hex(im->id)),
			&im->manifest, &im->manifest_len, err) < 0)
		return -1;
	digest_buf(im->manifest, im->manifest_len, im->manifest_digest);
	man = json_loadb(im->manifest, im->manifest_len, 0, NULL);
	json_array_foreach(json_object_get(man, "layers"), i, l) {
		struct save_layer *sl;
		struct stat st;
		const char *d = jstr(l, "digest");
		if (!d || !digest_valid(d)) {
			json_decref(man);
			return tug_errf(err, TUG_E_GENERIC, "image %.19s: its manifest names an invalid layer",
					im->id);
		}
		im->layers = xrealloc(im->layers, (im->nlayers + 1) * sizeof(*im->layers));
		sl = &im->layers[im->nlayers++];
		snprintf(sl->digest, sizeof(sl->digest), "%s", d);
		sl->fd = open(img_path(rt, path, sizeof(path), "blobs/sha256/%s", img_hex(d)),
			      O_RDONLY | O_CLOEXEC);
		if (sl->fd < 0 || fstat(sl->fd, &st) < 0) {
			tug_errno(err, "image %.19s: layer blob %s", im->id, d);
			json_decref(man);
			return -1;
		}
		sl->size = st.st_size;
	}
	json_decref(man);
	return 0;
}

static void save_release(struct save *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct save_img *im = &s->imgs[i];
		img_strv_free(im->tags);
		free(im->config);
		free(im->manifest);
		json_decref(im->cfg);
		for (size_t j = 0; j < im->nlayers; j++)
			if (im->layers[j].fd >= 0)
				close(im->layers[j].fd);
		free(im->layers);
	}
	free(s->imgs);
}

/* ---- the tar ---- */

static int tar_fail(struct archive *a, const char *name, struct tug_err *err)
{
	const char *m = archive_error_string(a);
	return tug_errf(err, TUG_E_GENERIC, "write %s: %s", name, m ? m : "failed");
}

static int tar_header(struct archive *a, const char *name, mode_t type, int64_t size,
		      int64_t mtime, struct tug_err *err)
{
	struct archive_entry *e = archive_entry_new();
	int r;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
	archive_entry_set_size(e, type == AE_IFDIR ? 0 : size);
	archive_entry_set_mtime(e, (time_t)(mtime / 1000000000), (long)(mtime % 1000000000));
	r = archive_write_header(a, e);
	archive_entry_free(e);
	return r == ARCHIVE_OK ? 0 : tar_fail(a, name, err);
}

static int tar_buf(struct archive *a, const char *name, const char *buf, size_t len,
		   int64_t mtime, struct tug_err *err)
{
	if (tar_header(a, name, AE_IFREG, (int64_t)len, mtime, err) < 0)
		return -1;
	if (len && archive_write_data(a, buf, len) != (la_ssize_t)len)
		return tar_fail(a, name, err);
	return 0;
}

static int tar_fd(struct archive *a, const char *name, int fd, int64_t size, int64_t mtime,
		  struct tug_err *err)
{
	char buf[65536];
	int64_t left = size;

	if (tar_header(a, name, AE_IFREG, size, mtime, err) < 0)
		return -1;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return tug_errno(err, "read %s", name);
	while (left > 0) {
		ssize_t n = read(fd, buf, left < (int64_t)sizeof(buf) ? (size_t)left : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? tug_errno(err, "read %s", name)
				     : tug_errf(err, TUG_E_GENERIC, "read %s: the blob shrank", name);
		if (archive_write_data(a, buf, (size_t)n) != n)
			return tar_fail(a, name, err);
		left -= n;
	}
	return 0;
}

static int blob_written(char ***done, size_t *n, const char *digest)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*done)[i], digest))
			return 1;
	*done = xrealloc(*done, (*n + 1) * sizeof(char *));
	(*done)[(*n)++] = xstrdup(digest);
	return 0;
}

static int write_blobs(struct archive *a, struct save *s, struct tug_err *err)
{
	char name[128], **done = NULL;
	size_t ndone = 0;
	int rc = -1;

	if (tar_header(a, "blobs/", AE_IFDIR, 0, 0, err) < 0 ||
	    tar_header(a, "blobs/sha256/", AE_IFDIR, 0, 0, err) < 0)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		struct save_img *im = &s->imgs[i];
		if (!blob_written(&done, &ndone, im->id)) {
			snprintf(name, sizeof(name), "blobs/sha256/%s", img_hex(im->id));
			if (tar_buf(a, name, im->config, im->config_len, im->created, err) < 0)
				goto out;
		}
		for (size_t j = 0; j < im->nlayers; j++) {
			if (blob_written(&done, &ndone, im->layers[j].digest))
				continue;
			snprintf(name, sizeof(name), "blobs/sha256/%s", img_hex(im->layers[j].digest));
			if (tar_fd(a, name, im->layers[j].fd, im->layers[j].size, im->created, err) < 0)
				goto out;
		}
		if (!blob_written(&done, &ndone, im->manifest_digest)) {
			snprintf(name, sizeof(name), "blobs/sha256/%s", img_hex(im->manifest_digest));
			if (tar_buf(a, name, im->manifest, im->manifest_len, 0, err) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	for (size_t i = 0; i < ndone; i++)
		free(done[i]);
	free(done);
	return rc;
}

static json_t *platform_of(json_t *cfg)
{
	json_t *p = json_object();

	jset_str(p, "architecture", jstr(cfg, "architecture") ? jstr(cfg, "architecture") : "amd64");
	jset_str(p, "os", jstr(cfg, "os") ? jstr(cfg, "os") : "linux");
	if (jstr(cfg, "variant"))
		jset_str(p, "variant", jstr(cfg, "variant"));
	return p;
}

static json_t *manifest_desc(struct save_img *im, const char *key)
{
	json_t *d = json_object();
	json_t *man = json_loadb(im->manifest, im->manifest_len, 0, NULL);
	const char *mt = jstr(man, "mediaType");

	jset_str(d, "mediaType", mt ? mt : MT_OCI_MANIFEST);
	jset_str(d, "digest", im->manifest_digest);
	jset_int(d, "size", (int64_t)im->manifest_len);
	json_object_set_new(d, "platform", platform_of(im->cfg));
	json_decref(man);
	if (key) {
		struct image_ref r;
		struct tug_err e;
		char full[2 * IMAGE_REF_MAX + 140];
		json_t *ann = json_object();
		if (image_ref_parse(key, &r, &e) == 0) {
			image_ref_remote(&r, full, sizeof(full));
			snprintf(full + strlen(full), sizeof(full) - strlen(full), ":%s", r.tag);
			jset_str(ann, "io.containerd.image.name", full);
			jset_str(ann, "org.opencontainers.image.ref.name", r.tag);
		}
		json_object_set_new(d, "annotations", ann);
	}
	return d;
}

#define OCI_LAYOUT "{\"imageLayoutVersion\":\"1.0.0\"}"

static int tar_json(struct archive *a, const char *name, json_t *j, const char *end,
		    struct tug_err *err)
{
	struct sbuf b = SBUF_INIT;
	char *txt = json_dumps(j, JSON_COMPACT);
	int r;

	sbuf_puts(&b, txt);
	sbuf_puts(&b, end);
	free(txt);
	r = tar_buf(a, name, b.s, b.len, 0, err);
	sbuf_release(&b);
	return r;
}

static int write_meta(struct archive *a, struct save *s, struct tug_err *err)
{
	json_t *index = json_object(), *mans = json_array(), *legacy = json_array();
	json_t *repos = json_object();
	int rc = -1;

	jset_int(index, "schemaVersion", 2);
	jset_str(index, "mediaType", MT_OCI_INDEX);
	for (size_t i = 0; i < s->n; i++) {
		struct save_img *im = &s->imgs[i];
		json_t *item = json_object(), *tags = json_array(), *layers = json_array();
		json_t *ids = json_object_get(json_object_get(im->cfg, "rootfs"), "diff_ids");
		const char *top;
		char path[128];
		if (!im->tags)
			json_array_append_new(mans, manifest_desc(im, NULL));
		for (char **t = im->tags; t && *t; t++) {
			char *colon = strrchr(*t, ':');
			json_t *repo;
			json_array_append_new(mans, manifest_desc(im, *t));
			json_array_append_new(tags, json_string(*t));
			*colon = '\0';
			repo = json_object_get(repos, *t);
			if (!repo) {
				repo = json_object();
				json_object_set_new(repos, *t, repo);
			}
			/* docker names the top layer by its DiffID here */
			top = json_string_value(json_array_get(ids, json_array_size(ids) - 1));
			if (top)
				jset_str(repo, colon + 1, img_hex(top));
			*colon = ':';
		}
		snprintf(path, sizeof(path), "blobs/sha256/%s", img_hex(im->id));
		jset_str(item, "Config", path);
		json_object_set_new(item, "RepoTags", im->tags ? tags : json_null());
		if (!im->tags)
			json_decref(tags);
		for (size_t j = 0; j < im->nlayers; j++) {
			snprintf(path, sizeof(path), "blobs/sha256/%s", img_hex(im->layers[j].digest));
			json_array_append_new(layers, json_string(path));
		}
		json_object_set_new(item, "Layers", layers);
		json_array_append_new(legacy, item);
	}
	json_object_set_new(index, "manifests", mans);

	/* manifest.json and repositories end in a newline, as Go's encoder writes them */
	if (tar_json(a, "index.json", index, "", err) < 0 ||
	    tar_json(a, "manifest.json", legacy, "\n", err) < 0 ||
	    tar_buf(a, "oci-layout", OCI_LAYOUT, strlen(OCI_LAYOUT), 0, err) < 0 ||
	    (json_object_size(repos) && tar_json(a, "repositories", repos, "\n", err) < 0))
		goto out;
	rc = 0;
out:
	json_decref(index);
	json_decref(legacy);
	json_decref(repos);
	return rc;
}

static int prepare(const struct rt *rt, const char *const *refs, size_t n, struct save *s,
		   struct tug_err *err)
{
	char path[PATH_MAX];
	json_t *idx;
	int lock, rc = 0;

	lock = fs_lock_shared(img_path(rt, path, sizeof(path), "lock"), err);
	if (lock < 0)
		return -1;
	idx = img_index_load(rt, err);
	if (!idx)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = collect(rt, idx, s, refs[i], err);
	for (size_t i = 0; rc == 0 && i < s->n; i++)
		rc = open_image(rt, &s->imgs[i], err);
	json_decref(idx);
	fs_unlock(lock);
	return rc;
}

int rt_img_save(struct rt *rt, const char *const *refs, size_t n, int fd, struct tug_err *err)
{
	struct save s = { 0 };
	struct archive *a = NULL;
	int rc = -1;

	if (n == 0)
		return tug_errf(err, TUG_E_INVALID, "save: name at least one image");
	if (prepare(rt, refs, n, &s, err) < 0) {
		tug_err_wrap(err, "save");
		goto out;
	}
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		tar_fail(a, "archive", err);
		goto out;
	}
	if (write_blobs(a, &s, err) < 0 || write_meta(a, &s, err) < 0)
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		tar_fail(a, "archive", err);
		goto out;
	}
	rc = 0;
out:
	if (a)
		archive_write_free(a);
	save_release(&s);
	return rc;
}
