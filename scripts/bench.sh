#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark: what a forwarded packet costs the router, in guest instructions,
# by mode and number of concurrent flows.  It reports and never fails on
# numbers; it fails only when it cannot measure.
#   scripts/bench.sh [--kernel 6.1|6.12]... [--no-doc] [--profile] [--reuse]
#   scripts/bench.sh --report DIR      redo DIR's table and plot from its raw.txt
#
# Two boots per kernel, side by side, under tests/vm/run.sh --icount (one
# vCPU, one guest ns is one guest instruction) of
# tests/scenarios/bench-router.sh: one guest
# with nft_offload (modes floor, hookfloor, route, classic, ours, ours with
# the WAN on a VLAN: vlan, vlan-shaped, and with firewall4's software
# configuration: fw4, fw4-vlan), one with Debian's in-kernel flowtable
# modules and without ours (floor, hookfloor, inkernel, inkernel-fw4,
# inkernel-fw4-vlan);
# each boot's router figures subtract its own floor, and the flowtables'
# are also given beyond hookfloor, the floor of any fast path at the
# ingress hook (bench/floor/nfo_floor.c).  Results go
# to bench/results/DATE-KERNEL/: table.md, plot.png (router instructions per
# packet against flows, one line per mode), data.tsv, raw.txt and the run
# logs.  Unless --no-doc, docs/performance.md gets the tables.
# --profile adds a sampling profile (bench/prof/nfo_prof.c) of each
# flowtable mode and the classic path at 1 flow: profile.md.  --reuse keeps
# a boot whose complete log today's results folder already has.
#
# Environment: NFO_BENCH_FLOWS (default 1,1000,100000; 1000000 works but
# costs about 35 guest seconds, 10 minutes or more of host time, more per
# # stateful mode, for the 2 million slow-path packets that set the flows
# up), NFO_BENCH_PACKETS (frames per timed run, default 200000: busy time
# is measured to the instruction), NFO_BENCH_TCP_SECS (default 2),
# NFO_BENCH_CRR (short TCP connections per stateful mode, default 2000),
# NFO_BENCH_RESULTS (default bench/results).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernels=()
readme=1
redo=
profile=0
reuse=0
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) [ $# -ge 2 ] || { echo "bench.sh: --kernel needs 6.1 or 6.12" >&2; exit 2; }
		  kernels+=("$2"); shift ;;
	--no-doc|--no-readme) readme=0 ;;
	--profile) profile=1 ;;
	--reuse) reuse=1 ;;
	--report) [ $# -ge 2 ] || exit 2; redo=$2; shift ;;
	*) sed -n '3,6s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1)
flows=${NFO_BENCH_FLOWS:-1,1000,100000}
packets=${NFO_BENCH_PACKETS:-200000}
tcp_secs=${NFO_BENCH_TCP_SECS:-2}
crr=${NFO_BENCH_CRR:-2000}
results=${NFO_BENCH_RESULTS:-$top/bench/results}

"$top/scripts/deps.sh"
# Only the benchmark draws: gnuplot is its own dependency, not the tests'.
if [ "$(dpkg-query -W -f='${db:Status-Status}' gnuplot-nox 2>/dev/null || true)" != installed ]; then
	echo "bench.sh: installing gnuplot-nox"
	apt-cache show gnuplot-nox >/dev/null 2>&1 || apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null
fi

# boot KERNEL LOG MODES [run.sh options]: one guest, the modes in a row.
boot() {
	local kernel=$1 log=$2 modes=$3 t0=$SECONDS

	shift 3
	if [ "$reuse" = 1 ] && [ -f "$log" ] && tail -n 1 "$log" | grep -qx '2 passed, 0 failed'; then
		echo "bench.sh: $kernel: $modes: reusing $log"
		return 0
	fi
	echo "bench.sh: $kernel: $modes ..."
	if ! NFO_APPEND="nfo.bench_modes=$modes nfo.bench_flows=$flows nfo.bench_packets=$packets nfo.bench_tcp_secs=$tcp_secs nfo.bench_crr=$crr nfo.bench_profile=$profile" \
	     NFO_SCENARIO_TIMEOUT=5400 NFO_VM_TIMEOUT=6000 NFO_EXTRA_KO="$bench_kos" \
	     "$top/tests/vm/run.sh" --kernel "$kernel" --icount --mem 3072 \
		--scenario bench-router --show "$@" >"$log" 2>&1; then
		cat "$log"
		echo "bench.sh: the $modes run on $kernel could not measure (log: $log)" >&2
		exit 1
	fi
	echo "bench.sh: $kernel: $modes done in $((SECONDS - t0)) s"
}

