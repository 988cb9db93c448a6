#include "runtime/fdpass.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

void fdpass_send_fd(int sock, char tag, int fd)
{
	struct msghdr msg = { 0 };
	struct iovec iov = { &tag, 1 };
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

void fdpass_send_err(int sock, const struct tug_err *e)
{
	char buf[sizeof(e->msg) + 8];
	size_t n = strlen(e->msg);

	buf[0] = 'E';
	memcpy(buf + 1, &e->code, sizeof(int));
	memcpy(buf + 1 + sizeof(int), e->msg, n);
	while (send(sock, buf, 1 + sizeof(int) + n, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

ssize_t fdpass_recv(int sock, void *buf, size_t size, int *fd)
{
	struct msghdr msg = { 0 };
	struct iovec iov = { buf, size };
	char cbuf[CMSG_SPACE(sizeof(int))];
	ssize_t n;

	*fd = -1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		if (c && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	}
	return n;
}

void fdpass_decode_err(const char *buf, ssize_t n, struct tug_err *err)
{
	int code = TUG_E_GENERIC;

	if (n < (ssize_t)(1 + sizeof(int))) {
		tug_errf(err, TUG_E_GENERIC, "container setup failed");
		return;
	}
	memcpy(&code, buf + 1, sizeof(int));
	tug_errf(err, code, "%.*s", (int)(n - 1 - (ssize_t)sizeof(int)), buf + 1 + sizeof(int));
}
