/* test-kube-config.c - kubeconfig loading: kubectl's merge rules for a
 * KUBECONFIG list, context selection, relative paths, validation messages
 * naming file and field, in-cluster config. Files live in a temp dir. */
#include "t.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "util/fs.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* T_OK evaluates its condition twice: calls with effects go through this */
#define CHECK(cond, ...) do { int check_ok_ = !!(cond); T_OK(check_ok_, __VA_ARGS__); } while (0)

static char dir[64];

static const char *put(const char *name, const char *text)
{
	static char path[8][512];
	static int slot;
	struct tug_err err;
	char *p = path[slot++ % 8];

	snprintf(p, 512, "%s/%s", dir, name);
	{
		char parent[512];
		snprintf(parent, sizeof(parent), "%s", p);
		*strrchr(parent, '/') = '\0';
		fs_mkdir_p(parent, 0700, &err);
	}
	fs_write_atomic(p, text, strlen(text), 0600, &err);
	return p;
}

static const char A[] =
	"apiVersion: v1\nkind: Config\ncurrent-context: ctx1\n"
	"clusters:\n- name: c1\n  cluster:\n    server: https://a.example:6443\n"
	"    certificate-authority: ca.pem\n"
	"users:\n- name: u1\n  user:\n    token: token-from-a\n"
	"contexts:\n- name: ctx1\n  context: {cluster: c1, user: u1, namespace: n1}\n";
static const char B[] =
	"current-context: ctx2\n"
	"clusters:\n- name: c1\n  cluster: {server: 'https://b.example:1'}\n"
	"- name: c2\n  cluster: {server: 'https://c2.example', insecure-skip-tls-verify: true}\n"
	"users:\n- name: u1\n  user: {token: token-from-b}\n- name: u2\n  user: {username: bob, password: pw}\n"
	"contexts:\n- name: ctx2\n  context: {cluster: c2, user: u2}\n"
	"- name: ctx1\n  context: {cluster: c2, user: u2}\n";
