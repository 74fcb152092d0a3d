#!/usr/bin/env bash
# Counts the AWS calls Rappel's functions make
#   1. over one appointment life cycle (the emulator test "book_remind_move_and_cancel…": seed
#      the salon, book with 2 reminders and 1 follow-up, move once, fire the due reminder,
#      cancel; each stage's delivery events published by the publish function);
#   2. per digest firing (one staff member's day with one appointment, e-mail);
#   3. per re-engagement step (its e-mail and its SMS);
#   4. over one invoice life cycle (issued with its notice e-mail and one reminder schedule,
#      then paid: the schedule deleted and the withdrawn reminder recorded stale);
#   5. per freed slot (a cancellation offered to one waitlisted client by e-mail and SMS and
#      to one later booking by e-mail and SMS, whose SMS is suppressed: no phone);
#   6. per booking of a client without a phone (the salon's day-before e-mail, 2-hour SMS and
#      follow-up e-mail: the SMS decided at planning gets no schedule).
# The emulator records every request; the harness's own calls (stream reads, schedule reads,
# its deletes standing in for ActionAfterCompletion) and the resource set-up are left out.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
export MOTO_ENABLE_RECORDING=true MOTO_RECORDER_FILEPATH="$PWD/target/aws-calls.jsonl"
source infra/emulator.sh
trap stop_emulator EXIT
start_emulator
# The workspace's feature set, as infra/test.sh builds it: nothing is built again.
emulator_tests="cargo test -q --workspace --locked --features rappel-aws-tests/emulator --test emulator"
$emulator_tests -- --exact \
    lifecycle::book_remind_move_and_cancel_through_the_lambda_functions_and_aws_adapters
cp "$MOTO_RECORDER_FILEPATH" target/lifecycle-calls.jsonl
export RAPPEL_MEASURE_DIR="$PWD/target"
$emulator_tests -- --exact \
    digests::a_digest_firing_goes_through_the_send_queue_and_ses_once
$emulator_tests -- reengagement::
$emulator_tests -- --exact \
    billing::an_invoice_is_announced_through_ses_and_its_reminder_schedule_goes_when_it_is_paid
$emulator_tests -- waitlist::
$emulator_tests -- --exact \
    lifecycle::a_booking_schedules_only_the_messages_that_can_go_out
python3 - target/lifecycle-calls.jsonl target/digest-firing.jsonl target/reengagement-step.jsonl \
    target/invoice-life-cycle.jsonl target/freed-slot.jsonl target/booking-without-phone.jsonl <<'PY'
import base64, collections, json, sys, urllib.parse
SETUP = {"CreateTable", "UpdateTimeToLive", "CreateScheduleGroup", "CreateEmailIdentity",
         "CreateConfigurationSet", "CreateSecret", "CreateQueue", "CreateEventBus"}
def entries(path):
    # moto's threads append concurrently: an e-mail's document and its newline are two
    # writes, so two documents can share a line (tests/aws/src/recording.rs reads it alike).
    decoder = json.JSONDecoder()
    for line in open(path):
        at = 0
        line = line.strip()
        while at < len(line):
            entry, at = decoder.raw_decode(line, at)
            yield entry
            while at < len(line) and line[at].isspace():
                at += 1
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
FUNCTIONS = ["rappel-api", "rappel-change-handler", "rappel-replan", "rappel-send", "rappel-publish", "rappel-inbound-sms"]
def function_of(headers):
    agent = " ".join(v for k, v in headers.items() if "user-agent" in k)
    for name in FUNCTIONS:
        if f"app/{name}" in agent:
            return name.removeprefix("rappel-")
    return "other"
def count(path, title, budget):
    counts = collections.Counter()
    by_function = collections.defaultdict(collections.Counter)
    for entry in entries(path):
        headers = {k.lower(): v for k, v in entry["headers"].items()}
        agent = " ".join(v for k, v in headers.items() if "user-agent" in k)
        if "rappel-harness" in agent or "aws-sdk-rust" not in agent:
            continue
        op = operation(entry)
        if op not in SETUP:
            counts[op] += 1
            by_function[op][function_of(headers)] += 1
    columns = ["api", "change-handler", "replan", "send", "publish"]
    print(f"\n## {title}")
    print(f"{'operation':<30} {'calls':>6} " + " ".join(f"{c:>15}" for c in columns))
    for op, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{op:<30} {n:>6} " + " ".join(f"{by_function[op][c]:>15}" for c in columns))
    totals = [sum(by_function[op][c] for op in counts) for c in columns]
    total = sum(counts.values())
    print(f"{'total':<30} {total:>6} " + " ".join(f"{t:>15}" for t in totals))
    over = []
    for what, limit in budget.items():
        found = total if what == "total" else counts[what]
        if found > limit:
            over.append(f"{what}: {found} > budget {limit}")
    found = {what: total if what == "total" else counts[what] for what in budget}
    print("budget: " + ", ".join(f"{k} {found[k]} <= {v}" for k, v in budget.items())
          + (" — OVER: " + "; ".join(over) if over else " — within"))
    return over
