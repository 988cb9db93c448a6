/* test-imageref.c - image reference parsing and normalisation against
 * docker's grammar: what it accepts, how it names it, what it refuses. */
#include "t.h"
#include "runtime/image.h"
#include "runtime/image-store.h"
#include "runtime/imageref.h"

#include <string.h>

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void good(const char *in, const char *domain, const char *path, const char *repo,
		 const char *key)
{
	struct image_ref r;
	struct tug_err err = { 0 };
	char buf[600];
	int rc = image_ref_parse(in, &r, &err);

	T_OK(rc == 0, "parse %s (%s)", in, rc ? err.msg : "ok");
	if (rc)
		return;
	T_STREQ(r.domain, domain, "%s: domain", in);
	T_STREQ(r.path, path, "%s: path", in);
	T_STREQ(image_ref_repo(&r, buf, sizeof(buf)), repo, "%s: repository", in);
	T_STREQ(image_ref_key(&r, buf, sizeof(buf)), key, "%s: index key", in);
}

static void bad(const char *in, const char *why)
{
	struct image_ref r;
	struct tug_err err = { 0 };
	int rc = image_ref_parse(in, &r, &err);

	T_OK(rc < 0 && err.code == TUG_E_INVALID, "refuse \"%s\"", in);
	T_OK(rc < 0 && strstr(err.msg, why) != NULL, "refusal of \"%s\" says \"%s\" (got: %s)", in, why,
	     err.msg);
}

int main(void)
{
	struct image_ref r;
	struct tug_err err = { 0 };
	char buf[600], long_name[300], long_tag[140];

	good("busybox", "docker.io", "library/busybox", "busybox", "busybox:latest");
	good("busybox:1.36", "docker.io", "library/busybox", "busybox", "busybox:1.36");
	good("library/busybox:musl", "docker.io", "library/busybox", "busybox", "busybox:musl");
	good("docker.io/library/busybox", "docker.io", "library/busybox", "busybox", "busybox:latest");
	good("index.docker.io/user/app:v2", "docker.io", "user/app", "user/app", "user/app:v2");
	good("user/app", "docker.io", "user/app", "user/app", "user/app:latest");
	good("127.0.0.1:5000/ns/app:1", "127.0.0.1:5000", "ns/app", "127.0.0.1:5000/ns/app",
	     "127.0.0.1:5000/ns/app:1");
	good("localhost/app", "localhost", "app", "localhost/app", "localhost/app:latest");
	good("localhost:5000/app:dev", "localhost:5000", "app", "localhost:5000/app",
	     "localhost:5000/app:dev");
	good("[::1]:5000/app:t", "[::1]:5000", "app", "[::1]:5000/app", "[::1]:5000/app:t");
	good("quay.io/org/sub/app", "quay.io", "org/sub/app", "quay.io/org/sub/app",
	     "quay.io/org/sub/app:latest");
	good("Registry.Example.com/app", "Registry.Example.com", "app", "Registry.Example.com/app",
	     "Registry.Example.com/app:latest");
	good("a__b/c-d/e.f/g_h---i", "docker.io", "a__b/c-d/e.f/g_h---i", "a__b/c-d/e.f/g_h---i",
	     "a__b/c-d/e.f/g_h---i:latest");
	good("app:V1.0_rc-2", "docker.io", "library/app", "app", "app:V1.0_rc-2");
	good("app@sha256:" HEX64, "docker.io", "library/app", "app", "app@sha256:" HEX64);
	good("quay.io/x/app:1@sha256:" HEX64, "quay.io", "x/app", "quay.io/x/app",
	     "quay.io/x/app@sha256:" HEX64);

	T_OK(image_ref_parse("127.0.0.1:5000/ns/app:1", &r, &err) == 0 &&
	     !strcmp(image_ref_remote(&r, buf, sizeof(buf)), "127.0.0.1:5000/ns/app"),
	     "remote name of a registry reference");
	T_OK(image_ref_parse("busybox", &r, &err) == 0 &&
	     !strcmp(image_ref_remote(&r, buf, sizeof(buf)), "docker.io/library/busybox"),
	     "remote name of an official image");
	T_OK(image_ref_parse("app:1@sha256:" HEX64, &r, &err) == 0 && !strcmp(r.tag, "1") &&
	     !strcmp(r.digest, "sha256:" HEX64), "tag and digest both kept");

	bad("", "empty");
	bad("Busybox", "must be lowercase");
	bad("user/App:1", "must be lowercase");
	bad("bb:", "tag");
	bad("bb:-x", "tag");
	bad("bb:.x", "tag");
	bad("bb:a/b", "registry");
	memset(long_tag, 'a', 129);
	long_tag[129] = '\0';
	snprintf(buf, sizeof(buf), "bb:%s", long_tag);
	bad(buf, "tag");
	bad("bb@sha256:abc", "digest");
	bad("bb@md5:" HEX64, "unsupported digest algorithm");
	bad("bb@", "digest");
	bad("-bb", "repository path");
	bad("bb-", "repository path");
	bad("bb/", "repository path");
	bad("/bb", "repository path");
	bad("a//b", "repository path");
	bad("a..b", "repository path");
	bad("a___b", "repository path");
	bad("bb:tag:x", "repository path");
	bad("my host:5000/app", "registry");
	bad("host:port/app", "registry");
	bad("exa_mple.com/app", "registry");
	bad(HEX64, "image ids");
	memset(long_name, 'a', 256);
	long_name[256] = '\0';
	bad(long_name, "longer than 255");
	bad("@sha256:" HEX64, "empty");

	T_OK(image_id_like("3f57d9"), "short hex is id-like");
	T_OK(image_id_like("sha256:3f57d9"), "sha256: prefix is id-like");
	T_OK(image_id_like(HEX64), "full id is id-like");
	T_OK(!image_id_like(HEX64 "0"), "65 hex digits are not an id");
	T_OK(!image_id_like("3F57D9"), "uppercase hex is not an id");
	T_OK(!image_id_like("busybox"), "a name is not an id");
	T_OK(!image_id_like(""), "empty is not an id");

	/* (img_hex also pulls the real image store out of libtug.a, over the
	 * weak placeholders that stand in for unwritten parts of the tree) */
	T_STREQ(img_hex("sha256:" HEX64), HEX64, "img_hex strips sha256:");
	T_STREQ(img_hex(HEX64), HEX64, "img_hex keeps a bare hex id");
	rt_image_normalize_ref("busybox", buf, sizeof(buf));
	T_STREQ(buf, "busybox:latest", "normalize adds latest");
	rt_image_normalize_ref("docker.io/library/alpine:3", buf, sizeof(buf));
	T_STREQ(buf, "alpine:3", "normalize drops docker.io/library");
	rt_image_normalize_ref("Bad Name", buf, sizeof(buf));
	T_STREQ(buf, "Bad Name", "normalize leaves what it cannot parse");
	return T_DONE();
}
