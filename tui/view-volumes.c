/* view-volumes.c - volumes: name, driver, size, the containers using
 * them, created; remove after a confirmation. */
#include "listview.h"
#include "util/str.h"

#include <stdio.h>

enum { V_NAME, V_DRIVER, V_SIZE, V_USED, V_CREATED, V_MOUNT, V_COUNT };

static const struct table_col cols[V_COUNT] = {
	[V_NAME] = { "VOLUME NAME", 20, 2, 0, 0, 0 },
	[V_DRIVER] = { "DRIVER", 8, 0, 0, 0, 1 },
	[V_SIZE] = { "SIZE", 9, 0, 1, 1, 0 },
	[V_USED] = { "CONTAINERS", 12, 1, 0, 1, 0 },
	[V_CREATED] = { "CREATED", 14, 0, 0, 1, 2 },
	[V_MOUNT] = { "MOUNTPOINT", 20, 2, 0, 0, 3 },
};

static void rows(struct listview *lv, const struct tug_obj *o)
{
	struct table *t = &lv->t;
	char ref[OBJ_REF_MAX];
	struct table_row *r = table_add(t, obj_ref(o, ref, sizeof(ref)));
	const char *driver = obj_raw_str(o, "Driver"), *mp = obj_raw_str(o, "Mountpoint");
	char buf[128];

	table_set(t, r, V_NAME, o->name, 0, ROLE_NORMAL);
	table_set(t, r, V_DRIVER, driver ? driver : "local", 0, ROLE_NORMAL);
	fmt_size(buf, sizeof(buf), (double)o->size);
	table_set(t, r, V_SIZE, o->size >= 0 ? buf : "-", (double)o->size, ROLE_NORMAL);
	cell_users(t, r, V_USED, o);
	cell_created(t, r, V_CREATED, o);
	table_set(t, r, V_MOUNT, mp ? mp : "", 0, ROLE_MUTED);
}

static const struct listview_spec spec = {
	.kind = TUG_VOLUME,
	.cols = cols,
	.ncols = V_COUNT,
	.sort_col = V_NAME,
	.noun = "volumes",
	.rows = rows,
};

const struct view_ops view_volumes = {
	.name = "volumes",
	.alias = "vol",
	.title = "Volumes",
	.kind = TUG_VOLUME,
	.scopes = SC_TABLE | SC_STORE,
	.actions = listview_store_actions,
	.spec = &spec,
	.key = listview_store_key,
	.hints = listview_store_hints,
	LISTVIEW_OPS,
};
