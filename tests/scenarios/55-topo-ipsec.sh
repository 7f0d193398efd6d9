#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPsec tunnel mode on the egress.  The router r and the server srv are the
# two gateways of a manually keyed ESP tunnel (rfc4106 AES-GCM) that carries
# the client's subnet to the server's inner address (on a dummy device):
#
#   cl -- r ==ESP tunnel== srv (inner 10.9.0.1, fd00:9::1)
#
# Client to server is encrypted by r: the fast path sends it through xfrm
# output with the flow's bundle (xmit_xfrm).  Server to client arrives in
# ESP, is decrypted by r and re-received with a secpath: the fast path
# forwards it once the SAs that decrypted it pass the forward policy check,
# as the normal path would.  Proofs, per direction (the forward chain's
# count against conntrack's, which the fast path keeps): only the first
# packets of each took the normal path (back, also the acknowledgements
# that follow the client's FIN); r's outbound SA sent at least what
# the fast path sent that way, r's inbound SA decrypted at least what it
# forwarded back; and [OFFLOAD], xmit_xfrm, no clear TCP from the client on
# the r-srv link (srv's ingress, packets without a secpath), the data's
# hash.  Then the SA is
# replaced mid-flow (rekey: the flow leaves the fast path and is offloaded
# again with the new SA), and flushed mid-flow while the policy stays (the
# flow leaves the fast path, nothing goes out in clear).  Clear packets
# forged for the decrypted direction are left to the normal path, which
# drops them (forward policy).  A masqueraded
# connection through the tunnel is refused (refused_xfrm_nat).
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

KEY_OUT=0x0123456789abcdef0123456789abcdef01234567
KEY_IN=0x89abcdef0123456789abcdef0123456789abcdef
KEY_OUT2=0x1111111111111111222222222222222233333333
KEY_IN2=0x4444444444444444555555555555555566666666

# Debian's kernels must set up AES-GCM for ESP.  The debug kernel's small
# crypto configuration cannot (its SAs fail to initialise): there, and
# only there, the SAs use ESP's null encryption, the same xfrm output path
# with the same SAs and counters.
CIPHER=aes-gcm
case "$(uname -r)" in
*-nfo-debug)
	netns cryptoprobe
	if ! n cryptoprobe ip xfrm state add src 192.0.2.1 dst 192.0.2.2 \
		proto esp spi 1 mode tunnel aead 'rfc4106(gcm(aes))' \
		0x0123456789abcdef0123456789abcdef01234567 128; then
		CIPHER=null
		log "debug kernel without AES-GCM for ESP: null encryption"
	fi
	ip netns delete cryptoprobe
	;;
esac

# sa NS FAM SRC DST SPI KEY: one ESP tunnel-mode SA.
sa() {
	if [ "$CIPHER" = aes-gcm ]; then
		expect_ok n "$1" ip -"$2" xfrm state add src "$3" dst "$4" proto esp \
			spi "$5" reqid 1 mode tunnel aead 'rfc4106(gcm(aes))' "$6" 128
	else
		expect_ok n "$1" ip -"$2" xfrm state add src "$3" dst "$4" proto esp \
			spi "$5" reqid 1 mode tunnel enc 'ecb(cipher_null)' '' \
			auth digest_null ''
	fi
}

# pol NS FAM SEL_SRC SEL_DST DIR TUN_SRC TUN_DST
pol() {
	expect_ok n "$1" ip -"$2" xfrm policy add src "$3" dst "$4" dir "$5" \
		tmpl src "$6" dst "$7" proto esp reqid 1 mode tunnel
}

# tunnel FAM: both gateways' SAs and policies for family 4 or 6.
tunnel() {
	local f=$1 rr=10.0.2.1 ss=10.0.2.2 cn=10.0.1.0/24 in=10.9.0.0/24

	if [ "$f" = 6 ]; then
		rr=fd00:2::1 ss=fd00:2::2 cn=fd00:1::/64 in=fd00:9::/64
	fi
	for ns in r srv; do
		sa "$ns" "$f" "$rr" "$ss" 0x100"$f" "$KEY_OUT"
		sa "$ns" "$f" "$ss" "$rr" 0x200"$f" "$KEY_IN"
	done
	pol r "$f" "$cn" "$in" out "$rr" "$ss"
	pol r "$f" "$in" "$cn" fwd "$ss" "$rr"
	pol srv "$f" "$in" "$cn" out "$ss" "$rr"
	pol srv "$f" "$cn" "$in" in "$rr" "$ss"
}

