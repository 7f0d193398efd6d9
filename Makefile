# SPDX-License-Identifier: GPL-2.0
#
# nft-offload top level.
#
#   make                 build nft_offload.ko for the running kernel (or KDIR=)
#                        and the nft-offload command (tool/)
#   make tool            only the command
#   make install         install the module under /lib/modules/<release>/updates
#                        (depmod), the command and its man page under PREFIX;
#                        DESTDIR= stages all of it (no depmod)
#   make demo            the main job: a virtual router in QEMU, offload at work
#   make test            the whole test suite (what CI runs)
#   make check           static checks: checkpatch, W=1 and sparse builds
#   make unit            userspace unit tests of the pure logic
#   make fuzz            a long fuzzing run (10 minutes per target)
#   make bench           router cost per packet: ours, in-kernel flowtable, classic;
#                        then bench-hw
#   make bench-hw        hardware offload on the simulated NIC: flows per second
#                        pushed, time from flow add to taken
#   make clean

KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	  if [ -d "$$d" ]; then echo "$$d"; else \
	  ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1; fi)

all: module tool

module:
	$(MAKE) -C src KDIR=$(KDIR)

tool:
	$(MAKE) -C tool

# With DESTDIR (staging for a package) the module goes below it too, and
# depmod is left to the package's installation.
install: module tool
	$(MAKE) -C $(KDIR) M=$(CURDIR)/src INSTALL_MOD_DIR=updates \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	$(if $(DESTDIR),,depmod -a $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
		$(KDIR)/include/generated/utsrelease.h))
	$(MAKE) -C tool install

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
	scripts/bench-hw.sh

bench-hw:
	scripts/bench-hw.sh

clean:
	$(MAKE) -C src KDIR=$(KDIR) clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tool clean
	rm -rf build

.PHONY: all module tool install demo test check unit fuzz bench bench-hw clean
