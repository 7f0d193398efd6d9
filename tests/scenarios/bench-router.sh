#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark, not a test: scripts/bench.sh boots it (never the suite).  It
# measures and prints BENCH lines; it fails only when it cannot measure.
#
# Guest booted with tests/vm/run.sh --icount: one vCPU, one guest ns = one
# guest instruction.  pktgen in cl sends 64-byte UDP frames through r to
# srv, whose ingress drops them; busy time over the run divided by the
# frames srv received is the cost of a packet.  Busy time is the run time
# of all tasks on the CPU (/proc/schedstat, in ns, so in instructions;
# softirqs run in the task they interrupt); /proc/stat's non-idle ticks
# (10 ms) are printed beside it.  Mode floor drops in r's ingress instead: the sender and link cost
# that scripts/bench.sh subtracts.  Mode hookfloor forwards in r's
# ingress with bench/floor/nfo_floor.ko (a precomputed Ethernet header and
# a TTL decrement, nothing else): the floor of any fast path at the hook,
# which bench.sh reports the flowtables' costs beyond.
#
# Kernel command line (NFO_APPEND):
#   nfo.bench_modes=floor,hookfloor,route,classic,ours   (inkernel: the in-kernel
#                      flowtable; needs a guest without nft_offload.
#                      vlan, vlan-shaped: ours with the WAN on VLAN 7 of
#                      the same link, the flowtable listing the ports; the
#                      fast path pushes the tag and sends on the port, or,
#                      with a qdisc on the VLAN device, sends through it.
#                      They come after the others: the WAN stays a VLAN.
#                      fw4, fw4-vlan: ours with firewall4's software
#                      configuration, the LAN port in bridge br-lan and
#                      the flowtable listing br-lan and the WAN device
#                      (plain, then VLAN 7); inkernel-fw4 and
#                      inkernel-fw4-vlan the same for the in-kernel
#                      flowtable)
#   nfo.bench_flows=1,1000,100000              concurrent flows (tuples) of
#                      the stateful modes; floor and route run with 1
#   nfo.bench_packets=500000                   frames per timed run
#   nfo.bench_tcp_secs=2                       iperf3 seconds (guest time;
#                      0: no TCP runs)
#   nfo.bench_crr=2000                         short TCP connections per
#                      stateful mode (connect, 1000 bytes echoed, close;
#                      0: none)
#   nfo.bench_profile=1                        then profile each flowtable
#                      mode's timed run at 1 flow (bench/prof/nfo_prof.ko,
#                      sampling every 50000 instructions)
#   nfo.bench_profile_flows=1                  flows the profiled run has
#
# Output, one line each:
#   BENCH pps mode= flows= packets= rx= busy_ns= busy_ticks= elapsed_ns=
#             setup_ticks= offloaded= conntrack=
#   BENCH mem mode= flows= slab_bytes= vmalloc_bytes= ct_slab_bytes= flow_slab_bytes=
#   BENCH tcp mode= streams= mbit=
#   BENCH crr mode= conns= size= busy_ns= elapsed_ns= offloaded=
#   BENCH prof mode= samples= share=PERCENT symbol=NAME   (top 30)
#   BENCH callers mode= samples= share=PERCENT chain=F<CALLER<...   (top 40)
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/pktgen.bash"

param() {
	local a args

	read -r -a args </proc/cmdline
	for a in "${args[@]}"; do
		case "$a" in
		"nfo.$1="*) echo "${a#*=}" ;;
		esac
	done
}

