#!/usr/bin/env bash
# What a container sees, checked from inside through tug run: its own PID
# namespace, hostname, network and filesystem; Docker's capabilities and
# seccomp profile; read-only binds and rootfs; writes that vanish with rm.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1

run() { tug run --rm bb "$@"; }

check_eq "the command is PID 1" "$(run sh -c 'echo $$')" 1
sleep 300 &
hostsleep=$!
check_eq "host processes are invisible" "$(run sh -c "test -e /proc/$hostsleep && echo seen || echo unseen")" unseen
kill "$hostsleep"
wait "$hostsleep" 2>/dev/null
check "only the container's own processes are listed" [ "$(run sh -c 'ls -d /proc/[0-9]* | wc -l')" -le 3 ]
id=$(tug create bb hostname)
check_eq "the default hostname is the short id" "$(tug start -a "$id" | tr -d '\r')" "${id:0:12}"
tug rm "$id" >/dev/null
check_eq "own hostname, set with -h" "$(tug run --rm -h inner bb hostname)" inner
check "the host's hostname is unchanged" [ "$(hostname)" != inner ]
check_eq "network namespace (--network none): only loopback" \
	"$(tug run --rm --network none bb sh -c "grep -c : /proc/net/dev")" 1
check_eq "network namespace (default bridge): loopback and eth0" \
	"$(run sh -c "grep -Eo '^ *(lo|eth0):' /proc/net/dev | tr -d ' :' | sort | tr '\n' ' '")" "eth0 lo "
check_eq "loopback is up" "$(run cat /sys/class/net/lo/operstate | grep -Ec 'up|unknown')" 1

check_eq "CapEff is Docker's default set" "$(run grep CapEff /proc/self/status | awk '{print $2}')" 00000000a80425fb
check_eq "no_new_privs is set" "$(run grep NoNewPrivs /proc/self/status | awk '{print $2}')" 1
check_eq "a seccomp filter is on" "$(run grep '^Seccomp:' /proc/self/status | awk '{print $2}')" 2
check_eq "no signal starts out ignored inside" "$(run grep SigIgn /proc/self/status | awk '{print $2}')" \
	0000000000000000
# unshare(CLONE_NEWUSER) needs no capability, so only the seccomp profile
# stops it; check the host allows it first, or the test proves nothing
if busybox unshare -U true 2>/dev/null; then
	run unshare -U true 2>/dev/null
	check "a syscall Docker's profile denies (unshare of a user namespace) is denied" [ $? -ne 0 ]
else
	skip "seccomp denies unshare -U" "the host itself refuses user namespaces"
fi
run mount -t tmpfs none /mnt 2>/dev/null
check "mount is not allowed" [ $? -ne 0 ]
check_eq "/sys is read-only" "$(run sh -c 'touch /sys/x 2>/dev/null && echo rw || echo ro')" ro
check_eq "/proc/kcore is masked" "$(run sh -c 'cat /proc/kcore 2>/dev/null | head -c 1 | wc -c')" 0

# ---- filesystem ----
check_eq "a container can write anywhere in its filesystem" \
	"$(tug run --name writer bb sh -c 'echo hi > /etc/written; rm /bin/ls; cat /etc/written; test -e /bin/ls || echo ls-gone' | tr '\n' ' ')" \
	"hi ls-gone "
tug rm writer >/dev/null
check_eq "writes vanish after rm; the image is unchanged" \
	"$(run sh -c 'test -e /etc/written && echo written; test -e /bin/ls && echo ls-there')" ls-there
check_eq "two containers do not share writes" \
	"$(tug run -d --name w1 bb sh -c 'echo one > /tmp/f; sleep 300' >/dev/null; sleep 0.5; run sh -c 'cat /tmp/f 2>/dev/null || echo none')" none
tug rm -f w1 >/dev/null

mkdir -p "$T_DIR/shared"
echo from-host >"$T_DIR/shared/in"
check_eq "-v binds a host directory" "$(tug run --rm -v "$T_DIR/shared:/data" bb cat /data/in)" from-host
tug run --rm -v "$T_DIR/shared:/data" bb sh -c 'echo from-ctr > /data/out'
check_eq "... writable by default" "$(cat "$T_DIR/shared/out" 2>/dev/null)" from-ctr
tug run --rm -v "$T_DIR/shared:/data:ro" bb sh -c 'echo nope > /data/ro-write' 2>/dev/null
check "a :ro bind mount is read-only" [ $? -ne 0 ]
check "... nothing reached the host" [ ! -e "$T_DIR/shared/ro-write" ]
check_eq "--mount type=bind,readonly is read-only" \
	"$(tug run --rm --mount "type=bind,source=$T_DIR/shared,target=/m,readonly" bb sh -c 'touch /m/x 2>/dev/null && echo rw || echo ro')" ro
check_eq "--read-only makes the root read-only" \
	"$(tug run --rm --read-only bb sh -c 'touch /x 2>/dev/null && echo rw || echo ro')" ro
check_eq "--tmpfs gives a writable tmpfs even then" \
	"$(tug run --rm --read-only --tmpfs /scratch bb sh -c 'touch /scratch/x && grep -c " /scratch tmpfs " /proc/mounts')" 1

# ---- an image's symlinks never reach the host ----
# The image's paths are followed while the container's mounts are made;
# by then nothing of the host may be reachable by path (the host's root
# was once parked inside the new root). An image whose /etc and mount
# points are symlinks aiming at the host's root, however it is reached:
esc=$T_DIR/escape
mkdir -p "$esc/rootfs" "$T_DIR/target"
tar -C "$esc/rootfs" -xf "$(t_busybox_tar)"
rm -rf "$esc/rootfs/etc"
ln -s "/proc$T_DIR/target" "$esc/rootfs/etc"
ln -s "/.tug-oldroot$T_DIR/target/viaold" "$esc/rootfs/data"
ln -s "/../../..$T_DIR/target/viadots" "$esc/rootfs/more"
tar -C "$esc/rootfs" -cf "$esc/img.tar" .
tug import "$esc/img.tar" escape:1 >/dev/null
tug run --rm -v "$T_DIR/shared:/data" -v "$T_DIR/shared:/more" escape:1 true >/dev/null 2>&1
check_eq "setting up its mounts created nothing on the host" "$(ls -A "$T_DIR/target")" ""
tug rmi escape:1 >/dev/null 2>&1

exit 0
