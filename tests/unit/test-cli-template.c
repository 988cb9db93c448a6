/* Go template subset used by --format and inspect -f. */
#include "t.h"
#include "cli-template.h"

#include <stdlib.h>

static json_t *doc;

/* Render src over doc; returns a static copy of the output or "ERR: msg". */
static const char *render(const char *src, int strict)
{
	static char out[2048];
	struct tug_err err = { 0 };
	struct sbuf b = SBUF_INIT;
	struct tmpl *t = tmpl_compile(src, &err);

	if (!t) {
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
		return out;
	}
	if (tmpl_render(t, doc, strict, &b, &err) < 0)
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
	else
		snprintf(out, sizeof(out), "%s", b.s ? b.s : "");
	sbuf_release(&b);
	tmpl_free(t);
	return out;
}

static int starts_err(const char *s)
{
	return !strncmp(s, "ERR: ", 5);
}

int main(void)
{
	json_error_t je;

	doc = json_loads("{\"Id\":\"abc123\",\"Name\":\"/web\",\"RestartCount\":2,"
			 "\"State\":{\"Status\":\"running\",\"Running\":true,\"OOMKilled\":false,\"Pid\":42},"
			 "\"Config\":{\"Env\":[\"A=1\",\"B=2\"],\"Labels\":{\"z\":\"last\",\"a\":\"first\"},"
			 "\"Entrypoint\":null,\"Cmd\":[\"sh\",\"-c\",\"echo hi\"]},"
			 "\"HostConfig\":{\"NanoCpus\":500000000,\"Ratio\":0.5,\"Big\":1e9},"
			 "\"Mounts\":[{\"Source\":\"/a\",\"Destination\":\"/x\"},{\"Source\":\"/b\",\"Destination\":\"/y\"}]}",
			 0, &je);
	T_OK(doc != NULL, "fixture parses");

	T_STREQ(render("{{.Id}}", 0), "abc123", "field");
	T_STREQ(render("{{.State.Status}}/{{.State.Pid}}", 0), "running/42", "nested fields, int");
	T_STREQ(render("{{.State.Running}} {{.State.OOMKilled}}", 0), "true false", "bools print as Go");
	T_STREQ(render("{{.RestartCount}}", 0), "2", "integer");
	T_STREQ(render("{{.HostConfig.Ratio}}", 0), "0.5", "float");
	T_STREQ(render("{{.HostConfig.Big}}", 0), "1e+09", "large float in Go's %%v form");
	T_STREQ(render("{{.Config.Env}}", 0), "[A=1 B=2]", "array as Go prints a slice");
	T_STREQ(render("{{.Config.Labels}}", 0), "map[a:first z:last]", "object as a sorted map");
	T_STREQ(render("{{.Config.Entrypoint}}", 0), "<nil>", "null");
	T_STREQ(render("{{.Nope}}", 0), "<no value>", "missing key, lenient");
	T_OK(starts_err(render("{{.Nope}}", 1)), "missing key is an error when strict");
	T_STREQ(render("{{.Nope.Deeper}}", 0), "<no value>", "missing parent, lenient");
	T_OK(starts_err(render("{{.Id.Deeper}}", 0)), "field of a string is an error");
	T_STREQ(render("{{json .State}}", 0),
		"{\"Status\":\"running\",\"Running\":true,\"OOMKilled\":false,\"Pid\":42}", "json of object");
	T_STREQ(render("{{json .Config.Cmd}}", 0), "[\"sh\",\"-c\",\"echo hi\"]", "json of array");
	T_STREQ(render("{{json .Name}}", 0), "\"/web\"", "json of string");
	T_STREQ(render("{{index .Config.Labels \"z\"}}", 0), "last", "index object");
	T_STREQ(render("{{index .Config.Cmd 2}}", 0), "echo hi", "index array");
	T_STREQ(render("{{len .Mounts}}", 0), "2", "len");
	T_STREQ(render("{{upper .State.Status}} {{lower \"ABC\"}} {{title \"hello world\"}}", 0),
		"RUNNING abc Hello World", "case functions");
	T_STREQ(render("{{join .Config.Env \",\"}}", 0), "A=1,B=2", "join");
	T_STREQ(render("{{truncate .Id 3}}", 0), "abc", "truncate");
	T_STREQ(render("{{.State.Status | upper}}", 0), "RUNNING", "pipe");
	T_STREQ(render("{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}", 0), "/a:/x /b:/y ",
		"range over array");
	T_STREQ(render("{{range .Config.Labels}}{{.}};{{end}}", 0), "first;last;", "range over map, sorted");
	T_STREQ(render("{{range .Nope}}x{{else}}empty{{end}}", 0), "empty", "range else");
	T_STREQ(render("{{if .State.Running}}up{{else}}down{{end}}", 0), "up", "if");
	T_STREQ(render("{{if .State.OOMKilled}}oom{{else if eq .State.Status \"running\"}}ok{{else}}?{{end}}", 0),
		"ok", "else if with eq");
	T_STREQ(render("{{with .State}}{{.Pid}}{{end}}", 0), "42", "with");
	T_STREQ(render("{{range .Mounts}}{{$.Id}}{{end}}", 0), "abc123abc123", "$ inside range");
	T_STREQ(render("a  {{- .Id -}}  b", 0), "aabc123b", "trim markers");
	T_STREQ(render("{{printf \"%s=%d\" .Id .RestartCount}}", 0), "abc123=2", "printf");
	T_STREQ(render("{{printf \"%-8s|\" .Id}}", 0), "abc123  |", "printf width");
	T_STREQ(render("{{(index .Mounts 1).Source}}", 0), "/b", "field of a parenthesised value");
	T_STREQ(render("{{not .State.Running}} {{and 1 0}} {{or 0 \"x\"}} {{ne 1 2}}", 0),
		"false 0 x true", "logic functions");
	T_STREQ(render("{{/* a comment */}}x", 0), "x", "comment");
	T_STREQ(render("no actions at all", 0), "no actions at all", "plain text");
	T_OK(starts_err(render("{{.Id", 0)), "unclosed action");
	T_OK(starts_err(render("{{if .Id}}x", 0)), "missing end");
	T_OK(starts_err(render("{{end}}", 0)), "stray end");
	T_OK(starts_err(render("{{nosuchfn .Id}}", 0)), "unknown function");
	T_OK(starts_err(render("{{\"unterminated}}", 0)), "unterminated string");
	T_OK(starts_err(render("{{$x := .Id}}", 0)), "variables are refused, not misread");
	T_OK(starts_err(render("{{.Id .Name}}", 0)), "argument to a non-function");

	json_decref(doc);
	return T_DONE();
}
