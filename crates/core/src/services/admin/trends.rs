//! Approving and rejecting trends (rejected ones leave the public
//! `/api/v1/trends/*`) and publishers of links (whose verdict holds for
//! their links without one of their own).
use ferrodon_db::AsyncConnection;

use super::audit::{self, AuditAction, Target, TargetKind};
use super::Actor;
use crate::auth::roles::Permission;
use crate::db::queries::preview_card_providers::{self, PreviewCardProvider};
use crate::db::queries::trend_reviews::{self, TrendKind};
use crate::db::queries::{preview_cards, statuses, tags_mentions};
use crate::{AppState, Error, Result};

/// Approves (or, with `approved` false, rejects) the trend of `kind` with
/// `id`; 404 when the tag, status or link does not exist.
pub async fn review(
    state: &AppState,
    actor: Actor<'_>,
    kind: TrendKind,
    id: i64,
    approved: bool,
) -> Result<()> {
    actor.ensure(Permission::ManageTaxonomies)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let (target_kind, name) = match kind {
            TrendKind::Tag => (
                TargetKind::Tag,
                tags_mentions::get_tag_by_id(conn, id).await?.name,
            ),
            TrendKind::Status => {
                statuses::get_status_by_id(conn, id).await?;
                (TargetKind::Status, id.to_string())
            }
            TrendKind::Link => (
                TargetKind::PreviewCard,
                preview_cards::get_card_by_id(conn, id).await?.url,
            ),
        };
        trend_reviews::review(conn, kind, id, approved).await?;
        let action = if approved {
            AuditAction::Approve
        } else {
            AuditAction::Reject
        };
        audit::record(conn, actor, action, Target::new(target_kind, id, &name)).await?;
        Ok::<_, Error>(())
    })
    .await
}

/// Approves (or, with `approved` false, rejects) a publisher of links for
/// the link trends, as Mastodon's `trendable` and `reviewed_at`; 404 when
/// there is no publisher with `id`.
pub async fn review_publisher(
    state: &AppState,
    actor: Actor<'_>,
    id: i64,
    approved: bool,
) -> Result<PreviewCardProvider> {
    actor.ensure(Permission::ManageTaxonomies)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let provider = preview_card_providers::review_provider(conn, id, approved).await?;
        let action = if approved {
            AuditAction::Approve
        } else {
            AuditAction::Reject
        };
        let target = Target::new(TargetKind::PreviewCardProvider, id, &provider.domain);
        audit::record(conn, actor, action, target).await?;
        Ok::<_, Error>(provider)
    })
    .await
}