# Every DynamoDB operation a function was seen making must be allowed by its policy in
# template.yaml (the emulator does not check IAM; AWS would refuse the call).
RESOURCE_OF = {"api": "ApiFunction", "change-handler": "ChangeHandlerFunction",
               "replan": "ReplanFunction", "send": "SendFunction", "publish": "PublishFunction"}
# TransactWriteItems is authorised per item: a Put inside it needs dynamodb:PutItem.
ACTION_FOR = {"TransactWriteItems": "PutItem"}
def allowed_actions(resource):
    lines = open("template.yaml").read().splitlines()
    start = lines.index(f"  {resource}:")
    block = []
    for line in lines[start + 1:]:
        if line.startswith("  ") and not line.startswith("   ") and line.strip():
            break
        block.append(line)
    text = "\n".join(block)
    import re
    return set(re.findall(r"dynamodb:([A-Za-z]+)", text))
DYNAMODB = {"GetItem", "BatchGetItem", "PutItem", "DeleteItem", "UpdateItem", "Query",
            "TransactWriteItems", "BatchWriteItem"}
def unauthorised(paths):
    seen = collections.defaultdict(set)
    for path in paths:
        for entry in entries(path):
            headers = {k.lower(): v for k, v in entry["headers"].items()}
            op = operation(entry)
            function = function_of(headers)
            if op in DYNAMODB and function in RESOURCE_OF:
                seen[function].add(ACTION_FOR.get(op, op))
    missing = []
    for function, ops in sorted(seen.items()):
        allowed = allowed_actions(RESOURCE_OF[function])
        missing += [f"{RESOURCE_OF[function]} lacks dynamodb:{op}" for op in sorted(ops - allowed)]
    return missing

# The budgets (docs/PERFORMANCE.md works out the life cycle's floor, 97 calls — 91 before the
# re-plan jobs, which add 4 for the seeded settings' job and 2 visit marks; its budget was the
# floor + 15 %, and each other scenario's is its measured count + ~15 %): a change that makes
# Rappel call AWS more often fails the test command. The delivery events (issue 28) add 11 to
# the life cycle: 3 writes (the planning events of 3 change batches), and the publish
# function's 4 PutEvents and 4 queries of the business's endpoints, one each per stage — 108 →
# 119. Issue 31 lowered every budget to the count reached (docs/PERFORMANCE.md argues the
# calls left above the floor): one call more than today fails.
over = []
over += count(sys.argv[1], "one appointment life cycle", {"total": 119, "GetItem": 6})
over += count(sys.argv[2], "one digest firing (one staff member, one appointment, e-mail)", {"total": 9})
over += count(sys.argv[3], "one re-engagement step (e-mail + SMS)", {"total": 14})
over += count(sys.argv[4], "one invoice life cycle (issued, notice e-mail, reminder scheduled, paid)", {"total": 27})
over += count(sys.argv[5], "one freed slot (the cancellation, its notices and alerts, two clients offered it)", {"total": 60})
# One schedule per message that can go out: 2 here (before, one per planned message: 3).
over += count(sys.argv[6], "one booking of a client without a phone (schedules per appointment)",
              {"total": 29, "CreateSchedule": 2})
missing = unauthorised(sys.argv[1:7])
print("\n## IAM: " + ("every DynamoDB operation seen is allowed by template.yaml" if not missing
                       else "NOT ALLOWED: " + "; ".join(missing)))
if over:
    print("\nAWS call budget exceeded: " + "; ".join(over), file=sys.stderr)
if missing:
    print("\ntemplate.yaml does not allow what the functions call: " + "; ".join(missing),
          file=sys.stderr)
if over or missing:
    sys.exit(1)
PY
