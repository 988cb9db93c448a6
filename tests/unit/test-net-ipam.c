/* test-net-ipam.c - address leases and host port reservations on a
 * private root: exhaustion, round robin, fixed addresses, reclaiming the
 * leases of dead monitors, and 20 racing processes that must all get
 * different addresses. No root needed, no network touched. */
#include "t.h"
#include "runtime/net-ipam.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct rt rt;

static json_t *lease_for(const char *ctr, pid_t monitor)
{
	json_t *l = json_object();
	jset_str(l, "Container", ctr);
	jset_str(l, "Name", ctr);
	jset_int(l, "MonitorPid", monitor);
	jset_int(l, "MonitorStart", (int64_t)rt_pid_start_ticks(monitor));
	return l;
}

static void mknet(struct netw *n, const char *name, const char *cidr)
{
	char path[PATH_MAX];
	struct tug_err e;

	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	net4_parse(cidr, 0, &n->subnet, &e);
	n->gateway = n->subnet.addr + 1;
	snprintf(path, sizeof(path), "%s/networks/%s", rt.root, name);
	fs_mkdir_p(path, 0700, &e);
}

static pid_t dead_pid(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	return p;
}

static void test_exhaust_and_reuse(void)
{
	struct netw n;
	struct tug_err e;
	uint32_t got[6] = { 0 }, a;
	char name[16];
	int rc, distinct = 1;

	mknet(&n, "small", "10.9.0.0/29");
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		rc = ipam_alloc(&rt, &n, 0, lease_for(name, getpid()), &got[i], &e);
		T_OK(rc == 0, "lease %d of 5 in a /29: %s", i + 1, rc ? e.msg : "ok");
	}
	for (int i = 0; i < 5; i++) {
		if (got[i] == n.gateway || got[i] == n.subnet.addr || got[i] == net4_bcast(&n.subnet))
			distinct = 0;
		for (int j = 0; j < i; j++)
			if (got[i] == got[j])
				distinct = 0;
	}
	T_OK(distinct, "five different usable addresses, never the gateway, network or broadcast");
	rc = ipam_alloc(&rt, &n, 0, lease_for("c5", getpid()), &a, &e);
	T_OK(rc < 0 && e.code == TUG_E_CONFLICT && strstr(e.msg, "no free address"),
	     "a sixth is refused: %s", e.msg);
	json_decref(ipam_release(&rt, "small", "c2"));
	rc = ipam_alloc(&rt, &n, 0, lease_for("c6", getpid()), &a, &e);
	T_OK(rc == 0 && a == got[2], "a released address is leased again");
	rc = ipam_alloc(&rt, &n, got[0], lease_for("c7", getpid()), &a, &e);
	T_OK(rc < 0 && e.code == TUG_E_CONFLICT && strstr(e.msg, "c0"),
	     "a fixed address in use is refused, naming the holder: %s", e.msg);
	rc = ipam_alloc(&rt, &n, n.gateway, lease_for("c7", getpid()), &a, &e);
	T_OK(rc < 0 && e.code == TUG_E_INVALID, "the gateway cannot be leased: %s", e.msg);
	rc = ipam_alloc(&rt, &n, got[0], lease_for("c0", getpid()), &a, &e);
	T_OK(rc == 0 && a == got[0], "the holder may take its own address again");
}

static void test_round_robin(void)
{
	struct netw n;
	struct tug_err e;
	uint32_t a, b;
	int rc;

	mknet(&n, "rr", "10.9.1.0/24");
	ipam_alloc(&rt, &n, 0, lease_for("x", getpid()), &a, &e);
	json_decref(ipam_release(&rt, "rr", "x"));
	rc = ipam_alloc(&rt, &n, 0, lease_for("y", getpid()), &b, &e);
	T_OK(rc == 0 && b == a + 1, "the next lease does not reuse a just-released address at once");
}

