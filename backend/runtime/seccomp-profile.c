/* seccomp-profile.c - Docker's default seccomp profile, written as data.
 *
 * Source: moby profiles/seccomp/default.json (2023 layout: socket with
 * AF_VSOCK refused, name_to_handle_at allowed, CAP_BPF/CAP_PERFMON
 * groups), with moby's later changes: io_uring_* removed (moby#46762),
 * the kernel 5.17-6.7 syscalls added (moby#47341) and the 6.8-6.13 ones
 * (moby#50077). Names the installed libseccomp does not know are skipped
 * when compiling, as Docker does. Any edit here changes the cache key
 * (secure.c hashes the evaluated rules), so stale programs are never
 * reused. */
#include "runtime/seccomp-profile.h"

#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/socket.h>

#define CAP(c) (1ULL << (c))

const int seccomp_profile_default_errno = EPERM;

static const char *const allow_always[] = {
	"accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk",
	"cachestat", "capget", "capset", "chdir", "chmod", "chown", "chown32",
	"clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
	"clock_gettime", "clock_gettime64", "clock_nanosleep",
	"clock_nanosleep_time64", "close", "close_range", "connect",
	"copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create",
	"epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
	"epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
	"execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2",
	"fadvise64", "fadvise64_64", "fallocate", "fanotify_mark", "fchdir",
	"fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat",
	"fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock",
	"fork", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64",
	"fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex",
	"futex_requeue", "futex_time64", "futex_wait", "futex_waitv",
	"futex_wake", "futimesat", "getcpu", "getcwd", "getdents", "getdents64",
	"getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32",
	"getgroups", "getgroups32", "getitimer", "getpeername", "getpgid",
	"getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
	"getresgid32", "getresuid", "getresuid32", "getrlimit",
	"get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt",
	"get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32",
	"getxattr", "getxattrat", "inotify_add_watch", "inotify_init",
	"inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy",
	"io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get",
	"ioprio_set", "io_setup", "io_submit", "ipc", "kill",
	"landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self",
	"lchown", "lchown32", "lgetxattr", "link", "linkat", "listen",
	"listmount", "listxattr", "listxattrat", "llistxattr", "_llseek",
	"lremovexattr", "lseek", "lsetxattr", "lsm_get_self_attr",
	"lsm_list_modules", "lsm_set_self_attr", "lstat", "lstat64", "madvise",
	"map_shadow_stack", "membarrier", "memfd_create", "memfd_secret",
	"mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2",
	"mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify",
	"mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend",
	"mq_timedsend_time64", "mq_unlink", "mremap", "mseal", "msgctl",
	"msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap",
	"name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open",
	"openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe",
	"pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll",
	"ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
	"process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev",
	"pwritev2", "read", "readahead", "readlink", "readlinkat", "readv",
	"recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
	"remap_file_pages", "removexattr", "removexattrat", "rename", "renameat",
	"renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction",
	"rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn",
	"rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
	"rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr",
	"sched_getparam", "sched_get_priority_max", "sched_get_priority_min",
	"sched_getscheduler", "sched_rr_get_interval",
	"sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr",
	"sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
	"select", "semctl", "semget", "semop", "semtimedop",
	"semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg",
	"sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32",
	"setgid", "setgid32", "setgroups", "setgroups32", "setitimer", "setpgid",
	"setpriority", "setregid", "setregid32", "setresgid", "setresgid32",
	"setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
	"set_robust_list", "setsid", "setsockopt", "set_thread_area",
	"set_tid_address", "setuid", "setuid32", "setxattr", "setxattrat",
	"shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack",
	"signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall",
	"socketpair", "splice", "stat", "stat64", "statfs", "statfs64",
	"statmount", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
	"syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create",
	"timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64",
	"timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
	"timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times",
	"tkill", "truncate", "truncate64", "ugetrlimit", "umask", "uname",
	"unlink", "unlinkat", "uretprobe", "utime", "utimensat",
	"utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid",
	"waitpid", "write", "writev", NULL
};