IFS=, read -r -a MODES <<<"$(param bench_modes)"
[ ${#MODES[@]} -gt 0 ] || MODES=(floor route classic ours)
IFS=, read -r -a FLOWS <<<"$(param bench_flows)"
[ ${#FLOWS[@]} -gt 0 ] || FLOWS=(1 1000 100000)
PACKETS=$(param bench_packets)
PACKETS=${PACKETS:-500000}
TCP_SECS=$(param bench_tcp_secs)
TCP_SECS=${TCP_SECS:-2}
PROFILE=$(param bench_profile)
PROFILE_FLOWS=$(param bench_profile_flows)
PROFILE_FLOWS=${PROFILE_FLOWS:-1}
CRR=$(param bench_crr)
CRR=${CRR:-2000}
[ "$(nproc)" = 1 ] || fail "needs one vCPU (run.sh --icount)"

# Non-idle ticks of the only CPU: user nice system irq softirq steal.
busy() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# Run time of all tasks on the CPU so far, ns, into BUSY_NS.  Read by
# the shell itself: a process forked to read it would add its own run.
busy_ns() {
	local cpu a b c d e f t rest

	BUSY_NS=
	while read -r cpu a b c d e f t rest; do
		[ "$cpu" != cpu0 ] || BUSY_NS=$t
	done </proc/schedstat
	[ -n "$BUSY_NS" ] || fail "no cpu0 run time in /proc/schedstat"
}

# Bytes in slab objects in use: all caches, or those named like $1.
slab_bytes() {
	awk -v re="${1:-.}" 'NR > 2 && $1 ~ re { s += $2 * $4 } END { printf "%d\n", s }' /proc/slabinfo
}

vmalloc_bytes() {
	awk '$1 == "VmallocUsed:" { print $2 * 1024 }' /proc/meminfo
}

# Tuples for F flows: NDST destination ports times NPORTS source ports,
# coprime (pktgen.bash).  (Masquerade to one address and one destination
# has only 64512 source ports: hence several destination ports.)  Sets
# NDST, NPORTS, TUPLES.
shape() {
	NDST=1
	while [ $((NDST * 64000)) -lt "$1" ]; do
		NDST=$((NDST * 2))
	done
	NPORTS=$(($1 / NDST))
	[ "$NDST" = 1 ] || [ $((NPORTS % 2)) = 1 ] || NPORTS=$((NPORTS - 1))
	TUPLES=$((NDST * NPORTS))
}

# nft_offload's modes.
ours_mode() {
	case "$1" in
	ours|vlan|vlan-shaped|fw4|fw4-vlan) return 0 ;;
	esac
	return 1
}

inkernel_mode() {
	case "$1" in
	inkernel|inkernel-fw4|inkernel-fw4-vlan) return 0 ;;
	esac
	return 1
}

stateful() {
	[ "$1" = classic ] || inkernel_mode "$1" || ours_mode "$1"
}

# firewall4's LAN: port r-cl in bridge br-lan, which takes the LAN
# addresses and r-cl's Ethernet address (the one the sender sends to).
LAN=r-cl
lan_bridge() {
	[ "$LAN" = r-cl ] || return 0
	n r ip addr flush dev r-cl
	n r ip link add br-lan address "$(mac_of r r-cl)" type bridge
	n r ip link set r-cl master br-lan
	n r ip addr add 10.0.1.1/24 dev br-lan
	n r ip addr add fd00:1::1/64 dev br-lan nodad
	n r ip link set br-lan up
	LAN=br-lan
	n r ping -c 1 -W 2 10.0.1.2 >/dev/null || fail "no neighbour over br-lan"
}

# And back: the LAN addresses on the port.
lan_unbridge() {
	[ "$LAN" = br-lan ] || return 0
	n r ip link del br-lan
	n r ip addr add 10.0.1.1/24 dev r-cl
	n r ip addr add fd00:1::1/64 dev r-cl nodad
	LAN=r-cl
	n r ping -c 1 -W 2 10.0.1.2 >/dev/null || fail "no neighbour over r-cl"
}

# The WAN's addresses move to VLAN 7 of the same link (r-srv.7, srv-r.7).
WAN=r-srv
wan_vlan() {
	[ "$WAN" = r-srv ] || return 0
	n r ip addr del 10.0.2.1/24 dev r-srv
	n srv ip addr del 10.0.2.2/24 dev srv-r
	n r ip link add link r-srv name r-srv.7 type vlan id 7
	n srv ip link add link srv-r name srv-r.7 type vlan id 7
	n r ip addr add 10.0.2.1/24 dev r-srv.7
	n srv ip addr add 10.0.2.2/24 dev srv-r.7
	n r ip link set r-srv.7 up
	n srv ip link set srv-r.7 up
	n srv ip route replace default via 10.0.2.1
	WAN=r-srv.7
	n r ping -c 1 -W 2 10.0.2.2 >/dev/null || fail "no neighbour over VLAN 7"
}

# Back to an empty router: no rules, no conntrack entries, no flows, no
# floor module.
reset_router() {
	! modloaded nfo_floor || rmmod nfo_floor
	n r nft flush ruleset
	n r conntrack -F >/dev/null 2>&1 || true
	wait_for 120 bash -c '[ "$(ip netns exec r conntrack -C 2>/dev/null || echo 0)" = 0 ]'
}

# The router's ruleset for MODE.  classic: firewall4's shape (forward chain
# with ct state, masquerade); ours and inkernel add a flowtable and flow add.
router_rules() {
	local ft= add=

	case "$1" in
	floor) drop_at r r-cl; return 0 ;;
	hookfloor)
		n r insmod "/lib/modules/$(uname -r)/updates/nfo_floor.ko" \
			in=r-cl out="$WAN" dst="$(mac_of srv srv-r)"
		return 0 ;;
	route) return 0 ;;
	# (vlan-shaped's shaper, left on r-srv.7, would send every
	# packet through the VLAN device.)
	vlan|fw4-vlan|inkernel-fw4-vlan)
		n r tc qdisc del dev r-srv.7 root 2>/dev/null || true ;;
	vlan-shaped) n r tc qdisc replace dev r-srv.7 root pfifo limit 10000 ;;
	esac
	case "$1" in
	classic) ;;
	fw4*|inkernel-fw4*)
		ft="flowtable ft { hook ingress priority 0; devices = { br-lan, $WAN }; }"
		add='meta l4proto { tcp, udp } flow add @ft' ;;
	*)
		ft='flowtable ft { hook ingress priority 0; devices = { r-cl, r-srv }; }'
		add='meta l4proto { tcp, udp } flow add @ft' ;;
	esac
	n r nft -f - <<-NFT
	table inet fw {
		$ft
		chain forward {
			type filter hook forward priority filter; policy drop;
			$add
			ct state vmap { established : accept, related : accept, invalid : drop }
			iifname "$LAN" oifname "$WAN" accept
		}
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "$WAN" masquerade
		}
	}
	NFT
	# No flow may expire while its frames come round again (guest time
	# runs at one instruction per ns).
	n r sysctl -q -w net.netfilter.nf_conntrack_udp_timeout=3600 \
		net.netfilter.nf_conntrack_udp_timeout_stream=3600
	if ours_mode "$1"; then
		n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=3600
		# firewall4's: the port hooks below br-lan (and the VLAN
		# device) are in place before anything is measured.
		case "$1" in
		fw4) wait_for 5 stat_at_least port_hooks 1 ||
			fail "$1: no port hook below br-lan" ;;
		fw4-vlan) wait_for 5 stat_at_least port_hooks 2 ||
			fail "$1: no port hooks below br-lan and $WAN" ;;
		esac
	elif inkernel_mode "$1"; then
		n r sysctl -q -w net.netfilter.nf_flowtable_udp_timeout=3600
	fi
}

