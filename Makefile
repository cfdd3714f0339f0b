# SPDX-License-Identifier: GPL-2.0
#
# EvOS: one entry point for build, demo, test and kernel patch handling.
#
#   make            build the kernel, libbpf, bpftool, BPF objects, evosctl
#                   and the selftests
#   make test       host tests, then the kselftests in the EvOS guest (TAP)
#   make demo       boot the guest and show the pipeline at work
#   make fuzz [N=programs] [SEED=n]  a long run of the verifier fuzzer in
#                   the guest
#   make bench      benchmarks in the EvOS guest, as ratios to baselines
#   make install    install evosctl, its man page and completion, the BPF
#                   objects and headers (PREFIX, DESTDIR); make uninstall
#   make env        shell assignments for writing your own EvOS programs
#   make test-debug the guest suite on the debug kernel (KASAN, lockdep,
#                   kmemleak, ...), which it builds first
#   make test-upstream   the pinned tree's BPF selftests on the EvOS kernel
#                   and on the unpatched base kernel: the same results
#   make kernel     build only the kernel
#   make kernel-debug    build only the debug kernel
#   make kernel-deb Debian packages of the EvOS kernel, in build/deb
#   make kernel-patches  turn edits made in the unpacked kernel tree into
#                   kernel/patches/ and overlay files
#   make kernel-reset    drop edits made in the unpacked kernel tree
#   make checkpatch checkpatch --strict and kernel-doc on the kernel series
#   make clean      remove the work tree's build outputs

MAKEFLAGS += -rR
.DEFAULT_GOAL := all
.SECONDARY:
TOP := $(CURDIR)
BUILD := $(TOP)/build
export EVOS_CACHE ?= $(HOME)/.cache/evos
TARBALL := /usr/src/linux-source-6.12.tar.xz

CC := gcc
CLANG := clang-19
LLVM_STRIP := llvm-strip-19
CFLAGS_USER := -O2 -g -Wall -Wextra -Werror -std=gnu11
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

# Kernel-side paths (EVOS_KSRC, EVOS_KOBJ, ...) depend on the pinned base's
# checksum; they are recomputed whenever the base changes.
-include $(BUILD)/paths.mk

$(BUILD)/paths.mk: $(TARBALL) tools/evos/ktree
	$(Q)mkdir -p $(BUILD)
	$(Q)tools/evos/ktree vars | sed 's/=/ := /' > $@

$(TARBALL):
	$(Q)tools/evos/deps

TOOLS := $(EVOS_KDIR)/tools
LIBBPF_A := $(TOOLS)/libbpf/libbpf.a
LIBBPF_INC := $(TOOLS)/libbpf/root/include
BPFTOOL := $(TOOLS)/bpftool/bpftool
BZIMAGE := $(EVOS_KOBJ)/arch/x86/boot/bzImage
VMLINUX_H := $(BUILD)/vmlinux.h
BPF_INC := $(TOP)/bpf/include

.PHONY: all deps kernel kernel-debug kernel-deb test-debug test-upstream install uninstall tools bpf evosctl selftests test test-host test-guest \
	demo bench env checkpatch kernel-patches kernel-reset kernel-status clean FORCE

all: kernel tools bpf evosctl selftests

deps:
	$(Q)tools/evos/deps

# --- kernel ---------------------------------------------------------------

kernel: deps
	$(Q)tools/evos/kbuild

$(BZIMAGE) $(EVOS_KOBJ)/vmlinux: kernel ;

# The same tree with evos-debug.config (KASAN, lockdep, kmemleak, ...), in
# an object directory of its own.
kernel-debug: deps
	$(Q)tools/evos/kbuild --debug

# Debian packages of the EvOS kernel (linux-image-*.deb and friends), from
# the same tree and configuration, written to $(BUILD)/deb.
kernel-deb: kernel
	$(Q)tools/evos/kbuild --deb $(BUILD)/deb

kernel-patches:
	$(Q)tools/evos/ktree patches

kernel-reset:
	$(Q)tools/evos/ktree reset

kernel-status:
	$(Q)tools/evos/ktree status

checkpatch: kernel
	$(Q)tools/evos/kcheck

# --- libbpf and bpftool from the pinned tree --------------------------------

tools: $(LIBBPF_A) $(BPFTOOL)

