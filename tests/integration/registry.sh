#!/usr/bin/env bash
# registry.sh - pull, push and login against real registries on loopback:
# Debian's docker-registry (open, htpasswd Basic auth, token auth behind a
# small token server), a front that redirects blobs to another host, and
# a slow proxy to interrupt a pull midway; skopeo for interoperability.
# Every registry and helper runs under $T_DIR and is stopped by PID.
. "$(dirname "$0")/../lib.sh"
CHECKS_NEEDING_REGISTRY=(registry-pull registry-push registry-login)
t_need_root "${CHECKS_NEEDING_REGISTRY[@]}" || exit 0
if ! command -v docker-registry >/dev/null; then
	for n in "${CHECKS_NEEDING_REGISTRY[@]}"; do skip "$n" "docker-registry is not installed (apt-get install docker-registry)"; done
	exit 0
fi
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
python3() { "$PY" "$@"; }
HELPER=$T_SRC/tests/registry/helper.py
. "$T_SRC/tests/registry/lib.sh"
PIDS=()

t_setup || exit 1
reg_cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap 'rc=$?; reg_cleanup; (exit $rc); t_cleanup' EXIT

export DOCKER_CONFIG=$T_DIR/docker XDG_CONFIG_HOME=$T_DIR/xdg
R2=$T_DIR/root2
# a second store: what another machine pulling the image would have
tug2() { "$TUG" --root "$R2" --runroot "$T_DIR/run2" "$@"; }
fresh2() { rm -rf "$R2" "$T_DIR/run2"; }
quiet() { "$@" >/dev/null 2>&1; }
py() { "$PY" -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
port() { reg_port; }
img_id() { "$@" 2>/dev/null | py 'j[0]["Id"]'; }
# check_grep DESC ERE TEXT: TEXT has a line matching ERE; shows TEXT if not
check_grep() {
	if grep -qE "$2" <<<"$3"; then ok "$1"; else not_ok "$1"; diag "$(sed 's/^/  /' <<<"$3")"; fi
}
store_state() {
	(cd "$1" 2>/dev/null && find images layers blobs -maxdepth 2 2>/dev/null | sort; cat repositories.json 2>/dev/null) | sha256sum
}

# start_registry NAME PORT [AUTH-YAML]: docker-registry with its storage
# in $T_DIR/NAME
start_registry() {
	local rc
	reg_start "$T_DIR/$1" "$2" "${3:-}"
	rc=$?
	PIDS+=("$REG_PID")
	return $rc
}

P1=$(port)
start_registry open "$P1" || { not_ok "docker-registry starts"; exit 1; }
R=127.0.0.1:$P1
BB=$(img_id tug image inspect bb)
TAR=$(t_busybox_tar)

# ---- references ----
err=$(tug pull 'Bad:Name' 2>&1)
check "a malformed reference is refused before any network traffic" grep -q "invalid reference format" <<<"$err"

# ---- push, then pull elsewhere ----
out=$(tug push bb "$R/tug/bb:1" 2>&1)
check "push prints the digest line" grep -qE "^1: digest: sha256:[0-9a-f]{64} size: [0-9]+$" <<<"$out"
check "push warns that the loopback registry is plain HTTP" grep -q "^warning: $R: plain HTTP" <<<"$out"
PUSHED=$(grep -oE 'sha256:[0-9a-f]{64}' <<<"$out" | tail -1)
check_eq "push records repo@digest locally" \
	"$(tug image inspect bb | py '",".join(j[0]["RepoDigests"])')" "$R/tug/bb@$PUSHED"
if command -v skopeo >/dev/null; then
	sk=$(skopeo inspect --tls-verify=false "docker://$R/tug/bb:1" 2>&1)
	check_eq "skopeo inspect accepts what tug pushed (same digest)" "$(py 'j["Digest"]' <<<"$sk")" "$PUSHED"
	check_eq "skopeo sees the layer tug stored" "$(py 'j["Layers"][0]' <<<"$sk")" \
		"$(tug image inspect bb | py 'j[0]["RootFS"]["Layers"][0]')"
else
	skip "skopeo inspect accepts what tug pushed (same digest)" "skopeo is not installed"
	skip "skopeo sees the layer tug stored" "skopeo is not installed"
fi

out=$(tug2 pull "$R/tug/bb:1" 2>&1)
check "pull by tag succeeds" test $? -eq 0
check "pull prints docker's lines" bash -c 'grep -q "^1: Pulling from tug/bb$" <<<"$1" && grep -q ": Pull complete$" <<<"$1" &&
	grep -q "^Digest: $2$" <<<"$1" && grep -q "^Status: Downloaded newer image for $3/tug/bb:1$" <<<"$1" &&
	grep -q "^$3/tug/bb:1$" <<<"$1"' _ "$out" "$PUSHED" "$R"
check_eq "push then pull keeps the image id" "$(img_id tug2 image inspect "$R/tug/bb:1")" "$BB"
check_eq "push then pull keeps the manifest digest" \
	"$(tug2 image inspect "$R/tug/bb:1" | py '",".join(j[0]["RepoDigests"])')" "$R/tug/bb@$PUSHED"
check "the pulled layer is unpacked" test -x "$(tug2 image inspect "$R/tug/bb:1" | py 'j[0]["GraphDriver"]["Data"]["LowerDir"]')/bin/busybox"
check "nothing is left in the staging area" bash -c '[ -z "$(ls "$1/tmp" 2>/dev/null | grep -v "^pull$")" ] && [ -z "$(ls "$1/tmp/pull" 2>/dev/null)" ]' _ "$R2"
out=$(tug2 pull "$R/tug/bb:1" 2>&1)
check "a second pull finds the image up to date" grep -q "^Status: Image is up to date for $R/tug/bb:1$" <<<"$out"

out=$(tug2 pull "$R/tug/bb@$PUSHED" 2>&1)
check "pull by digest" grep -q "^Digest: $PUSHED$" <<<"$out"
out=$(tug2 pull "$R/tug/bb:nosuch" 2>&1)
check "an unknown tag says the manifest is not found" grep -q "manifest for $R/tug/bb:nosuch not found: manifest unknown" <<<"$out"
bad=sha256:$(printf x | sha256sum | cut -d' ' -f1)
out=$(tug2 pull "$R/tug/bb@$bad" 2>&1)
check "an unknown digest fails cleanly" grep -q "not found" <<<"$out"

# layers already present are not downloaded again: another image (its
# own config) made of bb's layer
case $(uname -m) in x86_64) ARCH=amd64 ;; aarch64) ARCH=arm64 ;; *) ARCH=$(uname -m) ;; esac
"$PY" "$HELPER" oci-image "$TAR" "$ARCH" "$R/tug/bb2:1" "$T_DIR/bb2.tar"
tug load -i "$T_DIR/bb2.tar" >/dev/null && tug push -q "$R/tug/bb2:1" >/dev/null 2>&1
fresh2
tug2 pull -q "$R/tug/bb:1" >/dev/null 2>&1
out=$(tug2 pull "$R/tug/bb2:1" 2>&1)
check "a pull of an image whose layers are here says Already exists" grep -q ": Already exists$" <<<"$out"

