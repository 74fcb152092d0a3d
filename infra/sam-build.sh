#!/usr/bin/env bash
# `sam build` offline, as a user would run it before `sam deploy`: installs the AWS SAM CLI
# and cargo-lambda (which brings zig for the arm64 cross-build) into .venv-deploy if missing,
# then builds the three functions with the rust-cargolambda build method (release, arm64).
# Slow (release build of the AWS SDK crates): not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
DEPLOY_VENV=.venv-deploy
if [ ! -x "$DEPLOY_VENV/bin/sam" ] || [ ! -x "$DEPLOY_VENV/bin/cargo-lambda" ]; then
    echo "== installing aws-sam-cli and cargo-lambda into $DEPLOY_VENV"
    python3 -m venv "$DEPLOY_VENV"
    "$DEPLOY_VENV/bin/pip" install --quiet --disable-pip-version-check aws-sam-cli cargo-lambda
fi
export PATH="$PWD/$DEPLOY_VENV/bin:$PATH"
export SAM_CLI_TELEMETRY=0
started=$(date +%s)
sam build "$@"
echo "== sam build took $(( $(date +%s) - started )) s"
