#!/usr/bin/env bash
# A guided demo against a running local stack (start it first: cargo run -p rappel-local).
# Seeds a French salon, books an appointment three days ahead, moves it, advances the clock to
# fire reminders, cancels it, and shows what was sent and the client's history.
set -euo pipefail
BASE=${RAPPEL_URL:-http://127.0.0.1:8080}
TENANT=${RAPPEL_TENANT:-salon-demo}
H=(-H "content-type: application/json" -H "x-tenant-id: $TENANT")

call() { # method path [json]
    if [ $# -ge 3 ]; then curl -sS -X "$1" "${H[@]}" "$BASE$2" -d "$3"; else curl -sS -X "$1" "${H[@]}" "$BASE$2"; fi
}
field() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
step() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }

step "Seed the business (French defaults, an owner, a type, a staff member)"
call PUT /v1/settings '{"business_name":"Salon Léa","time_zone":"Europe/Paris","default_locale":"fr","managers":[{"id":"owner","name":"Olga","email":"olga@salon-lea.example"}]}' >/dev/null
call PUT /v1/appointment-types/cut '{"name":"Coupe femme"}' >/dev/null
call PUT /v1/staff/sam '{"name":"Sam","email":"sam@salon-lea.example"}' >/dev/null
CLIENT=$(call POST /v1/clients '{"name":"Léa Martin","email":"lea@example.com","phone":"+33612345678"}' | field '["id"]')
echo "client $CLIENT"

NOW=$(call GET /_local/clock | field '["now"]')
read -r START END < <(python3 -c "
import datetime as d; n=d.datetime.fromisoformat('$NOW'.replace('Z','+00:00'))
s=(n+d.timedelta(days=3)).replace(hour=9,minute=0,second=0,microsecond=0)
print(s.isoformat(), (s+d.timedelta(minutes=45)).isoformat())")

step "Book online for $START: confirmation now, reminders planned"
APPT=$(call POST /v1/appointments "{\"client_id\":\"$CLIENT\",\"staff_id\":\"sam\",\"type_id\":\"cut\",\"start\":\"$START\",\"end\":\"$END\"}" | field '["id"]')
call GET "/v1/appointments/$APPT/notifications" | python3 -m json.tool

step "Move it one day later (by the client): notice now, reminders re-planned"
NEW_START=$(python3 -c "import datetime as d; print((d.datetime.fromisoformat('$START')+d.timedelta(days=1)).isoformat())")
call PATCH "/v1/appointments/$APPT" "{\"start\":\"$NEW_START\",\"actor\":\"client\"}" >/dev/null
call GET /_local/schedules | python3 -m json.tool | grep -E '"(name|due)"'

REMINDED=$(python3 -c "import datetime as d; print((d.datetime.fromisoformat('$NEW_START')-d.timedelta(hours=23)).isoformat())")
step "Advance the clock to $REMINDED: the 24 h reminders fire, with the new time"
call POST /_local/clock "{\"to\":\"$REMINDED\"}"; echo

step "Cancel: the client is told, nothing more is sent"
call POST "/v1/appointments/$APPT/cancel" '{"actor":"client"}' | field '["status"]'
call POST /_local/clock '{"advance":"7d"}'; echo

step "The client's communication history"
call GET "/v1/clients/$CLIENT/communications" | python3 -c "
import sys,json
for c in json.load(sys.stdin)['communications']:
    print(f\"{c['recorded_at'][:16]}  {c['kind']:<13} {c['channel']:<5} {c['status']:<10} {c.get('reason') or c.get('subject') or ''}\")"
echo
echo "Every message is also in GET $BASE/_local/outbox (e-mails as .eml files under .rappel-local/outbox)."
