#!/usr/bin/env bash
# The local stack (README command 1) must build without the AWS SDK and the Lambda runtime: they
# are what made its first build slow (the SDK crates, aws-lc-sys's C build, lambda_http). Only
# the Lambda binaries pull them in, through their crates' `lambda` feature. Fails, naming them,
# if one comes back into `cargo run -p rappel-local`'s graph.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(aws-config|aws-sdk-[a-z0-9-]+|aws-smithy-[a-z0-9-]+|aws-lc-(rs|sys)|lambda_runtime|lambda_http|aws_lambda_events|rappel-aws) '
crates=$(cargo tree -p rappel-local -e normal,build --prefix none --locked | sed 's/ (\*)//' | sort -u)
found=$(grep -E "$forbidden" <<<"$crates" || true)
if [ -n "$found" ]; then
    echo "rappel-local must not depend on the AWS SDK or the Lambda runtime; found:" >&2
    echo "$found" >&2
    echo "(cargo tree -p rappel-local -i <crate> shows which dependency brings it in)" >&2
    exit 1
fi
echo "rappel-local: $(wc -l <<<"$crates") crates, none of the AWS SDK or the Lambda runtime"
