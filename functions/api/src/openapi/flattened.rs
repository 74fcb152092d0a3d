//! Schemas that flatten a request body into their answer, written out as one object.

/// A type that flattens a request body into its answer (`BusinessSettings` holds
/// `SettingsInput`, a template view its body) is generated as `allOf` of the body and the
/// answer's own fields. The body refuses unknown fields, which makes every answer invalid
/// against the `allOf` (its own fields are unknown to the body); so such a schema is written
/// out as one object with the fields of both.
pub(super) fn merge_flattened_answers(document: &mut serde_json::Value) {
    use serde_json::Value;
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let closed: std::collections::BTreeMap<String, Value> = schemas
        .iter()
        .filter(|(_, schema)| schema["additionalProperties"] == Value::Bool(false))
        .map(|(name, schema)| (format!("#/components/schemas/{name}"), schema.clone()))
        .collect();
    for schema in schemas.values_mut() {
        let Some(parts) = schema["allOf"].as_array() else {
            continue;
        };
        let mut merged = serde_json::Map::new();
        let (mut properties, mut required) = (serde_json::Map::new(), Vec::<Value>::new());
        let mut any_closed = false;
        for part in parts {
            let part = match part["$ref"].as_str() {
                Some(reference) => match closed.get(reference) {
                    Some(body) => {
                        any_closed = true;
                        body
                    }
                    None => part,
                },
                None => part,
            };
            if let Some(fields) = part["properties"].as_object() {
                properties.extend(fields.clone());
            }
            if let Some(names) = part["required"].as_array() {
                required.extend(names.iter().cloned());
            }
        }
        if !any_closed {
            continue;
        }
        merged.insert("type".into(), Value::from("object"));
        if let Some(description) = schema.get("description") {
            merged.insert("description".into(), description.clone());
        }
        merged.insert("required".into(), Value::Array(required));
        merged.insert("properties".into(), Value::Object(properties));
        *schema = Value::Object(merged);
    }
}
