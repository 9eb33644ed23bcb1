#!/usr/bin/env bats
# The chain of trust (docs/TRUST.md): HQ charters an event, the first station
# starts from the charter and certifies itself and the stations that join; a
# leaked charter without its event key mints nothing; a lost pack certifies
# one station; HQ's key rotates and the lost-key procedure (HQ-GUIDE.md).
# Stock minisign, age-keygen and sha256sum check what we write.

# An HQ key folder (watctl hq-init: sign.c's signing key, age sealing keys).
make_hq() {
	"$WATCTL" hq-init --dir "$1" >/dev/null
}

# What a station image carries: the public half of an HQ folder.
publish() {
	local from=$1 to=$2
	rm -rf "$to" && mkdir -p "$to"
	for f in hq.pub hq-root.pub hq-rotations hq-seal.pub hq-backup.pub; do
		[ -f "$from/$f" ] && cp "$from/$f" "$to/"
	done
	return 0
}

# event-pack export DB FILE [ARGS]: the pack is sealed (T-age); its key is
# printed once, kept in $FILE.k for the import below.
pack_out() {
	local db=$1 file=$2
	shift 2
	"$WATCTL" --db "$db" event-pack export "$file" "$@" >"$file.out" || return
	grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' "$file.out" | head -1 >"$file.k"
	cat "$file.out"
}
pack_in() {
	local db=$1 file=$2
	shift 2
	"$WATCTL" --db "$db" event-pack import "$file" --key "$(cat "$file.k")" "$@"
}

charter() {
	"$WATCTL" hq-charter --hq "$HQ" --event "$1" --name "Walk Against Traffick" \
		--city "Jackson, MS" --date 2026-05-02 --org "International Outreach Ministries" \
		--ein 64-0123456 --inbox https://hq.example.org/inbox --upload-code K7Q-22XM \
		--out "${2:-$STICK}"
}

setup() {
	command -v age-keygen >/dev/null || skip "age-keygen is not installed"
	T=$BATS_TEST_TMPDIR
	HQ=$T/hq STICK=$T/stick
	make_hq "$HQ"
	export WAT_HQ_KEYS=$T/assets-hq
	publish "$HQ" "$WAT_HQ_KEYS"
	echo 135790 >"$T/pin"
}

@test "trust: hq-charter writes the charter and a 0600 event key; HQ keeps only the charter" {
	run charter 2026-jackson-ms
	[ "$status" -eq 0 ]
	[[ "$output" == *"Event key id: "* ]]
	[ "$(stat -c %a "$STICK/2026-jackson-ms.event.key")" = 600 ]
	[ -f "$HQ/charters/2026-jackson-ms.charter" ]
	! ls "$HQ/charters" | grep -q key
	cmp "$STICK/2026-jackson-ms.charter" "$HQ/charters/2026-jackson-ms.charter"
	# stock minisign checks the body with HQ's public key
	head -n 1 "$STICK/2026-jackson-ms.charter" >"$T/body"
	tail -n +2 "$STICK/2026-jackson-ms.charter" >"$T/body.minisig"
	run minisign -Vm "$T/body" -p "$HQ/hq.pub"
	[ "$status" -eq 0 ]
	[[ "$output" == *"event:2026-jackson-ms"* ]]
	# once per event id, nothing overwritten
	run charter 2026-jackson-ms "$T/other"
	[ "$status" -eq 1 ]
	[[ "$output" == *"chartered event 2026-jackson-ms before"* ]]
	run charter "bad id"
	[ "$status" -eq 2 ]
	[[ "$output" == *"event id"* ]]
	run "$WATCTL" hq-charter --hq "$HQ" --event 2026-x --name W --city C --date 2026-05-02 \
		--org O --ein 1 --inbox https://x.org --upload-code C --out "$T/x"
	[ "$status" -eq 2 ]
	[[ "$output" == *"EIN"* ]]
	[ ! -e "$HQ/charters/2026-x.charter" ]
}