# another repository of the registry has the layer: mounted, not uploaded
out=$(tug push bb "$R/other/bb:1" 2>&1)
check "push mounts a layer from another repository of the registry" grep -qE ": Mounted from tug/bb2?$" <<<"$out"

# ---- compressed layers ----
gzip -c "$TAR" >"$T_DIR/bb.tar.gz"
tug import "$T_DIR/bb.tar.gz" "$R/tug/gz:1" >/dev/null && tug push -q "$R/tug/gz:1" >/dev/null 2>&1
fresh2
tug2 pull -q "$R/tug/gz:1" >/dev/null 2>&1
GZD=sha256:$(sha256sum "$T_DIR/bb.tar.gz" | cut -d' ' -f1)
check "a gzip layer is pulled and kept as the same blob" test -f "$R2/blobs/sha256/${GZD#sha256:}"
check_eq "the gzip layer's DiffID is the tar's" "$(tug2 image inspect "$R/tug/gz:1" | py 'j[0]["RootFS"]["Layers"][0]')" \
	"sha256:$(sha256sum "$TAR" | cut -d' ' -f1)"
if command -v zstd >/dev/null; then
	zstd -q -c "$TAR" >"$T_DIR/bb.tar.zst"
	tug import "$T_DIR/bb.tar.zst" "$R/tug/zst:1" >/dev/null && tug push -q "$R/tug/zst:1" >/dev/null 2>&1
	tug2 pull -q "$R/tug/zst:1" >/dev/null 2>&1
	ZD=$(sha256sum "$T_DIR/bb.tar.zst" | cut -d' ' -f1)
	check "a zstd layer is pulled and kept as the same blob" test -f "$R2/blobs/sha256/$ZD"
	check "the zstd image's manifest says zstd" grep -q "tar+zstd" "$R2/images/$(img_id tug2 image inspect "$R/tug/zst:1" | cut -d: -f2)/manifest.json"