# report DIR KVER SECONDS: table.md, data.tsv and plot.png from DIR/raw.txt.
report() {
	local dir=$1 kver=$2 secs=$3

	awk -v kver="$kver" -v secs="$secs" -v date="$(date +%Y-%m-%d)" -v data="$dir/data.tsv" \
	    -v packets="$packets" -v flowsarg="$flows" '
	function kv(i, a) {
		delete v
		for (i = 3; i <= NF; i++) {
			split($i, a, "=")
			v[a[1]] = a[2]
		}
	}
	function show(x) { return x == "" ? "-" : sprintf("%.0f", x) }
	# Router instructions per packet of mode m at f flows; "" if not run.
	# Each boot measures its own floor.
	function router(m, f) {
		if (m == "route" || m == "hookfloor")
			f = 1
		return ((m, f) in cost) ? cost[m, f] - floor[boot[m]] : ""
	}
	$1 == "BENCH" { kv() }
	$2 == "pps" {
		m = v["mode"]; f = v["flows"]
		pk[m] = v["packets"]
		# Busy ns are instructions under icount; older results have
		# only /proc/stat ticks (10 ms, 1e7 instructions).
		if ("busy_ns" in v) {
			c = v["busy_ns"] / v["rx"]
			res[m, f] = 1 / v["rx"]
		} else {
			c = v["busy_ticks"] * 1e7 / v["rx"]
			res[m, f] = 1e7 / v["rx"]
			ticks = 1
		}
		if (m == "floor")
			floor[v["boot"]] = c
		else if (m == "hookfloor")
			hfc[v["boot"]] = c
		else
			boot[m] = v["boot"]
		cost[m, f] = c
		setup[m, f] = v["setup_ticks"]
		if (m == "ours" || m == "inkernel")
			off[m, f] = v["offloaded"]
		if (m != "floor" && m != "hookfloor" && m != "route" && !(f in known)) {
			known[f] = 1
			fl[++nf] = f
		}
	}
	$2 == "mem" { mem[v["mode"], v["flows"]] = v["slab_bytes"] + v["vmalloc_bytes"] }
	$2 == "tcp" { tcp[v["mode"], v["streams"]] = v["mbit"] }
	$2 == "crr" {
		crr[v["mode"]] = v["busy_ns"] / v["conns"]
		crrn = v["conns"]; crrsize = v["size"]
		crroff[v["mode"]] = v["offloaded"]
	}
	END {
		split("route classic inkernel ours", modes, " ")
		name["route"] = "plain routing"; name["classic"] = "classic firewall"
		name["inkernel"] = "in-kernel flowtable"; name["ours"] = "nft-offload"
		printf "### Kernel %s, %s\n\n", kver, date
		printf "Router instructions per forwarded 64-byte UDP packet: busy guest instructions\n"
		printf "(`-icount shift=0`) per packet the sink received, minus the floor (sender and\n"
		printf "link: %.0f, and %.0f in the in-kernel boot).", floor["nft-offload"], floor["inkernel"]
		if (ticks) {
			printf " One /proc/stat tick (10 ms, 1e7\n"
			printf "instructions) is %.0f instructions per packet at %d packets per run", res["ours", 1], pk["ours"]
			if (pk["inkernel"] != pk["ours"])
				printf " (%.0f at the in-kernel boot'"'"'s %d)", res["inkernel", 1], pk["inkernel"]
			printf ";\na figure is the difference of two runs."
		} else {
			printf " Busy time is the run time of all\n"
			printf "tasks (/proc/schedstat, ns: one instruction each), over %d packets per run;\n", pk["ours"]
			printf "a figure is the difference of two runs, which repeat within a few instructions."
		}
		printf " Both boots took %d min.\n\n", secs / 60
		printf "| flows | %s | %s | %s | %s | nft-offload vs in-kernel |\n", name["route"], name["classic"], name["inkernel"], name["ours"]
		printf "|---:|---:|---:|---:|---:|---:|\n"
		printf "flows\troute\tclassic\tin-kernel\tnft-offload\n" >data
		for (i = 1; i <= nf; i++) {
			f = fl[i]
			r = router("ours", f); k = router("inkernel", f)
			printf "| %d | %s | %s | %s | %s | %s |\n", f, show(router("route", f)), show(router("classic", f)),
				show(k), show(r), (r != "" && k > 0) ? sprintf("%+.1f %%", (r / k - 1) * 100) : "-"
			printf "%d", f >data
			for (j = 1; j <= 4; j++) {
				x = router(modes[j], f)
				printf "\t%s", x == "" ? "?" : sprintf("%.0f", x) >data
			}
			printf "\n" >data
		}
		big = fl[nf]
		printf "\nPlain routing keeps no per-flow state and runs once, with 1 flow.\n"
		if (("nft-offload" in hfc) && ("inkernel" in hfc)) {
			for (b in hfc)
				hook[b] = hfc[b] - floor[b]
			printf "\nBeyond the floor of any fast path at this hook (`bench/floor`: every packet\n"
			printf "forwarded at ingress with a precomputed Ethernet header and a TTL decrement,\n"
			printf "no lookup, no checks, no NAT: %.0f instructions per packet in the nft-offload\n", hook["nft-offload"]
			printf "boot, %.0f in the in-kernel one):\n\n", hook["inkernel"]
			printf "| flows | %s | %s | nft-offload vs in-kernel |\n|---:|---:|---:|---:|\n", name["inkernel"], name["ours"]
			for (i = 1; i <= nf; i++) {
				f = fl[i]; r = router("ours", f); k = router("inkernel", f)
				r = (r == "") ? "" : r - hook["nft-offload"]
				k = (k == "") ? "" : k - hook["inkernel"]
				printf "| %d | %s | %s | %s |\n", f, show(k), show(r),
					(r != "" && k > 0) ? sprintf("%+.1f %%", (r / k - 1) * 100) : "-"
			}
		}
		for (i = 1; i <= nf; i++)
			for (j = 3; j <= 4; j++)
				if (((modes[j], fl[i]) in off) && off[modes[j], fl[i]] < fl[i])
					printf "%s: only %d of %d flows were offloaded before the timed run.\n", name[modes[j]], off[modes[j], fl[i]], fl[i]
		printf "\n"
		printf "| at %d flows | %s | %s | %s |\n", big, name["classic"], name["inkernel"], name["ours"]
		printf "|---|---:|---:|---:|\n"
		printf "| flow setup, new flows per guest second (two packets each, sender included) |"
		for (j = 2; j <= 4; j++) {
			m = modes[j]
			printf " %s |", (setup[m, big] > 0) ? sprintf("%.0f", big / (setup[m, big] / 100)) : "-"
		}
		printf "\n| memory per flow, slab + vmalloc, conntrack included (bytes) |"
		for (j = 2; j <= 4; j++)
			printf " %s |", ((modes[j], big) in mem) ? sprintf("%.0f", mem[modes[j], big] / big) : "-"
		printf "\n| memory per offloaded flow beyond the classic path (bytes) | |"
		for (j = 3; j <= 4; j++) {
			m = modes[j]
			printf " %s |", ((m, big) in mem && ("classic", big) in mem) ? sprintf("%.0f", (mem[m, big] - mem["classic", big]) / big) : "-"
		}
		if (crrn) {
			printf "\n| short TCP connections (%d in a row: connect, %d bytes echoed, close) | |", crrn, crrsize
			for (j = 3; j <= 4; j++)
				printf " |"
			printf "\n| guest instructions per connection, client and server included |"
			for (j = 2; j <= 4; j++)
				printf " %s |", (modes[j] in crr) ? sprintf("%.0f", crr[modes[j]]) : "-"
			printf "\n| against the classic path | |"
			for (j = 3; j <= 4; j++)
				printf " %s |", ((modes[j] in crr) && crr["classic"] > 0) ? sprintf("%+.1f %%", (crr[modes[j]] / crr["classic"] - 1) * 100) : "-"
			if ("ours" in crroff)
				printf "\n| connections nft-offload offloaded | | | %d |", crroff["ours"]
		}
		printf "\n\niperf3 TCP through the masquerading router, Mbit/s by the guest clock\n"
		printf "(noisy: GSO super-packets over veth; one guest second is 1e9 instructions):\n\n"
		printf "| streams | %s | %s | %s |\n|---:|---:|---:|---:|\n", name["classic"], name["inkernel"], name["ours"]
		for (s = 1; s <= 4; s += 3) {
			printf "| %d |", s
			for (j = 2; j <= 4; j++)
				printf " %s |", ((modes[j], s) in tcp) ? tcp[modes[j], s] : "-"
			printf "\n"
		}
		if (("fw4", fl[1]) in cost) {
			printf "\nfirewall4'"'"'s software configuration: the LAN port in bridge `br-lan` and the\n"
			printf "flowtable listing `br-lan` and the WAN device (as firewall4 writes it), against\n"
			printf "the ports listed; router instructions per packet, floor subtracted:\n\n"
			printf "| flows | in-kernel, ports | in-kernel, firewall4 | nft-offload, ports | nft-offload, firewall4 | in-kernel, firewall4, WAN VLAN | nft-offload, firewall4, WAN VLAN |\n"
			printf "|---:|---:|---:|---:|---:|---:|---:|\n"
			for (i = 1; i <= nf; i++) {
				f = fl[i]
				printf "| %d | %s | %s | %s | %s | %s | %s |\n", f, show(router("inkernel", f)),
					show(router("inkernel-fw4", f)), show(router("ours", f)), show(router("fw4", f)),
					show(router("inkernel-fw4-vlan", f)), show(router("fw4-vlan", f))
			}
		}
		if (("vlan", fl[1]) in cost) {
			printf "\nThe WAN on a VLAN device (`wan.7` on the port), nft-offload with the ports\n"
			printf "in the flowtable: the fast path pushes the tag and sends on the port, or,\n"
			printf "when the VLAN device has a qdisc (SQM; here pfifo) or an egress-qos-map,\n"
			printf "sends through the VLAN device. Router instructions per packet:\n\n"
			printf "| flows | sent on the port | through the VLAN device | difference |\n"
			printf "|---:|---:|---:|---:|\n"
			for (i = 1; i <= nf; i++) {
				f = fl[i]; a = router("vlan", f); b = router("vlan-shaped", f)
				printf "| %d | %s | %s | %s |\n", f, show(a), show(b),
					(a != "" && b != "") ? sprintf("%+.0f", b - a) : "-"
			}
		}
	}' "$dir/raw.txt" >"$dir/table.md"

	gnuplot <<-EOF
	set terminal png size 900,540
	set output "$dir/plot.png"
	set title "Router instructions per 64-byte UDP packet, kernel $kver"
	set xlabel "concurrent flows"
	set ylabel "guest instructions per packet (floor subtracted)"
	set logscale x
	set xrange [0.5:*]
	set yrange [0:*]
	set key outside right
	set datafile missing "?"
	set datafile separator "\t"
	plot for [i=2:5] "$dir/data.tsv" using 1:i with linespoints lw 2 pt 7 title columnheader(i)
	EOF
}

