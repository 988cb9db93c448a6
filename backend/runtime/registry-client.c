/* registry-client.c - HTTP to a registry: the /v2/ probe that chooses
 * https (or http for an insecure registry), authentication as the
 * registry's challenge asks, one retry after a 401 (tokens expire and
 * are scoped), redirects followed by hand so that the registry's
 * Authorization never reaches another host (blob storage behind a
 * redirect gets a signed URL, not our token). */
#include "runtime/registry.h"
#include "util/base64.h"
#include "util/json.h"
#include "util/str.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_REDIRECTS 10
#define DEFAULT_MAX_BODY (64 << 10)

struct reg_client {
	char domain[256];
	char base[300];            /* "https://host[:port]" */
	const struct tug_registry_opts *o;
	int tls_noverify;
	char *user, *pass;         /* credentials, or NULL */
	char *authz;               /* "Bearer ..." / "Basic ...", or NULL */
	struct reg_challenge ch;
	int have_ch;
	struct strv_s {
		char **v;
		size_t n;
	} scopes;
	CURL *h;
	CURLcode last_rc;          /* of the last transport failure */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int reg_canceled(const struct reg_client *c)
{
	return c->o && c->o->cancel && *c->o->cancel;
}

void reg_event(const struct reg_client *c, const char *id, const char *what, int64_t done,
	       int64_t total)
{
	if (c->o && c->o->progress)
		c->o->progress(c->o->ctx, id, what, done, total);
}

void reg_msg(const struct reg_client *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	reg_event(c, NULL, line, -1, -1);
}

const char *reg_base(const struct reg_client *c)
{
	return c->base;
}

const char *reg_domain(const struct reg_client *c)
{
	return c->domain;
}

char *reg_url(const struct reg_client *c, const char *url)
{
	char *out;
	size_t n;

	if (str_has_prefix(url, "http://") || str_has_prefix(url, "https://"))
		return xstrdup(url);
	n = strlen(c->base) + strlen(url) + 2;
	out = xmalloc(n);
	snprintf(out, n, "%s%s%s", c->base, url[0] == '/' ? "" : "/", url);
	return out;
}

char *reg_resolve_url(const char *from, const char *location)
{
	CURLU *u = curl_url();
	char *s = NULL, *out = NULL;

	if (u && curl_url_set(u, CURLUPART_URL, from, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, location, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
		out = xstrdup(s);
		curl_free(s);
	}
	curl_url_cleanup(u);
	return out;
}

static int origin(const char *url, char *scheme, char *host, char *port)
{
	CURLU *u = curl_url();
	char *s = NULL, *h = NULL, *p = NULL;
	int ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK;

	if (ok) {
		snprintf(scheme, 16, "%s", s);
		snprintf(host, 256, "%s", h);
		snprintf(port, 16, "%s", p);
	}
	curl_free(s);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
	return ok ? 0 : -1;
}

int reg_same_origin(const char *a, const char *b)
{
	char sa[16], ha[256], pa[16], sb[16], hb[256], pb[16];

	if (origin(a, sa, ha, pa) < 0 || origin(b, sb, hb, pb) < 0)
		return 0;
	return !strcasecmp(sa, sb) && !strcasecmp(ha, hb) && !strcmp(pa, pb);
}

/* Authorization goes to its own origin only. */
static struct curl_slist *headers_for(const char *url, const char *authz, const char *authz_origin,
				      struct curl_slist *extra)
{
	struct curl_slist *l = NULL;
	char *line;

	if (authz && reg_same_origin(url, authz_origin)) {
		line = xmalloc(strlen(authz) + 32);
		sprintf(line, "Authorization: %s", authz);
		l = curl_slist_append(l, line);
		free(line);
	}
	for (; extra; extra = extra->next)
		l = curl_slist_append(l, extra->data);
	return l;
}

struct curl_slist *reg_headers(const struct reg_client *c, const char *url,
			       struct curl_slist *extra)
{
	return headers_for(url, c->authz, c->base, extra);
}

static int xfer_cancel(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return reg_canceled(ctx);
}

void reg_easy_setup(struct reg_client *c, void *easy)
{
	CURL *h = easy;

	curl_easy_setopt(h, CURLOPT_USERAGENT, REG_USER_AGENT);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	/* a registry that stops sending for a minute is gone */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	if (c->tls_noverify) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, xfer_cancel);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
}

void reg_resp_release(struct reg_resp *r)
{
	sbuf_release(&r->body);
	free(r->content_type);
	free(r->digest);
	free(r->location);
	free(r->range);
	free(r->chunk_min);
	memset(r, 0, sizeof(*r));
}

/* ---- one request ---- */

struct xfer {
	struct reg_client *c;
	const struct reg_req *rq;
	struct reg_resp *resp;
	size_t max_body;
	int64_t sent;              /* body bytes read by curl */
};

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	size_t len = size * n, room;

