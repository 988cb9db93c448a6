#!/usr/bin/env bash
# screenshots.sh - `make screenshots`: the real console in tmux over the
# `make demo` containers, rendered to PNGs in screenshots/ (containers with
# graphs and logs, images, the help overlay, the light theme, pods when a
# Kubernetes endpoint answers). tmux capture-pane -e gives the screen with
# its colours; tests/ansi2png.py draws it with DejaVu Sans Mono
# (python3-pil, fonts-dejavu-core). SHOTS=kube takes only the cluster
# views: no demo containers, no root needed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
: "${TUG:=$top/tug}"
export TUG
out=$top/screenshots
PY=/usr/bin/python3 # Debian's, which has python3-pil

for need in tmux "$PY"; do
	command -v "$need" >/dev/null || { echo "screenshots: $need is missing (make deps)" >&2; exit 1; }
done
"$PY" -c 'import PIL' 2>/dev/null || { echo "screenshots: python3-pil is missing (make deps)" >&2; exit 1; }
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] ||
	{ echo "screenshots: fonts-dejavu-core is missing (make deps)" >&2; exit 1; }

. "$here/console-lib.sh"
CON_DIR=$(mktemp -d /tmp/tug-shots.XXXXXX)
SIM=
trap 'con_kill_all; [ -n "$SIM" ] && kill "$SIM" 2>/dev/null; rm -rf "$CON_DIR"' EXIT
export XDG_CONFIG_HOME=$CON_DIR/config XDG_STATE_HOME=$CON_DIR/state
mkdir -p "$out"

# the demo: its own script prepares it (containers on the built-in
# runtime); screenshots use the same root it does
# A demo this script started goes away with it (its CPU burner would
# load the machine long after); one that was running stays.
DEMO_STARTED=0
if [ "${SHOTS:-all}" != kube ] && [ -f "$here/demo.sh" ]; then
	"$TUG" ps --format '{{.Names}}' 2>/dev/null | grep -q '^demo-' || DEMO_STARTED=1
	bash "$here/demo.sh" >/dev/null || echo "screenshots: make demo failed; shooting what there is" >&2
fi
trap 'con_kill_all; [ -n "$SIM" ] && kill "$SIM" 2>/dev/null; rm -rf "$CON_DIR"
	[ "$DEMO_STARTED" = 1 ] && bash "$here/demo.sh" clean >/dev/null 2>&1' EXIT
args=()
[ -n "${TUG_ROOT:-}" ] && args+=(--root "$TUG_ROOT")
[ -n "${TUG_RUNROOT:-}" ] && args+=(--runroot "$TUG_RUNROOT")

shot() { # shot SESSION NAME: capture and render
	# -N keeps trailing spaces: their colours are part of the picture
	con_screen "$1" -e -N >"$CON_DIR/$2.ansi"
	"$PY" "$here/ansi2png.py" "$CON_DIR/$2.ansi" "$out/$2.png" --cols "${CON_W:-120}" --rows "${CON_H:-40}" &&
		echo "screenshots/$2.png"
}

# the built-in runtime: the demo containers
if [ "${SHOTS:-all}" != kube ]; then
	con_start main -- "${args[@]}"
	con_wait main "1 Containers" 10 || { echo "screenshots: the console did not start" >&2; con_screen main >&2; exit 1; }
	# select the busiest container (the CPU burner if the demo has one) and
	# give the graphs some history; the CPU% column fills in after two samples
	con_wait main "Up " 10
	sleep 3
	con_keys main ">" ">" ">" # sort by CPU%, biggest first
	sleep 0.5
	con_keys main g
	sleep "${SHOT_WAIT:-12}"
	shot main containers
	# the log: the first container (by CPU) that has printed something
	for i in 1 2 3 4 5 6; do
		con_screen main | grep -q "no output yet" || break
		con_keys main j
		sleep 1.5
	done
	con_keys main l
	sleep 1
	shot main logs
	con_keys main Escape 2
	sleep 2
	shot main images
	con_keys main 1 '?'
	sleep 0.5
	shot main help
	con_keys main Escape : "theme light" Enter
	sleep 3
	shot main light
	con_keys main q
	con_exit main >/dev/null
fi

# pods: the Kubernetes API simulator stands in for a cluster
if [ -f "$here/kube-sim/kube-sim.py" ] && command -v python3 >/dev/null; then
	python3 "$here/kube-sim/kube-sim.py" --dir "$CON_DIR/sim" --log-interval 0.3 >"$CON_DIR/sim.log" 2>&1 &
	SIM=$!
	for i in $(seq 100); do [ -s "$CON_DIR/sim/port" ] && break; sleep 0.1; done
	KUBECONFIG=$CON_DIR/sim/kubeconfig con_start kube KUBECONFIG="$CON_DIR/sim/kubeconfig" -- "${args[@]}" --context sim
	if con_wait kube "^ Pods \\([0-9]+\\)" 10; then
		# db-0 (once the rows are in): its log and its metrics graphs,
		# with some history
		con_wait kube " db-0 " 10
		con_keys kube j j j j
		sleep "${SHOT_WAIT:-12}"
		shot kube pods
		con_keys kube 6
		sleep 2
		shot kube deployments
	else
		echo "screenshots: the simulated cluster did not answer; pods skipped" >&2
	fi
	con_keys kube q
	con_exit kube >/dev/null
fi
