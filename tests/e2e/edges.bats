#!/usr/bin/env bats
# The edges of a red-team pass (issue 12, "Edges"): one test per item, each
# named after it, each seen failing before its fix.  watctl on real files.

setup() {
	T="$BATS_TEST_TMPDIR"
	DB="$T/station.db"
	USB="$T/usb"
	mkdir -p "$USB"
	w() { "$WATCTL" --db "$DB" "$@"; }
	export WAT_HQ_DIR="$BATS_TEST_DIRNAME/../../assets/demo/hq" # opens sealed bundles
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

teardown() {
	if mountpoint -q "$T/ro" 2>/dev/null; then umount "$T/ro"; fi
}

event() {
	w init --pin-later --name "Walk Against Traffick" --city Jackson --date 2026-11-24 "$@" >/dev/null
}

# Runs a watctl command whose stdout is a full pipe: it commits, blocks on its
# first line of output and is killed there, so what it recorded is only in
# the ledger's WAL (as when a card is remounted read-only under the kiosk).
wal_only() {
	python3 - "$@" <<'EOF'
import os, subprocess, sys, time
r, w = os.pipe()
os.set_blocking(w, False)
try:
    while True:
        os.write(w, b"x" * 4096)
except BlockingIOError:
    pass
os.set_blocking(w, True)
p = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
for _ in range(1000):
    try:
        wchan = open(f"/proc/{p.pid}/wchan").read()
    except OSError:
        wchan = ""
    if "pipe_write" in wchan or p.poll() is not None:
        break
    time.sleep(0.01)
blocked = p.poll() is None
p.kill()
p.wait()
sys.exit(0 if blocked else 1)
EOF
}

# 0 when stdin holds a raw control character (other than LF and TAB), a C1
# control or a bidi override/isolate: what must never reach a terminal.
raw_controls() {
	python3 -c '
import sys
t = sys.stdin.buffer.read().decode("utf-8", "replace")
bad = [hex(ord(c)) for c in t if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f
       or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]
print("raw:", bad[:8])
sys.exit(0 if bad else 1)'
}

@test "edges: event-pack import refuses --walker-base -1, abc, 999999 (and 0) and changes nothing" {
	event
	w walker add --name "María López" >/dev/null
	key=$(w event-pack export "$T/walk.pack" | grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' | head -1)
	for base in -1 abc 999999 0 1e5 ""; do
		run "$WATCTL" --db "$T/t2.db" event-pack import "$T/walk.pack" --key "$key" --station T2 --walker-base "$base"
		echo "[$base] $output"
		[ "$status" -eq 2 ]
		[[ "$output" == *"walker"*"number"* ]]
		[[ "$output" != *"joined"* ]]
		[ ! -e "$T/t2.db" ] && [ ! -e "$T/t2.db-wal" ]
	done
	# the same station joined properly: its walker 1 is not station 1's
	run "$WATCTL" --db "$T/t2.db" event-pack import "$T/walk.pack" --key "$key" --station T2 --walker-base 100000
	[ "$status" -eq 0 ]
	read -r id code < <("$WATCTL" --db "$T/t2.db" walker add --name Other)
	[ "$id" = 100001 ]
	[ "$code" != "$(w badge-code 1)" ]
}

# The reads that must work on a read-only ledger, and the writes that must
# say so; db holds walker 1 with $10 + $25 cash, the $25 only in the WAL.
read_only_checks() {
	local db=$1 before after cmd
	before=$(cat "$db" "$db-wal" | sha256sum)
	mkdir -p "$T/tmp"
	export TMPDIR="$T/tmp"
	run "$WATCTL" --db "$db" report --json
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["cash_cents"])')" = 3500 ]
	run "$WATCTL" --db "$db" log
	[ "$status" -eq 0 ]
	[[ "$output" == *'"cents":2500'* ]]
	run "$WATCTL" --db "$db" check
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"intact"* ]]
	run "$WATCTL" --db "$db" walker show 1
	[ "$status" -eq 0 ]
	[[ "$output" == *'$35.00'* ]]
	run "$WATCTL" --db "$db" settings
	[ "$status" -eq 0 ]
	for cmd in "donate 1 5 --method cash" "set goal 100" "walker add --name Late" "annul 3 --reason typo" \
		"lap 1" "rebuild" "close --cash 35 --checks 0 --counter A --counter B"; do
		run "$WATCTL" --db "$db" $cmd
		echo "[$cmd] $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"The card is read-only"* ]]
	done
	unset TMPDIR
	after=$(cat "$db" "$db-wal" | sha256sum)
	[ "$before" = "$after" ]
	# the private copy of the ledger was removed
	[ -z "$(ls -A "$T/tmp")" ]
}

