/* image-layer.h - read one layer stream (a tar, plain or gzip/zstd/bzip2/xz
 * compressed): digest it, keep it as a blob, and unpack it safely into a
 * directory in overlayfs form.
 *
 * Safety rules of the unpacker (docker's, with libarchive's SECURE_*
 * spirit where docker relies on a chroot):
 *  - entry names are cleaned lexically; a leading '/' is dropped, a name
 *    whose ".." climbs above the layer root is refused;
 *  - nothing is ever created through a symbolic link: every parent is
 *    opened component by component with O_NOFOLLOW, and an entry whose
 *    parent is a symlink is refused;
 *  - relative symlink targets that climb above the layer root are refused
 *    (absolute targets are kept: they resolve inside the container);
 *  - hard link targets must name an existing file of this layer;
 *  - character and block devices and sockets are left out (containers get
 *    a fresh /dev); FIFOs are kept;
 *  - trusted.overlay.* / user.overlay.* xattrs from the archive are
 *    dropped (they would steer overlayfs);
 *  - whiteouts become overlayfs ones: ".wh.NAME" -> char device 0/0 NAME,
 *    ".wh..wh..opq" -> xattr trusted.overlay.opaque=y on its directory.
 * Modes, owners (when running as root), mtimes, xattrs and hard links
 * inside the layer are kept.
 */
#ifndef TUG_IMAGE_LAYER_H
#define TUG_IMAGE_LAYER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "util/digest.h"
#include "util/err.h"

#define MT_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"
#define MT_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"

struct layer_in {
	int fd;                /* the stream, read to its end */
	/* or, when set, a reader used instead of fd: up to len bytes into
	   buf, 0 at the end, -1 with errno set (a download still arriving) */
	ssize_t (*read)(void *ctx, void *buf, size_t len);
	void *read_ctx;
	/* with `read`: the caller digests the raw bytes itself (a download
	   thread, in parallel with the unpacking) and has written their
	   "sha256:<hex>" here by the time read returns 0; NULL = digest here */
	const char *raw_digest;
	const char *dest;      /* directory to create and unpack into; NULL = digest only */
	const char *blob_path; /* file to create with the blob to keep; NULL = none */
	int fd_is_blob;        /* the input is a file the caller keeps as the blob when
				  it is a valid OCI layer (plain, gzip, zstd): blob_path
				  is then left alone */
};

struct layer_out {
	char diff_id[DIGEST_STR_LEN + 1];     /* sha256 of the uncompressed tar */
	int64_t tar_size;                     /* its length */
	char blob_digest[DIGEST_STR_LEN + 1]; /* the blob to keep: the input as given
						 when plain/gzip/zstd, else the tar */
	int64_t blob_size;
	const char *media_type;               /* MT_LAYER_* of the blob */
	int blob_written;                     /* blob_path holds the blob */
	int64_t size;                         /* bytes of files unpacked */
	long skipped;                         /* device nodes and sockets left out */
};

/* Clean an archive member name lexically into out (size bytes): no
 * leading '/', no "." or empty components, ".." resolved. -1 when the
 * name climbs above the archive root or does not fit. */
int layer_clean_path(const char *in, char *out, size_t size);

/* Read the input (in->fd or in->read) to its end. Fails on I/O errors,
 * input that is not a tar, and unsafe entries (the message names the entry); on failure dest and
 * blob_path may hold partial content the caller removes. */
int layer_read(const struct layer_in *in, struct layer_out *out, struct tug_err *err);

#endif