# By netlink: reading /proc/net/nf_conntrack walks the table from the start
# for every chunk read, quadratic in the number of entries.
offloaded_flows() {
	n r conntrack -L 2>/dev/null | grep -c OFFLOAD || true
}

# One timed run of MODE with F flows set up (and offloaded) beforehand.
measure() {
	local mode=$1 f=$2 setup=0 off=0 ct=0 b0 b1 t0 t1 rx0 rx1 ns=srv
	local s0 v0 c0 fl0 n0 n1

	shape "$f"
	reset_router
	router_rules "$mode"
	[ "$mode" != floor ] || ns=r
	if stateful "$mode"; then
		s0=$(slab_bytes)
		v0=$(vmalloc_bytes)
		c0=$(slab_bytes '^nf_conntrack$')
		fl0=$(slab_bytes '^(nfo_flow|nf_flow)')
		# Two passes: the first creates and confirms each conntrack
		# entry, the second offloads it.
		pktgen_setup $((2 * TUPLES))
		b0=$(busy)
		pktgen_start
		b1=$(busy)
		setup=$((b1 - b0))
		ct=$(n r conntrack -C)
		[ "$mode" = classic ] || off=$(offloaded_flows)
		[ "$ct" -ge $((TUPLES * 95 / 100)) ] ||
			fail "$mode: only $ct conntrack entries for $TUPLES flows"
		# pktgen counts only the frames the link took: when the
		# router's backlog overflowed, it went on round the tuples for
		# the dropped ones, and some tuples came once (not offloaded),
		# others three times.  One more pass, untimed, offloads those
		# before the timed run.
		if [ "$mode" != classic ] && [ "$off" -lt "$TUPLES" ]; then
			log "$mode: $off of $TUPLES flows offloaded after the setup passes, $(pktgen_errors) frames dropped at the sender; one more pass"
			pktgen_send "$TUPLES"
			off=$(offloaded_flows)
		fi
		echo "BENCH mem mode=$mode flows=$TUPLES slab_bytes=$(( $(slab_bytes) - s0 ))" \
			"vmalloc_bytes=$(( $(vmalloc_bytes) - v0 ))" \
			"ct_slab_bytes=$(( $(slab_bytes '^nf_conntrack$') - c0 ))" \
			"flow_slab_bytes=$(( $(slab_bytes '^(nfo_flow|nf_flow)') - fl0 ))"
		# Fewer offloaded flows is a result (the table says so), not a
		# failure to measure.
		if [ "$mode" != classic ] && [ "$off" -lt "$TUPLES" ]; then
			log "$mode: $off of $TUPLES flows offloaded before the timed run"
			! ours_mode "$mode" || n r awk '$2 != 0 { printf "#   %s\n", $0 }' /proc/net/stat/nft_offload
		fi
	fi
	rx0=$(rx_count "$ns")
	pktgen_setup "$PACKETS"
	b0=$(busy)
	t0=$(date +%s%N)
	busy_ns
	n0=$BUSY_NS
	pktgen_start
	busy_ns
	n1=$BUSY_NS
	t1=$(date +%s%N)
	b1=$(busy)
	rx1=$(rx_count "$ns")
	if ours_mode "$mode"; then
		log "$mode: the module's statistics so far (non-zero):"
		n r awk '$2 != 0 { printf "#   %s\n", $0 }' /proc/net/stat/nft_offload
	fi
	echo "BENCH pps mode=$mode flows=$TUPLES packets=$PACKETS rx=$((rx1 - rx0))" \
		"busy_ns=$((n1 - n0)) busy_ticks=$((b1 - b0)) elapsed_ns=$((t1 - t0)) setup_ticks=$setup" \
		"offloaded=$off conntrack=$ct"
	[ $((rx1 - rx0)) -gt $((PACKETS / 2)) ] ||
		fail "$mode: only $((rx1 - rx0)) of $PACKETS frames arrived"
}

