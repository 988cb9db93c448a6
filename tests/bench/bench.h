/* bench.h - what the bench helpers share: a monotonic clock in ms and the
 * one-line summary tests/bench.sh parses:
 *   [LABEL ]runs=N median_ms=.. min_ms=.. max_ms=.. mean_ms=.. */
#ifndef TUG_BENCH_H
#define TUG_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sorts v and prints the summary line; label may be NULL. */
static inline void bench_report(const char *label, double *v, int n)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	printf("%s%sruns=%d median_ms=%.4f min_ms=%.4f max_ms=%.4f mean_ms=%.4f\n",
	       label ? label : "", label ? " " : "", n,
	       n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[0], v[n - 1], sum / n);
}

#endif
