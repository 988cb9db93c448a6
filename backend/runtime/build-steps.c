/* build-steps.c - what each Dockerfile instruction does to the stage:
 * RUN, COPY, ADD and WORKDIR change the filesystem (a layer each, cached
 * by their inputs), the others only the image config (a history entry
 * with empty_layer). Arguments are substituted where docker substitutes
 * them: not in RUN, CMD and ENTRYPOINT, whose shell does it. */
#include "runtime/build.h"
#include "runtime/container.h"
#include "runtime/image-layer.h"
#include "runtime/image-store.h"
#include "runtime/image.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <archive.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static json_t *cconf(struct sctx *s)
{
	json_t *cfg = s->st->cfg, *cc = json_object_get(cfg, "config");

	if (!json_is_object(cc)) {
		cc = json_object();
		json_object_set_new(cfg, "config", cc);
	}
	return cc;
}

static char *created_by(const struct df_instr *in)
{
	struct sbuf b = SBUF_INIT;

	sbuf_printf(&b, "%s %s", in->cmd, in->text);
	for (char *p = b.s; *p && *p != ' '; p++)
		*p = (char)toupper((unsigned char)*p);
	return sbuf_detach(&b);
}

/* A step that only changes the config. */
struct kv {
	char **k, **v;
	size_t n;
};

static int meta_step_by(struct sctx *s, const char *repr, const char *by, struct tug_err *err)
{
	char key[DIGEST_STR_LEN + 1];
	struct bcache_entry e;
	int hit = build_step_cached(s, repr, key, &e);

	return build_step_done(s, key, &e, hit, by, err);
}

static int meta_step(struct sctx *s, const char *repr, struct tug_err *err)
{
	char *by = created_by(s->in);
	int r = meta_step_by(s, repr, by, err);

	free(by);
	return r;
}

/* "ENV a=1 b=2" with the values substituted, as BuildKit's history says. */
static char *pairs_by(const char *what, const struct kv *kv)
{
	struct sbuf b = SBUF_INIT;

	sbuf_puts(&b, what);
	for (size_t i = 0; i < kv->n; i++)
		sbuf_printf(&b, " %s=%s", kv->k[i], kv->v[i]);
	return sbuf_detach(&b);
}

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();

	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static char *json_text(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	return s ? s : xstrdup("null");
}

/* ["/bin/sh", "-c"] or the stage's SHELL. */
static json_t *shell_of(struct sctx *s)
{
	json_t *sh = json_object_get(cconf(s), "Shell");

	if (json_is_array(sh) && json_array_size(sh))
		return json_deep_copy(sh);
	return json_pack("[ss]", "/bin/sh", "-c");
}

/* CMD, ENTRYPOINT, HEALTHCHECK CMD: the exec form as is, the shell form
 * through the shell. */
static json_t *command_of(struct sctx *s, char *const *json, const char *text)
{
	json_t *a;

	if (json)
		return strv_json(json);
	a = shell_of(s);
	json_array_append_new(a, json_string(text));
	return a;
}

/* ---- name=value instructions ---- */

static void kv_release(struct kv *kv)
{
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->k[i]);
		free(kv->v[i]);
	}
	free(kv->k);
	free(kv->v);
}

/* "a=1 b='2 3'" or the legacy "name value with spaces"; every value is
 * expanded against the variables as they were before the instruction. */
static int parse_kv(struct sctx *s, const char *what, struct kv *kv, struct tug_err *err)
{
	char **w = df_split_raw(s->in->rest, s->b->df.escape);
	struct bx x;
	int rc = 0;

	memset(kv, 0, sizeof(*kv));
	build_bx(s, &x);
	if (w[0] && !strchr(w[0], '=')) {
		const char *val = s->in->rest + strlen(w[0]);
		while (isspace((unsigned char)*val))
			val++;
		if (!*val) {
			df_strv_free(w);
			return tug_errf(err, TUG_E_INVALID, "%s needs a value: %s name=value", what, what);
		}
		kv->k = xcalloc(1, sizeof(char *));
		kv->v = xcalloc(1, sizeof(char *));
		kv->n = 1;
		if (bx_word(&x, w[0], &kv->k[0], err) < 0 || bx_word(&x, val, &kv->v[0], err) < 0)
			rc = -1;
		df_strv_free(w);
		return rc;
	}
	for (char **p = w; *p && rc == 0; p++) {
		char *eq = strchr(*p, '='), *k;
		if (!eq) {
			rc = tug_errf(err, TUG_E_INVALID, "%s: '%s' is not name=value", what, *p);
			break;
		}
		kv->k = xrealloc(kv->k, (kv->n + 1) * sizeof(char *));
		kv->v = xrealloc(kv->v, (kv->n + 1) * sizeof(char *));
		kv->k[kv->n] = kv->v[kv->n] = NULL;
		kv->n++;
		k = strndup(*p, (size_t)(eq - *p));
		if (bx_word(&x, k, &kv->k[kv->n - 1], err) < 0 ||
		    bx_word(&x, eq + 1, &kv->v[kv->n - 1], err) < 0)
			rc = -1;
		else if (!kv->k[kv->n - 1][0])
			rc = tug_errf(err, TUG_E_INVALID, "%s names can not be blank", what);
		free(k);
	}
	df_strv_free(w);
	return rc;
}