@test "edges: a read-only ledger (0444 file, read-only mount) gives report, log and check with its WAL; writing says the card is read-only" {
	event
	w walker add --name "María López" >/dev/null
	w donate 1 10 --method cash >/dev/null
	wal_only "$WATCTL" --db "$DB" donate 1 25 --method cash
	[ -s "$DB-wal" ]
	mkdir -p "$T/card"
	cp "$DB" "$DB-wal" "$T/card/"
	chmod 0444 "$DB" "$DB-wal"
	read_only_checks "$DB"
	if [ "$(id -u)" != 0 ]; then
		skip "a read-only mount needs root (the 0444 file passed)"
	fi
	mkdir -p "$T/ro"
	if ! mount --bind "$T/card" "$T/ro" 2>/dev/null; then
		skip "cannot bind-mount here (the 0444 file passed)"
	fi
	mount -o remount,bind,ro "$T/ro"
	! touch "$T/ro/x" 2>/dev/null
	read_only_checks "$T/ro/station.db"
}

@test "edges: control characters and bidi overrides are refused in every free-text field and escaped on the terminal" {
	local esc=$'\e[31m' c1=$'\xc2\x9b2J' rlo=$'\xe2\x80\xae' lri=$'\xe2\x81\xa6' bad
	for bad in "$esc" "$c1" "$rlo" "$lri" $'\a'; do
		run "$WATCTL" --db "$T/n.db" init --pin-later --name "Walk${bad}X" --city Jackson --date 2026-11-24
		[ "$status" -eq 2 ]
		[[ "$output" == *"event name"* ]]
		run "$WATCTL" --db "$T/n.db" init --pin-later --name Walk --city "Jack${bad}son" --date 2026-11-24
		[ "$status" -eq 2 ]
		[[ "$output" == *"city"* ]]
	done
	event
	w walker add --name "María López" >/dev/null
	for bad in "$esc" "$c1" "$rlo" "$lri"; do
		for kv in name city org-name premium-desc printer; do
			run w set "$kv" "A${bad}B"
			echo "[$kv] $output"
			[ "$status" -eq 2 ]
		done
		run w walker add --name "Dana${bad}"
		[ "$status" -eq 2 ]
		[[ "$output" == *"name"* ]]
		for f in team email phone id; do
			run w walker add --name Dana --"$f" "x@y${bad}"
			echo "[$f] $output"
			[ "$status" -eq 2 ]
		done
		run w donate 1 5 --method cash --donor "Ann${bad}"
		[ "$status" -ne 0 ]
		[[ "$output" == *"donor"* ]]
		run w donate 1 5 --method check --check-no "10${bad}"
		[ "$status" -ne 0 ]
		run w annul 2 --reason "oops${bad}"
		[ "$status" -ne 0 ]
		[[ "$output" == *"reason"* ]]
		run w close --cash 0 --checks 0 --counter "A${bad}" --counter B
		[ "$status" -ne 0 ]
		run w close --cash 0 --checks 0 --counter A --counter B --note "n${bad}"
		[ "$status" -ne 0 ]
		run "$WATCTL" --db "$DB" --op "op${bad}" lap 1
		[ "$status" -ne 0 ]
	done
	# a roster from the registration site with a bidi override: refused by line
	printf 'name,team\nGood Name,A\nEvil %s Name,B\n' "$rlo" >"$T/roster.csv"
	run w roster import "$T/roster.csv"
	[ "$status" -eq 2 ]
	[[ "$output" == *"Line 3"* ]]
	# nothing of all that was recorded
	[ "$(w log | wc -l)" -eq 2 ]

	# A station of an older (or hostile) version wrote them anyway: every
	# terminal output shows them escaped, never raw.
	w donate 1 25 --method cash >/dev/null
	python3 - "$DB" <<'EOF'
import hashlib, sqlite3, sys
subs = [('"name":"Walk Against Traffick"', r'"name":"Walk \u001b[2J\u001b]0;owned\u0007 \u009b31m \u202eAgainst"'),
        ('"city":"Jackson"', r'"city":"Jack\u001b[31mson \u2066x"'),
        ('"name":"María López"', r'"name":"Mar\u001b[5mía \u202eLópez"')]
c = sqlite3.connect(sys.argv[1], isolation_level=None)
rows = c.execute("SELECT seq, line FROM entries ORDER BY seq").fetchall()
trig = c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'entries'").fetchall()
c.execute("BEGIN")
for name, _ in trig:
    c.execute(f"DROP TRIGGER {name}")
prev = bytes(32)
for seq, line in rows:
    for a, b in subs:
        line = line.replace(a, b)
    h = hashlib.blake2b(prev + line.encode(), digest_size=32).digest()
    c.execute("UPDATE entries SET line = ?, hash = ? WHERE seq = ?", (line, h, seq))
    prev = h
for _, sql in trig:
    c.execute(sql)
c.execute("COMMIT")
EOF
	w rebuild >/dev/null
	for cmd in report "report --json" log settings "walker list" "walker show 1" "walker find mar" check; do
		run w $cmd
		echo "[$cmd] $output"
		[ "$status" -eq 0 ]
		! raw_controls <<<"$output"
	done
	run w report
	[[ "$output" == *'\x1b[2J'* ]]
	[[ "$output" == *'\u202e'* ]]
	run w export --out "$USB"
	[ "$status" -eq 0 ]
	! raw_controls <<<"$output"
	zip=$(ls "$USB"/wat-*.zip.age)
	run "$WATCTL" verify "$zip"
	echo "$output"
	[ "$status" -eq 0 ]
	! raw_controls <<<"$output"
	[[ "$output" == *'\x1b'* ]]
	# rewritten from entry 1, the ledger is not the one its certificate
	# names: HQ holds it, and says so escaped; a person accepts it
	hq_accepts "$DB"
	run "$WATCTL" merge --db "$T/hq.db" "$zip"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"held"* ]]
	! raw_controls <<<"$output"
	run "$WATCTL" hq-pending --db "$T/hq.db"
	echo "$output"
	[ "$status" -eq 0 ]
	! raw_controls <<<"$output"
	[[ "$output" == *'\x1b'* ]]
	run "$WATCTL" hq-accept --db "$T/hq.db" 1 --reason "checked on the sheet"
	echo "$output"
	[ "$status" -eq 0 ]
	! raw_controls <<<"$output"
	run "$WATCTL" hq-report --db "$T/hq.db"
	echo "$output"
	[ "$status" -eq 0 ]
	! raw_controls <<<"$output"
	[[ "$output" == *'\x1b[31m'* ]]
}

