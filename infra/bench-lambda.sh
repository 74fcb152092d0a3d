#!/usr/bin/env bash
# The Lambda functions as they ship, measured in one run (docs/PERFORMANCE.md has the
# figures and what they mean):
#   - size of each stripped release binary;
#   - init time (exec → first poll of the Runtime API) as a ratio to a hello-world
#     lambda_runtime binary, every function given its real environment and the emulator;
#   - the change handler on one 100-record stream batch (100 bookings) against the emulator:
#     its peak resident memory and how long it took.
#
#   bash infra/bench-lambda.sh            # RUNS=21 interleaved init runs per binary
#
# Needs what `bash infra/test.sh` needs (cargo, python3; the emulator installs itself). Not run
# by CI: release builds with fat LTO take ~7 min on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/emulator.sh
RUNS="${RUNS:-21}"
FUNCTIONS=(rappel-api rappel-change-handler rappel-send rappel-publish rappel-inbound-sms rappel-erase)

echo "== building the functions (release profile) and the hello-world baseline"
cargo build --release $(printf -- '-p %s ' "${FUNCTIONS[@]}")
cargo build --release --manifest-path infra/bench/hello-lambda/Cargo.toml \
    --target-dir target/hello-lambda
HELLO=target/hello-lambda/release/hello-lambda

echo "== sizes (stripped release binaries)"
for binary in "$HELLO" "${FUNCTIONS[@]/#/target/release/}"; do
    stat -c '%s %n' "$binary" | awk '{ n = split($2, p, "/"); printf "%-28s %6.1f MB\n", p[n], $1 / 1e6 }'
done

start_emulator
trap stop_emulator EXIT
echo "== preparing the emulator: one deployment's resources, 100 bookings on the stream"
cargo run --quiet -p rappel-aws-tests --bin lambda_bench_fixture target/bench
ENV_ARGS=()
while IFS= read -r line; do ENV_ARGS+=(--env "$line"); done <target/bench/functions.env
ENV_ARGS+=(--env AWS_REGION=us-east-1 --env "AWS_ENDPOINT_URL=$RAPPEL_EMULATOR_URL")

echo "== init: exec → first poll of the Runtime API ($RUNS interleaved runs; ratio to hello-lambda)"
python3 infra/bench/measure_init.py -n "$RUNS" "${ENV_ARGS[@]}" \
    "$HELLO" "${FUNCTIONS[@]/#/target/release/}"

echo "== change handler: one batch of 100 new bookings against the emulator"
python3 infra/peak_rss.py "${ENV_ARGS[@]}" \
    target/release/rappel-change-handler target/bench/change-batch.json
