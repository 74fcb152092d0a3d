// What a TypeScript integrator writes against the types openapi-typescript generates from
// docs/openapi.json (infra/generated-clients.sh compiles it with tsc --strict): a business
// that sets only its name and leaves every notification section to its default, a booking,
// and the planned messages of an appointment.
import type { components, paths } from "./api";

const settings: components["schemas"]["SettingsInput"] = {
  business_name: "Salon Léa",
  notifications: {},
};

type Booking = paths["/v1/appointments"]["post"]["requestBody"]["content"]["application/json"];
const booking: Booking = {
  client_id: "cl_1",
  staff_id: "st_ana",
  type_id: "haircut",
  start: "2026-03-30T10:00:00+02:00",
  end: "2026-03-30T10:30:00+02:00",
};

type Planned =
  paths["/v1/appointments/{id}/notifications"]["get"]["responses"][200]["content"]["application/json"];
const due = (planned: Planned): string[] => planned.notifications.map((n) => n.due);

type Client = components["schemas"]["ClientRecord"];
const named = (client: Client): string => client.name;

export { settings, booking, due, named };