if [ -n "$redo" ]; then
	kver=${redo%/}
	kver=${kver##*/}
	report "$redo" "${kver#????-??-??-}" "$(cat "$redo"/run-*.log 2>/dev/null |
		sed -n 's/.*boot+run \([0-9.]*\)s.*/\1/p' | awk '{ s += $1 } END { printf "%d", s }')"
	cat "$redo/table.md"
	exit 0
fi

snippet=()
for kernel in "${kernels[@]}"; do
	kver=$("$top/scripts/kernels.sh" "$kernel")
	dir=$results/$(date +%Y-%m-%d)-$kver
	mkdir -p "$dir"
	# The hook's floor (mode hookfloor), in both boots.
	mkdir -p "$top/build/floor-$kver"
	cp "$top/bench/floor/nfo_floor.c" "$top/bench/floor/Kbuild" "$top/build/floor-$kver/"
	make -s -C "/usr/src/linux-headers-$kver" M="$top/build/floor-$kver" modules 2>&1 |
		grep -v '^Skipping BTF' >&2 || true
	bench_kos=$top/build/floor-$kver/nfo_floor.ko
	if [ "$profile" = 1 ]; then
		mkdir -p "$top/build/prof-$kver"
		cp "$top/bench/prof/nfo_prof.c" "$top/bench/prof/Kbuild" "$top/build/prof-$kver/"
		make -s -C "/usr/src/linux-headers-$kver" M="$top/build/prof-$kver" modules 2>&1 |
			grep -v '^Skipping BTF' >&2 || true
		bench_kos+=" $top/build/prof-$kver/nfo_prof.ko"
	fi
	# The two boots run side by side, one vCPU each: instruction counts do
	# not depend on the host's load.  The second starts once the first
	# is in QEMU, as both build the module in the same directory.
	ours_modes=floor,hookfloor,route,classic,ours,fw4,vlan,vlan-shaped,fw4-vlan
	boot "$kernel" "$dir/run-nft-offload.log" "$ours_modes" &
	first=$!
	while kill -0 "$first" 2>/dev/null &&
	      ! pgrep -f "^qemu-system-x86_64 .*nfo\\.bench_modes=$ours_modes " >/dev/null; do
		sleep 1
	done
	boot "$kernel" "$dir/run-inkernel.log" floor,hookfloor,inkernel,inkernel-fw4,inkernel-fw4-vlan \
		--inkernel-flowtable
	wait "$first" || exit 1
	for b in nft-offload inkernel; do
		sed -n "s/^BENCH \([a-z]*\) /BENCH \1 boot=$b /p" "$dir/run-$b.log"
	done >"$dir/raw.txt"
	# The VMs' own time (boot and run), which --reuse keeps across calls.
	report "$dir" "$kver" "$(cat "$dir/run-inkernel.log" "$dir/run-nft-offload.log" |
		sed -n 's/.*boot+run \([0-9.]*\)s.*/\1/p' | awk '{ s += $1 } END { printf "%d", s }')"
	if [ "$profile" = 1 ]; then
		awk '$2 == "prof" {
			for (i = 3; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] }
			if (v["mode"] != last) {
				printf "\n%s### %s (%d samples, one per 50000 instructions)\n\n| share | symbol |\n|---:|---|\n", last == "" ? "" : "", v["mode"], v["samples"]
				last = v["mode"]
			}
			printf "| %s %% | %s |\n", v["share"], v["symbol"]
		}' "$dir/raw.txt" >"$dir/profile.md"
	fi
	echo
	cat "$dir/table.md"
	echo
	echo "bench.sh: results in $dir"
	snippet+=("$(cat "$dir/table.md")" "" "Plot: [${dir#"$top"/}/plot.png](${dir#"$top"/}/plot.png)" "")
done

# docs/performance.md: the tables between the bench markers.
doc=$top/docs/performance.md
if [ "$readme" = 1 ] && grep -q '^<!-- bench:begin -->$' "$doc"; then
	printf '%s\n' "Command: \`make bench\` (\`scripts/bench.sh$(printf ' --kernel %s' "${kernels[@]}")\`)." "" \
		"${snippet[@]}" >"$top/build/bench-readme.md"
	awk -v f="$top/build/bench-readme.md" '
		/^<!-- bench:begin -->$/ { print; while ((getline l <f) > 0) print l; skip = 1; next }
		/^<!-- bench:end -->$/ { skip = 0 }
		!skip' "$doc" >"$doc.tmp"
	mv "$doc.tmp" "$doc"
	echo "bench.sh: docs/performance.md updated"
fi