else
	skip "a zstd layer is pulled and kept as the same blob" "zstd is not installed"
	skip "the zstd image's manifest says zstd" "zstd is not installed"
fi

# ---- an index with several platforms ----
"$PY" "$HELPER" oci-image "$TAR" arm64 "$R/tug/multi:arm64" "$T_DIR/arm.tar"
tug load -i "$T_DIR/arm.tar" >/dev/null
ARM=$(img_id tug image inspect "$R/tug/multi:arm64")
tug tag bb "$R/tug/multi:host" && tug push -q "$R/tug/multi:host" >/dev/null 2>&1 &&
	tug push -q "$R/tug/multi:arm64" >/dev/null 2>&1
case $(uname -m) in x86_64) HOSTP=linux/amd64 ;; aarch64) HOSTP=linux/arm64/v8 ;; *) HOSTP=linux/$(uname -m) ;; esac
if [ "$HOSTP" = linux/arm64/v8 ]; then OTHER=linux/amd64; else OTHER=linux/arm64; fi
# arm64 first: choosing the first entry would be wrong on amd64
IDX=$("$PY" "$HELPER" index "$R" tug/multi latest "arm64:linux/arm64" "host:$HOSTP" "host:linux/s390x" 2>&1)
check "the test registry took an OCI index" grep -qE '^sha256:[0-9a-f]{64}$' <<<"$IDX"
fresh2
out=$(tug2 pull "$R/tug/multi" 2>&1)
check_eq "pull from an index picks this machine's platform" "$(img_id tug2 image inspect "$R/tug/multi")" "$BB"
check "the index digest is the one recorded" grep -q "^Digest: $IDX$" <<<"$out"
tug2 pull -q --platform "$OTHER" "$R/tug/multi:latest" >/dev/null 2>&1
if [ "$OTHER" = linux/arm64 ]; then
	check_eq "--platform picks another entry" "$(img_id tug2 image inspect "$R/tug/multi")" "$ARM"
else
	check "--platform picks another entry" test "$(img_id tug2 image inspect "$R/tug/multi")" != "$BB"
fi
out=$(tug2 pull --platform linux/riscv64 "$R/tug/multi" 2>&1)
check "a platform the index lacks is named in the error" grep -q "no matching manifest for linux/riscv64" <<<"$out"

# ---- interoperability: skopeo puts a docker save archive in the registry ----
if command -v skopeo >/dev/null; then
	tug save -o "$T_DIR/bb-save.tar" bb
	if skopeo copy -q --dest-tls-verify=false "docker-archive:$T_DIR/bb-save.tar" "docker://$R/skopeo/bb:1" >"$T_DIR/skopeo.log" 2>&1; then
		fresh2
		tug2 pull -q "$R/skopeo/bb:1" >/dev/null 2>&1
		check_eq "tug pulls what skopeo copied from a docker save archive" "$(img_id tug2 image inspect "$R/skopeo/bb:1")" "$BB"
	else
		not_ok "tug pulls what skopeo copied from a docker save archive"
		diag "$(cat "$T_DIR/skopeo.log")"
	fi
else
	skip "tug pulls what skopeo copied from a docker save archive" "skopeo is not installed"
