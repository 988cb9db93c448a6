#!/usr/bin/env bash
# console-store.sh - the console adding to the local store: `c` in the
# Networks and Volumes views creates one from a prompt in `tug ... create`
# words, `p` in the Images view pulls from a real registry on loopback
# (Debian's docker-registry, behind a slow proxy so the pull takes a few
# seconds) in the background with a progress line. The console runs in a
# private tmux server; the CLI checks what it did.
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/tests/console-lib.sh"
. "$T_SRC/tests/registry/lib.sh"
export LC_ALL=C.UTF-8

PULL_CHECKS=(console-pull)
if ! command -v tmux >/dev/null; then
	skip "console create and pull" "tmux is not installed (apt-get install tmux)"
	exit 0
fi
t_need_root || exit 0
t_setup || exit 1
CON_DIR=$T_DIR
PIDS=()
R2=$T_DIR/root2
tug2() { "$TUG" --root "$R2" --runroot "$T_DIR/run2" "$@"; }
# the second store may have made a default network: reset it before the rm
fresh2() { [ -d "$R2" ] && tug2 system reset --force >/dev/null 2>&1; rm -rf "$R2" "$T_DIR/run2"; }
cleanup() {
	local p
	con_kill_all
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	fresh2
}
trap 'rc=$?; cleanup; (exit $rc); t_cleanup' EXIT
export XDG_CONFIG_HOME=$T_DIR/config XDG_STATE_HOME=$T_DIR/state DOCKER_CONFIG=$T_DIR/docker
ARGS=(--root "$T_ROOT" --runroot "$T_RUNROOT")
export TUG
py() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
screen_has() { con_screen "$1" | grep -Eq -- "$2"; }
# the status line (the screen's last row but one: the key hints are last)
status_has() { con_screen "$1" | tail -2 | grep -Eq -- "$2"; }
net_exists() { tug network ls --format '{{.Name}}' 2>/dev/null | grep -qx "$1"; }
vol_count() { tug volume ls -q 2>/dev/null | wc -l; }
# prompt NAME TEXT: type TEXT into the open prompt and press Enter
prompt() { con_keys "$1" -l "$2"; con_keys "$1" Enter; }

con_start main -- "${ARGS[@]}"
check "the console starts" con_wait main "1 Containers" 5

# ---- networks ----
con_keys main 3
con_wait main "NETWORK ID" 5
con_keys main c
check "c in Networks opens a create prompt" con_wait main "Create network" 3
check "the prompt says what it takes" screen_has main "NAME \[--subnet CIDR\] \[--gateway IP\] \[--internal\]"
prompt main "cs-net1 --subnet 10.213.7.0/24 --internal --label team=ops"
check "the network is created (CLI agrees)" wait_for 10 net_exists cs-net1
ins=$(tug network inspect cs-net1 2>/dev/null)
check_eq "with the subnet typed" "$(py 'j[0]["IPAM"]["Config"][0]["Subnet"]' <<<"$ins")" "10.213.7.0/24"
check_eq "internal as asked" "$(py 'j[0]["Internal"]' <<<"$ins")" "True"
check_eq "with its label" "$(py 'j[0]["Labels"]["team"]' <<<"$ins")" "ops"
check "the status line says it was created" con_wait main "created network cs-net1" 5
check "its row shows up with the subnet" con_wait main "cs-net1 .*10\.213\.7\.0/24" 5
# Enter inspects the selected row: the new one
con_keys main Enter
check "the new row is selected (Enter inspects it)" con_wait main '"Name": "cs-net1"' 5
con_keys main Escape
# the same name again: the runtime's refusal reaches the status line
con_keys main c
con_wait main "Create network" 3
prompt main "cs-net1"
check "a taken name is refused with the runtime's message" con_wait main "already exists" 5
# a typo is caught before anything runs
con_keys main c
con_wait main "Create network" 3
prompt main "cs-net2 --subnett 10.213.8.0/24"
check "an unknown option is named on the status line" con_wait main "unknown option '--subnett'" 3
check "and nothing is created" bash -c "! \"\$TUG\" network ls --format '{{.Name}}' | grep -qx cs-net2"
con_keys main c
con_wait main "Create network" 3
con_keys main Escape
check "Esc cancels the prompt" con_wait main "nothing created" 3

# ---- volumes ----
con_keys main 4
con_wait main "MOUNTPOINT|DRIVER" 5
con_keys main c
check "c in Volumes opens a create prompt" con_wait main "Create volume" 3
prompt main "cs-vol1 --label tier=db"
check "the volume is created (CLI agrees)" wait_for 10 bash -c "\"\$TUG\" volume ls -q | grep -qx cs-vol1"
check_eq "with its label" "$(tug volume inspect cs-vol1 2>/dev/null | py 'j[0]["Labels"]["tier"]')" "db"
check "its row shows up" con_wait main "cs-vol1 " 5
before=$(vol_count)
con_keys main c
con_wait main "Create volume" 3
con_keys main Enter
check "an empty name creates a volume with a generated name, as docker does" \
	wait_for 10 bash -c "[ \$(\"\$TUG\" volume ls -q | wc -l) -gt $before ] && \"\$TUG\" volume ls -q | grep -Eqx '[0-9a-f]{64}'"
check "and the status line names it" con_wait main "created volume [0-9a-f]{64}" 5
con_keys main q
check "quits" test "$(con_exit main 5)" = 0

