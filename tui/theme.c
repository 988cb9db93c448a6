/* theme.c - role styles from YAML theme files, degraded to what the
 * terminal can show. */
#include "theme.h"
#include "yamlfile.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#ifndef TUG_DATADIR
#define TUG_DATADIR "/usr/local/share/tug"
#endif

static const char *const role_names[ROLE_COUNT] = {
#define THEME_ROLE_NAME(id, name, mono) name,
	THEME_ROLES(THEME_ROLE_NAME)
#undef THEME_ROLE_NAME
};

static const attr_t role_mono[ROLE_COUNT] = {
#define THEME_ROLE_MONO(id, name, mono) mono,
	THEME_ROLES(THEME_ROLE_MONO)
#undef THEME_ROLE_MONO
};

static attr_t role_attr[ROLE_COUNT];
static int role_pair[ROLE_COUNT];

const char *theme_role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

int theme_role_parse(const char *name)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (!strcmp(role_names[i], name))
			return i;
	return -1;
}

static const char *const basic_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* xterm's default palette for the 16 basic colours */
static const uint32_t basic_rgb[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

int theme_color_parse(const char *s, struct theme_color *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	if (!strcasecmp(s, "default") || !strcasecmp(s, "none")) {
		out->kind = COLOR_DEFAULT;
		out->v = 0;
		return 0;
	}
	if (s[0] == '#') {
		if (strlen(s) != 7)
			return -1;
		v = strtol(s + 1, &end, 16);
		if (*end)
			return -1;
		out->kind = COLOR_RGB;
		out->v = (uint32_t)v;
		return 0;
	}
	if (s[0] >= '0' && s[0] <= '9') {
		v = strtol(s, &end, 10);
		if (*end || v < 0 || v > 255)
			return -1;
		out->kind = COLOR_INDEX;
		out->v = (uint32_t)v;
		return 0;
	}
	if (!strcasecmp(s, "grey") || !strcasecmp(s, "gray")) {
		out->kind = COLOR_INDEX;
		out->v = 8;
		return 0;
	}
	for (int i = 0; i < 8; i++) {
		if (!strcasecmp(s, basic_names[i])) {
			out->kind = COLOR_INDEX;
			out->v = (uint32_t)i;
			return 0;
		}
		if (!strncasecmp(s, "bright", 6) && (s[6] == '-' || s[6] == '_') &&
		    !strcasecmp(s + 7, basic_names[i])) {
			out->kind = COLOR_INDEX;
			out->v = (uint32_t)(i + 8);
			return 0;
		}
	}
	return -1;
}

int theme_attrs_parse(const char *s, attr_t *out)
{
	static const struct { const char *name; attr_t a; } names[] = {
		{ "bold", A_BOLD }, { "dim", A_DIM }, { "underline", A_UNDERLINE },
		{ "reverse", A_REVERSE }, { "italic", A_ITALIC }, { "blink", A_BLINK },
		{ "standout", A_STANDOUT }, { "none", 0 }, { "normal", 0 },
	};
	char word[32];
	attr_t a = 0;

	while (*s) {
		size_t n = strcspn(s, ", \t");
		if (n) {
			size_t i;
			if (n >= sizeof(word))
				return -1;
			memcpy(word, s, n);
			word[n] = 0;
			for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				if (!strcasecmp(word, names[i].name))
					break;
			if (i == sizeof(names) / sizeof(names[0]))
				return -1;
			a |= names[i].a;
		}
		s += n;
		s += strspn(s, ", \t");
	}
	*out = a;
	return 0;
}

void theme_builtin(struct theme *t)
{
	/* fg, bg as basic colour indexes (-1 = default) and attributes */
	static const struct { short fg, bg; attr_t a; } b[ROLE_COUNT] = {
		[ROLE_NORMAL] = { -1, -1, 0 },
		[ROLE_MUTED] = { 8, -1, 0 },
		[ROLE_BORDER] = { 4, -1, 0 },
		[ROLE_TITLE] = { 6, -1, A_BOLD },
		[ROLE_HEADER] = { 7, 4, 0 },
		[ROLE_HEADER_ACCENT] = { 3, 4, A_BOLD },
		[ROLE_TAB] = { 7, -1, 0 },
		[ROLE_TAB_ACTIVE] = { 0, 6, A_BOLD },
		[ROLE_TABLE_HEADER] = { 6, -1, A_BOLD },
		[ROLE_TABLE_SORTED] = { 3, -1, A_BOLD | A_UNDERLINE },
		[ROLE_ROW_SELECTED] = { 0, 6, 0 },
		[ROLE_ROW_MARKED] = { 3, -1, A_BOLD },
		[ROLE_STATE_RUNNING] = { 2, -1, 0 },
		[ROLE_STATE_PAUSED] = { 3, -1, 0 },
		[ROLE_STATE_STOPPED] = { 8, -1, 0 },
		[ROLE_STATE_CREATED] = { 6, -1, 0 },
		[ROLE_STATE_ERROR] = { 1, -1, A_BOLD },
		[ROLE_STATUS_OK] = { 2, -1, A_BOLD },
		[ROLE_STATUS_INFO] = { 6, -1, 0 },
		[ROLE_STATUS_WARN] = { 3, -1, A_BOLD },
		[ROLE_STATUS_ERROR] = { 7, 1, A_BOLD },
		[ROLE_KEY_HINT] = { 0, 6, 0 },
		[ROLE_HINT] = { -1, -1, 0 },
		[ROLE_MESSAGE] = { 3, -1, A_BOLD },
		[ROLE_GRAPH_CPU] = { 2, -1, 0 },
		[ROLE_GRAPH_MEM] = { 5, -1, 0 },
		[ROLE_GRAPH_NET_RX] = { 6, -1, 0 },
		[ROLE_GRAPH_NET_TX] = { 4, -1, 0 },
		[ROLE_GRAPH_BLK_READ] = { 3, -1, 0 },
		[ROLE_GRAPH_BLK_WRITE] = { 1, -1, 0 },
		[ROLE_GRAPH_PIDS] = { 7, -1, 0 },
		[ROLE_GRAPH_LABEL] = { 7, -1, A_BOLD },
		[ROLE_LOG_STDOUT] = { -1, -1, 0 },
		[ROLE_LOG_STDERR] = { 1, -1, 0 },
		[ROLE_LOG_TIMESTAMP] = { 8, -1, 0 },
		[ROLE_LOG_MATCH] = { 0, 3, 0 },
		[ROLE_LOG_INFO] = { 8, -1, 0 },
		[ROLE_DIALOG] = { 7, 4, 0 },
		[ROLE_DIALOG_TITLE] = { 3, 4, A_BOLD },
		[ROLE_DIALOG_BUTTON] = { 7, 4, 0 },
		[ROLE_DIALOG_BUTTON_ACTIVE] = { 0, 3, A_BOLD },
		[ROLE_INPUT] = { 3, -1, A_BOLD },
		[ROLE_SPINNER] = { 3, -1, A_BOLD },
		[ROLE_JSON_KEY] = { 6, -1, 0 },
		[ROLE_JSON_STRING] = { 2, -1, 0 },
		[ROLE_JSON_NUMBER] = { 5, -1, 0 },
		[ROLE_JSON_LITERAL] = { 3, -1, 0 },
		[ROLE_HELP_SECTION] = { 6, -1, A_BOLD | A_UNDERLINE },
	};

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "builtin");
	for (int i = 0; i < ROLE_COUNT; i++) {
		struct theme_style *s = &t->roles[i];
		s->fg.kind = b[i].fg < 0 ? COLOR_DEFAULT : COLOR_INDEX;
		s->fg.v = b[i].fg < 0 ? 0 : (uint32_t)b[i].fg;
		s->bg.kind = b[i].bg < 0 ? COLOR_DEFAULT : COLOR_INDEX;
		s->bg.v = b[i].bg < 0 ? 0 : (uint32_t)b[i].bg;
		s->attrs = b[i].a;
		s->set = 0;
	}
}

