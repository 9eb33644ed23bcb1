#!/usr/bin/env bats
# HQ's keys and sealed bundles: hq-init makes keys stock minisign and age use
# and never overwrites one; (more below as sealing lands).

setup() {
	T="$BATS_TEST_TMPDIR"
	ROOT="$BATS_TEST_DIRNAME/../.."
	HQ="$ROOT/assets/demo/hq"
}

@test "hq-init: keys stock minisign and age use, 0600 secrets, none overwritten" {
	run "$WATCTL" hq-init --dir "$T/hq"
	[ "$status" -eq 0 ]
	[[ "$output" == *"THE BACKUP KEY"* ]]
	[[ "$output" == *"AGE-SECRET-KEY-1"* ]]
	for f in hq.key hq-seal.key hq-backup.key; do
		[ "$(stat -c %a "$T/hq/$f")" = 600 ]
	done
	[ "$(stat -c %a "$T/hq")" = 700 ]
	echo "a charter" >"$T/c"
	minisign -Sm "$T/c" -s "$T/hq/hq.key" >/dev/null
	minisign -Vm "$T/c" -p "$T/hq/hq.pub" >/dev/null
	[ "$(age-keygen -y "$T/hq/hq-seal.key")" = "$(cat "$T/hq/hq-seal.pub")" ]
	[ "$(age-keygen -y "$T/hq/hq-backup.key")" = "$(cat "$T/hq/hq-backup.pub")" ]
	age -r "$(cat "$T/hq/hq-backup.pub")" -o "$T/c.age" "$T/c"
	age -d -i "$T/hq/hq-backup.key" "$T/c.age" | cmp - "$T/c"

	# Again: everything kept, byte for byte.
	sums=$(cd "$T/hq" && sha256sum *)
	run "$WATCTL" hq-init --dir "$T/hq"
	[ "$status" -eq 0 ]
	[[ "$output" == *"existing keys were kept"* ]]
	[[ "$output" != *"AGE-SECRET-KEY-1"* ]]
	[ "$(cd "$T/hq" && sha256sum *)" = "$sums" ]

	# The backup's secret taken offline: its .pub stays, no new backup.
	rm "$T/hq/hq-backup.key"
	run "$WATCTL" hq-init --dir "$T/hq"
	[ "$status" -eq 0 ]
	[ ! -e "$T/hq/hq-backup.key" ]
	[[ "$output" == *"$(cat "$T/hq/hq-backup.pub")"* ]]
}

@test "the demo HQ's published keys are the demo secrets' halves" {
	[ "$(age-keygen -y "$HQ/hq-seal.key")" = "$(cat "$ROOT/assets/hq/hq-seal.pub")" ]
	[ "$(age-keygen -y "$HQ/hq-backup.key")" = "$(cat "$ROOT/assets/hq/hq-backup.pub")" ]
	cmp "$HQ/hq.pub" "$ROOT/assets/hq/hq.pub"
	echo x >"$T/x"
	minisign -Sm "$T/x" -s "$HQ/hq.key" >/dev/null
	minisign -Vm "$T/x" -p "$ROOT/assets/hq/hq.pub" >/dev/null
}

# A station's short day, exported sealed to the demo HQ (assets/hq/).
export_one() {
	DB="$T/t1.db"
	w() { "$WATCTL" --db "$DB" "$@"; }
	w init --pin-later --name "Walk Against Traffick" --city "Jackson, MS" --date 2026-05-02 \
		--station T1 >/dev/null
	w walker add --name "Zoë Ångström" >/dev/null
	w donate 1 25 --method cash >/dev/null
	mkdir -p "$T/usb"
	w export --out "$T/usb" >/dev/null
	Z=$(ls "$T"/usb/wat-*-T1-1.zip.age)
}

