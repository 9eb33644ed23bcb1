#!/usr/bin/env bats
# Close-out and the signed bundle, end to end: stock minisign and sha256sum
# accept our bundles; every kind of tampering is refused with its reason; HQ
# merges two stations and a re-export counting everything once; a full or
# read-only USB folder leaves no file that looks complete.

setup() {
	if ! "$WATCTL" --help 2>/dev/null | grep -q '^  export'; then
		skip "watctl has no export command yet (bundle_cli not wired in)"
	fi
	T="$BATS_TEST_TMPDIR"
	DB="$T/t1.db"
	USB="$T/usb"
	mkdir -p "$USB"
	w() { "$WATCTL" --db "$DB" "$@"; }
	# the demo HQ's keys open the sealed bundles (assets/demo/hq)
	export WAT_HQ_DIR="$BATS_TEST_DIRNAME/../../assets/demo/hq"
}

teardown() {
	for m in "$T/tiny" "$T/ro"; do
		if mountpoint -q "$m" 2>/dev/null; then umount "$m"; fi
	done
}

# A station's day: walkers with dangerous names, laps, donations, an annulment.
day() {
	local db=$1 station=$2
	"$WATCTL" --db "$db" init --pin-later --name "Walk Against Traffick" --city "Jackson, MS" \
		--date 2026-05-02 --station "$station" >/dev/null
	"$WATCTL" --db "$db" walker add --name '=HYPERLINK("http://x","y")' >/dev/null
	"$WATCTL" --db "$db" walker add --name '+1' >/dev/null
	"$WATCTL" --db "$db" walker add --name 'Zoë Ångström' >/dev/null
	"$WATCTL" --db "$db" lap 1 >/dev/null
	"$WATCTL" --db "$db" lap 2 >/dev/null
	"$WATCTL" --db "$db" donate 1 25 --method cash >/dev/null
	"$WATCTL" --db "$db" donate 2 40.50 --method check --check-no 1043 --donor Ann >/dev/null
	"$WATCTL" --db "$db" donate 3 10 --method other >/dev/null
	"$WATCTL" --db "$db" donate 3 99 --method cash >/dev/null
	local last
	last=$("$WATCTL" --db "$db" log | tail -1 | awk '{print $1}')
	"$WATCTL" --db "$db" annul "$last" --reason "typed twice" >/dev/null
}

# HQ accepts an event without a charter by the event key id on its close-out
# sheet (docs/HQ-GUIDE.md): the bundles of the stations it certified count.
hq_accepts() {
	local db k
	for db in "$@"; do
		k=$(sed -n 's/.*"event_key":"\([0-9A-F]*\)".*/\1/p' "$db.keys/station.cert" | head -1)
		"$WATCTL" hq-accept --db "$T/hq.db" --event-key "$k" \
			--reason "the key id on the close-out sheet" >/dev/null
	done
}

bundle() { ls "$USB"/wat-*-"$1".zip.age; }

# Rebuilds a bundle from the folder x/ (files in bundle order), seals it to
# HQ's published keys and signs it with the station's own key, as an insider
# with the key could.
rezip_and_sign() {
	local out=$1 hq="$BATS_TEST_DIRNAME/../../assets/hq"
	command -v zip >/dev/null || skip "zip is not installed (APT_PKGS)"
	rm -f "$out" "$T/re.zip"
	(cd "$T/x" && zip -q -X "$T/re.zip" manifest.json walkers.csv checkins.csv laps.csv \
		donations.csv annulments.csv closeout.csv ledger.jsonl \
		$(ls station.cert charter event.pub 2>/dev/null) SHA256SUMS)
	age -r "$(cat "$hq/hq-seal.pub")" -r "$(cat "$hq/hq-backup.pub")" -o "$out" "$T/re.zip"
	rm -f "$out.minisig"
	minisign -S -s "$DB.keys/station.key" -m "$out" -t "forged" \
		-c "W.A.T. sealed bundle, signed by station key $(tail -1 "$DB.keys/station.pub")" </dev/null >/dev/null
}

unpack() {
	rm -rf "$T/x"
	mkdir -p "$T/x"
	age -d -i "$WAT_HQ_DIR/hq-seal.key" -o "$T/opened.zip" "$1"
	(cd "$T/x" && unzip -q "$T/opened.zip")
}