	room = x->resp->body.len < x->max_body ? x->max_body - x->resp->body.len : 0;
	sbuf_add(&x->resp->body, data, len < room ? len : room);
	if (len > room)
		return 0; /* more than we asked for: stop (CURLE_WRITE_ERROR) */
	return len;
}

static size_t on_upload(char *buf, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	const struct reg_req *rq = x->rq;
	size_t want = size * n;
	int64_t total = rq->body_fd_set ? rq->body_fd_len : (int64_t)rq->body_len;
	int64_t left = total - x->sent;
	ssize_t got;

	if (left <= 0)
		return 0;
	if ((int64_t)want > left)
		want = (size_t)left;
	if (rq->body_fd_set) {
		got = pread(rq->body_fd, buf, want, (off_t)(rq->body_off + x->sent));
		if (got <= 0)
			return CURL_READFUNC_ABORT;
	} else {
		memcpy(buf, (const char *)rq->body + x->sent, want);
		got = (ssize_t)want;
	}
	x->sent += got;
	if (rq->sent)
		rq->sent(rq->sent_ctx, x->sent, total);
	return (size_t)got;
}

static char *header_value(CURL *h, const char *name)
{
	struct curl_header *hd;

	if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hd) != CURLHE_OK || !hd->value)
		return NULL;
	return xstrdup(hd->value);
}

/* Every WWW-Authenticate header of the last response, comma-joined (the
 * challenge parser takes lists). */
static char *www_authenticate(CURL *h)
{
	struct curl_header *hd;
	struct sbuf b = SBUF_INIT;
	size_t i = 0, amount = 1;

	for (; i < amount; i++) {
		if (curl_easy_header(h, "WWW-Authenticate", i, CURLH_HEADER, -1, &hd) != CURLHE_OK)
			break;
		amount = hd->amount;
		if (b.len)
			sbuf_puts(&b, ", ");
		sbuf_puts(&b, hd->value);
	}
	return b.len ? sbuf_detach(&b) : (sbuf_release(&b), NULL);
}

static int transport_error(struct reg_client *c, CURLcode rc, const char *method,
			   const char *url, struct tug_err *err)
{
	c->last_rc = rc;
	if (rc == CURLE_ABORTED_BY_CALLBACK && reg_canceled(c))
		return tug_errf(err, TUG_E_GENERIC, "canceled");
	return tug_errf(err, TUG_E_GENERIC, "%s %s: %s", method, url, curl_easy_strerror(rc));
}

/* One HTTP exchange on c->h, no retries; authz goes to authz_origin only. */
static int perform(struct reg_client *c, const struct reg_req *rq, const char *url,
		   const char *authz, const char *authz_origin, struct reg_resp *resp,
		   struct tug_err *err)
{
	const char *method = rq->method ? rq->method : "GET";
	struct xfer x = { .c = c, .rq = rq, .resp = resp,
			  .max_body = rq->max_body ? rq->max_body : DEFAULT_MAX_BODY };
	struct curl_slist *extra = NULL, *hdrs;
	int has_body = rq->body_fd_set || rq->body;
	char line[512];
	curl_off_t len;
	CURLcode rc;

