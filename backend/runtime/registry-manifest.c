/* registry-manifest.c - image manifests and indexes (OCI and Docker
 * schema 2): fetching one by tag or digest, checking every digest and
 * size, and choosing the manifest for a platform from an index. */
#include "runtime/image-layer.h"
#include "runtime/image-store.h"
#include "runtime/registry.h"
#include "util/json.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#define ACCEPT_ALL MT_OCI_INDEX ", " MT_DOCKER_LIST ", " MT_OCI_MANIFEST ", " MT_DOCKER_MANIFEST
#define MT_DOCKER_V1 "application/vnd.docker.distribution.manifest.v1"

/* ---- platforms ---- */

void reg_platform_host(struct reg_platform *p)
{
	static const struct {
		const char *machine, *arch, *variant;
	} map[] = {
		{ "x86_64", "amd64", "" }, { "aarch64", "arm64", "v8" }, { "armv7l", "arm", "v7" },
		{ "armv6l", "arm", "v6" }, { "armv5tel", "arm", "v5" }, { "i686", "386", "" },
		{ "i386", "386", "" }, { "ppc64le", "ppc64le", "" }, { "s390x", "s390x", "" },
		{ "riscv64", "riscv64", "" }, { "mips64", "mips64le", "" },
	};
	struct utsname u;

	memset(p, 0, sizeof(*p));
	snprintf(p->os, sizeof(p->os), "linux");
	uname(&u);
	snprintf(p->arch, sizeof(p->arch), "%s", u.machine);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(u.machine, map[i].machine)) {
			snprintf(p->arch, sizeof(p->arch), "%s", map[i].arch);
			snprintf(p->variant, sizeof(p->variant), "%s", map[i].variant);
		}
}

int reg_platform_parse(const char *s, struct reg_platform *p, struct tug_err *err)
{
	char buf[128], *parts[4] = { 0 }, *save = NULL, *t;
	int n = 0;

	memset(p, 0, sizeof(*p));
	snprintf(buf, sizeof(buf), "%s", s);
	for (t = strtok_r(buf, "/", &save); t && n < 4; t = strtok_r(NULL, "/", &save))
		parts[n++] = t;
	if (n == 0 || n > 3 || strlen(s) >= sizeof(buf))
		return tug_errf(err, TUG_E_INVALID, "invalid platform \"%s\": expected os/arch[/variant], "
				"e.g. linux/arm64", s);
	if (n == 1) {
		snprintf(p->os, sizeof(p->os), "linux");
		snprintf(p->arch, sizeof(p->arch), "%s", parts[0]);
	} else {
		snprintf(p->os, sizeof(p->os), "%s", parts[0]);
		snprintf(p->arch, sizeof(p->arch), "%s", parts[1]);
		if (n == 3)
			snprintf(p->variant, sizeof(p->variant), "%s", parts[2]);
	}
	/* the names docker normalises */
	if (!strcmp(p->arch, "x86_64") || !strcmp(p->arch, "x86-64"))
		snprintf(p->arch, sizeof(p->arch), "amd64");
	else if (!strcmp(p->arch, "aarch64"))
		snprintf(p->arch, sizeof(p->arch), "arm64");
	if (!strcmp(p->arch, "arm64") && !p->variant[0])
		snprintf(p->variant, sizeof(p->variant), "v8");
	if (!strcmp(p->arch, "arm") && !p->variant[0])
		snprintf(p->variant, sizeof(p->variant), "v7");
	if (strcmp(p->os, "linux"))
		return tug_errf(err, TUG_E_UNSUPPORTED, "platform \"%s\": only linux images run here", s);
	return 0;
}

/* 0 = no, 1 = suits, 2 = suits exactly (the variant too) */
static int platform_score(json_t *pl, const struct reg_platform *want)
{
	const char *os = jstr(pl, "os"), *arch = jstr(pl, "architecture"), *var = jstr(pl, "variant");

	if (!pl)
		return 1;
	if (!os || strcmp(os, want->os) || !arch || strcmp(arch, want->arch))
		return 0;
	if (!var || !*var)
		return want->variant[0] && strcmp(want->variant, "v8") ? 1 : 2;
	if (!want->variant[0])
		return 1;
	return strcmp(var, want->variant) ? 0 : 2;
}

int reg_platform_match(json_t *platform, const struct reg_platform *want)
{
	return platform_score(platform, want) > 0;
}

int reg_index_select(json_t *idx, const struct reg_platform *want)
{
	json_t *d;
	size_t i;
	int best = -1, best_score = 0;

	json_array_foreach(json_object_get(idx, "manifests"), i, d) {
		int sc = platform_score(json_object_get(d, "platform"), want);
		if (sc > best_score) {
			best = (int)i;
			best_score = sc;
		}
	}
	return best;
}

