/* image-load.c - `tug load`: a docker-save archive (manifest.json, configs,
 * layer tars, any docker version) or an OCI image layout tar (oci-layout,
 * index.json, blobs/sha256/...), plain or compressed, from a file or a
 * pipe. The archive is spooled first (its members come in any order),
 * every digest is verified - config against the image id or the
 * descriptor, layer content against the config's DiffIDs, OCI blobs
 * against their descriptors - and all images are published together. */
#include "runtime/image-layer.h"
#include "runtime/image-store.h"
#include "runtime/imageref.h"
#include "runtime/ops.h"
#include "runtime/registry.h"
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

#define MAX_JSON (64 << 20)

/* The archive's members by name: regular files spooled to numbered files
 * (names never become paths), links remembered as names. */
struct member {
	char *name;
	char *file;   /* spooled copy, or NULL for a link */
	char *link;   /* cleaned target member name */
};

struct spool {
	struct img_stage *st;
	struct member *v;
	size_t n;
};

static const struct member *spool_find(const struct spool *sp, const char *name)
{
	char clean[PATH_MAX];

	if (layer_clean_path(name, clean, sizeof(clean)) < 0)
		return NULL;
	for (int hops = 0; hops < 16; hops++) {
		const struct member *m = NULL;
		for (size_t i = 0; i < sp->n; i++)
			if (!strcmp(sp->v[i].name, clean))
				m = &sp->v[i]; /* the last one of a name wins, as in tar */
		if (!m || m->file)
			return m;
		snprintf(clean, sizeof(clean), "%s", m->link);
	}
	return NULL;
}

static void spool_add(struct spool *sp, const char *name, const char *file, const char *link)
{
	sp->v = xrealloc(sp->v, (sp->n + 1) * sizeof(*sp->v));
	sp->v[sp->n].name = xstrdup(name);
	sp->v[sp->n].file = file ? xstrdup(file) : NULL;
	sp->v[sp->n].link = link ? xstrdup(link) : NULL;
	sp->n++;
}

static void spool_release(struct spool *sp)
{
	for (size_t i = 0; i < sp->n; i++) {
		free(sp->v[i].name);
		free(sp->v[i].file);
		free(sp->v[i].link);
	}
	free(sp->v);
}

static int spool_file(struct archive *a, const char *path, struct tug_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int r;

	if (fd < 0)
		return tug_errno(err, "create %s", path);
	r = archive_read_data_into_fd(a, fd);
	if (close(fd) < 0 && r == ARCHIVE_OK)
		return tug_errno(err, "write %s", path);
	if (r != ARCHIVE_OK)
		return tug_errf(err, TUG_E_INVALID, "%s", archive_error_string(a));
	return 0;
}

static int spool_in(struct spool *sp, int fd, struct tug_err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r, rc = -1;

	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, 128 * 1024) != ARCHIVE_OK) {
		tug_errf(err, TUG_E_INVALID, "not a docker save or OCI archive (a tar, plain or "
			 "compressed): %s", archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		char name[PATH_MAX], target[2 * PATH_MAX], tmp[PATH_MAX];
		const char *raw = archive_entry_pathname(e);
		mode_t type = archive_entry_filetype(e);
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			tug_errf(err, TUG_E_INVALID, "not a docker save or OCI archive: %s",
				 archive_error_string(a));
			goto out;
		}
		if (!raw || layer_clean_path(raw, name, sizeof(name)) < 0 || !name[0])
			continue; /* nothing outside the archive's root is ever looked up */
		if (archive_entry_hardlink(e)) {
			if (layer_clean_path(archive_entry_hardlink(e), target, sizeof(target)) == 0)
				spool_add(sp, name, NULL, target);
		} else if (type == AE_IFLNK) {
			char joined[2 * PATH_MAX + 2], *slash;
			const char *t = archive_entry_symlink(e);
			snprintf(joined, sizeof(joined), "%s", name);
			slash = strrchr(joined, '/');
			if (slash)
				slash[1] = '\0';
			else
				joined[0] = '\0';
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s", t ? t : "");
			if (t && t[0] != '/' && layer_clean_path(joined, target, sizeof(target)) == 0)
				spool_add(sp, name, NULL, target);
		} else if (type == AE_IFREG) {
			img_stage_tmp(sp->st, tmp, sizeof(tmp));
			if (spool_file(a, tmp, err) < 0) {
				tug_err_wrap(err, "read %s", name);
				goto out;
			}
			spool_add(sp, name, tmp, NULL);
		}
	}
	rc = 0;
out:
	archive_read_free(a);
	return rc;
}