/* ptrace is harmless from 4.8 on: earlier kernels let it bypass seccomp. */
static const char *const ptrace_family[] = {
	"process_vm_readv", "process_vm_writev", "ptrace", NULL
};
static const char *const socket_only[] = { "socket", NULL };
static const char *const personality_only[] = { "personality", NULL };
static const char *const ppc64le_only[] = { "sync_file_range2", "swapcontext", NULL };
static const char *const arm_only[] = {
	"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2",
	"breakpoint", "cacheflush", "set_tls", NULL
};
static const char *const arch_prctl_only[] = { "arch_prctl", NULL };
static const char *const modify_ldt_only[] = { "modify_ldt", NULL };
static const char *const s390_only[] = {
	"s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr", NULL
};
static const char *const riscv_only[] = { "riscv_flush_icache", "riscv_hwprobe", NULL };
static const char *const dac_read_search[] = { "open_by_handle_at", NULL };
static const char *const sys_admin[] = {
	"bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount",
	"fsopen", "fspick", "lookup_dcookie", "mount", "mount_setattr",
	"move_mount", "open_tree", "perf_event_open", "quotactl", "quotactl_fd",
	"setdomainname", "sethostname", "setns", "syslog", "umount", "umount2",
	"unshare", NULL
};
static const char *const clone_only[] = { "clone", NULL };
static const char *const clone3_only[] = { "clone3", NULL };
static const char *const sys_boot[] = { "reboot", NULL };
static const char *const sys_chroot[] = { "chroot", NULL };
static const char *const sys_module[] = { "delete_module", "init_module", "finit_module", NULL };
static const char *const sys_pacct[] = { "acct", NULL };
static const char *const sys_ptrace[] = {
	"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv",
	"process_vm_writev", "ptrace", NULL
};
static const char *const sys_rawio[] = { "iopl", "ioperm", NULL };
static const char *const sys_time[] = {
	"settimeofday", "stime", "clock_settime", "clock_settime64", NULL
};
static const char *const sys_tty_config[] = { "vhangup", NULL };
static const char *const sys_nice[] = {
	"get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node", NULL
};
static const char *const syslog_only[] = { "syslog", NULL };
static const char *const bpf_only[] = { "bpf", NULL };
static const char *const perf_only[] = { "perf_event_open", NULL };

/* Namespace flags an unprivileged clone must not carry. */
#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
		  CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)
#define PERSONALITY(v) { .names = personality_only, .action = SP_ALLOW, \
	.cmp = { 1, 0, SCMP_CMP_EQ, (v), 0 } }

