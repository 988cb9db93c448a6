/* test-secure.c - capabilities, no_new_privs and the default seccomp
 * program: the program's decisions (read with a small BPF interpreter,
 * no root needed), the on-disk cache, and, as root, what a forked child
 * really ends with after secure_enter(). */
#include "t.h"
#include "runtime/secure.h"
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define DOCKER_CAPS 0x00000000a80425fbULL
#define CAPB(c) (1ULL << (c))
#define ALLOW SECCOMP_RET_ALLOW
#define EPERM_RET (SECCOMP_RET_ERRNO | EPERM)
#define ENOSYS_RET (SECCOMP_RET_ERRNO | ENOSYS)

/* ---- a classic BPF interpreter, enough for what libseccomp emits ---- */

static int bpf_run(const struct secure_filter *f, const struct seccomp_data *d, uint32_t *ret)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	const unsigned char *in = (const unsigned char *)d;

	for (unsigned pc = 0; pc < f->len; pc++) {
		const struct sock_filter *i = &f->insns[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (BPF_MODE(i->code) == BPF_ABS && BPF_SIZE(i->code) == BPF_W &&
			    i->k + 4 <= sizeof(*d))
				memcpy(&a, in + i->k, 4);
			else if (BPF_MODE(i->code) == BPF_IMM)
				a = i->k;
			else if (BPF_MODE(i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
				a = mem[i->k];
			else
				return -1;
			break;
		case BPF_LDX:
			if (BPF_MODE(i->code) == BPF_IMM)
				x = i->k;
			else if (BPF_MODE(i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
				x = mem[i->k];
			else
				return -1;
			break;
		case BPF_ST:
		case BPF_STX:
			if (i->k >= BPF_MEMWORDS)
				return -1;
			mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			switch (BPF_OP(i->code)) {
			case BPF_AND: a &= src; break;
			case BPF_OR: a |= src; break;
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_RSH: a >>= src; break;
			case BPF_LSH: a <<= src; break;
			default: return -1;
			}
			break;
		case BPF_JMP: {
			int t;
			switch (BPF_OP(i->code)) {
			case BPF_JA: pc += i->k; continue;
			case BPF_JEQ: t = a == src; break;
			case BPF_JGT: t = a > src; break;
			case BPF_JGE: t = a >= src; break;
			case BPF_JSET: t = (a & src) != 0; break;
			default: return -1;
			}
			pc += t ? i->jt : i->jf;
			break;
		}
		case BPF_RET:
			*ret = BPF_RVAL(i->code) == BPF_A ? a : i->k;
			return 0;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			return -1;
		}
	}
	return -1; /* fell off the end: not a valid program */
}

static uint32_t decide(const struct secure_filter *f, uint32_t arch, int nr, uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = { .nr = nr, .arch = arch, .args = { a0, a1 } };
	uint32_t ret = 0xdeadbeef;

	if (bpf_run(f, &d, &ret) < 0)
		return 0xdeadbeef;
	return ret;
}

static void check_program(const struct secure_filter *def, const struct secure_filter *admin,
			  const struct secure_filter *ptrace)
{
#if defined(__x86_64__)
	const uint32_t X64 = AUDIT_ARCH_X86_64, I386 = AUDIT_ARCH_I386;
	const int X32 = 0x40000000; /* __X32_SYSCALL_BIT */

	T_OK(decide(def, X64, 0, 0, 0) == ALLOW, "x86_64 read is allowed");
	T_OK(decide(def, X64, 59, 0, 0) == ALLOW, "x86_64 execve is allowed");
	T_OK(decide(def, X64, 158, 0, 0) == ALLOW, "x86_64 arch_prctl is allowed (amd64 only rule)");
	T_OK(decide(def, X64, 161, 0, 0) == ALLOW, "chroot is allowed: CAP_SYS_CHROOT is a default cap");
	T_OK(decide(def, X64, 250, 0, 0) == EPERM_RET, "keyctl is denied with EPERM");
	T_OK(decide(def, X64, 248, 0, 0) == EPERM_RET, "add_key is denied with EPERM");
	T_OK(decide(def, X64, 165, 0, 0) == EPERM_RET, "mount is denied without CAP_SYS_ADMIN");
	T_OK(decide(def, X64, 272, 0, 0) == EPERM_RET, "unshare is denied without CAP_SYS_ADMIN");
	T_OK(decide(def, X64, 169, 0, 0) == EPERM_RET, "reboot is denied without CAP_SYS_BOOT");
	T_OK(decide(def, X64, 425, 0, 0) == EPERM_RET, "io_uring_setup is denied (moby#46762)");
	T_OK(decide(def, X64, 321, 0, 0) == EPERM_RET, "bpf is denied without CAP_SYS_ADMIN/CAP_BPF");
	T_OK(decide(def, X64, 312, 0, 0) == EPERM_RET, "kcmp is denied without CAP_SYS_PTRACE");
	T_OK(decide(def, X64, 101, 0, 0) == ALLOW, "ptrace is allowed on kernels >= 4.8");
	T_OK(decide(def, X64, 56, SIGCHLD, 0) == ALLOW, "clone without namespace flags is allowed");
	T_OK(decide(def, X64, 56, CLONE_NEWUSER | SIGCHLD, 0) == EPERM_RET,
	     "clone with CLONE_NEWUSER is denied");
	T_OK(decide(def, X64, 56, CLONE_NEWNET | CLONE_THREAD, 0) == EPERM_RET,
	     "clone with CLONE_NEWNET is denied");
	T_OK(decide(def, X64, 435, 0, 0) == ENOSYS_RET, "clone3 gets ENOSYS so libc falls back");
	T_OK(decide(def, X64, 135, 0, 0) == ALLOW, "personality(PER_LINUX) is allowed");
	T_OK(decide(def, X64, 135, 0xffffffff, 0) == ALLOW, "personality query is allowed");
	T_OK(decide(def, X64, 135, ADDR_NO_RANDOMIZE, 0) == EPERM_RET,
	     "personality(ADDR_NO_RANDOMIZE) is denied");
	T_OK(decide(def, X64, 41, AF_UNIX, SOCK_STREAM) == ALLOW, "socket(AF_UNIX) is allowed");
	T_OK(decide(def, X64, 41, AF_VSOCK, SOCK_STREAM) == EPERM_RET, "socket(AF_VSOCK) is denied");
	T_OK(decide(def, X64, 1000, 0, 0) == EPERM_RET, "an unknown syscall number gets EPERM");
	T_OK(decide(def, I386, 20, 0, 0) == ALLOW, "i386 getpid is allowed");
	T_OK(decide(def, I386, 212, 0, 0) == ALLOW, "i386 chown32 is allowed");
	T_OK(decide(def, I386, 102, 1, 0) == ALLOW, "i386 socketcall is allowed");
	T_OK(decide(def, I386, 288, 0, 0) == EPERM_RET, "i386 keyctl is denied");
	T_OK(decide(def, X64, 39 | X32, 0, 0) == ALLOW, "x32 getpid is allowed");
	T_OK(decide(def, X64, 250 | X32, 0, 0) == EPERM_RET, "x32 keyctl is denied");
	T_OK(decide(def, AUDIT_ARCH_AARCH64, 172, 0, 0) != ALLOW,
	     "a syscall from an architecture outside the filter is not allowed");

	T_OK(decide(admin, X64, 272, 0, 0) == ALLOW, "with CAP_SYS_ADMIN unshare is allowed");
	T_OK(decide(admin, X64, 165, 0, 0) == ALLOW, "with CAP_SYS_ADMIN mount is allowed");
	T_OK(decide(admin, X64, 56, CLONE_NEWUSER | SIGCHLD, 0) == ALLOW,
	     "with CAP_SYS_ADMIN clone may create namespaces");
	T_OK(decide(admin, X64, 435, 0, 0) == ALLOW, "with CAP_SYS_ADMIN clone3 is allowed");
	T_OK(decide(admin, X64, 250, 0, 0) == EPERM_RET, "with CAP_SYS_ADMIN keyctl is still denied");
	T_OK(decide(ptrace, X64, 312, 0, 0) == ALLOW, "with CAP_SYS_PTRACE kcmp is allowed");
	T_OK(decide(ptrace, X64, 272, 0, 0) == EPERM_RET, "with CAP_SYS_PTRACE unshare is still denied");
#else
	(void)def; (void)admin; (void)ptrace;
	T_SKIP("x86_64 only", "program decisions (syscall numbers are per architecture)");
#endif
}

/* ---- the cache ---- */

static off_t file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) < 0 ? -1 : st.st_size;
}

static int flip_byte(const char *path, off_t at)
{
	int fd = open(path, O_RDWR);
	unsigned char c;
	int ok = fd >= 0 && pread(fd, &c, 1, at) == 1;

	c ^= 0x5a;
	ok = ok && pwrite(fd, &c, 1, at) == 1;
	if (fd >= 0)
		close(fd);
	return ok;
}

static int same_program(const struct secure_filter *a, const struct secure_filter *b)
{
	return a->len && a->len == b->len &&
	       !memcmp(a->insns, b->insns, a->len * sizeof(struct sock_filter));
}

/* T_OK evaluates its condition twice: every call with an effect is made
 * before the check. */
static void check_cache(const char *dir)
{
	struct tug_err err = { 0 };
	struct secure_filter f1, f2, f3, other;
	unsigned c0 = secure_filter_compiles();
	struct stat st;
	off_t size;
	int rc, rc2, ok;

	rc = secure_filter_prepare(&f1, dir, DOCKER_CAPS, &err);
	T_OK(rc == 0, "prepare compiles: %s", err.msg);
	T_OK(!f1.from_cache && secure_filter_compiles() == c0 + 1, "an empty cache means one compile");
	T_OK(stat(f1.path, &st) == 0 && (st.st_mode & 0777) == 0600, "the program is cached 0600 in %s",
	     dir);
	rc = secure_filter_prepare(&f2, dir, DOCKER_CAPS, &err);
	T_OK(rc == 0 && f2.from_cache, "the second prepare reads the cache");
	T_OK(secure_filter_compiles() == c0 + 1, "the second prepare does not recompile");
	T_OK(same_program(&f1, &f2), "the cached program is the compiled one, byte for byte");
	secure_filter_release(&f2);

	size = file_size(f1.path);
	ok = flip_byte(f1.path, size - 3);
	T_OK(ok, "corrupt one byte of the cached instructions");
	rc = secure_filter_prepare(&f2, dir, DOCKER_CAPS, &err);
	T_OK(rc == 0 && !f2.from_cache && secure_filter_compiles() == c0 + 2,
	     "a corrupted cache file is detected and recompiled");
	T_OK(same_program(&f1, &f2), "the rebuilt program equals the original");
	rc = secure_filter_prepare(&f3, dir, DOCKER_CAPS, &err);
	T_OK(rc == 0 && f3.from_cache, "the rebuilt file is reused");
	secure_filter_release(&f2);
	secure_filter_release(&f3);

	rc = truncate(f1.path, size / 2);
	rc2 = secure_filter_prepare(&f2, dir, DOCKER_CAPS, &err);
	T_OK(rc == 0 && rc2 == 0 && !f2.from_cache && same_program(&f1, &f2),
	     "a truncated cache file is rebuilt");
	secure_filter_release(&f2);

	ok = flip_byte(f1.path, 20);
	rc = secure_filter_prepare(&f2, dir, DOCKER_CAPS, &err);
	T_OK(ok && rc == 0 && !f2.from_cache, "a header for another key is not trusted");
	secure_filter_release(&f2);

	rc = chmod(f1.path, 0666);
	rc2 = secure_filter_prepare(&f2, dir, DOCKER_CAPS, &err);
	T_OK(rc == 0 && rc2 == 0 && !f2.from_cache,
	     "a cache file others could have written is not trusted");
	T_OK(stat(f1.path, &st) == 0 && (st.st_mode & 0777) == 0600, "and is replaced by a 0600 one");
	secure_filter_release(&f2);

	rc = secure_filter_prepare(&other, dir, DOCKER_CAPS | CAPB(CAP_SYS_ADMIN), &err);
	T_OK(rc == 0 && strcmp(other.path, f1.path) && !other.from_cache && !same_program(&f1, &other),
	     "other caps get their own cache file and program");
	secure_filter_release(&other);

	rc = secure_filter_prepare(&f2, "/proc/tug-no-such-dir/cache", DOCKER_CAPS, &err);
	T_OK(rc == 0 && !f2.from_cache && same_program(&f1, &f2),
	     "an unwritable cache dir still yields the program");
	secure_filter_release(&f2);
	secure_filter_release(&f1);
	secure_filter_release(&f1); /* releasing twice is harmless */
}

/* ---- as root: what a child really ends with ---- */

struct result {
	int enter_rc;
	char msg[256];
	char eff[32], prm[32], bnd[32], inh[32], amb[32];
	int nnp, seccomp;
	int e_keyctl, e_add_key, e_unshare0, e_unshare_ns, e_clone_user, e_clone3;
	int e_pers_bad, e_vsock, e_mount;
	int pers_query_ok, unix_ok, fork_ok, getpid_ok;
	unsigned uid, gid, group0;
	int ngroups;
};

static void status_field(const char *name, char *out, size_t size)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t n = strlen(name);

	snprintf(out, size, "?");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, n) && line[n] == ':') {
			char *v = line + n + 1;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, size, "%s", v);
		}
	}
	if (f)
		fclose(f);
}

