//! [`Collection`]: collections and their pages (outboxes, followers,
//! featured statuses, replies, poll option tallies).
use serde::Serialize;

use super::context::Context;
use crate::activitypub::CollectionKind;

/// A collection or collection page of `T` (ids, activities, notes). All
/// properties but `type` are left out when `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection<T> {
    /// `@context`, when served on its own.
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// The collection's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Collection`, `OrderedCollection`, `CollectionPage` or `OrderedCollectionPage`.
    #[serde(rename = "type")]
    pub kind: CollectionKind,
    /// The number of items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_items: Option<i64>,
    /// The first page: its URL or the page itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<PageRef<T>>,
    /// The next page's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// For a page, the collection it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,
    /// The items of an unordered collection or page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<T>>,
    /// The items of an ordered collection or page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordered_items: Option<Vec<T>>,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Collection {
            context: None,
            id: None,
            kind: CollectionKind::Collection,
            total_items: None,
            first: None,
            next: None,
            part_of: None,
            items: None,
            ordered_items: None,
        }
    }
}

impl<T> Collection<T> {
    /// An `OrderedCollection` served on its own: its size and, optionally,
    /// the URL of its first page.
    pub fn ordered(id: impl Into<String>, total: i64, first: Option<String>) -> Self {
        Collection {
            context: Some(Context::ActivityStreams),
            id: Some(id.into()),
            kind: CollectionKind::OrderedCollection,
            total_items: Some(total),
            first: first.map(PageRef::Url),
            ..Collection::default()
        }
    }

    /// An `OrderedCollectionPage` of `items` served on its own, with the
    /// URL of the next page when there is one.
    pub fn ordered_page(
        id: impl Into<String>,
        part_of: impl Into<String>,
        items: Vec<T>,
        next: Option<String>,
    ) -> Self {
        Collection {
            context: Some(Context::ActivityStreams),
            id: Some(id.into()),
            kind: CollectionKind::OrderedCollectionPage,
            part_of: Some(part_of.into()),
            ordered_items: Some(items),
            next,
            ..Collection::default()
        }
    }
}

/// A collection's `first` page: a URL or the page embedded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PageRef<T> {
    /// The page's URL.
    Url(String),
    /// The page itself.
    Page(Box<Collection<T>>),
}
