/* net-fw.c - tug's firewall rules through libnftables, or iptables where
 * nftables is unavailable; see net-fw.h for the design. */
#include "runtime/net-fw.h"
#include "runtime/dirlist.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"
#include "util/trace.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <nftables/libnftables.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- libnftables, loaded on first use ---- */

static struct {
	int tried, ok;
	struct nft_ctx *ctx;
	struct nft_ctx *(*ctx_new)(uint32_t);
	int (*run)(struct nft_ctx *, const char *);
	int (*buffer_output)(struct nft_ctx *);
	int (*buffer_error)(struct nft_ctx *);
	const char *(*get_output)(struct nft_ctx *);
	const char *(*get_error)(struct nft_ctx *);
	void (*set_flags)(struct nft_ctx *, unsigned int);
} nft;

static int nft_load(void)
{
	void *h;

	if (nft.tried)
		return nft.ok;
	nft.tried = 1;
	/* lazy binding: only the few functions used get resolved */
	h = dlopen("libnftables.so.1", RTLD_LAZY | RTLD_LOCAL);
	if (!h)
		return 0;
	*(void **)&nft.ctx_new = dlsym(h, "nft_ctx_new");
	*(void **)&nft.run = dlsym(h, "nft_run_cmd_from_buffer");
	*(void **)&nft.buffer_output = dlsym(h, "nft_ctx_buffer_output");
	*(void **)&nft.buffer_error = dlsym(h, "nft_ctx_buffer_error");
	*(void **)&nft.get_output = dlsym(h, "nft_ctx_get_output_buffer");
	*(void **)&nft.get_error = dlsym(h, "nft_ctx_get_error_buffer");
	*(void **)&nft.set_flags = dlsym(h, "nft_ctx_output_set_flags");
	if (!nft.ctx_new || !nft.run || !nft.buffer_output || !nft.buffer_error || !nft.get_output ||
	    !nft.get_error || !nft.set_flags)
		return 0;
	nft.ctx = nft.ctx_new(NFT_CTX_DEFAULT);
	if (!nft.ctx)
		return 0;
	nft.buffer_output(nft.ctx);
	nft.buffer_error(nft.ctx);
	nft.ok = 1;
	return 1;
}

/* Run an nft batch whose failure is expected or ignored; the buffered
 * messages are dropped so they never show up in a later error. */
static int nft_try(const char *cmds)
{
	int rc = nft.run(nft.ctx, cmds);
	nft.get_error(nft.ctx);
	nft.get_output(nft.ctx);
	return rc;
}

/* Run an nft batch (all or nothing). On failure err gets nft's first
 * error line, prefixed with what. */
static int nft_cmd(const char *cmds, const char *what, struct tug_err *err)
{
	nft.get_error(nft.ctx);
	if (nft.run(nft.ctx, cmds) == 0)
		return 0;
	if (err) {
		const char *e = nft.get_error(nft.ctx);
		size_t n = e ? strcspn(e, "\n") : 0;
		tug_errf(err, TUG_E_GENERIC, "%s: nftables: %.*s", what, (int)n, n ? e : "failed");
	}
	return -1;
}

/* ---- iptables, by its own command (no output is read) ---- */

static const char *ipt_bin(void)
{
	static const char *const cands[] = { "/usr/sbin/iptables", "/sbin/iptables", "/usr/bin/iptables" };
	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++)
		if (access(cands[i], X_OK) == 0)
			return cands[i];
	return NULL;
}

/* iptables -w ARGS (NULL-terminated); returns its exit status, -1 when
 * it cannot run. */
