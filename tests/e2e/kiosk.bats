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
	export WAT_HQ_DIR="$BATS_TEST_DIRNAME/../../assets/demo/hq" # opens sealed bundles
}

event() {
	export PIN=246813
	echo "$PIN" >"$BATS_TEST_TMPDIR/pin"
	RECOVERY=$(w init --name "Walk Against Traffick" --city "Jackson" --date "$(date +%F)" \
		--goal 5000 --pin-file "$BATS_TEST_TMPDIR/pin" |
		grep -Eo '[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}')
	export RECOVERY
	w walker add --name "María López" --team Sunrise >/dev/null
	w walker add --name "Zoë Ångström" >/dev/null
	BADGE1=$(w badge-code 1)
	BADGE2=$(w badge-code 2)
	# the same walker number, one character of the signature changed
	last=${BADGE1: -1}
	if [ "$last" = A ]; then swap=B; else swap=A; fi
	FORGED="${BADGE1%?}$swap"
	"$WATCTL" --db "$BATS_TEST_TMPDIR/other.db" init --pin-later --name Other --city Elsewhere --date "$(date +%F)" >/dev/null
	"$WATCTL" --db "$BATS_TEST_TMPDIR/other.db" walker add --name Someone >/dev/null
	OTHER=$("$WATCTL" --db "$BATS_TEST_TMPDIR/other.db" badge-code 1)
	export BADGE1 BADGE2 FORGED OTHER
}

# kiosk SIZE SCENARIO: replays tests/kiosk/SCENARIO.script; screenshots get a size suffix.
kiosk() {
	local size=$1 name=$2 script="$BATS_TEST_TMPDIR/$2-$1.script"
	sed "s|\${SHOTS}/\([a-z0-9-]*\)\.png|\${SHOTS}/\1-$size.png|" "$REPO/tests/kiosk/$name.script" >"$script"
	# shellcheck disable=SC2086 # KIOSK_EXTRA: more options, split
	run "$WAT_KIOSK" --db "$DB" --window "$size" --usb "$USB" ${KIOSK_EXTRA:-} --script "$script"
	echo "$output"
	[ "$status" -eq 0 ]
}

both() {
	for size in 800x480 1280x800; do
		rm -rf "$DB" "$DB-wal" "$DB-shm" "$DB.pin" "$DB.keys" "$BATS_TEST_TMPDIR/other.db"*
		"$@" "$size"
	done
}

walk() { event; kiosk "$1" walk; }
@test "kiosk: every screen fits a finger: no touch target under 48x48 px, no text cut off" { both walk; }

home() {
	event
	w donate 1 40 --method cash >/dev/null # under 1 % of the goal
	kiosk "$1" home
}
@test "kiosk: home screen shows the event, totals, and the amount raised toward the goal" { both home; }

scan() { event; kiosk "$1" scan; }
@test "kiosk: scans welcome, count once, refuse forged, foreign and other-event codes" { both scan; }

laps() {
	event
	w set role lap >/dev/null
	w set holdoff 1 >/dev/null
	kiosk "$1" laps
}
@test "kiosk: lap point counts laps; a lap too soon is amber and left to the coordinator" { both laps; }

doubletap() {
	event
	kiosk "$1" doubletap
	# one check-in, then one lap: the deliberate tap, never the double tap's
	[ "$(w log | grep -c ' checkin ')" -eq 1 ]
	[ "$(w log | grep -c ' lap ')" -eq 1 ]
}
@test "kiosk: a double tap on Check in records the check-in only, not lap 1 under the finger" { both doubletap; }

review() {
	event
	w set holdoff 1 >/dev/null
	# laps scanned too soon (the fake clock of a scan is the real one: sleep)
	w checkin 1 >/dev/null
	w checkin 2 >/dev/null
	w scan "$BADGE1" --lap >/dev/null # timed from nothing: counts
	sleep 1.1
	w scan "$BADGE1" --lap >/dev/null # too soon: flagged
	sleep 1.1
	w scan "$BADGE1" --lap >/dev/null # too soon: flagged
	w scan "$BADGE2" --lap >/dev/null
	sleep 1.1
	w scan "$BADGE2" --lap >/dev/null # too soon: flagged
	kiosk "$1" "${2:-review}"
	[ -z "${2:-}" ] || return 0
	w log | grep -q '"kind":"lap-review".*"verdict":"accept"' ||
		w log | grep -q 'lap-review.*"verdict":"accept"'
	w log | grep -q 'lap-review.*"verdict":"reject"'
	# the walker's counted laps: the first, and the accepted one
	w walker show 1 | grep -q '^Laps: 2 counted (3 recorded'
}
@test "kiosk: lap review lists flagged laps by walker with the scans around; accept and reject are recorded" { both review; }
# portrait (rotate 90): the rows' text across, the buttons under it, one size
@test "kiosk: lap review on a portrait panel: every row whole, in one size" { review 800x480 review-rotated; }

board() {
	event
	w set min-lap 0 >/dev/null
	for _ in 1 2 3; do w lap 1 >/dev/null; done
	w lap 2 >/dev/null
	w donate 1 40 --method cash >/dev/null
	kiosk "$1" board
	w set full-names 1 >/dev/null
	kiosk "$1" board-names
}
@test "kiosk: the idle home screen is the walkers' display: leaderboard, thermometer, lap N! as walkers pass, short names" { both board; }

board_pledged() {
	event
	load lib/stations
	# the lap point (T2) joins; Hal registers there, team Sunrise
	pack "$DB" "$BATS_TEST_TMPDIR/t2.db" "$BATS_TEST_TMPDIR/t2.pack"
	w2() { "$WATCTL" --db "$BATS_TEST_TMPDIR/t2.db" "$@"; }
	w2 walker add --name "Hal Ito" --team Sunrise >/dev/null
	w donate 1 40 --method cash >/dev/null
	# $20 here, $30 there, and X-9 ($15, imported at both) once: $65
	w pledge add 1 --sponsor "Ann Bee" --rate 20 >/dev/null
	w pledge add 1 --sponsor "Cal Dee" --rate 15 --id X-9 >/dev/null
	w2 pledge add 100001 --sponsor "Ida Fox" --rate 30 >/dev/null
	w2 pledge add 100001 --sponsor "Cal Dee" --rate 15 --id X-9 >/dev/null
	mkdir -p "$BATS_TEST_TMPDIR/stick"
	w2 export --out "$BATS_TEST_TMPDIR/stick" >/dev/null
	w sync --file "$BATS_TEST_TMPDIR/stick/T2.entries" >/dev/null
	kiosk "$1" board-pledged
	rm -rf "$BATS_TEST_TMPDIR/t2.db"* "$BATS_TEST_TMPDIR/stick"
}
@test "kiosk: the thermometer's and the teams' pledged sums are the event's: the lap point's pledges too, one held at both once" { both board_pledged; }

display2() {
	event
	w set min-lap 0 >/dev/null
	w lap 1 >/dev/null
	# SDL's dummy driver has one display: without --display2 no second window
	run "$WAT_KIOSK" --db "$DB" --window "$1" --usb "$USB" --script "$REPO/tests/kiosk/display.script"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no second window"* ]]
	KIOSK_EXTRA="--display2 0" kiosk "$1" display
	[ -s "$SHOTS/display2-$1.png" ]
}
@test "kiosk: --display2 puts the walkers' display in a second window; without it (one display) there is none" { both display2; }

wedge() { event; kiosk "$1" wedge; }
@test "kiosk: a keyboard-wedge scanner's typed code and Enter is a scan" { both wedge; }

find() {
	event
	kiosk "$1" find
	w walker show 2 | grep -qi 'laps.*1\|1 lap'
}
cash() {
	event
	kiosk "$1" cash
	w walker show 1 | grep -q '20.00'
}
@test "kiosk: cash by a quick amount, the cash handed over and the change due" { both cash; }

find_many() {
	event
	w checkin 1 >/dev/null
	for n in Three Four Five Six Seven; do w walker add --name "Ann $n" --team Hill >/dev/null; done
	kiosk "$1" find-many
}
@test "kiosk: the find list shows more than four walkers at 800x480, with team, number and check-in" { both find_many; }

find_long_team() {
	event
	w walker add --name "Maria Lopez" --team "First Baptist Youth Group of Greater Jackson" >/dev/null
	w walker add --name "Bart Richardson" --team "First Baptist Youth Group of Greater Jackson" >/dev/null
	kiosk "$1" find-long-team
}
@test "kiosk: a long team's name on the find list is shortened, never the walker's number" {
	both find_long_team
	rm -rf "$DB" "$DB-wal" "$DB-shm" "$DB.pin" "$DB.keys" "$BATS_TEST_TMPDIR/other.db"*
	find_long_team 1024x600 # where it was seen
}

@test "kiosk: find a walker accent-insensitively, check in, add a lap, show the badge" { both find; }