static void env_set(json_t *cc, const char *k, const char *v)
{
	json_t *env = json_object_get(cc, "Env"), *x;
	size_t i, n = strlen(k);
	char *kv = xmalloc(n + strlen(v) + 2);

	sprintf(kv, "%s=%s", k, v);
	if (!json_is_array(env)) {
		env = json_array();
		json_object_set_new(cc, "Env", env);
	}
	json_array_foreach(env, i, x) {
		const char *s = json_string_value(x);
		if (s && !strncmp(s, k, n) && s[n] == '=') {
			json_array_set_new(env, i, json_string(kv));
			free(kv);
			return;
		}
	}
	json_array_append_new(env, json_string(kv));
	free(kv);
}

static int do_env(struct sctx *s, struct tug_err *err)
{
	struct kv kv;
	json_t *repr = json_array();
	char *r;
	int rc;

	if (parse_kv(s, "ENV", &kv, err) < 0) {
		kv_release(&kv);
		json_decref(repr);
		return -1;
	}
	for (size_t i = 0; i < kv.n; i++) {
		env_set(cconf(s), kv.k[i], kv.v[i]);
		json_array_append_new(repr, json_pack("[ss]", kv.k[i], kv.v[i]));
	}
	r = json_text(repr);
	json_decref(repr);
	{
		char *full = xmalloc(strlen(r) + 8), *by = pairs_by("ENV", &kv);
		sprintf(full, "ENV %s", r);
		rc = meta_step_by(s, full, by, err);
		free(full);
		free(by);
	}
	kv_release(&kv);
	free(r);
	return rc;
}

static int do_label(struct sctx *s, struct tug_err *err)
{
	struct kv kv;
	json_t *labels, *repr = json_array();
	char *r, *full;
	int rc;

	if (parse_kv(s, "LABEL", &kv, err) < 0) {
		kv_release(&kv);
		json_decref(repr);
		return -1;
	}
	labels = json_object_get(cconf(s), "Labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(cconf(s), "Labels", labels);
	}
	for (size_t i = 0; i < kv.n; i++) {
		json_object_set_new(labels, kv.k[i], json_string(kv.v[i]));
		json_array_append_new(repr, json_pack("[ss]", kv.k[i], kv.v[i]));
	}
	r = json_text(repr);
	json_decref(repr);
	full = xmalloc(strlen(r) + 8);
	sprintf(full, "LABEL %s", r);
	{
		char *by = pairs_by("LABEL", &kv);
		rc = meta_step_by(s, full, by, err);
		free(by);
	}
	kv_release(&kv);
	free(full);
	free(r);
	return rc;
}

static int do_arg(struct sctx *s, struct tug_err *err)
{
	char **w = df_split_raw(s->in->rest, s->b->df.escape);
	struct sbuf repr = SBUF_INIT, by = SBUF_INIT;
	int rc;

	if (build_declare_args(s, s->in->rest, err) < 0) {
		df_strv_free(w);
		return -1;
	}
	/* the value is not in the key: a changed ARG invalidates the cache at
	 * its first use (RUN's environment, a substitution), as in docker */
	sbuf_puts(&repr, "ARG");
	sbuf_puts(&by, "ARG");
	for (char **p = w; *p; p++) {
		size_t n = strcspn(*p, "=");
		const char *v = NULL;
		sbuf_printf(&repr, " %.*s", (int)n, *p);
		for (size_t i = 0; i < s->args.n; i++)
			if (strlen(s->args.v[i].name) == n && !strncmp(s->args.v[i].name, *p, n))
				v = s->args.v[i].value;
		sbuf_printf(&by, " %.*s%s%s", (int)n, *p, v ? "=" : "", v ? v : "");
	}
	df_strv_free(w);
	rc = meta_step_by(s, repr.s, by.s, err);
	sbuf_release(&repr);
	sbuf_release(&by);
	return rc;
}

