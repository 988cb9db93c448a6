/* secure-filter.c - the default seccomp profile compiled to BPF with
 * libseccomp, cached on disk so a container start only reads bytes.
 *
 * Cache file: cache_dir/seccomp-<key>.bpf = struct cache_hdr followed by
 * the instructions. The key hashes everything that shapes the program
 * (the evaluated rules, libseccomp's version, the architecture, the
 * caps), so a changed profile or library never reuses an old program;
 * the header's checksum catches a torn or corrupted file, which is then
 * rebuilt. Both are 64-bit FNV-1a, not sha256: they guard against
 * accidents (the file is root's, 0600, in a 0700 dir), and keeping
 * libcrypto off the start path keeps it from costing every start the
 * time to load it. */
#include "runtime/secure.h"
#include "runtime/seccomp-profile.h"
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define CACHE_MAGIC "TUGBPF02"
/* Bump when the file layout or the compile attributes change. */
#define CACHE_FORMAT "tug-seccomp-2 optimize=2"
#define MAX_INSNS 4096 /* BPF_MAXINSNS: the kernel refuses longer programs */

struct cache_hdr {
	char magic[8];
	uint32_t len;
	uint32_t pad;
	uint64_t key;
	uint64_t sum;
};

#define FNV_OFFSET 0xcbf29ce484222325ULL

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static unsigned compiles;

unsigned secure_filter_compiles(void)
{
	return compiles;
}

void secure_filter_release(struct secure_filter *f)
{
	free(f->insns);
	f->insns = NULL;
	f->len = 0;
}

/* What the profile's conditions are evaluated against. */
struct target {
	uint64_t caps;
	const struct sp_archmap *arch;
	int kmajor, kminor;
};

static int target_init(struct target *t, uint64_t caps, struct tug_err *err)
{
	uint32_t native = seccomp_arch_native();
	struct utsname u;

	t->caps = caps;
	t->arch = NULL;
	for (size_t i = 0; i < seccomp_archmap_len; i++)
		if (seccomp_archmap[i].native == native)
			t->arch = &seccomp_archmap[i];
	if (!t->arch)
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"seccomp: the default profile has no entry for this architecture (%#x)",
				native);
	t->kmajor = t->kminor = 0;
	if (uname(&u) == 0)
		sscanf(u.release, "%d.%d", &t->kmajor, &t->kminor);
	return 0;
}

static int rule_applies(const struct sp_rule *r, const struct target *t)
{
	uint32_t tag = t->arch->native_tag;

	if ((t->caps & r->caps_all) != r->caps_all)
		return 0;
	if (t->caps & r->caps_none)
		return 0;
	if (r->arch_only && !(r->arch_only & tag))
		return 0;
	if (r->arch_not & tag)
		return 0;
	if (r->min_kernel[0] && (t->kmajor < r->min_kernel[0] ||
				 (t->kmajor == r->min_kernel[0] && t->kminor < r->min_kernel[1])))
		return 0;
	return 1;
}

/* Key of the program these inputs produce. */
static uint64_t cache_key(const struct target *t)
{
	const struct scmp_version *v = seccomp_version();
	uint64_t h = FNV_OFFSET;
	char line[256];
	int n;

	n = snprintf(line, sizeof(line), "%s\nlibseccomp %u.%u.%u\narch %#x %#x %#x\ncaps %#llx\n"
		     "default errno %d\n", CACHE_FORMAT, v->major, v->minor, v->micro,
		     t->arch->native, t->arch->sub[0], t->arch->sub[1],
		     (unsigned long long)t->caps, seccomp_profile_default_errno);
	h = fnv1a(h, line, (size_t)n);
	for (size_t i = 0; i < seccomp_profile_len; i++) {
		const struct sp_rule *r = &seccomp_profile[i];
		if (!rule_applies(r, t))
			continue;
		n = snprintf(line, sizeof(line), "rule %d %u cmp %u %u %d %#llx %#llx:", r->action,
			     r->errno_ret, r->cmp.used, r->cmp.index, (int)r->cmp.op,
			     (unsigned long long)r->cmp.value, (unsigned long long)r->cmp.value2);
		h = fnv1a(h, line, (size_t)n);
		for (const char *const *p = r->names; *p; p++)
			h = fnv1a(h, *p, strlen(*p) + 1);
	}
	return h;
}

static int add_rules(scmp_filter_ctx ctx, const struct target *t, struct tug_err *err)
{
	for (size_t i = 0; i < seccomp_profile_len; i++) {
		const struct sp_rule *r = &seccomp_profile[i];
		struct scmp_arg_cmp cmp = {
			.arg = r->cmp.index, .op = r->cmp.op,
			.datum_a = r->cmp.value, .datum_b = r->cmp.value2,
		};
		uint32_t act = r->action == SP_ALLOW ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(r->errno_ret);

		if (!rule_applies(r, t))
			continue;
		for (const char *const *p = r->names; *p; p++) {
			int nr = seccomp_syscall_resolve_name(*p), rc;
			/* a syscall newer than this libseccomp: skipped, as
			 * Docker does (the kernel then sees the default) */
			if (nr == __NR_SCMP_ERROR)
				continue;
			rc = seccomp_rule_add_array(ctx, act, nr, r->cmp.used ? 1 : 0, &cmp);
			if (rc < 0) {
				errno = -rc;
				return tug_errno(err, "seccomp: add the rule for %s", *p);
			}
		}
	}
	return 0;
}

