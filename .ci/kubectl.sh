#!/usr/bin/env bash
# Unpacks Debian's kubernetes-client into .tmp/kubectl (never installs or replaces /usr/bin/kubectl).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.tmp/kubectl
[ -x "$dest/usr/bin/kubectl" ] && exit 0
work=$(mktemp -d)
(cd "$work" && apt-get download kubernetes-client >/dev/null 2>&1) || { apt-get update >/dev/null 2>&1 && (cd "$work" && apt-get download kubernetes-client >/dev/null); }
mkdir -p "$dest"
dpkg -x "$work"/kubernetes-client_*.deb "$dest"
rm -rf "$work"
"$dest/usr/bin/kubectl" version --client 2>/dev/null | head -1