static int ipt_argv(const char *const *args)
{
	const char *argv[48], *bin = ipt_bin();
	int n = 0, status;
	pid_t pid;

	if (!bin)
		return -1;
	argv[n++] = "iptables";
	argv[n++] = "-w";
	for (; *args && n < 47; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int ipt(const char *first, ...)
{
	const char *argv[40];
	int n = 0;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a && n < 39; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return ipt_argv(argv);
}

/* iptables -t TABLE OP CHAIN SPEC... */
static int ipt_rule(const char *table, const char *op, const char *chain, const char *const *spec)
{
	const char *a[48];
	int n = 0;

	a[n++] = "-t";
	a[n++] = table;
	a[n++] = op;
	a[n++] = chain;
	for (; *spec && n < 47; spec++)
		a[n++] = *spec;
	a[n] = NULL;
	return ipt_argv(a);
}

/* ---- state ----
 * Per root (networks/host.json): the firewall backend it chose.
 * Per host (/run/tug-host.json, under /run/tug-host.lock): what any tug
 * root changed on the host before it (ip_forward's value, whether
 * iptables' filter table existed), so the last reset that leaves no
 * bridge behind can put them back. /run is a tmpfs: a reboot forgets
 * both the changes and the record. */

#define HOST_STATE "/run/tug-host.json"
#define HOST_LOCK "/run/tug-host.lock"

static json_t *host_state(struct rt *rt)
{
	char path[PATH_MAX];
	struct tug_err e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/networks/host.json", rt->root);
	j = access(path, F_OK) == 0 ? json_load_path(path, &e) : NULL;
	return j ? j : json_object();
}

static void host_state_save(struct rt *rt, json_t *j)
{
	char path[PATH_MAX];
	struct tug_err e;

	snprintf(path, sizeof(path), "%s/networks", rt->root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/networks/host.json", rt->root);
	json_save_path(path, j, &e);
}

/* The host-wide record, locked; give it back with global_done. */
static json_t *global_state(int *lk)
{
	struct tug_err e;
	json_t *j = NULL;

	*lk = fs_lock(HOST_LOCK, &e);
	if (access(HOST_STATE, F_OK) == 0)
		j = json_load_path(HOST_STATE, &e);
	return j ? j : json_object();
}

static void global_done(json_t *j, int lk, int save)
{
	struct tug_err e;

	if (save) {
		if (json_object_size(j))
			json_save_path(HOST_STATE, j, &e);
		else
			unlink(HOST_STATE);
	}
	json_decref(j);
	fs_unlock(lk);
}

const char *fw_backend(struct rt *rt)
{
	static char chosen[16];
	json_t *st;
	const char *env, *rec;

	if (chosen[0])
		return chosen;
	st = host_state(rt);
	rec = jstr(st, "Firewall");
	env = getenv("TUG_FIREWALL");
	if (rec)
		snprintf(chosen, sizeof(chosen), "%s", rec);
	else if (env && (!strcmp(env, "iptables") || !strcmp(env, "nftables")))
		snprintf(chosen, sizeof(chosen), "%s", env);
	else
		/* nftables is unavailable without libnftables or without the
		 * kernel's nf_tables (listing fails there) */
		snprintf(chosen, sizeof(chosen), "%s",
			 nft_load() && nft_try("list tables") == 0 ? "nftables" : "iptables");
	json_decref(st);
	return chosen;
}

static int use_nft(struct rt *rt)
{
	return !strcmp(fw_backend(rt), "nftables") && nft_load();
}

/* ---- nftables backend ---- */

static int nft_ensure_table(struct rt *rt, const char *t, struct tug_err *err)
{
	struct sbuf b = SBUF_INIT;
	int rc;

	(void)rt;
	sbuf_printf(&b, "list table ip %s", t);
	rc = nft_try(b.s);
	sbuf_release(&b);
	if (rc == 0)
		return 0;
	/* one batch: the table appears complete or not at all */
	sbuf_printf(&b,
		"table ip %1$s {\n"
		" set bridges { type ifname; }\n"
		" set internal { type ifname; }\n"
		" set subnets { type ipv4_addr; flags interval; }\n"
		" set masq { type ipv4_addr; flags interval; }\n"
		" map samenet { type ifname . ifname : verdict; }\n"
		" map tcp_any { type inet_service : ipv4_addr . inet_service; }\n"
		" map tcp_ip { type ipv4_addr . inet_service : ipv4_addr . inet_service; }\n"
		" map udp_any { type inet_service : ipv4_addr . inet_service; }\n"
		" map udp_ip { type ipv4_addr . inet_service : ipv4_addr . inet_service; }\n"
		" chain publish {\n"
		"  meta l4proto tcp dnat ip addr . port to ip daddr . tcp dport map @tcp_ip\n"
		"  meta l4proto tcp dnat ip addr . port to tcp dport map @tcp_any\n"
		"  meta l4proto udp dnat ip addr . port to ip daddr . udp dport map @udp_ip\n"
		"  meta l4proto udp dnat ip addr . port to udp dport map @udp_any\n"
		" }\n"
		" chain prerouting { type nat hook prerouting priority dstnat; policy accept;\n"
		"  fib daddr type local jump publish\n"
		" }\n"
		" chain output { type nat hook output priority -100; policy accept;\n"
		"  fib daddr type local jump publish\n"
		" }\n"
		" chain postrouting { type nat hook postrouting priority srcnat; policy accept;\n"
		"  ip saddr 127.0.0.0/8 oifname @bridges masquerade\n"
		"  ct status dnat ip saddr @subnets oifname @bridges masquerade\n"
		"  ip saddr @masq oifname != @bridges masquerade\n"
		" }\n"
		" chain forward { type filter hook forward priority filter; policy accept;\n"
		"  ct state established,related accept\n"
		"  ct status dnat oifname @bridges accept\n"
		"  iifname . oifname vmap @samenet\n"
		"  iifname @bridges oifname @bridges drop\n"
		"  iifname @internal drop\n"
		"  oifname @internal drop\n"
		"  oifname @bridges drop\n"
		" }\n"
		"}\n", t);
	rc = nft_cmd(b.s, "create tug's firewall table", err);
	sbuf_release(&b);
	return rc;
}

/* Run each command of a list on its own, ignoring failures: removal of
 * elements that may already be gone. */
static void nft_each(struct sbuf *cmds)
{
	char *save = NULL;

	if (!cmds->s)
		return;
	for (char *c = strtok_r(cmds->s, "\n", &save); c; c = strtok_r(NULL, "\n", &save))
		nft_try(c);
}

static void nft_net_elems(struct sbuf *b, const char *verb, const char *t, const struct netw *n)
{
	char sub[20];

	net4_fmt(&n->subnet, sub);
	sbuf_printf(b, "%s element ip %s bridges { \"%s\" }\n", verb, t, n->bridge);
	sbuf_printf(b, "%s element ip %s samenet { \"%s\" . \"%s\" : accept }\n", verb, t, n->bridge,
		    n->bridge);
	sbuf_printf(b, "%s element ip %s subnets { %s }\n", verb, t, sub);
	if (n->internal)
		sbuf_printf(b, "%s element ip %s internal { \"%s\" }\n", verb, t, n->bridge);
	else
		sbuf_printf(b, "%s element ip %s masq { %s }\n", verb, t, sub);
}

/* ---- iptables backend (where nftables is unavailable) ----
 * nat:    <C>-DNAT      from PREROUTING and OUTPUT (local destinations)
 *         <C>-POST      from POSTROUTING
 * filter: <C>           from FORWARD; its first rules accept established
 *                       and DNAT'd traffic, then <C>-ISO (same-bridge
 *                       accept, cross-network and internal drops), then
 *                       per-network accept/drop. */

static void ipt_chain_name(char *buf, size_t size, const char *base, const char *suffix)
{
	snprintf(buf, size, "%s%s", base, suffix);
}

/* Add a rule unless an identical one is there (-C first). */
static int ipt_ensure_rule(const char *table, const char *chain, const char *const *spec, int insert)
{
	if (ipt_rule(table, "-C", chain, spec) == 0)
		return 0;
	return ipt_rule(table, insert ? "-I" : "-A", chain, spec) == 0 ? 0 : -1;
}

static void ipt_delete_rule(const char *table, const char *chain, const char *const *spec)
{
	/* a rule added twice by hand is removed twice */
	for (int i = 0; i < 8 && ipt_rule(table, "-D", chain, spec) == 0; i++)
		;
}

static void ipt_drop_chain(const char *table, const char *chain, const char *parent)
{
	const char *jump[] = { "-j", chain, NULL };
	const char *jump_local[] = { "-m", "addrtype", "--dst-type", "LOCAL", "-j", chain, NULL };

	if (parent) {
		ipt_delete_rule(table, parent, jump);
		ipt_delete_rule(table, parent, jump_local);
	}
	ipt("-t", table, "-F", chain, NULL);
	ipt("-t", table, "-X", chain, NULL);
}

/* Is iptables' table t (filter, nat) missing, so that tug's next
 * iptables call creates it? Only answerable, and only needed, with
 * iptables-nft, where creating a chain creates the table: record it so
 * the last reset can remove it again once it is empty. */
static void note_table(const char *t)
{
	int lk, save = 0;
	json_t *st, *made;
	char cmd[64];

	if (!nft_load())
		return;
	st = global_state(&lk);
	snprintf(cmd, sizeof(cmd), "list table ip %s", t);
	if (nft_try(cmd) != 0) {
		made = json_object_get(st, "TablesMade");
		if (!made) {
			made = json_array();
			json_object_set_new(st, "TablesMade", made);
		}
		json_array_append_new(made, json_string(t));
		save = 1;
	}
	global_done(st, lk, save);
}

static int ipt_base(const struct net_names *nm, struct tug_err *err)
{
	char dnat[40], post[40], iso[40];
	const char *c = nm->ipt_chain;

	if (!ipt_bin())
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"neither nftables (libnftables) nor iptables is available: install nftables");
	ipt_chain_name(dnat, sizeof(dnat), c, "-DNAT");
	ipt_chain_name(post, sizeof(post), c, "-POST");
	ipt_chain_name(iso, sizeof(iso), c, "-ISO");
	note_table("filter");
	note_table("nat");
	ipt("-t", "filter", "-N", c, NULL);
	ipt("-t", "filter", "-N", iso, NULL);
	ipt("-t", "nat", "-N", dnat, NULL);
	ipt("-t", "nat", "-N", post, NULL);
	{
		const char *est[] = { "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT", NULL };
		const char *toiso[] = { "-j", iso, NULL };
		const char *jc[] = { "-j", c, NULL };
		const char *jd[] = { "-m", "addrtype", "--dst-type", "LOCAL", "-j", dnat, NULL };
		const char *jp[] = { "-j", post, NULL };
		if (ipt_ensure_rule("filter", c, est, 0) < 0 || ipt_ensure_rule("filter", c, toiso, 0) < 0 ||
		    ipt_ensure_rule("filter", "FORWARD", jc, 1) < 0 ||
		    ipt_ensure_rule("nat", "PREROUTING", jd, 1) < 0 ||
		    ipt_ensure_rule("nat", "OUTPUT", jd, 1) < 0 ||
		    ipt_ensure_rule("nat", "POSTROUTING", jp, 1) < 0)
			return tug_errf(err, TUG_E_GENERIC,
					"iptables refused tug's base rules (is the xtables lock stuck?)");
	}
	return 0;
}

/* Rules of one network for the iptables backend; fn adds or deletes. */
static int ipt_net_rules(const struct net_names *nm, const struct netw *n, int add)
{
	char iso[40], post[40], sub[20];
	const char *c = nm->ipt_chain, *br = n->bridge;
	int rc = 0;

	ipt_chain_name(iso, sizeof(iso), c, "-ISO");
	ipt_chain_name(post, sizeof(post), c, "-POST");
	net4_fmt(&n->subnet, sub);
	{
		const char *same[] = { "-i", br, "-o", br, "-j", "ACCEPT", NULL };
		const char *dnat_in[] = { "-o", br, "-m", "conntrack", "--ctstate", "DNAT", "-j", "ACCEPT", NULL };
		const char *in_drop[] = { "-i", br, "-j", "DROP", NULL };
		const char *out_drop[] = { "-o", br, "-j", "DROP", NULL };
		const char *in_ok[] = { "-i", br, "-j", "ACCEPT", NULL };
		const char *lo_masq[] = { "-s", "127.0.0.0/8", "-o", br, "-j", "MASQUERADE", NULL };
		const char *hairpin[] = { "-s", sub, "-o", br, "-m", "conntrack", "--ctstate", "DNAT",
					  "-j", "MASQUERADE", NULL };
		const char *masq[] = { "-s", sub, "!", "-o", br, "-j", "MASQUERADE", NULL };
		if (add) {
			/* ISO: accept within the bridge first, then what must not pass */
			rc |= ipt_ensure_rule("filter", iso, same, 1);
			rc |= ipt_ensure_rule("filter", c, dnat_in, 1);
			if (n->internal) {
				rc |= ipt_ensure_rule("filter", iso, in_drop, 0);
				rc |= ipt_ensure_rule("filter", iso, out_drop, 0);
			} else {
				rc |= ipt_ensure_rule("filter", c, in_ok, 0);
				rc |= ipt_ensure_rule("filter", c, out_drop, 0);
				rc |= ipt_ensure_rule("nat", post, masq, 0);
			}
			rc |= ipt_ensure_rule("nat", post, lo_masq, 0);
			rc |= ipt_ensure_rule("nat", post, hairpin, 0);
		} else {
			ipt_delete_rule("filter", iso, same);
			ipt_delete_rule("filter", c, dnat_in);
			ipt_delete_rule("filter", iso, in_drop);
			ipt_delete_rule("filter", iso, out_drop);
			ipt_delete_rule("filter", c, in_ok);
			ipt_delete_rule("filter", c, out_drop);
			ipt_delete_rule("nat", post, masq);
			ipt_delete_rule("nat", post, lo_masq);
			ipt_delete_rule("nat", post, hairpin);
		}
	}
	return rc ? -1 : 0;
}

/* Cross-network drops (iptables backend): one pair of rules per other
 * network, in the ISO chain after the same-bridge accepts. */
static void ipt_isolate(const struct net_names *nm, const struct netw *n, const char *other, int add)
{
	char iso[40];
	const char *a[] = { "-i", n->bridge, "-o", other, "-j", "DROP", NULL };
	const char *b[] = { "-i", other, "-o", n->bridge, "-j", "DROP", NULL };

	ipt_chain_name(iso, sizeof(iso), nm->ipt_chain, "-ISO");
	if (add) {
		ipt_ensure_rule("filter", iso, a, 0);
		ipt_ensure_rule("filter", iso, b, 0);
	} else {
		ipt_delete_rule("filter", iso, a);
		ipt_delete_rule("filter", iso, b);
	}
}

/* Bridges of the other networks of this root (for pairwise isolation). */
static char **other_bridges(struct rt *rt, const struct netw *n)
{
	char **names = net_list_names(rt), **v = xcalloc(1, sizeof(char *));
	size_t k = 0;

	for (char **p = names; *p; p++) {
		struct netw w;
		struct tug_err e;
		if (net_load(rt, *p, &w, &e) < 0)
			continue;
		if (strcmp(w.bridge, n->bridge)) {
			v = xrealloc(v, (k + 2) * sizeof(char *));
			v[k++] = xstrdup(w.bridge);
			v[k] = NULL;
		}
		netw_release(&w);
	}
	dirlist_free(names);
	return v;
}

/* ---- coexistence: accept rules in iptables' FORWARD (nft backend) ---- */

static void coexist(const struct net_names *nm, const struct netw *n, int add)
{
	const char *c = nm->ipt_chain;
	const char *in_ok[] = { "-i", n->bridge, "-j", "ACCEPT", NULL };
	const char *out_ok[] = { "-o", n->bridge, "-j", "ACCEPT", NULL };
	const char *same_ok[] = { "-i", n->bridge, "-o", n->bridge, "-j", "ACCEPT", NULL };
	const char *jc[] = { "-j", c, NULL };

	if (!ipt_bin())
		return; /* no iptables: nobody can have set a DROP policy there */
	if (add) {
		note_table("filter");
		ipt("-t", "filter", "-N", c, NULL);
		ipt_ensure_rule("filter", "FORWARD", jc, 1);
		if (n->internal) {
			ipt_ensure_rule("filter", c, same_ok, 0);
		} else {
			ipt_ensure_rule("filter", c, in_ok, 0);
			ipt_ensure_rule("filter", c, out_ok, 0);
		}
	} else {
		ipt_delete_rule("filter", c, same_ok);
		ipt_delete_rule("filter", c, in_ok);
		ipt_delete_rule("filter", c, out_ok);
	}
}

/* ---- host settings ---- */

static int set_sysctl(const char *path, const char *val, struct tug_err *err)
{
	char cur[16];

	if (fs_read_small(path, cur, sizeof(cur)) > 0 && !strcmp(cur, val))
		return 0;
	return fs_write_str(path, val, err);
}

static int host_forwarding(struct rt *rt, const struct netw *n, struct tug_err *err)
{
	char path[PATH_MAX], cur[16] = "";

	/* loopback sources may leave through tug's bridges only (published
	 * ports on 127.0.0.1) */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet", n->bridge);
	if (set_sysctl(path, "1", err) < 0)
		return -1;
	if (n->internal)
		return 0;
	(void)rt;
	if (fs_read_small("/proc/sys/net/ipv4/ip_forward", cur, sizeof(cur)) > 0 && strcmp(cur, "1")) {
		int lk, rc;
		json_t *st = global_state(&lk);
		if (!json_object_get(st, "IpForwardWas"))
			jset_str(st, "IpForwardWas", cur);
		rc = fs_write_str("/proc/sys/net/ipv4/ip_forward", "1", err);
		global_done(st, lk, 1);
		if (rc < 0)
			return tug_err_wrap(err, "enable IPv4 forwarding for network %s", n->name);
	}
	return 0;
}

/* ---- the interface ---- */

int fw_network_add(struct rt *rt, const struct netw *n, struct tug_err *err)
{
	struct net_names nm;
	json_t *st = host_state(rt);

	net_names(rt, &nm);
	if (!jstr(st, "Firewall")) {
		jset_str(st, "Firewall", fw_backend(rt));
		host_state_save(rt, st);
	}
	json_decref(st);
	if (host_forwarding(rt, n, err) < 0)
		return -1;
	if (use_nft(rt)) {
		struct sbuf b = SBUF_INIT;
		int rc;
		if (nft_ensure_table(rt, nm.table, err) < 0)
			return -1;
		/* "add element" of an existing element is a no-op: re-activation
		 * after a partial failure converges */
		nft_net_elems(&b, "add", nm.table, n);
		rc = nft_cmd(b.s, "add firewall rules", err);
		sbuf_release(&b);
		if (rc < 0)
			return tug_err_wrap(err, "network %s", n->name);
		coexist(&nm, n, 1);
		return 0;
	}
	if (ipt_base(&nm, err) < 0)
		return -1;
	if (ipt_net_rules(&nm, n, 1) < 0)
		return tug_errf(err, TUG_E_GENERIC, "network %s: iptables refused its rules", n->name);
	{
		char **others = other_bridges(rt, n);
		for (char **o = others; *o; o++)
			ipt_isolate(&nm, n, *o, 1);
		dirlist_free(others);
	}
	return 0;
}

void fw_network_del(struct rt *rt, const struct netw *n)
{
	struct net_names nm;

	net_names(rt, &nm);
	if (use_nft(rt)) {
		struct sbuf b = SBUF_INIT;
		nft_net_elems(&b, "delete", nm.table, n);
		nft_each(&b);
		sbuf_release(&b);
		coexist(&nm, n, 0);
		return;
	}
	ipt_net_rules(&nm, n, 0);
	{
		char **others = other_bridges(rt, n);
		for (char **o = others; *o; o++)
			ipt_isolate(&nm, n, *o, 0);
		dirlist_free(others);
	}
}

static void nft_port_cmds(struct sbuf *b, const char *verb, const char *t, uint32_t ip,
			  const struct port_list *p, const char *comment)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct port_binding *x = &p->v[i];
		char hip[16], cip[16];
		ip4_fmt(x->host_ip, hip);
		ip4_fmt(ip, cip);
		sbuf_printf(b, "%s element ip %s %s_%s { ", verb, t, x->proto, x->host_ip ? "ip" : "any");
		if (x->host_ip)
			sbuf_printf(b, "%s . ", hip);
		sbuf_printf(b, "%u", x->host_lo);
		if (!strcmp(verb, "add")) {
			if (comment)
				sbuf_printf(b, " comment \"%s\"", comment);
			sbuf_printf(b, " : %s . %u", cip, x->ctr_port);
		}
		sbuf_puts(b, " }\n");
	}
}

