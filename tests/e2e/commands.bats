#!/usr/bin/env bats
# watctl's table of commands: every command's usage is written once (its
# entry) and printed the same by `watctl --help`, `watctl help CMD`,
# `watctl CMD --help` and on bad usage; the list is the table.

bats_require_minimum_version 1.5.0

setup() {
	DB="$BATS_TEST_TMPDIR/station.db"
	"$WATCTL" --db "$DB" init --pin-later --name "Walk" --city "Jackson" --date 2026-11-24 >/dev/null
	# "  NAME FORM" lines of the list (what it does is indented further)
	list=$("$WATCTL" --help | grep '^  [a-z]')
	names=$(awk '{print $1}' <<<"$list" | uniq)
}

@test "commands: the list names every command of the table in watctl.c, in its order" {
	# the table's entries, and the name each entry gives
	table=$(find "$REPO/src" -name watctl.c -exec sed -n 's/^[[:space:]]*&\([a-z_0-9]*_entry\),$/\1/p' {} +)
	[ -n "$table" ]
	from_src=$(for e in $table; do
		grep -rh -A2 "^const struct cli_cmd_entry $e = {" "$REPO/src" |
			sed -n 's/^[[:space:]]*\.name = "\([^"]*\)",$/\1/p'
	done)
	echo "table: $from_src"
	echo "list:  $names"
	[ "$(wc -l <<<"$from_src")" -ge 30 ]
	[ "$from_src" = "$names" ]
	# each name once
	[ "$(sort <<<"$names" | uniq -d)" = "" ]
}

@test "commands: CMD --help and help CMD print the usage the list shows, on stdout" {
	for cmd in $names; do
		run --separate-stderr "$WATCTL" "$cmd" --help
		[ "$status" -eq 0 ] || { echo "$cmd --help: $status $stderr"; false; }
		[ -z "$stderr" ]
		[[ "$output" == "Usage: watctl "* ]] || { echo "$cmd: $output"; false; }
		help=$output
		run --separate-stderr "$WATCTL" help "$cmd"
		[ "$status" -eq 0 ]
		[ "$output" = "$help" ] || { echo "help $cmd: $output"; false; }
		# every form the list shows is a line of the usage
		while IFS= read -r form; do
			form=${form#  }
			grep -qxE "(Usage:|      ) watctl (\[?--db FILE\]? )?$(printf '%s' "$form" | sed 's/[][\.|$*+?(){}^]/\\&/g')" <<<"$help" ||
				{ echo "$cmd: '$form' not in: $help"; false; }
		done < <(grep "^  $cmd\( \|$\)" <<<"$list")
	done
}

@test "commands: bad usage exits 2 and says the same usage on stderr" {
	for cmd in $names; do
		[ "$cmd" = help ] && continue
		usage=$("$WATCTL" "$cmd" --help | head -1)
		run --separate-stderr "$WATCTL" --db "$DB" "$cmd" --no-such-option
		[ "$status" -eq 2 ] || { echo "$cmd: $status"; false; }
		[ -z "$output" ]
		[[ "$stderr" == *"Unknown option --no-such-option."* ]]
		[[ "$stderr" == *"$usage"* ]] || { echo "$cmd: $stderr"; false; }
	done
	# and a command's own check of its words says it too
	run --separate-stderr "$WATCTL" --db "$DB" donate 1
	[ "$status" -eq 2 ]
	[[ "$stderr" == "$("$WATCTL" donate --help)" ]]
	run --separate-stderr "$WATCTL" --db "$DB" walker frob
	[ "$status" -eq 2 ]
	[[ "$stderr" == "$("$WATCTL" walker --help)" ]]
}

@test "commands: help of an unknown command is bad usage" {
	run --separate-stderr "$WATCTL" help frobnicate
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'Unknown command "frobnicate".'* ]]
	run "$WATCTL" help
	[ "$status" -eq 0 ]
	[[ "$output" == *"  init --name NAME"* ]]
}
