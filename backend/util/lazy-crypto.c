/* lazy-crypto.c - libcrypto, loaded on first use (see util/lazy.h).
 * Linked in, its initialiser probes the CPU (cpuid, a trap on virtual
 * machines) at every start of tug, while only image digests need it. */
#include "util/lazy.h"

#include <openssl/evp.h>

static struct lazy_lib lib_crypto = { "libcrypto.so.3", "libssl3", NULL };

EVP_MD_CTX *EVP_MD_CTX_new(void)
{
	static EVP_MD_CTX *(*fn)(void);

	if (!fn)
		fn = (EVP_MD_CTX * (*)(void)) lazy_sym(&lib_crypto, "EVP_MD_CTX_new");
	return fn();
}

void EVP_MD_CTX_free(EVP_MD_CTX *ctx)
{
	static void (*fn)(EVP_MD_CTX *);

	if (!fn)
		fn = (void (*)(EVP_MD_CTX *))lazy_sym(&lib_crypto, "EVP_MD_CTX_free");
	fn(ctx);
}

const EVP_MD *EVP_sha256(void)
{
	static const EVP_MD *(*fn)(void);

	if (!fn)
		fn = (const EVP_MD *(*)(void))lazy_sym(&lib_crypto, "EVP_sha256");
	return fn();
}

int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)
{
	static int (*fn)(EVP_MD_CTX *, const EVP_MD *, ENGINE *);

	if (!fn)
		fn = (int (*)(EVP_MD_CTX *, const EVP_MD *, ENGINE *))lazy_sym(&lib_crypto,
									     "EVP_DigestInit_ex");
	return fn(ctx, type, impl);
}

int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt)
{
	static int (*fn)(EVP_MD_CTX *, const void *, size_t);

	if (!fn)
		fn = (int (*)(EVP_MD_CTX *, const void *, size_t))lazy_sym(&lib_crypto, "EVP_DigestUpdate");
	return fn(ctx, d, cnt);
}

int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s)
{
	static int (*fn)(EVP_MD_CTX *, unsigned char *, unsigned int *);

	if (!fn)
		fn = (int (*)(EVP_MD_CTX *, unsigned char *, unsigned int *))lazy_sym(&lib_crypto,
										     "EVP_DigestFinal_ex");
	return fn(ctx, md, s);
}