@test "trust: init --charter takes the event from it and certifies the station (serial 1)" {
	charter 2026-jackson-ms >/dev/null
	DB=$T/t1.db
	run "$WATCTL" --db "$DB" init --charter "$STICK/2026-jackson-ms.charter" \
		--event-key "$STICK/2026-jackson-ms.event.key" --pin-file "$T/pin"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"Walk Against Traffick" in Jackson, MS on 2026-05-02'* ]]
	evid=$(sed -n 's/.*Event key id: \([0-9A-F]*\)\..*/\1/p' <<<"$(charter 2026-other "$T/o")")
	[[ "$output" == *"Event key id: "* ]]
	run "$WATCTL" --db "$DB" settings
	[[ "$output" == *"International Outreach Ministries"* ]]
	[[ "$output" == *"64-0123456"* ]]
	[ "$(stat -c %a "$DB.keys/event.key")" = 600 ]
	grep -q '"serial":1' "$DB.keys/station.cert"
	grep -q '"station":"T1"' "$DB.keys/station.cert"
	# the certificate's ledger is the ledger's identity: the hash of entry 1
	first=$("$WATCTL" --db "$DB" log | head -1)
	[ -n "$first" ]
	! grep -q '"ledger":"0000000000000000' "$DB.keys/station.cert"
	# checked by stock minisign with the event's public key
	head -n 1 "$DB.keys/station.cert" >"$T/cert"
	tail -n +2 "$DB.keys/station.cert" >"$T/cert.minisig"
	run minisign -Vm "$T/cert" -p "$DB.keys/event.pub"
	[ "$status" -eq 0 ]
	# name, city or date beside a charter: refused (they come from it)
	run "$WATCTL" --db "$T/x.db" init --charter "$STICK/2026-jackson-ms.charter" \
		--event-key "$STICK/2026-jackson-ms.event.key" --name X --pin-later
	[ "$status" -eq 2 ]
}

@test "trust: a leaked charter without its event key cannot set up (mint) a station" {
	charter 2026-jackson-ms >/dev/null
	# the outsider's own key, made with stock minisign-compatible tools
	"$WATCTL" pubkey --keys "$T/outsider" >/dev/null
	run "$WATCTL" --db "$T/o.db" init --charter "$STICK/2026-jackson-ms.charter" \
		--event-key "$T/outsider/station.key" --pin-later
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not this charter's event key"* ]]
	[ ! -e "$T/o.db" ]
	# the charter edited to name the outsider's key: HQ's signature fails
	pub=$(tail -1 "$T/outsider/station.pub")
	sed -E "s#\"event_pub\":\"[^\"]*\"#\"event_pub\":\"$pub\"#" "$STICK/2026-jackson-ms.charter" >"$T/forged.charter"
	run "$WATCTL" --db "$T/o.db" init --charter "$T/forged.charter" \
		--event-key "$T/outsider/station.key" --pin-later
	[ "$status" -eq 1 ]
	[[ "$output" == *"signature does not verify"* ]]
	# a charter from another HQ (the outsider's own)
	make_hq "$T/fakehq"
	HQ=$T/fakehq charter 2026-fake "$T/fake" >/dev/null
	run "$WATCTL" --db "$T/o.db" init --charter "$T/fake/2026-fake.charter" \
		--event-key "$T/fake/2026-fake.event.key" --pin-later
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not trust"* ]]
	[ ! -e "$T/o.db" ]
}

