/* kubeconfig.c - kubeconfig files merged like kubectl's clientcmd loader,
 * the context's cluster and user resolved, validated and read into
 * memory; or the in-cluster service account. */
#include "kube/kubeconfig.h"
#include "util/fs.h"
#include "util/str.h"
#include "util/yaml.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* The merged view: name -> {"v": inner object, "file": path} per section. */
struct merged {
	json_t *clusters, *users, *contexts;
	char *current, *current_file;
	struct strvec {
		char **v;
		size_t n;
	} files;                 /* files that were loaded, in order */
	char *explicit_path;
};

static void merged_release(struct merged *m)
{
	json_decref(m->clusters);
	json_decref(m->users);
	json_decref(m->contexts);
	free(m->current);
	free(m->current_file);
	for (size_t i = 0; i < m->files.n; i++)
		free(m->files.v[i]);
	free(m->files.v);
	free(m->explicit_path);
	memset(m, 0, sizeof(*m));
}

static const char *type_name(json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "a mapping";
	case JSON_ARRAY: return "a list";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* Merge one section ("clusters") of a file: first definition wins. */
static int merge_section(json_t *doc, const char *sect, const char *inner, const char *file,
			 json_t *into, struct tug_err *err)
{
	json_t *list = json_object_get(doc, sect), *e;
	size_t i;

	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return tug_errf(err, TUG_E_INVALID, "kubeconfig %s: %s: expected a list, found %s",
				file, sect, type_name(list));
	json_array_foreach(list, i, e) {
		json_t *name, *v;
		if (!json_is_object(e))
			return tug_errf(err, TUG_E_INVALID, "kubeconfig %s: %s[%zu]: expected a mapping, found %s",
					file, sect, i, type_name(e));
		name = json_object_get(e, "name");
		if (!json_is_string(name) || !json_string_length(name))
			return tug_errf(err, TUG_E_INVALID, "kubeconfig %s: %s[%zu]: missing name",
					file, sect, i);
		v = json_object_get(e, inner);
		if (v && !json_is_object(v) && !json_is_null(v))
			return tug_errf(err, TUG_E_INVALID, "kubeconfig %s: %s[\"%s\"].%s: expected a mapping, found %s",
					file, sect, json_string_value(name), inner, type_name(v));
		if (json_object_get(into, json_string_value(name)))
			continue;
		json_object_set_new(into, json_string_value(name),
				    json_pack("{s:O,s:s}", "v", json_is_object(v) ? v : json_object(),
					      "file", file));
	}
	return 0;
}

static int merge_file(struct merged *m, const char *path, struct tug_err *err)
{
	char *buf;
	size_t len;
	json_t *doc, *cur;
	int r;

	if (fs_read_all(path, &buf, &len, err) < 0)
		return tug_err_wrap(err, "kubeconfig");
	doc = yaml_load(buf, len, path, err);
	free(buf);
	if (!doc)
		return tug_err_wrap(err, "kubeconfig");
	if (!json_is_object(doc)) {
		json_decref(doc);
		return tug_errf(err, TUG_E_INVALID, "kubeconfig %s: expected a mapping at the top", path);
	}
	r = merge_section(doc, "clusters", "cluster", path, m->clusters, err);
	if (!r)
		r = merge_section(doc, "users", "user", path, m->users, err);
	if (!r)
		r = merge_section(doc, "contexts", "context", path, m->contexts, err);
	cur = json_object_get(doc, "current-context");
	if (!r && cur && !json_is_null(cur) && !json_is_string(cur))
		r = tug_errf(err, TUG_E_INVALID, "kubeconfig %s: current-context: expected a string, found %s",
			     path, type_name(cur));
	if (!r && !m->current && json_string_length(cur)) {
		m->current = xstrdup(json_string_value(cur));
		m->current_file = xstrdup(path);
	}
	json_decref(doc);
	if (!r) {
		m->files.v = xrealloc(m->files.v, (m->files.n + 1) * sizeof(char *));
		m->files.v[m->files.n++] = xstrdup(path);
	}
	return r;
}

static int merged_load(const char *path, struct merged *m, struct tug_err *err)
{
	const char *env = getenv("KUBECONFIG");

	memset(m, 0, sizeof(*m));
	m->clusters = json_object();
	m->users = json_object();
	m->contexts = json_object();
	if (path && *path) {
		m->explicit_path = xstrdup(path);
		if (access(path, F_OK) < 0)
			return tug_errno(err, "kubeconfig %s", path);
		return merge_file(m, path, err);
	}
	if (env && *env) {
		char *list = xstrdup(env), *save = NULL;
		int r = 0;
		for (char *f = strtok_r(list, ":", &save); f && !r; f = strtok_r(NULL, ":", &save)) {
			int dup = 0;
			for (size_t i = 0; i < m->files.n; i++)
				dup |= !strcmp(m->files.v[i], f);
			if (dup || access(f, F_OK) < 0)
				continue;
			r = merge_file(m, f, err);
		}
		free(list);
		return r;
	}
	{
		const char *home = getenv("HOME");
		char def[PATH_MAX];
		if (!home || !*home)
			return 0;
		snprintf(def, sizeof(def), "%s/.kube/config", home);
		if (access(def, F_OK) < 0)
			return 0;
		return merge_file(m, def, err);
	}
}

static char *sources(const struct merged *m)
{
	struct sbuf b = SBUF_INIT;

	for (size_t i = 0; i < m->files.n; i++)
		sbuf_printf(&b, "%s%s", i ? ":" : "", m->files.v[i]);
	return b.len ? sbuf_detach(&b) : xstrdup("(none)");
}

/* ---- typed field access with messages naming file and field ---- */

struct where {
	const char *file;
	const char *sect;    /* "users" */
	const char *name;    /* "alice" */
	struct tug_err *err;
};

static int bad_field(const struct where *w, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad_field(const struct where *w, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tug_errf(w->err, TUG_E_INVALID, "kubeconfig %s: %s[\"%s\"].%s: %s", w->file,
			w->sect, w->name, field, msg);
}

/* 0 absent, 1 present (*out set), -1 wrong type. */
static int field_str(const struct where *w, json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad_field(w, key, "expected a string, found %s", type_name(v));
	*out = json_string_value(v);
	return **out ? 1 : 0;
}

static int field_bool(const struct where *w, json_t *o, const char *key, int *out)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad_field(w, key, "expected true or false, found %s", type_name(v));
	*out = json_is_true(v);
	return 1;
}

static char *resolve_path(const char *file, const char *p)
{
	char dir[PATH_MAX], out[PATH_MAX];
	const char *slash;

	if (p[0] == '/' || !file)
		return xstrdup(p);
	slash = strrchr(file, '/');
	if (!slash)
		return xstrdup(p);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
	return xstrdup(fs_join(out, sizeof(out), dir[0] ? dir : "/", p));
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+' || c == '-') return 62;
	if (c == '/' || c == '_') return 63;
	return -1;
}

int kube_base64_decode(const char *in, struct kube_blob *out)
{
	size_t n = strlen(in);
	char *o = xmalloc(n / 4 * 3 + 4);
	size_t len = 0;
	unsigned acc = 0;
	int bits = 0, pad = 0;

	for (const char *p = in; *p; p++) {
		int v;
		if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
			continue;
		if (*p == '=') {
			pad++;
			continue;
		}
		v = b64val((unsigned char)*p);
		if (v < 0 || pad) {
			free(o);
			return -1;
		}
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[len++] = (char)(acc >> bits & 0xFF);
		}
	}
	if (pad > 2 || bits >= 6) {
		free(o);
		return -1;
	}
	o[len] = '\0';
	out->data = o;
	out->len = len;
	return 0;
}

