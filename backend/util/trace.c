#include "util/trace.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

int trace_on;
static double t0;
/* the CLI's stderr, kept open: the monitor points its own stderr at
 * /dev/null once the CLI goes, and its last phases matter most */
static int trace_fd = 2;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void trace_init(void)
{
	const char *v = getenv("TUG_TRACE");
	const char *base = getenv("TUG_TRACE_T0");

	trace_on = v && *v && strcmp(v, "0");
	if (!trace_on)
		return;
	/* children of the CLI (monitor, container) share the CLI's zero */
	t0 = base ? atof(base) : now_ms();
	{
		int fd = fcntl(2, F_DUPFD_CLOEXEC, 100);
		if (fd >= 0)
			trace_fd = fd;
	}
	if (!base) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%.6f", t0);
		setenv("TUG_TRACE_T0", buf, 1);
	}
}

void trace_mark_(const char *what)
{
	struct rusage ru;

	/* page faults so far: after a fork each first write to a page is a
	 * copy, and they are much of a container start's cost */
	getrusage(RUSAGE_SELF, &ru);
	dprintf(trace_fd, "trace %+9.3f ms [%d] %-40s flt %ld\n", now_ms() - t0, (int)getpid(), what,
		ru.ru_minflt);
}
