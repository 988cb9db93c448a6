/* net-nl.c - rtnetlink requests over a raw NETLINK_ROUTE socket. */
#include "runtime/net-nl.h"
#include "util/str.h"

#include <endian.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REQ_SIZE 1024

struct req {
	struct nlmsghdr h;
	char data[REQ_SIZE];
};

static void req_init(struct req *r, int type, int flags, const void *hdr, size_t hlen)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_type = (unsigned short)type;
	r->h.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	r->h.nlmsg_len = (unsigned)NLMSG_LENGTH(hlen);
	memcpy(NLMSG_DATA(&r->h), hdr, hlen);
}

static struct rtattr *attr_put(struct req *r, int type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)&r->h + NLMSG_ALIGN(r->h.nlmsg_len));
	size_t total = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_SPACE(len);

	if (total > sizeof(*r))
		abort(); /* requests are built from fixed, small parts */
	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = (unsigned)total;
	return a;
}

static struct rtattr *nest_start(struct req *r, int type)
{
	return attr_put(r, type, NULL, 0);
}

static void nest_end(struct req *r, struct rtattr *a)
{
	a->rta_len = (unsigned short)((char *)&r->h + r->h.nlmsg_len - (char *)a);
}

static void *tail(struct req *r)
{
	return (char *)&r->h + NLMSG_ALIGN(r->h.nlmsg_len);
}

int nl_open(struct nl *nl, struct tug_err *err)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	nl->seq = (uint32_t)getpid();
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return tug_errno(err, "open a netlink socket");
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		tug_errno(err, "bind the netlink socket");
		close(nl->fd);
		nl->fd = -1;
		return -1;
	}
	return 0;
}

int nl_open_netns(struct nl *nl, int nsfd, struct tug_err *err)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), rc;

	/* setns(CLONE_NEWNET) moves only the calling thread, and the socket
	 * keeps the namespace it was made in: hop in, make it, hop back */
	nl->fd = -1;
	if (self < 0)
		return tug_errno(err, "open this process's network namespace");
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		close(self);
		return tug_errno(err, "join the container's network namespace");
	}
	rc = nl_open(nl, err);
	if (setns(self, CLONE_NEWNET) < 0) {
		/* cannot happen short of a kernel bug; staying in the
		 * container's namespace would misdirect everything after */
		abort();
	}
	close(self);
	return rc;
}

void nl_close(struct nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

/* Send r (its flags completed by the caller) and read the replies to it:
 * fn (may be NULL) sees every message that is not an error or the end of
 * a dump and returns > 0 to stop with that value. Returns 0 at the ack
 * or the end of the dump, -errno on a kernel error. */
static int exchange(struct nl *nl, struct req *r, int (*fn)(struct nlmsghdr *h, void *ctx),
		    void *ctx)
{
	char buf[32768];
	uint32_t seq = ++nl->seq;

	r->h.nlmsg_seq = seq;
	if (send(nl->fd, &r->h, r->h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(nl->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			int v;
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (fn && (v = fn(h, ctx)) > 0)
				return v;
		}
	}
}

/* Send r and wait for its ack; returns 0 or -errno. */
static int talk(struct nl *nl, struct req *r)
{
	r->h.nlmsg_flags |= NLM_F_ACK;
	return exchange(nl, r, NULL, NULL);
}

/* Run a dump; fn sees every message of the reply. */
static int dump(struct nl *nl, struct req *r, int (*fn)(struct nlmsghdr *h, void *ctx), void *ctx)
{
	r->h.nlmsg_flags |= NLM_F_DUMP;
	return exchange(nl, r, fn, ctx);
}

static int fail(struct tug_err *err, int rc, const char *what, const char *name)
{
	errno = -rc;
	return tug_errno(err, "%s %s", what, name);
}

static int link_index_of(struct nlmsghdr *h, void *ctx)
{
	(void)ctx;
	return h->nlmsg_type == RTM_NEWLINK ? ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index : 0;
}

int nl_link_index(struct nl *nl, const char *name, struct tug_err *err)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct req r;
	int rc;

	req_init(&r, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	attr_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	rc = exchange(nl, &r, link_index_of, NULL);
	if (rc == -ENODEV)
		return 0;
	if (rc < 0)
		return fail(err, rc, "look up interface", name);
	return rc;
}

int nl_bridge_add(struct nl *nl, const char *name, struct tug_err *err)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	struct req r;
	struct rtattr *li;
	int rc;

	req_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	attr_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	li = nest_start(&r, IFLA_LINKINFO);
	attr_put(&r, IFLA_INFO_KIND, "bridge", 6);
	nest_end(&r, li);
	rc = talk(nl, &r);
	if (rc == -EEXIST)
		return tug_errf(err, TUG_E_CONFLICT,
				"create bridge %s: an interface with that name already exists and is not tug's", name);
	if (rc < 0)
		return fail(err, rc, "create bridge", name);
	rc = nl_link_index(nl, name, err);
	if (rc == 0)
		return tug_errf(err, TUG_E_GENERIC, "create bridge %s: it vanished right after creation", name);
	return rc;
}

int nl_veth_add(struct nl *nl, const char *name, int master, const char *peer,
		const unsigned char peer_mac[6], int peer_nsfd, struct tug_err *err)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	struct req r;
	struct rtattr *li, *data, *pa;
	struct ifinfomsg *pifi;
	uint32_t v;
	int rc;

	req_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	attr_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	if (master > 0) {
		v = (uint32_t)master;
		attr_put(&r, IFLA_MASTER, &v, sizeof(v));
	}
	li = nest_start(&r, IFLA_LINKINFO);
	attr_put(&r, IFLA_INFO_KIND, "veth", 4);
	data = nest_start(&r, IFLA_INFO_DATA);
	/* the peer's payload is an ifinfomsg followed by its own attributes */
	pa = nest_start(&r, VETH_INFO_PEER);
	pifi = tail(&r);
	memset(pifi, 0, sizeof(*pifi));
	/* not up yet: a veth opened before its pair is complete fails with
	 * ENOTCONN; the caller brings it up from inside the namespace */
	pifi->ifi_family = AF_UNSPEC;
	r.h.nlmsg_len = (unsigned)(NLMSG_ALIGN(r.h.nlmsg_len) + NLMSG_ALIGN(sizeof(*pifi)));
	attr_put(&r, IFLA_IFNAME, peer, strlen(peer) + 1);
	if (peer_mac)
		attr_put(&r, IFLA_ADDRESS, peer_mac, 6);
	v = (uint32_t)peer_nsfd;
	attr_put(&r, IFLA_NET_NS_FD, &v, sizeof(v));
	nest_end(&r, pa);
	nest_end(&r, data);
	nest_end(&r, li);
	rc = talk(nl, &r);
	if (rc == -EEXIST)
		return tug_errf(err, TUG_E_CONFLICT, "create veth %s: the name is already taken", name);
	if (rc < 0)
		return fail(err, rc, "create veth pair", name);
	return 0;
}

