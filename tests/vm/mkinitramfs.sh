#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs for one Debian kernel.
#   NFO_MODULE=build/KVER/nft_offload.ko [NFO_TOOL=build/tool/nft-offload] \
#     tests/vm/mkinitramfs.sh KVER OUT.cpio.gz [--with-inkernel-flowtable] [--without-nft-offload]
# The kernel's modules come from ROOT/lib/modules/KVER, ROOT being
# $NFO_KERNEL_ROOT when set (the debug kernel's install root, or a Debian
# image already unpacked), else what tests/vm/fetch-kernel.sh KVER unpacks.
#
# The result is two gzip'd cpio archives back to back (the kernel unpacks both):
#   base   busybox + real tools (bash, nft, ip, kmod, ...) with their libraries;
#          kernel independent, cached under $NFO_CACHE keyed by the tool files.
#   fresh  the kernel modules the tests need, our module, depmod's indexes,
#          /init and /nfo (guest-run.sh, lib.sh, scenarios); rebuilt every time.
# The guest has Debian's merged /usr: /bin, /sbin, /lib, /lib64 point into /usr,
# so every tool sits at the same absolute path as on this host.
#
# A guest of another architecture takes its programs from NFO_SYSROOT (a
# Debian userland of that architecture, tests/vm/foreign-userland.sh)
# instead of this host, and builds the tests' tools with the cross
# compiler NFO_CROSS (a prefix: aarch64-linux-gnu-); NFO_KDIR names the
# headers whose Module.symvers depmod checks the guest's modules against.
set -euo pipefail

usage() {
	echo "usage: NFO_MODULE=path/nft_offload.ko mkinitramfs.sh KVER OUT.cpio.gz [--with-inkernel-flowtable] [--without-nft-offload]" >&2
	exit 2
}
[ $# -ge 2 ] || usage
kver=$1
out=$2
with_ft=0
# --without-nft-offload: a guest with no module of ours (benchmarks of the
# in-kernel flowtable, where nothing of ours may autoload).
with_nfo=1
for arg in "${@:3}"; do
	case "$arg" in
	--with-inkernel-flowtable) with_ft=1 ;;
	--without-nft-offload) with_nfo=0 ;;
	*) usage ;;
	esac
done
module=${NFO_MODULE:-}
if [ "$with_nfo" = 1 ]; then
	[ -n "$module" ] || { echo "mkinitramfs.sh: NFO_MODULE must name the nft_offload.ko to install" >&2; exit 1; }
	[ -f "$module" ] || { echo "mkinitramfs.sh: $module: no such file" >&2; exit 1; }
fi

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${NFO_CACHE:-$HOME/.cache/nft-offload}
# Resolve host tools exactly as the guest's PATH will.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
sysroot=${NFO_SYSROOT:-}
cc=${NFO_CROSS:-}gcc
[ -z "$sysroot" ] || cc+=" --sysroot=$sysroot"

# Real programs for the guest. The kmod names become symlinks to kmod as on
# the host; anything busybox offers that is not listed here comes from busybox.
TOOLS=(bash nft ip ss bridge tc conntrack kmod modprobe insmod rmmod lsmod depmod
       modinfo socat iperf3 sysctl sha256sum timeout dd date head cmp sleep
       pppd pppoe-server pppoe)
# Host files the tools load at run time (pppd's PPPoE plugin), with their
# libraries.
RUNTIME_FILES=(/usr/lib/pppd/2.4.9/pppoe.so)
# Host files copied as they are (when present).
ETC_FILES=(/etc/protocols /etc/services /etc/iproute2)

# Kernel modules the tests need (and every nft_* below); modules.dep and
# modules.softdep add what they depend on.
MODULES=(nf_tables nft_ct nft_nat nft_chain_nat nft_masq nft_redir nft_fib_inet
	 nft_fib_ipv4 nft_fib_ipv6 nft_reject_inet nft_log nf_conntrack
	 nf_conntrack_netlink nf_nat nfnetlink nfnetlink_log veth bridge 8021q
	 pppoe pppox ppp_generic ppp_async ip_gre ip6_gre xfrm_user esp4 esp6 xfrm4_tunnel
	 pktgen dummy nf_conntrack_ftp nf_conntrack_tftp nf_conntrack_pptp
	 nf_conntrack_amanda nf_conntrack_h323 nf_conntrack_irc
	 nf_conntrack_netbios_ns nf_conntrack_sane nf_conntrack_sip
	 nf_conntrack_snmp ts_kmp)
