#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core (browser downloads are blocked
# here, so `npx playwright install` is never used). Install it when missing and we are allowed to.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null; then
  sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium is missing at $CHROMIUM: install Debian's 'chromium' package (apt-get install -y chromium)." >&2
  exit 1
fi
