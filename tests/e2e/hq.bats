#!/usr/bin/env bats
# HQ counts what chains to it, once (issue 16): the attacks of the issue as
# tests, real watctl on real files, stock minisign; a bundle counts only when
# its station certificate chains to a charter HQ signed (or an event HQ
# accepted by its key id); HQ's held bundles, pending, accept, refuse, revoke
# and distrust; its hash-chained log; an HQ database of an earlier main
# upgraded.

setup() {
	T="$BATS_TEST_TMPDIR"
	USB="$T/usb"
	mkdir -p "$USB"
	HQ="$T/hq.db"
	# HQ's own key folder (merge checks the chain with it) and what station
	# images carry of it
	# images carry (assets/hq: the demo HQ's, whose secrets are assets/demo/hq)
	HQK="$T/hqkeys" STICK="$T/stick"
	cp -r "$REPO/assets/demo/hq" "$HQK"
	chmod 600 "$HQK"/*.key
	mkdir -p "$T/assets-hq" "$STICK"
	cp "$HQK"/hq.pub "$HQK"/hq-seal.pub "$HQK"/hq-backup.pub "$T/assets-hq/"
	export WAT_HQ_KEYS="$T/assets-hq" WAT_HQ_DIR="$HQK"
}

# HQ charters the Jackson walk: the charter and its event key on the stick.
charter() {
	"$WATCTL" hq-charter --hq "$HQK" --event 2026-jackson-ms --name "Walk Against Traffick" \
		--city "Jackson, MS" --date 2026-05-02 --org "International Outreach Ministries" \
		--ein 64-0123456 --inbox https://hq.example.org/inbox --upload-code K7Q-22XM \
		--out "$STICK" >/dev/null
}

# The walk's money at one station: two walkers, a lap, $229 in three donations.
money() {
	local db=$1
	"$WATCTL" --db "$db" walker add --name Ann >/dev/null
	"$WATCTL" --db "$db" walker add --name Bob >/dev/null
	"$WATCTL" --db "$db" lap "$("$WATCTL" --db "$db" walker list | awk 'NR==1{print $1}')" >/dev/null
	local a b
	a=$("$WATCTL" --db "$db" walker list | awk 'NR==1{print $1}')
	b=$("$WATCTL" --db "$db" walker list | awk 'NR==2{print $1}')
	"$WATCTL" --db "$db" donate "$a" 100 --method cash >/dev/null
	"$WATCTL" --db "$db" donate "$b" 99 --method check --check-no 1043 >/dev/null
	"$WATCTL" --db "$db" donate "$b" 30 --method other >/dev/null
}

# The first station of the chartered walk, T1, and its day.
chartered_day() {
	local db=$1
	[ -f "$STICK/2026-jackson-ms.charter" ] || charter
	"$WATCTL" --db "$db" init --charter "$STICK/2026-jackson-ms.charter" \
		--event-key "$STICK/2026-jackson-ms.event.key" --pin-later >/dev/null
	money "$db"
}

# A station's day without a charter (its first station makes the event key).
day() {
	local db=$1 station=$2
	"$WATCTL" --db "$db" init --pin-later --name "Walk Against Traffick" --city "Jackson, MS" \
		--date 2026-05-02 --station "$station" >/dev/null
	money "$db"
}

# A station's export N in DIR: sealed (X.zip.age, issue 16) or clear (X.zip).
bundle_in() { ls "$1"/*"${2:-}".zip.age 2>/dev/null || ls "$1"/*"${2:-}".zip; }

# pack_out DB FILE [ARGS]: an event pack (ARGS to the export), and its key
# (sealed packs: the words export prints); pack_in DB FILE: its import with
# that key (plain packs of before: the key is ignored).
pack_out() {
	"$WATCTL" --db "$1" event-pack export "$2" "${@:3}" >"$2.out"
	grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' "$2.out" | head -1 >"$2.k"
}
pack_in() {
	if [ -s "$2.k" ]; then
		"$WATCTL" --db "$1" event-pack import "$2" --key "$(cat "$2.k")" >/dev/null
	else
		"$WATCTL" --db "$1" event-pack import "$2" >/dev/null
	fi
}

event_key_of() { sed -n 's/.*"event_key":"\([0-9A-F]*\)".*/\1/p' "$1.keys/station.cert" | head -1; }

tag_of() { "$WATCTL" --db "$1" settings | awk -F'\t' '$1 == "badge-tag" {print $2}'; }

unpack() {
	rm -rf "$T/x"
	mkdir -p "$T/x"
	(cd "$T/x" && unzip -q "$1")
}

# Rezips a bundle's members (after an edit of manifest.json by the python in
# $4; of member $5 when given, a glob), SHA256SUMS remade, as a clear zip in DIR ($3) signed with the
# station's own key ($2) and the original trusted comment, as a station's
# insider could: minisign -V says OK.  A sealed bundle is opened first with
# HQ's key (stock age).  FORGED: the forgery's path.
forge() {
	local zip=$1 key=$2 dir=$3 edit=$4 clear=$1 member=${5:-manifest.json}
	command -v zip >/dev/null || skip "zip is not installed (APT_PKGS)"
	if [[ "$zip" == *.age ]]; then
		command -v age >/dev/null || skip "age is not installed (APT_PKGS)"
		clear="$T/opened.zip"
		age -d -i "$HQK/hq-seal.key" -o "$clear" "$zip"
	fi
	unpack "$clear"
	python3 - "$(ls "$T/x"/$member | head -1)" "$edit" <<-'PY'
		import sys
		p, edit = sys.argv[1], sys.argv[2]
		s = open(p).read()
		exec(edit)
		open(p, "w").write(s)
	PY
	# the members in the zip's own order, SHA256SUMS remade over the others
	members=$(unzip -Z1 "$clear" | tr '\n' ' ')
	(cd "$T/x" && sha256sum $(echo "$members" | sed 's/SHA256SUMS//') >SHA256SUMS)
	mkdir -p "$dir"
	FORGED="$dir/$(basename "${zip%.age}")"
	rm -f "$FORGED" "$FORGED.minisig"
	(cd "$T/x" && zip -q -X "$FORGED" $members)
	tc=$(sed -n 's/^trusted comment: //p' "$zip.minisig")
	minisign -S -s "$key" -m "$FORGED" -t "$tc" </dev/null >/dev/null
	minisign -Vm "$FORGED" -p "${key%.key}.pub" >/dev/null
}

@test "attack: a re-tagged manifest re-signed with the station key is refused naming event.tag; HQ counts \$229 once" {
	chartered_day "$T/t1.db"
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	z=$(bundle_in "$USB" -T1-1)
	forge "$z" "$T/t1.db.keys/station.key" "$T/forged" \
		's = s.replace("\"tag\": \"", "\"tag\": \"Q", 1)'
	run "$WATCTL" verify "$FORGED" --pubkey "$T/t1.db.keys/station.pub"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"event.tag"* ]]
	run "$WATCTL" merge --db "$HQ" "$z" "$FORGED"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"total \$229.00"* ]]
}

@test "attack: the manifest's totals strings, clock_trusted, files and an added field are bound, each refused by name" {
	day "$T/t1.db" T1
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	z=$(bundle_in "$USB" -T1-1)
	k="$T/t1.db.keys/station.key"
	n=0
	while IFS='|' read -r field edit; do
		forge "$z" "$k" "$T/f$n" "$edit"
		run "$WATCTL" verify "$FORGED" --pubkey "$T/t1.db.keys/station.pub"
		echo "$field: $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"$field"* ]]
		n=$((n + 1))
	done <<-'EOF2'
		totals.cash|s = s.replace('"cash": "100.00"', '"cash": "1000.00"', 1)
		totals.total|s = s.replace('"total": "229.00"', '"total": "2290.00"', 1)
		clock_trusted|s = s.replace('"clock_trusted": true', '"clock_trusted": false', 1) if '"clock_trusted": true' in s else s.replace('"clock_trusted": false', '"clock_trusted": true', 1)
		files|s = s.replace('"files": [', '"files": ["extra.csv", ', 1)
		exported_utc|import re; s = re.sub(r'"exported_utc": "[^"]*"', '"exported_utc": "2026-05-02T12:00:00Z"', s)
		event.name|s = s.replace('"Walk Against Traffick"', '"Walk For Traffick"', 1)
		event.city|s = s.replace('"Jackson, MS"', '"Biloxi, MS"', 1)
		secret|s = s.replace('{\n', '{\n  "secret": 1,\n', 1)
	EOF2
	[ "$n" -eq 8 ]
}

