#!/usr/bin/env bash
# images.sh - the image store through the real binary: import (plain, gzip,
# zstd, stdin), images/tag/inspect, save -> rmi -> load keeping the id, OCI
# layout and legacy docker-save archives, digest verification, rmi and
# containers, prune, hostile tars refused with the store unchanged,
# interrupted imports invisible, concurrent writers.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1

TAR=$(t_busybox_tar)
DIFF=sha256:$(sha256sum "$TAR" | cut -d' ' -f1)

# Debian's python starts in a tenth of the time of a pyenv shim
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
python3() { "$PY" "$@"; }
# py EXPR: evaluate a python expression with j = the JSON on stdin
py() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
img_id() { tug image inspect "$1" 2>/dev/null | py 'j[0]["Id"]'; }
# The store's visible state: what a reader could see.
snapshot() {
	(cd "$T_ROOT" && find images layers blobs -maxdepth 2 2>/dev/null | sort; cat repositories.json 2>/dev/null) | sha256sum
}

# ---- import ----
out=$(tug images)
check "images prints docker's header" grep -qE '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$' <<<"$out"
ID=$(img_id bb)
check "import named the image bb:latest" grep -qE "^bb +latest +${ID:7:12} +(Less than a second|[0-9]+ seconds?|About a minute) ago +[0-9.]+[kM]B$" <<<"$out"
check_eq "the layer's DiffID is the sha256 of the tar" "$(tug image inspect bb | py 'j[0]["RootFS"]["Layers"][0]')" "$DIFF"
check_eq "imported config follows docker import" \
	"$(tug image inspect bb | py '(j[0]["Os"], j[0]["Architecture"] != "", j[0]["Comment"], j[0]["Config"].get("Cmd"))')" \
	"('linux', True, 'Imported from -', None)"
check "the unpacked layer holds busybox" test -x "$(tug image inspect bb | py 'j[0]["GraphDriver"]["Data"]["LowerDir"]')/bin/busybox"

gzip -c "$TAR" >"$T_DIR/bb.tar.gz"
gid=$(tug import "$T_DIR/bb.tar.gz" bb:gz)
check "import of a gzip tar prints the id" grep -qE '^sha256:[0-9a-f]{64}$' <<<"$gid"
check_eq "gzip import: same DiffID" "$(tug image inspect bb:gz | py 'j[0]["RootFS"]["Layers"][0]')" "$DIFF"
check_eq "gzip import: the layer is unpacked once and shared" "$(ls "$T_ROOT/layers" | wc -l)" 1

sid=$(tug import - bb:stdin <"$TAR")
check_eq "import from stdin" "$(img_id bb:stdin)" "$sid"
if command -v zstd >/dev/null; then
	zid=$(zstd -q -c "$TAR" | tug import - bb:zst)
	check_eq "import of a zstd tar through a pipe" "$(img_id bb:zst)" "$zid"
else
	skip "import of a zstd tar through a pipe" "zstd not installed"
fi
nid=$(tug import "$TAR")
check "import without a name makes a <none> image" grep -qE "^<none> +<none> +${nid:7:12} " <<<"$(tug images)"

# ---- listing ----
json=$(tug images --format json)
check "--format json: one JSON object per row" python3 -c '
import json,sys
rows=[json.loads(l) for l in sys.stdin.read().splitlines()]
assert any(r["Repository"]=="bb" and r["Tag"]=="gz" and len(r["ID"])==12 for r in rows)
assert all(set(["Containers","CreatedAt","CreatedSince","Digest","ID","Repository","Size","Tag"]) <= set(r) for r in rows)
' <<<"$json"
check "images -q prints 12-character ids" bash -c '[ -n "$1" ] && ! grep -vqE "^[0-9a-f]{12}$" <<<"$1"' _ "$(tug images -q)"
check_eq "images REPO filters by repository" "$(tug images bb | tail -n +2 | wc -l)" 4
check_eq "images -f dangling=true" "$(tug images -q -f dangling=true)" "${nid:7:12}"

# ---- tag ----
tug tag bb:latest 127.0.0.1:5000/ns/app:1
check_eq "tag with a registry and port" "$(img_id 127.0.0.1:5000/ns/app:1)" "$ID"
tug tag "${ID:7:10}" bb:short
check_eq "tag from an id prefix" "$(img_id bb:short)" "$ID"
err=$(tug tag bb Bad:Name 2>&1)
check "tag refuses an uppercase name" grep -q "lowercase" <<<"$err"
err=$(tug tag nosuch:1 x:1 2>&1)
check "tag of an unknown image fails clearly" grep -q "no such image: nosuch:1" <<<"$err"
check_eq "inspect lists every name" "$(tug image inspect bb | py '",".join(j[0]["RepoTags"])')" \
	"127.0.0.1:5000/ns/app:1,bb:latest,bb:short"