/* A small member read whole (JSON documents). */
static int member_read(const struct spool *sp, const char *name, char **buf, size_t *len,
		       struct tug_err *err)
{
	const struct member *m = spool_find(sp, name);
	struct stat st;

	if (!m)
		return tug_errf(err, TUG_E_INVALID, "the archive has no %s", name);
	if (stat(m->file, &st) == 0 && st.st_size > MAX_JSON)
		return tug_errf(err, TUG_E_INVALID, "%s is too large for a JSON document", name);
	return fs_read_all(m->file, buf, len, err);
}

static json_t *member_json(const struct spool *sp, const char *name, struct tug_err *err)
{
	json_error_t je;
	char *buf;
	size_t len;
	json_t *j;

	if (member_read(sp, name, &buf, &len, err) < 0)
		return NULL;
	j = json_loadb(buf, len, 0, &je);
	free(buf);
	if (!j)
		tug_errf(err, TUG_E_INVALID, "%s: invalid JSON: %s", name, je.text);
	return j;
}

/* Read a blob named by a descriptor and check its digest and size. */
static int blob_read(const struct spool *sp, json_t *desc, char **buf, size_t *len,
		     struct tug_err *err)
{
	const char *d = jstr(desc, "digest");
	char name[128], got[DIGEST_STR_LEN + 1];

	if (!d || !digest_valid(d))
		return tug_errf(err, TUG_E_INVALID, "a descriptor has no valid sha256 digest");
	snprintf(name, sizeof(name), "blobs/sha256/%s", img_hex(d));
	if (member_read(sp, name, buf, len, err) < 0)
		return -1;
	digest_buf(*buf, *len, got);
	if (strcmp(got, d) || (json_object_get(desc, "size") && jint(desc, "size") != (int64_t)*len)) {
		free(*buf);
		return tug_errf(err, TUG_E_INVALID, "blob %s: its content does not match its digest or size",
				d);
	}
	return 0;
}

/* Names to give an image: validated index keys. */
struct names {
	char **v;
	size_t n;
};

static int names_add(struct names *nm, const char *ref, struct tug_err *err)
{
	char key[2 * IMAGE_REF_MAX + 80];
	struct image_ref r;

	if (image_ref_parse(ref, &r, err) < 0)
		return -1;
	if (r.digest[0] || !r.tag[0])
		return tug_errf(err, TUG_E_INVALID, "invalid tag \"%s\": expected repo:tag", ref);
	nm->v = xrealloc(nm->v, (nm->n + 1) * sizeof(char *));
	nm->v[nm->n++] = xstrdup(image_ref_key(&r, key, sizeof(key)));
	return 0;
}

static void names_release(struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	memset(nm, 0, sizeof(*nm));
}

/* Stage the layers of config `cfg`, read from the members `files` (one
 * per diff_id), checking each against its DiffID. */
static int stage_layers(struct spool *sp, json_t *cfg, const char *const *files, size_t n,
			struct img_blob *blobs, struct tug_err *err)
{
	json_t *ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	char parent[DIGEST_STR_LEN + 1] = "";

