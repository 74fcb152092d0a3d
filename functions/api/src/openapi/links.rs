//! OpenAPI links: from a created resource to its other operations, from a page to the next.

use super::json_operations_mut;

/// From a created (or saved) resource to the operations on it: what a client does next, and
/// what a stateful test follows. (Written into the JSON: `utoipa`'s `Link` names its fields in
/// snake_case, which no OpenAPI reader understands.)
pub(super) fn add_links(document: &mut serde_json::Value) {
    // (operation whose answer holds the id, its status, the operations that take it as `id`)
    const CLIENT: &[&str] = &[
        "getClient",
        "patchClient",
        "getClientCommunications",
        "getClientNotifications",
        "getClientWaitlist",
    ];
    const APPOINTMENT: &[&str] = &[
        "getAppointment",
        "patchAppointment",
        "actOnAppointment",
        "getAppointmentNotifications",
    ];
    let links: [(&str, &str, &[&str]); 10] = [
        ("createClient", "201", CLIENT),
        ("putClient", "201", CLIENT),
        ("putClient", "200", CLIENT),
        ("createAppointment", "201", APPOINTMENT),
        ("putAppointment", "201", APPOINTMENT),
        (
            "putInvoice",
            "200",
            &["getInvoice", "actOnInvoice", "getInvoiceNotifications"],
        ),
        (
            "putQuote",
            "200",
            &["getQuote", "actOnQuote", "getQuoteNotifications"],
        ),
        (
            "putStaff",
            "200",
            &["getStaff", "getStaffAgenda", "getStaffDigest"],
        ),
        ("putAppointmentType", "200", &["getAppointmentType"]),
        (
            "createWaitlistEntry",
            "201",
            &["getWaitlistEntry", "deleteWaitlistEntry"],
        ),
    ];
    for operation in json_operations_mut(document) {
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        for (_, status, targets) in links.iter().filter(|(source, _, _)| id == *source) {
            link_to(operation, status, targets);
        }
    }
    add_client_links(document);
    add_next_page_links(document);
}

/// Links from `operation`'s `status` answer to each of `targets`, taking its `id`.
fn link_to(operation: &mut serde_json::Value, status: &str, targets: &[&str]) {
    let Some(response) = operation
        .pointer_mut(&format!("/responses/{status}"))
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    let links: serde_json::Map<String, serde_json::Value> = targets
        .iter()
        .map(|target| {
            (
                (*target).to_owned(),
                serde_json::json!({
                    "operationId": target,
                    "parameters": { "id": "$response.body#/id" },
                    "description": "Its `id` is this answer's `id`.",
                }),
            )
        })
        .collect();
    response.insert("links".into(), serde_json::Value::Object(links));
}

/// From each list's page to the next one (its `next_cursor`, the same window and filters),
/// so the stateful phase walks the cursors; and from a new client to its appointments.
fn add_next_page_links(document: &mut serde_json::Value) {
    let carried: [(&str, &[&str]); 4] = [
        ("listClients", &["limit"]),
        ("listInvoices", &["status", "limit"]),
        ("listQuotes", &["status", "limit"]),
        (
            "listAppointments",
            &["from", "to", "staff_id", "client_id", "status", "limit"],
        ),
    ];
    for operation in json_operations_mut(document) {
        if operation["operationId"] == "createClient" {
            let link = serde_json::json!({
                "operationId": "listAppointments",
                "parameters": {
                    "client_id": "$response.body#/id",
                    "from": "2026-03-01T00:00:00Z",
                    "to": "2027-03-01T00:00:00Z",
                },
                "description": "The new client's appointments over a year.",
            });
            if let Some(response) = operation
                .pointer_mut("/responses/201")
                .and_then(serde_json::Value::as_object_mut)
            {
                let links = response
                    .entry("links")
                    .or_insert_with(|| serde_json::json!({}));
                links["listAppointments"] = link;
            }
            continue;
        }
        let Some((id, params)) = carried
            .iter()
            .find(|(id, _)| operation["operationId"] == *id)
        else {
            continue;
        };
        let mut parameters = serde_json::Map::new();
        parameters.insert("cursor".into(), "$response.body#/next_cursor".into());
        for param in *params {
            parameters.insert((*param).into(), format!("$request.query.{param}").into());
        }
        if let Some(response) = operation
            .pointer_mut("/responses/200")
            .and_then(serde_json::Value::as_object_mut)
        {
            response.insert(
                "links".into(),
                serde_json::json!({ "nextPage": {
                    "operationId": id,
                    "parameters": parameters,
                    "description": "The next page: `cursor` is this page's `next_cursor`.",
                }}),
            );
        }
    }
}

/// From a created client to what is created for a client: a booking, an invoice, a quote, a
/// waitlist entry (the staff member and type are the document's examples).
fn add_client_links(document: &mut serde_json::Value) {
    let client = "$response.body#/id";
    let bodies = [
        (
            "createAppointment",
            serde_json::json!({"client_id": client, "staff_id": "st_ana", "type_id": "haircut",
                "start": "2026-03-30T10:00:00+02:00", "end": "2026-03-30T10:30:00+02:00"}),
        ),
        (
            "createWaitlistEntry",
            serde_json::json!({"client_id": client, "type_id": "haircut",
                "from": "2026-03-30T08:00:00+02:00", "until": "2026-04-10T20:00:00+02:00"}),
        ),
        (
            "putInvoice",
            serde_json::json!({"client_id": client, "number": "F-2026-0042", "amount": 4500,
                "currency": "EUR", "issued_at": "2026-03-30T10:00:00+02:00", "due_date": "2026-04-13"}),
        ),
        (
            "putQuote",
            serde_json::json!({"client_id": client, "number": "D-2026-0007", "amount": 12000,
                "currency": "EUR", "issued_at": "2026-03-30T10:00:00+02:00", "expires_on": "2026-04-30"}),
        ),
    ];
    let Some(links) = document
        .pointer_mut("/paths/~1v1~1clients/post/responses/201/links")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    for (target, body) in bodies {
        links.insert(
            format!("{target}ForClient"),
            serde_json::json!({
                "operationId": target,
                "requestBody": body,
                "description": "A record for this client.",
            }),
        );
    }
}