/* ---- manifests ---- */

int reg_layer_type_ok(const char *mt)
{
	static const char *const ok[] = {
		MT_LAYER_TAR, MT_LAYER_GZIP, MT_LAYER_ZSTD, MT_DOCKER_LAYER_GZIP,
		"application/vnd.docker.image.rootfs.diff.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(mt, ok[i]))
			return 1;
	return 0;
}

static int desc_parse(json_t *j, struct reg_desc *d, const char *what, struct tug_err *err)
{
	const char *digest = jstr(j, "digest"), *mt = jstr(j, "mediaType");
	json_t *size = json_object_get(j, "size");

	if (!json_is_object(j) || !digest || !digest_valid(digest))
		return tug_errf(err, TUG_E_INVALID, "%s has no valid sha256 digest", what);
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return tug_errf(err, TUG_E_INVALID, "%s %s has no valid size", what, digest);
	snprintf(d->digest, sizeof(d->digest), "%s", digest);
	snprintf(d->media_type, sizeof(d->media_type), "%s", mt ? mt : "");
	d->size = json_integer_value(size);
	return 0;
}

/* The media type of a manifest document: its header's, else its own. */
static void doc_type(const char *content_type, json_t *j, char *out, size_t size)
{
	const char *mt = jstr(j, "mediaType");
	size_t n;

	out[0] = '\0';
	if (content_type) {
		n = strcspn(content_type, "; ");
		snprintf(out, size, "%.*s", (int)n, content_type);
	}
	if (mt && (!out[0] || !strcmp(out, "application/json") || !strcmp(out, "text/plain")))
		snprintf(out, size, "%s", mt);
	if (!out[0] || !strcmp(out, "application/json")) {
		/* OCI documents may omit mediaType: recognise them by shape */
		if (json_object_get(j, "manifests"))
			snprintf(out, size, "%s", MT_OCI_INDEX);
		else if (json_object_get(j, "layers"))
			snprintf(out, size, "%s", MT_OCI_MANIFEST);
	}
}

static int is_index(const char *mt)
{
	return !strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST);
}

int reg_manifest_parse(const char *raw, size_t len, const char *content_type,
		       struct reg_manifest *out, struct tug_err *err)
{
	json_error_t je;
	json_t *j = json_loadb(raw, len, 0, &je), *l;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j)) {
		json_decref(j);
		return tug_errf(err, TUG_E_INVALID, "the manifest is not a JSON object (%s)", je.text);
	}
	doc_type(content_type, j, out->media_type, sizeof(out->media_type));
	if (str_has_prefix(out->media_type, MT_DOCKER_V1) || jint(j, "schemaVersion") == 1) {
		json_decref(j);
		return tug_errf(err, TUG_E_UNSUPPORTED, "the image has a Docker schema 1 manifest, "
				"deprecated and not supported: push it again with a current tool");
	}
	if (strcmp(out->media_type, MT_OCI_MANIFEST) && strcmp(out->media_type, MT_DOCKER_MANIFEST)) {
		tug_errf(err, TUG_E_UNSUPPORTED, "not an image manifest (media type \"%s\")",
			 out->media_type);
		json_decref(j);
		return -1;
	}
	if (desc_parse(json_object_get(j, "config"), &out->config, "the manifest's config", err) < 0)
		goto fail;
	if (strcmp(out->config.media_type, MT_OCI_CONFIG) &&
	    strcmp(out->config.media_type, MT_DOCKER_CONFIG)) {
		tug_errf(err, TUG_E_UNSUPPORTED, "not a container image: its config has media type \"%s\"",
			 out->config.media_type);
		goto fail;
	}
	if (!json_is_array(json_object_get(j, "layers"))) {
		tug_errf(err, TUG_E_INVALID, "the manifest has no layer list");
		goto fail;
	}
	out->nlayers = json_array_size(json_object_get(j, "layers"));
	out->layers = xcalloc(out->nlayers + 1, sizeof(*out->layers));
	json_array_foreach(json_object_get(j, "layers"), i, l) {
		char what[64];
		snprintf(what, sizeof(what), "layer %zu", i + 1);
		if (desc_parse(l, &out->layers[i], what, err) < 0)
			goto fail;
		if (!reg_layer_type_ok(out->layers[i].media_type)) {
			tug_errf(err, TUG_E_UNSUPPORTED, "layer %zu (%s) has media type \"%s\": not a layer "
				 "tug can unpack (tar, gzip or zstd)", i + 1, out->layers[i].digest,
				 out->layers[i].media_type);
			goto fail;
		}
	}
	out->raw = xmalloc(len + 1);
	memcpy(out->raw, raw, len);
	out->raw[len] = '\0';
	out->len = len;
	digest_buf(raw, len, out->digest);
	json_decref(j);
	return 0;