@test "stock minisign and sha256sum accept an export; watctl verify agrees" {
	day "$DB" T1
	run w export --out "$USB"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"safe to remove"* ]]
	z=$(bundle 1)
	[ "$(basename "$z")" = "wat-jackson-ms-2026-05-02-T1-1.zip.age" ]
	[ -z "$(ls "$USB"/*.zip "$DB.exports"/*.zip 2>/dev/null)" ] # no clear zip anywhere
	[ -f "$z.minisig" ]
	[ -f "$DB.exports/$(basename "$z")" ]
	[ "$(stat -c %a "$DB.keys/station.key")" = 600 ]
	w pubkey >"$T/station.pub"
	cmp "$T/station.pub" "$DB.keys/station.pub"
	run minisign -Vm "$z" -p "$T/station.pub"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"station:T1"*"export:1"* ]]
	run minisign -H -Vm "$z" -p "$T/station.pub"
	[ "$status" -eq 0 ]
	unpack "$z"
	run bash -c "cd '$T/x' && sha256sum -c SHA256SUMS"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c ': OK$' <<<"$output")" -eq 10 ] # 8 + station.cert + event.pub (no charter: docs/TRUST.md)
	run "$WATCTL" verify "$z" --pubkey "$T/station.pub"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\$25.00 cash"* ]]
	[[ "$output" == *"\$75.50 from 3 donations"* ]]
	[[ "$output" == *"expected station key"* ]]
	grep -q '"total": "75.50"' "$T/x/manifest.json"
}

@test "walkers named =HYPERLINK(...) or +1 are neutralised in every CSV" {
	day "$DB" T1
	w export --out "$USB" >/dev/null
	unpack "$(bundle 1)"
	grep -q "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" "$T/x/walkers.csv"
	grep -q ",'+1," "$T/x/walkers.csv"
	grep -q ",'+1," "$T/x/donations.csv"
	grep -q "Zoë Ångström" "$T/x/walkers.csv"
	# no field anywhere starts a formula
	! grep -qE '(^|,)"?[=+@-]' "$T/x/walkers.csv" "$T/x/donations.csv" "$T/x/laps.csv"
	grep -q "40.50,check,1043,Ann" "$T/x/donations.csv"
}

@test "a flipped byte in the zip is refused" {
	day "$DB" T1
	w export --out "$USB" >/dev/null
	z=$(bundle 1)
	printf '\x58' | dd of="$z" bs=1 seek=300 conv=notrunc status=none
	run "$WATCTL" verify "$z" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"NOT valid"*"changed after it was signed"* ]]
	run minisign -Vm "$z" -p "$DB.keys/station.pub"
	[ "$status" -ne 0 ]
}

@test "a CSV edited, its hash updated and re-signed is refused" {
	day "$DB" T1
	w export --out "$USB" >/dev/null
	z=$(bundle 1)
	unpack "$z"
	sed -i 's/40\.50,check/400.50,check/' "$T/x/donations.csv"
	(cd "$T/x" && grep -v ' SHA256SUMS$' SHA256SUMS | awk '{print $2}' | xargs sha256sum >S && mv S SHA256SUMS)
	rezip_and_sign "$z"
	run "$WATCTL" verify "$z" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"donations.csv does not match the ledger"* ]]
}

@test "an entry removed from ledger.jsonl is refused" {
	day "$DB" T1
	w export --out "$USB" >/dev/null
	z=$(bundle 1)
	unpack "$z"
	sed -i '5d' "$T/x/ledger.jsonl"
	(cd "$T/x" && grep -v ' SHA256SUMS$' SHA256SUMS | awk '{print $2}' | xargs sha256sum >S && mv S SHA256SUMS)
	rezip_and_sign "$z"
	run "$WATCTL" verify "$z" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ledger.jsonl line 5"*"removed"* ]]
}

