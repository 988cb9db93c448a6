/* rt.h - the built-in runtime's shared state: where its files live and how
 * a container record looks on disk.
 *
 * Layout under root (default /var/lib/tug):
 *   lock                      global lock: names, image index
 *   containers/<id>/          config.json (what create was asked),
 *                             state.json (status, pids, exit), ctr.log,
 *                             upper/ work/ merged/ (overlay), hostname,
 *                             hosts, resolv.conf, lock
 *   names/<name> -> <id>      symlink: atomic name reservation
 *   images/...                see image.h
 *   layers/<chainid>/diff     unpacked layers, shared by containers
 *   blobs/sha256/<hex>        content-addressed blobs
 * Under runroot (default /run/tug): per-container sockets and the
 * seccomp program cache.
 */
#ifndef TUG_RT_H
#define TUG_RT_H

#include <limits.h>
#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>
#include "util/err.h"

struct rt {
	char root[PATH_MAX];
	char runroot[PATH_MAX];
	char cgroup_parent[128];  /* "tug" by default */
};

/* Fills paths and creates the top-level directories. */
int rt_init(struct rt *rt, const char *root, const char *runroot, struct tug_err *err);

/* Paths of a container's files. */
char *rt_ctr_path(const struct rt *rt, const char *id, const char *file, char *buf, size_t size);

/* Resolve a name, full id or unique id prefix to a full id (65 bytes). */
int rt_ctr_resolve(const struct rt *rt, const char *ref, char *id_out, struct tug_err *err);

/* Container status values as docker names them. */
#define ST_CREATED "created"
#define ST_RUNNING "running"
#define ST_PAUSED "paused"
#define ST_RESTARTING "restarting"
#define ST_EXITED "exited"
#define ST_DEAD "dead"
#define ST_REMOVING "removing"

/* Load config.json / state.json. state is validated: a "running" state
 * whose monitor is gone is reported as exited (so a reboot or a killed
 * monitor never leaves a ghost). */
json_t *rt_ctr_config(const struct rt *rt, const char *id, struct tug_err *err);
json_t *rt_ctr_state(const struct rt *rt, const char *id, struct tug_err *err);
int rt_ctr_save_state(const struct rt *rt, const char *id, json_t *state, struct tug_err *err);
/* Per-container lock (flock on the containers/<id> directory). */
int rt_ctr_lock(const struct rt *rt, const char *id, struct tug_err *err);

/* Is pid alive and still the process that started at `start_ticks`
 * (field 22 of /proc/pid/stat)? */
int rt_pid_alive(pid_t pid, unsigned long long start_ticks);
unsigned long long rt_pid_start_ticks(pid_t pid);

#endif
