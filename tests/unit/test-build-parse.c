/* test-build-parse.c - the Dockerfile parser, variable substitution and
 * .dockerignore matching. */
#include "runtime/build.h"
#include "t.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

static int parse(const char *text, struct dockerfile *df, struct tug_err *err)
{
	return df_parse("Dockerfile", text, strlen(text), df, err);
}

static int parse_fails(const char *text, const char *want)
{
	struct dockerfile df;
	struct tug_err err = { 0 };

	if (parse(text, &df, &err) == 0) {
		df_release(&df);
		printf("#   parsed, want error '%s'\n", want);
		return 0;
	}
	if (!strstr(err.msg, want)) {
		printf("#   error '%s', want '%s'\n", err.msg, want);
		return 0;
	}
	return 1;
}

static void test_parse_basics(void)
{
	struct dockerfile df;
	struct tug_err err = { 0 };
	const char *text =
		"# a comment\n"
		"FROM bb AS build\n"
		"\n"
		"run echo one \\\n"
		"  # a comment inside a continuation\n"
		"\n"
		"  two\n"
		"CMD [\"/bin/app\", \"--flag\"]\n"
		"ENTRYPOINT [not json\n"
		"COPY --from=build --chown=1:2 /a /b/\n"
		"   HEALTHCHECK --interval=5s CMD true\n";

	T_OK(parse(text, &df, &err) == 0, "a Dockerfile with comments and continuations parses (%s)",
	     err.msg);
	if (df.n != 6) {
		T_OK(0, "six instructions, got %zu", df.n);
		df_release(&df);
		return;
	}
	T_STREQ(df.ins[0].cmd, "from", "keywords are lowercased");
	T_OK(df.ins[0].line == 2, "FROM is on line 2");
	T_STREQ(df.ins[0].rest, "bb AS build", "FROM arguments");
	T_STREQ(df.ins[1].keyword, "run", "the keyword as written is kept");
	T_OK(df.ins[1].line == 4, "RUN starts on line 4");
	T_STREQ(df.ins[1].rest, "echo one   two", "continuation joined, comment and blank lines dropped");
	T_OK(df.ins[1].json == NULL, "RUN in shell form");
	T_OK(df.ins[2].json && !strcmp(df.ins[2].json[0], "/bin/app") &&
	     !strcmp(df.ins[2].json[1], "--flag") && !df.ins[2].json[2], "CMD in exec form");
	T_OK(df.ins[2].line == 8, "CMD on line 8 after a 3-line continuation");
	T_OK(df.ins[3].json == NULL, "broken JSON falls back to the shell form");
	T_STREQ(df_flag(&df.ins[4], "from"), "build", "COPY --from");
	T_STREQ(df_flag(&df.ins[4], "chown"), "1:2", "COPY --chown");
	T_STREQ(df.ins[4].rest, "/a /b/", "COPY arguments after the flags");
	T_STREQ(df.ins[4].text, "--from=build --chown=1:2 /a /b/", "the text keeps the flags");
	T_STREQ(df_flag(&df.ins[5], "interval"), "5s", "HEALTHCHECK flag");
	T_STREQ(df.ins[5].rest, "CMD true", "HEALTHCHECK arguments");
	df_release(&df);
}

static void test_directives(void)
{
	struct dockerfile df;
	struct tug_err err = { 0 };

	T_OK(parse("# syntax=docker/dockerfile:1\n# escape=`\nFROM bb\nRUN echo a `\n b\n", &df,
		   &err) == 0, "escape directive (%s)", err.msg);
	if (df.n == 2) {
		T_OK(df.escape == '`', "the escape character is a backtick");
		T_STREQ(df.ins[1].rest, "echo a  b", "backtick continues lines");
	}
	df_release(&df);
	T_OK(parse("# escape=`\n\n# escape=\\\nFROM bb\nRUN a \\\nRUN b\n", &df, &err) == 0,
	     "a directive after a blank line is a comment");
	if (df.n == 3)
		T_STREQ(df.ins[1].rest, "a \\", "backslash is not the escape then");
	else
		T_OK(0, "three instructions, got %zu", df.n);
	df_release(&df);
	T_OK(parse("# unknown=x\n# escape=`\nFROM bb\nRUN a \\\n", &df, &err) == 0,
	     "an unknown directive ends the directives");
	T_OK(df.escape == '\\', "so the later escape directive is a comment");
	df_release(&df);
	T_OK(parse_fails("# escape=x\nFROM bb\n", "Dockerfile:1: invalid escape token"),
	     "a bad escape token is refused with its line");
	T_OK(parse_fails("# escape=`\n# escape=\\\nFROM bb\n", "Dockerfile:2: only one escape"),
	     "a repeated directive is refused");
}

