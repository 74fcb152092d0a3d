"""Puts Rappel's dead letters back through the normal path. One mode per dead-letter format:

  send       the send queue's dead-letter queue: bodies are `{"key": ...}`; each goes back
             on the send queue (the send function re-checks the current state, the ledger makes
             a message already sent a duplicate).
  schedules  the schedules' dead-letter queue (EventBridge Scheduler could not put a firing on
             the send queue): the body is the schedule's input, `{"key": ...}` — back on the
             send queue too.
  stream     the change handler's failure queue: Lambda keeps only the *position* of a failed
             stream batch (shard, first and last sequence number). The records are read back
             from the stream — within its 24 h retention — and written as Lambda events
             (`--out DIR`) or handed to the change handler (`--invoke FUNCTION`).

  replan     past the stream's retention, the failure queue's positions point at nothing. The
             records themselves are still in the table: this mode hands every appointment still
             ending ahead (or less than 91 days ago), optionally of one tenant, to the change
             handler as a fresh image (no old image). It re-creates every schedule of its current
             plan (creating an existing schedule is a no-op) and re-queues the messages of its
             last change — the ledger turns those already sent into duplicates and the
             send-time verdict refuses those now too late. Safe to run more than once.

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
    try:
        parsed = json.loads(body)
    except ValueError:
        return False
    return isinstance(parsed, dict) and isinstance(parsed.get("key"), dict)


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
                "affected records instead (README: Dead letters)",
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
                keep(sqs, args.source, message, f"the change handler failed again: {result}")
                continue
        if not args.dry_run:
            sqs.delete_message(QueueUrl=args.source, ReceiptHandle=message["ReceiptHandle"])
        replayed += 1
    release_kept(sqs)
    print(f"replayed {replayed}, kept {kept}")
    return 0 if kept == 0 else 1


def replan(args):
    """Current appointment images, as stream INSERT records, in batches of 25."""
    import datetime
    import uuid

    dynamodb = client("dynamodb")
    lam = client("lambda") if args.invoke else None
    since = args.since or (
        datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=91)
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    condition = "begins_with(sk, :appointment) AND end_sk >= :since"
    values = {":appointment": {"S": "appointment#"}, ":since": {"S": since}}
    if args.tenant:
        condition += " AND pk = :tenant"
        values[":tenant"] = {"S": f"T#{args.tenant}"}
    items, start = [], None
    while True:
        page = dynamodb.scan(
            TableName=args.table,
            FilterExpression=condition,
            ExpressionAttributeValues=values,
            ConsistentRead=True,
            **({"ExclusiveStartKey": start} if start else {}),
        )
        items.extend(page.get("Items", []))
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    records = [
        {
            "eventID": uuid.uuid4().hex,
            "eventName": "INSERT",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": os.environ.get("AWS_REGION", "us-east-1"),
            "eventSourceARN": f"replan:{args.table}",
            "dynamodb": {
                "ApproximateCreationDateTime": now,
                "Keys": {"pk": item["pk"], "sk": item["sk"]},
                "NewImage": item,
                "SequenceNumber": f"replan-{n:08d}",
                "SizeBytes": len(json.dumps(item)),
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            },
        }
        for n, item in enumerate(items)
    ]
    failed = 0
    for n in range(0, len(records), 25):
        event = {"Records": records[n : n + 25]}
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            path = os.path.join(args.out, f"replan-{n // 25:04d}.json")
            with open(path, "w") as f:
                json.dump(event, f, indent=2)
        if lam is not None and not args.dry_run:
            answer = lam.invoke(FunctionName=args.invoke, Payload=json.dumps(event).encode())
            result = json.loads(answer["Payload"].read() or b"{}")
            if answer.get("FunctionError") or result.get("batchItemFailures"):
                failed += 1
                print(f"batch {n // 25} failed: {result} - run again", file=sys.stderr)
    print(f"re-planned {len(records)} appointments in {(len(records) + 24) // 25} batches, {failed} failed")
    return 0 if failed == 0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["send", "schedules", "stream", "replan"])
    parser.add_argument("--from", dest="source", help="URL of the dead-letter queue")
    parser.add_argument("--table", help="replan: the records table")
    parser.add_argument("--tenant", help="replan: only this business")
    parser.add_argument(
        "--since",
        help="replan: appointments ending at or after this UTC instant (YYYY-MM-DDTHH:MM:SSZ; default 91 days ago)",
    )
    parser.add_argument("--to", help="URL of the send queue (send, schedules)")
    parser.add_argument("--out", help="stream: folder to write the recovered Lambda events to")
    parser.add_argument("--invoke", help="stream: the change handler function to hand them to")
    parser.add_argument("--max", type=int, default=10000, help="at most this many messages")
    parser.add_argument("--dry-run", action="store_true", help="read and report, change nothing")
    args = parser.parse_args()
    if args.mode == "replan":
        if not args.table or not (args.out or args.invoke):
            parser.error("replan needs --table and --out or --invoke")
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
