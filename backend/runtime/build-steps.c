/* build-steps.c - the Dockerfile instructions that change the
 * filesystem: RUN (in a container of the runtime), COPY, ADD and WORKDIR
 * (in an overlay of the stage's layers); each makes a layer of what it
 * changed, cached by its inputs. The rest go to build-config.c. */
#include "runtime/build.h"
#include "runtime/image-layer.h"
#include "runtime/image-store.h"
#include "runtime/image.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *clean_abs(const char *base, const char *p)
{
	struct sbuf in = SBUF_INIT, out = SBUF_INIT;
	char *save = NULL, **comp;
	size_t n = 0;

	if (p[0] != '/') {
		sbuf_puts(&in, base && *base ? base : "/");
		sbuf_puts(&in, "/");
	}
	sbuf_puts(&in, p);
	comp = xcalloc(in.len + 1, sizeof(char *));
	for (char *c = strtok_r(in.s, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			if (n)
				n--;
			continue;
		}
		comp[n++] = c;
	}
	for (size_t i = 0; i < n; i++) {
		sbuf_puts(&out, "/");
		sbuf_puts(&out, comp[i]);
	}
	if (!n)
		sbuf_puts(&out, "/");
	free(comp);
	sbuf_release(&in);
	return sbuf_detach(&out);
}

struct fsdirs {
	char step[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
};

static int make_fsdirs(struct build *b, struct fsdirs *d, struct tug_err *err)
{
	build_tmp(b, d->step, sizeof(d->step));
	fs_join(d->upper, sizeof(d->upper), d->step, "upper");
	fs_join(d->work, sizeof(d->work), d->step, "work");
	fs_join(d->merged, sizeof(d->merged), d->step, "merged");
	if (mkdir(d->step, 0700) < 0 || mkdir(d->upper, 0755) < 0 || mkdir(d->work, 0700) < 0 ||
	    mkdir(d->merged, 0755) < 0)
		return tug_errno(err, "create %s", d->step);
	return 0;
}

static void say_result(struct build *b, const struct bcache_entry *e)
{
	if (e->has_layer)
		build_say(b, "--> %.12s", img_hex(e->layer.diff_id));
	else
		build_say(b, "--> (no changes)");
}

/* Run a copy into a fresh upper directory over the stage, and commit. */
static int fs_step(struct sctx *s, struct bcopy *c, struct fsdirs *d, const char *key,
		   struct bcache_entry *e, struct tug_err *err)
{
	char **lower = build_layer_dirs(s->b, s->st);
	struct bfs_view v = { s->b->rt->root, (const char **)lower, s->st->nlayers, d->upper, d->work,
			      d->merged };
	int rc = bfs_copy(&v, c, err);

