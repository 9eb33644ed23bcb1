#!/usr/bin/env bats
# Station sync (issue 17, docs/SYNC.md): `watctl sync` between stations of
# one event, each in a network namespace the test makes (veth pairs, never
# another address): the welcome table W (T1) with a cable to each lap
# point, L1 (T2) and L2 (T3).  Real ledgers, real sockets, real keys.

load lib/stations

setup() {
	T="$BATS_TEST_TMPDIR"
	command -v sqlite3 >/dev/null || skip "sqlite3 is not installed (APT_PKGS)"
	[ "$(id -u)" -eq 0 ] || skip "network namespaces need root"
	command -v ip >/dev/null || skip "ip (iproute2) is not installed"
	NS=ws$$${BATS_TEST_NUMBER}
	W=${NS}w L1=${NS}a L2=${NS}b
	for n in "$W" "$L1" "$L2"; do
		ip netns add "$n" || skip "cannot make network namespaces here"
		ip -n "$n" link set lo up
	done
	# W 10.77.1.1 <-> L1 10.77.1.2, W 10.77.2.1 <-> L2 10.77.2.2
	ip link add "${NS}w1" netns "$W" type veth peer name "${NS}a1" netns "$L1"
	ip link add "${NS}w2" netns "$W" type veth peer name "${NS}b2" netns "$L2"
	ip -n "$W" addr add 10.77.1.1/24 dev "${NS}w1"
	ip -n "$L1" addr add 10.77.1.2/24 dev "${NS}a1"
	ip -n "$W" addr add 10.77.2.1/24 dev "${NS}w2"
	ip -n "$L2" addr add 10.77.2.2/24 dev "${NS}b2"
	for l in "$W ${NS}w1" "$W ${NS}w2" "$L1 ${NS}a1" "$L2 ${NS}b2"; do
		set -- $l
		ip -n "$1" link set "$2" up
	done
	# one event: T1 sets it up, T2 and T3 join by event pack
	"$WATCTL" --db "$T/t1.db" init --name Walk --city Oxford --date 2026-05-02 --pin-later >/dev/null
	pack "$T/t1.db" "$T/t2.db" "$T/t2.pack"
	pack "$T/t1.db" "$T/t3.db" "$T/t3.pack" --station T3
	PIDS=()
}

teardown() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	mountpoint -q "$T/card" 2>/dev/null && umount "$T/card"
	for n in "$W" "$L1" "$L2"; do ip netns del "$n" 2>/dev/null; done
	true
}

# serve NS DB ADDR: a listener for one exchange, in the background; waits
# until it listens.  Its output in $T/serve.out, .err.
serve() {
	rm -f "$T/serve.out" "$T/serve.err" # the last one's "Listening" is not this one's
	ip netns exec "$1" "$WATCTL" --db "$2" sync --listen "$3" --once >"$T/serve.out" 2>"$T/serve.err" &
	PIDS+=($!)
	SERVER=$!
	for _ in $(seq 100); do
		grep -q Listening "$T/serve.err" 2>/dev/null && return 0
		sleep 0.05
	done
	cat "$T/serve.err"
	return 1
}

# walkers DB N: N walkers by roster import (N entries)
walkers() {
	awk -v n="$2" -v p="$RANDOM$RANDOM" 'BEGIN { print "name,team,email,external_id";
		for (i = 1; i <= n; i++) printf "Walker %s-%d,Team,,X-%s-%d\n", p, i, p, i }' >"$T/roster.csv"
	"$WATCTL" --db "$1" roster import "$T/roster.csv" >/dev/null
}

q() { sqlite3 "$1" "$2"; }
head_of() { q "$1" "SELECT MAX(seq) FROM entries"; }
# peer entries of station $2 held in $1, and their distinct seqs
held() { q "$1" "SELECT COUNT(*) FROM peer_entries WHERE line LIKE '%\"station\":\"$2\"%'"; }

