/* build.c - `tug build`: the driver over a Dockerfile's stages. It reads
 * the Dockerfile and the context, works out which stages the target needs,
 * builds them in order (build-steps.c runs each instruction), chains the
 * build cache keys, and publishes the target stage as an image.
 *
 * Cache keys: a stage starts from the key of its base (the image id, the
 * other stage's key, or "scratch"); each step's key is the sha256 of the
 * previous key, the top layer the step runs on, and what the step does
 * after substitution (for COPY/ADD with the hash of the files copied).
 * The top layer is part of the key so that a step re-run (--no-cache)
 * with a different result invalidates what was cached on top of the old
 * one. An entry remembers when the step ran, so a fully cached build
 * writes the same config and gets the same image id. */
#include "runtime/build.h"
#include "runtime/image-layer.h"
#include "runtime/image-store.h"
#include "runtime/image.h"
#include "runtime/imageref.h"
#include "runtime/ops.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOCKERFILE_MAX (16 << 20)

void build_say(struct build *b, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	if (!b->o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	b->o->progress(b->o->progress_ctx, line);
}

char *build_tmp(struct build *b, char *buf, size_t size)
{
	snprintf(buf, size, "%s/s%u", b->work, b->seq++);
	return buf;
}

/* ---- state ---- */

char **build_layer_dirs(struct build *b, const struct bstage *st)
{
	char **v = xcalloc(st->nlayers + 1, sizeof(char *));

	for (size_t i = 0; i < st->nlayers; i++) {
		char path[PATH_MAX];
		v[i] = xstrdup(img_path(b->rt, path, sizeof(path), "layers/%s/diff",
					img_hex(st->layers[i].chain)));
	}
	return v;
}

static const char *top_chain(const struct bstage *st)
{
	return st->nlayers ? st->layers[st->nlayers - 1].chain : "";
}

static void chain_key(const char *prev, const char *top, const char *repr, char *out)
{
	struct digest_ctx *d = digest_new();

	digest_update(d, prev, strlen(prev) + 1);
	digest_update(d, top, strlen(top) + 1);
	digest_update(d, repr, strlen(repr));
	digest_final(d, out);
}

int build_step_cached(struct sctx *s, const char *repr, char *key, struct bcache_entry *e)
{
	chain_key(s->st->key, top_chain(s->st), repr, key);
	memset(e, 0, sizeof(*e));
	if (s->b->o->no_cache || !bcache_get(s->b->rt, key, e))
		return 0;
	if (e->has_layer) {
		/* the entry's layer must sit on the layer we are on */
		char chain[DIGEST_STR_LEN + 1];
		img_chain_id(top_chain(s->st), e->layer.diff_id, chain);
		if (strcmp(chain, e->layer.chain)) {
			memset(e, 0, sizeof(*e));
			return 0;
		}
	}
	return 1;
}

static void push_layer(struct bstage *st, const struct blayer *l)
{
	json_t *rootfs = json_object_get(st->cfg, "rootfs");

	st->layers = xrealloc(st->layers, (st->nlayers + 1) * sizeof(*st->layers));
	st->layers[st->nlayers++] = *l;
	json_array_append_new(json_object_get(rootfs, "diff_ids"), json_string(l->diff_id));
}

int build_step_done(struct sctx *s, const char *key, struct bcache_entry *e, int hit,
		    const char *created_by, struct tug_err *err)
{
	json_t *h = json_object();

	if (!e->created[0])
		fmt_rfc3339(e->created, sizeof(e->created), now_ns());
	if (!hit && !e->has_layer && bcache_put(s->b->rt, key, e, err) < 0) {
		json_decref(h);
		return -1;
	}
	jset_str(h, "created", e->created);
	jset_str(h, "created_by", created_by);
	jset_str(h, "comment", "buildkit.dockerfile.v0");
	if (!e->has_layer)
		jset_bool(h, "empty_layer", 1);
	json_array_append_new(json_object_get(s->st->cfg, "history"), h);
	if (e->has_layer)
		push_layer(s->st, &e->layer);
	snprintf(s->st->key, sizeof(s->st->key), "%s", key);
	return 0;
}

int build_commit_upper(struct sctx *s, const char *upper, const char *key,
		       struct bcache_entry *e, struct tug_err *err)
{
	struct img_stage *stg = NULL;
	char tar[PATH_MAX], chain[DIGEST_STR_LEN + 1], diff_id[DIGEST_STR_LEN + 1];
	struct img_blob blob;
	long entries = 0;
	int fd = -1, rc = -1;

	memset(e, 0, sizeof(*e));
	fmt_rfc3339(e->created, sizeof(e->created), now_ns());
	if (img_stage_new(s->b->rt, &stg, err) < 0)
		return -1;
	img_stage_tmp(stg, tar, sizeof(tar));
	fd = open(tar, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		tug_errno(err, "create %s", tar);
		goto out;
	}
	if (build_diff_tar(upper, fd, &entries, err) < 0)
		goto out;
	if (!entries) {
		rc = 0; /* nothing changed: no layer */
		goto out;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		tug_errno(err, "rewind %s", tar);
		goto out;
	}
	if (img_stage_layer(stg, fd, tar, s->st->nlayers ? top_chain(s->st) : NULL, NULL, chain,
			    &blob, diff_id, err) < 0)
		goto out;
	e->has_layer = 1;
	memcpy(e->layer.chain, chain, sizeof(chain));
	memcpy(e->layer.diff_id, diff_id, sizeof(diff_id));
	memcpy(e->layer.blob, blob.digest, sizeof(blob.digest));
	e->layer.blob_size = blob.size;
	snprintf(e->layer.media_type, sizeof(e->layer.media_type), "%s", blob.media_type);
	/* the entry first: from then on garbage collection keeps the layer */
	if (bcache_put(s->b->rt, key, e, err) < 0 || img_stage_publish(stg, NULL, NULL, err) < 0)
		goto out;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	img_stage_free(stg);
	return rc;
}

/* ---- stages ---- */

int build_find_stage(struct build *b, const char *name, size_t limit)
{
	char *end;
	long idx = strtol(name, &end, 10);

	if (*name && !*end && idx >= 0 && (size_t)idx < limit)
		return (int)idx;
	for (size_t i = 0; i < limit; i++)
		if (b->stages[i].name && !strcasecmp(b->stages[i].name, name))
			return (int)i;
	return -1;
}

static int split_stages(struct build *b, struct tug_err *err)
{
	struct bx x = { b->df.escape, build_meta_lookup, b };

	build_platform_args(&b->meta);
	for (size_t i = 0; i < b->df.n; i++) {
		const struct df_instr *in = &b->df.ins[i];
		if (!strcmp(in->cmd, "from")) {
			char **w = NULL;
			struct bstage *st;
			b->stages = xrealloc(b->stages, (b->nstages + 1) * sizeof(*b->stages));
			st = &b->stages[b->nstages++];
			memset(st, 0, sizeof(*st));
			st->first = i;
			st->end = b->df.n;
			if (b->nstages > 1)
				b->stages[b->nstages - 2].end = i;
			if (bx_words(&x, in->rest, &w, err) < 0)
				return tug_err_wrap(err, "%s:%d: FROM", b->df.name, in->line);
			if (!w[0] || (w[1] && (strcasecmp(w[1], "as") || !w[2] || w[3]))) {
				df_strv_free(w);
				return tug_errf(err, TUG_E_INVALID,
						"%s:%d: FROM requires either one or three arguments: FROM image [AS name]",
						b->df.name, in->line);
			}
			if (w[1]) {
				st->name = xstrdup(w[2]);
				for (char *c = st->name; *c; c++)
					*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
				for (size_t k = 0; k + 1 < b->nstages; k++)
					if (b->stages[k].name && !strcmp(b->stages[k].name, st->name)) {
						df_strv_free(w);
						return tug_errf(err, TUG_E_INVALID,
								"%s:%d: duplicate stage name \"%s\"",
								b->df.name, in->line, st->name);
					}
			}
			df_strv_free(w);
			continue;
		}
		if (b->nstages)
			continue;
		if (strcmp(in->cmd, "arg"))
			return tug_errf(err, TUG_E_INVALID,
					"%s:%d: %s before the first FROM: a Dockerfile starts with FROM (only ARG may come first)",
					b->df.name, in->line, in->keyword);
		{
			char **words = df_split_raw(in->rest, b->df.escape);
			int rc = 0;
			for (char **w = words; *w && rc == 0; w++)
				rc = build_declare_arg(b, &b->meta, &x, *w, 1, err);
			df_strv_free(words);
			if (rc < 0)
				return tug_err_wrap(err, "%s:%d: ARG", b->df.name, in->line);
		}
	}
	if (!b->nstages)
		return tug_errf(err, TUG_E_INVALID, "%s: no FROM instruction: nothing to build",
				b->df.name);
	return 0;
}

/* Mark the target and, going back, every stage a needed one names in
 * FROM or COPY --from. */
static int mark_needed(struct build *b, size_t *target, struct tug_err *err)
{
	struct bx x = { b->df.escape, build_meta_lookup, b };

	*target = b->nstages - 1;
	if (b->o->target && *b->o->target) {
		int t = build_find_stage(b, b->o->target, b->nstages);
		if (t < 0 || !b->stages[t].name || strcasecmp(b->stages[t].name, b->o->target))
			return tug_errf(err, TUG_E_NOTFOUND,
					"target stage \"%s\" could not be found in %s", b->o->target,
					b->df.name);
		*target = (size_t)t;
	}
	b->stages[*target].needed = 1;
	for (size_t i = *target + 1; i-- > 0;) {
		struct bstage *st = &b->stages[i];
		if (!st->needed)
			continue;
		for (size_t k = st->first; k < st->end; k++) {
			const struct df_instr *in = &b->df.ins[k];
			char *ref = NULL, **w = NULL;
			int dep;
			if (!strcmp(in->cmd, "from")) {
				if (bx_words(&x, in->rest, &w, err) < 0)
					return -1;
				ref = w[0] ? xstrdup(w[0]) : NULL;
				df_strv_free(w);
			} else if (!strcmp(in->cmd, "copy") && df_flag(in, "from")) {
				ref = xstrdup(df_flag(in, "from"));
			}
			if (!ref)
				continue;
			if (strchr(ref, '$')) {
				/* named through a variable: keep every earlier stage */
				for (size_t j = 0; j < i; j++)
					b->stages[j].needed = 1;
			} else if ((dep = build_find_stage(b, ref, i)) >= 0) {
				b->stages[dep].needed = 1;
			}
			free(ref);
		}
	}
	for (size_t i = 0; i <= *target; i++)
		if (b->stages[i].needed)
			b->nsteps += (int)(b->stages[i].end - b->stages[i].first);
	return 0;
}

static json_t *new_config(json_t *base)
{
	json_t *c = json_object(), *rootfs = json_object(), *x;
	const char *arch, *variant;

	img_host_platform(&arch, &variant);
	jset_str(c, "architecture", base && jstr(base, "architecture") ? jstr(base, "architecture") : arch);
	jset_str(c, "os", "linux");
	if (base ? jstr(base, "variant") != NULL : variant != NULL)
		jset_str(c, "variant", base ? jstr(base, "variant") : variant);
	x = json_object_get(base, "config");
	json_object_set_new(c, "config", json_is_object(x) ? json_deep_copy(x) : json_object());
	x = json_object_get(json_object_get(base, "rootfs"), "diff_ids");
	jset_str(rootfs, "type", "layers");
	json_object_set_new(rootfs, "diff_ids", json_is_array(x) ? json_deep_copy(x) : json_array());
	json_object_set_new(c, "rootfs", rootfs);
	x = json_object_get(base, "history");
	json_object_set_new(c, "history", json_is_array(x) ? json_deep_copy(x) : json_array());
	if (base && jstr(base, "author"))
		jset_str(c, "author", jstr(base, "author"));
	return c;
}

/* The OCI media type of a layer blob named the docker way. */
static const char *oci_layer_type(const char *mt)
{
	if (!mt)
		return MT_LAYER_GZIP;
	if (strstr(mt, "zstd"))
		return MT_LAYER_ZSTD;
	if (strstr(mt, "gzip"))
		return MT_LAYER_GZIP;
	if (!strcmp(mt, "application/vnd.docker.image.rootfs.diff.tar") || !strcmp(mt, MT_LAYER_TAR))
		return MT_LAYER_TAR;
	return mt;
}

/* The registry client (registry-pull.c), when this tree has it: a weak
 * reference, NULL without it, so FROM pulls a missing image once the
 * client is linked in and says "pull it first" until then. */
struct tug_registry_opts;
int rt_img_pull(struct rt *rt, const char *ref, const struct tug_registry_opts *o, char *id_out,
		struct tug_err *err) __attribute__((weak));

int build_image_get(struct build *b, const char *ref, struct rt_image *img, struct tug_err *err)
{
	char id[DIGEST_STR_LEN + 8];

	if (rt_image_get(b->rt, ref, img, err) == 0)
		return 0;
	{
		/* ids and digests of images we do not have name nothing to pull */
		struct image_ref r;
		struct tug_err perr;
		if (err->code != TUG_E_NOTFOUND || str_has_prefix(ref, "sha256:") ||
		    image_ref_parse(ref, &r, &perr) < 0)
			return -1;
	}
	if (!rt_img_pull)
		return tug_errf(err, TUG_E_NOTFOUND,
				"no such image locally: %s: pull it first (tug pull %s), or load it", ref, ref);
	build_say(b, "pulling %s", ref);
	tug_err_clear(err);
	if (rt_img_pull(b->rt, ref, NULL, id, err) < 0)
		return -1;
	return rt_image_get(b->rt, ref, img, err);
}

static int from_image(struct build *b, struct bstage *st, const char *ref, struct tug_err *err)
{
	struct rt_image img;
	img_digest *chains = NULL;
	size_t n = 0, i;
	json_t *man, *ls, *ids;
	char repr[128];

	if (build_image_get(b, ref, &img, err) < 0)
		return -1;
	man = img_manifest_load(b->rt, img.id, err);
	if (!man || img_chain_ids(img.config, &chains, &n, err) < 0) {
		json_decref(man);
		rt_image_release(&img);
		return tug_err_wrap(err, "image %s", ref);
	}
	ls = json_object_get(man, "layers");
	ids = json_object_get(json_object_get(img.config, "rootfs"), "diff_ids");
	if (json_array_size(ls) != n) {
		tug_errf(err, TUG_E_INVALID, "image %s: its manifest lists %zu layers, its config %zu", ref,
			 json_array_size(ls), n);
		goto fail;
	}
	st->cfg = new_config(img.config);
	st->layers = xcalloc(n ? n : 1, sizeof(*st->layers));
	for (i = 0; i < n; i++) {
		json_t *l = json_array_get(ls, i);
		struct blayer *x = &st->layers[i];
		memcpy(x->chain, chains[i], sizeof(x->chain));
		snprintf(x->diff_id, sizeof(x->diff_id), "%s", json_string_value(json_array_get(ids, i)));
		snprintf(x->blob, sizeof(x->blob), "%s", jstr(l, "digest") ? jstr(l, "digest") : "");
		x->blob_size = jint(l, "size");
		snprintf(x->media_type, sizeof(x->media_type), "%s", oci_layer_type(jstr(l, "mediaType")));
	}
	st->nlayers = n;
	snprintf(repr, sizeof(repr), "FROM image %s", img.id);
	digest_buf(repr, strlen(repr), st->key);
	free(chains);
	json_decref(man);
	rt_image_release(&img);
	return 0;
fail:
	free(chains);
	json_decref(man);
	rt_image_release(&img);
	return -1;
}

static int stage_from(struct sctx *s, struct tug_err *err)
{
	struct build *b = s->b;
	struct bstage *st = s->st;
	const struct df_instr *in = &b->df.ins[st->first];
	struct bx x = { b->df.escape, build_meta_lookup, b };
	char **w = NULL, *platform = NULL;
	int dep, rc = 0;

	if (bx_words(&x, in->rest, &w, err) < 0)
		return -1;
	if (df_flag(in, "platform")) {
		const char *arch, *variant;
		if (bx_word(&x, df_flag(in, "platform"), &platform, err) < 0) {
			df_strv_free(w);
			return -1;
		}
		img_host_platform(&arch, &variant);
		if (*platform && !strstr(platform, arch))
			build_say(b, "note: FROM --platform=%s is ignored: this build runs and makes linux/%s images only",
				  platform, arch);
		free(platform);
	}
	if (!strcasecmp(w[0], "scratch")) {
		st->cfg = new_config(NULL);
		digest_buf("FROM scratch", 12, st->key);
	} else if ((dep = build_find_stage(b, w[0], s->index)) >= 0) {
		struct bstage *from = &b->stages[dep];
		char repr[256];
		if (!from->built) {
			df_strv_free(w);
			return tug_errf(err, TUG_E_INVALID, "stage %s is not built yet", w[0]);
		}
		st->cfg = json_deep_copy(from->cfg);
		st->layers = xcalloc(from->nlayers + 1, sizeof(*st->layers));
		memcpy(st->layers, from->layers, from->nlayers * sizeof(*st->layers));
		st->nlayers = from->nlayers;
		snprintf(repr, sizeof(repr), "FROM stage %s %s", from->key, top_chain(from));
		digest_buf(repr, strlen(repr), st->key);
	} else {
		rc = from_image(b, st, w[0], err);
	}
	df_strv_free(w);
	return rc;
}

/* ONBUILD triggers of the base image run right after FROM. */
static int run_triggers(struct sctx *s, struct tug_err *err)
{
	json_t *cc = json_object_get(s->st->cfg, "config");
	json_t *trig = json_incref(json_object_get(cc, "OnBuild"));
	const struct df_instr *from = s->in;
	size_t i;
	json_t *t;
	int rc = 0;

	json_object_del(cc, "OnBuild"); /* not inherited further */
	json_array_foreach(trig, i, t) {
		struct df_instr in;
		const char *text = json_string_value(t);
		if (!text)
			continue;
		if (df_parse_one(s->b->df.name, from->line, s->b->df.escape, text, &in, err) < 0) {
			rc = tug_err_wrap(err, "ONBUILD trigger of the base image");
			break;
		}
		build_say(s->b, "ONBUILD: %s %s", in.keyword, in.text);
		s->in = &in;
		rc = build_dispatch(s, err);
		s->in = from;
		if (rc < 0)
			tug_err_wrap(err, "%s:%d: ONBUILD trigger %s %.60s", s->b->df.name, from->line,
				     in.keyword, in.text);
		df_instr_release(&in);
		if (rc < 0)
			break;
	}
	json_decref(trig);
	return rc;
}

/* BuildKit's rule: an image without PATH gets the default one. */
static void default_path(struct bstage *st)
{
	json_t *cc = json_object_get(st->cfg, "config"), *env;

	if (build_env_get(cc, "PATH"))
		return;
	env = json_object_get(cc, "Env");
	if (!json_is_array(env)) {
		env = json_array();
		json_object_set_new(cc, "Env", env);
	}
	json_array_append_new(env, json_string(
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
}

static int build_stage(struct build *b, size_t index, struct tug_err *err)
{
	struct bstage *st = &b->stages[index];
	struct sctx s = { .b = b, .st = st, .index = index };
	int rc = 0;

	for (size_t k = st->first; k < st->end && rc == 0; k++) {
		const struct df_instr *in = &b->df.ins[k];
		if (b->o->cancel && *b->o->cancel)
			return tug_errf(err, TUG_E_GENERIC, "build cancelled");
		s.in = in;
		b->step++;
		build_say(b, "STEP %d/%d: %s %s", b->step, b->nsteps, in->keyword, in->text);
		if (k == st->first) {
			rc = stage_from(&s, err);
			if (rc == 0) {
				default_path(st);
				rc = run_triggers(&s, err);
			}
		} else {
			rc = build_dispatch(&s, err);
		}
		if (rc < 0 && !str_has_prefix(err->msg, b->df.name))
			tug_err_wrap(err, "%s:%d: %s %.60s%s", b->df.name, in->line, in->keyword, in->text,
				     strlen(in->text) > 60 ? "..." : "");
	}
	bvars_release(&s.args);
	st->built = rc == 0;
	return rc;
}

/* ---- the image ---- */

static int publish(struct build *b, struct bstage *st, char *id_out, struct tug_err *err)
{
	json_t *cc = json_object_get(st->cfg, "config"), *hist = json_object_get(st->cfg, "history");
	struct img_blob *blobs = xcalloc(st->nlayers + 1, sizeof(*blobs));
	char **keys = NULL, *config, created[64];
	struct img_stage *stg = NULL;
	size_t nkeys = 0;
	int rc = -1;

	for (char **l = b->o->labels; l && *l; l++) {
		const char *eq = strchr(*l, '=');
		char *k = strndup(*l, eq ? (size_t)(eq - *l) : strlen(*l));
		if (!json_is_object(json_object_get(cc, "Labels")))
			json_object_set_new(cc, "Labels", json_object());
		json_object_set_new(json_object_get(cc, "Labels"), k, json_string(eq ? eq + 1 : ""));
		free(k);
	}
	if (json_array_size(hist))
		jset_str(st->cfg, "created", jstr(json_array_get(hist, json_array_size(hist) - 1), "created"));
	else
		jset_str(st->cfg, "created", fmt_rfc3339(created, sizeof(created), now_ns()));
	config = json_dumps(st->cfg, JSON_COMPACT | JSON_SORT_KEYS);
	for (size_t i = 0; i < st->nlayers; i++) {
		memcpy(blobs[i].digest, st->layers[i].blob, sizeof(blobs[i].digest));
		blobs[i].size = st->layers[i].blob_size;
		blobs[i].media_type = st->layers[i].media_type;
	}
	for (char **t = b->o->tags; t && *t; t++) {
		struct image_ref r;
		char key[2 * IMAGE_REF_MAX + 80];
		if (image_ref_parse(*t, &r, err) < 0)
			goto out;
		image_ref_key(&r, key, sizeof(key));
		keys = xrealloc(keys, (nkeys + 1) * sizeof(char *));
		keys[nkeys++] = xstrdup(key);
	}
	if (img_stage_new(b->rt, &stg, err) < 0 ||
	    img_stage_image(stg, config, strlen(config), NULL, 0, blobs, st->nlayers, keys, nkeys,
			    id_out, err) < 0 ||
	    img_stage_publish(stg, NULL, NULL, err) < 0)
		goto out;
	rc = 0;
out:
	img_stage_free(stg);
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	free(config);
	free(blobs);
	return rc;
}

/* ---- inputs ---- */

static int read_dockerfile(struct build *b, const char *ctx_dir, char **text, size_t *len,
			   char *name, size_t nsize, struct tug_err *err)
{
	char path[PATH_MAX];
	struct stat st;

	if (b->o->dockerfile_text) {
		*text = xmalloc(b->o->dockerfile_len + 1);
		memcpy(*text, b->o->dockerfile_text, b->o->dockerfile_len);
		(*text)[b->o->dockerfile_len] = '\0';
		*len = b->o->dockerfile_len;
		snprintf(name, nsize, "Dockerfile");
		return 0;
	}
	if (b->o->dockerfile) {
		snprintf(path, sizeof(path), "%s", b->o->dockerfile);
	} else if (ctx_dir) {
		fs_join(path, sizeof(path), ctx_dir, "Dockerfile");
		if (stat(path, &st) < 0)
			fs_join(path, sizeof(path), ctx_dir, "dockerfile");
	} else {
		return tug_errf(err, TUG_E_INVALID, "no Dockerfile: give one with -f or a build context");
	}
	if (stat(path, &st) == 0 && st.st_size > DOCKERFILE_MAX)
		return tug_errf(err, TUG_E_INVALID, "%s: a Dockerfile larger than 16 MB? refusing it", path);
	if (fs_read_all(path, text, len, err) < 0)
		return tug_err_wrap(err, "read the Dockerfile");
	snprintf(name, nsize, "%s", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	return 0;
}

static int load_ignore(struct build *b, const char *ctx_dir, struct tug_err *err)
{
	char path[PATH_MAX], *text = NULL;
	size_t len = 0;
	struct tug_err e;
	int r;

	/* BuildKit: a Dockerfile's own NAME.dockerignore wins */
	if (b->o->dockerfile) {
		snprintf(path, sizeof(path), "%s.dockerignore", b->o->dockerfile);
		if (fs_read_all(path, &text, &len, &e) < 0)
			text = NULL;
	}
	if (!text && fs_read_all(fs_join(path, sizeof(path), ctx_dir, ".dockerignore"), &text, &len,
				 &e) < 0)
		return 0;
	r = ignore_parse(text, len, &b->ig, err);
	free(text);
	return r < 0 ? tug_err_wrap(err, "%s", path) : 0;
}

static int setup_context(struct build *b, char *dir, size_t size, struct tug_err *err)
{
	dir[0] = '\0';
	if (b->o->context_tar_fd >= 0) {
		struct layer_in in = { .fd = b->o->context_tar_fd };
		struct layer_out out;
		fs_join(dir, size, b->work, "context");
		in.dest = dir;
		if (layer_read(&in, &out, err) < 0)
			return tug_err_wrap(err, "read the build context from the archive");
	} else if (b->o->context) {
		char real[PATH_MAX];
		/* absolute: the copy steps run from another directory */
		if (!realpath(b->o->context, real))
			return tug_errno(err, "build context %s", b->o->context);
		snprintf(dir, size, "%s", real);
	} else {
		return 0;
	}
	b->ctx_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (b->ctx_fd < 0)
		return tug_errno(err, "build context %s", dir);
	return load_ignore(b, dir, err);
}

static void build_release(struct build *b)
{
	struct tug_err e;

	for (size_t i = 0; i < b->nstages; i++) {
		free(b->stages[i].name);
		json_decref(b->stages[i].cfg);
		free(b->stages[i].layers);
	}
	free(b->stages);
	bvars_release(&b->meta);
	bvars_release(&b->bargs);
	for (size_t i = 0; i < b->nused; i++)
		free(b->used[i]);
	free(b->used);
	if (b->ctx_fd >= 0)
		close(b->ctx_fd);
	ignore_release(&b->ig);
	df_release(&b->df);
	if (b->work[0])
		fs_rm_rf(b->work, &e);
}

int rt_img_build(struct rt *rt, const struct tug_build_opts *o, char *id_out, struct tug_err *err)
{
	struct build b = { .rt = rt, .o = o, .ctx_fd = -1 };
	char name[256], rnd[65], *text = NULL;
	size_t len = 0, target;
	int rc = -1;

	if (getuid() != 0)
		return tug_errf(err, TUG_E_PERM,
				"build: RUN steps need containers, and containers need root: run tug build as root");
	for (char **t = o->tags; t && *t; t++) {
		struct image_ref r;
		if (image_ref_parse(*t, &r, err) < 0)
			return tug_err_wrap(err, "invalid tag");
		if (r.digest[0])
			return tug_errf(err, TUG_E_INVALID, "invalid tag %s: a tag cannot hold a digest", *t);
	}
	if (o->platform && *o->platform) {
		const char *arch, *variant;
		char host[64];
		img_host_platform(&arch, &variant);
		snprintf(host, sizeof(host), "linux/%s%s%s", arch, variant ? "/" : "", variant ? variant : "");
		if (strcmp(o->platform, host) && !(str_has_prefix(host, o->platform) &&
						  host[strlen(o->platform)] == '/'))
			return tug_errf(err, TUG_E_UNSUPPORTED,
					"--platform %s: this machine builds %s images only (RUN steps run natively)",
					o->platform, host);
	}
	img_tmp_sweep(rt);
	brun_sweep(rt);
	random_hex_id(rnd);
	img_path(rt, b.work, sizeof(b.work), "tmp/img-%d-build-%.12s", (int)getpid(), rnd);
	if (fs_mkdir_p(b.work, 0700, err) < 0) {
		b.work[0] = '\0';
		goto out;
	}
	if (build_parse_args(&b, err) < 0 || setup_context(&b, b.ctx_dir, sizeof(b.ctx_dir), err) < 0 ||
	    read_dockerfile(&b, b.ctx_dir[0] ? b.ctx_dir : NULL, &text, &len, name, sizeof(name), err) < 0)
		goto out;
	if (df_parse(name, text, len, &b.df, err) < 0 || split_stages(&b, err) < 0 ||
	    mark_needed(&b, &target, err) < 0)
		goto out;
	for (size_t i = 0; i <= target; i++)
		if (b.stages[i].needed && build_stage(&b, i, err) < 0)
			goto out;
	build_warn_unused(&b);
	build_say(&b, "COMMIT%s%s", o->tags && o->tags[0] ? " " : "", o->tags && o->tags[0] ? o->tags[0] : "");
	if (publish(&b, &b.stages[target], id_out, err) < 0)
		goto out;
	build_say(&b, "--> %.12s", img_hex(id_out));
	for (char **t = o->tags; t && *t; t++) {
		char key[600];
		rt_image_normalize_ref(*t, key, sizeof(key));
		build_say(&b, "Successfully tagged %s", key);
	}
	rc = 0;
out:
	free(text);
	build_release(&b);
	return rc;
}

int rt_build_prune(struct rt *rt, long *removed, int64_t *reclaimed, struct tug_err *err)
{
	int64_t freed = 0;
	int lock, rc;

	if (build_cache_clear(rt, removed, err) < 0)
		return -1;
	lock = img_lock(rt, err);
	if (lock < 0)
		return -1;
	rc = img_gc(rt, NULL, NULL, &freed, err);
	fs_unlock(lock);
	img_purge_retired(rt);
	if (reclaimed)
		*reclaimed = freed;
	return rc;
}
