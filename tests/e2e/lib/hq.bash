# HQ's web inbox for a test: the demo HQ (assets/demo/hq-demo) made once per
# file, a copy of it per test with its own wat-hq-signer, and the real
# wat-hq on a free loopback port.  Used by hqweb.bats and send.bats.
#   hq_setup_file            in setup_file: $DEMO
#   hq_setup                 in setup: $T, $D (this test's HQ), the signer ($SPID)
#   hq_start [ARGS...]       wat-hq on $PORT (a free one unless set), ready at $URL
#   hq_stop                  wat-hq stopped (the server holds HQ's database: read it stopped)
#   hq_teardown              in teardown: wat-hq, the signer and $WPID stopped

hq_setup_file() {
	command -v curl >/dev/null || skip "curl is not installed (APT_PKGS)"
	[ -x "$REPO/$BUILD/wat-hq" ] || skip "wat-hq is not built"
	export DEMO="$BATS_FILE_TMPDIR/demo"
	"$REPO/assets/demo/hq-demo" "$DEMO" >/dev/null
}

hq_setup() {
	command -v curl >/dev/null || skip "curl is not installed (APT_PKGS)"
	T="$BATS_TEST_TMPDIR"
	cp -a "$DEMO" "$T/hq"
	D="$T/hq"
	PID= SPID= WPID= PORT=
	# HQ's secret keys are the signer's only: the web gets the public ones
	"$REPO/$BUILD/wat-hq-signer" --keys "$D/keys" --socket "$T/signer.sock" 2>>"$T/signer.log" &
	SPID=$!
	for _ in $(seq 1 100); do [ -S "$T/signer.sock" ] && break; sleep 0.05; done
}

hq_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

hq_start() {
	[ -n "$PORT" ] || PORT=$(hq_port)
	URL="http://127.0.0.1:$PORT"
	"$REPO/$BUILD/wat-hq" --db "$D/hq.db" --keys "$D/assets-hq" --signer "$T/signer.sock" \
		--state "$D/state" --port "$PORT" --cookie-insecure \
		"$@" 2>>"$T/server.log" &
	PID=$!
	for _ in $(seq 1 100); do
		curl -sf "$URL/healthz" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	cat "$T/server.log"
	return 1
}

hq_stop() {
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
}

hq_teardown() {
	local p
	for p in "${WPID:-}" "${PID:-}" "${SPID:-}"; do
		[ -z "$p" ] || kill "$p" 2>/dev/null || true
		[ -z "$p" ] || wait "$p" 2>/dev/null || true
	done
}
