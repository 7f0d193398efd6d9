#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: the router assigns the ftp conntrack helper to TCP port 21.  A
# TCP connection to the server's port 21 is never offloaded
# (refused_helper rises, no [OFFLOAD], conntrack shows helper=ftp);
# diagnose names helper and "ftp".
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/diag.bash"

topology_router
diag_ruleset 'r-cl, r-srv' 'meta l4proto { tcp, udp } flow add @ft'
n r nft -f - <<-'NFT'
table inet helpers {
	ct helper ftp-std {
		type "ftp" protocol tcp
	}
	chain pre {
		type filter hook prerouting priority filter;
		tcp dport 21 ct helper set "ftp-std"
	}
}
NFT

ref0=$(nfo_stat refused_helper)
tcp_hold_open 4 10.0.2.2 21 200000
[ "$(nfo_stat refused_helper)" -gt "$ref0" ] || ofail "refused_helper did not rise"
ct=$(n r conntrack -L 2>/dev/null)
grep -qE 'dport=21 .*helper=ftp' <<<"$ct" || ofail "no helper=ftp on the connection"
! ct_has 'dport=21 .*OFFLOAD' || ofail "a helper connection was offloaded"
pass "ftp helper: refused_helper $(nfo_stat refused_helper), not offloaded"

diag_expect helper 1 10.0.2.2:21 'helper "ftp"' 'tcp 10\.0\.1\.2:[0-9]+ -> 10\.0\.2\.2:21' \
	'refused_helper [1-9]' 'ct helper set. rule that assigns a helper of type "ftp"'

tcp_hold_close
