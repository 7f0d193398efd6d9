#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Static checks of the module sources, one PASS/FAIL line each:
#   checkpatch  the kernel's checkpatch.pl --strict over src/ and tests/kmod/ (from
#               Debian's linux-source-6.1 tarball, cached, never vendored)
#   build-KVER  W=1 build with sparse (C=2) against each kernel line's
#               newest headers, the PREEMPT_RT flavours' too, and 32-bit
#               Debian 6.1 kernels' (armhf armmp, i386 686-pae; cross
#               compiled, scripts/foreign-kernel.sh); any compiler, sparse
#               or modpost warning fails it
#   kmod-KVER   the same for the tests' modules (tests/kmod)
#   tool-CC     the nft-offload command (tool/) built with gcc and clang,
#               -Wall -Wextra -Werror and stricter format, cast and
#               prototype warnings
# Ends with "N passed, N failed"; exits 1 on any failure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${NFO_CACHE:-$HOME/.cache/nft-offload}
passed=0
failed=0

result() {	# NAME STATUS(0=pass) [DETAILS-FILE]
	if [ "$2" = 0 ]; then
		echo "PASS: static $1"
		passed=$((passed + 1))
	else
		echo "FAIL: static $1"
		[ -z "${3:-}" ] || sed 's/^/  | /' "$3"
		failed=$((failed + 1))
	fi
}

# checkpatch.pl and the data files it reads, from the kernel source package.
checkpatch_dir() {
	local tarball dir

	tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null) || {
		echo "check-static.sh: /usr/src/linux-source-6.1.tar.xz missing (scripts/deps.sh installs it)" >&2
		return 1
	}
	dir=$cache/checkpatch/$(stat -c %Y "$tarball")
	if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
		mkdir -p "$dir"
		tar -xJf "$tarball" -C "$dir" --strip-components=1 --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch'
	fi
	echo "$dir"
}

log=$(mktemp)
trap 'rm -f "$log" "$log.k"' EXIT

# checkpatch over every source file of the module (generated files aside).
if cp=$(checkpatch_dir); then
	mapfile -t files < <(cd "$top" && find src tests/kmod -name '*.[ch]' ! -name '*.mod.c' \
				 ! -name 'compat-gen.h' | sort)
	if (cd "$top" && perl "$cp/scripts/checkpatch.pl" --no-tree --strict -q \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f "${files[@]}") >"$log" 2>&1; then
		result checkpatch 0
	else
		result checkpatch 1 "$log"
	fi
else
	result checkpatch 1
fi

# kbuild_result NAME CMD...: CMD, a kernel build, passes when it succeeds
# without a compiler, sparse or modpost warning.
kbuild_result() {
	local name=$1 re='warning:|error:|sparse:|WARNING:|ERROR:'
	shift

	if "$@" >"$log" 2>&1 && ! grep -E "$re" "$log" >/dev/null; then
		result "$name (W=1, sparse)" 0
	else
		grep -E "$re" "$log" >"$log.w" || tail -n 30 "$log" >"$log.w"
		result "$name (W=1, sparse)" 1 "$log.w"
		rm -f "$log.w"
	fi
}

# static_build KVER KDIR [VAR=VALUE...]: the module and the tests' modules
# (tests/kmod), W=1 + sparse, against the kernel headers in KDIR; the
# variables go to make (a cross compiler).
static_build() {
	local kver=$1 kdir=$2 out
	shift 2

	out=$top/build/static-$kver
	rm -rf "$out"
	mkdir -p "$out"
	(cd "$top/src" && find . -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile -o -name '*.sh' \) \
		! -name compat-gen.h -print0 | cpio -0pdm --quiet "$out")
	kbuild_result "build-$kver" make -C "$out" KDIR="$kdir" "$@" check

	out=$top/build/static-kmod-$kver
	rm -rf "$out"
	mkdir -p "$out"
	cp "$top"/tests/kmod/*.c "$top/tests/kmod/Kbuild" "$out/"
	kbuild_result "kmod-$kver" make -C "$kdir" M="$out" W=1 C=2 CF="-D__CHECK_ENDIAN__" \
		"$@" modules
}

# A clean W=1 + sparse build on every kernel line we support, and on their
# PREEMPT_RT flavours (spinlocks that sleep, softirqs in threads).
for line in 6.1 6.12 6.1-rt 6.12-rt; do
	kver=$("$top/scripts/kernels.sh" "$line")
	static_build "$kver" "/usr/src/linux-headers-$kver"
done

# And for 32-bit routers: Debian's 6.1 for ARMv7 (armhf armmp) and x86
# (i386 686-pae), cross-built, where a flow's counters are atomic64_t
# (counter.h).  foreign-kernel.sh fetches their headers (cached).
for target in "armhf armmp" "i386 686-pae"; do
	read -r arch flavour <<<"$target"
	if ! "$top/scripts/foreign-kernel.sh" "$arch" "$flavour" >"$log.k" 2>"$log"; then
		result "build-$arch-$flavour (foreign-kernel.sh)" 1 "$log"
		continue
	fi
	kver=$(sed -n 's/^release=//p' "$log.k")
	kdir=$(sed -n 's/^kdir=//p' "$log.k")
	read -ra vars <<<"$(sed -n 's/^make=//p' "$log.k")"
	static_build "$kver" "$kdir" "${vars[@]}"
done

# The userspace command: warnings as errors with both compilers.
for cc in gcc clang; do
	out=$top/build/static-tool-$cc
	rm -rf "$out"
	flags="-O2 -g -Wformat=2 -D_FORTIFY_SOURCE=2 -Wnull-dereference -Wcast-qual -Wstrict-prototypes"
	[ "$cc" = clang ] || flags+=" -Wformat-truncation=2"
	if make -s -C "$top/tool" O="$out" CC="$cc" CFLAGS="$flags" >"$log" 2>&1; then
		result "tool-$cc (-Wall -Wextra -Werror)" 0
	else
		result "tool-$cc (-Wall -Wextra -Werror)" 1 "$log"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