static const char PEM[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

static int load(const char *path, const char *ctx, struct kube_config *c, struct tug_err *e)
{
	memset(e, 0, sizeof(*e));
	return kubeconfig_load(path, ctx, c, e);
}

static void merge_rules(void)
{
	struct kube_config c;
	struct tug_err e;
	char list[2048];
	const char *a = put("a", A), *b = put("b", B);

	put("ca.pem", PEM);
	snprintf(list, sizeof(list), "%s:%s/missing:%s", a, dir, b);
	setenv("KUBECONFIG", list, 1);
	CHECK(load(NULL, NULL, &c, &e) == 0, "KUBECONFIG list loads (missing files skipped): %s", e.msg);
	T_STREQ(c.context, "ctx1", "first file's current-context wins");
	T_STREQ(c.server, "https://a.example:6443", "first file's cluster c1 wins");
	T_STREQ(c.token, "token-from-a", "first file's user u1 wins");
	T_STREQ(c.namespace, "n1", "context namespace");
	CHECK(c.ca.len == strlen(PEM) && !memcmp(c.ca.data, PEM, c.ca.len),
	     "relative certificate-authority read from the file's directory");
	CHECK(c.kubeconfig_arg == NULL, "no explicit kubeconfig for kubectl");
	kubeconfig_release(&c);

	CHECK(load(NULL, "ctx2", &c, &e) == 0, "--context picks another context: %s", e.msg);
	T_STREQ(c.server, "https://c2.example", "cluster from the second file");
	CHECK(c.insecure == 1, "insecure-skip-tls-verify");
	T_STREQ(c.username, "bob", "basic auth user");
	T_STREQ(c.namespace, "default", "namespace defaults to default");
	kubeconfig_release(&c);

	snprintf(list, sizeof(list), "%s:%s", b, a);
	setenv("KUBECONFIG", list, 1);
	CHECK(load(NULL, NULL, &c, &e) == 0 && !strcmp(c.context, "ctx2"), "order matters: b first gives ctx2");
	kubeconfig_release(&c);
	CHECK(load(NULL, "ctx1", &c, &e) == 0 && !strcmp(c.server, "https://c2.example"),
	     "a context defined in both files: the first file's definition");
	kubeconfig_release(&c);

	{
		const char *nocur = put("nocur", "contexts:\n- name: z\n  context: {cluster: c1}\n");
		snprintf(list, sizeof(list), "%s:%s", nocur, a);
		setenv("KUBECONFIG", list, 1);
		CHECK(load(NULL, NULL, &c, &e) == 0 && !strcmp(c.context, "ctx1"),
		     "current-context from the first file that sets it");
		kubeconfig_release(&c);
		CHECK(load(NULL, "z", &c, &e) == 0 && !strcmp(c.server, "https://a.example:6443"),
		     "a context may use a cluster from another file");
		kubeconfig_release(&c);
	}

	{
		struct kube_context *ctx;
		size_t n;
		snprintf(list, sizeof(list), "%s:%s", a, b);
		setenv("KUBECONFIG", list, 1);
		CHECK(kubeconfig_contexts(NULL, &ctx, &n, &e) == 0 && n == 2, "contexts of the merged files");
		CHECK(n == 2 && !strcmp(ctx[0].name, "ctx1") && ctx[0].current && !ctx[1].current,
		     "contexts sorted, current marked");
		CHECK(n == 2 && !strcmp(ctx[0].cluster, "c1") && !strcmp(ctx[0].namespace, "n1"),
		     "context fields from the winning file");
		kubeconfig_contexts_free(ctx, n);
	}

	CHECK(load(b, NULL, &c, &e) == 0 && !strcmp(c.context, "ctx2"), "--kubeconfig ignores KUBECONFIG");
	T_STREQ(c.kubeconfig_arg, b, "explicit kubeconfig kept for kubectl");
	kubeconfig_release(&c);
	unsetenv("KUBECONFIG");

	{
		char home[600];
		snprintf(home, sizeof(home), "%s/home", dir);
		setenv("HOME", home, 1);
		CHECK(load(NULL, NULL, &c, &e) < 0 && strstr(e.msg, "no kubeconfig found"),
		     "no kubeconfig anywhere: clear message (%s)", e.msg);
		put("home/.kube/config", B);
		CHECK(load(NULL, NULL, &c, &e) == 0 && !strcmp(c.context, "ctx2"), "~/.kube/config by default");
		kubeconfig_release(&c);
	}
}

static void errors(void)
{
	struct kube_config c;
	struct tug_err e;
	const char *p;

	CHECK(load("/nonexistent/kc", NULL, &c, &e) < 0 && strstr(e.msg, "/nonexistent/kc"),
	     "missing --kubeconfig file named: %s", e.msg);
	p = put("e1", "clusters:\n- name: c\n  cluster: {server: https://x}\ncontexts:\n- name: a\n  context: {cluster: c}\n");
	CHECK(load(p, NULL, &c, &e) < 0 && strstr(e.msg, "no current-context") && strstr(e.msg, "contexts: a"),
	     "no current-context: lists contexts (%s)", e.msg);
	CHECK(load(p, "zz", &c, &e) < 0 && strstr(e.msg, "context \"zz\" not found"), "unknown context: %s", e.msg);
	p = put("e2", "current-context: a\ncontexts:\n- name: a\n  context: {cluster: nope}\n");
	CHECK(load(p, NULL, &c, &e) < 0 && strstr(e.msg, "cluster \"nope\""), "undefined cluster named: %s", e.msg);
	p = put("e3", "current-context: a\nclusters:\n- name: c\n  cluster: {server: https://x}\n"
		      "contexts:\n- name: a\n  context: {cluster: c, user: u}\n"
		      "users:\n- name: u\n  user: {token: t, username: x, password: pw}\n");
	CHECK(load(p, NULL, &c, &e) < 0 && strstr(e.msg, "more than one authentication method"),
	     "token and basic auth together refused: %s", e.msg);
	CHECK(!strstr(e.msg, ": t,") && !strstr(e.msg, "pw"), "the message holds no secret");
	p = put("e4", "current-context: a\nclusters:\n- name: c\n  cluster: {server: https://x}\n"
		      "contexts:\n- name: a\n  context: {cluster: c, user: u}\n"
		      "users:\n- name: u\n  user: {client-certificate-data: '!!!', client-key-data: 'QUJD'}\n");
	CHECK(load(p, NULL, &c, &e) < 0 && strstr(e.msg, p) &&
	     strstr(e.msg, "users[\"u\"].client-certificate-data: not valid base64"),
	     "bad base64 names file and field: %s", e.msg);
	p = put("e5", "current-context: a\nclusters:\n- name: c\n  cluster: {server: https://x}\n"
		      "contexts:\n- name: a\n  context: {cluster: c, user: u}\n"
		      "users:\n- name: u\n  user: {client-certificate-data: LS0tLS1CRUdJTiBYLS0tLS0K}\n");
	CHECK(load(p, NULL, &c, &e) < 0 && strstr(e.msg, "client-key: missing"), "cert without key: %s", e.msg);
	p = put("e6", "current-context: a\nclusters:\n- name: c\n  cluster: {server: https://x, "
		      "insecure-skip-tls-verify: true, certificate-authority-data: LS0tLS1CRUdJTiBYLS0tLS0K}\n"
		      "contexts:\n- name: a\n  context: {cluster: c}\n");
	CHECK(load(p, NULL, &c, &e) < 0 && strstr(e.msg, "insecure-skip-tls-verify"),
	     "insecure with a CA refused: %s", e.msg);
	p = put("e7", "current-context: a\nclusters:\n- name: c\n  cluster: {server: https://x}\n"
		      "contexts:\n- name: a\n  context: {cluster: c, user: u}\n"
		      "users:\n- name: u\n  user: {token: 12345}\n");
	CHECK(load(p, NULL, &c, &e) < 0 && strstr(e.msg, "users[\"u\"].token: expected a string, found a number"),
	     "wrong type named: %s", e.msg);
	p = put("e8", "current-context: a\nclusters:\n- name: c\n  cluster: {server: https://x}\n"
		      "contexts:\n- name: a\n  context: {cluster: c, user: u}\n"
		      "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}\n");
	CHECK(load(p, NULL, &c, &e) < 0 && strstr(e.msg, "exec.apiVersion"), "old exec apiVersion refused: %s", e.msg);
	p = put("e9", "clusters: [\n");
	CHECK(load(p, NULL, &c, &e) < 0 && strstr(e.msg, p) && strstr(e.msg, ":2:"),
	     "YAML syntax error names file and line: %s", e.msg);
	p = put("e10", "clusters: {}\n");
	CHECK(load(p, NULL, &c, &e) < 0 && strstr(e.msg, "clusters: expected a list"), "clusters not a list: %s", e.msg);
	p = put("e11", "current-context: a\nclusters:\n- name: c\n  cluster: {server: https://x}\n"
		       "contexts:\n- name: a\n  context: {cluster: c, user: u}\n"
		       "users:\n- name: u\n  user:\n    auth-provider: {name: gcp}\n");
	CHECK(load(p, NULL, &c, &e) < 0 && strstr(e.msg, "auth-provider"), "legacy auth providers refused: %s", e.msg);
}

static void exec_and_tls(void)
{
	struct kube_config c;
	struct kube_client kc;
	struct tug_err e;
	const char *p;

	p = put("x1", "current-context: a\nclusters:\n- name: c\n  cluster: {server: 'https://10.0.0.9:6443/k8s/',"
		      " tls-server-name: api.internal, proxy-url: 'socks5://127.0.0.1:1080'}\n"
		      "contexts:\n- name: a\n  context: {cluster: c, user: u}\n"
		      "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
		      "      command: bin/plug\n      args: [--a, b]\n      env: [{name: K, value: V}]\n"
		      "      provideClusterInfo: true\n");
	CHECK(load(p, NULL, &c, &e) == 0, "exec plugin config loads: %s", e.msg);
	CHECK(c.exec && !strcmp(c.exec->args[0], "--a") && !strcmp(c.exec->args[1], "b") && !c.exec->args[2],
	     "exec args");
	CHECK(c.exec && !strcmp(c.exec->env[0], "K=V"), "exec env");
	CHECK(c.exec && c.exec->provide_cluster_info, "provideClusterInfo");
	{
		char want[600];
		snprintf(want, sizeof(want), "%s/bin/plug", dir);
		T_STREQ(c.exec ? c.exec->command : NULL, want, "a command with a slash is relative to the file");
	}
	T_STREQ(c.exec ? c.exec->interactive_mode : NULL, "IfAvailable", "interactiveMode default");
	T_STREQ(c.proxy_url, "socks5://127.0.0.1:1080", "proxy-url");
	kubeconfig_release(&c);

	CHECK(kube_client_init(&kc, p, NULL, &e) == 0, "client from that config: %s", e.msg);
	T_STREQ(kc.url_base, "https://api.internal:6443/k8s", "tls-server-name goes in the URL (SNI, verification)");
	T_STREQ(kc.connect_to ? kc.connect_to->data : NULL, "api.internal:6443:10.0.0.9:6443",
		"and the connection goes to the real server");
	kube_client_release(&kc);
}

static void in_cluster(void)
{
	struct kube_config c;
	struct tug_err e;
	char sa[600], home[600];

	snprintf(sa, sizeof(sa), "%s/sa", dir);
	snprintf(home, sizeof(home), "%s/emptyhome", dir);
	put("sa/token", "sa-token\n");
	put("sa/ca.crt", PEM);
	put("sa/namespace", "team-a\n");
	setenv("HOME", home, 1);
	unsetenv("KUBECONFIG");
	setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	setenv("TUG_KUBE_SA_DIR", sa, 1);
	CHECK(load(NULL, NULL, &c, &e) == 0, "in-cluster config: %s", e.msg);
	CHECK(c.in_cluster, "marked in-cluster");
	T_STREQ(c.server, "https://10.96.0.1:443", "server from KUBERNETES_SERVICE_HOST/PORT");
	T_STREQ(c.namespace, "team-a", "namespace from the service account");
	CHECK(c.token_file && strstr(c.token_file, "/sa/token"), "token file from the service account");
	CHECK(c.ca.len == strlen(PEM), "CA from the service account");
	kubeconfig_release(&c);
	setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
	CHECK(load(NULL, NULL, &c, &e) == 0 && !strcmp(c.server, "https://[fd00::1]:443"), "IPv6 service host");
	kubeconfig_release(&c);
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
	unsetenv("TUG_KUBE_SA_DIR");
}

int main(void)
{
	struct tug_err e;
	struct kube_blob b;

	snprintf(dir, sizeof(dir), "/tmp/tug-kc-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	merge_rules();
	errors();
	exec_and_tls();
	in_cluster();
	CHECK(kube_base64_decode("aGVs\nbG8=", &b) == 0 && b.len == 5 && !memcmp(b.data, "hello", 5),
	     "base64 with whitespace");
	free(b.data);
	CHECK(kube_base64_decode("a$b", &b) < 0, "bad base64 refused");
	fs_rm_rf(dir, &e);
	return T_DONE();
}
