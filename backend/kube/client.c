/* client.c - requests to the API server: URLs, TLS from kubeconfig blobs,
 * auth headers, 401 retry with refreshed credentials, error messages. */
#include "kube/client.h"
#include "kube/jscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_CONNECT_MS 10000

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* With tls-server-name the URL carries that name (SNI and certificate
 * check use it) and CONNECT_TO sends the connection to the real host. */
static int setup_urls(struct kube_client *kc, struct tug_err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	struct sbuf b = SBUF_INIT;
	int r = 0;

	if (curl_url_set(u, CURLUPART_URL, kc->cfg.server, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0)) {
		r = tug_errf(err, TUG_E_INVALID, "kubeconfig %s: cluster \"%s\": server \"%s\" is not a valid URL",
			     kc->cfg.source, kc->cfg.cluster_name, kc->cfg.server);
		goto out;
	}
	while (strlen(path) && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	if (kc->cfg.tls_server_name) {
		sbuf_printf(&b, "%s://%s:%s%s", scheme, kc->cfg.tls_server_name, port, path);
		kc->url_base = sbuf_detach(&b);
		sbuf_printf(&b, "%s:%s:%s:%s", kc->cfg.tls_server_name, port, host, port);
		kc->connect_to = curl_slist_append(NULL, b.s);
		sbuf_release(&b);
	} else {
		sbuf_printf(&b, "%s://%s:%s%s", scheme, host, port, path);
		kc->url_base = sbuf_detach(&b);
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return r;
}

int kube_client_init(struct kube_client *kc, const char *kubeconfig, const char *context,
		     struct tug_err *err)
{
	memset(kc, 0, sizeof(*kc));
	pthread_once(&curl_once, curl_init_once);
	pthread_mutex_init(&kc->sync_mu, NULL);
	kc->timeout_ms = DEFAULT_TIMEOUT_MS;
	kc->connect_timeout_ms = DEFAULT_CONNECT_MS;
	kc->chunk = 500;
	if (kubeconfig_load(kubeconfig, context, &kc->cfg, err) < 0)
		return -1;
	if (setup_urls(kc, err) < 0) {
		kubeconfig_release(&kc->cfg);
		return -1;
	}
	kc->auth = kube_auth_new(&kc->cfg);
	return 0;
}

void kube_client_release(struct kube_client *kc)
{
	if (kc->sync)
		curl_easy_cleanup(kc->sync);
	kube_auth_free(kc->auth);
	kubeconfig_release(&kc->cfg);
	free(kc->url_base);
	curl_slist_free_all(kc->connect_to);
	pthread_mutex_destroy(&kc->sync_mu);
	memset(kc, 0, sizeof(*kc));
}

void kube_escape(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			sbuf_add(b, (const char *)&c, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			sbuf_add(b, e, 3);
		}
	}
}

static size_t write_cb(char *p, size_t sz, size_t nm, void *data)
{
	struct kube_xfer *x = data;
	size_t n = sz * nm;

	x->last_data_ns = mono_ns();
	if (!x->status)
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
	if (!x->on_data || x->status < 200 || x->status >= 300) {
		if (x->resp.len < (256u << 20) || !x->on_data)
			sbuf_add(&x->resp, p, n);
		return n;
	}
	switch (x->on_data(x->ctx, p, n)) {
	case 0:
		return n;
	case KUBE_DATA_PAUSE:
		return CURL_WRITEFUNC_PAUSE;
	default:
		x->aborted = 1;
		return 0;
	}
}

void kube_xfer_init(struct kube_xfer *x, struct kube_client *kc, const struct kube_req *req,
		    kube_data_cb on_data, void *ctx)
{
	memset(x, 0, sizeof(*x));
	x->kc = kc;
	x->req = *req;
	x->method = xstrdup(req->method ? req->method : "GET");
	x->path = xstrdup(req->path);
	x->body = req->body ? xstrdup(req->body) : NULL;
	x->ctype = req->content_type ? xstrdup(req->content_type) : NULL;
	x->req.method = x->method;
	x->req.path = x->path;
	x->req.body = x->body;
	x->req.content_type = x->ctype;
	x->on_data = on_data;
	x->ctx = ctx;
}

static struct curl_slist *add_header(struct curl_slist *l, const char *name, const char *val)
{
	struct sbuf b = SBUF_INIT;
	struct curl_slist *r;

	sbuf_printf(&b, "%s: %s", name, val);
	r = curl_slist_append(l, b.s);
	explicit_bzero(b.s, b.len);
	sbuf_release(&b);
	return r;
}

int kube_xfer_prepare(struct kube_xfer *x, CURL *h, struct tug_err *err)
{
	struct kube_client *kc = x->kc;
	const struct kube_config *c = &kc->cfg;
	struct sbuf url = SBUF_INIT;
	int fd, r;
	long timeout = x->req.timeout_ms ? x->req.timeout_ms : kc->timeout_ms;

	kube_cred_release(&x->cred);
	r = kube_auth_get(kc->auth, &x->cred, &fd, err);
	if (r)
		return r;
	if (!x->h) {
		x->own_handle = !h;
		x->h = h ? h : curl_easy_init();
	}
	/* a reused handle keeps its connections, not the last request's options */
	curl_easy_reset(x->h);
	h = x->h;
	if (x->hdrs)
		curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	sbuf_release(&x->resp);
	x->status = 0;
	x->aborted = 0;
	x->errbuf[0] = '\0';
	x->last_data_ns = mono_ns();

	sbuf_printf(&url, "%s%s", kc->url_base, x->req.path);
	curl_easy_setopt(h, CURLOPT_URL, url.s);
	sbuf_release(&url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, x->method);
	if (!strcmp(x->method, "HEAD"))
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	if (x->body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(x->body));
		x->hdrs = add_header(x->hdrs, "Content-Type",
				     x->ctype ? x->ctype : "application/json");
	}
	x->hdrs = curl_slist_append(x->hdrs, "Accept: application/json, */*");
	x->hdrs = curl_slist_append(x->hdrs, "User-Agent: tug/0.1 (kube)");
	if (x->cred.bearer) {
		struct sbuf b = SBUF_INIT;
		sbuf_printf(&b, "Bearer %s", x->cred.bearer);
		x->hdrs = add_header(x->hdrs, "Authorization", b.s);
		explicit_bzero(b.s, b.len);
		sbuf_release(&b);
	}
	if (c->impersonate)
		x->hdrs = add_header(x->hdrs, "Impersonate-User", c->impersonate);
	for (char **g = c->impersonate_groups; g && *g; g++)
		x->hdrs = add_header(x->hdrs, "Impersonate-Group", *g);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->hdrs);
	if (c->username || c->password) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, c->username ? c->username : "");
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
	}

	/* TLS: verified unless the kubeconfig says otherwise */
	if (c->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (c->ca.len) {
		struct curl_blob ca = { c->ca.data, c->ca.len, CURL_BLOB_COPY };
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca);
	}
	{
		const struct kube_blob *cert = x->cred.cert.len ? &x->cred.cert : &c->client_cert;
		const struct kube_blob *key = x->cred.key.len ? &x->cred.key : &c->client_key;
		if (cert->len && key->len) {
			struct curl_blob cb = { cert->data, cert->len, CURL_BLOB_COPY };
			struct curl_blob kb = { key->data, key->len, CURL_BLOB_COPY };
			curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cb);
			curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
			curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &kb);
			curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
		}
	}
	/* curl keeps the list pointer: it lives as long as the client */
	if (kc->connect_to)
		curl_easy_setopt(h, CURLOPT_CONNECT_TO, kc->connect_to);
	if (c->proxy_url)
		curl_easy_setopt(h, CURLOPT_PROXY, c->proxy_url);

	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 15L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout && timeout < kc->connect_timeout_ms && !x->req.stream
				 ? timeout : kc->connect_timeout_ms);
	if (!x->req.stream)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
	return 0;
}

