# cupsd.bash — a private cupsd for the printing tests (source it).
#
#   cupsd_start DIR [FILTER...]   starts cupsd with everything under DIR, our
#                                 filters (paths) visible in its ServerBin;
#                                 exports CUPS_SERVER=DIR/cups.sock, sets CUPSD_PID
#   cupsd_stop                    stops it by its PID
#   cupsd_usable                  0 when a private cupsd can run here (root, cupsd)
#
# cupsd refuses to run jobs as root, so filters and the file device run as lp:
# DIR and its out/ folder are made readable/writable for lp.

cupsd_usable() {
	[ "$(id -u)" = 0 ] && command -v cupsd >/dev/null && command -v lpadmin >/dev/null &&
		getent passwd lp >/dev/null
}

cupsd_start() {
	local dir=$1 f i
	shift
	mkdir -p "$dir"/{conf/ppd,conf/ssl,spool/tmp,cache,state/certs,log,out,bin/filter}
	chmod 755 "$dir" "$dir"/bin "$dir"/bin/filter
	chown lp:lp "$dir"/out "$dir"/spool "$dir"/spool/tmp
	chmod 1777 "$dir"/out
	# ServerBin: the system's programs, plus ours in filter/
	for f in /usr/lib/cups/*; do
		[ "$(basename "$f")" = filter ] || ln -s "$f" "$dir/bin/"
	done
	for f in /usr/lib/cups/filter/*; do
		ln -s "$f" "$dir/bin/filter/"
	done
	for f in "$@"; do
		ln -sf "$f" "$dir/bin/filter/$(basename "$f")"
	done
	if command -v runuser >/dev/null && ! runuser -u lp -- test -x "$dir/bin"; then
		echo "cupsd_start: lp cannot reach $dir (a parent folder is private)" >&2
		return 1
	fi
	cp /usr/share/cups/mime/*.types /usr/share/cups/mime/*.convs "$dir/conf/"
	cat >"$dir/conf/cups-files.conf" <<EOF
FileDevice Yes
User lp
Group lp
SystemGroup root
ServerRoot $dir/conf
ServerBin $dir/bin
RequestRoot $dir/spool
TempDir $dir/spool/tmp
CacheDir $dir/cache
StateDir $dir/state
AccessLog $dir/log/access_log
ErrorLog $dir/log/error_log
PageLog $dir/log/page_log
Sandboxing Relaxed
EOF
	cat >"$dir/conf/cupsd.conf" <<EOF
Listen $dir/cups.sock
WebInterface No
Browsing No
LogLevel info
DefaultAuthType None
JobRetryInterval 1
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
EOF
	cupsd -f -c "$dir/conf/cupsd.conf" -s "$dir/conf/cups-files.conf" \
		>"$dir/log/cupsd.out" 2>&1 &
	CUPSD_PID=$!
	export CUPS_SERVER="$dir/cups.sock"
	for i in $(seq 1 100); do
		[ -S "$dir/cups.sock" ] && lpstat -r >/dev/null 2>&1 && return 0
		kill -0 "$CUPSD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "cupsd did not start:" >&2
	cat "$dir/log/cupsd.out" "$dir/log/error_log" >&2 2>/dev/null
	return 1
}

cupsd_stop() {
	if [ -n "${CUPSD_PID:-}" ]; then
		kill "$CUPSD_PID" 2>/dev/null
		wait "$CUPSD_PID" 2>/dev/null
		CUPSD_PID=
	fi
}
