#!/usr/bin/env bats
# Pledges end to end with `watctl pledge`: a walker with five sponsors of
# every kind walks, the laps are certified, the sponsors settle with cash and
# a check (one overpays: a gift); the pledges CSV's preview, its import, and
# the same file imported twice counting once; the ledger checks after each;
# sponsors' statements printed through a private cupsd, read back.

load lib/cupsd

setup_file() { cupsd_file_setup pledges; }
teardown_file() { cupsd_file_teardown; }

setup() {
	unset CUPS_SERVER
	T="$BATS_TEST_TMPDIR"
	DB="$T/t1.db"
	w() { "$WATCTL" --db "$DB" --op tester "$@"; }
	w init --pin-later --name "Walk Against Traffick" --city "Jackson, MS" --date 2026-05-02 \
		--station T1 >/dev/null
	w set lap-length 0.25mi >/dev/null
	w set pledge-lap-cap 10 >/dev/null
	w set min-lap 0 >/dev/null # laps by hand in a row (a lap by hand obeys min-lap)
	w walker add --name "Ana Ruiz" --id R-100 >/dev/null
	w walker add --name "Ben Ode" --id R-200 >/dev/null
}

# The entry number a "recorded as entry N." line names.
seq_of() { sed -n 's/.*recorded as entry \([0-9]*\)\..*/\1/p'; }

