/* config.c - config.yaml: settings and key remaps, errors with lines. */
#include "config.h"
#include "yamlfile.h"
#include "util/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->theme, sizeof(c->theme), "dark");
	c->refresh_ms = 2000;
	c->stats_ms = 1000;
	c->graph_history = 300;
	c->log_lines = 5000;
	snprintf(c->endpoint, sizeof(c->endpoint), "local");
	c->mouse = 1;
	c->graph_style = GRAPH_AUTO;
	keymap_defaults(&c->keys);
}

char *config_path(char *buf, size_t size)
{
	const char *e;

	if ((e = getenv("TUG_CONFIG")) && *e)
		snprintf(buf, size, "%s", e);
	else if ((e = getenv("XDG_CONFIG_HOME")) && *e)
		snprintf(buf, size, "%s/tug/config.yaml", e);
	else if ((e = getenv("HOME")) && *e)
		snprintf(buf, size, "%s/.config/tug/config.yaml", e);
	else
		snprintf(buf, size, "/etc/tug/config.yaml");
	return buf;
}

/* A duration in ms: "2s", "500ms", "1m", or a bare number of seconds. */
static int parse_ms(const char *s, int min, int max, int *out)
{
	char *end;
	double v = strtod(s, &end);
	int64_t ns;

	if (end != s && !*end) {
		v *= 1000;
	} else if (parse_duration(s, &ns) == 0) {
		v = (double)ns / 1e6;
	} else {
		return -1;
	}
	if (v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int load_keys(struct config *c, struct yfile *y, yaml_node_t *map, struct tug_err *err)
{
	int lines[ACT_COUNT] = { 0 };
	enum action a, b;
	int key;
	char kn[32];

	if (map->type != YAML_MAPPING_NODE)
		return yfile_errf(y, map, err, "keys: expected a mapping of action: key (or [keys])");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yfile_node(y, p->key), *v = yfile_node(y, p->value);
		const char *name = yfile_scalar(k);
		const char *keys[KEYMAP_MAXKEYS];
		size_t n = 0;
		struct tug_err e2 = { 0 };

		if (!name)
			return yfile_errf(y, k, err, "keys: expected an action name");
		if (v->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++) {
				const char *s = yfile_scalar(yfile_node(y, *it));
				if (!s)
					return yfile_errf(y, v, err, "keys: %s: each key must be a string", name);
				if (n >= KEYMAP_MAXKEYS - 1)
					return yfile_errf(y, v, err, "keys: %s: at most %d keys", name,
							  KEYMAP_MAXKEYS - 1);
				keys[n++] = s;
			}
		} else if (yfile_scalar(v)) {
			keys[n++] = yfile_scalar(v);
		}
		if (keymap_bind(&c->keys, name, keys, n, &e2) < 0)
			return yfile_errf(y, v, err, "keys: %s", e2.msg);
		lines[keymap_action_parse(name)] = yfile_line(k);
	}
	if (keymap_check(&c->keys, &a, &b, &key) < 0) {
		int line = lines[b] ? lines[b] : lines[a];
		return tug_errf(err, TUG_E_CONFLICT, "%s:%d: keys: '%s' would mean both '%s' and '%s'; "
				"bind one of them to another key", y->name, line,
				keymap_key_name(key, kn, sizeof(kn)), keymap_action_name(a),
				keymap_action_name(b));
	}
	return 0;
}

