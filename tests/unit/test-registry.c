/* test-registry.c - the registry client's parsers and stores without a
 * network: WWW-Authenticate challenges, base64 and docker's config.json
 * credentials, registries.conf, platforms and index selection, manifest
 * checks, same-origin decisions for redirects. */
#include "t.h"
#include "runtime/registry.h"
#include "util/base64.h"
#include "util/fs.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void challenge(const char *hdr, int want_rc, const char *scheme, const char *realm,
		      const char *service, const char *scope)
{
	struct reg_challenge c;
	int rc = reg_challenge_parse(hdr, &c);

	T_OK(rc == want_rc, "challenge %s: %s", hdr, want_rc ? "refused" : "parsed");
	if (rc || want_rc)
		return;
	T_STREQ(c.scheme, scheme, "challenge %s: scheme", hdr);
	T_STREQ(c.realm, realm, "challenge %s: realm", hdr);
	T_STREQ(c.service, service, "challenge %s: service", hdr);
	T_STREQ(c.scope, scope, "challenge %s: scope", hdr);
}

static void test_challenges(void)
{
	struct reg_challenge c;

	challenge("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
		  "scope=\"repository:samalba/my-app:pull,push\"", 0, "bearer",
		  "https://auth.docker.io/token", "registry.docker.io", "repository:samalba/my-app:pull,push");
	challenge("Basic realm=\"Registry Realm\"", 0, "basic", "Registry Realm", "", "");
	challenge("Basic realm=\"x\", Bearer realm=\"https://a/token\", service=\"s\"", 0, "bearer",
		  "https://a/token", "s", "");
	challenge("Bearer realm=\"https://a/token\", service=s, Basic realm=\"b\"", 0, "bearer",
		  "https://a/token", "s", "");
	challenge("BEARER Realm=\"https://a/\\\"q\\\"\" ,  Service = svc", 0, "bearer",
		  "https://a/\"q\"", "svc", "");
	challenge("Negotiate abc==, Basic realm=\"r\"", 0, "basic", "r", "", "");
	challenge("Negotiate abc==", -1, NULL, NULL, NULL, NULL);
	challenge("Digest realm=\"x\", nonce=\"y\"", -1, NULL, NULL, NULL, NULL);
	challenge("Bearer service=\"no-realm\"", -1, NULL, NULL, NULL, NULL);
	challenge("", -1, NULL, NULL, NULL, NULL);
	T_OK(reg_challenge_parse("Bearer realm=\"r\",error=\"insufficient_scope\",scope=\"repository:x:pull\"",
				 &c) == 0 && !strcmp(c.error, "insufficient_scope") &&
	     !strcmp(c.scope, "repository:x:pull"), "challenge: error and scope of a resource");
}

static void test_base64(void)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	size_t len;
	char *s;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		s = base64_encode(plain[i], strlen(plain[i]));
		T_STREQ(s, enc[i], "base64 of \"%s\" (RFC 4648)", plain[i]);
		free(s);
		s = base64_decode(enc[i], &len);
		T_OK(s && len == strlen(plain[i]) && !memcmp(s, plain[i], len), "base64 decodes %s", enc[i]);
		free(s);
	}
	s = base64_encode("alice:secret", 12);
	T_STREQ(s, "YWxpY2U6c2VjcmV0", "credentials encode as docker's config.json has them");
	free(s);
	T_OK(base64_decode("Zm9v!", &len) == NULL, "base64 refuses junk");
	T_OK(base64_decode("Z", &len) == NULL, "base64 refuses a truncated quantum");
	T_OK(base64_decode("Zg===", &len) == NULL, "base64 refuses too much padding");
}

