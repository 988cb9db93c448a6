/* driver.c - the built-in runtime as a backend endpoint. */
#include "backend.h"
#include "runtime/net.h"
#include "runtime/ops.h"
#include "runtime/rt.h"
#include "runtime/volume.h"
#include "util/fs.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

#define RT(ep) ((struct rt *)(ep)->priv)

static int d_list(struct tug_endpoint *ep, enum tug_kind k, const struct tug_list_opts *o,
		  struct tug_list *out, struct tug_err *err)
{
	static const struct tug_list_opts none = { 0 };

	if (!o)
		o = &none;
	switch (k) {
	case TUG_CONTAINER:
		return rt_ctr_list(RT(ep), o, out, err);
	case TUG_IMAGE:
		return rt_img_list(RT(ep), o, out, err);
	case TUG_NETWORK:
		return rt_net_list(RT(ep), out, err);
	case TUG_VOLUME:
		return rt_vol_list(RT(ep), out, err);
	default:
		return tug_errf(err, TUG_E_UNSUPPORTED, "%ss: not supported by the local runtime",
				tug_kind_name(k));
	}
}

static int d_inspect(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
		     json_t **out, struct tug_err *err)
{
	switch (k) {
	case TUG_CONTAINER:
		return rt_ctr_inspect(RT(ep), ref, out, err);
	case TUG_IMAGE:
		return rt_img_inspect(RT(ep), ref, out, err);
	case TUG_NETWORK:
		return rt_net_inspect(RT(ep), ref, out, err);
	case TUG_VOLUME:
		return rt_vol_inspect(RT(ep), ref, out, err);
	default:
		return tug_errf(err, TUG_E_UNSUPPORTED, "inspect %s: not supported by the local runtime",
				tug_kind_name(k));
	}
}

static int d_action(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
		    enum tug_action act, const struct tug_action_opts *o, struct tug_err *err)
{
	static const struct tug_action_opts none = { .timeout_s = -1 };

	if (!o)
		o = &none;
	if (k == TUG_CONTAINER)
		return rt_ctr_action(RT(ep), ref, act, o, err);
	if (k == TUG_IMAGE && act == TUG_ACT_REMOVE)
		return rt_img_remove(RT(ep), ref, o->force, NULL, NULL, err);
	if (k == TUG_NETWORK && act == TUG_ACT_REMOVE)
		return rt_net_remove(RT(ep), ref, o->force, err);
	if (k == TUG_VOLUME && act == TUG_ACT_REMOVE)
		return rt_vol_remove(RT(ep), ref, o->force, err);
	return tug_errf(err, TUG_E_UNSUPPORTED, "that action on a %s is not supported by the local runtime",
			tug_kind_name(k));
}

static int d_create(struct tug_endpoint *ep, const struct tug_create_opts *o, char *id,
		    struct tug_err *err)
{
	return rt_ctr_create(RT(ep), o, id, err);
}

static int d_start_attached(struct tug_endpoint *ep, const char *ref, const struct tug_stdio *io,
			    int *code, struct tug_err *err)
{
	return rt_ctr_start_attached(RT(ep), ref, io, code, err);
}

static int d_exec(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
		  const struct tug_exec_opts *o, const struct tug_stdio *io, int *code,
		  struct tug_err *err)
{
	if (k != TUG_CONTAINER)
		return backend_unsupported(ep, "exec", err);
	return rt_ctr_exec(RT(ep), ref, o, io, code, err);
}

static int d_wait(struct tug_endpoint *ep, const char *ref, int *code, struct tug_err *err)
{
	return rt_ctr_wait(RT(ep), ref, code, err);
}

static int d_top(struct tug_endpoint *ep, enum tug_kind k, const char *ref, json_t **out,
		 struct tug_err *err)
{
	if (k != TUG_CONTAINER)
		return backend_unsupported(ep, "top", err);
	return rt_ctr_top(RT(ep), ref, out, err);
}

static int d_logs(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
		  const struct tug_log_opts *o, struct tug_logs **out, struct tug_err *err)
{
	if (k != TUG_CONTAINER)
		return backend_unsupported(ep, "logs", err);
	return rt_ctr_logs(RT(ep), ref, o, out, err);
}

static int d_stats(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
		   struct tug_stats *out, struct tug_err *err)
{
	if (k != TUG_CONTAINER)
		return backend_unsupported(ep, "stats", err);
	return rt_ctr_stats(RT(ep), ref, out, err);
}

static int d_rename(struct tug_endpoint *ep, const char *ref, const char *name,
		    struct tug_err *err)
{
	return rt_ctr_rename(RT(ep), ref, name, err);
}

static int d_import(struct tug_endpoint *ep, int fd, const char *ref, char *id,
		    struct tug_err *err)
{
	return rt_img_import(RT(ep), fd, ref, id, err);
}

static int d_load(struct tug_endpoint *ep, int fd, void (*loaded)(void *, const char *),
		  void *ctx, struct tug_err *err)
{
	return rt_img_load(RT(ep), fd, loaded, ctx, err);
}

static int d_save(struct tug_endpoint *ep, const char *const *refs, size_t n, int fd,
		  struct tug_err *err)
{
	return rt_img_save(RT(ep), refs, n, fd, err);
}

static int d_tag(struct tug_endpoint *ep, const char *src, const char *dst, struct tug_err *err)
{
	return rt_img_tag(RT(ep), src, dst, err);
}

static int d_rmi(struct tug_endpoint *ep, const char *ref, int force,
		 void (*removed)(void *, const char *), void *ctx, struct tug_err *err)
{
	return rt_img_remove(RT(ep), ref, force, removed, ctx, err);
}

