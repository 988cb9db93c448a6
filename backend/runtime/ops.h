/* ops.h - the runtime's implementations of the backend operations, one
 * group per file; driver.c wires them into the backend_ops table. */
#ifndef TUG_RT_OPS_H
#define TUG_RT_OPS_H

#include "backend.h"
#include "runtime/rt.h"

/* containers: container.c, start.c, monitor.c, logs.c, exec.c, stats.c */
int rt_ctr_list(struct rt *rt, const struct tug_list_opts *o, struct tug_list *out,
		struct tug_err *err);
int rt_ctr_inspect(struct rt *rt, const char *ref, json_t **out, struct tug_err *err);
int rt_ctr_action(struct rt *rt, const char *ref, enum tug_action act,
		  const struct tug_action_opts *o, struct tug_err *err);
int rt_ctr_create(struct rt *rt, const struct tug_create_opts *o, char *id_out,
		  struct tug_err *err);
int rt_ctr_start_attached(struct rt *rt, const char *ref, const struct tug_stdio *io,
			  int *exit_code, struct tug_err *err);
int rt_ctr_exec(struct rt *rt, const char *ref, const struct tug_exec_opts *o,
		const struct tug_stdio *io, int *exit_code, struct tug_err *err);
int rt_ctr_wait(struct rt *rt, const char *ref, int *exit_code, struct tug_err *err);
int rt_ctr_top(struct rt *rt, const char *ref, json_t **out, struct tug_err *err);
int rt_ctr_logs(struct rt *rt, const char *ref, const struct tug_log_opts *o,
		struct tug_logs **out, struct tug_err *err);
int rt_ctr_stats(struct rt *rt, const char *ref, struct tug_stats *out, struct tug_err *err);
int rt_ctr_rename(struct rt *rt, const char *ref, const char *name, struct tug_err *err);
/* Stop and remove every container (system reset, first half). */
int rt_ctr_remove_all(struct rt *rt, struct tug_err *err);

/* images: image-*.c */
int rt_img_list(struct rt *rt, const struct tug_list_opts *o, struct tug_list *out,
		struct tug_err *err);
int rt_img_inspect(struct rt *rt, const char *ref, json_t **out, struct tug_err *err);
int rt_img_import(struct rt *rt, int fd, const char *ref, char *id_out, struct tug_err *err);
int rt_img_load(struct rt *rt, int fd, void (*loaded)(void *, const char *), void *ctx,
		struct tug_err *err);
int rt_img_save(struct rt *rt, const char *const *refs, size_t n, int fd, struct tug_err *err);
int rt_img_tag(struct rt *rt, const char *src, const char *dst, struct tug_err *err);
int rt_img_remove(struct rt *rt, const char *ref, int force,
		  void (*removed)(void *, const char *), void *ctx, struct tug_err *err);
int rt_img_prune(struct rt *rt, int all, void (*removed)(void *, const char *), void *ctx,
		 int64_t *reclaimed, struct tug_err *err);

/* build: build*.c */
int rt_img_build(struct rt *rt, const struct tug_build_opts *o, char *id_out, struct tug_err *err);
int rt_build_prune(struct rt *rt, long *removed, int64_t *reclaimed, struct tug_err *err);

/* registries: registry-*.c */
int rt_img_pull(struct rt *rt, const char *ref, const struct tug_registry_opts *o, char *id_out,
		struct tug_err *err);
int rt_img_push(struct rt *rt, const char *ref, const char *dest,
		const struct tug_registry_opts *o, char *digest_out, struct tug_err *err);
int rt_reg_login(struct rt *rt, const char *registry, const struct tug_registry_opts *o,
		 struct tug_err *err);
int rt_reg_logout(struct rt *rt, const char *registry, struct tug_err *err);
/* rt_image_get for create: a missing image is pulled first, as o->pull
 * says ("missing" by default, "always", "never"). */
struct rt_image;
int rt_img_get_pull(struct rt *rt, const struct tug_create_opts *o, struct rt_image *img,
		    struct tug_err *err);

#endif
