#!/usr/bin/env bats
# watctl on real sqlite files: a walk day, rosters, forged codes, exit codes.

setup() {
	DB="$BATS_TEST_TMPDIR/station.db"
	FIX="$REPO/tests/fixtures/roster"
	w() { "$WATCTL" --db "$DB" "$@"; }
	w init --pin-later --name "Walk Against Traffick" --city "Jackson" --date 2026-11-24 --goal '$5,000' >/dev/null
}

@test "a whole walk day: roster, walk-up, check-ins, laps, donations, a correction, the report" {
	run w roster import "$FIX/good.csv"
	[ "$status" -eq 0 ]
	[[ "$output" == *"5 added"* ]]
	run w walker add --name "Dana Walkup" --team "Hope Walkers" --email dana@example.org
	[ "$status" -eq 0 ]
	read -r id code <<<"$output"
	[ "$id" = 6 ]
	[[ "$code" =~ ^W1-[0-9A-Z]{4}-6-[0-9A-Z]{12}$ ]]
	zoe=$(w badge-code 1)

	run w scan "$zoe"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Welcome, Zoë Ångström!"* ]]
	run w scan "$zoe"
	[[ "$output" == *"Already counted"* ]]
	run w checkin 6
	[[ "$output" == *"Welcome, Dana Walkup!"* ]]
	run w lap 6
	[[ "$output" == *"lap 1"* ]]
	# by hand too, a lap needs min-lap after the last: refused, unless overridden
	run w lap 6
	[ "$status" -eq 1 ]
	[[ "$output" == *"Lap too soon"*"A coordinator can add it anyway."* ]]
	run w lap 6 --override
	[ "$status" -eq 0 ]
	[[ "$output" == *"recorded on the coordinator's word"*"lap 2"* ]]
	w log | grep -q '"how":"manual","n":2,"override":true'
	run w donate 1 '$1,025.00' --method check --check-no 1043 --donor "Ann Lee"
	[ "$status" -eq 0 ]
	run w donate 6 20 --method cash
	[ "$status" -eq 0 ]
	run w donate 6 5 --method other
	[ "$status" -eq 0 ]
	dup=$(w log | awk '$4 == "donation" && /"cents":500/ {print $1}')
	run w annul "$dup" --reason "entered on the wrong walker"
	[ "$status" -eq 0 ]

	run w report --json
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
r = json.load(sys.stdin)
t = r["totals"]
assert t["walkers"] == 6, t
assert t["checked_in"] == 2, t
assert t["laps"] == 2 and t["manual_laps"] == 2, t
assert t["cash_cents"] == 2000 and t["check_cents"] == 102500 and t["other_cents"] == 0, t
assert t["total_cents"] == 104500 and t["checks"] == 1 and t["annulled"] == 1, t
hope = [x for x in r["teams"] if x["team"] == "Hope Walkers"][0]
assert hope["walkers"] == 3 and hope["raised_cents"] == 104500, hope
zoe = [x for x in r["walkers"] if x["id"] == 1][0]
assert zoe["name"] == "Zoë Ångström" and zoe["checked_in"], zoe
'
	run w report
	[[ "$output" == *'total     $1,045.00 of a $5,000.00 goal (20%)'* ]]
	run w log
	[[ "$output" == *"[annulled by"* ]]
	run w check
	[ "$status" -eq 0 ]
}

@test "the same roster imported twice changes nothing" {
	w roster import "$FIX/good.csv"
	before=$(w log | wc -l)
	run w roster import "$FIX/good.csv"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 added, 0 updated, 5 unchanged"* ]]
	[ "$(w log | wc -l)" -eq "$before" ]
}

