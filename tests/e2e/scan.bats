#!/usr/bin/env bats
# watctl decode: the QR payloads in pictures, one line per picture.

bats_require_minimum_version 1.5.0

setup() {
  F="$REPO/tests/fixtures/scan"
  CORPUS="$REPO/../shared/corpus/zxing-cpp-v2.3.0"
  TAB=$'\t'
}

@test "decode prints each picture's name, a TAB and its badge code" {
  run "$WATCTL" decode "$F/badge.png" "$F/badge.pgm" "$F/photo.jpg"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$F/badge.png${TAB}W1-K7QF-42-8XJ2M4PQ9RTA" ]
  [ "${lines[1]}" = "$F/badge.pgm${TAB}W1-K7QF-7-MMMMMMMMMMMM" ]
  [ "${lines[2]}" = "$F/photo.jpg${TAB}W1-K7QF-42-8XJ2M4PQ9RTA" ]
  [ "${#lines[@]}" -eq 3 ]
}

@test "decode keeps the name as given and joins several codes with |" {
  cd "$F"
  run "$WATCTL" decode two.png
  [ "$status" -eq 0 ]
  [ "$output" = "two.png${TAB}W1-AAAA-1-X|W1-BBBB-2-Y" ] ||
    [ "$output" = "two.png${TAB}W1-BBBB-2-Y|W1-AAAA-1-X" ]
}

@test "decode escapes backslash, newline, CR, TAB and | inside a payload" {
  run "$WATCTL" decode "$F/escape.png"
  [ "$status" -eq 0 ]
  [ "$output" = "$F/escape.png${TAB}a\\|b\\\\c\\td\\r\\ne" ]
}

@test "decode prints an empty payload for a picture without a code" {
  run "$WATCTL" decode "$F/blank.png"
  [ "$status" -eq 0 ]
  [ "$output" = "$F/blank.png${TAB}" ]
}

@test "decode exits 2 on a damaged or missing picture and still reads the others" {
  run --separate-stderr "$WATCTL" decode "$F/damaged.png" "$F/badge.png" "$BATS_TEST_TMPDIR/none.png"
  [ "$status" -eq 2 ]
  [ "$output" = "$F/badge.png${TAB}W1-K7QF-42-8XJ2M4PQ9RTA" ]
  [[ "$stderr" == *"damaged"* ]]
  [[ "$stderr" == *"none.png"* ]]
}

@test "decode without a picture is a usage error" {
  run "$WATCTL" decode
  [ "$status" -ne 0 ]
  [ "$status" -ne 2 ]
}

@test "decode reads codes made by the stock qrencode tool, rotated and JPEG'd by ImageMagick" {
  command -v qrencode >/dev/null || skip "qrencode is not installed"
  command -v convert >/dev/null || skip "ImageMagick is not installed"
  cd "$BATS_TEST_TMPDIR"
  qrencode -l M -s 4 -o badge.png 'W1-K7QF-42-8XJ2M4PQ9RTA'
  convert badge.png -background white -rotate 23 -blur 0x1 -quality 35 tilted.jpg
  printf 'line 1\nline 2|x\\y' | qrencode -l M -s 4 -o multi.png
  run "$WATCTL" decode badge.png tilted.jpg multi.png
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "badge.png${TAB}W1-K7QF-42-8XJ2M4PQ9RTA" ]
  [ "${lines[1]}" = "tilted.jpg${TAB}W1-K7QF-42-8XJ2M4PQ9RTA" ]
  [ "${lines[2]}" = "multi.png${TAB}line 1\\nline 2\\|x\\\\y" ]
}

@test "decode reads a real photo of the external corpus" {
  [ -f "$CORPUS/qrcode-1/1.png" ] || skip "corpus absent (../shared/corpus/zxing-cpp-v2.3.0)"
  run "$WATCTL" decode "$CORPUS/qrcode-1/1.png"
  [ "$status" -eq 0 ]
  # Its text holds a backslash, which decode doubles.
  [ "$output" = "$CORPUS/qrcode-1/1.png${TAB}$(sed 's/\\/\\\\/g' "$CORPUS/qrcode-1/1.txt")" ]
}

@test "decode finds nothing in the corpus photos without a code" {
  [ -d "$CORPUS/falsepositives-1" ] || skip "corpus absent (../shared/corpus/zxing-cpp-v2.3.0)"
  run "$WATCTL" decode "$CORPUS"/falsepositives-1/*.png "$CORPUS"/falsepositives-2/*.png
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "${lines[@]}" | grep -vc $'\t$')" -eq 0 ]
}
