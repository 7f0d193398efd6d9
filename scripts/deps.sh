#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install what the host side of the build and the VM tests needs, from
# Debian's archive. Installs only what is missing; silent when nothing is.
# Kernel images for the guest are not installed here: tests/vm/fetch-kernel.sh
# unpacks them into a cache (the 6.12 headers pull in their image; unused).
# The PREEMPT_RT flavours' headers are for the static checks' builds.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

# A caller that ran us already says so (NFO_DEPS_DONE=1) for what it
# starts: a test run checks once, not once per guest.
[ "${NFO_DEPS_DONE:-}" != 1 ] || exit 0

# Several test runs may start at once: one apt-get at a time.
lock=${NFO_CACHE:-$HOME/.cache/nft-offload}/deps.lock
mkdir -p "${lock%/*}"
exec 9>"$lock"
flock 9

# linux-source-6.1 provides checkpatch.pl (scripts/check-static.sh) and the
# debug lane's kernel (tests/vm/build-debug-kernel.sh), which also needs bc,
# bison, flex and libelf-dev (no module signing, no BTF: no libssl-dev, no
# dwarves); libclang-rt-14-dev the libFuzzer and sanitizer runtimes for clang;
# ppp and pppoe a real PPPoE client and server for the guest; libmnl-dev,
# libnftnl-dev, libnetfilter-conntrack-dev and pkg-config the nft-offload
# tool (tool/); dkms (and openssl, its signing key), dh-dkms, debhelper,
# dpkg-dev, lintian and mmdebstrap the packaging and its tests
# (tests/packaging); the MIPS and armhf cross compilers with their C
# libraries, and qemu-user-static to run what they build, the unit tests
# on a big-endian and a 32-bit CPU (make -C tests/unit cross); the arm64
# and s390x cross compilers and QEMU's aarch64, arm and s390x machines
# (qemu-system-arm, qemu-system-misc) for the guests of those architectures
# (tests/vm/run.sh --kernel arm64|armhf|s390x, whose kernels and userlands scripts/foreign-kernel.sh
# and tests/vm/foreign-userland.sh fetch); the armhf and i686 cross
# compilers the module's 32-bit builds (check-static.sh).
packages=(qemu-system-x86 busybox-static nftables iproute2 conntrack iperf3 socat
	  kmod cpio xz-utils procps coreutils diffutils bash sparse gcc make libc6-dev
	  clang libclang-rt-14-dev linux-source-6.1 bc bison flex libelf-dev
	  ppp pppoe libmnl-dev libnftnl-dev libnetfilter-conntrack-dev pkg-config
	  dkms openssl dh-dkms debhelper dpkg-dev lintian mmdebstrap
	  gcc-mips-linux-gnu libc6-dev-mips-cross gcc-arm-linux-gnueabihf
	  libc6-dev-armhf-cross qemu-user-static
	  gcc-aarch64-linux-gnu gcc-s390x-linux-gnu qemu-system-arm qemu-system-misc
	  gcc-i686-linux-gnu)

# Kernel releases come from apt's lists: refresh them once if they are empty.
updated=0
for line in 6.1 6.12 6.1-rt 6.12-rt; do
	if ! kver=$("$top/scripts/kernels.sh" "$line" 2>/dev/null); then
		if [ "$updated" = 0 ]; then
			echo "deps.sh: apt-get update (no kernel $line in apt's lists)"
			apt-get update -qq
			updated=1
		fi
		kver=$("$top/scripts/kernels.sh" "$line")
	fi
	packages+=("linux-headers-$kver")
done

# What dpkg does not list as installed.
missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$pkg")
done
[ ${#missing[@]} -gt 0 ] || exit 0

# A package apt has never heard of means stale lists.
for pkg in "${missing[@]}"; do
	if [ "$updated" = 0 ] && ! apt-cache show "$pkg" >/dev/null 2>&1; then
		echo "deps.sh: apt-get update ($pkg unknown)"
		apt-get update -qq
		updated=1
	fi
done

echo "deps.sh: installing ${missing[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
