//! [`OneOrMany`]: a property that JSON-LD compaction may send as one value,
//! an array, or `null`.
use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde_json::Value;

/// The values of a property that may be absent, `null`, a single value or an
/// array. Elements that do not fit `T` are skipped rather than failing the
/// whole document, the way real servers need to read each other.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany(Vec::new())
    }
}

impl<T> OneOrMany<T> {
    /// The first value, if any.
    pub fn first(&self) -> Option<&T> {
        self.0.first()
    }

    /// All values, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// The values as a slice.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// How many values there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(values: Vec<T>) -> Self {
        OneOrMany(values)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(OneOrMany::from_value(value))
    }
}

impl<T: DeserializeOwned> OneOrMany<T> {
    /// Reads a JSON value leniently: `null` is empty, an array keeps the
    /// elements that fit `T`, anything else is one element if it fits.
    pub fn from_value(value: Value) -> Self {
        let items = match value {
            Value::Null => Vec::new(),
            Value::Array(items) => items,
            other => vec![other],
        };
        OneOrMany(
            items
                .into_iter()
                .filter_map(|item| T::deserialize(item).ok())
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(json: &str) -> OneOrMany<String> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn accepts_one_many_null_and_skips_misfits() {
        assert_eq!(parse(r#""a""#).0, vec!["a"]);
        assert_eq!(parse(r#"["a","b"]"#).0, vec!["a", "b"]);
        assert!(parse("null").is_empty());
        assert_eq!(parse(r#"["a",1,{"x":2},"b"]"#).0, vec!["a", "b"]);
        assert!(parse("7").is_empty());
    }
}