@test "pledges: five sponsors of every kind, certified, settled with cash and a check" {
	flat=$(w pledge add 1 --sponsor "Bob Flat" --rate 20 | seq_of)
	lap=$(w pledge add 1 --sponsor "Cy Lap" --kind "per lap" --rate 0.50 --max 4 | seq_of)
	mile=$(w pledge add 1 --sponsor "Di Mile" --kind mile --rate 3.33 | seq_of)
	km=$(w pledge add 1 --sponsor "Ed Km" --kind km --rate 1 --email ed@example.org | seq_of)
	online=$(w pledge add 1 --sponsor "Flo Online" --kind lap --rate 0.25 --paid 2 \
		--paid-date 2026-04-20 --id P-9 | seq_of)
	[ -n "$flat" ] && [ -n "$lap" ] && [ -n "$mile" ] && [ -n "$km" ] && [ -n "$online" ]
	for _ in $(seq 12); do w lap 1 >/dev/null; done
	w lap 2 >/dev/null
	# a 13th lap annulled: 12 counted, 10 billed (the cap)
	last=$(w lap 1 | sed -n 's/.*entry \([0-9]*\).*/\1/p')
	w annul "$last" --reason "scanned twice" >/dev/null
	run w pledge list 1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Laps not certified"* ]]
	[[ "$output" == *"laps 12 (10 billed: the lap cap), 4.02 km (2.50 mi)"* ]]
	# flat $20; lap 10 x $0.50 = $5 capped at $4; 2.5 mi x $3.33 = $8.325 -> $8.33;
	# 4.02336 km x $1 -> $4.02; 10 x $0.25 = $2.50, $2 paid online
	[[ "$output" == *"owed \$20.00  paid \$0.00  still owed \$20.00"* ]]
	[[ "$output" == *"owed \$4.00  paid \$0.00  still owed \$4.00  (laps not certified"* ]]
	[[ "$output" == *"owed \$8.33  paid"* ]]
	[[ "$output" == *"owed \$4.02  paid"* ]]
	[[ "$output" == *"owed \$2.50  paid \$2.00  still owed \$0.50"* ]]
	[[ "$output" == *"Pledged \$38.85, paid \$2.00, still owed \$36.85 (5 pledges)."* ]]
	# a per-lap pledge is not paid before the laps are certified; a flat one is
	run w pledge pay 1 "$lap" 4 --method cash
	[ "$status" -eq 1 ]
	[[ "$output" == *"not certified yet"* ]]
	run w pledge pay 1 "$flat" 20 --method cash
	[ "$status" -eq 0 ]
	w pledge certify | grep -q "Laps certified as entry"
	run w pledge certify
	[ "$status" -eq 1 ]
	[[ "$output" == *"certified already"* ]]
	# a lap after the certification is walked, not counted
	w lap 1 >/dev/null
	run w pledge list 1
	[[ "$output" == *"Laps certified"* ]]
	[[ "$output" == *"owed \$8.33  paid \$0.00  still owed \$8.33"* ]]
	# one payment is one sponsor's
	run w pledge pay 1 "$lap,$mile" 10 --method cash
	[ "$status" -eq 1 ]
	[[ "$output" == *"one sponsor's"* ]]
	# Cy pays $5 cash for $4 owed: $1 is a gift; Di pays by check
	run w pledge pay 1 "$lap" 5 --method cash
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\$1.00 is more than the pledges still owed: recorded as a gift from the same sponsor."* ]]
	w pledge pay 1 "$mile" 8.33 --method check --check-no 1042 >/dev/null
	run w pledge list 1
	echo "$output"
	[[ "$output" == *"Pledged \$38.85, paid \$34.33, still owed \$4.52 (5 pledges)."* ]]
	# the payments are donations whose donor is the sponsor
	w log | grep ' donation ' | grep -q '"donor":"Cy Lap","pledges":\[\['"$lap"',400\]\]'
	w log | grep ' donation ' | grep -q '"check_no":"1042","donor":"Di Mile"'
	w report | grep -q 'checks        \$8.33 (1 checks)'
	# reopened with a reason, the amounts are not final again; a certification
	# is never annulled
	run w pledge reopen
	[ "$status" -eq 1 ]
	cert=$(w log | awk '$4 == "certify" { print $1 }')
	[ -n "$cert" ]
	run w annul "$cert" --reason "oops"
	[ "$status" -eq 1 ]
	w pledge reopen --reason "a late lap from the lap point" | grep -q "Laps reopened"
	run w pledge list 1
	[[ "$output" == *"Laps not certified"* ]]
	# the annulled pledge leaves the settlement
	w annul "$km" --reason "entered twice" >/dev/null
	run w pledge list 1
	[[ "$output" == *"(4 pledges)"* ]]
	[[ "$output" != *"Ed Km"* ]]
	# the close-out sheet says pledged, collected and still owed
	w close --cash 25 --checks 1 --check-total 8.33 --counter "Ann Smith" --counter "Bob Jones" \
		--sheet "$T/sheet.pdf" >/dev/null
	pdftotext -layout "$T/sheet.pdf" - | tr -s ' ' >"$T/sheet.txt"
	cat "$T/sheet.txt"
	grep -q "Pledges (4)" "$T/sheet.txt"
	grep -q 'Pledged \$34.83' "$T/sheet.txt"
	grep -q 'Collected (online and here) \$34.33' "$T/sheet.txt"
	grep -q 'Still owed \$0.50' "$T/sheet.txt"
	grep -q "laps are not certified" "$T/sheet.txt"
	w check >/dev/null
	w rebuild >/dev/null
	w check >/dev/null
}

@test "pledges: refused without a sponsor, a walker, or with an id held already" {
	run w pledge add 9 --sponsor Bob --rate 5
	[ "$status" -eq 1 ]
	[[ "$output" == *"no walker 9"* ]]
	run w pledge add 1 --sponsor Bob --rate 0
	[ "$status" -eq 2 ]
	run w pledge add 1 --sponsor Bob --rate 5 --kind hourly
	[ "$status" -eq 2 ]
	[[ "$output" == *"flat, lap, mile or km"* ]]
	w pledge add 1 --sponsor Bob --rate 5 --id P-1 >/dev/null
	run w pledge add 2 --sponsor Cy --rate 5 --id P-1
	[ "$status" -eq 1 ]
	[[ "$output" == *"P-1"*"already held"* ]]
	# a per-mile pledge with no lap length has no amount, said
	w set lap-length 0 >/dev/null
	w pledge add 1 --sponsor Di --kind mile --rate 1 >/dev/null
	run w pledge list 1
	[[ "$output" == *"owed: not known: The lap length is not set"* ]]
}