	reg_resp_release(resp);
	resp->length = -1;
	curl_easy_reset(c->h);
	reg_easy_setup(c, c->h);
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &x);
	if (rq->accept) {
		snprintf(line, sizeof(line), "Accept: %s", rq->accept);
		extra = curl_slist_append(extra, line);
	}
	if (rq->content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s", rq->content_type);
		extra = curl_slist_append(extra, line);
	}
	if (rq->content_range) {
		snprintf(line, sizeof(line), "Content-Range: %s", rq->content_range);
		extra = curl_slist_append(extra, line);
	}
	extra = curl_slist_append(extra, "Expect:");
	if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(c->h, CURLOPT_NOBODY, 1L);
	} else if (has_body) {
		len = rq->body_fd_set ? rq->body_fd_len : (curl_off_t)rq->body_len;
		curl_easy_setopt(c->h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c->h, CURLOPT_INFILESIZE_LARGE, len);
		curl_easy_setopt(c->h, CURLOPT_READFUNCTION, on_upload);
		curl_easy_setopt(c->h, CURLOPT_READDATA, &x);
		curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, method);
	} else if (!strcmp(method, "POST")) {
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE, 0L);
	} else if (!strcmp(method, "PUT") || !strcmp(method, "PATCH")) {
		curl_easy_setopt(c->h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)0);
		curl_easy_setopt(c->h, CURLOPT_READFUNCTION, on_upload);
		curl_easy_setopt(c->h, CURLOPT_READDATA, &x);
		curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "GET")) {
		curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, method);
	}
	hdrs = headers_for(url, authz, authz_origin, extra);
	curl_slist_free_all(extra);
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(c->h);
	curl_slist_free_all(hdrs);
	if (rc == CURLE_WRITE_ERROR && resp->body.len >= x.max_body)
		return tug_errf(err, TUG_E_INVALID, "%s %s: the response is larger than %zu bytes",
				method, url, x.max_body);
	if (rc != CURLE_OK)
		return transport_error(c, rc, method, url, err);
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &resp->status);
	resp->content_type = header_value(c->h, "Content-Type");
	resp->digest = header_value(c->h, "Docker-Content-Digest");
	resp->range = header_value(c->h, "Range");
	resp->chunk_min = header_value(c->h, "OCI-Chunk-Min-Length");
	{
		char *loc = header_value(c->h, "Location");
		if (loc) {
			resp->location = reg_resolve_url(url, loc);
			free(loc);
		}
	}
	if (curl_easy_getinfo(c->h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len) == CURLE_OK && len >= 0)
		resp->length = len;
	return 0;
}

static int authenticate(struct reg_client *c, struct tug_err *err);

/* perform, following redirects of GET and HEAD; with registry_auth,
 * authenticating again once after a 401 from the registry. */
static int exchange(struct reg_client *c, const struct reg_req *rq, const char *authz,
		    const char *authz_origin, int registry_auth, struct reg_resp *resp,
		    struct tug_err *err)
{
	const char *method = rq->method ? rq->method : "GET";
	char *url = reg_url(c, rq->url);
	int reauthed = 0, redirects = 0, rc;

	for (;;) {
		if (reg_canceled(c)) {
			rc = tug_errf(err, TUG_E_GENERIC, "canceled");
			break;
		}
		if (registry_auth) {
			authz = c->authz;
			authz_origin = c->base;
		}
		rc = perform(c, rq, url, authz, authz_origin, resp, err);
		if (rc < 0)
			break;
		if (registry_auth && resp->status == 401 && !reauthed && reg_same_origin(url, c->base)) {
			char *www = www_authenticate(c->h);
			reauthed = 1;
			rc = www ? reg_auth_challenge(c, www, err) : 0;
			free(www);
			if (rc < 0 || !c->authz)
				break;
			continue;
		}
		if (resp->status >= 300 && resp->status < 400 && resp->status != 304 &&
		    resp->location && (!strcmp(method, "GET") || !strcmp(method, "HEAD"))) {
			if (++redirects > MAX_REDIRECTS) {
				rc = tug_errf(err, TUG_E_GENERIC, "%s %s: more than %d redirects", method,
					      rq->url, MAX_REDIRECTS);
				break;
			}
			free(url);
			url = xstrdup(resp->location);
			continue;
		}
		break;
	}
	free(url);
	return rc;
}

int reg_do(struct reg_client *c, const struct reg_req *rq, struct reg_resp *resp,
	   struct tug_err *err)
{
	return exchange(c, rq, NULL, NULL, 1, resp, err);
}

int reg_get_foreign(struct reg_client *c, const char *url, const char *authorization,
		    struct reg_resp *resp, struct tug_err *err)
{
	struct reg_req rq = { .url = url };

	return exchange(c, &rq, authorization, url, 0, resp, err);
}

/* ---- registry errors ---- */