# An outsider who knows only the event tag (printed on every badge) writes an
# event pack of their own and joins as station T1 with their own key.
outsider() {
	local db=$1 tag=$2 station=$3
	python3 - "$T/outsider-pack.json" "$tag" <<-'PY'
		import json, sys, os
		json.dump({"format": "wat-event-pack/1", "station": "T9",
		           "event": {"name": "Walk Against Traffick", "city": "Jackson, MS",
		                     "date": "2026-05-02", "tag": sys.argv[2]},
		           "badge_key": os.urandom(32).hex(),
		           "settings": {"min-lap": "60", "holdoff": "5", "max-donation": "100000.00"}},
		          open(sys.argv[1], "w"))
	PY
	if ! "$WATCTL" --db "$db" event-pack import "$T/outsider-pack.json" --station "$station" \
		>/dev/null 2>&1; then
		# packs are sealed: the outsider runs the software on a card of their
		# own and rewrites its ledger to carry the tag (the chain rehashed)
		rm -rf "$db" "$db.keys"
		"$WATCTL" --db "$db" init --pin-later --name "Walk Against Traffick" \
			--city "Jackson, MS" --date 2026-05-02 --station "$station" >/dev/null
		"$WATCTL" --db "$db" set max-donation 100000 >/dev/null
		retag "$db" "$tag"
	fi
	"$WATCTL" --db "$db" walker add --name Mallory >/dev/null
	"$WATCTL" --db "$db" donate "$("$WATCTL" --db "$db" walker list | awk 'NR==1{print $1}')" \
		19998 --method cash >/dev/null
}

# retag DB TAG: the ledger's event entry rewritten to TAG, every hash after it
# recomputed, the settings table to match (what an outsider can do to a
# ledger of their own).
retag() {
	python3 - "$1" "$2" <<-'PY'
		import hashlib, re, sqlite3, sys
		c = sqlite3.connect(sys.argv[1], isolation_level=None)
		trig = c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
		                 "AND tbl_name = 'entries'").fetchall()
		c.execute("BEGIN")
		for name, _ in trig:
		    c.execute(f"DROP TRIGGER {name}")
		prev = bytes(32)
		for seq, line in c.execute("SELECT seq, line FROM entries ORDER BY seq").fetchall():
		    if seq == 1:
		        line = re.sub(r'"tag":"[^"]*"', '"tag":"%s"' % sys.argv[2], line)
		    h = hashlib.blake2b(prev + line.encode(), digest_size=32).digest()
		    c.execute("UPDATE entries SET line = ?, hash = ? WHERE seq = ?", (line, h, seq))
		    prev = h
		c.execute("UPDATE settings SET value = ? WHERE key = 'tag'", (sys.argv[2],))
		for _, sql in trig:
		    c.execute(sql)
		c.execute("COMMIT")
	PY
}

@test "attack: the outsider's pack and bundle are held, not counted; a wrong acceptance is revoked, never a lockout" {
	chartered_day "$T/t1.db"
	tag=$(tag_of "$T/t1.db")
	outsider "$T/evil.db" "$tag" T1
	mkdir -p "$T/evil"
	"$WATCTL" --db "$T/evil.db" export --out "$T/evil" >/dev/null
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	evil=$(bundle_in "$T/evil") real=$(bundle_in "$USB" -T1-1)
	# the outsider's arrives first: held, nothing counted
	run "$WATCTL" merge --db "$HQ" "$evil"
	echo "$output"
	[ "$status" -eq 1 ]
	# (no certificate: the pack had none; or one naming another ledger)
	[[ "$output" == *"Not counted, held"* ]]
	[[ "$output" == *"no station certificate"* || "$output" == *"another ledger"* ]]
	[[ "$output" == *"total \$0.00"* ]]
	run "$WATCTL" hq-pending --db "$HQ"
	echo "$output"
	evil_id=$(echo "$output" | sed -n 's/^#\([0-9]*\) .*/\1/p' | head -1)
	# a person wrongly accepts it (the key id was not checked) ...
	run "$WATCTL" hq-accept --db "$HQ" "$evil_id" --reason "looked fine"
	echo "$output"
	[ "$status" -eq 0 ]
	# ... so the real T1 is held (another key under its id), not locked out
	run "$WATCTL" merge --db "$HQ" "$real"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"held"*"another key"* ]]
	run "$WATCTL" hq-pending --db "$HQ"
	echo "$output"
	[[ "$output" == *"$(basename "$real")"* ]]
	id=$(echo "$output" | sed -n 's/^#\([0-9]*\) .*/\1/p' | tail -1)
	# HQ checks the key ids on the paper close-out sheet: revoke, accept
	run "$WATCTL" hq-revoke --db "$HQ" "$evil_id" --reason "key id is not the one on T1's sheet"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-accept --db "$HQ" "$id" --reason "key id checked against T1's close-out sheet"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"national total"*"\$229.00"* ]]
	[[ "$output" == *"revoked: not counted"* ]]
	# the real station's next export counts without a person; the
	# outsider's next one is held (its ledger was revoked)
	"$WATCTL" --db "$T/t1.db" donate 1 1 --method cash >/dev/null
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-2)"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"total \$230.00"* ]]
	"$WATCTL" --db "$T/evil.db" export --out "$T/evil" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$T/evil" -2)"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"revoked"* ]]
	[[ "$output" == *"total \$230.00"* ]]
}

@test "two chartered stations and a re-export merged at HQ count everything once; a copied pack's second ledger is held" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/ev.pack"
	pack_in "$T/t2.db" "$STICK/ev.pack"
	money "$T/t2.db"
	# the same pack used again on a third card (a lost pack)
	pack_in "$T/t2b.db" "$STICK/ev.pack"
	money "$T/t2b.db"
	mkdir -p "$T/b"
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	"$WATCTL" --db "$T/t2b.db" export --out "$T/b" >/dev/null
	"$WATCTL" --db "$T/t1.db" donate 1 20 --method cash >/dev/null
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	a1=$(bundle_in "$USB" -T1-1) a2=$(bundle_in "$USB" -T1-2) b1=$(bundle_in "$USB" -T2-1)
	run "$WATCTL" merge --db "$HQ" "$a1" "$b1" "$a2"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" merge --db "$HQ" "$a2" "$b1" "$a1"
	echo "$output"
	[[ "$output" == *"Already merged"* ]]
	[[ "$output" == *"older export replayed"* ]]
	[[ "$output" == *"total \$478.00"* ]]
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$T/b")"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"held"*"one pack or key folder used on two stations"* ]]
	[[ "$output" == *"total \$478.00"* ]]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"station T1"*"\$249.00"* ]]
	[[ "$output" == *"station T2"*"\$229.00"* ]]
	[[ "$output" == *"national total"*"\$478.00"* ]]
	[[ "$output" == *"Held, not counted"* ]]
}

