/* keymap.c - default bindings, key names, remapping. */
#include "keymap.h"
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name, *help;
	unsigned scope;
} actions[ACT_COUNT] = {
	[ACT_NONE] = { "none", "", 0 },
#define KEYMAP_DESC(id, name, scope, help) [ACT_##id] = { name, help, scope },
	KEYMAP_ACTIONS(KEYMAP_DESC)
#undef KEYMAP_DESC
};

static const struct { enum action a; int keys[KEYMAP_MAXKEYS]; } defaults[] = {
	{ ACT_QUIT, { 'q' } },
	{ ACT_HELP, { '?', KEYF(KEY_F(1)) } },
	{ ACT_COMMAND, { ':' } },
	{ ACT_NEXT_VIEW, { '\t' } },
	{ ACT_PREV_VIEW, { KEYF(KEY_BTAB) } },
	{ ACT_VIEW1, { '1' } }, { ACT_VIEW2, { '2' } }, { ACT_VIEW3, { '3' } },
	{ ACT_VIEW4, { '4' } }, { ACT_VIEW5, { '5' } }, { ACT_VIEW6, { '6' } },
	{ ACT_VIEW7, { '7' } }, { ACT_VIEW8, { '8' } }, { ACT_VIEW9, { '9' } },
	{ ACT_REDRAW, { KEYCTRL('l') } },
	{ ACT_UP, { KEYF(KEY_UP), 'k' } },
	{ ACT_DOWN, { KEYF(KEY_DOWN), 'j' } },
	{ ACT_TOP, { 'g', KEYF(KEY_HOME) } },
	{ ACT_BOTTOM, { 'G', KEYF(KEY_END) } },
	{ ACT_PAGE_UP, { KEYF(KEY_PPAGE), KEYCTRL('b') } },
	{ ACT_PAGE_DOWN, { KEYF(KEY_NPAGE), KEYCTRL('f') } },
	{ ACT_FILTER, { '/' } },
	{ ACT_MARK, { ' ' } },
	{ ACT_SORT_NEXT, { '>' } },
	{ ACT_SORT_PREV, { '<' } },
	{ ACT_SORT_REVERSE, { 'o' } },
	{ ACT_INSPECT, { '\n', KEYF(KEY_ENTER), '\r' } },
	{ ACT_CLEAR, { 27 } },
	{ ACT_SHOW_ALL, { 'a' } },
	{ ACT_START, { 's' } },
	{ ACT_STOP, { 'S' } },
	{ ACT_RESTART, { 'r' } },
	{ ACT_KILL, { 'K' } },
	{ ACT_REMOVE, { 'd', KEYF(KEY_DC) } },
	{ ACT_PAUSE, { 'p' } },
	{ ACT_LOGS, { 'l' } },
	{ ACT_EXEC, { 'e' } },
	{ ACT_RENAME, { 'R' } },
	{ ACT_PULL, { 'p' } },
	{ ACT_CREATE, { 'c' } },
	{ ACT_SCALE_UP, { '+' } },
	{ ACT_SCALE_DOWN, { '-' } },
	{ ACT_SCALE, { '=' } },
	{ ACT_CORDON, { 'c' } },
	{ ACT_USE, { 'u' } },
	{ ACT_CONTAINER, { 'C' } },
	{ ACT_PREVIOUS, { 'P' } },
	{ ACT_SEARCH, { '/' } },
	{ ACT_NEXT_MATCH, { 'n' } },
	{ ACT_PREV_MATCH, { 'N' } },
	{ ACT_LEFT, { KEYF(KEY_LEFT), 'h' } },
	{ ACT_RIGHT, { KEYF(KEY_RIGHT) } },
	{ ACT_WRAP, { 'w' } },
	{ ACT_FOLLOW, { 'f' } },
	{ ACT_TIMESTAMPS, { 't' } },
};

void keymap_defaults(struct keymap *km)
{
	memset(km, 0, sizeof(*km));
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		memcpy(km->keys[defaults[i].a], defaults[i].keys, sizeof(defaults[i].keys));
}