out=$(tug rmi bb:short)
check_eq "rmi of one name of several only untags" "$out" "Untagged: bb:short"

# ---- save / load ----
tug save -o "$T_DIR/save.tar" bb:latest
names=$(tar -tf "$T_DIR/save.tar" | sort | tr '\n' ' ')
check "save writes docker's manifest.json and the OCI layout" \
	grep -q "blobs/sha256/${ID:7} .*index.json manifest.json oci-layout repositories" <<<"$names"
check_eq "save: manifest.json names the config, tags and layers" \
	"$(tar -xOf "$T_DIR/save.tar" manifest.json | py 'j[0]["Config"], j[0]["RepoTags"], len(j[0]["Layers"])')" \
	"blobs/sha256/${ID:7} ['bb:latest'] 1"
tug rmi 127.0.0.1:5000/ns/app:1 >/dev/null
out=$(tug rmi bb:latest)
check "rmi of the last name deletes the image" grep -q "^Deleted: $ID" <<<"$out"
check "the image is gone" bash -c "! $TUG image inspect bb:latest >/dev/null 2>&1"
out=$(tug load -i "$T_DIR/save.tar")
check_eq "load prints the names it loaded" "$out" "Loaded image: bb:latest"
check_eq "save -> rmi -> load keeps the image id" "$(img_id bb:latest)" "$ID"
out=$(tug save bb:gz | tug load)
check_eq "save to stdout, load from stdin" "$out" "Loaded image: bb:gz"
out=$(tug save "$ID" | tug load)
check_eq "an image saved by id loads without a name" "$out" "Loaded image ID: $ID"

# OCI image layout only (no manifest.json)
mkdir "$T_DIR/oci" && tar -C "$T_DIR/oci" -xf "$T_DIR/save.tar" && rm "$T_DIR/oci/manifest.json" "$T_DIR/oci/repositories"
python3 - "$T_DIR/oci/index.json" <<'EOF'
import json,sys
p=sys.argv[1]; j=json.load(open(p))
j["manifests"][0]["annotations"]={"org.opencontainers.image.ref.name":"127.0.0.1:5000/oci/only:v1"}
json.dump(j,open(p,"w"))
EOF
tar -C "$T_DIR/oci" -cf "$T_DIR/oci.tar" .
out=$(tug load -i "$T_DIR/oci.tar")
check_eq "load of an OCI layout tar" "$out" "Loaded image: 127.0.0.1:5000/oci/only:v1"
check_eq "OCI load keeps the image id" "$(img_id 127.0.0.1:5000/oci/only:v1)" "$ID"

# legacy docker save layout: <id>.json, <layer>/layer.tar, a symlinked layer
L=$T_DIR/legacy
mkdir -p "$L/aaaa" "$L/bbbb"
cp "$TAR" "$L/aaaa/layer.tar"
ln -s ../aaaa/layer.tar "$L/bbbb/layer.tar"
python3 - "$L" "$DIFF" <<'EOF'
import hashlib,json,sys
d,diff=sys.argv[1],sys.argv[2]
cfg=json.dumps({"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},
    "rootfs":{"type":"layers","diff_ids":[diff]},"created":"2020-01-02T03:04:05Z"},sort_keys=True).encode()
h=hashlib.sha256(cfg).hexdigest()
open(f"{d}/{h}.json","wb").write(cfg)
json.dump([{"Config":f"{h}.json","RepoTags":["legacy:1"],"Layers":["aaaa/layer.tar"]},
           {"Config":f"{h}.json","RepoTags":["legacy:2"],"Layers":["bbbb/layer.tar"]}],open(f"{d}/manifest.json","w"))
print(h)
EOF
tar -C "$L" -czf "$T_DIR/legacy.tar.gz" .
out=$(tug load -i "$T_DIR/legacy.tar.gz" | sort | tr '\n' ' ')
check_eq "load of a gzipped legacy docker-save archive with a symlinked layer" "$out" \
	"Loaded image: legacy:1 Loaded image: legacy:2 "
check_eq "legacy load: config kept" "$(tug image inspect legacy:2 | py 'j[0]["Config"]["Cmd"], j[0]["Created"]')" \
	"['sh'] 2020-01-02T03:04:05Z"