@test "an unchartered event is held, accepted once by its event key id, and merged" {
	day "$T/u1.db" T1
	"$WATCTL" --db "$T/u1.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no charter"*"$(event_key_of "$T/u1.db")"* ]]
	[[ "$output" == *"total \$0.00"* ]]
	# the command line's words (the browser's say what to do there)
	run "$WATCTL" hq-pending --db "$HQ"
	echo "$output"
	[[ "$output" == *"watctl hq-accept --db HQ.db --event-key $(event_key_of "$T/u1.db")"* ]]
	run "$WATCTL" hq-accept --db "$HQ" --event-key 0123 --reason "typo"
	[ "$status" -eq 1 ]
	[[ "$output" == *"16 digits"* ]]
	run "$WATCTL" hq-accept --db "$HQ" --event-key "$(event_key_of "$T/u1.db")" \
		--reason "the key id on Jackson's close-out sheet"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Accepted"* ]]
	run "$WATCTL" hq-report --db "$HQ"
	[[ "$output" == *"national total"*"\$229.00"* ]]
	"$WATCTL" --db "$T/u1.db" donate 1 1 --method cash >/dev/null
	"$WATCTL" --db "$T/u1.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-2)"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"total \$230.00"* ]]
}

@test "a charter HQ did not sign chains nothing: the bundle is held" {
	chartered_day "$T/t1.db"
	# another HQ (an outsider's) charters an event of the same id
	"$WATCTL" hq-init --dir "$T/fakehq" >/dev/null
	mkdir -p "$T/fakestick"
	"$WATCTL" hq-charter --hq "$T/fakehq" --event 2026-jackson-ms --name "Walk Against Traffick" \
		--city "Jackson, MS" --date 2026-05-02 --org "International Outreach Ministries" \
		--ein 64-0123456 --inbox https://hq.example.org/inbox --upload-code K7Q-22XM \
		--out "$T/fakestick" >/dev/null
	WAT_HQ_KEYS="$T/fakehq" "$WATCTL" --db "$T/f.db" init --charter \
		"$T/fakestick/2026-jackson-ms.charter" --event-key "$T/fakestick/2026-jackson-ms.event.key" \
		--pin-later >/dev/null
	"$WATCTL" --db "$T/f.db" walker add --name Mallory >/dev/null
	"$WATCTL" --db "$T/f.db" donate 1 9998 --method cash >/dev/null
	mkdir -p "$T/f"
	"$WATCTL" --db "$T/f.db" export --out "$T/f" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$T/f")"
	echo "$output"
	[ "$status" -eq 1 ]
	# sealed to the other HQ's keys it does not even open here; clear, it
	# would be held: not a charter HQ issued
	[[ "$output" == *"not one HQ issued"* || "$output" == *"not sealed to this key"* ]]
	[[ "$output" == *"total \$0.00"* ]]
}

@test "the charter's event key used to start a second T1 (a second certificate, serial 1 twice) is held" {
	chartered_day "$T/t1.db"
	# the coordinator's stick used again on another card: it certifies itself
	# as station T1, serial 1, with another key
	"$WATCTL" --db "$T/again.db" init --charter "$STICK/2026-jackson-ms.charter" \
		--event-key "$STICK/2026-jackson-ms.event.key" --pin-later >/dev/null
	money "$T/again.db"
	mkdir -p "$T/again"
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	"$WATCTL" --db "$T/again.db" export --out "$T/again" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)" "$(bundle_in "$T/again" -T1-1)"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"held"* ]]
	[[ "$output" == *"serial 1"* || "$output" == *"another ledger"* ]]
	[[ "$output" == *"total \$229.00"* ]]
}

@test "a forked ledger (the same entry number with another hash) is held, with its reason, and never counted" {
	chartered_day "$T/t1.db"
	cp "$T/t1.db" "$T/copy.db"
	cp -r "$T/t1.db.keys" "$T/copy.db.keys"
	"$WATCTL" --db "$T/t1.db" donate 1 5 --method cash >/dev/null
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	mkdir -p "$T/fork"
	"$WATCTL" --db "$T/copy.db" donate 2 500 --method cash >/dev/null
	"$WATCTL" --db "$T/copy.db" export --out "$T/fork" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)" "$(bundle_in "$T/fork" -T1-1)"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"held"*"fork"* ]]
	[[ "$output" == *"total \$234.00"* ]]
	run "$WATCTL" hq-pending --db "$HQ"
	echo "$output"
	[[ "$output" == *"entry "*"another hash"* ]]
	id=$(echo "$output" | sed -n 's/^#\([0-9]*\) .*/\1/p' | head -1)
	run "$WATCTL" hq-accept --db "$HQ" "$id" --reason "try"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot be counted beside it"* ]]
	run "$WATCTL" hq-refuse --db "$HQ" "$id" --reason "the copied card"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-pending --db "$HQ"
	echo "$output"
	[[ "$output" == *"Nothing is held"* ]]
}

@test "a distrusted event's bundles are held until a person accepts each; every decision is in HQ's hash-chained log" {
	chartered_day "$T/t1.db"
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-distrust --db "$HQ" 2026-jackson-ms --reason "the coordinator's stick was lost"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 station(s)"* ]]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"national total"*"\$0.00"* ]]
	[[ "$output" == *"Held"*"-T1-1.zip"* ]]
	"$WATCTL" --db "$T/t1.db" donate 1 1 --method cash >/dev/null
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-2)"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"distrusted"* ]]
	run "$WATCTL" hq-pending --db "$HQ"
	echo "$output"
	[[ "$output" == *"-T1-1.zip"* && "$output" == *"-T1-2.zip"* ]]
	[[ "$output" == *"key "* ]]
	id=$(echo "$output" | sed -n 's/^#\([0-9]*\) .*-T1-2.zip.*/\1/p')
	run "$WATCTL" hq-accept --db "$HQ" "$id" --reason "key id matches the sheet in the envelope"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"national total"*"\$230.00"* ]]
	# the station a person vouched for counts again without one
	"$WATCTL" --db "$T/t1.db" donate 1 1 --method cash >/dev/null
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-3)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-log --db "$HQ"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"counted"*"held"*"distrust"*"held"*"accept"*"counted"* ]]
	[[ "$output" == *"chain intact"* ]]
	# an edited decision breaks the chain, and hq-log says so
	command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"
	sqlite3 "$HQ" "DROP TRIGGER log_no_update; UPDATE log SET reason = 'x' WHERE seq = 2"
	run "$WATCTL" hq-log --db "$HQ"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"decision 2"* ]]
}

@test "an HQ database of an earlier main is upgraded and reports the same" {
	command -v sqlite3 >/dev/null || skip "sqlite3 is not installed (APT_PKGS)"
	n=0
	for sql in "$REPO"/tests/fixtures/hq/v*.sql; do
		db="$T/$(basename "${sql%.sql}").db"
		sqlite3 "$db" <"$sql"
		run "$WATCTL" hq-report --db "$db"
		echo "$output"
		[ "$status" -eq 0 ]
		diff <(echo "$output" | sed "s/  \[bundle #[0-9]*\]$//" | grep -v "^Held\|^  #\|^$") <(grep -v "^$" "${sql%.sql}.report")
		[ "$(sqlite3 "$db" 'PRAGMA user_version')" -ge 2 ]
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
}

