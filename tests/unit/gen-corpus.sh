#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate the seed corpus under corpus/ (the files are committed; run
# this only to change them).  fuzz_parse input: mode byte (bit 0: IPv6,
# bit 1: fix the IPv4 header checksum first),
# linear-length byte (0xff: all), packet.  fuzz_csum input: op byte,
# position byte, 16-byte new value, buffer.  fuzz_tool_flows: the text of
# /proc/net/nft_offload_flows (src/listing.c); fuzz_tool_stats: mode byte
# (0: /proc/net/stat/nft_offload of src/stats.c, 1: the hw-refusal record
# of src/hw.c), text; fuzz_tool_args: one argument of `flows`;
# fuzz_tool_json: mode byte (0: escape, 1: drive the writer), text;
# fuzz_tool_cli: a command line's words, each ended by a NUL.
set -e
cd "$(dirname "$0")"
rm -rf corpus
mkdir -p corpus/fuzz_parse corpus/fuzz_csum corpus/fuzz_tool_flows \
	corpus/fuzz_tool_stats corpus/fuzz_tool_args corpus/fuzz_tool_json \
	corpus/fuzz_tool_cli

p=corpus/fuzz_parse
v4h='\105\000\000\050\022\064\100\000\100\006\000\000\300\250\001\002\010\010\010\010'
tcp='\234\100\001\273\000\000\000\001\000\000\000\000\120\020\040\000\000\000\000\000'
# IPv4 TCP, all linear / 20 linear / 0 linear
printf "\002\377$v4h$tcp" > $p/v4-tcp
printf "\002\024$v4h$tcp" > $p/v4-tcp-pull20
printf "\002\000$v4h$tcp" > $p/v4-tcp-pull0
printf "\000\377$v4h$tcp" > $p/v4-tcp-badcsum
# IPv4 TCP FIN+ACK
printf "\002\377$v4h"'\234\100\001\273\000\000\000\001\000\000\000\000\120\021\040\000\000\000\000\000' > $p/v4-tcp-fin
# IPv4 UDP with 4 bytes of payload, tot_len 32
printf '\002\377\105\000\000\040\000\001\000\000\100\021\000\000\012\000\000\001\012\000\000\002\004\000\000\065\000\014\000\000abcd' > $p/v4-udp
# IPv4 fragment, IPv4 with options
printf '\002\377\105\000\000\034\000\001\040\000\100\021\000\000\012\000\000\001\012\000\000\002\004\000\000\065\000\010\000\000' > $p/v4-frag
printf '\002\377\106\000\000\040\000\001\000\000\100\021\000\000\012\000\000\001\012\000\000\002\001\001\001\000\004\000\000\065\000\010\000\000' > $p/v4-opts
v6a='\040\001\015\270\000\000\000\000\000\000\000\000\000\000\000\001'
v6b='\040\001\015\270\000\000\000\000\000\000\000\000\000\000\000\002'
# IPv6 TCP, IPv6 UDP, IPv6 with hop-by-hop
printf "\001\377\140\000\000\000\000\024\006\100$v6a$v6b$tcp" > $p/v6-tcp
printf "\001\050\140\000\000\000\000\024\006\100$v6a$v6b$tcp" > $p/v6-tcp-pull40
printf "\001\377\140\000\000\000\000\010\021\100$v6a$v6b"'\004\000\000\065\000\010\000\000' > $p/v6-udp
printf "\001\377\140\000\000\000\000\010\000\100$v6a$v6b"'\021\000\000\000\000\000\000\000' > $p/v6-hbh
# GRE version 0 over IPv4 (plain; key and sequence number), version 1
# (PPTP), and over IPv6 with a checksum
printf '\002\377\105\000\000\034\000\001\000\000\100\057\000\000\012\000\002\001\012\000\002\002\000\000\145\130abcd' > $p/v4-gre
printf '\002\377\105\000\000\040\000\001\000\000\100\057\000\000\012\000\002\001\012\000\002\002\060\000\010\000keysseq1' > $p/v4-gre-key-seq
printf '\002\377\105\000\000\036\000\001\000\000\100\057\000\000\012\000\002\001\012\000\002\002\060\201\210\013\000\000\000\001' > $p/v4-gre-v1
printf "\001\377\140\000\000\000\000\010\057\100$v6a$v6b"'\200\000\206\335\000\000\000\000' > $p/v6-gre-csum

c=corpus/fuzz_csum
new='\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020'
printf "\001\003$new$v4h$tcp" > $c/replace4
printf "\000\005$new$v4h$tcp" > $c/replace2
printf "\002\001$new$v4h$tcp$tcp" > $c/replace16
printf "\005\002$new$v4h$tcp" > $c/partial4
printf "\031\002$new$v4h$tcp" > $c/l4-replace4
printf '\001\001\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\000\000\000\000\000\000\000\000' > $c/zeros