static void ipt_port(const struct net_names *nm, uint32_t ip, const struct port_binding *x, int add)
{
	char dnat[40], hip[20], hport[8], to[32], cip[16];
	const char *spec[20];
	int k = 0;

	ipt_chain_name(dnat, sizeof(dnat), nm->ipt_chain, "-DNAT");
	snprintf(hip, sizeof(hip), "%s/32", ip4_fmt(x->host_ip, (char[16]){ 0 }));
	snprintf(hport, sizeof(hport), "%u", x->host_lo);
	snprintf(to, sizeof(to), "%s:%u", ip4_fmt(ip, cip), x->ctr_port);
	spec[k++] = "-p";
	spec[k++] = x->proto;
	if (x->host_ip) {
		spec[k++] = "-d";
		spec[k++] = hip;
	}
	spec[k++] = "--dport";
	spec[k++] = hport;
	spec[k++] = "-m";
	spec[k++] = "comment";
	spec[k++] = "--comment";
	/* constant, so that -D finds the rule from ports.json alone */
	spec[k++] = "tug";
	spec[k++] = "-j";
	spec[k++] = "DNAT";
	spec[k++] = "--to-destination";
	spec[k++] = to;
	spec[k] = NULL;
	if (add)
		ipt_ensure_rule("nat", dnat, spec, 0);
	else
		ipt_delete_rule("nat", dnat, spec);
}

