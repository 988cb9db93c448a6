/* trace.h - phase timings for the hot paths, printed to stderr when
 * TUG_TRACE=1: "trace +12.345 ms [pid] what". Costs one branch when off;
 * `make bench` uses it to show where a container start spends its time. */
#ifndef TUG_TRACE_H
#define TUG_TRACE_H

extern int trace_on;
void trace_init(void);
void trace_mark_(const char *what);
#define trace_mark(what) do { if (trace_on) trace_mark_(what); } while (0)

#endif
