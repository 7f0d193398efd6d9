#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# firewall4's hardware offloading (fw4/b-hw.nft: the flowtable lists the
# ports lan1, lan2 and wan, with flags offload) on a router shaped like
# firewall4's whose ports are the simulated offload NIC's (nfo_simnic):
#   - firewall4's probe (an `nft -c` batch adding a throwaway table with
#     such a flowtable) succeeds when every listed device supports
#     offload, fails when one does not (a veth), and with mixed flowtables
#     (nf_flow_offload_hw_mixed=1, as OpenWrt's kernels answer) succeeds;
#   - the ruleset loads unchanged; a TCP connection from the client behind
#     lan1 and a UDP exchange from the one behind lan2, masqueraded out of
#     wan, end up in the ASIC: [HW_OFFLOAD], its counters, data intact;
#   - firewall4's reload (flush, flowtable deleted and added again) leaves
#     no rule in the ASIC, and the next connections go back into it.
# nfo-core: firewall4's hardware ruleset: rules for its ports, masquerade
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"
. "$(dirname "$0")/simnic.bash"
. "$(dirname "$0")/fw4.bash"

expect_ok modprobe nft_offload
simnic_load
TOPOLOGY_LINK=simnic fw4_router plain

probe() {	# DEVICES: firewall4's probe batch for them
	n r nft -c -f - <<-NFT
	add table inet fw4-hw-offload-test
	add flowtable inet fw4-hw-offload-test ft { hook ingress priority 0; devices = { $1 }; flags offload; }
	NFT
}

expect_ok probe '"lan1", "lan2", "wan"'
n r ip link add lan3 type veth peer name lan3p
n r ip link set lan3 up
expect_fail probe '"lan1", "lan2", "lan3", "wan"'
n r sysctl -q -w net.netfilter.nf_flow_offload_hw_mixed=1
expect_ok probe '"lan1", "lan2", "lan3", "wan"'
n r sysctl -q -w net.netfilter.nf_flow_offload_hw_mixed=0
n r ip link del lan3
[ "$(simnic_counter rules)" = 0 ] || fail "the probes left rules"
pass "firewall4's probe: passes on simnic ports, fails with a veth among them, passes with mixed flowtables"

# transfers WHAT: TCP from cl (lan1) and UDP from cl2 (lan2) to the server,
# both into the ASIC.
transfers() {
	local hw0 hw out bytes

	hw0=$(simnic_counter hw_forwarded_bytes)
	bytes=$(bulk 2)
	head -c "$bytes" /dev/urandom >/tmp/tx
	rm -f /tmp/rx
	n srv socat -u TCP4-LISTEN:5002,reuseaddr OPEN:/tmp/rx,creat,trunc &
	TCP_SPID=$!
	wait_listen srv 5002 tcp 4
	n cl socat -u OPEN:/tmp/tx "TCP4:$SRV:5002" &
	TCP_CPID=$!
	out=$(n cl2 udp-pingpong send "$SRV" 5001 500 1000) ||
		simnic_fail "$1: UDP from lan2: $out"
	tcp_finish "$1"
	hw=$(since hw_forwarded_bytes "$hw0")
	[ "$(simnic_counter replace_ok)" -ge 4 ] || simnic_fail "$1: the ASIC took fewer than 4 rules"
	[ "$hw" -gt $((bytes / 2)) ] || simnic_fail "$1: the ASIC forwarded only $hw bytes"
	n r grep -q 'sport=5002 .*HW_OFFLOAD\|dport=5002 .*HW_OFFLOAD' /proc/net/nf_conntrack ||
		[ "$(simnic_counter destroy_ok)" -gt 0 ] || simnic_fail "$1: TCP never in hardware"
	pass "$1: TCP from lan1 intact, UDP from lan2 ($out), the ASIC forwarded $hw bytes"
}

n r nft -f "$FW4/b-hw.nft" || fail "b-hw.nft did not load"
devs=$(n r cat /proc/net/nft_offload_hw_devices)
for dev in lan1 lan2 wan; do
	matches -E "table=fw4 flowtable=ft dev=$dev state=bound" <<<"$devs" || fail "$dev not bound: $devs"
done
transfers "b-hw.nft"

log "firewall4's reload"
udp_out=$(n cl2 udp-pingpong send "$SRV" 5001 20 200 --sport 4900) || fail "UDP: $udp_out"
wait_for 5 eval '[ "$(simnic_nrules sport=4900)" = 1 ]' || simnic_fail "the UDP flow is not in the ASIC"
{
	printf 'table inet fw4\nflush table inet fw4\ndelete flowtable inet fw4 ft\n'
	sed 1,2d "$FW4/b-hw.nft"
} | n r nft -f - || fail "the reload did not load"
[ "$(simnic_counter rules)" = 0 ] && [ "$(simnic_counter rules_stale)" = 0 ] ||
	simnic_fail "rules left in the ASIC after the reload"
n r conntrack -F 2>/dev/null || true
echo 1 >"$SIMNIC_DEBUGFS/requests_clear"
transfers "after the reload"
