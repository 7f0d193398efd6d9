#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the nft-offload command for the guest (the host's libc and libraries,
# which the initramfs copies along) into build/tool, and print its path.
# Safe to run twice at once: the second waits for the first.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/tool
mkdir -p "$out"
# Guests of several lanes start at once: one build at a time.
exec 9>"$out/.lock"
flock 9
if ! make -s -C "$top/tool" O="$out" >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	exit 1
fi
echo "$out/nft-offload"