enum action keymap_lookup(const struct keymap *km, unsigned scopes, int key)
{
	for (int a = 1; a < ACT_COUNT; a++) {
		if (!(actions[a].scope & scopes))
			continue;
		for (int i = 0; i < KEYMAP_MAXKEYS && km->keys[a][i]; i++)
			if (km->keys[a][i] == key)
				return (enum action)a;
	}
	return ACT_NONE;
}

const char *keymap_action_name(enum action a)
{
	return (unsigned)a < ACT_COUNT ? actions[a].name : "?";
}

const char *keymap_action_help(enum action a)
{
	return (unsigned)a < ACT_COUNT ? actions[a].help : "";
}

unsigned keymap_action_scope(enum action a)
{
	return (unsigned)a < ACT_COUNT ? actions[a].scope : 0;
}

enum action keymap_action_parse(const char *name)
{
	for (int a = 1; a < ACT_COUNT; a++)
		if (!strcmp(actions[a].name, name))
			return (enum action)a;
	return ACT_NONE;
}

static const struct { const char *name; int key; } named[] = {
	{ "enter", '\n' }, { "return", '\n' }, { "esc", 27 }, { "escape", 27 },
	{ "tab", '\t' }, { "backtab", KEYF(KEY_BTAB) }, { "shift-tab", KEYF(KEY_BTAB) },
	{ "space", ' ' }, { "up", KEYF(KEY_UP) }, { "down", KEYF(KEY_DOWN) },
	{ "left", KEYF(KEY_LEFT) }, { "right", KEYF(KEY_RIGHT) },
	{ "pgup", KEYF(KEY_PPAGE) }, { "pageup", KEYF(KEY_PPAGE) },
	{ "pgdn", KEYF(KEY_NPAGE) }, { "pagedown", KEYF(KEY_NPAGE) },
	{ "home", KEYF(KEY_HOME) }, { "end", KEYF(KEY_END) },
	{ "delete", KEYF(KEY_DC) }, { "del", KEYF(KEY_DC) }, { "insert", KEYF(KEY_IC) },
	{ "backspace", KEYF(KEY_BACKSPACE) },
};

int keymap_key_parse(const char *s)
{
	mbstate_t st;
	wchar_t wc;
	size_t n = strlen(s);

	if (!n)
		return -1;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strcasecmp(s, named[i].name))
			return named[i].key;
	if ((s[0] == 'f' || s[0] == 'F') && n >= 2 && n <= 3 && s[1] >= '1' && s[1] <= '9') {
		int f = atoi(s + 1);
		if (f >= 1 && f <= 12)
			return KEYF(KEY_F(f));
	}
	if ((!strncasecmp(s, "ctrl-", 5) || !strncasecmp(s, "ctrl+", 5) || !strncasecmp(s, "c-", 2)) ) {
		const char *c = s[1] == '-' ? s + 2 : s + 5;
		if (strlen(c) == 1 && ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
			return KEYCTRL(*c);
		return -1;
	}
	if (s[0] == '^' && n == 2 && ((s[1] >= 'a' && s[1] <= 'z') || (s[1] >= 'A' && s[1] <= 'Z')))
		return KEYCTRL(s[1]);
	memset(&st, 0, sizeof(st));
	if (mbrtowc(&wc, s, n, &st) == n && wc >= 0x20 && wc != 0x7f)
		return (int)wc;
	return -1;
}