char *reg_resp_message(const struct reg_resp *r, char *buf, size_t size)
{
	struct sbuf m = SBUF_INIT;
	json_t *j = r->body.len ? json_loadb(r->body.s, r->body.len, 0, NULL) : NULL, *e;
	size_t i;

	/* {"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]} */
	json_array_foreach(json_object_get(j, "errors"), i, e) {
		const char *ec = jstr(e, "code"), *msg = jstr(e, "message");
		size_t start;
		if (m.len)
			sbuf_puts(&m, "; ");
		start = m.len;
		for (const char *p = ec ? ec : ""; *p; p++)
			sbuf_printf(&m, "%c", *p == '_' ? ' ' : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
		if (msg && (!ec || strcasecmp(msg, m.s + start)))
			sbuf_printf(&m, "%s%s", ec ? ": " : "", msg);
	}
	json_decref(j);
	if (!m.len)
		sbuf_printf(&m, "HTTP %ld", r->status);
	snprintf(buf, size, "%s", m.s);
	sbuf_release(&m);
	return buf;
}

int reg_resp_error(struct reg_client *c, const struct reg_resp *r, const char *what,
		   struct tug_err *err)
{
	char msg[768];

	reg_resp_message(r, msg, sizeof(msg));
	if (r->status == 401 || r->status == 403)
		return tug_errf(err, TUG_E_PERM, "%s: %s: %s (check the name, or log in with "
				"'tug login %s')", what, r->status == 401 ? "unauthorized" : "denied", msg,
				c->domain);
	return tug_errf(err, r->status == 404 ? TUG_E_NOTFOUND : TUG_E_GENERIC, "%s: %s", what, msg);
}

/* ---- authentication ---- */

void reg_add_scope(struct reg_client *c, const char *repo, const char *actions)
{
	char s[600];

	snprintf(s, sizeof(s), "repository:%s:%s", repo, actions);
	for (size_t i = 0; i < c->scopes.n; i++)
		if (!strcmp(c->scopes.v[i], s))
			return;
	c->scopes.v = xrealloc(c->scopes.v, (c->scopes.n + 1) * sizeof(char *));
	c->scopes.v[c->scopes.n++] = xstrdup(s);
}

static int authenticate(struct reg_client *c, struct tug_err *err)
{
	char *tok = NULL;

	if (!c->have_ch)
		return 0;
	if (!strcmp(c->ch.scheme, "basic")) {
		char *pair, *b64;
		if (!c->user)
			return tug_errf(err, TUG_E_PERM, "%s requires a login: run 'tug login %s'",
					c->domain, c->domain);
		pair = xmalloc(strlen(c->user) + strlen(c->pass) + 2);
		sprintf(pair, "%s:%s", c->user, c->pass);
		b64 = base64_encode(pair, strlen(pair));
		free(pair);
		free(c->authz);
		c->authz = xmalloc(strlen(b64) + 8);
		sprintf(c->authz, "Basic %s", b64);
		free(b64);
		return 0;
	}
	if (reg_token_fetch(c, &c->ch, c->scopes.v, c->scopes.n, c->user, c->pass, &tok, err) < 0)
		return -1;
	free(c->authz);
	c->authz = xmalloc(strlen(tok) + 8);
	sprintf(c->authz, "Bearer %s", tok);
	free(tok);
	return 0;
}

int reg_auth_challenge(struct reg_client *c, const char *www_auth, struct tug_err *err)
{
	struct reg_challenge ch;

	if (reg_challenge_parse(www_auth, &ch) < 0)
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"%s asks for an authentication tug does not speak: %s", c->domain, www_auth);
	/* a resource's challenge names the scope it wants: ask for it too */
	if (ch.scope[0] && !strcmp(ch.scheme, "bearer")) {
		int known = 0;
		for (size_t i = 0; i < c->scopes.n; i++)
			known |= !strcmp(c->scopes.v[i], ch.scope);
		if (!known) {
			c->scopes.v = xrealloc(c->scopes.v, (c->scopes.n + 1) * sizeof(char *));
			c->scopes.v[c->scopes.n++] = xstrdup(ch.scope);
		}
	}
	c->ch = ch;
	c->have_ch = 1;
	return authenticate(c, err);
}

int reg_reauth(struct reg_client *c, struct tug_err *err)
{
	return authenticate(c, err);
}

/* ---- opening ---- */

/* GET /v2/ on c->base, without credentials. */
static int probe(struct reg_client *c, struct reg_resp *resp, struct tug_err *err)
{
	struct reg_req rq = { .url = "/v2/" };
	char *url = reg_url(c, "/v2/");
	int r;

	r = perform(c, &rq, url, NULL, NULL, resp, err);
	free(url);
	return r;
}

