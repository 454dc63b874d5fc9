//! Follows, follow requests, follower lists and relationships.
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::models::{Account, Follow, FollowRequest, NewFollow, NotificationKind};
use crate::schema::{accounts, follow_requests, follows, list_accounts, lists, notifications};
use crate::{paginate, Conn, Page, Result};

/// The follow of `target` by `follower`, if any.
pub async fn get_follow(
    conn: &mut Conn,
    follower: AccountId,
    target: AccountId,
) -> Result<Option<Follow>> {
    Ok(follows::table
        .filter(follows::account_id.eq(follower))
        .filter(follows::target_account_id.eq(target))
        .select(Follow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Creates a follow, or updates its options when it exists. Returns the
/// follow and whether it is new.
pub async fn put_follow(conn: &mut Conn, new: &NewFollow) -> Result<(Follow, bool)> {
    let inserted: Option<Follow> = diesel::insert_into(follows::table)
        .values((
            follows::account_id.eq(new.account_id),
            follows::target_account_id.eq(new.target_account_id),
            follows::show_reblogs.eq(new.show_reblogs),
            follows::notify.eq(new.notify),
            follows::languages.eq(&new.languages),
            follows::uri.eq(&new.uri),
        ))
        .on_conflict((follows::account_id, follows::target_account_id))
        .do_nothing()
        .returning(Follow::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    if let Some(follow) = inserted {
        return Ok((follow, true));
    }
    let updated = diesel::update(
        follows::table
            .filter(follows::account_id.eq(new.account_id))
            .filter(follows::target_account_id.eq(new.target_account_id)),
    )
    .set((
        follows::show_reblogs.eq(new.show_reblogs),
        follows::notify.eq(new.notify),
        follows::languages.eq(&new.languages),
    ))
    .returning(Follow::as_returning())
    .get_result(conn)
    .await?;
    Ok((updated, false))
}

/// Removes a follow; returns true when one existed.
pub async fn delete_follow(
    conn: &mut Conn,
    follower: AccountId,
    target: AccountId,
) -> Result<bool> {
    let n = diesel::delete(
        follows::table
            .filter(follows::account_id.eq(follower))
            .filter(follows::target_account_id.eq(target)),
    )
    .execute(conn)
    .await?;
    // Lists hold followed accounts only: the target leaves the follower's lists.
    diesel::delete(
        list_accounts::table
            .filter(list_accounts::account_id.eq(target))
            .filter(
                list_accounts::list_id.eq_any(
                    lists::table
                        .filter(lists::account_id.eq(follower))
                        .select(lists::id),
                ),
            ),
    )
    .execute(conn)
    .await?;
    if n > 0 {
        // The follow's notification goes with it, as Mastodon destroys a
        // Follow's notification with the Follow: an unfollow, a removal
        // from followers or a block leaves no "followed you" behind.
        diesel::delete(
            notifications::table
                .filter(notifications::account_id.eq(target))
                .filter(notifications::from_account_id.eq(follower))
                .filter(notifications::kind.eq(NotificationKind::Follow)),
        )
        .execute(conn)
        .await?;
    }
    Ok(n > 0)
}

/// Creates a follow request (idempotent); returns true when it is new.
pub async fn put_follow_request(conn: &mut Conn, new: &NewFollow) -> Result<bool> {
    let n = diesel::insert_into(follow_requests::table)
        .values((
            follow_requests::account_id.eq(new.account_id),
            follow_requests::target_account_id.eq(new.target_account_id),
            follow_requests::show_reblogs.eq(new.show_reblogs),
            follow_requests::notify.eq(new.notify),
            follow_requests::uri.eq(&new.uri),
        ))
        .on_conflict((
            follow_requests::account_id,
            follow_requests::target_account_id,
        ))
        .do_nothing()
        .execute(conn)
        .await?;
    Ok(n > 0)
}

/// Removes a follow request and returns it, if there was one.
pub async fn take_follow_request(
    conn: &mut Conn,
    follower: AccountId,
    target: AccountId,
) -> Result<Option<FollowRequest>> {
    Ok(diesel::delete(
        follow_requests::table
            .filter(follow_requests::account_id.eq(follower))
            .filter(follow_requests::target_account_id.eq(target)),
    )
    .returning(FollowRequest::as_returning())
    .get_result(conn)
    .await
    .optional()?)
}

/// Followers of an account: (follow id for paging, follower), newest follow first.
pub async fn list_followers(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Account)>> {
    let query = follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
        .filter(follows::target_account_id.eq(account_id))
        .select((follows::id, Account::as_select()))
        .into_boxed();
    let rows = paginate!(query, follows::id, *page).load(conn).await?;
    Ok(page.finish(rows))
}

/// Accounts an account follows: (follow id for paging, followed account).
pub async fn list_following(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Account)>> {
    let query = follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::target_account_id)))
        .filter(follows::account_id.eq(account_id))
        .select((follows::id, Account::as_select()))
        .into_boxed();
    let rows = paginate!(query, follows::id, *page).load(conn).await?;
    Ok(page.finish(rows))
}

/// Pending follow requests to an account: (request id for paging, requester).
pub async fn list_follow_requests(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Account)>> {
    let query = follow_requests::table
        .inner_join(accounts::table.on(accounts::id.eq(follow_requests::account_id)))
        .filter(follow_requests::target_account_id.eq(account_id))
        .select((follow_requests::id, Account::as_select()))
        .into_boxed();
    let rows = paginate!(query, follow_requests::id, *page)
        .load(conn)
        .await?;
    Ok(page.finish(rows))
}

/// The raw facts a Relationship is built from, for one target.
#[derive(Debug, Clone, Default)]
pub struct RelationshipFacts {
    /// The viewer's follow of the target, if any.
    pub following: Option<Follow>,
    /// The target follows the viewer.
    pub followed_by: bool,
    /// The viewer asked to follow the target.
    pub requested: bool,
    /// The target asked to follow the viewer.
    pub requested_by: bool,
    /// The viewer blocks the target.
    pub blocking: bool,
    /// The target blocks the viewer.
    pub blocked_by: bool,
    /// The viewer mutes the target.
    pub muting: bool,
    /// The viewer's mute also hides notifications.
    pub muting_notifications: bool,
    /// The viewer blocks the target's whole domain.
    pub domain_blocking: bool,
    /// The viewer features the target on its profile.
    pub endorsed: bool,
    /// The viewer's private note about the target.
    pub note: String,
}

/// Which of `targets` `follower` follows.
pub async fn list_followed_among(
    conn: &mut Conn,
    follower: i64,
    targets: &[i64],
) -> Result<Vec<i64>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    Ok(follows::table
        .filter(follows::account_id.eq(follower))
        .filter(follows::target_account_id.eq_any(targets))
        .select(follows::target_account_id)
        .load(conn)
        .await?)
}

