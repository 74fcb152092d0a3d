#!/usr/bin/env bash
# The AWS emulator the integration tests run against: moto server (PyPI), installed into the
# project's own virtual environment (.venv) if missing, started on a free loopback port.
#
#   source infra/emulator.sh && start_emulator   # exports RAPPEL_EMULATOR_URL, EMULATOR_PID,
#                                                # RAPPEL_EMULATOR_RECORDING (requests log)
#   stop_emulator
#
# No AWS account and no network beyond PyPI (first run only) are needed.

source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_emulator() {
    ensure_venv
    local port
    port=$(free_port)
    mkdir -p target
    # Every request is recorded too: tests check what the SDK actually sent (SMS attributes,
    # SES configuration set), which moto does not keep with the message.
    export MOTO_ENABLE_RECORDING="${MOTO_ENABLE_RECORDING:-true}"
    export MOTO_RECORDER_FILEPATH="${MOTO_RECORDER_FILEPATH:-$PWD/target/emulator-requests.jsonl}"
    export RAPPEL_EMULATOR_RECORDING="$MOTO_RECORDER_FILEPATH"
    : >"$MOTO_RECORDER_FILEPATH"
    "$VENV_DIR/bin/moto_server" -H 127.0.0.1 -p "$port" >target/emulator.log 2>&1 &
    EMULATOR_PID=$!
    export EMULATOR_PID
    export RAPPEL_EMULATOR_URL="http://127.0.0.1:${port}"
    # Ready when its own API answers (not after a fixed sleep).
    for _ in $(seq 1 100); do
        if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
            "$RAPPEL_EMULATOR_URL/moto-api/config" >/dev/null 2>&1; then
            echo "== emulator ready at $RAPPEL_EMULATOR_URL (moto $("$VENV_DIR/bin/python" -c 'import moto; print(moto.__version__)'))"
            return 0
        fi
        if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
            echo "the emulator exited; see target/emulator.log" >&2
            cat target/emulator.log >&2
            return 1
        fi
        sleep 0.2
    done
    echo "the emulator did not become ready in 20 s; see target/emulator.log" >&2
    return 1
}

stop_emulator() {
    if [ -n "${EMULATOR_PID:-}" ]; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
        unset EMULATOR_PID
    fi
}