const struct sp_rule seccomp_profile[] = {
	{ .names = allow_always, .action = SP_ALLOW },
	{ .names = ptrace_family, .action = SP_ALLOW, .min_kernel = { 4, 8 } },
	{ .names = socket_only, .action = SP_ALLOW,
	  .cmp = { 1, 0, SCMP_CMP_NE, AF_VSOCK, 0 } },
	/* PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and the query */
	PERSONALITY(0x0),
	PERSONALITY(0x0008),
	PERSONALITY(0x20000),
	PERSONALITY(0x20008),
	PERSONALITY(0xffffffff),
	{ .names = ppc64le_only, .action = SP_ALLOW, .arch_only = SP_PPC64LE },
	{ .names = arm_only, .action = SP_ALLOW, .arch_only = SP_ARM | SP_ARM64 },
	{ .names = arch_prctl_only, .action = SP_ALLOW, .arch_only = SP_AMD64 | SP_X32 },
	{ .names = modify_ldt_only, .action = SP_ALLOW,
	  .arch_only = SP_AMD64 | SP_X32 | SP_X86 },
	{ .names = s390_only, .action = SP_ALLOW, .arch_only = SP_S390 | SP_S390X },
	{ .names = riscv_only, .action = SP_ALLOW, .arch_only = SP_RISCV64 },
	{ .names = dac_read_search, .action = SP_ALLOW,
	  .caps_all = CAP(CAP_DAC_READ_SEARCH) },
	{ .names = sys_admin, .action = SP_ALLOW, .caps_all = CAP(CAP_SYS_ADMIN) },
	{ .names = clone_only, .action = SP_ALLOW,
	  .cmp = { 1, 0, SCMP_CMP_MASKED_EQ, NS_FLAGS, 0 },
	  .caps_none = CAP(CAP_SYS_ADMIN), .arch_not = SP_S390 | SP_S390X },
	/* s390 passes clone's flags second */
	{ .names = clone_only, .action = SP_ALLOW,
	  .cmp = { 1, 1, SCMP_CMP_MASKED_EQ, NS_FLAGS, 0 },
	  .caps_none = CAP(CAP_SYS_ADMIN), .arch_only = SP_S390 | SP_S390X },
	/* ENOSYS, not EPERM: libc then falls back to clone, whose flags
	 * the rule above can inspect (clone3 passes them in memory) */
	{ .names = clone3_only, .action = SP_ERRNO, .errno_ret = ENOSYS,
	  .caps_none = CAP(CAP_SYS_ADMIN) },
	{ .names = sys_boot, .action = SP_ALLOW, .caps_all = CAP(CAP_SYS_BOOT) },
	{ .names = sys_chroot, .action = SP_ALLOW, .caps_all = CAP(CAP_SYS_CHROOT) },
	{ .names = sys_module, .action = SP_ALLOW, .caps_all = CAP(CAP_SYS_MODULE) },
	{ .names = sys_pacct, .action = SP_ALLOW, .caps_all = CAP(CAP_SYS_PACCT) },
	{ .names = sys_ptrace, .action = SP_ALLOW, .caps_all = CAP(CAP_SYS_PTRACE) },
	{ .names = sys_rawio, .action = SP_ALLOW, .caps_all = CAP(CAP_SYS_RAWIO) },
	{ .names = sys_time, .action = SP_ALLOW, .caps_all = CAP(CAP_SYS_TIME) },
	{ .names = sys_tty_config, .action = SP_ALLOW,
	  .caps_all = CAP(CAP_SYS_TTY_CONFIG) },
	{ .names = sys_nice, .action = SP_ALLOW, .caps_all = CAP(CAP_SYS_NICE) },
	{ .names = syslog_only, .action = SP_ALLOW, .caps_all = CAP(CAP_SYSLOG) },
	{ .names = bpf_only, .action = SP_ALLOW, .caps_all = CAP(CAP_BPF) },
	{ .names = perf_only, .action = SP_ALLOW, .caps_all = CAP(CAP_PERFMON) },
};
const size_t seccomp_profile_len = sizeof(seccomp_profile) / sizeof(seccomp_profile[0]);

const struct sp_archmap seccomp_archmap[] = {
	{ SCMP_ARCH_X86_64, SP_AMD64, { SCMP_ARCH_X86, SCMP_ARCH_X32 } },
	{ SCMP_ARCH_AARCH64, SP_ARM64, { SCMP_ARCH_ARM, 0 } },
	{ SCMP_ARCH_MIPS64, SP_MIPS, { SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64N32 } },
	{ SCMP_ARCH_MIPS64N32, SP_MIPS, { SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64 } },
	{ SCMP_ARCH_MIPSEL64, SP_MIPS, { SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64N32 } },
	{ SCMP_ARCH_MIPSEL64N32, SP_MIPS, { SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64 } },
	{ SCMP_ARCH_S390X, SP_S390X, { SCMP_ARCH_S390, 0 } },
	{ SCMP_ARCH_RISCV64, SP_RISCV64, { 0, 0 } },
	/* natives Docker lists no sub-architectures for */
	{ SCMP_ARCH_X86, SP_X86, { 0, 0 } },
	{ SCMP_ARCH_X32, SP_X32, { 0, 0 } },
	{ SCMP_ARCH_ARM, SP_ARM, { 0, 0 } },
	{ SCMP_ARCH_PPC64LE, SP_PPC64LE, { 0, 0 } },
	{ SCMP_ARCH_S390, SP_S390, { 0, 0 } },
};
const size_t seccomp_archmap_len = sizeof(seccomp_archmap) / sizeof(seccomp_archmap[0]);
