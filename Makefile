# W.A.T. Welcome Table — see README.md.
#
#   make run        install what is missing, build, start the kiosk with a demo event
#   make test       install what is missing, build, run every test; ends "N passed, N failed"
#   make test SANITIZE=1 WERROR=1   what CI runs (ASan + UBSan, warnings are errors)
#   make bench      figures as JSON lines          make fuzz    each fuzz target, bounded
#   make figures    make bench, then the README's figures table from it
#   make deps       apt-get the build, run and test dependencies (idempotent;
#                   make deps-run: build and run only, what make run installs)
#   make fresh-test (root) make test in a fresh Debian 12 root from today's packages
#   make format-check

CC       ?= cc
CXX      ?= c++
FUZZ_CC  ?= clang
SANITIZE ?= 0
WERROR   ?= 0
FUZZ_SECONDS ?= 20

ifeq ($(SANITIZE),1)
BUILD ?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT := -O1 -g
else
BUILD ?= build
SANFLAGS :=
OPT := -O2 -g
endif

# Every library the project uses, found through pkg-config.
PKGS := sqlite3 libsodium sdl2 SDL2_ttf libqrencode zxing cairo libarchive libv4l2 \
        libsystemd libpng libturbojpeg freetype2 zlib
# Debian 12's libcups2-dev has no .pc file: cups-config tells.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(shell cups-config --cflags 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(shell cups-config --image --libs 2>/dev/null)
# Avahi (mDNS/DNS-SD) for wat-sync only.
PKG_CFLAGS += $(shell pkg-config --cflags avahi-client 2>/dev/null)
AVAHI_LIBS := $(shell pkg-config --libs avahi-client 2>/dev/null)
# libmicrohttpd for wat-hq only (a station never links it).
PKG_CFLAGS += $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS   := $(shell pkg-config --libs libmicrohttpd 2>/dev/null)
# libcurl for wat-send and watctl send only (the kiosk never links it).
PKG_CFLAGS += $(shell pkg-config --cflags libcurl 2>/dev/null)
CURL_LIBS  := $(shell pkg-config --libs libcurl 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
endif
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
# src/ in folders by subsystem (docs/ARCHITECTURE.md); each folder's ALLOW
# names the libraries and folders its files may include, checked after every
# build from the dependency files (-MD lists system headers too).
SRC_DIRS := base core ledger scan print bundle hq hqweb sync send kiosk kiosk/screens cli
INCS     := $(addprefix -Isrc/,$(SRC_DIRS))
CPPFLAGS += -D_GNU_SOURCE -DWAT_VERSION='"$(VERSION)"' $(INCS) -MD -MP
CFLAGS   += -std=c17 $(OPT) $(WARN) $(SANFLAGS) $(PKG_CFLAGS) -pthread
CXXFLAGS += -std=c++17 $(OPT) -Wall -Wextra $(SANFLAGS) $(PKG_CFLAGS) -pthread
LDFLAGS  += $(SANFLAGS) -pthread
LDLIBS   += $(PKG_LIBS) -lm

# Programs: a main() each; everything else in src/ goes into libwat.a.
MAIN_SRCS := src/cli/watctl.c src/kiosk/kiosk.c src/print/rastertoescpos.c src/sync/watsync.c \
             src/hqweb/wat_hq.c src/hqweb/wat_hq_signer.c src/send/watsend.c
# Linked into wat-sync only (the kiosk and watctl never load Avahi).
SYNC_ONLY := src/sync/sync_avahi.c
# Linked into wat-send and watctl only (libcurl: the kiosk never loads it).
SEND_ONLY := src/send/send_http.c src/send/send_cli.c
SEND_OBJS := $(SEND_ONLY:src/%.c=$(BUILD)/obj/%.o)
ALL_C     := $(foreach d,$(SRC_DIRS),$(wildcard src/$(d)/*.c))
LIB_C     := $(filter-out $(MAIN_SRCS) $(SYNC_ONLY) $(SEND_ONLY),$(ALL_C))
LIB_CXX   := $(foreach d,$(SRC_DIRS),$(wildcard src/$(d)/*.cpp))
LIB_OBJS  := $(LIB_C:src/%.c=$(BUILD)/obj/%.o) $(LIB_CXX:src/%.cpp=$(BUILD)/obj/%.o)
MAIN_OBJS := $(MAIN_SRCS:src/%.c=$(BUILD)/obj/%.o) $(SYNC_ONLY:src/%.c=$(BUILD)/obj/%.o) $(SEND_OBJS)
LIB       := $(BUILD)/libwat.a
PROGS     := $(BUILD)/watctl $(BUILD)/wat-kiosk $(BUILD)/rastertoescpos $(BUILD)/wat-sync \
             $(BUILD)/wat-hq $(BUILD)/wat-hq-signer $(BUILD)/wat-send

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRCS := $(wildcard tests/bench/bench_*.c)
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=build/bench/%)
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)

# Debian packages (see docs/ARCHITECTURE.md): what building and running the
# station and HQ need (`make run` installs only these: a Pi gets no browser
# or test tools), then what the tests, fuzzing and screenshots add.
APT_RUN := build-essential pkg-config \
	libsqlite3-dev libsodium-dev libsdl2-dev libsdl2-ttf-dev libqrencode-dev \
	libzxing-dev libcairo2-dev libarchive-dev zlib1g-dev libv4l-dev libsystemd-dev libpng-dev \
	libturbojpeg0-dev libfreetype-dev libcups2-dev libcupsimage2-dev cups cups-bsd cups-filters \
	fonts-dejavu-core libavahi-client-dev libmicrohttpd-dev libcurl4-openssl-dev
APT_TEST := clang libclang-rt-14-dev sqlite3 \
	libcmocka-dev bats minisign age zip unzip poppler-utils ghostscript imagemagick \
	xvfb xauth xdotool clang-format systemd mtools qrencode python3 jq iproute2 avahi-daemon \
	curl chromium chromium-driver python3-selenium
APT_PKGS := $(APT_RUN) $(APT_TEST)

.PHONY: hq all deps deps-run test unit e2e run bench figures fuzz format format-check clean install install-app screenshots fresh-test
.DELETE_ON_ERROR:

all: $(PROGS) $(BUILD)/includes.ok

# Fails, naming the file and the header, when a file includes what its
# folder's ALLOW does not let it (src/check-includes).
$(BUILD)/includes.ok: $(LIB_OBJS) $(MAIN_OBJS) src/check-includes $(foreach d,$(SRC_DIRS),src/$(d)/ALLOW)
	src/check-includes $(BUILD)/obj $(SRC_DIRS)
	@touch $@

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.cpp
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/wat-kiosk: $(BUILD)/obj/kiosk/kiosk.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/watctl: $(BUILD)/obj/cli/watctl.o $(SEND_OBJS) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CURL_LIBS)
$(BUILD)/wat-send: $(BUILD)/obj/send/watsend.o $(SEND_OBJS) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CURL_LIBS)
$(BUILD)/rastertoescpos: $(BUILD)/obj/print/rastertoescpos.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/wat-sync: $(BUILD)/obj/sync/watsync.o $(SYNC_ONLY:src/%.c=$(BUILD)/obj/%.o) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(AVAHI_LIBS)
$(BUILD)/wat-hq: $(BUILD)/obj/hqweb/wat_hq.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(MHD_LIBS)
$(BUILD)/wat-hq-signer: $(BUILD)/obj/hqweb/wat_hq_signer.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS) -lcmocka -lstdc++

# A USB stick that returns other bytes than it was given: read(2) wrapped.
$(BUILD)/tests/test_bundle_readback: LDFLAGS += -Wl,--wrap=read

# Power cuts (tests/crash/, test-only): walk days on the ledger through a
# sqlite VFS that simulates them, and files written whole through a wrapped
# syscall layer.  Run by tests/e2e/durability.bats and by make bench.
CRASH_BINS := $(BUILD)/tests/crash_ledger $(BUILD)/tests/crash_files
$(BUILD)/tests/crash_ledger: tests/crash/crash_ledger.c tests/crash/crashvfs.c tests/crash/crashvfs.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/crash $(CFLAGS) -o $@ $(filter %.c,$^) $(LIB) $(LDFLAGS) $(LDLIBS) -lstdc++
CRASHFS_WRAP := -Wl,--wrap=open,--wrap=write,--wrap=fsync,--wrap=close,--wrap=rename,--wrap=unlink,--wrap=mkdir
$(BUILD)/tests/crash_files: tests/crash/crash_files.c tests/crash/crashfs.c tests/crash/crashfs.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/crash $(CFLAGS) -o $@ $(filter %.c,$^) $(LIB) $(LDFLAGS) $(CRASHFS_WRAP) $(LDLIBS) -lstdc++

deps: DEPS_LIST = $(APT_PKGS)
deps-run: DEPS_LIST = $(APT_RUN)
deps deps-run:
	@missing=$$(for p in $(DEPS_LIST); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing:" $$missing; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test: deps
	$(MAKE) --no-print-directory all $(UNIT_BINS) $(CRASH_BINS)
	@BUILD=$(BUILD) tests/run

# docs/screenshots from the kiosk's test scripts (tests/kiosk/screenshots)
screenshots: deps
	$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tests/kiosk/screenshots

# The README's make test, run in a fresh Debian 12 root (see tests/fresh-test).
fresh-test:
	@tests/fresh-test

# HQ's web inbox on a demo HQ (three cities, several stations, one held
# bundle) at http://127.0.0.1:8080 (assets/demo/hq-run).
hq: deps-run
	$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) assets/demo/hq-run

run: deps-run
	$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) assets/demo/run

# Benchmarks are built optimised and without sanitizers, whatever SANITIZE says.
build/bench/%: tests/bench/%.c tests/bench/bench.h tests/bench/bench_kiosk.h build/libwat.a
	@mkdir -p $(@D)
	$(CC) -D_GNU_SOURCE $(INCS) -std=c17 -O2 -g $(WARN) $(PKG_CFLAGS) -pthread -o $@ $< build/libwat.a $(PKG_LIBS) $(CURL_LIBS) -lm -lstdc++

# CRASHES: how many power cuts crash_ledger simulates.
CRASHES ?= 10000
# Every line is also kept in build/bench/figures.jsonl; make figures then
# remakes the README's figures table from it (tests/bench/figures-table).
bench: deps
	$(MAKE) --no-print-directory SANITIZE=0 BUILD=build all $(BENCH_BINS) build/tests/crash_ledger build/tests/crash_files
	@: >build/bench/figures.jsonl; \
	for b in $(BENCH_BINS) "build/tests/crash_ledger --crashes $(CRASHES) --json" \
	    "build/tests/crash_files --json"; do \
	  BUILD=build $$b >build/bench/last.jsonl || exit 1; \
	  tee -a build/bench/figures.jsonl <build/bench/last.jsonl; \
	done
figures: bench
	tests/bench/figures-table build/bench/figures.jsonl --readme README.md

# Objects are kept (not intermediate files).  Only these: a bare .SECONDARY:
# would also stop a header that was moved or removed (its -MP empty rule)
# from remaking what included it.
.SECONDARY: $(LIB_OBJS) $(MAIN_OBJS) $(FUZZ_OBJS)

# libFuzzer targets: the library built again with clang's fuzzer instrumentation.
FUZZ_OBJS := $(LIB_C:src/%.c=build/fuzz/obj/%.o)
build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -D_GNU_SOURCE $(INCS) -std=c17 -O1 -g -fsanitize=fuzzer-no-link,address,undefined $(PKG_CFLAGS) -c -o $@ $<
build/fuzz/libwat.a: $(FUZZ_OBJS) $(LIB_CXX:src/%.cpp=build/obj/%.o)
	rm -f $@
	ar rcs $@ $^
build/fuzz/%: tests/fuzz/%.c build/fuzz/libwat.a
	@mkdir -p $(@D)
	$(FUZZ_CC) -D_GNU_SOURCE $(INCS) -std=c17 -O1 -g -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) -o $@ $< build/fuzz/libwat.a $(PKG_LIBS) $(MHD_LIBS) -lm -lstdc++ -pthread

fuzz: deps $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
		n=$$(basename $$f); mkdir -p build/fuzz/corpus/$$n; \
		seeds=; [ -d tests/fuzz/seeds/$$n ] && seeds=tests/fuzz/seeds/$$n; \
		echo "== $$n ($(FUZZ_SECONDS) s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=16384 build/fuzz/corpus/$$n $$seeds 2>build/fuzz/$$n.log || { tail -40 build/fuzz/$$n.log; exit 1; }; \
		tail -1 build/fuzz/$$n.log; \
	done

FORMAT_FILES := $(wildcard $(foreach d,$(SRC_DIRS),src/$(d)/*.c src/$(d)/*.h src/$(d)/*.cpp)) $(wildcard tests/unit/*.c tests/fuzz/*.c tests/bench/*.c tests/bench/*.h tests/unit/*.h tests/crash/*.c tests/crash/*.h)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

PREFIX ?= /usr/local
# install-app: the programs, assets and CUPS filter only (what the image's
# first stage builds inside the target root); install: also the board files.
install: install-app
	board/install.sh --destdir "$(DESTDIR)/" --build $(BUILD)
install-app: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/wat
	install -m 755 $(BUILD)/watctl $(BUILD)/wat-kiosk $(BUILD)/wat-sync $(BUILD)/wat-send $(DESTDIR)$(PREFIX)/bin/
	cp -r assets/. $(DESTDIR)$(PREFIX)/share/wat/
	# the demo HQ's secret keys stay in the repo: a station carries HQ's public keys only
	rm -f $(DESTDIR)$(PREFIX)/share/wat/demo/hq/*.key
	install -d $(DESTDIR)/usr/lib/cups/filter $(DESTDIR)/usr/share/cups/model/wat
	install -m 755 $(BUILD)/rastertoescpos $(DESTDIR)/usr/lib/cups/filter/rastertoescpos
	install -m 644 assets/ppd/*.ppd $(DESTDIR)/usr/share/cups/model/wat/

# The appliance: make image / image-test [ARCH=arm64|amd64] (see docs/APPLIANCE.md).
-include image/Makefile.inc

clean:
	rm -rf build

-include $(wildcard $(foreach d,$(SRC_DIRS),$(BUILD)/obj/$(d)/*.d build/fuzz/obj/$(d)/*.d) $(BUILD)/tests/*.d build/bench/*.d)
