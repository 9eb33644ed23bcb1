#!/usr/bin/env bats
# wat-kiosk in script mode under SDL's dummy video driver (offscreen works too,
# but loads Mesa, whose exit-time leaks LeakSanitizer reports): every screen at
# 800x480 and 1280x800, on real sqlite files set up with watctl.
# KIOSK_SHOTS=DIR keeps the screenshots (docs/screenshots is made this way).

setup() {
	DB="$BATS_TEST_TMPDIR/station.db"
	w() { "$WATCTL" --db "$DB" "$@"; }
	export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
	export SHOTS="${KIOSK_SHOTS:-$BATS_TEST_TMPDIR}"
	mkdir -p "$SHOTS"
	USB="$BATS_TEST_TMPDIR/usb"
	mkdir -p "$USB"
}

event() {
	w init --name "Walk Against Traffick" --city "Jackson" --date "$(date +%F)" --goal 5000 >/dev/null
	w walker add --name "María López" --team Sunrise >/dev/null
	w walker add --name "Zoë Ångström" >/dev/null
	BADGE1=$(w badge-code 1)
	BADGE2=$(w badge-code 2)
	# the same walker number, one character of the signature changed
	last=${BADGE1: -1}
	if [ "$last" = A ]; then swap=B; else swap=A; fi
	FORGED="${BADGE1%?}$swap"
	"$WATCTL" --db "$BATS_TEST_TMPDIR/other.db" init --name Other --city Elsewhere --date "$(date +%F)" >/dev/null
	"$WATCTL" --db "$BATS_TEST_TMPDIR/other.db" walker add --name Someone >/dev/null
	OTHER=$("$WATCTL" --db "$BATS_TEST_TMPDIR/other.db" badge-code 1)
	export BADGE1 BADGE2 FORGED OTHER
}

# kiosk SIZE SCENARIO: replays tests/kiosk/SCENARIO.script; screenshots get a size suffix.
kiosk() {
	local size=$1 name=$2 script="$BATS_TEST_TMPDIR/$2-$1.script"
	sed "s|\${SHOTS}/\([a-z0-9-]*\)\.png|\${SHOTS}/\1-$size.png|" "$REPO/tests/kiosk/$name.script" >"$script"
	run "$WAT_KIOSK" --db "$DB" --window "$size" --usb "$USB" --script "$script"
	echo "$output"
	[ "$status" -eq 0 ]
}

both() {
	for size in 800x480 1280x800; do
		rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.pin" "$BATS_TEST_TMPDIR/other.db"*
		"$@" "$size"
	done
}

home() { event; kiosk "$1" home; }
@test "kiosk: home screen shows the event, totals and goal" { both home; }

scan() { event; kiosk "$1" scan; }
@test "kiosk: scans welcome, count once, refuse forged, foreign and other-event codes" { both scan; }

laps() {
	event
	w set role lap >/dev/null
	w set holdoff 1 >/dev/null
	kiosk "$1" laps
}
@test "kiosk: lap point counts laps and refuses a lap too soon" { both laps; }

wedge() { event; kiosk "$1" wedge; }
@test "kiosk: a keyboard-wedge scanner's typed code and Enter is a scan" { both wedge; }

find() {
	event
	kiosk "$1" find
	w walker show 2 | grep -qi 'laps.*1\|1 lap'
}
@test "kiosk: find a walker accent-insensitively, check in, add a lap, show the badge" { both find; }

register() {
	event
	kiosk "$1" register
	w walker show 3 | grep -q 'Jean-Luc Picard'
}
@test "kiosk: walk-up registration creates the walker and shows the badge" { both register; }

donate() {
	event
	kiosk "$1" donate
	w log | grep donation | grep -q '25.00\|2500'
}
@test "kiosk: a check donation is confirmed in words and recorded" { both donate; }

correct() {
	event
	kiosk "$1" correct
	w log | grep -q annul
}
@test "kiosk: a lap is undone with a reason and stays listed" { both correct; }

coord() {
	event
	cp "$REPO/assets/demo/roster.csv" "$USB/roster.csv"
	printf 'name,email\n,nobody@example.org\n"unclosed\n' >"$USB/bad.csv"
	kiosk "$1" coord
	[ "$(stat -c %a "$DB.pin")" = 600 ]
	w log | grep -q pin-fail
	w settings | grep -q 'lap'
}
@test "kiosk: coordinator PIN, settings, role, roster import, throttled wrong PINs" { both coord; }

setup_event() { kiosk "$1" setup; w settings | grep -q 'Walk Against Traffick'; }
@test "kiosk: first start on an empty ledger walks through setting the event up" { both setup_event; }

clock() {
	w init --name "Walk Against Traffick" --city Jackson --date 2099-05-02 >/dev/null
	kiosk "$1" clock
}
@test "kiosk: a clock before the event's date shows on the home screen" { both clock; }

rotate() { event; kiosk "$1" rotate; }
@test "kiosk: rotation turns the frame and the touches" { both rotate; }

@test "kiosk: a failed expectation names the line and exits non-zero" {
	event
	printf 'expect-text Scan your badge\nexpect-text No such words\n' >"$BATS_TEST_TMPDIR/bad.script"
	run "$WAT_KIOSK" --db "$DB" --window 800x480 --script "$BATS_TEST_TMPDIR/bad.script"
	[ "$status" -ne 0 ]
	[[ "$output" == *"bad.script:2"* ]]
	[[ "$output" == *"No such words"* ]]
}

@test "kiosk: an unreadable ledger is a screen, not a crash" {
	printf 'not a database, just text\n%.0s' $(seq 200) >"$DB"
	printf 'expect-screen fatal\nexpect-text cannot be opened\n' >"$BATS_TEST_TMPDIR/f.script"
	run "$WAT_KIOSK" --db "$DB" --window 800x480 --script "$BATS_TEST_TMPDIR/f.script"
	echo "$output"
	[ "$status" -eq 0 ]
}
