#!/usr/bin/env bats
# board/ and image/ static checks (issue 7): fast, no image build, no QEMU.
# The image build and boot test are `make image` / `make image-test`.

setup() {
	B="$REPO/board"
	T="$BATS_TEST_TMPDIR"
}

# A scratch root with the board files, the host's own units (for the
# dependencies), /bin/sh and a stand-in for the programs (make install-app's,
# PREFIX=/usr on the image), so `systemd-analyze --root` can resolve everything.
board_root() {
	R="$T/root"
	"$B/install.sh" --destdir "$R" --build "$REPO/${BUILD:-build}" >/dev/null
	mkdir -p "$R/usr/lib/systemd/system" "$R/bin" "$R/usr/bin" "$R/usr/sbin"
	cp -rn /lib/systemd/system/. "$R/usr/lib/systemd/system/" 2>/dev/null || true
	cp /bin/sh "$R/bin/sh"
	cp /bin/sh "$R/usr/bin/wat-sync"
	cp /bin/sh "$R/usr/bin/wat-send"
	cp /bin/sh "$R/usr/sbin/hostapd" # Debian's hostapd, in the image (NETWORK=offer)
}

@test "board: our systemd units pass systemd-analyze verify" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze missing (apt-get install systemd)"
	board_root
	cd "$R/usr/lib/systemd/system"
	run systemd-analyze verify --root="$R" wat-kiosk.service wat-sync.service wat-send.service wat-bootcheck.service \
		wat-firstboot.service wat-provision.service wat-printer-setup.service wat-testshell@ttyAMA0.service \
		wat-network.service wat-hostapd.service
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "board: the kiosk unit's systemd-analyze security exposure is at most 2.0" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze missing"
	board_root
	run systemd-analyze security --offline=true --root="$R" --threshold=20 wat-kiosk.service
	score=$(printf '%s\n' "$output" | sed -n 's/.*Overall exposure level for wat-kiosk.service: \([0-9.]*\).*/\1/p')
	echo "# exposure $score" >&3
	[ -n "$score" ]
	[ "$status" -eq 0 ]
}

@test "board: the sync unit's exposure is at most 2.5, the kiosk's unit keeps IPAddressDeny=any" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze missing"
	board_root
	run systemd-analyze security --offline=true --root="$R" --threshold=25 wat-sync.service
	score=$(printf '%s\n' "$output" | sed -n 's/.*Overall exposure level for wat-sync.service: \([0-9.]*\).*/\1/p')
	echo "# exposure $score" >&3
	[ -n "$score" ]
	[ "$status" -eq 0 ]
	grep -qx 'IPAddressDeny=any' "$B/systemd/wat-kiosk.service"
	! grep -q '^IPAddressAllow' "$B/systemd/wat-kiosk.service"
	grep -qx 'IPAddressDeny=any' "$B/systemd/wat-sync.service"
	grep -q '^ExecStart=/usr/bin/wat-sync .*--kiosk /run/wat-kiosk/sync.sock' "$B/systemd/wat-sync.service"
}

@test "board: the Send to HQ unit's exposure is at most 2.5; only it and watctl link libcurl" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze missing"
	board_root
	run systemd-analyze security --offline=true --root="$R" --threshold=25 wat-send.service
	score=$(printf '%s\n' "$output" | sed -n 's/.*Overall exposure level for wat-send.service: \([0-9.]*\).*/\1/p')
	echo "# exposure $score" >&3
	[ -n "$score" ]
	[ "$status" -eq 0 ]
	grep -q '^ExecStart=/usr/bin/wat-send .*--kiosk /run/wat-kiosk/sync.sock' "$B/systemd/wat-send.service"
	grep -q '^ConditionPathExists=/etc/wpa_supplicant/wpa_supplicant-wlan0.conf' "$B/systemd/wat-send.service"
	! ldd "$REPO/${BUILD:-build}/wat-kiosk" | grep -q libcurl
}