# sa_count FAM SRC DST SPI bytes|packets: an SA's lifetime counter in r.
sa_count() {
	n r ip -s -"$1" xfrm state get src "$2" dst "$3" proto esp spi "$4" |
		awk -v w="($5)" '/lifetime current:/ { getline; for (i = 1; i <= NF; i++) if (index($i, w)) { sub(/\(.*/, "", $i); print $i } }'
}

# Packets of a counter of srv's ingress probe.
srv_counter() {
	nft_counter srv netdev probe "$1" packets
}

# Client link MTU 1400: packets fit the tunnel (1500 less ESP), so no path
# MTU discovery reshapes the flow while it is measured.
topology_router 1400
expect_ok n srv ip link add inner type dummy
expect_ok n srv ip link set inner up
expect_ok n srv ip addr add 10.9.0.1/32 dev inner
expect_ok n srv ip addr add fd00:9::1/128 dev inner nodad
expect_ok n r ip route add 10.9.0.0/24 via 10.0.2.2
expect_ok n r ip -6 route add fd00:9::/64 via fd00:2::2
tunnel 4
tunnel 6

offload_ruleset route
# Per direction, what the normal path forwarded; conntrack counts all.
n r sysctl -q -w net.netfilter.nf_conntrack_acct=1
n r nft -f - <<'NFT'
table inet dirs {
	counter orig { }
	counter reply { }
	chain forward {
		type filter hook forward priority 10; policy accept;
		ct direction original counter name orig
		ct direction reply counter name reply
	}
}
NFT
# Offloaded packets skip the chains after ingress, postrouting included:
# they carry no conntrack entry, so this rule would drop every one of them
# if the inner packet passed postrouting on its way into xfrm output.
n r nft -f - <<'NFT'
table inet post {
	chain post {
		type filter hook postrouting priority 0; policy accept;
		ct state invalid drop
	}
}
NFT
# On the r-srv link, srv's ingress: ESP, and TCP that did not come out of
# IPsec (re-received decrypted packets carry a secpath).
n srv nft -f - <<'NFT'
table netdev probe {
	counter esp_pkts { }
	counter clear { }
	chain in {
		type filter hook ingress device srv-r priority 0;
		meta l4proto 50 counter name esp_pkts
		meta l4proto tcp meta ipsec missing counter name clear
	}
}
NFT

# The clear counter sees clear TCP: a connection to srv's link address is
# not covered by the policies and goes out in clear.
head -c 65536 /dev/urandom >/tmp/small
n srv socat -u TCP4-LISTEN:5002,reuseaddr OPEN:/tmp/small.rx,creat,trunc &
spid=$!
wait_listen srv 5002 tcp 4
n cl socat -u OPEN:/tmp/small TCP4:10.0.2.2:5002 || fail "clear transfer failed"
wait "$spid" || fail "clear server failed"
clear0=$(srv_counter clear)
[ "$clear0" -gt 0 ] || fail "srv's probe did not see a clear TCP connection"
log "probe: clear TCP to srv's link address counted ($clear0 packets)"

# ct_acct FAM INNER: "orig_packets orig_bytes reply_packets reply_bytes" of
# r's conntrack entries for connections to INNER port 5001.
ct_acct() {
	n r conntrack -L -f "ipv$1" -p tcp --orig-dst "$2" --dport 5001 2>/dev/null |
		awk '{ n = 0; for (i = 1; i <= NF; i++) {
			if ($i ~ /^packets=/) { sub(/.*=/, "", $i); p[n] += $i }
			if ($i ~ /^bytes=/) { sub(/.*=/, "", $i); b[n++] += $i } } }
		END { print p[0] + 0, b[0] + 0, p[1] + 0, b[1] + 0 }'
}

