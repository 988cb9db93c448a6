/* cli-login.c - `tug login` / `tug logout`, as docker's: credentials are
 * checked against the registry, then kept in docker's config.json
 * ($DOCKER_CONFIG/config.json or ~/.docker/config.json, mode 0600). */
#include "cli.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define HELP_ONLY(r) ((r) > 0 ? 0 : 125)

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* One line from the terminal, echoed or not. */
static char *prompt(const char *what, int echo)
{
	struct termios old, quiet;
	char buf[1024];
	FILE *tty = fopen("/dev/tty", "r+e");
	int restored = 0;

	if (!tty)
		return NULL;
	fputs(what, tty);
	fflush(tty);
	if (!echo && tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
		restored = 1;
	}
	if (!fgets(buf, sizeof(buf), tty))
		buf[0] = '\0';
	if (restored) {
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
		fputc('\n', tty);
	}
	fclose(tty);
	chomp(buf);
	return xstrdup(buf);
}

static char *read_stdin(void)
{
	struct sbuf b = SBUF_INIT;
	char buf[4096];
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			sbuf_add(&b, buf, (size_t)n);
	sbuf_add(&b, "", 0);
	chomp(b.s);
	return sbuf_detach(&b);
}

int cmd_login(struct cli *c, int argc, char **argv)
{
	const char *user = NULL, *pass = NULL;
	int pass_stdin = 0, tls_verify = 1;
	const struct cli_opt opts[] = {
		{ 'u', "username", OPT_STR, &user, "USER", "Username" },
		{ 'p', "password", OPT_STR, &pass, "PASS", "Password (insecure: use --password-stdin)" },
		{ 0, "password-stdin", OPT_BOOL, &pass_stdin, NULL, "Read the password from stdin" },
		{ 0, "tls-verify", OPT_BOOL, &tls_verify, NULL, "Require HTTPS with a verified certificate" },
		{ 0, NULL, 0, NULL, NULL, NULL },
	};
	struct tug_registry_opts o = { 0 };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	char *u = NULL, *p = NULL;
	int optind, r, rc = 125;

	r = cli_parse("login", "[OPTIONS] [SERVER]", opts, argc, argv, 0, &optind);
	if (r)
		return HELP_ONLY(r);
	if (cli_nargs(argv + optind) > 1)
		return cli_failf("login: takes at most one server\nUsage: tug login [OPTIONS] [SERVER]");
	if (pass && pass_stdin)
		return cli_failf("login: --password and --password-stdin are mutually exclusive");
	if (pass_stdin && !user)
		return cli_failf("login: must provide --username with --password-stdin");
	if (pass)
		fprintf(stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
	u = user ? xstrdup(user) : prompt("Username: ", 1);
	if (!u || !*u) {
		cli_failf("login: %s", u ? "a username is needed" :
			  "cannot perform an interactive login without a terminal: use -u and --password-stdin");
		goto out;
	}
	p = pass ? xstrdup(pass) : pass_stdin ? read_stdin() : prompt("Password: ", 0);
	if (!p || !*p) {
		cli_failf("login: %s", p ? "a password is needed" :
			  "cannot read a password without a terminal: use --password-stdin");
		goto out;
	}
	ep = cli_endpoint(c);
	if (!ep)
		goto out;
	o.username = u;
	o.password = p;
	o.insecure = !tls_verify;
	if (backend_registry_login(ep, argv[optind], &o, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	printf("Login Succeeded\n");
	rc = 0;
out:
	free(u);
	if (p) {
		memset(p, 0, strlen(p));
		free(p);
	}
	return rc;
}

int cmd_logout(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = { { 0, NULL, 0, NULL, NULL, NULL } };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	const char *server;
	int optind, r;

	r = cli_parse("logout", "[SERVER]", opts, argc, argv, 0, &optind);
	if (r)
		return HELP_ONLY(r);
	if (cli_nargs(argv + optind) > 1)
		return cli_failf("logout: takes at most one server\nUsage: tug logout [SERVER]");
	server = argv[optind] ? argv[optind] : "docker.io";
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	if (backend_registry_logout(ep, server, &err) < 0) {
		/* docker: not being logged in is not an error */
		if (err.code == TUG_E_NOTFOUND) {
			printf("Not logged in to %s\n", server);
			return 0;
		}
		return cli_fail(&err);
	}
	printf("Removing login credentials for %s\n", server);
	return 0;
}
