/* cred.c - token files and exec credential plugins. A plugin runs as a
 * child with its output on non-blocking pipes, so the console's loop
 * never waits for it. */
#include "kube/cred.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define PLUGIN_TIMEOUT_NS (60LL * 1000000000)
#define TOKEN_FILE_TTL_NS (60LL * 1000000000)

struct kube_auth {
	pthread_mutex_t mu;
	const struct kube_config *cfg;
	unsigned gen;

	/* token file cache */
	char *file_token;
	int64_t file_read_ns;

	/* exec plugin */
	int have;                      /* cached credential valid */
	char *token;
	struct kube_blob cert, key;
	int64_t expires_ns;            /* 0 = until a 401 */
	pid_t pid;                     /* running plugin, 0 = none */
	int out_fd, err_fd;
	struct sbuf out, errtxt;
	int64_t started_ns;
	unsigned runs;
};

static void blob_clear(struct kube_blob *b)
{
	if (b->data) {
		explicit_bzero(b->data, b->len);
		free(b->data);
	}
	b->data = NULL;
	b->len = 0;
}

static void secret_clear(char **s)
{
	if (*s) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

static void blob_copy(struct kube_blob *dst, const struct kube_blob *src)
{
	dst->data = NULL;
	dst->len = src->len;
	if (src->data) {
		dst->data = xmalloc(src->len + 1);
		memcpy(dst->data, src->data, src->len);
		dst->data[src->len] = '\0';
	}
}

struct kube_auth *kube_auth_new(const struct kube_config *cfg)
{
	struct kube_auth *a = xcalloc(1, sizeof(*a));

	pthread_mutex_init(&a->mu, NULL);
	a->cfg = cfg;
	a->out_fd = a->err_fd = -1;
	a->gen = 1;
	return a;
}

static void plugin_reap(struct kube_auth *a, int kill_it)
{
	if (a->pid > 0) {
		if (kill_it)
			kill(a->pid, SIGKILL);
		waitpid(a->pid, NULL, 0);
	}
	a->pid = 0;
	if (a->out_fd >= 0)
		close(a->out_fd);
	if (a->err_fd >= 0)
		close(a->err_fd);
	a->out_fd = a->err_fd = -1;
	if (a->out.s)
		explicit_bzero(a->out.s, a->out.len);
	sbuf_release(&a->out);
	sbuf_release(&a->errtxt);
}

static void drop_cached(struct kube_auth *a)
{
	a->have = 0;
	secret_clear(&a->token);
	blob_clear(&a->cert);
	blob_clear(&a->key);
	a->expires_ns = 0;
}

void kube_auth_free(struct kube_auth *a)
{
	if (!a)
		return;
	plugin_reap(a, 1);
	drop_cached(a);
	secret_clear(&a->file_token);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

void kube_cred_release(struct kube_cred *c)
{
	secret_clear(&c->bearer);
	blob_clear(&c->cert);
	blob_clear(&c->key);
}

char *kube_base64_encode(const char *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *d = (const unsigned char *)data;
	char *o = xmalloc(len / 3 * 4 + 5), *p = o;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*p++ = tab[d[i] >> 2];
		*p++ = tab[(d[i] & 3) << 4 | d[i + 1] >> 4];
		*p++ = tab[(d[i + 1] & 15) << 2 | d[i + 2] >> 6];
		*p++ = tab[d[i + 2] & 63];
	}
	if (i < len) {
		*p++ = tab[d[i] >> 2];
		if (i + 1 < len) {
			*p++ = tab[(d[i] & 3) << 4 | d[i + 1] >> 4];
			*p++ = tab[(d[i + 1] & 15) << 2];
		} else {
			*p++ = tab[(d[i] & 3) << 4];
			*p++ = '=';
		}
		*p++ = '=';
	}
	*p = '\0';
	return o;
}

/* ---- the plugin ---- */

static char *exec_info(const struct kube_config *c)
{
	json_t *j = json_object(), *spec = json_object();
	char *s;

	jset_str(j, "kind", "ExecCredential");
	jset_str(j, "apiVersion", c->exec->api_version);
	jset_bool(spec, "interactive", 0);
	if (c->exec->provide_cluster_info) {
		json_t *cl = json_object();
		jset_str(cl, "server", c->server);
		if (c->tls_server_name)
			jset_str(cl, "tls-server-name", c->tls_server_name);
		if (c->insecure)
			jset_bool(cl, "insecure-skip-tls-verify", 1);
		if (c->ca.len) {
			char *b = kube_base64_encode(c->ca.data, c->ca.len);
			jset_str(cl, "certificate-authority-data", b);
			free(b);
		}
		if (c->proxy_url)
			jset_str(cl, "proxy-url", c->proxy_url);
		json_object_set_new(spec, "cluster", cl);
	}
	json_object_set_new(j, "spec", spec);
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static char **plugin_env(const struct kube_config *c)
{
	size_t n = 0, k = 0;
	char **env;
	char *info = exec_info(c);
	struct sbuf b = SBUF_INIT;

	for (char **e = environ; *e; e++)
		n++;
	for (char **e = c->exec->env; e && *e; e++)
		n++;
	env = xcalloc(n + 2, sizeof(char *));
	for (char **e = environ; *e; e++) {
		int overridden = !strncmp(*e, "KUBERNETES_EXEC_INFO=", 21);
		for (char **x = c->exec->env; x && *x && !overridden; x++) {
			size_t nl = strcspn(*x, "=");
			overridden = !strncmp(*e, *x, nl) && (*e)[nl] == '=';
		}
		if (!overridden)
			env[k++] = xstrdup(*e);
	}
	for (char **e = c->exec->env; e && *e; e++)
		env[k++] = xstrdup(*e);
	sbuf_printf(&b, "KUBERNETES_EXEC_INFO=%s", info);
	env[k++] = sbuf_detach(&b);
	free(info);
	return env;
}

static int plugin_start(struct kube_auth *a, struct tug_err *err)
{
	const struct kube_config *c = a->cfg;
	posix_spawn_file_actions_t fa;
	int out[2], er[2], rc;
	char **argv, **env;
	size_t n = 0;

	if (!strcmp(c->exec->interactive_mode, "Always"))
		return tug_errf(err, TUG_E_PERM,
				"exec plugin \"%s\" for user \"%s\" needs an interactive terminal "
				"(interactiveMode: Always); tug runs plugins without one",
				c->exec->command, c->user_name);
	if (pipe2(out, O_CLOEXEC | O_NONBLOCK) < 0)
		return tug_errno(err, "exec plugin: pipe");
	if (pipe2(er, O_CLOEXEC | O_NONBLOCK) < 0) {
		close(out[0]);
		close(out[1]);
		return tug_errno(err, "exec plugin: pipe");
	}
	for (char **p = c->exec->args; p && *p; p++)
		n++;
	argv = xcalloc(n + 2, sizeof(char *));
	argv[0] = c->exec->command;
	for (size_t i = 0; i < n; i++)
		argv[i + 1] = c->exec->args[i];
	env = plugin_env(c);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, er[1], 2);
	rc = posix_spawnp(&a->pid, c->exec->command, &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	for (char **e = env; *e; e++) {
		if (!strncmp(*e, "KUBERNETES_EXEC_INFO=", 21))
			explicit_bzero(*e, strlen(*e));
		free(*e);
	}
	free(env);
	free(argv);
	close(out[1]);
	close(er[1]);
	if (rc) {
		close(out[0]);
		close(er[0]);
		a->pid = 0;
		if (rc == ENOENT)
			return tug_errf(err, TUG_E_NOTFOUND, "exec plugin \"%s\" for user \"%s\" not found%s%s",
					c->exec->command, c->user_name,
					c->exec->install_hint ? ": " : "",
					c->exec->install_hint ? c->exec->install_hint : "");
		errno = rc;
		return tug_errno(err, "exec plugin \"%s\"", c->exec->command);
	}
	a->out_fd = out[0];
	a->err_fd = er[0];
	a->started_ns = mono_ns();
	a->runs++;
	return 0;
}

/* Read what the pipes hold; 1 when stdout reached EOF. */
static int drain(struct kube_auth *a)
{
	char buf[4096];
	ssize_t n;
	int eof = 0;

	for (;;) {
		n = read(a->out_fd, buf, sizeof(buf));
		if (n > 0) {
			if (a->out.len < (1 << 20))
				sbuf_add(&a->out, buf, (size_t)n);
			continue;
		}
		if (n == 0)
			eof = 1;
		break;
	}
	while ((n = read(a->err_fd, buf, sizeof(buf))) > 0)
		if (a->errtxt.len < 8192)
			sbuf_add(&a->errtxt, buf, (size_t)n);
	explicit_bzero(buf, sizeof(buf));
	return eof;
}

static void last_line(struct sbuf *b, char *out, size_t size)
{
	char *s = b->s ? b->s : "";
	size_t n = b->len;

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	size_t start = n;
	while (start && s[start - 1] != '\n')
		start--;
	snprintf(out, size, "%.*s", (int)(n - start), s + start);
}

static int parse_output(struct kube_auth *a, struct tug_err *err)
{
	const struct kube_config *c = a->cfg;
	json_error_t je;
	json_t *j = json_loadb(a->out.s ? a->out.s : "", a->out.len, 0, &je), *st;
	const char *kind, *ver, *tok, *cert, *key, *exp;

	if (!j)
		return tug_errf(err, TUG_E_GENERIC,
				"exec plugin \"%s\" for user \"%s\" printed no ExecCredential JSON",
				c->exec->command, c->user_name);
	kind = jstr(j, "kind");
	ver = jstr(j, "apiVersion");
	st = json_object_get(j, "status");
	if (!kind || strcmp(kind, "ExecCredential") || !json_is_object(st)) {
		json_decref(j);
		return tug_errf(err, TUG_E_GENERIC,
				"exec plugin \"%s\" for user \"%s\": output is not an ExecCredential with a status",
				c->exec->command, c->user_name);
	}
	if (!ver || strcmp(ver, c->exec->api_version)) {
		tug_errf(err, TUG_E_GENERIC,
			 "exec plugin \"%s\" for user \"%s\": answered apiVersion \"%s\", kubeconfig asks for \"%s\"",
			 c->exec->command, c->user_name, ver ? ver : "", c->exec->api_version);
		json_decref(j);
		return -1;
	}
	tok = jstr(st, "token");
	cert = jstr(st, "clientCertificateData");
	key = jstr(st, "clientKeyData");
	exp = jstr(st, "expirationTimestamp");
	if ((!tok || !*tok) && (!cert || !key)) {
		json_decref(j);
		return tug_errf(err, TUG_E_GENERIC,
				"exec plugin \"%s\" for user \"%s\": the ExecCredential has neither a token nor a client certificate and key",
				c->exec->command, c->user_name);
	}
	if ((cert && !key) || (!cert && key)) {
		json_decref(j);
		return tug_errf(err, TUG_E_GENERIC,
				"exec plugin \"%s\" for user \"%s\": clientCertificateData and clientKeyData must come together",
				c->exec->command, c->user_name);
	}
	drop_cached(a);
	if (tok && *tok)
		a->token = xstrdup(tok);
	if (cert && key) {
		a->cert.data = xstrdup(cert);
		a->cert.len = strlen(cert);
		a->key.data = xstrdup(key);
		a->key.len = strlen(key);
	}
	a->expires_ns = 0;
	if (exp && *exp && parse_rfc3339(exp, &a->expires_ns) < 0) {
		drop_cached(a);
		json_decref(j);
		return tug_errf(err, TUG_E_GENERIC,
				"exec plugin \"%s\": expirationTimestamp \"%s\" is not RFC 3339",
				c->exec->command, exp);
	}
	a->have = 1;
	a->gen++;
	/* wipe the token out of the decoded tree before freeing it */
	if (tok)
		explicit_bzero((char *)tok, strlen(tok));
	if (key)
		explicit_bzero((char *)key, strlen(key));
	json_decref(j);
	return 0;
}

/* Drive a running plugin: 0 done (cache filled), 1 still running, -1 error. */
static int plugin_poll(struct kube_auth *a, int *fd, struct tug_err *err)
{
	const struct kube_config *c = a->cfg;
	int status = 0, eof;
	pid_t r;

	eof = drain(a);
	if (mono_ns() - a->started_ns > PLUGIN_TIMEOUT_NS) {
		plugin_reap(a, 1);
		return tug_errf(err, TUG_E_GENERIC, "exec plugin \"%s\" for user \"%s\" ran over %llds; killed",
				c->exec->command, c->user_name, PLUGIN_TIMEOUT_NS / 1000000000);
	}
	r = waitpid(a->pid, &status, WNOHANG);
	if (r == 0) {
		/* after EOF the pipe is always readable: poll by time instead */
		*fd = eof ? -1 : a->out_fd;
		return 1;
	}
	drain(a);
	if (r < 0)
		status = 0;   /* reaped by someone else: judge by the output */
	a->pid = 0;
	if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status))) {
		char line[300];
		last_line(&a->errtxt, line, sizeof(line));
		plugin_reap(a, 0);
		if (WIFSIGNALED(status))
			return tug_errf(err, TUG_E_GENERIC, "exec plugin \"%s\" for user \"%s\" killed by signal %d%s%s",
					c->exec->command, c->user_name, WTERMSIG(status),
					line[0] ? ": " : "", line);
		return tug_errf(err, TUG_E_PERM, "exec plugin \"%s\" for user \"%s\" failed (exit %d)%s%s",
				c->exec->command, c->user_name, WEXITSTATUS(status),
				line[0] ? ": " : "", line);
	}
	r = parse_output(a, err);
	plugin_reap(a, 0);
	return r < 0 ? -1 : 0;
}