# two layers, the second with whiteouts: checked through a real overlay mount
M=$T_DIR/multi
mkdir -p "$M/l2"
python3 - "$M" "$TAR" <<'EOF'
import hashlib,io,json,sys,tarfile
d,base=sys.argv[1],sys.argv[2]
t=tarfile.open(f"{d}/l2/layer.tar","w")
def add(name,data=b""):
    i=tarfile.TarInfo(name); i.size=len(data); t.addfile(i,io.BytesIO(data))
add("bin/.wh.ls")
add("etc/.wh..wh..opq")
add("etc/only","new\n".encode())
add("added","layer2\n".encode())
t.close()
d1="sha256:"+hashlib.sha256(open(base,"rb").read()).hexdigest()
d2="sha256:"+hashlib.sha256(open(f"{d}/l2/layer.tar","rb").read()).hexdigest()
cfg=json.dumps({"os":"linux","architecture":"amd64","rootfs":{"type":"layers","diff_ids":[d1,d2]}}).encode()
h=hashlib.sha256(cfg).hexdigest()
open(f"{d}/{h}.json","wb").write(cfg)
json.dump([{"Config":f"{h}.json","RepoTags":["multi:1"],"Layers":["l1.tar","l2/layer.tar"]}],open(f"{d}/manifest.json","w"))
chain=hashlib.sha256(f"{d1} {d2}".encode()).hexdigest()
open(f"{d}/chain","w").write(chain)
EOF
cp "$TAR" "$M/l1.tar"
tar -C "$M" -cf "$T_DIR/multi.tar" manifest.json l1.tar l2 "$(cd "$M" && ls *.json | grep -v manifest)"
out=$(tug load -i "$T_DIR/multi.tar")
check_eq "load of a two-layer image" "$out" "Loaded image: multi:1"
lower=$(tug image inspect multi:1 | py 'j[0]["GraphDriver"]["Data"]["LowerDir"]')
check_eq "its layers are stored by ChainID, top first in LowerDir" "${lower%%:*}" \
	"$T_ROOT/layers/$(cat "$M/chain")/diff"
check_eq "the base layer is shared with bb" "${lower#*:}" \
	"$(tug image inspect bb:gz | py 'j[0]["GraphDriver"]["Data"]["LowerDir"]')"
mkdir -p "$T_DIR/ovl/upper" "$T_DIR/ovl/work" "$T_DIR/ovl/merged"
if mount -t overlay overlay -o "lowerdir=$lower,upperdir=$T_DIR/ovl/upper,workdir=$T_DIR/ovl/work" \
	"$T_DIR/ovl/merged" 2>/dev/null; then
	check "overlay: a whiteout hides a lower file" test ! -e "$T_DIR/ovl/merged/bin/ls" -a -e "$T_DIR/ovl/merged/bin/cat"
	check_eq "overlay: an opaque directory hides the lower one" "$(ls "$T_DIR/ovl/merged/etc")" "only"
	check_eq "overlay: the upper layer's files are there" "$(cat "$T_DIR/ovl/merged/added")" "layer2"
	umount "$T_DIR/ovl/merged"
else
	skip "overlay: whiteouts work" "overlayfs cannot be mounted here"
fi

# a multi-platform OCI index: the entry for this machine is the one loaded
python3 - "$T_DIR/oci" <<'EOF'
import hashlib,json,sys
d=sys.argv[1]
idx=json.load(open(f"{d}/index.json"))
m=idx["manifests"][0]
other=dict(m); other["digest"]="sha256:"+"e"*64
other["platform"]={"architecture":"arm64" if m["platform"]["architecture"]!="arm64" else "s390x","os":"linux"}
inner=json.dumps({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[other,m]}).encode()
h=hashlib.sha256(inner).hexdigest()
open(f"{d}/blobs/sha256/{h}","wb").write(inner)
idx["manifests"]=[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:"+h,"size":len(inner),
    "annotations":{"io.containerd.image.name":"docker.io/library/multiarch:2"}}]
json.dump(idx,open(f"{d}/index.json","w"))
EOF
tar -C "$T_DIR/oci" -cf "$T_DIR/multiarch.tar" .
out=$(tug load -i "$T_DIR/multiarch.tar" 2>&1)
check_eq "load picks this platform from a multi-platform index" "$out" "Loaded image: multiarch:2"

# digests are verified: a layer that does not match its DiffID, a config
# whose name is not its digest
before=$(snapshot)
python3 - "$L" <<'EOF'
import hashlib,json,sys,os
d=sys.argv[1]
for f in os.listdir(d):
    if f.endswith(".json") and f!="manifest.json": os.unlink(f"{d}/{f}")
