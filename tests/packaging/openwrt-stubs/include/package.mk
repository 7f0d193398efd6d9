# SPDX-License-Identifier: GPL-2.0
#
# Stand-in for OpenWrt's include/package.mk, for tests/packaging/openwrt.sh.
# BuildPackage prints the package's fields; the targets run the package's
# own recipes as the buildroot would, with host values:
#   stub-dump      nothing (STUB_MODE=dump prints the fields while parsing)
#   stub-prepare   Build/Prepare into a fresh PKG_BUILD_DIR
#   stub-compile   Build/Compile
#   stub-install   each package's files into STUB_OUT/root/PACKAGE: a kernel
#                  package's FILES into lib/modules/RELEASE and its AUTOLOAD
#                  into etc/modules.d/[PRIORITY-]NAME, as kernel.mk does;
#                  Package/NAME/install for the others

PKG_JOBS := -j2
MAKE_VARS = \
	CFLAGS="$(TARGET_CFLAGS) $(TARGET_CPPFLAGS)" \
	LDFLAGS="$(TARGET_LDFLAGS)"
MAKE_FLAGS = \
	CC="$(TARGET_CC)" \
	CROSS="" \
	ARCH="x86_64"

STUB_ROOT := $(STUB_OUT)/root

$(if $(filter dump,$(STUB_MODE)),$(info field source PKG_NAME=$(PKG_NAME)))
$(if $(filter dump,$(STUB_MODE)),$(info field source PKG_VERSION=$(PKG_VERSION)))
$(if $(filter dump,$(STUB_MODE)),$(info field source PKG_BUILD_DIR=$(PKG_BUILD_DIR)))

define BuildPackage
  $(foreach f,$(STUB_FIELDS),$(eval $(f):=))
  $(eval $(Package/$(1)))
  $(if $(filter dump,$(STUB_MODE)),$(call stub_print,$(1)))
  $(eval STUB_PKGS += $(1))
endef

# stub_modules_d NAME: kernel package NAME's etc/modules.d file, as
# kernel.mk's AUTOLOAD makes it.
stub_autoload_prio = $(word 1,$(STUB_AUTOLOAD_$(1)))
stub_modules_d = etc/modules.d/$(filter-out 0-,$(stub_autoload_prio)-)$(1)

define stub_install_kmod
	mkdir -p $(STUB_ROOT)/kmod-$(1)/$(MODULES_SUBDIR)
	for f in $(STUB_FILES_$(1)); do cp $$f $(STUB_ROOT)/kmod-$(1)/$(MODULES_SUBDIR)/ || exit 1; done
	mods="$(wordlist 3,99,$(STUB_AUTOLOAD_$(1)))"; \
	if [ -n "$$mods" ]; then \
		mkdir -p $(STUB_ROOT)/kmod-$(1)/etc/modules.d && \
		printf '%s\n' $$mods >$(STUB_ROOT)/kmod-$(1)/$(call stub_modules_d,$(1)); \
	fi

endef

define stub_install_pkg
	mkdir -p $(STUB_ROOT)/$(1)
	$(call Package/$(1)/install,$(STUB_ROOT)/$(1))

endef

stub-dump:
	@:

stub-prepare:
	rm -rf $(PKG_BUILD_DIR)
	mkdir -p $(PKG_BUILD_DIR)
	$(Build/Prepare)

stub-compile:
	$(Build/Compile)

stub-install:
	rm -rf $(STUB_ROOT)
	$(foreach k,$(STUB_KMODS),$(call stub_install_kmod,$(k)))
	$(foreach p,$(STUB_PKGS),$(call stub_install_pkg,$(p)))

.PHONY: stub-dump stub-prepare stub-compile stub-install