register() {
	event
	kiosk "$1" register
	w walker show 3 | grep -q 'Jean-Luc Picard'
	w walker show 3 | grep -q 'Sunrise'
	w log | grep -q ' checkin .*walker 3 '
}
@test "kiosk: walk-up registration: the team picked from the event's teams, checked in at once, the badge print offered" { both register; }

register_dup() {
	event
	w checkin 1 >/dev/null
	kiosk "$1" register-dup
	# the walk-up typed "sunrise": one team Sunrise, not two
	w walker show 3 | grep -q 'Sunrise'
	! w log | grep -q '"team":"sunrise"'
	w walker show 4 | grep -q 'Ana Lima'
}
@test "kiosk: registering a likely duplicate warns (accent- and case-blind) with the existing walker one tap away" { both register_dup; }

donate() {
	event
	kiosk "$1" donate
	w log | grep donation | grep -q '25.00\|2500'
}
@test "kiosk: a check donation is confirmed in words and recorded" { both donate; }

pledges() {
	event
	w set lap-length 0.25mi >/dev/null
	w set min-lap 0 >/dev/null # laps by hand in a row
	w pledge add 1 --sponsor "Imported Gail" --kind lap --rate 0.50 --max 10 >/dev/null
	for _ in $(seq 12); do w lap 1 >/dev/null; done
	w pledge certify >/dev/null
	kiosk "$1" pledges
	# three sponsors typed in a row, Gail's check with the gift beyond her pledge
	[ "$(w pledge list 1 | grep -c '^  pledge ')" -eq 4 ]
	w log | grep ' donation ' | grep -q '"cents":1000,"method":"check","check_no":"2044","donor":"Imported Gail","pledges":\[\[[0-9]*,600\]\]'
}
pledge_undo() {
	event
	kiosk "$1" pledge-undo
	! w pledge list 1 | grep -q 'Dee Typo'
	w log | grep ' annul ' | grep -q '"kind":"pledge"'
}
@test "kiosk: a pledge typed wrong is undone from the walker card's Correct, with the PIN" {
	both pledge_undo
}

# A per-mile (per-km) pledge shows the distance it is billed on beside the laps.
pledges_mile() {
	event
	w set lap-length 0.25mi >/dev/null
	w set min-lap 0 >/dev/null
	w pledge add 1 --sponsor "Di Mile" --kind mile --rate 2 >/dev/null
	w pledge add 1 --sponsor "Ed Km" --kind km --rate 1 >/dev/null
	for _ in $(seq 12); do w lap 1 >/dev/null; done
	kiosk "$1" pledges-mile
}
@test "kiosk: a per-mile or per-km pledge shows the miles or km it is billed on" {
	both pledges_mile
}
certify() {
	event
	w set lap-length 0.25mi >/dev/null
	w set min-lap 0 >/dev/null # laps by hand in a row
	w pledge add 1 --sponsor "Bob" --kind lap --rate 0.50 >/dev/null
	w pledge add 2 --sponsor "Cy" --rate 20 >/dev/null
	for _ in $(seq 12); do w lap 1 >/dev/null; done
	kiosk "$1" certify
	w log | grep -q ' certify '
	w log | grep ' certify-reopen ' | grep -q 'a late lap from the lap point'
}
@test "kiosk: the coordinator certifies the laps (final amounts), then reopens them with a reason" { both certify; }

@test "kiosk: a walker's pledges: twenty lines in a row, settled on the counted laps, a sponsor pays by check with a gift" { both pledges; }

correct() {
	event
	kiosk "$1" correct
	w log | grep -q annul
}
@test "kiosk: a lap is undone with a reason and stays listed" { both correct; }

# Laps scanned too soon, reviewed or not, and more entries than the list's
# rows: each lap says where its review stands and its number as it counts
# now, and "Older…" reaches every entry offered.
correct_laps() {
	event
	w set holdoff 1 >/dev/null
	w set min-lap 3 >/dev/null
	entry_of() { "$@" | sed -n 's/^Recorded as entry \([0-9]*\)\.$/\1/p' | tail -1; }
	w checkin 1 >/dev/null
	w scan "$BADGE1" --lap >/dev/null # lap 1
	sleep 1.1
	A=$(entry_of w scan "$BADGE1" --lap) # too soon: accepted below, then lap 2
	sleep 2.1
	w scan "$BADGE1" --lap >/dev/null # 3.2 s after lap 1: counts, scanned as lap 2, now lap 3
	sleep 1.1
	w scan "$BADGE1" --lap >/dev/null # too soon: waiting
	sleep 1.1
	D=$(entry_of w scan "$BADGE1" --lap) # too soon: rejected below
	[ -n "$A" ] && [ -n "$D" ]
	w lap accept "$A" >/dev/null
	w lap reject "$D" >/dev/null
	w donate 1 500 --method cash >/dev/null
	w donate 1 700 --method cash >/dev/null
	kiosk "$1" correct-laps
}
@test "kiosk: Correct says a lap's review and its number as it counts now; Older… reaches every entry" {
	both correct_laps
}

undo_money() {
	event
	w donate 1 500 --method cash >/dev/null
	kiosk "$1" undo-money
	w log | grep annul | grep -q 'by coordinator.*"reason":"Wrong amount","kind":"donation"'
	w report | grep -q '\$0.00'
}
@test "kiosk: a volunteer undoing a donation is asked for the coordinator PIN, then it is undone" {
	both undo_money
}

undo_closed() {
	event
	w donate 1 500 --method cash >/dev/null
	w close --cash 500 --checks 0 --counter Ann --counter Bob >/dev/null
	kiosk "$1" undo-closed
	! w log | grep -q ' annul '
}
@test "kiosk: after the close-out, undoing money asks to reopen the station first" { both undo_closed; }

forgot_pin() {
	event
	no_cups "$1"
	# as read off the slip: lower case, spaces for dashes
	RECOVERY_TYPED=$(echo "$RECOVERY" | tr 'A-Z-' 'a-z ')
	export RECOVERY_TYPED
	kiosk "$1" forgot-pin
	w log | grep -q pin-recover
	w log | grep -q '"what":"recovery","outcome":"error"'
	# the code is nowhere on the station's disk
	[ ! -d "$WAT_SPOOL" ] || ! ls "$WAT_SPOOL" | grep -qi recovery
	! grep -rq "$RECOVERY" "$BATS_TEST_TMPDIR" --include='*.pdf'
}
@test "kiosk: a forgotten PIN is replaced with the recovery code; the new code is shown once, printable, never saved" {
	both forgot_pin
}

idle_lock() {
	event
	w set lock-seconds 15 >/dev/null
	kiosk "$1" idle-lock
}
@test "kiosk: coordinator mode left alone locks after the idle time, the form kept under the PIN" {
	idle_lock 800x480
}

coord() {
	event
	w set org-name "International Outreach Ministries" >/dev/null # longer than its button
	cp "$REPO/assets/demo/roster.csv" "$USB/roster.csv"
	printf 'name,email\n,nobody@example.org\n"unclosed\n' >"$USB/bad.csv"
	kiosk "$1" coord
	[ "$(stat -c %a "$DB.pin")" = 600 ]
	w log | grep -q pin-fail
	w settings | grep -q '^lap-length	400 m$'
	w log | grep -q '"key":"lap-length","value":"0.25 mi"'
}
@test "kiosk: coordinator PIN, settings, role, roster import, throttled wrong PINs" { both coord; }

import_nostick() {
	event
	rm -rf "$USB"
	# the stick is plugged in while the screen says there is none
	(sleep 3 && mkdir -p "$USB" && cp "$REPO/assets/demo/roster.csv" "$USB/roster.csv") &
	kiosk "$1" import-nostick
	wait
}
@test "kiosk: Import roster without a USB stick says so in words; Look again finds it once plugged in" { both import_nostick; }

waiver_long() {
	event
	long=$(printf 'I walk at my own risk and release the organisers from any claim. %.0s' 1 2 3 4 5)
	long=${long% }
	w set waiver "$long" >/dev/null
	kiosk "$1" waiver-long
	[ "$(w settings | sed -n 's/^waiver\t//p')" = "$long" ] # whole, as set
}
@test "kiosk: a waiver longer than the keyboard takes is shown by its start and left whole" { both waiver_long; }

waiver() {
	event
	w set waiver-version 2026-1 >/dev/null
	w set waiver "I walk at my own risk and release the organisers from any claim. I am in good health and able to walk the distance." >/dev/null
	kiosk "$1" waiver
	run w log
	[[ "$output" == *'walker 3 '*'{"waiver":"2026-1","waiver_by":"guardian: Ana Lee"}'* ]]
	[[ "$output" == *'walker 4 '*'{"waiver":"2026-1","waiver_by":"walker"}'* ]]
	[ "$(grep -c '"waiver":' <<<"$output")" -eq 2 ] # none for the walker who did not agree
	w check >/dev/null
}
@test "kiosk: with an event waiver, a walk-up agrees on screen (or a guardian, by name), recorded with its version" {
	both waiver
}