static void test_errors(void)
{
	T_OK(parse_fails("FROM bb\n\n# c\nRUN true\nRUNN make\n", "Dockerfile:5: unknown instruction: RUNN"),
	     "an unknown instruction names its line");
	T_OK(parse_fails("FROM bb\nCOPY --frm=x a b\n", "Dockerfile:2: unknown flag for COPY: --frm"),
	     "an unknown flag names its line");
	T_OK(parse_fails("FROM bb\nSHELL /bin/bash -c\n", "Dockerfile:2: SHELL requires the arguments to be in JSON form"),
	     "SHELL needs JSON");
	T_OK(parse_fails("FROM bb\nRUN\n", "Dockerfile:2: RUN requires at least one argument"),
	     "an instruction without arguments");
	T_OK(parse_fails("FROM bb\nONBUILD FROM x\n", "isn't allowed as an ONBUILD trigger"),
	     "ONBUILD FROM is refused");
	T_OK(parse_fails("\n# only a comment\n", "cannot be empty"), "an empty Dockerfile");
	T_OK(parse_fails("FROM bb\nRUN <<EOF\necho hi\n", "Dockerfile:2: unterminated heredoc"),
	     "an unterminated heredoc");
}

static void test_heredoc(void)
{
	struct dockerfile df;
	struct tug_err err = { 0 };

	T_OK(parse("FROM bb\nRUN <<EOF\necho $HOME\n  x\nEOF\nCOPY <<-'A' /a\n\tone\n\tA\nCMD x\n",
		   &df, &err) == 0, "heredocs parse (%s)", err.msg);
	if (df.n != 4) {
		T_OK(0, "four instructions, got %zu", df.n);
		df_release(&df);
		return;
	}
	T_OK(df.ins[1].nheredocs == 1 && !strcmp(df.ins[1].heredocs[0].name, "EOF"), "RUN heredoc named EOF");
	T_STREQ(df.ins[1].heredocs[0].content, "echo $HOME\n  x\n", "the RUN heredoc's body");
	T_OK(df.ins[1].heredocs[0].expand, "an unquoted delimiter expands");
	T_OK(df.ins[2].nheredocs == 1 && !df.ins[2].heredocs[0].expand && df.ins[2].heredocs[0].chomp,
	     "<<-'A': quoted, tabs stripped");
	T_STREQ(df.ins[2].heredocs[0].content, "one\n", "leading tabs are stripped");
	T_OK(df.ins[3].line == 9, "the line after the heredocs is counted right");
	df_release(&df);
}

/* ---- substitution ---- */

static const char *vars(void *ctx, const char *name)
{
	(void)ctx;
	if (!strcmp(name, "A"))
		return "apple";
	if (!strcmp(name, "EMPTY"))
		return "";
	if (!strcmp(name, "SP"))
		return "a b";
	return NULL;
}

static char *expand(const char *in, char esc)
{
	struct bx x = { esc, vars, NULL };
	struct tug_err err = { 0 };
	char *out;

	if (bx_word(&x, in, &out, &err) < 0)
		return xstrdup(err.msg);
	return out;
}

#define T_EXPAND(in, want) do { \
	char *t_o = expand(in, '\\'); \
	T_STREQ(t_o, want, "expand %s", in); \
	free(t_o); \
} while (0)

#define T_EXPAND_ERR(in, want) do { \
	char *t_o = expand(in, '\\'); \
	T_OK(strstr(t_o, want) != NULL, "expand %s fails: %s", in, t_o); \
	free(t_o); \
} while (0)

