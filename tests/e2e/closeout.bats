#!/usr/bin/env bats
# The printed close-out sheet end to end: `watctl close --sheet/--print` and
# `watctl close-sheet`; pdftotext of the PDF shows the counters, over/short,
# the checks and the ledger head, and the export made after it carries that
# head; printing goes through a private cupsd, or the spool without one.

load lib/cupsd

setup_file() { cupsd_file_setup closeout; }
teardown_file() { cupsd_file_teardown; }

setup() {
	T="$BATS_TEST_TMPDIR"
	DB="$T/t1.db"
	w() { "$WATCTL" --db "$DB" --op tester "$@"; }
	unset CUPS_SERVER
}

# A day: cash, two checks, one other, nothing printed.
day() {
	w init --pin-later --name "Walk Against Traffick" --city "Jackson, MS" --date 2026-05-02 \
		--station T1 >/dev/null
	w walker add --name 'Zoë Ångström' >/dev/null
	w walker add --name 'Ana Lima' >/dev/null
	w donate 1 25 --method cash >/dev/null
	w donate 2 40.50 --method check --check-no 1043 --donor "Pat O'Neil" >/dev/null
	w donate 2 12 --method check --check-no 2207 --donor Ann >/dev/null
	w donate 1 10 --method other >/dev/null
}

need_close_sheet() {
	"$WATCTL" --help 2>&1 | grep -q "close-sheet" ||
		skip "watctl has no close-sheet command yet (one line in src/cli/watctl.c)"
}


# The hash of ledger.jsonl's line N in the sealed bundle $1 (the demo HQ's key opens it).
jsonl_hash() {
	age -d -i "$REPO/assets/demo/hq/hq-seal.key" -o "$1.opened" "$1"
	unzip -p "$1.opened" ledger.jsonl | sed -n "${2}p" | cut -c10-73
}

@test "close --sheet: the PDF has both names, over/short, the checks and the ledger head the export carries" {
	day
	run w close --count 10x2 --checks 2 --check-total 52.50 --counter "Ann Smith" --counter "Bob Jones" \
		--note "a five is missing" --sheet "$T/sheet.pdf"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\$5.00 SHORT"* ]]
	[[ "$output" == *"saved as $T/sheet.pdf"* ]]
	seq=$(sed -n 's/^Close-out recorded as entry \([0-9]*\)\..*/\1/p' <<<"$output")
	[ -n "$seq" ]
	pdftotext -layout "$T/sheet.pdf" "$T/sheet.txt"
	cat "$T/sheet.txt"
	grep -q "Close-out sheet" "$T/sheet.txt"
	grep -q "Walk Against Traffick" "$T/sheet.txt"
	grep -q "Counter 1: Ann Smith" "$T/sheet.txt"
	grep -q "Counter 2: Bob Jones" "$T/sheet.txt"
	grep -Eq 'Cash +\$25\.00 +\$20\.00 +\$5\.00 short' "$T/sheet.txt"
	grep -q "#1043" "$T/sheet.txt"
	grep -q "#2207" "$T/sheet.txt"
	grep -q "Pat O'Neil" "$T/sheet.txt"
	grep -q "Note: a five is missing" "$T/sheet.txt"
	grep -q "Ledger head after this close-out: entry $seq" "$T/sheet.txt"
	head=$(sed -n 's/.*BLAKE2b-256 \([0-9a-f]\{64\}\).*/\1/p' "$T/sheet.txt")
	[ ${#head} -eq 64 ]
	grep -q "wat-jackson-ms-2026-05-02-T1-<n>.zip" "$T/sheet.txt"
	# recorded as a print of the close-out
	run w log
	[[ "$output" == *'"what":"closeout","of":'"$seq"',"outcome":"saved","file":"'"$T/sheet.pdf"'"'* ]]
	# the export made after it: named as the sheet says, line $seq carries the head
	mkdir -p "$T/usb"
	w export --out "$T/usb" >/dev/null
	zip=$(ls "$T"/usb/wat-jackson-ms-2026-05-02-T1-*.zip.age)
	[ "$(jsonl_hash "$zip" "$seq")" = "$head" ]
}

@test "close-sheet reprints the last close-out as it was, even after a reopen" {
	need_close_sheet
	day
	w close --cash 25 --checks 2 --check-total 52.50 --counter Ann --counter Bob --sheet "$T/first.pdf" >/dev/null
	run w close-sheet --out "$T/again.pdf"
	echo "$output"
	[ "$status" -eq 0 ]
	# the same to the letter, its time too: the close-out's, not the print's
	diff <(pdftotext -layout "$T/first.pdf" -) <(pdftotext -layout "$T/again.pdf" -)
	w reopen --reason "a late donor" >/dev/null
	w donate 1 5 --method check --check-no 99 >/dev/null
	run w close-sheet --out "$T/third.pdf"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"reopened after this close-out"* ]]
	diff <(pdftotext -layout "$T/first.pdf" -) <(pdftotext -layout "$T/third.pdf" -)
	! pdftotext "$T/third.pdf" - | grep -q "#99"
}

