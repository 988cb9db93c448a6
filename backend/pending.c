/* pending.c - TEMPORARY weak definitions so the tree links while the
 * pieces are written in parallel; every real definition overrides one.
 * This file must be empty of definitions (and deleted) before a stop. */
#include "cli.h"
#include "runtime/ops.h"
#include "runtime/cgroup.h"
#include "runtime/secure.h"
#include "runtime/image.h"
#include <stdio.h>

__attribute__((weak)) int cmd_kube(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_kube is not written yet\n");
	return 125;
}

__attribute__((weak)) int backend_open_kube(const char *kubeconfig, const char *context, struct tug_endpoint **out, struct tug_err *err)
{
	return tug_errf(err, TUG_E_UNSUPPORTED, "kube endpoints are not written yet");
}

__attribute__((weak)) int rt_ctr_list(struct rt *rt, const struct tug_list_opts *o, struct tug_list *out, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_ctr_inspect(struct rt *rt, const char *ref, json_t **out, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_ctr_action(struct rt *rt, const char *ref, enum tug_action act, const struct tug_action_opts *o, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_ctr_create(struct rt *rt, const struct tug_create_opts *o, char *id_out, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_ctr_start_attached(struct rt *rt, const char *ref, const struct tug_stdio *io, int *exit_code, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_ctr_exec(struct rt *rt, const char *ref, const struct tug_exec_opts *o, const struct tug_stdio *io, int *exit_code, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_ctr_wait(struct rt *rt, const char *ref, int *exit_code, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_ctr_top(struct rt *rt, const char *ref, json_t **out, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_ctr_logs(struct rt *rt, const char *ref, const struct tug_log_opts *o, struct tug_logs **out, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_ctr_stats(struct rt *rt, const char *ref, struct tug_stats *out, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_ctr_rename(struct rt *rt, const char *ref, const char *name, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_ctr_remove_all(struct rt *rt, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_img_list(struct rt *rt, const struct tug_list_opts *o, struct tug_list *out, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_img_inspect(struct rt *rt, const char *ref, json_t **out, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_img_import(struct rt *rt, int fd, const char *ref, char *id_out, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_img_load(struct rt *rt, int fd, void (*loaded)(void *, const char *), void *ctx, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_img_save(struct rt *rt, const char *const *refs, size_t n, int fd, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_img_tag(struct rt *rt, const char *src, const char *dst, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_img_remove(struct rt *rt, const char *ref, int force, void (*removed)(void *, const char *), void *ctx, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int cmd_run(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_run is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_create(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_create is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_start(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_start is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_stop(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_stop is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_restart(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_restart is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_kill(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_kill is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_rm(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_rm is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_pause(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_pause is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_unpause(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_unpause is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_ps(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_ps is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_inspect(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_inspect is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_logs(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_logs is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_exec(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_exec is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_stats(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_stats is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_wait(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_wait is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_top(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_top is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_rename(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_rename is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_container(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_container is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_import(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_import is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_load(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_load is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_save(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_save is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_images(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_images is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_tag(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_tag is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_rmi(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_rmi is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_image(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_image is not written yet\n");
	return 125;
}

__attribute__((weak)) int cmd_system(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: cmd_system is not written yet\n");
	return 125;
}

__attribute__((weak)) int console_main(struct cli *c, int argc, char **argv)
{
	fprintf(stderr, "tug: console_main is not written yet\n");
	return 125;
}

__attribute__((weak)) int cgroup_detect(enum cgroup_mode *mode, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int cgroup_create(const char *parent, const char *name, const struct cgroup_limits *l, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int cgroup_attach(const char *parent, const char *name, pid_t pid, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int cgroup_stats(const char *parent, const char *name, struct cgroup_stats *out, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int cgroup_freeze(const char *parent, const char *name, int frozen, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int cgroup_pids(const char *parent, const char *name, pid_t **pids, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int cgroup_destroy(const char *parent, const char *name, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) void cgroup_set_root_for_tests(const char *root)
{
}

__attribute__((weak)) uint64_t secure_default_caps(void)
{
	return 0;
}

__attribute__((weak)) int secure_seccomp_prepare(const char *cache_dir, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int secure_apply(uint64_t caps, int seccomp, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) int rt_image_get(const struct rt *rt, const char *ref, struct rt_image *out, struct tug_err *err)
{
	return -1;
}

__attribute__((weak)) void rt_image_release(struct rt_image *img)
{
}

__attribute__((weak)) void rt_image_normalize_ref(const char *ref, char *out, size_t size)
{
}
