# SPDX-License-Identifier: GPL-2.0
#
# Stand-in for OpenWrt's include/kernel.mk.  The kernel is the Debian headers
# tree STUB_KDIR of release STUB_KVER; the make flags a package hands to
# kbuild are the ones OpenWrt's kernel.mk sets (KERNEL_MAKE_FLAGS), with
# host values.  KernelPackage prints the package's fields (stub-dump in
# package.mk) and keeps FILES and AUTOLOAD for stub-install.

LINUX_DIR := $(STUB_KDIR)
LINUX_VERSION := $(STUB_KVER)
LINUX_KARCH := x86
LINUX_KMOD_SUFFIX := ko
KERNEL_CROSS :=
KERNEL_BUILD_DIR := $(BUILD_DIR)/linux-stub
MODULES_SUBDIR := lib/modules/$(LINUX_VERSION)
PKG_BUILD_DIR ?= $(KERNEL_BUILD_DIR)/$(PKG_NAME)$(if $(PKG_VERSION),-$(PKG_VERSION))
PKG_BUILD_ID := 6e66742d6f66666c6f61642d73747562

KERNEL_MAKE_FLAGS = \
	ARCH="$(LINUX_KARCH)" \
	CROSS_COMPILE="$(KERNEL_CROSS)" \
	HOSTCFLAGS="-O2 -Wall -Wmissing-prototypes -Wstrict-prototypes" \
	HOST_LOADLIBES="-L$(STAGING_DIR_HOST)/lib" \
	KBUILD_HAVE_NLS=no \
	KBUILD_BUILD_VERSION="0" \
	KBUILD_BUILD_USER="stub" \
	KBUILD_BUILD_HOST="stub.invalid" \
	KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026" \
	CONFIG_SHELL="$(BASH)" \
	V='' \
	LDFLAGS_MODULE=--build-id=0x$(PKG_BUILD_ID) \
	cmd_syscalls= \
	KERNELRELEASE=$(LINUX_VERSION)

# AutoLoad,PRIORITY,MODULES[,BOOT] and AutoProbe,MODULES[,BOOT]:
# "priority boot modules...", priority 0 for none.
AutoLoad = $(if $(1),$(1),0) $(if $(3),1,0) $(2)
AutoProbe = $(call AutoLoad,,$(1),$(2))

STUB_FIELDS := TITLE SECTION CATEGORY SUBMENU DEPENDS PROVIDES CONFLICTS \
	       KCONFIG FILES AUTOLOAD

# stub_print NAME: a line per field set, "field NAME KEY=VALUE".
define stub_print
$(foreach f,$(STUB_FIELDS),$(if $(strip $($(f))),$(info field $(1) $(f)=$(strip $($(f))))))
endef

define KernelPackage
  $(foreach f,$(STUB_FIELDS),$(eval $(f):=))
  $(eval $(call KernelPackage/$(1)))
  $(eval SECTION:=kernel)
  $(eval CATEGORY:=Kernel modules)
  $(if $(filter dump,$(STUB_MODE)),$(call stub_print,kmod-$(1)))
  $(eval STUB_KMODS += $(1))
  $(eval STUB_FILES_$(1) := $(FILES))
  $(eval STUB_AUTOLOAD_$(1) := $(AUTOLOAD))
endef