import_partial() {
	event
	printf 'name,team,email,id\nAnn Lee,Hope,ann@example.org,R-1\nBo Chen,Hope,,R-2\nAnn Lee,Hope,ann@example.org,R-1\n,Grace,nobody@example.org,R-3\nCy Dee,Grace,,R-1\nEd Fox,,,R-4\n' >"$USB/mixed.csv"
	{
		echo 'name,team,email,id'
		echo 'Gil Good,Hope,,R-50'
		for i in $(seq 1 15); do echo ",Grace Community Church of the Valley,someone.with.a.long.address.$i@example.org,R-$((60 + i))"; done
	} >"$USB/many.csv"
	kiosk "$1" import-partial
	# the three good rows, once each; the bad ones left out
	[ "$(w walker list | grep -c 'Ann Lee')" -eq 1 ]
	w walker list | grep -q 'Ed Fox'
	! w walker list | grep -q 'Cy Dee'
	[ "$(w log | grep -c ' walker  ')" -eq 5 ] # two before, three imported
	w log | grep -q '"what":"roster"'        # the list to fix, printed or spooled
}
@test "kiosk: a roster with bad rows: the preview, nothing until the coordinator chooses the good rows, the rest listed and printed" {
	both import_partial
}

pledges_import() {
	event
	printf 'walker,sponsor,kind,rate,max,id,paid,paid date\n1,Grandma Rosa,per lap,$1.00,$30,PL-1,,\n1,Uncle Tom,flat,$25,,PL-2,$25,2026-04-20\n2,Aunt Jo,per lap,$0.50,,PL-3,,\n9,Nobody,flat,$5.00,,PL-4,,\n2,Zed,weird,$1,,PL-5,,\n' >"$USB/pledges.csv"
	printf 'name,id,sponsor,pledge kind,pledge rate,pledge id\nAnn Lee,R-1,Grandma Lee,per lap,$1,RP-1\nAnn Lee,R-1,Uncle Lee,flat,$10,RP-2\nBo Chen,R-2,,,,\nCy Dee,,Mom Dee,flat,$5,\n' >"$USB/roster-pledges.csv"
	kiosk "$1" pledges-import
	run w pledge list
	echo "$output"
	[ "$(grep -c 'pledge [0-9]*  ' <<<"$output")" -eq 5 ] # 3 from the CSV, 2 from the roster, once each
	[[ "$output" == *'Uncle Tom: $25.00'*'paid online $25.00'* ]]
	[[ "$output" == *'Grandma Lee'* && "$output" == *'Uncle Lee'* ]]
	! grep -q 'Nobody\|Zed\|Mom Dee' <<<"$output"
	w walker list | grep -q 'Cy Dee' # the walker imported, the pledge with no walker id left out
	w log | grep ' pledge ' | grep -q '"ext_id":"PL-2"'
	w log | grep -q '"what":"roster"' # the pledge rows to fix, printed or spooled
	w check >/dev/null
}
@test "kiosk: pledges from the USB stick: a preview naming each bad row, the good rows only by choice, paid online stays paid, once each; a roster's pledge columns" {
	both pledges_import
}

setup_event() {
	kiosk "$1" setup
	w settings | grep -q 'Walk Against Traffick'
	# the date as picked (from the clock's day: a month back, January into
	# December of the year before, as the script taps; a day in the past,
	# so no wrong-clock warning covers "The event is ready"), the
	# organisation and its EIN as asked once
	want=$(date -d "$(date +%Y-%m-15) -1 month" +%Y-%m)
	w settings | grep -q "^date	$want-"
	w settings | grep -q '^org-name	International Outreach Ministries$'
	w settings | grep -q '^org-ein	12-3456789$'
}
@test "kiosk: first start on an empty ledger walks through setting the event up" { both setup_event; }

clock() {
	export PIN=246813
	echo "$PIN" >"$BATS_TEST_TMPDIR/pin"
	w init --name "Walk Against Traffick" --city Jackson --date 2099-05-02 \
		--pin-file "$BATS_TEST_TMPDIR/pin" >/dev/null
	kiosk "$1" clock
}
@test "kiosk: a clock before the event's date shows on the home screen" { both clock; }

rotate() { event; kiosk "$1" rotate; }
@test "kiosk: rotation turns the frame and the touches" { both rotate; }

rotate_coord() { event; kiosk "$1" rotate-coord; }
@test "kiosk: on a portrait panel the coordinator's menu and screens fit, nothing cut off" { both rotate_coord; }

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

@test "kiosk: a ledger held by another program for a moment at start is waited for, then opened" {
	local t=$BATS_TEST_TMPDIR p hpid kpid
	event
	p=$((20000 + ($$ % 20000) + 7))
	"$WATCTL" --db "$DB" sync --listen "127.0.0.1:$p" 2>"$t/hold.err" &
	hpid=$!
	for _ in $(seq 100); do grep -q Listening "$t/hold.err" 2>/dev/null && break; sleep 0.05; done
	grep -q Listening "$t/hold.err"
	# stopped while it waits (systemd's stop, a restart), it ends at once: the
	# Send to HQ thread's calls to the ledger's thread are answered meanwhile
	"$WAT_KIOSK" --db "$DB" --window 800x480 >"$t/stopped.out" 2>&1 &
	kpid=$!
	for _ in $(seq 100); do grep -q "Waiting for the ledger" "$t/stopped.out" && break; sleep 0.05; done
	sleep 1.5
	kill -TERM "$kpid"
	for _ in $(seq 50); do kill -0 "$kpid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$kpid" 2>/dev/null; then
		kill -KILL "$kpid" "$hpid"
		echo "the kiosk did not stop while waiting for the ledger"
		false
	fi
	wait "$kpid" || true
	printf 'expect-screen home\nexpect-text Scan your badge\n' >"$t/held.script"
	"$WAT_KIOSK" --db "$DB" --window 800x480 --script "$t/held.script" >"$t/kiosk.out" 2>&1 &
	kpid=$!
	sleep 2.5
	kill "$hpid"
	wait "$hpid" || true
	wait "$kpid" || { cat "$t/kiosk.out"; false; }
	cat "$t/kiosk.out"
	# it said what it waited for, and the kiosk was never the red screen
	grep -q "Waiting for the ledger, held by another program" "$t/kiosk.out"
	! grep -q "cannot be opened" "$t/kiosk.out"
}

# ---- printing, close-out, export (issues 5 and 6) ----

load lib/cupsd
load lib/hq

teardown() {
	hq_teardown # Send to HQ's wat-hq, its signer and wat-send, if a test started them
	cupsd_stop
	if [ -n "${PT:-}" ]; then rm -rf "$PT"; fi
}

# the seq the kiosk's next entry gets
next_seq() { echo $(($(w log | tail -1 | awk '{print $1}') + 1)); }

no_cups() {
	export CUPS_SERVER="$BATS_TEST_TMPDIR/no-cupsd.sock" WAT_SPOOL="$BATS_TEST_TMPDIR/spool-$1"
	export RECEIPT_OUTCOME="No printer: saved as PDF"
	# in a volunteer's words: the file's name, not the spool folder's path
	export RECEIPT_DETAIL="Nothing is lost: the page is kept on this station (Receipt_"
}

receipt_spool() {
	event
	no_cups "$1"
	GIFT=$(next_seq)
	export GIFT
	kiosk "$1" receipt
	n=$(ls "$WAT_SPOOL"/Receipt*.pdf | wc -l)
	[ "$n" -eq 2 ] # the receipt and its COPY
	f=$(ls -tr "$WAT_SPOOL"/Receipt*.pdf | head -1)
	pdftotext "$f" - >"$BATS_TEST_TMPDIR/r.txt"
	grep -q "María López" "$BATS_TEST_TMPDIR/r.txt"
	grep -q '\$40.00' "$BATS_TEST_TMPDIR/r.txt"
	grep -q "No goods or services were provided" "$BATS_TEST_TMPDIR/r.txt"
	! grep -q COPY "$BATS_TEST_TMPDIR/r.txt"
	pdftotext "$(ls -t "$WAT_SPOOL"/Receipt*.pdf | head -1)" - | grep -q COPY
	ls "$WAT_SPOOL"/Slip*.pdf "$WAT_SPOOL"/Badge*.pdf >/dev/null
	w log | grep -q '"what":"receipt","of":'"$GIFT"',"copy":false,"outcome":"spooled"'
	w log | grep -q '"what":"receipt","of":'"$GIFT"',"copy":true,"outcome":"spooled"'
	w log | grep -q '"what":"slip","of":1,"outcome":"spooled"'
	w log | grep -q '"what":"badge","of":1,"outcome":"spooled"'
}
@test "kiosk: without a printer the receipt is saved as PDF (walker, amount, statement); the reprint is a COPY" { both receipt_spool; }

