/* registry-login.c - `tug login` / `tug logout`: credentials are checked
 * against the registry (its token server, or /v2/ with Basic auth) before
 * they are stored, as docker does. */
#include "runtime/ops.h"
#include "runtime/registry.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

/* "https://index.docker.io/v1/", "myreg:5000/", "" -> "docker.io", "myreg:5000" */
static int normalize(const char *in, char *out, size_t size, struct tug_err *err)
{
	const char *p = in ? in : "";
	size_t n;

	if (str_has_prefix(p, "https://"))
		p += 8;
	else if (str_has_prefix(p, "http://"))
		p += 7;
	n = strcspn(p, "/");
	if (n == 0 || (n == 15 && !strncmp(p, "index.docker.io", n)) ||
	    (n == 20 && !strncmp(p, "registry-1.docker.io", n)))
		p = "docker.io", n = 9;
	if (n >= size || strchr(p, ' ') || strchr(p, '@'))
		return tug_errf(err, TUG_E_INVALID, "invalid registry \"%s\": expected HOST[:PORT]", in);
	snprintf(out, size, "%.*s", (int)n, p);
	return 0;
}

int rt_reg_login(struct rt *rt, const char *registry, const struct tug_registry_opts *o,
		 struct tug_err *err)
{
	struct reg_req rq = { .url = "/v2/" };
	struct reg_resp resp = { 0 };
	struct reg_client *c = NULL;
	char domain[256];
	int rc = -1;

	(void)rt;
	if (normalize(registry, domain, sizeof(domain), err) < 0)
		return -1;
	if (!o || !o->username || !*o->username || !o->password || !*o->password)
		return tug_errf(err, TUG_E_INVALID, "login %s: a username and a password are needed", domain);
	if (reg_open(domain, NULL, NULL, o, &c, err) < 0)
		goto fail;
	if (reg_do(c, &rq, &resp, err) < 0)
		goto fail;
	if (resp.status == 401 || resp.status == 403) {
		tug_errf(err, TUG_E_PERM, "unauthorized: incorrect username or password");
		goto fail;
	}
	if (resp.status != 200) {
		reg_resp_error(c, &resp, "GET /v2/", err);
		goto fail;
	}
	if (reg_creds_store(domain, o->username, o->password, err) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	tug_err_wrap(err, "login %s", domain);
out:
	reg_resp_release(&resp);
	reg_close(c);
	return rc;
}

int rt_reg_logout(struct rt *rt, const char *registry, struct tug_err *err)
{
	char domain[256];
	int r;

	(void)rt;
	if (normalize(registry, domain, sizeof(domain), err) < 0)
		return -1;
	r = reg_creds_erase(domain, err);
	if (r < 0)
		return tug_err_wrap(err, "logout %s", domain);
	if (r > 0)
		return tug_errf(err, TUG_E_NOTFOUND, "not logged in to %s", domain);
	return 0;
}
