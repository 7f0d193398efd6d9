#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every way the simulated NIC (nfo_simnic) can turn nft_offload's hardware
# offload down, and what users then see: the flow runs in software (the
# fast path carries it), the refusal is counted by kind, the listing and
# `nft-offload diagnose` name it with its fix, and refused flows are tried
# again on their own (with a backoff, no software packet needed):
#   - the driver refuses the bind (flowtable refused; mixed flowtables:
#     the devices run in software);
#   - it refuses the rules (-EOPNOTSUPP), then takes them on a retry;
#   - its table is full (-ENOSPC);
#   - IPv6 NAT (refused as mtk_eth_soc refuses it);
#   - it binds lazily (packets reach the host until it does);
#   - its callbacks are slow (hw=pending meanwhile);
#   - it fails a DESTROY (counted);
#   - its counter polls come later than the timeout (a busy flow stays).
# nfo-core: rules the NIC validates and refuses (IPv6 NAT, table full), retries
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/simnic.bash"
. "$(dirname "$0")/hw.bash"
. "$(dirname "$0")/diag.bash"

expect_ok modprobe nft_offload
simnic_load
simnic_topology
udp_server

# udp_once SPORT [DST]: a short exchange from cl's SPORT.
udp_once() {
	local out

	out=$(n cl udp-pingpong send "${2:-10.0.2.2}" 5001 20 200 --sport "$1") ||
		simnic_fail "UDP exchange from $1: $out"
}

log "the driver refuses the bind"
simnic_knob bind_errno 95
r0=$(nfo_stat hw_bind_refused)
expect_fail simnic_ruleset masq4
[ "$(nfo_stat hw_bind_refused)" -gt "$r0" ] || fail "hw_bind_refused did not rise"
n r sysctl -q -w net.netfilter.nf_flow_offload_hw_mixed=1
simnic_ruleset masq4
matches -E 'dev=r-cl state=software' < <(n r cat /proc/net/nft_offload_hw_devices) ||
	fail "r-cl not listed in software"
udp_once 4800
wait_for 5 flow_says 4800 'hw_err=no_driver:-67' || fail "the flow does not say no_driver"
pass "bind refused: the flowtable refused; with mixed flowtables, software and hw_err=no_driver"
n r nft flush ruleset
n r conntrack -F 2>/dev/null || true
n r sysctl -q -w net.netfilter.nf_flow_offload_hw_mixed=0
simnic_knob bind_errno 0

log "the driver refuses the rules, then takes them on a retry"
simnic_ruleset masq4
simnic_knob refuse 1
simnic_knob refuse_errno 95
e0=$(nfo_stat hw_refused_eopnotsupp)
fast0=$(nfo_stat fast_ipv4_packets)
udp_once 4801
wait_for 5 flow_says 4801 ' hw=(refused|retrying) hw_err=eopnotsupp:-95 ' ||
	fail "the flow does not say refused, eopnotsupp: $(flow_line 4801)"
[ "$(nfo_stat hw_refused_eopnotsupp)" -gt "$e0" ] || fail "hw_refused_eopnotsupp did not rise"
[ "$(nfo_stat fast_ipv4_packets)" -gt "$fast0" ] || fail "the software fast path did not carry the refused flow"
! hw_offloaded_in_conntrack || fail "[HW_OFFLOAD] for a refused flow"
diag_expect hw_refused 1 10.0.2.2:5001 'does not support' 'eopnotsupp:-95'
# No more traffic: the retries alone put it in the ASIC once it takes it.
simnic_knob refuse 0
wait_for 10 flow_says 4801 ' hw=offloaded ' || fail "the flow was not retried: $(flow_line 4801)"
[ "$(simnic_nrules sport=4801)" = 1 ] || simnic_fail "the retried flow is not in the ASIC"
pass "rules refused: in software, counted, diagnosed; retried into the ASIC with no packet"
n r nft flush ruleset
n r conntrack -F 2>/dev/null || true

log "the table is full"
simnic_ruleset masq4
simnic_knob table_size 2
s0=$(nfo_stat hw_refused_enospc)
udp_once 4802
wait_for 5 flow_says 4802 ' hw=offloaded ' || fail "the first flow is not in the ASIC"
udp_once 4803
wait_for 5 flow_says 4803 ' hw_err=enospc:-28 ' || fail "the second flow does not say enospc: $(flow_line 4803)"
[ "$(nfo_stat hw_refused_enospc)" -gt "$s0" ] || fail "hw_refused_enospc did not rise"
diag_expect hw_refused 1 10.0.2.2:5001 'table is full'
pass "table full: the second flow in software, enospc counted and diagnosed"
simnic_knob table_size 16384
n r nft flush ruleset
n r conntrack -F 2>/dev/null || true