# bomb FILE MEMBER MIB [DECLARED]: a zip whose MEMBER inflates to MIB MiB of
# zeros (a few hundred KB on disk); DECLARED: the size its headers claim.
bomb() {
	python3 - "$@" <<'EOF'
import struct, sys, zipfile
out, member, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("SHA256SUMS", "")
    with z.open(member, "w") as f:
        chunk = bytes(1 << 20)
        for _ in range(mib):
            f.write(chunk)
if len(sys.argv) > 4:
    data = bytearray(open(out, "rb").read())
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        i = data.rfind(sig)
        struct.pack_into("<I", data, i + off, int(sys.argv[4]))
    open(out, "wb").write(data)
EOF
	echo "untrusted comment: not a signature" >"$1.minisig"
}

# peak_rss_mb CMD...: runs CMD; prints its peak memory (MB) on fd 3, its output on stdout.
peak_rss_mb() {
	python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
sys.stdout.buffer.write(p.stdout)
ms = (time.monotonic() - t) * 1000
mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(f"peak {mb} MB, {ms:.0f} ms, exit {p.returncode}", file=sys.stderr)
open("/dev/fd/3", "w").write(str(mb))
sys.exit(p.returncode)' "$@"
}

@test "edges: a zip bomb is refused before or while inflating, by member name, in bounded memory" {
	# 1 GiB of zeros in a manifest.json (~1 MB zip): its headers say so
	bomb "$T/b1.zip" manifest.json 1024
	ls -l "$T/b1.zip"
	run peak_rss_mb "$WATCTL" verify "$T/b1.zip" 3>"$T/mb"
	echo "$output"
	echo "# 1 GiB manifest.json (header says so): $(grep -o 'peak.*' <<<"$output")" >&3
	[ "$status" -eq 1 ]
	[[ "$output" == *"manifest.json"* ]]
	[ "$(cat "$T/mb")" -lt 100 ]
	# 600 MiB in ledger.jsonl whose headers claim 1,000 bytes: caught while inflating
	bomb "$T/b2.zip" ledger.jsonl 600 1000
	run peak_rss_mb "$WATCTL" merge --db "$T/hq.db" "$T/b2.zip" 3>"$T/mb"
	echo "$output"
	echo "# 600 MiB ledger.jsonl (header says 1,000 bytes): $(grep -o 'peak.*' <<<"$output")" >&3
	[ "$status" -eq 1 ]
	[[ "$output" == *"ledger.jsonl"* ]]
	[ "$(cat "$T/mb")" -lt 100 ]
	# and under a hard limit on address space, where the library allows one
	if [[ "$BUILD" != *san* ]]; then
		run bash -c "ulimit -v 400000; '$WATCTL' verify '$T/b1.zip'"
		echo "$output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"manifest.json"* ]]
	fi
}