# Short connections, one after the other: what offloading costs (or saves)
# a connection that ends before much of it is forwarded.  Busy time of the
# whole guest (client, router, server) per connection.  Ours also reports
# how many flows it offloaded meanwhile (0 for the others: not counted).
crr_run() {	# MODE
	local spid n0 n1 t0 t1 o0=0 o1=0 out

	reset_router
	router_rules "$1"
	n srv tcp-crr serve 5002 $((CRR + 20)) &
	spid=$!
	wait_listen srv 5002 tcp 6 >&2 || wait_listen srv 5002 tcp 4 >&2
	n cl tcp-crr run 10.0.2.2 5002 20 1000 >/dev/null || fail "$1: short connections failed"
	[ "$1" != ours ] || o0=$(nfo_stat offloaded)
	t0=$(date +%s%N)
	busy_ns
	n0=$BUSY_NS
	out=$(n cl tcp-crr run 10.0.2.2 5002 "$CRR" 1000) || fail "$1: short connections failed: $out"
	busy_ns
	n1=$BUSY_NS
	t1=$(date +%s%N)
	[ "$1" != ours ] || o1=$(nfo_stat offloaded)
	wait "$spid" || fail "$1: the short connections' server failed"
	echo "BENCH crr mode=$1 conns=$CRR size=1000 busy_ns=$((n1 - n0)) elapsed_ns=$((t1 - t0)) offloaded=$((o1 - o0))"
}

