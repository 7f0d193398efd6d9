#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# firewall4's own software-offloading rulesets (fw4/, as `fw4 print`
# renders them), loaded unchanged on a router shaped like firewall4's: the
# LAN is bridge br-lan with ports lan1 and lan2, a client behind each; the
# WAN is wan, then VLAN wan.7 on eth1, then the PPPoE session pppoe-wan
# over wan.  The flowtable lists br-lan and wan (wan.7), not the ports.
# For each ruleset, a TCP connection from the client on lan1 and a UDP
# exchange from the one on lan2 to a server behind the WAN, masqueraded,
# are offloaded: data intact, [OFFLOAD] in the router's conntrack, the
# module's fast-path and offload statistics rising, every direction sent
# directly (those leaving by br-lan and wan.7 straight to their ports).  `nft-offload diagnose` says offloaded,
# exit 0, for both, with br-lan's (wan.7's) check passing; none without an
# address.  Rulesets: a-sw (fw4 start), x-sw-reload (fw4 reload over it),
# b-hw-probefail (hardware asked for, probe failed), x-sw-helpers
# (conntrack helpers present), c-vlan-sw, d-pppoe-sw.  x-sw-helpers needs
# every conntrack helper module in the guest: without them the others
# still run, and the scenario fails at its end naming the missing ones.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"
. "$(dirname "$0")/diag.bash"
. "$(dirname "$0")/fw4.bash"

# stats_to ARRAY: the router's module statistics into associative ARRAY.
stats_to() {
	local -n _st=$1
	local k v

	_st=()
	while read -r k v; do
		_st["$k"]=$v
	done < <(n r cat /proc/net/stat/nft_offload)
	[ -n "${_st[offloaded]:-}" ] || fail "no module statistics in r"
}

# grown NAME: how much statistic NAME grew from S0 to S1.
grown() {
	echo $((${S1[$1]} - ${S0[$1]}))
}

# diag_line REGEX: diagnose -v printed a line matching REGEX (bash's,
# extended; no program started).
diag_line() {
	local line

	while IFS= read -r line; do
		[[ $line =~ $1 ]] && return 0
	done <<<"$DIAG_TEXT"
	return 1
}

# diag_offloaded ADDR [full]: diagnose ADDR in r says offloaded and exits 0,
# text and JSON, having examined the TCP and the UDP connection, every
# check passed.  full: diag_expect's complete comparison of text and JSON
# (it starts some thirty programs: once is enough).
diag_offloaded() {
	local got

	if [ "${2:-}" = full ]; then
		diag_expect offloaded 0 "$1" 'offloaded in flowtable fw4 ft'
	else
		diag_run r "$1"
		[ "$DIAG_RC" = 0 ] || fail "diagnose $1: exit $DIAG_RC, want 0"
		[ "$DIAG_JSON_RC" = 0 ] || fail "diagnose --json $1: exit $DIAG_JSON_RC, want 0"
		[ "${DIAG_TEXT%%$'\n'*}" = "cause: offloaded" ] ||
			fail "diagnose $1: not 'cause: offloaded'"
		! diag_line '^  FAIL ' || fail "diagnose $1: a failed check"
		[[ $DIAG_JSON != *'"ok":false'* ]] || fail "diagnose --json $1: a failed check"
	fi
	got=$(printf '%s\n' "$DIAG_JSON" | json-get cause matches | tr '\n' ' ')
	[ "$got" = "offloaded 2 " ] ||
		fail "diagnose --json $1: cause and connections examined '$got', want 'offloaded 2'"
}

declare -A S0=() S1=()