int nl_link_del(struct nl *nl, const char *name, struct tug_err *err)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct req r;
	int rc;

	req_init(&r, RTM_DELLINK, 0, &ifi, sizeof(ifi));
	attr_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	rc = talk(nl, &r);
	if (rc == -ENODEV || rc == 0)
		return 0;
	return fail(err, rc, "delete interface", name);
}

int nl_link_up(struct nl *nl, int ifindex, struct tug_err *err)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex,
				 .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	struct req r;
	int rc;

	req_init(&r, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	rc = talk(nl, &r);
	if (rc < 0) {
		char what[32];
		snprintf(what, sizeof(what), "#%d", ifindex);
		return fail(err, rc, "bring up interface", what);
	}
	return 0;
}

int nl_addr_add(struct nl *nl, int ifindex, uint32_t addr, int len, struct tug_err *err)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)len,
				 .ifa_scope = RT_SCOPE_UNIVERSE, .ifa_index = (unsigned)ifindex };
	struct req r;
	uint32_t be = htobe32(addr), bc = htobe32(addr | ~net4_mask(len));
	int rc;

	req_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, &ifa, sizeof(ifa));
	attr_put(&r, IFA_LOCAL, &be, 4);
	attr_put(&r, IFA_ADDRESS, &be, 4);
	if (len < 31)
		attr_put(&r, IFA_BROADCAST, &bc, 4);
	rc = talk(nl, &r);
	if (rc < 0) {
		char a[16];
		return fail(err, rc, "add address", ip4_fmt(addr, a));
	}
	return 0;
}

int nl_route_default(struct nl *nl, int ifindex, uint32_t gw, struct tug_err *err)
{
	struct rtmsg rt = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN,
			    .rtm_protocol = RTPROT_BOOT, .rtm_scope = RT_SCOPE_UNIVERSE,
			    .rtm_type = RTN_UNICAST };
	struct req r;
	uint32_t be = htobe32(gw), oif = (uint32_t)ifindex;
	int rc;

	req_init(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &rt, sizeof(rt));
	attr_put(&r, RTA_GATEWAY, &be, 4);
	attr_put(&r, RTA_OIF, &oif, 4);
	rc = talk(nl, &r);
	if (rc < 0) {
		char a[16];
		return fail(err, rc, "add default route via", ip4_fmt(gw, a));
	}
	return 0;
}

struct routes_ctx {
	struct net4 *v;
	size_t n, cap;
};

static int on_route(struct nlmsghdr *h, void *p)
{
	struct routes_ctx *c = p;
	struct rtmsg *rm = NLMSG_DATA(h);
	int len = (int)RTM_PAYLOAD(h);
	struct rtattr *a;
	uint32_t dst = 0;

	if (h->nlmsg_type != RTM_NEWROUTE || rm->rtm_family != AF_INET || rm->rtm_dst_len == 0)
		return 0;
	for (a = RTM_RTA(rm); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) == 4) {
			memcpy(&dst, RTA_DATA(a), 4);
			dst = be32toh(dst);
		}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n].addr = dst & net4_mask(rm->rtm_dst_len);
	c->v[c->n].len = rm->rtm_dst_len;
	c->n++;
	return 0;
}

int nl_routes4(struct nl *nl, struct net4 **out, size_t *n, struct tug_err *err)
{
	struct rtmsg rt = { .rtm_family = AF_INET };
	struct routes_ctx c = { 0 };
	struct req r;
	int rc;

	req_init(&r, RTM_GETROUTE, 0, &rt, sizeof(rt));
	rc = dump(nl, &r, on_route, &c);
	if (rc < 0) {
		free(c.v);
		return fail(err, rc, "list", "routes");
	}
	*out = c.v;
	*n = c.n;
	return 0;
}
