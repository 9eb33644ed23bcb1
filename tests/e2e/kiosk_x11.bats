#!/usr/bin/env bats
# wat-kiosk in a real X window (Xvfb), driven by xdotool like a person: a
# scanner typing a badge code + Enter, a click on a button.

# The kiosk's window id once it is mapped.  xdotool's search walks the window
# tree and fails with BadWindow when a window goes away under it (SDL makes
# and drops helper windows at start): look again.
kiosk_window() {
	local wid
	for _ in 1 2 3 4 5; do
		wid=$(timeout 10 xdotool search --sync --name 'W.A.T. Welcome Table' 2>/dev/null | head -1)
		[ -n "$wid" ] && echo "$wid" && return 0
		sleep 0.2
	done
	return 1
}

setup() {
	for c in Xvfb xdotool import convert compare; do
		command -v "$c" >/dev/null || skip "$c is not installed"
	done
	DB="$BATS_TEST_TMPDIR/station.db"
	w() { "$WATCTL" --db "$DB" "$@"; }
	echo 246813 >"$BATS_TEST_TMPDIR/pin"
	w init --name "Walk Against Traffick" --city Jackson --date "$(date +%F)" \
		--pin-file "$BATS_TEST_TMPDIR/pin" >/dev/null
	w walker add --name "María López" >/dev/null
	BADGE1=$(w badge-code 1)
	Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$BATS_TEST_TMPDIR/display" 2>/dev/null &
	XVFB=$!
	for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/display" ] && break; sleep 0.05; done
	export DISPLAY=":$(cat "$BATS_TEST_TMPDIR/display")"
	KIOSK=
}

teardown() {
	[ -n "${KIOSK:-}" ] && kill "$KIOSK" 2>/dev/null && wait "$KIOSK" 2>/dev/null
	[ -n "${XVFB:-}" ] && kill "$XVFB" 2>/dev/null
	true
}

# colours in a screenshot of the whole X screen
colours() { convert "$1" -format '%k' info:; }

@test "kiosk x11: a typed scan is recorded, a click changes the screen, the window is not blank" {
	# X11 and Mesa leave exit-time allocations in libraries they dlclose, which
	# LeakSanitizer cannot name or suppress; kiosk.bats checks our leaks.
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
	SDL_VIDEODRIVER=x11 SDL_AUDIODRIVER=dummy "$WAT_KIOSK" --db "$DB" --window 800x480 --no-sound \
		2>"$BATS_TEST_TMPDIR/kiosk.err" &
	KIOSK=$!
	wid=$(kiosk_window)
	[ -n "$wid" ]
	xdotool windowmove --sync "$wid" 0 0 windowfocus --sync "$wid" || true
	sleep 0.5
	import -window root "$BATS_TEST_TMPDIR/home.png"
	n=$(colours "$BATS_TEST_TMPDIR/home.png")
	echo "home: $n colours"
	[ "$n" -gt 10 ]

	# a keyboard-wedge scanner: the code as keystrokes, then Enter
	xdotool type --delay 5 "$BADGE1"
	xdotool key Return
	sleep 0.5
	import -window root "$BATS_TEST_TMPDIR/welcome.png"

	# touch anywhere goes home, then a click on "Find a walker" (bottom left at 800x480)
	xdotool mousemove --window "$wid" 400 200 click 1
	sleep 0.3
	xdotool mousemove --window "$wid" 130 436 click 1
	sleep 0.5
	import -window root "$BATS_TEST_TMPDIR/find.png"
	diff_home=$(compare -metric AE "$BATS_TEST_TMPDIR/home.png" "$BATS_TEST_TMPDIR/find.png" null: 2>&1 || true)
	diff_welcome=$(compare -metric AE "$BATS_TEST_TMPDIR/home.png" "$BATS_TEST_TMPDIR/welcome.png" null: 2>&1 || true)
	echo "pixels changed: welcome $diff_welcome, find $diff_home"
	[ "${diff_welcome%% *}" -gt 10000 ]
	[ "${diff_home%% *}" -gt 10000 ]
	# a clean stop on SIGTERM, then the check-in is in the ledger (it holds it while running)
	kill -TERM "$KIOSK"
	wait "$KIOSK"
	KIOSK=
	w log | grep checkin
}

@test "kiosk x11: with sound on and no sound device, nothing from ALSA on stderr" {
	compgen -G '/dev/snd/pcmC*p' >/dev/null && skip "this machine has a sound device"
	mkdir -p "$BATS_TEST_TMPDIR/run" # a session with no sound server
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run" \
	SDL_VIDEODRIVER=x11 "$WAT_KIOSK" --db "$DB" --window 800x480 2>"$BATS_TEST_TMPDIR/kiosk.err" &
	KIOSK=$!
	kiosk_window >/dev/null
	sleep 0.5
	kill "$KIOSK"
	wait "$KIOSK" || true
	KIOSK=
	cat "$BATS_TEST_TMPDIR/kiosk.err"
	! grep -q ALSA "$BATS_TEST_TMPDIR/kiosk.err"
}

# A click at (x, y) of the 800x480 window, then a moment for the frame.
click() { xdotool mousemove --window "$wid" "$1" "$2" click 1; sleep 0.4; }

