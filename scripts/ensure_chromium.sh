#!/usr/bin/env bash
# Make Debian's Chromium available for the browser tests.
# Installs it with apt-get when running as root; otherwise says plainly what is missing.
# Under CI=true a missing browser is an error: the browser tests must run there.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium and chromium-driver for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; then
    [ -x /usr/bin/chromium ] && exit 0
  fi
  echo "Could not install chromium with apt-get." >&2
fi
if [ "${CI:-}" = "true" ]; then
  echo "Chromium (/usr/bin/chromium) is missing and CI=true: the browser tests cannot be skipped." >&2
  exit 1
fi
echo "NOTE: Chromium is not installed (/usr/bin/chromium): the browser tests will be SKIPPED."
echo "      Install the Debian packages 'chromium' and 'chromium-driver' (as root) to run them."
exit 0