/* errno of a call that should fail; 0 when it succeeded */
#define ERRNO_OF(call) ((call) < 0 ? errno : 0)

/* A raw clone that forks when the filter lets it: the copy exits at once. */
static int clone_errno(long nr, void *a0, long a1)
{
	long r = syscall(nr, a0, a1, 0, 0, 0);
	if (r == 0)
		_exit(0);
	if (r > 0) {
		waitpid((pid_t)r, NULL, 0);
		return 0;
	}
	return errno;
}

/* o NULL: the short form, secure_apply(apply_caps, 1) */
static void probe(struct result *r, const struct secure_opts *o, uint64_t apply_caps)
{
	struct tug_err err = { 0 };
	uint64_t clone3_args[8] = { 0 };
	char buf[32];
	gid_t groups[4];
	pid_t p;
	int fd;

	r->enter_rc = o ? secure_enter(o, &err) : secure_apply(apply_caps, 1, &err);
	snprintf(r->msg, sizeof(r->msg), "%s", err.msg);
	if (r->enter_rc < 0)
		return;
	status_field("CapEff", r->eff, sizeof(r->eff));
	status_field("CapPrm", r->prm, sizeof(r->prm));
	status_field("CapBnd", r->bnd, sizeof(r->bnd));
	status_field("CapInh", r->inh, sizeof(r->inh));
	status_field("CapAmb", r->amb, sizeof(r->amb));
	status_field("NoNewPrivs", buf, sizeof(buf));
	r->nnp = atoi(buf);
	status_field("Seccomp", buf, sizeof(buf));
	r->seccomp = atoi(buf);
	r->getpid_ok = getpid() > 0;
	r->uid = (unsigned)getuid();
	r->gid = (unsigned)getgid();
	r->ngroups = getgroups(4, groups);
	r->group0 = r->ngroups > 0 ? (unsigned)groups[0] : 0;
	/* probes chosen to be harmless if the filter were missing */
	r->e_keyctl = ERRNO_OF(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0));
	r->e_add_key = ERRNO_OF(syscall(SYS_add_key, NULL, NULL, NULL, 0, 0));
	r->e_unshare0 = ERRNO_OF(unshare(0));
	r->e_unshare_ns = ERRNO_OF(unshare(CLONE_NEWNS));
	r->e_clone_user = clone_errno(SYS_clone, (void *)(long)(CLONE_NEWUSER | SIGCHLD), 0);
	clone3_args[4] = SIGCHLD; /* exit_signal */
	r->e_clone3 = clone_errno(SYS_clone3, clone3_args, sizeof(clone3_args));
	r->e_pers_bad = ERRNO_OF(personality(ADDR_NO_RANDOMIZE));
	r->pers_query_ok = personality(0xffffffff) >= 0;
	fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	r->e_vsock = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	r->unix_ok = fd >= 0;
	if (fd >= 0)
		close(fd);
	r->e_mount = ERRNO_OF(mount("none", "/proc/tug-no-such-dir", "tmpfs", 0, NULL));
	p = fork();
	if (p == 0)
		_exit(7);
	if (p > 0) {
		int st = 0;
		waitpid(p, &st, 0);
		r->fork_ok = WIFEXITED(st) && WEXITSTATUS(st) == 7;
	}
}