static int open_probe(struct reg_client *c, int insecure, const char *why, struct tug_err *err)
{
	struct reg_resp resp = { 0 };
	const char *host = reg_host(c->domain);
	int rc = -1;

	snprintf(c->base, sizeof(c->base), "https://%s", host);
	c->tls_noverify = insecure;
	if (probe(c, &resp, err) < 0) {
		struct tug_err first = *err;
		if (reg_canceled(c))
			goto out;
		if (!insecure) {
			int tls = c->last_rc == CURLE_SSL_CONNECT_ERROR ||
				  c->last_rc == CURLE_PEER_FAILED_VERIFICATION ||
				  c->last_rc == CURLE_SSL_CERTPROBLEM || c->last_rc == CURLE_SSL_CIPHER ||
				  c->last_rc == CURLE_SSL_CACERT_BADFILE;
			tug_errf(err, first.code, "%s: %s%s%s%s", c->domain, first.msg,
				 tls ? " (a registry serving plain HTTP or a self-signed certificate needs "
				 "--tls-verify=false or an \"insecure " : "", tls ? c->domain : "",
				 tls ? "\" line in registries.conf)" : "");
			goto out;
		}
		/* an insecure registry may speak plain HTTP */
		snprintf(c->base, sizeof(c->base), "http://%s", host);
		tug_err_clear(err);
		if (probe(c, &resp, err) < 0) {
			struct tug_err second = *err;
			tug_errf(err, TUG_E_GENERIC, "%s: cannot reach the registry: %s (and over https: %s)",
				 c->domain, second.msg, first.msg);
			goto out;
		}
		reg_msg(c, "warning: %s: plain HTTP, neither encrypted nor authenticated (%s)",
			c->domain, why);
	} else if (insecure) {
		reg_msg(c, "warning: %s: TLS certificate not verified (%s)", c->domain, why);
	}
	if (resp.status == 401) {
		char *www = www_authenticate(c->h);
		if (!www) {
			tug_errf(err, TUG_E_PERM, "%s: unauthorized, and no WWW-Authenticate challenge",
				 c->domain);
			goto out;
		}
		rc = reg_auth_challenge(c, www, err);
		free(www);
		if (rc < 0)
			goto out;
	} else if (resp.status != 200) {
		tug_errf(err, TUG_E_GENERIC, "%s does not speak the registry API v2 (HTTP %ld on %s/v2/)",
			 c->domain, resp.status, c->base);
		goto out;
	}
	rc = 0;
out:
	reg_resp_release(&resp);
	return rc;
}

int reg_open(const char *domain, const char *repo, const char *actions,
	     const struct tug_registry_opts *o, struct reg_client **out, struct tug_err *err)
{
	struct reg_client *c;
	char why[512] = "--tls-verify=false";
	int insecure;

	pthread_once(&curl_once, curl_init_once);
	c = xcalloc(1, sizeof(*c));
	c->o = o;
	snprintf(c->domain, sizeof(c->domain), "%s", domain);
	c->h = curl_easy_init();
	if (!c->h) {
		free(c);
		return tug_errf(err, TUG_E_GENERIC, "cannot create a libcurl handle");
	}
	if (o && o->username && o->password) {
		c->user = xstrdup(o->username);
		c->pass = xstrdup(o->password);
	} else if (reg_creds_get(domain, &c->user, &c->pass, err) < 0) {
		reg_close(c);
		return -1;
	}
	if (repo && *repo && actions && *actions)
		reg_add_scope(c, repo, actions);
	insecure = (o && o->insecure) || reg_insecure_allowed(domain, why, sizeof(why));
	if (open_probe(c, insecure, why, err) < 0) {
		reg_close(c);
		return -1;
	}
	*out = c;
	return 0;
}

void reg_close(struct reg_client *c)
{
	if (!c)
		return;
	if (c->h)
		curl_easy_cleanup(c->h);
	for (size_t i = 0; i < c->scopes.n; i++)
		free(c->scopes.v[i]);
	free(c->scopes.v);
	free(c->user);
	if (c->pass) {
		memset(c->pass, 0, strlen(c->pass));
		free(c->pass);
	}
	free(c->authz);
	free(c);
}