@test "kiosk x11: a new station joins from a sealed event pack, its key typed by a scanner" {
	mkdir -p "$BATS_TEST_TMPDIR/usb"
	key=$(w event-pack export "$BATS_TEST_TMPDIR/usb/walk.pack" | grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' | head -1)
	[ -n "$key" ]
	c=${key:7:1}
	typo="${key:0:7}$([ "$c" = A ] && echo B || echo A)${key:8}"
	DB2="$BATS_TEST_TMPDIR/lap.db"
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
	SDL_VIDEODRIVER=x11 SDL_AUDIODRIVER=dummy "$WAT_KIOSK" --db "$DB2" --window 800x480 --no-sound \
		--usb "$BATS_TEST_TMPDIR/usb" 2>"$BATS_TEST_TMPDIR/kiosk.err" &
	KIOSK=$!
	wid=$(kiosk_window)
	[ -n "$wid" ]
	xdotool windowmove --sync "$wid" 0 0 windowfocus --sync "$wid" || true
	sleep 0.5
	# its coordinator PIN, twice, and the recovery code seen
	xdotool type --delay 20 135790 && xdotool key Return && sleep 0.4
	xdotool type --delay 20 135790 && xdotool key Return && sleep 0.6
	click 600 437 # I have written it down
	click 614 120 # Start from HQ's event file or a pack
	sleep 0.5
	click 200 132 # the pack
	import -window root "$BATS_TEST_TMPDIR/key.png"
	# a scanner types a mistyped key: refused, nothing joined
	xdotool type --delay 5 "WATPACK:$typo" && xdotool key Return && sleep 0.8
	import -window root "$BATS_TEST_TMPDIR/typo.png"
	[ ! -s "$DB2" ] || ! "$WATCTL" --db "$DB2" settings 2>/dev/null | grep -q "Walk Against"
	# cleared, then the QR code's text as the scanner types it, and Enter
	xdotool key --delay 5 --repeat 60 BackSpace
	xdotool type --delay 5 "WATPACK:$key" && xdotool key Return && sleep 1
	import -window root "$BATS_TEST_TMPDIR/id.png"
	diff=$(compare -metric AE "$BATS_TEST_TMPDIR/key.png" "$BATS_TEST_TMPDIR/id.png" null: 2>&1 || true)
	echo "key screen to id screen: $diff pixels"
	[ "${diff%% *}" -gt 10000 ]
	xdotool key Return # T2, as suggested
	sleep 1
	kill -TERM "$KIOSK"
	wait "$KIOSK"
	KIOSK=
	run "$WATCTL" --db "$DB2" settings
	echo "$output"
	[[ "$output" == *"Walk Against Traffick"* ]]
	[[ "$output" == *"station"*"T2"* ]]
}

@test "kiosk x11: at 800x480 a new station starts from HQ's event file on the stick, by clicks" {
	# HQ's event file for the demo HQ, whose key every image carries (assets/hq)
	local hq="$BATS_TEST_TMPDIR/hq" usb="$BATS_TEST_TMPDIR/usb" db="$BATS_TEST_TMPDIR/new.db"
	cp -r "$REPO/assets/demo/hq" "$hq" && chmod 700 "$hq" && chmod 600 "$hq"/*.key
	mkdir "$usb"
	"$WATCTL" hq-charter --hq "$hq" --event 2026-jackson-ms --name "Walk Against Traffick" \
		--city "Jackson, MS" --date "$(date +%F)" --org "International Outreach Ministries" \
		--ein 64-0123456 --inbox https://hq.example.org/inbox --upload-code K7Q-22XM \
		--out "$usb" >/dev/null
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
	SDL_VIDEODRIVER=x11 SDL_AUDIODRIVER=dummy "$WAT_KIOSK" --db "$db" --window 800x480 \
		--no-sound --usb "$usb" 2>"$BATS_TEST_TMPDIR/kiosk.err" &
	KIOSK=$!
	wid=$(kiosk_window)
	[ -n "$wid" ]
	xdotool windowmove --sync "$wid" 0 0 windowfocus --sync "$wid" || true
	sleep 0.5
	click() { xdotool mousemove --window "$wid" "$1" "$2" click 1; sleep "${3:-0.4}"; }
	# the PIN, twice (typed), Next; the recovery code written down
	xdotool type --delay 20 135790
	click 598 432
	xdotool type --delay 20 135790
	click 598 432 0.6
	click 600 437
	# set-up: "Start from HQ's event file or a pack", the charter, Next (T1)
	click 614 120 0.6
	click 200 132 0.8
	import -window root -crop 800x480+0+0 "$BATS_TEST_TMPDIR/id.png"
	click 707 444 1
	import -window root -crop 800x480+0+0 "$BATS_TEST_TMPDIR/done.png"
	kill -TERM "$KIOSK"
	wait "$KIOSK"
	KIOSK=
	run "$WATCTL" --db "$db" settings
	echo "$output"
	[[ "$output" == *"Walk Against Traffick"* ]]
	[[ "$output" == *"International Outreach Ministries"* ]]
	grep -q '"event":"2026-jackson-ms"' "$db.keys/station.cert"
	[ "$(stat -c %a "$db.keys/event.key")" = 600 ]
	[ "$(colours "$BATS_TEST_TMPDIR/done.png")" -gt 10 ]
}
