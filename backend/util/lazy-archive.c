/* lazy-archive.c - libarchive, loaded on first use (see util/lazy.h). */
#include "util/lazy.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdio.h>

static struct lazy_lib lib_archive = { "libarchive.so.13", "libarchive13", NULL };

void archive_set_error(struct archive *a, int err, const char *fmt, ...)
{
	static void (*fn)(struct archive *, int, const char *, ...);
	char msg[1024];
	va_list ap;

	if (!fn)
		fn = (void (*)(struct archive *, int, const char *, ...))lazy_sym(&lib_archive,
										  "archive_set_error");
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(a, err, "%s", msg);
}

time_t archive_entry_atime(struct archive_entry * a0)
{
	static time_t (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (time_t (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_atime");
	return fn(a0);
}

int archive_entry_atime_is_set(struct archive_entry * a0)
{
	static int (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (int (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_atime_is_set");
	return fn(a0);
}

long archive_entry_atime_nsec(struct archive_entry * a0)
{
	static long (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (long (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_atime_nsec");
	return fn(a0);
}

__LA_MODE_T archive_entry_filetype(struct archive_entry * a0)
{
	static __LA_MODE_T (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (__LA_MODE_T (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_filetype");
	return fn(a0);
}

void archive_entry_free(struct archive_entry * a0)
{
	static void (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_free");
	fn(a0);
}

la_int64_t archive_entry_gid(struct archive_entry * a0)
{
	static la_int64_t (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (la_int64_t (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_gid");
	return fn(a0);
}

const char * archive_entry_hardlink(struct archive_entry * a0)
{
	static const char * (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (const char * (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_hardlink");
	return fn(a0);
}

time_t archive_entry_mtime(struct archive_entry * a0)
{
	static time_t (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (time_t (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_mtime");
	return fn(a0);
}

long archive_entry_mtime_nsec(struct archive_entry * a0)
{
	static long (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (long (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_mtime_nsec");
	return fn(a0);
}

struct archive_entry * archive_entry_new(void)
{
	static struct archive_entry * (*fn)(void);

	if (!fn)
		fn = (struct archive_entry * (*)(void))lazy_sym(&lib_archive, "archive_entry_new");
	return fn();
}

const char * archive_entry_pathname(struct archive_entry * a0)
{
	static const char * (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (const char * (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_pathname");
	return fn(a0);
}

__LA_MODE_T archive_entry_perm(struct archive_entry * a0)
{
	static __LA_MODE_T (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (__LA_MODE_T (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_perm");
	return fn(a0);
}

void archive_entry_set_filetype(struct archive_entry * a0, unsigned int a1)
{
	static void (*fn)(struct archive_entry * a0, unsigned int a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, unsigned int a1))lazy_sym(&lib_archive, "archive_entry_set_filetype");
	fn(a0, a1);
}

void archive_entry_set_mtime(struct archive_entry * a0, time_t a1, long a2)
{
	static void (*fn)(struct archive_entry * a0, time_t a1, long a2);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, time_t a1, long a2))lazy_sym(&lib_archive, "archive_entry_set_mtime");
	fn(a0, a1, a2);
}

void archive_entry_set_pathname(struct archive_entry * a0, const char * a1)
{
	static void (*fn)(struct archive_entry * a0, const char * a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, const char * a1))lazy_sym(&lib_archive, "archive_entry_set_pathname");
	fn(a0, a1);
}

void archive_entry_set_perm(struct archive_entry * a0, __LA_MODE_T a1)
{
	static void (*fn)(struct archive_entry * a0, __LA_MODE_T a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, __LA_MODE_T a1))lazy_sym(&lib_archive, "archive_entry_set_perm");
	fn(a0, a1);
}

void archive_entry_set_size(struct archive_entry * a0, la_int64_t a1)
{
	static void (*fn)(struct archive_entry * a0, la_int64_t a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, la_int64_t a1))lazy_sym(&lib_archive, "archive_entry_set_size");
	fn(a0, a1);
}

la_int64_t archive_entry_size(struct archive_entry * a0)
{
	static la_int64_t (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (la_int64_t (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_size");
	return fn(a0);
}

int archive_entry_size_is_set(struct archive_entry * a0)
{
	static int (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (int (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_size_is_set");
	return fn(a0);
}

const char * archive_entry_symlink(struct archive_entry * a0)
{
	static const char * (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (const char * (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_symlink");
	return fn(a0);
}

la_int64_t archive_entry_uid(struct archive_entry * a0)
{
	static la_int64_t (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (la_int64_t (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_uid");
	return fn(a0);
}

int archive_entry_xattr_next(struct archive_entry * a0, const char ** a1, const void ** a2, size_t * a3)
{
	static int (*fn)(struct archive_entry * a0, const char ** a1, const void ** a2, size_t * a3);

	if (!fn)
		fn = (int (*)(struct archive_entry * a0, const char ** a1, const void ** a2, size_t * a3))lazy_sym(&lib_archive, "archive_entry_xattr_next");
	return fn(a0, a1, a2, a3);
}

int archive_entry_xattr_reset(struct archive_entry * a0)
{
	static int (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (int (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_xattr_reset");
	return fn(a0);
}

const char * archive_error_string(struct archive * a0)
{
	static const char * (*fn)(struct archive * a0);

	if (!fn)
		fn = (const char * (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_error_string");
	return fn(a0);
}

int archive_filter_code(struct archive * a0, int a1)
{
	static int (*fn)(struct archive * a0, int a1);

	if (!fn)
		fn = (int (*)(struct archive * a0, int a1))lazy_sym(&lib_archive, "archive_filter_code");
	return fn(a0, a1);
}

int archive_filter_count(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_filter_count");
	return fn(a0);
}

int archive_read_data_block(struct archive * a0, const void ** a1, size_t * a2, la_int64_t * a3)
{
	static int (*fn)(struct archive * a0, const void ** a1, size_t * a2, la_int64_t * a3);

	if (!fn)
		fn = (int (*)(struct archive * a0, const void ** a1, size_t * a2, la_int64_t * a3))lazy_sym(&lib_archive, "archive_read_data_block");
	return fn(a0, a1, a2, a3);
}

int archive_read_data_into_fd(struct archive * a0, int a1)
{
	static int (*fn)(struct archive * a0, int a1);

	if (!fn)
		fn = (int (*)(struct archive * a0, int a1))lazy_sym(&lib_archive, "archive_read_data_into_fd");
	return fn(a0, a1);
}

int archive_read_data_skip(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_read_data_skip");
	return fn(a0);
}

int archive_read_free(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_read_free");
	return fn(a0);
}

struct archive * archive_read_new(void)
{
	static struct archive * (*fn)(void);

	if (!fn)
		fn = (struct archive * (*)(void))lazy_sym(&lib_archive, "archive_read_new");
	return fn();
}

int archive_read_next_header(struct archive * a0, struct archive_entry ** a1)
{
	static int (*fn)(struct archive * a0, struct archive_entry ** a1);

	if (!fn)
		fn = (int (*)(struct archive * a0, struct archive_entry ** a1))lazy_sym(&lib_archive, "archive_read_next_header");
	return fn(a0, a1);
}

int archive_read_open(struct archive * a0, void * a1, archive_open_callback * a2, archive_read_callback * a3, archive_close_callback * a4)
{
	static int (*fn)(struct archive * a0, void * a1, archive_open_callback * a2, archive_read_callback * a3, archive_close_callback * a4);

	if (!fn)
		fn = (int (*)(struct archive * a0, void * a1, archive_open_callback * a2, archive_read_callback * a3, archive_close_callback * a4))lazy_sym(&lib_archive, "archive_read_open");
	return fn(a0, a1, a2, a3, a4);
}

int archive_read_open_fd(struct archive * a0, int a1, size_t a2)
{
	static int (*fn)(struct archive * a0, int a1, size_t a2);

	if (!fn)
		fn = (int (*)(struct archive * a0, int a1, size_t a2))lazy_sym(&lib_archive, "archive_read_open_fd");
	return fn(a0, a1, a2);
}

int archive_read_support_filter_bzip2(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_read_support_filter_bzip2");
	return fn(a0);
}

int archive_read_support_filter_gzip(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_read_support_filter_gzip");
	return fn(a0);
}

int archive_read_support_filter_xz(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_read_support_filter_xz");
	return fn(a0);
}

int archive_read_support_filter_zstd(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_read_support_filter_zstd");
	return fn(a0);
}

int archive_read_support_format_raw(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_read_support_format_raw");
	return fn(a0);
}

int archive_read_support_format_tar(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_read_support_format_tar");
	return fn(a0);
}

int archive_write_close(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_write_close");
	return fn(a0);
}

la_ssize_t archive_write_data(struct archive * a0, const void * a1, size_t a2)
{
	static la_ssize_t (*fn)(struct archive * a0, const void * a1, size_t a2);

	if (!fn)
		fn = (la_ssize_t (*)(struct archive * a0, const void * a1, size_t a2))lazy_sym(&lib_archive, "archive_write_data");
	return fn(a0, a1, a2);
}

int archive_write_free(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_write_free");
	return fn(a0);
}

int archive_write_header(struct archive * a0, struct archive_entry * a1)
{
	static int (*fn)(struct archive * a0, struct archive_entry * a1);

	if (!fn)
		fn = (int (*)(struct archive * a0, struct archive_entry * a1))lazy_sym(&lib_archive, "archive_write_header");
	return fn(a0, a1);
}

struct archive * archive_write_new(void)
{
	static struct archive * (*fn)(void);

	if (!fn)
		fn = (struct archive * (*)(void))lazy_sym(&lib_archive, "archive_write_new");
	return fn();
}

int archive_write_open_fd(struct archive * a0, int a1)
{
	static int (*fn)(struct archive * a0, int a1);

	if (!fn)
		fn = (int (*)(struct archive * a0, int a1))lazy_sym(&lib_archive, "archive_write_open_fd");
	return fn(a0, a1);
}

int archive_write_set_bytes_in_last_block(struct archive * a0, int a1)
{
	static int (*fn)(struct archive * a0, int a1);

	if (!fn)
		fn = (int (*)(struct archive * a0, int a1))lazy_sym(&lib_archive, "archive_write_set_bytes_in_last_block");
	return fn(a0, a1);
}

int archive_write_set_format_pax_restricted(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_write_set_format_pax_restricted");
	return fn(a0);
}

int archive_read_support_filter_all(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_read_support_filter_all");
	return fn(a0);
}

int archive_read_support_format_all(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_read_support_format_all");
	return fn(a0);
}

int archive_read_open_memory(struct archive * a0, const void * a1, size_t a2)
{
	static int (*fn)(struct archive * a0, const void * a1, size_t a2);

	if (!fn)
		fn = (int (*)(struct archive * a0, const void * a1, size_t a2))lazy_sym(&lib_archive, "archive_read_open_memory");
	return fn(a0, a1, a2);
}

la_ssize_t archive_read_data(struct archive * a0, void * a1, size_t a2)
{
	static la_ssize_t (*fn)(struct archive * a0, void * a1, size_t a2);

	if (!fn)
		fn = (la_ssize_t (*)(struct archive * a0, void * a1, size_t a2))lazy_sym(&lib_archive, "archive_read_data");
	return fn(a0, a1, a2);
}

void archive_entry_set_uid(struct archive_entry * a0, la_int64_t a1)
{
	static void (*fn)(struct archive_entry * a0, la_int64_t a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, la_int64_t a1))lazy_sym(&lib_archive, "archive_entry_set_uid");
	fn(a0, a1);
}

void archive_entry_set_gid(struct archive_entry * a0, la_int64_t a1)
{
	static void (*fn)(struct archive_entry * a0, la_int64_t a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, la_int64_t a1))lazy_sym(&lib_archive, "archive_entry_set_gid");
	fn(a0, a1);
}

void archive_entry_set_symlink(struct archive_entry * a0, const char * a1)
{
	static void (*fn)(struct archive_entry * a0, const char * a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, const char * a1))lazy_sym(&lib_archive, "archive_entry_set_symlink");
	fn(a0, a1);
}

void archive_entry_set_hardlink(struct archive_entry * a0, const char * a1)
{
	static void (*fn)(struct archive_entry * a0, const char * a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, const char * a1))lazy_sym(&lib_archive, "archive_entry_set_hardlink");
	fn(a0, a1);
}

__LA_MODE_T archive_entry_mode(struct archive_entry * a0)
{
	static __LA_MODE_T (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (__LA_MODE_T (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_mode");
	return fn(a0);
}

void archive_entry_set_mode(struct archive_entry * a0, __LA_MODE_T a1)
{
	static void (*fn)(struct archive_entry * a0, __LA_MODE_T a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, __LA_MODE_T a1))lazy_sym(&lib_archive, "archive_entry_set_mode");
	fn(a0, a1);
}

dev_t archive_entry_rdevmajor(struct archive_entry * a0)
{
	static dev_t (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (dev_t (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_rdevmajor");
	return fn(a0);
}

dev_t archive_entry_rdevminor(struct archive_entry * a0)
{
	static dev_t (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (dev_t (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_rdevminor");
	return fn(a0);
}

dev_t archive_entry_devmajor(struct archive_entry * a0)
{
	static dev_t (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (dev_t (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_devmajor");
	return fn(a0);
}

struct archive_entry * archive_entry_clear(struct archive_entry * a0)
{
	static struct archive_entry * (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (struct archive_entry * (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_clear");
	return fn(a0);
}

void archive_entry_copy_pathname(struct archive_entry * a0, const char * a1)
{
	static void (*fn)(struct archive_entry * a0, const char * a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, const char * a1))lazy_sym(&lib_archive, "archive_entry_copy_pathname");
	fn(a0, a1);
}

void archive_entry_set_uname(struct archive_entry * a0, const char * a1)
{
	static void (*fn)(struct archive_entry * a0, const char * a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, const char * a1))lazy_sym(&lib_archive, "archive_entry_set_uname");
	fn(a0, a1);
}

void archive_entry_set_gname(struct archive_entry * a0, const char * a1)
{
	static void (*fn)(struct archive_entry * a0, const char * a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, const char * a1))lazy_sym(&lib_archive, "archive_entry_set_gname");
	fn(a0, a1);
}

int archive_entry_xattr_count(struct archive_entry * a0)
{
	static int (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (int (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_xattr_count");
	return fn(a0);
}

void archive_entry_xattr_add_entry(struct archive_entry * a0, const char * a1, const void * a2, size_t a3)
{
	static void (*fn)(struct archive_entry * a0, const char * a1, const void * a2, size_t a3);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, const char * a1, const void * a2, size_t a3))lazy_sym(&lib_archive, "archive_entry_xattr_add_entry");
	fn(a0, a1, a2, a3);
}

void archive_entry_set_rdevmajor(struct archive_entry * a0, dev_t a1)
{
	static void (*fn)(struct archive_entry * a0, dev_t a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, dev_t a1))lazy_sym(&lib_archive, "archive_entry_set_rdevmajor");
	fn(a0, a1);
}

void archive_entry_set_rdevminor(struct archive_entry * a0, dev_t a1)
{
	static void (*fn)(struct archive_entry * a0, dev_t a1);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, dev_t a1))lazy_sym(&lib_archive, "archive_entry_set_rdevminor");
	fn(a0, a1);
}

int archive_write_add_filter_gzip(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_write_add_filter_gzip");
	return fn(a0);
}

int archive_write_add_filter_zstd(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_write_add_filter_zstd");
	return fn(a0);
}

int archive_write_add_filter_none(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_write_add_filter_none");
	return fn(a0);
}

int archive_write_set_format_ustar(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_write_set_format_ustar");
	return fn(a0);
}

int archive_write_set_format_gnutar(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_write_set_format_gnutar");
	return fn(a0);
}

int archive_write_set_format_pax(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_write_set_format_pax");
	return fn(a0);
}

int archive_write_open(struct archive * a0, void * a1, archive_open_callback * a2, archive_write_callback * a3, archive_close_callback * a4)
{
	static int (*fn)(struct archive * a0, void * a1, archive_open_callback * a2, archive_write_callback * a3, archive_close_callback * a4);

	if (!fn)
		fn = (int (*)(struct archive * a0, void * a1, archive_open_callback * a2, archive_write_callback * a3, archive_close_callback * a4))lazy_sym(&lib_archive, "archive_write_open");
	return fn(a0, a1, a2, a3, a4);
}

int archive_write_open_memory(struct archive * a0, void * a1, size_t a2, size_t * a3)
{
	static int (*fn)(struct archive * a0, void * a1, size_t a2, size_t * a3);

	if (!fn)
		fn = (int (*)(struct archive * a0, void * a1, size_t a2, size_t * a3))lazy_sym(&lib_archive, "archive_write_open_memory");
	return fn(a0, a1, a2, a3);
}

int archive_read_support_filter_none(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_read_support_filter_none");
	return fn(a0);
}

int archive_errno(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_errno");
	return fn(a0);
}

int archive_write_finish_entry(struct archive * a0)
{
	static int (*fn)(struct archive * a0);

	if (!fn)
		fn = (int (*)(struct archive * a0))lazy_sym(&lib_archive, "archive_write_finish_entry");
	return fn(a0);
}

int archive_entry_is_encrypted(struct archive_entry * a0)
{
	static int (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (int (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_is_encrypted");
	return fn(a0);
}

int archive_read_open_filename(struct archive * a0, const char * a1, size_t a2)
{
	static int (*fn)(struct archive * a0, const char * a1, size_t a2);

	if (!fn)
		fn = (int (*)(struct archive * a0, const char * a1, size_t a2))lazy_sym(&lib_archive, "archive_read_open_filename");
	return fn(a0, a1, a2);
}

int archive_write_set_bytes_per_block(struct archive * a0, int a1)
{
	static int (*fn)(struct archive * a0, int a1);

	if (!fn)
		fn = (int (*)(struct archive * a0, int a1))lazy_sym(&lib_archive, "archive_write_set_bytes_per_block");
	return fn(a0, a1);
}

const char * archive_entry_uname(struct archive_entry * a0)
{
	static const char * (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (const char * (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_uname");
	return fn(a0);
}

const char * archive_entry_gname(struct archive_entry * a0)
{
	static const char * (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (const char * (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_gname");
	return fn(a0);
}

void archive_entry_set_atime(struct archive_entry * a0, time_t a1, long a2)
{
	static void (*fn)(struct archive_entry * a0, time_t a1, long a2);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, time_t a1, long a2))lazy_sym(&lib_archive, "archive_entry_set_atime");
	fn(a0, a1, a2);
}

void archive_entry_set_ctime(struct archive_entry * a0, time_t a1, long a2)
{
	static void (*fn)(struct archive_entry * a0, time_t a1, long a2);

	if (!fn)
		fn = (void (*)(struct archive_entry * a0, time_t a1, long a2))lazy_sym(&lib_archive, "archive_entry_set_ctime");
	fn(a0, a1, a2);
}

time_t archive_entry_ctime(struct archive_entry * a0)
{
	static time_t (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (time_t (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_ctime");
	return fn(a0);
}

long archive_entry_ctime_nsec(struct archive_entry * a0)
{
	static long (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (long (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_ctime_nsec");
	return fn(a0);
}

const char * archive_entry_strmode(struct archive_entry * a0)
{
	static const char * (*fn)(struct archive_entry * a0);

	if (!fn)
		fn = (const char * (*)(struct archive_entry * a0))lazy_sym(&lib_archive, "archive_entry_strmode");
	return fn(a0);
}
