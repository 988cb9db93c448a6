/* registry-auth.c - how a registry wants to be authenticated
 * (WWW-Authenticate challenges, RFC 7235 and the distribution token
 * spec) and the credentials tug keeps for it, in docker's config.json
 * so that `docker login` and `tug login` share them. */
#include "runtime/registry.h"
#include "util/base64.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- challenges ---- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int is_tchar(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~/", c));
}

/* A token or quoted-string value into out (truncated to size). */
static const char *read_value(const char *p, char *out, size_t size)
{
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (n + 1 < size)
				out[n++] = *p;
		}
		if (*p == '"')
			p++;
	} else {
		for (; *p && *p != ',' && *p != ' ' && *p != '\t'; p++)
			if (n + 1 < size)
				out[n++] = *p;
	}
	out[n] = '\0';
	return p;
}

int reg_challenge_parse(const char *value, struct reg_challenge *out)
{
	struct reg_challenge cur, basic;
	const char *p = value;
	int have_cur = 0, have_basic = 0;

	memset(out, 0, sizeof(*out));
	memset(&basic, 0, sizeof(basic));
	memset(&cur, 0, sizeof(cur));
	while (p && *p) {
		char tok[64], val[1024];
		size_t n = 0;
		p = skip_ws(p);
		if (*p == ',') {
			p++;
			continue;
		}
		while (is_tchar(*p)) {
			if (n + 1 < sizeof(tok))
				tok[n++] = (char)tolower((unsigned char)*p);
			p++;
		}
		tok[n] = '\0';
		if (!n) {
			p++; /* junk: skip a character */
			continue;
		}
		p = skip_ws(p);
		if (*p == '=' && p[1] != '=') {
			p = read_value(skip_ws(p + 1), val, sizeof(val));
			if (!have_cur)
				continue;
			if (!strcmp(tok, "realm"))
				snprintf(cur.realm, sizeof(cur.realm), "%s", val);
			else if (!strcmp(tok, "service"))
				snprintf(cur.service, sizeof(cur.service), "%s", val);
			else if (!strcmp(tok, "scope"))
				snprintf(cur.scope, sizeof(cur.scope), "%s", val);
			else if (!strcmp(tok, "error"))
				snprintf(cur.error, sizeof(cur.error), "%s", val);
			continue;
		}
		while (*p == '=')
			p++; /* token68 padding */
		/* a new challenge begins: settle the previous one */
		if (have_cur && !strcmp(cur.scheme, "bearer")) {
			*out = cur;
			return 0;
		}
		if (have_cur && !strcmp(cur.scheme, "basic") && !have_basic) {
			basic = cur;
			have_basic = 1;
		}
		memset(&cur, 0, sizeof(cur));
		snprintf(cur.scheme, sizeof(cur.scheme), "%s", tok);
		have_cur = 1;
	}
	if (have_cur && !strcmp(cur.scheme, "bearer")) {
		if (!cur.realm[0])
			return -1;
		*out = cur;
		return 0;
	}
	if (have_cur && !strcmp(cur.scheme, "basic") && !have_basic) {
		basic = cur;
		have_basic = 1;
	}
	if (!have_basic)
		return -1;
	*out = basic;
	return 0;
}

/* ---- docker's config.json ---- */

char *reg_config_path(char *buf, size_t size)
{
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");

	if (dir && *dir)
		snprintf(buf, size, "%s/config.json", dir);
	else
		snprintf(buf, size, "%s/.docker/config.json", home && *home ? home : "/root");
	return buf;
}

const char *reg_auth_key(const char *domain)
{
	return strcmp(domain, "docker.io") ? domain : "https://index.docker.io/v1/";
}

/* "https://host:port/v1/" -> "host:port" */
static void key_domain(const char *key, char *out, size_t size)
{
	const char *p = key, *slash;

	if (str_has_prefix(p, "https://"))
		p += 8;
	else if (str_has_prefix(p, "http://"))
		p += 7;
	slash = strchr(p, '/');
	snprintf(out, size, "%.*s", (int)(slash ? (size_t)(slash - p) : strlen(p)), p);
}

static int key_matches(const char *key, const char *domain)
{
	char d[512];

	key_domain(key, d, sizeof(d));
	if (!strcmp(domain, "docker.io"))
		return !strcmp(d, "docker.io") || !strcmp(d, "index.docker.io") ||
		       !strcmp(d, "registry-1.docker.io");
	return !strcmp(d, domain);
}

static json_t *config_load(const char *path, struct tug_err *err)
{
	json_t *cfg = json_load_path(path, err);

	if (!cfg && err->code == TUG_E_NOTFOUND) {
		tug_err_clear(err);
		return json_object();
	}
	if (cfg && !json_is_object(cfg)) {
		json_decref(cfg);
		tug_errf(err, TUG_E_INVALID, "%s: not a JSON object", path);
		return NULL;
	}
	if (!cfg)
		tug_err_wrap(err, "registry credentials");
	return cfg;
}

static int entry_creds(json_t *e, char **user, char **pass)
{
	const char *auth = jstr(e, "auth");
	size_t len;
	char *dec, *colon;

	if (jstr(e, "username") && jstr(e, "password")) {
		*user = xstrdup(jstr(e, "username"));
		*pass = xstrdup(jstr(e, "password"));
		return 0;
	}
	if (!auth || !*auth || !(dec = base64_decode(auth, &len)))
		return -1;
	colon = memchr(dec, ':', len);
	if (!colon) {
		free(dec);
		return -1;
	}
	*colon = '\0';
	*user = xstrdup(dec);
	*pass = xstrdup(colon + 1);
	free(dec);
	return 0;
}

