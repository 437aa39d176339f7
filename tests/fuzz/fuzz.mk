# tests/fuzz/fuzz.mk: fuzz targets of every parser of user input (read
# tests/fuzz/fuzz.h first).  Included by the Makefile, after its own
# rules, whose variables it uses: B, CC, ALL_CFLAGS, LIBS, SAN_LDFLAGS,
# Q, LIB_SRC.
#
#   make fuzz-replay        $(B)/fuzz-replay-TARGET for every target: the
#                           target with the standalone driver, built with
#                           the normal compiler (ASan + UBSan in check);
#                           tests/run.sh replays each corpus with them
#   make fuzz               build every target with clang and libFuzzer
#                           into build/fuzz/ and run each FUZZ_TIME
#                           seconds (default 60) on a copy of its corpus
#                           (build/fuzz/corpus/TARGET, kept between runs);
#                           crashes land in build/fuzz/crashes/TARGET/
#   FUZZ_TARGETS="json_index csv_margins"   fuzz only those
#
# Replay one input: build/fuzz/fuzz-TARGET FILE (libFuzzer) or
# $(B)/fuzz-replay-TARGET FILE (driver); FUZZ_VERBOSE=1 in the
# environment prints what each call returned.
#
# A crash found is fixed, and its input added to tests/fuzz/corpus/TARGET/
# so that `make check` replays it for ever.

FUZZ_TARGETS ?= csv_answers csv_places csv_margins json_survey json_profile \
	json_indicators json_index
FUZZ_TIME ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_CC ?= clang
FUZZ_B := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# ASan's quarantine (256 MB by default) would take half of the 512 MB
# memory limit: a smaller one still catches uses after free.
FUZZ_ASAN_OPTIONS ?= quarantine_size_mb=64:detect_leaks=1
FUZZ_ALL_TARGETS := csv_answers csv_places csv_margins json_survey json_profile \
	json_indicators json_index

.PHONY: fuzz fuzz-replay fuzz-build

# ---- replay binaries (normal compiler, $(B)) ----

FUZZ_REPLAY := $(FUZZ_ALL_TARGETS:%=$(B)/fuzz-replay-%)
FUZZ_COMMON_OBJ := $(B)/tests/fuzz/common.o $(B)/tests/fuzz/driver.o
FUZZ_REPLAY_OBJ := $(FUZZ_COMMON_OBJ) \
	$(FUZZ_ALL_TARGETS:%=$(B)/tests/fuzz/fuzz_%.o)

# The fixtures a fresh database is filled from are read from the source
# tree, wherever the binary runs.
$(B)/tests/fuzz/common.o: ALL_CFLAGS += -DFUZZ_SRCDIR='"$(CURDIR)"'

fuzz-replay: $(FUZZ_REPLAY)

$(B)/fuzz-replay-%: $(B)/tests/fuzz/fuzz_%.o $(FUZZ_COMMON_OBJ) \
		$(B)/libimpact.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(SAN_LDFLAGS) -o $@ $< $(FUZZ_COMMON_OBJ) \
		$(B)/libimpact.a $(LIBS)

# ---- libFuzzer binaries (clang, build/fuzz) ----

FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_B)/%.o)
FUZZ_BIN := $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz-%)

# The library and the targets with coverage feedback (fuzzer-no-link) and
# the sanitizers; only the final link adds libFuzzer's main().
$(FUZZ_B)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CLANG   $<")
	$(Q)$(FUZZ_CC) $(filter-out -fsanitize=%,$(ALL_CFLAGS)) \
		-DFUZZ_SRCDIR='"$(CURDIR)"' \
		-fsanitize=fuzzer-no-link $(FUZZ_SAN) -c -o $@ $<

$(FUZZ_B)/libimpact.a: $(FUZZ_LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_B)/fuzz-%: $(FUZZ_B)/tests/fuzz/fuzz_%.o $(FUZZ_B)/tests/fuzz/common.o \
		$(FUZZ_B)/libimpact.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< \
		$(FUZZ_B)/tests/fuzz/common.o $(FUZZ_B)/libimpact.a $(LIBS)

fuzz-build: $(FUZZ_BIN)

# Each target on a copy of its corpus (new inputs stay in build/fuzz), for
# FUZZ_TIME seconds; every target runs even when one crashes, and the
# run fails when any did.
fuzz: fuzz-build
	$(Q)fail=0; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_B)/corpus/$$t $(FUZZ_B)/crashes/$$t && \
		cp tests/fuzz/corpus/$$t/* $(FUZZ_B)/corpus/$$t/ && \
		echo "== fuzz $$t: $(FUZZ_TIME) s" && \
		ASAN_OPTIONS="$(FUZZ_ASAN_OPTIONS)" \
		$(FUZZ_B)/fuzz-$$t -max_total_time=$(FUZZ_TIME) \
			-max_len=65536 -rss_limit_mb=512 -malloc_limit_mb=512 \
			-timeout=$(FUZZ_TIMEOUT) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_B)/crashes/$$t/ \
			$(FUZZ_B)/corpus/$$t >$(FUZZ_B)/fuzz-$$t.log 2>&1; \
		rc=$$?; grep -E '^stat::|SUMMARY|Test unit written' \
			$(FUZZ_B)/fuzz-$$t.log; \
		if [ $$rc -ne 0 ]; then fail=1; \
			echo "not ok - fuzz $$t: exit $$rc, see" \
				"$(FUZZ_B)/fuzz-$$t.log and $(FUZZ_B)/crashes/$$t/"; \
		else echo "ok - fuzz $$t: no crash in $(FUZZ_TIME) s"; fi; \
	done; exit $$fail

# Objects reached only through pattern rules: keep them, for incremental
# builds.
.SECONDARY: $(FUZZ_REPLAY_OBJ) \
	$(FUZZ_ALL_TARGETS:%=$(FUZZ_B)/tests/fuzz/fuzz_%.o) \
	$(FUZZ_B)/tests/fuzz/common.o

-include $(FUZZ_REPLAY_OBJ:.o=.d) $(FUZZ_LIB_OBJ:.o=.d) \
	$(FUZZ_ALL_TARGETS:%=$(FUZZ_B)/tests/fuzz/fuzz_%.d) \
	$(FUZZ_B)/tests/fuzz/common.d