static void fmt_ms(char *buf, size_t size, long ms)
{
	if (ms % 1000)
		snprintf(buf, size, "%.1fs", (double)ms / 1000.0);
	else
		snprintf(buf, size, "%lds", ms / 1000);
}

static int curl_err(struct kube_xfer *x, CURLcode rc, const char *what, struct tug_err *err)
{
	struct kube_client *kc = x->kc;
	const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
	char t[32];

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		fmt_ms(t, sizeof(t), x->req.timeout_ms ? x->req.timeout_ms : kc->timeout_ms);
		if (x->req.stream)
			return tug_errf(err, TUG_E_GENERIC, "%s: the API server %s stopped answering (%s)",
					what, kc->cfg.server, detail);
		return tug_errf(err, TUG_E_GENERIC,
				"%s: no answer from the API server %s within %s (request timeout); the server is slow or down",
				what, kc->cfg.server, t);
	case CURLE_COULDNT_CONNECT:
		return tug_errf(err, TUG_E_GENERIC,
				"%s: cannot connect to the API server %s (context \"%s\"): %s; is the cluster up?",
				what, kc->cfg.server, kc->cfg.context, detail);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return tug_errf(err, TUG_E_GENERIC, "%s: %s (API server %s)", what, detail, kc->cfg.server);
	case CURLE_PEER_FAILED_VERIFICATION:
		return tug_errf(err, TUG_E_PERM,
				"%s: the API server %s is not trusted: %s; check certificate-authority of cluster \"%s\" in %s",
				what, kc->cfg.server, detail, kc->cfg.cluster_name, kc->cfg.source);
	case CURLE_SSL_CERTPROBLEM:
		return tug_errf(err, TUG_E_PERM,
				"%s: the client certificate of user \"%s\" was refused by TLS: %s",
				what, kc->cfg.user_name, detail);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return tug_errf(err, TUG_E_GENERIC, "%s: connection to the API server %s failed: %s",
				what, kc->cfg.server, detail);
	default:
		return tug_errf(err, TUG_E_GENERIC, "%s: %s (API server %s)", what, detail, kc->cfg.server);
	}
}