	if (json_array_size(ids) != n)
		return tug_errf(err, TUG_E_INVALID, "the config lists %zu layers, the archive %zu",
				json_array_size(ids), n);
	for (size_t i = 0; i < n; i++) {
		const char *diff = json_string_value(json_array_get(ids, i));
		const struct member *m = spool_find(sp, files[i]);
		char chain[DIGEST_STR_LEN + 1];
		int fd, r;
		if (!diff || !digest_valid(diff))
			return tug_errf(err, TUG_E_INVALID, "rootfs.diff_ids[%zu] is not a sha256 digest", i);
		if (!m)
			return tug_errf(err, TUG_E_INVALID, "layer %zu: the archive has no %s", i + 1, files[i]);
		fd = open(m->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return tug_errno(err, "open %s", m->file);
		r = img_stage_layer(sp->st, fd, m->file, parent, diff, chain, &blobs[i], NULL, err);
		close(fd);
		if (r < 0)
			return tug_err_wrap(err, "layer %zu (%s)", i + 1, files[i]);
		memcpy(parent, chain, sizeof(chain));
	}
	return 0;
}

/* ---- docker save: manifest.json ---- */

/* Config members named by their digest ("<hex>.json", "blobs/sha256/<hex>")
 * must hold that digest. */
static int check_config_name(const char *name, const char *id, struct tug_err *err)
{
	const char *base = strrchr(name, '/');
	char hex[DIGEST_HEX_LEN + 1];

	base = base ? base + 1 : name;
	if (strlen(base) < DIGEST_HEX_LEN)
		return 0;
	snprintf(hex, sizeof(hex), "%.64s", base);
	if (!image_id_like(hex) || strlen(hex) != DIGEST_HEX_LEN ||
	    (base[DIGEST_HEX_LEN] && strcmp(base + DIGEST_HEX_LEN, ".json")))
		return 0;
	if (strcmp(hex, img_hex(id)))
		return tug_errf(err, TUG_E_INVALID, "config %s: its content has digest %s", name, id);
	return 0;
}

static int load_docker_item(struct spool *sp, json_t *item, struct tug_err *err)
{
	const char *cfgname = jstr(item, "Config");
	json_t *layers = json_object_get(item, "Layers"), *tags = json_object_get(item, "RepoTags");
	struct names nm = { 0 };
	struct img_blob *blobs = NULL;
	const char **files = NULL;
	char id[DIGEST_STR_LEN + 1], *config = NULL;
	size_t len, i, n = json_array_size(layers);
	json_t *cfg = NULL, *t;
	int rc = -1;

	if (!cfgname || !json_is_array(layers))
		return tug_errf(err, TUG_E_INVALID, "manifest.json: an entry lacks Config or Layers");
	if (member_read(sp, cfgname, &config, &len, err) < 0)
		return -1;
	digest_buf(config, len, id);
	if (check_config_name(cfgname, id, err) < 0)
		goto out;
	cfg = json_loadb(config, len, 0, NULL);
	if (!json_is_object(cfg)) {
		tug_errf(err, TUG_E_INVALID, "config %s is not a JSON object", cfgname);
		goto out;
	}
	json_array_foreach(tags, i, t)
		if (!json_is_string(t) || names_add(&nm, json_string_value(t), err) < 0)
			goto out;
	files = xcalloc(n + 1, sizeof(char *));
	blobs = xcalloc(n + 1, sizeof(*blobs));
	json_array_foreach(layers, i, t) {
		if (!json_is_string(t)) {
			tug_errf(err, TUG_E_INVALID, "manifest.json: layer %zu is not a path", i + 1);
			goto out;
		}
		files[i] = json_string_value(t);
	}
	if (stage_layers(sp, cfg, files, n, blobs, err) < 0 ||
	    img_stage_image(sp->st, config, len, NULL, 0, blobs, n, nm.v, nm.n, id, err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		tug_err_wrap(err, "image %s", nm.n ? nm.v[0] : cfgname);
	free(config);
	free(files);
	free(blobs);
	json_decref(cfg);
	names_release(&nm);
	return rc;
}

static int load_docker(struct spool *sp, struct tug_err *err)
{
	json_t *man = member_json(sp, "manifest.json", err), *item;
	size_t i;
	int rc = 0;

	if (!man)
		return -1;
	if (!json_is_array(man) || !json_array_size(man)) {
		json_decref(man);
		return tug_errf(err, TUG_E_INVALID, "manifest.json lists no image");
	}
	json_array_foreach(man, i, item)
		if ((rc = load_docker_item(sp, item, err)) < 0)
			break;
	json_decref(man);
	return rc;
}

/* ---- OCI image layout: index.json ---- */

static int is_index_type(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST));
}

/* The name an index entry gives its image, or NULL. */
static const char *oci_name(json_t *desc)
{
	json_t *ann = json_object_get(desc, "annotations");
	const char *n = jstr(ann, "io.containerd.image.name");

	if (n)
		return n;
	n = jstr(ann, "org.opencontainers.image.ref.name");
	/* a bare tag ("latest") names no repository */
	if (n && (strchr(n, ':') || strchr(n, '/')))
		return n;
	return NULL;
}

static int load_oci_manifest(struct spool *sp, json_t *desc, const char *name, struct tug_err *err)
{
	char *mbuf = NULL, *config = NULL, id[DIGEST_STR_LEN + 1];
	size_t mlen, clen, i, n;
	json_t *man = NULL, *cfg = NULL, *l;
	struct names nm = { 0 };
	struct img_blob *blobs = NULL;
	const char **files = NULL;
	char (*paths)[128] = NULL;
	int rc = -1;

	if (blob_read(sp, desc, &mbuf, &mlen, err) < 0)
		return -1;
	man = json_loadb(mbuf, mlen, 0, NULL);
	if (!json_is_object(man) || !json_is_array(json_object_get(man, "layers"))) {
		tug_errf(err, TUG_E_INVALID, "manifest %s is not an image manifest", jstr(desc, "digest"));
		goto out;
	}
	if (blob_read(sp, json_object_get(man, "config"), &config, &clen, err) < 0)
		goto out;
	digest_buf(config, clen, id);
	cfg = json_loadb(config, clen, 0, NULL);
	if (name && names_add(&nm, name, err) < 0)
		goto out;
	n = json_array_size(json_object_get(man, "layers"));
	files = xcalloc(n + 1, sizeof(char *));
	paths = xcalloc(n + 1, sizeof(*paths));
	blobs = xcalloc(n + 1, sizeof(*blobs));
	json_array_foreach(json_object_get(man, "layers"), i, l) {
		const char *d = jstr(l, "digest");
		if (!d || !digest_valid(d)) {
			tug_errf(err, TUG_E_INVALID, "manifest %s: layer %zu has no valid digest",
				 jstr(desc, "digest"), i + 1);
			goto out;
		}
		snprintf(paths[i], sizeof(paths[i]), "blobs/sha256/%s", img_hex(d));
		files[i] = paths[i];
	}
	if (stage_layers(sp, cfg, files, n, blobs, err) < 0)
		goto out;
	json_array_foreach(json_object_get(man, "layers"), i, l) {
		if (strcmp(blobs[i].digest, jstr(l, "digest")) ||
		    (json_object_get(l, "size") && jint(l, "size") != blobs[i].size)) {
			tug_errf(err, TUG_E_INVALID, "layer %zu: blob %s does not match its digest or size",
				 i + 1, jstr(l, "digest"));
			goto out;
		}
	}
	/* the manifest is kept as it came: its digest stays the same */
	if (img_stage_image(sp->st, config, clen, mbuf, mlen, blobs, n, nm.v, nm.n, id, err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		tug_err_wrap(err, "image %s", name ? name : jstr(desc, "digest"));
	free(mbuf);
	free(config);
	free(files);
	free(paths);
	free(blobs);
	json_decref(man);
	json_decref(cfg);
	names_release(&nm);
	return rc;
}

static int load_oci_desc(struct spool *sp, json_t *desc, const char *name, int depth,
			 struct tug_err *err)
{
	struct reg_platform host;
	char *buf;
	size_t len;
	json_t *idx;
	int rc = -1, k;

	if (!is_index_type(jstr(desc, "mediaType")))
		return load_oci_manifest(sp, desc, name, err);
	if (depth > 4)
		return tug_errf(err, TUG_E_INVALID, "image indexes nested too deep");
	if (blob_read(sp, desc, &buf, &len, err) < 0)
		return -1;
	idx = json_loadb(buf, len, 0, NULL);
	free(buf);
	/* a multi-platform image: the manifest for this machine */
	reg_platform_host(&host);
	k = reg_index_select(idx, &host);
	if (k >= 0)
		rc = load_oci_desc(sp, json_array_get(json_object_get(idx, "manifests"), (size_t)k), name,
				   depth + 1, err);
	else
		tug_errf(err, TUG_E_NOTFOUND, "index %s has no manifest for this machine's platform",
			 jstr(desc, "digest"));
	json_decref(idx);
	return rc;
}

static int load_oci(struct spool *sp, struct tug_err *err)
{
	json_t *index = member_json(sp, "index.json", err), *d;
	size_t i;
	int rc = 0;

	if (!index)
		return -1;
	if (!json_array_size(json_object_get(index, "manifests"))) {
		json_decref(index);
		return tug_errf(err, TUG_E_INVALID, "index.json lists no image");
	}
	json_array_foreach(json_object_get(index, "manifests"), i, d)
		if ((rc = load_oci_desc(sp, d, oci_name(d), 0, err)) < 0)
			break;
	json_decref(index);
	return rc;
}

int rt_img_load(struct rt *rt, int fd, void (*loaded)(void *, const char *), void *ctx,
		struct tug_err *err)
{
	struct spool sp = { 0 };
	int rc = -1;

	if (img_stage_new(rt, &sp.st, err) < 0)
		return tug_err_wrap(err, "load");
	if (spool_in(&sp, fd, err) < 0)
		goto fail;
	if (spool_find(&sp, "manifest.json")) {
		if (load_docker(&sp, err) < 0)
			goto fail;
	} else if (spool_find(&sp, "index.json")) {
		if (load_oci(&sp, err) < 0)
			goto fail;
	} else {
		tug_errf(err, TUG_E_INVALID, "the archive has neither manifest.json nor index.json: not a "
			 "docker save or OCI image layout archive (the pre-1.10 docker format is not supported)");
		goto fail;
	}
	if (img_stage_publish(sp.st, loaded, ctx, err) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	tug_err_wrap(err, "load");
out:
	spool_release(&sp);
	img_stage_free(sp.st);
	return rc;
}
