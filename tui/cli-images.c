/* cli-images.c - `tug images` / `tug image ls`: one row per name of every
 * image (a nameless image is one <none> row), newest first, as docker
 * prints them. Rows are JSON objects with docker's field names so that
 * --format json prints what `docker images --format json` prints. */
#include "cli-image.h"
#include "util/str.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NONE "<none>"

struct images_opts {
	int all, quiet, no_trunc, digests;
	const char *format;
	struct strv filters;
	const char *match;       /* REPOSITORY[:TAG] argument */
	int dangling;            /* -1 = no filter */
	struct strv refs;        /* reference=PATTERN filters */
};

static char *local_time(int64_t ns, char *buf, size_t size)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S %z %Z", &tm);
	return buf;
}

/* Split an index key "repo:tag" / "repo@sha256:..." into its parts. */
static void split_key(const char *key, char *repo, size_t rsize, const char **tag,
		      const char **digest)
{
	const char *at = strchr(key, '@');
	const char *colon = at ? NULL : strrchr(key, ':');
	const char *end = at ? at : colon;

	snprintf(repo, rsize, "%.*s", (int)(end ? (size_t)(end - key) : strlen(key)), key);
	*tag = colon ? colon + 1 : NONE;
	*digest = at ? at + 1 : NONE;
}

static json_t *image_row(const struct tug_obj *o, const char *repo, const char *tag,
			 const char *digest, int64_t now, int trunc)
{
	json_t *r = json_object();
	char buf[128], ago[64];
	const char *hex = str_has_prefix(o->id, "sha256:") ? o->id + 7 : o->id;
	size_t users = 0;

	while (o->users && o->users[users])
		users++;
	snprintf(buf, sizeof(buf), "%zu", users);
	json_object_set_new(r, "Containers", json_string(buf));
	json_object_set_new(r, "CreatedAt",
			    json_string(o->created_ns ? local_time(o->created_ns, buf, sizeof(buf)) : ""));
	if (o->created_ns) {
		fmt_duration(ago, sizeof(ago), (now - o->created_ns) / 1000000000);
		snprintf(buf, sizeof(buf), "%s ago", ago);
	} else {
		snprintf(buf, sizeof(buf), "N/A");
	}
	json_object_set_new(r, "CreatedSince", json_string(buf));
	json_object_set_new(r, "Digest", json_string(digest));
	if (trunc)
		snprintf(buf, sizeof(buf), "%.12s", hex);
	else
		snprintf(buf, sizeof(buf), "%s", o->id);
	json_object_set_new(r, "ID", json_string(buf));
	json_object_set_new(r, "Repository", json_string(repo));
	json_object_set_new(r, "SharedSize", json_string("N/A"));
	json_object_set_new(r, "Size", json_string(fmt_size(buf, sizeof(buf), (double)o->size)));
	json_object_set_new(r, "Tag", json_string(tag));
	json_object_set_new(r, "UniqueSize", json_string("N/A"));
	json_object_set_new(r, "VirtualSize", json_string(buf));
	return r;
}

static int matches(const struct images_opts *op, const struct tug_obj *o, const char *repo,
		   const char *tag)
{
	char full[1024];

	if (op->dangling == 1 && o->tags)
		return 0;
	if (op->dangling == 0 && !o->tags)
		return 0;
	snprintf(full, sizeof(full), "%s:%s", repo, tag);
	if (op->match) {
		char want[1024];
		const char *colon = strrchr(op->match, ':');
		if (colon && !strchr(colon, '/')) {
			snprintf(want, sizeof(want), "%s", op->match);
			if (fnmatch(want, full, 0))
				return 0;
		} else if (fnmatch(op->match, repo, 0)) {
			return 0;
		}
	}
	for (size_t i = 0; i < op->refs.n; i++)
		if (fnmatch(op->refs.v[i], repo, 0) && fnmatch(op->refs.v[i], full, 0))
			return 0;
	return 1;
}

static void print_cell(const char *s, size_t width, int last)
{
	if (last)
		printf("%s\n", s);
	else
		printf("%-*s", (int)width, s);
}

/* docker's tabwriter: cells padded to the widest of their column + 3,
 * at least 10 wide; the last column unpadded. */
static void print_table(json_t *rows, const char *const *fields, const char *const *titles,
			size_t nf)
{
	size_t w[8] = { 0 }, i, f;
	json_t *r;

	for (f = 0; f < nf; f++)
		w[f] = strlen(titles[f]);
	json_array_foreach(rows, i, r)
		for (f = 0; f < nf; f++) {
			size_t l = strlen(json_string_value(json_object_get(r, fields[f])));
			if (l > w[f])
				w[f] = l;
		}
	for (f = 0; f < nf; f++)
		w[f] = w[f] + 3 < 10 ? 10 : w[f] + 3;
	for (f = 0; f < nf; f++)
		print_cell(titles[f], w[f], f + 1 == nf);
	json_array_foreach(rows, i, r)
		for (f = 0; f < nf; f++)
			print_cell(json_string_value(json_object_get(r, fields[f])), w[f], f + 1 == nf);
}