/* One word instructions: USER, STOPSIGNAL, MAINTAINER. */
static int one_word(struct sctx *s, char **out, struct tug_err *err)
{
	struct bx x;

	build_bx(s, &x);
	if (bx_word(&x, s->in->rest, out, err) < 0)
		return -1;
	if (!**out) {
		free(*out);
		return tug_errf(err, TUG_E_INVALID, "%s needs a value", s->in->keyword);
	}
	return 0;
}

static int set_string(struct sctx *s, const char *field, const char *value, struct tug_err *err)
{
	char *repr = xmalloc(strlen(field) + strlen(value) + 4);
	int rc;

	jset_str(cconf(s), field, value);
	sprintf(repr, "%s %s", field, value);
	rc = meta_step(s, repr, err);
	free(repr);
	return rc;
}

static int do_user(struct sctx *s, struct tug_err *err)
{
	char *v;
	int rc;

	if (one_word(s, &v, err) < 0)
		return -1;
	rc = set_string(s, "User", v, err);
	free(v);
	return rc;
}

static int do_stopsignal(struct sctx *s, struct tug_err *err)
{
	char *v;
	int rc;

	if (one_word(s, &v, err) < 0)
		return -1;
	if (!ctr_parse_signal(v)) {
		rc = tug_errf(err, TUG_E_INVALID, "invalid signal: %s", v);
		free(v);
		return rc;
	}
	rc = set_string(s, "StopSignal", v, err);
	free(v);
	return rc;
}

static int do_maintainer(struct sctx *s, struct tug_err *err)
{
	char *v, *repr;
	int rc;

	if (one_word(s, &v, err) < 0)
		return -1;
	jset_str(s->st->cfg, "author", v);
	repr = xmalloc(strlen(v) + 16);
	sprintf(repr, "MAINTAINER %s", v);
	rc = meta_step(s, repr, err);
	free(repr);
	free(v);
	return rc;
}

static int set_array(struct sctx *s, const char *field, json_t *a, struct tug_err *err)
{
	char *t = json_text(a), *repr = xmalloc(strlen(t) + strlen(field) + 4);
	int rc;

	sprintf(repr, "%s %s", field, t);
	json_object_set_new(cconf(s), field, a);
	rc = meta_step(s, repr, err);
	free(t);
	free(repr);
	return rc;
}

static int do_cmd(struct sctx *s, struct tug_err *err)
{
	s->cmd_set = 1;
	return set_array(s, "Cmd", command_of(s, s->in->json, s->in->rest), err);
}

static int do_entrypoint(struct sctx *s, struct tug_err *err)
{
	/* docker: an ENTRYPOINT drops the CMD inherited from the base image */
	if (!s->cmd_set)
		json_object_del(cconf(s), "Cmd");
	return set_array(s, "Entrypoint", command_of(s, s->in->json, s->in->rest), err);
}

static int do_shell(struct sctx *s, struct tug_err *err)
{
	if (!s->in->json || !s->in->json[0])
		return tug_errf(err, TUG_E_INVALID, "SHELL requires a non-empty JSON array");
	return set_array(s, "Shell", strv_json(s->in->json), err);
}

static int do_onbuild(struct sctx *s, struct tug_err *err)
{
	json_t *ob = json_object_get(cconf(s), "OnBuild");

	ob = json_is_array(ob) ? json_deep_copy(ob) : json_array();
	json_array_append_new(ob, json_string(s->in->rest));
	return set_array(s, "OnBuild", ob, err);
}

static int words_of(struct sctx *s, char ***out, struct tug_err *err)
{
	struct bx x;

	if (s->in->json) {
		size_t n = 0;
		while (s->in->json[n])
			n++;
		*out = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			(*out)[i] = xstrdup(s->in->json[i]);
		return 0;
	}
	build_bx(s, &x);
	return bx_words(&x, s->in->rest, out, err);
}

