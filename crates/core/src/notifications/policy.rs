//! What a recipient's notification policy does with a new notification:
//! accept it, keep it filtered (as a notification request) or drop it, by
//! Mastodon 4.3's rules (`NotifyService::DropCondition`/`FilterCondition`).
use chrono::{Duration, Utc};
use ferrodon_db::models::{
    NewNotification, NotificationKind, NotificationPolicy, PolicyChoice, Visibility,
};
use ferrodon_db::queries::{accounts, follows, notification_requests, statuses};
use ferrodon_db::Conn;
use ferrodon_db::{AccountId, StatusId};

use crate::{Error, Result};

/// Senders younger than this count as new accounts.
const NEW_ACCOUNT_THRESHOLD_DAYS: i64 = 30;
/// Followers of less than this do not count as followers yet.
const NEW_FOLLOWER_THRESHOLD_DAYS: i64 = 3;

/// Notification types a policy may filter or drop; the others (poll,
/// update, status, admin.*) always pass.
const FILTERABLE_KINDS: &[NotificationKind] = &[
    NotificationKind::Mention,
    NotificationKind::Reblog,
    NotificationKind::Follow,
    NotificationKind::FollowRequest,
    NotificationKind::Favourite,
];

/// The three answers of a policy: a policy setting's own values.
pub use ferrodon_db::models::PolicyChoice as Verdict;

/// Applies the recipient's policy to a notification about to be stored.
pub async fn judge(conn: &mut Conn, new: &NewNotification) -> Result<Verdict> {
    if !FILTERABLE_KINDS.contains(&new.kind) {
        return Ok(Verdict::Accept);
    }
    let (me, them) = (new.account_id, new.from_account_id);
    if notification_requests::has_permission(conn, AccountId::new(me), AccountId::new(them)).await?
    {
        return Ok(Verdict::Accept);
    }
    let policy = notification_requests::get_policy(conn, me).await?;
    let sender = accounts::get_account_by_id(conn, them).await?;
    let following = follows::get_follow(conn, AccountId::new(me), AccountId::new(them))
        .await?
        .is_some();
    let not_follower =
        match follows::get_follow(conn, AccountId::new(them), AccountId::new(me)).await? {
            Some(f) => f.created_at > Utc::now() - Duration::days(NEW_FOLLOWER_THRESHOLD_DAYS),
            None => true,
        };
    let new_account = sender.created_at > Utc::now() - Duration::days(NEW_ACCOUNT_THRESHOLD_DAYS);
    let private_mention = !following && private_mention_not_in_response(conn, new).await?;
    let applying = [
        (!following, policy.for_not_following),
        (not_follower, policy.for_not_followers),
        (new_account && !following, policy.for_new_accounts),
        (private_mention, policy.for_private_mentions),
        (
            sender.silenced_at.is_some() && !following,
            policy.for_limited_accounts,
        ),
    ];
    Ok(verdict_of(&applying))
}

/// The strictest setting among the conditions that hold (drop, then
/// filter, then accept).
fn verdict_of(applying: &[(bool, PolicyChoice)]) -> Verdict {
    applying
        .iter()
        .filter(|(holds, _)| *holds)
        .map(|(_, choice)| *choice)
        .max()
        .unwrap_or(PolicyChoice::Accept)
}

/// A direct mention that does not answer a private mention of the sender
/// by the recipient.
async fn private_mention_not_in_response(conn: &mut Conn, new: &NewNotification) -> Result<bool> {
    let Some(status_id) = new
        .status_id
        .filter(|_| new.kind == NotificationKind::Mention)
    else {
        return Ok(false);
    };
    let status = statuses::get_status_by_id(conn, status_id).await?;
    if status.visibility() != Visibility::Direct {
        return Ok(false);
    }
    let Some(parent) = status.in_reply_to_id else {
        return Ok(true);
    };
    let answers = notification_requests::answers_private_mention(
        conn,
        StatusId::new(parent),
        AccountId::new(new.account_id),
        AccountId::new(new.from_account_id),
    )
    .await?;
    Ok(!answers)
}

/// A policy's settings as `(name, value)` pairs, in Mastodon's order.
pub fn settings(policy: &NotificationPolicy) -> [(&'static str, PolicyChoice); 5] {
    [
        ("for_not_following", policy.for_not_following),
        ("for_not_followers", policy.for_not_followers),
        ("for_new_accounts", policy.for_new_accounts),
        ("for_private_mentions", policy.for_private_mentions),
        ("for_limited_accounts", policy.for_limited_accounts),
    ]
}

/// Changes the named settings of an account's policy (`for_not_following`
/// …, each `accept`, `filter` or `drop`) and returns the policy. Unknown
/// names are ignored; a bad value changes nothing (422).
pub async fn update_policy(
    conn: &mut Conn,
    account_id: i64,
    changes: &[(&str, String)],
) -> Result<NotificationPolicy> {
    let mut policy = notification_requests::get_policy(conn, account_id).await?;
    for (name, value) in changes {
        let slot = match *name {
            "for_not_following" => &mut policy.for_not_following,
            "for_not_followers" => &mut policy.for_not_followers,
            "for_new_accounts" => &mut policy.for_new_accounts,
            "for_private_mentions" => &mut policy.for_private_mentions,
            "for_limited_accounts" => &mut policy.for_limited_accounts,
            _ => continue,
        };
        let Some(choice) = PolicyChoice::parse(value) else {
            let human = name.replace('_', " ");
            let human = format!("{}{}", human[..1].to_uppercase(), &human[1..]);
            return Err(Error::validation(format!(
                "{human} is not included in the list"
            )));
        };
        *slot = choice;
    }
    notification_requests::put_policy(conn, &policy).await?;
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_strictest_holding_setting_wins() {
        use PolicyChoice::{Accept, Drop, Filter};
        assert_eq!(verdict_of(&[(true, Accept), (false, Drop)]), Accept);
        assert_eq!(verdict_of(&[(true, Filter), (true, Accept)]), Filter);
        assert_eq!(verdict_of(&[(true, Filter), (true, Drop)]), Drop);
        assert_eq!(verdict_of(&[]), Verdict::Accept);
    }
}
