#!/usr/bin/env bats
# Upgrades: a ledger written by an earlier main (tests/fixtures/ledger, kept
# as SQL dumps with what that main reported of them) opens with today's
# code, migrates, checks, and gives the same figures, walkers and log; a
# ledger of a newer schema is refused in words, and left as it was.

setup() {
	T="$BATS_TEST_TMPDIR"
	command -v sqlite3 >/dev/null || skip "sqlite3 is not installed (APT_PKGS)"
}

@test "every fixture ledger of an earlier main opens, migrates, checks and reports the same" {
	n=0
	for sql in "$REPO"/tests/fixtures/ledger/v*.sql; do
		base=${sql%.sql}
		db="$T/$(basename "$base").db"
		sqlite3 "$db" <"$sql"
		old=$(sqlite3 "$db" 'PRAGMA user_version')
		run "$WATCTL" --db "$db" check
		echo "$output"
		[ "$status" -eq 0 ]
		[[ "$output" == *"intact"* ]]
		# migrated: a later schema than the dump's
		[ "$(sqlite3 "$db" 'PRAGMA user_version')" -gt "$old" ]
		# schema 5: peers' entries have their own tables, empty after the upgrade
		[ "$(sqlite3 "$db" 'SELECT COUNT(*) FROM peers') $(sqlite3 "$db" 'SELECT COUNT(*) FROM peer_entries')" = "0 0" ]
		"$WATCTL" --db "$db" report --json >"$T/report.json"
		python3 - "$T/report.json" "$base.report.json" <<-'PY'
			import json, sys
			now, then = (json.load(open(p)) for p in sys.argv[1:3])
			# every figure that main reported is reported the same today
			def same(a, b, path):
			    if isinstance(b, dict):
			        for k in b:
			            assert k in a, f"{path}.{k} missing today"
			            same(a[k], b[k], f"{path}.{k}")
			    elif isinstance(b, list):
			        assert len(a) == len(b), f"{path}: {len(a)} today, {len(b)} then"
			        for i, (x, y) in enumerate(zip(a, b)):
			            same(x, y, f"{path}[{i}]")
			    else:
			        assert a == b, f"{path}: {a!r} today, {b!r} then"
			same(now, then, "report")
		PY
		# the log shows local time with its offset since 2026-12-02; the
		# stored logs were printed in UTC without one
		diff <(TZ=UTC "$WATCTL" --db "$db" log |
			sed -E 's/^( *[0-9]+  [0-9-]{10} [0-9:]{8})\+0000/\1/') "$base.log"
		# and it goes on working: a lap and a donation on the migrated ledger
		"$WATCTL" --db "$db" lap 1 >/dev/null
		"$WATCTL" --db "$db" check >/dev/null
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
}

@test "a ledger of a newer schema is refused in words and left as it was" {
	sql=$(ls "$REPO"/tests/fixtures/ledger/v*.sql | head -1)
	sqlite3 "$T/new.db" <"$sql"
	sqlite3 "$T/new.db" 'PRAGMA user_version = 99'
	sum=$(sha256sum <"$T/new.db")
	run "$WATCTL" --db "$T/new.db" report
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"newer version"* ]]
	[ "$(sha256sum <"$T/new.db")" = "$sum" ]
}
