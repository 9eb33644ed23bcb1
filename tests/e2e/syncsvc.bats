#!/usr/bin/env bats
# The wat-sync service (issue 17, docs/SYNC.md "The wat-sync service"):
# wat-sync at the welcome table W hands a lap point's entries to a running
# kiosk (script mode) over the kiosk's socket while the kiosk scans; the lap
# point L answers with wat-sync on its ledger file (no kiosk there).  Each
# station in a network namespace of the test's (a veth pair, never another
# address).

setup() {
	T="$BATS_TEST_TMPDIR"
	command -v sqlite3 >/dev/null || skip "sqlite3 is not installed (APT_PKGS)"
	[ "$(id -u)" -eq 0 ] || skip "network namespaces need root"
	command -v ip >/dev/null || skip "ip (iproute2) is not installed"
	WAT_SYNC=${WAT_SYNC:-$REPO/$BUILD/wat-sync}
	NS=wv$$${BATS_TEST_NUMBER}
	W=${NS}w L=${NS}l
	for n in "$W" "$L"; do
		ip netns add "$n" || skip "cannot make network namespaces here"
		ip -n "$n" link set lo up
	done
	ip link add "${NS}w1" netns "$W" type veth peer name "${NS}l1" netns "$L"
	ip -n "$W" addr add 10.78.1.1/24 dev "${NS}w1"
	ip -n "$L" addr add 10.78.1.2/24 dev "${NS}l1"
	ip -n "$W" link set "${NS}w1" up
	ip -n "$L" link set "${NS}l1" up
	echo 246813 >"$T/pin" # the kiosk opens on its home screen
	"$WATCTL" --db "$T/t1.db" init --name Walk --city Oxford --date "$(date +%F)" --pin-file "$T/pin" >/dev/null
	"$WATCTL" --db "$T/t1.db" event-pack export "$T/t2.pack" >"$T/t2.out"
	"$WATCTL" --db "$T/t2.db" event-pack import "$T/t2.pack" \
		--key "$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' "$T/t2.out" | head -1)" >/dev/null
	export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
	PIDS=()
}

teardown() {
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	for n in "$W" "$L"; do ip netns del "$n" 2>/dev/null; done
	true
}

walkers() {
	awk -v n="$2" -v p="$RANDOM$RANDOM" 'BEGIN { print "name,team,email,external_id";
		for (i = 1; i <= n; i++) printf "Walker %s-%d,Team,,X-%s-%d\n", p, i, p, i }' >"$T/roster.csv"
	"$WATCTL" --db "$1" roster import "$T/roster.csv" >/dev/null
}
q() { sqlite3 "$1" "$2"; }
head_of() { q "$1" "SELECT MAX(seq) FROM entries"; }
held() { q "$1" "SELECT COUNT(*) FROM peer_entries WHERE line LIKE '%\"station\":\"$2\"%'"; }
# waits up to $2 s for a line matching $3 in file $1
wait_for() {
	for _ in $(seq $(($2 * 20))); do grep -q "$3" "$1" 2>/dev/null && return 0; sleep 0.05; done
	cat "$1"
	return 1
}

