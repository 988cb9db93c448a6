/* fs.h - file helpers: atomic writes, whole-file reads, locks, trees. */
#ifndef TUG_FS_H
#define TUG_FS_H

#include <stddef.h>
#include <sys/types.h>
#include "util/err.h"

/* Write data to path atomically (temp file in the same dir, fsync-less
 * rename: crash-safe against torn files, which is what readers need). */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    struct tug_err *err);
/* Write a file that must not exist yet, in place: for files nobody reads
 * before a later atomic step publishes them (a new container's files,
 * before its state.json). */
int fs_write_new(const char *path, const void *data, size_t len, mode_t mode,
		 struct tug_err *err);

/* Replacing (fs_write_atomic) or removing (fs_unlink) a file frees its
 * old inode, which on ext4 costs a journalled truncate in the caller.
 * With deferring on, the old inodes are kept referenced until
 * fs_release_deferred() (thread-safe; a few at most, past that they go at
 * once). For a process with a hot path and a quiet moment after it. */
void fs_defer_releases(int on);
void fs_release_deferred(void);
/* unlink(2), deferring the release of the inode as above. */
int fs_unlink(const char *path);
/* Read a whole file into a NUL-terminated malloc'd buffer. */
int fs_read_all(const char *path, char **out, size_t *len, struct tug_err *err);
/* Read a small file (e.g. a cgroup knob) into buf, trimmed of trailing
 * newline. Returns length or -1 with errno set (no tug_err: hot path). */
ssize_t fs_read_small(const char *path, char *buf, size_t size);
/* Write a string to an existing file (cgroup knobs, /proc files). */
int fs_write_str(const char *path, const char *s, struct tug_err *err);
/* mkdir -p with mode for every created component. */
int fs_mkdir_p(const char *path, mode_t mode, struct tug_err *err);
/* rm -rf that never crosses into another filesystem (a leftover mount
 * inside a container dir must not take the host's files with it). */
int fs_rm_rf(const char *path, struct tug_err *err);
/* fs_rm_rf for the entry `name` of the directory open as dfd (never
 * following a symlink named name, never crossing a mount). */
int fs_rm_rf_at(int dfd, const char *name, struct tug_err *err);
/* Size in bytes of a tree on its own filesystem (du -s --apparent). */
long long fs_du(const char *path);

/* An exclusive flock on path (created if missing). Returns the fd to
 * pass to fs_unlock(), or -1. */
int fs_lock(const char *path, struct tug_err *err);
/* An exclusive flock on an existing directory: no lock file to create
 * (and remove) with it. */
int fs_lock_dir(const char *path, struct tug_err *err);
/* Shared flock for readers. */
int fs_lock_shared(const char *path, struct tug_err *err);
void fs_unlock(int fd);

/* Copy the rest of in to out: copy_file_range, else read/write. -1 with
 * errno set. */
int fs_copy_data(int in, int out);

/* Join path components into buf; returns buf. Truncation is an error
 * callers need not handle: buffers are PATH_MAX. */
char *fs_join(char *buf, size_t size, const char *a, const char *b);

#endif
