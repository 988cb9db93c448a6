/* Themes: every shipped theme loads and names every role; a broken file
 * fails with file:line; colours parse and degrade to 256 and 8 colours. */
#include "t.h"
#include "theme.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *themes_dir(void)
{
	/* tests run from the top of the tree */
	return access("themes/dark.yaml", R_OK) == 0 ? "themes" : "../themes";
}

int main(void)
{
	struct theme t;
	struct tug_err err = { 0 };
	struct theme_color c;
	attr_t a;
	char path[4096], missing[2048];
	int nthemes = 0;
	DIR *d;
	struct dirent *de;

	/* every shipped theme */
	d = opendir(themes_dir());
	T_OK(d != NULL, "themes/ exists");
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".yaml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", themes_dir(), de->d_name);
		int rc = theme_load_file(&t, path, &err);
		T_OK(rc == 0, "theme %s loads%s%s", de->d_name, rc ? ": " : "", rc ? err.msg : "");
		int n = theme_missing_roles(&t, missing, sizeof(missing));
		T_OK(n == 0, "theme %s names every role%s%s", de->d_name, n ? "; missing: " : "", n ? missing : "");
		nthemes++;
	}
	if (d)
		closedir(d);
	T_OK(nthemes >= 4, "at least four themes shipped (%d)", nthemes);
	{
		const char *want[] = { "dark", "light", "high-contrast", "monochrome" };
		for (int i = 0; i < 4; i++) {
			snprintf(path, sizeof(path), "%s/%s.yaml", themes_dir(), want[i]);
			T_OK(access(path, R_OK) == 0, "%s theme shipped", want[i]);
		}
	}
	snprintf(path, sizeof(path), "%s/dark.yaml", themes_dir());
	theme_load_file(&t, path, &err);
	T_STREQ(t.name, "dark", "theme name read");
	T_OK(t.roles[ROLE_HEADER].bg.kind == COLOR_RGB && t.roles[ROLE_HEADER].bg.v == 0x313244,
	     "header background is #313244");
	T_OK(t.roles[ROLE_TABLE_SORTED].attrs == (A_BOLD | A_UNDERLINE), "attribute lists parse");

	/* broken themes name the file and the line */
	const char *bad_role = "name: x\nroles:\n  normal: { fg: red }\n  hedaer: { fg: blue }\n";
	T_OK(theme_load_string(&t, "bad.yaml", bad_role, &err) < 0, "unknown role refused");
	T_STREQ(err.msg, "bad.yaml:4: unknown role 'hedaer'", "message names file and line");
	const char *bad_color = "name: x\nroles:\n  normal: { fg: red }\n\n  title: { fg: \"#12345\" }\n";
	T_OK(theme_load_string(&t, "c.yaml", bad_color, &err) < 0 && strstr(err.msg, "c.yaml:5: bad colour '#12345'"),
	     "bad colour refused with its line: %s", err.msg);
	const char *bad_syntax = "name: x\nroles:\n  normal: { fg: red\n  title: [\n";
	T_OK(theme_load_string(&t, "s.yaml", bad_syntax, &err) < 0 && !strncmp(err.msg, "s.yaml:", 7),
	     "YAML syntax error refused with its line: %s", err.msg);
	const char *bad_attr = "roles:\n  title: { attrs: [bold, sparkly] }\n";
	T_OK(theme_load_string(&t, "a.yaml", bad_attr, &err) < 0 && strstr(err.msg, "a.yaml:2:"),
	     "bad attribute refused: %s", err.msg);
	/* a broken file on disk */
	char tmp[] = "/tmp/tug-theme-XXXXXX";
	int fd = mkstemp(tmp);
	T_OK(fd >= 0 && write(fd, bad_role, strlen(bad_role)) > 0, "wrote a broken theme file");
	close(fd);
	T_OK(theme_load_file(&t, tmp, &err) < 0 && !strncmp(err.msg, tmp, strlen(tmp)) &&
	     strstr(err.msg, ":4: unknown role"), "broken file: %s", err.msg);
	unlink(tmp);
	T_OK(theme_load_file(&t, "/nonexistent/theme.yaml", &err) < 0 && err.code == TUG_E_NOTFOUND,
	     "missing file: %s", err.msg);

	/* a partial theme keeps the built-in style for other roles */
	T_OK(theme_load_string(&t, "p.yaml", "roles:\n  title: { fg: 208 }\n", &err) == 0, "partial theme loads");
	T_OK(t.roles[ROLE_TITLE].fg.kind == COLOR_INDEX && t.roles[ROLE_TITLE].fg.v == 208, "its role is set");
	T_OK(theme_missing_roles(&t, missing, sizeof(missing)) == ROLE_COUNT - 1, "the others are reported missing");
	T_STREQ(t.name, "p", "an unnamed theme is called after its file");

	/* colour parsing and degradation */
	T_OK(theme_color_parse("bright-blue", &c) == 0 && c.kind == COLOR_INDEX && c.v == 12, "bright-blue is 12");
	T_OK(theme_color_parse("default", &c) == 0 && c.kind == COLOR_DEFAULT, "default");
	T_OK(theme_color_parse("256", &c) < 0 && theme_color_parse("#ggg000", &c) < 0 &&
	     theme_color_parse("purple", &c) < 0, "junk colours refused");
	T_OK(theme_attrs_parse("bold, underline", &a) == 0 && a == (A_BOLD | A_UNDERLINE), "attrs parse");
	T_OK(theme_rgb_to_256(0xff0000) == 196, "pure red is xterm 196");
	T_OK(theme_rgb_to_256(0x808080) == 244, "mid grey is on the grey ramp (%d)", theme_rgb_to_256(0x808080));
	T_OK(theme_rgb_to_basic(0xff0000, 8) == 1, "red degrades to basic red");
	T_OK(theme_rgb_to_basic(0x0000ff, 8) == 4, "blue degrades to basic blue");
	T_OK(theme_rgb_to_basic(0xf0f0f0, 8) == 7, "near-white degrades to white");
	T_OK(theme_index_to_rgb(196) == 0xff0000, "index 196 is #ff0000");

	/* one colour in every mode */
	theme_color_parse("#ff8800", &c);
	T_OK(theme_color_value(&c, CM_DIRECT) == 0xff8800, "true colour keeps #ff8800");
	T_OK(theme_color_value(&c, CM_256) == 208, "256 colours: #ff8800 is 208 (%d)", theme_color_value(&c, CM_256));
	int v8 = theme_color_value(&c, CM_8);
	T_OK(v8 == 1 || v8 == 3, "8 colours: #ff8800 is red or yellow (%d)", v8);
	v8 = theme_color_value(&c, CM_16);
	T_OK(v8 == 1 || v8 == 3 || v8 == 9 || v8 == 11, "16 colours: a warm hue (%d)", v8);
	theme_color_parse("196", &c);
	T_OK(theme_color_value(&c, CM_8) == 1 && theme_color_value(&c, CM_256) == 196 &&
	     theme_color_value(&c, CM_DIRECT) == 0xff0000, "index 196: red in 8, itself in 256, #ff0000 in true colour");
	theme_color_parse("default", &c);
	T_OK(theme_color_value(&c, CM_256) == -1, "default stays the terminal's");
	theme_color_parse("#45475a", &c);
	T_OK(theme_color_value(&c, CM_8) == 0, "a dark slate grey is black in 8 colours, not a hue (%d)",
	     theme_color_value(&c, CM_8));

	/* resolving names */
	setenv("TUG_THEMES", themes_dir(), 1);
	T_OK(theme_find("light", path, sizeof(path), &err) == 0 && strstr(path, "light.yaml"), "find by name");
	T_OK(theme_find("no-such-theme", path, sizeof(path), &err) < 0 && strstr(err.msg, "no-such-theme"),
	     "unknown name: %s", err.msg);
	char **names = theme_names();
	int seen = 0;
	for (char **p = names; *p; p++)
		if (!strcmp(*p, "high-contrast"))
			seen = 1;
	T_OK(seen, "theme names list the shipped ones");
	theme_names_free(names);
	return T_DONE();
}
