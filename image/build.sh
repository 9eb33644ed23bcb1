#!/usr/bin/env bash
# image/build.sh — the W.A.T. appliance image, from Debian 12 packages only.
#
#   image/build.sh deps            apt-get what the build needs (idempotent)
#   image/build.sh rootfs ARCH     stage 1: mmdebstrap + app built inside -> build/image-ARCH/base/
#   image/build.sh image ARCH      stage 2: board/ files + genimage -> build/wat-ARCH.img
#                                  and build/wat-ARCH.packages.txt (dpkg-query -W of its root)
#
# Stage 1 is slow (10-25 min here: packages configured under qemu-user, the app
# compiled under qemu-user, one initramfs). Stage 2 takes about a minute, so a
# change under board/ (other than board/raspi, board/initramfs) does not
# rebuild stage 1. No loop devices, no mounts: mke2fs -d and mcopy via genimage.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
cmd=${1:-}
ARCH=${2:-arm64}
SUITE=bookworm
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY=${SECURITY:-http://deb.debian.org/debian-security}
OUT=build/image-$ARCH
ROOT_SIZE=${ROOT_SIZE:-2G}
BOOT_SIZE=${BOOT_SIZE:-256M}
DATA_SIZE=${DATA_SIZE:-64M}
NICE=${NICE:-nice -n 19}

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'image: %s\n' "$*" >&2; exit 1; }
pkgs() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$@" | tr -s ' \n' ' '; }

DEPS="mmdebstrap qemu-user-static binfmt-support arch-test genimage dosfstools mtools e2fsprogs fdisk
 qemu-system-arm qemu-system-x86 systemd python3 minisign"

deps() {
	local missing="" p
	for p in $DEPS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		say "installing:$missing"
		local sudo=""
		[ "$(id -u)" = 0 ] || sudo=sudo
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
	fi
}

# qemu-user through binfmt_misc, needed to configure foreign packages.
binfmt_check() {
	local a=$1 q
	[ "$a" = "$(dpkg --print-architecture)" ] && return 0
	case $a in arm64) q=aarch64 ;; armhf) q=arm ;; *) q=$a ;; esac
	if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
			die "binfmt_misc is not mounted and cannot be: the $a package scripts cannot run. Run 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc' as root (in a container: on the host)."
	fi
	if [ ! -e "/proc/sys/fs/binfmt_misc/qemu-$q" ]; then
		update-binfmts --enable "qemu-$q" >/dev/null 2>&1 || true
	fi
	[ -e "/proc/sys/fs/binfmt_misc/qemu-$q" ] ||
		die "no binfmt_misc entry for qemu-$q: install qemu-user-static and binfmt-support (image/build.sh deps), then 'update-binfmts --enable qemu-$q'."
	arch-test "$a" >/dev/null 2>&1 || die "arch-test $a fails: the kernel cannot run $a programs through qemu-user."
}

rootfs() {
	[ "$(id -u)" = 0 ] || die "stage 1 needs root (mmdebstrap in root mode keeps file owners)."
	binfmt_check "$ARCH"
	mkdir -p "$OUT"
	local include build_pkgs version
	include=$(pkgs image/packages.common "image/packages.$ARCH" image/packages.build | tr ' ' ',')
	build_pkgs=$(pkgs image/packages.build)
	version=$(git describe --always --dirty 2>/dev/null || echo unknown)
	say "stage 1 ($ARCH): mmdebstrap $SUITE -> $OUT/base"
	# An interrupted mmdebstrap can leave /proc, /sys and /dev mounted in its
	# half-made root: unmount them before removing it, never through them.
	if [ -d "$OUT/base.part" ]; then
		part=$(cd "$OUT/base.part" && pwd)
		awk -v p="$part/" 'index($2, p) == 1 {print $2}' /proc/mounts | sort -r |
			while read -r m; do umount -l "$m"; done
		awk -v p="$part/" 'index($2, p) == 1 {n++} END {exit n > 0}' /proc/mounts ||
			die "something is still mounted under $part: unmount it first"
	fi
	rm -rf "$OUT/base.part"
	# INITRD=No: the kernel's postinst does not build an initramfs (the hooks
	# build exactly one, last). force-confold: our /etc/default files are in
	# place before the packages that own them (notes/pi.md, trap 1).
	INITRD=No WAT_REPO="$REPO" WAT_ARCH="$ARCH" WAT_VERSION="$version" WAT_BUILD_PKGS="$build_pkgs" \
	$NICE mmdebstrap --variant=minbase --architectures="$ARCH" \
		--components=main,non-free-firmware \
		--include="$include" \
		--dpkgopt=force-confold --dpkgopt=force-confdef \
		--aptopt='Acquire::Retries "5"' \
		--essential-hook='"$WAT_REPO"/image/hooks/stage1-config "$1"' \
		--customize-hook='"$WAT_REPO"/image/hooks/stage1-app "$1"' \
		--customize-hook='"$WAT_REPO"/image/hooks/stage1-initramfs "$1"' \
		--format=directory "$SUITE" "$OUT/base.part" \
		"deb $MIRROR $SUITE main non-free-firmware" \
		"deb $MIRROR $SUITE-updates main non-free-firmware" \
		"deb $SECURITY $SUITE-security main non-free-firmware"
	rm -rf "$OUT/base"
	mv "$OUT/base.part" "$OUT/base"
	touch "$OUT/base.stamp"
}

