# registry/lib.sh - Debian's docker-registry on loopback, for the registry
# tests and bench_pull (sourced). Needs python3 for ports and readiness.

# reg_port: a free TCP port on 127.0.0.1
reg_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# reg_wait HOST PORT: until something accepts there (10 s at most)
reg_wait() {
	local i
	for i in $(seq 1 100); do
		python3 -c "import socket; socket.create_connection(('$1', $2), 1)" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# reg_start BASE PORT [AUTH-YAML]: serve on 127.0.0.1:PORT with its storage
# in BASE/, config BASE.yml, log BASE.log; the server's PID in REG_PID.
# Fails when it does not accept connections within 10 s.
reg_start() {
	local base=$1 port=$2 auth=${3:-}
	mkdir -p "$base"
	cat >"$base.yml" <<-EOF
		version: 0.1
		log:
		  level: error
		  accesslog:
		    disabled: true
		storage:
		  filesystem:
		    rootdirectory: $base
		  delete:
		    enabled: true
		http:
		  addr: 127.0.0.1:$port
		  secret: tug-test
		$auth
	EOF
	docker-registry serve "$base.yml" >"$base.log" 2>&1 &
	REG_PID=$!
	reg_wait 127.0.0.1 "$port"
}