@test "sync: laps at two lap points reach the welcome table as theirs, never as its own" {
	"$WATCTL" --db "$T/t1.db" walker add --name "Ann Lee" >/dev/null
	code=$("$WATCTL" --db "$T/t1.db" badge-code 1)
	"$WATCTL" --db "$T/t2.db" scan "$code" --lap >/dev/null
	"$WATCTL" --db "$T/t3.db" scan "$code" --lap >/dev/null
	"$WATCTL" --db "$T/t1.db" donate 1 20 --method cash >/dev/null
	own=$(head_of "$T/t1.db")
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	echo "$output"
	[ "$status" -eq 0 ]
	wait "$SERVER"
	serve "$L2" "$T/t3.db" 10.77.2.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.2.2:7700
	echo "$output"
	[ "$status" -eq 0 ]
	wait "$SERVER"
	# each lap point's whole ledger, under its own identity
	[ "$(held "$T/t1.db" T2)" -eq "$(head_of "$T/t2.db")" ]
	[ "$(held "$T/t1.db" T3)" -eq "$(head_of "$T/t3.db")" ]
	[ "$(q "$T/t1.db" "SELECT COUNT(*) FROM peer_entries WHERE line LIKE '%\"kind\":\"lap\"%'")" -eq 2 ]
	[ "$(q "$T/t1.db" "SELECT COUNT(DISTINCT ledger) FROM peer_entries")" -eq 2 ]
	# and the welcome table's own ledger did not change
	[ "$(head_of "$T/t1.db")" -eq "$own" ]
	"$WATCTL" --db "$T/t1.db" check | grep -q intact
	run "$WATCTL" --db "$T/t1.db" sync --status
	echo "$output"
	[[ "$output" == *"T2 "*"entries 1-$(head_of "$T/t2.db")"* ]]
	[[ "$output" == *"T3 "*"entries 1-$(head_of "$T/t3.db")"* ]]
	# the lap points got the welcome table's entries too (both ways)
	[ "$(held "$T/t2.db" T1)" -eq "$own" ]
	# one fold per ledger, summed: the walker's laps at both lap points and
	# the money at the table
	run "$WATCTL" --db "$T/t1.db" sync --status --walker 1
	echo "$output"
	# (scanned at both lap points seconds apart: counted once, one to review,
	# in the event's total as on the walker's line)
	[[ "$output" == *"Event over 3 stations: 1 walkers, 1 laps (0 flagged, 1 more to review across stations), \$20.00 raised"* ]]
	[[ "$output" == *"Walker 1: 1 laps (1 more to review), \$20.00 raised (T1 0, T2 1, T3 1)"* ]]
	# the welcome table's own report is still its own share
	[ "$("$WATCTL" --db "$T/t1.db" report --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["laps"])')" -eq 0 ]
}

@test "sync: a second exchange adds nothing; a partition heals and the next exchange catches up" {
	walkers "$T/t2.db" 20
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	wait "$SERVER"
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	echo "$output"
	[[ "$output" == *"0 entries received"* ]]
	wait "$SERVER"
	[ "$(held "$T/t1.db" T2)" -eq "$(head_of "$T/t2.db")" ]
	# the cable is pulled: the lap point works on, the exchange fails in words
	ip -n "$W" link set "${NS}w1" down
	"$WATCTL" --db "$T/t2.db" walker add --name "Late Walker" >/dev/null
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700 --timeout 2
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Cannot reach"* ]]
	ip -n "$W" link set "${NS}w1" up
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 entries received"* ]]
	[ "$(held "$T/t1.db" T2)" -eq "$(head_of "$T/t2.db")" ]
}