tcp_run() {	# MODE STREAMS
	local spid mbit

	reset_router
	router_rules "$1"
	n srv iperf3 -s -1 >/dev/null 2>&1 &
	spid=$!
	wait_listen srv 5201 tcp 6 >&2 || wait_listen srv 5201 tcp 4 >&2
	mbit=$(n cl iperf3 -c 10.0.2.2 -t "$TCP_SECS" -P "$2" -f m 2>&1 |
		awk '/receiver/ { v = $(NF - 2) } END { print v }')
	wait "$spid" || true
	echo "BENCH tcp mode=$1 streams=$2 mbit=${mbit:-0}"
}

for mode in "${MODES[@]}"; do
	if inkernel_mode "$mode"; then
		! modloaded nft_offload || fail "nft_offload is loaded: not the in-kernel flowtable"
		modprobe nf_flow_table_inet
		modprobe nft_flow_offload
	elif ours_mode "$mode"; then
		modprobe nft_offload
	fi
done
modprobe nf_conntrack
modprobe pktgen
# Room for a million flows: a table as big as the largest run, and the limit
# above it (both global, set in the initial namespace).
max=1
[ "$PROFILE" != 1 ] || max=$PROFILE_FLOWS
for f in "${FLOWS[@]}"; do
	[ "$f" -le "$max" ] || max=$f
done
echo "$max" >/sys/module/nf_conntrack/parameters/hashsize
sysctl -q -w net.netfilter.nf_conntrack_max=$((max * 2 + 1024))

topology_router
drop_at srv srv-r
# Neighbours resolved both ways before anything is offloaded.
n r ping -c 1 -W 2 10.0.1.2 >/dev/null
n r ping -c 1 -W 2 10.0.2.2 >/dev/null
RMAC=$(mac_of r r-cl)
log "kernel $(uname -r), $(nproc) CPU, $PACKETS frames per run, modes ${MODES[*]}, flows ${FLOWS[*]}"

# measure_modes MODE...: each MODE at each flow count.
measure_modes() {
	local mode f flows

	for mode in "$@"; do
		flows=("${FLOWS[@]}")
		# No per-flow state in the router: one flow count says it all.
		stateful "$mode" || flows=(1)
		for f in "${flows[@]}"; do
			measure "$mode" "$f"
			log "$mode, $f flows done, up $(cut -d' ' -f1 /proc/uptime)s"
		done
	done
}

# The WAN a plain port and the LAN's port no bridge's first, for every run
# but the VLAN and firewall4 modes'.
PLAIN=() VLAN=() FW4=() FW4VLAN=()
for mode in "${MODES[@]}"; do
	case "$mode" in
	vlan*) VLAN+=("$mode") ;;
	fw4-vlan|inkernel-fw4-vlan) FW4VLAN+=("$mode") ;;
	fw4|inkernel-fw4) FW4+=("$mode") ;;
	*) PLAIN+=("$mode") ;;
	esac
