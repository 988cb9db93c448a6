/* test-kube-status.c - pod STATUS / READY / RESTARTS as kubectl prints
 * them, from the fixture pods in fixtures/kube-pods.json; columns of the
 * other kinds; ages, quantities and the JSON scanner. */
#include "t.h"
#include "kube/columns.h"
#include "kube/jscan.h"
#include "kube/kube.h"
#include "kube/objects.h"
#include "util/str.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

/* T_OK evaluates its condition twice: calls with effects go through this */
#define CHECK(cond, ...) do { int check_ok_ = !!(cond); T_OK(check_ok_, __VA_ARGS__); } while (0)

static int64_t at(const char *ts)
{
	int64_t t = 0;
	parse_rfc3339(ts, &t);
	return t;
}

/* The cell under `title` (narrow layout unless wide). */
static const char *cell(const struct tug_obj *o, const char *title, int wide, int64_t now,
			char *buf, size_t size)
{
	const struct kube_column *cols;
	size_t n = kube_columns(o->kind, &cols);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(cols[i].title, title) && kube_column_shown(&cols[i], wide))
			return kube_cell(o, &cols[i], now, buf, size);
	return "(no such column)";
}

static void pod_fixtures(void)
{
	char path[4096], dir[4096], buf[256];
	json_t *cases, *c;
	size_t i;
	int64_t now = at("2024-05-01T11:00:00Z");

	snprintf(dir, sizeof(dir), "%s", __FILE__);
	snprintf(path, sizeof(path), "%s/fixtures/kube-pods.json", dirname(dir));
	cases = json_load_file(path, 0, NULL);
	CHECK(json_is_array(cases) && json_array_size(cases) > 20, "pod fixtures load (%s)", path);
	json_array_foreach(cases, i, c) {
		struct tug_obj o;
		const char *name = json_string_value(json_object_get(c, "name"));
		CHECK(kube_obj_from_json(TUG_POD, json_object_get(c, "pod"), &o) == 0, "%s: decodes", name);
		T_STREQ(cell(&o, "STATUS", 0, now, buf, sizeof(buf)),
			json_string_value(json_object_get(c, "status")), "%s: STATUS", name);
		T_STREQ(cell(&o, "READY", 0, now, buf, sizeof(buf)),
			json_string_value(json_object_get(c, "ready")), "%s: READY", name);
		T_STREQ(cell(&o, "RESTARTS", 0, now, buf, sizeof(buf)),
			json_string_value(json_object_get(c, "restarts")), "%s: RESTARTS", name);
		tug_obj_release(&o);
	}
	json_decref(cases);
}

static struct tug_obj decode(enum tug_kind k, const char *json)
{
	struct tug_obj o;
	struct jv v;

	memset(&o, 0, sizeof(o));
	if (js_parse(json, strlen(json), &v) == 0)
		kube_obj_decode(k, v, &o);
	return o;
}

