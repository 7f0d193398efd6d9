#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate the seed corpus under corpus/ (the files are committed; run
# this only to change them).  fuzz_parse input: mode byte (bit 0: IPv6,
# bit 1: fix the IPv4 header checksum first),
# linear-length byte (0xff: all), packet.  fuzz_csum input: op byte,
# position byte, 16-byte new value, buffer.
set -e
cd "$(dirname "$0")"
rm -rf corpus
mkdir -p corpus/fuzz_parse corpus/fuzz_csum

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