const char *keymap_key_name(int key, char *buf, size_t size)
{
	static const struct { int key; const char *name; } pretty[] = {
		{ '\n', "Enter" }, { '\r', "Enter" }, { KEYF(KEY_ENTER), "Enter" }, { 27, "Esc" },
		{ '\t', "Tab" }, { KEYF(KEY_BTAB), "S-Tab" }, { ' ', "Space" },
		{ KEYF(KEY_UP), "Up" }, { KEYF(KEY_DOWN), "Down" }, { KEYF(KEY_LEFT), "Left" },
		{ KEYF(KEY_RIGHT), "Right" }, { KEYF(KEY_PPAGE), "PgUp" }, { KEYF(KEY_NPAGE), "PgDn" },
		{ KEYF(KEY_HOME), "Home" }, { KEYF(KEY_END), "End" }, { KEYF(KEY_DC), "Del" },
		{ KEYF(KEY_IC), "Ins" }, { KEYF(KEY_BACKSPACE), "Backspace" },
	};

	for (size_t i = 0; i < sizeof(pretty) / sizeof(pretty[0]); i++)
		if (pretty[i].key == key) {
			snprintf(buf, size, "%s", pretty[i].name);
			return buf;
		}
	if (KEY_IS_F(key)) {
		int k = key & ~0x40000000;
		if (k >= KEY_F(1) && k <= KEY_F(12))
			snprintf(buf, size, "F%d", k - KEY_F0);
		else
			snprintf(buf, size, "key-%d", k);
	} else if (key > 0 && key < 0x20) {
		snprintf(buf, size, "^%c", key + '@');
	} else {
		mbstate_t st;
		char mb[8];
		memset(&st, 0, sizeof(st));
		size_t n = wcrtomb(mb, (wchar_t)key, &st);
		if (n == (size_t)-1)
			n = 0;
		mb[n] = 0;
		snprintf(buf, size, "%s", mb);
	}
	return buf;
}

const char *keymap_keys_text(const struct keymap *km, enum action a, char *buf, size_t size)
{
	size_t o = 0;
	char k[32];

	buf[0] = 0;
	for (int i = 0; i < KEYMAP_MAXKEYS && km->keys[a][i] && o < size; i++) {
		/* the carriage-return twin of Enter adds nothing to read */
		if (km->keys[a][i] == '\r' || km->keys[a][i] == KEYF(KEY_ENTER))
			continue;
		o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? ", " : "",
				      keymap_key_name(km->keys[a][i], k, sizeof(k)));
	}
	return buf;
}

/* Scopes that are looked up together: a key may not mean two things in
 * any of these sets. */
static const unsigned together[] = {
	SC_GLOBAL | SC_TABLE | SC_RESOURCE,
	SC_GLOBAL | SC_TABLE | SC_IMAGES,
	SC_GLOBAL | SC_TABLE | SC_STORE,
	SC_GLOBAL | SC_PAGER | SC_LOGS,
};

int keymap_bind(struct keymap *km, const char *action, const char *const *keys, size_t n,
		struct tug_err *err)
{
	enum action a = keymap_action_parse(action);
	int parsed[KEYMAP_MAXKEYS] = { 0 };

	if (a == ACT_NONE)
		return tug_errf(err, TUG_E_INVALID, "unknown action '%s' (the help screen, '?', lists them)",
				action);
	if (n == 0 || n >= KEYMAP_MAXKEYS)
		return tug_errf(err, TUG_E_INVALID, "action '%s' takes 1 to %d keys", action,
				KEYMAP_MAXKEYS - 1);
	for (size_t i = 0; i < n; i++) {
		parsed[i] = keymap_key_parse(keys[i]);
		if (parsed[i] < 0)
			return tug_errf(err, TUG_E_INVALID, "'%s' is not a key (use a character, ctrl-x, "
					"enter, esc, tab, space, up, pgdn, f1...)", keys[i]);
	}
	memset(km->keys[a], 0, sizeof(km->keys[a]));
	memcpy(km->keys[a], parsed, sizeof(parsed));
	/* Enter stays Enter however the terminal sends it */
	for (size_t i = 0; i < n; i++)
		if (parsed[i] == '\n')
			km->keys[a][n] = '\r';
	return 0;
}

int keymap_check(const struct keymap *km, enum action *a_out, enum action *b_out, int *key_out)
{
	for (int a = 1; a < ACT_COUNT; a++) {
		for (int b = a + 1; b < ACT_COUNT; b++) {
			int clash = 0;
			for (size_t t = 0; t < sizeof(together) / sizeof(together[0]); t++)
				if ((actions[a].scope & together[t]) && (actions[b].scope & together[t]))
					clash = 1;
			if (!clash)
				continue;
			for (int i = 0; i < KEYMAP_MAXKEYS && km->keys[a][i]; i++)
				for (int j = 0; j < KEYMAP_MAXKEYS && km->keys[b][j]; j++)
					if (km->keys[a][i] == km->keys[b][j]) {
						*a_out = (enum action)a;
						*b_out = (enum action)b;
						*key_out = km->keys[a][i];
						return -1;
					}
		}
	}
	return 0;
}