@test "wat-sync: a lap point's entries reach a running kiosk while it scans; a kill -9 of wat-sync mid-transfer loses and doubles nothing" {
	# the table's 30 walkers, short names (the scan answer's big type fits them)
	awk 'BEGIN { print "name,team,email,external_id";
		for (i = 1; i <= 30; i++) printf "Ann Lee %d,Team,,T-%d\n", i, i }' >"$T/t1.csv"
	"$WATCTL" --db "$T/t1.db" roster import "$T/t1.csv" >/dev/null
	walkers "$T/t2.db" 6000 # about 1.6 MB of lines
	code=$("$WATCTL" --db "$T/t1.db" badge-code 1)
	"$WATCTL" --db "$T/t2.db" scan "$code" >/dev/null # a check-in at the lap point
	total=$(head_of "$T/t2.db")
	own=$(head_of "$T/t1.db")
	# the kiosk scans 30 badges, one every 150 ms, while the copy goes on
	{
		echo "wait 300"
		for i in $(seq 30); do
			echo "scan $("$WATCTL" --db "$T/t1.db" badge-code "$i")"
			echo "expect-text Welcome"
			echo "wait 150"
		done
		echo "wait 9000"
		# the home screen over what wat-sync brought, without a touch (the
		# kiosk refreshes after each exchange; script mode has no timer)
		echo "expect-screen home"
		echo "expect-text s ago"
	} >"$T/scans.script"
	# the cable slowed to 4 Mbit/s, so the transfer lasts a few seconds
	tc -n "$L" qdisc add dev "${NS}l1" root tbf rate 4mbit burst 32kbit latency 400ms ||
		skip "tc tbf is not available"
	ip netns exec "$L" "$WAT_SYNC" --db "$T/t2.db" --listen 10.78.1.2:7700 --no-avahi \
		--interval 3600 2>"$T/l.err" &
	PIDS+=($!)
	wait_for "$T/l.err" 5 "listening on"
	"$WAT_KIOSK" --db "$T/t1.db" --script "$T/scans.script" --sync-socket "$T/kiosk.sock" \
		>"$T/kiosk.out" 2>&1 &
	kiosk=$!
	PIDS+=($kiosk)
	for _ in $(seq 100); do [ -S "$T/kiosk.sock" ] && break; sleep 0.05; done
	[ -S "$T/kiosk.sock" ]
	# wat-sync as the service starts it: peers from wat.conf (the
	# environment wat-provision writes), Avahi tried (no daemon here)
	WAT_SYNC_PEERS=10.78.1.2:7700 ip netns exec "$W" "$WAT_SYNC" --db "$T/t1.db" \
		--kiosk "$T/kiosk.sock" --interval 0.5 2>"$T/a.err" &
	a=$!
	PIDS+=($a)
	sleep 1.2
	kill -9 "$a"
	wait "$a" || true
	cat "$T/a.err"
	grep -q "No avahi-daemon is running" "$T/a.err"
	grep -q "exchanging through the kiosk" "$T/a.err"
	! grep -q "entries received" "$T/a.err" # killed inside its first transfer
	WAT_SYNC_PEERS=10.78.1.2:7700 ip netns exec "$W" "$WAT_SYNC" --db "$T/t1.db" \
		--kiosk "$T/kiosk.sock" --interval 0.5 2>"$T/b.err" &
	b=$!
	PIDS+=($b)
	wait_for "$T/b.err" 20 "station T2, [0-9]* entries received"
	# the kiosk ends its script; wat-sync goes on on the ledger file itself
	wait "$kiosk" || { cat "$T/kiosk.out"; false; }
	[ ! -e "$T/kiosk.sock" ]
	wait_for "$T/b.err" 10 "exchanging on the ledger file"
	sleep 1.5 # a round on the file
	kill "$b"
	wait "$b" || true
	cat "$T/b.err"
	# [0-9]+ the first exchange after the kill: what the killed one had not committed
	n=$(grep -o "station T2, [0-9]* entries received" "$T/b.err" | head -1 | grep -o "[0-9]* entries" | cut -d' ' -f1)
	echo "received after the kill: $n of $total"
	[ "$n" -gt 0 ]
	[ "$n" -lt "$total" ]
	# nothing lost, nothing doubled: all of T2's entries, once each, 1..total
	[ "$(held "$T/t1.db" T2)" -eq "$total" ]
	[ "$(q "$T/t1.db" "SELECT MAX(seq) = COUNT(*) FROM peer_entries WHERE ledger = (SELECT ledger FROM peers WHERE station = 'T2')")" -eq 1 ]
	[ "$(q "$T/t1.db" "PRAGMA integrity_check")" = ok ]
	# the kiosk's own 30 scans are all there, as its own entries, numbered on
	[ "$(q "$T/t1.db" "SELECT COUNT(*) FROM entries WHERE kind = 'checkin'")" -eq 30 ]
	[ "$(head_of "$T/t1.db")" -eq $((own + 30)) ]
	"$WATCTL" --db "$T/t1.db" check | grep -q intact
	# and the lap point holds the welcome table's entries, scans included
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 0.2
	[ "$(held "$T/t2.db" T1)" -eq "$(head_of "$T/t1.db")" ]
}

