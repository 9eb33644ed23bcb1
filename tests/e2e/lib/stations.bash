# Stations of one event for a test.
#   pack FROM TO FILE [ARGS]  station TO joins FROM's event by a sealed event
#                             pack (its key is printed once by the export,
#                             given to the import); ARGS go to the export

pack() {
	local from=$1 to=$2 file=$3
	shift 3
	"$WATCTL" --db "$from" event-pack export "$file" "$@" >"$file.out"
	"$WATCTL" --db "$to" event-pack import "$file" \
		--key "$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' "$file.out" | head -1)" >/dev/null
}
