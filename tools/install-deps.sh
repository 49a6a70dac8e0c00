#!/usr/bin/env bash
# Installs the Debian 12 packages hypertok builds and tests with, if missing.
# Run as root (or with sudo available). Safe to run again: installs nothing
# when everything is present.
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libcli11-dev libicu-dev libsentencepiece-dev sentencepiece libzstd-dev zstd
  libspdlog-dev libfmt-dev libgtest-dev libxxhash-dev libbenchmark-dev libpcre2-dev
  libtomlplusplus-dev libjemalloc-dev
  python3-numpy python3-sentencepiece python3-distributed
)
# Test-only: headless Chromium renders the HTML report (tests/interop/html_report_test.sh).
[ "${HYPERTOK_NO_CHROMIUM:-}" = 1 ] || packages+=(chromium fonts-liberation)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
