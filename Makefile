# aiotune: one top-level Makefile. Modules describe themselves in
# <dir>/module.mk; this file only knows how to build and run them.
#
#   make            build build/aiotune and build/libaioloop.a
#   make test       all tests: plain, then ASan+UBSan, then TSan
#   make check      plain tests only (fast)
#   make run        the quick simulated-NVMe sweep (see README)
#   make reproduce  QEMU's 16-32 us finding, other devices, the real disk
#   make deps       install the Debian packages aiotune needs
#   make install    install under PREFIX (/usr/local), DESTDIR honoured;
#                   make uninstall; make dist (source tarball); make deb
#                   (Debian packages in build/deb/); make check-deb (build,
#                   install, use and remove them); see dist/module.mk
#   make bench-fio  aiotune vs fio on a file, QD1 and QD32 (ratios)
#   make bench-uring  io_uring completions to a polling IOThread: signal vs coop
#   make bench-reproduce  the shape of the 16-32 us finding here, as figures
#   make bench-policies  every polling policy on every device: goals, frontier
#   make bench-loop-peers  the loop's basic costs beside glib, libuv,
#                   libevent and libev (REPS, default 5)
#   make SAN=asan|tsan ...   sanitizer build in build/asan or build/tsan
#   make fuzz       libFuzzer targets (clang, ASan+UBSan) in build/fuzz, each
#                   run FUZZ_SECONDS (default 60) on its seed corpus
#   make V=1        show full commands

.DEFAULT_GOAL := all

SAN ?=
ifeq ($(SAN),)
BUILD ?= build
else
BUILD ?= build/$(SAN)
endif

CC ?= cc
ifeq ($(CC),cc)
CC := gcc
endif
OPT ?= -O2
WARN := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
ifneq ($(CI),)
WARN += -Werror
endif
ifneq ($(WERROR),)
WARN += -Werror
endif
CFLAGS ?= $(OPT) -g
override CFLAGS += -std=gnu11 $(WARN) -pthread -D_GNU_SOURCE
override CPPFLAGS += -I. -I$(BUILD) -MMD -MP
LDFLAGS ?=

# The installed tree (dist/module.mk); the binary looks for its data files
# in DATADIR too (util/datadir.h), so it is compiled in.
PREFIX ?= /usr/local
DATADIR ?= $(PREFIX)/share/aiotune

ifeq ($(SAN),asan)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(SAN),tsan)
# -Wno-tsan: TSan does not model atomic_thread_fence; the fences in loop/
# pair with seq_cst atomics that it does see (tests run clean under it).
override CFLAGS += -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan
override LDFLAGS += -fsanitize=thread
endif
ifeq ($(SAN),fuzz)
# Every object gets libFuzzer's coverage hooks; only the fuzz targets link
# libFuzzer's main (FUZZ_LDFLAGS).
override CFLAGS += -fsanitize=fuzzer-no-link,address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
FUZZ_LDFLAGS := -fsanitize=fuzzer
endif

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-6s %s\n'
endif

-include $(BUILD)/config.mk
FEATURES := HAVE_LIBURING HAVE_LIBAIO HAVE_NUMA HAVE_HWLOC HAVE_GLIB \
	HAVE_JANSSON HAVE_INIH
override CFLAGS += $(foreach f,$(FEATURES),$($(f)_CFLAGS))
LIBS := $(foreach f,$(FEATURES),$($(f)_LIBS)) -lm -lrt

# Each module.mk appends to these lists.
LOOP_SRCS :=
APP_SRCS :=
MAIN_SRC := cli/main.c
TESTS :=
SH_TESTS :=
TSAN_TESTS :=
TEST_PROGS :=
BENCHES :=
TEST_HELPERS := tests/lib/helpers.c
FUZZ_TARGETS :=
FUZZ_LIB :=
FUZZ_REPLAY :=
# Data files the binary reads at run time, by their path in the tree
# (util/datadir.h); make install copies them under DATADIR.
INSTALL_DATA :=
include $(wildcard */module.mk)

LOOP_OBJS := $(LOOP_SRCS:%.c=$(BUILD)/%.o)
APP_OBJS := $(APP_SRCS:%.c=$(BUILD)/%.o)
HELPER_OBJS := $(TEST_HELPERS:%.c=$(BUILD)/%.o)
TEST_BINS := $(TESTS:%.c=$(BUILD)/%)
BENCH_BINS := $(BENCHES:%.c=$(BUILD)/%)
TSAN_BINS := $(TSAN_TESTS:%.c=$(BUILD)/%)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz-%)
FUZZ_OBJS := $(FUZZ_LIB:%.c=$(BUILD)/%.o)

LIBLOOP := $(BUILD)/libaioloop.a
LIBAPP := $(BUILD)/libaiotune.a
AIOTUNE := $(BUILD)/aiotune

.SECONDARY:

.PHONY: all deps deps-ensure test check check-tsan run clean bench bench-fio \
	bench-uring bench-reproduce bench-loop-peers bench-policies \
	test-asan test-tsan tests reproduce fuzz fuzz-bins
all: $(AIOTUNE) $(LIBLOOP)

deps:
	@scripts/deps.sh ensure && echo "aiotune: all packages present: $$(scripts/deps.sh list)"

# NO_DEPS=1: never call apt-get: a package build (make deb's debian/rules)
# or a fleet host told the packages are there (aiotune_deps=false).
deps-ensure:
	@$(if $(NO_DEPS),true,scripts/deps.sh ensure)