cfg=json.dumps({"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:"+"0"*64]}}).encode()
h=hashlib.sha256(cfg).hexdigest()
open(f"{d}/{h}.json","wb").write(cfg)
json.dump([{"Config":f"{h}.json","RepoTags":["bad:diff"],"Layers":["aaaa/layer.tar"]}],open(f"{d}/manifest.json","w"))
EOF
tar -C "$L" -cf "$T_DIR/baddiff.tar" .
err=$(tug load -i "$T_DIR/baddiff.tar" 2>&1)
check "load refuses a layer whose DiffID does not match" grep -q "DiffID" <<<"$err"
check_eq "a refused load leaves the store unchanged" "$(snapshot)" "$before"
python3 - "$L" <<'EOF'
import json,sys,os
d=sys.argv[1]
for f in os.listdir(d):
    if f.endswith(".json") and f!="manifest.json":
        os.rename(f"{d}/{f}", f"{d}/{'1'*64}.json")
        json.dump([{"Config":f"{'1'*64}.json","RepoTags":["bad:cfg"],"Layers":["aaaa/layer.tar"]}],open(f"{d}/manifest.json","w"))
EOF
tar -C "$L" -cf "$T_DIR/badcfg.tar" .
err=$(tug load -i "$T_DIR/badcfg.tar" 2>&1)
check "load refuses a config whose name is not its digest" grep -q "its content has digest" <<<"$err"
err=$(echo "not an archive at all" | tug load 2>&1)
check "load of junk fails clearly" grep -q "load: not a docker save or OCI archive" <<<"$err"
check_eq "failed loads leave the store unchanged" "$(snapshot)" "$before"

# ---- rmi and containers ----
tug rmi 127.0.0.1:5000/oci/only:v1 multiarch:2 >/dev/null
CTR=$(printf 'c%.0s' {1..64})
mkdir -p "$T_ROOT/containers/$CTR"
echo "{\"ImageId\":\"$ID\",\"Name\":\"web\"}" >"$T_ROOT/containers/$CTR/config.json"
err=$(tug rmi bb:latest 2>&1)
check "rmi refuses an image a container uses" grep -q "container web uses it" <<<"$err"
check_eq "the refused image keeps its name" "$(img_id bb:latest)" "$ID"
check_eq "images counts the container" "$(tug images --format json bb:latest | py 'j["Containers"]')" 1
out=$(tug rmi -f bb:latest)
check_eq "rmi -f of a used image only untags it" "$out" "Untagged: bb:latest"
check_eq "the used image stays (by id)" "$(img_id "$ID")" "$ID"
err=$(tug rmi -f "$ID" 2>&1)
check "rmi -f by id of a used image is refused" grep -q "container web uses it" <<<"$err"
rm -rf "$T_ROOT/containers/$CTR"


# ---- prune ----
out=$(tug image prune -f)
check "image prune removes nameless images" grep -q "^deleted: $ID" <<<"$out"
check "image prune reports the space" grep -q "^Total reclaimed space: " <<<"$out"
check "pruned image is gone" bash -c "! $TUG image inspect $ID >/dev/null 2>&1"
check "named images survive prune" test "$(img_id bb:gz)" = "$gid"
out=$(echo n | tug image prune -a)
check "prune asks before removing" grep -q "Are you sure" <<<"$out"
check "answering no keeps everything" test "$(img_id bb:gz)" = "$gid"

# layers a container mounts outlive an image removed under it
python3 - "$T_DIR/lone.tar" <<'EOF'
import io,sys,tarfile
t=tarfile.open(sys.argv[1],"w")
i=tarfile.TarInfo("marker"); i.size=4; t.addfile(i,io.BytesIO(b"lone"))
t.close()
EOF
tug import "$T_DIR/lone.tar" lone:1 >/dev/null
lone=$(tug image inspect lone:1 | py 'j[0]["GraphDriver"]["Data"]["LowerDir"]')
mkdir -p "$T_ROOT/containers/$CTR"
echo "{\"ImageId\":\"sha256:$(printf '0%.0s' {1..64})\",\"Name\":\"orphan\",\"Layers\":[\"$lone\"]}" \
	>"$T_ROOT/containers/$CTR/config.json"
out=$(tug rmi lone:1)
check "an image whose layer a container mounts can be removed" grep -q "^Deleted: sha256:" <<<"$out"
check "but the mounted layer stays" test -f "$lone/marker"
rm -rf "$T_ROOT/containers/$CTR"
tug image prune -f >/dev/null
check "once no container mounts it, the next collection removes it" test ! -e "$lone"