# Helpers loaded on demand: ESP ciphers (and on 6.1 the default RNG that
# ESP's IV generators seed from), netdev-family expressions, ss's diag,
# the logger behind nft_log, MPLS routes (a lightweight tunnel), the
# token bucket shaper, a tc ingress filter (clsact, matchall, gact).
MODULES_EXTRA=(authenc echainiv seqiv ctr gcm ghash_generic aesni_intel drbg jitterentropy_rng
	       sha512_generic chacha20poly1305 nft_limit nft_quota nft_fwd_netdev
	       nft_dup_netdev nft_meta_bridge inet_diag tcp_diag udp_diag
	       ip6_tunnel ipip nf_log_syslog mpls_router mpls_iptunnel sch_tbf
	       sch_ingress cls_matchall act_gact)
# More from the environment, space separated.
read -r -a MODULES_ENV <<<"${NFO_EXTRA_MODULES:-}"
# The in-kernel flowtable: never in the guest, unless testing coexistence
# (with tc's act_ct, which needs only its core, and a classifier for it).
FLOWTABLE=(nf_flow_table nf_flow_table_inet nft_flow_offload act_ct cls_matchall
	   sch_ingress)
EXCLUDED=(nf_flow_table nf_flow_table_inet nf_flow_table_ipv4 nf_flow_table_ipv6
	  nft_flow_offload act_ct)

