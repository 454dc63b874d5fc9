//! Statuses checked for one viewer: the only input the status renderer
//! ([`super::render_statuses`]) takes, so nothing renders a status for a
//! viewer who may not see it.
use ferrodon_db::queries::timelines;
use ferrodon_db::Conn;

use crate::{Error, Result};

/// Status ids one viewer may see, and that viewer. The visibility query
/// makes one ([`VisibleStatuses::check`], [`VisibleStatuses::one`]); the
/// few renderings for someone other than a viewer have constructors named
/// for them ([`VisibleStatuses::reported`], [`VisibleStatuses::fan_out`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisibleStatuses {
    ids: Vec<i64>,
    viewer: Option<i64>,
}

impl VisibleStatuses {
    /// Of `ids` (in their order), those `viewer` may see (None: signed out).
    pub async fn check(conn: &mut Conn, ids: &[i64], viewer: Option<i64>) -> Result<Self> {
        Ok(VisibleStatuses {
            ids: timelines::filter_visible(conn, ids, viewer).await?,
            viewer,
        })
    }

    /// Of `ids` (in their order), those `viewer` may see, less those by
    /// accounts or domains it blocked or muted, or that block it.
    pub async fn check_unhidden(conn: &mut Conn, ids: &[i64], viewer: i64) -> Result<Self> {
        Ok(VisibleStatuses {
            ids: timelines::filter_visible_unhidden(conn, ids, viewer).await?,
            viewer: Some(viewer),
        })
    }

    /// One status `viewer` may see, or NotFound (a hidden status looks
    /// missing, as in Mastodon).
    pub async fn one(conn: &mut Conn, id: i64, viewer: Option<i64>) -> Result<Self> {
        let checked = Self::check(conn, &[id], viewer).await?;
        if checked.ids.is_empty() {
            return Err(Error::NotFound);
        }
        Ok(checked)
    }

    /// Statuses attached to a report, shown to the moderators handling it
    /// (whatever their visibility), rendered as for a signed-out viewer.
    pub fn reported(ids: &[i64]) -> Self {
        VisibleStatuses {
            ids: ids.to_vec(),
            viewer: None,
        }
    }

    /// A status being delivered to the audience its distribution computed
    /// (the streaming fan-out), rendered as for a signed-out viewer.
    pub fn fan_out(id: i64) -> Self {
        VisibleStatuses {
            ids: vec![id],
            viewer: None,
        }
    }

    /// The ids, in order.
    pub fn ids(&self) -> &[i64] {
        &self.ids
    }

    /// Whom they were checked for.
    pub fn viewer(&self) -> Option<i64> {
        self.viewer
    }
}