# forge_cert DB ID: the station DB's certificate re-made under event key id ID
# (16 hex digits) as an outsider could: its own event key's id bytes
# rewritten to ID (a minisign key id is not derived from the key), the
# certificate's event_key set to ID and signed with that key by stock
# minisign; event.pub beside it rewritten to the same id.  With "badsig" as
# $3, only the certificate's event_key is rewritten: its signature is left
# as it was (made by the outsider's own key).
forge_cert() {
	local db=$1 id=$2 how=${3:-}
	python3 - "$db.keys" "$id" "$how" "$T/fc" <<-'PY'
		import base64, os, sys
		d, kid, how, tmp = sys.argv[1], bytes.fromhex(sys.argv[2])[::-1], sys.argv[3], sys.argv[4]
		os.makedirs(tmp, exist_ok=True)
		cert = open(d + "/station.cert").read().split("\n")
		old = cert[0].split('"event_key":"')[1][:16]
		cert[0] = cert[0].replace(old, sys.argv[2])
		if how == "badsig":
		    open(d + "/station.cert", "w").write("\n".join(cert))
		    sys.exit(0)
		def patch(path, off):
		    lines = open(path).read().split("\n")
		    i = next(n for n, l in enumerate(lines) if l and not l.startswith("untrusted"))
		    raw = bytearray(base64.b64decode(lines[i]))
		    raw[off:off + 8] = kid
		    if off == 54:
		        raw[126:158] = bytes(32)  # minisign -W's unchecked checksum
		    lines[i] = base64.b64encode(bytes(raw)).decode()
		    return "\n".join(lines)
		open(tmp + "/ev.key", "w").write(patch(d + "/event.key", 54))
		pub = patch(d + "/event.pub", 2)
		open(d + "/event.pub", "w").write(pub)
		open(tmp + "/body", "w").write(cert[0] + "\n")
		open(tmp + "/uc", "w").write(cert[1].split(": ", 1)[1])
		open(tmp + "/tc", "w").write(cert[3].split(": ", 1)[1])
	PY
	[ "$how" = badsig ] && return 0
	minisign -S -s "$T/fc/ev.key" -m "$T/fc/body" -c "$(cat "$T/fc/uc")" \
		-t "$(cat "$T/fc/tc")" </dev/null >/dev/null
	cat "$T/fc/body" "$T/fc/body.minisig" >"$db.keys/station.cert"
}

@test "attack: a certificate forged under an accepted unchartered event's key id is held or refused, naming why; HQ counts \$229 once" {
	day "$T/u1.db" T1
	"$WATCTL" --db "$T/u1.db" export --out "$USB" >/dev/null
	id=$(event_key_of "$T/u1.db")
	run "$WATCTL" hq-accept --db "$HQ" --event-key "$id" --reason "the key id on the sheet"
	[ "$status" -eq 0 ]
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"total \$229.00"* ]]
	# the outsider's own event and station, its certificate forged under the
	# accepted key id: signed by another key carrying the same id bytes
	mkdir -p "$T/evil" "$T/evil2"
	day "$T/evil.db" T7
	forge_cert "$T/evil.db" "$id"
	[ "$(event_key_of "$T/evil.db")" = "$id" ]
	"$WATCTL" --db "$T/evil.db" export --out "$T/evil" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$T/evil")"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$id"*"another key"* ]]
	[[ "$output" == *"total \$229.00"* ]]
	# the same with the certificate's signature left as the outsider's own
	day "$T/evil2.db" T8
	forge_cert "$T/evil2.db" "$id" badsig
	"$WATCTL" --db "$T/evil2.db" export --out "$T/evil2" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$T/evil2")"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"event.pub"* ]]
	[[ "$output" == *"total \$229.00"* ]]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"national total"*"\$229.00"* ]]
}

# lo_sync CALLER ANSWERER: one `watctl sync` exchange over loopback.
lo_sync() {
	local port=$((20000 + RANDOM % 30000))
	"$WATCTL" --db "$2" sync --listen "127.0.0.1:$port" --once 2>"$T/serve.err" &
	for _ in $(seq 100); do
		grep -q Listening "$T/serve.err" 2>/dev/null && break
		sleep 0.05
	done
	run "$WATCTL" --db "$1" sync --peer "127.0.0.1:$port"
	echo "$output"
	wait
	[ "$status" -eq 0 ]
}

# Station sync (docs/SYNC.md): the lap point's entries held at the table
# are not the table's: each station's bundle carries its own, and HQ counts
# each lap and dollar once.
@test "two stations synced with watctl sync, exported and merged at HQ: each lap and dollar counted once" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/ev.pack"
	pack_in "$T/t2.db" "$STICK/ev.pack"
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	code=$("$WATCTL" --db "$T/t1.db" badge-code 1)
	"$WATCTL" --db "$T/t2.db" scan "$code" >/dev/null
	"$WATCTL" --db "$T/t2.db" donate 1 5 --method cash >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	# the table sees the event: its own lap and $229, the lap point's lap and
	# $5; the two laps of walker 1 seconds apart are likely one: counted once
	# in the event's total, as on the walker's card, the other to review
	run "$WATCTL" --db "$T/t1.db" sync --status
	echo "$output"
	[[ "$output" == *"1 laps (0 flagged, 1 more to review across stations), \$234.00 raised"* ]]
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	# the table's bundle carries the lap point's entries as a backup copy,
	# checked by verify against the head the lap point signed
	run "$WATCTL" verify "$(bundle_in "$USB" -T1-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"carries 1 other station's entries as a backup copy"* ]]
	# the table's insider alters the lap point's copy and re-signs the
	# bundle with the table's key: the lap point's signed head refuses it
	forge "$(bundle_in "$USB" -T1-1)" "$T/t1.db.keys/station.key" "$T/forged" \
		's = s.replace("\"how\":\"scan\"", "\"how\":\"manual\"", 1)' 'peer-T2-*.jsonl'
	run "$WATCTL" verify "$FORGED" --pubkey "$T/t1.db.keys/station.pub"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"peer-T2-"*".jsonl does not lead to the chain head station T2 signed"* ]]
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)" "$(bundle_in "$USB" -T2-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"total \$234.00"* ]]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"station T1"*"\$229.00"* ]]
	[[ "$output" == *"station T2"*"\$5.00"* ]]
	[[ "$output" == *"national total"*"\$234.00"* ]]
}

# A lap point's card lost on the way home: HQ counts its entries from the
# backup copy in the table's bundle, once, until its own bundle arrives and
# takes over (docs/HQ-GUIDE.md).
@test "a station's bundle missing: HQ counts it from the backup copy in its peer's bundle, once; its own bundle takes over" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/ev.pack"
	pack_in "$T/t2.db" "$STICK/ev.pack"
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	code=$("$WATCTL" --db "$T/t1.db" badge-code 2)
	"$WATCTL" --db "$T/t2.db" scan "$code" >/dev/null
	"$WATCTL" --db "$T/t2.db" donate 2 5 --method cash >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	# only the table's bundle: the lap point's lap and $5 count from its copy
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"station T2 (copy, "*"\$5.00"* ]]
	[[ "$output" == *"Station T2: from station T1's backup copy, up to "*"; its own bundle not received"* ]]
	[[ "$output" == *"Money held at station T2 (counted from the copy): cash \$5.00"*"chase its envelope"* ]]
	[[ "$output" == *"national total"*"laps       2"*"total      \$234.00"* ]]
	# the same bundle again: nothing twice
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)"
	run "$WATCTL" hq-report --db "$HQ"
	[[ "$output" == *"national total"*"laps       2"*"total      \$234.00"* ]]
	# the lap point's own bundle, the copy complete: the same totals, from it
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T2-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" != *"backup copy"* ]]
	[[ "$output" == *"station T2 (export 1"*"\$5.00"* ]]
	[[ "$output" == *"national total"*"laps       2"*"total      \$234.00"* ]]
	# the lap point took $7 more after the sync: its next bundle grows them
	"$WATCTL" --db "$T/t2.db" donate 2 7 --method cash >/dev/null
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T2-2)"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"national total"*"laps       2"*"total      \$241.00"* ]]
}