static int load_style(struct yfile *y, yaml_node_t *val, struct theme_style *st,
		      struct tug_err *err)
{
	if (val->type != YAML_MAPPING_NODE)
		return yfile_errf(y, val, err, "a role takes a mapping like {fg: white, bg: blue, attrs: bold}");
	st->fg.kind = COLOR_DEFAULT;
	st->bg.kind = COLOR_DEFAULT;
	st->attrs = 0;
	for (yaml_node_pair_t *p = val->data.mapping.pairs.start; p < val->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yfile_node(y, p->key), *v = yfile_node(y, p->value);
		const char *key = yfile_scalar(k), *s = yfile_scalar(v);

		if (!key)
			return yfile_errf(y, k, err, "expected a key (fg, bg, attrs)");
		if (!strcmp(key, "fg") || !strcmp(key, "bg")) {
			struct theme_color *c = key[0] == 'f' ? &st->fg : &st->bg;
			if (!s || theme_color_parse(s, c) < 0)
				return yfile_errf(y, v, err, "bad colour '%s' for %s: use default, a name "
						  "(red, bright-blue...), 0-255 or #rrggbb", s ? s : "", key);
		} else if (!strcmp(key, "attrs")) {
			attr_t a = 0, one;
			if (v->type == YAML_SEQUENCE_NODE) {
				for (yaml_node_item_t *it = v->data.sequence.items.start;
				     it < v->data.sequence.items.top; it++) {
					yaml_node_t *e = yfile_node(y, *it);
					if (!yfile_scalar(e) || theme_attrs_parse(yfile_scalar(e), &one) < 0)
						return yfile_errf(y, e, err, "bad attribute: use bold, dim, underline, reverse, italic");
					a |= one;
				}
			} else if (!s || theme_attrs_parse(s, &a) < 0) {
				return yfile_errf(y, v, err, "bad attributes '%s': use bold, dim, underline, reverse, italic",
						  s ? s : "");
			}
			st->attrs = a;
		} else {
			return yfile_errf(y, k, err, "unknown key '%s' in a role: use fg, bg, attrs", key);
		}
	}
	st->set = 1;
	return 0;
}