$(LIBBPF_A): | deps
	$(Q)tools/evos/ktree prepare
	$(Q)mkdir -p $(TOOLS)/libbpf
	$(Q)$(MAKE) -s -C $(EVOS_KSRC)/tools/lib/bpf OUTPUT=$(TOOLS)/libbpf/ CC=$(CC) \
		BUILD_STATIC_ONLY=1 DESTDIR=$(TOOLS)/libbpf/root prefix= \
		$(TOOLS)/libbpf/libbpf.a install_headers >/dev/null

$(BPFTOOL): | deps
	$(Q)tools/evos/ktree prepare
	$(Q)mkdir -p $(TOOLS)/bpftool
	$(Q)$(MAKE) -s -C $(EVOS_KSRC)/tools/bpf/bpftool OUTPUT=$(TOOLS)/bpftool/ CC=$(CC) \
		CLANG=$(CLANG) LLVM_STRIP=$(LLVM_STRIP) >/dev/null

$(VMLINUX_H): $(EVOS_KOBJ)/vmlinux $(BPFTOOL)
	$(Q)mkdir -p $(BUILD)
	$(Q)$(BPFTOOL) btf dump file $(EVOS_KOBJ)/vmlinux format c > $@.tmp
	$(Q)mv $@.tmp $@

# --- BPF objects and skeletons ----------------------------------------------

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Werror \
	-I$(BUILD) -I$(LIBBPF_INC) -I$(BPF_INC) -I$(EVOS_KSRC)/tools/sched_ext/include