@test "board: the kiosk unit has what the appliance relies on" {
	u="$B/systemd/wat-kiosk.service"
	for line in Type=notify WatchdogSec= Restart=always User=kiosk "SupplementaryGroups=video render input lp audio" \
		TTYPath=/dev/tty1 Conflicts=getty@tty1.service ProtectSystem=strict StateDirectory=wat/kiosk \
		NoNewPrivileges=yes "RestrictAddressFamilies=AF_UNIX" DevicePolicy=closed "DeviceAllow=char-drm rw"; do
		grep -q "^$line" "$u" || { echo "missing $line"; return 1; }
	done
	# the kiosk stamps entries with the kernel's boot id (src/base/stamp.c):
	# ProcSubset=pid would hide /proc/sys/kernel/random/boot_id from it
	! grep -q '^ProcSubset=pid' "$u"
	grep -q '^RuntimeWatchdogSec=14s' "$B/systemd/system.conf.d/wat.conf"
	grep -q '^RebootWatchdogSec=14s' "$B/systemd/system.conf.d/wat.conf"
	grep -q '^NAutoVTs=0' "$B/systemd/logind.conf.d/wat.conf"
	grep -q '^kernel.sysrq = 0' "$B/conf/90-wat.conf"
	grep -q 'overlayroot=tmpfs:recurse=0' "$B/raspi/raspi-extra-cmdline"
	grep -q '^overlayroot="tmpfs:recurse=0"' "$B/initramfs/overlayroot.conf"
	grep -q '^busybox' "$REPO/image/packages.common"
	grep -Eq '^LABEL=watdata[[:space:]]+/var/lib/wat[[:space:]]+ext4[[:space:]]+noatime' "$B/conf/fstab"
	grep -q '^ROOTPART=LABEL=watroot' "$B/raspi/raspi-firmware"
	grep -q '^CMA=' "$B/raspi/raspi-firmware"
}

@test "board: the image-test shell announces itself, then reads commands" {
	grep -qx 'ExecStart=/usr/libexec/wat/wat-testshell' "$B/systemd/wat-testshell@.service"
	# an interactive sh ignores SIGTERM: stopped by a hang-up, or every power-off waits 90 s
	grep -qx 'KillSignal=SIGHUP' "$B/systemd/wat-testshell@.service"
	run sh -c "printf 'echo answered-\$((6*7))\\n' | '$B/libexec/wat-testshell'"
	echo "$output"
	[ "$status" -eq 0 ]
	# the announcement comes first (image/qemu-test types nothing before it)
	[ "$(printf '%s\n' "$output" | grep -v '^$' | head -1)" = WAT-TESTSHELL-READY ]
	[ "$(printf '%s\n' "$output" | grep -v '^$' | sed -n 2p)" = answered-42 ]
}

@test "board: cupsd is restarted when it crashes (a cups.service drop-in, installed)" {
	grep -qx 'Restart=on-failure' "$B/systemd/cups.service.d/wat.conf"
	grep -qx '\[Service\]' "$B/systemd/cups.service.d/wat.conf"
	"$B/install.sh" --destdir "$T/root" >/dev/null
	cmp "$B/systemd/cups.service.d/wat.conf" "$T/root/usr/lib/systemd/system/cups.service.d/50-wat.conf"
	grep -q 'DirtyCleanInterval 0' "$B/install.sh"
}