static int do_volume(struct sctx *s, struct tug_err *err)
{
	json_t *vols = json_object_get(cconf(s), "Volumes");
	char **w;

	if (words_of(s, &w, err) < 0)
		return -1;
	if (!w[0]) {
		df_strv_free(w);
		return tug_errf(err, TUG_E_INVALID, "VOLUME specified can not be an empty string");
	}
	vols = json_is_object(vols) ? json_deep_copy(vols) : json_object();
	for (char **p = w; *p; p++) {
		if (!**p) {
			df_strv_free(w);
			json_decref(vols);
			return tug_errf(err, TUG_E_INVALID, "VOLUME specified can not be an empty string");
		}
		json_object_set_new(vols, *p, json_object());
	}
	df_strv_free(w);
	return set_array(s, "Volumes", vols, err);
}

static int port_number(const char *s, size_t n, long *out)
{
	char buf[16], *end;

	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*out = strtol(buf, &end, 10);
	return *end || *out < 1 || *out > 65535 ? -1 : 0;
}

static int do_expose(struct sctx *s, struct tug_err *err)
{
	json_t *ports = json_object_get(cconf(s), "ExposedPorts");
	char **w;
	struct bx x;

	build_bx(s, &x);
	if (bx_words(&x, s->in->rest, &w, err) < 0)
		return -1;
	ports = json_is_object(ports) ? json_deep_copy(ports) : json_object();
	for (char **p = w; *p; p++) {
		const char *slash = strchr(*p, '/'), *dash;
		const char *proto = slash ? slash + 1 : "tcp";
		size_t n = slash ? (size_t)(slash - *p) : strlen(*p);
		long lo, hi;
		dash = memchr(*p, '-', n);
		if (strcasecmp(proto, "tcp") && strcasecmp(proto, "udp") && strcasecmp(proto, "sctp"))
			goto bad;
		if (dash) {
			if (port_number(*p, (size_t)(dash - *p), &lo) < 0 ||
			    port_number(dash + 1, n - (size_t)(dash - *p) - 1, &hi) < 0 || hi < lo)
				goto bad;
		} else if (port_number(*p, n, &lo) < 0) {
			goto bad;
		} else {
			hi = lo;
		}
		for (long port = lo; port <= hi; port++) {
			char key[32];
			snprintf(key, sizeof(key), "%ld/%s", port, proto);
			for (char *c = key; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			json_object_set_new(ports, key, json_object());
		}
		continue;
bad:
		tug_errf(err, TUG_E_INVALID, "invalid port '%s': use PORT[/tcp|udp|sctp] or FROM-TO[/proto]",
			 *p);
		df_strv_free(w);
		json_decref(ports);
		return -1;
	}
	df_strv_free(w);
	return set_array(s, "ExposedPorts", ports, err);
}

static int duration_flag(struct sctx *s, const char *name, json_t *hc, const char *field,
			 struct tug_err *err)
{
	const char *v = df_flag(s->in, name);
	int64_t ns;

	if (!v)
		return 0;
	if (parse_duration(v, &ns) < 0 || ns < 0 || (ns > 0 && ns < 1000000))
		return tug_errf(err, TUG_E_INVALID,
				"HEALTHCHECK --%s=%s: a duration of at least 1ms, such as 30s or 1m30s", name, v);
	if (ns)
		jset_int(hc, field, ns);
	return 0;
}

static int do_healthcheck(struct sctx *s, struct tug_err *err)
{
	const char *rest = s->in->rest;
	size_t k = strcspn(rest, " \t");
	json_t *hc = json_object(), *test;

	if (k == 4 && !strncasecmp(rest, "NONE", 4)) {
		if (rest[k]) {
			json_decref(hc);
			return tug_errf(err, TUG_E_INVALID, "HEALTHCHECK NONE takes no arguments");
		}
		json_object_set_new(hc, "Test", json_pack("[s]", "NONE"));
		return set_array(s, "Healthcheck", hc, err);
	}
	if (k != 3 || strncasecmp(rest, "CMD", 3)) {
		json_decref(hc);
		return tug_errf(err, TUG_E_INVALID, "HEALTHCHECK: use HEALTHCHECK [OPTIONS] CMD command, or NONE");
	}
	rest += k;
	while (isspace((unsigned char)*rest))
		rest++;
	{
		char **json = NULL;
		if (rest[0] == '[') {
			struct df_instr tmp;
			struct tug_err e;
			if (df_parse_one("healthcheck", 0, s->b->df.escape, rest - 4, &tmp, &e) == 0) {
				json = tmp.json;
				tmp.json = NULL;
				df_instr_release(&tmp);
			}
		}
		if (json) {
			test = strv_json(json);
			json_array_insert_new(test, 0, json_string("CMD"));
			df_strv_free(json);
		} else {
			if (!*rest) {
				json_decref(hc);
				return tug_errf(err, TUG_E_INVALID, "HEALTHCHECK CMD needs a command");
			}
			test = json_pack("[ss]", "CMD-SHELL", rest);
		}
	}
	json_object_set_new(hc, "Test", test);
	if (duration_flag(s, "interval", hc, "Interval", err) < 0 ||
	    duration_flag(s, "timeout", hc, "Timeout", err) < 0 ||
	    duration_flag(s, "start-period", hc, "StartPeriod", err) < 0 ||
	    duration_flag(s, "start-interval", hc, "StartInterval", err) < 0) {
		json_decref(hc);
		return -1;
	}
	if (df_flag(s->in, "retries")) {
		char *end;
		long r = strtol(df_flag(s->in, "retries"), &end, 10);
		if (*end || r < 0) {
			json_decref(hc);
			return tug_errf(err, TUG_E_INVALID, "HEALTHCHECK --retries=%s: a number of at least 0",
					df_flag(s->in, "retries"));
		}
		if (r)
			jset_int(hc, "Retries", r);
	}
	return set_array(s, "Healthcheck", hc, err);
}

/* ---- filesystem steps ---- */

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
	abs = clean_abs(jstr(cconf(s), "WorkingDir"), p);
	free(p);
	jset_str(cconf(s), "WorkingDir", abs);
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
	by = created_by(s->in);
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
		return strv_json(s->in->json);
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
	a = shell_of(s);
	json_array_append_new(a, json_string(script.s ? script.s : ""));
	sbuf_release(&script);
	return a;
}