# ---- hostile archives ----
before=$(snapshot)
python3 - "$T_DIR/evil.tar" <<'EOF'
import io,sys,tarfile
t=tarfile.open(sys.argv[1],"w")
def add(name,data=b"x",**kw):
    i=tarfile.TarInfo(name); i.size=len(data)
    for k,v in kw.items(): setattr(i,k,v)
    t.addfile(i,io.BytesIO(data) if i.type==tarfile.REGTYPE else None)
add("ok")
add("../escape")
t.close()
EOF
err=$(tug import "$T_DIR/evil.tar" evil:1 2>&1)
check "import refuses a ../ entry" grep -q 'layer entry "../escape": refusing a path outside the layer' <<<"$err"
check "nothing escaped" test ! -e "$T_DIR/escape" -a ! -e "$T_ROOT/escape" -a ! -e "$T_ROOT/tmp/escape"
python3 - "$T_DIR/evil2.tar" "$T_DIR" <<'EOF'
import io,sys,tarfile
t=tarfile.open(sys.argv[1],"w")
i=tarfile.TarInfo("link"); i.type=tarfile.SYMTYPE; i.linkname="../../../../../../.."+sys.argv[2]; t.addfile(i)
i=tarfile.TarInfo("link/pwned"); i.size=1; t.addfile(i,io.BytesIO(b"x"))
t.close()
EOF
err=$(tug import "$T_DIR/evil2.tar" evil:2 2>&1)
check "import refuses a symlink pointing out" grep -q "outside the layer" <<<"$err"
python3 - "$T_DIR/evil3.tar" "$T_DIR" <<'EOF'
import io,sys,tarfile
t=tarfile.open(sys.argv[1],"w")
i=tarfile.TarInfo("abs"); i.type=tarfile.SYMTYPE; i.linkname=sys.argv[2]; t.addfile(i)
i=tarfile.TarInfo("abs/pwned"); i.size=1; t.addfile(i,io.BytesIO(b"x"))
t.close()
EOF
err=$(tug import "$T_DIR/evil3.tar" evil:3 2>&1)
check "import refuses writing through a symlink" grep -q "through the symbolic link" <<<"$err"
check "nothing written through the links" test ! -e "$T_DIR/pwned"
check_eq "refused imports leave the store unchanged" "$(snapshot)" "$before"
check_eq "and no staging leftovers" "$(ls "$T_ROOT/tmp" | wc -l)" 0

# ---- an interrupted import is invisible ----
mkfifo "$T_DIR/fifo"
tug import "$T_DIR/fifo" half:1 >/dev/null 2>&1 &
ipid=$!
exec 9>"$T_DIR/fifo"
head -c 300000 "$TAR" >&9
wait_for 5 bash -c "ls '$T_ROOT/tmp' | grep -q img-"
kill -9 $ipid 2>/dev/null
wait $ipid 2>/dev/null
exec 9>&-
check_eq "a killed import leaves the store unchanged" "$(snapshot)" "$before"
check "a killed import is not listed" bash -c "! $TUG images | grep -q half"
tug import "$TAR" after:1 >/dev/null
check "the next import sweeps the leftovers" bash -c "! ls '$T_ROOT/tmp' | grep -q img-$ipid-"

# ---- concurrent writers ----
nlayers=$(ls "$T_ROOT/layers" | wc -l)
for i in 1 2 3 4 5 6; do
	tug import "$T_DIR/bb.tar.gz" "par:$i" >/dev/null &
	tug tag bb:gz "partag:$i" &
done
wait
check_eq "parallel imports and tags all land" \
	"$(tug images --format json | python3 -c '
import json,sys
rows=[json.loads(l) for l in sys.stdin.read().splitlines()]
print(sorted(r["Repository"]+":"+r["Tag"] for r in rows if r["Repository"] in ("par","partag")))')" \
	"['par:1', 'par:2', 'par:3', 'par:4', 'par:5', 'par:6', 'partag:1', 'partag:2', 'partag:3', 'partag:4', 'partag:5', 'partag:6']"
check "the index is still valid JSON" python3 -c "import json; json.load(open('$T_ROOT/repositories.json'))"
check_eq "the parallel imports share one layer" "$(ls "$T_ROOT/layers" | wc -l)" "$nlayers"

# ---- errors ----
err=$(tug rmi nosuch 2>&1); rc=$?
check "rmi of an unknown image fails clearly" test $rc -ne 0 -a "$err" = "tug: no such image: nosuch:latest"
err=$(tug import /nonexistent.tar x 2>&1)
check "import of a missing file fails clearly" grep -q "/nonexistent.tar: No such file" <<<"$err"
err=$(tug save nosuch 2>&1 >/dev/null)
check "save of an unknown image fails clearly" grep -q "no such image" <<<"$err"
