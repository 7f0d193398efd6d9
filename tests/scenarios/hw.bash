# SPDX-License-Identifier: GPL-2.0
# Helpers of the hardware offload scenarios (9x-hw-*), on top of
# offload.bash.

# flow_hw_is STATE [NS]: there are flows, and every one listed shows hw=STATE.
flow_hw_is() {
	local ns=${2:-r} out

	out=$(n "$ns" cat /proc/net/nft_offload_flows)
	[ -n "$out" ] && ! grep -v " hw=$1 " <<<"$out" >/dev/null
}

# flow_line SPORT: the listing's line of the flow from SPORT in r; fails
# when there is none.
flow_line() {
	n r grep "orig_sport=$1 " /proc/net/nft_offload_flows
}

# flow_says SPORT PATTERN: that line matches the extended regex PATTERN.
flow_says() {
	flow_line "$1" | grep -qE "$2"
}
