#!/usr/bin/env bash
# Volumes through the real binary: named volumes created on first use,
# data outliving the container, docker's copy-up of the image's content
# into a new volume, :ro, --mount type=volume|bind|tmpfs, anonymous
# volumes with rm -v / --rm, volume ls/inspect/rm [-f]/prune.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1

# ---- create, ls, inspect ----
check_eq "volume create prints the name" "$(tug volume create --label tier=db data1)" data1
check "volume ls lists it" bash -c "'$TUG' volume ls | grep -Eq '^local +data1$'"
mp=$(tug volume inspect data1 | python3 -c 'import sys,json; print(json.load(sys.stdin)[0]["Mountpoint"])')
check "its mountpoint is under the root" test -d "$mp" -a "${mp#$T_ROOT/volumes/}" != "$mp"
check "inspect shows the label" bash -c "'$TUG' volume inspect data1 | grep -q '\"tier\": \"db\"'"
check_eq "creating it again is harmless" "$(tug volume create data1)" data1
tug volume create 'bad name' >/dev/null 2>&1
check "an invalid name is refused" test $? -ne 0

# ---- data survives rm and appears in a new container ----
tug run --name w1 -v data1:/data bb sh -c 'echo persisted >/data/file' >/dev/null
tug rm w1 >/dev/null
check_eq "data written to a named volume survives rm" \
	"$(tug run --rm -v data1:/data bb cat /data/file)" persisted
check_eq "... and is in the volume's directory on the host" "$(cat "$mp/file")" persisted

# ---- created on first use, copy-up ----
out=$(tug run --rm -v fresh:/etc bb sh -c 'cat /etc/passwd | head -1')
check_eq "-v NAME:/path creates the volume on first use, filled from the image" "$out" "root:x:0:0:root:/root:/bin/sh"
check "... and it exists afterwards" bash -c "'$TUG' volume ls -q | grep -qx fresh"
fmp=$(tug volume inspect fresh | python3 -c 'import sys,json; print(json.load(sys.stdin)[0]["Mountpoint"])')
check "... holding a copy of the image's /etc" test -f "$fmp/passwd"
tug run --rm -v fresh:/etc bb sh -c 'echo mine >/etc/extra' >/dev/null
check_eq "a non-empty volume is not copied over again" "$(tug run --rm -v fresh:/etc bb cat /etc/extra)" mine

check_eq "-v NAME:/path:nocopy leaves a new volume empty" \
	"$(tug run --rm -v nc1:/etc:nocopy bb ls /etc | wc -l)" 0
check_eq "--mount ...,volume-nocopy too" \
	"$(tug run --rm --mount type=volume,source=nc2,target=/etc,volume-nocopy bb ls /etc | wc -l)" 0

# ---- read-only ----
tug run --rm -v data1:/data:ro bb sh -c 'echo x >/data/new' 2>/dev/null
check "a :ro volume is read-only" test $? -ne 0
check "... and nothing was written" test ! -e "$mp/new"
tug run --rm --mount type=volume,source=data1,target=/data,readonly bb sh -c 'echo x >/data/new2' 2>/dev/null
check "--mount type=volume,readonly is read-only" test $? -ne 0
check_eq "--mount type=volume reads the same data" \
	"$(tug run --rm --mount type=volume,source=data1,target=/data bb cat /data/file)" persisted

# ---- bind and tmpfs mounts ----
mkdir -p "$T_DIR/bind"
echo from-host >"$T_DIR/bind/h"
check_eq "--mount type=bind" "$(tug run --rm --mount type=bind,source=$T_DIR/bind,target=/b bb cat /b/h)" from-host
tug run --rm -v "$T_DIR/bind:/b:ro" bb sh -c 'echo x >/b/h' 2>/dev/null
check "a :ro bind mount is read-only" test $? -ne 0
check_eq "--mount type=tmpfs" "$(tug run --rm --mount type=tmpfs,target=/scratch bb sh -c 'grep -c " /scratch tmpfs" /proc/mounts')" 1
check_eq "--tmpfs with a size" \
	"$(tug run --rm --tmpfs /t:size=1m bb sh -c 'df -k /t | tail -1 | tr -s " " | cut -d" " -f2')" 1024

# ---- in use: rm refused, rm -f ----
tug run -d --name holder -v data1:/data bb sleep 300 >/dev/null
tug volume rm data1 2>"$T_DIR/err"
check "volume rm of a volume in use is refused" grep -q "in use" "$T_DIR/err"
check "... naming the container" grep -q holder "$T_DIR/err"
check "... and the volume is still there" test -f "$mp/file"
check "volume ls shows who uses it (json)" bash -c "'$TUG' volume ls --format json | grep '\"data1\"' | grep -q '\"Links\":1'"
tug stop -t 0 holder >/dev/null
tug volume rm data1 2>/dev/null
check "a stopped container still holds its volume" test $? -ne 0
check "volume rm -f removes it anyway" bash -c "'$TUG' volume rm -f data1 >/dev/null"
check "... with its data" test ! -e "$mp"
tug rm holder >/dev/null

# ---- anonymous volumes ----
id=$(tug run -d -v /anon bb sh -c 'echo a >/anon/x; sleep 300')
anon=$(tug inspect "$id" | python3 -c 'import sys,json; print([m["Name"] for m in json.load(sys.stdin)[0]["Mounts"] if m["Type"]=="volume"][0])')
check "-v /path makes an anonymous volume" grep -Eqx '[0-9a-f]{64}' <<<"$anon"
tug rm -f -v "$id" >/dev/null
check "rm -v removes the container's anonymous volume" bash -c "! '$TUG' volume ls -q | grep -qx $anon"
tug run --rm -v /anon2 bb true
check "--rm removes anonymous volumes too" bash -c "[ \$('$TUG' volume ls -q | grep -Ec '^[0-9a-f]{64}$') -eq 0 ]"

# ---- prune ----
tug volume create keepme >/dev/null
tug run -d --name keeper -v keepme:/k bb sleep 300 >/dev/null
tug volume create loose >/dev/null
out=$(tug volume prune -f)
check "volume prune removes unused volumes" grep -qx loose <<<"$out"
check "... but not ones in use" bash -c "'$TUG' volume ls -q | grep -qx keepme"
tug rm -f keeper >/dev/null
exit 0