@test "edges: set lap-length parses strictly, with units, in range" {
	event
	w set lap-length 400m >/dev/null
	n=$(w log | wc -l)
	for v in 1e308km inf 99999999999999999999mi 0x10 -0 nan 1e3 -400 +400 "400 furlongs" 400mm \
		0.4.4km .5km 400. 100.5km 1000000 0.0001km "4 00"; do
		run w set lap-length "$v"
		echo "[$v] $output"
		[ "$status" -eq 2 ]
		[[ "$output" == *"lap length"* ]]
	done
	[ "$(w log | wc -l)" -eq "$n" ]
	run w settings
	[[ "$output" == *$'lap-length\t400 m'* ]]
	# kept as typed, with its unit (whole metres made 0.25mi 402 m)
	for pair in "400:400 m" "400m:400 m" "0.4km:0.4 km" "0.25mi:0.25 mi" "0.25 mile:0.25 mi" \
		"1mi:1 mi" "2 miles:2 mi" "100km:100 km" "1 KM:1 km" "0:0 m"; do
		run w set lap-length "${pair%:*}"
		echo "[$pair] $output"
		[ "$status" -eq 0 ]
		run w settings
		[[ "$output" == *$'lap-length\t'"${pair##*:}"$'\n'* ]]
	done
	# nothing in the ledger is out of range
	[ -z "$(w log | grep -- '-9223372036854775808')" ]
}

@test "edges: only init creates a ledger, and a failed init leaves nothing behind" {
	for cmd in report log check "walker list" "set name X" "donate 1 5 --method cash" settings rebuild \
		"event-pack export $T/p.pack" "scan W1-ABCD-1-0000000000AA"; do
		run "$WATCTL" --db "$T/typo.db" $cmd
		echo "[$cmd] $output"
		[ "$status" -eq 2 ]
		[[ "$output" == *"There is no ledger"* ]]
		[ -z "$(ls "$T" | grep typo)" ]
	done
	for args in "--date 2026-13-01" "--date 2026-11-24 --goal abc" "--date 2026-11-24 --station -rf" \
		"--date 2026-11-24 --name Again"; do
		run "$WATCTL" --db "$T/new.db" init --pin-later --name Walk --city Jackson $args
		echo "[$args] $output"
		[ "$status" -eq 2 ]
		[ -z "$(ls "$T" | grep new.db)" ]
	done
	# an existing ledger is left whole when init is refused on it
	event
	sum=$(sha256sum <"$DB")
	run w init --pin-later --name Other --city Elsewhere --date 2026-11-25
	[ "$status" -eq 1 ]
	[ -e "$DB" ]
	[ "$(sha256sum <"$DB")" = "$sum" ]
}

# Refused like any file that is not a ledger (exit 1), before anything is written.
@test "edges: merge refuses a station's ledger, and station commands refuse an HQ database" {
	event
	w walker add --name "María López" >/dev/null
	w export --out "$USB" >/dev/null
	zip=$(ls "$USB"/wat-*.zip.age)
	schema=$(sqlite3 "$DB" .schema)
	run "$WATCTL" merge --db "$DB" "$zip"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"station's ledger, not an HQ database"* ]]
	run "$WATCTL" hq-report --db "$DB"
	[ "$status" -eq 1 ]
	[[ "$output" == *"station's ledger, not an HQ database"* ]]
	[ "$(sqlite3 "$DB" .schema)" = "$schema" ]
	run w check
	[ "$status" -eq 0 ]
	# the reverse
	hq_accepts "$DB"
	"$WATCTL" merge --db "$T/hq.db" "$zip" >/dev/null
	hq=$(sqlite3 "$T/hq.db" .schema)
	for cmd in report log check "set name X" "walker add --name Y"; do
		run "$WATCTL" --db "$T/hq.db" $cmd
		echo "[$cmd] $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"HQ database, not a station's ledger"* ]]
	done
	[ "$(sqlite3 "$T/hq.db" .schema)" = "$hq" ]
	# some other database is neither
	sqlite3 "$T/other.db" "CREATE TABLE notes(x)"
	run "$WATCTL" merge --db "$T/other.db" "$zip"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not an HQ database"* ]]
}

