/* format.c - small formatters the views share. */
#include "console.h"
#include "util/str.h"

#include <stdio.h>

const char *con_fmt_ago(char *buf, size_t size, int64_t when_ns)
{
	char d[64];
	int64_t secs;

	if (when_ns <= 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	secs = (now_ns() - when_ns) / 1000000000LL;
	if (secs < 1) {
		snprintf(buf, size, "Less than a second ago");
		return buf;
	}
	fmt_duration(d, sizeof(d), secs);
	snprintf(buf, size, "%s ago", d);
	return buf;
}

const char *con_fmt_rate(char *buf, size_t size, double bps)
{
	char s[32];

	fmt_size(s, sizeof(s), bps);
	snprintf(buf, size, "%s/s", s);
	return buf;
}
