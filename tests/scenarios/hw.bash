# SPDX-License-Identifier: GPL-2.0
# Helpers of the hardware offload scenarios (9x-hw-*), on top of
# offload.bash.

# flow_hw_is STATE [NS]: there are flows, and every one listed shows hw=STATE.
flow_hw_is() {
	local ns=${2:-r} out

	out=$(n "$ns" cat /proc/net/nft_offload_flows)
	[ -n "$out" ] && ! grep -v " hw=$1 " <<<"$out" >/dev/null
}

# hw_ruleset [masq|route] [FLOWTABLE-FLAGS]: one nft transaction, the
# flowtable over FT_DEVICES (default the router's ports) with `counter` and
# FLOWTABLE-FLAGS (default `flags offload;`), TCP and UDP offloaded, and
# with masq, masquerade out of r-srv.  Fails as nft does.
hw_ruleset() {
	local nat=''

	[ "${1:-masq}" = masq ] && nat='table inet nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "r-srv" masquerade
		}
	}'
	n r nft -f - <<-NFT
	table inet filter {
		counter forwarded { }
		flowtable ft {
			hook ingress priority 0
			devices = { ${FT_DEVICES:-r-cl, r-srv} }
			counter
			${2-flags offload;}
		}
		chain forward {
			type filter hook forward priority 0; policy accept;
			meta l4proto { tcp, udp } flow add @ft
			counter name forwarded
		}
	}
	$nat
	NFT
}