fi

# ---- a corrupted blob ----
mkdir -p "$T_DIR/uniq/etc" && echo "corrupt-me $$" >"$T_DIR/uniq/etc/marker" &&
	tar -C "$T_DIR/uniq" -cf "$T_DIR/uniq.tar" . && cat "$TAR" >/dev/null
tug import "$T_DIR/uniq.tar" "$R/tug/corrupt:1" >/dev/null && tug push -q "$R/tug/corrupt:1" >/dev/null 2>&1
UD=$(sha256sum "$T_DIR/uniq.tar" | cut -d' ' -f1)
DATA=$T_DIR/open/docker/registry/v2/blobs/sha256/${UD:0:2}/$UD/data
"$PY" - "$DATA" <<-'EOF'
	import sys
	p = sys.argv[1]
	b = bytearray(open(p, "rb").read())
	i = b.index(b"corrupt-me")
	b[i] ^= 0x20  # same size, one bit: inside a file's content
	open(p, "wb").write(bytes(b))
EOF
fresh2
tug2 pull -q "$R/tug/bb:1" >/dev/null 2>&1
before=$(store_state "$R2")
out=$(tug2 pull "$R/tug/corrupt:1" 2>&1)
rc=$?
check "a corrupted blob fails the pull" test $rc -ne 0
check "the error is a digest mismatch naming the layer" grep -q "layer sha256:$UD: digest mismatch" <<<"$out"
check_eq "a corrupted blob leaves the store as it was" "$(store_state "$R2")" "$before"
check "the corrupted download is not kept for resuming" test ! -e "$R2/tmp/pull/$UD.part"

# ---- a pull killed midway, then resumed ----
mkdir -p "$T_DIR/big"
head -c 48M /dev/urandom >"$T_DIR/big/random.bin"
tar -C "$T_DIR/big" -cf - . | gzip -1 >"$T_DIR/big.tar.gz"
tug import "$T_DIR/big.tar.gz" "$R/tug/big:1" >/dev/null && tug push -q "$R/tug/big:1" >/dev/null 2>&1
BD=$(sha256sum "$T_DIR/big.tar.gz" | cut -d' ' -f1)
PP=$(port)
"$PY" "$HELPER" proxy "$PP" "$P1" 4000000 &
PIDS+=($!)
reg_wait 127.0.0.1 "$PP"
fresh2
tug2 pull -q "$R/tug/bb:1" >/dev/null 2>&1
before=$(store_state "$R2")
partial_over() { [ "$(stat -c %s "$R2/tmp/pull/$BD.part" 2>/dev/null || echo 0)" -gt "$1" ]; }
# Ctrl-C: a clean stop (started directly, so that $! is tug itself)
"$TUG" --root "$R2" --runroot "$T_DIR/run2" pull -q "127.0.0.1:$PP/tug/big:1" >/dev/null 2>"$T_DIR/int.err" &
PULL=$!
if wait_for 30 partial_over 1000000; then
	kill -INT "$PULL"
	wait "$PULL"
	rc=$?
	check "Ctrl-C stops a pull with an error" test $rc -ne 0
	check_grep "Ctrl-C says the pull was canceled" "canceled" "$(cat "$T_DIR/int.err")"
	check_eq "a canceled pull leaves the store as it was" "$(store_state "$R2")" "$before"
	check "a canceled pull keeps its partial layer, unlocked" flock -n "$R2/tmp/pull/$BD.part" true
else
	not_ok "a pull through the slow proxy starts writing its layer"
	kill "$PULL" 2>/dev/null
