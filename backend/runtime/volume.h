/* volume.h - named volumes of the built-in runtime (docker's "local"
 * driver): directories that outlive containers.
 *
 * Layout under root:
 *   volumes/lock                    create/remove/in-use checks
 *   volumes/<name>/_data            what containers mount
 *   volumes/<name>/volume.json      {Name, Driver, CreatedAt, CreatedNs,
 *                                   Labels, Anonymous}
 *   volumes/<name>/refs/<ctr-id>    one empty file per container that
 *                                   mounts it, made before that container's
 *                                   record exists, so a `volume rm` racing a
 *                                   `create` never removes a volume in use;
 *                                   refs of containers that no longer
 *                                   exist are ignored
 */
#ifndef TUG_RT_VOLUME_H
#define TUG_RT_VOLUME_H

#include <jansson.h>
#include "backend.h"
#include "runtime/rt.h"

int rt_vol_create(struct rt *rt, const struct tug_volume_create_opts *o, char *name_out,
		  struct tug_err *err);
int rt_vol_list(struct rt *rt, struct tug_list *out, struct tug_err *err);
int rt_vol_inspect(struct rt *rt, const char *name, json_t **out, struct tug_err *err);
/* Refuses a volume that a container (running or not) uses unless force. */
int rt_vol_remove(struct rt *rt, const char *name, int force, struct tug_err *err);
/* Remove every volume no container uses. */
int rt_vol_prune(struct rt *rt, void (*removed)(void *, const char *), void *ctx,
		 struct tug_err *err);

/* rt_ctr_create: a "volume" mount of container id. Creates the volume on
 * first use (anonymous when m->source is NULL), records the reference,
 * and fills the Mounts entry j (Name, Source = its _data, Driver, and
 * CopyUp unless the options say nocopy). */
int vol_ctr_mount(struct rt *rt, const char *id, const struct tug_mount *m, json_t *j,
		  struct tug_err *err);
/* rm -v and --rm: remove the container's anonymous volumes that no other
 * container uses. cfg is the container's config.json. */
void vol_remove_anonymous(struct rt *rt, json_t *cfg);

/* In the container's mount namespace, before the volume is mounted on
 * target: when the volume (open fd, O_PATH is fine) is empty, copy what
 * the image has at target into it, with owners, modes and links, as
 * docker does for a new volume. */
int vol_copy_up(int volfd, const char *target, struct tug_err *err);

#endif
