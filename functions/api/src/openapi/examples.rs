//! Examples for answers and problems, so a generated client's docs show real values.

use super::json_operations_mut;

/// An example for each successful answer (see [`crate::openapi_examples`]), where the route
/// did not give one.
pub(super) fn add_answer_examples(document: &mut serde_json::Value) {
    let examples = crate::openapi_examples::answers();
    for operation in json_operations_mut(document) {
        add_problem_examples(operation);
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        for (_, status, example) in examples.iter().filter(|(of, _, _)| *of == id) {
            let pointer = format!("/responses/{status}/content/application~1json");
            if let Some(content) = operation
                .pointer_mut(&pointer)
                .and_then(serde_json::Value::as_object_mut)
            {
                content.entry("example").or_insert_with(|| example.clone());
            }
        }
    }
}

/// A route's own error answers say their codes in their description ("unknown_client or
/// invalid_field: ..."): the first one, with the rest of the sentence, is their example.
fn add_problem_examples(operation: &mut serde_json::Value) {
    let Some(answers) = operation["responses"].as_object_mut() else {
        return;
    };
    for answer in answers.values_mut() {
        let description = answer["description"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let Some(content) = answer
            .pointer_mut("/content/application~1json")
            .and_then(serde_json::Value::as_object_mut)
        else {
            continue;
        };
        if content.contains_key("example")
            || content["schema"]["$ref"] != "#/components/schemas/Problem"
        {
            continue;
        }
        let code: String = description
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        let message =
            example_message(&code).unwrap_or_else(|| description.trim_end_matches('.').to_owned());
        content.insert(
            "example".into(),
            serde_json::json!({ "error": { "code": code, "message": message } }),
        );
    }
}

/// What the API says with each code, as an example: the real error's own wording where the
/// core or the API has one, else what the route writes (naming the example's records).
fn example_message(code: &str) -> Option<String> {
    use rappel_core::model::{AppointmentError, InvalidWaitlistEntry};
    let from = |e: AppointmentError| {
        crate::error::ApiError::from(rappel_app::commands::CommandError::from(e)).message
    };
    Some(match code {
        "not_found" => crate::error::ApiError::not_found("appointment").message,
        "invalid_transition" => from(AppointmentError::InvalidTransition {
            action: "complete",
            status: "cancelled",
        }),
        "not_started" => from(AppointmentError::NotStartedYet("completed")),
        "end_before_start" => from(AppointmentError::EndNotAfterStart),
        "invalid_waitlist_entry" => InvalidWaitlistEntry::EmptyWindow.to_string(),
        "version_conflict" => "the appointment is at version 3, not 2".into(),
        "unknown_client" => "client_id: no client cl_3f9a1c".into(),
        "unknown_staff" => "staff_id: no staff member st_ana".into(),
        "unknown_appointment_type" => "type_id: no appointment type haircut".into(),
        "unknown_action" => {
            "no action \"postpone\": use cancel, accept, refuse, complete, no-show or paid".into()
        }
        "missing_date" => "date is required, as YYYY-MM-DD".into(),
        "invalid_date" => "date must be a calendar day, as YYYY-MM-DD".into(),
        "invalid_field" => "amount: a whole number of minor units, 0 or more".into(),
        "unknown_kind" => "no message kind \"remind\"".into(),
        "invalid_template" => {
            "text: the variable client_nme is not one this kind of message has".into()
        }
        _ => return None,
    })
}
