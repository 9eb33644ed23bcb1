#!/usr/bin/env bats
# Printing end to end: watctl receipt/badge/badges/slip through a private
# cupsd (a PDF queue writing PostScript to a file, our ESC/POS queue writing
# printer bytes to a file, a queue whose device fails), the ledger's record
# of each print, and QR round trips.

load lib/cupsd

setup_file() {
	cupsd_file_setup print || return 1
	export DB="$PT/station.db"
	w() { "$WATCTL" --db "$DB" --op tester "$@"; }
	w init --pin-later --name "Walk Against Traffick" --city "Jackson, MS" --date 2026-05-02 --station A >/dev/null
	w set org-name "International Outreach Ministries" >/dev/null
	w set org-ein 64-0123456 >/dev/null
	w walker add --name "Zoë Ångström" --team Hope >/dev/null
	w walker add --name "Ana Lima" >/dev/null
	w donate 1 125 --method check --check-no 1234 --donor "Pat O'Neil" >"$PT/gift"
	export GIFT=$(sed -n 's/.*recorded as entry \([0-9]*\)\..*/\1/p' "$PT/gift")
	if "$WATCTL" --help 2>&1 | grep -q "receipt"; then
		export HAVE_RECEIPT=1
	fi
	if [ -f "$PT/cupsd.pid" ]; then
		# beside pdfq (cups-filters' generic PDF printer: the job comes out as PDF
		# behind a PJL header): our ESC/POS queue, a queue whose device fails
		cupsd_file_queue pos "$PT/cupsd/out/pos.bin" \
			-P "$REPO/assets/ppd/wat-escpos-80mm.ppd" -o printer-error-policy=abort-job
		lpadmin -p bad -E -v "file:///nonexistent/folder/out.ps" \
			-m drv:///sample.drv/generic.ppd 2>/dev/null
		# a printer the tests can make wait (hold) or refuse jobs (refuse)
		cupsd_job_queue late "$PT/cupsd/out/late" -m drv:///sample.drv/generic.ppd \
			-o printer-error-policy=abort-job
	fi
}

teardown_file() { cupsd_file_teardown; }

setup() {
	w() { "$WATCTL" --db "$DB" --op tester "$@"; }
	[ -n "${HAVE_RECEIPT:-}" ] || skip "watctl has no receipt command yet (print_cli not wired)"
}

@test "receipt on a PDF queue: the printed text has the walker, the amount and the statement" {
	cupsd_file_server
	run w receipt "$GIFT" --print --printer pdfq
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Printed on pdfq"* ]]
	cupsd_pdftotext "$PT/cupsd/out/pdfq.out" "$PT/pdfq.txt"
	grep -q "Zoë Ångström" "$PT/pdfq.txt"
	grep -q '\$125.00' "$PT/pdfq.txt"
	grep -q "No goods or services were provided in" "$PT/pdfq.txt"
	run w log
	[[ "$output" == *'"what":"receipt","of":'"$GIFT"',"copy":false,"outcome":"completed","queue":"pdfq"'* ]]
}

@test "a reprint is marked COPY" {
	cupsd_file_server
	run w receipt "$GIFT" --out "$PT/again.pdf"
	[ "$status" -eq 0 ]
	[[ "$output" == *"(COPY)"* ]]
	pdftotext "$PT/again.pdf" - | grep -q COPY
}

@test "receipt on the ESC/POS queue: init, raster bands, cut" {
	cupsd_file_server
	run w receipt "$GIFT" --print --printer pos --paper 80mm
	echo "$output"
	[ "$status" -eq 0 ]
	f="$PT/cupsd/out/pos.bin"
	[ -s "$f" ]
	[ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' \n')" = "1b40" ]
	# GS v 0, mode 0, 72 bytes (576 dots) a row
	od -An -v -tx1 "$f" | tr -d '\n' | tr -s ' ' | grep -q "1d 76 30 00 48 00"
	[ "$(tail -c 6 "$f" | od -An -tx1 | tr -d ' \n')" = "1b4a781d5601" ]
}

