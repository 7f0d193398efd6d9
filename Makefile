# SPDX-License-Identifier: GPL-2.0
#
# nft-offload top level.
#
#   make                 build nft_offload.ko for the running kernel (or KDIR=)
#                        and the nft-offload command (tool/)
#   make tool            only the command
#   make install         install the module as /lib/modules/<release>/extra/
#                        nft_offload.ko (depmod), the command and its man page
#                        under PREFIX (/usr/local), the alias file under
#                        MODPROBEDIR; DESTDIR= stages all of it (no depmod).
#                        Refused where DKMS installed the module: use one or
#                        the other, never both
#   make uninstall       remove what make install installed
#   make version         print the version (src/version.h, the only place)
#   make module-sources  list the module's sources (relative to src/)
#   make dkms-source     the module's DKMS tree into
#                        $(DESTDIR)/usr/src/nft-offload-<version>
#   make deb             the Debian packages, into build/deb (scripts/build-debs.sh)
#   make demo            the main job: a virtual router in QEMU, offload at work
#   make test            the whole test suite (what CI runs)
#   make check           static checks: checkpatch, W=1 and sparse builds
#   make unit            userspace unit tests of the pure logic
#   make cross           the same and the fuzz corpora on MIPS and armhf (qemu-user)
#   make fuzz            a long fuzzing run (10 minutes per target)
#   make bench           router cost per packet: ours, in-kernel flowtable, classic;
#                        then bench-hw
#   make bench-hw        hardware offload on the simulated NIC: flows per second
#                        pushed, time from flow add to taken
#   make clean

KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	  if [ -d "$$d" ]; then echo "$$d"; else \
	  ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1; fi)
VERSION := $(shell sed -n 's/^\#define NFO_VERSION "\(.*\)"$$/\1/p' src/version.h)
PREFIX ?= /usr/local
# kmod reads /usr/local/lib/modprobe.d; the package's file is in
# /lib/modprobe.d, so the two never overwrite each other.
MODPROBEDIR ?= /usr/local/lib/modprobe.d
DKMS_SRCDIR := /usr/src/nft-offload-$(VERSION)
# The release KDIR builds for (install, uninstall).
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	 $(KDIR)/include/generated/utsrelease.h)

all: module tool

module:
	$(MAKE) -C src KDIR=$(KDIR)

tool:
	$(MAKE) -C tool

# extra/ and not updates/: depmod prefers updates/ (DKMS's updates/dkms
# among it), so a copy left here never shadows the package's module.
install: module tool
	@if ls $(DESTDIR)/lib/modules/$(KVER)/updates/dkms/nft_offload.ko* \
	      >/dev/null 2>&1 || [ -d $(DESTDIR)/var/lib/dkms/nft-offload ]; then \
	  echo "make install: DKMS manages nft-offload here (the nft-offload-dkms package?):" \
	       "remove it first, or keep using it" >&2; exit 1; fi
	install -D -m 0644 src/nft_offload.ko \
		$(DESTDIR)/lib/modules/$(KVER)/extra/nft_offload.ko
	install -D -m 0644 modprobe.d/nft-offload.conf \
		$(DESTDIR)$(MODPROBEDIR)/nft-offload.conf
	$(MAKE) -C tool install PREFIX=$(PREFIX)
	$(if $(DESTDIR),,depmod -a $(KVER))

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/extra/nft_offload.ko
	-rmdir $(DESTDIR)/lib/modules/$(KVER)/extra 2>/dev/null
	rm -f $(DESTDIR)$(MODPROBEDIR)/nft-offload.conf
	$(MAKE) -C tool uninstall PREFIX=$(PREFIX)
	$(if $(DESTDIR),,depmod -a $(KVER))

version:
	@echo $(VERSION)

# The module's sources, relative to src/, one per line: what a build of its
# own needs (DKMS's, scripts/build-module.sh's), without build products or
# the probes' output (they belong to one kernel).
module-sources:
	@cd src && find . -type f \( -name '*.[ch]' -o -name '*.sh' -o -name Kbuild \
		-o -name Makefile -o -name dkms.conf \) ! -name '*.mod.c' \
		! -name compat-gen.h -print | LC_ALL=C sort

# What DKMS builds from: the module's sources with dkms.conf.
dkms-source:
	install -d $(DESTDIR)$(DKMS_SRCDIR)
	$(MAKE) -s --no-print-directory module-sources | while read -r f; do \
	  install -D -m 0644 "src/$$f" "$(DESTDIR)$(DKMS_SRCDIR)/$$f"; done

deb:
	scripts/build-debs.sh

demo:
	scripts/demo.sh

test:
	scripts/run-tests.sh

check:
	scripts/check-static.sh

unit:
	$(MAKE) -C tests/unit test

cross:
	$(MAKE) -C tests/unit cross

fuzz:
	$(MAKE) -C tests/unit fuzz

bench:
	scripts/bench.sh
	scripts/bench-hw.sh

bench-hw:
	scripts/bench-hw.sh

clean:
	$(MAKE) -C src clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tool clean
	rm -rf build

.PHONY: all module tool install uninstall version module-sources dkms-source deb demo test check unit cross fuzz bench bench-hw clean