fi
# kill -9 midway
"$TUG" --root "$R2" --runroot "$T_DIR/run2" pull -q "127.0.0.1:$PP/tug/big:1" >/dev/null 2>&1 &
PULL=$!
if wait_for 30 partial_over 4000000; then
	kill -9 "$PULL"
	wait "$PULL" 2>/dev/null
	check_eq "a pull killed midway leaves the store as it was" "$(store_state "$R2")" "$before"
	not_listed() { ! tug2 images | grep -q "$1"; }
	check "the killed pull's image is not listed" not_listed tug/big
	out=$(tug2 pull "$R/tug/big:1" 2>&1)
	check "the next pull succeeds" grep -q "^Status: Downloaded newer image for $R/tug/big:1$" <<<"$out"
	check_grep "the next pull resumes the partial layer" "^${BD:0:12}: Resuming from" "$out"
	check_eq "the resumed layer is intact" \
		"$(sha256sum "$(tug2 image inspect "$R/tug/big:1" | py 'j[0]["GraphDriver"]["Data"]["LowerDir"]')/random.bin" | cut -d' ' -f1)" \
		"$(sha256sum "$T_DIR/big/random.bin" | cut -d' ' -f1)"
	check "the partial file is gone once published" test ! -e "$R2/tmp/pull/$BD.part"
else
	not_ok "a pull through the slow proxy starts writing its layer"
fi

# two pulls of one image at once: both succeed, the image is stored once
fresh2
"$TUG" --root "$R2" --runroot "$T_DIR/run2" pull -q "$R/tug/big:1" >/dev/null 2>"$T_DIR/c1.err" &
C1=$!
"$TUG" --root "$R2" --runroot "$T_DIR/run2" pull -q "$R/tug/big:1" >/dev/null 2>"$T_DIR/c2.err" &
C2=$!
wait "$C1"; r1=$?
wait "$C2"; r2=$?
check "two concurrent pulls of one image both succeed" test $r1 -eq 0 -a $r2 -eq 0
check_eq "and the image is stored once" "$(tug2 images | grep -c "tug/big")" 1
check "and no partial file is left" test -z "$(ls "$R2/tmp/pull" 2>/dev/null)"

# chunked upload (the big layer is larger than one chunk) round trip
check_eq "a chunked push pulls back with the same id" "$(img_id tug2 image inspect "$R/tug/big:1")" \
	"$(img_id tug image inspect "$R/tug/big:1")"

# ---- Basic auth (htpasswd) and tug login ----
if command -v htpasswd >/dev/null; then
	htpasswd -Bbn alice secret >"$T_DIR/htpasswd" 2>/dev/null
	P2=$(port)
	start_registry basic "$P2" "auth:
  htpasswd:
    realm: tug-test
    path: $T_DIR/htpasswd"
	B=127.0.0.1:$P2
	out=$(tug push bb "$B/tug/bb:1" 2>&1)
	check "push to a registry that wants a login says to log in" grep -q "tug login $B" <<<"$out"
	out=$(tug login -u alice --password-stdin "$B" <<<"wrong" 2>&1)
	check "login with a wrong password fails" grep -q "incorrect username or password" <<<"$out"
	check "a failed login stores nothing" test ! -e "$DOCKER_CONFIG/config.json"
	out=$(tug login -u alice --password-stdin "$B" <<<"secret" 2>&1)
	check_eq "login with the right password" "$out" "Login Succeeded"
	check_eq "credentials are stored with mode 0600" "$(stat -c %a "$DOCKER_CONFIG/config.json")" 600
	check_eq "credentials are stored in docker's format" \
		"$(py "j['auths']['$B']['auth']" <"$DOCKER_CONFIG/config.json")" "$(printf alice:secret | base64)"
	tug push -q bb "$B/tug/bb:1" >/dev/null 2>&1
	fresh2
	check "push and pull with Basic auth" quiet tug2 pull -q "$B/tug/bb:1"
	check_eq "logout" "$(tug logout "$B")" "Removing login credentials for $B"
	fresh2
	out=$(tug2 pull "$B/tug/bb:1" 2>&1)
	check "after logout the registry refuses again" grep -q "requires a login" <<<"$out"
else
	skip "login against an htpasswd registry" "htpasswd is not installed (apache2-utils)"
fi

