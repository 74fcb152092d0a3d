"""Puts Rappel's dead letters back through the normal path. One mode per dead-letter format:

  send       the send queue's dead-letter queue: bodies are send requests (`{"v": 2, "key"|
             "digest"|"settle": ...}`); each goes back on the send queue (the send function
             re-checks the current state, the ledger makes a message already sent a
             duplicate). The same for the re-plan queue's dead-letter queue (re-plan steps, back
             on the re-plan queue: every step is idempotent).
  schedules  the schedules' dead-letter queue (EventBridge Scheduler could not put a firing on
             the send queue): the body is the schedule's input, `{"key": ...}` — back on the
             send queue too.
  stream     the change handler's or the publish function's failure queue: Lambda keeps only
             the *position* of a failed stream batch (shard, first and last sequence number).
             The records are read back from the stream — within its 24 h retention — and
             written as Lambda events (`--out DIR`) or handed to the function (`--invoke
             FUNCTION`; the publish function keeps the new events of the batch itself).

  replan     past the stream's retention, the failure queue's positions point at nothing; or
             schedules were lost (a schedule group deleted, a target replaced). The records are
             still in the table: this mode puts a *repair* job per business (`--tenant`, one or
             more) on the re-plan queue (`--queue`), which the re-plan function runs like any
             job, in bounded steps, through the indexes (no scan): every appointment still
             ending ahead (or less than 91 days ago), every open invoice and quote, every client
             due for re-engagement, every staff and manager digest — each schedule of their
             current plans created again (creating an existing schedule is a no-op; with
             `--recreate` each is deleted first, so it points at today's queue and role). With
             `--changes-since T`, the messages of the appointment changes made since T (the
             outage) are queued again too: the ledger turns those already sent into duplicates
             and the send-time verdict refuses those now too late. Safe to run more than once;
             its progress shows on `GET /v1/settings` (`replan`).

A message is deleted from its dead-letter queue only once it is back on the normal path; one
that cannot be (unreadable body, stream records past retention) stays and is reported.
Uses boto3 and the usual AWS environment (AWS_PROFILE / AWS_REGION; AWS_ENDPOINT_URL for an
emulator).
"""

import argparse
import json
import os
import sys

import boto3
from botocore.exceptions import ClientError


def client(service):
    return boto3.client(service, endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))


def receive_all(sqs, queue_url, limit):
    """Every message of the queue (up to `limit`), each hidden for 5 minutes while it is handled."""
    seen = 0
    while seen < limit:
        batch = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=min(10, limit - seen),
            WaitTimeSeconds=1,
            VisibilityTimeout=300,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            return
        for message in batch:
            seen += 1
            yield message


KEPT = []


def keep(sqs, queue_url, message, why):
    """Leaves a message on its dead-letter queue and says why; it is made visible again once
    the pass is over (not at once: the pass would receive it again)."""
    KEPT.append((queue_url, message["ReceiptHandle"]))
    print(f"kept {message['MessageId']}: {why}", file=sys.stderr)


def release_kept(sqs):
    for queue_url, receipt in KEPT:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt, VisibilityTimeout=0)


def is_send_request(body):
    """A send request (a message's key, a digest firing, a settle) or a re-plan step."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return False
    if not isinstance(parsed, dict):
        return False
    return (
        isinstance(parsed.get("key"), dict)
        or isinstance(parsed.get("digest"), dict)
        or isinstance(parsed.get("settle"), dict)
        or (isinstance(parsed.get("job"), dict) and isinstance(parsed.get("step"), str))
    )


def replay_to_queue(args):
    sqs = client("sqs")
    moved, kept = 0, 0
    for message in receive_all(sqs, args.source, args.max):
        body = message["Body"]
        if not is_send_request(body):
            kept += 1
            keep(sqs, args.source, message, "not a send request")
            continue
        if not args.dry_run:
            sqs.send_message(QueueUrl=args.to, MessageBody=body)
            sqs.delete_message(QueueUrl=args.source, ReceiptHandle=message["ReceiptHandle"])
        moved += 1
    release_kept(sqs)
    print(f"replayed {moved}, kept {kept}")
    return 0 if kept == 0 else 1


def stream_records(streams, info):
    """The stream records between the batch's first and last sequence numbers."""
    iterator = streams.get_shard_iterator(
        StreamArn=info["streamArn"],
        ShardId=info["shardId"],
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber=info["startSequenceNumber"],
    )["ShardIterator"]
    last = int(info["endSequenceNumber"])
    records = []
    while iterator:
        page = streams.get_records(ShardIterator=iterator, Limit=1000)
        for record in page.get("Records", []):
            if int(record["dynamodb"]["SequenceNumber"]) > last:
                return records
            records.append(record)
        if not page.get("Records"):
            return records
        iterator = page.get("NextShardIterator")
    return records