/* A PEM blob from either FIELD (a path) or FIELD-data (base64). */
static int pem_field(const struct where *w, json_t *o, const char *field, const char *what,
		     struct kube_blob *out)
{
	char datakey[96];
	const char *path, *data;
	int hp, hd;

	snprintf(datakey, sizeof(datakey), "%s-data", field);
	if ((hp = field_str(w, o, field, &path)) < 0 || (hd = field_str(w, o, datakey, &data)) < 0)
		return -1;
	if (hp && hd && strcmp(field, "certificate-authority"))
		return bad_field(w, field, "both %s and %s are set; keep only one", field, datakey);
	if (hd) {
		if (kube_base64_decode(data, out) < 0)
			return bad_field(w, datakey, "not valid base64");
	} else if (hp) {
		char *full = resolve_path(w->file, path);
		if (fs_read_all(full, &out->data, &out->len, w->err) < 0) {
			free(full);
			return tug_err_wrap(w->err, "kubeconfig %s: %s[\"%s\"].%s", w->file, w->sect,
					    w->name, field);
		}
		free(full);
	} else {
		return 0;
	}
	if (!memmem(out->data, out->len, "-----BEGIN", 10)) {
		free(out->data);
		out->data = NULL;
		out->len = 0;
		return bad_field(w, hd ? datakey : field, "does not hold a PEM %s", what);
	}
	return 1;
}