int fw_ports_add(struct rt *rt, uint32_t ip, const struct port_list *p, const char *comment,
		 struct tug_err *err)
{
	struct net_names nm;

	if (!p->n)
		return 0;
	net_names(rt, &nm);
	if (use_nft(rt)) {
		struct sbuf b = SBUF_INIT;
		int rc;
		trace_mark("fw: libnftables ready");
		nft_port_cmds(&b, "add", nm.table, ip, p, comment);
		/* the table normally exists (made with the network); make it
		 * only when someone flushed the ruleset meanwhile */
		rc = nft_try(b.s);
		if (rc != 0 && nft_ensure_table(rt, nm.table, err) == 0)
			rc = nft_cmd(b.s, "publish ports", err);
		else if (rc != 0)
			rc = -1;
		sbuf_release(&b);
		return rc;
	}
	for (size_t i = 0; i < p->n; i++)
		ipt_port(&nm, ip, &p->v[i], 1);
	return 0;
}

void fw_ports_del(struct rt *rt, uint32_t ip, const struct port_list *p)
{
	struct net_names nm;

	if (!p->n)
		return;
	net_names(rt, &nm);
	if (use_nft(rt)) {
		struct sbuf b = SBUF_INIT;
		nft_port_cmds(&b, "delete", nm.table, ip, p, NULL);
		/* one batch first (the common case), element by element if an
		 * element was already gone */
		if (nft_try(b.s) != 0) {
			sbuf_release(&b);
			nft_port_cmds(&b, "delete", nm.table, ip, p, NULL);
			nft_each(&b);
		}
		sbuf_release(&b);
		return;
	}
	for (size_t i = 0; i < p->n; i++)
		ipt_port(&nm, ip, &p->v[i], 0);
}