static void test_reclaim_dead(void)
{
	struct netw n;
	struct tug_err e;
	uint32_t a;
	pid_t dead = dead_pid();
	int rc, ok = 1;

	mknet(&n, "stale", "10.9.2.0/29");
	for (int i = 0; i < 5; i++) {
		char name[16];
		snprintf(name, sizeof(name), "d%d", i);
		ok &= ipam_alloc(&rt, &n, 0, lease_for(name, i == 3 ? dead : getpid()), &a, &e) == 0;
	}
	T_OK(ok, "fill a /29, one lease held by a monitor that died");
	rc = ipam_alloc(&rt, &n, 0, lease_for("new", getpid()), &a, &e);
	T_OK(rc == 0, "the dead monitor's lease is reclaimed when the network is full");
	{
		json_t *all = ipam_load(&rt, "stale"), *l;
		const char *ip;
		int d3 = 0;
		json_object_foreach(json_object_get(all, "Leases"), ip, l)
			if (!strcmp(jstr(l, "Container"), "d3"))
				d3++;
		T_OK(!d3 && json_object_size(json_object_get(all, "Leases")) == 5, "and only that one");
		json_decref(all);
	}
}

static void test_race(void)
{
	struct netw n;
	pid_t kids[20];
	int fails = 0;

	mknet(&n, "race", "10.9.3.0/24");
	for (int i = 0; i < 20; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			struct tug_err e;
			char name[16];
			uint32_t a;
			int lk = net_lock(&rt, &e), rc;
			snprintf(name, sizeof(name), "r%d", i);
			rc = ipam_alloc(&rt, &n, 0, lease_for(name, getppid()), &a, &e);
			fs_unlock(lk);
			if (lk < 0 || rc < 0)
				printf("# child %d: %s\n", i, e.msg);
			fflush(stdout);
			_exit(lk < 0 || rc < 0);
		}
	}
	for (int i = 0; i < 20; i++) {
		int st;
		waitpid(kids[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fails++;
	}
	T_OK(fails == 0, "20 racing processes each got a lease (%d failed)", fails);
	{
		json_t *all = ipam_load(&rt, "race");
		T_OK(json_object_size(json_object_get(all, "Leases")) == 20,
		     "20 distinct addresses recorded (%zu)", json_object_size(json_object_get(all, "Leases")));
		json_decref(all);
	}
}

static void test_hostports(void)
{
	struct port_list a = { 0 }, b = { 0 }, c = { 0 }, back = { 0 };
	struct tug_err e;
	uint32_t *ips = NULL;
	int rc;

	/* a port no one listens on, chosen by the kernel, then released */
	portspec_parse("127.0.0.1:0:80", &a, &e); /* refused: port 0 */
	port_list_release(&a);
	rc = portspec_parse("127.0.0.1::80", &a, &e);
	rc |= hostport_reserve(&rt, "ctr-a", "a", 0x0a000002, &a, getpid(), &e);
	T_OK(rc == 0 && a.v[0].host_lo > 0, "a random host port is resolved (%u)", a.v[0].host_lo);
	{
		char spec[64];
		snprintf(spec, sizeof(spec), "%u:81", a.v[0].host_lo);
		portspec_parse(spec, &b, &e);
	}
	rc = hostport_reserve(&rt, "ctr-b", "b", 0x0a000003, &b, getpid(), &e);
	T_OK(rc < 0 && e.code == TUG_E_CONFLICT && strstr(e.msg, "container a"),
	     "0.0.0.0 overlaps 127.0.0.1 on the same port: %s", e.msg);
	portspec_parse("127.0.0.1:49999-50001:82", &c, &e);
	rc = hostport_reserve(&rt, "ctr-c", "c", 0x0a000004, &c, dead_pid(), &e);
	T_OK(rc == 0 && c.v[0].host_lo >= 49999 && c.v[0].host_lo <= 50001, "a port from a range");
	hostport_release(&rt, "ctr-a", &back, &ips);
	T_OK(back.n == 1 && back.v[0].host_lo == a.v[0].host_lo && ips && ips[0] == 0x0a000002 &&
	     back.v[0].ctr_port == 80, "release gives the binding back with the container address");
	free(ips);
	port_list_release(&back);
	hostport_release(&rt, NULL, &back, &ips);
	T_OK(back.n == 1 && back.v[0].ctr_port == 82, "releasing for dead monitors finds only those");
	free(ips);
	port_list_release(&back);
	port_list_release(&a);
	port_list_release(&b);
	port_list_release(&c);
}

int main(void)
{
	char dir[] = "/tmp/tug-ipam.XXXXXX";
	struct tug_err e;

	if (!mkdtemp(dir) || rt_init(&rt, dir, dir, &e) < 0) {
		printf("not ok 1 - set up a private root\n");
		return 1;
	}
	test_exhaust_and_reuse();
	test_round_robin();
	test_reclaim_dead();
	test_race();
	test_hostports();
	fs_rm_rf(dir, &e);
	return T_DONE();
}