static int load_cluster(const struct merged *m, const char *name, struct kube_config *c,
			struct tug_err *err)
{
	json_t *e = json_object_get(m->clusters, name), *o;
	struct where w = { NULL, "clusters", name, err };
	const char *s;
	int r;

	if (!e)
		return tug_errf(err, TUG_E_INVALID,
				"kubeconfig %s: context \"%s\" names cluster \"%s\", which is not defined",
				c->source, c->context, name);
	w.file = json_string_value(json_object_get(e, "file"));
	o = json_object_get(e, "v");
	if ((r = field_str(&w, o, "server", &s)) < 0)
		return -1;
	if (!r)
		return bad_field(&w, "server", "missing: the cluster needs the API server's URL");
	if (strstr(s, "://")) {
		c->server = xstrdup(s);
	} else {
		struct sbuf b = SBUF_INIT;
		sbuf_printf(&b, "https://%s", s);
		c->server = sbuf_detach(&b);
	}
	while (strlen(c->server) > 8 && c->server[strlen(c->server) - 1] == '/')
		c->server[strlen(c->server) - 1] = '\0';
	if (strncmp(c->server, "https://", 8) && strncmp(c->server, "http://", 7))
		return bad_field(&w, "server", "\"%s\" is not an http(s) URL", s);
	if (field_bool(&w, o, "insecure-skip-tls-verify", &c->insecure) < 0)
		return -1;
	if ((r = pem_field(&w, o, "certificate-authority", "certificate", &c->ca)) < 0)
		return -1;
	if (r && c->insecure)
		return bad_field(&w, "insecure-skip-tls-verify",
				 "set together with a certificate authority; kubectl refuses that too, keep one");
	if ((r = field_str(&w, o, "tls-server-name", &s)) < 0)
		return -1;
	if (r)
		c->tls_server_name = xstrdup(s);
	if ((r = field_str(&w, o, "proxy-url", &s)) < 0)
		return -1;
	if (r) {
		if (strncmp(s, "http://", 7) && strncmp(s, "https://", 8) && strncmp(s, "socks5://", 9))
			return bad_field(&w, "proxy-url", "\"%s\": only http, https and socks5 proxies work", s);
		c->proxy_url = xstrdup(s);
	}
	return 0;
}

static char **str_list(const struct where *w, json_t *o, const char *key, int *bad)
{
	json_t *v = json_object_get(o, key), *e;
	char **out;
	size_t i;

	*bad = 0;
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_array(v)) {
		bad_field(w, key, "expected a list, found %s", type_name(v));
		*bad = 1;
		return NULL;
	}
	out = xcalloc(json_array_size(v) + 1, sizeof(char *));
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			char f[64];
			snprintf(f, sizeof(f), "%s[%zu]", key, i);
			bad_field(w, f, "expected a string, found %s", type_name(e));
			for (size_t k = 0; k < i; k++)
				free(out[k]);
			free(out);
			*bad = 1;
			return NULL;
		}
		out[i] = xstrdup(json_string_value(e));
	}
	return out;
}

static void exec_free(struct kube_exec_cfg *x)
{
	if (!x)
		return;
	free(x->api_version);
	free(x->command);
	for (char **p = x->args; p && *p; p++)
		free(*p);
	free(x->args);
	for (char **p = x->env; p && *p; p++)
		free(*p);
	free(x->env);
	free(x->install_hint);
	free(x->interactive_mode);
	free(x);
}