fail:
	json_decref(j);
	reg_manifest_release(out);
	return -1;
}

void reg_manifest_release(struct reg_manifest *m)
{
	free(m->raw);
	free(m->layers);
	memset(m, 0, sizeof(*m));
}

/* GET one manifest document; checks its digest against `expect` (or the
 * registry's Docker-Content-Digest) and size. */
static int fetch_doc(struct reg_client *c, const char *repo, const char *reference,
		     const char *expect, int64_t expect_size, struct reg_resp *resp, char *digest,
		     struct tug_err *err)
{
	char url[1024], what[700];
	struct reg_req rq = { .url = url, .accept = ACCEPT_ALL, .max_body = REG_MAX_MANIFEST };

	snprintf(url, sizeof(url), "/v2/%s/manifests/%s", repo, reference);
	snprintf(what, sizeof(what), "manifest for %s/%s%s%s", reg_domain(c), repo,
		 str_has_prefix(reference, "sha256:") ? "@" : ":", reference);
	if (reg_do(c, &rq, resp, err) < 0)
		return -1;
	if (resp->status == 404) {
		char msg[512];
		return tug_errf(err, TUG_E_NOTFOUND, "%s not found: %s", what,
				reg_resp_message(resp, msg, sizeof(msg)));
	}
	if (resp->status != 200)
		return reg_resp_error(c, resp, what, err);
	digest_buf(resp->body.s ? resp->body.s : "", resp->body.len, digest);
	if (expect && strcmp(expect, digest))
		return tug_errf(err, TUG_E_INVALID, "%s: digest mismatch: the registry sent content with "
				"digest %s", what, digest);
	if (expect_size >= 0 && (int64_t)resp->body.len != expect_size)
		return tug_errf(err, TUG_E_INVALID, "%s: size mismatch: %zu bytes, the index says %lld",
				what, resp->body.len, (long long)expect_size);
	if (!expect && resp->digest && str_has_prefix(resp->digest, "sha256:") &&
	    strcmp(resp->digest, digest))
		return tug_errf(err, TUG_E_INVALID, "%s: digest mismatch: the registry says %s, the "
				"content has %s", what, resp->digest, digest);
	return 0;
}

static void platform_name(const struct reg_platform *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s%s%s", p->os, p->arch, p->variant[0] ? "/" : "", p->variant);
}

int reg_manifest_fetch(struct reg_client *c, const char *repo, const char *reference,
		       const struct reg_platform *want, struct reg_manifest *out,
		       char *top_digest, struct tug_err *err)
{
	struct reg_resp resp = { 0 };
	char digest[DIGEST_STR_LEN + 1], mt[128];
	const char *expect = str_has_prefix(reference, "sha256:") ? reference : NULL;
	json_t *j = NULL;
	int depth, rc = -1;

	memset(out, 0, sizeof(*out));
	if (fetch_doc(c, repo, reference, expect, -1, &resp, digest, err) < 0)
		goto out;
	snprintf(top_digest, DIGEST_STR_LEN + 1, "%s", digest);
	for (depth = 0;; depth++) {
		struct reg_desc d;
		char pname[100];
		int k;
		json_decref(j);
		j = json_loadb(resp.body.s ? resp.body.s : "", resp.body.len, 0, NULL);
		doc_type(resp.content_type, j, mt, sizeof(mt));
		if (!is_index(mt))
			break;
		if (depth >= 3) {
			tug_errf(err, TUG_E_INVALID, "image indexes nested too deep");
			goto out;
		}
		k = reg_index_select(j, want);
		platform_name(want, pname, sizeof(pname));
		if (k < 0) {
			tug_errf(err, TUG_E_NOTFOUND, "no matching manifest for %s in the manifest list "
				 "entries of %s", pname, reference);
			goto out;
		}
		if (desc_parse(json_array_get(json_object_get(j, "manifests"), (size_t)k), &d,
			       "an index entry", err) < 0)
			goto out;
		if (fetch_doc(c, repo, d.digest, d.digest, d.size, &resp, digest, err) < 0)
			goto out;
	}
	if (reg_manifest_parse(resp.body.s ? resp.body.s : "", resp.body.len, resp.content_type, out,
			       err) < 0) {
		tug_err_wrap(err, "manifest %s", digest);
		goto out;
	}
	rc = 0;
out:
	json_decref(j);
	reg_resp_release(&resp);
	return rc;
}