@test "a roster with errors names every line and imports nothing" {
	run w roster import "$FIX/bad.csv"
	[ "$status" -eq 2 ]
	[[ "$output" == *"nothing was imported"* ]]
	[[ "$output" == *"Line 3:"*"name"* ]]
	[[ "$output" == *"Line 4:"*"R-1"*"line 2"* ]]
	[[ "$output" == *"Line 5:"*"UTF-8"* ]]
	[[ "$output" == *"Line 6:"*"quote"* ]]
	# each problem with the row's own text
	[[ "$output" == *"Line 3: the name is missing."*"    ,Hope,,R-2"* ]]
	[[ "$output" == *"--good-rows"* ]]
	[ "$(w log | wc -l)" -eq 1 ]
	run w roster import "$FIX/longname.csv"
	[ "$status" -eq 2 ]
	[[ "$output" == *"Line 2:"*"300"* ]]
	run w roster import "$FIX/noname.csv"
	[ "$status" -eq 2 ]
	[[ "$output" == *"name"* ]]
	run w roster import "$BATS_TEST_TMPDIR/missing.csv"
	[ "$status" -eq 2 ]
	[[ "$output" == *"Cannot open"* ]]
	[ "$(w log | wc -l)" -eq 1 ]
}

@test "a partial import: the preview, then the good rows only by choice, the rest listed" {
	T=$BATS_TEST_TMPDIR
	w roster import "$FIX/good.csv" >/dev/null
	{
		head -3 "$FIX/good.csv"                  # unchanged
		sed -n 2p "$FIX/good.csv"                # an exact repeat
		echo 'Zoe,New,Grace,zoe@example.org,,R-90' # new
		echo ',,Grace,,,R-91'                     # no name
		echo 'Yan,Two,Grace,,,R-90'               # the id of another row
	} >"$T/mixed.csv"
	before=$(w log | wc -l)
	run w roster preview "$T/mixed.csv"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 new, 0 updated, 2 unchanged, 1 exact repeat merged; 2 rows with a problem."* ]]
	[[ "$output" == *"Line 4 repeats line 2 exactly"* ]]
	[[ "$output" == *"Line 6: the name is missing."*"    ,,Grace,,,R-91"* ]]
	[[ "$output" == *"Line 7: the id \"R-90\" is also on line 5."*"    Yan,Two,Grace,,,R-90"* ]]
	[ "$(w log | wc -l)" -eq "$before" ]
	# without the choice: nothing
	run w roster import "$T/mixed.csv"
	[ "$status" -eq 2 ]
	[[ "$output" == *"nothing was imported: 2 rows have a problem"* ]]
	[ "$(w log | wc -l)" -eq "$before" ]
	# with it: the good rows in, the others listed to fix by hand
	run w roster import --good-rows "$T/mixed.csv"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 added, 0 updated, 2 unchanged"* ]]
	[[ "$output" == *"Left out, to fix by hand (2 rows):"*",,Grace,,,R-91"*"Yan,Two"* ]]
	[ "$(w log | wc -l)" -eq $((before + 1)) ]
	w walker list | grep -q "Zoe New"
	! w walker list | grep -q "Yan Two"
	run w check
	[ "$status" -eq 0 ]
}

@test "a roster's waiver column records each online agreement once, with its version" {
	printf 'name,id,waiver\nAnn,W-1,2026-1\nBob,W-2,no\nCy,W-3,\n' >"$BATS_TEST_TMPDIR/w.csv"
	w roster import "$BATS_TEST_TMPDIR/w.csv" >/dev/null
	w roster import "$BATS_TEST_TMPDIR/w.csv" >/dev/null
	run w log
	[ "$(grep -c '"waiver":' <<<"$output")" -eq 1 ]
	[[ "$output" == *'walker 1 '*'{"waiver":"2026-1","waiver_by":"online"}'* ]]
	# a new version is a new agreement
	sed -i 's/2026-1/2026-2/' "$BATS_TEST_TMPDIR/w.csv"
	w roster import "$BATS_TEST_TMPDIR/w.csv" >/dev/null
	[ "$(w log | grep -c '"waiver":')" -eq 2 ]
	w check >/dev/null
}