@test "sync: a cut mid-transfer and a kill -9 of the receiver resume with nothing lost or doubled" {
	walkers "$T/t2.db" 1200 # three batches
	WAT_SYNC_CUT_AFTER=1 serve "$L1" "$T/t2.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	echo "$output"
	[ "$status" -eq 1 ]
	wait "$SERVER" || true
	[ "$(held "$T/t1.db" T2)" -eq 500 ] # the first batch, whole
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$(($(head_of "$T/t2.db") - 500)) entries received"* ]]
	wait "$SERVER"
	[ "$(held "$T/t1.db" T2)" -eq "$(head_of "$T/t2.db")" ]
	# kill -9 of the receiver mid-transfer (the cable slowed to 4 Mbit/s so
	# the kill lands inside it): whatever it committed is whole
	walkers "$T/t2.db" 5000
	total=$(head_of "$T/t2.db")
	tc -n "$L1" qdisc add dev "${NS}a1" root tbf rate 4mbit burst 32kbit latency 400ms ||
		skip "tc tbf is not available"
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700 >/dev/null 2>&1 &
	victim=$!
	sleep 0.7
	kill -9 "$victim"
	wait "$victim" || true
	wait "$SERVER" || true
	n=$(held "$T/t1.db" T2)
	echo "held after the kill: $n of $total"
	[ "$n" -lt "$total" ] # the kill did land mid-transfer
	[ "$(q "$T/t1.db" "PRAGMA integrity_check")" = ok ]
	[ "$(q "$T/t1.db" "SELECT MAX(seq) = COUNT(*) FROM peer_entries WHERE ledger = (SELECT ledger FROM peers WHERE station = 'T2')")" -eq 1 ]
	tc -n "$L1" qdisc del dev "${NS}a1" root
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$((total - n)) entries received"* ]]
	wait "$SERVER"
	[ "$(held "$T/t1.db" T2)" -eq "$total" ]
	[ "$(q "$T/t1.db" "SELECT head_seq FROM peers WHERE station = 'T2'")" -eq "$total" ]
	# kill -9 of the serving lap point mid-transfer, then a restart of it
	walkers "$T/t2.db" 5000
	total=$(head_of "$T/t2.db")
	tc -n "$L1" qdisc add dev "${NS}a1" root tbf rate 4mbit burst 32kbit latency 400ms
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700 >/dev/null 2>&1 &
	caller=$!
	sleep 0.7
	kill -9 "$SERVER" 2>/dev/null || true
	wait "$SERVER" || true
	st=0
	wait "$caller" || st=$?
	[ "$st" -eq 1 ]
	m=$(held "$T/t1.db" T2)
	echo "held after killing the server: $m of $total"
	[ "$m" -lt "$total" ]
	"$WATCTL" --db "$T/t2.db" check | grep -q intact
	tc -n "$L1" qdisc del dev "${NS}a1" root
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$((total - m)) entries received"* ]]
	wait "$SERVER"
	[ "$(held "$T/t1.db" T2)" -eq "$total" ]
	"$WATCTL" --db "$T/t1.db" check | grep -q intact
}

@test "sync: a station of another event is refused by both sides" {
	"$WATCTL" --db "$T/x.db" init --name Other --city Elsewhere --date 2026-05-02 --station T2 --pin-later >/dev/null
	serve "$L1" "$T/x.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not made by this event's key"* ]]
	st=0
	wait "$SERVER" || st=$?
	[ "$st" -eq 1 ]
	grep -q "not made by this event's key" "$T/serve.err"
	[ "$(q "$T/t1.db" "SELECT COUNT(*) FROM peer_entries")" -eq 0 ]
	[ "$(q "$T/x.db" "SELECT COUNT(*) FROM peer_entries")" -eq 0 ]
}

@test "sync: an altered entry and a forged chain head are refused, nothing of the batch kept" {
	walkers "$T/t2.db" 3
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700 >/dev/null
	wait "$SERVER"
	before=$(held "$T/t1.db" T2)
	# someone edits the lap point's file behind its back: entry 3's name
	walkers "$T/t2.db" 3
	last=$(head_of "$T/t2.db")
	sqlite3 "$T/t2.db" "DROP TRIGGER entries_no_update;
		UPDATE entries SET line = replace(line, 'Walker', 'Walkxr') WHERE seq = $((last - 1));"
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"an entry was altered"* ]]
	wait "$SERVER" || true
	[ "$(held "$T/t1.db" T2)" -eq "$before" ]
	# and a peer's entry altered where it is held: check names it
	"$WATCTL" --db "$T/t1.db" check | grep -q intact
	sqlite3 "$T/t1.db" "DROP TRIGGER peer_entries_no_update;
		UPDATE peer_entries SET line = replace(line, 'Walker', 'Walkxr') WHERE line LIKE '%Walker%';"
	run "$WATCTL" --db "$T/t1.db" check
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Station T2's entry $(q "$T/t1.db" "SELECT MIN(seq) FROM peer_entries WHERE line LIKE '%Walkxr%'") held here was altered"* ]]
	# a head signed by a key that is not the station's
	walkers "$T/t3.db" 3
	WAT_SYNC_FORGE_HEAD=1 serve "$L2" "$T/t3.db" 10.77.2.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.2.2:7700
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not signed by its key"* ]]
	wait "$SERVER" || true
	[ "$(held "$T/t1.db" T3)" -eq 0 ]
}

