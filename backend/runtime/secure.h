/* secure.h - the process hardening every container and exec gets:
 * Docker's default capability set, no_new_privs, and a seccomp filter
 * equivalent to Docker's default profile. */
#ifndef TUG_SECURE_H
#define TUG_SECURE_H

#include <stdint.h>
#include "util/err.h"

/* Docker's default capabilities as a bitmask (CAP_CHOWN ... AUDIT_WRITE). */
uint64_t secure_default_caps(void);

/* Build (or reuse from cache_dir) the default seccomp program. Call it in
 * the parent before forking the container so the child only has to load
 * bytes. The compiled BPF is cached on disk keyed by the profile, the
 * libseccomp version and the architecture, because compiling Docker's
 * profile costs milliseconds that we do not want on every start. */
int secure_seccomp_prepare(const char *cache_dir, struct tug_err *err);

/* In the child, in this order, after all mounts and before exec:
 * drop the bounding set to caps, set permitted/effective/inheritable/
 * ambient, set no_new_privs, load the prepared seccomp program. Must be
 * async-signal-safe-ish: no malloc (it runs after clone). */
int secure_apply(uint64_t caps, int seccomp, struct tug_err *err);

#endif