static struct result *run_child_as(struct result *r, const struct secure_opts *o,
				   uint64_t apply_caps)
{
	pid_t p;
	int st = 0;

	memset(r, 0, sizeof(*r));
	r->enter_rc = -99;
	fflush(stdout);
	p = fork();
	if (p == 0) {
		probe(r, o, apply_caps);
		_exit(0);
	}
	if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st))
		r->enter_rc = -98;
	return r;
}

static struct result *run_child(struct result *r, const struct secure_opts *o)
{
	return run_child_as(r, o, 0);
}

static void hex_caps(uint64_t caps, char *out, size_t size)
{
	snprintf(out, size, "%016llx", (unsigned long long)caps);
}

/* secure_seccomp_prepare + secure_apply: the default program in a
 * process-wide slot, for root with ids unchanged. */
static void check_short_form(struct result *r, const char *dir)
{
	struct tug_err err = { 0 };
	char docker[32];
	int rc;

	hex_caps(DOCKER_CAPS, docker, sizeof(docker));
	run_child_as(r, NULL, DOCKER_CAPS);
	T_OK(r->enter_rc == -1 && strstr(r->msg, "no program"),
	     "secure_apply before secure_seccomp_prepare is refused: %s", r->msg);
	rc = secure_seccomp_prepare(dir, &err);
	T_OK(rc == 0, "secure_seccomp_prepare: %s", err.msg);
	run_child_as(r, NULL, DOCKER_CAPS);
	T_OK(r->enter_rc == 0, "secure_apply succeeds: %s", r->msg);
	T_STREQ(r->eff, docker, "secure_apply: CapEff is Docker's set");
	T_STREQ(r->bnd, docker, "secure_apply: CapBnd is Docker's set");
	T_OK(r->nnp == 1 && r->seccomp == 2 && r->e_keyctl == EPERM && r->fork_ok,
	     "secure_apply: no_new_privs, the filter, keyctl denied, fork allowed");
	run_child_as(r, NULL, DOCKER_CAPS | CAPB(CAP_SYS_ADMIN));
	T_OK(r->enter_rc == -1 && strstr(r->msg, "prepared for caps"),
	     "secure_apply with caps the program was not made for is refused: %s", r->msg);
}