@test "pledges: the CSV's preview names each problem by its row; imported twice it counts once" {
	cat >"$T/pledges.csv" <<-'EOF'
		Walker ID,Sponsor Name,Email,Type,Rate,Max,Pledge ID,Paid,Paid Date
		R-100,Gail Grant,gail@example.org,per lap,0.50,10,WEB-1,,
		R-100,Hal Hunt,,flat,25,,WEB-2,25,2026-04-20
		R-999,Ivy Ives,,flat,5,,WEB-3,,
		R-200,,,flat,5,,WEB-4,,
		R-200,Jo Jones,,per hour,5,,WEB-5,,
		R-200,Kim Kay,,per mile,1,,WEB-1,,
		R-200,Lou Lee,,km,1.5,,WEB-6,,
	EOF
	run w pledge import "$T/pledges.csv"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *'line 4 "R-999,Ivy Ives,,flat,5,,WEB-3,,": no walker here has the id "R-999".'* ]]
	[[ "$output" == *'line 5 "R-200,,,flat,5,,WEB-4,,": it has no sponsor'* ]]
	[[ "$output" == *'line 6 "R-200,Jo Jones,,per hour'*'"per hour" is not flat'* ]]
	[[ "$output" == *'line 7 "R-200,Kim Kay'*'the pledge id "WEB-1" is on line 2 too'* ]]
	[[ "$output" == *"3 new, 0 unchanged (imported before), 4 with a problem."* ]]
	[[ "$output" == *"Nothing was imported yet"*"--import-good-rows"* ]]
	run w pledge list
	[[ "$output" == *"(0 pledges)"* ]]
	run w pledge import "$T/pledges.csv" --import-good-rows
	[ "$status" -eq 0 ]
	[[ "$output" == *"Imported 3 new pledges; the rows with a problem were left out."* ]]
	run w pledge list
	echo "$output"
	[[ "$output" == *"(3 pledges)"* ]]
	# Hal paid online: owed $25, paid $25, nothing billed again
	[[ "$output" == *"Hal Hunt: \$25.00"*"owed \$25.00  paid \$25.00  still owed \$0.00"* ]]
	[[ "$output" == *"paid online \$25.00 on 2026-04-20"* ]]
	# the same file again: nothing new
	run w pledge import "$T/pledges.csv" --import-good-rows
	echo "$output"
	[[ "$output" == *"0 new, 3 unchanged (imported before), 4 with a problem."* ]]
	run w pledge list
	[[ "$output" == *"(3 pledges)"* ]]
	# an id held with other terms is a problem, not a second pledge
	printf 'walker,sponsor,rate,id\n1,Gail Grant,0.75,WEB-1\n' >"$T/changed.csv"
	run w pledge import "$T/changed.csv" --import-good-rows
	[[ "$output" == *'"WEB-1" is held already (station T1) with other terms'* ]]
	[[ "$output" == *"0 new, 0 unchanged (imported before), 1 with a problem."* ]]
	# no pledges file at all
	printf 'name,team\nAna,Blue\n' >"$T/roster.csv"
	run w pledge import "$T/roster.csv"
	[ "$status" -eq 2 ]
	[[ "$output" == *"nothing was imported"* ]]
	w check >/dev/null
}

