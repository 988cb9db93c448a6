/* volume.c - the volume store: create, list, inspect, remove, prune, and
 * the references containers hold. */
#include "runtime/volume.h"
#include "runtime/dirlist.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *vol_path(const struct rt *rt, const char *name, const char *file, char *buf,
		      size_t size)
{
	if (!name)
		snprintf(buf, size, "%s/volumes", rt->root);
	else if (file)
		snprintf(buf, size, "%s/volumes/%s/%s", rt->root, name, file);
	else
		snprintf(buf, size, "%s/volumes/%s", rt->root, name);
	return buf;
}

static int vol_lock(struct rt *rt, struct tug_err *err)
{
	char path[PATH_MAX];

	if (fs_mkdir_p(vol_path(rt, NULL, NULL, path, sizeof(path)), 0700, err) < 0)
		return -1;
	return fs_lock(vol_path(rt, "lock", NULL, path, sizeof(path)), err);
}

static int valid_vol_name(const char *n)
{
	if (!n || !isalnum((unsigned char)n[0]) || strlen(n) >= 200)
		return 0;
	for (const char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return 0;
	return strcmp(n, "lock") != 0;
}

static int vol_exists(const struct rt *rt, const char *name)
{
	char path[PATH_MAX];
	return valid_vol_name(name) &&
	       access(vol_path(rt, name, "volume.json", path, sizeof(path)), F_OK) == 0;
}

/* Create name (lock held); an existing one is left as it is. */
static int create_locked(struct rt *rt, const char *name, char **labels, int anonymous,
			 struct tug_err *err)
{
	char path[PATH_MAX], ts[64];
	json_t *j, *l;
	int64_t now = now_ns();

	if (vol_exists(rt, name))
		return 0;
	if (fs_mkdir_p(vol_path(rt, name, "refs", path, sizeof(path)), 0700, err) < 0)
		return -1;
	/* _data is what containers see: world-traversable as docker makes it */
	if (mkdir(vol_path(rt, name, "_data", path, sizeof(path)), 0755) < 0 && errno != EEXIST)
		return tug_errno(err, "create volume %s", name);
	j = json_object();
	jset_str(j, "Name", name);
	jset_str(j, "Driver", "local");
	jset_str(j, "CreatedAt", fmt_rfc3339(ts, sizeof(ts), now));
	jset_int(j, "CreatedNs", now);
	l = json_object();
	for (char **p = labels; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		char key[256];
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - *p) : (int)strlen(*p), *p);
		json_object_set_new(l, key, json_string(eq ? eq + 1 : ""));
	}
	json_object_set_new(j, "Labels", l);
	jset_bool(j, "Anonymous", anonymous);
	/* volume.json last: it is what makes the volume exist */
	if (json_save_path(vol_path(rt, name, "volume.json", path, sizeof(path)), j, err) < 0) {
		json_decref(j);
		return -1;
	}
	json_decref(j);
	return 0;
}

int rt_vol_create(struct rt *rt, const struct tug_volume_create_opts *o, char *name_out,
		  struct tug_err *err)
{
	char name[256];
	int lk, rc;

	if (o->driver && strcmp(o->driver, "local"))
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"volume driver '%s' is not supported by the local runtime: use local", o->driver);
	if (o->name) {
		if (!valid_vol_name(o->name))
			return tug_errf(err, TUG_E_INVALID,
					"invalid volume name '%s': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", o->name);
		snprintf(name, sizeof(name), "%s", o->name);
	} else {
		random_hex_id(name);
	}
	lk = vol_lock(rt, err);
	if (lk < 0)
		return -1;
	rc = create_locked(rt, name, o->labels, !o->name, err);
	fs_unlock(lk);
	if (rc == 0 && name_out)
		snprintf(name_out, 256, "%s", name);
	return rc;
}

static int ctr_exists(const char *dir, const char *name, void *ctx)
{
	char path[PATH_MAX];
	(void)dir;
	return strlen(name) == 64 && access(rt_ctr_path(ctx, name, NULL, path, sizeof(path)), F_OK) == 0;
}

/* Ids of the containers that use the volume (and still exist). */
static char **vol_users_ids(const struct rt *rt, const char *name)
{
	char path[PATH_MAX];
	return dirlist(vol_path(rt, name, "refs", path, sizeof(path)), ctr_exists, (void *)rt);
}

