/* t.h - a tiny TAP producer for C unit tests. Each check prints one
 * "ok N - what" / "not ok N - what" line; tests/run.sh counts them. */
#ifndef TUG_T_H
#define TUG_T_H

#include <stdio.h>
#include <string.h>

static int t_n, t_failed;

#define T_OK(cond, ...) do { \
	int t_c = !!(cond); \
	t_n++; \
	if (t_c) { printf("ok %d - ", t_n); } \
	else { t_failed++; printf("not ok %d - ", t_n); } \
	printf(__VA_ARGS__); printf("\n"); \
	if (!t_c) printf("#   %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	fflush(stdout); \
} while (0)

#define T_STREQ(a, b, ...) do { \
	const char *t_a = (a), *t_b = (b); \
	int t_eq = t_a && t_b && !strcmp(t_a, t_b); \
	T_OK(t_eq, __VA_ARGS__); \
	if (!t_eq) printf("#   got '%s', want '%s'\n", t_a ? t_a : "(null)", t_b ? t_b : "(null)"); \
} while (0)

#define T_SKIP(why, ...) do { \
	t_n++; printf("ok %d - ", t_n); printf(__VA_ARGS__); printf(" # SKIP %s\n", why); \
	fflush(stdout); \
} while (0)

#define T_DONE() (printf("1..%d\n", t_n), t_failed ? 1 : 0)

#endif