# The flow listing, as src/listing.c writes it: IPv4 TCP masqueraded,
# IPv6 UDP with an escaped table name, GRE (no ports) with a device gone
# (ifindex), two lines.
f=corpus/fuzz_tool_flows
tcp4='family=ipv4 proto=tcp table_family=inet table=filter flowtable=ft ct_id=7 orig_src=10.0.1.2 orig_dst=10.0.2.2 orig_sport=41000 orig_dport=5001 orig_iif=r-cl orig_oif=r-srv orig_xmit=direct orig_nat=saddr orig_packets=53 orig_bytes=402756 reply_src=10.0.2.2 reply_dst=10.0.2.1 reply_sport=5001 reply_dport=41000 reply_iif=r-srv reply_oif=r-cl reply_xmit=direct reply_nat=daddr reply_packets=49 reply_bytes=2548 age=1 idle=1 timeout=28 hw=none flags=none'
udp6='family=ipv6 proto=udp table_family=ip6 table=t\040x\075y flowtable=f ct_id=3 orig_src=fd00:1::2 orig_dst=fd00:2::2 orig_sport=40000 orig_dport=53 orig_iif=a orig_oif=b orig_xmit=neigh orig_nat=none orig_packets=1 orig_bytes=900000 reply_src=fd00:2::2 reply_dst=fd00:1::2 reply_sport=53 reply_dport=40000 reply_iif=b reply_oif=a reply_xmit=neigh reply_nat=none reply_packets=1 reply_bytes=1 age=9 idle=0 timeout=30 hw=none flags=teardown'
gre4='family=ipv4 proto=gre table_family=ip table=nat flowtable=ft ct_id=4294967295 orig_src=192.168.1.2 orig_dst=198.51.100.7 orig_iif=7 orig_oif=wan0 orig_xmit=xfrm orig_nat=saddr,sport reply_src=198.51.100.7 reply_dst=203.0.113.1 reply_iif=wan0 reply_oif=lan0 reply_xmit=neigh reply_nat=daddr,dport reply_packets=18446744073709551615 reply_bytes=0 age=86400 idle=3 timeout=177 hw=none flags=none'
printf '%s\n' "$tcp4" > $f/tcp4
printf '%s\n' "$udp6" > $f/udp6-escaped
printf '%s\n' "$gre4" > $f/gre4-noports
printf '%s\n%s\n' "$tcp4" "$udp6" > $f/two
printf '' > $f/empty

# The statistics file (src/stats.c) and the hw-refusal record (src/hw.c)
s=corpus/fuzz_tool_stats
{
	printf '\000enabled 1\nflows 2\nflows_peak 5\n'
	printf 'fast_ipv4_packets 1841\nfast_ipv4_bytes 2661234\n'
	printf 'fast_ipv6_packets 0\nfast_ipv6_bytes 0\noffloaded 3\n'
	for n in neigh direct xfrm; do printf 'xmit_%s 0\n' $n; done
	for n in truncated no_flow not_host teardown mtu stale_route \
		stale_neigh stale_path nomem l4_csum secpath xfrm_policy \
		pppoe_peer tcp_flags; do
		printf 'slow_%s 0\n' $n
	done
	for n in sysctl_off secpath no_conntrack route xfrm nomem insert \
		table_full xfrm_nat; do
		printf 'refused_%s 0\n' $n
	done
	for n in fin_rst idle ct_gone device route neigh path admin \
		flowtable netns; do
		printf 'teardown_%s 0\n' $n
	done
	printf 'hw_bind_refused 18446744073709551615\n'
} > $s/stats
printf '\001family=inet table=filter flowtable=ft dev=veth0 error=-95\n' > $s/hw-refused
printf '\001family=ip6 table=a\\134b\\040c flowtable=f\\075t dev=eth\\0121 error=-22\n' > $s/hw-refused-escaped
printf '\001' > $s/hw-refused-empty

a=corpus/fuzz_tool_args
printf '10.0.2.1' > $a/v4
printf '10.0.0.0/15' > $a/v4-prefix
printf 'fd00:2::/64' > $a/v6-prefix
printf '::ffff:10.0.0.1/128' > $a/v4mapped
printf '5001' > $a/port
printf '65535' > $a/port-max
printf 'ipv6-icmp' > $a/proto
printf 'bytes' > $a/sort
printf 'veth-long-name0' > $a/dev

j=corpus/fuzz_tool_json
printf '\000t\\134x "q"\n\t\001caf\303\251' > $j/escape
printf '\000\303\050\355\240\200\364\220\200\200\377' > $j/escape-bad-utf8
printf '\001\000ab\001\003cd\012e\002\007\010\011\005' > $j/doc

# Command lines: options before and after the command, an option's
# argument that looks like an option, --, grouped short options, -V.
c=corpus/fuzz_tool_cli
printf 'flows\0--json' > $c/flows-json-after
printf -- '--json\0-n\0r\0flows\0--proto\0udp' > $c/flows-before
printf 'flows\0--dev\0-n\0--netns=r\0--sort\0bytes' > $c/flows-arg-like-option
printf 'flows\0--\0--json' > $c/flows-dashdash
printf 'diagnose\0-vh\0-jn\0r\0[fd00::1]:22' > $c/diagnose-grouped
printf 'stats\0-w\0002\0-c\0003\0--js' > $c/stats-watch
printf 'status\0--net\0r\0-V' > $c/version