static int load_exec(const struct where *w, json_t *ex, struct kube_config *c)
{
	struct kube_exec_cfg *x = xcalloc(1, sizeof(*x));
	const char *s;
	json_t *env, *e;
	int r, bad;
	size_t i;

	c->exec = x;
	if (!json_is_object(ex))
		return bad_field(w, "exec", "expected a mapping, found %s", type_name(ex));
	if ((r = field_str(w, ex, "apiVersion", &s)) < 0)
		return -1;
	if (!r)
		return bad_field(w, "exec.apiVersion", "missing (client.authentication.k8s.io/v1 or v1beta1)");
	if (strcmp(s, "client.authentication.k8s.io/v1") && strcmp(s, "client.authentication.k8s.io/v1beta1"))
		return bad_field(w, "exec.apiVersion", "\"%s\" is not supported; use client.authentication.k8s.io/v1 or v1beta1", s);
	x->api_version = xstrdup(s);
	if ((r = field_str(w, ex, "command", &s)) < 0)
		return -1;
	if (!r)
		return bad_field(w, "exec.command", "missing");
	/* a command with a slash is a path, relative to the kubeconfig */
	x->command = strchr(s, '/') ? resolve_path(w->file, s) : xstrdup(s);
	x->args = str_list(w, ex, "args", &bad);
	if (bad)
		return -1;
	env = json_object_get(ex, "env");
	if (env && !json_is_null(env) && !json_is_array(env))
		return bad_field(w, "exec.env", "expected a list, found %s", type_name(env));
	x->env = xcalloc(json_array_size(env) + 1, sizeof(char *));
	json_array_foreach(env, i, e) {
		const char *n = json_string_value(json_object_get(e, "name"));
		const char *v = json_string_value(json_object_get(e, "value"));
		struct sbuf b = SBUF_INIT;
		if (!n || !*n) {
			char f[64];
			snprintf(f, sizeof(f), "exec.env[%zu].name", i);
			return bad_field(w, f, "missing");
		}
		sbuf_printf(&b, "%s=%s", n, v ? v : "");
		x->env[i] = sbuf_detach(&b);
	}
	if (field_str(w, ex, "installHint", &s) > 0)
		x->install_hint = xstrdup(s);
	if ((r = field_str(w, ex, "interactiveMode", &s)) < 0)
		return -1;
	x->interactive_mode = xstrdup(r ? s : "IfAvailable");
	if (field_bool(w, ex, "provideClusterInfo", &x->provide_cluster_info) < 0)
		return -1;
	return 0;
}

static int load_user(const struct merged *m, const char *name, struct kube_config *c,
		     struct tug_err *err)
{
	json_t *e = json_object_get(m->users, name), *o;
	struct where w = { NULL, "users", name, err };
	const char *s;
	int r, methods = 0, bad;
	char found[128] = "";

