"""Runs the Schemathesis CLI (infra/contract-test.sh) with one patch for the Python it runs on.

CPython 3.11 before 3.11.8 can raise SystemError("AST constructor recursion depth mismatch")
from ast.parse (python/cpython#106905); this machine's Python is 3.11.7. Hypothesis parses a
lambda's source only to describe it in a report, and lets that error escape, which ended a
contract run with a "Runtime Error" now and then on an operation that had nothing wrong. The
description falls back to Hypothesis's own placeholder instead; every check still runs.
"""
import sys

import hypothesis.internal.lambda_sources as lambda_sources

_describe = lambda_sources._lambda_description


def _described(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _described

from schemathesis.cli import schemathesis  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "schemathesis"
    sys.exit(schemathesis())
