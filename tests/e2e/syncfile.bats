#!/usr/bin/env bats
# Station sync without a network (issues 17 and 18, docs/SYNC.md "Without a
# network"): the lap point's export writes its entries for the event's
# other stations (<station>.entries, sealed with the event's key) beside
# its bundle; the welcome table reads them from the stick with `watctl sync
# --file`, checked as a network exchange checks a peer, and settles the
# walker's per-lap pledges on them.  No network at all: two ledgers and a
# folder for the stick.

load lib/stations

setup() {
	T="$BATS_TEST_TMPDIR"
	export WAT_ASSETS="$REPO/assets" WAT_HQ_DIR="$REPO/assets/demo/hq"
	USB="$T/usb"
	mkdir -p "$USB"
	w1() { "$WATCTL" --db "$T/t1.db" "$@"; }
	w2() { "$WATCTL" --db "$T/t2.db" "$@"; }
	w1 init --name Walk --city Oxford --date 2026-05-02 --pin-later >/dev/null
	pack "$T/t1.db" "$T/t2.db" "$T/t2.pack"
	w1 walker add --name Ann >/dev/null
	w2 set role lap >/dev/null
	w2 set holdoff 0 >/dev/null
	w2 set min-lap 0 >/dev/null
	CODE=$(w1 badge-code 1)
}

laps_at_t2() { for _ in $(seq "$1"); do w2 scan "$CODE" >/dev/null; done; }

@test "sync --file: the lap point's laps reach the table from a USB stick, checked, once, and resumed" {
	w1 pledge add 1 --sponsor "Gail Grant" --kind lap --rate 2 >/dev/null
	laps_at_t2 3
	run w2 export --out "$USB"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$USB/T2.entries"* ]]
	[ -f "$USB/T2.entries" ]
	# sealed: no name or entry in clear on the stick
	! grep -a -q '"kind"' "$USB/T2.entries"
	run w1 sync --file "$USB/T2.entries"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"station T2, 16 entries new, its head 16"* ]]
	run w1 sync --status --walker 1
	echo "$output"
	[[ "$output" == *"Walker 1: 3 laps"*"T2 3"* ]]
	# the table's settlement has the lap point's laps
	run w1 pledge list
	echo "$output"
	[[ "$output" == *"laps 3"*"owed \$6.00"* ]]
	# read again: nothing doubled
	run w1 sync --file "$USB/T2.entries"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"entries 1-16 held already: nothing new"* ]]
	[ "$(w1 sync --status | grep -c '^T2 ')" -eq 1 ]
	# two more laps, exported again: only what is missing is stored
	laps_at_t2 2
	rm -rf "$USB" && mkdir -p "$USB"
	w2 export --out "$USB" >/dev/null
	run w1 sync --file "$USB/T2.entries"
	echo "$output"
	[[ "$output" == *"station T2, 3 entries new, its head 19"* ]]
	run w1 sync --status --walker 1
	[[ "$output" == *"Walker 1: 5 laps"* ]]
	# the table's own bundle carries the copy, checked to the head T2 signed
	mkdir -p "$T/usb1"
	w1 export --out "$T/usb1" >/dev/null
	run "$WATCTL" verify "$(ls "$T"/usb1/*.zip.age)"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"carries 1 other station's entries"* ]]
	# the table's own file is not read as another station's
	run w1 sync --file "$T/usb1/T1.entries"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"this station's own entries file"* ]]
}

@test "sync --file: an altered file, a cut file and another event's file are refused in words; nothing stored" {
	laps_at_t2 2
	w2 export --out "$USB" >/dev/null
	f="$USB/T2.entries"
	# one byte of the sealed part changed
	python3 - "$f" "$T/altered.entries" <<-'PY'
		import sys
		d = bytearray(open(sys.argv[1], "rb").read())
		d[len(d) // 2 + 40] ^= 1
		open(sys.argv[2], "wb").write(d)
	PY
	run w1 sync --file "$T/altered.entries"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"altered or damaged"*"nothing was read"* ]]
	# cut short (a stick pulled while it was written)
	head -c $(($(stat -c %s "$f") - 100)) "$f" >"$T/cut.entries"
	run w1 sync --file "$T/cut.entries"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cut short"* ]]
	# another event's lap point
	"$WATCTL" --db "$T/o1.db" init --name Other --city Tupelo --date 2026-05-02 --pin-later >/dev/null
	"$WATCTL" --db "$T/o1.db" walker add --name Zed >/dev/null
	mkdir -p "$T/other"
	"$WATCTL" --db "$T/o1.db" export --out "$T/other" >/dev/null
	run w1 sync --file "$T/other/T1.entries"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"of another event"*"nothing was read"* ]]
	# the same with the header's event tag changed to this one's: the key
	# (and the sealed part, which covers the header) refuse it
	tag=$(head -1 "$f" | sed 's/.*"event":"\([^"]*\)".*/\1/')
	python3 - "$T/other/T1.entries" "$T/forged.entries" "$tag" <<-'PY'
		import sys, re
		d = open(sys.argv[1], "rb").read()
		nl = d.index(b"\n")
		h = re.sub(rb'"event":"[^"]*"', b'"event":"' + sys.argv[3].encode() + b'"', d[:nl])
		open(sys.argv[2], "wb").write(h + d[nl:])
	PY
	run w1 sync --file "$T/forged.entries"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not sealed with this event's key"* ]]
	# not a file of ours at all
	echo "hello" >"$T/junk.entries"
	run w1 sync --file "$T/junk.entries"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not a W.A.T. station's entries file"* ]]
	[ -z "$(w1 sync --status | grep '^T2 ')" ]
	# the genuine file still reads
	run w1 sync --file "$f"
	[ "$status" -eq 0 ]
	[[ "$output" == *"station T2,"*"entries new"* ]]
}

@test "sync --file: a file past the peers' budget is refused whole; the station's own entries go on" {
	awk 'BEGIN { print "name,team,email,external_id";
		for (i = 1; i <= 8000; i++) printf "Walker %d,Team,,X-%d\n", i, i }' >"$T/roster.csv"
	w2 roster import "$T/roster.csv" >/dev/null
	w2 export --out "$USB" >/dev/null
	run w1 sync --file "$USB/T2.entries" --budget-mb 1
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"space kept for other stations"* ]]
	[ -z "$(w1 sync --status | grep '^T2 ')" ]
	run w1 walker add --name "Walk Up"
	[ "$status" -eq 0 ]
	w1 check | grep -q intact
	run w1 sync --file "$USB/T2.entries"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"station T2,"*"entries new"* ]]
}