	if (!e)
		return tug_errf(err, TUG_E_INVALID,
				"kubeconfig %s: context \"%s\" names user \"%s\", which is not defined",
				c->source, c->context, name);
	w.file = json_string_value(json_object_get(e, "file"));
	o = json_object_get(e, "v");
	if (json_object_get(o, "auth-provider") && !json_is_null(json_object_get(o, "auth-provider")))
		return bad_field(&w, "auth-provider",
				 "legacy auth providers are not supported; use an exec credential plugin");
	if ((r = pem_field(&w, o, "client-certificate", "certificate", &c->client_cert)) < 0)
		return -1;
	if ((r = pem_field(&w, o, "client-key", "private key", &c->client_key)) < 0)
		return -1;
	if (c->client_cert.len && !c->client_key.len)
		return bad_field(&w, "client-key", "missing: client-certificate needs its key");
	if (!c->client_cert.len && c->client_key.len)
		return bad_field(&w, "client-certificate", "missing: client-key needs its certificate");
	if ((r = field_str(&w, o, "token", &s)) < 0)
		return -1;
	if (r)
		c->token = xstrdup(s);
	if ((r = field_str(&w, o, "tokenFile", &s)) < 0)
		return -1;
	if (r)
		c->token_file = resolve_path(w.file, s);
	if (c->token || c->token_file) {
		methods++;
		strcat(found, "token");
	}
	if ((r = field_str(&w, o, "username", &s)) < 0)
		return -1;
	if (r)
		c->username = xstrdup(s);
	if ((r = field_str(&w, o, "password", &s)) < 0)
		return -1;
	if (r)
		c->password = xstrdup(s);
	if (c->username || c->password) {
		strcat(found, methods++ ? ", basic auth" : "basic auth");
	}
	if (json_object_get(o, "exec") && !json_is_null(json_object_get(o, "exec"))) {
		if (load_exec(&w, json_object_get(o, "exec"), c) < 0)
			return -1;
		strcat(found, methods++ ? ", exec plugin" : "exec plugin");
	}
	if (methods > 1)
		return tug_errf(err, TUG_E_INVALID,
				"kubeconfig %s: users[\"%s\"]: more than one authentication method (%s); keep one",
				w.file, name, found);
	if ((r = field_str(&w, o, "as", &s)) < 0)
		return -1;
	if (r)
		c->impersonate = xstrdup(s);
	c->impersonate_groups = str_list(&w, o, "as-groups", &bad);
	return bad ? -1 : 0;
}

static int read_trimmed(const char *path, char **out, struct tug_err *err)
{
	size_t len;

	if (fs_read_all(path, out, &len, err) < 0)
		return -1;
	while (len && ((*out)[len - 1] == '\n' || (*out)[len - 1] == ' ' || (*out)[len - 1] == '\r'))
		(*out)[--len] = '\0';
	return 0;
}

static int load_in_cluster(struct kube_config *c, struct tug_err *err)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	const char *dir = getenv("TUG_KUBE_SA_DIR");
	char path[PATH_MAX];
	struct sbuf b = SBUF_INIT;

	if (!dir || !*dir)
		dir = SA_DIR;
	c->in_cluster = 1;
	c->context = xstrdup("in-cluster");
	c->cluster_name = xstrdup("in-cluster");
	c->user_name = xstrdup("service-account");
	c->source = xstrdup(dir);
	sbuf_printf(&b, strchr(host, ':') ? "https://[%s]:%s" : "https://%s:%s", host, port);
	c->server = sbuf_detach(&b);
	c->token_file = xstrdup(fs_join(path, sizeof(path), dir, "token"));
	if (access(c->token_file, R_OK) < 0)
		return tug_errno(err, "in-cluster config: service-account token %s", c->token_file);
	if (fs_read_all(fs_join(path, sizeof(path), dir, "ca.crt"), &c->ca.data, &c->ca.len, err) < 0)
		return tug_err_wrap(err, "in-cluster config");
	if (read_trimmed(fs_join(path, sizeof(path), dir, "namespace"), &c->namespace, err) < 0 ||
	    !c->namespace[0]) {
		free(c->namespace);
		c->namespace = xstrdup("default");
	}
	return 0;
}

static char *context_names(const struct merged *m)
{
	struct sbuf b = SBUF_INIT;
	const char *k;
	json_t *v;

	json_object_foreach(m->contexts, k, v)
		sbuf_printf(&b, "%s%s", b.len ? ", " : "", k);
	return b.len ? sbuf_detach(&b) : xstrdup("none");
}

int kubeconfig_load(const char *path, const char *context, struct kube_config *c,
		    struct tug_err *err)
{
	struct merged m;
	json_t *e, *o;
	struct where w = { NULL, "contexts", NULL, err };
	const char *s;
	int r;

