# cupsd.bash — a private cupsd for the printing tests (source it).
#
#   cupsd_start DIR [FILTER...]   starts cupsd with everything under DIR, our
#                                 filters (paths) visible in its ServerBin;
#                                 exports CUPS_SERVER=DIR/cups.sock, sets CUPSD_PID;
#                                 again on the same DIR: a restart with the same queues
#                                 and jobs (DirtyCleanInterval 0 keeps them on disk)
#   cupsd_stop                    stops it by its PID
#   cupsd_crash                   kills it (SIGKILL) with the filters and backends it
#                                 started, as a crash and systemd's clean-up of the unit do
#   cupsd_usable                  0 when a private cupsd can run here (root, cupsd)
#   cupsd_file_queue Q FILE ARGS  adds queue Q printing into FILE (a file: device),
#                                 ARGS go to lpadmin (-m PPD or -P FILE, -o ...)
#   cupsd_output Q FILE           a fresh, empty FILE for Q's next job
#   cupsd_pdf_queue Q FILE        a file: queue whose jobs come out as PDF (cups-filters'
#                                 generic PDF printer) or else PostScript
#   cupsd_job_queue Q DIR ARGS    adds queue Q whose every job lands in its own file,
#                                 DIR/job-ID.out (our test backend, lib/jobfile)
#   cupsd_pdftotext OUT TXT       the text of a PDF or PostScript job's output
#
# A bats file that shares one cupsd among its tests (setup_file/teardown_file):
#   cupsd_file_setup NAME         WAT_ASSETS, the folder PT (/tmp/wat-NAME-bats-*),
#                                 and, where cupsd_usable and $BUILD/rastertoescpos is
#                                 built, a cupsd in PT/cupsd with a PDF queue pdfq
#                                 (PT/cupsd/out/pdfq.out); its socket in PT/cups_server
#   cupsd_file_teardown           stops that cupsd, removes PT
#   cupsd_file_server             in a test: skips it when there is no such cupsd,
#                                 else exports CUPS_SERVER
#
# Since cups-daemon 2.4.2-3+deb12u10 a file: device is opened without O_CREAT
# or O_TRUNC: the file must exist (writable by lp) before the job, and a
# shorter second job would leave the end of the first behind.  So every
# file: queue is added by cupsd_file_queue, and a test that prints twice and
# reads the bytes gives each job its own file with cupsd_output.
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
	mkdir -p "$dir/bin/backend"
	chmod 755 "$dir/bin/backend"
	for f in /usr/lib/cups/*; do
		case "$(basename "$f")" in
		filter | backend) ;;
		*) ln -sfn "$f" "$dir/bin/" ;;
		esac
	done
	for f in /usr/lib/cups/backend/*; do
		ln -sfn "$f" "$dir/bin/backend/"
	done
	# a copy, not a link: cupsd wants a backend owned by root and not writable by others
	install -m 0755 "$(dirname "${BASH_SOURCE[0]}")/jobfile" "$dir/bin/backend/jobfile"
	for f in /usr/lib/cups/filter/*; do
		ln -sfn "$f" "$dir/bin/filter/"
	done
	# Ours copied, not linked: cupsd runs filters as lp, which cannot reach a
	# build in a private home (root's /root, a Debian 12 user's 0700 home).
	for f in "$@"; do
		install -m 0755 "$f" "$dir/bin/filter/$(basename "$f")"
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
DirtyCleanInterval 0
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

cupsd_crash() {
	if [ -n "${CUPSD_PID:-}" ]; then
		# (also from a subshell, where cupsd is not a child to wait for; under set -e)
		pkill -9 -P "$CUPSD_PID" 2>/dev/null || true
		kill -9 "$CUPSD_PID" 2>/dev/null || true
		wait "$CUPSD_PID" 2>/dev/null || true
		CUPSD_PID=
	fi
}

cupsd_stop() {
	if [ -n "${CUPSD_PID:-}" ]; then
		kill "$CUPSD_PID" 2>/dev/null
		wait "$CUPSD_PID" 2>/dev/null
		# one restarted from a subshell is not our child: wait until it is gone,
		# or it still writes its cache while the test removes the folder
		for _ in $(seq 1 100); do
			kill -0 "$CUPSD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$CUPSD_PID" 2>/dev/null || true
		CUPSD_PID=
	fi
}

cupsd_output() {
	local q=$1 file=$2
	rm -f "$file"
	: >"$file" && chown lp:lp "$file" && chmod 0644 "$file" || return 1
	lpadmin -p "$q" -v "file://$file" || return 1
}

cupsd_file_queue() {
	local q=$1 file=$2
	shift 2
	rm -f "$file"
	: >"$file" && chown lp:lp "$file" && chmod 0644 "$file" || return 1
	lpadmin -p "$q" -E -v "file://$file" "$@"
}

cupsd_pdf_queue() {
	local q=$1 file=$2
	cupsd_file_queue "$q" "$file" -m lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd \
		-o printer-error-policy=abort-job 2>/dev/null ||
		cupsd_file_queue "$q" "$file" -m drv:///sample.drv/generic.ppd \
			-o printer-error-policy=abort-job
}

cupsd_job_queue() {
	local q=$1 dir=$2
	shift 2
	mkdir -p "$dir" && chown lp:lp "$dir" && chmod 0755 "$dir" || return 1
	lpadmin -p "$q" -E -v "jobfile:$dir" "$@"
}

cupsd_pdftotext() {
	local out=$1 txt=$2
	[ -s "$out" ] || return 1
	if head -c 4 "$out" | grep -q '%!PS'; then
		ps2pdf "$out" "$txt.pdf" || return 1
	else
		cp "$out" "$txt.pdf"
	fi
	pdftotext -layout "$txt.pdf" "$txt"
}

cupsd_file_setup() {
	export WAT_ASSETS="$REPO/assets"
	unset WAT_PRINTER WAT_PAPER
	PT=$(mktemp -d "/tmp/wat-$1-bats-XXXXXX")
	export PT
	chmod 755 "$PT" # filters run as lp and must reach it
	if cupsd_usable && [ -x "$REPO/$BUILD/rastertoescpos" ]; then
		cupsd_start "$PT/cupsd" "$REPO/$BUILD/rastertoescpos" >&2 || return 1
		echo "$CUPSD_PID" >"$PT/cupsd.pid"
		cupsd_pdf_queue pdfq "$PT/cupsd/out/pdfq.out"
		echo "$CUPS_SERVER" >"$PT/cups_server"
	fi
}

cupsd_file_teardown() {
	if [ -f "$PT/cupsd.pid" ]; then
		CUPSD_PID=$(cat "$PT/cupsd.pid")
		cupsd_stop
	fi
	rm -rf "$PT"
}

cupsd_file_server() {
	[ -f "$PT/cups_server" ] || skip "no private cupsd here (needs root, cupsd, lpadmin and $BUILD/rastertoescpos)"
	CUPS_SERVER=$(cat "$PT/cups_server")
	export CUPS_SERVER
}
