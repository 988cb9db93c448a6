/* test-net-portspec.c - docker's -p syntax, its stored form and ps text. */
#include "t.h"
#include "runtime/net-portspec.h"

#include <stdlib.h>

static int parse(const char *s, struct port_list *l, struct tug_err *e)
{
	port_list_release(l);
	return portspec_parse(s, l, e);
}

static void test_forms(void)
{
	struct port_list l = { 0 };
	struct tug_err e;

	T_OK(parse("80", &l, &e) == 0 && l.n == 1 && l.v[0].ctr_port == 80 && l.v[0].host_lo == 0 &&
	     l.v[0].host_ip == 0 && !strcmp(l.v[0].proto, "tcp"), "CTR: random host port, tcp");
	T_OK(parse("8080:80", &l, &e) == 0 && l.n == 1 && l.v[0].host_lo == 8080 && l.v[0].host_hi == 8080 &&
	     l.v[0].ctr_port == 80, "HOST:CTR");
	T_OK(parse("127.0.0.1:8080:80/udp", &l, &e) == 0 && l.n == 1 && l.v[0].host_ip == 0x7f000001 &&
	     !strcmp(l.v[0].proto, "udp"), "IP:HOST:CTR/udp");
	T_OK(parse("127.0.0.1::80", &l, &e) == 0 && l.n == 1 && l.v[0].host_ip == 0x7f000001 &&
	     l.v[0].host_lo == 0, "IP::CTR: random port on one address");
	T_OK(parse("8000-8002:80-82", &l, &e) == 0 && l.n == 3 && l.v[2].host_lo == 8002 &&
	     l.v[2].ctr_port == 82, "ranges map port to port");
	T_OK(parse("8000-8010:80", &l, &e) == 0 && l.n == 1 && l.v[0].host_lo == 8000 &&
	     l.v[0].host_hi == 8010, "a host range for one container port is a range to pick from");
	T_OK(parse("80-81", &l, &e) == 0 && l.n == 2 && l.v[1].ctr_port == 81 && !l.v[1].host_lo,
	     "a container range alone: each on a random port");
	T_OK(parse("80/tcp", &l, &e) == 0 && l.n == 1, "explicit tcp");
	port_list_release(&l);
}

static void test_errors(void)
{
	struct port_list l = { 0 };
	struct tug_err e;
	static const char *const bad[] = {
		"", "0", "65536", "abc", "80/sctp", "8000-8001:80-82", "1.2.3:80:80", "::1:80:80",
		"[::1]:80:80", "a:b:c:d", "80-70", "8080:", ":80",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.msg[0] = '\0';
		T_OK(parse(bad[i], &l, &e) < 0 && e.msg[0] && e.code == TUG_E_INVALID,
		     "refuse '%s': %s", bad[i], e.msg);
	}
	port_list_release(&l);
}

static void test_json_roundtrip(void)
{
	struct port_list l = { 0 }, back = { 0 };
	struct tug_err e;
	json_t *j;
	char *txt;

	portspec_parse("127.0.0.1:8080:80", &l, &e);
	portspec_parse("9000-9001:90-91/udp", &l, &e);
	portspec_parse("443", &l, &e);
	j = portspec_to_json(&l);
	txt = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	T_STREQ(txt, "{\"443/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"\"}],"
		     "\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"}],"
		     "\"90/udp\":[{\"HostIp\":\"\",\"HostPort\":\"9000\"}],"
		     "\"91/udp\":[{\"HostIp\":\"\",\"HostPort\":\"9001\"}]}",
		"docker's PortBindings shape");
	free(txt);
	{
		/* T_OK evaluates its condition twice on failure: no side effects in it */
		int rc = portspec_from_json(j, &back, &e);
		T_OK(rc == 0 && back.n == 4, "and back");
	}
	{
		int found = 0;
		for (size_t i = 0; i < back.n; i++)
			if (back.v[i].ctr_port == 80 && back.v[i].host_ip == 0x7f000001 &&
			    back.v[i].host_lo == 8080)
				found++;
		T_OK(found == 1, "the loopback binding survives the round trip");
	}
	json_decref(j);
	port_list_release(&back);
	port_list_release(&l);
}

static void test_format_and_exposed(void)
{
	struct port_list l = { 0 };
	struct tug_err e;
	char *s;

	portspec_parse("127.0.0.1:8080:80", &l, &e);
	portspec_parse("53:53/udp", &l, &e);
	s = portspec_format(&l);
	T_STREQ(s, "127.0.0.1:8080->80/tcp, 0.0.0.0:53->53/udp", "ps text");
	free(s);
	port_list_release(&l);
	{
		int r1 = portspec_parse_exposed("8080/tcp", &l, &e);
		T_OK(r1 == 0 && l.n == 1 && l.v[0].ctr_port == 8080, "an ExposedPorts key");
		r1 = portspec_parse_exposed("7000-7001/udp", &l, &e);
		T_OK(r1 == 0 && l.n == 3 && !strcmp(l.v[2].proto, "udp"), "an exposed range");
		r1 = portspec_parse_exposed("x/tcp", &l, &e);
		T_OK(r1 < 0, "a bad exposed port");
	}
	port_list_release(&l);
}

int main(void)
{
	test_forms();
	test_errors();
	test_json_roundtrip();
	test_format_and_exposed();
	return T_DONE();
}
