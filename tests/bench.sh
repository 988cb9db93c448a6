#!/usr/bin/env bash
# bench.sh - `make bench`: measured speed figures, one section per figure.
#
# Every section is a function bench_<name> listed in SECTIONS below. It
# prints a header and its figures with the fig/target helpers, returns
# non-zero only when it could not measure, and leaves nothing behind
# (everything lives under $W, removed on exit). A missed target is
# printed as MISSED and counted; BENCH_STRICT=1 makes misses fail `make
# bench` as well. To add figures (issue 3: the console), write
# bench_<name> and append <name> to SECTIONS.
#
# Environment: TUG and BUILD (set by make), BENCH_RUNS (default 30),
# BENCH_WARMUP (default 2), BENCH_SECTIONS (run only these sections),
# BENCH_STRICT, BENCH_PULL_RUNS (default 5: each pull moves ~100 MB).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${TUG:=$here/../tug}" "${BUILD:=$here/../build}"
export TUG BUILD
. "$here/lib.sh" # t_busybox_tar
. "$here/bench-console.sh" # bench_console
. "$here/bench-kube.sh"    # bench_kube
. "$here/registry/lib.sh" # reg_start

RUNS=${BENCH_RUNS:-30}
WARMUP=${BENCH_WARMUP:-2}
BENCHTIME=$BUILD/bench/benchtime
SECTIONS=(binary_start container_start network_start seccomp pull build console kube)
MISSED=0

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: needs root: containers need namespaces, mounts and cgroups (run: sudo make bench)" >&2
	exit 1
fi
for h in "$BENCHTIME" "$BUILD/bench/seccomp-cost" "$BUILD/bench/start-floor"; do
	if [ ! -x "$h" ]; then
		echo "bench: $h is missing: run 'make bench', which builds it" >&2
		exit 1
	fi
done

W=$(mktemp -d /tmp/tug-bench.XXXXXX)
RUNC_ID=tug-bench-$$
BENCH_PIDS=()
bench_cleanup() {
	local p
	for p in "${BENCH_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	if [ -d "$W/tug-root" ]; then
		"$TUG" --root "$W/tug-root" --runroot "$W/tug-run" system reset --force >/dev/null 2>&1
	fi
	if [ -d "$W/runc-state" ]; then
		runc --root "$W/runc-state" delete --force "$RUNC_ID" >/dev/null 2>&1
	fi
	grep -o " $W[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	rm -rf "$W"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# ---- output helpers ----

header() { printf '\n== %s ==\n' "$*"; }
# note TEXT: an indented remark under the figures
note() { printf '   %s\n' "$*"; }
# field KEY "k=v k=v...": the value of KEY
field() {
	local kv
	for kv in $2; do
		case $kv in "$1"=*) echo "${kv#*=}"; return 0 ;; esac
	done
	return 1
}
# fig LABEL "runs=.. median_ms=.. min_ms=.. max_ms=..": one figure line
fig() {
	printf '   %-24s median %9.3f ms   min %9.3f ms   max %9.3f ms   (%s runs)\n' "$1" \
		"$(field median_ms "$2")" "$(field min_ms "$2")" "$(field max_ms "$2")" "$(field runs "$2")"
}
# le A B: A <= B, as decimals
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
# target WHAT GOT LIMIT UNIT: prints "target WHAT <= LIMIT: met|MISSED"
target() {
	local verdict=met
	if ! le "$2" "$3"; then
		verdict=MISSED
		MISSED=$((MISSED + 1))
	fi
	printf '   %-24s %s%s (target <= %s%s): %s\n' "$1" "$2" "$4" "$3" "$4" "$verdict"
}

# ---- sections ----

# The floor under every tug command: exec, dynamic loading, exit. Shared
# libraries cost each start their loading and relocation, so the figure
# next to an empty program shows what the link set alone takes.
bench_binary_start() {
	local empty=$W/empty res_tug res_empty ndso
	header "binary start: tug version vs an empty C program ($RUNS runs)"
	printf 'int main(void) { return 0; }\n' >"$empty.c"
	if ! ${CC:-cc} -O2 -o "$empty" "$empty.c"; then
		note "cannot build an empty C program with ${CC:-cc}"
		return 1
	fi
	res_tug=$("$BENCHTIME" -n "$RUNS" -w "$WARMUP" -- "$TUG" version) || return 1
	res_empty=$("$BENCHTIME" -n "$RUNS" -w "$WARMUP" -- "$empty") || return 1
	fig "tug version" "$res_tug"
	fig "empty C program" "$res_empty"
	ndso=$(ldd "$TUG" 2>/dev/null | grep -c '=>')
	note "tug loads $ndso shared libraries; what it pays over the empty program is paid by every 'tug run' too"
}

