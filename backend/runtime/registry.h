/* registry.h - the built-in runtime's client of the OCI distribution API
 * (docker registries, Harbor, GHCR, Docker Hub...), over libcurl:
 *   registry-conf.c      where a registry lives, which may be insecure
 *   registry-auth.c      WWW-Authenticate challenges, bearer tokens,
 *                        credentials in docker's config.json, login
 *   registry-client.c    HTTP requests: probe, auth retry, redirects
 *   registry-manifest.c  manifests and indexes: fetch, verify, platforms
 *   registry-pull.c      pull (concurrent downloads, streamed unpacking)
 *   registry-push.c      push (existence checks, mounts, uploads)
 *
 * Insecure registries: plain HTTP or unverified TLS is used only for a
 * registry that is loopback (127.0.0.0/8, ::1, localhost - docker's
 * default), listed in /etc/tug/registries.conf or
 * $XDG_CONFIG_HOME/tug/registries.conf (default ~/.config/tug/), or named
 * with --tls-verify=false, and always with a warning event. The file
 * holds one entry per line, "insecure HOST[:PORT]" or "insecure CIDR";
 * '#' starts a comment.
 */
#ifndef TUG_REGISTRY_H
#define TUG_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "backend.h"
#include "util/digest.h"
#include "util/err.h"
#include "util/str.h"

#define REG_USER_AGENT "tug/0.1 (OCI distribution client)"
#define REG_MAX_MANIFEST (4 << 20)

/* ---- registry-conf.c ---- */

/* The host to connect to for a reference's domain ("docker.io" ->
 * "registry-1.docker.io"; others unchanged). */
const char *reg_host(const char *domain);
/* May domain ("host[:port]") be reached over plain HTTP or unverified
 * TLS without --tls-verify=false? Writes why into why (e.g. "loopback",
 * "listed in /etc/tug/registries.conf"). */
int reg_insecure_allowed(const char *domain, char *why, size_t size);
/* Parse one registries.conf line; 1 when it lists domain as insecure. */
int reg_conf_line_matches(const char *line, const char *domain);

/* ---- registry-auth.c ---- */

/* One challenge of a WWW-Authenticate header. */
struct reg_challenge {
	char scheme[16];     /* lowercase: "bearer", "basic" */
	char realm[1024];
	char service[256];
	char scope[1024];
	char error[64];      /* "insufficient_scope", "invalid_token"... */
};

/* Parse a WWW-Authenticate value (RFC 7235: several challenges, quoted
 * strings with escapes, commas inside quotes). Picks the Bearer challenge
 * when there is one, else Basic. -1 when none is usable. */
int reg_challenge_parse(const char *value, struct reg_challenge *out);

/* docker's config.json: $DOCKER_CONFIG/config.json, else
 * ~/.docker/config.json. */
char *reg_config_path(char *buf, size_t size);
/* The "auths" key docker uses for domain ("https://index.docker.io/v1/"
 * for docker.io, the domain otherwise). */
const char *reg_auth_key(const char *domain);
/* Credentials for domain: 0 and malloc'd user/pass, 1 when there are
 * none, -1 on an unreadable file. Accepts docker's key spellings
 * ("host", "https://host", "http://host/v1/"). A credsStore or
 * credHelpers entry for domain is an error that says so. */
int reg_creds_get(const char *domain, char **user, char **pass, struct tug_err *err);
/* Store user:pass for domain (atomically, mode 0600, other keys kept). */
int reg_creds_store(const char *domain, const char *user, const char *pass,
		    struct tug_err *err);
/* Remove domain's credentials: 0, or 1 when there were none. */
int reg_creds_erase(const char *domain, struct tug_err *err);

/* ---- registry-client.c ---- */

struct reg_client;

struct reg_resp {
	long status;
	struct sbuf body;        /* non-sink responses, capped */
	char *content_type;
	char *digest;            /* Docker-Content-Digest */
	char *location;          /* absolute */
	char *range;             /* Range (upload progress) */
	char *chunk_min;         /* OCI-Chunk-Min-Length */
	int64_t length;          /* Content-Length, -1 when absent */
};

struct reg_req {
	const char *method;      /* GET (default), HEAD, PUT, PATCH, POST, DELETE */
	const char *url;         /* "/v2/..." on the registry, or absolute */
	const char *accept;
	const char *content_type;
	const char *content_range;
	/* request body: memory, or a range of a file */
	const void *body;
	size_t body_len;
	int body_fd;             /* -1 = none; 0 is a valid fd only with body_fd_set */
	int body_fd_set;
	int64_t body_off, body_fd_len;
	size_t max_body;         /* response bytes kept (default 64 KiB) */
	/* upload progress, bytes of the body sent */
	void (*sent)(void *ctx, int64_t done, int64_t total);
	void *sent_ctx;
};

/* Connect to the registry of `domain` for repository `repo` (a
 * reference's path), wanting `actions` ("pull", "pull,push"): probe /v2/
 * (choosing https, or http for an insecure registry), authenticate as the
 * registry asks (anonymous or stored/given credentials). */
int reg_open(const char *domain, const char *repo, const char *actions,
	     const struct tug_registry_opts *o, struct reg_client **out, struct tug_err *err);
void reg_close(struct reg_client *c);

/* Perform one request, authenticating again once on a 401 and following
 * GET/HEAD redirects (never sending the registry's Authorization to
 * another host). 0 with resp filled for any HTTP status; -1 on transport
 * errors and cancellation. */