static void other_kinds(void)
{
	int64_t now = at("2024-05-04T10:00:00Z");
	char buf[256];
	struct tug_obj o;

	o = decode(TUG_POD, "{\"metadata\":{\"name\":\"p\",\"creationTimestamp\":\"2024-05-01T10:00:00Z\"},"
			    "\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx:1\"}],\"nodeName\":\"n1\"},"
			    "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.1.2.3\"}}");
	T_STREQ(cell(&o, "AGE", 0, now, buf, sizeof(buf)), "3d", "pod AGE");
	T_STREQ(cell(&o, "IP", 1, now, buf, sizeof(buf)), "10.1.2.3", "pod IP from podIP");
	T_STREQ(cell(&o, "NODE", 1, now, buf, sizeof(buf)), "n1", "pod NODE");
	T_STREQ(cell(&o, "NOMINATED NODE", 1, now, buf, sizeof(buf)), "<none>", "pod NOMINATED NODE");
	T_STREQ(o.image, "nginx:1", "pod image is the first container's");
	CHECK(!strcmp(cell(&o, "IP", 0, now, buf, sizeof(buf)), "(no such column)"), "IP only in wide");
	tug_obj_release(&o);

	o = decode(TUG_DEPLOYMENT, "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":3,"
			    "\"selector\":{\"matchLabels\":{\"app\":\"web\",\"a\":\"b\"},\"matchExpressions\":"
			    "[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"fe\",\"be\"]},{\"key\":\"x\",\"operator\":\"DoesNotExist\"}]},"
			    "\"template\":{\"spec\":{\"containers\":[{\"name\":\"n\",\"image\":\"i1\"},{\"name\":\"m\",\"image\":\"i2\"}]}}},"
			    "\"status\":{\"readyReplicas\":2,\"updatedReplicas\":3,\"availableReplicas\":1}}");
	T_STREQ(cell(&o, "READY", 0, now, buf, sizeof(buf)), "2/3", "deployment READY");
	T_STREQ(cell(&o, "UP-TO-DATE", 0, now, buf, sizeof(buf)), "3", "deployment UP-TO-DATE");
	T_STREQ(cell(&o, "AVAILABLE", 0, now, buf, sizeof(buf)), "1", "deployment AVAILABLE");
	T_STREQ(cell(&o, "CONTAINERS", 1, now, buf, sizeof(buf)), "n,m", "deployment CONTAINERS");
	T_STREQ(cell(&o, "IMAGES", 1, now, buf, sizeof(buf)), "i1,i2", "deployment IMAGES");
	T_STREQ(cell(&o, "SELECTOR", 1, now, buf, sizeof(buf)), "a=b,app=web,tier in (be,fe),!x",
		"deployment SELECTOR as metav1.FormatLabelSelector");
	tug_obj_release(&o);

	o = decode(TUG_DEPLOYMENT, "{\"metadata\":{\"name\":\"d\"},\"spec\":{},\"status\":{}}");
	T_STREQ(cell(&o, "READY", 0, now, buf, sizeof(buf)), "0/1", "spec.replicas defaults to 1");
	T_STREQ(cell(&o, "SELECTOR", 1, now, buf, sizeof(buf)), "<none>", "no selector: <none>");
	tug_obj_release(&o);

	o = decode(TUG_SERVICE, "{\"metadata\":{\"name\":\"s\"},\"spec\":{\"type\":\"LoadBalancer\","
			    "\"clusterIP\":\"10.96.0.1\",\"ports\":[{\"port\":80,\"nodePort\":30080,\"protocol\":\"TCP\"},"
			    "{\"port\":53,\"protocol\":\"UDP\"}],\"selector\":{\"app\":\"x\"}},\"status\":{}}");
	T_STREQ(cell(&o, "PORT(S)", 0, now, buf, sizeof(buf)), "80:30080/TCP,53/UDP", "service PORT(S)");
	T_STREQ(cell(&o, "EXTERNAL-IP", 0, now, buf, sizeof(buf)), "<pending>", "load balancer pending");
	T_STREQ(cell(&o, "SELECTOR", 1, now, buf, sizeof(buf)), "app=x", "service SELECTOR");
	tug_obj_release(&o);

	o = decode(TUG_SERVICE, "{\"metadata\":{\"name\":\"s\"},\"spec\":{\"clusterIP\":\"None\"}}");
	T_STREQ(cell(&o, "TYPE", 0, now, buf, sizeof(buf)), "ClusterIP", "type defaults to ClusterIP");
	T_STREQ(cell(&o, "CLUSTER-IP", 0, now, buf, sizeof(buf)), "None", "headless CLUSTER-IP");
	T_STREQ(cell(&o, "EXTERNAL-IP", 0, now, buf, sizeof(buf)), "<none>", "ClusterIP EXTERNAL-IP");
	T_STREQ(cell(&o, "PORT(S)", 0, now, buf, sizeof(buf)), "<none>", "no ports");
	tug_obj_release(&o);

	o = decode(TUG_NODE, "{\"metadata\":{\"name\":\"n\",\"labels\":{\"node-role.kubernetes.io/control-plane\":\"\","
			 "\"kubernetes.io/role\":\"master\"}},\"spec\":{\"unschedulable\":true},"
			 "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}],"
			 "\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"1.2.3.4\"}],"
			 "\"nodeInfo\":{\"kubeletVersion\":\"v1.30.0\"}}}");
	T_STREQ(cell(&o, "STATUS", 0, now, buf, sizeof(buf)), "NotReady,SchedulingDisabled", "node STATUS");
	T_STREQ(cell(&o, "ROLES", 0, now, buf, sizeof(buf)), "control-plane,master", "node ROLES");
	T_STREQ(cell(&o, "VERSION", 0, now, buf, sizeof(buf)), "v1.30.0", "node VERSION");
	T_STREQ(cell(&o, "INTERNAL-IP", 1, now, buf, sizeof(buf)), "1.2.3.4", "node INTERNAL-IP");
	T_STREQ(cell(&o, "OS-IMAGE", 1, now, buf, sizeof(buf)), "<unknown>", "node OS-IMAGE unknown");
	tug_obj_release(&o);

	o = decode(TUG_EVENT, "{\"metadata\":{\"name\":\"e1\"},\"type\":\"Warning\",\"reason\":\"BackOff\","
			  "\"message\":\"  Back-off restarting\\n\",\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"},"
			  "\"count\":4,\"firstTimestamp\":\"2024-05-04T09:00:00Z\",\"lastTimestamp\":\"2024-05-04T09:58:00Z\","
			  "\"source\":{\"component\":\"kubelet\",\"host\":\"n1\"}}");
	T_STREQ(cell(&o, "LAST SEEN", 0, now, buf, sizeof(buf)), "2m", "event LAST SEEN");
	T_STREQ(cell(&o, "OBJECT", 0, now, buf, sizeof(buf)), "pod/p", "event OBJECT");
	T_STREQ(cell(&o, "MESSAGE", 0, now, buf, sizeof(buf)), "Back-off restarting", "event MESSAGE trimmed");
	T_STREQ(cell(&o, "SOURCE", 1, now, buf, sizeof(buf)), "kubelet, n1", "event SOURCE");
	T_STREQ(cell(&o, "FIRST SEEN", 1, now, buf, sizeof(buf)), "60m", "event FIRST SEEN");
	T_STREQ(cell(&o, "COUNT", 1, now, buf, sizeof(buf)), "4", "event COUNT");
	tug_obj_release(&o);
}

