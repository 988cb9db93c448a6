/* seccomp-profile.h - the default seccomp profile as data: the shape of
 * its rules, read by secure.c (which compiles them with libseccomp).
 *
 * The profile mirrors Docker's default (moby profiles/seccomp/default.json):
 * default action ERRNO(EPERM), an allowlist, rules conditional on syscall
 * arguments, on the container's capabilities, on the native architecture
 * and on the kernel version. Conditions follow moby's semantics: every cap
 * in caps_all must be held, no cap in caps_none may be held, the native
 * arch must be in arch_only (when set) and not in arch_not. */
#ifndef TUG_SECCOMP_PROFILE_H
#define TUG_SECCOMP_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include <seccomp.h>

/* Native architectures, as the profile's "arches" conditions name them. */
enum sp_arch {
	SP_AMD64 = 1u << 0,
	SP_X86 = 1u << 1,
	SP_X32 = 1u << 2,
	SP_ARM = 1u << 3,
	SP_ARM64 = 1u << 4,
	SP_PPC64LE = 1u << 5,
	SP_S390 = 1u << 6,
	SP_S390X = 1u << 7,
	SP_RISCV64 = 1u << 8,
	SP_MIPS = 1u << 9,
};

enum sp_action { SP_ALLOW, SP_ERRNO };

/* One argument comparison: arg[index] OP value (MASKED_EQ: arg & value == value2). */
struct sp_cmp {
	uint8_t used;
	uint8_t index;
	enum scmp_compare op;
	uint64_t value, value2;
};

struct sp_rule {
	const char *const *names;    /* NULL-terminated */
	enum sp_action action;
	uint16_t errno_ret;          /* for SP_ERRNO */
	struct sp_cmp cmp;
	uint64_t caps_all;           /* CAP_* bits the container must hold */
	uint64_t caps_none;          /* CAP_* bits that disable the rule */
	uint32_t arch_only, arch_not;
	uint8_t min_kernel[2];       /* {major, minor}; {0,0} = any */
};

/* Native architecture and the others the filter also covers (a 64-bit
 * kernel runs 32-bit binaries: their syscall numbers differ). */
struct sp_archmap {
	uint32_t native;             /* SCMP_ARCH_* */
	uint32_t native_tag;         /* enum sp_arch for rule conditions */
	uint32_t sub[2];             /* SCMP_ARCH_*, 0 = none */
};

extern const struct sp_rule seccomp_profile[];
extern const size_t seccomp_profile_len;
extern const struct sp_archmap seccomp_archmap[];
extern const size_t seccomp_archmap_len;
/* errno of the default action for anything the profile does not allow */
extern const int seccomp_profile_default_errno;

#endif
