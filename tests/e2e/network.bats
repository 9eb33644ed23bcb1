#!/usr/bin/env bats
# The appliance's own network (issue 17, board/README.md "Stations without
# the venue's network"): the event's Wi-Fi network derived from the event
# pack (wat-sync --wifi), and the files board/libexec/wat-network writes for
# wat.conf's NETWORK=offer, join and cable (hostapd.conf,
# wpa_supplicant-wlan0.conf, systemd-networkd files), in a scratch root.

setup() {
	T="$BATS_TEST_TMPDIR"
	B="$REPO/board"
	WAT_SYNC=${WAT_SYNC:-$REPO/$BUILD/wat-sync}
	echo 246813 >"$T/pin"
	# T1 and T2: two stations of one event (T2 from T1's event pack); T3 another event
	"$WATCTL" --db "$T/t1.db" init --name Walk --city Oxford --date 2026-05-02 --pin-file "$T/pin" >/dev/null
	"$WATCTL" --db "$T/t1.db" event-pack export "$T/t2.pack" >"$T/t2.out"
	"$WATCTL" --db "$T/t2.db" event-pack import "$T/t2.pack" \
		--key "$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' "$T/t2.out" | head -1)" >/dev/null
	"$WATCTL" --db "$T/t3.db" init --name Walk --city Oxford --date 2026-05-02 --pin-file "$T/pin" >/dev/null
	export WAT_SYNC
}

# station N's wat-network in its own scratch root with wat.conf lines $2...
# ("KEY=VALUE"), provisioned as at boot; $T/sN/root is its /
station() {
	n=$1
	shift
	S="$T/s$n"
	mkdir -p "$S/boot" "$S/state" "$S/root/etc"
	: >"$S/root/etc/hosts"
	printf '%s\n' "STATION_NAME=Station $n" "$@" >"$S/boot/wat.conf"
	WAT_BOOT="$S/boot" WAT_STATE="$S/state" WAT_ROOT="$S/root" "$B/libexec/wat-provision" --apply 2>/dev/null
	run env WAT_STATE="$S/state" WAT_ROOT="$S/root" WAT_DB="$T/t$n.db" "$B/libexec/wat-network" --apply
	echo "$output"
}
val() { sed -n "s/^$2=//p" "$1"; }

@test "network: the event's Wi-Fi network is the same at every station of the event and differs between events" {
	run "$WAT_SYNC" --wifi --db "$T/t1.db"
	[ "$status" -eq 0 ]
	a=$output
	run "$WAT_SYNC" --wifi --db "$T/t2.db"
	[ "$output" = "$a" ]
	run "$WAT_SYNC" --wifi --db "$T/t3.db"
	[ "$status" -eq 0 ]
	echo "$a / $output"
	[[ "$a" =~ ^WIFI_SSID=WAT-[0-9A-HJKMNP-TV-Z]{6}$'\n'WIFI_PSK=([0-9A-HJKMNP-TV-Z]{5}-){3}[0-9A-HJKMNP-TV-Z]{5}$ ]]
	[ "$(printf '%s\n' "$output" | sed -n 1p)" != "$(printf '%s\n' "$a" | sed -n 1p)" ]
	[ "$(printf '%s\n' "$output" | sed -n 2p)" != "$(printf '%s\n' "$a" | sed -n 2p)" ]
	# the same again (nothing random in it)
	run "$WAT_SYNC" --wifi --db "$T/t1.db"
	[ "$output" = "$a" ]
	# no ledger: said in words
	run "$WAT_SYNC" --wifi --db "$T/none.db"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no ledger"* || "$output" == *"There is no ledger"* ]]
}

