/* logs.c - reading a container's json-file log as a non-blocking stream:
 * tail, since/until, and follow (inotify on the log and on state.json, so
 * a follower wakes within milliseconds of a new line and ends when the
 * container stops). */
#include "runtime/container.h"
#include "runtime/ops.h"
#include "util/json.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

struct rt_logs {
	struct tug_logs base;
	struct rt *rt;
	char id[65];
	char path[PATH_MAX];
	int fd;            /* the log file, -1 until it exists */
	int ino;           /* inotify */
	struct tug_log_opts o;
	struct sbuf carry; /* an incomplete record at the end of the file */
	int ended;
};

static int lg_fd(struct tug_logs *l)
{
	return ((struct rt_logs *)l)->ino;
}

static int lg_timeout(struct tug_logs *l)
{
	struct rt_logs *r = (struct rt_logs *)l;
	/* inotify does the work; the timer only covers a monitor that died
	 * without a final state write */
	return r->o.follow ? 1000 : 0;
}

static int deliver(struct rt_logs *r, const char *rec, size_t len, tug_log_cb cb, void *ctx)
{
	json_error_t je;
	json_t *j = json_loadb(rec, len, 0, &je);
	struct tug_log_line line;
	const char *text, *stream, *ts;
	size_t tl;
	int stop;

	if (!j)
		return 0; /* a torn record (disk full): skip it */
	text = jstr(j, "log");
	stream = jstr(j, "stream");
	ts = jstr(j, "time");
	memset(&line, 0, sizeof(line));
	if (ts)
		parse_rfc3339(ts, &line.time_ns);
	if ((r->o.since_ns && line.time_ns < r->o.since_ns) ||
	    (r->o.until_ns && line.time_ns > r->o.until_ns) || !text) {
		json_decref(j);
		return 0;
	}
	tl = json_string_length(json_object_get(j, "log"));
	line.stream = stream && !strcmp(stream, "stderr") ? 2 : 1;
	line.partial = !(tl > 0 && text[tl - 1] == '\n');
	line.text = text;
	line.len = line.partial ? tl : tl - 1;
	stop = cb(ctx, &line);
	json_decref(j);
	return stop;
}

static int ctr_live(struct rt_logs *r)
{
	struct tug_err e;
	json_t *st = rt_ctr_state(r->rt, r->id, &e);
	const char *s;
	int live;

	if (!st)
		return 0;
	s = jstr(st, "Status");
	live = s && (!strcmp(s, ST_RUNNING) || !strcmp(s, ST_PAUSED) || !strcmp(s, ST_RESTARTING));
	json_decref(st);
	return live;
}

static int lg_pump(struct tug_logs *l, tug_log_cb cb, void *ctx, struct tug_err *err)
{
	struct rt_logs *r = (struct rt_logs *)l;
	char buf[65536];
	int live;

	if (r->ended)
		return 1;
	if (r->ino >= 0) {
		char ev[4096];
		while (read(r->ino, ev, sizeof(ev)) > 0)
			;
	}
	/* decide liveness before reading, so the last lines written before
	 * the exit are read after it */
	live = r->o.follow ? ctr_live(r) : 0;
	if (r->fd < 0) {
		r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0 && errno != ENOENT)
			return tug_errno(err, "read log %s", r->path);
	}
	while (r->fd >= 0) {
		ssize_t n = read(r->fd, buf, sizeof(buf));
		size_t start = 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return tug_errno(err, "read log %s", r->path);
		}
		if (n == 0)
			break;
		sbuf_add(&r->carry, buf, (size_t)n);
		for (size_t i = 0; i < r->carry.len; i++) {
			if (r->carry.s[i] != '\n')
				continue;
			if (deliver(r, r->carry.s + start, i - start, cb, ctx)) {
				/* the caller wants a break: keep the rest for later */
				memmove(r->carry.s, r->carry.s + i + 1, r->carry.len - i - 1);
				r->carry.len -= i + 1;
				return 0;
			}
			start = i + 1;
		}
		memmove(r->carry.s, r->carry.s + start, r->carry.len - start);
		r->carry.len -= start;
	}
	if (!r->o.follow || !live) {
		r->ended = 1;
		return 1;
	}
	return 0;
}

static void lg_close(struct tug_logs *l)
{
	struct rt_logs *r = (struct rt_logs *)l;
	if (r->fd >= 0)
		close(r->fd);
	if (r->ino >= 0)
		close(r->ino);
	sbuf_release(&r->carry);
	free(r);
}

static const struct tug_logs_ops rt_logs_ops = { lg_fd, lg_timeout, lg_pump, lg_close };

/* Offset of the start of the last n records, reading backwards. */
static off_t tail_offset(int fd, long n)
{
	char buf[65536];
	off_t end = lseek(fd, 0, SEEK_END), pos = end;
	long seen = 0;

	if (n < 0 || end <= 0)
		return 0;
	if (n == 0)
		return end;
	while (pos > 0) {
		size_t chunk = pos > (off_t)sizeof(buf) ? sizeof(buf) : (size_t)pos;
		ssize_t got;
		pos -= (off_t)chunk;
		got = pread(fd, buf, chunk, pos);
		if (got <= 0)
			return 0;
		for (ssize_t i = got - 1; i >= 0; i--) {
			if (buf[i] != '\n')
				continue;
			if (pos + i == end - 1)
				continue; /* the final newline */
			if (++seen == n)
				return pos + i + 1;
		}
	}
	return 0;
}

int rt_ctr_logs(struct rt *rt, const char *ref, const struct tug_log_opts *o,
		struct tug_logs **out, struct tug_err *err)
{
	struct rt_logs *r;
	char dir[PATH_MAX];

	r = xcalloc(1, sizeof(*r));
	r->base.ops = &rt_logs_ops;
	r->rt = rt;
	r->fd = r->ino = -1;
	r->o = *o;
	if (rt_ctr_resolve(rt, ref, r->id, err) < 0) {
		free(r);
		return -1;
	}
	rt_ctr_path(rt, r->id, "ctr.log", r->path, sizeof(r->path));
	rt_ctr_path(rt, r->id, NULL, dir, sizeof(dir));
	if (o->follow) {
		r->ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (r->ino < 0 ||
		    inotify_add_watch(r->ino, dir, IN_MODIFY | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF) < 0) {
			tug_errno(err, "watch %s", dir);
			lg_close(&r->base);
			return -1;
		}
	}
	r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (r->fd >= 0 && o->tail >= 0)
		lseek(r->fd, tail_offset(r->fd, o->tail), SEEK_SET);
	*out = &r->base;
	return 0;
}
