/* container.h - runtime-internal helpers shared by the container files
 * (create/list in container.c, start path in spawn.c/rootfs.c, the
 * monitor, lifecycle actions, logs, exec, stats). */
#ifndef TUG_RT_CONTAINER_H
#define TUG_RT_CONTAINER_H

#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include "backend.h"
#include "runtime/rt.h"

/* Everything the start path needs, decoded once from config.json so the
 * child after clone() does no parsing. Strings point into `config`. */
struct ctr_spec {
	char id[65];
	json_t *config;         /* owned */
	char **argv;            /* entrypoint + cmd, NULL-terminated (malloc'd array) */
	char **env;             /* NULL-terminated (malloc'd array) */
	const char *workdir, *user, *hostname;
	const char **lower;     /* layer diff dirs, base first */
	size_t nlower;
	int tty, interactive, read_only, auto_remove;
	int net_host;           /* --network host: share the host's netns */
	int64_t memory, nano_cpus, pids_limit;
	const char *restart;    /* policy name */
	int restart_max;
	int stop_signal;
	json_t *mounts;         /* [{Type, Source, Destination, RW, Options}] */
};

struct rt_image;
/* rt_ctr_create over an image the caller provides: its config ("config"
 * gives the defaults) and layer directories, base first. The build runs
 * its steps this way on layers that are no image yet (img->id ""). */
int ctr_create_from(struct rt *rt, const struct tug_create_opts *o, const struct rt_image *img,
		    char *id_out, struct tug_err *err);

/* Decode container id's config.json into *s (release with
 * ctr_spec_release). s->config may be shared with the create this
 * process made: treat it as read-only. */
int ctr_spec_load(const struct rt *rt, const char *id, struct ctr_spec *s, struct tug_err *err);
void ctr_spec_release(struct ctr_spec *s);

/* Signal number from "SIGTERM", "TERM" or "15"; 0 if unknown. */
int ctr_parse_signal(const char *s);

/* Update state.json under the container lock: fn edits the object. */
int ctr_state_update(const struct rt *rt, const char *id,
		     void (*fn)(json_t *state, void *ctx), void *ctx, struct tug_err *err);

/* Remove a stopped container's files, name and cgroup. */
int ctr_remove_files(const struct rt *rt, const char *id, struct tug_err *err);
/* Where ctr_unpublish moves a container's directory. */
void ctr_trash_path(const struct rt *rt, const char *id, char *buf, size_t size);
/* The fast half of removal: drop the name and move the directory into
 * root/tmp, so the container is gone for every reader. *trash receives
 * the new path for the slow half (rm -rf), which may run later.
 * net_released: its monitor has torn the network down and recorded so;
 * otherwise whatever a crashed monitor left is released here. */
int ctr_unpublish(const struct rt *rt, const char *id, int net_released, char *trash,
		  size_t size, struct tug_err *err);

/* Wait until the container's state is no longer running/restarting (or it
 * is gone), for at most timeout_ms (<0 = forever). Returns 1 when stopped,
 * 0 on timeout, -1 on error. */
int ctr_wait_stopped(const struct rt *rt, const char *id, int timeout_ms, struct tug_err *err);

/* Marker file that tells the monitor a stop was asked for, so restart
 * policies do not bring the container back. */
int ctr_mark_stopping(const struct rt *rt, const char *id, int on);
int ctr_is_stopping(const struct rt *rt, const char *id);

/* Start a created or stopped container: forks the monitor, which clones
 * the container. With io, the monitor forwards the container's stdio to
 * io's fds and *exit_code receives the exit code once it exits; without,
 * returns once the container runs. An attached start returns as soon as
 * the exit is recorded (and, for --rm, the container and its anonymous
 * volumes are gone): the monitor may still be removing cgroups and the
 * old writable layer then, and is left to init to reap, so the caller
 * should not outlive it by much (the CLI exits right after). */
int ctr_start(struct rt *rt, const char *id, const struct tug_stdio *io, int *exit_code,
	      struct tug_err *err);

/* The monitor's main loop (monitor.c); never returns. chan is the socket
 * to the starting CLI (-1 when none); io_attached says whether fds 0-2
 * are the caller's terminal/pipes to forward to. */
void ctr_monitor_main(struct rt *rt, const char *id, int chan, int io_attached)
	__attribute__((noreturn));

/* Spawn the container's init (spawn.c). Returns the host pid; *ptmx gets
 * the pty master when the spec asks for a tty; stdout_fd/stderr_fd are the
 * write ends the container uses when there is no tty; stdin_fd its stdin. */
struct spawn_io {
	int stdin_fd, stdout_fd, stderr_fd;
	int ptmx;               /* out: pty master, -1 without tty */
	json_t *net_settings;   /* out: NetworkSettings for the "running"
				 * state (NULL without a network) */
	int mntns;              /* out: the container's mount namespace, held
				 * open so that its teardown (an RCU grace
				 * period per mount) happens after the exit is
				 * reported, not before; -1 if unavailable */
};
pid_t ctr_spawn(struct rt *rt, struct ctr_spec *s, struct spawn_io *io, struct tug_err *err);

/* The container's namespaces from inside its mount namespace (rootfs.c):
 * called in the child after clone. */
int rootfs_setup(struct rt *rt, struct ctr_spec *s, int *ptmx_out, struct tug_err *err);
/* After joining the container's cgroup namespace: its cgroupfs view. */
int rootfs_mount_cgroup(struct tug_err *err);

/* Compile or load the seccomp program once per process, before forking
 * anything that will call ctr_exec_process. */
int ctr_security_prepare(struct rt *rt, struct tug_err *err);

/* Every ignored or caught signal back to SIG_DFL: for a process about to
 * become the container's, before it unblocks signals. */
void ctr_reset_signals(void);

/* User, working dir, env, hardening and execve for the container's init
 * and for exec; call inside the container's namespaces. With wait_fd >= 0
 * execve waits for a 'G' on it (anything else: _exit(125)). Returns only
 * on failure (err has 126/127 codes where docker uses them). */
int ctr_exec_process(struct ctr_spec *s, char **argv, char **env, const char *workdir,
		     const char *user, int tty, int wait_fd, struct tug_err *err);

/* docker's status text: "Up 3 minutes", "Exited (0) 2 hours ago". */
char *ctr_status_text(json_t *state, int64_t now);

#endif