@test "network: NETWORK=offer at one station and NETWORK=join at another: hostapd.conf and wpa_supplicant.conf of the same network" {
	station 1 NETWORK=offer WIFI_COUNTRY=GB WIFI_CHANNEL=11
	[ "$status" -eq 0 ]
	[[ "$output" == *"offering the event's Wi-Fi network WAT-"* ]]
	h="$T/s1/root/run/wat/hostapd.conf"
	[ "$(stat -c %a "$h")" = 600 ]
	ssid=$(val "$h" ssid)
	pass=$(val "$h" wpa_passphrase)
	[ "WIFI_SSID=$ssid" = "$("$WAT_SYNC" --wifi --db "$T/t1.db" | sed -n 1p)" ]
	[ "WIFI_PSK=$pass" = "$("$WAT_SYNC" --wifi --db "$T/t1.db" | sed -n 2p)" ]
	# WPA2 with CCMP only, on wlan0, the country's rules, the channel asked
	[ "$(val "$h" interface)" = wlan0 ]
	[ "$(val "$h" wpa)" = 2 ]
	[ "$(val "$h" wpa_key_mgmt)" = WPA-PSK ]
	[ "$(val "$h" rsn_pairwise)" = CCMP ]
	[ -z "$(val "$h" wpa_pairwise)" ] # no TKIP
	[ "$(val "$h" country_code)" = GB ]
	[ "$(val "$h" channel)" = 11 ]
	[ "$(val "$h" hw_mode)" = g ]
	# every line a known hostapd key (a typo would stop hostapd at boot)
	! grep -vE '^(#|$|(interface|driver|ctrl_interface|ssid|utf8_ssid|country_code|ieee80211d|hw_mode|channel|ieee80211n|wmm_enabled|auth_algs|ignore_broadcast_ssid|wpa|wpa_key_mgmt|rsn_pairwise|wpa_passphrase|max_num_sta|ap_isolate)=)' "$h"
	# addresses: networkd's DHCP server and link-local, over the image's wlan file
	n="$T/s1/root/run/systemd/network/40-wat-offer.network"
	grep -qx 'Name=wlan0' "$n"
	grep -qx 'Address=10.77.0.1/24' "$n"
	grep -qx 'DHCPServer=yes' "$n"
	grep -qx 'LinkLocalAddressing=yes' "$n"
	grep -qx 'EmitRouter=no' "$n" # the stations' network leads nowhere else
	[[ "40-wat-offer.network" < "50-wat-wlan.network" ]]
	[ ! -e "$T/s1/root/etc/wpa_supplicant/wpa_supplicant-wlan0.conf" ]

	# the lap point, from the event pack, joins it with nothing typed
	station 2 NETWORK=join WIFI_COUNTRY=GB
	[ "$status" -eq 0 ]
	[[ "$output" == *"joining the event's Wi-Fi network $ssid"* ]]
	w="$T/s2/root/etc/wpa_supplicant/wpa_supplicant-wlan0.conf"
	[ "$(stat -c %a "$w")" = 600 ]
	grep -qx 'country=GB' "$w"
	grep -qxF "	ssid=\"$ssid\"" "$w"
	if command -v wpa_passphrase >/dev/null; then
		# only the hashed key: PBKDF2-SHA1(passphrase, SSID, 4096, 32), as WPA2 says
		! grep -q "$pass" "$w"
		want=$(python3 -c 'import hashlib, sys; print(hashlib.pbkdf2_hmac("sha1", sys.argv[1].encode(), sys.argv[2].encode(), 4096, 32).hex())' "$pass" "$ssid")
		grep -qx "	psk=$want" "$w"
	else
		grep -qxF "	psk=\"$pass\"" "$w"
	fi
	n="$T/s2/root/run/systemd/network/40-wat-join.network"
	grep -qx 'Name=wlan0' "$n"
	grep -qx 'DHCP=ipv4' "$n"
	grep -qx 'LinkLocalAddressing=yes' "$n"
	[ ! -e "$T/s2/root/run/wat/hostapd.conf" ]

	# a station of another event derives another network
	station 3 NETWORK=join
	! grep -qF "ssid=\"$ssid\"" "$T/s3/root/etc/wpa_supplicant/wpa_supplicant-wlan0.conf"
}

@test "network: NETWORK=join with a given network keeps wat.conf's; NETWORK=cable: Ethernet with link-local addresses; no NETWORK: nothing" {
	station 2 NETWORK=join 'WIFI_SSID="Park"' 'WIFI_PSK="s3cret-pass"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"joining the Wi-Fi network Park"* ]]
	[ ! -e "$T/s2/root/etc/wpa_supplicant/wpa_supplicant-wlan0.conf" ] || grep -q 'ssid="Park"' "$T/s2/root/etc/wpa_supplicant/wpa_supplicant-wlan0.conf"
	grep -q 'ssid="Park"' "$T/s2/state/wpa_supplicant-wlan0.conf"
	grep -qx 'DHCP=ipv4' "$T/s2/root/run/systemd/network/40-wat-join.network"

	station 1 NETWORK=cable
	[ "$status" -eq 0 ]
	n="$T/s1/root/run/systemd/network/40-wat-cable.network"
	grep -qx 'Type=ether' "$n"
	grep -qx 'Name=eth\* en\*' "$n"
	grep -qx 'LinkLocalAddressing=yes' "$n" # IPv6 fe80:: and IPv4 169.254/16
	[ ! -e "$T/s1/root/run/wat/hostapd.conf" ]
	[ ! -e "$T/s1/root/etc/wpa_supplicant/wpa_supplicant-wlan0.conf" ]

	# the setting taken away: the next boot writes nothing (and removes what was)
	station 1 'STATION_NAME=Station 1'
	[ "$status" -eq 0 ]
	[ -z "$(ls "$T/s1/root/run/systemd/network/" 2>/dev/null)" ]
}

@test "network: NETWORK=offer on a station with no event yet says what to do and writes nothing" {
	station 4 NETWORK=offer
	[ "$status" -eq 1 ]
	[[ "$output" == *"no event on this station yet"* ]]
	[ ! -e "$T/s4/root/run/wat/hostapd.conf" ]
	[ ! -e "$T/s4/root/run/systemd/network/40-wat-offer.network" ]
}

@test "network: wat.conf's NETWORK, WIFI_CHANNEL and IPv6 sync addresses checked by wat-provision" {
	printf '%s\n' NETWORK=cable WIFI_CHANNEL=13 'SYNC_PEERS="[fe80::1%eth0]:7700 10.0.0.2:7700 [fd00::2]:7700"' 'SYNC_LISTEN=[::]:7700' >"$T/good.conf"
	run "$B/libexec/wat-provision" --parse "$T/good.conf"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"SYNC_PEERS=[fe80::1%eth0]:7700 10.0.0.2:7700 [fd00::2]:7700"* ]]
	for bad in NETWORK=hub WIFI_CHANNEL=14 'SYNC_PEERS=fe80::1:7700' 'SYNC_LISTEN=[fe80::1%eth0;reboot]:7700'; do
		printf '%s\n' "$bad" >"$T/bad.conf"
		run "$B/libexec/wat-provision" --parse "$T/bad.conf"
		echo "$bad: $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"${bad%%=*}:"* ]]
	done
}
