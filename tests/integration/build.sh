#!/usr/bin/env bash
# build.sh - tug build through the real binary: a multi-stage build that
# compiles a static C program with the host's gcc (copied into a build
# image) and ships only the binary FROM scratch; ARG/ENV/WORKDIR/USER/
# ENTRYPOINT/CMD in the built image; the cache (a second build runs no
# RUN, a changed file re-runs what follows it, --no-cache); .dockerignore;
# errors naming their Dockerfile line; COPY --from and --chown; ADD of
# local tars; whiteouts of files and directories of lower layers;
# --target; stdin Dockerfiles and contexts; heredocs; FROM and COPY
# --from an image only a registry on loopback has (pulled); no container,
# mount or scratch directory left behind.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1

PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
# py EXPR: evaluate with j = the JSON on stdin
py() { "$PY" -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
img_id() { tug image inspect "$1" 2>/dev/null | py 'j[0]["Id"]'; }
cfg() { tug image inspect "$1" | py "j[0]['Config'].get('$2')"; }

# Running a built image needs `tug run`; without it those checks skip.
HAVE_RUN=0
tug run --rm bb true >/dev/null 2>&1 && HAVE_RUN=1
# check_run DESC WANT IMAGE [ARGS...]: the output of tug run --rm IMAGE ARGS
check_run() {
	local d=$1 want=$2
	shift 2
	if [ $HAVE_RUN = 0 ]; then
		skip "$d" "tug run is not in this tree"
		return
	fi
	check_eq "$d" "$(tug run --rm "$@" 2>&1)" "$want"
}

W=$T_DIR/work
mkdir -p "$W"

# ---- a build image with the host's C toolchain ----
# Only what compiling and statically linking hello.c needs: gcc's driver,
# cc1, as, ld and their libraries, the headers hello.c includes and the
# objects and archives the link reads, on top of the busybox tree.
cat >"$W/hello.c" <<'EOF'
#include <stdio.h>
int main(int argc, char **argv)
{
	printf("hello from a static binary%s%s\n", argc > 1 ? ", " : "", argc > 1 ? argv[1] : "");
	return 0;
}
EOF
gcc_rootfs() {
	local src=$1 out=$2 d gcc f
	d=$(mktemp -d "$W/gccroot.XXXXXX")
	tar -C "$d" -xf "$(t_busybox_tar)" || return 1
	gcc=$(readlink -f "$(command -v gcc)") || return 1
	local progs=("$gcc" "$(gcc -print-prog-name=cc1)" "$(gcc -print-prog-name=collect2)"
		"$(gcc -print-prog-name=lto-wrapper)" "$(command -v as)" "$(command -v ld)")
	local files=("${progs[@]}" "$(gcc -print-file-name=liblto_plugin.so)")
	for f in "${progs[@]}"; do
		files+=($(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'))
	done
	files+=($(gcc -O2 -M "$src" | tr -d '\\' | tr ' ' '\n' | grep '^/'))
	files+=($(cd "$W" && gcc -static -o /dev/null "$src" -Wl,--trace 2>/dev/null | grep '^/' |
		grep -v "^${TMPDIR:-/tmp}/"))
	for f in $(printf '%s\n' "${files[@]}" | sort -u); do
		[ -e "$f" ] || continue
		mkdir -p "$d$(dirname "$f")" && cp -L "$f" "$d$f" || return 1
	done
	ln -sf "$gcc" "$d/usr/bin/gcc"
	tar -C "$d" -cf "$out" . && rm -rf "$d"
}
# built once per build directory (and gcc version), like the busybox tree
GCC_TAR=${BUILD:-/tmp}/gcc-rootfs-$( (gcc --version; cat "$W/hello.c") 2>/dev/null | sha256sum | cut -c1-12).tar
HAVE_GCC=0
if command -v gcc >/dev/null &&
	{ [ -s "$GCC_TAR" ] || { gcc_rootfs "$W/hello.c" "$GCC_TAR.$$" && mv "$GCC_TAR.$$" "$GCC_TAR"; }; } &&
	tug import "$GCC_TAR" gcc:host >/dev/null; then
	HAVE_GCC=1
else
	diag "no host gcc toolchain: the compile test is skipped"
fi

# ---- multi-stage: compile in one stage, ship the binary FROM scratch ----
C=$W/hello
mkdir -p "$C"
cp "$W/hello.c" "$C/"
cat >"$C/Dockerfile" <<'EOF'
FROM gcc:host AS build
WORKDIR /src
COPY hello.c .
RUN gcc -static -O2 -o hello hello.c && ./hello build-stage

FROM scratch
COPY --from=build /src/hello /usr/bin/hello
ENTRYPOINT ["/usr/bin/hello"]
EOF
if [ $HAVE_GCC = 1 ]; then
	out=$(tug build -t hello:static "$C" 2>&1)
	check "multi-stage build with a real compile succeeds" grep -q '^Successfully tagged hello:static$' <<<"$out"
	check "the RUN output streams into the build output" grep -q '^hello from a static binary, build-stage$' <<<"$out"
	check "progress shows the steps" grep -q '^STEP 4/7: RUN gcc -static -O2 -o hello hello.c' <<<"$out"
	check_run "the FROM scratch image runs the compiled binary" "hello from a static binary, it runs" \
		hello:static "it runs"
	check_eq "the final image has only the final stage's layer" \
		"$(tug image inspect hello:static | py 'len(j[0]["RootFS"]["Layers"])')" 1
	size=$(tug image inspect hello:static | py 'j[0]["Size"]')
	check "the final image is small (${size} bytes: the binary only)" test "$size" -lt 3000000
	layers=$(tug save hello:static | "$PY" -c '
import io, json, sys, tarfile
t = tarfile.open(fileobj=io.BytesIO(sys.stdin.buffer.read()))
m = json.load(t.extractfile("manifest.json"))[0]
l = tarfile.open(fileobj=t.extractfile(m["Layers"][0]))
print(" ".join(sorted(n for n in l.getnames())))')
	check_eq "the layer holds the binary and its directories, nothing of the build stage" "$layers" \
		"usr usr/bin usr/bin/hello"
else
	skip "multi-stage build with a real compile" "no gcc"
fi

# ---- config instructions take effect ----
C=$W/cfg
mkdir -p "$C"
cat >"$C/Dockerfile" <<'EOF'
ARG BASE=bb
FROM $BASE
ARG VERSION=1.0
ARG WHO
ENV APP_VERSION=$VERSION \
    GREETING="hello ${WHO:-nobody}"
RUN echo 'app:x:1000:1000::/home/app:/bin/sh' >> /etc/passwd && echo 'app:x:1000:' >> /etc/group
WORKDIR /srv
WORKDIR app
RUN echo "$VERSION" > version.txt && echo "build arg in RUN: $WHO"
USER app
LABEL org.example.version=$VERSION "quoted key"="a b"
EXPOSE 8080 53/udp
STOPSIGNAL SIGINT
VOLUME /data
HEALTHCHECK --interval=30s --retries=3 CMD ["true"]
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["echo \"$GREETING v$APP_VERSION as $(id -u) in $(pwd)\""]
EOF
out=$(tug build -t cfg:1 --build-arg VERSION=2.5 --build-arg WHO=tug "$C" 2>&1)
check "build with --build-arg" grep -q '^Successfully tagged cfg:1$' <<<"$out"
check "a build arg is in RUN's environment" grep -q '^build arg in RUN: tug$' <<<"$out"
check_run "ENTRYPOINT + CMD, ENV (from ARG), USER and WORKDIR take effect" \
	"hello tug v2.5 as 1000 in /srv/app" cfg:1
check_run "a CMD given to run replaces the image's" "/srv/app/version.txt 2.5" \
	cfg:1 'echo $(pwd)/version.txt $(cat version.txt)'
check_eq "ARGs are not in the image's environment" "$(cfg cfg:1 Env)" \
	"['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'APP_VERSION=2.5', 'GREETING=hello tug']"
check_eq "relative WORKDIR builds on the previous one" "$(cfg cfg:1 WorkingDir)" "/srv/app"
check_eq "USER" "$(cfg cfg:1 User)" "app"
check_eq "LABEL with substitution and quotes" "$(cfg cfg:1 Labels)" \
	"{'org.example.version': '2.5', 'quoted key': 'a b'}"
check_eq "EXPOSE" "$(cfg cfg:1 ExposedPorts)" "{'53/udp': {}, '8080/tcp': {}}"
check_eq "STOPSIGNAL and VOLUME" "$(cfg cfg:1 StopSignal) $(cfg cfg:1 Volumes)" "SIGINT {'/data': {}}"
check_eq "HEALTHCHECK" "$(cfg cfg:1 Healthcheck)" \
	"{'Interval': 30000000000, 'Retries': 3, 'Test': ['CMD', 'true']}"
check_eq "RUN and WORKDIR make layers, the rest empty_layer history entries" \
	"$(tug save cfg:1 | "$PY" -c '
import io, json, sys, tarfile
t = tarfile.open(fileobj=io.BytesIO(sys.stdin.buffer.read()))
m = json.load(t.extractfile("manifest.json"))[0]
c = json.load(t.extractfile(m["Config"]))
print(len(c["rootfs"]["diff_ids"]), sum(1 for h in c["history"] if h.get("empty_layer")),
      c["history"][-1]["created_by"])')" "5 11 CMD [\"echo \\\"\$GREETING v\$APP_VERSION as \$(id -u) in \$(pwd)\\\"\"]"
out=$(tug build -q -t cfg:2 "$C" 2>&1)
check_run "ARG defaults apply without --build-arg" "hello nobody v1.0 as 1000 in /srv/app" cfg:2

# ---- RUN's network ----
out=$(printf 'FROM bb\nRUN ip -o link | grep -c eth0 || true\n' | tug build --no-cache - 2>&1)
check "RUN has no network but loopback by default" grep -q '^0$' <<<"$out"
out=$(printf 'FROM bb\nRUN ip -o link | grep -c eth0 || true\n' | tug build --network bridge --no-cache - 2>&1)
check "--network bridge gives RUN the default bridge" grep -q '^1$' <<<"$out"

# ---- the cache ----
C=$W/cache
mkdir -p "$C"
echo one >"$C/input.txt"
cat >"$C/Dockerfile" <<'EOF'
FROM bb
RUN echo RAN-FIRST && head -c 16 /dev/urandom | od -An -tx1 > /random
COPY input.txt /input.txt
RUN echo RAN-SECOND && cat /input.txt > /copy.txt
CMD ["cat", "/random", "/copy.txt"]
EOF
out1=$(tug build -t cache:1 "$C" 2>&1)
id1=$(img_id cache:1)
out2=$(tug build -t cache:1 "$C" 2>&1)
check "a second identical build runs no RUN" bash -c '! grep -q "^RAN-" <<<"$1"' _ "$out2"
check_eq "every filesystem step is CACHED" "$(grep -c '^--> CACHED$' <<<"$out2")" 3
check_eq "and gives the same image id" "$(img_id cache:1)" "$id1"
echo two >"$C/input.txt"
out3=$(tug build -t cache:1 "$C" 2>&1)
check "a changed COPY source re-runs the steps after it only" \
	bash -c 'grep -q "^RAN-SECOND" <<<"$1" && ! grep -q "^RAN-FIRST" <<<"$1"' _ "$out3"
check_run "the rebuilt image has the new content and the cached random bytes" \
	"$(tug run --rm cache:1 cat /random 2>/dev/null)
two" cache:1
out4=$(tug build --no-cache -t cache:1 "$C" 2>&1)
check "--no-cache runs every RUN" bash -c 'grep -q "^RAN-FIRST" <<<"$1" && grep -q "^RAN-SECOND" <<<"$1"' _ "$out4"
check "--no-cache gives a new image" test "$(img_id cache:1)" != "$id1"
out5=$(tug builder prune 2>&1)
check "builder prune drops the cache" grep -q '^Deleted build cache objects: [1-9]' <<<"$out5"
out6=$(tug build -t cache:1 "$C" 2>&1)
check "after builder prune the RUN steps run again" grep -q '^RAN-FIRST' <<<"$out6"

# predefined proxy ARGs: in RUN's environment, out of the cache key and the history
C=$W/proxy
mkdir -p "$C"
printf 'FROM bb\nENV LEGACY hello legacy form\nRUN echo "proxy=$HTTP_PROXY legacy=$LEGACY"\n' >"$C/Dockerfile"
out=$(tug build --build-arg HTTP_PROXY=http://u:s3cret@127.0.0.1:3128 -t proxy:1 "$C" 2>&1)
check "a proxy build arg reaches RUN without an ARG; ENV's legacy form" \
	grep -q '^proxy=http://u:s3cret@127.0.0.1:3128 legacy=hello legacy form$' <<<"$out"
out=$(tug build --build-arg HTTP_PROXY=http://127.0.0.1:8080 -t proxy:1 "$C" 2>&1)
check "another proxy does not invalidate the cache" \
	bash -c 'grep -q "^--> CACHED" <<<"$1" && ! grep -q "^proxy=" <<<"$1"' _ "$out"
saved=$(tug save proxy:1 | tr -d '\0' | wc -c)
check "the proxy is not in the image (${saved} bytes read)" \
	bash -c '[ "$2" -gt 1000 ] && ! "$1" save proxy:1 | grep -aq s3cret' _ "$TUG" "$saved"

# ---- .dockerignore ----
C=$W/ignore
mkdir -p "$C/src/sub" "$C/build" "$C/docs"
echo code >"$C/src/main.c"
echo secret >"$C/src/sub/api.key"
echo obj >"$C/build/out.o"
echo skip >"$C/docs/a.md"
echo keep >"$C/docs/README.md"
echo log >"$C/debug.log"
printf '# build output\nbuild\n**/*.key\n*.log\ndocs\n!docs/README.md\n' >"$C/.dockerignore"
cat >"$C/Dockerfile" <<'EOF'
FROM bb
COPY . /ctx/
RUN cd /ctx && find . -type f | sort | tr '\n' ' ' && echo
EOF
out=$(tug build -t ignore:1 "$C" 2>&1)
check_eq ".dockerignore excludes files, directories, ** patterns, and ! re-includes" \
	"$(grep '^\./' <<<"$out")" "./.dockerignore ./Dockerfile ./docs/README.md ./src/main.c "
printf 'FROM bb\nCOPY debug.log /\n' >"$C/Dockerfile.log"
out=$(tug build -f "$C/Dockerfile.log" "$C" 2>&1)
check "COPY of an excluded file fails clearly" \
	grep -q 'Dockerfile.log:2: COPY debug.log /: debug.log: file not found in build context or excluded by .dockerignore' <<<"$out"

# ---- errors name the Dockerfile line ----
C=$W/errors
mkdir -p "$C"
printf 'FROM bb\n\n# a comment\nRUN true \\\n  && true\nRUNN make\n' >"$C/Dockerfile"
out=$(tug build "$C" 2>&1)
rc=$?
check_eq "an unknown instruction names its line" "$out" "tug: Dockerfile:6: unknown instruction: RUNN"
check_eq "a failed build exits 1" "$rc" 1
printf 'FROM bb\nENV A=1\nRUN echo about to fail && exit 3\nRUN echo never\n' >"$C/Dockerfile"
out=$(tug build "$C" 2>&1)
check "a failing RUN names its line and exit code" grep -q \
	'^tug: Dockerfile:3: RUN echo about to fail && exit 3: process \["/bin/sh","-c","echo about to fail && exit 3"\] did not complete successfully: exit code: 3$' <<<"$out"
check "the steps after a failure do not run" bash -c '! grep -q "STEP 4" <<<"$1"' _ "$out"
out=$(printf 'FROM 127.0.0.1:1/nosuch:7\n' | tug build - 2>&1)
check "a base image neither local nor pullable fails naming the line" grep -qE \
	'Dockerfile:1: FROM 127.0.0.1:1/nosuch:7: (no such image locally|pull 127.0.0.1:1/nosuch:7: .*cannot reach the registry)' <<<"$out"
out=$(printf 'FROM bb\nCOPY --frm=x a b\n' | tug build - 2>&1)
check "an unknown flag names its line" grep -q 'Dockerfile:2: unknown flag for COPY: --frm' <<<"$out"
out=$(printf 'FROM bb\nADD https://example.com/f.tar /\n' | tug build - 2>&1)
check "ADD of a URL is refused: no network" grep -q 'Dockerfile:2: .*downloading is not supported: tug build has no network' <<<"$out"
check_eq "failed builds leave no container" "$(ls "$T_ROOT/containers" | wc -l)" 0

# ---- COPY --from a stage, --chown, ADD of local tars, whiteouts ----
C=$W/files
mkdir -p "$C/tree/t/d"
echo inside >"$C/tree/t/file"
ln -s file "$C/tree/t/link"
echo deep >"$C/tree/t/d/deep"
tar -C "$C/tree" -cf "$C/plain.tar" t
tar -C "$C/tree" -czf "$C/arch.tgz" t
tar -C "$C/tree" -cjf "$C/arch.tar.bz2" t
tar -C "$C/tree" -cJf "$C/arch.tar.xz" t
have_zstd=0
command -v zstd >/dev/null && tar -C "$C/tree" --zstd -cf "$C/arch.tar.zst" t && have_zstd=1
echo "not an archive" >"$C/notes.txt"
cat >"$C/Dockerfile" <<EOF
FROM bb AS users
RUN echo 'app:x:1000:1000::/home/app:/bin/sh' >> /etc/passwd && echo 'app:x:1000:' >> /etc/group
RUN mkdir -p /made && echo from-stage > /made/file

FROM users
COPY --from=users /made /copied
COPY --from=0 --chown=app:app /made/file /owned/
COPY --chown=1234:5678 notes.txt /numeric.txt
ADD plain.tar /x/plain/
ADD arch.tgz /x/gz
ADD arch.tar.bz2 /x/bz2/
ADD arch.tar.xz /x/xz/
$( [ $have_zstd = 1 ] && echo 'ADD arch.tar.zst /x/zst/')
ADD notes.txt /x/notes.txt
RUN rm /bin/vi /etc/group && rm -rf /etc/app && mkdir /etc/app
RUN rm -rf /root && mkdir /root && echo fresh > /root/only
EOF
out=$(tug build -t files:1 "$C" 2>&1)
check "build with COPY --from, --chown and ADD" grep -q '^Successfully tagged files:1$' <<<"$out"
if [ $HAVE_RUN = 1 ]; then
	check_eq "COPY --from copies a stage's directory" "$(tug run --rm files:1 cat /copied/file)" "from-stage"
	check_eq "--chown by name from the image's passwd" \
		"$(tug run --rm files:1 stat -c '%u:%g %a' /owned/file)" "1000:1000 644"
	check_eq "--chown with numbers" "$(tug run --rm files:1 stat -c '%u:%g' /numeric.txt)" "1234:5678"
	want="/x/bz2/t/d/deep /x/bz2/t/file /x/bz2/t/link /x/gz/t/d/deep /x/gz/t/file /x/gz/t/link /x/notes.txt /x/plain/t/d/deep /x/plain/t/file /x/plain/t/link /x/xz/t/d/deep /x/xz/t/file /x/xz/t/link"
	[ $have_zstd = 1 ] && want="$want /x/zst/t/d/deep /x/zst/t/file /x/zst/t/link"
	check_eq "ADD unpacks local tar, gzip, bzip2, xz and zstd archives" \
		"$(tug run --rm files:1 sh -c 'find /x ! -type d | sort | tr "\n" " "')" "$want "
	check_eq "ADD keeps links and content of the archive" \
		"$(tug run --rm files:1 sh -c 'readlink /x/gz/t/link; cat /x/xz/t/d/deep')" "file
deep"
	check_eq "ADD copies a file that is no archive as it is" \
		"$(tug run --rm files:1 cat /x/notes.txt)" "not an archive"
	check_eq "files removed by RUN are gone from the image" \
		"$(tug run --rm files:1 sh -c 'ls /bin/vi /etc/group 2>&1 | wc -l; ls /bin/ls')" "2
/bin/ls"
	check_eq "a directory removed and remade by RUN holds only the new content" \
		"$(tug run --rm files:1 ls -A /root)" "only"
else
	for n in "COPY --from" "--chown by name" "--chown numbers" "ADD archives" "ADD links" "ADD file" \
		"whiteouts" "opaque directory"; do
		skip "$n" "tug run is not in this tree"
	done
fi
wh=$(tug save files:1 | "$PY" -c '
import io, json, sys, tarfile
t = tarfile.open(fileobj=io.BytesIO(sys.stdin.buffer.read()))
m = json.load(t.extractfile("manifest.json"))[0]
names = set()
for l in m["Layers"][-2:]:
    names |= set(tarfile.open(fileobj=t.extractfile(l)).getnames())
print(" ".join(sorted(n for n in names if ".wh." in n)))')
check_eq "the RUN layers carry OCI whiteouts and an opaque marker" "$wh" \
	"bin/.wh.vi etc/.wh.group root/.wh..wh..opq"

# ---- --target, stdin ----
C=$W/target
mkdir -p "$C"
cat >"$C/Dockerfile" <<'EOF'
FROM bb AS first
RUN echo first > /stage
FROM bb AS second
RUN echo second > /stage
FROM first
RUN echo NOT-BUILT
EOF
out=$(tug build --target second -t target:1 "$C" 2>&1)
check "--target stops at its stage" bash -c '! grep -q "NOT-BUILT" <<<"$1"' _ "$out"
check "--target skips the stages it does not need" bash -c '! grep -q "echo first" <<<"$1"' _ "$out"
check_run "the image is the target stage" "second" target:1 cat /stage
id=$(printf 'FROM bb\nRUN echo from-stdin > /f\n' | tug build -q -)
check "-q prints only the image id (Dockerfile from stdin, no context)" grep -qE '^sha256:[0-9a-f]{64}$' <<<"$id"
mkdir -p "$W/tarctx"
echo from-tar >"$W/tarctx/f"
printf 'FROM bb\nCOPY f /f\n' >"$W/tarctx/Dockerfile"
tar -C "$W/tarctx" -czf "$W/ctx.tgz" .
out=$(tug build -t tarctx:1 - <"$W/ctx.tgz" 2>&1)
check "a context tar on stdin" grep -q '^Successfully tagged tarctx:1$' <<<"$out"
check_run "its files are copied" "from-tar" tarctx:1 cat /f
out=$(printf 'FROM bb\nCOPY f /g\n' | tug build -f - -t dfstdin:1 "$W/tarctx" 2>&1)
check "-f - reads the Dockerfile from stdin with a context directory" grep -q '^Successfully tagged dfstdin:1$' <<<"$out"

# ---- heredocs ----
C=$W/heredoc
mkdir -p "$C"
cat >"$C/Dockerfile" <<'DOCKERFILE'
FROM bb
ARG WHO=heredoc
RUN <<EOF
echo "script line one"
echo "hello $WHO" > /greeting
EOF
RUN <<EOT
#!/bin/awk -f
BEGIN { print "awk ran the script" > "/by-awk" }
EOT
COPY <<note.txt <<-'raw.txt' /notes/
expanded ${WHO}
note.txt
	literal ${WHO}
	raw.txt
DOCKERFILE
out=$(tug build -t heredoc:1 "$C" 2>&1)
check "RUN heredocs run as a shell script" grep -q '^script line one$' <<<"$out"
if [ $HAVE_RUN = 1 ]; then
	check_eq "heredoc scripts, #! scripts, and COPY heredocs (expanded or quoted)" \
		"$(tug run --rm heredoc:1 cat /greeting /by-awk /notes/note.txt /notes/raw.txt)" \
		"hello heredoc
awk ran the script
expanded heredoc
literal \${WHO}"
	check_eq "the #! script itself is not in the image" "$(tug run --rm heredoc:1 ls -a / | grep -c heredoc)" 0
else
	skip "heredoc results" "tug run is not in this tree"
	skip "the #! script is not in the image" "tug run is not in this tree"
fi

# ---- FROM an image only a registry has: pulled ----
if command -v docker-registry >/dev/null; then
	. "$T_SRC/tests/registry/lib.sh"
	RP=$(reg_port)
	if reg_start "$T_DIR/registry" "$RP"; then
		BUILD_REG_PID=$REG_PID
		trap 'rc=$?; kill "$BUILD_REG_PID" 2>/dev/null; wait "$BUILD_REG_PID" 2>/dev/null; (exit $rc); t_cleanup' EXIT
		tug push -q bb "127.0.0.1:$RP/test/bb:1" >/dev/null 2>&1
		# another store, which has never seen bb
		tug2() { "$TUG" --root "$T_DIR/root2" --runroot "$T_DIR/run2" "$@"; }
		out=$(printf 'FROM 127.0.0.1:%s/test/bb:1\nCOPY --from=127.0.0.1:%s/test/bb:1 /etc/passwd /copied\nRUN echo built-on-pulled && cat /copied | head -1\n' \
			"$RP" "$RP" | tug2 build -t pulled:1 - 2>&1)
		check "FROM pulls a base image that is not in the store" grep -q '^built-on-pulled$' <<<"$out"
		check "COPY --from an image of the registry" grep -q '^root:x:0:0' <<<"$out"
		tug2 system reset --force >/dev/null 2>&1
	else
		not_ok "docker-registry starts"
	fi
else
	skip "FROM pulls a base image that is not in the store" "docker-registry is not installed"
	skip "COPY --from an image of the registry" "docker-registry is not installed"
fi

# ---- nothing left behind ----
check_eq "no container is left" "$(ls "$T_ROOT/containers" | wc -l)" 0
check_eq "no scratch directory is left" "$(ls "$T_ROOT/tmp" | wc -l)" 0
check_eq "no mount is left" "$(grep -c " $T_DIR" /proc/mounts)" 0

echo "1..$T_N"