static int is_volume(const char *dir, const char *name, void *ctx)
{
	(void)dir;
	return vol_exists(ctx, name);
}

/* Container names for ids (ids where the name is unreadable). */
static char **names_of(const struct rt *rt, char **ids)
{
	size_t n = 0;
	char **v;

	while (ids[n])
		n++;
	v = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		struct tug_err e;
		json_t *cfg = rt_ctr_config(rt, ids[i], &e);
		v[i] = xstrdup(cfg && jstr(cfg, "Name") ? jstr(cfg, "Name") : ids[i]);
		json_decref(cfg);
	}
	return v;
}

static json_t *inspect_json(const struct rt *rt, const char *name, struct tug_err *err)
{
	char path[PATH_MAX];
	json_t *j = json_load_path(vol_path(rt, name, "volume.json", path, sizeof(path)), err), *o;

	if (!j)
		return NULL;
	o = json_object();
	json_object_set(o, "CreatedAt", json_object_get(j, "CreatedAt"));
	jset_str(o, "Driver", "local");
	json_object_set(o, "Labels", json_object_get(j, "Labels"));
	jset_str(o, "Mountpoint", vol_path(rt, name, "_data", path, sizeof(path)));
	jset_str(o, "Name", name);
	json_object_set_new(o, "Options", json_object());
	jset_str(o, "Scope", "local");
	if (jbool(j, "Anonymous"))
		json_object_set_new(o, "Anonymous", json_true());
	json_object_set_new(o, "CreatedNs", json_integer(jint(j, "CreatedNs")));
	json_decref(j);
	return o;
}

int rt_vol_inspect(struct rt *rt, const char *name, json_t **out, struct tug_err *err)
{
	json_t *o;
	char **ids, **names;

	if (!vol_exists(rt, name))
		return tug_errf(err, TUG_E_NOTFOUND, "no such volume: %s", name ? name : "");
	o = inspect_json(rt, name, err);
	if (!o)
		return tug_err_wrap(err, "volume %s", name);
	json_object_del(o, "CreatedNs");
	ids = vol_users_ids(rt, name);
	names = names_of(rt, ids);
	{
		json_t *u = json_array();
		for (char **p = names; *p; p++)
			json_array_append_new(u, json_string(*p));
		json_object_set_new(o, "UsedBy", u);
	}
	dirlist_free(ids);
	dirlist_free(names);
	*out = o;
	return 0;
}

int rt_vol_list(struct rt *rt, struct tug_list *out, struct tug_err *err)
{
	char path[PATH_MAX];
	char **names = dirlist(vol_path(rt, NULL, NULL, path, sizeof(path)), is_volume, rt);
	size_t n = 0, cap = 1;

	(void)err;
	for (char **p = names; *p; p++)
		cap++;
	out->items = xcalloc(cap, sizeof(struct tug_obj));
	for (char **p = names; *p; p++) {
		struct tug_obj *o;
		struct tug_err e;
		json_t *raw;
		char **ids;
		const char *nm = *p;
		raw = inspect_json(rt, nm, &e);
		if (!raw)
			continue;
		o = &out->items[n++];
		memset(o, 0, sizeof(*o));
		o->kind = TUG_VOLUME;
		o->id = xstrdup(nm);
		o->name = xstrdup(nm);
		o->status = xstrdup("local");
		o->created_ns = jint(raw, "CreatedNs");
		json_object_del(raw, "CreatedNs");
		o->size = fs_du(vol_path(rt, nm, "_data", path, sizeof(path)));
		ids = vol_users_ids(rt, nm);
		o->users = names_of(rt, ids);
		for (o->total = 0; o->users[o->total]; o->total++)
			;
		dirlist_free(ids);
		json_object_set_new(raw, "UsageData",
				    json_pack("{s:I, s:i}", "Size", (json_int_t)o->size, "RefCount", o->total));
		o->raw = raw;
	}
	dirlist_free(names);
	out->n = n;
	return 0;
}

