//! Field deserializers that never fail a document: a value of the wrong
//! shape reads as absent. Used through `#[serde(deserialize_with = ...)]`.
use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde_json::Value;

use super::one_or_many::OneOrMany;

/// Any `T`; a value that does not fit (or `null`) becomes `None`.
pub(crate) fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).ok())
}

/// Any `T` with a default; a value that does not fit becomes the default.
pub(crate) fn or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    let value = Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).unwrap_or_default())
}

/// An id given as a string, an object with `id` (or a Link with `href`), or
/// an array of those (the first one counts).
pub(crate) fn id<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    Ok(id_of_value(&value))
}

/// Every id of a property such as `to`, `cc` or `alsoKnownAs`: strings,
/// objects with `id`, or arrays of them. Entries without an id are skipped.
pub(crate) fn ids<'de, D>(deserializer: D) -> Result<OneOrMany<String>, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    let ids = match &value {
        Value::Array(items) => items.iter().filter_map(id_of_value).collect(),
        other => id_of_value(other).into_iter().collect(),
    };
    Ok(OneOrMany(ids))
}

/// The id a JSON value stands for, if it names one.
pub(crate) fn id_of_value(value: &Value) -> Option<String> {
    match value {
        Value::String(id) if !id.is_empty() => Some(id.clone()),
        Value::Object(map) => map
            .get("id")
            .or_else(|| map.get("href"))
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .map(str::to_owned),
        Value::Array(items) => items.iter().find_map(id_of_value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_come_from_strings_objects_links_and_arrays() {
        assert_eq!(
            id_of_value(&json!("https://a/1")).as_deref(),
            Some("https://a/1")
        );
        assert_eq!(
            id_of_value(&json!({"type": "Person", "id": "https://a/u"})).as_deref(),
            Some("https://a/u")
        );
        assert_eq!(
            id_of_value(&json!({"type": "Link", "href": "https://a/l"})).as_deref(),
            Some("https://a/l")
        );
        assert_eq!(
            id_of_value(&json!([{"name": "x"}, "https://a/2"])).as_deref(),
            Some("https://a/2")
        );
        assert_eq!(id_of_value(&json!("")), None);
        assert_eq!(id_of_value(&json!(3)), None);
    }
}