@test "a bundle signed by another key is refused" {
	day "$DB" T1
	w export --out "$USB" >/dev/null
	z=$(bundle 1)
	minisign -G -W -p "$T/other.pub" -s "$T/other.key" >/dev/null
	rm -f "$z.minisig"
	minisign -S -s "$T/other.key" -m "$z" </dev/null >/dev/null
	run "$WATCTL" verify "$z" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"signed by another key"*"Nothing in it was opened"* ]]
	# with no --pubkey: a signature that names no station key is not opened
	run "$WATCTL" verify "$z"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not name the station key"*"Nothing was opened"* ]]
	# one that names the forger's key is opened, and the manifest inside
	# still names the station's key
	rm -f "$z.minisig"
	minisign -S -s "$T/other.key" -m "$z" \
		-c "W.A.T. sealed bundle, signed by station key $(tail -1 "$T/other.pub")" </dev/null >/dev/null
	run "$WATCTL" verify "$z"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"manifest.json names key"*"but the bundle was signed by key"* ]]
}

@test "an older export replayed is refused: renamed, or merged again at HQ" {
	day "$DB" T1
	w export --out "$USB" >/dev/null
	w donate 1 5 --method cash >/dev/null
	w export --out "$USB" >/dev/null
	z1=$(bundle 1) z2=$(bundle 2)
	hq_accepts "$DB"
	run "$WATCTL" merge --db "$T/hq.db" "$z2"
	[ "$status" -eq 0 ]
	run "$WATCTL" merge --db "$T/hq.db" "$z1"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"older export replayed"*"nothing counted"* ]]
	# the older export renamed as the newer one
	mkdir -p "$T/old"
	cp "$z1" "$T/old/$(basename "$z2")"
	cp "$z1.minisig" "$T/old/$(basename "$z2").minisig"
	run "$WATCTL" verify "$T/old/$(basename "$z2")" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"signed as $(basename "$z1")"* ]]
}

