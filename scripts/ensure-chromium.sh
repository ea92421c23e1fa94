#!/usr/bin/env bash
# The browser test drives Debian's Chromium through playwright-core (no browser download). Installs it when missing.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser test…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser test needs Chromium at $CHROMIUM: install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