static int d_prune(struct tug_endpoint *ep, int all, void (*removed)(void *, const char *),
		   void *ctx, int64_t *reclaimed, struct tug_err *err)
{
	return rt_img_prune(RT(ep), all, removed, ctx, reclaimed, err);
}

static int d_build(struct tug_endpoint *ep, const struct tug_build_opts *o, char *id,
		   struct tug_err *err)
{
	return rt_img_build(RT(ep), o, id, err);
}

static int d_build_prune(struct tug_endpoint *ep, long *removed, int64_t *reclaimed,
			 struct tug_err *err)
{
	return rt_build_prune(RT(ep), removed, reclaimed, err);
}
static int d_net_create(struct tug_endpoint *ep, const struct tug_net_create_opts *o,
			char *id, struct tug_err *err)
{
	return rt_net_create(RT(ep), o, id, err);
}

static int d_net_connect(struct tug_endpoint *ep, const char *net, const char *ctr,
			 const struct tug_net_connect_opts *o, struct tug_err *err)
{
	return rt_net_connect(RT(ep), net, ctr, o, err);
}

static int d_net_disconnect(struct tug_endpoint *ep, const char *net, const char *ctr,
			    int force, struct tug_err *err)
{
	return rt_net_disconnect(RT(ep), net, ctr, force, err);
}

static int d_vol_create(struct tug_endpoint *ep, const struct tug_volume_create_opts *o,
			char *name, struct tug_err *err)
{
	return rt_vol_create(RT(ep), o, name, err);
}

static int d_obj_prune(struct tug_endpoint *ep, enum tug_kind k,
		       void (*removed)(void *, const char *), void *ctx, struct tug_err *err)
{
	if (k == TUG_NETWORK)
		return rt_net_prune(RT(ep), removed, ctx, err);
	if (k == TUG_VOLUME)
		return rt_vol_prune(RT(ep), removed, ctx, err);
	if (k == TUG_IMAGE) {
		int64_t reclaimed = 0;
		return rt_img_prune(RT(ep), 0, removed, ctx, &reclaimed, err);
	}
	return tug_errf(err, TUG_E_UNSUPPORTED, "prune of %ss is not supported by the local runtime",
			tug_kind_name(k));}

static int d_pull(struct tug_endpoint *ep, const char *ref, const struct tug_registry_opts *o,
		  char *id, struct tug_err *err)
{
	return rt_img_pull(RT(ep), ref, o, id, err);
}

static int d_push(struct tug_endpoint *ep, const char *ref, const char *dest,
		  const struct tug_registry_opts *o, char *digest, struct tug_err *err)
{
	return rt_img_push(RT(ep), ref, dest, o, digest, err);
}

static int d_login(struct tug_endpoint *ep, const char *registry, const struct tug_registry_opts *o,
		   struct tug_err *err)
{
	return rt_reg_login(RT(ep), registry, o, err);
}

static int d_logout(struct tug_endpoint *ep, const char *registry, struct tug_err *err)
{
	return rt_reg_logout(RT(ep), registry, err);
}

static int d_reset(struct tug_endpoint *ep, struct tug_err *err)
{
	struct rt *rt = RT(ep);
	char path[PATH_MAX];

	if (rt_ctr_remove_all(rt, err) < 0)
		return -1;
	/* bridges, veths and firewall rules live outside the root */
	if (net_reset(rt, err) < 0)
		return -1;
	/* keep the root directories themselves: the user may have made them */
	static const char *const dirs[] = { "containers", "names", "images", "layers", "blobs",
					    "repositories.json", "volumes", "networks", "tmp",
					    "cache" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (fs_rm_rf(fs_join(path, sizeof(path), rt->root, dirs[i]), err) < 0)
			return -1;
	if (fs_rm_rf(rt->runroot, err) < 0)
		return -1;
	return 0;
}

static void d_close(struct tug_endpoint *ep)
{
	free(ep->priv);
}

static const struct backend_ops runtime_ops = {
	.name = "local runtime",
	.list = d_list,
	.inspect = d_inspect,
	.action = d_action,
	.create = d_create,
	.start_attached = d_start_attached,
	.exec = d_exec,
	.wait = d_wait,
	.top = d_top,
	.logs = d_logs,
	.stats = d_stats,
	.rename = d_rename,
	.image_import = d_import,
	.image_load = d_load,
	.image_save = d_save,
	.image_tag = d_tag,
	.image_remove = d_rmi,
	.reset = d_reset,
	.close = d_close,
	.image_prune = d_prune,
	.image_build = d_build,
	.build_prune = d_build_prune,

	.network_create = d_net_create,
	.network_connect = d_net_connect,
	.network_disconnect = d_net_disconnect,
	.volume_create = d_vol_create,
	.prune = d_obj_prune,
	.image_pull = d_pull,
	.image_push = d_push,
	.registry_login = d_login,
	.registry_logout = d_logout,
};

int backend_open_runtime(const char *root, const char *runroot, struct tug_endpoint **out,
			 struct tug_err *err)
{
	struct rt *rt = xcalloc(1, sizeof(*rt));
	struct tug_endpoint *ep;

	if (rt_init(rt, root, runroot, err) < 0) {
		free(rt);
		return -1;
	}
	ep = xcalloc(1, sizeof(*ep));
	ep->ops = &runtime_ops;
	ep->priv = rt;
	ep->name = xstrdup("local");
	*out = ep;
	return 0;
}