@test "two stations and a re-export merged at HQ count every dollar once" {
	day "$DB" T1
	w export --out "$USB" >/dev/null
	w donate 2 20 --method cash >/dev/null
	w export --out "$USB" >/dev/null
	DB2="$T/t2.db"
	day "$DB2" T2
	"$WATCTL" --db "$DB2" donate 1 1.25 --method cash >/dev/null
	"$WATCTL" --db "$DB2" export --out "$USB" >/dev/null
	a1=$(ls "$USB"/*-T1-1.zip.age) a2=$(ls "$USB"/*-T1-2.zip.age) b1=$(ls "$USB"/*-T2-1.zip.age)
	hq_accepts "$DB" "$DB2"
	run "$WATCTL" merge --db "$T/hq.db" "$a1" "$b1" "$a2"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" merge --db "$T/hq.db" "$a2" "$b1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Already merged"* ]]
	# T1: 75.50 + 20, T2: 75.50 + 1.25
	[[ "$output" == *"8 donations, total \$172.25"* ]]
	run "$WATCTL" hq-report --db "$T/hq.db"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Jackson, MS"* ]]
	[[ "$output" == *"station T1"*"\$95.50"* ]]
	[[ "$output" == *"station T2"*"\$76.75"* ]]
	[[ "$output" == *"national total"*"\$172.25"* ]]
}

@test "close-out with short and over cash, and a donation after closing" {
	day "$DB" T1
	# expected cash: 25.00
	run w close --cash 20 --checks 1 --check-total 40.50 --counter Ann --counter Ann
	[ "$status" -eq 1 ]
	[[ "$output" == *"two different people"* ]]
	run w close --cash 20 --checks 1 --check-total 40.50 --counter Ann --counter Bob
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"\$5.00 short"*"note"* ]]
	run w close --count 10x2 --checks 1 --check-total 40.50 --counter Ann --counter Bob --note "a five is missing"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\$5.00 SHORT"* ]]
	[[ "$output" == *"#1043"*"\$40.50"* ]]
	[[ "$output" == *"Receipts: 0 printed, 0 saved as PDF only (not printed), 3 not made"* ]]
	run w donate 1 5 --method cash
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"closed out"*"reopen"* ]]
	run w reopen --reason "a late donor"
	[ "$status" -eq 0 ]
	w donate 1 5 --method cash >/dev/null
	run w close --cash 35 --checks 1 --check-total 40.50 --counter Ann --counter Bob --note "five over, tip jar"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\$5.00 OVER"* ]]
	w export --out "$USB" >/dev/null
	unpack "$(bundle 1)"
	grep -q ',closeout,25.00,20.00,-5.00,10x2,' "$T/x/closeout.csv"
	grep -q ',reopen,' "$T/x/closeout.csv"
	grep -q ',closeout,30.00,35.00,5.00,' "$T/x/closeout.csv"
	grep -q '"closed": true' "$T/x/manifest.json"
}

@test "export to a full folder: a clear message and no file that looks complete" {
	[ "$(id -u)" -eq 0 ] || skip "mounting a tiny tmpfs needs root"
	day "$DB" T1
	for i in $(seq 60); do w walker add --name "Walker number $i with a long name $RANDOM$RANDOM" >/dev/null; done
	mkdir -p "$T/tiny"
	mount -t tmpfs -o size=12k tmpfs "$T/tiny" || skip "cannot mount tmpfs here"
	run w export --out "$T/tiny"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"is full"* ]]
	[ -z "$(ls -A "$T/tiny")" ]
	# the next export to a good stick works and says it is safe
	run w export --out "$USB"
	[ "$status" -eq 0 ]
	[[ "$output" == *"safe to remove"* ]]
}

@test "export to a read-only folder: a clear message, nothing written" {
	[ "$(id -u)" -eq 0 ] || skip "mounting a read-only tmpfs needs root"
	day "$DB" T1
	mkdir -p "$T/ro"
	mount -t tmpfs -o ro,size=1m tmpfs "$T/ro" || skip "cannot mount tmpfs here"
	run w export --out "$T/ro"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"read-only"* ]]
	[ -z "$(ls -A "$T/ro")" ]
	run w export --out "$T/no-such-stick"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "event pack: a second station joins; badges verify on both; HQ sees one event" {
	day "$DB" T1
	# the waiver (the longest setting: 600 characters), its version and
	# full-names travel with the pack; the time zone is each station's own
	waiver="I agree, \"as a walker\": $(printf 'é%.0s' $(seq 576))"
	w set waiver "$waiver" >/dev/null
	w set waiver-version 2026-1 >/dev/null
	w set full-names 1 >/dev/null
	w set time-zone central >/dev/null
	run w event-pack export "$USB/event.pack"
	if [[ "$output" == *"does not have yet"* ]]; then skip "the ledger has no badge-key import yet"; fi
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$USB/event.pack")" = 600 ]
	# sealed: nothing of the event in clear on the stick
	! grep -q "Walk Against Traffick\|wat-event-pack\|Jackson" "$USB/event.pack"
	key=$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' <<<"$output" | head -1)
	[ -n "$key" ]
	# its QR code, beside the ledger and not on the stick, holds the same key
	[ "$(stat -c %a "$DB.pack-key.png")" = 600 ]
	[ -z "$(ls "$USB" | grep -i png)" ]
	[ "$("$WATCTL" decode "$DB.pack-key.png" | cut -f2)" = "WATPACK:$key" ]
	DB2="$T/t2.db"
	run "$WATCTL" --db "$DB2" event-pack import "$USB/event.pack" --key "$key" --station T1
	[ "$status" -eq 1 ]
	[[ "$output" == *"another id"* ]]
	# a wrong key, a typo, a changed pack: refused in words, nothing joined
	other=$(w event-pack export "$T/other.pack" | grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' | head -1)
	run "$WATCTL" --db "$DB2" event-pack import "$USB/event.pack" --key "$other" --station T2
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "$output" == *"key is not this pack's"* ]]
	c=${key:7:1}; t=$([ "$c" = A ] && echo B || echo A)
	run "$WATCTL" --db "$DB2" event-pack import "$USB/event.pack" --key "${key:0:7}$t${key:8}" --station T2
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "$output" == *"Group 2"*"typing mistake"* ]]
	cp "$USB/event.pack" "$T/changed.pack"
	printf '\x01' | dd of="$T/changed.pack" bs=1 seek=100 conv=notrunc status=none
	run "$WATCTL" --db "$DB2" event-pack import "$T/changed.pack" --key "$key" --station T2
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "$output" == *"changed or damaged"* ]]
	[ ! -e "$DB2" ]
	# the QR code's text (as a scanner types it) works as the key
	run "$WATCTL" --db "$DB2" event-pack import "$USB/event.pack" --key "WATPACK:$key" --station T2
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" --db "$DB2" settings
	echo "$output"
	[[ "$output" == *$'\nwaiver\t'"$waiver"$'\n'* ]]
	[[ "$output" == *$'\nwaiver-version\t2026-1\n'* ]]
	[[ "$output" == *$'\nfull-names\t1\n'* ]]
	[[ "$output" != *$'\ntime-zone\tAmerica/Chicago'* ]]
	"$WATCTL" --db "$DB2" walker add --name Bob >/dev/null
	c1=$(w badge-code 1 | cut -f2)
	c2=$("$WATCTL" --db "$DB2" badge-code 100001 | cut -f2)
	run "$WATCTL" --db "$DB2" scan "$c1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Recorded as entry"* ]]
	run w scan "$c2"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Recorded as entry"* ]]
	"$WATCTL" --db "$DB2" donate 100001 12 --method cash >/dev/null
	w export --out "$USB" >/dev/null
	"$WATCTL" --db "$DB2" export --out "$USB" >/dev/null
	hq_accepts "$DB"
	run "$WATCTL" merge --db "$T/hq.db" "$USB"/*-T1-1.zip.age "$USB"/*-T2-1.zip.age
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 events, 2 stations"*"total \$87.50"* ]]
}

@test "export refuses when any figure of the ledger's tables differs from its entries" {
	day "$DB" T1
	# the derived tables disagree with the entries on one figure only
	sqlite3 "$DB" "UPDATE counters SET value = value + 1 WHERE key = 'manual_laps'"
	run w export --out "$USB"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"laps entered by hand"*"in the export"*"in the ledger"* ]]
	[ -z "$(ls -A "$USB")" ]
	run w check
	[ "$status" -ne 0 ]
}

@test "a bundle of a newer format is refused in words, never guessed at" {
	day "$DB" T1
	w export --out "$USB" >/dev/null
	z=$(bundle 1)
	unpack "$z"
	sed -i 's|"wat-bundle/1"|"wat-bundle/2"|' "$T/x/manifest.json"
	(cd "$T/x" && grep -v ' SHA256SUMS$' SHA256SUMS | awk '{print $2}' | xargs sha256sum >S && mv S SHA256SUMS)
	rezip_and_sign "$z"
	run "$WATCTL" verify "$z" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"format wat-bundle/2"*"cannot read"*"update"* ]]
	run "$WATCTL" merge --db "$T/hq.db" "$z"
	[ "$status" -ne 0 ]
	[[ "$output" == *"wat-bundle/2"* ]]
}

@test "the ledger's identity is the hash of its first entry, as the bundle carries it" {
	day "$DB" T1
	run w check
	[ "$status" -eq 0 ]
	id=$(sed -n 's/^Ledger identity (the hash of its first entry): \([0-9a-f]\{64\}\)$/\1/p' <<<"$output")
	[ -n "$id" ]
	w export --out "$USB" >/dev/null
	unpack "$(bundle 1)"
	[ "$(head -1 "$T/x/ledger.jsonl" | cut -c10-73)" = "$id" ]
	# another station's ledger of the same event has another identity
	day "$T/t2.db" T2
	[ "$("$WATCTL" --db "$T/t2.db" check | tail -1)" != "Ledger identity (the hash of its first entry): $id" ]
}

@test "a bundle from before closeout.csv's reopen rows were fixed still verifies; any other change does not" {
	day "$DB" T1
	w close --cash 25 --checks 1 --check-total 40.50 --counter Ann --counter Bob >/dev/null
	w reopen --reason "a late donor" >/dev/null
	w export --out "$USB" >/dev/null
	z=$(bundle 1)
	tc=$(sed -n 's/^trusted comment: //p' "$z.minisig")
	unpack "$z"
	grep -q ',reopen,,,,,,,,,,,,,a late donor,' "$T/x/closeout.csv"
	# as software before 2026-12-02 wrote it: one empty column more
	sed -i 's/,reopen,,/,reopen,,,/' "$T/x/closeout.csv"
	(cd "$T/x" && grep -v ' SHA256SUMS$' SHA256SUMS | awk '{print $2}' | xargs sha256sum >S && mv S SHA256SUMS)
	rezip_and_sign "$z"
	rm -f "$z.minisig"
	minisign -S -s "$DB.keys/station.key" -m "$z" -t "$tc" </dev/null >/dev/null # --pubkey below
	run "$WATCTL" verify "$z" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -eq 0 ]
	# but not two more
	sed -i 's/,reopen,,/,reopen,,,/' "$T/x/closeout.csv"
	(cd "$T/x" && grep -v ' SHA256SUMS$' SHA256SUMS | awk '{print $2}' | xargs sha256sum >S && mv S SHA256SUMS)
	rezip_and_sign "$z"
	run "$WATCTL" verify "$z" --pubkey "$DB.keys/station.pub"
	[ "$status" -eq 1 ]
	[[ "$output" == *"closeout.csv does not match the ledger"* ]]
}

@test "laps.csv: each lap's flag, review and whether it counts; a bundle from before those columns still verifies" {
	day "$DB" T1
	w set holdoff 1 >/dev/null
	code=$(w badge-code 3 | cut -f2)
	w scan "$code" --lap >/dev/null # counts
	sleep 1.1
	w scan "$code" --lap >/dev/null # too soon: flagged
	a=$(w log | tail -1 | awk '{print $1}')
	sleep 1.1
	w scan "$code" --lap >/dev/null # too soon: flagged
	b=$(w log | tail -1 | awk '{print $1}')
	w lap accept "$a" >/dev/null
	ra=$(w log | tail -1 | awk '{print $1}')
	w lap reject "$b" --reason "ran across" >/dev/null
	rb=$(w log | tail -1 | awk '{print $1}')
	w lap 3 --override >/dev/null # by hand, too soon, on the coordinator's word
	w export --out "$USB" >/dev/null
	z=$(bundle 1)
	tc=$(sed -n 's/^trusted comment: //p' "$z.minisig")
	unpack "$z"
	cat "$T/x/laps.csv"
	head -1 "$T/x/laps.csv" | grep -q ',manual,operator,annulled_by,flagged,review,review_seq,override,counted'$'\r''$'
	grep -q "^$a,.*,no,[^,]*,,yes,accepted,$ra,no,yes"$'\r''$' "$T/x/laps.csv"
	grep -q "^$b,.*,no,[^,]*,,yes,rejected,$rb,no,no"$'\r''$' "$T/x/laps.csv"
	grep -q ',yes,[^,]*,,no,,,yes,yes'$'\r''$' "$T/x/laps.csv" # the override
	[ "$(grep -c ',no,,,no,yes'$'\r''$' "$T/x/laps.csv")" -eq 3 ] # laps 1 and 2, walker 3's first
	run "$WATCTL" verify "$z" --pubkey "$DB.keys/station.pub"
	[ "$status" -eq 0 ]
	# a spreadsheet sees no formula in the new columns either
	! grep -qE '(^|,)"?[=+@-]' <(cut -d, -f8- "$T/x/laps.csv")
	cp -r "$T/x" "$T/new"
	# as software before 2026-12-03 wrote it: without the last five columns
	sed -i 's/,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*\r$/\r/' "$T/x/laps.csv"
	head -1 "$T/x/laps.csv" | grep -q ',manual,operator,annulled_by'$'\r''$'
	(cd "$T/x" && grep -v ' SHA256SUMS$' SHA256SUMS | awk '{print $2}' | xargs sha256sum >S && mv S SHA256SUMS)
	rezip_and_sign "$z"
	rm -f "$z.minisig"
	minisign -S -s "$DB.keys/station.key" -m "$z" -t "$tc" </dev/null >/dev/null
	run "$WATCTL" verify "$z" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -eq 0 ]
	# a rejected lap turned into an accepted one is caught
	rm -rf "$T/x" && mv "$T/new" "$T/x"
	sed -i "s/,yes,rejected,$rb,no,no\r\$/,yes,accepted,$rb,no,yes\r/" "$T/x/laps.csv"
	grep -q ",yes,accepted,$rb,no,yes" "$T/x/laps.csv"
	(cd "$T/x" && grep -v ' SHA256SUMS$' SHA256SUMS | awk '{print $2}' | xargs sha256sum >S && mv S SHA256SUMS)
	rezip_and_sign "$z"
	rm -f "$z.minisig"
	minisign -S -s "$DB.keys/station.key" -m "$z" -t "$tc" </dev/null >/dev/null
	run "$WATCTL" verify "$z" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"laps.csv does not match the ledger"* ]]
}
