/* build-args.c - the variables of a build: --build-arg values, ARG
 * declarations before the first FROM (for FROM lines) and in a stage
 * (defaults, inheritance of a global ARG, the automatic platform ARGs),
 * docker's predefined proxy ARGs, the lookup substitution uses (ENV
 * first, then ARG), and the warning about build args nothing used. */
#include "runtime/build.h"
#include "runtime/image-store.h"
#include "util/json.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ARGs every build has, without a declaration (docker's predefined ones). */
const char *const build_proxy_args[] = {
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
	"NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", NULL,
};

static struct bvar *var_find(struct bvars *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i].name, name))
			return &v->v[i];
	return NULL;
}

static void var_set(struct bvars *v, const char *name, const char *value)
{
	struct bvar *x = var_find(v, name);

	if (!x) {
		v->v = xrealloc(v->v, (v->n + 1) * sizeof(*v->v));
		x = &v->v[v->n++];
		x->name = xstrdup(name);
	} else {
		free(x->value);
	}
	x->value = value ? xstrdup(value) : NULL;
}

void bvars_release(struct bvars *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].name);
		free(v->v[i].value);
	}
	free(v->v);
	memset(v, 0, sizeof(*v));
}

const char *build_arg(struct build *b, const char *name)
{
	struct bvar *x = var_find(&b->bargs, name);
	return x ? x->value : NULL;
}

void build_use_arg(struct build *b, const char *name)
{
	for (size_t i = 0; i < b->nused; i++)
		if (!strcmp(b->used[i], name))
			return;
	b->used = xrealloc(b->used, (b->nused + 1) * sizeof(char *));
	b->used[b->nused++] = xstrdup(name);
}

static int is_proxy_arg(const char *name)
{
	for (const char *const *p = build_proxy_args; *p; p++)
		if (!strcmp(*p, name))
			return 1;
	return 0;
}

const char *build_env_get(json_t *cc, const char *name)
{
	size_t i, n = strlen(name);
	json_t *e;

	json_array_foreach(json_object_get(cc, "Env"), i, e) {
		const char *s = json_string_value(e);
		if (s && !strncmp(s, name, n) && s[n] == '=')
			return s + n + 1;
	}
	return NULL;
}

const char *build_lookup(void *ctx, const char *name)
{
	struct sctx *s = ctx;
	const char *v = build_env_get(json_object_get(s->st->cfg, "config"), name);
	struct bvar *a;

	if (v)
		return v;
	a = var_find(&s->args, name);
	return a ? a->value : NULL;
}

void build_bx(struct sctx *s, struct bx *x)
{
	x->escape = s->b->df.escape;
	x->lookup = build_lookup;
	x->ctx = s;
}

const char *build_meta_lookup(void *ctx, const char *name)
{
	struct bvar *a = var_find(&((struct build *)ctx)->meta, name);
	return a ? a->value : NULL;
}

void build_platform_args(struct bvars *v)
{
	const char *arch, *variant;
	char plat[64];

	img_host_platform(&arch, &variant);
	snprintf(plat, sizeof(plat), "linux/%s%s%s", arch, variant ? "/" : "", variant ? variant : "");
	for (int t = 0; t < 2; t++) {
		const char *p = t ? "TARGET" : "BUILD";
		char name[32];
		snprintf(name, sizeof(name), "%sPLATFORM", p);
		var_set(v, name, plat);
		snprintf(name, sizeof(name), "%sOS", p);
		var_set(v, name, "linux");
		snprintf(name, sizeof(name), "%sARCH", p);
		var_set(v, name, arch);
		snprintf(name, sizeof(name), "%sVARIANT", p);
		var_set(v, name, variant ? variant : "");
	}
}

/* ARG in a stage: the --build-arg value, else the default, else the
 * global ARG of that name, else a platform ARG. */
int build_declare_arg(struct build *b, struct bvars *into, const struct bx *x, const char *word,
		      int global, struct tug_err *err)
{
	char *w = NULL, *eq, *def = NULL;
	const char *given;
	int rc = 0;

	if (bx_word(x, word, &w, err) < 0)
		return -1;
	/* the default is expanded, the name is not */
	eq = strchr(word, '=');
	if (eq) {
		char *name = strndup(word, (size_t)(eq - word));
		free(w);
		w = name;
		if (bx_word(x, eq + 1, &def, err) < 0) {
			free(w);
			return -1;
		}
	}
	if (!*w) {
		free(w);
		free(def);
		return tug_errf(err, TUG_E_INVALID, "ARG names can not be blank");
	}
	given = build_arg(b, w);
	if (given) {
		build_use_arg(b, w);
		var_set(into, w, given);
	} else if (def) {
		var_set(into, w, def);
	} else {
		struct bvar *m = global ? NULL : var_find(&b->meta, w);
		var_set(into, w, m ? m->value : NULL);
		if (!m && !global) {
			struct bvars plat = { 0 };
			struct bvar *p;
			build_platform_args(&plat);
			p = var_find(&plat, w);
			if (p)
				var_set(into, w, p->value);
			bvars_release(&plat);
		}
	}
	free(w);
	free(def);
	return rc;
}

int build_declare_args(struct sctx *s, const char *rest, struct tug_err *err)
{
	char **words = df_split_raw(rest, s->b->df.escape);
	struct bx x;
	int rc = 0;

	build_bx(s, &x);
	for (char **w = words; *w && rc == 0; w++)
		rc = build_declare_arg(s->b, &s->args, &x, *w, 0, err);
	df_strv_free(words);
	return rc;
}

int build_parse_args(struct build *b, struct tug_err *err)
{
	for (char **a = b->o->build_args; a && *a; a++) {
		const char *eq = strchr(*a, '=');
		char *name = strndup(*a, eq ? (size_t)(eq - *a) : strlen(*a));
		const char *val = eq ? eq + 1 : getenv(name);
		if (!*name) {
			free(name);
			return tug_errf(err, TUG_E_INVALID, "--build-arg %s: the name is empty", *a);
		}
		if (val)
			var_set(&b->bargs, name, val);
		free(name);
	}
	return 0;
}

void build_warn_unused(struct build *b)
{
	struct sbuf s = SBUF_INIT;

	for (size_t i = 0; i < b->bargs.n; i++) {
		const char *n = b->bargs.v[i].name;
		int used = is_proxy_arg(n);
		for (size_t k = 0; k < b->nused && !used; k++)
			used = !strcmp(b->used[k], n);
		if (used)
			continue;
		sbuf_puts(&s, s.len ? " " : "");
		sbuf_puts(&s, n);
	}
	if (s.len)
		build_say(b, "[Warning] one or more build-args [%s] were not consumed", s.s);
	sbuf_release(&s);
}