@test "trust: the pack carries a key + certificate for one station, never the event secret" {
	charter 2026-jackson-ms >/dev/null
	"$WATCTL" --db "$T/t1.db" init --charter "$STICK/2026-jackson-ms.charter" \
		--event-key "$STICK/2026-jackson-ms.event.key" --pin-later >/dev/null
	run pack_out "$T/t1.db" "$STICK/ev.pack"
	[ "$status" -eq 0 ]
	[[ "$output" == *"for station T2"* ]]
	# no event secret in the pack: its secret key is another key's
	evkey=$(tail -1 "$STICK/2026-jackson-ms.event.key")
	! grep -qF "${evkey:0:60}" "$STICK/ev.pack"
	run pack_in "$T/t2.db" "$STICK/ev.pack"
	[ "$status" -eq 0 ]
	grep -q '"station":"T2"' "$T/t2.db.keys/station.cert"
	grep -q '"serial":2' "$T/t2.db.keys/station.cert"
	[ ! -e "$T/t2.db.keys/event.key" ]
	# the joining station cannot certify another
	run pack_out "$T/t2.db" "$T/ev3.pack" --station T3
	[ "$status" -eq 1 ]
	[[ "$output" == *"Only the event's first station"* ]]
	# a lost pack certifies only its one station
	run pack_in "$T/t3.db" "$STICK/ev.pack" --station T3
	[ "$status" -eq 1 ]
	[[ "$output" == *"made for station T2"* ]]
	[ ! -e "$T/t3.db" ]
	# a pack changed after sealing (one byte): refused, nothing joined
	cp "$STICK/ev.pack" "$T/alt.pack" && cp "$STICK/ev.pack.k" "$T/alt.pack.k"
	printf '\x01' | dd of="$T/alt.pack" bs=1 seek=200 conv=notrunc 2>/dev/null
	! cmp -s "$STICK/ev.pack" "$T/alt.pack"
	run pack_in "$T/t4.db" "$T/alt.pack"
	[ "$status" -ne 0 ]
	[ ! -e "$T/t4.db.keys/station.cert" ]
	# the next pack gets the next serial
	pack_out "$T/t1.db" "$T/ev3.pack" --station T3 >/dev/null
	pack_in "$T/t3.db" "$T/ev3.pack" >/dev/null
	grep -q '"serial":3' "$T/t3.db.keys/station.cert"
	[ "$(wc -l <"$T/t1.db.keys/certs-issued")" -eq 3 ]
}

@test "trust: each bundle carries station.cert and the charter, bound in the manifest" {
	charter 2026-jackson-ms >/dev/null
	"$WATCTL" --db "$T/t1.db" init --charter "$STICK/2026-jackson-ms.charter" \
		--event-key "$STICK/2026-jackson-ms.event.key" --pin-later >/dev/null
	pack_out "$T/t1.db" "$STICK/ev.pack" >/dev/null
	pack_in "$T/t2.db" "$STICK/ev.pack" >/dev/null
	for s in t1 t2; do
		"$WATCTL" --db "$T/$s.db" walker add --name "Ann $s" >/dev/null
		mkdir "$T/out-$s"
		run "$WATCTL" --db "$T/$s.db" export --out "$T/out-$s" --no-copy
		[ "$status" -eq 0 ]
		# sealed to the charter's HQ keys (this HQ's, not the demo's), then signed
		sealed=$(ls "$T"/out-$s/*.zip.age)
		run minisign -Vm "$sealed" -p "$T/$s.db.keys/station.pub"
		[ "$status" -eq 0 ]
		zip="$T/$s.zip"
		age -d -i "$HQ/hq-backup.key" -o "$zip" "$sealed"
		mkdir "$T/x-$s" && (cd "$T/x-$s" && unzip -q "$zip" && sha256sum -c --quiet SHA256SUMS)
		cmp "$T/x-$s/station.cert" "$T/$s.db.keys/station.cert"
		cmp "$T/x-$s/charter" "$STICK/2026-jackson-ms.charter"
		grep -q '"cert_sha256": "'"$(sha256sum <"$T/x-$s/station.cert" | cut -c1-64)"'"' "$T/x-$s/manifest.json"
		[ ! -e "$T/x-$s/event.pub" ] # the charter names the event key
		run "$WATCTL" verify "$sealed" --hq "$HQ" --pubkey "$T/$s.db.keys/station.pub"
		echo "$output"
		[ "$status" -eq 0 ]
		# the summary names the certificate and the HQ key of the charter
		serial=1 && [ "$s" = t2 ] && serial=2
		ek=$(sed -n 's/.*"event_key":"\([0-9A-F]*\)".*/\1/p' "$T/$s.db.keys/station.cert")
		hk=$(sed -n 's/^untrusted comment: minisign public key //p' "$HQ/hq.pub")
		[[ "$output" == *"Cert:     station ${s^^}, serial $serial, event 2026-jackson-ms, event key $ek"* ]]
		[[ "$output" == *"Charter:  event 2026-jackson-ms, signed by HQ key $hk; the certificate is made by its event key"* ]]
	done
	# T2's bundle with T1's certificate in it (zip rebuilt, re-signed with T2's
	# key): refused by the manifest's binding
	cd "$T/x-t2"
	cp "$T/t1.db.keys/station.cert" station.cert
	rm -f "$T/re.zip"
	zip -q -X "$T/re.zip" manifest.json walkers.csv checkins.csv laps.csv donations.csv \
		annulments.csv closeout.csv ledger.jsonl station.cert charter SHA256SUMS
	age -r "$(cat "$HQ/hq-seal.pub")" -r "$(cat "$HQ/hq-backup.pub")" -o "$T/re.zip.age" "$T/re.zip"
	minisign -S -s "$T/t2.db.keys/station.key" -m "$T/re.zip.age" -t x </dev/null >/dev/null
	run "$WATCTL" verify "$T/re.zip.age" --hq "$HQ" --pubkey "$T/t2.db.keys/station.pub"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"station.cert"* ]]
}

