/* fdpass.h - the small message protocol between a parent and a child it
 * is setting up (container init, exec helper) over a SOCK_SEQPACKET pair:
 * one tag byte, optionally a passed descriptor or an error record. */
#ifndef TUG_FDPASS_H
#define TUG_FDPASS_H

#include <sys/types.h>
#include "util/err.h"

/* Send tag with fd attached (SCM_RIGHTS). */
void fdpass_send_fd(int sock, char tag, int fd);
/* Send 'E' + code + message: a setup failure for the parent to report. */
void fdpass_send_err(int sock, const struct tug_err *e);
/* Receive one message into buf; *fd gets a passed descriptor or -1.
 * Returns its length, 0 at EOF (the child exec'd or died), -1 on error. */
ssize_t fdpass_recv(int sock, void *buf, size_t size, int *fd);
/* Decode an 'E' message of length n into err. */
void fdpass_decode_err(const char *buf, ssize_t n, struct tug_err *err);

#endif