static int parse_filters(struct images_opts *op)
{
	op->dangling = -1;
	for (size_t i = 0; i < op->filters.n; i++) {
		const char *f = op->filters.v[i];
		if (!strcmp(f, "dangling=true") || !strcmp(f, "dangling=1"))
			op->dangling = 1;
		else if (!strcmp(f, "dangling=false") || !strcmp(f, "dangling=0"))
			op->dangling = 0;
		else if (str_has_prefix(f, "reference="))
			strv_push(&op->refs, f + 10);
		else
			return cli_failf("images: unsupported filter '%s' (dangling=true|false, "
					 "reference=PATTERN)", f);
	}
	return 0;
}

static int list_images(struct cli *c, const char *cmd, int argc, char **argv)
{
	static const char *const fields[] = { "Repository", "Tag", "Digest", "ID", "CreatedSince", "Size" };
	static const char *const titles[] = { "REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE" };
	struct images_opts op = { 0 };
	const struct cli_opt opts[] = {
		{ 'a', "all", OPT_BOOL, &op.all, NULL, "Show all images (no intermediate ones exist here)" },
		{ 'q', "quiet", OPT_BOOL, &op.quiet, NULL, "Only show image IDs" },
		{ 0, "no-trunc", OPT_BOOL, &op.no_trunc, NULL, "Don't truncate output" },
		{ 0, "digests", OPT_BOOL, &op.digests, NULL, "Show digests" },
		{ 0, "format", OPT_STR, &op.format, "FORMAT", "table (default) or json" },
		{ 'f', "filter", OPT_LIST, &op.filters, "FILTER", "dangling=true|false, reference=PATTERN" },
		{ 0, NULL, 0, NULL, NULL, NULL },
	};
	struct tug_list_opts lo = { 0 };
	struct tug_list l = { 0 };
	struct tug_err err = { 0 };
	struct tug_endpoint *ep;
	json_t *rows;
	int optind, r, rc = 0;
	int64_t now = now_ns();

	r = cli_parse(cmd, "[OPTIONS] [REPOSITORY[:TAG]]", opts, argc, argv, 0, &optind);
	if (r)
		return r < 0 ? 125 : 0;
	if (cli_nargs(argv + optind) > 1)
		return cli_failf("%s: accepts at most one argument (REPOSITORY[:TAG])", cmd);
	op.match = argv[optind];
	if (op.format && *op.format && strcmp(op.format, "table") && strcmp(op.format, "json")) {
		rc = cli_failf("%s: unsupported --format '%s': use table or json", cmd, op.format);
		goto out;
	}
	if (parse_filters(&op)) {
		rc = 125;
		goto out;
	}
	ep = cli_endpoint(c);
	if (!ep) {
		rc = 125;
		goto out;
	}
	lo.all = op.all;
	if (backend_list(ep, TUG_IMAGE, &lo, &l, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	rows = json_array();
	for (size_t i = 0; i < l.n; i++) {
		const struct tug_obj *o = &l.items[i];
		char **names = o->tags;
		char *none[] = { NONE, NULL };
		if (!names)
			names = none;
		for (char **k = names; *k; k++) {
			char repo[512];
			const char *tag = NONE, *digest = NONE;
			if (*k != none[0])
				split_key(*k, repo, sizeof(repo), &tag, &digest);
			else
				snprintf(repo, sizeof(repo), NONE);
			if (matches(&op, o, repo, tag))
				json_array_append_new(rows, image_row(o, repo, tag, digest, now, !op.no_trunc));
		}
	}
	if (op.quiet) {
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row)
			printf("%s\n", json_string_value(json_object_get(row, "ID")));
	} else if (op.format && !strcmp(op.format, "json")) {
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row) {
			char *s = json_dumps(row, JSON_COMPACT | JSON_SORT_KEYS);
			printf("%s\n", s);
			free(s);
		}
	} else if (op.digests) {
		print_table(rows, fields, titles, 6);
	} else {
		static const char *const f5[] = { "Repository", "Tag", "ID", "CreatedSince", "Size" };
		static const char *const t5[] = { "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE" };
		print_table(rows, f5, t5, 5);
	}
	json_decref(rows);
	tug_list_release(&l);
out:
	strv_release(&op.filters);
	strv_release(&op.refs);
	return rc;
}

int cmd_images(struct cli *c, int argc, char **argv)
{
	return list_images(c, "images", argc, argv);
}

int cli_image_ls(struct cli *c, int argc, char **argv)
{
	return list_images(c, "image ls", argc, argv);
}