static void test_creds(const char *dir)
{
	char path[512], *u = NULL, *p = NULL, *raw;
	struct tug_err err = { 0 };
	struct stat st;
	size_t len;
	json_t *j;

	setenv("DOCKER_CONFIG", dir, 1);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	T_OK(reg_creds_get("127.0.0.1:5000", &u, &p, &err) == 1, "no config.json: no credentials");
	{
		static const char cfg[] = "{\"credsStore\":\"\",\"HttpHeaders\":{\"X\":\"y\"},\"auths\":{"
					  "\"https://myreg:5000/v1/\":{\"auth\":\"Ym9iOmJ1aWxkZXI=\"}}}";
		fs_write_atomic(path, cfg, strlen(cfg), 0644, &err);
	}
	T_OK(reg_creds_get("myreg:5000", &u, &p, &err) == 0 && !strcmp(u, "bob") && !strcmp(p, "builder"),
	     "a key with scheme and path is found for its host");
	free(u);
	free(p);
	T_OK(reg_creds_store("127.0.0.1:5000", "alice", "se:cret", &err) == 0, "store credentials (%s)",
	     err.msg);
	T_OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "config.json is mode 0600");
	j = json_load_path(path, &err);
	T_STREQ(jstr(json_object_get(json_object_get(j, "auths"), "127.0.0.1:5000"), "auth"),
		"YWxpY2U6c2U6Y3JldA==", "stored as base64 of user:password");
	T_STREQ(jstr(json_object_get(j, "HttpHeaders"), "X"), "y", "other keys of config.json are kept");
	json_decref(j);
	T_OK(reg_creds_get("127.0.0.1:5000", &u, &p, &err) == 0 && !strcmp(u, "alice") &&
	     !strcmp(p, "se:cret"), "a password with ':' reads back");
	free(u);
	free(p);
	T_OK(reg_creds_store("docker.io", "d", "h", &err) == 0, "store docker.io credentials");
	j = json_load_path(path, &err);
	T_OK(json_object_get(json_object_get(j, "auths"), "https://index.docker.io/v1/") != NULL,
	     "docker.io is stored under docker's key");
	json_decref(j);
	T_OK(reg_creds_get("docker.io", &u, &p, &err) == 0 && !strcmp(u, "d"), "docker.io reads back");
	free(u);
	free(p);
	T_OK(reg_creds_erase("127.0.0.1:5000", &err) == 0, "erase credentials");
	T_OK(reg_creds_erase("127.0.0.1:5000", &err) == 1, "erasing again finds none");
	T_OK(reg_creds_get("127.0.0.1:5000", &u, &p, &err) == 1, "erased credentials are gone");
	T_OK(fs_read_all(path, &raw, &len, &err) == 0 && strstr(raw, "myreg:5000"),
	     "erase leaves other registries");
	free(raw);
	fs_write_atomic(path, "[1]", 3, 0600, &err);
	T_OK(reg_creds_get("x", &u, &p, &err) < 0 && strstr(err.msg, "not a JSON object"),
	     "a config.json that is not an object is an error (%s)", err.msg);
	unlink(path);
}

static void test_conf(const char *dir)
{
	char why[512], path[512];
	struct tug_err err;

	T_OK(reg_conf_line_matches("insecure 10.0.0.0/8", "10.1.2.3:5000"), "conf: CIDR covers an address:port");
	T_OK(!reg_conf_line_matches("insecure 10.0.0.0/8", "11.1.2.3:5000"), "conf: CIDR excludes others");
	T_OK(reg_conf_line_matches("  insecure myhost", "myhost:5000"), "conf: a host covers its ports");
	T_OK(!reg_conf_line_matches("insecure myhost:5000", "myhost:6000"), "conf: host:port is exact");
	T_OK(reg_conf_line_matches("insecure myhost:5000", "myhost:5000"), "conf: host:port matches");
	T_OK(!reg_conf_line_matches("# insecure myhost", "myhost"), "conf: comments");
	T_OK(!reg_conf_line_matches("secure myhost", "myhost"), "conf: other words");
	T_OK(reg_conf_line_matches("insecure fd00::/8", "[fd00::1]:5000"), "conf: IPv6 CIDR");
	T_OK(reg_insecure_allowed("127.0.0.1:5000", why, sizeof(why)), "127.0.0.1 is insecure-allowed");
	T_OK(reg_insecure_allowed("127.3.2.1", why, sizeof(why)), "127.0.0.0/8 is insecure-allowed");
	T_OK(reg_insecure_allowed("localhost:5000", why, sizeof(why)), "localhost is insecure-allowed");
	T_OK(reg_insecure_allowed("[::1]:5000", why, sizeof(why)), "::1 is insecure-allowed");
	setenv("XDG_CONFIG_HOME", dir, 1);
	T_OK(!reg_insecure_allowed("registry.example:5000", why, sizeof(why)),
	     "other registries are not insecure-allowed");
	snprintf(path, sizeof(path), "%s/tug", dir);
	fs_mkdir_p(path, 0700, &err);
	snprintf(path, sizeof(path), "%s/tug/registries.conf", dir);
	fs_write_atomic(path, "# test\ninsecure registry.example:5000\n", 37, 0644, &err);
	T_OK(reg_insecure_allowed("registry.example:5000", why, sizeof(why)) && strstr(why, path),
	     "a registry listed in $XDG_CONFIG_HOME/tug/registries.conf is, and the reason names the file");
	unlink(path);
	T_STREQ(reg_host("docker.io"), "registry-1.docker.io", "docker.io is reached at registry-1.docker.io");
	T_STREQ(reg_host("quay.io"), "quay.io", "other registries are reached at their name");
}

