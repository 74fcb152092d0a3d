#!/usr/bin/env bash
# The contract run (infra/test.sh): Schemathesis (PyPI, pinned in infra/requirements-test.txt)
# against the local stack's own OpenAPI document (GET /openapi.json, generated from the code):
# every operation, in every phase (the document's examples, coverage, fuzzing, and stateful
# create -> get / patch / act chains along the document's links), checking that no answer is
# a 5xx, that every status, content type and body is the documented one. The stack starts in
# memory, its clock frozen at a fixed instant, so a run depends on the seed only.
# First checks that every example of the document holds against its schema (check-examples.py).
# Prints "contract: N/N operations, M test cases, F failures (seed S); E examples valid"; fails
# on any failure or invalid example.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/venv.sh
ensure_venv

SEED="${CONTRACT_SEED:-42}"
EXAMPLES="${CONTRACT_EXAMPLES:-60}"
# Beyond the four conformance checks: negative data must be refused (a body of the wrong
# shape, a value outside its schema), answers carry their documented headers, a deleted record
# is gone, a created one can be read, an undeclared method is refused. (Not ignored_auth: the
# local stack's tenant header is its authentication, and any well-formed value is a business.)
CONTRACT_CHECKS="${CONTRACT_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,response_headers_conformance,use_after_free,ensure_resource_availability,unsupported_method,missing_required_header}"
source infra/local-stack.sh
start_local_stack --in-memory --clock-at 2026-03-20T09:00:00Z --quiet
# A business with a manager, a staff member and an appointment type under the ids the
# document's examples use, so that examples and fuzzed bodies reach past "unknown reference".
api() { curl -sf -X "$1" -H 'X-Tenant-Id: contract' -H 'content-type: application/json' \
    "$LOCAL_STACK_URL$2" -d "$3" >/dev/null; }
api PUT /v1/settings '{"business_name": "Salon Contract", "time_zone": "Europe/Paris",
    "managers": [{"id": "mg_owner", "name": "Owner", "email": "owner@example.com"}]}'
api PUT /v1/staff/st_ana '{"name": "Ana Martin", "email": "ana@example.com"}'
api PUT /v1/appointment-types/haircut '{"name": "Haircut"}'

mkdir -p target
# Every example in the document holds against its schema (the fuzzer sends the request ones).
curl -sf "$LOCAL_STACK_URL/openapi.json" > target/openapi-local.json
.venv/bin/python infra/check-examples.py target/openapi-local.json | tee target/contract-examples.log
set +e
.venv/bin/python infra/schemathesis-run.py --config-file infra/schemathesis.toml run \
    "$LOCAL_STACK_URL/openapi.json" \
    --checks "${CONTRACT_CHECKS}" \
    --seed "$SEED" --max-examples "$EXAMPLES" --workers 2 --no-color \
    --report junit --report-junit-path target/contract-junit.xml \
    > target/contract-output.log 2>&1
status=$?
set -e
sed -n '/^=* *\(FAILURES\|ERRORS\) *=*$/,$p' target/contract-output.log | head -150
sed -n '/ SUMMARY /,$p' target/contract-output.log
operations=$(grep -Eo 'Tested: [0-9]+' target/contract-output.log | grep -Eo '[0-9]+' || echo 0)
selected=$(grep -Eo 'Selected: [0-9]+/[0-9]+' target/contract-output.log | grep -Eo '[0-9]+$' || echo 0)
cases=$(grep -Eo '[0-9]+ generated' target/contract-output.log | grep -Eo '[0-9]+' || echo 0)
failures=$(grep -Eo '[0-9]+ found [0-9]+ unique failures?' target/contract-output.log | grep -Eo '[0-9]+ unique' | grep -Eo '[0-9]+' || echo 0)
examples=$(grep -Eo '^examples: [0-9]+ checked' target/contract-examples.log | grep -Eo '[0-9]+')
echo "contract: ${operations}/${selected} operations, ${cases} test cases, ${failures} failures (schemathesis, seed ${SEED}, exit ${status}); ${examples} examples valid"
exit "$status"