static void ages(void)
{
	static const struct { int64_t s; const char *want; } cases[] = {
		{ 0, "0s" }, { 119, "119s" }, { 120, "2m" }, { 185, "3m5s" }, { 600, "10m" },
		{ 179 * 60, "179m" }, { 3 * 3600, "3h" }, { 3 * 3600 + 300, "3h5m" }, { 8 * 3600, "8h" },
		{ 47 * 3600, "47h" }, { 48 * 3600, "2d" }, { 51 * 3600, "2d3h" }, { 8 * 86400, "8d" },
		{ 729 * 86400, "729d" }, { 730 * 86400, "2y" }, { 733 * 86400, "2y3d" },
		{ 9 * 365 * 86400LL, "9y" },
	};
	char buf[32];
	int64_t now = at("2030-01-01T00:00:00Z");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		T_STREQ(kube_age(buf, sizeof(buf), now - cases[i].s * 1000000000, now), cases[i].want,
			"age of %llds", (long long)cases[i].s);
	T_STREQ(kube_age(buf, sizeof(buf), 0, now), "<unknown>", "age of no time");
}

static void quantities(void)
{
	static const struct { const char *s; double scale; uint64_t want; } cases[] = {
		{ "250m", 1e9, 250000000 }, { "1", 1e9, 1000000000 }, { "123456n", 1e9, 123456 },
		{ "12u", 1e9, 12000 }, { "1.5", 1e9, 1500000000 }, { "128Mi", 1, 134217728 },
		{ "1.5Gi", 1, 1610612736 }, { "100M", 1, 100000000 }, { "1e3", 1, 1000 },
		{ "64Ki", 1, 65536 },
	};
	uint64_t q;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(kube_quantity(cases[i].s, cases[i].scale, &q) == 0 && q == cases[i].want,
		     "quantity %s", cases[i].s);
	CHECK(kube_quantity("12Q", 1, &q) < 0, "quantity with a bad suffix is refused");
	CHECK(kube_quantity("", 1, &q) < 0, "empty quantity is refused");
	CHECK(kube_quantity("-1", 1, &q) < 0, "negative quantity is refused");
}

static void scanner(void)
{
	static const char doc[] = "{\"a\": \"x\\\"y\\u00e9\\ud83d\\ude00\", \"b\": [1, {\"c\": true}],"
				  " \"n\": -42, \"e\": {}}";
	struct jv v, s;
	char buf[64];
	struct sbuf b = SBUF_INIT;
	char *d;

	CHECK(js_parse(doc, strlen(doc), &v) == 0, "scanner parses a document");
	s = js_get(v, "a");
	d = js_strdup(s);
	T_STREQ(d, "x\"y\xc3\xa9\xf0\x9f\x98\x80", "escapes and surrogate pairs unescaped");
	free(d);
	CHECK(js_int(js_get(v, "n")) == -42, "integers");
	{
		struct js_it it;
		struct jv e;
		js_arr_iter(js_get(v, "b"), &it);
		js_arr_next(&it, &e);
		js_arr_next(&it, &e);
		CHECK(js_true(js_get(e, "c")), "nested objects in arrays");
	}
	CHECK(js_arr_len(js_get(v, "b")) == 2, "array length");
	CHECK(js_get(v, "missing").n == 0, "missing keys are absent");
	T_STREQ(js_str(js_get(v, "missing"), buf, sizeof(buf)), "", "absent strings read empty");
	for (size_t cut = 1; cut < strlen(doc); cut++)
		if (js_parse(doc, cut, &v) == 0) {
			CHECK(0, "a truncated document (%zu bytes) is refused", cut);
			break;
		}
	CHECK(1, "every truncation of the document is refused");
	js_parse("{\"k\":[1,2],\"o\":{},\"s\":\"a,b\"}", 29, &v);
	js_pretty(v, 4, 0, &b);
	T_STREQ(b.s, "{\n    \"k\": [\n        1,\n        2\n    ],\n    \"o\": {},\n    \"s\": \"a,b\"\n}",
		"pretty printing as kubectl's JSON");
	sbuf_release(&b);
}

int main(void)
{
	pod_fixtures();
	other_kinds();
	ages();
	quantities();
	scanner();
	return T_DONE();
}