log "IPv6 NAT"
simnic_ruleset masq
udp_once 4804 fd00:2::2
wait_for 5 flow_says 4804 ' hw_err=eopnotsupp:-95 ' || fail "IPv6 NAT not refused: $(flow_line 4804)"
[ "$(simnic_counter replace_refused_ipv6_nat)" -gt 0 ] || simnic_fail "the ASIC did not refuse the IPv6 NAT"
pass "IPv6 masquerade: refused by the ASIC as by mtk, the flow in software"
n r nft flush ruleset
n r conntrack -F 2>/dev/null || true

log "lazy binding"
simnic_ruleset masq4
simnic_knob lazy_bind 10
fast0=$(nfo_stat fast_ipv4_packets)
out=$(n cl udp-pingpong send 10.0.2.2 5001 200 200 --sport 4805) || simnic_fail "UDP: $out"
wait_for 5 flow_says 4805 ' hw=offloaded ' || fail "the lazily bound flow is not offloaded"
[ "$(nfo_stat fast_ipv4_packets)" -ge $((fast0 + 10)) ] ||
	fail "the software fast path did not carry the packets before the binding"
[ "$(simnic_nrules sport=4805 state=bound)" = 1 ] || simnic_fail "the rule never bound"
pass "lazy binding: the software fast path until the ASIC binds, then the ASIC ($out)"
simnic_knob lazy_bind 0
n r nft flush ruleset
n r conntrack -F 2>/dev/null || true

log "slow callbacks"
simnic_ruleset masq4
simnic_knob cb_delay_ms 3000
udp_once 4806
flow_says 4806 ' hw=pending ' || fail "no hw=pending while the driver thinks: $(flow_line 4806)"
diag_expect hw_pending 1 10.0.2.2:5001 'queued'
simnic_knob cb_delay_ms 0
wait_for 10 flow_says 4806 ' hw=offloaded ' || fail "never offloaded after the slow callback"
pass "slow callbacks: hw=pending, then offloaded"

log "DESTROY refused"
simnic_knob destroy_errno 5
f0=$(nfo_stat hw_destroy_failed)
n r conntrack -D -p udp --sport 4806 >/dev/null 2>&1 || fail "conntrack -D failed"
wait_for 10 stat_at_least hw_destroy_failed $((f0 + 1)) || fail "hw_destroy_failed did not count"
simnic_knob destroy_errno 0
echo 1 >"$SIMNIC_DEBUGFS/flush"
pass "DESTROY refused: counted (hw_destroy_failed $(nfo_stat hw_destroy_failed))"

log "late counter polls: a busy flow waits for a poll after its deadline"
# Each callback 2.5 s, a poll (both directions) 5 s: longer than the 2 s
# timeout.  Only the hardware sees the flow's packets, so a flow expired
# on the last poll's word would go (and come back: offloaded again)
# while busy.
n r nft flush ruleset
n r conntrack -F 2>/dev/null || true
simnic_ruleset masq4
n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=2
udp_once 4807
wait_for 10 flow_says 4807 ' hw=offloaded ' || fail "not offloaded: $(flow_line 4807)"
off0=$(nfo_stat offloaded)
d0=$(nfo_stat hw_destroyed)
simnic_knob cb_delay_ms 2500
udp_busy 4807 12000
[ "$(nfo_stat offloaded)" = "$off0" ] ||
	fail "the busy flow expired while its polls were late: offloaded $(($(nfo_stat offloaded) - off0)) more times"
[ "$(nfo_stat hw_destroyed)" = "$d0" ] || fail "rules destroyed while the flow was busy"
flow_says 4807 ' hw=offloaded ' || fail "the busy flow is not offloaded: $(flow_line 4807)"
simnic_knob cb_delay_ms 0
# Idle: the first poll after its deadline finds nothing, and it goes.
gone() { ! flow_line 4807 >/dev/null; }
wait_for 20 gone || fail "the idle flow stays: $(flow_line 4807)"
pass "late counter polls: busy for 12 s with 5 s polls and a 2 s timeout, it stayed; idle, it went"
n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=30