kroot=${NFO_KERNEL_ROOT:-}
[ -n "$kroot" ] || kroot=$("$here/fetch-kernel.sh" "$kver")
kmods=$kroot/lib/modules/$kver
[ -f "$kmods/modules.dep" ] || { echo "mkinitramfs.sh: no $kmods/modules.dep" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nfo-initramfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Make the merged-/usr skeleton every layer shares.
skeleton() {
	local d
	mkdir -p "$1"/usr/{bin,sbin,lib,lib64}
	for d in bin sbin lib lib64; do
		ln -sfn "usr/$d" "$1/$d"
	done
}

# Where program $1 is, as the guest's PATH finds it: on this host, or
# in the sysroot (a path inside it).
find_tool() {
	local d

	if [ -z "$sysroot" ]; then
		command -v "$1"
		return
	fi
	for d in /usr/sbin /usr/bin /sbin /bin; do
		if [ -e "$sysroot$d/$1" ] || [ -L "$sysroot$d/$1" ]; then
			echo "$d/$1"
			return 0
		fi
	done
	return 1
}

# The file path $1 names, its symlinks followed; in the sysroot, an
# absolute link target is taken inside it (the sysroot's /usr is not
# merged: its links stay within one directory level, as Debian ships them).
real_path() {
	local p=$1 t n=0

	if [ -z "$sysroot" ]; then
		readlink -f "$p"
		return
	fi
	while [ -L "$sysroot$p" ] && [ $n -lt 40 ]; do
		t=$(readlink "$sysroot$p")
		case "$t" in
		/*) p=$t ;;
		*) p=$(dirname "$p")/$t ;;
		esac
		p=$(realpath -m -s "$p")
		n=$((n + 1))
	done
	echo "$p"
}

# Path $1 in a merged /usr (the guest's, and this host's).
merged() {
	case "$1" in
	/bin/*|/sbin/*|/lib/*|/lib64/*) echo "/usr$1" ;;
	*) echo "$1" ;;
	esac
}

# Copy file $2 (of this host or the sysroot) to the same path under root
# $1, following symlinks.
copy_host() {
	mkdir -p "$1$(dirname "$2")"
	cp --preserve=mode "$sysroot$(real_path "$2")" "$1$2"
}

# Shared libraries and the loader a binary needs: as ldd reports them on
# this host ("libx.so => /path (addr)" or "/lib64/ld-linux-x86-64.so.2
# (addr)"); in the sysroot, its and its libraries' NEEDED entries found in
# the multiarch and plain library directories, read with readelf.  $1 is
# in the sysroot, unless $2 is "built" (a program of ours, built for it).
libs_of() {
	local todo=("$1") f lib d first=${2:-}
	local -A seen=()

	if [ -z "$sysroot" ]; then
		ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3; next }
					   $1 ~ /^\// { print $1 }' || true
		return
	fi
	while [ ${#todo[@]} -gt 0 ]; do
		if [ "$first" = built ]; then
			f=${todo[0]}
			first=
		else
			f=$sysroot$(real_path "${todo[0]}")
		fi
		todo=("${todo[@]:1}")
		readelf -lW "$f" | sed -n 's/.*program interpreter: \(.*\)\]$/\1/p'
		for lib in $(readelf -dW "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			[ -z "${seen[$lib]:-}" ] || continue
			seen[$lib]=1
			for d in "/lib/$multiarch" "/usr/lib/$multiarch" /lib /usr/lib; do
				if [ -e "$sysroot$d/$lib" ] || [ -L "$sysroot$d/$lib" ]; then
					echo "$d/$lib"
					todo+=("$d/$lib")
					continue 2
				fi
			done
			echo "mkinitramfs.sh: $lib (needed by $f) not in $sysroot" >&2
			return 1
		done
	done
}
multiarch=$($cc -print-multiarch)

# --- base layer -------------------------------------------------------------

# Every host file the base layer takes: the cache key is their paths, sizes and
# times, so a package upgrade makes a new base.
declare -A real_of=()
base_files=()
busybox=$(find_tool busybox)
for t in "${TOOLS[@]}"; do
	p=$(find_tool "$t") || { echo "mkinitramfs.sh: $t not on this host (run scripts/deps.sh)${sysroot:+ or in $sysroot}" >&2; exit 1; }
	real_of[$t]=$(real_path "$p")
	if [ -z "$sysroot" ] && ldd "${real_of[$t]}" 2>/dev/null | grep -q 'not found'; then
		echo "mkinitramfs.sh: ${real_of[$t]} lacks libraries:" >&2
		ldd "${real_of[$t]}" | grep 'not found' >&2
		exit 1
	fi
done
mapfile -t base_files < <(
	{
		echo "$busybox"
		for t in "${TOOLS[@]}"; do
			echo "${real_of[$t]}"
			libs_of "${real_of[$t]}"
		done
		for f in "${RUNTIME_FILES[@]}"; do
			[ -f "$sysroot$f" ] || continue
			echo "$f"
			libs_of "$f"
		done
	} | sort -u)
key=$({
	echo "base-format 3 $sysroot"
	printf '%s\n' "${TOOLS[@]}" "${ETC_FILES[@]}"
	for f in "${base_files[@]}"; do
		find "$sysroot$(real_path "$f")" -printf "$f %s %T@\\n"
	done
	for f in "${ETC_FILES[@]}"; do
		if [ -e "$f" ]; then
			find "$f" -printf '%p %s %T@\n'
		fi
	done
} | sha256sum | cut -c1-16)
base=$cache/initramfs/base-$key.cpio.gz

build_base() {
	local root=$tmp/base t f d a

	skeleton "$root"
	mkdir -p "$root"/{dev,proc,sys,tmp,run,root,etc,nfo,var}
	ln -s ../run "$root/var/run"
	chmod 1777 "$root/tmp"
	chmod 700 "$root/root"

	copy_host "$root" "$busybox"
	for f in "${base_files[@]}"; do
		copy_host "$root" "$f"
	done
	# Each tool name as a symlink wherever the host has it pointing at the
	# same program (the kmod names, /usr/sbin/ip, ...).
	for t in "${TOOLS[@]}"; do
		for d in /usr/sbin /usr/bin /sbin /bin; do
			if [ -e "$sysroot$d/$t" ] && [ "$(real_path "$d/$t")" = "${real_of[$t]}" ] &&
			   [ "$(merged "$d/$t")" != "$(merged "${real_of[$t]}")" ]; then
				ln -sfn "${real_of[$t]}" "$root$d/$t"
			fi
		done
	done
	# Busybox fills in the rest (sh, mount, grep, ...), never over a real
	# tool.  Its applets are this host's busybox's: the same Debian
	# version as the sysroot's, whose busybox cannot run here.
	for a in $(busybox --list); do
		[ -e "$root/usr/bin/$a" ] || [ -e "$root/usr/sbin/$a" ] || [ -L "$root/usr/bin/$a" ] ||
			ln -s busybox "$root/usr/bin/$a"
	done

	for f in "${ETC_FILES[@]}"; do
		if [ -e "$f" ]; then
			cp -a "$f" "$root/etc/"
		fi
	done
	echo 'root:x:0:0:root:/root:/bin/bash' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$root/etc/hosts"
	# pppd finds its PPPoE plugin by either name; pppoe-server asks for
	# /etc/ppp/plugins/rp-pppoe.so.
	mkdir -p "$root/etc/ppp/plugins"
	: >"$root/etc/ppp/options"
	ln -s pppoe.so "$root/usr/lib/pppd/2.4.9/rp-pppoe.so"
	ln -s /usr/lib/pppd/2.4.9/pppoe.so "$root/etc/ppp/plugins/rp-pppoe.so"

	(cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$tmp/base.cpio.gz"
}

mkdir -p "$cache/initramfs"
(
	flock 9
	if [ ! -f "$base" ]; then
		build_base
		mv "$tmp/base.cpio.gz" "$base"
	fi
) 9>"$cache/initramfs/base.lock"

# --- fresh layer ------------------------------------------------------------

root=$tmp/fresh
skeleton "$root"
dest=$root/lib/modules/$kver

# modules.dep: "kernel/a/b.ko[.xz]: dep1 dep2 ...". Index it by module name
# (file name without .ko*, '-' read as '_', as kmod does).
declare -A path_of=() deps_of=()
while IFS= read -r line; do
	m=${line%%:*}
	b=${m##*/}
	b=${b%%.ko*}
	path_of[${b//-/_}]=$m
	deps_of[$m]=${line#*:}
done <"$kmods/modules.dep"

# modules.softdep: "softdep MOD pre: a b post: c" (names or aliases).
declare -A softdeps_of=()
while read -r word m rest; do
	[ "$word" = softdep ] || continue
	rest=${rest//pre:/}
	softdeps_of[${m//-/_}]+=" ${rest//post:/}"
done <"$kmods/modules.softdep"

declare -A excluded=() wanted=()
for m in "${EXCLUDED[@]}"; do excluded[$m]=1; done
want=("${MODULES[@]}" "${MODULES_EXTRA[@]}" "${MODULES_ENV[@]}")
if [ "$with_ft" = 1 ]; then
	want+=("${FLOWTABLE[@]}")
	excluded=()
fi
# Every nf_tables expression module too (bar the excluded): rulesets should
# never miss one, and the split differs by kernel (6.1 ships nft_objref, behind
# named counters, as a module; 6.12 builds it into nf_tables).
for m in "${!path_of[@]}"; do
	if [[ $m == nft_* ]] && [ -z "${excluded[$m]:-}" ]; then
		want+=("$m")
	fi
done
missing=()

# Module names for NAME: itself if it is a module, else the modules an exact
# alias (such as "crc32c") names.
resolve() {
	local m=${1//-/_}

	if [ -n "${path_of[$m]:-}" ]; then
		echo "$m"
	else
		awk -v a="$1" '$1 == "alias" && $2 == a { gsub("-", "_", $3); print $3 }' \
			"$kmods/modules.alias"
	fi
}

# Take module (or alias) NAME, noting it if the kernel has no such thing.
add_name() {
	local name=$1 m found=0

	for m in $(resolve "$name"); do
		if [ -n "${path_of[$m]:-}" ]; then
			add_module "${path_of[$m]}"
		fi
		found=1
	done
	if [ "$found" = 0 ] &&
	   ! grep -qE "/${name//[-_]/[-_]}\.ko\$" "$kmods/modules.builtin"; then
		missing+=("$name")
	fi
}

# Take a module file with its dependencies and soft dependencies (libcrc32c
# needs a crc32c implementation, for one).
add_module() {
	local path=$1 d b

	[ -z "${wanted[$path]:-}" ] || return 0
	b=${path##*/}
	b=${b%%.ko*}
	b=${b//-/_}
	if [ -n "${excluded[$b]:-}" ]; then
		echo "mkinitramfs.sh: $b is excluded but needed by a test module" >&2
		exit 1
	fi
	wanted[$path]=1
	for d in ${deps_of[$path]}; do
		add_module "$d"
	done
	for d in ${softdeps_of[$b]:-}; do
		add_name "$d"
	done
}

for m in "${want[@]}"; do
	add_name "$m"
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "mkinitramfs.sh: warning: $kver has no module ${missing[*]}" >&2
fi

for path in "${!wanted[@]}"; do
	mkdir -p "$dest/$(dirname "$path")"
	cp --preserve=mode "$kmods/$path" "$dest/$path"
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ ! -f "$kmods/$f" ] || cp "$kmods/$f" "$dest/"
done
# Where in the module tree (NFO_MODULE_DEST: updates/dkms/... for DKMS's
# build), and what the host knows of the file (NFO_MODULE_INFO).
[ "$with_nfo" = 0 ] ||
	install -D -m 644 "$module" "$dest/${NFO_MODULE_DEST:-updates/nft_offload.ko}"
[ -z "${NFO_MODULE_INFO:-}" ] || install -D -m 644 "$NFO_MODULE_INFO" "$root/nfo/module.info"
# The packages' alias file, for the scenarios that install and remove it.
install -D -m 644 "$top/modprobe.d/nft-offload.conf" "$root/nfo/package/nft-offload.conf"
# More modules of our own from the environment (the benchmark's profiler).
for ko in ${NFO_EXTRA_KO:-}; do
	install -D -m 644 "$ko" "$dest/updates/$(basename "$ko")"
done
# Indexes for modprobe and the kernel's autoload. With the headers' symbol
# list (Debian's headers, or the build tree a kernel was installed from),
# -e names symbols nothing in the guest provides (a module left out).
symcheck=()
for symvers in ${NFO_KDIR:+"$NFO_KDIR/Module.symvers"} "/usr/src/linux-headers-$kver/Module.symvers" \
	       "$kmods/build/Module.symvers"; do
	if [ -f "$symvers" ]; then
		symcheck=(-e -E "$symvers")
		break
	fi
done
depmod -b "$root" "${symcheck[@]}" "$kver" 2>&1 |
	sed "s|$root||g; s|^|mkinitramfs.sh: |" >&2

install -D -m 755 "$here/init" "$root/init"
install -D -m 755 "$here/guest-run.sh" "$root/nfo/guest-run.sh"
# The module as OpenWrt names it (NFO_OPENWRT_MODULE, by default the
# nft_flow_offload.ko scripts/build-module.sh builds beside NFO_MODULE), for
# insmod by path: outside /lib/modules, so depmod never indexes two modules
# with the same aliases.
owrt_ko=${NFO_OPENWRT_MODULE:-${module:+$(dirname "$module")/openwrt/nft_flow_offload.ko}}
if [ "$with_nfo" = 1 ] && [ -n "$owrt_ko" ] && [ -f "$owrt_ko" ]; then
	install -D -m 644 "$owrt_ko" "$root/nfo/openwrt/nft_flow_offload.ko"
fi
install -D -m 644 "$top/tests/scenarios/lib.sh" "$root/nfo/lib.sh"
# Scenarios are the *.sh files; anything else there (helpers they source)
# comes along too.
mkdir -p "$root/nfo/scenarios"
for s in "$top"/tests/scenarios/*; do
	if [ -e "$s" ] && [ "$(basename "$s")" != lib.sh ]; then
		cp -R "$s" "$root/nfo/scenarios/"
	fi
done

# The nft-offload command (NFO_TOOL, scripts/build-tool.sh), with the
# libraries (mostly in the base layer already: nft and conntrack use them).
if [ -n "${NFO_TOOL:-}" ]; then
	install -D -m 755 "$NFO_TOOL" "$root/usr/sbin/nft-offload"
	for l in $(libs_of "$NFO_TOOL" built); do
		[ -e "$root$l" ] || copy_host "$root" "$l"
	done
fi

# Our own test tools (tests/tools/*.c), built for the base layer's libc
# (this host's, or the sysroot's), which it already carries. Static where they resolve no names (no NSS):
# scenarios start netns-exec thousands of times, and on the debug kernel
# under TCG loading libc halves what each start of it costs (about 90 ms of
# 180).
for c in "$top"/tests/tools/*.c; do
	[ -e "$c" ] || continue
	link=-static
	! grep -q 'getaddrinfo' "$c" || link=
	$cc -O2 -Wall -Wextra -Werror $link -o "$root/usr/bin/$(basename "$c" .c)" "$c"
done
# Plugins of ip(8) (tests/tools/iplink/link_KIND.c: "ip link add ... type
# KIND" for the tests' own link kinds), where Debian's ip looks for them.
for c in "$top"/tests/tools/iplink/link_*.c; do
	[ -e "$c" ] || continue
	iplib=$root/usr/lib/$multiarch/ip
	mkdir -p "$iplib"
	$cc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$iplib/$(basename "$c" .c).so" "$c"
done

	(cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$tmp/fresh.cpio.gz"

mkdir -p "$(dirname "$out")"
cat "$base" "$tmp/fresh.cpio.gz" >"$out.tmp"
mv "$out.tmp" "$out"
