/* graph-pane.h - the live graphs of the detail pane: labelled graphs of
 * one object's samples, laid out in a grid that fits the room.
 *
 * Containers (cumulative counters) get CPU%, memory, network, block I/O
 * and processes. Objects measured by a metrics API (samples.rate: kube
 * pods and nodes) get CPU and memory only, in the figures `kubectl top`
 * prints (millicores, MiB): that API has nothing else, and empty boxes
 * would only look broken.
 */
#ifndef TUG_GRAPH_PANE_H
#define TUG_GRAPH_PANE_H

#include <stddef.h>
#include <stdint.h>
#include "samples.h"
#include "widget-graph.h"

struct graph_pane_opts {
	enum graph_mode mode;
	double cpu_limit;     /* containers: cores the object may use, 0 = none known */
	uint64_t host_mem;    /* containers: a memory limit this big means none; 0 = unknown */
};

/* Draw s's graphs into w at y,x in h rows by wd columns. */
void graph_pane_draw(WINDOW *w, int y, int x, int h, int wd, const struct samples *s,
		     const struct graph_pane_opts *o);

/* Why there are no graphs: a headline (role ROLE_STATUS_WARN) with the
 * detail wrapped below it (muted), centred in the area. detail may be
 * NULL. */
void graph_pane_message(WINDOW *w, int y, int x, int h, int wd, const char *headline,
			const char *detail);

/* Labels of the metrics graphs, as kubectl top counts: CPU in millicores
 * rounded up ("CPU 12m (1.2% of a core)", with a limit or a node's
 * allocatable "CPU 449m / 4 (11%)"), memory in whole MiB ("MEM 233Mi",
 * "MEM 1408Mi / 8Gi (17%)"). limit 0 = none. Return buf. */
const char *graph_pane_cpu_label(char *buf, size_t size, uint64_t nanocores, uint64_t limit_nanocores);
const char *graph_pane_mem_label(char *buf, size_t size, uint64_t bytes, uint64_t limit);

#endif