@test "pledges: a roster with pledge columns: one pledge a row, recorded with the walkers, each once; a bad pledge only by choice" {
	cat >"$T/roster.csv" <<'CSV'
name,team,id,sponsor,pledge kind,pledge rate,pledge max,pledge id,pledge paid,sponsor email
Ann Lee,Hope,R-1,Grandma Lee,per lap,$1.00,$20,RP-1,,gl@example.org
Ann Lee,Hope,R-1,Uncle Lee,flat,$25,,RP-2,$25,
Ann Lee,Hope,R-1,,,,,,,
Bo Chen,,R-2,Aunt May,per mile,$3,,RP-3,,
Cy Dee,,,Mom Dee,flat,$5,,,,
Ed Fox,,R-4,Dad Fox,weekly,$5,,RP-4,,
CSV
	run w roster preview "$T/roster.csv"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"4 new, 0 updated, 0 unchanged, 1 exact repeat merged; 0 rows with a problem."* ]]
	[[ "$output" == *"Pledges: 3 new, 0 unchanged (imported before), 2 with a problem."* ]]
	[[ "$output" == *'Line 6, a pledge: the walker has no id'*'    Cy Dee,,,Mom Dee,flat,$5,,,,'* ]]
	[[ "$output" == *'Line 7, a pledge: the kind "weekly" is not flat, per lap, per mile or per km.'* ]]
	[ -z "$(w walker list | grep 'Ann Lee')" ] # a preview records nothing
	# the pledges' problems ask for the choice, as a bad row does
	run w roster import "$T/roster.csv"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"nothing was imported: 2 pledges have a problem"* ]]
	[ -z "$(w walker list | grep 'Ann Lee')" ]
	run w roster import "$T/roster.csv" --good-rows
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Pledges: 3 new, 0 unchanged (imported before); the pledges with a problem were left out."* ]]
	[ "$(w walker list | grep -c 'Ann Lee')" -eq 1 ]
	run w pledge list
	echo "$output"
	[[ "$output" == *"Grandma Lee: \$1.00 a lap (at most \$20.00)"* ]]
	[[ "$output" == *"Uncle Lee: \$25.00"*"paid online \$25.00"* ]]
	[[ "$output" == *"Aunt May: \$3.00 a mile"* ]]
	[[ "$output" != *"Mom Dee"* && "$output" != *"Dad Fox"* ]]
	w log | grep ' pledge ' | grep -q '"email":"gl@example.org".*"ext_id":"RP-1"'
	# the same roster again: the walkers unchanged, each pledge once
	run w roster import "$T/roster.csv" --good-rows
	[[ "$output" == *"Pledges: 0 new, 3 unchanged (imported before)"* ]]
	[ "$(w log | grep -c ' pledge ')" -eq 3 ]
	w check >/dev/null
}

@test "pledges: the bundle carries pledges.csv and outstanding.csv; verify recomputes them" {
	export WAT_HQ_DIR="$BATS_TEST_DIRNAME/../../assets/demo/hq"
	USB="$T/usb"
	mkdir -p "$USB"
	lap=$(w pledge add 1 --sponsor "=Cy Lap" --kind lap --rate 0.50 --max 4 --id WEB-7 | seq_of)
	w pledge add 1 --sponsor "Di Mile" --kind mile --rate 3.33 >/dev/null
	for _ in $(seq 12); do w lap 1 >/dev/null; done
	w pledge certify >/dev/null
	w pledge pay 1 "$lap" 5 --method cash >/dev/null
	w export --out "$USB" >/dev/null
	z=$(ls "$USB"/wat-*-1.zip.age)
	run "$WATCTL" verify "$z" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -eq 0 ]
	rm -rf "$T/x" && mkdir -p "$T/x"
	age -d -i "$WAT_HQ_DIR/hq-seal.key" -o "$T/opened.zip" "$z"
	(cd "$T/x" && unzip -q "$T/opened.zip")
	(cd "$T/x" && sha256sum -c SHA256SUMS >/dev/null)
	grep -q '"pledges.csv", "outstanding.csv"' "$T/x/manifest.json"
	cat "$T/x/outstanding.csv"
	# Excel-safe: the sponsor's leading '=' is quoted as text
	grep -q "^1,Ana Ruiz,$lap,'=Cy Lap,,,,lap,0.50,4.00,12,10,4.00,4.00,0.00,yes" "$T/x/outstanding.csv"
	grep -q ',Di Mile,,,,mile,3.33,,12,10,8.33,0.00,8.33,yes' "$T/x/outstanding.csv"
	grep -q ",'=Cy Lap,,,,lap,0.50,4.00,WEB-7,,,4.00,tester," "$T/x/pledges.csv"
	# an outstanding.csv changed, its hash and the signature made again by an
	# insider with the station's key: verify recomputes it from the ledger
	command -v zip >/dev/null || skip "zip is not installed (APT_PKGS)"
	sed -i 's/,8.33,yes/,0.00,yes/' "$T/x/outstanding.csv"
	(cd "$T/x" && grep -v ' SHA256SUMS$' SHA256SUMS | awk '{print $2}' | xargs sha256sum >S &&
		mv S SHA256SUMS && zip -q -X "$T/re.zip" $(awk '{print $2}' SHA256SUMS) SHA256SUMS)
	hq="$BATS_TEST_DIRNAME/../../assets/hq"
	age -r "$(cat "$hq/hq-seal.pub")" -r "$(cat "$hq/hq-backup.pub")" -o "$T/forged.zip.age" "$T/re.zip"
	minisign -S -s "$DB.keys/station.key" -m "$T/forged.zip.age" -t "forged" \
		-c "W.A.T. sealed bundle, signed by station key $(tail -1 "$DB.keys/station.pub")" </dev/null >/dev/null
	run "$WATCTL" verify "$T/forged.zip.age" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"outstanding.csv does not match the ledger"* ]]
}

