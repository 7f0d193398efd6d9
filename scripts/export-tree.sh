#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Copy this tree into DIR as git sees it: tracked and new files as they are
# in the work tree, no build products (outside git: everything but build/).
# For builds that must not see, or leave, anything of the checkout's own
# (the Debian packages, the packaging tests).
#   scripts/export-tree.sh DIR
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?usage: export-tree.sh DIR}

mkdir -p "$dest"
cd "$top"
if git rev-parse --git-dir >/dev/null 2>&1; then
	# (A file deleted but not yet committed is listed, and skipped.)
	git ls-files -z -c -o --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		cpio -0pdm --quiet "$dest"
else
	find . -path ./build -prune -o -type f -print0 | cpio -0pdm --quiet "$dest"
fi
