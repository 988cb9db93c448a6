#!/usr/bin/env bash
# kube-sim-units.sh - unit tests of the Kubernetes API simulator's modules (selectors, patches,
# printers, continue tokens, watch history, logs, controllers); the script prints TAP itself.
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v python3 >/dev/null 2>&1; then
	echo "ok 1 - kube-sim unit tests # SKIP python3 is not installed"
	exit 0
fi
exec "$(python3 -c 'import sys; print(sys.executable)')" "$here/../kube-sim/test_sim.py"