/* Declared ARGs with a value that ENV does not shadow, as KEY=VALUE:
 * RUN's environment on top of ENV, in its cache key and its history. */
static json_t *run_args(struct sctx *s)
{
	json_t *a = json_array(), *cc = cconf(s);
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
	static const char *const proxy[] = {
		"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
		"NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", NULL,
	};
	json_t *a = json_array();
	char buf[8192];

	for (const char *const *p = proxy; *p; p++) {
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
		char *t = json_text(argv);
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
	const char *dflt = s->b->o->network && strcmp(s->b->o->network, "default") ?
				   s->b->o->network : "none";

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
	json_t *argv = run_argv(s), *args = run_args(s), *proxy = run_proxy_args(s), *cc = cconf(s);
	char key[DIGEST_STR_LEN + 1], ctr[65] = "", scratch[PATH_MAX], upper[PATH_MAX];
	char *t1 = json_text(argv), *t2 = json_text(args), *repr, *by;
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
			char *shown = json_text(argv);
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
	if (words_of(s, &args, err) < 0)
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
		const char *wd = jstr(cconf(s), "WorkingDir");
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
	by = created_by(s->in);
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

static int do_copy(struct sctx *s, struct tug_err *err)
{
	return do_copy_add(s, 0, err);
}

static int do_add(struct sctx *s, struct tug_err *err)
{
	return do_copy_add(s, 1, err);
}

static int do_from(struct sctx *s, struct tug_err *err)
{
	(void)s;
	return tug_errf(err, TUG_E_INVALID, "FROM inside a stage");
}

static const struct {
	const char *cmd;
	int (*fn)(struct sctx *s, struct tug_err *err);
} steps[] = {
	{ "run", do_run },
	{ "copy", do_copy },
	{ "add", do_add },
	{ "workdir", do_workdir },
	{ "env", do_env },
	{ "label", do_label },
	{ "arg", do_arg },
	{ "expose", do_expose },
	{ "user", do_user },
	{ "volume", do_volume },
	{ "stopsignal", do_stopsignal },
	{ "cmd", do_cmd },
	{ "entrypoint", do_entrypoint },
	{ "healthcheck", do_healthcheck },
	{ "shell", do_shell },
	{ "onbuild", do_onbuild },
	{ "maintainer", do_maintainer },
	{ "from", do_from },
};

int build_dispatch(struct sctx *s, struct tug_err *err)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (!strcmp(steps[i].cmd, s->in->cmd))
			return steps[i].fn(s, err);
	return tug_errf(err, TUG_E_INVALID, "unknown instruction: %s", s->in->keyword);
}
