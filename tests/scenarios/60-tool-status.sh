#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nft-offload status, text and --json, against a known ruleset: module and
# version, sysctls, each flowtable's family, table, name, priority,
# devices, flags and flow count; exit 4 without the module.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

# Without the module: exit code 4, in text and JSON.
if modloaded nft_offload; then
	nft flush ruleset
	for ns in $(ip netns list | awk '{ print $1 }'); do
		n "$ns" nft flush ruleset
	done
	rmmod nft_offload || fail "cannot unload nft_offload for the missing-module check"
fi
rc=0
out=$(nft-offload status) || rc=$?
[ "$rc" = 4 ] || fail "status without the module: exit $rc, expected 4"
grep -q '^module: not loaded' <<<"$out" || fail "status without the module said: $out"
rc=0
out=$(nft-offload --json status) || rc=$?
[ "$rc" = 4 ] || fail "status --json without the module: exit $rc"
[ "$out" = '{"module":{"loaded":false,"inkernel_flowtable":false}}' ] ||
	fail "status --json without the module: $out"
for cmd in flows stats; do
	rc=0
	nft-offload "$cmd" >/dev/null 2>&1 || rc=$?
	[ "$rc" = 4 ] || fail "$cmd without the module: exit $rc"
done
rc=0
nft-offload bogus >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "unknown command: exit $rc, expected 2"

topology_router
offload_ruleset route "counter;"
# A second flowtable, ip family, other priority, one device, no counter.
n r nft -f - <<-'NFT'
table ip other {
	flowtable ft2 {
		hook ingress priority 10
		devices = { r-cl }
	}
}
NFT
n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=17
ver=$(cat /sys/module/nft_offload/version)

out=$(nft-offload -n r status) || fail "status failed: $out"
echo "$out" | sed 's/^/# /'
grep -qx "module: nft_offload $ver" <<<"$out" || fail "status: no module version $ver"
grep -qE '^  nf_flow_offload +1$' <<<"$out" || fail "status: nf_flow_offload"
grep -qE '^  nf_flow_offload_udp_timeout +17$' <<<"$out" || fail "status: udp timeout"
grep -qx 'flowtables: 2' <<<"$out" || fail "status: not 2 flowtables"
grep -qx '  inet filter ft: hook ingress priority 0; devices { r-cl, r-srv }; flags counter; rules 1; flows 0' <<<"$out" ||
	fail "status: inet filter ft line wrong"
grep -qx '  ip other ft2: hook ingress priority 10; devices { r-cl }; flags none; rules 0; flows 0' <<<"$out" ||
	fail "status: ip other ft2 line wrong"

# One offloaded TCP connection, held open (no FIN) while we look.
tcp_hold_open 4 10.0.2.2 5001 300000
wait_for 20 stat_at_least flows 1 || fail "no flow offloaded"
out=$(nft-offload -n r status)
js=$(nft-offload -n r --json status) || fail "status --json failed"
tcp_hold_close
echo "# $js"
grep -q '  inet filter ft: .*; flows 1$' <<<"$out" || fail "status: ft does not hold the flow: $out"
grep -q '  ip other ft2: .*; flows 0$' <<<"$out" || fail "status: ft2 holds a flow"

# JSON, field by field (the writer's order is fixed).
want_js() {
	grep -qF -- "$1" <<<"$js" || fail "status --json lacks $1"
}
want_js "{\"module\":{\"loaded\":true,\"version\":\"$ver\",\"inkernel_flowtable\":false}"
want_js '"sysctl":{"nf_flow_offload":1,"nf_flow_offload_tcp_timeout":30,"nf_flow_offload_udp_timeout":17,'
want_js '"flows":1,"flowtables":['
grep -qE '\{"family":"inet","table":"filter","name":"ft","hook":"ingress","priority":0,"devices":\["r-cl","r-srv"\],"flags":\["counter"\],"counter":true,"use":[0-9]+,"rules":1,"flows":1\}' <<<"$js" ||
	fail "status --json: inet filter ft wrong"
want_js '{"family":"ip","table":"other","name":"ft2","hook":"ingress","priority":10,"devices":["r-cl"],"flags":[],"counter":false,"use":0,"rules":0,"flows":0}'
# Parsed (json-get): valid, and the values where they belong.
[ "$(json-get flowtables.# <<<"$js")" = 2 ] || fail "status --json: not two flowtables"
[ "$(json-get module.version <<<"$js")" = "$ver" ] || fail "status --json: module.version"
[ "$(json-get sysctl.nf_flow_offload_udp_timeout <<<"$js")" = 17 ] || fail "status --json: udp timeout"
[ "$(json-get flowtables.0.devices.# <<<"$js")" = 2 ] || fail "status --json: ft devices"
[ "$(json-get flowtables.0.devices.1 <<<"$js")" = r-srv ] || fail "status --json: ft second device"
[ "$(json-get flowtables.0.flows <<<"$js")" = 1 ] || fail "status --json: ft flows"
[ "$(json-get flowtables.1.name <<<"$js")" = ft2 ] || fail "status --json: second flowtable"
[ "$(json-get flowtables.1.flags.# <<<"$js")" = 0 ] || fail "status --json: ft2 flags"
[ "$(json-get flowtables.1.priority <<<"$js")" = 10 ] || fail "status --json: ft2 priority"

# The default netns has no flowtable and no flow.
out=$(nft-offload status)
grep -qx 'flowtables: 0' <<<"$out" || fail "default netns status shows flowtables: $out"
pass
