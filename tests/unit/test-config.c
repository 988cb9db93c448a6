/* Config file: settings, key remaps, unknown keys and bad values with
 * their line; keymap defaults and key names. */
#include "t.h"
#include "config.h"
#include "ui.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	struct config c;
	struct tug_err err = { 0 };
	char buf[256];
	enum action a, b;
	int key, rc;

	setlocale(LC_ALL, "C.UTF-8");
	config_defaults(&c);
	T_OK(c.refresh_ms == 2000 && c.stats_ms == 1000 && c.graph_history == 300 && c.log_lines == 5000 &&
	     !c.readonly && !strcmp(c.theme, "dark") && !strcmp(c.endpoint, "local"), "defaults");
	rc = keymap_check(&c.keys, &a, &b, &key);
	T_OK(rc == 0, "default keys never mean two things at once%s%s", rc ? ": " : "",
	     rc ? keymap_action_name(a) : "");
	T_OK(keymap_lookup(&c.keys, SC_RESOURCE, 'S') == ACT_STOP, "S stops");
	T_OK(keymap_lookup(&c.keys, SC_TABLE, '/') == ACT_FILTER, "/ filters in a table");
	T_OK(keymap_lookup(&c.keys, SC_PAGER, '/') == ACT_SEARCH, "/ searches in a pager");
	T_OK(keymap_lookup(&c.keys, SC_GLOBAL, KEYF(KEY_BTAB)) == ACT_PREV_VIEW, "Shift-Tab goes back");

	const char *good =
		"# settings\n"
		"theme: light\n"
		"refresh: 500ms\n"
		"stats_interval: 2\n"
		"graph_history: 600\n"
		"log_buffer: 20000\n"
		"readonly: yes\n"
		"endpoint: kube:staging\n"
		"mouse: false\n"
		"graph_style: ascii\n"
		"keys:\n"
		"  stop: x\n"
		"  kill: S\n"
		"  quit: [q, ctrl-q]\n";
	rc = config_load_string(&c, "config.yaml", good, &err);
	T_OK(rc == 0, "a full config loads%s%s", rc ? ": " : "", rc ? err.msg : "");
	T_OK(!strcmp(c.theme, "light") && c.refresh_ms == 500 && c.stats_ms == 2000 && c.graph_history == 600 &&
	     c.log_lines == 20000 && c.readonly && !c.mouse && c.graph_style == GRAPH_ASCII &&
	     !strcmp(c.endpoint, "kube:staging"), "every setting read");
	T_OK(keymap_lookup(&c.keys, SC_RESOURCE, 'x') == ACT_STOP, "stop remapped to x");
	T_OK(keymap_lookup(&c.keys, SC_RESOURCE, 'S') == ACT_KILL, "S now kills (remaps apply together)");
	T_OK(keymap_lookup(&c.keys, SC_RESOURCE, 'K') == ACT_NONE, "K no longer bound");
	T_OK(keymap_lookup(&c.keys, SC_GLOBAL, KEYCTRL('q')) == ACT_QUIT, "quit also on ctrl-q");
	T_STREQ(keymap_keys_text(&c.keys, ACT_QUIT, buf, sizeof(buf)), "q, ^Q", "keys shown for help");

	/* errors carry their line, and leave the config as it was */
	config_defaults(&c);
	rc = config_load_string(&c, "c.yaml", "theme: dark\nrefresh: 2s\nfrobnicate: 1\n", &err);
	T_OK(rc < 0 && !strncmp(err.msg, "c.yaml:3: unknown setting 'frobnicate'", 38), "unknown key: %s", err.msg);
	T_OK(c.refresh_ms == 2000, "a failed load changes nothing");
	rc = config_load_string(&c, "c.yaml", "refresh: soon\n", &err);
	T_OK(rc < 0 && strstr(err.msg, "c.yaml:1: refresh: 'soon'"), "bad duration: %s", err.msg);
	rc = config_load_string(&c, "c.yaml", "\n\ngraph_history: -4\n", &err);
	T_OK(rc < 0 && strstr(err.msg, "c.yaml:3: graph_history"), "bad number: %s", err.msg);
	rc = config_load_string(&c, "c.yaml", "readonly: maybe\n", &err);
	T_OK(rc < 0 && strstr(err.msg, "c.yaml:1: readonly: 'maybe' is not true or false"), "bad bool: %s", err.msg);
	rc = config_load_string(&c, "c.yaml", "keys:\n  stop: x\n  explode: y\n", &err);
	T_OK(rc < 0 && strstr(err.msg, "c.yaml:3:") && strstr(err.msg, "unknown action 'explode'"),
	     "unknown action: %s", err.msg);
	rc = config_load_string(&c, "c.yaml", "keys:\n  stop: ctrl-\n", &err);
	T_OK(rc < 0 && strstr(err.msg, "c.yaml:2:") && strstr(err.msg, "not a key"), "bad key name: %s", err.msg);
	rc = config_load_string(&c, "c.yaml", "keys:\n  stop: x\n  kill: x\n", &err);
	T_OK(rc < 0 && strstr(err.msg, "c.yaml:3:") && strstr(err.msg, "'x' would mean both"),
	     "two actions on one key: %s", err.msg);
	rc = config_load_string(&c, "c.yaml", "keys:\n  quit: s\n", &err);
	T_OK(rc < 0 && strstr(err.msg, "c.yaml:2:"), "a global key clashing with a view key: %s", err.msg);
	rc = config_load_string(&c, "c.yaml", "theme: [a, b]\n", &err);
	T_OK(rc < 0 && strstr(err.msg, "c.yaml:1:"), "a list where a value belongs: %s", err.msg);
	rc = config_load_string(&c, "c.yaml", "", &err);
	T_OK(rc == 0, "an empty file is fine");

	/* files: missing is fine, broken is reported with its path */
	T_OK(config_load(&c, "/nonexistent/tug/config.yaml", &err) == 0 && !c.path[0], "no config file: defaults");
	char tmp[] = "/tmp/tug-config-XXXXXX";
	int fd = mkstemp(tmp);
	const char *bad = "theme: dark\nrefresh: -1s\n";
	T_OK(fd >= 0 && write(fd, bad, strlen(bad)) > 0, "wrote a config file");
	close(fd);
	rc = config_load(&c, tmp, &err);
	T_OK(rc < 0 && !strncmp(err.msg, tmp, strlen(tmp)) && strstr(err.msg, ":2: refresh"), "file error: %s", err.msg);
	unlink(tmp);
	setenv("XDG_CONFIG_HOME", "/x", 1);
	unsetenv("TUG_CONFIG");
	T_STREQ(config_path(buf, sizeof(buf)), "/x/tug/config.yaml", "config under XDG_CONFIG_HOME");

	/* key names */
	T_OK(keymap_key_parse("enter") == '\n' && keymap_key_parse("ctrl-x") == 24 &&
	     keymap_key_parse("pgdn") == KEYF(KEY_NPAGE) && keymap_key_parse("F5") == KEYF(KEY_F(5)) &&
	     keymap_key_parse("é") == 0xe9 && keymap_key_parse("") < 0, "key names parse");
	T_STREQ(keymap_key_name(KEYF(KEY_NPAGE), buf, sizeof(buf)), "PgDn", "PgDn");
	T_STREQ(keymap_key_name(3, buf, sizeof(buf)), "^C", "control keys");
	return T_DONE();
}
