# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for scenarios on the tests' simulated offload NIC, nfo_simnic
# (tests/kmod/nfo_simnic.c, whose header comment documents its knobs and
# debugfs files): ports in veth-like pairs whose ASIC takes a flowtable's
# "flags offload" rules and forwards their packets itself, bypassing the
# router's stack.  Sourced after lib.sh and offload.bash.
#
#   simnic_load [KNOB=VALUE...]   (re)load the module with these knobs
#   simnic_knob NAME VALUE        set a writable knob
#   simnic_topology [MTU_CL] [MTU_SRV]
#                                 topology_router (cl -- r -- srv) with
#                                 simnic pairs instead of veth
#   simnic_ruleset NAT [L4PROTOS] (simnic_ruleset_text prints it)
#                                 the router's ruleset: flowtable ft over
#                                 r-cl and r-srv with "flags offload" and
#                                 counter, L4PROTOS (default "tcp, udp")
#                                 added to it in the forward chain, which
#                                 counts in the named counter "forwarded"
#                                 (as offload_ruleset's); NAT: none, masq4
#                                 (IPv4 masquerade out of $WAN_L3, default
#                                 r-srv), masq (both families: IPv6 NAT,
#                                 which the ASIC refuses, as mtk does)
#   simnic_counter NAME           a line of debugfs "counters"
#   simnic_rules [FIELD=VALUE...] the rule table's lines that carry every
#                                 FIELD=VALUE given (exact fields)
#   simnic_nrules [FIELD=VALUE...] how many
#   simnic_port_stat PORT FIELD   a field of the port's debugfs "ports" line
#   hw_offloaded_in_conntrack     the router's conntrack shows [HW_OFFLOAD]
#   simnic_fail MSG               fail, showing counters, rules, conntrack
#   simnic_show_rules [FIELD=VALUE...]  log the matching rules

SIMNIC_DEBUGFS=/sys/kernel/debug/nfo_simnic
SIMNIC_PARAMS=/sys/module/nfo_simnic/parameters

simnic_load() {
	if modloaded nfo_simnic; then
		wait_for 5 rmmod nfo_simnic || fail "nfo_simnic stays loaded"
	fi
	modprobe nfo_simnic "$@" || fail "no test module nfo_simnic"
}

simnic_knob() {
	echo "$2" >"$SIMNIC_PARAMS/$1" || fail "cannot set nfo_simnic knob $1 to $2"
}

simnic_topology() {
	TOPOLOGY_LINK=simnic topology_router "$@"
}

simnic_ruleset() {
	simnic_ruleset_text "$@" | n r nft -f -
}

# simnic_ruleset_text NAT [L4PROTOS]: simnic_ruleset's ruleset, printed.
simnic_ruleset_text() {
	local family= nat=

	case "$1" in
	none) ;;
	masq4) family=ip ;;
	masq) family=inet ;;
	*) fail "simnic_ruleset: unknown NAT $1" ;;
	esac
	[ -z "$family" ] || nat="table $family nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname \"${WAN_L3:-r-srv}\" masquerade
		}
	}"
	cat <<-NFT
	table inet filter {
		counter forwarded { }
		flowtable ft {
			hook ingress priority 0
			devices = { r-cl, r-srv }
			flags offload
			counter
		}
		chain forward {
			type filter hook forward priority 0; policy accept;
			meta l4proto { ${2:-tcp, udp} } flow add @ft
			counter name forwarded
		}
	}
	$nat
	NFT
}

simnic_counter() {
	awk -v k="$1" '$1 == k { print $2; found = 1 } END { exit !found }' \
		"$SIMNIC_DEBUGFS/counters" || fail "no nfo_simnic counter $1"
}

simnic_rules() {
	awk -v want="$*" '
		BEGIN { n = split(want, w, " ") }
		{
			for (i = 1; i <= n; i++) {
				found = 0
				for (j = 1; j <= NF; j++)
					if ($j == w[i]) { found = 1; break }
				if (!found)
					next
			}
			print
		}' "$SIMNIC_DEBUGFS/table"
}

simnic_nrules() {
	local lines

	lines=$(simnic_rules "$@")
	if [ -z "$lines" ]; then
		echo 0
	else
		wc -l <<<"$lines"
	fi
}

simnic_port_stat() {
	awk -v p="name=$1" -v f="$2=" '
		$1 == p { for (i = 2; i <= NF; i++) if (index($i, f) == 1) { print substr($i, length(f) + 1); found = 1 } }
		END { exit !found }' "$SIMNIC_DEBUGFS/ports" || fail "no nfo_simnic port $1 with $2"
}

hw_offloaded_in_conntrack() {
	n r grep -q HW_OFFLOAD /proc/net/nf_conntrack
}

# simnic_fail MSG: fail, showing the ASIC's counters and rules and the
# router's conntrack table.
simnic_fail() {
	echo "# nfo_simnic counters (non-zero):"
	awk '$2 != 0 { print "#   " $0 }' "$SIMNIC_DEBUGFS/counters" || true
	echo "# nfo_simnic table:"
	sed 's/^/#   /' "$SIMNIC_DEBUGFS/table" || true
	echo "# router conntrack:"
	{ n r conntrack -L 2>/dev/null || true; } | sed 's/^/#   /'
	fail "$@"
}

# simnic_show_rules [FIELD=VALUE...]: log the rules that match, indented.
simnic_show_rules() {
	simnic_rules "$@" | sed 's/^/#   /'
}

# What the scenarios check of a flowtable offloading to the ASIC (ours or
# the in-kernel one).