# Two stations carry the lap point's entries, one further than the other:
# the longest copy counts, each entry once, until the own bundle arrives.
@test "backup copies: a longer copy of a missing station replaces a shorter one; its own bundle takes over, a copy after it adds nothing" {
	chartered_day "$T/t1.db"
	for n in 2 3; do
		pack_out "$T/t1.db" "$STICK/t$n.pack" --station "T$n"
		pack_in "$T/t$n.db" "$STICK/t$n.pack"
	done
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	code=$("$WATCTL" --db "$T/t1.db" badge-code 2)
	"$WATCTL" --db "$T/t2.db" scan "$code" >/dev/null
	"$WATCTL" --db "$T/t2.db" donate 2 5 --method cash >/dev/null
	lo_sync "$T/t3.db" "$T/t2.db"
	"$WATCTL" --db "$T/t2.db" donate 2 7 --method cash >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	"$WATCTL" --db "$T/t3.db" export --out "$USB" >/dev/null
	# T3's shorter copy ($5), then T1's longer one ($12): $12 counted once
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T3-1)"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"station T2 (copy, "*"total        \$5.00"* ]]
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"station T2 (copy, "*"total       \$12.00"* ]]
	[[ "$output" == *"Station T2: from station T1's backup copy"* ]]
	[[ "$output" == *"national total"*"total      \$241.00"* ]]
	# T3's shorter copy merged again changes nothing
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T3-1)"
	run "$WATCTL" hq-report --db "$HQ"
	[[ "$output" == *"national total"*"total      \$241.00"* ]]
	# T2's own bundle takes over; a copy merged after it adds nothing
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T2-1)" "$(bundle_in "$USB" -T3-1)"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" != *"backup copy"* ]]
	[[ "$output" == *"station T2 (export 1"*"total       \$12.00"* ]]
	[[ "$output" == *"national total"*"total      \$241.00"* ]]
}

# dash HTML: the staff dashboard of wat-hq over a copy of HQ's database
# (its own signer, a staff account) into HTML; skipped without curl/wat-hq.
dash() {
	local W="$T/web" tok port pid spid
	command -v curl >/dev/null && [ -x "$REPO/$BUILD/wat-hq" ] || return 0
	rm -rf "$W" && mkdir -p "$W/state"
	cp "$HQ" "$W/hq.db"
	echo "correct horse battery" | "$WATCTL" hq-staff add --db "$W/hq.db" --user bea >/dev/null
	"$REPO/$BUILD/wat-hq-signer" --keys "$HQK" --socket "$W/s.sock" 2>/dev/null &
	spid=$!
	for _ in $(seq 100); do [ -S "$W/s.sock" ] && break; sleep 0.05; done
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$REPO/$BUILD/wat-hq" --db "$W/hq.db" --keys "$T/assets-hq" --signer "$W/s.sock" \
		--state "$W/state" --port "$port" --cookie-insecure 2>/dev/null &
	pid=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
	tok=$(curl -s -c "$W/jar" -b "$W/jar" "http://127.0.0.1:$port/staff/login" |
		sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
	curl -s -c "$W/jar" -b "$W/jar" -o /dev/null --data-urlencode "csrf=$tok" \
		--data-urlencode "user=bea" --data-urlencode "password=correct horse battery" \
		"http://127.0.0.1:$port/staff/login"
	curl -s -b "$W/jar" "http://127.0.0.1:$port/staff" >"$1"
	kill "$pid" "$spid"
	wait "$pid" "$spid" 2>/dev/null || true
}

# Walk day: the table exports at noon (that bundle reaches HQ), works on
# through the afternoon, syncs with the lap point, then its card dies.  The
# lap point's evening bundle carries the table's afternoon as a backup copy
# on the same chain: HQ counts it beyond the noon bundle, each entry once,
# pledges too, until a later own bundle of the table reaches as far.
@test "a backup copy that goes further than its station's own bundle counts beyond it, once; a later own bundle takes over" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/ev.pack"
	pack_in "$T/t2.db" "$STICK/ev.pack"
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"national total"*"total      \$229.00"* ]]
	# the afternoon at the table: $7 cash, a $20 pledge paid $15
	"$WATCTL" --db "$T/t1.db" donate 1 7 --method cash >/dev/null
	"$WATCTL" --db "$T/t1.db" pledge add 1 --sponsor "Gail Grant" --kind flat --rate 20 >/dev/null
	gail=$("$WATCTL" --db "$T/t1.db" pledge list 1 | awk '/Gail/ {print $2; exit}')
	"$WATCTL" --db "$T/t1.db" pledge pay 1 "$gail" 15 --method cash >/dev/null
	# an export kept on the stick (not sent yet), then $4 more and the sync
	mkdir "$T/later"
	"$WATCTL" --db "$T/t1.db" export --out "$T/later" >/dev/null
	"$WATCTL" --db "$T/t1.db" donate 1 4 --method cash >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	# the lap point's bundle: the table's afternoon counted from its copy
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T2-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"Station T1: own bundle up to "*" UTC, then from station T2's backup copy up to "*" UTC [bundle #2]"* ]]
	[[ "$output" == *"national total"*"total      \$255.00"* ]]
	dash "$T/dash.html"
	[ ! -s "$T/dash.html" ] || grep -q '<td>T1</td>.*<td class="num">\$255.00</td><td class="copy">#1, export 1: own bundle up to [-0-9: ]*, then from the copy in T2.s #2 up to [-0-9: ]* (UTC)</td>' "$T/dash.html"
	after() {
		echo "$output" | grep -Eq '^national pledges +pledges +1 +walkers +1 +owed +\$20\.00 +paid +\$15\.00 +still owed +\$5\.00$'
		[[ "$output" == *"national total"*"total      \$$1"* ]]
	}
	after 255.00
	run "$WATCTL" hq-csv --db "$HQ"
	echo "$output"
	[[ "$output" == *',T1,1,'*',"own bundle up to '*" UTC, then copy in station T2's bundle up to "*' UTC"'$'\r'* ]]
	# the same bundle again, the table's noon bundle again: nothing twice,
	# the copy still counts
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T2-1)" "$(bundle_in "$USB" -T1-1)"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	after 255.00
	# the table's mid-afternoon export: shorter than the copy, on its chain:
	# its entries kept, the copy still counts (the $4 after it stays)
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$T/later" -T1-2)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"station T1 (export 2"* ]]
	[[ "$output" == *"Station T1: own bundle up to "*"then from station T2's backup copy"* ]]
	after 255.00
	# the card was not dead after all: its next bundle takes over, $2 more
	"$WATCTL" --db "$T/t1.db" donate 1 2 --method cash >/dev/null
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-3)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" != *"backup copy"* ]]
	after 257.00
	# a copy merged after it adds nothing
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T2-1)"
	run "$WATCTL" hq-report --db "$HQ"
	[[ "$output" != *"backup copy"* ]]
	after 257.00
}

# The carrier of a copy that went further revoked: the station counts from
# its own bundle's entries again; the carrier's next bundle counts it again.
@test "hq-revoke of the carrier of a copy that went further: its station back to its own bundle" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/ev.pack"
	pack_in "$T/t2.db" "$STICK/ev.pack"
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	"$WATCTL" --db "$T/t1.db" donate 1 7 --method cash >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)" "$(bundle_in "$USB" -T2-1)"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	[[ "$output" == *"national total"*"total      \$236.00"* ]]
	run "$WATCTL" hq-revoke --db "$HQ" 2 --reason "accepted by mistake"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" != *"backup copy"* ]]
	[[ "$output" == *"national total"*"total      \$229.00"* ]]
}

# A copy that forks from the own bundle HQ counted (the table's card
# copied before noon, the copy used in the afternoon) does not extend it:
# refused in words, the own bundle's figures stay.
@test "a backup copy that forks from its station's own bundle is not counted beyond it, said in words" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/ev.pack"
	pack_in "$T/t2.db" "$STICK/ev.pack"
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	cp "$T/t1.db" "$T/t1b.db"
	cp -a "$T/t1.db.keys" "$T/t1b.db.keys"
	"$WATCTL" --db "$T/t1.db" donate 1 3 --method cash >/dev/null
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)"
	[ "$status" -eq 0 ]
	# the copied card goes on: $9 three times, synced to the lap point
	for _ in 1 2 3; do "$WATCTL" --db "$T/t1b.db" donate 1 9 --method cash >/dev/null; done
	lo_sync "$T/t1b.db" "$T/t2.db"
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T2-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"A backup copy and an own bundle of one station's ledger fork"* ]]
	run "$WATCTL" hq-log --db "$HQ"
	echo "$output"
	[[ "$output" == *"copy-fork"*"does not extend the station's own bundle counted at HQ"* ]]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" != *"backup copy"* ]]
	[[ "$output" == *"national total"*"total      \$232.00"* ]]
}

