#!/usr/bin/env bash
# The browser test (run by infra/test.sh): installs Debian's Chromium when missing (apt) and
# playwright-core (npm, pinned in tests/browser/package-lock.json), starts the local stack on a
# free port with a frozen clock, and drives tests/browser/inbox-and-links.mjs through its
# pages. Screenshots land in target/screenshots/. Prints "browser: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."

source infra/apt.sh
command -v chromium >/dev/null 2>&1 || apt_install chromium
command -v node >/dev/null 2>&1 || apt_install nodejs npm
if [ ! -d tests/browser/node_modules/playwright-core ]; then
    echo "== installing playwright-core (npm)"
    npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
fi

source infra/local-stack.sh
start_local_stack --in-memory --frozen-clock --quiet
rm -rf target/screenshots
CHROMIUM="$(command -v chromium)" node tests/browser/inbox-and-links.mjs \
    "$LOCAL_STACK_URL" target/screenshots
