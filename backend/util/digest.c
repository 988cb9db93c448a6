#include "util/digest.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct digest_ctx {
	EVP_MD_CTX *md;
};

struct digest_ctx *digest_new(void)
{
	struct digest_ctx *c = xmalloc(sizeof(*c));

	c->md = EVP_MD_CTX_new();
	if (!c->md || EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1) {
		fputs("tug: libcrypto cannot initialise sha256\n", stderr);
		abort();
	}
	return c;
}

void digest_update(struct digest_ctx *c, const void *data, size_t len)
{
	EVP_DigestUpdate(c->md, data, len);
}

void digest_final(struct digest_ctx *c, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_DigestFinal_ex(c->md, md, &n);
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < n; i++)
		sprintf(out + 7 + 2 * i, "%02x", md[i]);
	digest_free(c);
}

void digest_free(struct digest_ctx *c)
{
	if (!c)
		return;
	EVP_MD_CTX_free(c->md);
	free(c);
}

void digest_buf(const void *data, size_t len, char *out)
{
	struct digest_ctx *c = digest_new();
	digest_update(c, data, len);
	digest_final(c, out);
}

int digest_file(const char *path, char *out, long long *size, struct tug_err *err)
{
	char buf[65536];
	long long total = 0;
	struct digest_ctx *c;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return tug_errno(err, "open %s", path);
	c = digest_new();
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			tug_errno(err, "read %s", path);
			digest_free(c);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		digest_update(c, buf, (size_t)n);
		total += n;
	}
	close(fd);
	digest_final(c, out);
	if (size)
		*size = total;
	return 0;
}

int digest_valid(const char *s)
{
	if (strncmp(s, "sha256:", 7))
		return 0;
	for (int i = 0; i < DIGEST_HEX_LEN; i++) {
		char ch = s[7 + i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return 0;
	}
	return s[7 + DIGEST_HEX_LEN] == '\0';
}
