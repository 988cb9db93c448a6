/* imageref.c - parse and normalise image references with docker's
 * grammar (distribution/reference), so that names accepted or refused
 * here are the ones docker accepts or refuses. */
#include "runtime/imageref.h"
#include "util/str.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_DOMAIN "docker.io"
#define OFFICIAL_PREFIX "library/"

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* path-component := [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static int valid_path_component(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum(s[0]))
		return 0;
	while (i < n) {
		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == n)
			return 1;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < n && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return 0;
		}
		if (i == n || !is_lower_alnum(s[i]))
			return 0;
	}
	return 1;
}

/* domain-component := [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? */
static int valid_host(const char *s, size_t n)
{
	size_t start = 0;

	if (n == 0)
		return 0;
	if (s[0] == '[') {
		/* bracketed IPv6 literal */
		if (s[n - 1] != ']' || n < 3)
			return 0;
		for (size_t i = 1; i < n - 1; i++)
			if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
				return 0;
		return 1;
	}
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		size_t len = i - start;
		if (len == 0 || !isalnum((unsigned char)s[start]) ||
		    !isalnum((unsigned char)s[i - 1]))
			return 0;
		for (size_t j = start; j < i; j++)
			if (!isalnum((unsigned char)s[j]) && s[j] != '-')
				return 0;
		start = i + 1;
	}
	return 1;
}

static int valid_domain(const char *s, size_t n)
{
	const char *colon = NULL;

	/* the port is after the last ':' outside of an IPv6 bracket */
	for (size_t i = n; i > 0; i--) {
		if (s[i - 1] == ']')
			break;
		if (s[i - 1] == ':') {
			colon = s + i - 1;
			break;
		}
	}
	if (colon) {
		size_t hn = (size_t)(colon - s), pn = n - hn - 1;
		if (pn == 0)
			return 0;
		for (size_t i = 0; i < pn; i++)
			if (!isdigit((unsigned char)colon[1 + i]))
				return 0;
		return valid_host(s, hn);
	}
	return valid_host(s, n);
}