# The welcome table's card lost on the way home (issues 18 and 20): its
# pledges, the payments it took and what is still owed count at HQ from its
# backup copy in the lap point's bundle, settled as its own bundle settles
# them (on the lap point's laps too), each pledge once; its own bundle
# replaces them when it comes, nothing doubled.
@test "a station counted from a backup copy brings its pledges, once; its own bundle replaces them" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/ev.pack"
	pack_in "$T/t2.db" "$STICK/ev.pack"
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	for db in t1 t2; do
		"$WATCTL" --db "$T/$db.db" set min-lap 0 >/dev/null
		"$WATCTL" --db "$T/$db.db" set holdoff 0 >/dev/null
	done
	# walker 1: $2 a lap, on paper at the table; walker 2: $1 a lap from
	# the registration's CSV, imported at both stations (one pledge)
	"$WATCTL" --db "$T/t1.db" pledge add 1 --sponsor "Gail Grant" --kind lap --rate 2 >/dev/null
	printf 'Walker,Sponsor,Type,Rate,Pledge ID\r\n2,Hal Hunt,per lap,1,WEB-9\r\n' >"$T/pl.csv"
	for db in t1 t2; do
		"$WATCTL" --db "$T/$db.db" pledge import "$T/pl.csv" --import-good-rows >/dev/null
	done
	# three laps of walker 1 and two of walker 2, at the lap point
	code=$("$WATCTL" --db "$T/t1.db" badge-code 1)
	for _ in 1 2 3; do "$WATCTL" --db "$T/t2.db" scan "$code" >/dev/null; done
	code2=$("$WATCTL" --db "$T/t1.db" badge-code 2)
	for _ in 1 2; do "$WATCTL" --db "$T/t2.db" scan "$code2" >/dev/null; done
	# the table sees them (and the lap point its entries), certifies the
	# laps, takes $5 of Gail's $8 (4 laps: the table's own and three),
	# then syncs again
	lo_sync "$T/t1.db" "$T/t2.db"
	"$WATCTL" --db "$T/t1.db" pledge certify >/dev/null
	gail=$("$WATCTL" --db "$T/t1.db" pledge list 1 | awk '/Gail/ {print $2; exit}')
	"$WATCTL" --db "$T/t1.db" pledge pay 1 "$gail" 5 --method cash >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	run "$WATCTL" --db "$T/t1.db" pledge list
	echo "$output"
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	# only the lap point's bundle: the table's pledges from its copy
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T2-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"station T1 (copy, "* ]]
	# Gail's $8 on the lap point's laps, $5 paid at the table; Hal's WEB-9
	# once though both stations hold it.  pledges_once PAID STILL GAIL-PAID
	# GAIL-STILL: the event's pledges and each walker's, in hq-report
	pledges_once() {
		echo "$output" | grep -Eq "^    pledges +pledges +2 +walkers +2 +owed +\\\$10\.00 +paid +\\\$$1 +still owed +\\\$$2\$"
		echo "$output" | grep -Eq "^      walker 1 Ann +pledges +1 .*owed +\\\$8\.00 +paid +\\\$$3 +still owed +\\\$$4\$"
		echo "$output" | grep -Eq '^      walker 2 Bob +pledges +1 .*owed +\$2\.00 +paid +\$0\.00 +still owed +\$2\.00$'
		echo "$output" | grep -Eq "^national pledges +pledges +2 +walkers +2 +owed +\\\$10\.00 "
	}
	pledges_once 5.00 5.00 5.00 3.00
	# the lap point's bundle again: nothing twice
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T2-1)"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	pledges_once 5.00 5.00 5.00 3.00
	# Gail mails $2 to HQ against her statement: the copy's pledge
	command -v pdftotext >/dev/null || skip "pdftotext is not installed (poppler-utils)"
	"$WATCTL" --db "$T/t1.db" statement 1 --out "$T/s1.pdf" >/dev/null
	stmt=$(pdftotext "$T/s1.pdf" - | grep -oE 'S:T1:[0-9]+:[0-9]+:[0-9]+:[0-9A-F]{8}' | head -1)
	[ -n "$stmt" ]
	run "$WATCTL" hq-pay --db "$HQ" "$stmt" --amount 2 --method cash --by bea
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	pledges_once 7.00 3.00 7.00 1.00
	# HQ's CSV counts the table from the copy, and says so
	run "$WATCTL" hq-csv --db "$HQ"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\r\n"Jackson, MS",Walk Against Traffick,2026-05-02,'*',T1,,2,1,4,105.00,99.00,1,30.00,234.00,'"copy in station T2's bundle"$'\r\n'* ]]
	[[ "$output" == *',T2,1,0,5,0,0.00,0.00,0,0.00,0.00,own bundle'$'\r'* ]]
	# the table's own bundle arrives: its pledges replace the copy's
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)" "$(bundle_in "$USB" -T2-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" != *"backup copy"* ]]
	[[ "$output" == *"station T1 (export 1"* ]]
	pledges_once 7.00 3.00 7.00 1.00
	run "$WATCTL" hq-csv --db "$HQ" --event "$(tag_of "$T/t1.db")"
	echo "$output"
	[[ "$output" == *',T1,1,2,1,4,105.00,99.00,1,30.00,234.00,own bundle'$'\r\n'* ]]
	[[ "$output" != *"copy in"* ]]
}

# A carrier revoked (a wrong acceptance undone): the backup copies it
# brought counted on its word (their certificates checked against the event
# key its bundle named), so they leave the totals with it, pledges and all;
# another station's bundle carrying them counts them again.
@test "hq-revoke of a bundle takes the backup copies it carried out of the totals, pledges too" {
	chartered_day "$T/t1.db"
	for n in 2 3; do
		pack_out "$T/t1.db" "$STICK/t$n.pack" --station "T$n"
		pack_in "$T/t$n.db" "$STICK/t$n.pack"
	done
	"$WATCTL" --db "$T/t1.db" pledge add 1 --sponsor "Gail Grant" --kind flat --rate 20 >/dev/null
	lo_sync "$T/t2.db" "$T/t1.db"
	lo_sync "$T/t3.db" "$T/t1.db"
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	"$WATCTL" --db "$T/t3.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T2-1)"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"station T1 (copy, "* ]]
	[[ "$output" == *"national total"*"total      \$229.00"* ]]
	echo "$output" | grep -Eq '^national pledges +pledges +1 +walkers +1 +owed +\$20\.00 '
	run "$WATCTL" hq-revoke --db "$HQ" 1 --reason "not our lap point"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"The backup copies of other stations it carried no longer count either"* ]]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" != *"station T1"* ]]
	[[ "$output" != *"pledges"* ]]
	run "$WATCTL" hq-csv --db "$HQ"
	echo "$output"
	[ "${#lines[@]}" -eq 1 ]
	# the other lap point's bundle carries the table's entries too
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T3-1)"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[[ "$output" == *"Station T1: from station T3's backup copy"* ]]
	[[ "$output" == *"national total"*"total      \$229.00"* ]]
	echo "$output" | grep -Eq '^national pledges +pledges +1 +walkers +1 +owed +\$20\.00 '
}

