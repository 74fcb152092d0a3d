//! The document written the way client generators read it (openapi-python-client,
//! openapi-typescript: `infra/generated-clients.sh` builds and uses clients from it).
//!
//! utoipa writes valid OpenAPI 3.1 that those generators misread:
//! - a property with a default and a description around a `$ref` becomes a one-element `oneOf`
//!   carrying the default — a union of one, whose object default the Python generator refuses
//!   ("ModelProperty cannot have a default value"), dropping `PUT /v1/settings` and seven models;
//!   openapi-typescript makes such a defaulted section required;
//! - a tuple (`(String, String)`) becomes `prefixItems` with `items: false`, which the Python
//!   generator cannot parse;
//! - an enum's tagged variants are inline objects without names, so the generator names them
//!   by position, and an object inline in one twice (duplicate models).
//!
//! So: a section's `$ref` is written as a one-element `allOf` without its object default (each
//! field of the section carries its own default, which is what the section's default is made
//! of); a tuple of one type is an array of that type with its length; a tagged variant gets a
//! title (`StaffDaySubject`) and an object inline in it a component of its own (`StaffDay`).

use serde_json::{Map, Value};

/// Rewrites `document` in place (see the module's doc).
pub fn for_generators(document: &mut Value) {
    name_tagged_variants(document);
    rewrite(document);
}

fn rewrite(node: &mut Value) {
    match node {
        Value::Object(object) => {
            single_ref_as_all_of(object);
            tuple_as_array(object);
            for value in object.values_mut() {
                rewrite(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite),
        _ => {}
    }
}

/// `{"oneOf": [{"$ref": R, "description": D}], "default": {…}}` →
/// `{"allOf": [{"$ref": R}], "description": D}`.
fn single_ref_as_all_of(object: &mut Map<String, Value>) {
    let single_ref = match object.get("oneOf") {
        Some(Value::Array(one)) if one.len() == 1 && one[0].get("$ref").is_some() => one[0].clone(),
        _ => return,
    };
    object.remove("oneOf");
    if let Some(reference) = single_ref.get("$ref") {
        object.insert(
            "allOf".into(),
            Value::Array(vec![serde_json::json!({ "$ref": reference })]),
        );
    }
    if let (Some(description), false) = (
        single_ref.get("description"),
        object.contains_key("description"),
    ) {
        object.insert("description".into(), description.clone());
    }
    if object.get("default").is_some_and(Value::is_object) {
        object.remove("default");
    }
}

/// `{"prefixItems": [S, S], "items": false}` → `{"items": S, "minItems": 2, "maxItems": 2}`.
fn tuple_as_array(object: &mut Map<String, Value>) {
    let Some(Value::Array(prefix)) = object.get("prefixItems") else {
        return;
    };
    let Some(first) = prefix.first().cloned() else {
        return;
    };
    if object.get("items") != Some(&Value::Bool(false)) || prefix.iter().any(|p| *p != first) {
        return;
    }
    let length = prefix.len();
    object.remove("prefixItems");
    object.insert("items".into(), first);
    object.insert("minItems".into(), length.into());
    object.insert("maxItems".into(), length.into());
}

/// Each variant of a tagged `oneOf` (a property with one allowed value: `type`, `source`) is
/// titled `<Tag><Schema>`; an object written inline in one of its properties becomes the
/// component `<Tag><Property>` (`<Tag>` for an `id`: `StaffDay`).
fn name_tagged_variants(document: &mut Value) {
    let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") else {
        return;
    };
    let mut hoisted = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        let Some(Value::Array(variants)) = schema.get_mut("oneOf") else {
            continue;
        };
        for variant in variants.iter_mut() {
            let Some(tag) = tag_of(variant) else {
                continue;
            };
            let Value::Object(variant) = variant else {
                continue;
            };
            variant
                .entry("title")
                .or_insert_with(|| Value::String(format!("{tag}{name}")));
            let Some(Value::Object(properties)) = variant.get_mut("properties") else {
                continue;
            };
            for (property, value) in properties.iter_mut() {
                if value.get("type") != Some(&Value::String("object".into())) {
                    continue;
                }
                // The subject of a `{type, id}` pair is the tag itself (`StaffDay`), not an id.
                let component = if property == "id" {
                    tag.clone()
                } else {
                    format!("{tag}{}", camel_case(property))
                };
                let inline = std::mem::replace(
                    value,
                    serde_json::json!({ "$ref": format!("#/components/schemas/{component}") }),
                );
                hoisted.push((component, inline));
            }
        }
    }
    for (component, inline) in hoisted {
        schemas.entry(component).or_insert(inline);
    }
    schemas.sort_keys();
}

/// The camel-cased value of the variant's tag: its one property with a single allowed value.
fn tag_of(variant: &Value) -> Option<String> {
    let Some(Value::Object(properties)) = variant.get("properties") else {
        return None;
    };
    properties.values().find_map(|p| match p.get("enum") {
        Some(Value::Array(values)) if values.len() == 1 => values[0].as_str().map(camel_case),
        _ => None,
    })
}

fn camel_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_defaulted_section_is_an_all_of_its_schema_without_the_object_default() {
        let mut document = json!({"components": {"schemas": {"S": {"properties": {"a": {
            "default": {"x": 1},
            "oneOf": [{"$ref": "#/components/schemas/A", "description": "Section A."}]
        }}}}}});
        for_generators(&mut document);
        assert_eq!(
            document.pointer("/components/schemas/S/properties/a"),
            Some(
                &json!({"allOf": [{"$ref": "#/components/schemas/A"}], "description": "Section A."})
            )
        );
    }

    #[test]
    fn a_pair_of_strings_is_an_array_of_two_strings() {
        let mut document = json!({"tags": {"type": "array", "items": {
            "type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}], "items": false
        }}});
        for_generators(&mut document);
        assert_eq!(
            document.pointer("/tags/items"),
            Some(
                &json!({"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2})
            )
        );
    }

    #[test]
    fn tagged_variants_are_named_and_their_inline_objects_become_components() {
        let mut document = json!({"components": {"schemas": {"Subject": {"oneOf": [
            {"type": "object", "properties": {"type": {"type": "string", "enum": ["staff_day"]},
             "id": {"type": "object", "description": "d", "properties": {"date": {"type": "string"}}}}}
        ]}}}});
        for_generators(&mut document);
        let variant = document.pointer("/components/schemas/Subject/oneOf/0");
        assert_eq!(
            variant.and_then(|v| v.get("title")),
            Some(&json!("StaffDaySubject"))
        );
        assert_eq!(
            variant.and_then(|v| v.pointer("/properties/id")),
            Some(&json!({"$ref": "#/components/schemas/StaffDay"}))
        );
        assert_eq!(
            document.pointer("/components/schemas/StaffDay"),
            Some(
                &json!({"type": "object", "description": "d", "properties": {"date": {"type": "string"}}})
            )
        );
    }
}
