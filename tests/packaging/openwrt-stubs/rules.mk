# SPDX-License-Identifier: GPL-2.0
#
# Stand-in for an OpenWrt buildroot's rules.mk, for tests/packaging/openwrt.sh:
# just the variables openwrt/nft-offload/Makefile uses, with host values.
# The test passes STUB_OUT (a scratch directory), STUB_KDIR and STUB_KVER
# (kernel headers and their release).

ifeq ($(STUB_OUT),)
  $(error STUB_OUT is not set: run tests/packaging/openwrt.sh)
endif

INCLUDE_DIR := $(TOPDIR)/include
BUILD_DIR := $(STUB_OUT)/build_dir
STAGING_DIR_HOST := $(STUB_OUT)/staging_dir/host

BASH := /bin/bash
CP := cp -fpR
INSTALL_DIR := install -d -m0755
INSTALL_BIN := install -m0755
INSTALL_DATA := install -m0644

# The target is this host: its compiler, libraries and pkg-config.
TARGET_CC := gcc
TARGET_CFLAGS := -O2 -pipe
TARGET_CPPFLAGS := -D_FORTIFY_SOURCE=2
TARGET_LDFLAGS :=
PKG_CONFIG := pkg-config
