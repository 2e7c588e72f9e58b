#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing: chromium (real-browser
# Web Bluetooth tests through playwright-core; no browser download) and socat (serial tests over a
# pseudo-terminal pair). Idempotent: does nothing when both are present.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v socat >/dev/null 2>&1 || missing+=(socat)
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
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