# ipsec_transfer FAM INNER RR SS: the measured transfer through the tunnel.
ipsec_transfer() {
	local f=$1 dst=$2 rr=$3 ss=$4 bytes
	local xfrm0 off0 sec0 so0 sob0 sr0 sab0 sap0 dap0 esp0 clr0
	local so sob sr sab sap dap cto ctob ctr fast_o fast_ob fast_r

	bytes=$(bulk 8)
	xfrm0=$(nfo_stat xmit_xfrm)
	off0=$(nfo_stat offloaded)
	sec0=$(nfo_stat slow_secpath)
	so0=$(nft_counter r inet dirs orig packets)
	sob0=$(nft_counter r inet dirs orig bytes)
	sr0=$(nft_counter r inet dirs reply packets)
	sab0=$(sa_count "$f" "$rr" "$ss" 0x100"$f" bytes)
	sap0=$(sa_count "$f" "$rr" "$ss" 0x100"$f" packets)
	dap0=$(sa_count "$f" "$ss" "$rr" 0x200"$f" packets)
	esp0=$(srv_counter esp_pkts)
	clr0=$(srv_counter clear)

	tcp_transfer "$f" "$dst" 5001 "$bytes"
	[ "$SAW_OFFLOAD" = 1 ] || ofail "IPv$f: no [OFFLOAD] in conntrack"
	so=$(( $(nft_counter r inet dirs orig packets) - so0 ))
	sob=$(( $(nft_counter r inet dirs orig bytes) - sob0 ))
	sr=$(( $(nft_counter r inet dirs reply packets) - sr0 ))
	sab=$(( $(sa_count "$f" "$rr" "$ss" 0x100"$f" bytes) - sab0 ))
	sap=$(( $(sa_count "$f" "$rr" "$ss" 0x100"$f" packets) - sap0 ))
	dap=$(( $(sa_count "$f" "$ss" "$rr" 0x200"$f" packets) - dap0 ))
	read -r cto ctob ctr _ <<<"$(ct_acct "$f" "$dst")"
	fast_o=$((cto - so)) fast_ob=$((ctob - sob)) fast_r=$((ctr - sr))
	log "IPv$f: to srv $cto packets, $so by the normal path; back $ctr, $sr by the normal path; outbound SA $sab bytes in $sap packets, inbound SA $dap packets"
	[ "$(nfo_stat offloaded)" -gt "$off0" ] || ofail "IPv$f: offloaded did not rise"
	[ "$(nfo_stat xmit_xfrm)" -gt "$xfrm0" ] || ofail "IPv$f: no direction used xfrm transmit"
	[ "$fast_ob" -gt $((bytes / 2)) ] || ofail "IPv$f: fast path carried only $fast_ob bytes to srv"
	# Both directions: only their first packets on the normal path, and
	# the last ones: the client's FIN takes the flow off the fast path
	# while data is still in flight in the tunnel, and srv's
	# acknowledgements of it follow (28 of 1477 seen in a busy guest),
	# and so do the client's retransmissions (34 of 548, GSO packets).
	[ "$so" -le $((20 + cto / 10)) ] ||
		ofail "IPv$f: $so of $cto packets to srv on the normal path"
	[ "$ctr" -ge 50 ] || ofail "IPv$f: only $ctr packets back, too few to tell"
	[ "$sr" -le $((20 + ctr / 10)) ] ||
		ofail "IPv$f: $sr of $ctr decrypted packets on the normal path"
	[ "$(nfo_stat slow_secpath)" = "$sec0" ] ||
		ofail "IPv$f: decrypted packets failed the forward policy check"
	# Every fast-path packet to srv went out through the SA (GSO ones as
	# several), every one back came in through the other.
	[ "$sap" -ge "$fast_o" ] || ofail "IPv$f: SA sent $sap packets, fast path $fast_o"
	[ "$sab" -ge "$fast_ob" ] || ofail "IPv$f: SA sent $sab bytes, fast path $fast_ob"
	[ "$dap" -ge "$fast_r" ] || ofail "IPv$f: SA decrypted $dap packets, fast path forwarded $fast_r back"
	[ $(( $(srv_counter esp_pkts) - esp0 )) -ge "$sap" ] || ofail "IPv$f: srv saw fewer ESP packets than the SA sent"
	[ "$(srv_counter clear)" = "$clr0" ] || ofail "IPv$f: clear TCP on the r-srv link"
	pass "IPv$f through the ESP tunnel: [OFFLOAD] both ways, xmit_xfrm, to srv through the outbound SA ($CIPHER), back decrypted, normal path $so and $sr packets, intact"
}

