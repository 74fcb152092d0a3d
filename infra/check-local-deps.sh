#!/usr/bin/env bash
# The local stack (README command 1) must build without the AWS SDK and the Lambda runtime: they
# are what made its first build slow (the SDK crates, aws-lc-sys's C build, lambda_http). Only
# the Lambda binaries pull them in, through their crates' `lambda` feature. The local
# end-to-end tests (rappel-local-tests, dev-dependencies included) are held to the same rule, so
# one of them builds in the time the stack does. Fails, naming them, if one comes back.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(aws-config|aws-sdk-[a-z0-9-]+|aws-smithy-[a-z0-9-]+|aws-lc-(rs|sys)|lambda_runtime|lambda_http|aws_lambda_events|rappel-aws) '
check() {
    local package=$1 edges=$2
    local crates found
    crates=$(cargo tree -p "$package" -e "$edges" --prefix none --locked | sed 's/ (\*)//' | sort -u)
    found=$(grep -E "$forbidden" <<<"$crates" || true)
    if [ -n "$found" ]; then
        echo "$package must not depend on the AWS SDK or the Lambda runtime; found:" >&2
        echo "$found" >&2
        echo "(cargo tree -p $package -i <crate> shows which dependency brings it in)" >&2
        exit 1
    fi
    echo "$package: $(wc -l <<<"$crates") crates, none of the AWS SDK or the Lambda runtime"
}
check rappel-local normal,build
check rappel-local-tests normal,build,dev
