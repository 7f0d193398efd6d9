#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ruleset shape firewall4 emits with flow offloading enabled loads, and
# `nft list ruleset` round-trips it unchanged.
. "$NFO_LIB"

netns r
for dev in br-lan eth1 eth2; do
	n r ip link add "$dev" type dummy
	n r ip link set "$dev" up
done

expect_ok n r nft -f - <<'NFT'
table inet fw4 {
	flowtable ft {
		hook ingress priority 0;
		devices = { "br-lan", "eth1" };
		counter;
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		meta l4proto { tcp, udp } flow offload @ft;
		ct state vmap { established : accept, related : accept, invalid : drop }
		iifname "br-lan" jump forward_lan
	}
	chain forward_lan {
		oifname "eth1" accept
	}
}
table ip legacy {
	flowtable f4 { hook ingress priority 10; devices = { eth2 }; }
	chain fwd4 { type filter hook forward priority 0; ip protocol tcp flow add @f4 counter accept; }
}
table ip6 legacy6 {
	flowtable f6 { hook ingress priority -10; devices = { eth2 }; }
	chain fwd6 { type filter hook forward priority 0; meta l4proto udp flow add @f6; }
}
NFT

first=$(n r nft list ruleset)
printf '%s\n' "$first"
grep -q 'flow add @ft' <<<"$first" || fail "flow offload @ft not listed as flow add @ft"
grep -q 'counter$' <<<"$(n r nft list flowtable inet fw4 ft)" ||
	fail "flowtable counter flag lost"
grep -Eq 'devices = \{ "?br-lan"?, "?eth1"? \}' <<<"$first" || fail "devices not listed"
grep -q 'hook ingress priority filter' <<<"$first" || fail "hook not listed"

# Reload the listing itself: it must come back identical.
expect_ok n r nft flush ruleset
n r nft -f - <<<"$first" || fail "the listed ruleset does not load back"
second=$(n r nft list ruleset)
if [ "$first" != "$second" ]; then
	diff <(echo "$first") <(echo "$second")
	fail "ruleset changed across list / load / list"
fi
pass "firewall4 ruleset loads and round-trips"

# firewall4 deletes the flowtable before a reload; the rule must go first.
expect_fail n r nft delete flowtable inet fw4 ft
expect_ok n r nft flush chain inet fw4 forward
expect_ok n r nft delete flowtable inet fw4 ft
pass "flowtable delete refused while referenced, allowed after"