@test "sync: a newer peer is worked with and named; a full budget for peers never stops own entries" {
	walkers "$T/t2.db" 8000
	WAT_SYNC_FORMAT=2 serve "$L1" "$T/t2.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700 --budget-mb 1
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"space kept for other stations"* ]]
	wait "$SERVER" || true
	n=$(held "$T/t1.db" T2)
	[ "$n" -gt 0 ]
	[ "$n" -lt "$(head_of "$T/t2.db")" ]
	[ "$(q "$T/t1.db" "SELECT SUM(bytes) <= 1048576 FROM peers")" -eq 1 ]
	# the station's own writes go on
	run "$WATCTL" --db "$T/t1.db" walker add --name "Walk Up"
	[ "$status" -eq 0 ]
	"$WATCTL" --db "$T/t1.db" check | grep -q intact
	# within budget, the newer peer is said in words and the exchange works
	WAT_SYNC_FORMAT=2 serve "$L1" "$T/t2.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sync format 2, newer than this station's 1"* ]]
	wait "$SERVER"
	[ "$(held "$T/t1.db" T2)" -eq "$(head_of "$T/t2.db")" ]
}

@test "sync: 10,000 entries caught up in one exchange" {
	walkers "$T/t2.db" 10000
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	start=$(date +%s%N)
	run ip netns exec "$W" "$WATCTL" --db "$T/t1.db" sync --peer 10.77.1.2:7700
	end=$(date +%s%N)
	echo "$output"
	[ "$status" -eq 0 ]
	wait "$SERVER"
	[ "$(held "$T/t1.db" T2)" -eq "$(head_of "$T/t2.db")" ]
	echo "# caught up $(head_of "$T/t2.db") entries in $(((end - start) / 1000000)) ms (not asserted; make bench)" >&3
}

@test "sync: peers' entries stop short of a nearly full card; the station's own entries keep the room" {
	walkers "$T/t2.db" 3000
	# the welcome table's card: 40 MB, filled until about 17 MB are free
	mkdir "$T/card"
	mount -t tmpfs -o size=40m tmpfs "$T/card" || skip "cannot mount a tmpfs here"
	cp -r "$T"/t1.db* "$T/card/"
	free_kb=$(df -k --output=avail "$T/card" | tail -1)
	dd if=/dev/zero of="$T/card/filler" bs=1k count=$((free_kb - 17 * 1024)) status=none
	serve "$L1" "$T/t2.db" 10.77.1.2:7700
	run ip netns exec "$W" "$WATCTL" --db "$T/card/t1.db" sync --peer 10.77.1.2:7700
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"The card is nearly full"* ]]
	wait "$SERVER" || true
	n=$(held "$T/card/t1.db" T2)
	echo "held: $n of $(head_of "$T/t2.db")"
	[ "$n" -lt "$(head_of "$T/t2.db")" ]
	# what is left is the station's own: walk-ups and money still go in
	for i in $(seq 20); do "$WATCTL" --db "$T/card/t1.db" walker add --name "Walk Up $i" >/dev/null; done
	run "$WATCTL" --db "$T/card/t1.db" donate 1 5 --method cash
	[ "$status" -eq 0 ]
	"$WATCTL" --db "$T/card/t1.db" check | grep -q intact
}
