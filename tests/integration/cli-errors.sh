#!/usr/bin/env bash
# Bad input gets one clear "tug: ..." line on stderr, nothing on stdout, a
# non-zero exit, and leaves the store exactly as it was.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1

tug create --name taken bb true >/dev/null
tug run -d --name running bb sleep 300 >/dev/null

# the store as files: container dirs, names, and every container's state
snapshot() {
	(cd "$T_ROOT" && find containers names -maxdepth 2 | sort
	 "$TUG" ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.State}}' | sort)
}
before=$(snapshot)

# bad DESC WANT_RC CMD...: WANT_RC is an exit code, or "nz" for any non-zero;
# stdout must be empty, or $WANT_OUT when set
bad() {
	local desc=$1 want=$2 rc
	shift 2
	"$TUG" "$@" >"$T_DIR/out" 2>"$T_DIR/err"
	rc=$?
	if [ "$want" = nz ]; then
		check "$desc: non-zero exit" [ "$rc" -ne 0 ]
	else
		check_eq "$desc: exit $want" "$rc" "$want"
	fi
	check_eq "$desc: one error line" "$(wc -l <"$T_DIR/err")" 1
	check "$desc: it starts with 'tug: '" grep -q '^tug: ' "$T_DIR/err"
	check_eq "$desc: stdout" "$(cat "$T_DIR/out")" "${WANT_OUT:-}"
	check_eq "$desc: the store is unchanged" "$(snapshot)" "$before"
	diag "$(cat "$T_DIR/err")"
}

bad "unknown image" 125 run --pull never nosuchimage true
bad "unknown image (create)" 125 create --pull never nosuchimage true
# the default tries a pull first, as docker does (the harness's proxy keeps
# it on this machine), then fails with the same single error line
tug run nosuchimage true >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
check_eq "unknown image: pulled first, then exit 125" "$rc" 125
check "unknown image: says it looked for it locally first" grep -q "Unable to find image 'nosuchimage:latest' locally" "$T_DIR/err"
check_eq "unknown image: one error line after the pull notice" "$(grep -c '^tug: ' "$T_DIR/err")" 1
check_eq "unknown image: the store is unchanged" "$(snapshot)" "$before"
bad "bad --pull policy" 125 run --pull sometimes bb true
bad "bad flag" 125 run --bogus bb true
bad "bad short flag" 125 run -Q bb true
bad "unparsable memory size" 125 run --memory 12x bb true
bad "memory size too small" 125 run -m 1k bb true
bad "bad --cpus" 125 run --cpus lots bb true
bad "bad --restart" 125 run --restart sometimes bb true
bad "--rm with --restart always" 125 run --rm --restart always bb true
bad "name already taken" 125 run --name taken bb true
bad "invalid name" 125 run --name 'no/slash' bb true
bad "missing command (the image has none)" 125 run bb
bad "missing image" 125 run
bad "bad volume" 125 run -v /a:relative bb true
bad "bad port" 125 run -p 99999:80 bb true
bad "bad signal" 125 run --stop-signal NOPE bb true
bad "missing env file" 125 run --env-file /no/such/file bb true
bad "unknown network" 125 run --network nosuchnet bb true
bad "unknown container: start" nz start nosuch
bad "unknown container: stop" nz stop nosuch
bad "unknown container: rm" nz rm nosuch
bad "unknown container: logs" nz logs nosuch
bad "unknown container: exec" nz exec nosuch true
# docker prints the (empty) array of what it found
WANT_OUT='[]' bad "unknown container: inspect" nz inspect --type container nosuch
bad "unknown container: wait" nz wait nosuch
bad "unknown container: rename" nz rename nosuch other
bad "rename to a taken name" nz rename running taken
bad "rm of a running container" nz rm running
bad "unknown command" 125 frobnicate
bad "unknown container subcommand" 125 container frobnicate
bad "ps with a bad filter" nz ps -f color=red
bad "ps with a bad template" nz ps --format '{{.Nope}}'

exit 0
