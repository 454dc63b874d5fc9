//! [`Collection`]: Collection, OrderedCollection and their pages (outboxes,
//! followers, replies, featured posts).
use serde::Deserialize;

use super::document::Document;
use super::id_or_object::{HasId, IdOrObject};
use super::kind::CollectionKind;
use super::lenient::{id, lenient};
use super::one_or_many::OneOrMany;

/// A collection or a page of one. Items may be ids or embedded documents.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    /// The collection's id (absent on inline collections).
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    /// Collection, OrderedCollection, CollectionPage, OrderedCollectionPage.
    #[serde(rename = "type", default)]
    pub kind: CollectionKind,
    /// How many items the whole collection holds.
    #[serde(default, deserialize_with = "lenient")]
    pub total_items: Option<u64>,
    /// The first page, as a URL or embedded.
    #[serde(default, deserialize_with = "lenient")]
    pub first: Option<IdOrObject<Collection>>,
    /// The last page's URL.
    #[serde(default, deserialize_with = "id")]
    pub last: Option<String>,
    /// The next page, as a URL or embedded.
    #[serde(default, deserialize_with = "lenient")]
    pub next: Option<IdOrObject<Collection>>,
    /// The previous page's URL.
    #[serde(default, deserialize_with = "id")]
    pub prev: Option<String>,
    /// The collection a page belongs to.
    #[serde(default, deserialize_with = "id")]
    pub part_of: Option<String>,
    /// Items of an unordered collection or page.
    #[serde(default)]
    pub items: OneOrMany<IdOrObject<Document>>,
    /// Items of an ordered collection or page.
    #[serde(default)]
    pub ordered_items: OneOrMany<IdOrObject<Document>>,
}

impl Collection {
    /// All items on this page, `orderedItems` first.
    pub fn all_items(&self) -> impl Iterator<Item = &IdOrObject<Document>> {
        self.ordered_items.iter().chain(self.items.iter())
    }

    /// The ids of all items on this page.
    pub fn item_ids(&self) -> impl Iterator<Item = &str> {
        self.all_items().filter_map(IdOrObject::id)
    }

    /// Whether this is a page rather than a whole collection.
    pub fn is_page(&self) -> bool {
        matches!(
            self.kind,
            CollectionKind::CollectionPage | CollectionKind::OrderedCollectionPage
        )
    }
}

impl HasId for Collection {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}
