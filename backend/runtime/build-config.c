/* build-config.c - the Dockerfile instructions that only change the
 * image config: ENV, LABEL, ARG, USER, STOPSIGNAL, MAINTAINER, CMD,
 * ENTRYPOINT, SHELL, ONBUILD, VOLUME, EXPOSE and HEALTHCHECK. Each is a
 * step of the cache chain and a history entry with empty_layer. Their
 * arguments are substituted, but not those of CMD and ENTRYPOINT (the
 * shell does that when the container runs). */
#include "runtime/build.h"
#include "runtime/container.h"
#include "util/json.h"
#include "util/str.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

json_t *build_cconf(struct sctx *s)
{
	json_t *cfg = s->st->cfg, *cc = json_object_get(cfg, "config");

	if (!json_is_object(cc)) {
		cc = json_object();
		json_object_set_new(cfg, "config", cc);
	}
	return cc;
}

char *build_created_by(const struct df_instr *in)
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
	char *by = build_created_by(s->in);
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

json_t *build_strv_json(char *const *v)
{
	json_t *a = json_array();

	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

char *build_json_text(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	return s ? s : xstrdup("null");
}

/* ["/bin/sh", "-c"] or the stage's SHELL. */
json_t *build_shell(struct sctx *s)
{
	json_t *sh = json_object_get(build_cconf(s), "Shell");

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
		return build_strv_json(json);
	a = build_shell(s);
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
		env_set(build_cconf(s), kv.k[i], kv.v[i]);
		json_array_append_new(repr, json_pack("[ss]", kv.k[i], kv.v[i]));
	}
	r = build_json_text(repr);
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
	labels = json_object_get(build_cconf(s), "Labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(build_cconf(s), "Labels", labels);
	}
	for (size_t i = 0; i < kv.n; i++) {
		json_object_set_new(labels, kv.k[i], json_string(kv.v[i]));
		json_array_append_new(repr, json_pack("[ss]", kv.k[i], kv.v[i]));
	}
	r = build_json_text(repr);
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

	jset_str(build_cconf(s), field, value);
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
	char *t = build_json_text(a), *repr = xmalloc(strlen(t) + strlen(field) + 4);
	int rc;

	sprintf(repr, "%s %s", field, t);
	json_object_set_new(build_cconf(s), field, a);
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
		json_object_del(build_cconf(s), "Cmd");
	return set_array(s, "Entrypoint", command_of(s, s->in->json, s->in->rest), err);
}

static int do_shell(struct sctx *s, struct tug_err *err)
{
	if (!s->in->json || !s->in->json[0])
		return tug_errf(err, TUG_E_INVALID, "SHELL requires a non-empty JSON array");
	return set_array(s, "Shell", build_strv_json(s->in->json), err);
}

static int do_onbuild(struct sctx *s, struct tug_err *err)
{
	json_t *ob = json_object_get(build_cconf(s), "OnBuild");

	ob = json_is_array(ob) ? json_deep_copy(ob) : json_array();
	json_array_append_new(ob, json_string(s->in->rest));
	return set_array(s, "OnBuild", ob, err);
}

int build_words(struct sctx *s, char ***out, struct tug_err *err)
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
	json_t *vols = json_object_get(build_cconf(s), "Volumes");
	char **w;

	if (build_words(s, &w, err) < 0)
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
	json_t *ports = json_object_get(build_cconf(s), "ExposedPorts");
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
			test = build_strv_json(json);
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

static const struct {
	const char *cmd;
	int (*fn)(struct sctx *s, struct tug_err *err);
} steps[] = {
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
};

int build_config_step(struct sctx *s, struct tug_err *err)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (!strcmp(steps[i].cmd, s->in->cmd))
			return steps[i].fn(s, err);
	return tug_errf(err, TUG_E_INVALID, "unknown instruction: %s", s->in->keyword);
}