# ---- token auth: the registry trusts a token server ----
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_DIR/tok.key" -out "$T_DIR/tok.crt" \
		-days 1 -subj /CN=tug-test-token >/dev/null 2>&1
	PT=$(port)
	P3=$(port)
	"$PY" "$HELPER" token "$PT" "$T_DIR/tok.key" "$T_DIR/tok.crt" tug-issuer tug-registry bob builder "$T_DIR/token.log" &
	PIDS+=($!)
	reg_wait 127.0.0.1 "$PT" || not_ok "the test token server starts"
	start_registry tokenreg "$P3" "auth:
  token:
    realm: http://127.0.0.1:$PT/token
    service: tug-registry
    issuer: tug-issuer
    rootcertbundle: $T_DIR/tok.crt"
	K=127.0.0.1:$P3
	out=$(tug push bb "$K/tug/bb:1" 2>&1)
	check_grep "anonymous push to a token registry is refused" "unauthorized|denied" "$out"
	out=$(tug login -u bob --password-stdin "$K" <<<"nope" 2>&1)
	check "token login with a wrong password fails" grep -q "incorrect username or password" <<<"$out"
	out=$(tug login -u bob --password-stdin "$K" <<<"builder" 2>&1)
	check_eq "token login" "$out" "Login Succeeded"
	out=$(tug push bb "$K/tug/bb:1" 2>&1)
	check "push with a bearer token" grep -q "^1: digest: " <<<"$out"
	check "the token was asked with credentials for push scope" "$PY" -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert any(r["auth"] and "repository:tug/bb:pull,push" in r["query"].get("scope", []) and
           r["query"].get("service") == ["tug-registry"] and r["query"].get("account") == ["bob"] for r in rows)
' "$T_DIR/token.log"
	fresh2
	check "pull with a bearer token" quiet tug2 pull -q "$K/tug/bb:1"
	check_eq "the token registry's image has the same id" "$(img_id tug2 image inspect "$K/tug/bb:1")" "$BB"
	tug logout "$K" >/dev/null
else
	skip "token auth" "openssl is not installed"
fi

# ---- a TLS registry with a self-signed certificate ----
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_DIR/tls.key" -out "$T_DIR/tls.crt" -days 1 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	P4=$(port)
	start_registry tls "$P4" "  tls:
    certificate: $T_DIR/tls.crt
    key: $T_DIR/tls.key"
	tug push -q bb "127.0.0.1:$P4/tug/bb:1" >/dev/null 2>&1
	fresh2
	out=$(tug2 pull "127.0.0.1:$P4/tug/bb:1" 2>&1)
	check_grep "a loopback TLS registry is used over https, with a warning that its certificate is not verified" \
		"^warning: 127.0.0.1:$P4: TLS certificate not verified" "$out"
	check_grep "and the pull succeeds" "^Status: Downloaded newer image" "$out"
else
	skip "a loopback TLS registry is used over https" "openssl is not installed"
fi

# ---- redirects: the Authorization stays with the registry ----
PF=$(port)
PB=$(port)
"$PY" "$HELPER" redirect "$PF" "$P1" "$PB" "$T_DIR/redirect.log" &
PIDS+=($!)
if reg_wait 127.0.0.2 "$PB"; then
	fresh2
	out=$(tug2 pull --creds alice:wonderland "127.0.0.1:$PF/tug/bb:1" 2>&1)
	check "pull follows a blob redirect to another host" grep -q "^Status: Downloaded newer image" <<<"$out"
	check "the registry's Authorization is not sent to the other host" "$PY" -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
blobs = [r for r in rows if r["server"] == "blobs"]
front = [r for r in rows if r["server"] == "front" and "/blobs/" in r["path"]]
assert blobs and front and all(r["auth"] is None for r in blobs) and all(r["auth"] for r in front), rows
' "$T_DIR/redirect.log"
else
	not_ok "the redirecting test front starts"
fi

# ---- run pulls a missing image (docker's "Unable to find image") ----
if tug run --help >/dev/null 2>&1; then
	fresh2
	out=$(tug2 run --rm "$R/tug/bb:1" echo pulled 2>&1)
	check "run pulls a missing image first" bash -c 'grep -q "Unable to find image '"'"'$2/tug/bb:1'"'"' locally" <<<"$1" && grep -q "^pulled$" <<<"$1"' _ "$out" "$R"
else
	skip "run pulls a missing image first" "tug run is not in this build"
fi

echo "1..$T_N"
