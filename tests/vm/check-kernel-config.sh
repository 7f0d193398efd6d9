#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Check that a kernel .config is what the fragments asked for.
#   tests/vm/check-kernel-config.sh SRCTREE/.config FRAGMENT.config...
# Kconfig drops a requested option without a word when one of its dependencies
# is missing; this is where that is caught. For each fragment line
#   CONFIG_X=V               the .config must say exactly CONFIG_X=V
#   # CONFIG_X is not set    the .config must not set CONFIG_X (n or absent)
# and, whatever the fragments say, the in-kernel flowtable must be absent:
# the debug lane exists to test a kernel built without it. Two fragments
# asking different things of one option is an error too. Prints every
# mismatch (with the option's Kconfig dependencies, read from the tree the
# .config is in) and exits 1; silent when all is well.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: check-kernel-config.sh .config FRAGMENT..." >&2; exit 2; }
config=$1
shift
srctree=$(cd "$(dirname "$config")" && pwd)

# Never set in this lane, fragments or not.
FORBIDDEN=(NF_FLOW_TABLE NF_FLOW_TABLE_INET NFT_FLOW_OFFLOAD NET_ACT_CT)

declare -A have=() want=() from=()
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) name=${line%%=*}; have[${name#CONFIG_}]=${line#*=} ;;
	esac
done <"$config"

errors=()
for frag in "$@"; do
	while IFS= read -r line; do
		if [[ $line =~ ^CONFIG_([A-Za-z0-9_]+)=(.*)$ ]]; then
			name=${BASH_REMATCH[1]}
			value=${BASH_REMATCH[2]}
		elif [[ $line =~ ^#\ CONFIG_([A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			name=${BASH_REMATCH[1]}
			value=n
		else
			continue
		fi
		if [ -n "${want[$name]:-}" ] && [ "${want[$name]}" != "$value" ]; then
			errors+=("CONFIG_$name: ${from[$name]} asks ${want[$name]}, ${frag##*/} asks $value")
		fi
		want[$name]=$value
		from[$name]=${frag##*/}
	done <"$frag"
done

# The dependencies of CONFIG_$1 as its Kconfig entry states them, and what
# selects it: enough to see why kconfig would not give it.
deps_of() {
	{ grep -rhs --include='Kconfig*' -A40 -E "^(menu)?config $1\$" "$srctree" || true; } |
		awk -v s="$1" '
			$0 ~ "^(menu)?config " s "$" { on = 1; next }
			on && /^(menu)?config |^(end)?(if|menu|choice)|^source / { on = 0 }
			on && /^[ \t]+(depends on|select|imply|visible if)/ {
				sub(/^[ \t]+/, ""); print }' | sort -u
	{ grep -rhs --include='Kconfig*' -E "^[[:space:]]+(select|imply) $1([[:space:]]|\$)" "$srctree" || true; } |
		sed 's/^[[:space:]]*/(elsewhere) /' | sort -u | head -n 5
}

for name in $(printf '%s\n' "${!want[@]}" | sort); do
	value=${want[$name]}
	got=${have[$name]:-n}
	[ "$got" != "$value" ] || continue
	errors+=("CONFIG_$name: asked $value (${from[$name]}), got $got")
	if [ "$value" != n ]; then
		while IFS= read -r dep; do
			[ -z "$dep" ] || errors+=("    $dep")
		done < <(deps_of "$name")
	fi
done

for name in "${FORBIDDEN[@]}"; do
	if [ -n "${have[$name]:-}" ] && [ "${have[$name]}" != n ]; then
		errors+=("CONFIG_$name=${have[$name]}: the in-kernel flowtable must not be built in this lane")
	fi
done

if [ ${#errors[@]} -gt 0 ]; then
	echo "check-kernel-config.sh: $config is not what the fragments ask:" >&2
	printf '  %s\n' "${errors[@]}" >&2
	exit 1
fi
