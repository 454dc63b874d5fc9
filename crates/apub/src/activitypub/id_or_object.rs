//! [`IdOrObject`]: a reference that may be a bare id or an embedded object.
use serde::de::{Deserialize, DeserializeOwned, Deserializer, Error as _};
use serde_json::Value;

use super::lenient::id_of_value;

/// Something with an `id`, so that [`IdOrObject::id`] works either way.
pub trait HasId {
    /// The object's `id`, if it has one.
    fn id(&self) -> Option<&str>;
}

/// A property that names another document either by its id (a string) or by
/// embedding it. An embedded object that does not fit `T` but carries an `id`
/// is kept as that id.
#[derive(Debug, Clone, PartialEq)]
pub enum IdOrObject<T> {
    /// Only the id.
    Id(String),
    /// The embedded document.
    Object(Box<T>),
}

impl<T: HasId> IdOrObject<T> {
    /// The id, whichever form was sent.
    pub fn id(&self) -> Option<&str> {
        match self {
            IdOrObject::Id(id) => Some(id),
            IdOrObject::Object(object) => object.id(),
        }
    }
}

impl<T> IdOrObject<T> {
    /// The embedded document, when one was sent.
    pub fn object(&self) -> Option<&T> {
        match self {
            IdOrObject::Id(_) => None,
            IdOrObject::Object(object) => Some(object),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for IdOrObject<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        IdOrObject::from_value(value).map_err(D::Error::custom)
    }
}

impl<T: DeserializeOwned> IdOrObject<T> {
    /// Reads a JSON value: a string is an id, an object is embedded.
    pub fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::String(id) => Ok(IdOrObject::Id(id)),
            Value::Object(_) => {
                let fallback = id_of_value(&value);
                match T::deserialize(value) {
                    Ok(object) => Ok(IdOrObject::Object(Box::new(object))),
                    Err(error) => fallback
                        .map(IdOrObject::Id)
                        .ok_or_else(|| error.to_string()),
                }
            }
            other => Err(format!("expected an id or an object, got {other}")),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Thing {
        id: String,
        size: u8,
    }

    impl HasId for Thing {
        fn id(&self) -> Option<&str> {
            Some(&self.id)
        }
    }

    #[test]
    fn ids_objects_and_fallbacks() {
        let r: IdOrObject<Thing> = serde_json::from_str(r#""https://a/1""#).unwrap();
        assert_eq!(r.id(), Some("https://a/1"));
        assert!(r.object().is_none());
        let r: IdOrObject<Thing> =
            serde_json::from_str(r#"{"id":"https://a/2","size":3}"#).unwrap();
        assert_eq!(r.object().map(|t| t.size), Some(3));
        let r: IdOrObject<Thing> =
            serde_json::from_str(r#"{"id":"https://a/3","size":"big"}"#).unwrap();
        assert_eq!(r, IdOrObject::Id("https://a/3".into()));
        assert!(serde_json::from_str::<IdOrObject<Thing>>(r#"{"size":"big"}"#).is_err());
        assert!(serde_json::from_str::<IdOrObject<Thing>>("12").is_err());
    }
}
