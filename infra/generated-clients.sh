#!/usr/bin/env bash
# The contract as integrators use it (infra/test.sh): clients generated from the committed
# documents by tools nobody here wrote, then used.
# - Python: openapi-python-client (pinned in infra/requirements-test.txt) generates a client
#   from docs/openapi.json and from docs/openapi-local.json; any warning (a schema it could not
#   read, an operation it left out) fails the run. The API's client then books and acts against
#   the local stack (infra/generated-clients/check_python_client.py).
# - TypeScript: openapi-typescript types both documents (pinned with tsc in
#   infra/generated-clients/package.json) and tsc --strict compiles what an integrator writes
#   with them (infra/generated-clients/uses.ts). `--default-non-nullable false`: a default is
#   what the server fills in, so a request may leave the field out (the tool's default makes
#   every defaulted field required, in requests too).
# Prints "generated clients: …"; fails on the first problem.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/venv.sh
ensure_venv

source infra/apt.sh
command -v node >/dev/null 2>&1 || apt_install nodejs npm

out=target/generated-clients
rm -rf "$out"
mkdir -p "$out/python"
printf 'post_hooks: []\n' >"$out/python-config.yaml"
for doc in openapi openapi-local; do
    package="rappel_${doc//-/_}"
    log="$out/$doc-python.log"
    .venv/bin/openapi-python-client generate --path "docs/$doc.json" --meta none \
        --output-path "$out/python/$package" --config "$out/python-config.yaml" >"$log" 2>&1 \
        || { cat "$log"; echo "generated clients: openapi-python-client failed on docs/$doc.json"; exit 1; }
    if grep -qE 'Warning|Unable to process|Attempted to generate|will not be generated' "$log"; then
        cat "$log"
        echo "generated clients: openapi-python-client could not read all of docs/$doc.json"
        exit 1
    fi
done
# The check imports the API's client under the name an integrator would give it.
mv "$out/python/rappel_openapi" "$out/python/rappel_client"

source infra/local-stack.sh
start_local_stack --in-memory --clock-at 2026-03-20T09:00:00Z --quiet
python_line=$(.venv/bin/python infra/generated-clients/check_python_client.py "$out/python" "$LOCAL_STACK_URL")
echo "$python_line"

ts="$out/typescript"
mkdir -p "$ts"
cp infra/generated-clients/package.json infra/generated-clients/package-lock.json infra/generated-clients/uses.ts "$ts/"
(cd "$ts" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
for doc in openapi openapi-local; do
    "$ts/node_modules/.bin/openapi-typescript" "docs/$doc.json" --default-non-nullable false \
        -o "$ts/${doc/openapi/api}.d.ts" >"$out/$doc-typescript.log" 2>&1 \
        || { cat "$out/$doc-typescript.log"; echo "generated clients: openapi-typescript failed on docs/$doc.json"; exit 1; }
done
(cd "$ts" && node_modules/.bin/tsc --noEmit --strict --target es2020 --moduleResolution node uses.ts api-local.d.ts) \
    || { echo "generated clients: tsc refused what an integrator writes with the generated types"; exit 1; }
echo "generated clients: python (openapi-python-client) from both documents without a warning, used against the local stack; typescript (openapi-typescript) from both documents, compiled by tsc --strict"
