/* view-networks.c - networks: name, id, driver, subnet, the containers
 * attached; remove after a confirmation. Endpoints without networks show
 * their own message ("networks: not supported by the local runtime"). */
#include "listview.h"

#include <stdio.h>

enum { N_NAME, N_ID, N_DRIVER, N_SUBNET, N_USED, N_CREATED, N_COUNT };

static const struct table_col cols[N_COUNT] = {
	[N_NAME] = { "NAME", 16, 2, 0, 0, 0 },
	[N_ID] = { "NETWORK ID", 12, 0, 0, 0, 1 },
	[N_DRIVER] = { "DRIVER", 8, 0, 0, 0, 0 },
	[N_SUBNET] = { "SUBNET", 16, 1, 0, 0, 2 },
	[N_USED] = { "CONTAINERS", 12, 2, 0, 1, 0 },
	[N_CREATED] = { "CREATED", 14, 0, 0, 1, 3 },
};

static void rows(struct listview *lv, const struct tug_obj *o)
{
	struct table *t = &lv->t;
	char ref[OBJ_REF_MAX];
	struct table_row *r = table_add(t, obj_ref(o, ref, sizeof(ref)));
	const char *driver = obj_raw_str(o, "Driver"), *subnet = obj_raw_str(o, "Subnet");
	char buf[128];

	table_set(t, r, N_NAME, o->name, 0, ROLE_NORMAL);
	snprintf(buf, sizeof(buf), "%.12s", o->id ? o->id : "");
	table_set(t, r, N_ID, buf, 0, ROLE_MUTED);
	table_set(t, r, N_DRIVER, driver ? driver : "-", 0, ROLE_NORMAL);
	table_set(t, r, N_SUBNET, subnet ? subnet : o->ip ? o->ip : "-", 0, ROLE_NORMAL);
	cell_users(t, r, N_USED, o);
	cell_created(t, r, N_CREATED, o);
}

static const struct listview_spec spec = {
	.kind = TUG_NETWORK,
	.cols = cols,
	.ncols = N_COUNT,
	.sort_col = N_NAME,
	.noun = "networks",
	.rows = rows,
};

const struct view_ops view_networks = {
	.name = "networks",
	.alias = "net",
	.title = "Networks",
	.kind = TUG_NETWORK,
	.scopes = SC_TABLE | SC_STORE,
	.actions = listview_store_actions,
	.spec = &spec,
	.key = listview_store_key,
	.hints = listview_store_hints,
	LISTVIEW_OPS,
};
