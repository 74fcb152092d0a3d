#!/usr/bin/env bash
# The README's test command (CI runs exactly this through .ci/run): formatting, lints, then every
# test — core unit tests, adapter and handler tests, end-to-end tests through the HTTP API of the
# local stack, and the Lambda handlers with the AWS adapters against an emulator (moto server,
# installed into .venv and started here on a free loopback port), then the browser test
# (infra/browser-test.sh: Debian's Chromium driven by playwright-core), and the contract run
# (infra/contract-test.sh: Schemathesis against the OpenAPI document the code generates). Needs the Rust toolchain and
# python3; no AWS account, no network beyond crates.io, PyPI, Debian and npm for the first run.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 not found: the AWS emulator (moto) needs it (apt-get install python3 python3-venv)" >&2
    exit 1
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo not found: install Rust with rustup (https://rustup.rs)" >&2
    exit 1
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true
# Disk: a clean build gains nothing from incremental caches (a copy of every workspace crate's
# objects). And every binary below (the soak, the fairness run, the local stack) is the one
# `cargo test` built, with the tests' feature set: a plain `cargo build` would resolve features
# without the dev-dependencies and build tokio and every AWS SDK crate a second time — 63 crates,
# 1.3 GB and 75 s more (a CI run once ran out of disk on it).
export CARGO_INCREMENTAL=0
export RAPPEL_BUILD_BINS="cargo test --workspace --locked -q --features rappel-aws-tests/emulator --no-run"

started=$(date +%s)
# A step's header, with the seconds since the start: where a slow CI run spends its time.
phase() { echo "== $* (at $(( $(date +%s) - started )) s)"; }
phase "cargo fmt --check"
cargo fmt --all -- --check
phase "cargo clippy --all-targets -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
phase "the local stack builds without the AWS SDK and the Lambda runtime"
bash infra/check-local-deps.sh
phase "template.yaml lint"
bash infra/lint-template.sh
source infra/emulator.sh
trap stop_emulator EXIT
start_emulator
phase "cargo test --workspace"
mkdir -p target
set +e
cargo test --workspace --locked --features rappel-aws-tests/emulator 2>&1 | tee target/test-output.log
status=${PIPESTATUS[0]}
phase "the emulator life-cycle, exactly-once and webhook suites again, 15 % of AWS calls failing (tests/kit/src/fault_proxy.rs)"
rm -f target/aws-faults.jsonl
# (--workspace, not -p: the same feature set as the run above, so nothing is built again.)
RAPPEL_AWS_FAULTS="${RAPPEL_AWS_FAULTS:-0.15}" cargo test --workspace --locked \
    --features rappel-aws-tests/emulator --test emulator -- lifecycle:: exactly_once:: webhooks:: 2>&1 | tee target/faults-output.log
faults_status=${PIPESTATUS[0]}
# (Summed now: the big-business run's counting proxy adds its own lines to the file.)
faults_summary=$(python3 infra/fault-summary.py target/aws-faults.jsonl)
phase "the big-business run (tests/aws/tests/emulator/big_business.rs): one business's re-plans in bounded steps (RAPPEL_BIG_BUSINESS=20000 for the full size)"
RAPPEL_BIG_BUSINESS="${RAPPEL_BIG_BUSINESS:-1000}" cargo test --workspace --locked \
    --features rappel-aws-tests/emulator --test emulator -- big_business:: --ignored --nocapture 2>&1 | tee target/big-business.log
big_status=${PIPESTATUS[0]}
phase "personal data in the logs: a client's whole life logged at every level of Rappel's crates, searched for her name, address, number and words (tests/local/tests/local/logs.rs, tests/aws/tests/emulator/logs.rs; each alone in its process)"
cargo test --workspace --locked --features rappel-aws-tests/emulator --test local -- logs:: --ignored 2>&1 | tee target/logs-output.log
logs_status=${PIPESTATUS[0]}
cargo test --workspace --locked --features rappel-aws-tests/emulator --test emulator -- logs:: --ignored 2>&1 | tee -a target/logs-output.log
if [ "${PIPESTATUS[0]}" -ne 0 ]; then logs_status=1; fi
set -e
stop_emulator

phase "the soak (tests/local/src/soak): the durable local stack under faults, restarts and a doubled, reordered feed; an independent oracle"
set +e
$RAPPEL_BUILD_BINS
SOAK_APPOINTMENTS="${SOAK_APPOINTMENTS:-1000}" SOAK_TENANTS="${SOAK_TENANTS:-10}" SOAK_RESTART_RATE="${SOAK_RESTART_RATE:-0.005}" \
    target/debug/soak 2>&1 | tee target/soak-output.log
soak_status=${PIPESTATUS[0]}
set -e

phase "the fairness run (tests/local/src/fairness.rs): business A bursts 20,000 reminders at a provider's 10/s; business B's must stay on time"
set +e
$RAPPEL_BUILD_BINS
target/debug/fairness 2>&1 | tee target/fairness-output.log
fairness_status=${PIPESTATUS[0]}
set -e

phase "AWS calls per scenario, against their budgets (infra/count-aws-calls.sh)"
set +e
bash infra/count-aws-calls.sh > target/aws-calls.log 2>&1
calls_status=$?
set -e
sed -n '/^## /,$p' target/aws-calls.log
if [ "$calls_status" -ne 0 ]; then tail -20 target/aws-calls.log; fi

phase "the contract: Schemathesis against the local stack's OpenAPI document (infra/contract-test.sh)"
set +e
bash infra/contract-test.sh 2>&1 | tee target/contract-run.log
contract_status=${PIPESTATUS[0]}
set -e

phase "generated clients: Python and TypeScript clients from the committed documents, used (infra/generated-clients.sh)"
set +e
bash infra/generated-clients.sh 2>&1 | tee target/generated-clients.log
generated_status=${PIPESTATUS[0]}
set -e

phase "browser test (Chromium headless: the local inbox page and the clients' link pages)"
set +e
bash infra/browser-test.sh 2>&1 | tee target/browser-output.log
browser_status=${PIPESTATUS[0]}
set -e

passed=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' target/test-output.log | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed;' target/test-output.log | awk '{s+=$1} END {print s+0}')
echo
echo "== summary ($(( $(date +%s) - started )) s)"
echo "tests: ${passed} passed, ${failed} failed"
grep -E '^browser: [0-9]+ passed, [0-9]+ failed' target/browser-output.log \
    || echo "browser: did not run to the end (exit ${browser_status}); see target/browser-output.log"