static int load_doc(struct config *c, struct yfile *y, struct tug_err *err)
{
	yaml_node_t *root = yfile_root(y);

	if (!root)
		return 0; /* an empty file */
	if (root->type != YAML_MAPPING_NODE)
		return yfile_errf(y, root, err, "the config is a mapping of setting: value");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yfile_node(y, p->key), *v = yfile_node(y, p->value);
		const char *key = yfile_scalar(k), *s = yfile_scalar(v);
		int b;

		if (!key)
			return yfile_errf(y, k, err, "expected a setting name");
		if (!strcmp(key, "keys")) {
			if (load_keys(c, y, v, err) < 0)
				return -1;
			continue;
		}
		if (!s)
			return yfile_errf(y, v, err, "%s: expected a single value", key);
		if (!strcmp(key, "theme")) {
			if (!*s)
				return yfile_errf(y, v, err, "theme: give a theme name or file");
			snprintf(c->theme, sizeof(c->theme), "%s", s);
		} else if (!strcmp(key, "refresh")) {
			if (parse_ms(s, 100, 3600 * 1000, &c->refresh_ms) < 0)
				return yfile_errf(y, v, err, "refresh: '%s' is not a duration between 100ms and 1h "
						  "(e.g. 2s, 500ms)", s);
		} else if (!strcmp(key, "stats_interval")) {
			if (parse_ms(s, 100, 60 * 1000, &c->stats_ms) < 0)
				return yfile_errf(y, v, err, "stats_interval: '%s' is not a duration between "
						  "100ms and 60s (e.g. 1s)", s);
		} else if (!strcmp(key, "graph_history")) {
			if (parse_int(s, 10, 86400, &c->graph_history) < 0)
				return yfile_errf(y, v, err, "graph_history: '%s' is not a number of samples "
						  "between 10 and 86400", s);
		} else if (!strcmp(key, "log_buffer")) {
			if (parse_int(s, 100, 1000000, &c->log_lines) < 0)
				return yfile_errf(y, v, err, "log_buffer: '%s' is not a number of lines between "
						  "100 and 1000000", s);
		} else if (!strcmp(key, "readonly") || !strcmp(key, "mouse")) {
			if ((b = yfile_bool(s)) < 0)
				return yfile_errf(y, v, err, "%s: '%s' is not true or false", key, s);
			if (key[0] == 'r')
				c->readonly = b;
			else
				c->mouse = b;
		} else if (!strcmp(key, "endpoint")) {
			if (strcmp(s, "local") && strcmp(s, "kube") && strncmp(s, "kube:", 5))
				return yfile_errf(y, v, err, "endpoint: '%s' is not local, kube or kube:CONTEXT", s);
			snprintf(c->endpoint, sizeof(c->endpoint), "%s", s);
		} else if (!strcmp(key, "graph_style")) {
			static const char *const st[] = { "auto", "braille", "block", "ascii" };
			int i;
			for (i = 0; i < 4; i++)
				if (!strcmp(s, st[i]))
					break;
			if (i == 4)
				return yfile_errf(y, v, err, "graph_style: '%s' is not auto, braille, block or ascii", s);
			c->graph_style = (enum graph_style)i;
		} else {
			return yfile_errf(y, k, err, "unknown setting '%s' (known: theme, refresh, stats_interval, "
					  "graph_history, log_buffer, readonly, endpoint, mouse, graph_style, keys)", key);
		}
	}
	return 0;
}

static int load_common(struct config *c, struct yfile *y, struct tug_err *err)
{
	struct config tmp = *c;
	int rc = load_doc(&tmp, y, err);

	yfile_release(y);
	if (rc == 0)
		*c = tmp;
	return rc;
}

int config_load_string(struct config *c, const char *name, const char *text, struct tug_err *err)
{
	struct yfile y;

	if (yfile_load_string(&y, name, text, strlen(text), err) < 0)
		return -1;
	return load_common(c, &y, err);
}

int config_load(struct config *c, const char *path, struct tug_err *err)
{
	struct yfile y;
	struct tug_err e2 = { 0 };

	if (yfile_load(&y, path, &e2) < 0) {
		if (e2.code == TUG_E_NOTFOUND)
			return 0;
		*err = e2;
		return -1;
	}
	if (load_common(c, &y, err) < 0)
		return -1;
	snprintf(c->path, sizeof(c->path), "%s", path);
	return 0;
}
