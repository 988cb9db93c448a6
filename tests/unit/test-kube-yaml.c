/* test-kube-yaml.c - objects printed as YAML the way kubectl -o yaml
 * prints them (libyaml emitter), and YAML read back into JSON. */
#include "t.h"
#include "util/yaml.h"

#include <stdlib.h>
#include <string.h>

/* T_OK evaluates its condition twice: calls with effects go through this */
#define CHECK(cond, ...) do { int check_ok_ = !!(cond); T_OK(check_ok_, __VA_ARGS__); } while (0)

static char *emit(const char *json)
{
	struct tug_err err;
	struct sbuf b = SBUF_INIT;
	json_t *j = json_loads(json, 0, NULL);

	if (!j || yaml_emit(j, &b, &err) < 0) {
		json_decref(j);
		sbuf_release(&b);
		return xstrdup("(error)");
	}
	json_decref(j);
	return sbuf_detach(&b);
}

static void emitting(void)
{
	char *s;

	s = emit("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web\",\"labels\":{\"b\":\"2\",\"a\":\"x\"},"
		 "\"annotations\":{}},\"spec\":{\"containers\":[{\"name\":\"c\",\"args\":[\"sh\",\"-c\"],"
		 "\"ports\":[]}],\"n\":3,\"r\":1.5,\"t\":true,\"z\":null}}");
	T_STREQ(s,
		"apiVersion: v1\n"
		"kind: Pod\n"
		"metadata:\n"
		"  annotations: {}\n"
		"  labels:\n"
		"    a: x\n"
		"    b: \"2\"\n"
		"  name: web\n"
		"spec:\n"
		"  containers:\n"
		"  - args:\n"
		"    - sh\n"
		"    - -c\n"
		"    name: c\n"
		"    ports: []\n"
		"  \"n\": 3\n"
		"  r: 1.5\n"
		"  t: true\n"
		"  z: null\n",
		"block style, sorted keys, sequences not indented under their key, {} and [], YAML 1.1 bool keys quoted");
	free(s);

	static const struct { const char *in, *want; } scalars[] = {
		{ "\"true\"", "v: \"true\"\n" }, { "\"yes\"", "v: \"yes\"\n" }, { "\"y\"", "v: \"y\"\n" },
		{ "\"123\"", "v: \"123\"\n" }, { "\"1.5\"", "v: \"1.5\"\n" }, { "\"\"", "v: \"\"\n" },
		{ "\"null\"", "v: \"null\"\n" }, { "\"~\"", "v: \"~\"\n" }, { "\"0x1F\"", "v: \"0x1F\"\n" },
		{ "\"1e3\"", "v: \"1e3\"\n" },
		{ "\"2024-05-01T10:00:00Z\"", "v: \"2024-05-01T10:00:00Z\"\n" },
		{ "\"172.18.0.3\"", "v: 172.18.0.3\n" }, { "\"nginx:1.27\"", "v: nginx:1.27\n" },
		{ "\"a: b\"", "v: 'a: b'\n" }, { "\"- x\"", "v: '- x'\n" },
		{ "\"line1\\nline2\\n\"", "v: |\n  line1\n  line2\n" },
		{ "\"14d8a3c45c2d\"", "v: 14d8a3c45c2d\n" },
		{ "\"caf\\u00e9\"", "v: caf\xc3\xa9\n" },
	};
	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		char in[128];
		snprintf(in, sizeof(in), "{\"v\":%s}", scalars[i].in);
		s = emit(in);
		T_STREQ(s, scalars[i].want, "string %s", scalars[i].in);
		free(s);
	}
	s = emit("{\"l\":[[1,2],{\"a\":[]}]}");
	T_STREQ(s, "l:\n- - 1\n  - 2\n- a: []\n", "nested sequences");
	free(s);
	s = emit("{\"msg\":\"0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector. preemption: none\"}");
	CHECK(strchr(s, '\n') != s + strlen(s) - 1, "long strings folded at 80 columns as kubectl does");
	free(s);
}

static void round_trip(void)
{
	static const char *docs[] = {
		"{\"a\":{\"b\":[1,\"2\",true,null,{\"c\":\"\"}]},\"d\":\"x: y\",\"e\":\"line\\nnext\",\"f\":-7}",
		"{\"ip\":\"10.0.0.1\",\"t\":\"2024-05-01T00:00:00Z\",\"yes\":\"no\",\"n\":\"007\"}",
	};
	struct tug_err err;

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_t *j = json_loads(docs[i], 0, NULL), *back;
		struct sbuf b = SBUF_INIT;
		yaml_emit(j, &b, &err);
		back = yaml_load(b.s, b.len, "t", &err);
		CHECK(back && json_equal(j, back), "emit then load gives the same JSON (%zu)", i);
		json_decref(j);
		json_decref(back);
		sbuf_release(&b);
	}
}

static void loading(void)
{
	struct tug_err err;
	const char *src = "a: 1\nb: true\nc: \"1\"\nd: ~\ne: x\nf: 0x10\ng: off\nh: 1.5\n"
			  "base: &anchor {k: v}\nref: *anchor\nlist:\n- one\n- two\n";
	json_t *j = yaml_load(src, strlen(src), "t.yaml", &err);

	CHECK(j != NULL, "a document with anchors loads");
	CHECK(json_integer_value(json_object_get(j, "a")) == 1, "plain integer");
	CHECK(json_is_true(json_object_get(j, "b")), "plain boolean");
	CHECK(json_is_string(json_object_get(j, "c")), "quoted number stays a string");
	CHECK(json_is_null(json_object_get(j, "d")), "~ is null");
	CHECK(json_integer_value(json_object_get(j, "f")) == 16, "hex integer");
	CHECK(json_is_false(json_object_get(j, "g")), "YAML 1.1 off is false");
	CHECK(json_real_value(json_object_get(j, "h")) == 1.5, "float");
	CHECK(json_equal(json_object_get(j, "base"), json_object_get(j, "ref")), "aliases resolve");
	CHECK(json_array_size(json_object_get(j, "list")) == 2, "sequences");
	json_decref(j);

	j = yaml_load("", 0, "empty.yaml", &err);
	CHECK(json_is_object(j) && json_object_size(j) == 0, "an empty document is an empty object");
	json_decref(j);
	j = yaml_load("a: [1,\nb: 2\n", 12, "bad.yaml", &err);
	CHECK(!j && strstr(err.msg, "bad.yaml:3:"), "syntax errors carry name and line: %s", err.msg);
	j = yaml_load("a: &x [*x]\n", 11, "loop.yaml", &err);
	CHECK(!j || json_is_object(j), "a self-referencing alias does not loop forever");
	json_decref(j);
}

int main(void)
{
	emitting();
	round_trip();
	loading();
	return T_DONE();
}