# cupsd deb12u10 writes a job over the file: device's output without
# truncating it; each job gets a fresh file, and each file holds one job.
@test "two receipts in a row on the ESC/POS queue: each output holds exactly one whole job" {
	cupsd_file_server
	w donate 2 7 --method cash --donor "A sponsor with a rather long name, to make a longer receipt" >"$PT/g3"
	long=$(sed -n 's/.*recorded as entry \([0-9]*\)\..*/\1/p' "$PT/g3")
	w donate 2 3 --method cash >"$PT/g4"
	short=$(sed -n 's/.*recorded as entry \([0-9]*\)\..*/\1/p' "$PT/g4")
	for seq in "$long" "$short"; do
		cupsd_output pos "$PT/cupsd/out/pos-$seq.bin"
		run w receipt "$seq" --print --printer pos --paper 80mm
		echo "$output"
		[ "$status" -eq 0 ]
	done
	for seq in "$long" "$short"; do
		f="$PT/cupsd/out/pos-$seq.bin"
		od -An -v -tx1 "$f" | tr -d '\n' | tr -s ' ' >"$PT/hex-$seq"
		# one init at the start, one cut at the end, nothing after it
		[ "$(grep -o "1b 40" "$PT/hex-$seq" | wc -l)" -ge 1 ]
		[ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' \n')" = "1b40" ]
		[ "$(grep -o "1d 56 01" "$PT/hex-$seq" | wc -l)" -eq 1 ]
		[ "$(tail -c 6 "$f" | od -An -tx1 | tr -d ' \n')" = "1b4a781d5601" ]
	done
	# the long receipt really is longer: the short one is not its leftover
	[ "$(stat -c %s "$PT/cupsd/out/pos-$long.bin")" -gt "$(stat -c %s "$PT/cupsd/out/pos-$short.bin")" ]
}

@test "a queue whose device fails: reported as failed, and the ledger says not printed" {
	cupsd_file_server
	w donate 2 40 --method cash >"$PT/g2"
	seq=$(sed -n 's/.*recorded as entry \([0-9]*\)\..*/\1/p' "$PT/g2")
	run w receipt "$seq" --print --printer bad --deadline 30
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"was not printed"* ]]
	run w log
	echo "$output" | grep -E '"what":"receipt","of":'"$seq"',"copy":false,"outcome":"(stopped|aborted)"'
	# never delivered: the next one is the original, not a COPY
	run w receipt "$seq" --out "$PT/g2.pdf"
	[ "$status" -eq 0 ]
	! pdftotext "$PT/g2.pdf" - | grep -q COPY
}

@test "no print server: the PDF goes to the spool folder and the message says where" {
	CUPS_SERVER="$PT/nothing-here.sock" run w receipt "$GIFT" --print --spool "$PT/spool"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"No printer: the receipt was saved as PDF ($PT/spool/"* ]]
	ls "$PT/spool/"*.pdf
	run w log
	[[ "$output" == *'"outcome":"spooled"'* ]]
}

@test "badge, sheets of badges and a slip as PDF files" {
	run w badge 1 --out "$PT/badge.pdf" --paper 58mm
	[ "$status" -eq 0 ]
	pdftotext "$PT/badge.pdf" - | grep -q "Walker #1"
	for layout in 2x5 3x10 a4-3x7; do
		run w badges --out "$PT/sheet-$layout.pdf" --layout "$layout"
		[ "$status" -eq 0 ]
		pdftotext "$PT/sheet-$layout.pdf" - | grep -q "Lima"
	done
	run w slip 1 --out "$PT/slip.pdf"
	[ "$status" -eq 0 ]
	pdftotext "$PT/slip.pdf" - | grep -q "Raised"
}

