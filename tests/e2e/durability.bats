#!/usr/bin/env bats
# No acknowledged entry is ever lost: kill -9 at random instants, a full disk.

teardown() {
	if mountpoint -q "$BATS_TEST_TMPDIR/tiny" 2>/dev/null; then umount "$BATS_TEST_TMPDIR/tiny"; fi
}

setup() {
	DB="$BATS_TEST_TMPDIR/station.db"
	w() { "$WATCTL" --db "$DB" "$@"; }
	w init --pin-later --name "Walk" --city "Jackson" --date 2026-11-24 >/dev/null
	w walker add --name Maria >/dev/null
}

# Every "Recorded as entry N" printed (after COMMIT) must be in the ledger.
assert_acks_present() {
	local acks=$1 missing=0 n
	w log | awk '{print $1}' | sort -n >"$BATS_TEST_TMPDIR/present"
	while read -r n; do
		grep -qx "$n" "$BATS_TEST_TMPDIR/present" || { echo "entry $n acknowledged but missing"; missing=1; }
	done < <(sed -n 's/^Recorded as entry \([0-9]*\)\.$/\1/p' "$acks")
	[ "$missing" -eq 0 ]
}

@test "kill -9 during a tight loop of scans loses no acknowledged entry" {
	acks="$BATS_TEST_TMPDIR/acks"
	: >"$acks"
	w set min-lap 0 >/dev/null
	w set holdoff 0 >/dev/null
	code=$(w badge-code 1)
	( set +e; while :; do "$WATCTL" --db "$DB" scan "$code" --lap >>"$acks" 2>/dev/null; done ) &
	loop=$!
	# kills at random moments, until enough scans got through between them: a
	# sanitizer build under load takes longer than a kill's interval to start
	end=$((SECONDS + 120))
	round=0
	while ((SECONDS < end)); do
		round=$((round + 1))
		sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
		pkill -9 -f -- "--db $DB scan" || true
		((round >= 30)) && (($(grep -c '^Recorded as entry' "$acks") > 10)) && break
	done
	echo "kill rounds: $round"
	kill "$loop" || true
	wait "$loop" 2>/dev/null || true
	pkill -9 -f -- "--db $DB scan" || true
	sleep 0.2
	n=$(grep -c '^Recorded as entry' "$acks")
	echo "acknowledged: $n"
	[ "$n" -gt 10 ]
	[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]
	assert_acks_present "$acks"
	run w check
	[ "$status" -eq 0 ]
	# the laps counted equal the lap entries on disk
	laps=$(w report --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["laps"])')
	[ "$laps" -eq "$(w log | awk '$4 == "lap"' | wc -l)" ]
}

@test "a full disk (file size limit) gives a clear error and an intact ledger" {
	w set min-lap 0 >/dev/null # laps by hand in a row
	for i in $(seq 3); do w lap 1 >/dev/null; done
	size_kb=$(( ($(stat -c %s "$DB") + 1023) / 1024 ))
	acks="$BATS_TEST_TMPDIR/acks"
	: >"$acks"
	# a roster far larger than the room left
	python3 -c '
import sys
print("name,team,external_id")
for i in range(4000): print(f"Walker number {i} with a long name,Team {i % 40},R-{i}")' >"$BATS_TEST_TMPDIR/big.csv"
	run bash -c "ulimit -f $((size_kb + 24)); '$WATCTL' --db '$DB' roster import '$BATS_TEST_TMPDIR/big.csv'"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"NOT recorded"* ]]
	[[ "$output" == *"disk"* ]]
	# then laps until the disk is full
	run bash -c "ulimit -f $((size_kb + 24)); for i in \$(seq 400); do '$WATCTL' --db '$DB' lap 1 || exit 0; done >>'$acks'"
	run w check
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]
	assert_acks_present "$acks"
	# nothing of the roster went in
	[ "$(w log | awk '$4 == "walker"' | wc -l)" -eq 1 ]
}

@test "a tiny full file system gives a clear error and an intact ledger" {
	mnt="$BATS_TEST_TMPDIR/tiny"
	mkdir -p "$mnt"
	if ! mount -t tmpfs -o size=256k tmpfs "$mnt" 2>/dev/null; then
		skip "cannot mount a tmpfs here (needs root)"
	fi
	db="$mnt/station.db"
	"$WATCTL" --db "$db" init --pin-later --name Walk --city Jackson --date 2026-11-24 >/dev/null
	"$WATCTL" --db "$db" walker add --name Maria >/dev/null
	acks="$BATS_TEST_TMPDIR/acks"
	status_fill=0
	for i in $(seq 3000); do
		"$WATCTL" --db "$db" donate 1 "$((i % 90 + 1)).25" --method cash --donor "Donor with a rather long name number $i" >>"$acks" 2>"$BATS_TEST_TMPDIR/err" || { status_fill=1; break; }
	done
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status_fill" -eq 1 ]
	grep -q "NOT recorded" "$BATS_TEST_TMPDIR/err"
	cp "$db" "$BATS_TEST_TMPDIR/copy.db" 2>/dev/null || true
	run "$WATCTL" --db "$db" check
	echo "$output"
	[ "$status" -eq 0 ]
	n=$(grep -c "recorded as entry" "$acks")
	[ "$("$WATCTL" --db "$db" log | awk '$4 == "donation"' | wc -l)" -eq "$n" ]
}

# Power cuts, for real: a kill -9 keeps the page cache, a power cut does not.
# tests/crash/ simulates them below sqlite (a crash VFS) and below the files
# written whole (wrapped syscalls); see docs/ARCHITECTURE.md. WAT_CRASHES
# sets the number of power cuts (make bench runs 10,000).
crash_counts() {
	local line
	while IFS= read -r line; do echo "# $line" >&3; done <<<"$1"
}

@test "power cuts: 500 at random instants of walk days lose no acknowledged entry and check passes every time" {
	run "$REPO/$BUILD/tests/crash_ledger" --crashes "${WAT_CRASHES:-500}"
	echo "$output"
	crash_counts "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"lost: 0, check failed: 0, transaction cut: 0, key changed: 0, step failed: 0"* ]]
	[[ "$output" == *"-shm files: 0"* ]]
}

@test "power cuts: the crash test reports losses when the disk ignores syncs" {
	run "$REPO/$BUILD/tests/crash_ledger" --crashes 100 --lie
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" =~ lost:\ [1-9] ]]
}

@test "power cuts: the crash test reports losses when entries are acknowledged before COMMIT" {
	run "$REPO/$BUILD/tests/crash_ledger" --crashes 100 --ack-before-commit
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" =~ lost:\ [1-9] ]]
}

@test "power cuts: files written whole (keys, event packs, bundles) are the old or the new one, never a mix" {
	run "$REPO/$BUILD/tests/crash_files"
	echo "$output"
	crash_counts "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *": 0 cases failed"* ]]
	[[ "$output" == *"naive writer"*"(caught, as it must be)"* ]]
}
