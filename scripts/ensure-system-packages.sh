#!/usr/bin/env bash
# Install the Debian packages guide_cms needs beyond Python, when missing:
#   fonts for PDF handouts in every demo language (Noto; DejaVu has no CJK),
#   HarfBuzz subsetting (Chinese handouts take ~11 s without it),
#   and, with --browser (the test suite), Chromium for the end-to-end tests and
#   Redis, the broker the task-queue test starts.
# As root it runs apt-get; otherwise it names what to install and fails.
set -euo pipefail

packages=(fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 fontconfig)
[ "${1:-}" = "--browser" ] && packages+=(chromium redis-server)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "guide_cms needs these Debian packages: ${missing[*]}" >&2
  echo "Install them as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fc-cache -f >/dev/null 2>&1 || true
