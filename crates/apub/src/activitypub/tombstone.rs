//! [`Tombstone`]: what remains of a deleted object.
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::id_or_object::HasId;
use super::lenient::lenient;

/// A deleted object, as sent inside `Delete` or served instead of it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    /// The deleted object's id.
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    /// The type the object had, e.g. `Note`.
    #[serde(default, deserialize_with = "lenient")]
    pub former_type: Option<String>,
    /// When it was deleted.
    #[serde(default, deserialize_with = "lenient")]
    pub deleted: Option<DateTime<Utc>>,
}

impl HasId for Tombstone {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}