printer_settings() {
	event
	no_cups "$1"
	kiosk "$1" printer
	w settings | grep -q 'nosuchq'
	w settings | grep -q '58mm'
	w log | grep -q '"what":"test","outcome":"spooled"'
	ls "$WAT_SPOOL"/Test_print*.pdf >/dev/null
}
@test "kiosk: coordinator sets the printer queue and paper; a test print (saved as PDF without CUPS)" { both printer_settings; }

private_cupsd() {
	cupsd_usable || skip "no private cupsd here (needs root and cupsd)"
	PT=$(mktemp -d /tmp/wat-kiosk-bats-XXXXXX)
	chmod 755 "$PT" # filters run as lp and must reach it
	cupsd_start "$PT/cupsd" >&2
	# several pages in one kiosk run: each job in its own file, out/pdfq/job-ID.out
	cupsd_job_queue pdfq "$PT/cupsd/out/pdfq" -m lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd \
		-o printer-error-policy=abort-job 2>/dev/null ||
		cupsd_job_queue pdfq "$PT/cupsd/out/pdfq" -m drv:///sample.drv/generic.ppd \
			-o printer-error-policy=abort-job
	lpadmin -p bad -E -v "file:///nonexistent/folder/out.ps" -m drv:///sample.drv/generic.ppd 2>/dev/null
	export CUPS_SERVER WAT_SPOOL="$BATS_TEST_TMPDIR/spool"
}

receipt_cups() {
	event
	w set printer pdfq >/dev/null
	export RECEIPT_OUTCOME="Printed" RECEIPT_DETAIL="Printed on"
	GIFT=$(next_seq)
	export GIFT
	kiosk "$1" receipt
	# each page as it came out of the printer, found by the job the ledger names
	page() { # page WHAT-PATTERN -> the text of that job's output
		local job
		job=$(w log | grep -o "\"what\":$1,\"outcome\":\"completed\",\"queue\":\"pdfq\",\"job\":[0-9]*" |
			tail -1 | sed 's/.*"job"://')
		[ -n "$job" ] || return 1
		cupsd_pdftotext "$PT/cupsd/out/pdfq/job-$job.out" "$BATS_TEST_TMPDIR/job-$job.txt" &&
			cat "$BATS_TEST_TMPDIR/job-$job.txt"
	}
	page '"receipt","of":'"$GIFT"',"copy":false' >"$BATS_TEST_TMPDIR/receipt.txt"
	grep -q "María López" "$BATS_TEST_TMPDIR/receipt.txt"
	grep -q '\$40.00' "$BATS_TEST_TMPDIR/receipt.txt"
	! grep -q COPY "$BATS_TEST_TMPDIR/receipt.txt"
	page '"receipt","of":'"$GIFT"',"copy":true' | grep -q COPY
	page '"slip","of":1' | grep -q "Raised"
	page '"badge","of":1' | grep -q "María López"
	[ ! -d "$WAT_SPOOL" ] || [ -z "$(ls "$WAT_SPOOL")" ]
}
@test "kiosk: receipt, reprint (COPY), slip and badge print on a private cupsd's queue" {
	private_cupsd
	both receipt_cups
}

badges_cups() {
	event
	w walker add --name "Bart Richardson" --team "First Baptist Youth Group of Greater Jackson" >/dev/null
	w walker add --name "Ann Other" --team "First Baptist Youth Group of Greater Jackson" >/dev/null
	w set printer pdfq >/dev/null
	kiosk "$1" badges
	w log | grep -q '"what":"badges","count":4,"which":"all","through":[0-9]*,"outcome":"completed","queue":"pdfq"'
	w log | grep -q '"what":"badges","count":2,"which":"team",.*"team":"First Baptist Youth Group of Greater Jackson","outcome":"completed"'
	w log | grep -q '"what":"badge","of":1,"reprint":true,"outcome":"completed"'
	# the sheet as it came out of the printer: every QR decodes and checks its walker in
	local job out
	job=$(w log | grep -o '"which":"all".*"queue":"pdfq","job":[0-9]*' | tail -1 | sed 's/.*"job"://')
	out="$PT/cupsd/out/pdfq/job-$job.out"
	if head -c 4 "$out" | grep -q '%!PS'; then ps2pdf "$out" "$BATS_TEST_TMPDIR/sheet.pdf"; else
		sed -n '/^%PDF/,$p' "$out" >"$BATS_TEST_TMPDIR/sheet.pdf"; fi
	pdftoppm -r 200 -png "$BATS_TEST_TMPDIR/sheet.pdf" "$BATS_TEST_TMPDIR/sheet"
	"$WATCTL" decode "$BATS_TEST_TMPDIR"/sheet*.png | cut -f2 | tr '|' '\n' | grep -v '^$' | sort -u >"$BATS_TEST_TMPDIR/codes"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/codes")" -eq 4 ]
	while read -r code; do
		w scan "$code" --welcome | grep -q "Welcome, \|already"
	done <"$BATS_TEST_TMPDIR/codes"
}
@test "kiosk: badges from coordinator mode: all on 3x10 labels through cupsd (each QR checks in), new, one team on the roll, a reprint from the card" {
	private_cupsd
	both badges_cups
}

# two sponsors still owe (one flat, one per lap on 3 laps), one paid online
statements_event() {
	event
	w set lap-length 0.25mi >/dev/null
	w set min-lap 0 >/dev/null
	printf 'walker,sponsor,kind,rate,paid\n1,Grandma Rosa,flat,$25,\n2,Uncle Tom,per lap,$1.50,\n1,Paid Pat,flat,$10,$10\n' >"$BATS_TEST_TMPDIR/pl.csv"
	w pledge import "$BATS_TEST_TMPDIR/pl.csv" --import-good-rows >/dev/null
	for _ in 1 2 3; do w lap 2 >/dev/null; done
}

statements_cups() {
	statements_event
	w set printer pdfq >/dev/null
	kiosk "$1" statements
	local job
	job=$(w log | grep -o '"what":"statement".*"outcome":"completed","queue":"pdfq","job":[0-9]*' | tail -1 | sed 's/.*"job"://')
	[ -n "$job" ]
	cupsd_pdftotext "$PT/cupsd/out/pdfq/job-$job.out" "$BATS_TEST_TMPDIR/st.txt"
	grep -q 'Grandma Rosa' "$BATS_TEST_TMPDIR/st.txt"
	grep -q 'Uncle Tom' "$BATS_TEST_TMPDIR/st.txt"
	grep -q '\$4.50' "$BATS_TEST_TMPDIR/st.txt"
	! grep -q 'Paid Pat' "$BATS_TEST_TMPDIR/st.txt" # paid: owes nothing
}
@test "kiosk: the statements still owed, from Certify laps, laid out off the UI thread and printed through cupsd" {
	private_cupsd
	both statements_cups
}

