/* cli-system.c - `tug system`: reset (remove everything tug stored), info
 * (what this host and store hold), df (disk use by type). */
#include "cli.h"
#include "cli-format.h"
#include "util/json.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static const char *root_dir(struct cli *c)
{
	const char *r = c->root ? c->root : getenv("TUG_ROOT");
	return r && *r ? r : "/var/lib/tug";
}

static const char *run_root(struct cli *c)
{
	const char *r = c->runroot ? c->runroot : getenv("TUG_RUNROOT");
	return r && *r ? r : "/run/tug";
}

static int sys_reset(struct cli *c, int argc, char **argv)
{
	int force = 0, optind, rc;
	const struct cli_opt opts[] = {
		{ 'f', "force", OPT_BOOL, &force, NULL, "Do not ask for confirmation" },
		{ 0 },
	};
	struct tug_endpoint *ep;
	struct tug_err err = { 0 };
	char q[4096 + 256];

	rc = cli_parse("system reset", "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 125 : 0;
	if (argv[optind])
		return cli_failf("system reset: takes no arguments");
	if (!force) {
		snprintf(q, sizeof(q),
			 "WARNING! This stops and removes every container and removes every image,\n"
			 "layer and volume under %s and %s.\nAre you sure you want to continue?",
			 root_dir(c), run_root(c));
		if (!cli_confirm(q)) {
			fprintf(stderr, "tug: system reset: not confirmed, nothing removed\n");
			return 1;
		}
	}
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	if (backend_reset(ep, &err) < 0)
		return tug_err_wrap(&err, "system reset"), cli_fail1(&err);
	return 0;
}

static const char *cgroup_version(void)
{
	struct statfs fs;

	if (statfs("/sys/fs/cgroup", &fs) < 0)
		return "none";
	if ((unsigned long)fs.f_type == CGROUP2_SUPER_MAGIC)
		return "2";
	if (statfs("/sys/fs/cgroup/unified", &fs) == 0 && (unsigned long)fs.f_type == CGROUP2_SUPER_MAGIC)
		return "1 (hybrid)";
	return "1";
}

static char *os_name(char *buf, size_t size)
{
	FILE *f = fopen("/etc/os-release", "r");
	char line[512];

	snprintf(buf, size, "Linux");
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f)) {
		if (str_has_prefix(line, "PRETTY_NAME=")) {
			char *v = line + 12;
			v[strcspn(v, "\n")] = '\0';
			if (*v == '"') {
				v++;
				v[strcspn(v, "\"")] = '\0';
			}
			snprintf(buf, size, "%s", v);
		}
	}
	fclose(f);
	return buf;
}