int reg_do(struct reg_client *c, const struct reg_req *rq, struct reg_resp *resp,
	   struct tug_err *err);
void reg_resp_release(struct reg_resp *r);
/* The registry's error text of a response ("manifest unknown", "denied:
 * requested access to the resource is denied"), else "HTTP <status>". */
char *reg_resp_message(const struct reg_resp *r, char *buf, size_t size);
/* An error for an unexpected response: the registry's own error codes and
 * messages ("manifest unknown", "denied: ..."), TUG_E_NOTFOUND for 404,
 * TUG_E_PERM for 401/403. what names the request ("manifest 1.0"). */
int reg_resp_error(struct reg_client *c, const struct reg_resp *r, const char *what,
		   struct tug_err *err);

/* GET an absolute URL off the registry (a token server), sending
 * `authorization` ("Basic ...", NULL = none) to that URL's origin only;
 * redirects followed. */
int reg_get_foreign(struct reg_client *c, const char *url, const char *authorization,
		    struct reg_resp *resp, struct tug_err *err);
/* A bearer token for challenge ch and scopes (registry-auth.c), asked
 * with user/pass when given (anonymous otherwise). *token is malloc'd. */
int reg_token_fetch(struct reg_client *c, const struct reg_challenge *ch, char *const *scopes,
		    size_t nscopes, const char *user, const char *pass, char **token,
		    struct tug_err *err);

/* Ask for another repository's pull access too (cross-repository mount
 * source); takes effect at the next authentication. */
void reg_add_scope(struct reg_client *c, const char *repo, const char *actions);
/* Authenticate now for the current scopes (after reg_add_scope). */
int reg_reauth(struct reg_client *c, struct tug_err *err);

/* "https://host" or "http://host" as probed. */
const char *reg_base(const struct reg_client *c);
/* The registry as references name it: "docker.io", "127.0.0.1:5000". */
const char *reg_domain(const struct reg_client *c);
/* Resolve url ("/v2/..." or absolute) against the registry into a
 * malloc'd absolute URL. */
char *reg_url(const struct reg_client *c, const char *url);
/* The headers a request to absolute url carries: User-Agent, and
 * Authorization only when url is on the registry's own origin. extra
 * (may be NULL) is appended. The caller frees the list. */
struct curl_slist *reg_headers(const struct reg_client *c, const char *url,
			       struct curl_slist *extra);
/* location (absolute or relative) resolved against the URL it came
 * from, malloc'd; NULL when either does not parse. */
char *reg_resolve_url(const char *from, const char *location);
/* Do two absolute URLs share scheme, host and port? */
int reg_same_origin(const char *a, const char *b);
/* Apply the client's TLS, timeout and cancellation settings to a fresh
 * easy handle (the pull's concurrent downloads). */
void reg_easy_setup(struct reg_client *c, void *easy);
/* Re-authenticate after a 401 seen on a concurrent download (its
 * WWW-Authenticate value). */
int reg_auth_challenge(struct reg_client *c, const char *www_auth, struct tug_err *err);
/* Has the caller asked to stop? */
int reg_canceled(const struct reg_client *c);
/* Send a progress event (see backend.h); a no-op without a callback. */
void reg_event(const struct reg_client *c, const char *id, const char *what, int64_t done,
	       int64_t total);
void reg_msg(const struct reg_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- registry-manifest.c ---- */

#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"

struct reg_desc {
	char media_type[128];
	char digest[DIGEST_STR_LEN + 1];
	int64_t size;
};

/* An image manifest, checked: config and layer descriptors. */
struct reg_manifest {
	char *raw;               /* bytes as received: their digest is its digest */
	size_t len;
	char digest[DIGEST_STR_LEN + 1];
	char media_type[128];
	struct reg_desc config;
	struct reg_desc *layers;
	size_t nlayers;
};

/* "linux/amd64", "linux/arm/v7"... */
struct reg_platform {
	char os[32], arch[32], variant[32];
};

/* This machine's platform, as image indexes name it. */
void reg_platform_host(struct reg_platform *p);
/* Parse "os/arch[/variant]" (also "arch" alone, linux implied). */
int reg_platform_parse(const char *s, struct reg_platform *p, struct tug_err *err);
/* Does an index entry's "platform" object suit want? An entry without a
 * platform suits anything; a wanted variant must match, an unwanted one
 * only for arm (v7 by default) and arm64 (v8). */
int reg_platform_match(json_t *platform, const struct reg_platform *want);
/* Index of the manifests[] entry of index `idx` to use for want, -1 when
 * none suits. Entries with the exact variant win over default ones. */
int reg_index_select(json_t *idx, const struct reg_platform *want);

/* GET /v2/<repo>/manifests/<reference> (tag or digest), resolving an
 * index to the manifest for `want`. top_digest receives the digest of
 * what the reference named (the index when there is one, else the
 * manifest): the digest to record as repo@digest. Verifies every
 * digest and size. */
int reg_manifest_fetch(struct reg_client *c, const char *repo, const char *reference,
		       const struct reg_platform *want, struct reg_manifest *out,
		       char *top_digest, struct tug_err *err);
/* Parse and check the bytes of an image manifest (not an index). */
int reg_manifest_parse(const char *raw, size_t len, const char *content_type,
		       struct reg_manifest *out, struct tug_err *err);
void reg_manifest_release(struct reg_manifest *m);
/* Is mt a layer media type tug can unpack (tar, gzip, zstd; docker and
 * OCI names)? */
int reg_layer_type_ok(const char *mt);

#endif