@test "board: shell helpers parse (sh -n)" {
	for f in "$B"/libexec/* "$B/install.sh" "$REPO/image/build.sh" "$REPO/image/check-boot" "$REPO"/image/hooks/*; do
		sh -n "$f" || bash -n "$f" || { echo "syntax: $f"; return 1; }
	done
	if command -v python3 >/dev/null; then python3 -c 'import ast,sys; ast.parse(open(sys.argv[1]).read())' "$REPO/image/qemu-test"; fi
}

@test "board: udev rules (udevadm verify when this udevadm has it)" {
	for r in "$B"/udev/*.rules; do
		# every non-comment line is KEY op "value" pairs (a cheap syntax check)
		sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$r" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' |
			grep -Ev '^[[:space:]]*([A-Z_]+(\{[^}]*\})?[[:space:]]*(==|!=|\+=|-=|:=|=)[[:space:]]*"[^"]*"[[:space:]]*,?[[:space:]]*)+$' &&
			{ echo "odd line in $r"; return 1; }
		grep -q 'RUN+=.*mount ' "$r" && ! grep -q 'systemd-mount\|wat-usb-mount' "$r" && { echo "mount from udev: $r"; return 1; }
	done
	if udevadm verify --help >/dev/null 2>&1; then
		udevadm verify "$B"/udev/*.rules
	else
		echo "# udevadm $(udevadm --version 2>/dev/null) has no verify: checked the syntax only" >&3
	fi
}

@test "board: scanner list matching (VID:PID, case-insensitive, from two lists)" {
	printf '# x\n0627:0001\n' >"$T/extra.list"
	export WAT_SCANNER_LISTS="$B/conf/scanners.list $T/extra.list"
	run "$B/libexec/wat-scanner-id" 05E0 1200
	[ "$output" = scanner ]
	run "$B/libexec/wat-scanner-id" 0627 0001
	[ "$output" = scanner ]
	run "$B/libexec/wat-scanner-id" 046d c31c
	[ "$status" -ne 0 ]
	[ -z "$output" ]
}

@test "board: the launcher picks the DRM card with a connected display" {
	S="$T/drm"
	mkdir -p "$S/card0-HDMI-A-1" "$S/card1-HDMI-A-1" "$S/card1-HDMI-A-2"
	echo disconnected >"$S/card0-HDMI-A-1/status"
	echo disconnected >"$S/card1-HDMI-A-1/status"
	echo connected >"$S/card1-HDMI-A-2/status"
	WAT_DRM_SYSFS="$S" run "$B/libexec/wat-kiosk-launch" --print-index
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "board: the launcher's kiosk command: ledger, USB stick, scanner grab, camera, rotation" {
	S="$T/drm"
	mkdir -p "$S/card0-HDMI-A-1"
	echo connected >"$S/card0-HDMI-A-1/status"
	WAT_DRM_SYSFS="$S" WAT_USB=/media/wat-usb WAT_ROTATE=90 run "$B/libexec/wat-kiosk-launch" --print-command
	[ "$status" -eq 0 ]
	[ "$output" = "wat-kiosk --db /var/lib/wat/kiosk/station.db --usb /media/wat-usb --rotate 90 --wedge /dev/wat-scanner --camera auto --sync-socket /run/wat-kiosk/sync.sock" ]
	WAT_DRM_SYSFS="$S" WAT_CAMERA=off WAT_ROTATE=45 run "$B/libexec/wat-kiosk-launch" --print-command
	[ "$output" = "wat-kiosk --db /var/lib/wat/kiosk/station.db --wedge /dev/wat-scanner --sync-socket /run/wat-kiosk/sync.sock" ]
}

@test "board: wat.conf.example parses cleanly" {
	run "$B/libexec/wat-provision" --parse "$B/wat.conf.example"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"STATION_NAME=Welcome Table 1"* ]]
	[[ "$output" == *"PRINTER_PAPER=80mm"* ]]
}

@test "board: wat.conf with bad lines: each named, the good ones kept" {
	cat >"$T/bad.conf" <<-'CONF'
		STATION_NAME="Lap Point"
		SCREEN_ROTATE=45
		MODE=sometimes
		TIMEZONE=Mars/Olympus
		WIFI_PSK=short
		rm -rf /
		EVIL=$(reboot)
		SCANNER_IDS="05e0:1200, zzzz:1"
		STATION_NAME="no quote end
		PRINTER_PAPER=58mm # thin paper
		CAMERA=maybe
	CONF
	run "$B/libexec/wat-provision" --parse "$T/bad.conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"SCREEN_ROTATE: 0, 90, 180 or 270"* ]]
	[[ "$output" == *"MODE: production or service"* ]]
	[[ "$output" == *"TIMEZONE: not a time zone"* ]]
	[[ "$output" == *"WIFI_PSK: 8 to 63"* ]]
	[[ "$output" == *"not KEY=VALUE: rm -rf /"* ]]
	[[ "$output" == *"unknown setting EVIL"* ]]
	[[ "$output" == *"SCANNER_IDS"* ]]
	[[ "$output" == *"unbalanced quotes"* ]]
	[[ "$output" == *'CAMERA: auto or off (got "maybe")'* ]]
	[[ "$output" == *"STATION_NAME=Lap Point"* ]]
	[[ "$output" == *"PRINTER_PAPER=58mm"* ]]
}

@test "board: provisioning applies once, keeps the Wi-Fi secret on the station, blanks it on the card" {
	mkdir -p "$T/boot" "$T/state" "$T/root/etc" "$T/root/usr/share/zoneinfo/America"
	: >"$T/root/usr/share/zoneinfo/America/Chicago"
	: >"$T/root/etc/hosts"
	printf 'STATION_NAME="Lap Point 2"\nTIMEZONE=America/Chicago\nWIFI_SSID="Park"\nWIFI_PSK="s3cret-pass"\nSCANNER_IDS=0627:0001\nSCREEN_ROTATE=90\nCAMERA=off\nSYNC_PEERS="192.168.4.2:7700, 192.168.4.3:7700"\n' >"$T/boot/wat.conf"
	export WAT_BOOT="$T/boot" WAT_STATE="$T/state" WAT_ROOT="$T/root"
	run "$B/libexec/wat-provision" --apply
	echo "$output"
	[ "$status" -eq 0 ]
	! grep -q s3cret-pass "$T/boot/wat.conf"
	grep -q '^WIFI_PSK=""' "$T/boot/wat.conf"
	grep -q 's3cret-pass' "$T/state/wpa_supplicant-wlan0.conf"
	[ "$(stat -c %a "$T/state/wpa_supplicant-wlan0.conf")" = 600 ]
	! grep -q s3cret "$T/state/settings"
	[ "$(cat "$T/root/etc/hostname")" = wat-lap-point-2 ]
	[ "$(readlink "$T/root/etc/localtime")" = /usr/share/zoneinfo/America/Chicago ]
	grep -qx 0627:0001 "$T/root/etc/wat/scanners.list"
	grep -qx WAT_ROTATE=90 "$T/root/run/wat/kiosk.env"
	grep -qx WAT_CAMERA=off "$T/root/run/wat/kiosk.env"
	# wat-sync's peers and its listening address (the default)
	grep -qx 'WAT_SYNC_PEERS="192.168.4.2:7700 192.168.4.3:7700"' "$T/root/run/wat/sync.env"
	grep -qxF 'WAT_SYNC_LISTEN=[::]:7700' "$T/root/run/wat/sync.env" # IPv6 and IPv4
	# next boot: the blanked file is not applied again, the secret stays
	run "$B/libexec/wat-provision" --apply
	[[ "$output" != *applied* ]]
	grep -q 's3cret-pass' "$T/state/wpa_supplicant-wlan0.conf"
}

@test "image: the Pi firmware files are on the boot partition of build/wat-arm64.img" {
	img="$REPO/build/wat-arm64.img"
	[ -f "$img" ] || skip "no $img (make image builds it, about 10 min)"
	command -v mdir >/dev/null || skip "mtools missing (make image-deps)"
	run "$REPO/image/check-boot" "$img" arm64
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "image: the amd64 twin's boot partition has kernel, initrd and cmdline" {
	img="$REPO/build/wat-amd64.img"
	[ -f "$img" ] || skip "no $img (make image ARCH=amd64)"
	command -v mdir >/dev/null || skip "mtools missing (make image-deps)"
	run "$REPO/image/check-boot" "$img" amd64
	echo "$output"
	[ "$status" -eq 0 ]
}

# wat-bootcheck with a fake findmnt: FS_ROOT FS_DATA OPTS_DATA OPTS_LOWER
bootcheck() {
	mkdir -p "$T/bin" "$T/state"
	cat >"$T/bin/findmnt" <<-STUB
		#!/bin/sh
		for a in "\$@"; do t=\$a; done
		case "\$*" in
		*FSTYPE*) case \$t in /) echo $1 ;; /var/lib/wat) echo $2 ;; esac ;;
		*OPTIONS*) case \$t in /var/lib/wat) echo $3 ;; /media/root-ro) echo $4 ;; esac ;;
		esac
	STUB
	chmod +x "$T/bin/findmnt"
	PATH="$T/bin:$PATH" WAT_STATE="$T/state" run "$B/libexec/wat-bootcheck"
}

@test "board: boot check passes on an overlay over a read-only root with the data partition rw" {
	bootcheck overlay ext4 rw,noatime ro,relatime
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok: / is an overlay"* ]]
}

@test "board: boot check refuses production on a writable root, a rw lower root, no data partition" {
	bootcheck ext4 ext4 rw,noatime ""
	[ "$status" -eq 1 ]
	[[ "$output" == *"not the read-only overlay"* ]]
	bootcheck overlay ext4 rw,noatime rw,relatime
	[ "$status" -eq 1 ]
	[[ "$output" == *"under the overlay is not read-only"* ]]
	bootcheck overlay "" "" ro
	[ "$status" -eq 1 ]
	[[ "$output" == *"not mounted on /var/lib/wat"* ]]
	# service mode starts on a writable root, never without the data partition
	echo service >"$T/state/mode"
	bootcheck ext4 ext4 rw,noatime ""
	[ "$status" -eq 0 ]
	bootcheck overlay "" "" ro
	[ "$status" -eq 1 ]
}