/* tag := [\w][\w.-]{0,127} */
static int valid_tag(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128 || !(isalnum((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

int image_id_like(const char *s)
{
	size_t n;

	if (!strncmp(s, "sha256:", 7))
		s += 7;
	n = strlen(s);
	if (n == 0 || n > DIGEST_HEX_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_hex(s[i]))
			return 0;
	return 1;
}

static int bad(struct tug_err *err, const char *ref, const char *why)
{
	return tug_errf(err, TUG_E_INVALID, "invalid reference format \"%s\": %s", ref, why);
}

static int has_upper(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isupper((unsigned char)s[i]))
			return 1;
	return 0;
}

static int parse_digest(const char *ref, const char *d, struct image_ref *out,
			struct tug_err *err)
{
	const char *colon = strchr(d, ':');

	if (!colon || colon == d)
		return bad(err, ref, "the digest must look like sha256:<64 hex digits>");
	if ((size_t)(colon - d) != 6 || strncmp(d, "sha256", 6))
		return tug_errf(err, TUG_E_INVALID,
				"invalid reference \"%s\": unsupported digest algorithm \"%.*s\" (only sha256 is)",
				ref, (int)(colon - d), d);
	if (!digest_valid(d))
		return bad(err, ref, "the digest must look like sha256:<64 lowercase hex digits>");
	snprintf(out->digest, sizeof(out->digest), "%s", d);
	return 0;
}

int image_ref_parse(const char *s, struct image_ref *out, struct tug_err *err)
{
	char name[2 * IMAGE_REF_MAX];
	const char *at, *slash, *colon, *rest;
	size_t nlen;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return tug_errf(err, TUG_E_INVALID, "invalid reference format: the image name is empty");
	at = strchr(s, '@');
	nlen = at ? (size_t)(at - s) : strlen(s);
	if (at && parse_digest(s, at + 1, out, err) < 0)
		return -1;
	if (nlen == 0)
		return bad(err, s, "the repository name is empty");
	if (nlen >= sizeof(name))
		return bad(err, s, "the repository name is longer than 255 characters");
	memcpy(name, s, nlen);
	name[nlen] = '\0';

	/* the tag is after the last ':' that follows the last '/' */
	slash = strrchr(name, '/');
	colon = strrchr(slash ? slash : name, ':');
	if (colon) {
		if (!valid_tag(colon + 1))
			return bad(err, s, "a tag may hold only letters, digits, '_', '.' and '-' "
				      "(at most 128, not starting with '.' or '-')");
		snprintf(out->tag, sizeof(out->tag), "%s", colon + 1);
		name[colon - name] = '\0';
		nlen = (size_t)(colon - name);
	}
	if (nlen > 255)
		return bad(err, s, "the repository name is longer than 255 characters");

	/* a first component with '.', ':' or uppercase, or "localhost", is a registry */
	rest = name;
	slash = strchr(name, '/');
	if (slash) {
		size_t dl = (size_t)(slash - name);
		if (memchr(name, '.', dl) || memchr(name, ':', dl) ||
		    (dl == 9 && !strncmp(name, "localhost", 9)) || has_upper(name, dl)) {
			if (!valid_domain(name, dl))
				return bad(err, s, "the registry must be a host name or address with an optional :port");
			snprintf(out->domain, sizeof(out->domain), "%.*s", (int)dl, name);
			rest = slash + 1;
		}
	}
	if (!*rest)
		return bad(err, s, "the repository path is empty");
	for (const char *p = rest;;) {
		const char *e = strchr(p, '/');
		size_t cl = e ? (size_t)(e - p) : strlen(p);
		if (!valid_path_component(p, cl)) {
			if (has_upper(p, cl))
				return tug_errf(err, TUG_E_INVALID,
						"invalid reference format \"%s\": repository name must be lowercase", s);
			return bad(err, s, "repository path components may hold only lowercase letters, "
				      "digits and single separators ('.', '_', '__', '-')");
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (!out->domain[0] && strlen(rest) == DIGEST_HEX_LEN && image_id_like(rest))
		return tug_errf(err, TUG_E_INVALID,
				"invalid repository name \"%s\": 64-character hexadecimal names are image ids", rest);

	if (!out->domain[0] || !strcmp(out->domain, "index.docker.io"))
		snprintf(out->domain, sizeof(out->domain), "%s", DEFAULT_DOMAIN);
	if (!strcmp(out->domain, DEFAULT_DOMAIN) && !strchr(rest, '/'))
		snprintf(out->path, sizeof(out->path), OFFICIAL_PREFIX "%s", rest);
	else
		snprintf(out->path, sizeof(out->path), "%s", rest);
	return 0;
}

char *image_ref_repo(const struct image_ref *r, char *buf, size_t size)
{
	if (strcmp(r->domain, DEFAULT_DOMAIN)) {
		snprintf(buf, size, "%s/%s", r->domain, r->path);
		return buf;
	}
	if (str_has_prefix(r->path, OFFICIAL_PREFIX) && !strchr(r->path + strlen(OFFICIAL_PREFIX), '/'))
		snprintf(buf, size, "%s", r->path + strlen(OFFICIAL_PREFIX));
	else
		snprintf(buf, size, "%s", r->path);
	return buf;
}

char *image_ref_key(const struct image_ref *r, char *buf, size_t size)
{
	char repo[2 * IMAGE_REF_MAX];

	image_ref_repo(r, repo, sizeof(repo));
	if (r->digest[0])
		snprintf(buf, size, "%s@%s", repo, r->digest);
	else
		snprintf(buf, size, "%s:%s", repo, r->tag[0] ? r->tag : "latest");
	return buf;
}

char *image_ref_remote(const struct image_ref *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", r->domain, r->path);
	return buf;
}
