#!/usr/bin/env bash
# The local stack for a script's run: built as the workspace builds it (no second build), started
# on a free loopback port with the options given, stopped when the script exits.
#
#   source infra/local-stack.sh && start_local_stack --in-memory --frozen-clock --quiet
#   curl "$LOCAL_STACK_URL/_local/clock"

start_local_stack() {
    # infra/test.sh builds it with the tests (one feature set, one build); alone, a plain build.
    ${RAPPEL_BUILD_BINS:-cargo build --workspace --locked -q --bin rappel-local}
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    target/debug/rappel-local "$@" --port "$port" &
    LOCAL_STACK_PID=$!
    trap 'kill "$LOCAL_STACK_PID" 2>/dev/null || true' EXIT
    LOCAL_STACK_URL="http://127.0.0.1:$port"
    for _ in $(seq 1 100); do
        curl -sf "$LOCAL_STACK_URL/_local/clock" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "the local stack did not answer on $LOCAL_STACK_URL" >&2
    return 1
}