	memset(c, 0, sizeof(*c));
	if (merged_load(path, &m, err) < 0) {
		merged_release(&m);
		return -1;
	}
	if (!m.files.n) {
		const char *host = getenv("KUBERNETES_SERVICE_HOST");
		const char *port = getenv("KUBERNETES_SERVICE_PORT");
		merged_release(&m);
		if (host && *host && port && *port && !context)
			return load_in_cluster(c, err);
		return tug_errf(err, TUG_E_NOTFOUND,
				"no kubeconfig found: pass --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config");
	}
	c->source = sources(&m);
	c->kubeconfig_arg = m.explicit_path ? xstrdup(m.explicit_path) : NULL;
	if (!context || !*context) {
		if (!m.current) {
			char *names = context_names(&m);
			tug_errf(err, TUG_E_INVALID,
				 "kubeconfig %s has no current-context; pass --context NAME (contexts: %s)",
				 c->source, names);
			free(names);
			goto fail;
		}
		context = m.current;
	}
	c->context = xstrdup(context);
	e = json_object_get(m.contexts, context);
	if (!e) {
		char *names = context_names(&m);
		tug_errf(err, TUG_E_NOTFOUND, "context \"%s\" not found in kubeconfig %s (contexts: %s)",
			 context, c->source, names);
		free(names);
		goto fail;
	}
	w.file = json_string_value(json_object_get(e, "file"));
	w.name = context;
	o = json_object_get(e, "v");
	if ((r = field_str(&w, o, "cluster", &s)) < 0)
		goto fail;
	if (!r) {
		bad_field(&w, "cluster", "missing: the context must name a cluster");
		goto fail;
	}
	c->cluster_name = xstrdup(s);
	if ((r = field_str(&w, o, "user", &s)) < 0)
		goto fail;
	c->user_name = xstrdup(r ? s : "");
	if ((r = field_str(&w, o, "namespace", &s)) < 0)
		goto fail;
	c->namespace = xstrdup(r ? s : "default");
	if (load_cluster(&m, c->cluster_name, c, err) < 0)
		goto fail;
	if (c->user_name[0] && load_user(&m, c->user_name, c, err) < 0)
		goto fail;
	merged_release(&m);
	return 0;
fail:
	merged_release(&m);
	kubeconfig_release(c);
	return -1;
}

static void secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void blob_free(struct kube_blob *b)
{
	if (b->data) {
		explicit_bzero(b->data, b->len);
		free(b->data);
	}
	b->data = NULL;
	b->len = 0;
}

void kubeconfig_release(struct kube_config *c)
{
	free(c->context);
	free(c->cluster_name);
	free(c->user_name);
	free(c->namespace);
	free(c->source);
	free(c->kubeconfig_arg);
	free(c->server);
	blob_free(&c->ca);
	free(c->tls_server_name);
	free(c->proxy_url);
	blob_free(&c->client_cert);
	blob_free(&c->client_key);
	secret_free(c->token);
	free(c->token_file);
	free(c->username);
	secret_free(c->password);
	exec_free(c->exec);
	free(c->impersonate);
	for (char **p = c->impersonate_groups; p && *p; p++)
		free(*p);
	free(c->impersonate_groups);
	memset(c, 0, sizeof(*c));
}

static int ctx_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kube_context *)a)->name, ((const struct kube_context *)b)->name);
}

int kubeconfig_contexts(const char *path, struct kube_context **out, size_t *n,
			struct tug_err *err)
{
	struct merged m;
	const char *k;
	json_t *v;
	size_t i = 0;

	*out = NULL;
	*n = 0;
	if (merged_load(path, &m, err) < 0) {
		merged_release(&m);
		return -1;
	}
	*out = xcalloc(json_object_size(m.contexts) + 1, sizeof(**out));
	json_object_foreach(m.contexts, k, v) {
		json_t *o = json_object_get(v, "v");
		const char *cl = json_string_value(json_object_get(o, "cluster"));
		const char *us = json_string_value(json_object_get(o, "user"));
		const char *ns = json_string_value(json_object_get(o, "namespace"));
		(*out)[i].name = xstrdup(k);
		(*out)[i].cluster = xstrdup(cl ? cl : "");
		(*out)[i].user = xstrdup(us ? us : "");
		(*out)[i].namespace = xstrdup(ns ? ns : "");
		(*out)[i].current = m.current && !strcmp(m.current, k);
		i++;
	}
	*n = i;
	if (i)
		qsort(*out, i, sizeof(**out), ctx_cmp);
	merged_release(&m);
	return 0;
}

void kubeconfig_contexts_free(struct kube_context *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].name);
		free(c[i].cluster);
		free(c[i].user);
		free(c[i].namespace);
	}
	free(c);
}
