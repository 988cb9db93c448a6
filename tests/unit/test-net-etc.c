/* test-net-etc.c - a container's resolv.conf and hosts, and the in-place
 * rewrite that keeps a bind-mounted file's inode. */
#include "t.h"
#include "runtime/net-etc.h"
#include "util/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_resolv(void)
{
	const char *host = "# generated\nnameserver 127.0.0.53\nnameserver 192.0.2.53\n"
			   "search example.org\noptions edns0\n";
	json_t *h = json_object();
	char *r;

	r = etc_render_resolv(host, h, 1);
	T_STREQ(r, "search example.org\nnameserver 192.0.2.53\noptions edns0\n",
		"host's resolv.conf without loopback nameservers");
	free(r);
	r = etc_render_resolv("nameserver 127.0.0.1\n", h, 1);
	T_STREQ(r, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n", "docker's fallback on a bridge network");
	free(r);
	r = etc_render_resolv("nameserver 127.0.0.1\n", h, 0);
	T_STREQ(r, "", "no fallback without a network");
	free(r);
	json_object_set_new(h, "Dns", json_pack("[s,s]", "10.0.0.53", "10.0.0.54"));
	json_object_set_new(h, "DnsSearch", json_pack("[s]", "corp.test"));
	json_object_set_new(h, "DnsOptions", json_pack("[s,s]", "ndots:2", "timeout:1"));
	r = etc_render_resolv(host, h, 1);
	T_STREQ(r, "search corp.test\nnameserver 10.0.0.53\nnameserver 10.0.0.54\noptions ndots:2 timeout:1\n",
		"--dns, --dns-search and --dns-option replace the host's");
	free(r);
	json_decref(h);
}

static void test_hosts(void)
{
	json_t *extra = json_pack("[s,s,s]", "db:10.1.2.3", "gw=host-gateway", "v6:fd00::1");
	json_t *own = json_pack("[s]", "10.66.0.2\tabc123 web");
	json_t *peers = json_pack("[s]", "10.66.0.3\tcache redis 0123456789ab");
	char *h = etc_render_hosts(extra, "10.66.0.1", own, peers);
	struct tug_err e;

	T_OK(strstr(h, "127.0.0.1\tlocalhost\n") == h, "localhost first");
	T_OK(strstr(h, "10.1.2.3\tdb\n") && strstr(h, "10.66.0.1\tgw\n") && strstr(h, "fd00::1\tv6\n"),
	     "--add-host entries, host-gateway resolved");
	T_OK(strstr(h, "10.66.0.2\tabc123 web\n") && strstr(h, "10.66.0.3\tcache redis 0123456789ab\n"),
	     "own and peer lines");
	free(h);
	h = etc_render_hosts(extra, NULL, NULL, NULL);
	T_OK(!strstr(h, "\tgw\n"), "host-gateway is dropped without a gateway");
	free(h);
	json_decref(extra);
	json_decref(own);
	json_decref(peers);
	T_OK(etc_check_extra_host("a:1.2.3.4", &e) == 0 && etc_check_extra_host("a=::1", &e) == 0 &&
	     etc_check_extra_host("a:host-gateway", &e) == 0, "valid --add-host values");
	T_OK(etc_check_extra_host("a", &e) < 0 && etc_check_extra_host("a:notanip", &e) < 0 &&
	     etc_check_extra_host(":1.2.3.4", &e) < 0, "invalid --add-host values");
}

static void test_inplace(void)
{
	char path[] = "/tmp/tug-etc.XXXXXX";
	int fd = mkstemp(path);
	struct stat a, b;
	struct tug_err e;
	char *txt = NULL;
	size_t len = 0;

	if (fd < 0) {
		T_OK(0, "temp file");
		return;
	}
	if (write(fd, "a long first version of the file\n", 33) != 33)
		T_OK(0, "write");
	close(fd);
	stat(path, &a);
	T_OK(etc_write_inplace(path, "short\n", 6, &e) == 0, "rewrite in place");
	stat(path, &b);
	fs_read_all(path, &txt, &len, &e);
	T_OK(a.st_ino == b.st_ino && txt && !strcmp(txt, "short\n"), "same inode, new contents only");
	free(txt);
	unlink(path);
}

int main(void)
{
	test_resolv();
	test_hosts();
	test_inplace();
	return T_DONE();
}