/// Relationship facts between `viewer` and each of `targets`, in order.
pub async fn load_relationships(
    conn: &mut Conn,
    viewer: i64,
    targets: &[i64],
) -> Result<Vec<(i64, RelationshipFacts)>> {
    let outgoing: Vec<Follow> = follows::table
        .filter(follows::account_id.eq(viewer))
        .filter(follows::target_account_id.eq_any(targets))
        .select(Follow::as_select())
        .load(conn)
        .await?;
    let incoming: Vec<i64> = follows::table
        .filter(follows::target_account_id.eq(viewer))
        .filter(follows::account_id.eq_any(targets))
        .select(follows::account_id)
        .load(conn)
        .await?;
    let requests: Vec<(i64, i64)> = follow_requests::table
        .filter(
            follow_requests::account_id
                .eq(viewer)
                .and(follow_requests::target_account_id.eq_any(targets))
                .or(follow_requests::target_account_id
                    .eq(viewer)
                    .and(follow_requests::account_id.eq_any(targets))),
        )
        .select((
            follow_requests::account_id,
            follow_requests::target_account_id,
        ))
        .load(conn)
        .await?;
    let blocks_mutes = super::blocks_mutes::load_block_mute_facts(conn, viewer, targets).await?;
    let target_domains: Vec<(i64, Option<String>)> = accounts::table
        .filter(accounts::id.eq_any(targets))
        .select((accounts::id, accounts::domain))
        .load(conn)
        .await?;
    let domains: Vec<String> = target_domains
        .iter()
        .filter_map(|(_, d)| d.clone())
        .collect();
    let blocked_domains = super::user_domain_blocks::blocked_among(conn, viewer, &domains).await?;
    let endorsed = super::endorsements::endorsed_among(conn, viewer, targets).await?;
    let notes = super::endorsements::notes_about(conn, viewer, targets).await?;
    Ok(targets
        .iter()
        .zip(blocks_mutes)
        .map(
            |(&target, (_, blocking, blocked_by, muting, muting_notifications))| {
                let facts = RelationshipFacts {
                    following: outgoing
                        .iter()
                        .find(|f| f.target_account_id == target)
                        .cloned(),
                    followed_by: incoming.contains(&target),
                    requested: requests.contains(&(viewer, target)),
                    requested_by: requests.contains(&(target, viewer)),
                    blocking,
                    blocked_by,
                    muting,
                    muting_notifications,
                    domain_blocking: target_domains.iter().any(|(id, d)| {
                        *id == target && d.as_ref().is_some_and(|d| blocked_domains.contains(d))
                    }),
                    endorsed: endorsed.contains(&target),
                    note: notes
                        .iter()
                        .find(|(id, _)| *id == target)
                        .map(|(_, c)| c.clone())
                        .unwrap_or_default(),
                };
                (target, facts)
            },
        )
        .collect())
}