/* Is iptables-nft's table t empty of rules (so tug may delete the table
 * it caused to exist)? Reads nft's JSON listing. */
static int table_empty(const char *t)
{
	const char *out;
	json_t *j, *items, *it;
	size_t i;
	int empty = 1;
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "list table ip %s", t);
	nft.set_flags(nft.ctx, NFT_CTX_OUTPUT_JSON);
	if (nft.run(nft.ctx, cmd) != 0) {
		nft.get_error(nft.ctx);
		nft.set_flags(nft.ctx, 0);
		return 0;
	}
	nft.set_flags(nft.ctx, 0);
	out = nft.get_output(nft.ctx);
	j = out ? json_loads(out, 0, NULL) : NULL;
	items = json_object_get(j, "nftables");
	json_array_foreach(items, i, it) {
		json_t *ch = json_object_get(it, "chain");
		if (json_object_get(it, "rule") || json_object_get(it, "set") || json_object_get(it, "map"))
			empty = 0;
		if (ch && (!jstr(ch, "policy") || strcmp(jstr(ch, "policy"), "accept")))
			empty = 0;
		if (ch && !jstr(ch, "hook"))
			empty = 0; /* a user chain: someone else's */
	}
	json_decref(j);
	return empty;
}

static int any_bridge_left(void)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *de;
	int found = 0;

	if (!d)
		return 1;
	while (!found && (de = readdir(d))) {
		char path[PATH_MAX];
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", de->d_name);
		found = access(path, F_OK) == 0;
	}
	closedir(d);
	return found;
}