@test "wat-sync: stations find each other by mDNS/DNS-SD (an avahi-daemon in each namespace), no address given" {
	command -v avahi-daemon >/dev/null && command -v dbus-daemon >/dev/null ||
		skip "avahi-daemon or dbus-daemon is not installed (APT_PKGS)"
	command -v unshare >/dev/null || skip "unshare is not installed"
	walkers "$T/t2.db" 3
	# each station with its own avahi-daemon on its side of the cable; the
	# lap point answers for 9 s, the welcome table calls every 0.5 s
	ip netns exec "$L" unshare -m "$REPO/tests/e2e/lib/avahi-ns.sh" "$T/avl" wat-l "${NS}l1" \
		timeout 9 "$WAT_SYNC" --db "$T/t2.db" --listen 10.78.1.2:7700 --interval 3600 2>"$T/l.err" &
	l=$!
	wait_for "$T/l.err" 10 "listening on"
	run ip netns exec "$W" unshare -m "$REPO/tests/e2e/lib/avahi-ns.sh" "$T/avw" wat-w "${NS}w1" \
		"$WAT_SYNC" --db "$T/t1.db" --listen 10.78.1.1:7700 --interval 0.5 --rounds 10
	echo "$output"
	wait "$l" || true
	cat "$T/l.err"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 peer addresses"* ]] # none given: found
	[[ "$output" != *"No avahi-daemon"* ]]
	[[ "$output" == *"called 10.78.1.2:7700: station T2, $(head_of "$T/t2.db") entries received"* ]]
	[ "$(held "$T/t1.db" T2)" -eq "$(head_of "$T/t2.db")" ]
	# each announced itself: the lap point found the welcome table too
	! grep -q "No avahi-daemon" "$T/l.err"
}

# the link-local IPv6 address of interface $2 in namespace $1, once its
# duplicate address detection is over (before, it cannot be bound)
lladdr() {
	for _ in $(seq 100); do
		a=$(ip -n "$1" -6 addr show dev "$2" scope link | grep -v tentative |
			sed -n 's|.*inet6 \(fe80::[0-9a-f:]*\)/64.*|\1|p' | head -1)
		[ -n "$a" ] && echo "$a" && return 0
		sleep 0.1
	done
	ip -n "$1" addr
	return 1
}

