# SPDX-License-Identifier: GPL-2.0
# Helpers for scenarios that push traffic through offloaded flows.
# Sourced after lib.sh; builds on topology_router (cl -- r -- srv).
#
# Proof of offload, three ways: the forward chain's counter stays far below
# the bytes transferred, conntrack shows [OFFLOAD], and the module's own
# statistics (/proc/net/stat/nft_offload in the router's netns) rise.

# Router ruleset.  MODE: route (plain forwarding), masq (masquerade towards
# the server), dnat (clients connect to the router's own address, port
# 8080, and reach the server's port 5001).  Extra flowtable flags may follow.
offload_ruleset() {
	local mode=$1 ftflags=${2-counter;}

	n r nft -f - <<-NFT
	table inet filter {
		counter forwarded { }
		flowtable ft {
			hook ingress priority 0
			devices = { r-cl, r-srv }
			$ftflags
		}
		chain forward {
			type filter hook forward priority 0; policy accept;
			meta l4proto { tcp, udp } flow add @ft
			counter name forwarded
		}
	}
	NFT
	case "$mode" in
	route) ;;
	masq)
		n r nft -f - <<-'NFT'
		table inet nat {
			chain post {
				type nat hook postrouting priority srcnat;
				oifname "r-srv" masquerade
			}
		}
		NFT
		;;
	dnat)
		n r nft -f - <<-'NFT'
		table inet nat {
			chain pre {
				type nat hook prerouting priority dstnat;
				ip daddr 10.0.1.1 meta l4proto { tcp, udp } th dport 8080 dnat ip to 10.0.2.2:5001
				ip6 daddr fd00:1::1 meta l4proto { tcp, udp } th dport 8080 dnat ip6 to [fd00:2::2]:5001
			}
		}
		NFT
		;;
	*) fail "unknown mode $mode" ;;
	esac
}

# Where a client connects, per family (4|6) and mode.
target_addr() {
	case "$2:$1" in
	dnat:4) echo 10.0.1.1 ;;
	dnat:6) echo fd00:1::1 ;;
	*:4) echo 10.0.2.2 ;;
	*:6) echo fd00:2::2 ;;
	esac
}

target_port() {
	[ "$1" = dnat ] && echo 8080 || echo 5001
}

# nfo_stat NAME: a counter of the module's statistics in the router's netns.
nfo_stat() {
	n r awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) exit 1 }' \
		/proc/net/stat/nft_offload || fail "no statistic $1"
}

# Bytes counted by the forward chain's named counter.
fwd_bytes() {
	nft_counter r inet filter forwarded bytes
}

offloaded_in_conntrack() {
	n r grep -q OFFLOAD /proc/net/nf_conntrack
}

not_offloaded_in_conntrack() {
	! offloaded_in_conntrack
}

# snmp NS FILE FIELD: a counter of /proc/net/snmp ("Icmp InTimeExcds") or
# /proc/net/snmp6 ("Icmp6InTimeExcds") in NS.
snmp() {
	if [ "$2" = snmp6 ]; then
		n "$1" awk -v f="$3" '$1 == f { print $2 }' /proc/net/snmp6
	else
		n "$1" awk -v p="$2:" -v f="$3" '
			$1 == p && !hdr { for (i = 2; i <= NF; i++) if ($i == f) col = i; hdr = 1; next }
			$1 == p && hdr { print $col }' /proc/net/snmp
	fi
}

no_flows() {
	[ "$(nfo_stat flows)" = 0 ]
}

# stat_at_least NAME N: the statistic NAME is at least N.
stat_at_least() {
	[ "$(nfo_stat "$1")" -ge "$2" ]
}

# wait_listen NS PORT PROTO(tcp|udp) FAMILY(4|6): a socket listens there
# (TCP: state LISTEN; UDP: bound, unconnected). Not any socket on the
# port: a connection an earlier case left there, closing, does not serve.
wait_listen() {
	local file hex st=0A

	printf -v hex '%04X' "$2"
	file=/proc/net/$3
	[ "$4" = 6 ] && file=${file}6
	[ "$3" = tcp ] || st=07
	wait_for 5 n "$1" awk -v p=":$hex" -v st="$st" \
		'substr($2, length($2) - 4) == p && $4 == st { f = 1 } END { exit !f }' "$file"
}