/* Export ctx's BPF into a malloc'd buffer (libseccomp 2.5 only writes to fds). */
static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **insns, unsigned short *len,
		      struct tug_err *err)
{
	struct stat st;
	ssize_t n;
	int fd, rc;

	fd = memfd_create("tug-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return tug_errno(err, "seccomp: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		errno = -rc;
		tug_errno(err, "seccomp: export the program");
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		tug_errno(err, "seccomp: stat the exported program");
		goto fail;
	}
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > MAX_INSNS) {
		tug_errf(err, TUG_E_GENERIC, "seccomp: libseccomp exported %lld bytes, not a program",
			 (long long)st.st_size);
		goto fail;
	}
	*insns = malloc((size_t)st.st_size);
	if (!*insns) {
		tug_errf(err, TUG_E_GENERIC, "seccomp: out of memory");
		goto fail;
	}
	n = pread(fd, *insns, (size_t)st.st_size, 0);
	if (n != st.st_size) {
		tug_errf(err, TUG_E_GENERIC, "seccomp: short read of the exported program");
		free(*insns);
		*insns = NULL;
		goto fail;
	}
	*len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

static int compile(const struct target *t, struct secure_filter *f, struct tug_err *err)
{
	scmp_filter_ctx ctx;
	int rc;

	ctx = seccomp_init(SCMP_ACT_ERRNO(seccomp_profile_default_errno));
	if (!ctx)
		return tug_errf(err, TUG_E_GENERIC, "seccomp: libseccomp cannot create a filter");
	/* a binary tree over syscall numbers instead of libseccomp's
	 * linear list: ~1.6x the compile time (paid once, then cached),
	 * and every syscall in the container skips ~100-200 ns of filter */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (int i = 0; i < 2 && rc == 0; i++)
		if (t->arch->sub[i] && (rc = seccomp_arch_add(ctx, t->arch->sub[i])) == -EEXIST)
			rc = 0;
	if (rc < 0) {
		errno = -rc;
		tug_errno(err, "seccomp: set up the filter for architecture %#x", t->arch->native);
	} else if (add_rules(ctx, t, err) < 0 || export_bpf(ctx, &f->insns, &f->len, err) < 0) {
		rc = -1;
	} else {
		compiles++;
	}
	seccomp_release(ctx);
	return rc < 0 ? -1 : 0;
}

/* Read path into f when it holds a valid program for key. */
static int cache_read(const char *path, uint64_t key, struct secure_filter *f)
{
	struct cache_hdr hdr;
	struct stat st;
	size_t bytes;
	int fd, ok = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	/* a program someone else could have written is no program of ours */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || st.st_size < (off_t)sizeof(hdr))
		goto out;
	if (read(fd, &hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr) ||
	    memcmp(hdr.magic, CACHE_MAGIC, sizeof(hdr.magic)) ||
	    hdr.key != key || !hdr.len || hdr.len > MAX_INSNS)
		goto out;
	bytes = (size_t)hdr.len * sizeof(struct sock_filter);
	if (st.st_size != (off_t)(sizeof(hdr) + bytes))
		goto out;
	f->insns = malloc(bytes);
	if (!f->insns || read(fd, f->insns, bytes) != (ssize_t)bytes)
		goto out;
	if (fnv1a(FNV_OFFSET, f->insns, bytes) != hdr.sum)
		goto out;
	f->len = (unsigned short)hdr.len;
	ok = 1;
out:
	if (!ok)
		secure_filter_release(f);
	close(fd);
	return ok;
}

static int cache_write(const char *path, uint64_t key, const struct secure_filter *f,
		       struct tug_err *err)
{
	size_t bytes = (size_t)f->len * sizeof(struct sock_filter);
	struct cache_hdr *hdr;
	int rc;

	hdr = calloc(1, sizeof(*hdr) + bytes);
	if (!hdr)
		return tug_errf(err, TUG_E_GENERIC, "seccomp: out of memory");
	memcpy(hdr->magic, CACHE_MAGIC, sizeof(hdr->magic));
	hdr->len = f->len;
	hdr->key = key;
	hdr->sum = fnv1a(FNV_OFFSET, f->insns, bytes);
	memcpy(hdr + 1, f->insns, bytes);
	rc = fs_write_atomic(path, hdr, sizeof(*hdr) + bytes, 0600, err);
	free(hdr);
	return rc;
}

int secure_filter_prepare(struct secure_filter *f, const char *cache_dir, uint64_t caps,
			  struct tug_err *err)
{
	struct target t;
	uint64_t key;

	memset(f, 0, sizeof(*f));
	f->caps = caps;
	if (target_init(&t, caps, err) < 0)
		return -1;
	key = cache_key(&t);
	if (snprintf(f->path, sizeof(f->path), "%s/seccomp-%016llx.bpf", cache_dir,
		     (unsigned long long)key) >=
	    (int)sizeof(f->path))
		return tug_errf(err, TUG_E_INVALID, "seccomp cache dir '%s': path too long", cache_dir);
	if (cache_read(f->path, key, f)) {
		f->from_cache = 1;
		return 0;
	}
	if (compile(&t, f, err) < 0)
		return -1;
	/* a cache we cannot write (read-only or full runroot) costs the
	 * next start a compile, not safety: the program in hand is good */
	struct tug_err ignored = { 0 };
	if (fs_mkdir_p(cache_dir, 0700, &ignored) == 0)
		cache_write(f->path, key, f, &ignored);
	return 0;
}