static void check_children(struct result *r, const struct secure_filter *def,
			   const struct secure_filter *admin)
{
	struct tug_err err = { 0 };
	struct secure_opts o;
	char docker[32], with_admin[32];
	gid_t nogroup = 65534;

	hex_caps(DOCKER_CAPS, docker, sizeof(docker));
	hex_caps(DOCKER_CAPS | CAPB(CAP_SYS_ADMIN), with_admin, sizeof(with_admin));
	int rc = secure_opts_init(&o, &err);
	T_OK(rc == 0 && o.caps == DOCKER_CAPS && o.no_new_privs,
	     "secure_opts_init gives Docker's caps and no_new_privs: %s", err.msg);

	/* root with Docker's defaults */
	o.seccomp = def;
	run_child(r, &o);
	T_OK(r->enter_rc == 0, "secure_enter as root succeeds: %s", r->msg);
	T_STREQ(r->eff, docker, "root: CapEff is Docker's set");
	T_STREQ(r->prm, docker, "root: CapPrm is Docker's set");
	T_STREQ(r->bnd, docker, "root: CapBnd is Docker's set");
	T_STREQ(r->inh, "0000000000000000", "root: CapInh is empty");
	T_STREQ(r->amb, "0000000000000000", "root: CapAmb is empty");
	T_OK(r->nnp == 1, "NoNewPrivs is 1");
	T_OK(r->seccomp == 2, "Seccomp is 2 (filter mode)");
	T_OK(r->getpid_ok && r->unix_ok && r->pers_query_ok, "allowed syscalls work");
	T_OK(r->fork_ok, "fork (clone without namespace flags) works");
	T_OK(r->e_keyctl == EPERM, "keyctl fails with EPERM (got %d)", r->e_keyctl);
	T_OK(r->e_add_key == EPERM, "add_key fails with EPERM (got %d)", r->e_add_key);
	T_OK(r->e_unshare0 == EPERM, "unshare(0) fails with EPERM: the filter, not the caps (got %d)",
	     r->e_unshare0);
	T_OK(r->e_unshare_ns == EPERM, "unshare(CLONE_NEWNS) fails with EPERM (got %d)", r->e_unshare_ns);
	T_OK(r->e_clone_user == EPERM, "clone(CLONE_NEWUSER) fails with EPERM (got %d)",
	     r->e_clone_user);
	T_OK(r->e_clone3 == ENOSYS, "clone3 fails with ENOSYS (got %d)", r->e_clone3);
	T_OK(r->e_pers_bad == EPERM, "personality(ADDR_NO_RANDOMIZE) fails with EPERM (got %d)",
	     r->e_pers_bad);
	T_OK(r->e_vsock == EPERM, "socket(AF_VSOCK) fails with EPERM (got %d)", r->e_vsock);
	T_OK(r->e_mount == EPERM, "mount fails with EPERM (got %d)", r->e_mount);

	/* a non-root user: no effective caps, Docker's bounding set stays */
	o.set_ids = 1;
	o.uid = 65534;
	o.gid = 65534;
	o.groups = &nogroup;
	o.ngroups = 1;
	run_child(r, &o);
	T_OK(r->enter_rc == 0, "secure_enter as uid 65534 succeeds: %s", r->msg);
	T_OK(r->uid == 65534 && r->gid == 65534, "uid and gid are 65534");
	T_OK(r->ngroups == 1 && r->group0 == 65534, "supplementary groups are exactly {65534}");
	T_STREQ(r->eff, "0000000000000000", "non-root: CapEff is empty");
	T_STREQ(r->prm, "0000000000000000", "non-root: CapPrm is empty");
	T_STREQ(r->bnd, docker, "non-root: CapBnd is still Docker's set");
	T_STREQ(r->inh, "0000000000000000", "non-root: CapInh is empty");
	T_STREQ(r->amb, "0000000000000000", "non-root: CapAmb is empty");
	T_OK(r->nnp == 1 && r->seccomp == 2, "non-root: no_new_privs and the filter are on");
	T_OK(r->e_keyctl == EPERM && r->fork_ok, "non-root: keyctl denied, fork allowed");

	/* CAP_SYS_ADMIN added: the capability-conditional rules follow */
	o.set_ids = 0;
	o.caps = DOCKER_CAPS | CAPB(CAP_SYS_ADMIN);
	o.seccomp = admin;
	run_child(r, &o);
	T_OK(r->enter_rc == 0, "secure_enter with CAP_SYS_ADMIN succeeds: %s", r->msg);
	T_STREQ(r->eff, with_admin, "CapEff has CAP_SYS_ADMIN");
	T_OK(r->e_unshare0 == 0, "with CAP_SYS_ADMIN unshare(0) is allowed (got %d)", r->e_unshare0);
	T_OK(r->e_clone3 == 0, "with CAP_SYS_ADMIN clone3 is allowed (got %d)", r->e_clone3);
	T_OK(r->e_keyctl == EPERM, "with CAP_SYS_ADMIN keyctl is still denied");

	/* without no_new_privs the filter goes in first, while we may */
	o.caps = DOCKER_CAPS;
	o.seccomp = def;
	o.no_new_privs = 0;
	run_child(r, &o);
	T_OK(r->enter_rc == 0, "secure_enter without no_new_privs succeeds: %s", r->msg);
	T_OK(r->nnp == 0 && r->seccomp == 2, "NoNewPrivs 0, Seccomp 2");
	T_STREQ(r->eff, docker, "CapEff is Docker's set without no_new_privs too");
	T_OK(r->e_keyctl == EPERM, "keyctl is denied without no_new_privs too");

	/* a filter that was never prepared is an error, not an open door */
	struct secure_filter none = { 0 };
	o.no_new_privs = 1;
	o.seccomp = &none;
	run_child(r, &o);
	T_OK(r->enter_rc == -1 && strstr(r->msg, "no program"),
	     "an unprepared filter is refused: %s", r->msg);
}

