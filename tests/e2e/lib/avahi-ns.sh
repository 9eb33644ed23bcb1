#!/bin/sh
# avahi-ns.sh DIR HOST IFACE CMD...: runs CMD beside an avahi-daemon of its
# own (host name HOST, on IFACE only) on a private D-Bus system bus, in the
# caller's network namespace and a mount namespace of its own (so its
# /run/avahi-daemon is its own); both daemons are stopped when CMD ends.
# AVAHI_IPV4=no / AVAHI_IPV6=yes: mDNS over IPv6 (a cable with link-local
# addresses only). For tests only: `unshare -m` and `ip netns exec` need root.
set -eu
d=$1 host=$2 ifc=$3
shift 3
mkdir -p "$d"
cat >"$d/bus.conf" <<X
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path=$d/bus</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow own="*"/>
<allow send_destination="*" eavesdrop="true"/><allow receive_sender="*"/></policy></busconfig>
X
cat >"$d/avahi.conf" <<X
[server]
host-name=$host
use-ipv4=${AVAHI_IPV4:-yes}
use-ipv6=${AVAHI_IPV6:-no}
allow-interfaces=$ifc
enable-dbus=yes
[publish]
publish-workstation=no
X
mkdir -p /run/avahi-daemon
mount -t tmpfs none /run/avahi-daemon
dbus-daemon --config-file="$d/bus.conf" --nofork --nopidfile 2>"$d/dbus.err" &
bus=$!
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$d/bus"
for _ in $(seq 50); do [ -S "$d/bus" ] && break; sleep 0.05; done
avahi-daemon --no-drop-root --no-chroot --no-rlimits -f "$d/avahi.conf" 2>"$d/avahi.err" &
avahi=$!
for _ in $(seq 50); do grep -q "Server startup complete" "$d/avahi.err" 2>/dev/null && break; sleep 0.1; done
rc=0
"$@" || rc=$?
kill "$avahi" "$bus" 2>/dev/null || true
wait "$avahi" "$bus" 2>/dev/null || true
exit $rc