static int load_doc(struct theme *t, struct yfile *y, struct tug_err *err)
{
	yaml_node_t *root = yfile_root(y);

	if (!root || root->type != YAML_MAPPING_NODE)
		return yfile_errf(y, root, err, "a theme is a mapping with 'name' and 'roles'");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yfile_node(y, p->key), *v = yfile_node(y, p->value);
		const char *key = yfile_scalar(k);

		if (key && !strcmp(key, "name")) {
			if (!yfile_scalar(v))
				return yfile_errf(y, v, err, "name must be a string");
			snprintf(t->name, sizeof(t->name), "%s", yfile_scalar(v));
		} else if (key && (!strcmp(key, "description") || !strcmp(key, "author"))) {
			continue;
		} else if (key && !strcmp(key, "roles")) {
			if (v->type != YAML_MAPPING_NODE)
				return yfile_errf(y, v, err, "roles must be a mapping of role: {fg, bg, attrs}");
			for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
				yaml_node_t *rk = yfile_node(y, q->key);
				const char *rn = yfile_scalar(rk);
				int r = rn ? theme_role_parse(rn) : -1;
				if (r < 0)
					return yfile_errf(y, rk, err, "unknown role '%s'", rn ? rn : "?");
				if (load_style(y, yfile_node(y, q->value), &t->roles[r], err) < 0)
					return -1;
			}
		} else {
			return yfile_errf(y, k, err, "unknown key '%s': a theme has name, description, roles",
					  key ? key : "?");
		}
	}
	return 0;
}

static int load_common(struct theme *t, struct yfile *y, const char *label, struct tug_err *err)
{
	struct theme tmp;
	int rc;

	theme_builtin(&tmp);
	rc = load_doc(&tmp, y, err);
	yfile_release(y);
	if (rc < 0)
		return -1;
	if (!strcmp(tmp.name, "builtin")) {
		/* unnamed: call it after its file */
		const char *b = strrchr(label, '/');
		snprintf(tmp.name, sizeof(tmp.name), "%s", b ? b + 1 : label);
		char *dot = strstr(tmp.name, ".yaml");
		if (dot)
			*dot = 0;
	}
	*t = tmp;
	return 0;
}

int theme_load_string(struct theme *t, const char *name, const char *text, struct tug_err *err)
{
	struct yfile y;

	if (yfile_load_string(&y, name, text, strlen(text), err) < 0)
		return -1;
	return load_common(t, &y, name, err);
}

int theme_load_file(struct theme *t, const char *path, struct tug_err *err)
{
	struct yfile y;

	if (yfile_load(&y, path, err) < 0)
		return -1;
	if (load_common(t, &y, path, err) < 0)
		return -1;
	snprintf(t->path, sizeof(t->path), "%s", path);
	return 0;
}