int main(void)
{
	char dir[] = "/tmp/tug-test-secure.XXXXXX";
	struct tug_err err = { 0 };
	struct secure_filter def, admin, ptrace;
	struct result *r;
	char buf[32];
	int last, ok;

	T_OK(secure_default_caps() == DOCKER_CAPS, "Docker's default caps are 0x%llx",
	     (unsigned long long)secure_default_caps());
	last = secure_cap_last(&err);
	ok = fs_read_small("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) > 0;
	T_OK(ok && last == atoi(buf),
	     "secure_cap_last reads the kernel's last cap (%d)", last);

	if (!mkdtemp(dir)) {
		T_OK(0, "mkdtemp %s", dir);
		return T_DONE();
	}
	check_cache(dir);
	if (secure_filter_prepare(&def, dir, DOCKER_CAPS, &err) < 0 ||
	    secure_filter_prepare(&admin, dir, DOCKER_CAPS | CAPB(CAP_SYS_ADMIN), &err) < 0 ||
	    secure_filter_prepare(&ptrace, dir, DOCKER_CAPS | CAPB(CAP_SYS_PTRACE), &err) < 0) {
		T_OK(0, "prepare the programs: %s", err.msg);
		fs_rm_rf(dir, &err);
		return T_DONE();
	}
	check_program(&def, &admin, &ptrace);

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (geteuid() != 0) {
		T_SKIP("needs root", "capabilities, no_new_privs and the filter in a child");
	} else if (r == MAP_FAILED) {
		T_OK(0, "mmap a shared result page");
	} else {
		check_children(r, &def, &admin);
		check_short_form(r, dir);
	}
	secure_filter_release(&def);
	secure_filter_release(&admin);
	secure_filter_release(&ptrace);
	ok = fs_rm_rf(dir, &err) == 0;
	T_OK(ok, "remove the cache dir: %s", err.msg);
	return T_DONE();
}
