#!/usr/bin/env bats
# Send to HQ from the station itself (issue 20): watctl send and the wat-send
# service post a station's last export to a real wat-hq on loopback (the demo
# HQ of assets/demo/hq-demo) and record HQ's answer in the ledger as an
# "hq-receipt" entry: received, the same again (already received, recorded
# once), HQ down then up (retried until it answers, one receipt), a wrong
# upload code refused with HQ's reason.

load lib/hq

setup_file() { hq_setup_file; }

setup() {
	hq_setup
	S="$D/st/mobile-t1.db" # Mobile's station: export 1 not sent to HQ yet
	PORT=$(hq_port)        # kept across a restart: the station posts to one address
	URL="http://127.0.0.1:$PORT"
}

teardown() { hq_teardown; }

receipts() { "$WATCTL" --db "$S" log 2>/dev/null | grep -c 'hq-receipt' || true; }

@test "send: watctl send posts the last export; HQ's receipt is recorded once, the same again is already received" {
	hq_start
	run "$WATCTL" --db "$S" send --inbox "$URL/" --once
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"HQ's answer: Received: Mobile, AL, station T1, export 1 — 3 walkers, \$265.00"* ]]
	[[ "$output" == *"HQ's receipt: #"*", received 20"*" UTC"* ]]
	[[ "$output" == *"Recorded in the ledger (entry "* ]]
	run "$WATCTL" --db "$S" send --inbox "$URL" --once
	[ "$status" -eq 0 ]
	[[ "$output" == *"HQ's answer: Already received on 20"*"nothing was counted twice."* ]]
	[[ "$output" == *"Recorded already (entry "* ]]
	[ "$(receipts)" -eq 1 ]
	# the entry, as FORMATS.md describes it, and the ledger still checks out
	run "$WATCTL" --db "$S" log
	line=$(grep 'hq-receipt' <<<"$output")
	[[ "$line" == *'"n":1,'* && "$line" == *'"status":"received"'* && "$line" == *'"number":'* ]]
	[[ "$line" == *"\"inbox\":\"$URL/upload\""* ]]
	"$WATCTL" --db "$S" check
	# the next export carries the receipt entry: HQ takes it as any other
	mkdir -p "$T/stick"
	"$WATCTL" --db "$S" export --out "$T/stick" >/dev/null
	run "$WATCTL" --db "$S" send --inbox "$URL" --once
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"HQ's answer: Received: Mobile, AL, station T1, export 2"* ]]
	[ "$(receipts)" -eq 2 ]
	hq_stop
	# HQ counted it once
	run "$WATCTL" hq-report --db "$D/hq.db"
	[[ "$output" == *"Mobile, AL"* ]]
	[[ "$output" == *"national total"*"\$1,135.00"* ]]
}

@test "send: with HQ down it retries until HQ is up, and records one receipt" {
	"$WATCTL" --db "$S" send --inbox "$URL" --retry-max 1 --give-up-after 60 \
		>"$T/send.out" 2>"$T/send.err" &
	WPID=$!
	sleep 2.5
	grep -q "Not sent yet (try 2): HQ's inbox cannot be reached" "$T/send.err"
	hq_start
	wait "$WPID"
	WPID=
	cat "$T/send.out"
	grep -q "HQ's answer: Received: Mobile, AL" "$T/send.out"
	[ "$(receipts)" -eq 1 ]
}

@test "send: a wrong upload code is refused with HQ's reason, recorded, and nothing counted" {
	hq_start
	# the station's charter with another code (HQ checks the one in the bundle's charter)
	run "$WATCTL" --db "$S" send --inbox "$URL/upload" --once
	[ "$status" -eq 0 ]
	# the code typed is the charter's: make the station send a wrong one
	sed -i 's/"upload_code":"[^"]*"/"upload_code":"WRONG-1"/' "$S.keys/charter"
	run "$WATCTL" --db "$S" send --inbox "$URL" --once
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"HQ refused it: Not received: the upload code is not this event's."* ]]
	[ "$("$WATCTL" --db "$S" log | grep -c 'hq-receipt.*"status":"refused"')" -eq 1 ]
	# said again: the same reason is not recorded twice
	run "$WATCTL" --db "$S" send --inbox "$URL" --once
	[ "$status" -eq 1 ]
	[[ "$output" == *"Recorded already"* ]]
	[ "$("$WATCTL" --db "$S" log | grep -c 'hq-receipt')" -eq 2 ]
	hq_stop
	# HQ counted Mobile once, from the first send
	run "$WATCTL" hq-report --db "$D/hq.db"
	[[ "$output" == *"national total"*"\$1,135.00"* ]]
}

@test "send: nothing exported yet, no charter, no network: said in words, nothing recorded" {
	run "$WATCTL" --db "$D/st/memphis-t1.db" send --inbox "http://127.0.0.1:9/" --once
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Not sent: HQ's inbox cannot be reached (no network, or HQ is down)."* ]]
	[[ "$output" == *"take the USB stick to HQ"* ]]
	run "$WATCTL" --db "$D/st/rogue.db" send --once
	[ "$status" -eq 1 ]
	[[ "$output" == *"no charter from HQ"* ]]
}

@test "send: the wat-send service posts the kiosk's request, retries while HQ is down, records once" {
	# the request the kiosk writes (send.h), here by hand
	mkdir -p "$S.outbox"
	f=$(cd "$S.exports" && ls *.zip.age)
	printf '{"n":1,"file":"%s","zip":"%s","sig":"%s","inbox":"%s","code":"B9L-47AL"}\n' \
		"$f" "$S.exports/$f" "$S.exports/$f.minisig" "$URL" >"$S.outbox/request"
	"$REPO/$BUILD/wat-send" --db "$S" --interval 1 --retry-max 1 2>"$T/send.log" &
	WPID=$!
	for _ in $(seq 1 100); do grep -q '"tries":2' "$S.outbox/status" 2>/dev/null && break; sleep 0.1; done
	grep -q '"status":"offline"' "$S.outbox/status"
	grep -q "HQ's inbox cannot be reached" "$S.outbox/status"
	hq_start
	for _ in $(seq 1 100); do [ ! -e "$S.outbox/request" ] && [ ! -e "$S.outbox/answer" ] && break; sleep 0.1; done
	[ ! -e "$S.outbox/request" ]
	[ ! -e "$S.outbox/answer" ]
	grep -q '"status":"received"' "$S.outbox/status"
	kill "$WPID"
	wait "$WPID" || true
	WPID=
	cat "$T/send.log"
	grep -q "HQ's answer to export 1 recorded" "$T/send.log"
	[ "$(receipts)" -eq 1 ]
	# the kiosk never links libcurl: only wat-send and watctl do
	! ldd "$WAT_KIOSK" | grep -q libcurl
	ldd "$REPO/$BUILD/wat-send" | grep -q libcurl
}