@test "sealed bundle: stock minisign, age with HQ's key and with the backup, then sha256sum -c inside" {
	export_one
	[ -f "$Z.minisig" ]
	[ -z "$(ls "$T"/usb/*.zip "$DB.exports"/*.zip 2>/dev/null)" ]
	# no name in clear on the stick
	! grep -q "Ångström" "$Z"
	run minisign -Vm "$Z" -p "$DB.keys/station.pub"
	[ "$status" -eq 0 ]
	[[ "$output" == *"file:$(basename "$Z")"* ]]
	for key in hq-seal.key hq-backup.key; do
		rm -rf "$T/x" && mkdir "$T/x"
		age -d -i "$HQ/$key" -o "$T/x/b.zip" "$Z"
		(cd "$T/x" && unzip -q b.zip && rm b.zip && sha256sum -c SHA256SUMS >/dev/null)
		grep -q "Ångström" "$T/x/walkers.csv"
	done
	# another key does not open it, in words
	age-keygen -o "$T/other.key" 2>/dev/null
	run age -d -i "$T/other.key" "$Z"
	[ "$status" -ne 0 ]
	# watctl: with HQ's folder given, by --hq or WAT_HQ_DIR; the backup alone is enough
	run "$WATCTL" verify "$Z" --hq "$HQ"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sealed to HQ, signature checked before it was opened"* ]]
	WAT_HQ_DIR="$HQ" run "$WATCTL" verify "$Z" --pubkey "$DB.keys/station.pub"
	[ "$status" -eq 0 ]
	mkdir "$T/backup-only" && cp "$HQ/hq-backup.key" "$T/backup-only/"
	run "$WATCTL" verify "$Z" --hq "$T/backup-only"
	[ "$status" -eq 0 ]
	# an event without a charter: HQ accepts it by the key id on its sheet
	k=$(sed -n 's/.*"event_key":"\([0-9A-F]*\)".*/\1/p' "$DB.keys/station.cert")
	"$WATCTL" hq-accept --db "$T/hq.db" --event-key "$k" --reason "the key id on the sheet" \
		--hq "$HQ" >/dev/null
	run "$WATCTL" merge --db "$T/hq.db" "$Z" --hq "$HQ"
	[ "$status" -eq 0 ]
	[[ "$output" == *"total \$25.00"* ]]
	# without HQ's key: the signature is checked, then it asks for the key
	run "$WATCTL" verify "$Z"
	[ "$status" -eq 1 ]
	[[ "$output" == *"signature is good"*"--hq DIR"* ]]
	# with a folder whose keys are not HQ's: not sealed to this key
	mkdir "$T/wrong" && cp "$T/other.key" "$T/wrong/hq-seal.key"
	run "$WATCTL" verify "$Z" --hq "$T/wrong"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not sealed to this key"* ]]
}

@test "sealed bundle: one byte changed is refused by the signature before anything is opened, naming the file" {
	export_one
	mkdir "$T/wrong" && age-keygen -o "$T/wrong/hq-seal.key" 2>/dev/null
	for at in 30 200 $(($(stat -c %s "$Z") - 3)); do
		cp "$Z" "$T/bad.zip.age"
		cp "$Z.minisig" "$T/bad.zip.age.minisig"
		printf '\x01' | dd of="$T/bad.zip.age" bs=1 seek="$at" conv=notrunc status=none
		cmp -s "$Z" "$T/bad.zip.age" && false
		run "$WATCTL" verify "$T/bad.zip.age" --hq "$HQ"
		echo "$output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"bad.zip.age: Signature:"*"changed after it was signed"*"Nothing in it was opened"* ]]
		# (a wrong HQ key would have said "not sealed to this key" had it been opened)
		run "$WATCTL" verify "$T/bad.zip.age" --hq "$T/wrong"
		[ "$status" -eq 1 ]
		[[ "$output" == *"Signature:"* && "$output" != *"not sealed"* ]]
		run minisign -Vm "$T/bad.zip.age" -p "$DB.keys/station.pub"
		[ "$status" -ne 0 ]
	done
	# a legacy clear bundle (before sealing) still verifies
	age -d -i "$HQ/hq-seal.key" -o "$T/old.zip" "$Z"
	tc=$(sed -n 's/^trusted comment: //p' "$Z.minisig" | sed 's/\.zip\.age$/.zip/')
	minisign -S -s "$DB.keys/station.key" -m "$T/old.zip" -t "$tc" </dev/null >/dev/null
	mv "$T/old.zip" "$T/$(basename "$Z" .age)"
	mv "$T/old.zip.minisig" "$T/$(basename "$Z" .age).minisig"
	run "$WATCTL" verify "$T/$(basename "$Z" .age)" --pubkey "$DB.keys/station.pub"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"sealed to HQ"* ]]
}