int reg_creds_get(const char *domain, char **user, char **pass, struct tug_err *err)
{
	char path[4096];
	const char *key;
	json_t *cfg, *auths, *e;
	int rc = 1;

	*user = *pass = NULL;
	cfg = config_load(reg_config_path(path, sizeof(path)), err);
	if (!cfg)
		return -1;
	auths = json_object_get(cfg, "auths");
	/* the exact key first, then docker's other spellings */
	e = json_object_get(auths, reg_auth_key(domain));
	if (e && entry_creds(e, user, pass) == 0)
		rc = 0;
	json_object_foreach(auths, key, e) {
		if (rc == 0)
			break;
		if (key_matches(key, domain) && entry_creds(e, user, pass) == 0)
			rc = 0;
	}
	json_decref(cfg);
	return rc;
}

static int config_save(const char *path, json_t *cfg, struct tug_err *err)
{
	char dir[4096], *slash, *s;
	int r;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (fs_mkdir_p(dir, 0700, err) < 0)
			return -1;
	}
	s = json_dumps(cfg, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!s)
		return tug_errf(err, TUG_E_GENERIC, "%s: cannot encode JSON", path);
	/* credentials: readable by their owner only */
	r = fs_write_atomic(path, s, strlen(s), 0600, err);
	free(s);
	return r;
}

/* Remove every entry of auths that names domain; the number removed. */
static int drop_entries(json_t *auths, const char *domain)
{
	const char *key;
	json_t *e;
	void *tmp;
	int n = 0;

	json_object_foreach_safe(auths, tmp, key, e) {
		if (key_matches(key, domain)) {
			json_object_del(auths, key);
			n++;
		}
	}
	return n;
}

int reg_creds_store(const char *domain, const char *user, const char *pass, struct tug_err *err)
{
	char path[4096], *pair, *b64;
	json_t *cfg, *auths, *e;
	int r;

	cfg = config_load(reg_config_path(path, sizeof(path)), err);
	if (!cfg)
		return -1;
	auths = json_object_get(cfg, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(cfg, "auths", auths);
	}
	drop_entries(auths, domain);
	pair = xmalloc(strlen(user) + strlen(pass) + 2);
	sprintf(pair, "%s:%s", user, pass);
	b64 = base64_encode(pair, strlen(pair));
	memset(pair, 0, strlen(pair));
	free(pair);
	e = json_object();
	jset_str(e, "auth", b64);
	free(b64);
	json_object_set_new(auths, reg_auth_key(domain), e);
	r = config_save(path, cfg, err);
	json_decref(cfg);
	return r;
}

int reg_creds_erase(const char *domain, struct tug_err *err)
{
	char path[4096];
	json_t *cfg;
	int r = 1;

	cfg = config_load(reg_config_path(path, sizeof(path)), err);
	if (!cfg)
		return -1;
	if (drop_entries(json_object_get(cfg, "auths"), domain) > 0)
		r = config_save(path, cfg, err) < 0 ? -1 : 0;
	json_decref(cfg);
	return r;
}

/* ---- bearer tokens (distribution's token authentication) ---- */

static void add_param(struct sbuf *u, const char *name, const char *value)
{
	char *esc = curl_easy_escape(NULL, value, 0);

	sbuf_printf(u, "%c%s=%s", strchr(u->s, '?') ? '&' : '?', name, esc ? esc : "");
	curl_free(esc);
}

int reg_token_fetch(struct reg_client *c, const struct reg_challenge *ch, char *const *scopes,
		    size_t nscopes, const char *user, const char *pass, char **token,
		    struct tug_err *err)
{
	struct reg_resp resp = { 0 };
	struct sbuf url = SBUF_INIT;
	char *basic = NULL;
	const char *t;
	json_t *j = NULL;
	int rc = -1;

	if (!str_has_prefix(ch->realm, "https://") && !str_has_prefix(ch->realm, "http://"))
		return tug_errf(err, TUG_E_GENERIC, "the registry's token realm \"%s\" is not an http(s) URL",
				ch->realm);
	sbuf_puts(&url, ch->realm);
	if (ch->service[0])
		add_param(&url, "service", ch->service);
	for (size_t i = 0; i < nscopes; i++)
		add_param(&url, "scope", scopes[i]);
	if (user) {
		char *pair = xmalloc(strlen(user) + strlen(pass) + 2), *b64;
		add_param(&url, "account", user);
		sprintf(pair, "%s:%s", user, pass);
		b64 = base64_encode(pair, strlen(pair));
		free(pair);
		basic = xmalloc(strlen(b64) + 8);
		sprintf(basic, "Basic %s", b64);
		free(b64);
	}
	if (reg_get_foreign(c, url.s, basic, &resp, err) < 0) {
		tug_err_wrap(err, "token");
		goto out;
	}
	if (resp.status == 401 || resp.status == 403) {
		tug_errf(err, TUG_E_PERM, "%s", user ? "unauthorized: incorrect username or password" :
			 "unauthorized: authentication required (run 'tug login')");
		goto out;
	}
	if (resp.status != 200) {
		tug_errf(err, TUG_E_GENERIC, "token server %s answered HTTP %ld", ch->realm, resp.status);
		goto out;
	}
	j = json_loadb(resp.body.s ? resp.body.s : "", resp.body.len, 0, NULL);
	t = jstr(j, "token");
	if (!t || !*t)
		t = jstr(j, "access_token");
	if (!t || !*t) {
		tug_errf(err, TUG_E_GENERIC, "token server %s sent no token", ch->realm);
		goto out;
	}
	*token = xstrdup(t);
	rc = 0;
out:
	json_decref(j);
	reg_resp_release(&resp);
	sbuf_release(&url);
	if (basic) {
		memset(basic, 0, strlen(basic));
		free(basic);
	}
	return rc;
}
