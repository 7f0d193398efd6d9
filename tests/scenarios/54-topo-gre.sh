#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# GRE through the router: cl and srv are the two ends of a GRE tunnel whose
# outer packets cross r, and r offloads the GRE connection itself (version
# 0, conntrack tuple without keys).  A TCP transfer inside the tunnel, over
# an IPv4 outer (gre, gretap) and an IPv6 outer (ip6gre) in route mode, and
# over an IPv4 outer masqueraded by r (address NAT: only the IPv4 header checksum
# changes, GRE carries none over the addresses).  Proofs: conntrack shows
# the gre entry [OFFLOAD], the fast path carried most of the bytes, the
# forward chain saw few of them, and the data arrived intact.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router

# A firewall4-shaped ruleset, with gre in the set of protocols.
n r nft -f - <<'NFT'
table inet filter {
	counter forwarded { }
	flowtable ft {
		hook ingress priority 0
		devices = { r-cl, r-srv }
		counter
	}
	chain forward {
		type filter hook forward priority 0; policy accept;
		meta l4proto { tcp, udp, gre } flow add @ft
		counter name forwarded
	}
}
NFT
n r nft list chain inet filter forward | matches 'gre' ||
	fail "nft did not keep gre in the protocol set"

# tunnel NS DEV TYPE LOCAL REMOTE INNER/PREFIX: a GRE tunnel end, IPv6
# off inside (nothing but the test's traffic crosses it), up.
tunnel() {
	local ns=$1 dev=$2 type=$3 local=$4 remote=$5 inner=$6 extra=()

	# Without this, ip6gre puts a destination options header (tunnel
	# encapsulation limit) before GRE: an extension header, normal path.
	case "$type" in ip6*) extra=(encaplimit none) ;; esac
	expect_ok n "$ns" ip link add "$dev" type "$type" local "$local" \
		remote "$remote" "${extra[@]}"
	n "$ns" sysctl -q -w "net.ipv6.conf.$dev.disable_ipv6=1"
	expect_ok n "$ns" ip addr add "$inner" dev "$dev"
	expect_ok n "$ns" ip link set "$dev" up
}

gre_entries() {
	n r conntrack -L -p gre 2>/dev/null
}

gre_offloaded() {
	gre_entries | matches 'OFFLOAD'
}

# gre_case NAME TYPE CL_LOCAL CL_REMOTE SRV_LOCAL SRV_REMOTE [PATTERN]:
#	TYPE gre, gretap, ip6gre or ip6gretap; the gre conntrack entry must
#	also match PATTERN (grep -E).
gre_case() {
	local name=$1 type=$2 want=${7:-} stat=fast_ipv4_bytes
	local bytes fast0 fwd0 off0 fast fwd

	bytes=$(bulk 8)
	case "$type" in ip6*) stat=fast_ipv6_bytes ;; esac
	log "case $name: $type from ${3} to ${4}, server end ${5} to ${6}"
	tunnel cl gt "$type" "$3" "$4" 10.9.0.1/30
	tunnel srv gt "$type" "$5" "$6" 10.9.0.2/30

	fast0=$(nfo_stat "$stat")
	off0=$(nfo_stat offloaded)
	fwd0=$(fwd_bytes)
	tcp_transfer 4 10.9.0.2 5001 "$bytes"
	fast=$(( $(nfo_stat "$stat") - fast0 ))
	fwd=$(( $(fwd_bytes) - fwd0 ))
	log "$name: fast path $fast bytes, forward chain $fwd bytes, $bytes sent"
	gre_entries | sed 's/^/#   /'

	[ "$SAW_OFFLOAD" = 1 ] || ofail "$name: no [OFFLOAD] entry during the transfer"
	gre_offloaded || ofail "$name: the gre conntrack entry is not [OFFLOAD]"
	[ "$(nfo_stat offloaded)" -gt "$off0" ] || ofail "$name: nothing offloaded"
	[ "$fast" -gt $((bytes * 9 / 10)) ] ||
		ofail "$name: fast path carried only $fast of $bytes bytes"
	[ $((fwd * 10)) -lt "$bytes" ] ||
		ofail "$name: forward chain saw $fwd of $bytes bytes"
	[ "$(nfo_stat refused_gre_keyed)" = 0 ] || ofail "$name: refused as keyed"
	[ -z "$want" ] || gre_entries | matches -E -- "$want" ||
		ofail "$name: no gre entry matches /$want/"

	expect_ok n cl ip link del gt
	expect_ok n srv ip link del gt
	# Start the next case from an empty table: the flow goes with its entry.
	n r conntrack -F 2>/dev/null || true
	wait_for 10 no_flows || ofail "$name: flow left after the conntrack flush"
	pass "$name: GRE connection offloaded, TCP inside intact"
}

gre_case "IPv4 outer, routed" gre 10.0.1.2 10.0.2.2 10.0.2.2 10.0.1.2
gre_case "IPv6 outer, routed" ip6gre fd00:1::2 fd00:2::2 fd00:2::2 fd00:1::2
# Ethernet inside (protocol 0x6558): the same GRE version 0 to the router.
gre_case "IPv4 outer, gretap, routed" gretap 10.0.1.2 10.0.2.2 10.0.2.2 \
	10.0.1.2

# Masquerade: the server's end sees the router as its peer.
n r nft -f - <<'NFT'
table inet nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "r-srv" masquerade
	}
}
NFT
gre_case "IPv4 outer, masqueraded" gre 10.0.1.2 10.0.2.2 10.0.2.2 10.0.2.1 \
	'src=10.0.1.2 dst=10.0.2.2 .*src=10.0.2.2 dst=10.0.2.1 .*OFFLOAD'
