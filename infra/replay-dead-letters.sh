#!/usr/bin/env bash
# Puts Rappel's dead letters back through the normal path (see infra/replay_dead_letters.py
# for the three formats). With the stack's outputs:
#
#   bash infra/replay-dead-letters.sh send      --from "$SEND_DLQ_URL"     --to "$SEND_QUEUE_URL"
#   bash infra/replay-dead-letters.sh schedules --from "$SCHEDULE_DLQ_URL" --to "$SEND_QUEUE_URL"
#   bash infra/replay-dead-letters.sh stream    --from "$STREAM_FAILURE_QUEUE_URL" \
#       --invoke "$CHANGE_HANDLER_FUNCTION"      # or --out DIR to only write the events
#   bash infra/replay-dead-letters.sh send      --from "$REPLAN_DLQ_URL"   --to "$REPLAN_QUEUE_URL"
#   bash infra/replay-dead-letters.sh stream    --from "$PUBLISH_FAILURE_QUEUE_URL" \
#       --invoke "$PUBLISH_FUNCTION"             # the delivery events' batches
#   bash infra/replay-dead-letters.sh send      --from "$WEBHOOK_RETRY_DLQ_URL" \
#       --to "$WEBHOOK_RETRY_QUEUE_URL"          # webhook endpoint runs
#   bash infra/replay-dead-letters.sh replan    --queue "$REPLAN_QUEUE_URL" --tenant salon-lea \
#       [--tenant …] [--recreate] [--changes-since 2026-03-20T00:00:00Z]
#
# Needs boto3: the system python3's if it has it, else the project's .venv (infra/venv.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if python3 -c 'import boto3' >/dev/null 2>&1; then
    exec python3 "$here/replay_dead_letters.py" "$@"
fi
cd "$here/.."
source infra/venv.sh
ensure_venv >&2
exec "$VENV_DIR/bin/python" "$here/replay_dead_letters.py" "$@"