static int sys_info(struct cli *c, int argc, char **argv)
{
	const char *format = NULL;
	const struct cli_opt opts[] = {
		{ 'f', "format", OPT_STR, &format, "FORMAT", "json, or a Go template ('{{.Containers}}')" },
		{ 0 },
	};
	struct tug_endpoint *ep;
	struct tug_err err = { 0 };
	struct tug_list_opts lo = { .all = 1 };
	struct tug_list ctrs = { 0 }, imgs = { 0 };
	struct utsname u;
	char os[256], mem[32], host[256] = "";
	int running = 0, paused = 0, optind, rc;
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	json_t *info;

	rc = cli_parse("system info", "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 125 : 0;
	ep = cli_endpoint(c);
	if (!ep)
		return 125;
	if (backend_list(ep, TUG_CONTAINER, &lo, &ctrs, &err) < 0 ||
	    backend_list(ep, TUG_IMAGE, &lo, &imgs, &err) < 0) {
		tug_list_release(&ctrs);
		return tug_err_wrap(&err, "system info"), cli_fail1(&err);
	}
	for (size_t i = 0; i < ctrs.n; i++) {
		const char *st = ctrs.items[i].state ? ctrs.items[i].state : "";
		running += !strcmp(st, "running") || !strcmp(st, "restarting");
		paused += !strcmp(st, "paused");
	}
	uname(&u);
	gethostname(host, sizeof(host) - 1);
	info = json_pack("{s:I, s:i, s:i, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s}",
			 "Containers", (json_int_t)ctrs.n, "ContainersRunning", running,
			 "ContainersPaused", paused,
			 "ContainersStopped", (json_int_t)ctrs.n - running - paused,
			 "Images", (json_int_t)imgs.n, "Driver", "overlay", "Runtime", "tug (daemonless)",
			 "CgroupVersion", cgroup_version(), "KernelVersion", u.release,
			 "OperatingSystem", os_name(os, sizeof(os)), "Architecture", u.machine,
			 "NCPU", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN),
			 "MemTotal", (json_int_t)pages * psize, "Name", host,
			 "RootDir", root_dir(c), "RunRoot", run_root(c));
	tug_list_release(&ctrs);
	tug_list_release(&imgs);
	if (format && !strcmp(format, "json")) {
		char *s = json_dumps(info, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("%s\n", s);
		free(s);
	} else if (format) {
		struct tmpl *t = tmpl_compile(format, &err);
		struct sbuf b = SBUF_INIT;
		if (!t || tmpl_render(t, info, 1, &b, &err) < 0) {
			tmpl_free(t);
			sbuf_release(&b);
			json_decref(info);
			return tug_err_wrap(&err, "system info: format"), cli_fail1(&err);
		}
		printf("%s\n", b.s);
		sbuf_release(&b);
		tmpl_free(t);
	} else {
		printf("Containers: %lld\n Running: %lld\n Paused: %lld\n Stopped: %lld\n",
		       (long long)jint(info, "Containers"), (long long)jint(info, "ContainersRunning"),
		       (long long)jint(info, "ContainersPaused"), (long long)jint(info, "ContainersStopped"));
		printf("Images: %lld\n", (long long)jint(info, "Images"));
		printf("Runtime: %s\n", jstr(info, "Runtime"));
		printf("Storage Driver: overlay\n");
		printf("Cgroup Version: %s\n", jstr(info, "CgroupVersion"));
		printf("Kernel Version: %s\n", u.release);
		printf("Operating System: %s\n", os);
		printf("Architecture: %s\n", u.machine);
		printf("CPUs: %lld\n", (long long)jint(info, "NCPU"));
		printf("Total Memory: %s\n", fmt_size_bin(mem, sizeof(mem), (double)jint(info, "MemTotal")));
		printf("Name: %s\n", host);
		printf("Root Dir: %s\n", root_dir(c));
		printf("Run Root: %s\n", run_root(c));
	}
	json_decref(info);
	return 0;
}

static json_t *df_row(const char *type, size_t total, size_t active, int64_t size,
		      int64_t reclaim)
{
	char s[32], r[32], rs[64];

	fmt_size(s, sizeof(s), (double)size);
	fmt_size(r, sizeof(r), (double)reclaim);
	snprintf(rs, sizeof(rs), "%s (%d%%)", r, size > 0 ? (int)(reclaim * 100 / size) : 0);
	/* keys alphabetical, as docker's JSON has them */
	return json_pack("{s:o, s:s, s:s, s:I, s:s}", "Active", json_sprintf("%zu", active),
			 "Reclaimable", rs, "Size", s, "TotalCount", (json_int_t)total, "Type", type);
}

/* An image is in use when a container was made from it. */
static int image_used(const struct tug_obj *img, const struct tug_list *ctrs)
{
	if (img->users && img->users[0])
		return 1;
	for (size_t i = 0; i < ctrs->n; i++) {
		const struct tug_obj *o = &ctrs->items[i];
		json_t *id = cli_ctr_field(o, "ImageId") ?: cli_ctr_field(o, "Image");
		const char *cid = json_string_value(id);
		if (cid && img->id && (!strcmp(cid, img->id) ||
				       (str_has_prefix(img->id, "sha256:") && !strcmp(cid, img->id + 7))))
			return 1;
		for (char **t = img->tags; t && *t && o->image; t++)
			if (!strcmp(*t, o->image))
				return 1;
	}
	return 0;
}

static int sys_df(struct cli *c, int argc, char **argv)
{
	const char *format = NULL;
	const struct cli_opt opts[] = {
		{ 0, "format", OPT_STR, &format, "FORMAT", "table, json, or a Go template" },
		{ 0 },
	};
	struct tug_endpoint *ep;
	struct tug_err err = { 0 };
	struct tug_list_opts lo = { .all = 1 };
	struct tug_list ctrs = { 0 }, imgs = { 0 }, vols = { 0 };
	struct cli_fmt fmt;
	json_t *rows, *headers;
	int64_t size = 0, reclaim = 0;
	size_t active = 0;
	int optind, rc, have_vols;

	rc = cli_parse("system df", "[OPTIONS]", opts, argc, argv, 0, &optind);
	if (rc)
		return rc < 0 ? 125 : 0;
	if (cli_fmt_init(&fmt, format,
			 "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
			 &err) < 0)
		return tug_err_wrap(&err, "system df"), cli_fail(&err);
	ep = cli_endpoint(c);
	if (!ep) {
		cli_fmt_release(&fmt);
		return 125;
	}
	if (backend_list(ep, TUG_CONTAINER, &lo, &ctrs, &err) < 0 ||
	    backend_list(ep, TUG_IMAGE, &lo, &imgs, &err) < 0) {
		tug_list_release(&ctrs);
		cli_fmt_release(&fmt);
		return tug_err_wrap(&err, "system df"), cli_fail1(&err);
	}
	/* volumes arrive with their own driver work; until then a runtime
	 * that cannot list them has none to show */
	have_vols = backend_list(ep, TUG_VOLUME, &lo, &vols, &err) == 0;
	rows = json_array();

	for (size_t i = 0; i < imgs.n; i++) {
		size += imgs.items[i].size;
		if (image_used(&imgs.items[i], &ctrs))
			active++;
		else
			reclaim += imgs.items[i].size;
	}
	json_array_append_new(rows, df_row("Images", imgs.n, active, size, reclaim));

	size = reclaim = 0;
	active = 0;
	for (size_t i = 0; i < ctrs.n; i++) {
		const char *st = ctrs.items[i].state ? ctrs.items[i].state : "";
		size += ctrs.items[i].size;
		if (!strcmp(st, "running") || !strcmp(st, "paused") || !strcmp(st, "restarting"))
			active++;
		else
			reclaim += ctrs.items[i].size;
	}
	json_array_append_new(rows, df_row("Containers", ctrs.n, active, size, reclaim));

	if (have_vols) {
		size = reclaim = 0;
		active = 0;
		for (size_t i = 0; i < vols.n; i++) {
			size += vols.items[i].size;
			if (vols.items[i].users && vols.items[i].users[0])
				active++;
			else
				reclaim += vols.items[i].size;
		}
		json_array_append_new(rows, df_row("Local Volumes", vols.n, active, size, reclaim));
	}
	headers = json_pack("{s:s, s:s, s:s, s:s, s:s}", "Active", "ACTIVE", "Reclaimable",
			    "RECLAIMABLE", "TotalCount", "TOTAL", "Size", "SIZE", "Type", "TYPE");
	rc = cli_fmt_print(&fmt, rows, headers, stdout, &err) < 0 ? cli_fail(&err) : 0;
	json_decref(rows);
	json_decref(headers);
	cli_fmt_release(&fmt);
	tug_list_release(&ctrs);
	tug_list_release(&imgs);
	tug_list_release(&vols);
	return rc;
}

int cmd_system(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "reset", sys_reset, "Remove every container, image and volume tug stored" },
		{ "info", sys_info, "Show what this host and tug's store hold" },
		{ "df", sys_df, "Show disk use by images, containers and volumes" },
		{ NULL, NULL, NULL },
	};

	return cli_dispatch(c, "system", cmds, argc, argv);
}