# Conflicts in words: Ann registered at the table and "ÁNN" walked up at
# the lap point are shown as likely one person, linked by the coordinator
# (an entry, never a silent merge); the lap point asks the table to review a
# donation only the table can annul.  HQ still counts each dollar once.
@test "conflicts between synced stations: a likely duplicate linked, a review request answered where the money is" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/ev.pack"
	pack_in "$T/t2.db" "$STICK/ev.pack"
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	"$WATCTL" --db "$T/t2.db" set walker-base 500 >/dev/null
	"$WATCTL" --db "$T/t2.db" walker add --name "ÁNN" >/dev/null
	"$WATCTL" --db "$T/t2.db" donate 501 5 --method cash >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	run "$WATCTL" --db "$T/t1.db" conflicts
	echo "$output"
	[[ "$output" == *"walker 1 Ann here, and walker 501 ÁNN at Lap point (station T2)"* ]]
	run "$WATCTL" --db "$T/t1.db" sync --status --walker 1
	echo "$output"
	[[ "$output" == *"Walker 1: 1 laps, \$100.00 raised"* ]]
	run "$WATCTL" --db "$T/t1.db" link 1 --station T2 --walker 501
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" --db "$T/t1.db" conflicts
	[[ "$output" == *"No conflicts"* ]]
	run "$WATCTL" --db "$T/t1.db" sync --status --walker 1
	echo "$output"
	[[ "$output" == *"Walker 1: 1 laps, \$105.00 raised"* ]]
	# the lap point asks about the table's $30 (entry 7: other money)
	don=$(sqlite3 "$T/t1.db" "SELECT seq FROM entries WHERE kind = 'donation' AND amount = 3000")
	run "$WATCTL" --db "$T/t2.db" review-ask "$don" --station T1 --reason "the sponsor paid at the lap point too"
	echo "$output"
	[ "$status" -eq 0 ]
	lo_sync "$T/t1.db" "$T/t2.db"
	run "$WATCTL" --db "$T/t1.db" conflicts
	echo "$output"
	[[ "$output" == *"entry $don, \$30.00 for walker 2: Lap point (station T2) asks: the sponsor paid at the lap point too"* ]]
	"$WATCTL" --db "$T/t1.db" annul "$don" --reason "paid twice" >/dev/null
	run "$WATCTL" --db "$T/t1.db" conflicts
	[[ "$output" == *"No conflicts"* ]]
	# HQ: the table's $199 after the annulment and the lap point's $5, once
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)" "$(bundle_in "$USB" -T2-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"total \$204.00"* ]]
}

# Conflicts the table cannot link itself, in words: "Cy Dee" walked up at the
# lap point and at a third station (a duplicate between two other stations,
# linked at either), and walker 1 of the table's roster registered to
# someone else at the third station (one number for two people).
@test "conflicts: a duplicate between two other stations, one walker number for two people" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/t2.pack" --station T2
	pack_in "$T/t2.db" "$STICK/t2.pack"
	pack_out "$T/t1.db" "$STICK/t3.pack" --station T3
	pack_in "$T/t3.db" "$STICK/t3.pack"
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	"$WATCTL" --db "$T/t2.db" set walker-base 500 >/dev/null
	"$WATCTL" --db "$T/t2.db" walker add --name "Cy Dee" >/dev/null
	# its roster numbered from 1 too (a second import of the same list)
	"$WATCTL" --db "$T/t3.db" set walker-base 0 >/dev/null
	"$WATCTL" --db "$T/t3.db" walker add --name "Bo Chan" >/dev/null # walker 1 there
	"$WATCTL" --db "$T/t3.db" set walker-base 900 >/dev/null
	"$WATCTL" --db "$T/t3.db" walker add --name "CY DEE" >/dev/null
	[ "$(sqlite3 "$T/t3.db" "SELECT COUNT(*) FROM walkers WHERE id IN (1, 901)")" -eq 2 ]
	lo_sync "$T/t1.db" "$T/t2.db"
	lo_sync "$T/t1.db" "$T/t3.db"
	run "$WATCTL" --db "$T/t1.db" conflicts
	echo "$output"
	[[ "$output" == *"Likely the same person, registered at two other stations"* ]]
	[[ "$output" == *"Cy Dee (walker 501) at Lap point and CY DEE (walker 901) at Station T3: likely the same person"* ]]
	[[ "$output" == *"Walker 1 is Ann here and Bo Chan at Station T3: one number for two people"* ]]
	# linked at the lap point: gone from the table's list once it arrives
	lo_sync "$T/t2.db" "$T/t3.db"
	"$WATCTL" --db "$T/t2.db" link 501 --station T3 --walker 901 >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	run "$WATCTL" --db "$T/t1.db" conflicts
	echo "$output"
	[[ "$output" != *"CY DEE"* ]]
	[[ "$output" == *"one number for two people"* ]]
}

# Pledges at HQ (issue 18): the table and the lap point both imported the
# registration's pledges CSV (the same external ids), each took a payment,
# each counted laps; HQ counts each pledge once, with the laps and payments
# of both, and shows what is still owed by city, event and walker.  An HQ
# database of schema 2 (no pledges) is upgraded and gets them when the same
# bundle is merged again.
@test "HQ merge of two stations that imported the same pledges CSV counts each pledge once" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/ev.pack"
	pack_in "$T/t2.db" "$STICK/ev.pack"
	"$WATCTL" --db "$T/t2.db" set walker-base 500 >/dev/null
	# the registration's roster at both: Cy is 3 at the table, 501 at the lap point
	for db in "$T/t1.db" "$T/t2.db"; do
		"$WATCTL" --db "$db" set min-lap 0 >/dev/null
		"$WATCTL" --db "$db" walker add --name "Cy Cole" --id R-300 >/dev/null
		"$WATCTL" --db "$db" walker add --name "Di Dunn" --id R-400 >/dev/null
	done
	cat >"$T/pledges.csv" <<-'EOF2'
		Walker ID,Sponsor Name,Type,Rate,Max,Pledge ID,Paid,Paid Date
		R-300,Gail Grant,per lap,2,5,WEB-1,,
		R-300,Hal Hunt,flat,25,,WEB-2,10,2026-04-20
		R-400,Ivy Ives,flat,40,,WEB-3,,
	EOF2
	for db in "$T/t1.db" "$T/t2.db"; do
		run "$WATCTL" --db "$db" pledge import "$T/pledges.csv" --import-good-rows
		echo "$output"
		[ "$status" -eq 0 ]
		[[ "$output" == *"Imported 3 new pledges."* ]]
	done
	# a pledge on paper at the table only (no external id)
	"$WATCTL" --db "$T/t1.db" pledge add 4 --sponsor "Jo Jones" --rate 7 >/dev/null
	# Cy walks a lap at the table and two at the lap point: $2 a lap, at most $5
	"$WATCTL" --db "$T/t1.db" lap 3 >/dev/null
	"$WATCTL" --db "$T/t2.db" lap 501 >/dev/null
	"$WATCTL" --db "$T/t2.db" lap 501 >/dev/null
	# Hal (paid $10 online) pays $5 at the table and $4 at the lap point; Ivy $40
	"$WATCTL" --db "$T/t1.db" pledge list
	pl() { "$WATCTL" --db "$1" pledge list | sed -n "s/^ *pledge \([0-9]*\)  $2:.*/\1/p"; }
	"$WATCTL" --db "$T/t1.db" pledge pay 3 "$(pl "$T/t1.db" "Hal Hunt")" 5 --method cash
	"$WATCTL" --db "$T/t2.db" pledge pay 501 "$(pl "$T/t2.db" "Hal Hunt")" 4 --method cash
	"$WATCTL" --db "$T/t1.db" pledge pay 4 "$(pl "$T/t1.db" "Ivy Ives")" 40 --method check --check-no 77
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)" "$(bundle_in "$USB" -T2-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	# four pledges, not seven: Cy's per-lap pledge has the laps of both
	# stations (3 x $2, at most $5), Hal's $10 online counts once and his
	# two payments both; Jo's paper pledge is the table's alone
	pledges_are() {
		run "$WATCTL" hq-report --db "$HQ"
		echo "$output"
		[ "$status" -eq 0 ]
		for what in "    pledges +pledges +4 +walkers +2 +owed +\\\$77\\.00 +paid +\\\$59\\.00 +still owed +\\\$18\\.00" \
			"      walker 3 Cy Cole +pledges +2 .*owed +\\\$30\\.00 +paid +\\\$19\\.00 +still owed +\\\$11\\.00" \
			"      walker 4 Di Dunn +pledges +2 .*owed +\\\$47\\.00 +paid +\\\$40\\.00 +still owed +\\\$7\\.00" \
			"  city pledges +pledges +4 .*still owed +\\\$18\\.00" \
			"national pledges +pledges +4 .*still owed +\\\$18\\.00"; do
			echo "$output" | grep -Eq "^$what\$" || { echo "missing: $what"; return 1; }
		done
	}
	pledges_are
	# merged again: nothing counted twice
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)" "$(bundle_in "$USB" -T2-1)"
	[[ "$output" == *"Already merged"* ]]
	pledges_are
	# an HQ database of schema 2 (before pledges): upgraded at open, logged;
	# the same bundles merged again bring the pledges in
	command -v sqlite3 >/dev/null || skip "sqlite3 is not installed (APT_PKGS)"
	sqlite3 "$HQ" "DROP TABLE pledges; PRAGMA user_version = 2"
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"national total"*"\$278.00"* ]]
	[[ "$output" != *"pledges"* ]]
	[ "$(sqlite3 "$HQ" 'PRAGMA user_version')" -eq 3 ]
	run "$WATCTL" hq-log --db "$HQ"
	[[ "$output" == *"upgraded from schema 2 to 3"*"chain intact"* ]]
	"$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)" "$(bundle_in "$USB" -T2-1)" >/dev/null
	pledges_are
}

