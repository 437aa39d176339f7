# impact: build, test, install.  A plain Makefile (see docs/ and README.md).
#
#   make            build libimpact.a, libimpact.so and the impact command
#   make demo       run the whole pipeline on the bundled sample: out/demo/
#   make check      unit and CLI tests under ASan and UBSan
#   make install    PREFIX=/usr/local DESTDIR= honoured
#   make valgrind   every test again under valgrind (slow)
#   make crash      the kill test, CRASH_RUNS=100 times
#   make fuzz       libFuzzer on every parser, FUZZ_TIME=60 s each (clang)
#   make bench      the national-scale benchmark: out/bench/results.json
#   make uninstall, make clean
#   V=1             show the commands

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

VERSION := $(shell sed -n 's/^\#define IMPACT_VERSION "\(.*\)"/\1/p' include/impact/common.h)
SOVERSION := 0

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := sqlite3 gsl jansson cairo pangocairo
# Only the command links the web server (impact serve).
CLI_PKGS := libmicrohttpd

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla
WERROR ?= -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(WERROR) \
	-Iinclude -MMD -MP -fPIC $(shell $(PKG_CONFIG) --cflags $(PKGS) $(CLI_PKGS) 2>/dev/null) $(CFLAGS)
LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lcsv -lm -pthread
CLI_LIBS = $(shell $(PKG_CONFIG) --libs $(CLI_PKGS) 2>/dev/null)

SANITIZE ?=
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LDFLAGS = -fsanitize=$(SANITIZE)
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Build directory: sanitized objects live apart from the normal ones.
B ?= build

LIB_SRC := $(wildcard engine/*.c surveys/*.c indicators/*.c reports/*.c)
CLI_SRC := engine/main.c $(wildcard engine/cli_*.c)
LIB_SRC := $(filter-out $(CLI_SRC),$(LIB_SRC))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
TEST_SRC := $(wildcard tests/unit/*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(B)/%.o)

.PHONY: all deps deps-check deps-bench bench demo check check-build unit cli install uninstall clean valgrind crash

all: $(B)/libimpact.a $(B)/libimpact.so $(B)/impact

deps:
	$(Q)sh .ci/deps build

deps-check:
	$(Q)sh .ci/deps check

deps-bench:
	$(Q)sh .ci/deps bench

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libimpact.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/libimpact.so: $(LIB_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -shared -Wl,-soname,libimpact.so.$(SOVERSION) $(SAN_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/impact: $(CLI_OBJ) $(B)/libimpact.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(SAN_LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libimpact.a $(LIBS) $(CLI_LIBS)

$(B)/unit-tests: $(TEST_OBJ) $(B)/libimpact.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(SAN_LDFLAGS) -o $@ $(TEST_OBJ) $(B)/libimpact.a $(LIBS) \
		$(shell $(PKG_CONFIG) --libs criterion 2>/dev/null || echo -lcriterion)

# The whole pipeline on the bundled sample (the README's first command).
DEMO := out/demo
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tests/demo.sh $(B)/impact $(DEMO)

# The national-scale benchmark (bench/, README "Performance"): a seeded
# dataset of 5,000 places, then every stage timed against the sqlite3
# shell's .import of the same rows.  A measurement, not a test: `make
# check` only runs a tiny one (tests/cli/bench.sh).  BENCH_GEN_ARGS and
# BENCH_ARGS pass options to bench-gen and bench-run (--skip STAGES).
BENCH_OUT := out/bench
BENCH_OBJ := $(B)/bench/gen.o $(B)/bench/run.o
bench: deps-bench
	$(Q)$(MAKE) --no-print-directory all $(B)/bench-gen $(B)/bench-run
	$(Q)$(B)/bench-gen --out $(BENCH_OUT)/data $(BENCH_GEN_ARGS)
	$(Q)$(B)/bench-run --impact $(B)/impact --top . --data $(BENCH_OUT)/data \
		--work $(BENCH_OUT) --json $(BENCH_OUT)/results.json $(BENCH_ARGS)

$(B)/bench-gen: $(B)/bench/gen.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(SAN_LDFLAGS) -o $@ $< $(LIBS)

$(B)/bench-run: $(B)/bench/run.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(SAN_LDFLAGS) -o $@ $< $(LIBS)

# Unit and CLI tests, everything built with ASan and UBSan.
CHECK_B := build/check
check: deps-check
	$(Q)$(MAKE) --no-print-directory B=$(CHECK_B) SANITIZE=address,undefined \
		CFLAGS="-O1 -g" $(CHECK_B)/impact $(CHECK_B)/unit-tests \
		$(CHECK_B)/bench-gen $(CHECK_B)/bench-run fuzz-replay
	$(Q)sh tests/run.sh $(CHECK_B)

# The crash test of `make check` (tests/cli/crash.sh: an import killed
# with SIGKILL at random moments, 20 times there) run CRASH_RUNS times
# (default 100, seed CRASH_SEED); fails on any "not ok".
CRASH_RUNS ?= 100
crash: deps-check
	$(Q)$(MAKE) --no-print-directory B=$(CHECK_B) SANITIZE=address,undefined \
		CFLAGS="-O1 -g" $(CHECK_B)/impact
	$(Q)CRASH_RUNS=$(CRASH_RUNS) IMPACT=$(CURDIR)/$(CHECK_B)/impact \
		TOP=$(CURDIR) LC_ALL=C.UTF-8 \
		ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=99 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98 \
		sh tests/cli/crash.sh | awk '{ print } /^not ok/ { f = 1 } \
		END { exit f }'

# Every test again under valgrind's memcheck, without sanitizers: zero
# errors, zero definite leaks (third-party ones in tests/valgrind.supp).
# Slow (many minutes): not part of `make check`.
VG_B := build/valgrind
VALGRIND := valgrind -q --leak-check=full --show-leak-kinds=definite \
	--errors-for-leak-kinds=definite \
	--error-exitcode=42 --trace-children=yes \
	--suppressions=$(CURDIR)/tests/valgrind.supp
valgrind: deps-check
	$(Q)$(MAKE) --no-print-directory B=$(VG_B) CFLAGS="-O1 -g" \
		$(VG_B)/impact $(VG_B)/unit-tests $(VG_B)/bench-gen \
		$(VG_B)/bench-run fuzz-replay
	$(Q)VALGRIND="$(VALGRIND)" sh tests/run.sh $(VG_B)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR)/impact $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(B)/impact $(DESTDIR)$(BINDIR)/impact
	install -m 644 $(B)/libimpact.a $(DESTDIR)$(LIBDIR)/libimpact.a
	install -m 755 $(B)/libimpact.so $(DESTDIR)$(LIBDIR)/libimpact.so.$(VERSION)
	ln -sf libimpact.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libimpact.so.$(SOVERSION)
	ln -sf libimpact.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libimpact.so
	install -m 644 include/impact.h $(DESTDIR)$(INCLUDEDIR)/impact.h
	install -m 644 include/impact/*.h $(DESTDIR)$(INCLUDEDIR)/impact/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		impact.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/impact.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/impact $(DESTDIR)$(LIBDIR)/libimpact.a \
		$(DESTDIR)$(LIBDIR)/libimpact.so $(DESTDIR)$(LIBDIR)/libimpact.so.$(SOVERSION) \
		$(DESTDIR)$(LIBDIR)/libimpact.so.$(VERSION) \
		$(DESTDIR)$(INCLUDEDIR)/impact.h $(DESTDIR)$(PKGCONFIGDIR)/impact.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/impact

clean:
	rm -rf build out

include tests/fuzz/fuzz.mk

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BENCH_OBJ:.o=.d)