image() {
	[ "$(id -u)" = 0 ] || die "stage 2 needs root (file owners in the ext4 images)."
	[ -d "$OUT/base/etc" ] || die "$OUT/base is missing: run 'image/build.sh rootfs $ARCH' first."
	binfmt_check "$ARCH"
	local R=$OUT/rootfs
	say "stage 2 ($ARCH): board files into a copy of the rootfs"
	rm -rf "$R" "$OUT/genimage.tmp"
	cp -a "$OUT/base" "$R"
	board/install.sh --root "$R" --image --arch "$ARCH"
	# The boot partition of the amd64 twin: kernel, initrd and cmdline for QEMU.
	if [ "$ARCH" != arm64 ]; then
		mkdir -p "$R/boot/firmware"
		kver=$(ls "$R/lib/modules" | sort -V | tail -1)
		cp "$R/boot/vmlinuz-$kver" "$R/boot/firmware/vmlinuz"
		cp "$R/boot/initrd.img-$kver" "$R/boot/firmware/initrd.img"
		echo "console=tty1 root=LABEL=watroot $(cat board/raspi/raspi-extra-cmdline)" >"$R/boot/firmware/cmdline.txt"
	fi
	# A program of the image runs (under qemu-user for arm64): libraries complete.
	chroot "$R" /usr/bin/watctl --help >/dev/null 2>&1 || chroot "$R" /usr/bin/watctl --help 2>&1 | head -5 >&2
	if chroot "$R" sh -c 'ldd /usr/bin/wat-kiosk /usr/bin/watctl /usr/bin/wat-sync /usr/bin/wat-send' | grep -q 'not found'; then
		die "libraries missing in the image: $(chroot "$R" ldd /usr/bin/wat-kiosk | grep 'not found')"
	fi
	image/check-boot "$R/boot/firmware" "$ARCH"
	# The exact versions the image was built from: in the image (a station can
	# say what it runs) and beside it (compare two builds, find a Debian update).
	mkdir -p "$R/usr/share/wat"
	chroot "$R" dpkg-query -W >"$R/usr/share/wat/packages.txt"
	[ -s "$R/usr/share/wat/packages.txt" ] || die "dpkg-query -W in the $ARCH root listed nothing"
	cp "$R/usr/share/wat/packages.txt" "build/wat-$ARCH.packages.txt.part"
	say "stage 2 ($ARCH): genimage"
	cat >"$OUT/genimage.cfg" <<CFG
image boot.vfat {
	vfat { label = "WATBOOT" }
	size = $BOOT_SIZE
	mountpoint = "/boot/firmware"
}
image root.ext4 {
	ext4 { label = "watroot" use-mke2fs = true }
	size = $ROOT_SIZE
	mountpoint = "/"
}
image data.ext4 {
	ext4 { label = "watdata" use-mke2fs = true }
	size = $DATA_SIZE
	mountpoint = "/var/lib/wat"
}
image wat-$ARCH.img {
	hdimage { partition-table-type = "mbr" }
	partition boot { partition-type = 0xC bootable = true image = "boot.vfat" offset = 4M }
	partition root { partition-type = 0x83 image = "root.ext4" }
	partition data { partition-type = 0x83 image = "data.ext4" }
}
CFG
	rm -rf "$OUT/genimage.out"
	mkdir -p "$OUT/genimage.out"
	$NICE genimage --rootpath "$R" --tmppath "$OUT/genimage.tmp" --inputpath "$OUT/genimage.out" \
		--outputpath "$OUT/genimage.out" --config "$OUT/genimage.cfg"
	mv "$OUT/genimage.out/wat-$ARCH.img" "build/wat-$ARCH.img"
	mv "build/wat-$ARCH.packages.txt.part" "build/wat-$ARCH.packages.txt"
	rm -rf "$OUT/genimage.tmp" "$OUT/genimage.out"
	say "build/wat-$ARCH.img: $(du -h --apparent-size "build/wat-$ARCH.img" | cut -f1) ($(du -h "build/wat-$ARCH.img" | cut -f1) on disk)"
	say "build/wat-$ARCH.packages.txt: $(wc -l <"build/wat-$ARCH.packages.txt") packages; $(grep -P '^(cups-daemon|libsdl2-2\.0-0|libsqlite3-0|linux-image-[^\t:]*)(:\w+)?\t' "build/wat-$ARCH.packages.txt" | tr '\t\n' '= ')"
	sfdisk -l "build/wat-$ARCH.img" >&2
}

case $cmd in
deps) deps ;;
rootfs) rootfs ;;
image) image ;;
*) echo "usage: image/build.sh deps | rootfs ARCH | image ARCH" >&2; exit 2 ;;
esac
