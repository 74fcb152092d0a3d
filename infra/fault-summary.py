"""One line from the fault proxy's counts (target/aws-faults.jsonl, a line per emulator app):
requests the functions made, faults injected, their share and kinds."""
import collections
import json
import sys

requests = faults = 0
kinds = collections.Counter()
try:
    with open(sys.argv[1]) as lines:
        for line in lines:
            app = json.loads(line)
            requests += app["requests"]
            faults += app["faults"]
            for injected in app["injected"]:
                kinds[injected["fault"]] += injected["n"]
except FileNotFoundError:
    print("no fault counts (the suites did not run)")
    sys.exit(0)
share = 100.0 * faults / requests if requests else 0.0
detail = ", ".join(f"{kind} {n}" for kind, n in kinds.most_common())
print(f"{faults} of {requests} AWS requests failed ({share:.1f} %): {detail}")