@test "pledges: sponsors' statements through the private cupsd; the QR's number verifies" {
	cupsd_file_server
	w set org-name "Hard Places Community" >/dev/null
	flat=$(w pledge add 1 --sponsor "Bob Flat" --rate 20 --address "12 Elm St, Jackson MS" | seq_of)
	lap=$(w pledge add 1 --sponsor "Cy Lap" --kind lap --rate 0.50 --max 4 | seq_of)
	w pledge add 1 --sponsor "Cy Lap" --kind mile --rate 1 >/dev/null
	w pledge add 2 --sponsor "Di Km" --kind km --rate 2 >/dev/null
	for _ in $(seq 8); do w lap 1 >/dev/null; done
	w lap 2 >/dev/null
	w lap 2 >/dev/null
	w pledge certify >/dev/null
	w pledge pay 1 "$flat" 20 --method check --check-no 501 >/dev/null
	run w statement 1 --print --printer pdfq --paper letter
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"2 statements."* ]]
	cupsd_pdftotext "$PT/cupsd/out/pdfq.out" "$T/st.txt"
	tr -s ' ' <"$T/st.txt" >"$T/st1.txt"
	cat "$T/st1.txt"
	grep -q "Pledge statement" "$T/st1.txt"
	grep -q "Hard Places Community" "$T/st1.txt"
	grep -q "Sponsor Bob Flat" "$T/st1.txt"
	grep -q "12 Elm St, Jackson MS" "$T/st1.txt"
	grep -q "Paid in full" "$T/st1.txt"
	# Cy's two pledges on one statement: 8 laps are 2 mi: $4.00 + $2.00
	grep -q 'Certified laps 8' "$T/st1.txt"
	grep -q 'Distance 3.22 km (2.00 mi)' "$T/st1.txt"
	grep -q 'Distance 2.00 mi (3.22 km)' "$T/st1.txt" # the per-mile pledge: miles first
	grep -q 'Still owed \$6.00' "$T/st1.txt"
	grep -q 'Certified laps of T1 to entry' "$T/st1.txt"
	id=$(grep -o "S:T1:$lap:[0-9]*:600:[0-9A-F]*" "$T/st1.txt" | head -1)
	[ -n "$id" ]
	run w pledge verify "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"matches the ledger: Cy Lap's pledges for walker 1"* ]]
	run w log
	[[ "$output" == *'"what":"statement","of":1,'*'"outcome":"completed","queue":"pdfq"'* ]]
	# paid since: the statement is out of date, and says the current one
	w pledge pay 1 "$lap" 4 --method cash >/dev/null
	run w pledge verify "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"out of date"*"\$2.00"* ]]
	# every statement still owed, for the close-out, on the roll
	run w statement owing --out "$T/owing.pdf" --paper 80mm
	[ "$status" -eq 0 ]
	[[ "$output" == *"2 statements."* ]]
	pdftotext -layout "$T/owing.pdf" - | tr -s ' \n' ' ' >"$T/owing.txt"
	grep -q "Sponsor Di Km" "$T/owing.txt"
	grep -q 'Still owed \$1.61' "$T/owing.txt" # 2 laps: 0.804672 km x $2
	! grep -q "Bob Flat" "$T/owing.txt"
	# a forged number is refused
	run w pledge verify "S:T1:$lap:0:0:DEADBEEF"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not of this ledger"* ]]
}