statements_stick() {
	statements_event
	w set printer bad >/dev/null
	export USB
	kiosk "$1" statements-stick
	local pdf
	pdf=$(ls "$USB"/*.pdf | head -1)
	pdftotext "$pdf" "$BATS_TEST_TMPDIR/st.txt"
	grep -q 'Grandma Rosa' "$BATS_TEST_TMPDIR/st.txt"
	grep -q 'Uncle Tom' "$BATS_TEST_TMPDIR/st.txt"
	! grep -q 'Paid Pat' "$BATS_TEST_TMPDIR/st.txt"
	# the number "How to pay" asks for is on the page, named; it checks out
	pdftotext -layout "$pdf" - | tr -s ' \n' '  ' >"$BATS_TEST_TMPDIR/st1.txt"
	grep -q 'with the statement no. above written' "$BATS_TEST_TMPDIR/st1.txt"
	local id
	id=$(grep -o 'Statement no\. S:T1:[0-9:A-F]*' "$BATS_TEST_TMPDIR/st1.txt" | head -1 | grep -o 'S:T1:.*')
	[ -n "$id" ]
	w pledge verify "$id" | grep -q 'matches the ledger'
	w log | grep -q '"what":"statement".*"outcome":"saved"'
	rm -f "$USB"/*.pdf
}
@test "kiosk: the statements still owed, from Close-out, saved as a PDF on the USB stick when the printer fails" {
	private_cupsd
	both statements_stick
}

receipt_fail() {
	event
	w set printer bad >/dev/null
	export USB
	kiosk "$1" receipt-fail
	w log | grep -q '"what":"receipt".*"outcome":"stopped","queue":"bad"'
	w log | grep -q '"what":"receipt".*"outcome":"saved","file":"'"$USB"'/Receipt'
	ls "$USB"/Receipt*.pdf >/dev/null
	rm -f "$USB"/Receipt*.pdf
}
@test "kiosk: a failing printer says so; try again; print elsewhere saves the PDF on the USB stick" {
	private_cupsd
	both receipt_fail
}

receipt_lost() {
	event
	cupsd_job_queue late "$PT/cupsd/out/late" -m lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd \
		-o printer-error-policy=abort-job
	w set printer late >/dev/null
	export WAT_SETTLE_MS=300
	touch "$PT/cupsd/out/late/hold"
	# as a crash of cupsd and systemd's restart of it would: once the job is at
	# the printer, cupsd dies; once the kiosk has saved the PDF, it is back and
	# the printer prints the job after all
	(
		for _ in $(seq 1 300); do ls "$PT"/cupsd/out/late/job-*.waiting >/dev/null 2>&1 && break; sleep 0.1; done
		cupsd_crash
		rm -f "$PT"/cupsd/out/late/job-*.waiting # the killed backend's
		for _ in $(seq 1 300); do ls "$WAT_SPOOL"/Receipt*.pdf >/dev/null 2>&1 && break; sleep 0.1; done
		cupsd_start "$PT/cupsd" >&2
		echo "$CUPSD_PID" >"$PT/restarted.pid"
		rm -f "$PT/cupsd/out/late/hold"
	) &
	kiosk "$1" receipt-lost
	wait
	CUPSD_PID=$(cat "$PT/restarted.pid")
	lost=$(w log | grep '"what":"receipt".*"outcome":"lost","queue":"late"' | tail -1)
	[ -n "$lost" ]
	seq=$(echo "$lost" | awk '{print $1}')
	job=$(echo "$lost" | sed 's/.*"job":\([0-9]*\).*/\1/')
	w log | grep -q '"outcome":"completed","queue":"late","job":'"$job"',"settles":'"$seq"
	cupsd_pdftotext "$PT/cupsd/out/late/job-$job.out" "$BATS_TEST_TMPDIR/late.txt"
	grep -q "María López" "$BATS_TEST_TMPDIR/late.txt"
	grep -q '\$25.00' "$BATS_TEST_TMPDIR/late.txt"
	rm -f "$WAT_SPOOL"/Receipt*.pdf
}
@test "kiosk: the print server stops mid-receipt: said in words, PDF kept; the job that printed after the restart is recorded" {
	private_cupsd
	both receipt_lost
}

closeout() {
	event
	w donate 1 40 --method cash >/dev/null
	w donate 1 25 --method cash >/dev/null
	w donate 2 30 --method check --check-no 1043 --donor "Ann Lee" >/dev/null
	no_cups "$1"
	kiosk "$1" closeout
	w log | grep closeout | grep -q '"cash_cents":6300,"cash_expected_cents":6500,"denominations":"20.00x3,1.00x3"'
	w log | grep closeout | grep -q '"counters":\["Ann Lee","Bob Diaz"\],"note":"two dollars given back as change"'
	w log | grep -q '"what":"closeout".*"outcome":"spooled"'
	w log | grep -q 'reopen.*late sponsor check'
	# the refused donation left nothing
	[ "$(w log | awk '$4 == "donation"' | wc -l)" -eq 3 ]
	f=$(ls "$WAT_SPOOL"/Close-out*.pdf)
	pdftotext "$f" - >"$BATS_TEST_TMPDIR/sheet.txt"
	grep -q "Ann Lee" "$BATS_TEST_TMPDIR/sheet.txt"
	grep -q "Bob Diaz" "$BATS_TEST_TMPDIR/sheet.txt"
	grep -qi "short" "$BATS_TEST_TMPDIR/sheet.txt"
	grep -q "1043" "$BATS_TEST_TMPDIR/sheet.txt"
}
@test "kiosk: close-out by denomination with cash short (note required), sheet, donation refused when closed, reopen" { both closeout; }

closeout_over() {
	event
	w donate 1 40 --method cash >/dev/null
	w donate 1 25 --method cash >/dev/null
	w donate 2 30 --method check --check-no 1043 --donor "Ann Lee" >/dev/null
	kiosk "$1" closeout-over
	w log | grep closeout | grep -q '"cash_cents":7000,"cash_expected_cents":6500,"checks":0,"check_cents":0,"checks_expected":1,"check_expected_cents":3000'
	w log | grep closeout | grep -q '"counters":\["Ann Lee","Bob Diaz"\],"note":"check 1043 given back to the donor"'
}
@test "kiosk: close-out with cash over and a check missing; the same name twice is refused" { both closeout_over; }

timezone() {
	event
	w set time-zone Asia/Kathmandu >/dev/null
	w lap 1 >/dev/null
	line=$(w log | awk '$4 == "lap"' | tail -1)
	export LAP_SEQ=$(awk '{print $1}' <<<"$line")
	export LAP_AT=$(awk '{print substr($3, 1, 5)}' <<<"$line")
	export LAP_UTC=$(TZ=UTC date -d "$(awk '{print $2, $3}' <<<"$line")" +%H:%M)
	echo "lap $LAP_SEQ at $LAP_AT (UTC $LAP_UTC)"
	[[ "$LAP_AT" =~ ^[0-9]{2}:[0-9]{2}$ ]] && [ "$LAP_AT" != "$LAP_UTC" ]
	TZ=UTC kiosk "$1" timezone
}
@test "kiosk: times on the screens are in the station's time zone (setting time-zone), not UTC" { both timezone; }

export_usb() {
	event
	w donate 1 40 --method cash >/dev/null
	w pubkey >"$BATS_TEST_TMPDIR/station.pub" 2>"$BATS_TEST_TMPDIR/pubkey.err"
	KEYID=$(sed -n 's/^Key id \([0-9A-Fa-f]*\)\..*/\1/p' "$BATS_TEST_TMPDIR/pubkey.err")
	export KEYID
	[ -n "$KEYID" ]
	rm -f "$USB"/wat-*
	kiosk "$1" export
	zip=$(ls "$USB"/wat-*.zip.age)
	[ -f "$zip.minisig" ]
	[ -z "$(ls "$USB"/*.zip 2>/dev/null)" ] # sealed: no clear zip on the stick
	minisign -Vm "$zip" -p "$BATS_TEST_TMPDIR/station.pub"
	age -d -i "$WAT_HQ_DIR/hq-backup.key" -o "$BATS_TEST_TMPDIR/opened.zip" "$zip"
	unzip -tq "$BATS_TEST_TMPDIR/opened.zip"
	"$WATCTL" verify "$zip" --pubkey "$BATS_TEST_TMPDIR/station.pub"
	[ -f "$DB.exports/$(basename "$zip")" ]
	! ls -a "$USB" | grep -q '\.part'
	# the station's entries for the event's other stations, sealed (no name in clear)
	[ -f "$USB/T1.entries" ]
	! grep -a -q 'María' "$USB/T1.entries"
}
@test "kiosk: export to the USB stick (--usb), safe to remove after the read-back; stock minisign accepts it" { both export_usb; }

export_missing() {
	event
	USB="$BATS_TEST_TMPDIR/pulled-stick"
	kiosk "$1" export-missing
	[ ! -e "$USB" ]
}
@test "kiosk: export to a stick that is gone says so and writes nothing" { both export_missing; }

export_nohq() {
	event
	local assets="$BATS_TEST_TMPDIR/assets-nohq"
	rm -rf "$assets" && cp -r "$REPO/assets" "$assets" && rm -rf "$assets/hq"
	rm -f "$USB"/wat-*

	sed "s|\${SHOTS}/\([a-z0-9-]*\)\.png|\${SHOTS}/\1-$1.png|" "$REPO/tests/kiosk/export-nohq.script" >"$BATS_TEST_TMPDIR/nohq.script"
	run "$WAT_KIOSK" --db "$DB" --window "$1" --usb "$USB" --assets "$assets" --script "$BATS_TEST_TMPDIR/nohq.script"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(ls "$USB")" ]
	# no export entry: no number used
	w log | tail -3
	! w log | grep -qw export
}
@test "kiosk: without HQ's keys in the image the export is refused before it is recorded" {
	export_nohq 800x480
}

# ---- a second station (lap point) from the touchscreen: the event pack ----

# the pack's file name on the stick, from the event's city and date
pack_name() { echo "wat-jackson-$(date +%F)-event.pack"; }

pack_join() {
	local size=$1 db1=$DB
	DB2="$BATS_TEST_TMPDIR/lap.db"
	rm -f "$DB2" "$DB2-wal" "$DB2-shm" "$DB2.pin" "$USB"/*.pack
	event
	# the waiver travels with the pack: station 2's walk-ups agree to it too
	w set waiver "I walk at my own risk." >/dev/null
	w set waiver-version 2026-1 >/dev/null
	PACK=$(pack_name)
	export PACK
	kiosk "$size" pack-export
	[ -f "$USB/$PACK" ]
	[ "$(stat -c %a "$USB/$PACK")" = 600 ]
	! ls -a "$USB" | grep -q '^\.'"$PACK"
	! grep -q "Walk Against Traffick" "$USB/$PACK"
	# the key as the other station's camera sees it: the QR code on the screen
	PACKQR=$("$WATCTL" decode "$SHOTS/pack-done-$size.png" | cut -f2)
	echo "QR on the screen: $PACKQR"
	[[ "$PACKQR" =~ ^WATPACK:[0-9A-Z]{5}(-[0-9A-Z]{5}){6}$ ]]
	key=${PACKQR#WATPACK:}
	c=${key:7:1}
	PACKTYPO="${key:0:7}$([ "$c" = A ] && echo B || echo A)${key:8}"
	OTHERKEY=$(w event-pack export "$BATS_TEST_TMPDIR/other.pack" | grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' | head -1)
	export PACKQR PACKTYPO OTHERKEY
	# station 2: a new ledger, joined on its own first-start screen
	DB=$DB2 kiosk "$size" join
	DB=$db1
	run "$WATCTL" --db "$DB2" settings
	echo "$output"
	[[ "$output" == *"Walk Against Traffick"* ]]
	[[ "$output" == *"station"*"T2"* ]]
	[[ "$output" == *$'\nwaiver\tI walk at my own risk.\n'* ]]
	[[ "$output" == *$'\nwaiver-version\t2026-1\n'* ]]
	tag1=$(w settings | awk '$1 == "badge-tag" {print $2}')
	tag2=$("$WATCTL" --db "$DB2" settings | awk '$1 == "badge-tag" {print $2}')
	[ -n "$tag1" ] && [ "$tag1" = "$tag2" ]
	[ "$(stat -c %a "$DB2.pin")" = 600 ]
	# a badge made on station 1 is accepted on station 2, and the other way
	run "$WATCTL" --db "$DB2" scan "$BADGE1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Recorded as entry"* ]]
	"$WATCTL" --db "$DB2" walker add --name "Lap Walker" >/dev/null
	c2=$("$WATCTL" --db "$DB2" badge-code 100001 | cut -f2)
	run w scan "$c2"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Recorded as entry"* ]]
	# a forged badge is still refused on station 2
	run "$WATCTL" --db "$DB2" scan "$FORGED"
	[[ "$output" != *"Recorded as entry"* ]]
}
@test "kiosk: event pack to the USB stick on station 1; station 2 joins from it as T2; badges work on both" { both pack_join; }

pack_bad() {
	local size=$1
	local first="$BATS_TEST_TMPDIR/first.db"
	rm -rf "$USB"/*.pack "$first"*
	printf 'PK\003\004 this is a zip, not a pack\n' >"$USB/bad.pack"
	printf '{"format":"wat-event-pack/1","station":"T1","event":{"name":"Walk","city":"Jackson","date":"2026-05-02","tag":"K7QF"},"badge_key":"00ff"}\n' >"$USB/clear.pack"
	# a real pack with one byte changed, opened with its own key
	"$WATCTL" --db "$first" init --pin-later --name Walk --city Jackson --date 2099-05-02 >/dev/null
	key=$("$WATCTL" --db "$first" event-pack export "$USB/changed.pack" | grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' | head -1)
	# flip the byte's bits, so it always changes (writing a fixed byte left it as it was 1 time in 256)
	python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[80] ^= 0xff; open(p, "wb").write(b)' "$USB/changed.pack"
	export PACKQR="WATPACK:$key"
	kiosk "$size" join-bad
	# nothing joined, nothing written
	run "$WATCTL" --db "$DB" settings
	[[ "$output" != *"Walk"* ]]
	[ "$(w log | wc -l)" -eq 0 ]
}
@test "kiosk: a bad, damaged or newer event pack is refused on the join screen, naming the problem" { both pack_bad; }

pack_missing() {
	event
	USB="$BATS_TEST_TMPDIR/pulled-stick"
	kiosk "$1" pack-missing
	[ ! -e "$USB" ]
	DB="$BATS_TEST_TMPDIR/new.db" kiosk "$1" join-nostick
}
@test "kiosk: no USB stick: the event pack is not written and the join screen says so" {
	pack_missing 800x480
}

pack_not_empty() {
	command -v sqlite3 >/dev/null || skip "no sqlite3 shell (APT_PKGS)"
	event
	PACK=$(pack_name)
	export PACK
	rm -f "$USB"/*.pack
	key=$(w event-pack export "$USB/$PACK" | grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' | head -1)
	export PACKQR="WATPACK:$key"
	# a ledger with an entry but no event: made by hand, as no program makes one
	local used="$BATS_TEST_TMPDIR/used.db"
	rm -rf "$used"*
	# (only init and the kiosk's first start make a ledger: the kiosk makes this one)
	echo quit >"$BATS_TEST_TMPDIR/quit.script"
	"$WAT_KIOSK" --db "$used" --window 800x480 --usb "$USB" --script "$BATS_TEST_TMPDIR/quit.script" >/dev/null 2>&1 || true
	sqlite3 "$used" "INSERT INTO entries(seq, kind, wall_ms, mono_ms, boot, op, line, hash) VALUES (1, 'pin-fail', 0, 0, 'b', 'x', '{}', x'00')"
	DB=$used kiosk "$1" join-notempty
	run "$WATCTL" --db "$used" settings
	[ "$status" -ne 0 ]
	[[ "$output" == *"has no event yet"* ]]
}
@test "kiosk: a ledger that is not empty is refused on the join screen" { pack_not_empty 800x480; }

# HQ's event file (docs/TRUST.md): a charter of the demo HQ (its key is in
# assets/hq, which the kiosk carries) and its event key on the stick.
charter_start() {
	local size=$1 hq="$BATS_TEST_TMPDIR/hq"
	rm -rf "$hq" "$DB.keys" "$USB"/*
	cp -r "$REPO/assets/demo/hq" "$hq" && chmod 700 "$hq" && chmod 600 "$hq"/*.key
	"$WATCTL" hq-charter --hq "$hq" --event 2026-jackson-ms --name "Walk Against Traffick" \
		--city "Jackson, MS" --date "$(date +%F)" --org "International Outreach Ministries" \
		--ein 64-0123456 --inbox https://hq.example.org/inbox --upload-code K7Q-22XM \
		--out "$USB" >/dev/null
	CHARTER=2026-jackson-ms.charter
	export CHARTER
	kiosk "$size" charter
	run "$WATCTL" --db "$DB" settings
	[[ "$output" == *"International Outreach Ministries"* ]]
	grep -q '"serial":1' "$DB.keys/station.cert"
	grep -q '"event":"2026-jackson-ms"' "$DB.keys/station.cert"
	[ "$(stat -c %a "$DB.keys/event.key")" = 600 ]
	# the key file missing beside it: refused, nothing set up
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.pin"
	rm -rf "$DB.keys"
	rm "$USB/2026-jackson-ms.event.key"
	kiosk "$size" charter-nokey
	[ "$(w log 2>/dev/null | wc -l)" -eq 0 ]
}
@test "kiosk: the first station starts from HQ's event file (charter + event key on the stick)" {
	both charter_start
}

# The Stations screen (docs/SYNC.md): wat-sync, started beside the kiosk,
# calls three stations on loopback through the kiosk's socket: T2 a lap
# point of this event, T3 of this event but saying a newer format (the test
# hook of watctl sync), and a station of another event, refused.
stations() {
	local size=$1 t=$BATS_TEST_TMPDIR script="$BATS_TEST_TMPDIR/stations-$1.script" p
	event
	# the event's own Wi-Fi as board/'s wat-network derives it, shown on the screen
	eval "$("$WAT_SYNC" --wifi --db "$DB")"
	[[ "$WIFI_SSID" == WAT-?????? ]]
	export WIFI_SSID WIFI_PSK
	# shown by the kiosk itself, which never loads Avahi or libcurl for it
	! readelf -d "$WAT_KIOSK" | grep -qiE 'avahi|curl'
	for s in T2 T3; do
		w event-pack export "$t/$s.pack" --station "$s" >"$t/$s.out"
		"$WATCTL" --db "$t/$s.db" event-pack import "$t/$s.pack" \
			--key "$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' "$t/$s.out" | head -1)" >/dev/null
	done
	"$WATCTL" --db "$t/T2.db" set role lap >/dev/null
	"$WATCTL" --db "$t/T2.db" scan "$BADGE1" >/dev/null
	p=$((20000 + ($$ % 20000)))
	"$WATCTL" --db "$t/T2.db" sync --listen "127.0.0.1:$p" --once 2>"$t/l2.err" &
	WAT_SYNC_FORMAT=2 "$WATCTL" --db "$t/T3.db" sync --listen "127.0.0.1:$((p + 1))" --once 2>"$t/l3.err" &
	"$WATCTL" --db "$t/other.db" sync --listen "127.0.0.1:$((p + 2))" --once 2>"$t/l4.err" &
	for f in l2 l3 l4; do
		for _ in $(seq 100); do grep -q Listening "$t/$f.err" 2>/dev/null && break; sleep 0.05; done
	done
	sed "s|\${SHOTS}/\([a-z0-9-]*\)\.png|\${SHOTS}/\1-$size.png|" "$REPO/tests/kiosk/stations.script" >"$script"
	SYNC_WAIT=3000 "$WAT_KIOSK" --db "$DB" --window "$size" --usb "$USB" --script "$script" \
		--sync-socket "$t/kiosk.sock" >"$t/kiosk.out" 2>&1 &
	local kpid=$!
	for _ in $(seq 100); do [ -S "$t/kiosk.sock" ] && break; sleep 0.05; done
	run "$WAT_SYNC" --db "$DB" --kiosk "$t/kiosk.sock" --no-avahi --rounds 1 \
		--peer "127.0.0.1:$p" --peer "127.0.0.1:$((p + 1))" --peer "127.0.0.1:$((p + 2))"
	echo "$output"
	[[ "$output" == *"exchanging through the kiosk"* ]]
	[[ "$output" == *"station T2, "* ]]
	[[ "$output" == *"not made by this event's key"* ]]
	wait "$kpid" || { cat "$t/kiosk.out"; false; }
	cat "$t/kiosk.out"
	wait
	# the lap point's entries are held by the kiosk's station as T2's
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM peer_entries WHERE line LIKE '%\"kind\":\"checkin\"%'")" -ge 1 ]
	[ ! -e "$t/kiosk.sock" ]
}
@test "kiosk: the Stations screen names each station reached, its freshness, refused and newer ones" {
	stations 800x480
}

# Without a network: the lap point T2 exports onto the stick, which then
# holds its entries file (T2.entries) beside its bundle; the coordinator
# reads it from the Stations screen ("Read a station's stick").
@test "kiosk: the Stations screen reads a lap point's entries from its USB stick" {
	local t=$BATS_TEST_TMPDIR
	event
	w event-pack export "$t/T2.pack" >"$t/T2.out"
	"$WATCTL" --db "$t/T2.db" event-pack import "$t/T2.pack" \
		--key "$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' "$t/T2.out" | head -1)" >/dev/null
	"$WATCTL" --db "$t/T2.db" set role lap >/dev/null
	"$WATCTL" --db "$t/T2.db" scan "$BADGE1" >/dev/null
	"$WATCTL" --db "$t/T2.db" export --out "$USB" >/dev/null
	[ -f "$USB/T2.entries" ]
	run "$WAT_KIOSK" --db "$DB" --window 800x480 --usb "$USB" \
		--script "$REPO/tests/kiosk/stations-stick.script"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM peer_entries")" -eq "$(sqlite3 "$t/T2.db" "SELECT COUNT(*) FROM entries")" ]
}

@test "kiosk: in training, wat-sync exchanges nothing through the kiosk; the day's file is untouched" {
	local t=$BATS_TEST_TMPDIR p before
	event
	w event-pack export "$t/T2.pack" >"$t/T2.out"
	"$WATCTL" --db "$t/T2.db" event-pack import "$t/T2.pack" \
		--key "$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' "$t/T2.out" | head -1)" >/dev/null
	# training switched on (the kiosk ends in it; the next start comes back to it)
	run "$WAT_KIOSK" --db "$DB" --usb "$USB" --script "$REPO/tests/kiosk/training-sync.script"
	echo "$output"
	[ "$status" -eq 0 ]
	before=$(sha256sum <"$DB")
	p=$((20000 + ($$ % 20000) + 3))
	"$WATCTL" --db "$t/T2.db" sync --listen "127.0.0.1:$p" --once 2>"$t/l2.err" &
	for _ in $(seq 100); do grep -q Listening "$t/l2.err" 2>/dev/null && break; sleep 0.05; done
	printf 'expect-text TRAINING — nothing counts\nwait 4000\n' >"$t/wait.script"
	"$WAT_KIOSK" --db "$DB" --usb "$USB" --script "$t/wait.script" --sync-socket "$t/kiosk.sock" \
		>"$t/kiosk.out" 2>&1 &
	local kpid=$!
	for _ in $(seq 100); do [ -S "$t/kiosk.sock" ] && break; sleep 0.05; done
	run "$WAT_SYNC" --db "$DB" --kiosk "$t/kiosk.sock" --no-avahi --rounds 1 --peer "127.0.0.1:$p"
	echo "$output"
	[[ "$output" == *"Training is on at this station: it exchanges nothing"* ]]
	[[ "$output" != *"entries received"* ]]
	wait "$kpid" || { cat "$t/kiosk.out"; false; }
	wait || true
	[ "$(sha256sum <"$DB")" = "$before" ]
	[ "$(sqlite3 "$t/T2.db" "SELECT COUNT(*) FROM peer_entries")" -eq 0 ]
}

# Station sync (docs/SYNC.md): the lap point T2 joins by event pack, scans a
# lap; `watctl sync` over loopback copies its entries to the welcome table,
# whose kiosk shows the lap on the walker card and how fresh the lap
# point's entries are; a lap added by hand at the table seconds later is
# counted once and shown for review.  Then the same person registered at
# the lap point is shown as likely one, linked with the PIN, and the lap
# point's request to review the table's money is shown where it is held.
synced() {
	local size=$1 lp="$BATS_TEST_TMPDIR/lap.db" port=$((20000 + RANDOM % 30000))
	event
	rm -rf "$lp" "$lp-wal" "$lp-shm" "$lp.keys" "$lp.pin"
	w event-pack export "$BATS_TEST_TMPDIR/t2.pack" >"$BATS_TEST_TMPDIR/pack.out"
	"$WATCTL" --db "$lp" event-pack import "$BATS_TEST_TMPDIR/t2.pack" \
		--key "$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' "$BATS_TEST_TMPDIR/pack.out" | head -1)" >/dev/null
	"$WATCTL" --db "$lp" set role lap >/dev/null
	"$WATCTL" --db "$lp" scan "$BADGE1" >/dev/null # a lap at the lap point
	w checkin 1 >/dev/null
	w donate 1 25 --method cash >/dev/null
	"$WATCTL" --db "$lp" sync --listen "127.0.0.1:$port" --once 2>"$BATS_TEST_TMPDIR/serve.err" &
	for _ in $(seq 100); do
		grep -q Listening "$BATS_TEST_TMPDIR/serve.err" 2>/dev/null && break
		sleep 0.05
	done
	run w sync --peer "127.0.0.1:$port"
	echo "$output"
	wait
	[ "$status" -eq 0 ]
	kiosk "$size" sync
	# the same person walked up at the lap point too, which asks the table
	# to review the $25 (it holds the table's entries since the exchange)
	"$WATCTL" --db "$lp" set walker-base 500 >/dev/null
	"$WATCTL" --db "$lp" walker add --name "MARIA LOPEZ" >/dev/null
	don=$(sqlite3 "$DB" "SELECT seq FROM entries WHERE kind = 'donation'")
	"$WATCTL" --db "$lp" review-ask "$don" --station T1 --reason "paid at the lap point" >/dev/null
	"$WATCTL" --db "$lp" sync --listen "127.0.0.1:$port" --once 2>"$BATS_TEST_TMPDIR/serve.err" &
	for _ in $(seq 100); do
		grep -q Listening "$BATS_TEST_TMPDIR/serve.err" 2>/dev/null && break
		sleep 0.05
	done
	run w sync --peer "127.0.0.1:$port"
	wait
	[ "$status" -eq 0 ]
	BADGE501=$("$WATCTL" --db "$lp" badge-code 501)
	export BADGE501
	kiosk "$size" sync-conflicts
	# linked by the coordinator: an entry of the table's
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM entries WHERE kind = 'link' AND op = 'coordinator'")" -eq 1 ]
	# that link annulled: the coordinator's list of conflicts shows the pair
	# again with the review request and the lap counted at both, and links it
	link=$(sqlite3 "$DB" "SELECT seq FROM entries WHERE kind = 'link'")
	w annul "$link" --reason "to link again from the list" >/dev/null
	kiosk "$size" conflicts
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM entries WHERE kind = 'link' AND op = 'coordinator'")" -eq 2 ]
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM entries WHERE kind = 'link' AND seq NOT IN (SELECT seq FROM annulled)")" -eq 1 ]
}
@test "kiosk: the welcome table shows the lap point's lap on the walker card, how fresh it is, a lap counted at both for review, a duplicate to link, a review request, the coordinator's list of conflicts" {
	both synced
}

# Honest laps across stations (issue 18): a lap scanned too soon at the lap
# point T2, its entries synced to the table, is reviewed at the table's lap
# review: accepted there, it counts over the event and in the settlement.
review_peer() {
	local size=$1 lp="$BATS_TEST_TMPDIR/lap.db" port=$((20000 + RANDOM % 30000))
	event
	rm -rf "$lp" "$lp-wal" "$lp-shm" "$lp.keys" "$lp.pin"
	w event-pack export "$BATS_TEST_TMPDIR/t2.pack" >"$BATS_TEST_TMPDIR/pack.out"
	"$WATCTL" --db "$lp" event-pack import "$BATS_TEST_TMPDIR/t2.pack" \
		--key "$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' "$BATS_TEST_TMPDIR/pack.out" | head -1)" >/dev/null
	"$WATCTL" --db "$lp" set role lap >/dev/null
	"$WATCTL" --db "$lp" set holdoff 1 >/dev/null
	w pledge add 1 --sponsor "Gail Grant" --kind lap --rate 2 >/dev/null
	"$WATCTL" --db "$lp" scan "$BADGE1" >/dev/null # checked in, lap 1
	sleep 1.1
	"$WATCTL" --db "$lp" scan "$BADGE1" >/dev/null # too soon: flagged
	"$WATCTL" --db "$lp" sync --listen "127.0.0.1:$port" --once 2>"$BATS_TEST_TMPDIR/serve.err" &
	for _ in $(seq 100); do
		grep -q Listening "$BATS_TEST_TMPDIR/serve.err" 2>/dev/null && break
		sleep 0.05
	done
	run w sync --peer "127.0.0.1:$port"
	wait
	[ "$status" -eq 0 ]
	w pledge list 1 | grep -q 'owed \$2.00'
	if [ "${KIOSK_BEFORE_REVIEW:-}" = reject ]; then
		# the lap point rejects it first; the table does not know yet
		w set role welcome >/dev/null
		"$WATCTL" --db "$lp" lap reject "$(sqlite3 "$lp" "SELECT MAX(seq) FROM entries WHERE kind = 'lap'")" \
			--reason "double scan" >/dev/null
		sleep 1.1 # the table's accept comes later, by the clock
	fi
	kiosk "$size" review-peer
	# the table's entry names the lap point's lap; the settlement bills it
	sqlite3 "$DB" "SELECT line FROM entries WHERE kind = 'lap-review'" |
		grep -q '"ref":{"ledger":"[0-9a-f]\{64\}","seq":[0-9]*},"data":{"verdict":"accept"}'
	w pledge list 1 | grep -q 'owed \$4.00'
}
@test "kiosk: the table's lap review lists the lap point's lap scanned too soon; accepted there, it counts" {
	both review_peer
}

# The same lap rejected at the lap point first, not yet sent: the table's
# later accept counts there too, and the lap point's list of conflicts names
# the station that decided as people name it, not "another station".
review_peer_conflict() {
	local size=$1 lp="$BATS_TEST_TMPDIR/lap.db" port=$((20000 + RANDOM % 30000)) lap
	KIOSK_BEFORE_REVIEW=reject review_peer "$size"
	"$WATCTL" --db "$lp" sync --listen "127.0.0.1:$port" --once 2>"$BATS_TEST_TMPDIR/serve.err" &
	for _ in $(seq 100); do
		grep -q Listening "$BATS_TEST_TMPDIR/serve.err" 2>/dev/null && break
		sleep 0.05
	done
	run w sync --peer "127.0.0.1:$port"
	wait
	[ "$status" -eq 0 ]
	"$WATCTL" --db "$lp" conflicts | grep -q 'The later review (Welcome table T1) counts: accepted.'
	! "$WATCTL" --db "$lp" conflicts | grep -q 'another station'
	DB=$lp kiosk "$size" review-peer-conflict
}
@test "kiosk: a lap both stations reviewed, differently: the lap point's conflicts name the welcome table whose later review counts" {
	both review_peer_conflict
}

# ---- training mode (issue 19) ----

# The morning's practice: training on (run 1), then after a restart still in
# training: a trainee checks in, a walk-up registers, a receipt prints through
# the private cupsd marked TRAINING; then back to the day (run 2).  The day's
# ledger file is byte for byte what it was when training began.
training() {
	local size=$1 T="$BATS_TEST_TMPDIR/station-training.db" before after job
	rm -f "$T" "$T-wal" "$T-shm" "$T.on"
	event
	w set printer pdfq >/dev/null
	w set org-name "International Outreach Ministries" >/dev/null
	export RECEIPT_OUTCOME="Printed" RECEIPT_DETAIL="Printed on"
	kiosk "$size" training-on
	[ -f "$T" ] && [ -f "$T.on" ]
	before=$(sha256sum <"$DB")
	# what only watctl can do from outside: a trainee with a badge
	"$WATCTL" --db "$T" walker add --name "Tess Trainee" >/dev/null
	TBADGE=$("$WATCTL" --db "$T" badge-code 1)
	export TBADGE
	[[ $TBADGE == T1-* ]]
	[[ $BADGE1 == W1-* ]]
	[ "${TBADGE:3:4}" != "${BADGE1:3:4}" ] # a tag of its own
	kiosk "$size" training
	after=$(sha256sum <"$DB")
	[ "$before" = "$after" ]
	[ ! -e "$T.on" ]
	# watctl tells the two apart; nothing of the practice is in the day's
	"$WATCTL" --db "$T" check | grep -q "TRAINING LEDGER"
	"$WATCTL" --db "$T" report | grep -q "TRAINING LEDGER"
	"$WATCTL" --db "$T" report | grep -q "Pat Practice"
	"$WATCTL" --db "$T" report | grep -q "station TRAIN-T1"
	w check | grep -q "The day's ledger: it counts."
	! w report | grep -q "TRAINING\|Tess Trainee\|Pat Practice"
	! w log | grep -q '"donation"'
	# the receipt as it came out of the printer
	job=$("$WATCTL" --db "$T" log | grep -o '"what":"receipt".*"outcome":"completed","queue":"pdfq","job":[0-9]*' |
		tail -1 | sed 's/.*"job"://')
	[ -n "$job" ]
	cupsd_pdftotext "$PT/cupsd/out/pdfq/job-$job.out" "$BATS_TEST_TMPDIR/t.txt"
	grep -q "TRAINING" "$BATS_TEST_TMPDIR/t.txt"
	grep -q "NOT A RECEIPT" "$BATS_TEST_TMPDIR/t.txt"
	grep -q "Tess Trainee" "$BATS_TEST_TMPDIR/t.txt"
	# never exported as real
	run "$WATCTL" --db "$T" export --out "$USB"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"training ledger"* ]]
	[ -z "$(ls "$USB")" ]
}
@test "kiosk: training mode: its own ledger, banner and badges; receipts print TRAINING; the day's ledger untouched" {
	private_cupsd
	both training
}

# Send to HQ (docs/COORDINATOR-GUIDE.md): the demo HQ's Mobile station
# (its charter, its export 1 in its folder), a real wat-hq and wat-send on
# loopback; the kiosk asks through the outbox and records HQ's receipt once.
send_to_hq() {
	local size=$1
	# the demo HQ once for the file, a copy per test (lib/hq.bash)
	[ -d "$BATS_FILE_TMPDIR/demo" ] || hq_setup_file
	export DEMO="$BATS_FILE_TMPDIR/demo"
	hq_setup
	hq_start
	DB="$D/st/mobile-t1.db"
	export PIN=246813
	echo "$PIN" >"$T/pin"
	"$WATCTL" --db "$DB" pin set --pin-file "$T/pin" >/dev/null
	# the kiosk runs: wat-send leaves HQ's answer for it to record
	touch "$T/kiosk-runs"
	if [ "${2:-}" = refused ]; then
		# no service at first (no Wi-Fi); then one, with a charter of another code
		sed -i 's/"upload_code":"[^"]*"/"upload_code":"WRONG-1"/' "$DB.keys/charter"
		(sleep 4 && exec "$REPO/$BUILD/wat-send" --db "$DB" --kiosk "$T/kiosk-runs" --interval 1 \
			--inbox "$URL/" 2>"$T/send.log") &
	else
		"$REPO/$BUILD/wat-send" --db "$DB" --kiosk "$T/kiosk-runs" --interval 1 \
			--inbox "$URL/" 2>"$T/send.log" &
	fi
	WPID=$!
	kiosk "$size" "send${2:+-$2}"
	hq_teardown
	WPID= PID= SPID=
	cat "$T/send.log"
	[ "$("$WATCTL" --db "$DB" log | grep -c 'hq-receipt')" -eq "${3:-1}" ]
	"$WATCTL" --db "$DB" log | grep 'hq-receipt' | grep -q 'by coordinator'
	[ ! -e "$DB.outbox/answer" ]
}
@test "kiosk: Send to HQ posts the last export through wat-send; HQ's receipt shown and recorded once; Export and send without a stick" {
	send_to_hq 800x480 "" 2
}
send_nohq() {
	event
	kiosk "$1" send-nohq
	# the unavailable buttons asked nothing of wat-send and made no export
	[ ! -e "$DB.outbox/request" ]
	[ ! -e "$DB.exports" ]
	! w log | grep -q ' export '
}
@test "kiosk: Send to HQ on a station without HQ's address says why before a press; its buttons look unavailable, Export to USB stays" {
	both send_nohq
}
@test "kiosk: Send to HQ without the network service says so; HQ's refusal is shown in its words" {
	send_to_hq 800x480 refused
	"$WATCTL" --db "$DB" log | grep 'hq-receipt' | grep -q '"status":"refused"'
}