int fw_reset(struct rt *rt, struct tug_err *err)
{
	struct net_names nm;
	json_t *st;
	char chain[40];
	int lk, save = 0;

	net_names(rt, &nm);
	if (nft_load()) {
		struct sbuf b = SBUF_INIT;
		sbuf_printf(&b, "delete table ip %s", nm.table);
		nft_try(b.s);
		sbuf_release(&b);
	}
	if (ipt_bin()) {
		ipt_drop_chain("filter", nm.ipt_chain, "FORWARD");
		ipt_chain_name(chain, sizeof(chain), nm.ipt_chain, "-ISO");
		ipt_drop_chain("filter", chain, NULL);
		ipt_chain_name(chain, sizeof(chain), nm.ipt_chain, "-DNAT");
		ipt_drop_chain("nat", chain, "PREROUTING");
		ipt_drop_chain("nat", chain, "OUTPUT");
		ipt_chain_name(chain, sizeof(chain), nm.ipt_chain, "-POST");
		ipt_drop_chain("nat", chain, "POSTROUTING");
	}
	/* the host as tug found it, once no bridge of anyone needs it: with
	 * none left, no tug root (or other runtime) forwards any more */
	st = global_state(&lk);
	if (!any_bridge_left()) {
		json_t *made = json_object_get(st, "TablesMade"), *t;
		size_t i;
		json_array_foreach(made, i, t) {
			char cmd[64];
			snprintf(cmd, sizeof(cmd), "delete table ip %s", json_string_value(t));
			if (nft_load() && table_empty(json_string_value(t)))
				nft_try(cmd);
		}
		if (made) {
			json_object_del(st, "TablesMade");
			save = 1;
		}
		if (jstr(st, "IpForwardWas")) {
			fs_write_str("/proc/sys/net/ipv4/ip_forward", jstr(st, "IpForwardWas"), err);
			json_object_del(st, "IpForwardWas");
			save = 1;
		}
	}
	global_done(st, lk, save);
	return 0;
}
