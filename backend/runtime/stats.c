/* stats.c - resource samples (cgroup + the container's netns counters)
 * and the process list for `tug top`. */
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "runtime/ops.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* rx/tx bytes of every interface but lo in the netns of pid */
static void net_counters(pid_t pid, uint64_t *rx, uint64_t *tx)
{
	char path[64], line[512];
	FILE *f;

	*rx = *tx = 0;
	snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *name = line;
		unsigned long long v[9];
		if (!colon)
			continue;
		*colon = '\0';
		while (isspace((unsigned char)*name))
			name++;
		if (!strcmp(name, "lo"))
			continue;
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 9) {
			*rx += v[0];
			*tx += v[8];
		}
	}
	fclose(f);
}

int rt_ctr_stats(struct rt *rt, const char *ref, struct tug_stats *out, struct tug_err *err)
{
	char id[65];
	json_t *st;
	const char *s;
	pid_t pid;
	struct cgroup_stats cs;

	memset(out, 0, sizeof(*out));
	out->time_ns = now_ns();
	out->online_cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (rt_ctr_resolve(rt, ref, id, err) < 0)
		return -1;
	st = rt_ctr_state(rt, id, err);
	if (!st)
		return -1;
	s = jstr(st, "Status");
	pid = (pid_t)jint(st, "Pid");
	if (!s || (strcmp(s, ST_RUNNING) && strcmp(s, ST_PAUSED))) {
		json_decref(st);
		return 0; /* valid = 0: nothing to sample */
	}
	json_decref(st);
	if (cgroup_stats(rt->cgroup_parent, id, &cs, err) < 0)
		return tug_err_wrap(err, "stats of container %.12s", id);
	out->cpu_ns = cs.cpu_ns;
	out->mem_usage = cs.mem_usage;
	out->mem_limit = cs.mem_limit ? cs.mem_limit : cgroup_host_memory();
	out->blk_read = cs.blk_read;
	out->blk_write = cs.blk_write;
	out->pids = cs.pids;
	out->pids_limit = cs.pids_limit;
	net_counters(pid, &out->net_rx, &out->net_tx);
	out->valid = 1;
	return 0;
}

static json_t *proc_row(pid_t pid, long hz, time_t boot)
{
	char path[64], buf[4096], *p, stime[16], cputime[16];
	char *cmd;
	size_t n = 0;
	unsigned long long ut = 0, stt = 0, start = 0;
	int ppid = 0, tty = 0;
	unsigned uid = 0;
	FILE *f;
	json_t *row;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (fs_read_small(path, buf, sizeof(buf)) < 0)
		return NULL;
	p = strrchr(buf, ')');
	if (!p)
		return NULL;
	/* fields after comm: state ppid pgrp session tty_nr ... utime(14) stime(15) ... starttime(22) */
	sscanf(p + 2, "%*c %d %*d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu",
	       &ppid, &tty, &ut, &stt, &start);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f) {
		char line[256];
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Uid: %u", &uid) == 1)
				break;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	{
		struct tug_err e;
		size_t len = 0;
		if (fs_read_all(path, &cmd, &len, &e) < 0)
			cmd = xstrdup("");
		for (n = 0; n + 1 < len; n++)
			if (cmd[n] == '\0')
				cmd[n] = ' ';
		if (!len) {
			/* kernel threads and zombies: [comm] like ps */
			char *l = strchr(buf, '(');
			free(cmd);
			cmd = xstrdup(l ? l : "?");
		}
	}
	{
		time_t st_time = boot + (time_t)(start / (unsigned long long)hz);
		struct tm tm;
		unsigned long long secs = (ut + stt) / (unsigned long long)hz;
		localtime_r(&st_time, &tm);
		strftime(stime, sizeof(stime), "%H:%M", &tm);
		snprintf(cputime, sizeof(cputime), "%02llu:%02llu:%02llu", secs / 3600, (secs / 60) % 60,
			 secs % 60);
	}
	row = json_array();
	snprintf(path, sizeof(path), "%u", uid);
	json_array_append_new(row, json_string(uid == 0 ? "root" : path));
	snprintf(path, sizeof(path), "%d", (int)pid);
	json_array_append_new(row, json_string(path));
	snprintf(path, sizeof(path), "%d", ppid);
	json_array_append_new(row, json_string(path));
	json_array_append_new(row, json_string("0"));
	json_array_append_new(row, json_string(stime));
	json_array_append_new(row, json_string(tty ? "pts" : "?"));
	json_array_append_new(row, json_string(cputime));
	json_array_append_new(row, json_string(cmd));
	free(cmd);
	return row;
}

int rt_ctr_top(struct rt *rt, const char *ref, json_t **out, struct tug_err *err)
{
	char id[65], buf[256];
	json_t *st, *res, *titles, *procs;
	pid_t *pids = NULL;
	int n;
	long hz = sysconf(_SC_CLK_TCK);
	time_t boot = 0;
	FILE *f;

	if (rt_ctr_resolve(rt, ref, id, err) < 0)
		return -1;
	st = rt_ctr_state(rt, id, err);
	if (!st)
		return -1;
	if (!jstr(st, "Status") || (strcmp(jstr(st, "Status"), ST_RUNNING) &&
				    strcmp(jstr(st, "Status"), ST_PAUSED))) {
		json_decref(st);
		return tug_errf(err, TUG_E_CONFLICT, "container %.12s is not running", id);
	}
	json_decref(st);
	n = cgroup_pids(rt->cgroup_parent, id, &pids, err);
	if (n < 0)
		return -1;
	f = fopen("/proc/stat", "re");
	if (f) {
		while (fgets(buf, sizeof(buf), f))
			if (sscanf(buf, "btime %ld", &boot) == 1)
				break;
		fclose(f);
	}
	res = json_object();
	titles = json_array();
	static const char *const t[] = { "UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD" };
	for (size_t i = 0; i < 8; i++)
		json_array_append_new(titles, json_string(t[i]));
	procs = json_array();
	for (int i = 0; i < n; i++) {
		json_t *row = proc_row(pids[i], hz > 0 ? hz : 100, boot);
		if (row)
			json_array_append_new(procs, row);
	}
	free(pids);
	json_object_set_new(res, "Titles", titles);
	json_object_set_new(res, "Processes", procs);
	*out = res;
	return 0;
}