bpf: $(BPF_OBJS)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(VMLINUX_H) $(LIBBPF_A) $(wildcard $(BPF_INC)/*.h)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o $(BPFTOOL)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $*) > $@.tmp
	$(Q)mv $@.tmp $@

# --- evosctl --------------------------------------------------------------

EVOSCTL := $(BUILD)/evosctl
EVOSCTL_SRCS := $(wildcard tools/evos/evosctl/*.c)
JSON_WRITER := $(EVOS_KSRC)/tools/bpf/bpftool/json_writer.c
USER_CFLAGS := $(CFLAGS_USER) -I$(LIBBPF_INC) -I$(EVOS_KSRC)/tools/bpf/bpftool \
	-I$(EVOS_KSRC)/tools/include -I$(EVOS_KSRC)/tools/include/uapi \
	-I$(TOP)/tools/evos/evosctl
USER_LIBS := $(LIBBPF_A) -lelf -lz -lzstd

evosctl: $(EVOSCTL)

KERNEL_RELEASE_FILE := $(EVOS_KOBJ)/include/config/kernel.release
# BPF programs evosctl carries inside it, as skeletons
EVOSCTL_PROGS := $(BUILD)/evosctl-progs

$(EVOSCTL_PROGS)/%.bpf.o: tools/evos/evosctl/progs/%.bpf.c $(VMLINUX_H) $(LIBBPF_A) \
		$(wildcard tools/evos/evosctl/*.h)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Itools/evos/evosctl -c $< -o $@

$(EVOSCTL): $(EVOSCTL_SRCS) $(wildcard tools/evos/evosctl/*.h) $(LIBBPF_A) \
		$(EVOSCTL_PROGS)/worker_iter.skel.h $(BUILD)/bpf/scx_evos.skel.h \
		$(BPF_INC)/scx_evos.h $(wildcard $(KERNEL_RELEASE_FILE))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) -I$(EVOSCTL_PROGS) -I$(BUILD)/bpf -I$(BPF_INC) \
		-DEVOS_KERNEL_RELEASE='"$(or $(shell cat $(KERNEL_RELEASE_FILE) 2>/dev/null),unknown)"' \
		-o $@ $(EVOSCTL_SRCS) $(JSON_WRITER) $(USER_LIBS)

# --- selftests ------------------------------------------------------------

include selftests/evos/Makefile.inc
include tools/evos/fuzz/Makefile.inc

# --- tests and demo -------------------------------------------------------

# Runs the host tests, then one guest boot for the kselftests; prints TAP
# and a last line "N passed, N failed".  T=name runs one test alone (T=a,b: those tests).
test: all
	$(Q)tools/evos/run-tests $(if $(T),--only $(T))

# The guest suite on the debug kernel; a kernel report in the console or a
# kmemleak leak after the suite fails the run.
test-debug: all kernel-debug
	$(Q)$(MAKE) --no-print-directory -o kernel-debug $(DOOR_KO_DEBUG)
	$(Q)tools/evos/run-tests --guest-only --debug $(if $(T),--only $(T))

# The pinned tree's BPF selftests on the EvOS kernel and on the base kernel
# (built from the same configuration, EvOS left out): every test must end
# the same way on both, or be listed in tools/evos/upstream.known.
test-upstream: kernel
	$(Q)tools/evos/test-upstream

demo: all
	$(Q)tools/evos/vm -- $(TOP)/tools/evos/demo

# --- benchmarks -------------------------------------------------------------

BENCH_DIR := $(BUILD)/bench
BENCH_BINS := $(BENCH_DIR)/coro_bench $(BENCH_DIR)/worker_bench \
	$(BENCH_DIR)/udp_echo_uring $(BENCH_DIR)/udp_rtt
BENCH_LIB := selftests/evos/testlib.c tools/evos/evosctl/xsk.c

$(BENCH_DIR)/progs/%.bpf.o: tools/evos/bench/progs/%.bpf.c $(VMLINUX_H) $(LIBBPF_A) \
		$(wildcard $(BPF_INC)/*.h)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -I$(EVOS_KSRC)/tools/testing/selftests/bpf \
		-Iselftests/evos/progs -c $< -o $@

$(BENCH_DIR)/%: tools/evos/bench/%.c $(BENCH_DIR)/progs/%.skel.h $(BENCH_LIB) $(LIBBPF_A)
	$(Q)$(CC) $(USER_CFLAGS) -I$(BENCH_DIR)/progs -Iselftests/evos -o $@ $< \
		$(BENCH_LIB) $(USER_LIBS)

$(BENCH_DIR)/udp_echo_uring: tools/evos/bench/udp_echo_uring.c
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_USER) -o $@ $< -luring

$(BENCH_DIR)/udp_rtt: tools/evos/bench/udp_rtt.c
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_USER) -o $@ $<

# One guest boot runs every benchmark; the results and a plot go to
# build/bench/out/.
bench: all $(BENCH_BINS) selftests
	$(Q)rm -rf $(BENCH_DIR)/out && mkdir -p $(BENCH_DIR)/out
	$(Q)tools/evos/vm --cpus 2 --share $(BENCH_DIR)/out -- \
		$(TOP)/tools/evos/bench/run $(BENCH_DIR)/out
	$(Q)tools/evos/bench/report $(BENCH_DIR)/out

# --- install --------------------------------------------------------------

PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_FILES := \
	sbin/evosctl \
	share/man/man8/evosctl.8 \
	share/bash-completion/completions/evosctl \
	$(patsubst $(BUILD)/bpf/%,lib/evos/bpf/%,$(BPF_OBJS)) \
	$(patsubst bpf/include/%,include/evos/%,$(wildcard bpf/include/*.h))

install: evosctl bpf
	$(Q)install -D -m 0755 $(EVOSCTL) $(DESTDIR)$(PREFIX)/sbin/evosctl
	$(Q)install -D -m 0644 tools/evos/evosctl/evosctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/evosctl.8
	$(Q)install -D -m 0644 tools/evos/evosctl/evosctl.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/evosctl
	$(Q)install -d $(DESTDIR)$(PREFIX)/lib/evos/bpf $(DESTDIR)$(PREFIX)/include/evos
	$(Q)install -m 0644 $(BPF_OBJS) $(DESTDIR)$(PREFIX)/lib/evos/bpf/
	$(Q)install -m 0644 $(wildcard bpf/include/*.h) $(DESTDIR)$(PREFIX)/include/evos/

uninstall:
	$(Q)rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(INSTALL_FILES))
	$(Q)rmdir $(DESTDIR)$(PREFIX)/lib/evos/bpf $(DESTDIR)$(PREFIX)/lib/evos \
		$(DESTDIR)$(PREFIX)/include/evos 2>/dev/null || true

env: $(BUILD)/paths.mk
	@echo "EVOS_BZIMAGE=$(BZIMAGE)"
	@echo "EVOS_VMLINUX=$(EVOS_KOBJ)/vmlinux"
	@echo "EVOS_VMLINUX_H=$(VMLINUX_H)"
	@echo "EVOS_BPFTOOL=$(BPFTOOL)"
	@echo "EVOS_LIBBPF_INCLUDE=$(LIBBPF_INC)"
	@echo "EVOS_LIBBPF_A=$(LIBBPF_A)"
	@echo "EVOS_CLANG=$$(command -v $(CLANG) || echo $(CLANG))"
	@echo "EVOS_BPF_INCLUDE=$(BPF_INC)"
	@echo "EVOS_EVOSCTL=$(EVOSCTL)"
	@echo "EVOS_VM=$(TOP)/tools/evos/vm"
	@echo "EVOS_KSRC=$(EVOS_KSRC)"

clean:
	$(Q)rm -rf $(BUILD)
