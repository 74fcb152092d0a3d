#!/usr/bin/env bash
# Counts the AWS calls Rappel's functions make
#   1. over one appointment life cycle (the emulator test "book_remind_move_and_cancel…": seed
#      the salon, book with 2 reminders and 1 follow-up, move once, fire the due reminder,
#      cancel);
#   2. per digest firing (one staff member's day with one appointment, e-mail);
#   3. per re-engagement step (its e-mail and its SMS);
#   4. over one invoice life cycle (issued with its notice e-mail and one reminder schedule,
#      then paid: the schedule deleted and the withdrawn reminder recorded stale);
#   5. per freed slot (a cancellation offered to one waitlisted client by e-mail and SMS and
#      to one later booking by e-mail and SMS, whose SMS is suppressed: no phone).
# The emulator records every request; the harness's own calls (stream reads, schedule reads,
# its deletes standing in for ActionAfterCompletion) and the resource set-up are left out.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
export MOTO_ENABLE_RECORDING=true MOTO_RECORDER_FILEPATH="$PWD/target/aws-calls.jsonl"
source infra/emulator.sh
trap stop_emulator EXIT
start_emulator
cargo test -q -p rappel-tests --test aws_lifecycle -- --exact \
    book_remind_move_and_cancel_through_the_lambda_functions_and_aws_adapters
cp "$MOTO_RECORDER_FILEPATH" target/lifecycle-calls.jsonl
export RAPPEL_MEASURE_DIR="$PWD/target"
cargo test -q -p rappel-tests --test aws_digests -- --exact \
    a_digest_firing_goes_through_the_send_queue_and_ses_once
cargo test -q -p rappel-tests --test aws_reengagement
cargo test -q -p rappel-tests --test aws_billing -- --exact \
    an_invoice_is_announced_through_ses_and_its_reminder_schedule_goes_when_it_is_paid
cargo test -q -p rappel-tests --test aws_waitlist
python3 - target/lifecycle-calls.jsonl target/digest-firing.jsonl target/reengagement-step.jsonl \
    target/invoice-life-cycle.jsonl target/freed-slot.jsonl <<'PY'
import base64, collections, json, sys, urllib.parse
SETUP = {"CreateTable", "UpdateTimeToLive", "CreateScheduleGroup", "CreateEmailIdentity",
         "CreateConfigurationSet", "CreateSecret", "CreateQueue"}
def operation(entry):
    headers = {k.lower(): v for k, v in entry["headers"].items()}
    if "x-amz-target" in headers:
        return headers["x-amz-target"].split(".")[-1]
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    action = urllib.parse.parse_qs(body).get("Action")
    if action:
        return action[0]
    path = urllib.parse.urlparse(entry["url"]).path
    method = entry["method"]
    if path.startswith("/schedules"):
        return {"POST": "CreateSchedule", "DELETE": "DeleteSchedule", "GET": "GetSchedule"}[method]
    if path == "/v2/email/outbound-emails":
        return "SendEmail"
    if path.startswith("/schedule-groups"):
        return "CreateScheduleGroup"
    if path.startswith("/v2/email/identities"):
        return "CreateEmailIdentity"
    if path.startswith("/v2/email/configuration-sets"):
        return "CreateConfigurationSet"
    return f"{method} {path}"
def count(path, title):
    counts = collections.Counter()
    for line in open(path):
        if not line.strip():
            continue
        entry = json.loads(line)
        agent = {k.lower(): v for k, v in entry["headers"].items()}.get("user-agent", "")
        if "rappel-harness" in agent or "aws-sdk-rust" not in agent:
            continue
        op = operation(entry)
        if op not in SETUP:
            counts[op] += 1
    print(f"\n## {title}")
    print(f"{'operation':<36} calls")
    for op, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{op:<36} {n}")
    print(f"{'total':<36} {sum(counts.values())}")
count(sys.argv[1], "one appointment life cycle")
count(sys.argv[2], "one digest firing (one staff member, one appointment, e-mail)")
count(sys.argv[3], "one re-engagement step (e-mail + SMS)")
count(sys.argv[4], "one invoice life cycle (issued, notice e-mail, reminder scheduled, paid)")
count(sys.argv[5], "one freed slot (the cancellation, its notices and alerts, two clients offered it)")
PY