@test "wat-sync: a bare cable, link-local IPv6 addresses only: a peer given as [fe80::..%IFACE]:P, then found by Avahi's IPv6 answers" {
	walkers "$T/t2.db" 5
	# the cable of setup() without its IPv4 addresses: what the kernel gives a
	# link by itself (fe80::/64), nothing else
	ip -n "$W" addr flush dev "${NS}w1" scope global
	ip -n "$L" addr flush dev "${NS}l1" scope global
	lw=$(lladdr "$W" "${NS}w1")
	ll=$(lladdr "$L" "${NS}l1")
	[ -z "$(ip -n "$W" -4 addr show dev "${NS}w1")" ]
	[ -z "$(ip -n "$L" -4 addr show dev "${NS}l1")" ]
	echo "W $lw, L $ll"
	# 1. the address as wat.conf gives it; the lap point answers on [::]:7700
	ip netns exec "$L" "$WAT_SYNC" --db "$T/t2.db" --listen "[::]:7700" --no-avahi \
		--interval 3600 2>"$T/l.err" &
	l=$!
	PIDS+=($l)
	wait_for "$T/l.err" 5 "listening on \[::\]:7700"
	run ip netns exec "$W" "$WAT_SYNC" --db "$T/t1.db" --peer "[$ll%${NS}w1]:7700" --no-avahi \
		--interval 0.2 --rounds 2
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"called [$ll%${NS}w1]:7700: station T2, $(head_of "$T/t2.db") entries received"* ]]
	[ "$(held "$T/t1.db" T2)" -eq "$(head_of "$T/t2.db")" ]
	# without its interface the address cannot be reached: said in words
	run ip netns exec "$W" "$WAT_SYNC" --db "$T/t1.db" --peer "[$ll]:7700" --no-avahi --rounds 1
	echo "$output"
	[[ "$output" == *"say its interface"* ]]
	kill "$l"
	wait "$l" || true
	# 2. no address given: each station's avahi-daemon on IPv6 only, the
	# lap point's new entries found and fetched through its link-local answer
	command -v avahi-daemon >/dev/null && command -v dbus-daemon >/dev/null ||
		skip "avahi-daemon or dbus-daemon is not installed (APT_PKGS)"
	command -v unshare >/dev/null || skip "unshare is not installed"
	walkers "$T/t2.db" 2
	export AVAHI_IPV4=no AVAHI_IPV6=yes
	ip netns exec "$L" unshare -m "$REPO/tests/e2e/lib/avahi-ns.sh" "$T/avl" wat-l "${NS}l1" \
		timeout 9 "$WAT_SYNC" --db "$T/t2.db" --listen "[::]:7700" --interval 1 2>"$T/l2.err" &
	l=$!
	wait_for "$T/l2.err" 10 "listening on"
	run ip netns exec "$W" unshare -m "$REPO/tests/e2e/lib/avahi-ns.sh" "$T/avw" wat-w "${NS}w1" \
		"$WAT_SYNC" --db "$T/t1.db" --listen "[::]:7700" --interval 0.5 --rounds 10
	echo "$output"
	wait "$l" || true
	cat "$T/l2.err"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 peer addresses"* ]]
	[[ "$output" != *"No avahi-daemon"* ]]
	[[ "$output" == *"called [$ll%${NS}w1]:7700: station T2, "*" entries received"* ]]
	[ "$(held "$T/t1.db" T2)" -eq "$(head_of "$T/t2.db")" ]
	# the lap point answered the welcome table's link-local address, and found
	# it by its own link-local answer (it calls every second: "called" while
	# the table still listens, or "calling ... refused" once it is gone)
	grep -q "answered \[$lw%${NS}l1\]:[0-9]*: station T1" "$T/l2.err"
	grep -q "call[a-z]* \[$lw%${NS}l1\]:7700" "$T/l2.err"
}

@test "wat-sync: a station with no event yet looks for the others once its event is set up, without a restart" {
	# (no avahi-daemon here: its attempt, said once the event exists, is what shows)
	"$WAT_SYNC" --db "$T/t4.db" --interval 0.2 --rounds 25 2>"$T/n.err" &
	n=$!
	PIDS+=($n)
	wait_for "$T/n.err" 5 "no event yet"
	! grep -q "avahi" "$T/n.err"
	for _ in $(seq 50); do
		"$WATCTL" --db "$T/t4.db" init --name Walk --city Oxford --date "$(date +%F)" --station T4 \
			--pin-file "$T/pin" >/dev/null 2>&1 && break
		sleep 0.1 # the file is wat-sync's for a moment each round
	done
	wait_for "$T/n.err" 10 "No avahi-daemon is running"
	wait "$n"
	cat "$T/n.err"
	[ "$(grep -c "no event yet" "$T/n.err")" -eq 1 ] # said once
	# a station's wat-sync whose kiosk does not answer (stopped, starting)
	# leaves the ledger file alone for this: a kiosk starting takes it whole
	run "$WAT_SYNC" --db "$T/t5.db" --kiosk "$T/no-kiosk.sock" --interval 0.2 --rounds 5
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$T/t5.db" ]
}
