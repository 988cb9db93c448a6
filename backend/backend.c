#include "backend.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[TUG_KIND_COUNT] = {
	"container", "image", "network", "volume", "pod", "deployment",
	"statefulset", "daemonset", "replicaset", "service", "node", "event",
	"namespace",
};

const char *tug_kind_name(enum tug_kind k)
{
	return (unsigned)k < TUG_KIND_COUNT ? kind_names[k] : "object";
}

int tug_kind_parse(const char *s, enum tug_kind *out)
{
	static const struct { const char *alias; enum tug_kind k; } aliases[] = {
		{ "po", TUG_POD }, { "deploy", TUG_DEPLOYMENT }, { "sts", TUG_STATEFULSET },
		{ "ds", TUG_DAEMONSET }, { "rs", TUG_REPLICASET }, { "svc", TUG_SERVICE },
		{ "no", TUG_NODE }, { "ev", TUG_EVENT }, { "ns", TUG_NAMESPACE },
	};
	size_t n = strlen(s);

	for (int k = 0; k < TUG_KIND_COUNT; k++) {
		size_t kl = strlen(kind_names[k]);
		if (!strcmp(s, kind_names[k]) ||
		    (n == kl + 1 && !strncmp(s, kind_names[k], kl) && s[kl] == 's')) {
			*out = (enum tug_kind)k;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(s, aliases[i].alias)) {
			*out = aliases[i].k;
			return 0;
		}
	return -1;
}

static void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void tug_obj_release(struct tug_obj *o)
{
	free(o->id);
	free(o->name);
	free(o->namespace);
	free(o->image);
	free(o->command);
	free(o->state);
	free(o->status);
	free(o->ports);
	free(o->node);
	free(o->ip);
	free_strv(o->tags);
	free_strv(o->users);
	free_strv(o->cells);
	json_decref(o->raw);
	memset(o, 0, sizeof(*o));
}

void tug_list_release(struct tug_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		tug_obj_release(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

int backend_unsupported(struct tug_endpoint *ep, const char *what, struct tug_err *err)
{
	return tug_errf(err, TUG_E_UNSUPPORTED, "%s: not supported by the %s endpoint",
			what, ep->ops->name);
}

int backend_refuse_readonly(struct tug_endpoint *ep, const char *what, struct tug_err *err)
{
	(void)ep;
	return tug_errf(err, TUG_E_PERM, "%s: refused in read-only mode", what);
}

int backend_action(struct tug_endpoint *ep, enum tug_kind k, const char *ref,
		   enum tug_action act, const struct tug_action_opts *o,
		   struct tug_err *err)
{
	if (ep->readonly)
		return backend_refuse_readonly(ep, "action", err);
	return BACKEND_CALL(ep, action, err, k, ref, act, o, err);
}

void backend_close(struct tug_endpoint *ep)
{
	if (!ep)
		return;
	if (ep->ops->close)
		ep->ops->close(ep);
	free(ep->name);
	free(ep->context);
	free(ep->namespace);
	free(ep);
}
