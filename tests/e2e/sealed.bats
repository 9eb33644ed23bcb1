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
