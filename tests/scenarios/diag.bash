# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for the diagnose scenarios (70-81): each seeds one mistake on the
# router of topology_router, proves that it keeps the traffic off the fast
# path (module statistics, conntrack), then checks that
# `nft-offload diagnose` names it, in text and in JSON, with the exit code.
# Sourced after lib.sh and offload.bash.

# diag_run NS [ARGS...]: run `nft-offload diagnose ARGS` in NS, text and
# --json.  Sets DIAG_TEXT, DIAG_JSON, DIAG_RC and DIAG_JSON_RC.
diag_run() {
	local ns=$1

	shift
	_show nft-offload diagnose -v "$@"
	if DIAG_TEXT=$(n "$ns" nft-offload diagnose -v "$@" 2>&1); then
		DIAG_RC=0
	else
		DIAG_RC=$?
	fi
	printf '%s\n' "$DIAG_TEXT" | sed 's/^/  | /'
	if DIAG_JSON=$(n "$ns" nft-offload --json diagnose "$@" 2>&1); then
		DIAG_JSON_RC=0
	else
		DIAG_JSON_RC=$?
	fi
	printf '%s\n' "$DIAG_JSON" | sed 's/^/  json| /'
}

# json_str PATH: the member PATH of DIAG_JSON (json-get), unescaped.
json_str() {
	printf '%s\n' "$DIAG_JSON" | json-get "$1"
}

# diag_expect CAUSE RC ADDR [PATTERN...]: diagnose ADDR ("" for none) in r
# must print "cause: CAUSE" first, exit RC, and its explanation plus fix
# must match every grep -E PATTERN; the JSON form must agree: same cause,
# exit code, explanation and fix, one document, and a failed check for
# every cause but offloaded and none.
diag_expect() {
	local cause=$1 rc=$2 addr=$3 p text expl fix nchecks failed last i

	shift 3
	if [ -n "$addr" ]; then
		diag_run r "$addr"
	else
		diag_run r
	fi
	[ "$DIAG_RC" = "$rc" ] || fail "diagnose $addr: exit $DIAG_RC, want $rc"
	[ "$DIAG_JSON_RC" = "$rc" ] || fail "diagnose --json $addr: exit $DIAG_JSON_RC, want $rc"
	[ "$(printf '%s\n' "$DIAG_TEXT" | head -n 1)" = "cause: $cause" ] ||
		fail "diagnose $addr: first line is not 'cause: $cause'"
	text=$(printf '%s\n' "$DIAG_TEXT" | sed -n '2,/^fix: /p')
	grep -q '^fix: ' <<<"$text" || fail "diagnose $addr: no 'fix:' line"

	[ "$(printf '%s\n' "$DIAG_JSON" | wc -l)" = 1 ] ||
		fail "diagnose --json $addr: not one line"
	printf '%s\n' "$DIAG_JSON" | json-get >/dev/null ||
		fail "diagnose --json $addr: not valid JSON"
	[ "$(json_str cause)" = "$cause" ] ||
		fail "diagnose --json $addr: cause '$(json_str cause)', want $cause"
	expl=$(json_str explanation)
	fix=$(json_str fix)
	[ -n "$expl" ] && [ -n "$fix" ] || fail "diagnose --json $addr: no explanation or fix"
	grep -qF -- "$expl" <<<"$text" ||
		fail "diagnose --json $addr: explanation differs from the text form"
	grep -qF -- "fix: $fix" <<<"$text" ||
		fail "diagnose --json $addr: fix differs from the text form"
	nchecks=$(json_str checks.#)
	[ "$nchecks" -gt 0 ] || fail "diagnose --json $addr: no checks"
	failed=0
	for ((i = 0; i < nchecks; i++)); do
		[ "$(json_str "checks.$i.ok")" = true ] || failed=$((failed + 1))
		[ -n "$(json_str "checks.$i.check")" ] || fail "check $i unnamed"
	done
	last=$(json_str "checks.$((nchecks - 1)).ok")
	case "$cause" in
	offloaded | none)
		[ "$failed" = 0 ] ||
			fail "diagnose --json $addr: a failed check, yet cause $cause"
		;;
	*)
		[ "$last" = false ] ||
			fail "diagnose --json $addr: cause $cause, yet the walk did not stop at a failed check"
		;;
	esac
	for p in "$@"; do
		grep -qE -- "$p" <<<"$text" ||
			fail "diagnose $addr: explanation/fix does not match /$p/"
		grep -qE -- "$p" <<<"$expl $fix" ||
			fail "diagnose --json $addr: explanation/fix does not match /$p/"
	done
	pass "diagnose ${addr:-(no address)}: $cause, exit $rc"
}

# The router's ruleset with the flowtable devices and forward chain given:
# diag_ruleset 'DEVICES' 'FORWARD RULES' [FLOWTABLE LINES].
diag_ruleset() {
	n r nft -f - <<-NFT
	table inet filter {
		counter forwarded { }
		flowtable ft {
			hook ingress priority 0
			devices = { $1 }
			counter
			${3:-}
		}
		chain forward {
			type filter hook forward priority 0; policy accept;
			$2
			counter name forwarded
		}
	}
	NFT
}

# Forward packets counted by the named counter.
fwd_packets() {
	nft_counter r inet filter forwarded packets
}

# udp_exchange COUNT [SIZE [SPORT]]: COUNT verified datagrams cl -> srv:5001.
udp_exchange() {
	n cl udp-pingpong send 10.0.2.2 5001 "$1" "${2:-200}" --sport "${3:-4400}" ||
		ofail "UDP exchange failed"
}

# ct_line MATCH: the router's conntrack line(s) matching grep -E MATCH.
ct_has() {
	n r grep -qE -- "$1" /proc/net/nf_conntrack
}