# ---- read-only ----
con_start ro -- --readonly "${ARGS[@]}"
con_wait ro "1 Containers" 5
con_keys ro 3
con_wait ro "NETWORK ID" 5
con_keys ro c
check "--readonly refuses create" con_wait ro "read-only: network create refused" 3
con_keys ro 2
con_wait ro "REPOSITORY:TAG" 5
con_keys ro p
check "--readonly refuses pull" con_wait ro "read-only: pull refused" 3
con_keys ro q
con_exit ro 5 >/dev/null

# ---- pull ----
if ! command -v docker-registry >/dev/null; then
	for n in "${PULL_CHECKS[@]}"; do skip "$n" "docker-registry is not installed (apt-get install docker-registry)"; done
	exit 0
fi
P1=$(reg_port)
reg_start "$T_DIR/reg" "$P1" || { not_ok "docker-registry starts"; exit 1; }
PIDS+=("$REG_PID")
R=127.0.0.1:$P1
# 12 MB that do not compress, pushed; pulled through a proxy sending
# 3 MB/s, so the pull lasts about 4 s
mkdir -p "$T_DIR/big"
head -c 12M /dev/urandom >"$T_DIR/big/random.bin"
tar -C "$T_DIR/big" -cf - . | gzip -1 >"$T_DIR/big.tar.gz"
tug import "$T_DIR/big.tar.gz" "$R/tug/big:1" >/dev/null && tug push -q "$R/tug/big:1" >/dev/null 2>&1 ||
	{ not_ok "push the test image to the registry"; exit 1; }
PP=$(reg_port)
python3 "$T_SRC/tests/registry/helper.py" proxy "$PP" "$P1" 3000000 &
PIDS+=($!)
reg_wait 127.0.0.1 "$PP" || { not_ok "the slow proxy starts"; exit 1; }
REF=127.0.0.1:$PP/tug/big:1
REF_RE=${REF//./\\.}
R_RE=${R//./\\.}
store_state() {
	(cd "$1" 2>/dev/null && find images layers blobs -maxdepth 2 2>/dev/null | sort; cat repositories.json 2>/dev/null) | sha256sum
}

# quitting during a pull cancels it and leaves the store as it was
mkdir -p "$R2"
tug2 images >/dev/null 2>&1
before=$(store_state "$R2")
con_start q -- --root "$R2" --runroot "$T_DIR/run2"
con_wait q "1 Containers" 5
con_keys q 2
con_wait q "REPOSITORY:TAG" 5
con_keys q p
check "p in Images opens the pull prompt" con_wait q "Pull image" 3
prompt q "$REF"
check "the pull shows a progress line" con_wait q "$REF_RE .*[0-9]+%" 10
con_keys q q
check "q during a pull quits promptly" test "$(con_exit q 5)" = 0
check_eq "the canceled pull left the store as it was" "$(store_state "$R2")" "$before"
check "and the image is not listed" bash -c "! '$TUG' --root '$R2' --runroot '$T_DIR/run2' images | grep -q tug/big"

con_start pull -- --root "$R2" --runroot "$T_DIR/run2"
con_wait pull "1 Containers" 5
con_keys pull 2
con_wait pull "REPOSITORY:TAG" 5
con_keys pull p
con_wait pull "Pull image" 3
prompt pull "$REF"
check "the status line says the pull went to the background" con_wait pull "pulling $REF_RE in the background" 3
check "a progress line: percent, bytes of the total, rate, layers" \
	con_wait pull "$REF_RE .*[0-9]+%  [0-9.]+ ?[kKMG]?i?B / [0-9.]+ ?[kKMG]?i?B  [0-9.]+ ?[kKMG]?i?B/s  0/1 layers" 10
con_keys pull '?'
check "keys work during the pull (help opens)" con_wait pull "Help: Images keys" 3
check "help lists the pull key" screen_has pull "p +pull an image"
con_keys pull Escape
con_keys pull 1
check "other views work during the pull" con_wait pull "CONTAINER|no containers" 3
con_keys pull 2
check "the pull ends with a message" con_wait pull "pulled $REF_RE \([0-9a-f]{12}\) in [0-9.]+ s" 60
check "the image's row shows up" con_wait pull "$REF_RE" 5
check "the progress line is gone" con_wait_gone pull "$REF_RE .*[0-9]+%" 5
check "the CLI lists the pulled image" bash -c "'$TUG' --root '$R2' --runroot '$T_DIR/run2' images | grep -q '$R/tug/big\|127.0.0.1:$PP/tug/big'"
# errors reach the status line
con_keys pull p
con_wait pull "Pull image" 3
prompt pull "$R/tug/nope:1"
check "a missing image: the registry's answer on the status line" con_wait pull "pull $R_RE/tug/nope:1: .*(not found|unknown)" 10
con_keys pull p
con_wait pull "Pull image" 3
prompt pull "Bad//Ref"
check "a malformed reference is refused" con_wait pull "pull Bad//Ref: .*(invalid|reference)" 5
con_keys pull :
con_keys pull -l "pull $R/tug/big:1"
con_keys pull Enter
check ":pull IMAGE pulls too" con_wait pull "pulled $R_RE/tug/big:1" 30
con_keys pull q
check "quits after pulling" test "$(con_exit pull 5)" = 0
