/* lazy-curl.c - libcurl, loaded on first use (see util/lazy.h). */
#define CURL_DISABLE_TYPECHECK 1
#include "util/lazy.h"

#include <curl/curl.h>
#include <stdarg.h>

static struct lazy_lib lib_curl = { "libcurl.so.4", "libcurl4", NULL };

/* The variadic setters take exactly one argument after the option: a
 * long, a pointer, a function pointer or a curl_off_t. On the ABIs tug
 * builds for (x86_64, aarch64) all of them travel in one integer
 * register, so forwarding it as a pointer-sized integer is exact. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
CURLcode curl_easy_setopt(CURL *h, CURLoption o, ...)
{
	static CURLcode (*fn)(CURL *, CURLoption, ...);
	va_list ap;
	void *arg;

	if (!fn)
		fn = (CURLcode (*)(CURL *, CURLoption, ...))lazy_sym(&lib_curl, "curl_easy_setopt");
	va_start(ap, o);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fn(h, o, arg);
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO i, ...)
{
	static CURLcode (*fn)(CURL *, CURLINFO, ...);
	va_list ap;
	void *arg;

	if (!fn)
		fn = (CURLcode (*)(CURL *, CURLINFO, ...))lazy_sym(&lib_curl, "curl_easy_getinfo");
	va_start(ap, i);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fn(h, i, arg);
}

CURLMcode curl_multi_setopt(CURLM *m, CURLMoption o, ...)
{
	static CURLMcode (*fn)(CURLM *, CURLMoption, ...);
	va_list ap;
	void *arg;

	if (!fn)
		fn = (CURLMcode (*)(CURLM *, CURLMoption, ...))lazy_sym(&lib_curl, "curl_multi_setopt");
	va_start(ap, o);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fn(m, o, arg);
}

void curl_easy_cleanup(CURL * a0)
{
	static void (*fn)(CURL * a0);

	if (!fn)
		fn = (void (*)(CURL * a0))lazy_sym(&lib_curl, "curl_easy_cleanup");
	fn(a0);
}

CURL * curl_easy_init(void)
{
	static CURL * (*fn)(void);

	if (!fn)
		fn = (CURL * (*)(void))lazy_sym(&lib_curl, "curl_easy_init");
	return fn();
}

CURLcode curl_easy_pause(CURL * a0, int a1)
{
	static CURLcode (*fn)(CURL * a0, int a1);

	if (!fn)
		fn = (CURLcode (*)(CURL * a0, int a1))lazy_sym(&lib_curl, "curl_easy_pause");
	return fn(a0, a1);
}

CURLcode curl_easy_perform(CURL * a0)
{
	static CURLcode (*fn)(CURL * a0);

	if (!fn)
		fn = (CURLcode (*)(CURL * a0))lazy_sym(&lib_curl, "curl_easy_perform");
	return fn(a0);
}

void curl_easy_reset(CURL * a0)
{
	static void (*fn)(CURL * a0);

	if (!fn)
		fn = (void (*)(CURL * a0))lazy_sym(&lib_curl, "curl_easy_reset");
	fn(a0);
}

const char * curl_easy_strerror(CURLcode a0)
{
	static const char * (*fn)(CURLcode a0);

	if (!fn)
		fn = (const char * (*)(CURLcode a0))lazy_sym(&lib_curl, "curl_easy_strerror");
	return fn(a0);
}

void curl_free(void * a0)
{
	static void (*fn)(void * a0);

	if (!fn)
		fn = (void (*)(void * a0))lazy_sym(&lib_curl, "curl_free");
	fn(a0);
}

CURLcode curl_global_init(long a0)
{
	static CURLcode (*fn)(long a0);

	if (!fn)
		fn = (CURLcode (*)(long a0))lazy_sym(&lib_curl, "curl_global_init");
	return fn(a0);
}

void curl_global_cleanup(void)
{
	static void (*fn)(void);

	if (!fn)
		fn = (void (*)(void))lazy_sym(&lib_curl, "curl_global_cleanup");
	fn();
}

CURLMcode curl_multi_add_handle(CURLM * a0, CURL * a1)
{
	static CURLMcode (*fn)(CURLM * a0, CURL * a1);

	if (!fn)
		fn = (CURLMcode (*)(CURLM * a0, CURL * a1))lazy_sym(&lib_curl, "curl_multi_add_handle");
	return fn(a0, a1);
}

CURLMcode curl_multi_assign(CURLM * a0, curl_socket_t a1, void * a2)
{
	static CURLMcode (*fn)(CURLM * a0, curl_socket_t a1, void * a2);

	if (!fn)
		fn = (CURLMcode (*)(CURLM * a0, curl_socket_t a1, void * a2))lazy_sym(&lib_curl, "curl_multi_assign");
	return fn(a0, a1, a2);
}

CURLMcode curl_multi_cleanup(CURLM * a0)
{
	static CURLMcode (*fn)(CURLM * a0);

	if (!fn)
		fn = (CURLMcode (*)(CURLM * a0))lazy_sym(&lib_curl, "curl_multi_cleanup");
	return fn(a0);
}

CURLMsg * curl_multi_info_read(CURLM * a0, int * a1)
{
	static CURLMsg * (*fn)(CURLM * a0, int * a1);

	if (!fn)
		fn = (CURLMsg * (*)(CURLM * a0, int * a1))lazy_sym(&lib_curl, "curl_multi_info_read");
	return fn(a0, a1);
}

CURLM * curl_multi_init(void)
{
	static CURLM * (*fn)(void);

	if (!fn)
		fn = (CURLM * (*)(void))lazy_sym(&lib_curl, "curl_multi_init");
	return fn();
}

CURLMcode curl_multi_remove_handle(CURLM * a0, CURL * a1)
{
	static CURLMcode (*fn)(CURLM * a0, CURL * a1);

	if (!fn)
		fn = (CURLMcode (*)(CURLM * a0, CURL * a1))lazy_sym(&lib_curl, "curl_multi_remove_handle");
	return fn(a0, a1);
}

CURLMcode curl_multi_socket_action(CURLM * a0, curl_socket_t a1, int a2, int * a3)
{
	static CURLMcode (*fn)(CURLM * a0, curl_socket_t a1, int a2, int * a3);

	if (!fn)
		fn = (CURLMcode (*)(CURLM * a0, curl_socket_t a1, int a2, int * a3))lazy_sym(&lib_curl, "curl_multi_socket_action");
	return fn(a0, a1, a2, a3);
}

struct curl_slist * curl_slist_append(struct curl_slist * a0, const char * a1)
{
	static struct curl_slist * (*fn)(struct curl_slist * a0, const char * a1);

	if (!fn)
		fn = (struct curl_slist * (*)(struct curl_slist * a0, const char * a1))lazy_sym(&lib_curl, "curl_slist_append");
	return fn(a0, a1);
}

void curl_slist_free_all(struct curl_slist * a0)
{
	static void (*fn)(struct curl_slist * a0);

	if (!fn)
		fn = (void (*)(struct curl_slist * a0))lazy_sym(&lib_curl, "curl_slist_free_all");
	fn(a0);
}

CURLU * curl_url(void)
{
	static CURLU * (*fn)(void);

	if (!fn)
		fn = (CURLU * (*)(void))lazy_sym(&lib_curl, "curl_url");
	return fn();
}

void curl_url_cleanup(CURLU * a0)
{
	static void (*fn)(CURLU * a0);

	if (!fn)
		fn = (void (*)(CURLU * a0))lazy_sym(&lib_curl, "curl_url_cleanup");
	fn(a0);
}

CURLUcode curl_url_get(CURLU * a0, CURLUPart a1, char ** a2, unsigned int a3)
{
	static CURLUcode (*fn)(CURLU * a0, CURLUPart a1, char ** a2, unsigned int a3);

	if (!fn)
		fn = (CURLUcode (*)(CURLU * a0, CURLUPart a1, char ** a2, unsigned int a3))lazy_sym(&lib_curl, "curl_url_get");
	return fn(a0, a1, a2, a3);
}

CURLUcode curl_url_set(CURLU * a0, CURLUPart a1, const char * a2, unsigned int a3)
{
	static CURLUcode (*fn)(CURLU * a0, CURLUPart a1, const char * a2, unsigned int a3);

	if (!fn)
		fn = (CURLUcode (*)(CURLU * a0, CURLUPart a1, const char * a2, unsigned int a3))lazy_sym(&lib_curl, "curl_url_set");
	return fn(a0, a1, a2, a3);
}

CURLU * curl_url_dup(CURLU * a0)
{
	static CURLU * (*fn)(CURLU * a0);

	if (!fn)
		fn = (CURLU * (*)(CURLU * a0))lazy_sym(&lib_curl, "curl_url_dup");
	return fn(a0);
}

char * curl_easy_escape(CURL * a0, const char * a1, int a2)
{
	static char * (*fn)(CURL * a0, const char * a1, int a2);

	if (!fn)
		fn = (char * (*)(CURL * a0, const char * a1, int a2))lazy_sym(&lib_curl, "curl_easy_escape");
	return fn(a0, a1, a2);
}

char * curl_easy_unescape(CURL * a0, const char * a1, int a2, int * a3)
{
	static char * (*fn)(CURL * a0, const char * a1, int a2, int * a3);

	if (!fn)
		fn = (char * (*)(CURL * a0, const char * a1, int a2, int * a3))lazy_sym(&lib_curl, "curl_easy_unescape");
	return fn(a0, a1, a2, a3);
}

CURLMcode curl_multi_perform(CURLM * a0, int * a1)
{
	static CURLMcode (*fn)(CURLM * a0, int * a1);

	if (!fn)
		fn = (CURLMcode (*)(CURLM * a0, int * a1))lazy_sym(&lib_curl, "curl_multi_perform");
	return fn(a0, a1);
}

CURLMcode curl_multi_poll(CURLM * a0, struct curl_waitfd * a1, unsigned int a2, int a3, int * a4)
{
	static CURLMcode (*fn)(CURLM * a0, struct curl_waitfd * a1, unsigned int a2, int a3, int * a4);

	if (!fn)
		fn = (CURLMcode (*)(CURLM * a0, struct curl_waitfd * a1, unsigned int a2, int a3, int * a4))lazy_sym(&lib_curl, "curl_multi_poll");
	return fn(a0, a1, a2, a3, a4);
}

CURLMcode curl_multi_wait(CURLM * a0, struct curl_waitfd * a1, unsigned int a2, int a3, int * a4)
{
	static CURLMcode (*fn)(CURLM * a0, struct curl_waitfd * a1, unsigned int a2, int a3, int * a4);

	if (!fn)
		fn = (CURLMcode (*)(CURLM * a0, struct curl_waitfd * a1, unsigned int a2, int a3, int * a4))lazy_sym(&lib_curl, "curl_multi_wait");
	return fn(a0, a1, a2, a3, a4);
}

CURLMcode curl_multi_wakeup(CURLM * a0)
{
	static CURLMcode (*fn)(CURLM * a0);

	if (!fn)
		fn = (CURLMcode (*)(CURLM * a0))lazy_sym(&lib_curl, "curl_multi_wakeup");
	return fn(a0);
}

CURLMcode curl_multi_timeout(CURLM * a0, long * a1)
{
	static CURLMcode (*fn)(CURLM * a0, long * a1);

	if (!fn)
		fn = (CURLMcode (*)(CURLM * a0, long * a1))lazy_sym(&lib_curl, "curl_multi_timeout");
	return fn(a0, a1);
}

CURLMcode curl_multi_fdset(CURLM * a0, fd_set * a1, fd_set * a2, fd_set * a3, int * a4)
{
	static CURLMcode (*fn)(CURLM * a0, fd_set * a1, fd_set * a2, fd_set * a3, int * a4);

	if (!fn)
		fn = (CURLMcode (*)(CURLM * a0, fd_set * a1, fd_set * a2, fd_set * a3, int * a4))lazy_sym(&lib_curl, "curl_multi_fdset");
	return fn(a0, a1, a2, a3, a4);
}

const char * curl_multi_strerror(CURLMcode a0)
{
	static const char * (*fn)(CURLMcode a0);

	if (!fn)
		fn = (const char * (*)(CURLMcode a0))lazy_sym(&lib_curl, "curl_multi_strerror");
	return fn(a0);
}

char * curl_version(void)
{
	static char * (*fn)(void);

	if (!fn)
		fn = (char * (*)(void))lazy_sym(&lib_curl, "curl_version");
	return fn();
}

curl_version_info_data * curl_version_info(CURLversion a0)
{
	static curl_version_info_data * (*fn)(CURLversion a0);

	if (!fn)
		fn = (curl_version_info_data * (*)(CURLversion a0))lazy_sym(&lib_curl, "curl_version_info");
	return fn(a0);
}

CURL * curl_easy_duphandle(CURL * a0)
{
	static CURL * (*fn)(CURL * a0);

	if (!fn)
		fn = (CURL * (*)(CURL * a0))lazy_sym(&lib_curl, "curl_easy_duphandle");
	return fn(a0);
}

CURLSH * curl_share_init(void)
{
	static CURLSH * (*fn)(void);

	if (!fn)
		fn = (CURLSH * (*)(void))lazy_sym(&lib_curl, "curl_share_init");
	return fn();
}

CURLSHcode curl_share_cleanup(CURLSH * a0)
{
	static CURLSHcode (*fn)(CURLSH * a0);

	if (!fn)
		fn = (CURLSHcode (*)(CURLSH * a0))lazy_sym(&lib_curl, "curl_share_cleanup");
	return fn(a0);
}

CURLcode curl_easy_upkeep(CURL * a0)
{
	static CURLcode (*fn)(CURL * a0);

	if (!fn)
		fn = (CURLcode (*)(CURL * a0))lazy_sym(&lib_curl, "curl_easy_upkeep");
	return fn(a0);
}

CURLHcode curl_easy_header(CURL * a0, const char * a1, size_t a2, unsigned int a3, int a4, struct curl_header ** a5)
{
	static CURLHcode (*fn)(CURL * a0, const char * a1, size_t a2, unsigned int a3, int a4, struct curl_header ** a5);

	if (!fn)
		fn = (CURLHcode (*)(CURL * a0, const char * a1, size_t a2, unsigned int a3, int a4, struct curl_header ** a5))lazy_sym(&lib_curl, "curl_easy_header");
	return fn(a0, a1, a2, a3, a4, a5);
}
