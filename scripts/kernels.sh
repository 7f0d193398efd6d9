#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the newest Debian 12 kernel release of a line, as apt knows it.
#   scripts/kernels.sh 6.1    -> e.g. 6.1.0-56-amd64
#   scripts/kernels.sh 6.12   -> e.g. 6.12.117+deb12-amd64
#   scripts/kernels.sh 6.1-rt, 6.12-rt: the same lines' PREEMPT_RT flavour
#                             (e.g. 6.1.0-56-rt-amd64), which the static
#                             checks build for
# The release is taken from linux-headers-* package names and kept only if the
# matching linux-image-* package exists too, so image and headers always agree.
set -euo pipefail

line=${1:?usage: kernels.sh 6.1|6.12|6.1-rt|6.12-rt}

case "$line" in
6.1)     re='^linux-headers-(6\.1\.0-[0-9]+-amd64)$' ;;
6.12)    re='^linux-headers-(6\.12\.[0-9]+\+deb12-amd64)$' ;;
6.1-rt)  re='^linux-headers-(6\.1\.0-[0-9]+-rt-amd64)$' ;;
6.12-rt) re='^linux-headers-(6\.12\.[0-9]+\+deb12-rt-amd64)$' ;;
*)       echo "kernels.sh: unknown kernel line '$line' (6.1, 6.12, 6.1-rt or 6.12-rt)" >&2
	 exit 2 ;;
esac

images=$(apt-cache pkgnames linux-image- 2>/dev/null)
for kver in $(apt-cache pkgnames linux-headers- 2>/dev/null |
	      sed -nE "s/$re/\\1/p" | sort -Vr); do
	if grep -qxF "linux-image-$kver" <<<"$images" ||
	   grep -qxF "linux-image-$kver-unsigned" <<<"$images"; then
		echo "$kver"
		exit 0
	fi
done
echo "kernels.sh: no linux-headers/linux-image pair for $line (run apt-get update)" >&2
exit 1
