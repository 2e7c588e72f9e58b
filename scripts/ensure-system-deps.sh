#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing: chromium (real-browser
# Web Bluetooth tests through playwright-core; no browser download), socat (serial tests over a
# pseudo-terminal pair) and tshark (the capture tests: Wireshark's dissectors judge our btsnoop and
# pcapng files). Idempotent: does nothing when all are present. Non-interactive: wireshark-common's
# "may non-superusers capture?" question is answered no beforehand (we only read files).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v tshark >/dev/null 2>&1 || missing+=(tshark)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error SETUP_NO_APT: need ${missing[*]} but apt-get is not available; install them by hand" >&2
  exit 2
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "error SETUP_NOT_ROOT: need root or sudo to install ${missing[*]}" >&2; exit 2; }
  sudo="sudo"
fi
echo "installing ${missing[*]} from Debian" >&2
if command -v debconf-set-selections >/dev/null 2>&1; then
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
fi
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