# tug run --rm against runc run of the same busybox tree, same namespaces.
bench_container_start() {
	local tar tug_res="" runc_res="" out rc=0
	header "container start: run --rm busybox /bin/true ($RUNS runs after $WARMUP warm-up)"
	[ "$RUNS" -ge 30 ] || note "(fewer than 30 runs: the figures are indicative only)"
	tar=$(t_busybox_tar) || { note "cannot build the busybox rootfs: install busybox-static"; return 1; }

	local tug=("$TUG" --root "$W/tug-root" --runroot "$W/tug-run")
	if ! out=$("${tug[@]}" import "$tar" bench:latest 2>&1 >/dev/null); then
		note "tug: not measured: 'tug import' failed: ${out%%$'\n'*}"
		rc=1
	elif ! out=$("${tug[@]}" run --rm bench:latest /bin/true 2>&1 </dev/null); then
		note "tug: not measured: 'tug run --rm bench /bin/true' failed: ${out%%$'\n'*}"
		rc=1
	elif tug_res=$("$BENCHTIME" -n "$RUNS" -w "$WARMUP" -- "${tug[@]}" run --rm bench:latest /bin/true); then
		fig "tug run --rm" "$tug_res"
	else
		note "tug: a timed run failed (above)"
		rc=1
	fi

	if ! command -v runc >/dev/null; then
		note "runc: not installed, runc comparison skipped (apt-get install runc)"
	elif ! command -v python3 >/dev/null; then
		note "runc: python3 is needed to edit the bundle's config.json, runc comparison skipped"
	else
		local b=$W/runc-bundle
		mkdir -p "$b/rootfs" && tar -C "$b/rootfs" -xf "$tar" && (cd "$b" && runc spec) &&
		python3 - "$b/config.json" <<-'EOF'
			import json, sys
			path = sys.argv[1]
			with open(path) as f:
			    c = json.load(f)
			c["process"]["terminal"] = False
			c["process"]["args"] = ["/bin/true"]
			c["root"] = {"path": "rootfs", "readonly": False}
			c["linux"]["namespaces"] = [{"type": t} for t in
			    ("pid", "mount", "uts", "ipc", "network", "cgroup")]
			with open(path, "w") as f:
			    json.dump(c, f, indent=1)
		EOF
		if [ $? -ne 0 ]; then
			note "runc: cannot prepare the bundle in $b"
			rc=1
		elif runc_res=$("$BENCHTIME" -n "$RUNS" -w "$WARMUP" -- \
				runc --root "$W/runc-state" run --bundle "$b" "$RUNC_ID"); then
			fig "runc run" "$runc_res"
		else
			note "runc: a timed run failed (above)"
			rc=1
		fi
	fi

	# the kernel's share on this machine, which no runtime gets under
	local floor_res="" fl=$W/floor
	if mkdir -p "$fl/lower" "$fl/scratch" && tar -C "$fl/lower" -xf "$tar" &&
		floor_res=$("$BENCHTIME" -n "$RUNS" -w "$WARMUP" -- "$BUILD/bench/start-floor" \
			"$fl/lower" "$fl/scratch"); then
		fig "kernel floor" "$floor_res"
	else
		note "kernel floor: not measured (above)"
		rc=1
	fi

	if [ -n "$tug_res" ]; then
		target "tug median" "$(field median_ms "$tug_res")" 10 " ms"
		if [ -n "$runc_res" ]; then
			target "tug / runc" "$(awk -v a="$(field median_ms "$tug_res")" \
				-v b="$(field median_ms "$runc_res")" 'BEGIN { printf "%.2f", a / b }')" 0.5 "x"
		fi
		if [ -n "$floor_res" ]; then
			note "$(awk -v a="$(field median_ms "$tug_res")" -v b="$(field median_ms "$floor_res")" \
				'BEGIN { printf "tug over the kernel floor: +%.1f ms (%.2fx the floor)", a - b, a / b }')"
		fi
	fi
	note "runc bundle: runc spec, rootfs = the same busybox tree (writable), terminal false,"
	note "namespaces pid mount uts ipc network cgroup; timings are spawn to reap (tests/bench/benchtime.c)"
	note "kernel floor (tests/bench/start-floor.c): fork a monitor, clone the init with CLONE_VM"
	note "into new mount/pid/uts/ipc/net namespaces, overlay + pivot_root + /proc + /dev, exec"
	note "/bin/true, reap, report; no cgroups, seccomp, capabilities, network, state or logs"
	return $rc
}