/// Number of pending follow requests to an account.
pub async fn count_follow_requests(conn: &mut Conn, account_id: i64) -> Result<i64> {
    Ok(follow_requests::table
        .filter(follow_requests::target_account_id.eq(account_id))
        .count()
        .get_result(conn)
        .await?)
}

/// Local followers of an account, with whether each wants its reblogs.
pub async fn list_local_follower_ids(conn: &mut Conn, account_id: i64) -> Result<Vec<(i64, bool)>> {
    Ok(follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
        .filter(follows::target_account_id.eq(account_id))
        .filter(accounts::domain.is_null())
        .select((follows::account_id, follows::show_reblogs))
        .load(conn)
        .await?)
}

/// Local followers who asked to be notified of an account's new posts
/// (the bell: `notify` on the follow).
pub async fn list_local_subscriber_ids(conn: &mut Conn, account_id: i64) -> Result<Vec<i64>> {
    Ok(follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
        .filter(follows::target_account_id.eq(account_id))
        .filter(follows::notify.eq(true))
        .filter(accounts::domain.is_null())
        .select(follows::account_id)
        .load(conn)
        .await?)
}

/// Where to deliver to an account's remote followers: each follower's
/// shared inbox when it has one, else its own inbox, without repeats.
pub async fn remote_follower_inboxes(conn: &mut Conn, account_id: i64) -> Result<Vec<String>> {
    use diesel::dsl::sql;
    use diesel::sql_types::Text;
    Ok(follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
        .filter(follows::target_account_id.eq(account_id))
        .filter(accounts::domain.is_not_null())
        .filter(accounts::suspended_at.is_null())
        .select(sql::<Text>(
            "coalesce(nullif(accounts.shared_inbox_url, ''), accounts.inbox_url)",
        ))
        .distinct()
        .load(conn)
        .await?)
}

/// Inboxes (the shared one where a server has it) of the remote accounts
/// that follow `account_id`, that it follows, or that it asked to follow:
/// the servers that know the account, which must hear of its deletion.
pub async fn remote_inboxes_knowing(conn: &mut Conn, account_id: i64) -> Result<Vec<String>> {
    use diesel::dsl::sql;
    use diesel::sql_types::Text;
    let inbox =
        || sql::<Text>("coalesce(nullif(accounts.shared_inbox_url, ''), accounts.inbox_url)");
    let mut inboxes = remote_follower_inboxes(conn, account_id).await?;
    let followed: Vec<String> = follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::target_account_id)))
        .filter(follows::account_id.eq(account_id))
        .filter(accounts::domain.is_not_null())
        .select(inbox())
        .distinct()
        .load(conn)
        .await?;
    let requested: Vec<String> = follow_requests::table
        .inner_join(accounts::table.on(accounts::id.eq(follow_requests::target_account_id)))
        .filter(follow_requests::account_id.eq(account_id))
        .filter(accounts::domain.is_not_null())
        .select(inbox())
        .distinct()
        .load(conn)
        .await?;
    inboxes.extend(followed);
    inboxes.extend(requested);
    inboxes.sort();
    inboxes.dedup();
    inboxes.retain(|i| !i.is_empty());
    Ok(inboxes)
}

/// ActivityPub ids of `account_id`'s followers whose accounts are on
/// `domain` (`None`: this server's own accounts), for follower
/// synchronisation.
pub async fn follower_uris_on_domain(
    conn: &mut Conn,
    account_id: i64,
    domain: Option<&str>,
) -> Result<Vec<(i64, String)>> {
    let query = follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
        .filter(follows::target_account_id.eq(account_id))
        .select((accounts::id, accounts::uri))
        .into_boxed();
    let query = match domain {
        None => query.filter(accounts::domain.is_null()),
        Some(domain) => query.filter(accounts::domain.eq(domain.to_ascii_lowercase())),
    };
    Ok(query.load(conn).await?)
}

/// Of the accounts `viewer` follows, those that follow `target` (Mastodon's
/// "familiar followers"), at most `limit`, most recently followed first.
pub async fn list_familiar_followers(
    conn: &mut Conn,
    viewer: AccountId,
    target: AccountId,
    limit: i64,
) -> Result<Vec<Account>> {
    let mine = diesel::alias!(follows as mine);
    Ok(follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
        .filter(follows::target_account_id.eq(target))
        .filter(
            follows::account_id.eq_any(
                mine.filter(mine.field(follows::account_id).eq(viewer))
                    .select(mine.field(follows::target_account_id)),
            ),
        )
        .filter(accounts::suspended_at.is_null())
        .filter(accounts::hide_collections.eq(false))
        .order(follows::id.desc())
        .limit(limit)
        .select(Account::as_select())
        .load(conn)
        .await?)
}
