# SPDX-License-Identifier: GPL-2.0
#
# nft-offload top level.
#
#   make                 build nft_offload.ko for the running kernel (or KDIR=)
#   make install         install it under /lib/modules/<release>/updates, depmod
#   make demo            the main job: a virtual router in QEMU, offload at work
#   make test            the whole test suite (what CI runs)
#   make check           static checks: checkpatch, W=1 and sparse builds
#   make unit            userspace unit tests of the pure logic
#   make fuzz            a long fuzzing run (10 minutes per target)
#   make bench           router cost per packet: ours, in-kernel flowtable, classic
#   make clean

KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	  if [ -d "$$d" ]; then echo "$$d"; else \
	  ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1; fi)

all: module

module:
	$(MAKE) -C src KDIR=$(KDIR)

install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR)/src INSTALL_MOD_DIR=updates modules_install
	depmod -a $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
		$(KDIR)/include/generated/utsrelease.h)

demo:
	scripts/demo.sh

test:
	scripts/run-tests.sh

check:
	scripts/check-static.sh

unit:
	$(MAKE) -C tests/unit test

fuzz:
	$(MAKE) -C tests/unit fuzz

bench:
	scripts/bench.sh

clean:
	$(MAKE) -C src KDIR=$(KDIR) clean
	$(MAKE) -C tests/unit clean
	rm -rf build

.PHONY: all module install demo test check unit fuzz bench clean
