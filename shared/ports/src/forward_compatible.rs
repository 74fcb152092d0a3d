//! Reading what a newer release stored. During a deploy, or after a rollback, a function may
//! read a record written by a release that knows more fields than it does. The record types
//! refuse unknown fields (`deny_unknown_fields`: the API must refuse a misspelt field), so a
//! stored record with a field this release does not know would not decode — and an undecodable
//! stream record used to be dropped. [`decode`] reads it anyway, leaving out the fields the
//! reader does not know, and says which ones it left out.
//!
//! How: serde names the field it refuses ("unknown field `x`"), not where it is (records are
//! internally tagged and settings flattened, and serde buffers both, losing the path). So the
//! value is repaired one field at a time: an occurrence of `x` is left out only if the value
//! then decodes, or fails on another unknown field — never if that makes a known field
//! missing. Nothing else is ever changed; an unknown enum variant (a new kind, a new status) is
//! not a field and still fails.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// At most this many fields are left out of one value (each costs a few decode attempts, and
/// only on the path of a value that did not decode as it was).
const MAX_LEFT_OUT: usize = 16;

/// A value decoded, and the paths of the fields left out (`notifications.digest.weekly`):
/// field names, never values, so they can be logged.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<T> {
    pub value: T,
    pub left_out: Vec<String>,
}

/// `value` as a `T`, leaving out the fields `T` does not know.
pub fn decode<T: DeserializeOwned>(value: Value) -> Result<Decoded<T>, serde_json::Error> {
    let mut value = value;
    let mut left_out = Vec::new();
    let mut error = match serde_json::from_value::<T>(value.clone()) {
        Ok(decoded) => {
            return Ok(Decoded {
                value: decoded,
                left_out,
            });
        }
        Err(error) => error,
    };
    while left_out.len() < MAX_LEFT_OUT {
        let Some(field) = unknown_field(&error) else {
            return Err(error);
        };
        let places = places_of(&value, &field);
        // One occurrence at a time; then all of them at once (a newer release may have added
        // the same name to two structures).
        let mut attempts: Vec<Vec<Vec<String>>> = places.iter().map(|p| vec![p.clone()]).collect();
        if places.len() > 1 {
            attempts.push(places.clone());
        }
        let mut repaired = None;
        for attempt in attempts {
            let mut candidate = value.clone();
            for place in &attempt {
                remove(&mut candidate, place, &field);
            }
            match serde_json::from_value::<T>(candidate.clone()) {
                Ok(decoded) => {
                    left_out.extend(attempt.iter().map(|p| path_name(p, &field)));
                    return Ok(Decoded {
                        value: decoded,
                        left_out,
                    });
                }
                Err(next) => {
                    // Progress: the value now fails on another unknown field.
                    let other = unknown_field(&next).filter(|f| *f != field);
                    if other.is_some() {
                        left_out.extend(attempt.iter().map(|p| path_name(p, &field)));
                        repaired = Some((candidate, next));
                        break;
                    }
                }
            }
        }
        match repaired {
            Some((candidate, next)) => {
                value = candidate;
                error = next;
            }
            None => return Err(error),
        }
    }
    Err(error)
}

/// The field serde refused as unknown, from its standard message.
fn unknown_field(error: &serde_json::Error) -> Option<String> {
    let message = error.to_string();
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next().map(str::to_owned)
}

/// The paths (object keys and array indexes, as text) of every object holding `field`.
fn places_of(value: &Value, field: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut path = Vec::new();
    walk(value, field, &mut path, &mut found);
    found
}

fn walk(value: &Value, field: &str, path: &mut Vec<String>, found: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            if map.contains_key(field) {
                found.push(path.clone());
            }
            for (key, child) in map {
                path.push(key.clone());
                walk(child, field, path, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(index.to_string());
                walk(child, field, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

fn remove(value: &mut Value, place: &[String], field: &str) {
    let mut at = value;
    for step in place {
        at = match at {
            Value::Object(map) => match map.get_mut(step) {
                Some(next) => next,
                None => return,
            },
            Value::Array(items) => {
                match step.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(next) => next,
                    None => return,
                }
            }
            _ => return,
        };
    }
    if let Value::Object(map) = at {
        map.remove(field);
    }
}

fn path_name(place: &[String], field: &str) -> String {
    place
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(field))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Digest {
        at: String,
        #[serde(default)]
        email: bool,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        name: String,
        digest: Digest,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Outer {
        tenant: String,
        #[serde(flatten)]
        inner: Inner,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(tag = "record", rename_all = "snake_case")]
    enum Stored {
        Settings(Outer),
        Other { name: String },
    }

    #[test]
    fn a_value_this_release_knows_whole_decodes_as_it_is() {
        let decoded: Decoded<Stored> = decode(json!({"record": "other", "name": "x"})).unwrap();
        assert_eq!(decoded.value, Stored::Other { name: "x".into() });
        assert!(decoded.left_out.is_empty());
    }

    #[test]
    fn fields_a_newer_release_added_deep_in_a_tagged_and_flattened_record_are_left_out() {
        let stored = json!({
            "record": "settings",
            "tenant": "t",
            "name": "Salon",
            "vip": true,
            "digest": {"at": "07:00", "email": true, "weekly": {"on": "mon"}},
        });
        let decoded: Decoded<Stored> = decode(stored).unwrap();
        assert_eq!(
            decoded.value,
            Stored::Settings(Outer {
                tenant: "t".into(),
                inner: Inner {
                    name: "Salon".into(),
                    digest: Digest {
                        at: "07:00".into(),
                        email: true
                    }
                }
            })
        );
        let mut left_out = decoded.left_out;
        left_out.sort();
        assert_eq!(
            left_out,
            vec!["digest.weekly"],
            "the flattened one was never refused"
        );
    }

    #[test]
    fn a_known_field_is_never_taken_for_an_unknown_one_of_the_same_name() {
        // `name` is known at the top and unknown in the digest: only the digest's goes.
        let stored = json!({
            "record": "settings", "tenant": "t", "name": "Salon",
            "digest": {"at": "07:00", "email": true, "name": "new"},
        });
        let decoded: Decoded<Stored> = decode(stored).unwrap();
        assert_eq!(decoded.left_out, vec!["digest.name"]);
        let Stored::Settings(outer) = decoded.value else {
            panic!("settings")
        };
        assert_eq!(outer.inner.name, "Salon");
        assert!(outer.inner.digest.email);
    }

    #[test]
    fn what_is_not_an_unknown_field_still_fails() {
        let unknown_kind = decode::<Stored>(json!({"record": "waitlist", "name": "x"}));
        assert!(unknown_kind.is_err());
        let missing = decode::<Stored>(json!({"record": "settings", "tenant": "t"}));
        assert!(missing.is_err());
        let wrong_type = decode::<Stored>(json!({"record": "other", "name": 3}));
        assert!(wrong_type.is_err());
    }
}