grep -E '^budget:' target/aws-calls.log | head -1 | sed 's/^/aws calls (life cycle) /' \
    || echo "aws calls: the count did not run to the end (exit ${calls_status}); see target/aws-calls.log"
faults_passed=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' target/faults-output.log | awk '{s+=$4} END {print s+0}')
faults_failed=$(grep -Eo '[0-9]+ failed;' target/faults-output.log | awk '{s+=$1} END {print s+0}')
echo "aws under faults: ${faults_passed} passed, ${faults_failed} failed; ${faults_summary}"
grep -E '^soak result:' target/soak-output.log || echo "soak: did not run to the end (exit ${soak_status}); see target/soak-output.log"
grep -E '^fairness result:' target/fairness-output.log || echo "fairness: did not run to the end (exit ${fairness_status}); see target/fairness-output.log"
grep -E '^big business:' target/big-business.log | grep -v '^big business: seeded' \
    || echo "big business: did not run to the end (exit ${big_status}); see target/big-business.log"
logs_passed=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' target/logs-output.log | awk '{s+=$4} END {print s+0}')
echo "personal data in logs: ${logs_passed} of 2 scans clean (the local stack; the AWS functions on the emulator)"
erasures=$(grep -cE '^test erasure::an_erased_client_leaves_(no_byte|none)_.* \.\.\. ok$' target/test-output.log || true)
echo "personal data after an erasure: ${erasures} of 2 byte scans clean (every file of the local data dir; both DynamoDB tables, the schedules and the queues on the emulator)"
grep -E '^contract:' target/contract-run.log || echo "contract: did not run to the end (exit ${contract_status}); see target/contract-output.log"
grep -E '^generated (clients|python client):' target/generated-clients.log | tail -2 \
    || echo "generated clients: did not run to the end (exit ${generated_status}); see target/generated-clients.log"
if [ "$status" -ne 0 ]; then exit "$status"; fi
if [ "$faults_status" -ne 0 ]; then exit "$faults_status"; fi
if [ "$big_status" -ne 0 ]; then exit "$big_status"; fi
if [ "$logs_status" -ne 0 ]; then exit "$logs_status"; fi
if [ "$soak_status" -ne 0 ]; then exit "$soak_status"; fi
if [ "$fairness_status" -ne 0 ]; then exit "$fairness_status"; fi
if [ "$contract_status" -ne 0 ]; then exit "$contract_status"; fi
if [ "$generated_status" -ne 0 ]; then exit "$generated_status"; fi
if [ "$calls_status" -ne 0 ]; then exit "$calls_status"; fi
exit "$browser_status"