# lo_sync CALLER ANSWERER: one `watctl sync` exchange over loopback.
lo_sync() {
	local port=$((20000 + RANDOM % 30000))
	"$WATCTL" --db "$2" sync --listen "127.0.0.1:$port" --once 2>"$T/serve.err" &
	for _ in $(seq 100); do
		grep -q Listening "$T/serve.err" 2>/dev/null && break
		sleep 0.05
	done
	"$WATCTL" --db "$1" sync --peer "127.0.0.1:$port" >/dev/null
	wait
}

# A settlement made on stale laps says so: the lap point (T2) counted Ana's
# laps and was last heard from more than LEDGER_LAPS_STALE_MS (5 minutes)
# ago; the statement names it and its time, in the station's time zone.
@test "pledges: a settlement made on laps from a lap point not heard from for long is marked stale" {
	command -v sqlite3 >/dev/null || skip "sqlite3 is not installed (APT_PKGS)"
	w set time-zone America/Chicago >/dev/null
	w event-pack export "$T/ev.pack" >"$T/ev.out"
	"$WATCTL" --db "$T/t2.db" event-pack import "$T/ev.pack" \
		--key "$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' "$T/ev.out" | head -1)" >/dev/null
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	"$WATCTL" --db "$T/t2.db" set min-lap 0 >/dev/null
	w pledge add 1 --sponsor "Cy Lap" --kind lap --rate 1 >/dev/null
	w pledge add 2 --sponsor "Di Flat" --rate 5 >/dev/null
	"$WATCTL" --db "$T/t2.db" set holdoff 0 >/dev/null
	code=$(w badge-code 1)
	for _ in 1 2 3; do "$WATCTL" --db "$T/t2.db" scan "$code" >/dev/null; done
	lo_sync "$DB" "$T/t2.db"
	statement() {
		w statement "$1" --out "$T/s.pdf" >/dev/null
		pdftotext -layout "$T/s.pdf" - | tr -s ' \n' ' '
	}
	# just exchanged: fresh, nothing said
	run statement 1
	echo "$output"
	[[ "$output" == *"Laps of T1 to entry"*"T2 to entry"* ]]
	[[ "$output" == *"Still owed \$3.00"* ]]
	[[ "$output" != *"Made on laps"* ]]
	# the lap point last heard from 20 minutes ago
	sqlite3 "$DB" "UPDATE peers SET seen_wall_ms = seen_wall_ms - 20 * 60 * 1000"
	seen=$(sqlite3 "$DB" "SELECT seen_wall_ms / 1000 FROM peers")
	at=$(TZ=America/Chicago date -d "@$seen" +%H:%M)
	run statement 1
	echo "$output"
	[[ "$output" == *"Made on laps from the lap point (station T2) as of $at, not heard from since."* ]]
	# Di's walker has no laps at the lap point: her statement is not marked
	run statement 2
	echo "$output"
	[[ "$output" == *"Sponsor Di Flat"* ]]
	[[ "$output" != *"Made on laps"* ]]
	# a lap point heard from 4 minutes ago is fresh
	sqlite3 "$DB" "UPDATE peers SET seen_wall_ms = (strftime('%s', 'now') - 240) * 1000"
	run statement 1
	[[ "$output" != *"Made on laps"* ]]
}