int theme_missing_roles(const struct theme *t, char *buf, size_t size)
{
	int n = 0;
	size_t o = 0;

	if (size)
		buf[0] = 0;
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (t->roles[i].set)
			continue;
		if (o < size)
			o += (size_t)snprintf(buf + o, size - o, "%s%s", n ? ", " : "", role_names[i]);
		n++;
	}
	return n;
}

int theme_dirs(char dirs[][PATH_MAX], int max)
{
	int n = 0;
	const char *e;
	char exe[PATH_MAX];
	ssize_t len;

	if ((e = getenv("TUG_THEMES")) && *e && n < max)
		snprintf(dirs[n++], PATH_MAX, "%s", e);
	if ((e = getenv("XDG_CONFIG_HOME")) && *e && n < max)
		snprintf(dirs[n++], PATH_MAX, "%s/tug/themes", e);
	else if ((e = getenv("HOME")) && *e && n < max)
		snprintf(dirs[n++], PATH_MAX, "%s/.config/tug/themes", e);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0 && n < max) {
		exe[len] = 0;
		/* a binary in a source tree (./tug) or its build dir (build/tug) */
		snprintf(dirs[n++], PATH_MAX, "%s/themes", dirname(exe));
		if (n < max)
			snprintf(dirs[n++], PATH_MAX, "%s/../themes", exe);
	}
	if (n < max)
		snprintf(dirs[n++], PATH_MAX, "%s/themes", TUG_DATADIR);
	return n;
}