# Pledges over synced stations (issues 17 and 18): the welcome table holds
# the pledges, the lap point counts the laps.  Each bundle's outstanding.csv
# is the settlement its station shows (its own laps and its peers' held),
# verify recomputes it from the bundle's own ledger and the peers' copies,
# and HQ counts each pledge once with the holding station's figure, the
# event's lap cap applied as at the station.
@test "HQ bills per-lap pledges on the laps counted at the lap point, once, within the lap cap" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/ev.pack"
	pack_in "$T/t2.db" "$STICK/ev.pack"
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	"$WATCTL" --db "$T/t2.db" set min-lap 0 >/dev/null
	"$WATCTL" --db "$T/t2.db" set holdoff 0 >/dev/null
	"$WATCTL" --db "$T/t1.db" set min-lap 0 >/dev/null
	"$WATCTL" --db "$T/t1.db" set pledge-lap-cap 4 >/dev/null
	# walker 1: $2 a lap, on paper at the table; Bo (walker 2): $1 a lap
	# from the registration's CSV, imported at both stations
	"$WATCTL" --db "$T/t1.db" pledge add 1 --sponsor "Gail Grant" --kind lap --rate 2 >/dev/null
	printf 'Walker,Sponsor,Type,Rate,Pledge ID\r\n2,Hal Hunt,per lap,1,WEB-9\r\n' >"$T/pl.csv"
	"$WATCTL" --db "$T/t1.db" pledge import "$T/pl.csv" --import-good-rows >/dev/null
	# six laps of walker 1, all at the lap point; walker 2 three there, one at the table
	code=$("$WATCTL" --db "$T/t1.db" badge-code 1)
	for _ in 1 2 3 4 5 6; do "$WATCTL" --db "$T/t2.db" scan "$code" >/dev/null; done
	code2=$("$WATCTL" --db "$T/t1.db" badge-code 2)
	for _ in 1 2 3; do "$WATCTL" --db "$T/t2.db" scan "$code2" >/dev/null; done
	"$WATCTL" --db "$T/t1.db" lap 2 >/dev/null
	lo_sync "$T/t1.db" "$T/t2.db"
	# the table's own settlement: 7 laps of walker 1 (its one and the lap
	# point's six), 4 billed (the cap): $8; walker 2: 4 laps, $4
	run "$WATCTL" --db "$T/t1.db" pledge list
	echo "$output"
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	run "$WATCTL" verify "$(bundle_in "$USB" -T1-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T1-1)" "$(bundle_in "$USB" -T2-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -Eq '^    pledges +pledges +2 +walkers +2 +owed +\$12\.00 +paid +\$0\.00 +still owed +\$12\.00$'
	echo "$output" | grep -Eq '^      walker 1 Ann +pledges +1 .*owed +\$8\.00 .*still owed +\$8\.00$'
	echo "$output" | grep -Eq '^      walker 2 Bob +pledges +1 .*owed +\$4\.00 .*still owed +\$4\.00$'
}

# Honest laps across stations (issue 18): a lap scanned too soon at the lap
# point is flagged there; the welcome table, which holds the pledges, lists
# it ("at Lap point T2") and accepts it.  Until then it is not billed; from
# then the table's settlement, its bundle's outstanding.csv (verify
# recomputes it from the lap point's copy and the table's review), the lap
# point's own view after the next exchange and HQ's report all count it.
@test "a lap flagged at the lap point, accepted at the table: settlement, verify, the lap point and HQ agree" {
	chartered_day "$T/t1.db"
	pack_out "$T/t1.db" "$STICK/ev.pack"
	pack_in "$T/t2.db" "$STICK/ev.pack"
	"$WATCTL" --db "$T/t2.db" set role lap >/dev/null
	"$WATCTL" --db "$T/t2.db" set holdoff 1 >/dev/null
	"$WATCTL" --db "$T/t1.db" pledge add 1 --sponsor "Gail Grant" --kind lap --rate 2 >/dev/null
	code=$("$WATCTL" --db "$T/t1.db" badge-code 1)
	"$WATCTL" --db "$T/t2.db" scan "$code" >/dev/null # checked in, lap 1
	sleep 1.1
	run "$WATCTL" --db "$T/t2.db" scan "$code" # too soon: flagged
	echo "$output"
	lo_sync "$T/t1.db" "$T/t2.db"
	run "$WATCTL" --db "$T/t1.db" pledge list 1
	echo "$output"
	# the table's lap by hand (money) and the lap point's first: 2 laps, $4
	[[ "$output" == *"Gail Grant"*"laps 2"*"owed \$4.00"* ]]
	run "$WATCTL" --db "$T/t1.db" lap review
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"at Lap point T2: waiting (review with --station T2)"* ]]
	lap=$(echo "$output" | sed -n 's/.*lap, entry \([0-9]*\) at Lap point T2.*/\1/p')
	[ -n "$lap" ]
	run "$WATCTL" --db "$T/t1.db" lap accept "$lap" --station T2
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Station T2's lap $lap accepted: it counts."* ]]
	# the entry names the lap point's lap by its ledger identity
	sqlite3 "$T/t1.db" "SELECT line FROM entries WHERE kind = 'lap-review'" | grep -q '"ref":{"ledger":"[0-9a-f]\{64\}","seq":'"$lap"'}'
	run "$WATCTL" --db "$T/t1.db" pledge list 1
	echo "$output"
	[[ "$output" == *"Gail Grant"*"laps 3"*"owed \$6.00"* ]]
	run "$WATCTL" --db "$T/t1.db" lap review
	[[ "$output" == *"No flagged laps waiting for review."* ]]
	"$WATCTL" --db "$T/t1.db" check >/dev/null
	# the lap point hears of it at the next exchange: no longer waiting there
	lo_sync "$T/t1.db" "$T/t2.db"
	run "$WATCTL" --db "$T/t2.db" lap review
	echo "$output"
	[[ "$output" == *"No flagged laps waiting for review."* ]]
	run "$WATCTL" --db "$T/t2.db" lap review --all
	[[ "$output" == *"lap, entry $lap: accepted"* ]]
	"$WATCTL" --db "$T/t1.db" export --out "$USB" >/dev/null
	"$WATCTL" --db "$T/t2.db" export --out "$USB" >/dev/null
	run "$WATCTL" verify "$(bundle_in "$USB" -T1-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" merge --db "$HQ" "$(bundle_in "$USB" -T2-1)" "$(bundle_in "$USB" -T1-1)"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$WATCTL" hq-report --db "$HQ"
	echo "$output"
	echo "$output" | grep -Eq '^      walker 1 Ann +pledges +1 .*owed +\$6\.00 .*still owed +\$6\.00$'
}