static int remove_locked(struct rt *rt, const char *name, int force, struct tug_err *err)
{
	char path[PATH_MAX];
	char **ids = vol_users_ids(rt, name);

	if (ids[0] && !force) {
		char **names = names_of(rt, ids);
		struct sbuf s = SBUF_INIT;
		for (char **p = names; *p; p++)
			sbuf_printf(&s, "%s%s", s.len ? ", " : "", *p);
		tug_errf(err, TUG_E_CONFLICT,
			 "volume %s is in use by container%s %s: remove %s first, or use --force",
			 name, names[1] ? "s" : "", s.s, names[1] ? "them" : "it");
		sbuf_release(&s);
		dirlist_free(names);
		dirlist_free(ids);
		return -1;
	}
	dirlist_free(ids);
	/* volume.json first: from then on the volume does not exist */
	unlink(vol_path(rt, name, "volume.json", path, sizeof(path)));
	return fs_rm_rf(vol_path(rt, name, NULL, path, sizeof(path)), err);
}

int rt_vol_remove(struct rt *rt, const char *name, int force, struct tug_err *err)
{
	int lk, rc;

	if (!vol_exists(rt, name))
		return tug_errf(err, TUG_E_NOTFOUND, "no such volume: %s", name ? name : "");
	lk = vol_lock(rt, err);
	if (lk < 0)
		return -1;
	rc = remove_locked(rt, name, force, err);
	fs_unlock(lk);
	return rc;
}

int rt_vol_prune(struct rt *rt, void (*removed)(void *, const char *), void *ctx,
		 struct tug_err *err)
{
	char path[PATH_MAX];
	char **names;
	int lk = vol_lock(rt, err), rc = 0;

	if (lk < 0)
		return -1;
	names = dirlist(vol_path(rt, NULL, NULL, path, sizeof(path)), is_volume, rt);
	for (char **p = names; *p; p++) {
		struct tug_err e;
		char **ids = vol_users_ids(rt, *p);
		if (!ids[0]) {
			if (remove_locked(rt, *p, 0, &e) == 0) {
				if (removed)
					removed(ctx, *p);
			} else {
				*err = e;
				rc = -1;
			}
		}
		dirlist_free(ids);
	}
	dirlist_free(names);
	fs_unlock(lk);
	return rc;
}

int vol_ctr_mount(struct rt *rt, const char *id, const struct tug_mount *m, json_t *j,
		  struct tug_err *err)
{
	char name[256], path[PATH_MAX];
	int lk, rc, anonymous = !m->source || !*m->source, fd;

	if (anonymous)
		random_hex_id(name);
	else if (!valid_vol_name(m->source))
		return tug_errf(err, TUG_E_INVALID,
				"invalid volume name '%s': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", m->source);
	else
		snprintf(name, sizeof(name), "%s", m->source);
	lk = vol_lock(rt, err);
	if (lk < 0)
		return -1;
	rc = create_locked(rt, name, NULL, anonymous, err);
	if (rc == 0) {
		/* the reference before the container exists: see volume.h */
		fd = open(vol_path(rt, name, "refs", path, sizeof(path)), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 && fs_mkdir_p(path, 0700, err) == 0)
			fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			int f = openat(fd, id, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
			if (f >= 0)
				close(f);
			else
				rc = tug_errno(err, "reference volume %s", name);
			close(fd);
		} else {
			rc = tug_errno(err, "reference volume %s", name);
		}
	}
	fs_unlock(lk);
	if (rc < 0)
		return rc;
	jset_str(j, "Name", name);
	jset_str(j, "Source", vol_path(rt, name, "_data", path, sizeof(path)));
	jset_str(j, "Driver", "local");
	jset_bool(j, "CopyUp", !(m->options && strstr(m->options, "nocopy")));
	return 0;
}

void vol_remove_anonymous(struct rt *rt, json_t *cfg)
{
	json_t *m;
	size_t i;
	int lk;
	struct tug_err e;

	lk = vol_lock(rt, &e);
	if (lk < 0)
		return;
	json_array_foreach(json_object_get(cfg, "Mounts"), i, m) {
		char path[PATH_MAX];
		json_t *v;
		const char *name = jstr(m, "Name");
		if (!jstr(m, "Type") || strcmp(jstr(m, "Type"), "volume") || !vol_exists(rt, name))
			continue;
		v = json_load_path(vol_path(rt, name, "volume.json", path, sizeof(path)), &e);
		if (v && jbool(v, "Anonymous"))
			remove_locked(rt, name, 0, &e);
		json_decref(v);
	}
	fs_unlock(lk);
}
