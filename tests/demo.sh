#!/usr/bin/env bash
# demo.sh - `make demo` / `make demo-clean`: a small scene on the built-in
# runtime for the console and the screenshots, with no network access.
#   image       busybox:demo, imported from the host's static busybox
#   demo-web    busybox httpd on :8080, fetching its own page every second
#   demo-logger a line per second on stdout, a warning every fifth on stderr
#   demo-burner a busy loop held to half a core by --cpus 0.5
# Idempotent: what exists and runs is left alone, what stopped is started.
# The state goes where tug puts it: $TUG_ROOT / $TUG_RUNROOT or the defaults.
# Usage: tests/demo.sh [clean]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${TUG:=$here/../tug}" "${BUILD:=$here/../build}"
export TUG BUILD
. "$here/lib.sh"

IMAGE=busybox:demo
NAMES=(demo-web demo-logger demo-burner)

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: the built-in runtime needs root: run 'sudo make demo'" >&2
	exit 1
fi

if [ "${1:-}" = clean ]; then
	for n in "${NAMES[@]}"; do
		"$TUG" rm -f "$n" >/dev/null 2>&1 && echo "removed $n"
	done
	"$TUG" rmi "$IMAGE" >/dev/null 2>&1 && echo "removed $IMAGE"
	exit 0
fi

if ! "$TUG" inspect --type image "$IMAGE" >/dev/null 2>&1; then
	tar=$(t_busybox_tar)
	"$TUG" import "$tar" "$IMAGE" >/dev/null
	echo "imported $IMAGE from $(command -v busybox)"
fi

# ensure NAME RUN-ARGS...: running afterwards, created only if missing
ensure() {
	local name=$1 state
	shift
	state=$("$TUG" inspect --type container -f '{{.State.Status}}' "$name" 2>/dev/null || true)
	case "$state" in
	running | restarting) ;;
	paused) "$TUG" unpause "$name" >/dev/null ;;
	"") "$TUG" run -d --name "$name" -l tug.demo=true --restart unless-stopped "$@" >/dev/null ;;
	*) "$TUG" start "$name" >/dev/null ;;
	esac
}

# one-line scripts: ps shows commands quoted, and newlines would show as \n
ensure demo-web --memory 64m "$IMAGE" sh -c \
	'echo "<h1>tug demo</h1>" >/var/www/index.html; (while sleep 1; do wget -q -O /dev/null http://127.0.0.1:8080/; done) & exec httpd -f -vv -p 8080 -h /var/www'
ensure demo-logger --memory 32m "$IMAGE" sh -c \
	'i=0; while :; do i=$((i + 1)); echo "tick $i: all systems nominal"; [ $((i % 5)) -ne 0 ] || echo "warning: tick $i is a multiple of five" >&2; sleep 1; done'
ensure demo-burner --cpus 0.5 "$IMAGE" sh -c 'while :; do :; done'

"$TUG" ps -f label=tug.demo=true