@test "close-sheet: nothing to print before a close-out; bad usage" {
	need_close_sheet
	day
	run w close-sheet --out "$T/x.pdf"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no close-out"* ]]
	[ ! -e "$T/x.pdf" ]
	run w close-sheet
	[ "$status" -eq 2 ]
	run w close-sheet 3 --out "$T/x.pdf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not a close-out"* ]]
}

@test "close --print to a PDF queue: printed and recorded" {
	cupsd_file_server
	day
	run w close --cash 25 --checks 2 --check-total 52.50 --counter "Ann Smith" --counter "Bob Jones" --print --printer pdfq
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Printed on pdfq"* ]]
	cupsd_pdftotext "$PT/cupsd/out/pdfq.out" "$T/pdfq.txt"
	grep -q "Counter 2: Bob Jones" "$T/pdfq.txt"
	run w log
	[[ "$output" == *'"what":"closeout","of":'*',"outcome":"completed","queue":"pdfq"'* ]]
}

@test "close --print without a print server: the close-out stands, the sheet is spooled" {
	day
	CUPS_SERVER="$T/nothing-here.sock" run w close --cash 25 --checks 2 --check-total 52.50 --counter Ann --counter Bob \
		--print --spool "$T/spool" --paper 80mm
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Close-out recorded as entry"* ]]
	[[ "$output" == *"saved as PDF ($T/spool/"* ]]
	[[ "$output" == *"close-sheet"* ]]
	ls "$T"/spool/*.pdf
	run w log
	[[ "$output" == *'"what":"closeout"'*'"outcome":"spooled"'* ]]
	run w donate 1 5 --method cash
	[ "$status" -eq 1 ] # closed all the same
}

@test "close: bad sheet options are refused before anything is recorded" {
	day
	run w close --cash 25 --checks 2 --check-total 52.50 --counter Ann --counter Bob --sheet "$T/s.pdf" --paper A5
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "$output" == *"Unknown paper"* ]]
	run w close --cash 25 --checks 2 --check-total 52.50 --counter Ann --counter Bob --sheet "$T/s.pdf" --assets "$T/none"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fonts"* ]]
	run w log
	[[ "$output" != *"closeout"* ]]
	[ ! -e "$T/s.pdf" ]
	# and a sheet on a receipt roll
	run w close --cash 25 --checks 2 --check-total 52.50 --counter Ann --counter Bob --sheet "$T/s.pdf" --paper 58mm
	[ "$status" -eq 0 ]
	pdftotext "$T/s.pdf" - | grep -q "Bob"
}

# A $500 cash donation undone after the close-out would leave the station
# "closed" with a count that no longer matches: refused until a reopen is
# recorded, and then it names who undid it.
@test "annul after a close-out: refused until a reopen is recorded; the close-out's figures stay" {
	day
	gift=$(w donate 1 500 --method cash | sed -n 's/.*recorded as entry \([0-9]*\)\..*/\1/p')
	w close --cash 525 --checks 2 --check-total 52.50 --counter Ann --counter Bob >/dev/null
	run w annul "$gift" --reason "oops"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"closed out"*"reopen the station"* ]]
	! w log | grep -q '"kind":"donation"}'
	w report | grep -q '\$587.50'
	run w reopen --reason "a gift entered by mistake"
	[ "$status" -eq 0 ]
	run w annul "$gift" --reason "entered by mistake"
	echo "$output"
	[ "$status" -eq 0 ]
	w log | grep "annul" | grep -q 'by tester.*"reason":"entered by mistake","kind":"donation"'
}

# The sheet says what became of each receipt: a PDF saved or spooled (no
# printer) is not a printed receipt.  The cash by bill and coin is a table,
# "even" sits in the over/short column, and the bag number has a line.
@test "close --sheet: receipts printed, saved as PDF only, not made; bills x count = sum; the bag line" {
	day
	w receipt 4 --out "$T/r3.pdf" >/dev/null     # saved as a PDF
	CUPS_SERVER="$T/nothing-here.sock" w receipt 5 --print --spool "$T/spool" >/dev/null || true
	w log | grep -q '"what":"receipt","of":5,"copy":false,"outcome":"spooled"'
	run w close --count 10x1,5x2,1x4,0.25x4 --checks 2 --check-total 52.50 --counter Ann --counter Bob --sheet "$T/s.pdf"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Receipts: 0 printed, 2 saved as PDF only (not printed), 2 not made: entries 6 7."* ]]
	grep -Eq '^ +\$0\.25 x 4 += +\$1\.00$' <<<"$output" # the answer lists the bills too
	pdftotext -layout "$T/s.pdf" "$T/s.txt"
	cat "$T/s.txt"
	! grep -qi "every donation has a printed receipt" "$T/s.txt"
	grep -q "Receipts: 0 printed, 2 saved as PDF only (not printed), 2 not made: entries 6 7." "$T/s.txt"
	grep -q "Cash by bill and coin" "$T/s.txt"
	grep -Eq '^Bill or coin +Count +Sum' "$T/s.txt"
	grep -Eq '^\$10\.00 +1 +\$10\.00$' "$T/s.txt"
	grep -Eq '^\$5\.00 +2 +\$10\.00$' "$T/s.txt"
	grep -Eq '^\$1\.00 +4 +\$4\.00$' "$T/s.txt"
	grep -Eq '^\$0\.25 +4 +\$1\.00$' "$T/s.txt"
	grep -Eq '^Cash counted +\$25\.00$' "$T/s.txt"
	! grep -q "10x1" "$T/s.txt"
	# "even" right-aligned under the over/short figures, as "$5.00 short" would be
	cash=$(grep -E '^Cash +\$25\.00 +\$25\.00 +even$' "$T/s.txt")
	head=$(grep -E '^Method +Expected' "$T/s.txt")
	[ "${#cash}" -gt "${#head}" ]
	grep -q "Deposit bag number" "$T/s.txt"
}

