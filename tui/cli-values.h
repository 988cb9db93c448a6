/* cli-values.h - parsers for the values of docker-style flags: memory
 * sizes, CPU counts, restart policies, signals, volumes and mounts,
 * published ports, environment files. Each returns 0, or -1 with err
 * naming the flag, the bad value and what a valid one looks like. */
#ifndef TUG_CLI_VALUES_H
#define TUG_CLI_VALUES_H

#include <stdint.h>
#include "backend.h"
#include "cli.h"

/* "512m", "1g", "1.5GiB", "100000" (bytes) for --memory; 0 = unlimited.
 * Limits below 6 MiB are refused as docker refuses them. */
int cli_parse_memory(const char *flag, const char *s, int64_t *out, struct tug_err *err);
/* "0.5", "2" for --cpus -> nano CPUs; 0 = unlimited; at most the host's
 * online CPUs. */
int cli_parse_cpus(const char *s, int64_t *nano, struct tug_err *err);
/* no | always | unless-stopped | on-failure[:N]. */
int cli_check_restart(const char *s, struct tug_err *err);
/* "KILL", "SIGKILL", "kill", "9", "RTMIN+3" -> signal number. */
int cli_parse_signal(const char *s, int *out, struct tug_err *err);

/* -v SRC:DST[:OPTS], -v NAME:DST, -v DST (anonymous volume). */
int cli_parse_volume(const char *spec, struct tug_mount *m, struct tug_err *err);
/* --mount type=bind|volume|tmpfs,source=..,target=..,readonly,... */
int cli_parse_mount(const char *spec, struct tug_mount *m, struct tug_err *err);
/* --tmpfs DST[:OPTIONS]. */
int cli_parse_tmpfs(const char *spec, struct tug_mount *m, struct tug_err *err);
void cli_mount_release(struct tug_mount *m);

/* -p [IP:][HOSTPORT:]CONTAINERPORT[/PROTO], ports or ranges. */
int cli_check_publish(const char *spec, struct tug_err *err);

/* Add KEY=VALUE to env; a bare KEY takes the caller's value, or is left
 * out when the caller has none (docker's -e KEY). */
void cli_env_add(struct strv *env, const char *kv);
/* Read an --env-file: KEY=VALUE lines, '#' comments, blank lines. */
int cli_read_env_file(const char *path, struct strv *env, struct tug_err *err);

#endif
