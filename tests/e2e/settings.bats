#!/usr/bin/env bats
# The settings table (src/core/setting.c) and everything it drives: the table in
# docs/FORMATS.md, `watctl set --help` and `watctl settings`, the kiosk's
# settings screen; a setting missing from any of them fails here.  The lap
# length is kept as typed; an older ledger's whole metres read as before.

setup() {
	T="$BATS_TEST_TMPDIR"
	DB="$T/station.db"
	w() { "$WATCTL" --db "$DB" "$@"; }
	# the keys, and where the kiosk shows each, from the table itself
	"$WATCTL" settings --markdown >"$T/table.md"
	keys=$(awk -F'|' 'NR > 2 { gsub(/[ `]/, "", $2); print $2 }' "$T/table.md")
	[ "$(echo "$keys" | wc -l)" -ge 18 ]
}

@test "settings: docs/FORMATS.md holds the table watctl settings --markdown prints; the guide names every key" {
	sed -n '/^<!-- settings: generated/,/^<!-- end of settings -->/p' "$REPO/docs/FORMATS.md" |
		sed '1d;$d' >"$T/doc.md"
	diff -u "$T/table.md" "$T/doc.md"
	# and the coordinator's guide names every key
	for k in $keys; do grep -q "\`$k\`" "$REPO/docs/COORDINATOR-GUIDE.md" || { echo "[$k]"; false; }; done
}

@test "settings: watctl set --help and watctl settings name every key" {
	w init --pin-later --name "Walk Against Traffick" --city Jackson --date 2026-12-05 >/dev/null
	run "$WATCTL" set --help
	[ "$status" -eq 0 ]
	help=$output
	run w settings
	[ "$status" -eq 0 ]
	shown=$output
	for k in $keys; do
		echo "[$k]"
		[[ "$help" == *$'\n'"  $k "* ]]
		[[ "$shown" == *$'\n'"$k"$'\t'* || "$shown" == "$k"$'\t'* ]]
	done
	# a key that is not in the table is refused, naming them all
	run w set colour red
	[ "$status" -eq 2 ]
	for k in $keys; do [[ "$output" == *"$k"* ]]; done
}

@test "settings: the lap length is kept as typed; an older ledger's metres read as before" {
	w init --pin-later --name "Walk Against Traffick" --city Jackson --date 2026-12-05 >/dev/null
	w set lap-length 0.25mi >/dev/null
	run w settings
	[[ "$output" == *$'lap-length\t0.25 mi'* ]]
	w log | grep -q '"key":"lap-length","value":"0.25 mi"'
	# 40 laps of 0.25 mi are 10.00 mi (whole metres made them 9.99)
	w walker add --name "Dana Walkup" >/dev/null
	w set min-lap 0 >/dev/null # 40 laps by hand in a row
	for _ in $(seq 40); do w lap 1 >/dev/null; done
	w slip 1 --out "$T/slip.pdf" >/dev/null
	pdftotext "$T/slip.pdf" - | tr -s ' \n' ' ' >"$T/slip.txt"
	grep -q '16.09 km (10.00 mi)' "$T/slip.txt"
	# the v2 fixture's 0.25mi was stored as 402 (metres): still 402 m
	sqlite3 "$T/v2.db" <"$REPO/tests/fixtures/ledger/v2-2026-12-02.sql"
	run "$WATCTL" --db "$T/v2.db" settings
	echo "$output"
	[[ "$output" == *$'lap-length\t402 m'* ]]
}

@test "settings: the kiosk's settings screen shows every setting the table puts there" {
	export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy PIN=246813
	echo "$PIN" >"$T/pin"
	w init --name "Walk Against Traffick" --city Jackson --date "$(date +%F)" \
		--pin-file "$T/pin" >/dev/null
	w set lap-length 0.25mi >/dev/null
	w set min-lap 90 >/dev/null
	{
		echo "press Coordinator"
		echo "type \${PIN}"
		echo "press Next"
		echo "expect-screen coord"
		grep -F '| Coordinator menu: ' "$T/table.md" | sed 's/.*| Coordinator menu: \([^|]*\) |.*/expect-text \1/'
		echo "press Event settings"
		echo "expect-screen settings"
		# the settings come in pages of eleven (six rows of two, the last cell
		# turning the page), in the table's order
		grep -F '| Event settings: ' "$T/table.md" | sed 's/.*| Event settings: \([^|]*\) |.*/expect-text \1: /' |
			awk 'NR > 1 && (NR - 1) % 11 == 0 { print "press More settings (" (NR - 1) / 11 " of " pages ")" } { print }' \
				pages=$(( ($(grep -cF '| Event settings: ' "$T/table.md") + 10) / 11 ))
		echo "press Back"
		echo "press Event settings"
		echo "expect-text Lap length: 0.25 mi"
		echo "expect-text Shortest lap: 90 s"
	} >"$T/settings.script"
	cat "$T/settings.script"
	[ "$(grep -c '^expect-text' "$T/settings.script")" -ge 18 ]
	run "$WAT_KIOSK" --db "$DB" --window 1280x800 --usb "$T" --script "$T/settings.script"
	echo "$output"
	[ "$status" -eq 0 ]
}
