# SPDX-License-Identifier: GPL-2.0
# What the in-kernel flowtable refuses, and how.  Sourced by 13-rejections.sh
# (checks each error against the expected message) and by
# coexist-same-errors.sh (runs the same list with the in-kernel modules and
# with ours and requires identical output).
#
# run_rejections NETNS: prints one line per case, "LABEL: rc=N ERROR-LINE".
# Each case runs on a clean ruleset in NETNS, which must have dummy devices
# d0 and d1.

# label | setup ruleset (may be empty) | command that must fail
rejection_cases() {
	cat <<'CASES'
forward-only|add table inet t ; add flowtable inet t ft { hook ingress priority 0; devices = { d0 }; }|add chain inet t in { type filter hook input priority 0; } ; add rule inet t in flow add @ft
forward-only-prerouting|add table ip t ; add flowtable ip t ft { hook ingress priority 0; devices = { d0 }; }|add chain ip t pre { type filter hook prerouting priority 0; } ; add rule ip t pre flow add @ft
forward-only-output|add table ip6 t ; add flowtable ip6 t ft { hook ingress priority 0; devices = { d0 }; }|add chain ip6 t out { type filter hook output priority 0; } ; add rule ip6 t out flow offload @ft
missing-flowtable|add table inet t ; add chain inet t fw { type filter hook forward priority 0; }|add rule inet t fw flow add @nosuch
flowtable-other-table|add table inet a ; add flowtable inet a ft { hook ingress priority 0; devices = { d0 }; } ; add table inet b ; add chain inet b fw { type filter hook forward priority 0; }|add rule inet b fw flow add @ft
netdev-family||add table netdev t ; add flowtable netdev t ft { hook ingress priority 0; devices = { d0 }; }
bridge-family||add table bridge t ; add flowtable bridge t ft { hook ingress priority 0; devices = { d0 }; }
arp-family||add table arp t ; add flowtable arp t ft { hook ingress priority 0; devices = { d0 }; }
unknown-device||add table inet t ; add flowtable inet t ft { hook ingress priority 0; devices = { nosuchdev }; }
hw-offload-no-support||add table inet t ; add flowtable inet t ft { hook ingress priority 0; devices = { d0 }; flags offload; }
device-in-two-flowtables|add table inet t ; add flowtable inet t a { hook ingress priority 0; devices = { d0 }; }|add flowtable inet t b { hook ingress priority 0; devices = { d0 }; }
hw-flag-toggle|add table inet t ; add flowtable inet t ft { hook ingress priority 0; devices = { d0 }; }|add flowtable inet t ft { hook ingress priority 0; devices = { d0 }; flags offload; }
delete-referenced|add table inet t ; add flowtable inet t ft { hook ingress priority 0; devices = { d0 }; } ; add chain inet t fw { type filter hook forward priority 0; } ; add rule inet t fw flow add @ft|delete flowtable inet t ft
CASES
}

run_rejections() {
	local ns=$1 label setup cmd out rc
	while IFS='|' read -r label setup cmd; do
		ip netns exec "$ns" nft flush ruleset
		if [ -n "$setup" ] && ! ip netns exec "$ns" nft "$setup" 2>&1; then
			echo "$label: setup failed"
			continue
		fi
		if out=$(ip netns exec "$ns" nft "$cmd" 2>&1); then
			rc=0
		else
			rc=$?
		fi
		echo "$label: rc=$rc $(grep -m1 '^Error' <<<"$out")"
	done < <(rejection_cases)
	ip netns exec "$ns" nft flush ruleset
}
