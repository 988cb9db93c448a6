#include "util/str.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("tug: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p) {
		fputs("tug: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("tug: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		sbuf_add(b, tmp, (size_t)n);
		return;
	}
	sbuf_add(b, "", 0);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = b->len + (size_t)n + 1;
		b->s = xrealloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sbuf_release(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *sbuf_detach(struct sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

static char *fmt_units(char *buf, size_t size, double v, double base,
		       const char *const *units)
{
	int i = 0;

	while (v >= base && units[i + 1]) {
		v /= base;
		i++;
	}
	if (i == 0)
		snprintf(buf, size, "%.0f%s", v, units[i]);
	else
		snprintf(buf, size, "%.3g%s", v, units[i]);
	return buf;
}

char *fmt_size(char *buf, size_t size, double bytes)
{
	static const char *const u[] = { "B", "kB", "MB", "GB", "TB", "PB", NULL };
	return fmt_units(buf, size, bytes, 1000.0, u);
}

char *fmt_size_bin(char *buf, size_t size, double bytes)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", NULL };
	return fmt_units(buf, size, bytes, 1024.0, u);
}

char *fmt_duration(char *buf, size_t size, int64_t s)
{
	int64_t m = s / 60, h = m / 60;

	if (s < 1)
		snprintf(buf, size, "Less than a second");
	else if (s == 1)
		snprintf(buf, size, "1 second");
	else if (s < 60)
		snprintf(buf, size, "%lld seconds", (long long)s);
	else if (m == 1)
		snprintf(buf, size, "About a minute");
	else if (m < 60)
		snprintf(buf, size, "%lld minutes", (long long)m);
	else if (h == 1)
		snprintf(buf, size, "About an hour");
	else if (h < 48)
		snprintf(buf, size, "%lld hours", (long long)h);
	else if (h < 24 * 7 * 2)
		snprintf(buf, size, "%lld days", (long long)(h / 24));
	else if (h < 24 * 30 * 2)
		snprintf(buf, size, "%lld weeks", (long long)(h / 24 / 7));
	else if (h < 24 * 365 * 2)
		snprintf(buf, size, "%lld months", (long long)(h / 24 / 30));
	else
		snprintf(buf, size, "%lld years", (long long)(h / 24 / 365));
	return buf;
}

char *fmt_rfc3339(char *buf, size_t size, int64_t ns)
{
	int64_t secs = ns / 1000000000, frac = ns % 1000000000;
	int64_t days, sod, z, era, doe, yoe, doy, mp, d, m, y;

	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	/* by hand, not gmtime_r or strftime: glibc loads /etc/localtime
	 * (tzset) even for a UTC stamp, seven syscalls on the container
	 * start path. Civil date from days since 1970 (H. Hinnant's
	 * proleptic Gregorian algorithm). */
	days = secs / 86400;
	sod = secs % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	snprintf(buf, size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%09lldZ", (long long)y,
		 (long long)m, (long long)d, (long long)(sod / 3600), (long long)(sod / 60 % 60),
		 (long long)(sod % 60), (long long)frac);
	return buf;
}

int parse_rfc3339(const char *s, int64_t *out)
{
	struct tm tm;
	const char *p;
	int64_t frac = 0, scale = 1000000000;
	long off = 0;

	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
			p++;
		}
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int hh, mm;
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return -1;
		off = (hh * 3600 + mm * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	}
	if (*p)
		return -1;
	*out = ((int64_t)timegm(&tm) - off) * 1000000000 + frac;
	return 0;
}

int parse_duration(const char *s, int64_t *out)
{
	int64_t total = 0;
	const char *p = s;

	if (!*p)
		return -1;
	while (*p) {
		char *end;
		double v = strtod(p, &end);
		int64_t unit;
		if (end == p || v < 0)
			return -1;
		p = end;
		if (!strncmp(p, "ms", 2)) { unit = 1000000; p += 2; }
		else if (!strncmp(p, "us", 2)) { unit = 1000; p += 2; }
		else if (!strncmp(p, "ns", 2)) { unit = 1; p += 2; }
		else if (*p == 'h') { unit = 3600LL * 1000000000; p++; }
		else if (*p == 'm') { unit = 60LL * 1000000000; p++; }
		else if (*p == 's') { unit = 1000000000; p++; }
		else return -1;
		total += (int64_t)(v * (double)unit);
	}
	*out = total;
	return 0;
}

int parse_since(const char *s, int64_t now, int64_t *out)
{
	int64_t d;
	char *end;
	double secs;

	if (parse_rfc3339(s, out) == 0)
		return 0;
	if (parse_duration(s, &d) == 0) {
		*out = now - d;
		return 0;
	}
	secs = strtod(s, &end);
	if (end != s && *end == '\0' && secs >= 0) {
		*out = (int64_t)(secs * 1e9);
		return 0;
	}
	return -1;
}

int parse_size(const char *s, int64_t *out)
{
	char *end;
	double v = strtod(s, &end);
	int64_t mul = 1;

	if (end == s || v < 0)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case '\0': break;
	case 'b': mul = 1; break;
	case 'k': mul = 1024; break;
	case 'm': mul = 1024 * 1024; break;
	case 'g': mul = 1024LL * 1024 * 1024; break;
	case 't': mul = 1024LL * 1024 * 1024 * 1024; break;
	default: return -1;
	}
	if (*end) {
		end++;
		if (tolower((unsigned char)*end) == 'i')
			end++;
		if (tolower((unsigned char)*end) == 'b' && mul > 1)
			end++;
		if (*end)
			return -1;
	}
	*out = (int64_t)(v * (double)mul);
	return 0;
}

int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void random_hex_id(char out[65])
{
	unsigned char raw[32];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n > 0)
			got += (size_t)n;
	}
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", raw[i]);
	out[64] = '\0';
}

void random_name(char *out, size_t size)
{
	static const char *const adj[] = {
		"brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen",
		"lucid", "merry", "nimble", "proud", "quiet", "rapid", "sharp", "tidy",
		"vivid", "witty", "zesty", "bold", "crisp", "deft", "frank", "hardy",
	};
	static const char *const noun[] = {
		"otter", "falcon", "badger", "heron", "lynx", "marmot", "osprey", "puffin",
		"raven", "salmon", "tapir", "walrus", "yak", "zebra", "bison", "cobra",
		"dingo", "egret", "ferret", "gecko", "ibis", "jackal", "koala", "lemur",
	};
	unsigned int r[3];

	while (getrandom(r, sizeof(r), 0) != sizeof(r))
		;
	snprintf(out, size, "%s_%s_%u", adj[r[0] % 24], noun[r[1] % 24], r[2] % 1000);
}

int str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}