# tcp_start FAMILY DST PORT BYTES: start sending BYTES of random data from
# cl to srv (listening on 5001) in the background; TCP_CPID and TCP_SPID are
# the client's and the server's pids, for tcp_finish.
tcp_start() {
	local fam=$1 dst=$2 port=$3 bytes=$4 listen=TCP4-LISTEN connect=TCP4

	if [ "$fam" = 6 ]; then
		listen=TCP6-LISTEN
		connect=TCP6
		dst="[$dst]"
	fi
	head -c "$bytes" /dev/urandom >/tmp/tx
	rm -f /tmp/rx
	n srv socat -u "$listen:5001,reuseaddr" OPEN:/tmp/rx,creat,trunc &
	TCP_SPID=$!
	wait_listen srv 5001 tcp "$fam"
	n cl socat -u OPEN:/tmp/tx "$connect:$dst:$port" &
	TCP_CPID=$!
}

# tcp_finish [WHAT]: wait for tcp_start's transfer to end; fails unless
# both ends did well and the data arrived intact. WHAT names the transfer
# in the failure.
tcp_finish() {
	local what=${1:+$1: }

	wait "$TCP_CPID" || ofail "${what}client socat failed"
	wait "$TCP_SPID" || ofail "${what}server socat failed"
	cmp -s /tmp/tx /tmp/rx ||
		ofail "${what}TCP data corrupted: sent $(stat_size /tmp/tx) bytes, received $(stat_size /tmp/rx)"
}

# tcp_transfer FAMILY DST PORT BYTES: tcp_start and tcp_finish, watching
# conntrack in r while it runs.  Sets SAW_OFFLOAD=1 if [OFFLOAD] was seen.
tcp_transfer() {
	tcp_start "$@"
	SAW_OFFLOAD=0
	# Until [OFFLOAD] shows; each look starts programs, which would slow
	# the transfer they watch.
	while [ "$SAW_OFFLOAD" = 0 ] && kill -0 "$TCP_CPID" 2>/dev/null; do
		offloaded_in_conntrack && SAW_OFFLOAD=1
		nap 0.05
	done
	tcp_finish
}

stat_size() {
	wc -c <"$1"
}

# tcp_hold_open FAMILY DST PORT BYTES [SPORT]: a TCP connection cl ->
# srv:PORT (from port SPORT, if given) that carries BYTES of random data
# (/tmp/tx) and then stays open, without a FIN, until tcp_hold_close: its
# sender reads a FIFO that this shell holds open (and that closes with the
# shell, however the scenario ends). Fails unless the server received the
# data intact.
tcp_hold_open() {
	local fam=$1 dst=$2 port=$3 bytes=$4 from=${5:+,sourceport=$5}
	local listen=TCP4-LISTEN connect=TCP4

	if [ "$fam" = 6 ]; then
		listen=TCP6-LISTEN
		connect=TCP6
		dst="[$dst]"
	fi
	head -c "$bytes" /dev/urandom >/tmp/tx
	rm -f /tmp/rx /tmp/hold
	mkfifo /tmp/hold
	n srv socat -u "$listen:$port,reuseaddr" OPEN:/tmp/rx,creat,trunc &
	HOLD_SPID=$!
	wait_listen srv "$port" tcp "$fam"
	n cl socat -u OPEN:/tmp/hold "$connect:$dst:$port$from" &
	HOLD_CPID=$!
	exec {HOLD_FD}>/tmp/hold
	cat /tmp/tx >&"$HOLD_FD"
	wait_for 30 _received "$bytes" || ofail "the server did not receive $bytes bytes"
	cmp -s /tmp/tx /tmp/rx || fail "TCP data corrupted"
}

_received() {
	[ -f /tmp/rx ] && [ "$(stat_size /tmp/rx)" = "$1" ]
}

# Ends tcp_hold_open's connection (EOF to its sender, then a FIN) and waits
# for both ends.
tcp_hold_close() {
	exec {HOLD_FD}>&-
	wait "$HOLD_CPID" || fail "TCP sender failed"
	wait "$HOLD_SPID" || fail "TCP receiver failed"
	rm -f /tmp/hold
}

# The server drops UDP to port 5001 without an answer: one-way flows.
udp_sink() {
	n srv nft -f - <<-'NFT'
	table inet sink {
		chain in {
			type filter hook input priority 0;
			udp dport 5001 drop
		}
	}
	NFT
}

# Start the UDP echo server in srv on port 5001 (once per scenario).
udp_server() {
	n srv udp-pingpong serve 5001 &
	wait_listen srv 5001 udp 6
}