@test "trust: an event without a charter makes its own event key; its id is printed" {
	run "$WATCTL" --db "$T/u.db" init --name Walk --city Oxford --date 2026-05-02 --pin-later
	[ "$status" -eq 0 ]
	[[ "$output" =~ Event\ key\ id:\ ([0-9A-F]{16}) ]]
	id=${BASH_REMATCH[1]}
	grep -q "\"event_key\":\"$id\"" "$T/u.db.keys/station.cert"
	tag=$("$WATCTL" --db "$T/u.db" log | head -1 | grep -o '"tag":"[^"]*"' | head -1 | cut -d'"' -f4 || true)
	grep -q '"serial":1' "$T/u.db.keys/station.cert"
	[ "$(stat -c %a "$T/u.db.keys/event.key")" = 600 ]
	# the close-out sheet shows it (HQ compares it with the bundle's certificate)
	if command -v pdftotext >/dev/null; then
		"$WATCTL" --db "$T/u.db" close --cash 0 --checks 0 --counter Ann --counter Bob \
			--sheet "$T/sheet.pdf" >/dev/null
		pdftotext "$T/sheet.pdf" - | tr -s ' \n' ' ' | grep -q "Event key id: $id"
	fi
	# its packs certify the joining station with that key
	pack_out "$T/u.db" "$T/u.pack" >/dev/null
	run pack_in "$T/u2.db" "$T/u.pack"
	[ "$status" -eq 0 ]
	grep -q "\"event_key\":\"$id\"" "$T/u2.db.keys/station.cert"
	# its bundles carry event.pub (bound in the manifest), which made the
	# certificate; verify's summary says so.  No charter: sealed to the
	# published keys (assets/hq, the demo HQ's)
	HQ=$REPO/assets/demo/hq
	mkdir "$T/out-u2"
	"$WATCTL" --db "$T/u2.db" export --out "$T/out-u2" --no-copy >/dev/null
	sealed=$(ls "$T"/out-u2/*.zip.age)
	if command -v age >/dev/null && command -v unzip >/dev/null; then
		age -d -i "$HQ/hq-seal.key" -o "$T/u2.zip" "$sealed"
		mkdir "$T/x-u2" && (cd "$T/x-u2" && unzip -q "$T/u2.zip" && sha256sum -c --quiet SHA256SUMS)
		cmp "$T/x-u2/event.pub" "$T/u.db.keys/event.pub"
		[ ! -e "$T/x-u2/charter" ]
		grep -q '"event_pub_sha256": "'"$(sha256sum <"$T/x-u2/event.pub" | cut -c1-64)"'"' "$T/x-u2/manifest.json"
	fi
	run "$WATCTL" verify "$sealed" --hq "$HQ"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Cert:     station T2, serial 2, event "*", event key $id"* ]]
	[[ "$output" == *"Charter:  none"*"event.pub made the certificate"*"$id"* ]]
}

@test "trust: hq-rotate announces a new key; charters chain to the published key" {
	charter 2026-before >/dev/null
	run "$WATCTL" hq-rotate --hq "$HQ" --date 2026-06-01
	[ "$status" -eq 0 ]
	[ -f "$HQ/hq-root.pub" ] && [ -f "$HQ/hq-rotations" ]
	! cmp -s "$HQ/hq.pub" "$HQ/hq-root.pub"
	# stock minisign: the announcement is signed by the old key
	head -n 1 "$HQ/hq-rotations" >"$T/ann"
	sed -n 2,5p "$HQ/hq-rotations" >"$T/ann.minisig"
	run minisign -Vm "$T/ann" -p "$HQ/hq-root.pub"
	[ "$status" -eq 0 ]
	charter 2026-after >/dev/null
	[ -f "$STICK/hq-rotations" ]
	# an image with only the old key follows the announcement beside the charter
	run "$WATCTL" --db "$T/a.db" init --charter "$STICK/2026-after.charter" \
		--event-key "$STICK/2026-after.event.key" --pin-later
	[ "$status" -eq 0 ]
	# ... and refuses the charter without it
	mkdir "$T/bare" && cp "$STICK/2026-after.charter" "$STICK/2026-after.event.key" "$T/bare/"
	run "$WATCTL" --db "$T/b.db" init --charter "$T/bare/2026-after.charter" \
		--event-key "$T/bare/2026-after.event.key" --pin-later
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not trust"* ]]
	# the next image carries the chain: old and new charters are both accepted
	publish "$HQ" "$WAT_HQ_KEYS"
	run "$WATCTL" --db "$T/b.db" init --charter "$T/bare/2026-after.charter" \
		--event-key "$T/bare/2026-after.event.key" --pin-later
	[ "$status" -eq 0 ]
	run "$WATCTL" --db "$T/c.db" init --charter "$STICK/2026-before.charter" \
		--event-key "$STICK/2026-before.event.key" --pin-later
	[ "$status" -eq 0 ]
	# a forged announcement (signed by a key outside the chain) breaks nothing
	make_hq "$T/evil"
	HQ=$T/evil "$WATCTL" hq-rotate --hq "$T/evil" >/dev/null
	cat "$T/evil/hq-rotations" >>"$WAT_HQ_KEYS/hq-rotations"
	run "$WATCTL" --db "$T/d.db" init --charter "$STICK/2026-before.charter" \
		--event-key "$STICK/2026-before.event.key" --pin-later
	[ "$status" -eq 1 ]
	[[ "$output" == *"chain is broken"* ]]
}

@test "trust: the lost-HQ-key procedure: new keys in a software update, old charters refused" {
	charter 2026-before >/dev/null
	# HQ's key is lost (or stolen): no announcement can be signed.  HQ makes
	# new keys; the update ships only the new hq.pub (docs/HQ-GUIDE.md).
	mv "$HQ" "$T/lost-hq"
	make_hq "$HQ"
	publish "$HQ" "$WAT_HQ_KEYS"
	run "$WATCTL" --db "$T/a.db" init --charter "$STICK/2026-before.charter" \
		--event-key "$STICK/2026-before.event.key" --pin-later
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not trust"* ]]
	# HQ reissues the charter for the event with the new key
	charter 2026-before "$T/reissued" >/dev/null
	run "$WATCTL" --db "$T/a.db" init --charter "$T/reissued/2026-before.charter" \
		--event-key "$T/reissued/2026-before.event.key" --pin-later
	[ "$status" -eq 0 ]
}
