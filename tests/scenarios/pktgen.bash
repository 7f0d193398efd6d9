# SPDX-License-Identifier: GPL-2.0
# pktgen in cl (topology_router), in its own /proc/net/pktgen: 64-byte UDP
# frames from 10.0.1.2 through the router to 10.0.2.2, over NPORTS source
# ports (1024 up) times NDST destination ports (10000 up).  pktgen steps
# both every frame, so with coprime counts it visits every pair once per
# NPORTS * NDST frames, when the link takes them all: it counts only the
# frames the link took, and goes on round the pairs for those it dropped
# (pktgen_errors).  The caller sets NPORTS, NDST and RMAC (r-cl's MAC).
# drop_at makes a sink at the far end.

# pg FILE LINE: write LINE to cl's /proc/net/pktgen/FILE.
pg() {
	n cl sh -c 'echo "$1" >"/proc/net/pktgen/$2"' pg "$2" "$1" ||
		fail "pktgen $1 '$2': $(n cl cat "/proc/net/pktgen/$1" 2>&1 | grep -i result || true)"
}

# pktgen_setup COUNT: COUNT frames over the pairs, at the next
# pktgen_start (which returns when they are sent).  Setting up runs a
# dozen processes: keep it out of what is timed.
pktgen_setup() {
	local c

	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device cl-r"
	for c in "pkt_size 60" "clone_skb 0" "delay 0" "count $1" \
		 "dst 10.0.2.2" "dst_mac $RMAC" \
		 "src_min 10.0.1.2" "src_max 10.0.1.2" \
		 "udp_src_min 1024" "udp_src_max $((1024 + NPORTS))" \
		 "udp_dst_min 10000" "udp_dst_max $((10000 + NDST))"; do
		pg cl-r "$c"
	done
}

pktgen_start() {
	pg pgctrl start
}

pktgen_send() {
	pktgen_setup "$1"
	pktgen_start
}

# Frames the link dropped in the last run (not counted, sent again).
pktgen_errors() {
	n cl awk '{ for (i = 1; i < NF; i++) if ($i == "errors:") { print $(i + 1); exit } }' \
		/proc/net/pktgen/cl-r
}

# A netdev table in NS dropping the frames at DEV's ingress, counting them.
drop_at() {
	n "$1" nft -f - <<-NFT
	table netdev sink {
		counter rx { }
		chain in {
			type filter hook ingress device "$2" priority 0;
			meta l4proto udp counter name rx drop
		}
	}
	NFT
}

# Frames drop_at counted in NS.
rx_count() {
	nft_counter "$1" netdev sink rx packets
}