	if (rc == 0)
		rc = build_commit_upper(s, d->upper, key, e, err);
	df_strv_free(lower);
	return rc;
}

static int do_workdir(struct sctx *s, struct tug_err *err)
{
	char *p, *abs, *repr, key[DIGEST_STR_LEN + 1], *by;
	struct bcache_entry e;
	struct bx x;
	int rc, hit;

	build_bx(s, &x);
	if (bx_word(&x, s->in->rest, &p, err) < 0)
		return -1;
	if (!*p) {
		free(p);
		return tug_errf(err, TUG_E_INVALID, "WORKDIR needs a path");
	}
	abs = clean_abs(jstr(build_cconf(s), "WorkingDir"), p);
	free(p);
	jset_str(build_cconf(s), "WorkingDir", abs);
	repr = xmalloc(strlen(abs) + 16);
	sprintf(repr, "WORKDIR %s", abs);
	hit = build_step_cached(s, repr, key, &e);
	rc = 0;
	if (!hit) {
		/* the directory exists from here on, as docker makes it */
		struct bcopy c = { .mkdir = abs, .chmod = -1 };
		struct fsdirs d = { .step = "" };
		rc = make_fsdirs(s->b, &d, err);
		if (rc == 0)
			rc = fs_step(s, &c, &d, key, &e, err);
		if (d.step[0]) {
			struct tug_err ignore;
			fs_rm_rf(d.step, &ignore);
		}
		if (rc == 0)
			say_result(s->b, &e);
	} else {
		build_say(s->b, "--> CACHED");
	}
	by = build_created_by(s->in);
	if (rc == 0)
		rc = build_step_done(s, key, &e, hit, by, err);
	free(by);
	free(repr);
	free(abs);
	return rc;
}

/* ---- RUN ---- */

static int is_heredoc_only(struct sctx *s)
{
	char **w;
	int only;

	if (s->in->nheredocs != 1)
		return 0;
	w = df_split_raw(s->in->rest, s->b->df.escape);
	only = w[0] && !w[1] && !strncmp(w[0], "<<", 2);
	df_strv_free(w);
	return only;
}

static json_t *run_argv(struct sctx *s)
{
	struct sbuf script = SBUF_INIT;
	json_t *a;

	if (s->in->json)
		return build_strv_json(s->in->json);
	if (is_heredoc_only(s) && str_has_prefix(s->in->heredocs[0].content, "#!")) {
		/* BuildKit runs a script with a #! line as a file: its interpreter */
		sbuf_printf(&script, "/.tug-heredoc/%s", s->in->heredocs[0].name);
		a = json_array();
		json_array_append_new(a, json_string(script.s));
		sbuf_release(&script);
		return a;
	}
	if (is_heredoc_only(s)) {
		sbuf_puts(&script, s->in->heredocs[0].content);
	} else {
		/* the shell reads the heredocs itself, as written */
		sbuf_puts(&script, s->in->rest);
		for (size_t i = 0; i < s->in->nheredocs; i++)
			sbuf_printf(&script, "\n%s%s", s->in->heredocs[i].content, s->in->heredocs[i].name);
	}
	a = build_shell(s);
	json_array_append_new(a, json_string(script.s ? script.s : ""));
	sbuf_release(&script);
	return a;
}

/* Declared ARGs with a value that ENV does not shadow, as KEY=VALUE:
 * RUN's environment on top of ENV, in its cache key and its history. */
static json_t *run_args(struct sctx *s)
{
	json_t *a = json_array(), *cc = build_cconf(s);
	char buf[8192];

	for (size_t i = 0; i < s->args.n; i++) {
		const struct bvar *v = &s->args.v[i];
		json_t *e;
		size_t k, n = strlen(v->name);
		int shadowed = 0;
		if (!v->value)
			continue;
		json_array_foreach(json_object_get(cc, "Env"), k, e)
			if (json_string_value(e) && !strncmp(json_string_value(e), v->name, n) &&
			    json_string_value(e)[n] == '=')
				shadowed = 1;
		if (shadowed)
			continue;
		snprintf(buf, sizeof(buf), "%s=%s", v->name, v->value);
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

/* docker's predefined proxy ARGs given with --build-arg and not declared:
 * in RUN's environment, but neither in the cache key nor in the history,
 * so that a proxy (and the password in its URL) changes nothing. */
static json_t *run_proxy_args(struct sctx *s)
{
	json_t *a = json_array();
	char buf[8192];

	for (const char *const *p = build_proxy_args; *p; p++) {
		const char *v = build_arg(s->b, *p);
		int declared = 0;
		for (size_t i = 0; i < s->args.n; i++)
			declared |= !strcmp(s->args.v[i].name, *p);
		if (!v || declared)
			continue;
		build_use_arg(s->b, *p);
		snprintf(buf, sizeof(buf), "%s=%s", *p, v);
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

static char **json_strv(json_t *a, json_t *b)
{
	size_t n = json_array_size(a) + json_array_size(b), k = 0, i;
	char **v = xcalloc(n + 1, sizeof(char *));
	json_t *x;

	json_array_foreach(a, i, x)
		if (json_string_value(x))
			v[k++] = xstrdup(json_string_value(x));
	json_array_foreach(b, i, x)
		if (json_string_value(x))
			v[k++] = xstrdup(json_string_value(x));
	return v;
}

static char *run_created_by(json_t *argv, json_t *args, int exec_form)
{
	struct sbuf b = SBUF_INIT;
	size_t i;
	json_t *x;

	sbuf_puts(&b, "RUN ");
	if (json_array_size(args)) {
		sbuf_printf(&b, "|%zu", json_array_size(args));
		json_array_foreach(args, i, x)
			sbuf_printf(&b, " %s", json_string_value(x));
		sbuf_puts(&b, " ");
	}
	if (exec_form) {
		char *t = build_json_text(argv);
		sbuf_puts(&b, t);
		free(t);
	} else {
		json_array_foreach(argv, i, x)
			sbuf_printf(&b, "%s%s", i ? " " : "", json_string_value(x));
	}
	sbuf_puts(&b, " # buildkit");
	return sbuf_detach(&b);
}

static int run_network(struct sctx *s, const char **net, struct tug_err *err)
{
	const char *f = df_flag(s->in, "network");
	/* the build's --network (none unless asked): RUN --network=default */
	const char *dflt = s->b->o->network && *s->b->o->network &&
				   strcmp(s->b->o->network, "default") ? s->b->o->network : "none";

	if (df_flag(s->in, "mount"))
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"RUN --mount is not supported by tug build: COPY what the step needs into the stage");
	if (df_flag(s->in, "security"))
		return tug_errf(err, TUG_E_UNSUPPORTED, "RUN --security is not supported by tug build");
	if (!f || !strcmp(f, "default"))
		*net = dflt;
	else if (!strcmp(f, "none") || !strcmp(f, "host"))
		*net = f;
	else
		return tug_errf(err, TUG_E_INVALID, "RUN --network=%s: use none, host or default", f);
	return 0;
}

static int do_run(struct sctx *s, struct tug_err *err)
{
	json_t *argv = run_argv(s), *args = run_args(s), *proxy = run_proxy_args(s), *cc = build_cconf(s);
	char key[DIGEST_STR_LEN + 1], ctr[65] = "", scratch[PATH_MAX], upper[PATH_MAX];
	char *t1 = build_json_text(argv), *t2 = build_json_text(args), *repr, *by;
	const char *net = "none";
	struct bcache_entry e;
	char **av = NULL, **env = NULL, **lower = NULL;
	int hit = 0, rc = -1, code = 0;

	if (run_network(s, &net, err) < 0)
		goto out;
	repr = xmalloc(strlen(t1) + strlen(t2) + 64);
	sprintf(repr, "RUN %s\n%s\nnetwork=%s", t1, t2, net);
	hit = build_step_cached(s, repr, key, &e);
	free(repr);
	if (hit) {
		build_say(s->b, "--> CACHED");
	} else {
		struct brun r = { 0 };
		json_t *all = json_deep_copy(args);
		json_array_extend(all, proxy);
		av = json_strv(argv, NULL);
		env = json_strv(json_object_get(cc, "Env"), all);
		json_decref(all);
		lower = build_layer_dirs(s->b, s->st);
		build_tmp(s->b, scratch, sizeof(scratch));
		if (mkdir(scratch, 0700) < 0) {
			tug_errno(err, "create %s", scratch);
			goto out;
		}
		r.argv = av;
		r.env = env;
		r.user = jstr(cc, "User");
		r.workdir = jstr(cc, "WorkingDir");
		r.lower = (const char **)lower;
		r.nlower = s->st->nlayers;
		r.network = net;
		r.out_fd = s->b->o->out_fd;
		r.cancel = s->b->o->cancel;
		r.scratch = scratch;
		if (is_heredoc_only(s) && str_has_prefix(s->in->heredocs[0].content, "#!")) {
			r.script = s->in->heredocs[0].content;
			r.script_name = s->in->heredocs[0].name;
		}
		if (brun_start(s->b->rt, &r, ctr, &code, err) < 0)
			goto out;
		if (code != 0) {
			char *shown = build_json_text(argv);
			tug_errf(err, TUG_E_GENERIC, "process %s did not complete successfully: exit code: %d",
				 shown, code);
			free(shown);
			goto out;
		}
		if (build_commit_upper(s, brun_upper(s->b->rt, ctr, upper, sizeof(upper)), key, &e,
				       err) < 0)
			goto out;
		say_result(s->b, &e);
	}
	by = run_created_by(argv, args, s->in->json != NULL);
	rc = build_step_done(s, key, &e, hit, by, err);
	free(by);
out:
	if (ctr[0])
		brun_finish(s->b->rt, ctr);
	if (!hit && av) {
		struct tug_err ignore;
		fs_rm_rf(scratch, &ignore);
	}
	df_strv_free(av);
	df_strv_free(env);
	df_strv_free(lower);
	free(t1);
	free(t2);
	json_decref(argv);
	json_decref(args);
	json_decref(proxy);
	return rc;
}

/* ---- COPY and ADD ---- */

struct csrc {
	struct bfs_srcview *v;
	char **paths;
	size_t n;
	struct ignore **igs;    /* owned */
	size_t nigs;
	char ***vecs;           /* owned strings the views point at */
	size_t nvecs;
	size_t *tars;           /* ADD: views of local archives, unpacked on a cache miss */
	size_t ntars;
};

static void csrc_add(struct csrc *c, const struct bfs_srcview *v, const char *path)
{
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->paths = xrealloc(c->paths, (c->n + 2) * sizeof(char *));
	c->v[c->n] = *v;
	c->paths[c->n++] = xstrdup(path);
	c->paths[c->n] = NULL;
}

/* Keep vec (NULL-terminated strings) until the step is done. */
static char **csrc_own(struct csrc *c, char **vec)
{
	c->vecs = xrealloc(c->vecs, (c->nvecs + 1) * sizeof(*c->vecs));
	c->vecs[c->nvecs++] = vec;
	return vec;
}

static const char *csrc_own_str(struct csrc *c, const char *s)
{
	char **v = xcalloc(2, sizeof(char *));

	v[0] = xstrdup(s);
	return csrc_own(c, v)[0];
}

static void csrc_release(struct csrc *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->paths[i]);
	free(c->paths);
	free(c->v);
	for (size_t i = 0; i < c->nigs; i++) {
		ignore_release(c->igs[i]);
		free(c->igs[i]);
	}
	free(c->igs);
	for (size_t i = 0; i < c->nvecs; i++)
		df_strv_free(c->vecs[i]);
	free(c->vecs);
	free(c->tars);
}

/* The exclusions of a source: .dockerignore for the context, plus
 * every --exclude. */
static struct ignore *source_ignore(struct sctx *s, struct csrc *c, int context,
				    struct tug_err *err)
{
	struct ignore *ig = xcalloc(1, sizeof(*ig));
	struct bx x;

	build_bx(s, &x);
	if (context)
		for (size_t i = 0; i < s->b->ig.n; i++) {
			char *p = xmalloc(strlen(s->b->ig.v[i].pat) + 2);
			sprintf(p, "%s%s", s->b->ig.v[i].neg ? "!" : "", s->b->ig.v[i].pat);
			ignore_add(ig, p, err);
			free(p);
		}
	for (size_t i = 0; i < s->in->nflags; i++) {
		char *pat;
		if (strcmp(s->in->flags[i].name, "exclude"))
			continue;
		if (bx_word(&x, s->in->flags[i].value ? s->in->flags[i].value : "", &pat, err) < 0 ||
		    ignore_add(ig, pat, err) < 0) {
			ignore_release(ig);
			free(ig);
			return NULL;
		}
		free(pat);
	}
	c->igs = xrealloc(c->igs, (c->nigs + 1) * sizeof(*c->igs));
	c->igs[c->nigs++] = ig;
	return ig;
}

/* Is the file at fd a tar archive (plain or compressed)? */
static int is_tar(int fd)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	r = archive_read_open_fd(a, fd, 65536) == ARCHIVE_OK && archive_read_next_header(a, &e) == ARCHIVE_OK;
	archive_read_free(a);
	lseek(fd, 0, SEEK_SET);
	return r;
}

static int is_url(const char *s)
{
	return str_has_prefix(s, "http://") || str_has_prefix(s, "https://") ||
	       str_has_prefix(s, "git@") || str_has_prefix(s, "git://");
}

static char *mnt_dir(struct build *b, struct tug_err *err)
{
	char p[PATH_MAX];

	build_tmp(b, p, sizeof(p));
	if (mkdir(p, 0755) < 0) {
		tug_errno(err, "create %s", p);
		return NULL;
	}
	return xstrdup(p);
}

/* COPY --from: a stage of this build or an image. */
static int from_source(struct sctx *s, const char *from, struct csrc *c, char **paths,
		       struct digest_ctx *d, struct tug_err *err)
{
	struct bfs_srcview v = { 0 };
	char **lower;
	char repr[256];
	int k = build_find_stage(s->b, from, s->index);

	if (k >= 0) {
		struct bstage *st = &s->b->stages[k];
		if (!st->built)
			return tug_errf(err, TUG_E_INVALID, "--from=%s: that stage is not built", from);
		lower = build_layer_dirs(s->b, st);
		v.nlower = st->nlayers;
		snprintf(repr, sizeof(repr), "from stage %s %s", st->key,
			 st->nlayers ? st->layers[st->nlayers - 1].chain : "");
	} else {
		struct rt_image img;
		if (build_image_get(s->b, from, &img, err) < 0)
			return tug_err_wrap(err, "--from=%s: no stage of that name before this one", from);
		lower = xcalloc(img.nlayers + 1, sizeof(char *));
		for (size_t i = 0; i < img.nlayers; i++)
			lower[i] = xstrdup(img.layer_dirs[i]);
		v.nlower = img.nlayers;
		snprintf(repr, sizeof(repr), "from image %s", img.id);
		rt_image_release(&img);
	}
	digest_update(d, repr, strlen(repr) + 1);
	v.lower = (const char **)csrc_own(c, lower);
	v.keep_owner = 1;
	v.ig = source_ignore(s, c, 0, err);
	if (!v.ig)
		return -1;
	for (char **p = paths; *p; p++) {
		char *m = mnt_dir(s->b, err);
		if (!m)
			return -1;
		v.mnt = csrc_own_str(c, m);
		free(m);
		csrc_add(c, &v, *p);
		digest_update(d, *p, strlen(*p) + 1);
	}
	return 0;
}

static int heredoc_source(struct sctx *s, const char *word, struct csrc *c, struct digest_ctx *d,
			  struct tug_err *err)
{
	const struct df_heredoc *h = NULL;
	char dir[PATH_MAX], path[PATH_MAX], *body;
	struct bfs_srcview v = { 0 };
	int rc;

	for (size_t i = 0; i < s->in->nheredocs; i++)
		if (!strcmp(word + 2 + (word[2] == '-'), s->in->heredocs[i].name))
			h = &s->in->heredocs[i];
	if (!h)
		return tug_errf(err, TUG_E_INVALID, "%s: no heredoc of that name", word);
	if (h->expand) {
		struct bx x;
		build_bx(s, &x);
		if (bx_heredoc(&x, h->content, &body, err) < 0)
			return -1;
	} else {
		body = xstrdup(h->content);
	}
	build_tmp(s->b, dir, sizeof(dir));
	rc = mkdir(dir, 0755) < 0 ? tug_errno(err, "create %s", dir) :
	     fs_write_atomic(fs_join(path, sizeof(path), dir, h->name), body, strlen(body), 0644, err);
	if (rc == 0) {
		chmod(path, 0644);
		v.plain = csrc_own_str(c, dir);
		v.literal = 1;
		csrc_add(c, &v, h->name);
		digest_update(d, h->name, strlen(h->name) + 1);
		digest_update(d, body, strlen(body) + 1);
	}
	free(body);
	return rc;
}

/* Context sources: hashed for the key; for ADD, local tar archives are
 * unpacked to a scratch directory whose contents are copied. */
/* Context sources: hashed for the key; for ADD, a local tar archive
 * (plain or compressed) is noted, to be unpacked only if the step runs. */
static int context_sources(struct sctx *s, char **paths, int is_add, struct csrc *c,
			   struct digest_ctx *d, struct tug_err *err)
{
	struct build *b = s->b;
	struct bfs_srcview v = { 0 };
	int rc = 0;

	if (b->ctx_fd < 0)
		return tug_errf(err, TUG_E_INVALID,
				"this build has no context (the Dockerfile came from stdin): nothing to copy from; give a context directory");
	v.ig = source_ignore(s, c, 1, err);
	if (!v.ig)
		return -1;
	v.plain = b->ctx_dir;
	v.literal = 1;
	for (char **p = paths; *p && rc == 0; p++) {
		struct bsrc src = { b->ctx_fd, v.ig, 0 };
		char **m = NULL;
		size_t n = 0;
		if (bsrc_expand(&src, *p, &m, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct stat st;
			int fd, tar = 0;
			digest_update(d, m[i], strlen(m[i]) + 1);
			rc = bsrc_hash(&src, m[i], d, err);
			if (rc == 0 && is_add && (fd = bfs_open_in(b->ctx_fd, m[i], O_RDONLY, 0)) >= 0) {
				tar = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && is_tar(fd);
				close(fd);
			}
			if (rc < 0)
				break;
			csrc_add(c, &v, m[i]);
			if (tar) {
				c->tars = xrealloc(c->tars, (c->ntars + 1) * sizeof(*c->tars));
				c->tars[c->ntars++] = c->n - 1;
			}
		}
		for (size_t k = 0; k < n; k++)
			free(m[k]);
		free(m);
	}
	return rc;
}

/* Unpack the noted archives; their contents become the sources. */
static int unpack_archives(struct sctx *s, struct csrc *c, struct tug_err *err)
{
	for (size_t i = 0; i < c->ntars; i++) {
		struct bfs_srcview *v = &c->v[c->tars[i]];
		char **path = &c->paths[c->tars[i]];
		struct layer_in in = { .fd = bfs_open_in(s->b->ctx_fd, *path, O_RDONLY, 0) };
		struct layer_out out;
		char dest[PATH_MAX];
		int r;

		if (in.fd < 0)
			return tug_errno(err, "ADD %s", *path);
		in.dest = build_tmp(s->b, dest, sizeof(dest));
		r = layer_read(&in, &out, err);
		close(in.fd);
		if (r < 0)
			return tug_err_wrap(err, "ADD %s: unpack", *path);
		v->plain = csrc_own_str(c, dest);
		v->ig = NULL;
		v->keep_owner = 1;
		free(*path);
		*path = xstrdup("");
	}
	return 0;
}

static int parse_chmod(const char *s, int *out, struct tug_err *err)
{
	char *end;
	long v;

	*out = -1;
	if (!s)
		return 0;
	v = strtol(s, &end, 8);
	if (!*s || *end || v < 0 || v > 07777)
		return tug_errf(err, TUG_E_INVALID, "--chmod=%s: an octal mode such as 0755", s);
	*out = (int)v;
	return 0;
}

static int do_copy_add(struct sctx *s, int is_add, struct tug_err *err)
{
	const char *what = is_add ? "ADD" : "COPY";
	char **args = NULL, **srcs = NULL, *dest = NULL, *from = NULL, *chown = NULL, *by;
	char key[DIGEST_STR_LEN + 1], hash[DIGEST_STR_LEN + 1], *repr = NULL;
	struct digest_ctx *d = digest_new();
	struct csrc c = { 0 };
	struct bcache_entry e;
	struct bx x;
	size_t n = 0;
	int chmod_v, hit = 0, rc = -1;

	build_bx(s, &x);
	if (build_words(s, &args, err) < 0)
		goto out;
	while (args[n])
		n++;
	if (n < 2) {
		tug_errf(err, TUG_E_INVALID,
			 "%s requires at least two arguments, but only one was provided: destination could not be determined",
			 what);
		goto out;
	}
	if (df_flag(s->in, "parents")) {
		tug_errf(err, TUG_E_UNSUPPORTED, "%s --parents is not supported by tug build", what);
		goto out;
	}
	if (df_flag(s->in, "keep-git-dir") || df_flag(s->in, "checksum")) {
		tug_errf(err, TUG_E_UNSUPPORTED,
			 "ADD --%s is for remote sources, and this build has no network: download into the context and COPY it",
			 df_flag(s->in, "checksum") ? "checksum" : "keep-git-dir");
		goto out;
	}
	if ((df_flag(s->in, "from") && bx_word(&x, df_flag(s->in, "from"), &from, err) < 0) ||
	    (df_flag(s->in, "chown") && bx_word(&x, df_flag(s->in, "chown"), &chown, err) < 0))
		goto out;
	{
		char *cm = NULL;
		int r = df_flag(s->in, "chmod") ? bx_word(&x, df_flag(s->in, "chmod"), &cm, err) : 0;
		if (r < 0 || parse_chmod(cm, &chmod_v, err) < 0) {
			free(cm);
			goto out;
		}
		free(cm);
	}
	{
		const char *wd = jstr(build_cconf(s), "WorkingDir");
		const char *last = args[n - 1];
		size_t l = strlen(last);
		char *abs = clean_abs(wd, last);
		int dir = l && (last[l - 1] == '/' || !strcmp(last, ".") ||
				(l >= 2 && !strcmp(last + l - 2, "/.")));
		dest = xmalloc(strlen(abs) + 2);
		sprintf(dest, "%s%s", abs, dir && strcmp(abs, "/") ? "/" : "");
		free(abs);
	}
	srcs = xcalloc(n, sizeof(char *));
	for (size_t i = 0, k = 0; i + 1 < n; i++) {
		if (is_url(args[i])) {
			tug_errf(err, TUG_E_UNSUPPORTED, is_add ?
				 "ADD %s: downloading is not supported: tug build has no network; download the file into the build context and COPY it" :
				 "COPY %s: source can't be a URL for COPY", args[i]);
			goto out;
		}
		if (!strncmp(args[i], "<<", 2) && s->in->nheredocs) {
			if (heredoc_source(s, args[i], &c, d, err) < 0)
				goto out;
			continue;
		}
		srcs[k++] = args[i];
	}
	if (srcs[0]) {
		if (from) {
			if (is_add) {
				tug_errf(err, TUG_E_INVALID, "ADD has no --from: use COPY --from");
				goto out;
			}
			if (from_source(s, from, &c, srcs, d, err) < 0)
				goto out;
		} else if (context_sources(s, srcs, is_add, &c, d, err) < 0) {
			goto out;
		}
	}
	digest_final(d, hash);
	d = NULL;
	repr = xmalloc(strlen(dest) + 512);
	sprintf(repr, "%s\nfrom=%s\nchown=%s\nchmod=%o\ndest=%s\nsources=%s", what, from ? from : "",
		chown ? chown : "", chmod_v, dest, hash);
	hit = build_step_cached(s, repr, key, &e);
	if (hit) {
		build_say(s->b, "--> CACHED");
	} else {
		struct bcopy cp = { c.v, c.paths, c.n, dest, chown, chmod_v, is_add, NULL };
		struct fsdirs fd = { .step = "" };
		rc = unpack_archives(s, &c, err);
		if (rc == 0)
			rc = make_fsdirs(s->b, &fd, err);
		if (rc == 0)
			rc = fs_step(s, &cp, &fd, key, &e, err);
		if (fd.step[0]) {
			struct tug_err ignore;
			fs_rm_rf(fd.step, &ignore);
		}
		if (rc < 0)
			goto out;
		say_result(s->b, &e);
	}
	by = build_created_by(s->in);
	{
		char *full = xmalloc(strlen(by) + 16);
		sprintf(full, "%s # buildkit", by);
		rc = build_step_done(s, key, &e, hit, full, err);
		free(full);
	}
	free(by);
out:
	if (d)
		digest_free(d);
	csrc_release(&c);
	df_strv_free(args);
	free(srcs);
	free(dest);
	free(from);
	free(chown);
	free(repr);
	return rc;
}

int build_dispatch(struct sctx *s, struct tug_err *err)
{
	if (!strcmp(s->in->cmd, "run"))
		return do_run(s, err);
	if (!strcmp(s->in->cmd, "copy"))
		return do_copy_add(s, 0, err);
	if (!strcmp(s->in->cmd, "add"))
		return do_copy_add(s, 1, err);
	if (!strcmp(s->in->cmd, "workdir"))
		return do_workdir(s, err);
	if (!strcmp(s->in->cmd, "from"))
		return tug_errf(err, TUG_E_INVALID, "FROM inside a stage");
	return build_config_step(s, err);
}