# The morning's badges: a Letter sheet of 3x10 labels through the private
# cupsd; the printed pages rendered (pdftoppm) and every QR code decoded back
# with watctl decode; each code checks its walker in.  Then --new prints only
# those registered since, --team one team, and a reprint says so.
@test "badge sheet through cupsd: every QR decodes and checks its walker in; --new, --team, reprint" {
	cupsd_file_server
	"$WATCTL" --help 2>&1 | grep -q "decode" || skip "watctl decode is not there yet"
	local db="$PT/badges.db" n code line
	b() { "$WATCTL" --db "$db" --op tester "$@"; }
	b init --pin-later --name "Walk Against Traffick" --city "Jackson, MS" --date 2026-05-02 --station A >/dev/null
	for n in "Maria Lopez" "Ana Lima" "Bo Chen" "Zoë Ångström" "Li Wei" "Sam Ortiz" "Kim Park"; do
		b walker add --name "$n" --team "First Baptist Youth" >/dev/null
	done
	for n in "Grace Moss" "Pat Reed" "Lee Ford" "Joy Hale"; do
		b walker add --name "$n" --team "Grace Church" >/dev/null
	done
	: >"$PT/cupsd/out/pdfq.out"
	run b badges --all --layout 3x10 --print --printer pdfq
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Printed on pdfq"* ]]
	# the job's output is the PDF behind a PJL header
	sed -n '/^%PDF/,$p' "$PT/cupsd/out/pdfq.out" >"$PT/sheet-printed.pdf"
	pdftoppm -r 200 -png "$PT/sheet-printed.pdf" "$PT/sheet-printed"
	run "$WATCTL" decode "$PT"/sheet-printed*.png
	echo "$output"
	[ "$status" -eq 0 ]
	cut -f2 <<<"$output" | tr '|' '\n' | grep -v '^$' | sort -u >"$PT/codes"
	[ "$(wc -l <"$PT/codes")" -eq 11 ]
	while read -r code; do
		run b scan "$code" --welcome
		echo "$output"
		[ "$status" -eq 0 ]
		[[ "$output" == *"Welcome, "* ]]
	done <"$PT/codes"
	[ "$(b log | grep -c ' checkin .*"how":"scan"')" -eq 11 ]
	run b log
	[[ "$output" == *'"what":"badges","count":11,"which":"all","through":'*'"outcome":"completed","queue":"pdfq"'* ]]

	# nobody new yet; two walk-ups; --new prints those two only
	run b badges --new --out "$PT/new0.pdf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Nobody was registered since the last sheet of badges."* ]]
	b walker add --name "Walk Up One" >/dev/null
	b walker add --name "Walk Up Two" --team "grace church" >/dev/null
	run b badges --new --layout roll --out "$PT/new.pdf"
	[ "$status" -eq 0 ]
	[[ "$output" == *"2 badges (roll)"* ]]
	[ "$(pdfinfo "$PT/new.pdf" | sed -n 's/^Pages: *//p')" -eq 2 ]
	pdftotext "$PT/new.pdf" - | grep -q "Walk Up One"
	! pdftotext "$PT/new.pdf" - | grep -q "Maria Lopez"
	# one team, case-blind
	run b badges --team "GRACE CHURCH" --out "$PT/team.pdf"
	[ "$status" -eq 0 ]
	[[ "$output" == *"5 badges"* ]]
	# a badge printed before is marked REPRINT, a new one is not
	b walker add --name "Fresh Face" >/dev/null
	b badge 14 --out "$PT/fresh.pdf" >/dev/null
	! pdftotext "$PT/fresh.pdf" - | grep -q REPRINT
	b badge 1 --out "$PT/re.pdf" >/dev/null
	pdftotext "$PT/re.pdf" - | grep -q REPRINT
	run b log
	[[ "$output" == *'"what":"badge","of":1,"reprint":true'* ]]
}

@test "round trip: the QR codes of a receipt and a badge decode to the receipt number and badge code" {
	if ! "$WATCTL" --help 2>&1 | grep -q "decode"; then
		skip "watctl decode is not there yet"
	fi
	w receipt "$GIFT" --out "$PT/rt.pdf" >/dev/null
	w badge 1 --out "$PT/rtb.pdf" >/dev/null
	pdftoppm -r 203 -png -singlefile "$PT/rt.pdf" "$PT/rt"
	pdftoppm -r 203 -png -singlefile "$PT/rtb.pdf" "$PT/rtb"
	run "$WATCTL" decode "$PT/rt.png"
	echo "$output"
	[[ "$output" == *"A-$GIFT"* ]]
	code=$(w badge-code 1)
	run "$WATCTL" decode "$PT/rtb.png"
	echo "$output"
	[[ "$output" == *"$code"* ]]
}

# The print server dies with a receipt on its way (cupsd crashes, systemd
# starts it again): watctl says so, keeps the PDF, records the job "lost";
# the next print looks the job up on the restarted server and records what
# really became of it.
crash_mid_job() { # crash_mid_job SEQ: prints SEQ on "late", crashes cupsd mid-job
	local seq=$1 job
	touch "$PT/cupsd/out/late/hold"
	w receipt "$seq" --print --printer late --spool "$PT/lost-spool" --deadline 120 \
		>"$PT/lost.out" 2>&1 &
	local pid=$!
	for _ in $(seq 1 200); do
		ls "$PT"/cupsd/out/late/job-*.waiting >/dev/null 2>&1 && break
		sleep 0.1
	done
	ls "$PT"/cupsd/out/late/job-*.waiting >/dev/null
	CUPSD_PID=$(cat "$PT/cupsd.pid")
	cupsd_crash
	rm -f "$PT"/cupsd/out/late/job-*.waiting
	wait "$pid" || true
	cat "$PT/lost.out"
}