done
MODES=("${PLAIN[@]}")
measure_modes "${MODES[@]}"
# profile MODE: where the timed run at PROFILE_FLOWS flows spends its
# instructions.
profile() {
	local total

	modprobe nfo_prof period_ns=50000
	shape "$PROFILE_FLOWS"
	reset_router
	router_rules "$1"
	pktgen_send $((2 * TUPLES))
	pktgen_setup "$PACKETS"
	echo 1 >/proc/nfo_prof
	pktgen_start
	echo 0 >/proc/nfo_prof
	cat /proc/nfo_prof >/tmp/prof.txt
	rmmod nfo_prof
	total=$(wc -l </tmp/prof.txt)
	# Each sample under the symbol at or below its address.
	{ awk '{ print $1, 0, $3 }' /proc/kallsyms
	  awk '$1 != "user" { print $1, 1 }' /tmp/prof.txt; } | sort |
		awk '$2 == 0 { cur = $3; next } { n[cur]++ } END { for (s in n) print n[s], s }' |
		sort -rn | awk 'NR <= 30' |
		while read -r c sym; do
			echo "BENCH prof mode=$1 samples=$total share=$(awk -v c="$c" -v t="$total" 'BEGIN { printf "%.1f", 100 * c / t }') symbol=$sym"
		done
	echo "BENCH prof mode=$1 samples=$total share=$(awk -v t="$total" -v u="$(grep -c user /tmp/prof.txt || true)" 'BEGIN { printf "%.1f", 100 * u / t }') symbol=(user)"
	# The sampled function and four callers, by symbol (binary search in
	# the sorted symbol table; "x" keeps the comparisons on strings).
	LC_ALL=C sort /proc/kallsyms | awk -v mode="$1" -v total="$total" '
		NR == FNR { a[++n] = "x" $1; s[n] = $3; next }
		function sym(x, lo, hi, mid) {
			x = "x" x
			if (x < a[1])
				return "?"
			lo = 1; hi = n
			while (lo < hi) {
				mid = int((lo + hi + 1) / 2)
				if (a[mid] <= x) lo = mid; else hi = mid - 1
			}
			last = lo
			return s[lo]
		}
		function low32(h, i, v) {
			v = 0
			h = substr(h, length(h) - 7)
			for (i = 1; i <= 8; i++)
				v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
			return v
		}
		$1 == "user" { next }
		{
			c = sym($1)
			# Where in our own functions: symbol+offset.
			if (c ~ /^nfo_/)
				hot[sprintf("%s+0x%x", c, (low32($1) - low32(substr(a[last], 2)) + 4294967296) % 4294967296)]++
			for (i = 2; i <= NF && i <= 5; i++)
				c = c "<" sym($i)
			cnt[c]++
		}
		END {
			for (k in cnt)
				printf "%d %s\n", cnt[k], k
			for (k in hot)
				printf "%d @%s\n", hot[k], k
		}' - /tmp/prof.txt | sort -rn >/tmp/chains.txt
	awk -v mode="$1" -v total="$total" '$2 !~ /^@/ && ++n <= 40 {
		printf "BENCH callers mode=%s samples=%d share=%.2f chain=%s\n", mode, total, 100 * $1 / total, $2 }' /tmp/chains.txt
	awk -v mode="$1" -v total="$total" '$2 ~ /^@/ && ++n <= 2000 {
		printf "BENCH hot mode=%s samples=%d share=%.2f at=%s\n", mode, total, 100 * $1 / total, substr($2, 2) }' /tmp/chains.txt
}

if [ "$PROFILE" = 1 ]; then
	for mode in "${MODES[@]}"; do
		case "$mode" in
		ours|inkernel|classic) profile "$mode" ;;
		esac
	done
fi

for mode in "${MODES[@]}"; do
	stateful "$mode" && [ "$CRR" != 0 ] || continue
	crr_run "$mode"
done

for mode in "${MODES[@]}"; do
	stateful "$mode" && [ "$TCP_SECS" != 0 ] || continue
	for streams in 1 4; do
		tcp_run "$mode" "$streams"
	done
done

# firewall4's software configuration: measured, and profiled with the
# others (the LAN bridged, the WAN as it is).
fw4_modes() {
	local mode

	lan_bridge
	measure_modes "$@"
	[ "$PROFILE" != 1 ] || for mode in "$@"; do
		profile "$mode"
	done
}

if [ ${#FW4[@]} -gt 0 ]; then
	fw4_modes "${FW4[@]}"
	lan_unbridge
fi
if [ ${#VLAN[@]} -gt 0 ]; then
	wan_vlan
	measure_modes "${VLAN[@]}"
	# Through the VLAN device when shaped: its qdisc saw the packets.
	log "VLAN modes: the qdisc on r-srv.7: $(n r tc -s qdisc show dev r-srv.7 | awk '/Sent/ { print $2, "bytes", $4, "packets"; exit }')"
fi
if [ ${#FW4VLAN[@]} -gt 0 ]; then
	wan_vlan
	fw4_modes "${FW4VLAN[@]}"
fi
reset_router
