#!/usr/bin/env python3
"""Every example of an OpenAPI document holds against the schema it illustrates.

Used by infra/contract-test.sh on the local stack's document (the API's is inside it): the
examples of parameters, request bodies and answers, and the `examples` of schemas. Prints
"examples: N checked, M invalid" and lists the invalid ones; exits 1 if any is.
Usage: check-examples.py DOCUMENT.json
"""
import json
import sys

from jsonschema import Draft202012Validator


def main(path):
    with open(path) as f:
        document = json.load(f)
    checked, invalid = 0, []

    def check(where, schema, example):
        nonlocal checked
        checked += 1
        # The document is the root, so "#/components/schemas/..." references resolve.
        root = dict(document)
        root["allOf"] = [schema]
        errors = list(Draft202012Validator(root).iter_errors(example))
        if errors:
            invalid.append(f"{where}: {errors[0].message}")

    def walk(node, where):
        if isinstance(node, dict):
            if "schema" in node and "example" in node:
                check(where, node["schema"], node["example"])
            if isinstance(node.get("examples"), list) and (
                "type" in node or "$ref" in node or "properties" in node
            ):
                for i, example in enumerate(node["examples"]):
                    check(f"{where}/examples/{i}", {k: v for k, v in node.items() if k != "examples"}, example)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(document, "#")
    print(f"examples: {checked} checked, {len(invalid)} invalid")
    for line in invalid:
        print(f"  {line}")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