@test "forged, foreign, random, empty and huge codes are each refused in plain words" {
	w walker add --name Maria >/dev/null
	code=$(w badge-code 1)
	last=${code: -1}
	if [ "$last" = A ]; then repl=B; else repl=A; fi
	run w scan "${code%?}$repl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"forged"* || "$output" == *"altered"* ]]
	other="$BATS_TEST_TMPDIR/other.db"
	"$WATCTL" --db "$other" init --pin-later --name Other --city Memphis --date 2026-11-24 >/dev/null
	"$WATCTL" --db "$other" walker add --name Eve >/dev/null
	run w scan "$("$WATCTL" --db "$other" badge-code 1)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"another event"* ]]
	run w scan "HELLO WORLD"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not a W.A.T. badge"* ]]
	run w scan ""
	[ "$status" -eq 1 ]
	[[ "$output" == *"empty"* || "$output" == *"nothing"* || "$output" == *"Nothing"* ]]
	run w scan "$(head -c 10240 /dev/zero | tr '\0' 'W')"
	[ "$status" -eq 1 ]
	[[ "$output" == *"too long"* ]]
	# nothing of that reached the ledger
	[ "$(w log | wc -l)" -eq 2 ]
}

@test "laps at the lap point: already counted, too soon (recorded, flagged), then counted; the review" {
	w walker add --name Maria >/dev/null
	w set min-lap 2 >/dev/null
	w set holdoff 1 >/dev/null
	code=$(w badge-code 1)
	run w scan "$code" --lap
	[ "$status" -eq 0 ]
	[[ "$output" == *"Maria — lap 1"* ]]
	run w scan "$code" --lap
	[ "$status" -eq 0 ]
	[[ "$output" == *"Already counted"* ]]
	sleep 1.2
	run w scan "$code" --lap
	[ "$status" -eq 0 ]
	[[ "$output" == *"too soon"*"recorded for a coordinator to review"*"Recorded as entry"* ]]
	flagged=$(echo "$output" | sed -n 's/^Recorded as entry \([0-9]*\)\.$/\1/p')
	sleep 1
	# timed from lap 1, not from the flagged lap
	run w scan "$code" --lap
	[ "$status" -eq 0 ]
	[[ "$output" == *"lap 2"* ]]
	run w lap review
	[[ "$output" == *"Walker 1: Maria"*"lap, entry $flagged: waiting"* ]]
	w walker show 1 | grep -q '^Laps: 2 counted (3 recorded; 1 flagged waiting for review'
	run w lap accept "$flagged"
	[ "$status" -eq 0 ]
	[[ "$output" == *"accepted: it counts"* ]]
	w walker show 1 | grep -q '^Laps: 3$'
	run w lap accept "$flagged"
	[ "$status" -eq 1 ]
	[[ "$output" == *"already accepted"* ]]
	run w lap review
	[[ "$output" == *"No flagged laps waiting for review."* ]]
	w check >/dev/null
}

