#!/bin/sh
# board/install.sh — install the W.A.T. board files.
#
#   board/install.sh --destdir DIR [--build DIR]   files only (make install DESTDIR=DIR):
#       units, drop-ins, udev rules, helpers, sysctl, sysusers, tmpfiles, docs
#   board/install.sh --root DIR --image [--arch A] also the system policy of the
#       appliance image: fstab, the kiosk user, enabled/masked units, the data
#       partition's folders, an empty machine id, the boot partition's example
#
# Runs on the build host (systemctl --root, systemd-sysusers --root): nothing
# is executed inside the target root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
D="" image=0 arch=arm64 build=$repo/build
while [ $# -gt 0 ]; do
	case $1 in
	--destdir | --root) D=$2; shift 2 ;;
	--image) image=1; shift ;;
	--arch) arch=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) echo "board/install.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -n "$D" ] || { echo "usage: board/install.sh --destdir DIR | --root DIR --image" >&2; exit 2; }
mkdir -p "$D" && D=$(cd "$D" && pwd)
B=$here
inst() { install -D -m "$1" "$2" "$3"; }

# -- files ------------------------------------------------------------------
for u in "$B"/systemd/*.service; do inst 644 "$u" "$D/usr/lib/systemd/system/$(basename "$u")"; done
inst 644 "$B/systemd/system.conf.d/wat.conf" "$D/usr/lib/systemd/system.conf.d/50-wat.conf"
inst 644 "$B/systemd/logind.conf.d/wat.conf" "$D/usr/lib/systemd/logind.conf.d/50-wat.conf"
inst 644 "$B/systemd/journald.conf.d/wat.conf" "$D/usr/lib/systemd/journald.conf.d/50-wat.conf"
inst 644 "$B/systemd/network/50-wat-wlan.network" "$D/usr/lib/systemd/network/50-wat-wlan.network"
inst 644 "$B/systemd/wpa_supplicant@wlan0.service.d/wat.conf" "$D/usr/lib/systemd/system/wpa_supplicant@wlan0.service.d/wat.conf"
inst 644 "$B/systemd/cups.service.d/wat.conf" "$D/usr/lib/systemd/system/cups.service.d/50-wat.conf"
for r in "$B"/udev/*.rules; do inst 644 "$r" "$D/usr/lib/udev/rules.d/$(basename "$r")"; done
for x in "$B"/libexec/*; do inst 755 "$x" "$D/usr/libexec/wat/$(basename "$x")"; done
inst 644 "$B/conf/scanners.list" "$D/usr/lib/wat/scanners.list"
inst 644 "$B/conf/90-wat.conf" "$D/usr/lib/sysctl.d/90-wat.conf"
inst 644 "$B/conf/sysusers.conf" "$D/usr/lib/sysusers.d/wat.conf"
inst 644 "$B/conf/tmpfiles.conf" "$D/usr/lib/tmpfiles.d/wat.conf"
[ -f "$B/README.md" ] && inst 644 "$B/README.md" "$D/usr/share/doc/wat/board/README.md"
inst 644 "$B/wat.conf.example" "$D/usr/share/doc/wat/board/wat.conf.example"
# (The CUPS filter and PPDs are installed by the top Makefile's install:
# /usr/lib/cups/filter/rastertoescpos, /usr/share/cups/model/wat/*.ppd.)
[ "$image" = 1 ] || exit 0

# -- the appliance image ----------------------------------------------------
R=$D
# The serial port of the image test's shell (only with wat.testshell=1).
serial=ttyAMA0
[ "$arch" = arm64 ] || serial=ttyS0
inst 644 "$B/conf/fstab" "$R/etc/fstab"
# The kiosk user (and its groups video render input lp).
systemd-sysusers --root="$R" "$R/usr/lib/sysusers.d/wat.conf" >/dev/null
# root has no password: no login anywhere, sulogin refuses too.
sed -i 's/^root:[^:]*:/root:*:/' "$R/etc/shadow"

systemctl --root="$R" set-default multi-user.target >/dev/null 2>&1
systemctl --root="$R" enable wat-kiosk.service wat-sync.service wat-send.service wat-network.service wat-bootcheck.service wat-firstboot.service \
	wat-provision.service "wat-testshell@$serial.service" \
	systemd-timesyncd.service >/dev/null 2>&1
# No way to a shell from the table.
systemctl --root="$R" mask getty@.service serial-getty@.service autovt@.service \
	console-getty.service container-getty@.service debug-shell.service \
	ctrl-alt-del.target apt-daily.timer apt-daily-upgrade.timer \
	e2scrub_all.timer fstrim.timer dpkg-db-backup.timer >/dev/null 2>&1
# Nothing to enable networking unless wat.conf has Wi-Fi or NETWORK (wat-provision
# and wat-network start it); hostapd only through wat-hostapd.service.
systemctl --root="$R" disable wpa_supplicant.service >/dev/null 2>&1 || true
systemctl --root="$R" disable hostapd.service >/dev/null 2>&1 || true

# cupsd writes its queues and jobs at once (its default: within 30 s), so a
# receipt on its way when cupsd crashes is still known after systemd restarts
# it, and the kiosk can look it up (docs/PRINTING.md).
c=$R/etc/cups/cupsd.conf
if [ -f "$c" ] && ! grep -q '^DirtyCleanInterval' "$c"; then
	printf '\n# W.A.T.: jobs on disk at once (board/install.sh)\nDirtyCleanInterval 0\n' >>"$c"
fi

# The data partition's content (genimage makes the watdata image from it).
uid() { awk -F: -v n="$1" '$1 == n { print $3 }' "$R/etc/passwd"; }
gid() { awk -F: -v n="$1" '$1 == n { print $3 }' "$R/etc/group"; }
install -d -m 755 "$R/var/lib/wat" "$R/var/lib/wat/system"
install -d -m 700 -o "$(uid kiosk)" -g "$(gid kiosk)" "$R/var/lib/wat/kiosk"
install -d -m 755 -o "$(uid systemd-timesync)" -g "$(gid systemd-timesync)" "$R/var/lib/wat/timesync"
install -d -m 755 "$R/var/lib/systemd/timesync" "$R/media/wat-usb" "$R/etc/wat"

# An empty machine id: made on the first boot, then kept on the data partition.
: >"$R/etc/machine-id"
echo wat-station >"$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\twat-station\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$R/etc/hosts"
# The provisioning example on the FAT partition, next to where wat.conf goes.
mkdir -p "$R/boot/firmware"
install -m 644 "$B/wat.conf.example" "$R/boot/firmware/wat.conf.example"
echo "board/install.sh: board files installed into $R ($arch image)" >&2