# What the default bridge network adds to a container start (lease, veth
# pair moved into the namespace, address, route, /etc/hosts, teardown at
# exit) next to --network none, and runc (own network namespace, no
# interfaces: the same as --network none) where installed.
bench_network_start() {
	local tar bridge none runc_res="" out
	header "network: run --rm on the default bridge vs --network none ($RUNS runs after $WARMUP warm-up)"
	tar=$(t_busybox_tar) || { note "cannot build the busybox rootfs: install busybox-static"; return 1; }
	local tug=("$TUG" --root "$W/tug-root" --runroot "$W/tug-run")
	"${tug[@]}" images -q bench:latest 2>/dev/null | grep -q . ||
		"${tug[@]}" import "$tar" bench:latest >/dev/null || { note "tug import failed"; return 1; }
	if ! out=$("${tug[@]}" run --rm bench:latest /bin/true 2>&1 </dev/null); then
		note "not measured: 'tug run --rm' on the default network failed: ${out%%$'\n'*}"
		return 1
	fi
	bridge=$("$BENCHTIME" -n "$RUNS" -w "$WARMUP" -- "${tug[@]}" run --rm bench:latest /bin/true) || return 1
	none=$("$BENCHTIME" -n "$RUNS" -w "$WARMUP" -- "${tug[@]}" run --rm --network none bench:latest /bin/true) ||
		return 1
	fig "run --rm, bridge" "$bridge"
	fig "run --rm, --network none" "$none"
	if command -v runc >/dev/null && [ -f "$W/runc-bundle/config.json" ] &&
		runc_res=$("$BENCHTIME" -n "$RUNS" -w "$WARMUP" -- \
			runc --root "$W/runc-state" run --bundle "$W/runc-bundle" "$RUNC_ID"); then
		fig "runc run, no interfaces" "$runc_res"
	else
		note "runc: not measured (not installed, or the container_start section did not prepare its bundle)"
	fi
	target "bridge - none" "$(awk -v a="$(field median_ms "$bridge")" -v b="$(field median_ms "$none")" \
		'BEGIN { printf "%.3f", a - b }')" 10 " ms"
}

# What secure_filter_prepare() costs with an empty cache vs a cached program.
bench_seccomp() {
	local out insns compile cached
	header "seccomp program: libseccomp compile vs cached load ($RUNS runs each)"
	out=$("$BUILD/bench/seccomp-cost" "$RUNS") || { note "seccomp-cost failed (above)"; return 1; }
	insns=$(field insns "$(grep '^insns=' <<<"$out")")
	compile=$(grep '^compile ' <<<"$out")
	cached=$(grep '^cached ' <<<"$out")
	fig "compile (libseccomp)" "${compile#compile }"
	fig "cached load" "${cached#cached }"
	note "$insns BPF instructions (Docker's profile for the native arch and its 32-bit/x32 companions);"
	note "cached load is $(awk -v a="$(field median_ms "$compile")" -v b="$(field median_ms "$cached")" \
		'BEGIN { printf "%.0f", a / b }')x cheaper, and it is what every container start pays"
}