# fw4_offload RULESET NEIGH DIRECT WAN_CHECK [full]: with RULESET loaded, a TCP
# connection cl -> $SRV:5001 (held open) and a UDP exchange cl2 ->
# $SRV:5001 are offloaded (conntrack, statistics; at least NEIGH
# directions set up for neighbour transmit and DIRECT for direct) and
# arrive intact; diagnose says offloaded for both, its check of the
# bridge passes, and so does the one of the WAN side (WAN_CHECK, a
# regex); full: see diag_offloaded.
fw4_offload() {
	local ft=$1 neigh=$2 direct=$3 wan_check=$4 bytes fastb fastp udp=50

	n r conntrack -F 2>/dev/null || true
	bytes=$(bulk 1)
	stats_to S0
	tcp_hold_open 4 "$SRV" 5001 "$bytes"
	ct_has '^ipv4 +2 +tcp .* dport=5001 .*\[OFFLOAD\]' ||
		ofail "$ft: the TCP connection is not offloaded"
	stats_to S1
	fastb=$(grown fast_ipv4_bytes)
	[ "$fastb" -gt $((bytes / 2)) ] ||
		ofail "$ft: the fast path carried $fastb bytes of TCP's $bytes"

	fastp=${S1[fast_ipv4_packets]}
	n cl2 udp-pingpong send "$SRV" 5001 "$udp" 200 --sport 4400 ||
		ofail "$ft: UDP exchange incomplete or corrupted"
	ct_has '^ipv4 +2 +udp .* sport=4400 .*\[OFFLOAD\]' ||
		ofail "$ft: the UDP exchange is not offloaded"
	stats_to S1
	fastp=$((S1[fast_ipv4_packets] - fastp))
	[ "$fastp" -ge "$udp" ] ||
		ofail "$ft: the fast path carried $fastp of UDP's $((2 * udp)) packets"
	# Both connections, since before the TCP one.
	[ "$(grown offloaded)" -ge 2 ] || ofail "$ft: offloaded rose by $(grown offloaded)"
	[ "$(grown xmit_neigh)" -ge "$neigh" ] ||
		ofail "$ft: $(grown xmit_neigh) directions sent through the neighbour layer, want $neigh"
	[ "$(grown xmit_direct)" -ge "$direct" ] ||
		ofail "$ft: $(grown xmit_direct) directions sent directly, want $direct"
	pass "$ft: TCP and UDP intact and offloaded; fast path $fastb TCP bytes, $fastp UDP packets, xmit_neigh +$(grown xmit_neigh), xmit_direct +$(grown xmit_direct)"

	diag_offloaded "$SRV:5001" "${5:-}"
	diag_line "^  ok +device +original direction's input device br-lan \(bridge on lan[12]\) is in flowtable fw4 ft: .*caught at the port, or on it" ||
		fail "$ft: diagnose: no passing check for br-lan"
	diag_line "^  ok +device +reply direction's input device $wan_check" ||
		fail "$ft: diagnose: no passing check for the WAN side"
	! diag_line 'FAIL|firewall4|instead of' || fail "$ft: diagnose finds fault with the flowtable"
	tcp_hold_close
}

# fw4_load RULESET: firewall4's RULESET, unchanged, into r.
fw4_load() {
	expect_ok n r nft -f "$FW4/$1.nft"
	n r nft list flowtable inet fw4 ft | matches -F 'counter' ||
		fail "$1: flowtable fw4 ft lacks its counter flag"
}

fw4_router plain
fw4_load a-sw
fw4_offload a-sw 0 4 'wan is in flowtable fw4 ft' full
diag_expect none 0 ""
diag_line '^  ok +devices +flowtable fw4 ft lists bridge br-lan: packets arriving on lan[12], lan[12] are caught at the port, or on it' ||
	fail "a-sw: diagnose without an address: no passing check for br-lan"

# fw4 reload: flush, delete and re-add the flowtable, in one transaction.
fw4_load x-sw-reload
fw4_offload x-sw-reload 0 4 'wan is in flowtable fw4 ft'

n r nft flush ruleset
fw4_load b-hw-probefail
fw4_offload b-hw-probefail 0 4 'wan is in flowtable fw4 ft'

# The ct helper objects need every helper module.  Without one, the rest
# still runs; the scenario fails at its end.
helpers_missing=
for m in nf_conntrack_amanda nf_conntrack_ftp nf_conntrack_h323 \
	 nf_conntrack_irc nf_conntrack_netbios_ns nf_conntrack_pptp \
	 nf_conntrack_sane nf_conntrack_sip nf_conntrack_snmp \
	 nf_conntrack_tftp; do
	if ! err=$(modprobe "$m" 2>&1); then
		log "modprobe $m: $err"
		helpers_missing+=" $m"
	fi
done
if [ -z "$helpers_missing" ]; then
	n r nft flush ruleset
	fw4_load x-sw-helpers
	n r nft list ruleset | matches 'ct helper set "ftp"' ||
		fail "x-sw-helpers: its helper rules did not load"
	fw4_offload x-sw-helpers 0 4 'wan is in flowtable fw4 ft'
else
	log "x-sw-helpers: not loaded, the guest lacks$helpers_missing"
fi

fw4_router vlan
fw4_load c-vlan-sw
fw4_offload c-vlan-sw 0 4 'wan.7 \(VLAN device on eth1\) is in flowtable fw4 ft: .*caught at the port, or on it'

fw4_router pppoe
fw4_load d-pppoe-sw
fw4_offload d-pppoe-sw 0 4 'pppoe-wan: its port wan is in flowtable fw4 ft'

[ -z "$helpers_missing" ] ||
	fail "x-sw-helpers.nft cannot load: the guest lacks the conntrack helper modules$helpers_missing (tests/vm/mkinitramfs.sh MODULES, with ts_kmp for amanda; the debug kernel's config)"