ipsec_transfer 4 10.9.0.1 10.0.2.1 10.0.2.2
ipsec_transfer 6 fd00:9::1 fd00:2::1 fd00:2::2

fast_rising() {
	local a

	a=$(nfo_stat fast_ipv4_packets)
	sleep 0.2
	[ "$(nfo_stat fast_ipv4_packets)" -gt "$a" ]
}

# Rekey mid-flow: new SAs on both gateways, the old ones deleted.  The
# flow's bundle goes stale: it leaves the fast path (teardown_route), the
# normal path builds a bundle with the new SA and the connection is
# offloaded again.
# Each phase starts once the last one's flows are gone.
wait_for 10 no_flows || ofail "flows left over"
td0=$(nfo_stat teardown_route)
off0=$(nfo_stat offloaded)
clr0=$(srv_counter clear)
tcp_start 4 10.9.0.1 5001 "$(bulk 32)"
wait_for 20 offloaded_in_conntrack || ofail "rekey: not offloaded"
wait_for 10 fast_rising || ofail "rekey: fast path idle"
for ns in srv r; do
	sa "$ns" 4 10.0.2.1 10.0.2.2 0x1114 "$KEY_OUT2"
	sa "$ns" 4 10.0.2.2 10.0.2.1 0x2224 "$KEY_IN2"
done
for ns in r srv; do
	expect_ok n "$ns" ip xfrm state del src 10.0.2.1 dst 10.0.2.2 proto esp spi 0x1004
	expect_ok n "$ns" ip xfrm state del src 10.0.2.2 dst 10.0.2.1 proto esp spi 0x2004
done
tcp_finish rekey
[ "$(nfo_stat teardown_route)" -gt "$td0" ] || ofail "rekey: the flow did not leave the fast path"
[ "$(nfo_stat offloaded)" -ge $((off0 + 2)) ] || ofail "rekey: not offloaded again with the new SA"
[ "$(sa_count 4 10.0.2.1 10.0.2.2 0x1114 packets)" -gt 0 ] || ofail "rekey: new SA unused"
[ "$(srv_counter clear)" = "$clr0" ] || ofail "rekey: clear TCP on the r-srv link"
pass "rekey mid-flow: torn down (route), offloaded again on the new SA, intact, nothing in clear"

# Masquerade into the tunnel: source NAT changes what the policy sees, the
# connection stays on the normal path with a named refusal.
n r nft -f - <<'NFT'
table inet nat {
	chain post {
		type nat hook postrouting priority srcnat;
		ip6 daddr fd00:9::/64 oifname "r-srv" masquerade
	}
}
NFT
# Only after NAT does the connection match a policy.
expect_ok n r ip -6 xfrm policy del src fd00:1::/64 dst fd00:9::/64 dir out
expect_ok n r ip -6 xfrm policy del src fd00:9::/64 dst fd00:1::/64 dir fwd
expect_ok n srv ip -6 xfrm policy del src fd00:9::/64 dst fd00:1::/64 dir out
expect_ok n srv ip -6 xfrm policy del src fd00:1::/64 dst fd00:9::/64 dir in
pol r 6 fd00:2::1/128 fd00:9::/64 out fd00:2::1 fd00:2::2
pol r 6 fd00:9::/64 fd00:2::1/128 fwd fd00:2::2 fd00:2::1
pol srv 6 fd00:9::/64 fd00:2::1/128 out fd00:2::2 fd00:2::1
pol srv 6 fd00:2::1/128 fd00:9::/64 in fd00:2::1 fd00:2::2
wait_for 10 no_flows || ofail "flows left over"
wait_for 10 not_offloaded_in_conntrack || ofail "conntrack still shows [OFFLOAD]"
nat0=$(nfo_stat refused_xfrm_nat)
off0=$(nfo_stat offloaded)
tcp_transfer 6 fd00:9::1 5001 $((1024 * 1024))
# Not SAW_OFFLOAD: each refused attempt sets the conntrack entry's offload
# bit until it is refused, which a reader may catch (as with the kernel's
# own flowtable).
[ "$(nfo_stat offloaded)" = "$off0" ] || ofail "masquerade into the tunnel was offloaded"
[ "$(nfo_stat refused_xfrm_nat)" -gt "$nat0" ] || ofail "no refused_xfrm_nat"
pass "masquerade into the tunnel: refused (xfrm_nat), intact"