int theme_find(const char *arg, char *path, size_t size, struct tug_err *err)
{
	char dirs[8][PATH_MAX];
	int n;

	if (strchr(arg, '/') || strstr(arg, ".yaml") || strstr(arg, ".yml")) {
		if (access(arg, R_OK) < 0)
			return tug_errno(err, "theme file %s", arg);
		snprintf(path, size, "%s", arg);
		return 0;
	}
	n = theme_dirs(dirs, 8);
	for (int i = 0; i < n; i++) {
		snprintf(path, size, "%s/%s.yaml", dirs[i], arg);
		if (access(path, R_OK) == 0)
			return 0;
	}
	return tug_errf(err, TUG_E_NOTFOUND, "theme '%s' not found (looked in %s and %d other places); "
			"give a file path or one of the names in themes/", arg, n ? dirs[0] : "-", n - 1);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **theme_names(void)
{
	char dirs[8][PATH_MAX];
	int nd = theme_dirs(dirs, 8);
	char **v = NULL;
	size_t n = 0, o = 0;

	for (int i = 0; i < nd; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;
		if (!d)
			continue;
		while ((de = readdir(d))) {
			size_t l = strlen(de->d_name);
			if (l < 6 || strcmp(de->d_name + l - 5, ".yaml"))
				continue;
			v = xrealloc(v, (n + 2) * sizeof(*v));
			v[n] = xstrdup(de->d_name);
			v[n][l - 5] = 0;
			n++;
		}
		closedir(d);
	}
	if (!v)
		v = xcalloc(1, sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (o && !strcmp(v[o - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[o++] = v[i];
	}
	v[o] = NULL;
	return v;
}

void theme_names_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

enum color_mode theme_color_mode(void)
{
	const char *nc = getenv("NO_COLOR");

	/* https://no-color.org: present and not empty disables colour */
	if ((nc && *nc) || !has_colors())
		return CM_MONO;
	if (COLORS >= 0x1000000)
		return CM_DIRECT;
	if (COLORS >= 256)
		return CM_256;
	if (COLORS >= 16)
		return CM_16;
	return CM_8;
}

static int dist2(uint32_t a, uint32_t b)
{
	int dr = (int)((a >> 16) & 255) - (int)((b >> 16) & 255);
	int dg = (int)((a >> 8) & 255) - (int)((b >> 8) & 255);
	int db = (int)(a & 255) - (int)(b & 255);

	/* weight green most, as the eye does */
	return 2 * dr * dr + 4 * dg * dg + 3 * db * db;
}

uint32_t theme_index_to_rgb(int i)
{
	static const int steps[6] = { 0, 95, 135, 175, 215, 255 };

	if (i < 16)
		return basic_rgb[i < 0 ? 0 : i];
	if (i < 232) {
		i -= 16;
		return (uint32_t)(steps[i / 36] << 16 | steps[(i / 6) % 6] << 8 | steps[i % 6]);
	}
	int g = 8 + (i - 232) * 10;
	return (uint32_t)(g << 16 | g << 8 | g);
}

int theme_rgb_to_256(uint32_t rgb)
{
	int best = 16, bd = -1;

	/* only the cube and the grey ramp: the basic 16 vary by terminal */
	for (int i = 16; i < 256; i++) {
		int d = dist2(rgb, theme_index_to_rgb(i));
		if (bd < 0 || d < bd) {
			bd = d;
			best = i;
		}
	}
	return best;
}

int theme_rgb_to_basic(uint32_t rgb, int ncolors)
{
	int r = (int)(rgb >> 16) & 255, g = (int)(rgb >> 8) & 255, b = (int)rgb & 255;
	int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
	int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
	int lum = (2 * r + 5 * g + b) / 8;
	int best = 1, bd = -1;

	/* greys (and near-greys like slate blue-grey) go by lightness: the
	 * nearest basic colour by distance would often be a loud one */
	if (mx - mn < 64 || mx < 48) {
		if (ncolors >= 16)
			return lum < 48 ? 0 : lum < 150 ? 8 : lum < 220 ? 7 : 15;
		return lum < 110 ? 0 : 7;
	}
	/* a colour: compare hues at full intensity */
	uint32_t norm = (uint32_t)(r * 255 / mx) << 16 | (uint32_t)(g * 255 / mx) << 8 | (uint32_t)(b * 255 / mx);
	for (int i = 1; i <= 6; i++) {
		uint32_t ref = basic_rgb[i + 8]; /* the pure bright hues */
		int d = dist2(norm, ref);
		if (bd < 0 || d < bd) {
			bd = d;
			best = i;
		}
	}
	/* light colours take the bright variant where there is one */
	if (ncolors >= 16 && lum >= 150)
		best += 8;
	return best;
}

int theme_color_value(const struct theme_color *c, enum color_mode m)
{
	switch (c->kind) {
	case COLOR_UNSET:
	case COLOR_DEFAULT:
		return -1;
	case COLOR_INDEX:
		if (m == CM_DIRECT)
			return c->v < 8 ? (int)c->v : (int)theme_index_to_rgb((int)c->v);
		if (m == CM_256 || c->v < 8 || (m == CM_16 && c->v < 16))
			return (int)c->v;
		return theme_rgb_to_basic(theme_index_to_rgb((int)c->v), m == CM_16 ? 16 : 8);
	case COLOR_RGB:
		if (m == CM_DIRECT)
			return c->v < 8 ? 8 : (int)c->v; /* below 8 means ANSI to ncurses */
		if (m == CM_256)
			return theme_rgb_to_256(c->v);
		return theme_rgb_to_basic(c->v, m == CM_16 ? 16 : 8);
	}
	return -1;
}

void theme_apply(const struct theme *t, enum color_mode m)
{
	int nfg = -1, nbg = -1;

	if (m != CM_MONO) {
		use_default_colors();
		nfg = theme_color_value(&t->roles[ROLE_NORMAL].fg, m);
		nbg = theme_color_value(&t->roles[ROLE_NORMAL].bg, m);
	}
	for (int i = 0; i < ROLE_COUNT; i++) {
		const struct theme_style *s = &t->roles[i];
		if (m == CM_MONO) {
			role_pair[i] = 0;
			role_attr[i] = s->attrs | role_mono[i];
			continue;
		}
		int fg = theme_color_value(&s->fg, m), bg = theme_color_value(&s->bg, m);
		/* "default" means the theme's normal colours, so a light theme
		 * paints its own background */
		if (fg < 0)
			fg = nfg;
		if (bg < 0)
			bg = nbg;
		role_pair[i] = i + 1;
		init_extended_pair(i + 1, fg, bg);
		role_attr[i] = s->attrs;
	}
}

void ui_role(WINDOW *w, enum role r)
{
	int p = role_pair[r];

	wattr_set(w, role_attr[r], (short)p, &p);
}

attr_t theme_role_attr(enum role r)
{
	return role_attr[r];
}

int theme_role_pair(enum role r)
{
	return role_pair[r];
}