# tug build of a small multi-stage Dockerfile: once without the cache
# (every RUN in a container, every COPY in an overlay, layers committed),
# then a fully cached rebuild, the edit-build loop's usual case.
bench_build() {
	local tar ctx=$W/build-ctx res_cold res_warm out
	local tug=("$TUG" --root "$W/tug-root" --runroot "$W/tug-run")
	header "build: small multi-stage Dockerfile, uncached once, cached rebuild ($RUNS runs)"
	tar=$(t_busybox_tar) || { note "cannot build the busybox rootfs: install busybox-static"; return 1; }
	if ! "${tug[@]}" images -q bench:latest 2>/dev/null | grep -q . &&
		! out=$("${tug[@]}" import "$tar" bench:latest 2>&1 >/dev/null); then
		note "not measured: 'tug import' failed: ${out%%$'\n'*}"
		return 1
	fi
	mkdir -p "$ctx/src"
	for i in 1 2 3 4 5 6 7 8; do
		head -c 65536 /dev/urandom | od -An -tx1 >"$ctx/src/data$i.txt"
	done
	printf 'echo built > /out/result\nwc -c /src/* > /out/sizes\n' >"$ctx/build.sh"
	cat >"$ctx/Dockerfile" <<-'EOF'
		FROM bench AS build
		ARG MODE=release
		WORKDIR /src
		COPY src/ ./
		COPY build.sh /build.sh
		RUN mkdir /out && sh /build.sh && echo "$MODE" > /out/mode
		FROM bench
		ENV APP=/app
		WORKDIR /app
		COPY --from=build /out/ ./
		RUN cat result mode > summary
		CMD ["cat", "/app/summary"]
	EOF
	# one warm-up: the first container of a root compiles the seccomp program
	res_cold=$("$BENCHTIME" -n 1 -w 1 -- "${tug[@]}" build --no-cache -q -t bench-app "$ctx") || {
		note "the uncached build failed (above)"
		return 1
	}
	res_warm=$("$BENCHTIME" -n "$RUNS" -w "$WARMUP" -- "${tug[@]}" build -q -t bench-app "$ctx") || {
		note "a cached rebuild failed (above)"
		return 1
	}
	fig "uncached build" "$res_cold"
	fig "cached rebuild" "$res_warm"
	note "2 stages, 12 instructions: 2 RUN in containers, 3 COPY and 2 WORKDIR in overlays;"
	note "the cached rebuild hashes the 8 x 190 kB context and gets the same image id"
}
# stats MS...: "runs=N median_ms=.. min_ms=.. max_ms=.." of the values
stats() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "runs=%d median_ms=%.3f min_ms=%.3f max_ms=%.3f\n", NR, m, v[1], v[NR] }'
}
# time_ms CMD...: wall milliseconds of one run (output discarded); fails with it
time_ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>"$W/last.err" </dev/null || return 1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000)) | awk '{ printf "%.3f\n", $1 / 1000 }'
}