# Flush r's SAs mid-flow, the policies staying: the flow leaves the fast
# path and the normal path finds no SA, so nothing is sent, and nothing in
# clear; the fast path stops counting.
wait_for 10 no_flows || ofail "flows left over"
wait_for 10 not_offloaded_in_conntrack || ofail "conntrack still shows [OFFLOAD]"
td0=$(nfo_stat teardown_route)
clr0=$(srv_counter clear)
# An endless stream: it must still run when the SAs go.
n srv socat -u TCP4-LISTEN:5001,reuseaddr OPEN:/dev/null &
BGS=$!
wait_listen srv 5001 tcp 4
n cl socat -u OPEN:/dev/zero TCP4:10.9.0.1:5001 &
BGC=$!
wait_for 20 offloaded_in_conntrack || ofail "flush: not offloaded"
wait_for 10 fast_rising || ofail "flush: fast path idle"
xfrm0=$(nfo_stat xmit_xfrm)
wait_for 10 fast_rising || ofail "flush: fast path idle"

# While it is offloaded: clear packets of the decrypted direction, forged
# on the r-srv link.  They match the flow, but the forward policy wants
# them decrypted: the fast path leaves them to the normal path
# (slow_xfrm_policy), which drops them; none reaches the client.
cport=$(n r awk '/OFFLOAD/ && / dst=10\.9\.0\.1 / { for (i = 1; i <= NF; i++) if ($i ~ /^sport=/) { sub(/sport=/, "", $i); print $i; exit } }' /proc/net/nf_conntrack)
[ -n "$cport" ] || ofail "flush: no offloaded connection to forge for"
pol0=$(nfo_stat slow_xfrm_policy)
rm -f /tmp/cl.sniff
n cl pktcraft sniff cl-r 3 /tmp/cl.sniff 2>/dev/null &
spid=$!
wait_for 5 test -e /tmp/cl.sniff || fail "sniffer did not start"
n srv pktcraft send srv-r "$(mac_of r r-srv)" \
	tcp4=10.9.0.1,5001,10.0.1.2,"$cport",1,1 data data data >/dev/null ||
	fail "pktcraft send failed"
wait "$spid" || true
[ "$(nfo_stat slow_xfrm_policy)" -ge $((pol0 + 3)) ] ||
	ofail "forged clear packets: slow_xfrm_policy rose by $(( $(nfo_stat slow_xfrm_policy) - pol0 )), not 3"
! grep -q '^data ' /tmp/cl.sniff || ofail "a forged clear packet reached the client"
pass "clear packets where the forward policy wants ESP: normal path (xfrm_policy), dropped"

[ "$(nfo_stat xmit_xfrm)" = "$xfrm0" ] && [ "$xfrm0" -ge 5 ] || ofail "flush: not an xfrm flow"
expect_ok n r ip xfrm state flush
sleep 2
[ "$(nfo_stat teardown_route)" -gt "$td0" ] || ofail "flush: the flow did not leave the fast path"
fastp=$(nfo_stat fast_ipv4_packets)
sleep 1
[ "$(nfo_stat fast_ipv4_packets)" = "$fastp" ] || ofail "flush: the fast path still forwards"
not_offloaded_in_conntrack || ofail "flush: still [OFFLOAD] in conntrack"
[ "$(srv_counter clear)" = "$clr0" ] || ofail "flush: clear TCP on the r-srv link"
kill "$BGC" "$BGS" 2>/dev/null || true
wait "$BGC" "$BGS" 2>/dev/null || true
pass "SA flushed mid-flow: torn down (route), nothing in clear"