int kube_xfer_finish(struct kube_xfer *x, CURLcode rc, const char *what, struct tug_err *err)
{
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && x->aborted)) {
		/* a server that closes a stream after a good start is not an error
		 * for the caller to show as "cannot connect" */
		return curl_err(x, rc, what, err);
	}
	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
	if (x->status == 401 && !x->retried && kube_auth_invalidate(x->kc->auth, x->cred.gen)) {
		x->retried = 1;
		return 1;
	}
	return 0;
}

void kube_xfer_release(struct kube_xfer *x)
{
	if (x->h && x->own_handle)
		curl_easy_cleanup(x->h);
	if (x->hdrs)
		curl_slist_free_all(x->hdrs);
	kube_cred_release(&x->cred);
	sbuf_release(&x->resp);
	free(x->path);
	free(x->body);
	free(x->method);
	free(x->ctype);
	memset(x, 0, sizeof(*x));
}

int kube_do(struct kube_client *kc, const struct kube_req *req, const char *what,
	    struct kube_resp *resp, struct tug_err *err)
{
	struct kube_xfer x;
	CURL *h = NULL;
	int locked, r;

	memset(resp, 0, sizeof(*resp));
	locked = pthread_mutex_trylock(&kc->sync_mu) == 0;
	if (locked) {
		if (!kc->sync)
			kc->sync = curl_easy_init();
		h = kc->sync;
	}
	kube_xfer_init(&x, kc, req, NULL, NULL);
	for (;;) {
		CURLcode rc;
		r = kube_xfer_prepare(&x, h, err);
		if (r == 1) {
			/* a plugin is running: wait for it here, we are synchronous */
			struct kube_cred tmp;
			r = kube_auth_get_wait(kc->auth, &tmp, err);
			kube_cred_release(&tmp);
			if (r < 0)
				break;
			continue;
		}
		if (r < 0)
			break;
		rc = curl_easy_perform(x.h);
		r = kube_xfer_finish(&x, rc, what, err);
		if (r != 1)
			break;
	}
	if (r == 0) {
		resp->status = x.status;
		resp->body = x.resp;
		memset(&x.resp, 0, sizeof(x.resp));
	}
	if (x.h == kc->sync)
		x.own_handle = 0;
	kube_xfer_release(&x);
	if (locked)
		pthread_mutex_unlock(&kc->sync_mu);
	return r < 0 ? -1 : 0;
}

void kube_resp_release(struct kube_resp *r)
{
	sbuf_release(&r->body);
	r->status = 0;
}

int kube_status_err(struct kube_client *kc, long status, const char *body, size_t len,
		    const char *what, struct tug_err *err)
{
	char msg[600] = "";
	struct jv doc;
	int code;

	if (body && len && js_parse(body, len, &doc) == 0 &&
	    js_str_eq(js_get(doc, "kind"), "Status"))
		js_str(js_get(doc, "message"), msg, sizeof(msg));
	if (!msg[0] && body && len && len < 300 && !memchr(body, '{', len))
		snprintf(msg, sizeof(msg), "%.*s", (int)strcspn(body, "\n"), body);
	switch (status) {
	case 401:
		return tug_errf(err, TUG_E_PERM,
				"%s: unauthorized (401): the API server %s rejected the credentials of user \"%s\" "
				"(context \"%s\"); the token or certificate may be expired or wrong: refresh it in %s",
				what, kc->cfg.server, kc->cfg.user_name[0] ? kc->cfg.user_name : "(anonymous)",
				kc->cfg.context, kc->cfg.source);
	case 403:
		return tug_errf(err, TUG_E_PERM, "%s: forbidden (403): %s", what,
				msg[0] ? msg : "the user may not do that");
	case 404: code = TUG_E_NOTFOUND; break;
	case 409: code = TUG_E_CONFLICT; break;
	case 400: case 422: code = TUG_E_INVALID; break;
	default: code = TUG_E_GENERIC; break;
	}
	if (msg[0])
		return tug_errf(err, code, "%s: %s", what, msg);
	return tug_errf(err, code, "%s: the API server answered HTTP %ld", what, status);
}

int kube_do_ok(struct kube_client *kc, const struct kube_req *req, const char *what,
	       struct kube_resp *resp, struct tug_err *err)
{
	if (kube_do(kc, req, what, resp, err) < 0)
		return -1;
	if (resp->status >= 200 && resp->status < 300)
		return 0;
	kube_status_err(kc, resp->status, resp->body.s, resp->body.len, what, err);
	kube_resp_release(resp);
	return -1;
}
