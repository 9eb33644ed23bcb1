#!/usr/bin/env bats
# The folders of src/ and what each may include (docs/ARCHITECTURE.md):
# src/check-includes against the dependency files the build wrote, and
# against made-up ones that break a folder's ALLOW.

DIRS="base core ledger scan print bundle hq hqweb sync send kiosk kiosk/screens cli"

@test "includes: the build's own files keep to their folders' ALLOW" {
	cd "$REPO"
	[ -d "$BUILD/obj/core" ]
	run src/check-includes "$BUILD/obj" $DIRS
	echo "$output"
	[ "$status" -eq 0 ]
	# every folder of src/ with a C file is checked (a new folder needs an ALLOW)
	for d in $(find src -name '*.c' -printf '%h\n' | sed 's|^src/||' | sort -u); do
		[[ " $DIRS " == *" $d "* ]] || { echo "src/$d is not checked"; false; }
		[ -f "src/$d/ALLOW" ]
	done
	grep -q "^SRC_DIRS := $DIRS\$" Makefile
}

@test "includes: the core including sqlite, or a screen including the ledger's insides, fails naming the file and the header" {
	cd "$REPO"
	o="$BATS_TEST_TMPDIR/obj"
	mkdir -p "$o/core" "$o/kiosk/screens"
	printf '%s\n' "$o/core/fold.o: src/core/fold.c src/core/fold.h \\" \
		" /usr/include/stdio.h /usr/include/sqlite3.h" "" "src/core/fold.h:" >"$o/core/fold.d"
	printf '%s\n' "$o/kiosk/screens/screen_home.o: src/kiosk/screens/screen_home.c \\" \
		" src/kiosk/screens/screens.h src/hq/hq.h /usr/include/SDL2/SDL.h" >"$o/kiosk/screens/screen_home.d"
	run src/check-includes "$o" core kiosk/screens
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"src/core/fold.c includes /usr/include/sqlite3.h (library sqlite3): not in src/core/ALLOW"* ]]
	[[ "$output" == *"src/kiosk/screens/screen_home.c includes src/hq/hq.h (folder src/hq): not in src/kiosk/screens/ALLOW"* ]]
	[[ "$output" == *"src/kiosk/screens/screen_home.c includes /usr/include/SDL2/SDL.h (library sdl2)"* ]]
	# stdio.h is libc, allowed everywhere: not named
	[[ "$output" != *"stdio.h"* ]]
	# a header from nowhere known is named too
	printf '%s\n' "$o/core/fold.o: src/core/fold.c /opt/x/include/foo.h" >"$o/core/fold.d"
	rm "$o/kiosk/screens/screen_home.d"
	run src/check-includes "$o" core
	[ "$status" -ne 0 ]
	[[ "$output" == *"/opt/x/include/foo.h, a header of no library check-includes knows"* ]]
}
