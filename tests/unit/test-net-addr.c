/* test-net-addr.c - IPv4 parsing, subnet arithmetic and the choice of a
 * free subnet from address pools. */
#include "t.h"
#include "runtime/net-addr.h"

#include <stdlib.h>

static struct net4 n4(const char *s)
{
	struct net4 n = { 0, -1 };
	struct tug_err e;
	net4_parse(s, 0, &n, &e);
	return n;
}

static void test_ip4(void)
{
	uint32_t a;
	char buf[16];

	T_OK(ip4_parse("10.66.0.7", &a) == 0 && a == 0x0a420007, "parse a dotted quad");
	T_STREQ(ip4_fmt(0xc0a80101, buf), "192.168.1.1", "format a dotted quad");
	T_OK(ip4_parse("256.1.1.1", &a) < 0, "refuse an octet over 255");
	T_OK(ip4_parse("10.1", &a) < 0, "refuse shorthand forms");
	T_OK(ip4_parse("10.1.1.1 ", &a) < 0, "refuse trailing junk");
	T_OK(ip4_parse("1.2.3.4.5", &a) < 0, "refuse five parts");
	T_OK(ip4_parse("", &a) < 0 && ip4_parse(NULL, &a) < 0, "refuse empty and NULL");
	T_OK(ip4_parse("0001.2.3.4", &a) < 0, "refuse four-digit octets");
}

static void test_net4(void)
{
	struct net4 n;
	struct tug_err e;
	char buf[20];

	T_OK(net4_parse("10.66.0.0/24", 0, &n, &e) == 0 && n.addr == 0x0a420000 && n.len == 24,
	     "parse a CIDR");
	T_OK(net4_parse("10.66.0.5/24", 0, &n, &e) < 0 && strstr(e.msg, "10.66.0.0/24"),
	     "host bits are refused with a suggestion: %s", e.msg);
	T_OK(net4_parse("10.66.0.5/24", 1, &n, &e) == 0 && n.addr == 0x0a420000, "loose parse clears host bits");
	T_OK(net4_parse("10.66.0.0/33", 0, &n, &e) < 0, "refuse /33");
	T_OK(net4_parse("10.66.0.0", 0, &n, &e) < 0, "refuse a CIDR without length");
	T_OK(net4_parse("0.0.0.0/0", 0, &n, &e) == 0 && n.len == 0, "accept /0");
	n = n4("172.17.0.0/16");
	T_STREQ(net4_fmt(&n, buf), "172.17.0.0/16", "format a CIDR");
	T_OK(net4_bcast(&n) == 0xac11ffff, "broadcast address");
	T_OK(net4_contains(&n, 0xac110203) && !net4_contains(&n, 0xac120001), "contains");
	{
		struct net4 a = n4("10.0.0.0/8"), b = n4("10.66.1.0/24"), c = n4("11.0.0.0/8");
		T_OK(net4_overlaps(&a, &b) && net4_overlaps(&b, &a), "a supernet overlaps its subnets both ways");
		T_OK(!net4_overlaps(&a, &c), "disjoint networks do not overlap");
	}
}

static void test_pick(void)
{
	struct net4_pool pools[2] = { { n4("10.66.0.0/15"), 24 }, { n4("192.168.200.0/22"), 24 } };
	struct net4 used[4], out;
	struct tug_err e;
	char buf[20];

	T_OK(net4_pick(pools, 2, NULL, 0, &out, &e) == 0, "pick from an empty host");
	T_STREQ(net4_fmt(&out, buf), "10.66.0.0/24", "the first subnet of the first pool");
	used[0] = n4("10.66.0.0/24");
	used[1] = n4("10.66.1.128/25");   /* a host route inside the second /24 */
	T_OK(net4_pick(pools, 2, used, 2, &out, &e) == 0, "pick around used subnets");
	T_STREQ(net4_fmt(&out, buf), "10.66.2.0/24", "skips taken subnets and partial overlaps");
	used[0] = n4("10.64.0.0/13");     /* a wide route covering the whole first pool */
	T_OK(net4_pick(pools, 2, used, 1, &out, &e) == 0, "next pool when the first is covered");
	T_STREQ(net4_fmt(&out, buf), "192.168.200.0/24", "first subnet of the second pool");
	used[1] = n4("192.168.200.0/22");
	T_OK(net4_pick(pools, 2, used, 2, &out, &e) < 0 && e.code == TUG_E_CONFLICT,
	     "every pool exhausted is an error: %s", e.msg);
	{
		struct net4_pool bad = { n4("10.0.0.0/24"), 16 };
		T_OK(net4_pick(&bad, 1, NULL, 0, &out, &e) < 0, "a pool whose size is wider than its base yields nothing");
	}
}

static void test_mac(void)
{
	unsigned char m[6];
	char buf[18];

	mac_from_ip4(0x0a420002, m);
	T_STREQ(mac_fmt(m, buf), "02:42:0a:42:00:02", "docker's MAC from an IPv4 address");
}

int main(void)
{
	test_ip4();
	test_net4();
	test_pick();
	test_mac();
	return T_DONE();
}