@test "bad usage and bad input exit 2 with a sentence; refusals exit 1" {
	run "$WATCTL"
	[ "$status" -eq 2 ]
	run w frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"Unknown command"* ]]
	w walker add --name Maria >/dev/null
	for bad in -5 abc 1e9 25.555 0 '10,5'; do
		run w donate 1 "$bad" --method cash
		[ "$status" -eq 2 ]
		[ -n "$output" ]
	done
	run w donate 1 25 --method bitcoin
	[ "$status" -eq 2 ]
	run w donate 1 25 --method check
	[ "$status" -eq 1 ]
	[[ "$output" == *"check number"* ]]
	run w donate 99 25 --method cash
	[ "$status" -eq 1 ]
	run w annul 1 --reason "oops"
	[ "$status" -eq 1 ]
	run w annul 2
	[ "$status" -eq 2 ]
	run w set date 2026-13-01
	[ "$status" -eq 2 ]
	# a --db that does not exist is bad input: only init makes a ledger
	run "$WATCTL" --db "$BATS_TEST_TMPDIR/empty.db" report
	[ "$status" -eq 2 ]
	[[ "$output" == *"init"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/empty.db" ]
	run w init --pin-later --name X --city Y --date 2026-11-24
	[ "$status" -eq 1 ]
	[[ "$output" == *"already"* ]]
}

@test "walker find is case- and accent-insensitive" {
	w roster import "$FIX/good.csv" >/dev/null
	run w walker find "zoe angstrom"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Zoë Ångström"* ]]
	run w walker find "ИВАН"
	[[ "$output" == *"Иван"* ]] || [[ "$output" == *"Ив"* ]]
	run w walker find "nobody-here"
	[ "$status" -eq 1 ]
	run w walker show 2
	[[ "$output" == *"Maria Lopez, Jr."* ]]
	[[ "$output" == *"Badge code: W1-"* ]]
}

@test "a file that is not a ledger is refused, and a running station locks its ledger" {
	echo "hello" >"$BATS_TEST_TMPDIR/notes.txt"
	run "$WATCTL" --db "$BATS_TEST_TMPDIR/notes.txt" report
	[ "$status" -eq 1 ]
	[[ "$output" == *"notes.txt"* ]]
	# hold the ledger open with sqlite3 in exclusive mode, as the kiosk does
	flag="$BATS_TEST_TMPDIR/held"
	sqlite3 "$DB" "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; SELECT 1;" \
		".shell touch $flag; sleep 3" "COMMIT;" >/dev/null &
	for _ in $(seq 50); do [ -e "$flag" ] && break; sleep 0.1; done
	[ -e "$flag" ]
	run w walker add --name Late
	[ "$status" -eq 1 ]
	[[ "$output" == *"in use by another program"* ]]
	wait
}

# A station made with init has its coordinator PIN from the start (the first
# person at the kiosk no longer chooses it), and a recovery code shown once.
@test "init sets the coordinator PIN (6+ digits) and shows a one-time recovery code; pin set needs the old PIN or the code" {
	db="$BATS_TEST_TMPDIR/pin.db"
	p() { "$WATCTL" --db "$db" "$@"; }
	run p init --name W --city J --date 2026-11-24 </dev/null
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--pin-file"* ]]
	[ ! -e "$db.pin" ]
	echo 1234 >"$BATS_TEST_TMPDIR/short"
	run p init --name W --city J --date 2026-11-24 --pin-file "$BATS_TEST_TMPDIR/short"
	[ "$status" -eq 2 ]
	[[ "$output" == *"6 to 8 digits"* ]]
	echo 246813 >"$BATS_TEST_TMPDIR/pin"
	run p init --name W --city J --date 2026-11-24 --pin-file "$BATS_TEST_TMPDIR/pin"
	echo "$output"
	[ "$status" -eq 0 ]
	code=$(echo "$output" | grep -Eo '[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}')
	[ -n "$code" ]
	[ "$(stat -c %a "$db.pin")" = 600 ]
	! grep -q "$code" "$db.pin"
	p log | grep -q pin-set
	# a new PIN: not without the current one
	echo 135790 >"$BATS_TEST_TMPDIR/new"
	run p pin set --pin-file "$BATS_TEST_TMPDIR/new" </dev/null
	[ "$status" -eq 2 ]
	echo 999999 >"$BATS_TEST_TMPDIR/wrong"
	run p pin set --pin-file "$BATS_TEST_TMPDIR/new" --old-pin-file "$BATS_TEST_TMPDIR/wrong"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Wrong PIN"* ]]
	# forgotten: the recovery code, once; a new code comes with it
	run p pin set --pin-file "$BATS_TEST_TMPDIR/new" --recovery "$code"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Recovery code"* ]]
	run p pin set --pin-file "$BATS_TEST_TMPDIR/pin" --recovery "$code"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Wrong recovery code"* ]]
	p log | grep -q pin-recover
}