@test "edges: check finds the append-only triggers dropped or changed" {
	event
	w walker add --name "María López" >/dev/null
	run w check
	[ "$status" -eq 0 ]
	sqlite3 "$DB" "DROP TRIGGER entries_no_delete"
	run w check
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"entries_no_delete"*"missing"* ]]
	sqlite3 "$DB" "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN SELECT 1; END"
	run w check
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"entries_no_delete"*"changed"* ]]
	sqlite3 "$DB" "DROP TRIGGER entries_no_delete"
	sqlite3 "$DB" "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: entries are never deleted'); END"
	run w check
	[ "$status" -eq 0 ]
	# a trigger of our own added beside them
	sqlite3 "$DB" "CREATE TRIGGER sneaky AFTER INSERT ON entries BEGIN SELECT 1; END"
	run w check
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"sneaky"* ]]
}

@test "edges: the ledger and its WAL are 0600 whatever the umask; the kiosk unit sets UMask=0077" {
	(umask 022 && event)
	[ "$(stat -c %a "$DB")" = 600 ]
	(umask 022 && wal_only "$WATCTL" --db "$DB" walker add --name Maria)
	[ -e "$DB-wal" ]
	[ "$(stat -c %a "$DB-wal")" = 600 ]
	# a ledger made 0644 by an older version is made 0600 when next written
	rm -rf "$DB"* && (umask 022 && event)
	chmod 0644 "$DB"
	(umask 022 && w walker add --name Ann >/dev/null)
	[ "$(stat -c %a "$DB")" = 600 ]
	# the second station's ledger, made by event-pack import
	key=$(w event-pack export "$T/walk.pack" | grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' | head -1)
	(umask 022 && "$WATCTL" --db "$T/t2.db" event-pack import "$T/walk.pack" --key "$key" --station T2 >/dev/null)
	[ "$(stat -c %a "$T/t2.db")" = 600 ]
	grep -q '^UMask=0077' "$REPO/board/systemd/wat-kiosk.service"
}

@test "edges: options: station id syntax, an out-of-range event date, a repeated option, each said in words" {
	for id in -rf -- -T1 T1- T--1 "T 1" T_1 Ö1 ABCDEFGHIJKLMNOPQ ""; do
		run "$WATCTL" --db "$T/s.db" init --pin-later --name Walk --city Jackson --date 2026-11-24 --station "$id"
		echo "[$id] $output"
		[ "$status" -eq 2 ]
		[[ "$output" == *"station id"* ]]
		[ ! -e "$T/s.db" ]
	done
	run "$WATCTL" --db "$T/s.db" init --pin-later --name Walk --city Jackson --date 2026-11-24 --station lap-2
	[ "$status" -eq 0 ]
	[[ "$output" == *"station LAP-2"* ]]
	rm -rf "$T"/s.db*
	run "$WATCTL" --db "$T/s.db" init --pin-later --name Walk --city Jackson --date 9999-12-31
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "$output" == *"out of range"* ]]
	[[ "$output" != *"not a date"* ]]
	run "$WATCTL" --db "$T/s.db" init --pin-later --name Walk --city Jackson --date 2026-02-30
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a date"* ]]
	run "$WATCTL" --db "$T/s.db" init --pin-later --name Walk --name Other --city Jackson --date 2026-11-24
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--name given twice"* ]]
	[ ! -e "$T/s.db" ]
	event
	w walker add --name Maria >/dev/null
	run w donate 1 5 --method cash --method check
	[ "$status" -eq 2 ]
	[[ "$output" == *"--method given twice"* ]]
	run w scan "$(w badge-code 1)" --lap --lap
	[ "$status" -eq 2 ]
	[[ "$output" == *"--lap given twice"* ]]
	run "$WATCTL" --db "$DB" --db "$T/other.db" report
	[ "$status" -eq 2 ]
	[[ "$output" == *"--db given twice"* ]]
	run w set date 9999-12-31
	[ "$status" -eq 2 ]
	[[ "$output" == *"out of range"* ]]
	[ "$(w log | wc -l)" -eq 2 ]
	# two counters are the rule, not a repetition
	run w close --cash 0 --checks 0 --counter Ann --counter Bob
	[ "$status" -eq 0 ]
}
