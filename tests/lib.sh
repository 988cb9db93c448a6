# lib.sh - shared helpers for integration tests (sourced). Each script:
#   . "$(dirname "$0")/../lib.sh"; t_need_root || exit 0; t_setup
# gets its own --root/--runroot, a busybox test image, and a cleanup trap
# that removes every container, mount and cgroup it made, even on failure.
set -u
T_N=0
T_FAILS=0
: "${TUG:?TUG must point to the tug binary}"
T_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Nothing a test does may leave this machine: a registry request for any
# host outside loopback (an implicit pull of an unknown image from
# docker.io, say) goes to a closed local port instead, with no DNS lookup.
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9
export HTTP_PROXY=$http_proxy HTTPS_PROXY=$https_proxy
export no_proxy=127.0.0.1,127.0.0.2,127.0.0.3,localhost,::1,127.0.0.0/8
export NO_PROXY=$no_proxy

ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
not_ok() { T_N=$((T_N + 1)); T_FAILS=$((T_FAILS + 1)); echo "not ok $T_N - $*"; }
skip() { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP ${2:-}"; }
diag() { echo "# $*"; }
# check DESC CMD...: passes when CMD succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# check_eq DESC GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; diag "got '$2', want '$3'"; fi
}

# Skip the whole script (counting each named check as skipped) when not root.
t_need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		for n in "$@"; do skip "$n" "needs root"; done
		[ $# -eq 0 ] && skip "$(basename "$0")" "needs root"
		return 1
	fi
	return 0
}

# A static busybox rootfs tar, built once per build dir and shared.
t_busybox_tar() {
	local tar=${BUILD:-/tmp}/busybox-rootfs.tar
	if [ ! -s "$tar" ]; then
		local bb
		bb=$(command -v busybox) || { echo "busybox-static is not installed" >&2; return 1; }
		local d
		d=$(mktemp -d)
		mkdir -p "$d"/{bin,etc,tmp,root,var/www,proc,sys,dev}
		cp "$bb" "$d/bin/busybox"
		for a in $("$d/bin/busybox" --list); do
			[ "$a" = busybox ] || ln -sf busybox "$d/bin/$a"
		done
		mkdir -p "$d/usr/bin" "$d/sbin" "$d/usr/sbin"
		echo 'root:x:0:0:root:/root:/bin/sh' >"$d/etc/passwd"
		echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >>"$d/etc/passwd"
		printf 'root:x:0:\nnogroup:x:65534:\n' >"$d/etc/group"
		chmod 1777 "$d/tmp"
		tar -C "$d" -cf "$tar.tmp.$$" . && mv "$tar.tmp.$$" "$tar"
		rm -rf "$d"
	fi
	echo "$tar"
}

# t_setup: private root, runroot, and image "bb" imported from busybox.
t_setup() {
	T_DIR=$(mktemp -d /tmp/tug-test.XXXXXX)
	T_ROOT=$T_DIR/root
	T_RUNROOT=$T_DIR/run
	export TUG_ROOT=$T_ROOT TUG_RUNROOT=$T_RUNROOT
	trap t_cleanup EXIT
	trap 'exit 130' INT TERM
	local tar
	tar=$(t_busybox_tar) || return 1
	"$TUG" import "$tar" bb:latest >/dev/null || { not_ok "import busybox test image"; return 1; }
}

tug() { "$TUG" "$@"; }

t_cleanup() {
	local rc=$?
	if [ -n "${T_ROOT:-}" ] && [ -d "$T_ROOT" ]; then
		"$TUG" system reset --force >/dev/null 2>&1 || true
		# belt and braces: nothing of ours may stay mounted
		grep -o " $T_DIR[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do
			umount -l "$m" 2>/dev/null
		done
		rm -rf "$T_DIR"
	fi
	[ "$T_FAILS" -gt 0 ] && rc=1
	exit $rc
}

# wait_for SECONDS CMD...: poll until CMD succeeds
wait_for() {
	local t=$1; shift
	local end=$((SECONDS + t))
	while [ $SECONDS -le $end ]; do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
