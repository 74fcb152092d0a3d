"""Uses the Python client generated from docs/openapi.json (openapi-python-client) against the
local stack, the way an integrator would: settings, a staff member, an appointment type, a
client, an appointment, its planned messages, the client's communications, and a link action
(the cancel link of the confirmation e-mail). Run by infra/generated-clients.sh.

    python generated-client-check.py <generated dir> <local stack url>
"""
import re
import sys
import urllib.parse

import httpx

sys.path.insert(0, sys.argv[1])
BASE = sys.argv[2]

from rappel_client import AuthenticatedClient, Client  # noqa: E402
from rappel_client.api.appointments import (  # noqa: E402
    create_appointment,
    get_appointment_notifications,
)
from rappel_client.api.catalog import put_appointment_type, put_staff  # noqa: E402
from rappel_client.api.clients import create_client, get_client_communications  # noqa: E402
from rappel_client.api.links import act_on_link  # noqa: E402
from rappel_client.api.settings import get_settings, put_settings  # noqa: E402
from rappel_client.models import (  # noqa: E402
    AppointmentTypeInput,
    AppointmentView,
    BusinessSettings,
    ClientRecord,
    Communications,
    LinkActionName,
    NewAppointment,
    NewClient,
    OneClickForm,
    SettingsInput,
    StaffInput,
)

api = Client(base_url=BASE, headers={"X-Tenant-Id": "generated"}, raise_on_unexpected_status=True)
steps = []


def step(name, value, kind):
    if not isinstance(value, kind):
        raise SystemExit(f"generated client: {name} answered {value!r}, not a {kind.__name__}")
    steps.append(name)
    return value


settings = step(
    "PUT /v1/settings",
    put_settings.sync(client=api, body=SettingsInput.from_dict(
        {"business_name": "Salon Généré", "time_zone": "Europe/Paris"})),
    BusinessSettings,
)
step("GET /v1/settings", get_settings.sync(client=api), object)
step("PUT /v1/staff/{id}", put_staff.sync("st_gen", client=api, body=StaffInput.from_dict(
    {"name": "Ana", "email": "ana@example.com"})), object)
step("PUT /v1/appointment-types/{id}", put_appointment_type.sync(
    "haircut", client=api, body=AppointmentTypeInput.from_dict({"name": "Coupe"})), object)
lea = step("POST /v1/clients", create_client.sync(client=api, body=NewClient.from_dict(
    {"name": "Léa Martin", "email": "lea@example.fr", "phone": "+33612345678"})), ClientRecord)
booked = step("POST /v1/appointments", create_appointment.sync(client=api, body=NewAppointment.from_dict({
    "client_id": lea.id, "staff_id": "st_gen", "type_id": "haircut",
    "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T10:45:00+01:00"})), AppointmentView)
planned = step("GET /v1/appointments/{id}/notifications",
               get_appointment_notifications.sync(booked.id, client=api), object)
if not planned.notifications:
    raise SystemExit("generated client: no planned notification")
history = step("GET /v1/clients/{id}/communications",
               get_client_communications.sync(lea.id, client=api), Communications)
if not history.communications:
    raise SystemExit("generated client: an empty history after a confirmation")

# The confirmation's cancel link, from the local outbox (the local stack's own route).
outbox = httpx.get(f"{BASE}/_local/outbox").json()["messages"]
texts = [m.get("text") or "" for m in outbox if m.get("to") == "lea@example.fr"]
links = [u for t in texts for u in re.findall(r"https?://\S+/links/\S+", t) if "/cancel?" in u]
if not links:
    raise SystemExit(f"generated client: no cancel link in {texts!r}")
url = urllib.parse.urlsplit(links[0])
tenant, link_id, action = url.path.split("/")[-3:]
query = dict(urllib.parse.parse_qsl(url.query))
# The links need no credentials; the generator still asks for an authenticated client.
public = AuthenticatedClient(base_url=BASE, token="unused", raise_on_unexpected_status=True)
answer = act_on_link.sync_detailed(
    tenant, link_id, LinkActionName(action), client=public, body=OneClickForm.from_dict({}),
    **query)
if answer.status_code != 200:
    raise SystemExit(f"generated client: the cancel link answered {answer.status_code}")
steps.append("POST /links/{tenant}/{id}/{action}")
print(f"generated python client: {len(steps)} calls answered as documented ({', '.join(steps)})")
