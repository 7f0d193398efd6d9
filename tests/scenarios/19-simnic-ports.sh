#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tests' simulated offload NIC (nfo_simnic, tests/kmod) as a plain NIC,
# with no flowtable (no rule in its ASIC): pairs made by ip(8) in and across
# namespaces, traffic routed through a router on them arrives intact (every
# frame a lookup miss, delivered to the host), VLANs over a port, carrier
# following the peer, the MTU limits, moving a port to another namespace,
# and unloading with ports in use.  On Debian's kernels only: on the debug
# kernel the hardware scenarios (90-94) run the NIC under KASAN and lockdep,
# port, driver and namespace removal included (92).
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/simnic.bash"

simnic_load
simnic_topology
expect_ok n cl ping -c 2 -W 2 10.0.2.2
expect_ok n cl ping -c 2 -W 2 fd00:2::2
m0=$(simnic_counter punt_miss)
tcp_start 4 10.0.2.2 5001 "$(bulk 2)"
tcp_finish "TCP over simnic ports"
[ "$(simnic_counter punt_miss)" -gt "$m0" ] || fail "the ASIC looked at nothing"
[ "$(simnic_counter hw_forwarded)" = 0 ] || fail "the ASIC forwarded with no rule"
[ "$(simnic_nrules)" = 0 ] || fail "rules with no flowtable"
[ "$(nsys r cat /sys/class/net/r-cl/statistics/rx_bytes)" -gt "$(bulk 2)" ] ||
	fail "r-cl did not count what it received"
[ "$(awk 'END { print NR }' "$SIMNIC_DEBUGFS/ports")" = 4 ] || fail "debugfs does not list 4 ports"
[ "$(simnic_port_stat r-cl peer)" = cl-r ] || fail "r-cl's peer is not cl-r"
pass "routed over simnic pairs: ping, TCP intact, counters, every frame a miss"

# 802.1Q over a port: the tags travel in the frame.
ip -n cl -batch - <<-'EOF'
link add link cl-r name cl-r.10 type vlan id 10
addr add 10.0.10.2/24 dev cl-r.10
link set cl-r.10 up
EOF
ip -n r -batch - <<-'EOF'
link add link r-cl name r-cl.10 type vlan id 10
addr add 10.0.10.1/24 dev r-cl.10
link set r-cl.10 up
EOF
expect_ok n cl ping -c 2 -W 2 10.0.10.1
pass "802.1Q over a simnic port"

# Carrier follows the peer; the MTU stays within 68..9216.
expect_ok n srv ip link set srv-r down
wait_for 5 eval '! _link_up r r-srv' || fail "r-srv keeps its carrier with its peer down"
expect_ok n srv ip link set srv-r up
wait_for 5 _link_up r r-srv || fail "r-srv has no carrier with its peer up"
expect_ok n r ip link set r-srv mtu 9216
expect_fail n r ip link set r-srv mtu 9217
expect_fail n r ip link set r-srv mtu 67
expect_ok n r ip link set r-srv mtu 1500
pass "carrier follows the peer; MTU 68..9216"

# A pair made here, one end moved to another namespace and back.
netns mv
expect_ok ip link add sx0 type simnic peer name sx1
expect_ok ip link set sx1 netns mv
ip addr add 10.9.9.1/24 dev sx0
ip link set sx0 up
n mv ip addr add 10.9.9.2/24 dev sx1
n mv ip link set sx1 up
wait_for 5 _link_up mv sx1 || fail "sx1 has no carrier in its new namespace"
expect_ok ping -c 2 -W 2 10.9.9.2
expect_ok n mv ip link set sx1 netns 1
expect_ok ip link del sx1
ip link show sx0 >/dev/null 2>&1 && fail "sx0 outlived its peer"
pass "a port moves between namespaces and keeps its peer; deleting one end deletes both"

expect_ok rmmod nfo_simnic
n r ip link show r-cl >/dev/null 2>&1 && fail "r-cl outlived its module"
pass "nfo_simnic unloads with its ports in use"
