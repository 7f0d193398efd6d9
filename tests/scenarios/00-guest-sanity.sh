#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest itself: real tools on PATH, kmod's modprobe with working autoload,
# nft/ip/conntrack usable in a namespace, our module installed for this
# kernel, and none of the in-kernel flowtable modules present, so every other
# scenario exercises nft_offload.ko and nothing else.
# nfo-core: the guest itself: its own tools, autoload, our module loads
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NFO_LIB"

kver=$(uname -r)
log "kernel $kver"
modules=/lib/modules/$kver

# The in-kernel flowtable must be absent: no file by any name or compression,
# nothing built in.
found=$(find "$modules" \( -name 'nf_flow_table.ko*' -o -name 'nf_flow_table_inet.ko*' \
	-o -name 'nft_flow_offload.ko*' \) -print)
[ -z "$found" ] || fail "in-kernel flowtable modules in the guest: $found"
if grep -E '/(nf_flow_table|nf_flow_table_inet|nft_flow_offload)\.ko$' "$modules/modules.builtin"; then
	fail "in-kernel flowtable is built in"
fi
expect_fail modinfo nft_flow_offload
pass "no in-kernel flowtable modules"

# modprobe is kmod's (the kernel's autoload runs /sbin/modprobe), and every
# real tool resolves before busybox.
[ "$(readlink -f /sbin/modprobe)" = "$(readlink -f "$(command -v kmod)")" ] ||
	fail "/sbin/modprobe is $(readlink -f /sbin/modprobe), not kmod"
expect_ok /sbin/modprobe --version
for tool in bash nft ip conntrack modprobe socat iperf3 sysctl sha256sum timeout dd date head cmp; do
	path=$(command -v "$tool") || fail "$tool not on PATH"
	case "$(readlink -f "$path")" in
	*/busybox) fail "$tool resolves to busybox ($path)" ;;
	esac
done
pass "real tools on PATH, modprobe is kmod"

# Our module: installed for this kernel, vermagic matching.
expect_ok modinfo -n nft_offload
[ "$_out" = "$modules/updates/nft_offload.ko" ] || fail "nft_offload resolves to $_out"
vermagic=$(modinfo -F vermagic nft_offload)
[ "${vermagic%% *}" = "$kver" ] || fail "nft_offload vermagic '$vermagic' is not for $kver"
pass "nft_offload.ko installed, vermagic $kver"

# Namespaces and interfaces (veth autoloads through rtnl-link-veth).
netns sanity
expect_ok ip -n sanity link add name va type veth peer name vb
expect_ok ip -n sanity link set va up
expect_ok modloaded veth
pass "ip netns and veth"

# nft autoloads nf_tables through nfnetlink, and a base chain loads. (Run
# after other scenarios, nf_tables may still be loaded: unload it if we can.)
if modloaded nf_tables; then
	modprobe -r nf_tables 2>/dev/null || true
fi
autoload="nf_tables autoloaded"
if modloaded nf_tables; then
	autoload="nf_tables was in use already: autoload not checked"
fi
cat >/tmp/sanity.nft <<'END'
table inet t {
	chain c {
		type filter hook forward priority 0;
	}
}
END
expect_ok n sanity nft -f /tmp/sanity.nft
expect_ok n sanity nft list ruleset
grep -q 'hook forward priority filter' <<<"$_out" || fail "ruleset not listed back"
expect_ok modloaded nf_tables
expect_ok n sanity nft delete table inet t
pass "nft loads a ruleset, $autoload"

# Explicit modprobe and modprobe -r work too (.ko or .ko.xz alike).
expect_ok modprobe nf_tables
expect_ok modprobe dummy numdummies=0
expect_ok modloaded dummy
expect_ok modprobe -r dummy
modloaded dummy && fail "dummy still loaded after modprobe -r"
pass "modprobe, modprobe -r"

# conntrack talks to ctnetlink, autoloaded the same way.
expect_ok n sanity conntrack -L
expect_ok modloaded nf_conntrack_netlink
pass "conntrack -L"

# panic_on_warn comes from the command line: a WARN ends the run.
[ "$(cat /proc/sys/kernel/panic_on_warn)" = 1 ] || fail "panic_on_warn is off"
pass "panic_on_warn on"