static int token_file(struct kube_auth *a, struct tug_err *err)
{
	char *t;
	size_t len;

	if (a->file_token && mono_ns() - a->file_read_ns < TOKEN_FILE_TTL_NS)
		return 0;
	if (fs_read_all(a->cfg->token_file, &t, &len, err) < 0)
		return tug_err_wrap(err, "user \"%s\": tokenFile", a->cfg->user_name);
	while (len && (t[len - 1] == '\n' || t[len - 1] == '\r' || t[len - 1] == ' '))
		t[--len] = '\0';
	secret_clear(&a->file_token);
	a->file_token = t;
	a->file_read_ns = mono_ns();
	return 0;
}

int kube_auth_get(struct kube_auth *a, struct kube_cred *out, int *fd, struct tug_err *err)
{
	const struct kube_config *c = a->cfg;
	int r = 0;

	memset(out, 0, sizeof(*out));
	*fd = -1;
	pthread_mutex_lock(&a->mu);
	if (c->exec) {
		/* as client-go: used until it expires; a 401 before that (skew,
		 * revocation) also refreshes it */
		if (a->have && a->expires_ns && now_ns() >= a->expires_ns)
			drop_cached(a);
		if (!a->have) {
			if (!a->pid && plugin_start(a, err) < 0) {
				r = -1;
				goto out;
			}
			r = plugin_poll(a, fd, err);
			if (r != 0)
				goto out;
		}
		if (a->token)
			out->bearer = xstrdup(a->token);
		blob_copy(&out->cert, &a->cert);
		blob_copy(&out->key, &a->key);
	} else if (c->token) {
		out->bearer = xstrdup(c->token);
	} else if (c->token_file) {
		if (token_file(a, err) < 0) {
			r = -1;
			goto out;
		}
		out->bearer = xstrdup(a->file_token);
	}
	out->gen = a->gen;
out:
	pthread_mutex_unlock(&a->mu);
	return r;
}

int kube_auth_get_wait(struct kube_auth *a, struct kube_cred *out, struct tug_err *err)
{
	for (;;) {
		int fd, r = kube_auth_get(a, out, &fd, err);
		if (r != 1)
			return r;
		if (fd >= 0) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			poll(&p, 1, 50);
		} else {
			usleep(10000);
		}
	}
}

int kube_auth_invalidate(struct kube_auth *a, unsigned gen)
{
	int r = 0;

	pthread_mutex_lock(&a->mu);
	if (a->cfg->exec) {
		if (a->gen == gen)
			drop_cached(a);
		r = 1;
	} else if (a->cfg->token_file && !a->cfg->token) {
		if (a->gen == gen) {
			secret_clear(&a->file_token);
			a->gen++;
		}
		r = 1;
	}
	pthread_mutex_unlock(&a->mu);
	return r;
}

unsigned kube_auth_plugin_runs(struct kube_auth *a)
{
	unsigned n;

	pthread_mutex_lock(&a->mu);
	n = a->runs;
	pthread_mutex_unlock(&a->mu);
	return n;
}