# In srv, count TCP/UDP packets by who appears as their source: the client
# itself (plain routing, DNAT) or the router (masquerade).
server_probe() {
	n srv nft -f - <<-'NFT'
	table inet probe {
		counter from_client { }
		counter from_router { }
		chain in {
			type filter hook input priority 0;
			meta l4proto { tcp, udp } ip saddr 10.0.1.2 counter name from_client
			meta l4proto { tcp, udp } ip6 saddr fd00:1::2 counter name from_client
			meta l4proto { tcp, udp } ip saddr 10.0.2.1 counter name from_router
			meta l4proto { tcp, udp } ip6 saddr fd00:2::1 counter name from_router
		}
	}
	NFT
}

probe_bytes() {
	nft_counter srv inet probe "$1" bytes
}

# ofail MSG: fail, showing the router's statistics and conntrack table.
ofail() {
	echo "# router statistics (non-zero):"
	n r awk '$2 != 0' /proc/net/stat/nft_offload | sed 's/^/#   /'
	echo "# router conntrack:"
	n r conntrack -L 2>/dev/null | sed 's/^/#   /'
	fail "$@"
}

# offload_matrix FAMILY(4|6) PROTO(tcp|udp): in each NAT mode, a transfer
# that must be offloaded (three proofs) and arrive intact, NATed as asked.
offload_matrix() {
	local fam=$1 proto=$2 mode dst port bytes fast0 fastb0 off0 fwd seen
	local want other

	topology_router 9000 1500
	[ "$proto" = udp ] && udp_server
	for mode in route masq dnat; do
		log "IPv$fam $proto, $mode"
		n r nft flush ruleset
		n r conntrack -F 2>/dev/null || true
		n srv nft flush ruleset
		offload_ruleset "$mode"
		server_probe
		dst=$(target_addr "$fam" "$mode")
		port=$(target_port "$mode")
		fast0=$(nfo_stat "fast_ipv${fam}_packets")
		fastb0=$(nfo_stat "fast_ipv${fam}_bytes")
		off0=$(nfo_stat offloaded)

		if [ "$proto" = tcp ]; then
			bytes=$(bulk 8)
			tcp_transfer "$fam" "$dst" "$port" "$bytes"
			seen=$SAW_OFFLOAD
		else
			# 1500 datagrams of 1200 bytes, each echoed: 3.6 MB.
			n cl udp-pingpong send "$dst" "$port" 1500 1200 ||
				ofail "UDP exchange incomplete or corrupted"
			bytes=$((1500 * 1200 * 2))
			seen=0
			offloaded_in_conntrack && seen=1
		fi

		# A TCP transfer may end between two looks at conntrack (a
		# fast guest): then the module's own count of offloads must
		# have risen (checked below in any case).
		[ "$seen" = 1 ] || { [ "$proto" = tcp ] && [ "$(nfo_stat offloaded)" -gt "$off0" ]; } ||
			ofail "IPv$fam $proto $mode: no [OFFLOAD] in conntrack"
		fwd=$(fwd_bytes)
		[ $((fwd * 10)) -lt "$bytes" ] ||
			ofail "IPv$fam $proto $mode: forward chain saw $fwd of $bytes bytes"
		[ "$(nfo_stat offloaded)" -gt "$off0" ] ||
			ofail "IPv$fam $proto $mode: offloaded counter did not rise"
		[ "$(nfo_stat "fast_ipv${fam}_packets")" -gt "$fast0" ] ||
			ofail "IPv$fam $proto $mode: no fast-path packets counted"
		[ $(( $(nfo_stat "fast_ipv${fam}_bytes") - fastb0 )) -gt $((bytes / 2)) ] ||
			ofail "IPv$fam $proto $mode: fast path carried too few bytes"

		want=from_client
		other=from_router
		if [ "$mode" = masq ]; then
			want=from_router
			other=from_client
		fi
		[ "$(probe_bytes "$want")" -ge $((bytes / 2)) ] ||
			ofail "IPv$fam $proto $mode: server saw $(probe_bytes "$want") bytes $want"
		[ "$(probe_bytes "$other")" -eq 0 ] ||
			ofail "IPv$fam $proto $mode: server saw packets $other"
		pass "IPv$fam $proto $mode: intact, [OFFLOAD], forward chain saw $fwd of $bytes bytes"
	done
}