$(BUILD)/config.h $(BUILD)/config.mk: scripts/configure.sh | deps-ensure
	@mkdir -p $(BUILD)
	$(Q)sh scripts/configure.sh $(BUILD) $(CC)

$(BUILD)/%.o: %.c $(BUILD)/config.h
	@mkdir -p $(dir $@)
	$(quiet) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBLOOP): $(LOOP_OBJS)
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBAPP): $(APP_OBJS)
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(AIOTUNE): $(BUILD)/$(MAIN_SRC:.c=.o) $(LIBAPP) $(LIBLOOP)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(HELPER_OBJS) $(LIBAPP) $(LIBLOOP)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIBAPP) $(LIBLOOP)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# Fuzz targets: with libFuzzer's main (make fuzz, SAN=fuzz), or with
# replay.c's, which runs them once per file (make check).
$(BUILD)/tests/fuzz/fuzz-%: $(BUILD)/tests/fuzz/fuzz-%.o $(FUZZ_OBJS) \
		$(LIBAPP) $(LIBLOOP)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(FUZZ_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/fuzz/replay-%: $(BUILD)/tests/fuzz/fuzz-%.o $(FUZZ_OBJS) \
		$(FUZZ_REPLAY:%.c=$(BUILD)/%.o) $(LIBAPP) $(LIBLOOP)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# The topology fuzz-placement loads, found wherever the target runs.
$(BUILD)/tests/fuzz/%.o: override CPPFLAGS += -DFUZZ_SRCDIR='"$(CURDIR)"'

# TEST_PROGS: programs the shell tests run that are not tests themselves.
tests: $(TEST_BINS) $(TEST_PROGS) $(AIOTUNE)

# Plain run of every test program and shell test.
check: tests
	@AIOTUNE=$(abspath $(AIOTUNE)) BUILD=$(BUILD) SAN=$(SAN) \
		tests/run.sh $(TEST_BINS) $(SH_TESTS)

# The concurrency tests, under whatever SAN= says (used with SAN=tsan).
check-tsan: $(TSAN_BINS) $(AIOTUNE)
	@AIOTUNE=$(abspath $(AIOTUNE)) BUILD=$(BUILD) SAN=$(SAN) \
		tests/run.sh $(TSAN_BINS)

test-asan:
	@$(MAKE) --no-print-directory SAN=asan check

test-tsan:
	@$(MAKE) --no-print-directory SAN=tsan check-tsan

# The README's test command: everything, plain and under sanitizers.
test: deps-ensure
	@$(MAKE) --no-print-directory check
	@$(MAKE) --no-print-directory SAN=asan check
	@$(MAKE) --no-print-directory SAN=tsan check-tsan
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5
	@echo "aiotune: all test stages passed"

# Fuzzing (tests/fuzz/): the targets built with clang under ASan+UBSan in
# build/fuzz, then each run FUZZ_SECONDS on a copy of its seed corpus;
# fails on a crash, leak, sanitizer report or broken invariant.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
fuzz-bins: $(FUZZ_BINS)

fuzz: deps-ensure
	@$(MAKE) --no-print-directory SAN=fuzz CC=$(FUZZ_CC) fuzz-bins
	@sh tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: $(BENCH_BINS)
	@for b in $(BENCH_BINS); do $$b || exit 1; done

# aiotune vs fio on one file, QD1 and QD32 (bench/fio-compare.sh).
bench-fio: all
	@sh bench/fio-compare.sh $(AIOTUNE)

# io_uring completion hand-off to a polling IOThread: signal vs coop
# (bench/uring-taskrun.sh).
bench-uring: all
	@sh bench/uring-taskrun.sh $(AIOTUNE)

# The shape of QEMU's 16-32 us finding on this machine: gains, latency and
# knee against the recommendation, as figures (bench/reproduce-shape.sh).
bench-reproduce: all
	@sh bench/reproduce-shape.sh $(AIOTUNE)

# The polling policies against the goals of docs/FINDINGS.md "A policy
# that needs no tuning" on the reproduction's devices, interleaved
# repetitions, a table and the IOPS/CPU frontier (bench/policies.sh):
# make bench-policies [QUICK=1] [REPS=N] [SEED=N] [OUT=DIR] [DISK=PATH|none].
bench-policies: all
	@QUICK=$(or $(QUICK),0) $(if $(REPS),REPS=$(REPS)) \
		$(if $(SEED),SEED=$(SEED)) $(if $(OUT),OUT=$(OUT)) \
		$(if $(DISK),DISK=$(DISK)) sh bench/policies.sh $(AIOTUNE)

# aiotune's loop beside glib, libuv, libevent and libev: the four figures
# of bench/loop-costs.c for each, interleaved (bench/loop-peers.sh).
bench-loop-peers: $(LOOP_PEER_BINS)
	@LOOP_PEERS="$(LOOP_PEERS)" sh bench/loop-peers.sh $(BUILD)/bench

run: all
	@scripts/run.sh $(AIOTUNE)

# QEMU's 16-32 us finding reproduced, other devices, the real disk
# (README "Reproducing QEMU's 16-32 us finding"): make reproduce
# [QUICK=1] [DISK=PATH | DISK=none] [OUT=DIR].
reproduce: all
	@scripts/reproduce.sh $(if $(QUICK),--quick) \
		$(if $(filter none,$(DISK)),--no-disk,$(if $(DISK),--disk $(DISK))) \
		$(if $(OUT),--output $(OUT)) $(AIOTUNE)

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