def as_lambda_event(records, stream_arn):
    """The event Lambda's stream mapping would have delivered (epoch-second timestamps)."""
    out = []
    for record in records:
        record = json.loads(json.dumps(record, default=lambda d: d.timestamp()))
        record["eventSourceARN"] = stream_arn
        out.append(record)
    return {"Records": out}


def replay_stream(args):
    sqs = client("sqs")
    streams = client("dynamodbstreams")
    lam = client("lambda") if args.invoke else None
    replayed, kept = 0, 0
    for message in receive_all(sqs, args.source, args.max):
        try:
            info = json.loads(message["Body"])["DDBStreamBatchInfo"]
            records = stream_records(streams, info)
        except (ValueError, KeyError) as error:
            kept += 1
            keep(sqs, args.source, message, f"not a stream failure record ({error})")
            continue
        except ClientError as error:
            kept += 1
            code = error.response.get("Error", {}).get("Code")
            keep(
                sqs,
                args.source,
                message,
                f"{code} - the records are past the stream's 24 h retention; re-plan the "
                "affected records instead (docs/OPERATIONS.md: Dead letters)",
            )
            continue
        event = as_lambda_event(records, info["streamArn"])
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            path = os.path.join(args.out, f"stream-batch-{message['MessageId']}.json")
            with open(path, "w") as f:
                json.dump(event, f, indent=2)
            print(f"wrote {len(records)} records to {path}")
        if lam is not None and not args.dry_run:
            answer = lam.invoke(FunctionName=args.invoke, Payload=json.dumps(event).encode())
            result = json.loads(answer["Payload"].read() or b"{}")
            if answer.get("FunctionError") or result.get("batchItemFailures"):
                kept += 1
                keep(sqs, args.source, message, f"the function failed again: {result}")
                continue
        if not args.dry_run:
            sqs.delete_message(QueueUrl=args.source, ReceiptHandle=message["ReceiptHandle"])
        replayed += 1
    release_kept(sqs)
    print(f"replayed {replayed}, kept {kept}")
    return 0 if kept == 0 else 1


def replan(args):
    """One repair job per business, as its first step (`begin`) on the re-plan queue."""
    import datetime

    sqs = client("sqs")
    job = args.job or "repair-" + datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y%m%dT%H%M%SZ"
    )
    queued = 0
    for tenant in args.tenant:
        work = {
            "v": 1,
            "job": {
                "id": job,
                "tenant": tenant,
                "cause": "repair",
                "recreate": bool(args.recreate),
                "changes_since": args.changes_since,
            },
            "step": "begin",
        }
        if args.dry_run:
            print(json.dumps(work))
        else:
            sqs.send_message(QueueUrl=args.queue, MessageBody=json.dumps(work))
        queued += 1
    print(f"queued a repair ({job}) of {queued} business(es); its progress shows on GET /v1/settings (replan)")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["send", "schedules", "stream", "replan"])
    parser.add_argument("--from", dest="source", help="URL of the dead-letter queue")
    parser.add_argument("--queue", help="replan: URL of the re-plan queue")
    parser.add_argument(
        "--tenant", action="append", default=[], help="replan: a business to repair (repeat for more)"
    )
    parser.add_argument(
        "--recreate", action="store_true", help="replan: delete each schedule before creating it again"
    )
    parser.add_argument(
        "--changes-since",
        help="replan: queue again the messages of appointment changes made since this UTC instant (YYYY-MM-DDTHH:MM:SSZ)",
    )
    parser.add_argument("--job", help="replan: the job's id (default repair-<now>)")
    parser.add_argument("--to", help="URL of the send queue (send, schedules)")
    parser.add_argument("--out", help="stream: folder to write the recovered Lambda events to")
    parser.add_argument("--invoke", help="stream: the change handler function to hand them to")
    parser.add_argument("--max", type=int, default=10000, help="at most this many messages")
    parser.add_argument("--dry-run", action="store_true", help="read and report, change nothing")
    args = parser.parse_args()
    if args.mode == "replan":
        if not args.queue or not args.tenant:
            parser.error("replan needs --queue and at least one --tenant")
        return replan(args)
    if not args.source:
        parser.error("--from (the dead-letter queue URL) is required")
    if args.mode in ("send", "schedules") and not args.to:
        parser.error("--to (the send queue URL) is required")
    if args.mode == "stream" and not (args.out or args.invoke):
        parser.error("--out or --invoke is required")
    return replay_stream(args) if args.mode == "stream" else replay_to_queue(args)


if __name__ == "__main__":
    sys.exit(main())