# Pull of a ~100 MB single-layer gzip image from a registry on loopback,
# unpacking included, against skopeo copy to a directory (download and
# verify only) and podman pull (download and unpack), runs interleaved so
# that each tool sees the same machine. Page cache warm for all: the
# registry's blob is read from memory every time.
bench_pull() {
	local runs=${BENCH_PULL_RUNS:-5} port reg img i t tug_t=() sk_t=() pm_t=() rc=0
	header "pull: ~100 MB image from a loopback registry ($runs runs each, interleaved)"
	if ! command -v docker-registry >/dev/null; then
		note "docker-registry is not installed (apt-get install docker-registry): nothing to pull from"
		return 1
	fi
	local tug=("$TUG" --root "$W/tug-root" --runroot "$W/tug-run")
	mkdir -p "$W/pull-img/data"
	# 64 MB that gzip cannot shrink and 40 MB of text it can: a
	# realistic mix, 98 MB compressed, 104 MB unpacked
	for i in $(seq 1 16); do
		head -c 4M /dev/urandom >"$W/pull-img/data/r$i.bin"
		head -c 1900000 /dev/urandom | base64 >"$W/pull-img/data/t$i.txt"
	done
	tar -C "$W/pull-img" -cf - . | gzip >"$W/pull-img.tar.gz"
	port=$(reg_port)
	reg_start "$W/registry" "$port"
	BENCH_PIDS+=("$REG_PID")
	reg=127.0.0.1:$port
	img=$reg/bench/pull:1
	if ! "${tug[@]}" import "$W/pull-img.tar.gz" "$img" >/dev/null ||
	   ! "${tug[@]}" push -q "$img" >/dev/null 2>"$W/push.err"; then
		note "cannot put the image in the registry: $(head -1 "$W/push.err")"
		return 1
	fi
	note "image: $(du -m "$W/pull-img.tar.gz" | cut -f1) MB compressed, $(du -sm "$W/pull-img" | cut -f1) MB unpacked"
	rm -rf "$W/pull-img"
	local has_skopeo=0 has_podman=0
	command -v skopeo >/dev/null && has_skopeo=1
	command -v podman >/dev/null && has_podman=1
	local pm=(podman --root "$W/podman-root" --runroot "$W/podman-run" --storage-driver overlay)
	for i in $(seq 1 "$runs"); do
		rm -rf "$W/pull-root" "$W/pull-run" && sync
		t=$(time_ms "$TUG" --root "$W/pull-root" --runroot "$W/pull-run" pull -q "$img") ||
			{ note "tug pull failed: $(head -1 "$W/last.err")"; return 1; }
		tug_t+=("$t")
		if [ $has_skopeo = 1 ]; then
			rm -rf "$W/skopeo-dir" && sync
			if t=$(time_ms skopeo copy -q --src-tls-verify=false "docker://$img" "dir:$W/skopeo-dir"); then
				sk_t+=("$t")
			else
				note "skopeo copy failed: $(head -1 "$W/last.err")"
				has_skopeo=0
			fi
		fi
		if [ $has_podman = 1 ]; then
			"${pm[@]}" rmi -a -f >/dev/null 2>&1
			sync
			if t=$(time_ms "${pm[@]}" pull -q --tls-verify=false "$img"); then
				pm_t+=("$t")
			else
				note "podman pull failed: $(head -1 "$W/last.err")"
				has_podman=0
			fi
		fi
	done
	"${pm[@]}" rmi -a -f >/dev/null 2>&1
	[ $has_podman = 1 ] && "${pm[@]}" system reset -f >/dev/null 2>&1
	local tug_s sk_s="" pm_s=""
	tug_s=$(stats "${tug_t[@]}")
	fig "tug pull (unpacked)" "$tug_s"
	if [ ${#sk_t[@]} -gt 0 ]; then
		sk_s=$(stats "${sk_t[@]}")
		fig "skopeo copy (dir:)" "$sk_s"
	else
		note "skopeo: not installed (apt-get install skopeo), comparison skipped"
	fi
	if [ ${#pm_t[@]} -gt 0 ]; then
		pm_s=$(stats "${pm_t[@]}")
		fig "podman pull" "$pm_s"
	else
		note "podman not installed, comparison skipped"
	fi
	if [ -n "$sk_s" ]; then
		target "tug / skopeo" "$(awk -v a="$(field median_ms "$tug_s")" -v b="$(field median_ms "$sk_s")" \
			'BEGIN { printf "%.2f", a / b }')" 1.0 "x"
	fi
	if [ -n "$pm_s" ]; then
		target "tug / podman" "$(awk -v a="$(field median_ms "$tug_s")" -v b="$(field median_ms "$pm_s")" \
			'BEGIN { printf "%.2f", a / b }')" 0.7 "x"
	fi
	note "each run starts from an empty store (tug, podman) or directory (skopeo), after sync;"
	note "skopeo copies the blobs to a directory without unpacking them"
	return $rc
}

# ---- run ----

failed=()
selected=("${SECTIONS[@]}")
[ -n "${BENCH_SECTIONS:-}" ] && read -r -a selected <<<"$BENCH_SECTIONS"
echo "tug bench on $(uname -srm), $(nproc) CPUs"
for s in "${selected[@]}"; do
	if ! declare -F "bench_$s" >/dev/null; then
		echo "bench: no section '$s' (sections: ${SECTIONS[*]})" >&2
		failed+=("$s")
		continue
	fi
	"bench_$s" || failed+=("$s")
done
echo
if [ ${#failed[@]} -gt 0 ]; then
	echo "bench: could not measure: ${failed[*]}; targets missed: $MISSED"
	exit 1
fi
echo "bench: all figures measured; targets missed: $MISSED"
[ "${BENCH_STRICT:-0}" = 1 ] && [ "$MISSED" -gt 0 ] && exit 1
exit 0