static void test_expand(void)
{
	T_EXPAND("$A", "apple");
	T_EXPAND("${A}pie", "applepie");
	T_EXPAND("x$NOPE-y", "x-y");
	T_EXPAND("${NOPE:-def}", "def");
	T_EXPAND("${EMPTY:-def}", "def");
	T_EXPAND("${EMPTY-def}", "");
	T_EXPAND("${NOPE-def}", "def");
	T_EXPAND("${A:+set}", "set");
	T_EXPAND("${EMPTY:+set}", "");
	T_EXPAND("${EMPTY+set}", "set");
	T_EXPAND("${NOPE:-${A}s}", "apples");
	T_EXPAND("${NOPE:-'lit $A'}", "lit $A");
	T_EXPAND("\\$A", "$A");
	T_EXPAND("'$A'", "$A");
	T_EXPAND("\"$A and \\\"q\\\"\"", "apple and \"q\"");
	T_EXPAND("\"a\\b\"", "a\\b");
	T_EXPAND("a\\ b", "a b");
	T_EXPAND("cost $", "cost $");
	T_EXPAND("${A?}", "apple");
	T_EXPAND("${NOPE:?must be set}", "NOPE: must be set");
	T_EXPAND_ERR("${A", "missing '}' in '${A'");
	T_EXPAND_ERR("${A%x}", "unsupported modifier (%) in substitution of ${A}");
	T_EXPAND_ERR("'open", "matching single-quote");
	T_EXPAND_ERR("\"open", "matching double-quote");
	{
		char *o = expand("`$A", '`');
		T_STREQ(o, "$A", "backtick escapes with escape=`");
		free(o);
	}
	{
		struct bx x = { '\\', vars, NULL };
		struct tug_err err = { 0 };
		char **w = NULL;
		T_OK(bx_words(&x, "  $A \"two words\" '' $SP\tx\\ y ", &w, &err) == 0, "words split");
		T_OK(w && w[0] && !strcmp(w[0], "apple") && w[1] && !strcmp(w[1], "two words") &&
		     w[2] && !strcmp(w[2], "") && w[3] && !strcmp(w[3], "a b") && w[4] &&
		     !strcmp(w[4], "x y") && !w[5], "quotes keep words together, expansions are not split");
		df_strv_free(w);
	}
	{
		char **w = df_split_raw("a=1 b=\"two three\" c=x\\ y", '\\');
		T_OK(w[0] && !strcmp(w[0], "a=1") && w[1] && !strcmp(w[1], "b=\"two three\"") && w[2] &&
		     !strcmp(w[2], "c=x\\ y") && !w[3], "raw name=value words keep quotes and escapes");
		df_strv_free(w);
	}
}

/* ---- .dockerignore ---- */

static int ig(const char *patterns, const char *path)
{
	struct ignore g;
	struct tug_err err = { 0 };
	int r;

	if (ignore_parse(patterns, strlen(patterns), &g, &err) < 0)
		return -1;
	r = ignore_match(&g, path);
	ignore_release(&g);
	return r;
}

static void test_ignore(void)
{
	T_OK(ig("*.log", "a.log") == 1, "*.log excludes a.log");
	T_OK(ig("*.log", "d/a.log") == 0, "*.log is for the root only");
	T_OK(ig("**/*.log", "d/e/a.log") == 1, "**/*.log at any depth");
	T_OK(ig("**/*.log", "a.log") == 1, "**/ matches zero directories");
	T_OK(ig("build", "build/x/y.o") == 1, "a directory pattern excludes what is under it");
	T_OK(ig("/build/", "build") == 1, "leading and trailing slashes are cleaned");
	T_OK(ig("./a/../b", "b") == 1, "patterns are cleaned as paths");
	T_OK(ig("d/**", "d/x/y") == 1, "d/** excludes everything under d");
	T_OK(ig("*\n!keep.txt", "keep.txt") == 0, "an exception re-includes");
	T_OK(ig("*\n!keep.txt", "other.txt") == 1, "others stay excluded");
	T_OK(ig("!keep.txt\n*", "keep.txt") == 1, "the last matching pattern wins");
	T_OK(ig("docs\n!docs/README.md", "docs/README.md") == 0, "a file under an excluded dir comes back");
	T_OK(ig("docs\n!docs/README.md", "docs/other") == 1, "its siblings do not");
	T_OK(ig("a?c", "abc") == 1 && ig("a?c", "a/c") == 0, "? is one character but not /");
	T_OK(ig("[a-c]x", "bx") == 1 && ig("[^a-c]x", "bx") == 0, "character classes");
	T_OK(ig("# comment\n\n  spaced.txt  ", "spaced.txt") == 1, "comments, blank lines, spaces");
	T_OK(ig("\\*star", "*star") == 1 && ig("\\*star", "xstar") == 0, "escaped metacharacters");
	T_OK(ig("[a-", "x") == -1, "a malformed class is an error");
	T_OK(ig("a/**/b", "a/b") == 1 && ig("a/**/b", "a/x/y/b") == 1, "a/**/b");
	{
		struct ignore g;
		struct tug_err err = { 0 };
		ignore_parse("docs\n!docs/keep", 15, &g, &err);
		T_OK(ignore_may_include_under(&g, "docs") && !ignore_may_include_under(&g, "src"),
		     "an exception tells which excluded directories to walk");
		ignore_release(&g);
	}
}

int main(void)
{
	test_parse_basics();
	test_directives();
	test_errors();
	test_heredoc();
	test_expand();
	test_ignore();
	return T_DONE();
}