static void test_platforms(void)
{
	struct reg_platform p;
	struct tug_err err;
	json_t *idx;

	T_OK(reg_platform_parse("linux/arm64", &p, &err) == 0 && !strcmp(p.arch, "arm64") &&
	     !strcmp(p.variant, "v8"), "platform linux/arm64 means v8");
	T_OK(reg_platform_parse("arm", &p, &err) == 0 && !strcmp(p.os, "linux") && !strcmp(p.variant, "v7"),
	     "platform arm means linux/arm/v7");
	T_OK(reg_platform_parse("linux/x86_64", &p, &err) == 0 && !strcmp(p.arch, "amd64"),
	     "platform x86_64 is amd64");
	T_OK(reg_platform_parse("windows/amd64", &p, &err) < 0 && err.code == TUG_E_UNSUPPORTED,
	     "a windows platform is refused");
	T_OK(reg_platform_parse("a/b/c/d", &p, &err) < 0 && err.code == TUG_E_INVALID,
	     "a malformed platform is refused");
	idx = json_loads("{\"manifests\":["
			 "{\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
			 "{\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
			 "{\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
			 "{\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}},"
			 "{\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
			 "{\"platform\":{\"os\":\"windows\",\"architecture\":\"amd64\"}}]}", 0, NULL);
	reg_platform_parse("linux/amd64", &p, &err);
	T_OK(reg_index_select(idx, &p) == 4, "index: linux/amd64 entry chosen, not the first");
	reg_platform_parse("linux/arm/v7", &p, &err);
	T_OK(reg_index_select(idx, &p) == 3, "index: the arm variant must match");
	reg_platform_parse("linux/arm64", &p, &err);
	T_OK(reg_index_select(idx, &p) == 0, "index: arm64 v8");
	reg_platform_parse("linux/s390x", &p, &err);
	T_OK(reg_index_select(idx, &p) == -1, "index: no entry for s390x");
	json_decref(idx);
	idx = json_loads("{\"manifests\":[{\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}]}", 0, NULL);
	reg_platform_parse("linux/arm64", &p, &err);
	T_OK(reg_index_select(idx, &p) == 0, "index: arm64 without a variant is v8");
	json_decref(idx);
	reg_platform_host(&p);
	T_OK(!strcmp(p.os, "linux") && p.arch[0], "host platform: linux/%s", p.arch);
}

static void test_manifests(void)
{
	static const char oci[] =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":"
		"\"sha256:0000000000000000000000000000000000000000000000000000000000000001\",\"size\":10},"
		"\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":"
		"\"sha256:0000000000000000000000000000000000000000000000000000000000000002\",\"size\":20},"
		"{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":"
		"\"sha256:0000000000000000000000000000000000000000000000000000000000000003\",\"size\":30}]}";
	static const char helm[] =
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+json\","
		"\"digest\":\"sha256:0000000000000000000000000000000000000000000000000000000000000001\","
		"\"size\":1},\"layers\":[]}";
	static const char nosize[] =
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
		"\"digest\":\"sha256:0000000000000000000000000000000000000000000000000000000000000001\"},"
		"\"layers\":[]}";
	struct reg_manifest m;
	struct tug_err err;
	char d[DIGEST_STR_LEN + 1];

	T_OK(reg_manifest_parse(oci, strlen(oci), NULL, &m, &err) == 0 && m.nlayers == 2 &&
	     m.layers[1].size == 30 && !strcmp(m.config.digest + 70, "1"), "an OCI manifest parses");
	digest_buf(oci, strlen(oci), d);
	T_STREQ(m.digest, d, "a manifest's digest is that of its bytes");
	reg_manifest_release(&m);
	T_OK(reg_manifest_parse("{\"schemaVersion\":1,\"fsLayers\":[]}", 33, NULL, &m, &err) < 0 &&
	     strstr(err.msg, "schema 1"), "a schema 1 manifest is refused clearly");
	T_OK(reg_manifest_parse(helm, strlen(helm), "application/vnd.oci.image.manifest.v1+json",
				&m, &err) < 0 && strstr(err.msg, "not a container image"),
	     "an artifact that is not an image is refused (%s)", err.msg);
	T_OK(reg_manifest_parse(nosize, strlen(nosize), NULL, &m, &err) < 0 && strstr(err.msg, "size"),
	     "a descriptor without a size is refused");
	T_OK(reg_layer_type_ok("application/vnd.oci.image.layer.v1.tar+gzip") &&
	     !reg_layer_type_ok("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"),
	     "layer media types: gzip yes, foreign (windows) no");
}

static void test_origin(void)
{
	T_OK(reg_same_origin("http://reg:80/v2/", "http://reg/v2/x"), "origin: the default port is the port");
	T_OK(reg_same_origin("https://REG.example/v2/", "https://reg.example:443/x"), "origin: host case");
	T_OK(!reg_same_origin("https://reg/v2/", "http://reg/v2/"), "origin: the scheme counts");
	T_OK(!reg_same_origin("http://127.0.0.1:5000/", "http://127.0.0.1:5001/"), "origin: the port counts");
	T_OK(!reg_same_origin("http://127.0.0.1:5000/", "http://127.0.0.2:5000/"), "origin: the host counts");
	T_OK(!reg_same_origin("not a url", "http://a/"), "origin: junk is not the same");
}

int main(void)
{
	char dir[] = "/tmp/tug-test-registry.XXXXXX";

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_challenges();
	test_base64();
	test_creds(dir);
	test_conf(dir);
	test_platforms();
	test_manifests();
	test_origin();
	{
		struct tug_err err;
		fs_rm_rf(dir, &err);
	}
	return T_DONE();
}