restart_cupsd() {
	cupsd_start "$PT/cupsd" "$REPO/$BUILD/rastertoescpos" >&2
	echo "$CUPSD_PID" >"$PT/cupsd.pid"
}

@test "the print server dies mid-job: the receipt is saved as PDF, and a job that printed after the restart is recorded as printed late" {
	cupsd_file_server
	w donate 2 11 --method cash >"$PT/g5"
	seq=$(sed -n 's/.*recorded as entry \([0-9]*\)\..*/\1/p' "$PT/g5")
	run crash_mid_job "$seq"
	echo "$output"
	[[ "$output" == *"was not printed: The print server stopped; the receipt was saved as PDF $PT/lost-spool/"* ]]
	ls "$PT"/lost-spool/Receipt_A-"$seq"-*.pdf
	lost=$(w log | grep '"what":"receipt","of":'"$seq"',"copy":false,"outcome":"lost","queue":"late","job":' | awk '{print $1}')
	[ -n "$lost" ]
	job=$(w log | awk -v s="$lost" '$1 == s' | sed 's/.*"job":\([0-9]*\).*/\1/')
	# systemd starts cupsd again; the printer is back: the job prints late
	restart_cupsd
	rm -f "$PT/cupsd/out/late/hold"
	for _ in $(seq 1 100); do [ -s "$PT/cupsd/out/late/job-$job.out" ] && break; sleep 0.1; done
	[ -s "$PT/cupsd/out/late/job-$job.out" ]
	for _ in $(seq 1 100); do lpstat -W completed -o late | grep -q "late-$job " && break; sleep 0.1; done
	# the next print settles it first
	run w receipt "$GIFT" --print --printer pdfq
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"The receipt of entry $seq (job $job, lost when the print server stopped) printed after all"* ]]
	w log | grep -q '"what":"receipt","of":'"$seq"',"copy":false,"outcome":"completed","queue":"late","job":'"$job"',"settles":'"$lost"
	# it was delivered after all: a reprint is a COPY
	run w receipt "$seq" --out "$PT/late-copy.pdf"
	[[ "$output" == *"(COPY)"* ]]
	# settled once: the print after that says nothing of it
	run w receipt "$GIFT" --out "$PT/again2.pdf"
	[[ "$output" != *"lost when"* ]]
}

@test "the print server dies mid-job: a job still queued after the restart is canceled and never prints" {
	cupsd_file_server
	w donate 2 12 --method cash >"$PT/g6"
	seq=$(sed -n 's/.*recorded as entry \([0-9]*\)\..*/\1/p' "$PT/g6")
	run crash_mid_job "$seq"
	echo "$output"
	[[ "$output" == *"The print server stopped; the receipt was saved as PDF"* ]]
	lost=$(w log | grep '"what":"receipt","of":'"$seq"',"copy":false,"outcome":"lost"' | awk '{print $1}')
	job=$(w log | awk -v s="$lost" '$1 == s' | sed 's/.*"job":\([0-9]*\).*/\1/')
	# back, but the printer holds the job in the queue
	touch "$PT/cupsd/out/late/refuse"
	restart_cupsd
	rm -f "$PT/cupsd/out/late/hold"
	for _ in $(seq 1 100); do lpstat -l -o late | grep -q "job-hold-until-specified" && break; sleep 0.1; done
	lpstat -l -o late | grep -q "job-hold-until-specified" # held in the queue
	run w receipt "$GIFT" --print --printer pdfq
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"The receipt of entry $seq (job $job, lost when the print server stopped) was still waiting when the print server came back and was canceled"* ]]
	w log | grep -q '"outcome":"canceled","queue":"late","job":'"$job"',"settles":'"$lost"
	# the printer takes jobs again: the canceled one never comes out
	rm -f "$PT/cupsd/out/late/refuse"
	cupsenable late
	sleep 2
	[ ! -e "$PT/cupsd/out/late/job-$job.out" ]
	# not delivered: the receipt prints again as the original
	run w receipt "$seq" --out "$PT/never.pdf"
	[[ "$output" != *"(COPY)"* ]]
}
