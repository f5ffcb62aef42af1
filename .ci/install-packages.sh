#!/usr/bin/env bash
# Installs the Debian packages the tests need: Chromium (harness/cli/tests/html_chromium.rs loads
# the HTML report in a real headless browser) and curl (.ci/third-party/sekmet.sh talks to the
# third-party server with it). Safe to run repeatedly.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -eq 0 ]; then
    echo "chromium and curl already installed: $(chromium --version 2>/dev/null || echo unknown version)"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "install-packages: need root or sudo to run apt-get" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update
"${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
command -v chromium >/dev/null && chromium --version