@test "close --sheet: a receipt printed on a queue counts as printed" {
	cupsd_file_server
	day
	w receipt 4 --print --printer pdfq >/dev/null
	run w close --cash 25 --checks 2 --check-total 52.50 --counter Ann --counter Bob --sheet "$T/s.pdf"
	echo "$output"
	[ "$status" -eq 0 ]
	pdftotext "$T/s.pdf" - | tr '\n' ' ' |
		grep -q "Receipts: 1 printed, 0 saved as PDF only (not printed), 3 not made: entries 5 6 7."
}

# What people read is in the station's time zone: the system's TZ, or the
# time-zone setting when set (it wins); the bundle keeps UTC.
@test "times people read: the system's TZ, else the time-zone setting; the bundle keeps UTC" {
	day
	w close --cash 25 --checks 2 --check-total 52.50 --counter Ann --counter Bob >/dev/null
	TZ=America/Chicago w close-sheet --out "$T/chi.pdf" >/dev/null
	when=$(pdftotext -layout "$T/chi.pdf" - | sed -n 's/^Recorded  *//p')
	echo "$when"
	[[ "$when" =~ ^[0-9-]{10}\ [0-9]{2}:[0-9]{2}\ C[SD]T$ ]]
	TZ=America/Chicago w receipt 4 --out "$T/r.pdf" >/dev/null
	pdftotext "$T/r.pdf" - | grep -Eq '[0-9]{2}:[0-9]{2} C[SD]T'
	! pdftotext "$T/r.pdf" - | grep -q UTC
	# the ledger's lines for people too: the time with its offset, one word
	TZ=America/Chicago w log | head -1 | grep -Eq '^ +1  [0-9-]{10} [0-9:]{8}-0[56]00  event '
	# the setting wins over the system's zone
	run w set time-zone Mars/Olympus
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a time zone"* ]]
	# in words, for the kiosk's keyboard (no "/" or "_" on it)
	w set time-zone Central >/dev/null
	w settings | grep -q "^time-zone	America/Chicago$"
	TZ=UTC w close-sheet --out "$T/set.pdf" >/dev/null
	[ "$(pdftotext -layout "$T/set.pdf" - | sed -n 's/^Recorded  *//p')" = "$when" ]
	# the bundle keeps UTC: the close-out's time there is the sheet's, in UTC
	mkdir -p "$T/usb"
	TZ=America/Chicago w export --out "$T/usb" >/dev/null
	utc=$(date -u -d "$when" '+%Y-%m-%d %H:%M')
	age -d -i "$REPO/assets/demo/hq/hq-seal.key" -o "$T/b.zip" "$T"/usb/*.zip.age
	unzip -p "$T/b.zip" closeout.csv | grep -q ",$utc:[0-9][0-9],closeout,"
	unzip -p "$T/b.zip" manifest.json | grep -q '"exported_utc"'
	# and back to the system's zone
	w set time-zone "" >/dev/null
	TZ=UTC w close-sheet --out "$T/utc.pdf" >/dev/null
	[ "$(pdftotext -layout "$T/utc.pdf" - | sed -n 's/^Recorded  *//p')" = "$utc UTC" ]
}

# watctl's count is blind as the kiosk's: the checks in hand are counted,
# never taken as listed; the same counter twice is named.
@test "close: the checks are counted too (--checks, --check-total); the same counter twice is named" {
	day
	run w close --cash 25 --counter Ann --counter Bob
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "$output" == *"Count the checks in hand too"* ]]
	run w close --cash 25 --checks 2 --counter Ann --counter Bob
	[ "$status" -eq 2 ]
	run w close --cash 25 --checks 0 --check-total 5 --counter Ann --counter Bob
	[ "$status" -eq 2 ]
	run w close --cash 25 --checks 2 --check-total 52.50 --counter Ann --counter " ann "
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"two different people"*'" ann " is given twice'* ]]
	! w log | grep -q closeout
	# a check missing: over/short on the checks, a note required
	run w close --cash 25 --checks 1 --check-total 40.50 --counter Ann --counter Bob
	[ "$status" -eq 1 ]
	[[ "$output" == *"checks \$12.00 short"*"note"* ]]
	run w close --cash 25 --checks 0 --counter Ann --counter Bob --note "both checks went with Pat"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\$52.50 SHORT"* ]]
}