# udp_busy SPORT MS: ten small datagrams from cl's SPORT to srv's echo
# server every half second, for MS milliseconds: a flow kept busy.
udp_busy() {
	local start out

	start=$(_uptime_ms)
	while [ $(($(_uptime_ms) - start)) -lt "$2" ]; do
		out=$(n cl udp-pingpong send 10.0.2.2 5001 10 100 --sport "$1") ||
			simnic_fail "UDP from $1: $out"
		nap 0.5
	done
}

# The change of a counter since $2.
since() {
	echo $(($(simnic_counter "$1") - $2))
}

router_bytes() {	# the router's own counter of PORT: rx_bytes|tx_bytes
	nsys r cat "/sys/class/net/$1/statistics/$2"
}

# ct_orig SPORT packets|bytes: the router's conntrack count of the
# original direction of the UDP flow from SPORT.
ct_orig() {
	n r conntrack -L -p udp --sport "$1" 2>/dev/null |
		awk -v f="$2=" '{ for (i = 1; i <= NF; i++) if (index($i, f) == 1) { print substr($i, length(f) + 1); exit } }'
}

counter_rose() {	# NAME FROM [BY]: the counter NAME rose BY (1) since FROM
	[ "$(since "$1" "$2")" -ge "${3:-1}" ]
}

ct_orig_is() {	# SPORT PACKETS BYTES
	[ "$(ct_orig "$1" packets)" = "$2" ] && [ "$(ct_orig "$1" bytes)" = "$3" ]
}

# tcp_case FAMILY DST: a bulk TCP transfer cl -> srv; requires it intact,
# [HW_OFFLOAD], the bulk forwarded by the ASIC and out of sight of the
# router.  Leaves the two rules seen in RULES and, with nft_offload, the
# flow's listing line then in HW_LINE.
tcp_case() {
	local fam=$1 dst=$2 bytes hw0 hwtx0 rx0 tx0 hw hwtx rx tx fwd0 fwd

	bytes=$(bulk 8)
	hw0=$(simnic_counter hw_forwarded_bytes)
	hwtx0=$(simnic_port_stat r-srv hw_tx_bytes)
	rx0=$(router_bytes r-cl rx_bytes)
	tx0=$(router_bytes r-srv tx_bytes)
	fwd0=$(fwd_bytes)
	RULES=
	tcp_start "$fam" "$dst" 5001 "$bytes"
	while [ -z "$RULES" ] && kill -0 "$TCP_CPID" 2>/dev/null; do
		! hw_offloaded_in_conntrack || RULES=$(simnic_rules family=ipv"$fam" proto=tcp)
		# nft_offload's listing of the flow meanwhile.
		[ -z "$RULES" ] || ! modloaded nft_offload ||
			HW_LINE=$(n r grep 'proto=tcp' /proc/net/nft_offload_flows)
		nap 0.05
	done
	tcp_finish "IPv$fam TCP"
	[ -n "$RULES" ] || simnic_fail "IPv$fam TCP: no [HW_OFFLOAD] in conntrack"
	log "IPv$fam TCP: the rules while the transfer ran:"
	sed 's/^/#   /' <<<"$RULES"
	[ "$(wc -l <<<"$RULES")" = 2 ] || simnic_fail "IPv$fam TCP: not 2 rules"
	hw=$(since hw_forwarded_bytes "$hw0")
	hwtx=$(($(simnic_port_stat r-srv hw_tx_bytes) - hwtx0))
	rx=$(($(router_bytes r-cl rx_bytes) - rx0))
	tx=$(($(router_bytes r-srv tx_bytes) - tx0))
	fwd=$(($(fwd_bytes) - fwd0))
	[ "$hw" -gt $((bytes / 2)) ] ||
		simnic_fail "IPv$fam TCP: the ASIC forwarded $hw of $bytes bytes"
	[ "$hwtx" -gt $((bytes / 2)) ] ||
		simnic_fail "IPv$fam TCP: the ASIC sent $hwtx bytes out of r-srv"
	[ $((fwd * 10)) -lt "$bytes" ] ||
		simnic_fail "IPv$fam TCP: the forward chain saw $fwd of $bytes bytes"
	[ $((rx * 10)) -lt "$bytes" ] && [ $((tx * 10)) -lt "$bytes" ] ||
		simnic_fail "IPv$fam TCP: the router's ports counted $rx bytes in, $tx out"
	pass "IPv$fam TCP: intact, [HW_OFFLOAD], the ASIC forwarded $hw of $bytes bytes; forward chain $fwd, r-cl rx $rx, r-srv tx $tx"
}

# masq_rules_ok: RULES (tcp_case's, IPv4 TCP to the server's port 5001)
# masquerade cl -> srv and restore srv -> cl, and the server saw only the
# router's address (server_probe).
masq_rules_ok() {
	grep -qE ' src=10\.0\.1\.2 sport=[0-9]+ dst=10\.0\.2\.2 dport=5001 .*nat=saddr[ ,].*new_src=10\.0\.2\.1 .* out=r-srv ' <<<"$RULES" ||
		simnic_fail "no masquerading rule cl -> srv"
	grep -qE ' src=10\.0\.2\.2 sport=5001 dst=10\.0\.2\.1 .*nat=daddr[ ,].*new_dst=10\.0\.1\.2 .* out=r-cl ' <<<"$RULES" ||
		simnic_fail "no de-masquerading rule srv -> cl"
	[ "$(probe_bytes from_router)" -gt 0 ] && [ "$(probe_bytes from_client)" = 0 ] ||
		simnic_fail "the server saw the client's own address"
}
