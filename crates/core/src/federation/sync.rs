//! Follower synchronisation (Mastodon's `Collection-Synchronization`
//! header, FEP-8fcf): a delivery addressed to the sender's followers carries
//! a digest of the followers it believes the receiving server has; when the
//! receiver's own view differs, it fetches the sender's list for its domain
//! and drops the follows the sender does not know.
use ferrodon_apub::activitypub::outbound::{self as ap, Context};
use ferrodon_apub::activitypub::CollectionKind;
use ferrodon_db::AccountId;
use sha2::{Digest, Sha256};

use super::client::signed_fetch;
use super::instance_actor::instance_actor;
use crate::authority::{authority_of, same_authority};
use crate::jobs::{self, Job};
use crate::{AppState, Error, Result};
use ferrodon_db::models::Account;
use ferrodon_db::queries::{accounts, follows};

/// XOR of the SHA-256 of each id, in hex: independent of order.
pub fn digest<'a>(uris: impl IntoIterator<Item = &'a str>) -> String {
    let mut acc = [0u8; 32];
    for uri in uris {
        for (a, b) in acc.iter_mut().zip(Sha256::digest(uri.as_bytes())) {
            *a ^= b;
        }
    }
    acc.iter().map(|b| format!("{b:02x}")).collect()
}

/// The header a delivery from `sender` to `inbox` carries.
pub async fn header_for(state: &AppState, sender: &Account, inbox: &str) -> Result<Option<String>> {
    let Some(domain) = authority_of(inbox) else {
        return Ok(None);
    };
    let mut conn = state.conn().await?;
    let followers = follows::follower_uris_on_domain(&mut conn, sender.id, Some(&domain)).await?;
    Ok(Some(format!(
        "collectionId=\"{}/followers\", url=\"{}/followers_synchronization\", digest=\"{}\"",
        sender.uri,
        sender.uri,
        digest(followers.iter().map(|(_, uri)| uri.as_str()))
    )))
}

/// The three parameters of the header.
fn parse_header(header: &str) -> Option<(String, String, String)> {
    let mut collection = None;
    let mut url = None;
    let mut digest = None;
    for part in header.split(',') {
        let (key, value) = part.trim().split_once('=')?;
        let value = value.trim().trim_matches('"').to_owned();
        match key.trim() {
            "collectionId" => collection = Some(value),
            "url" => url = Some(value),
            "digest" => digest = Some(value),
            _ => {}
        }
    }
    Some((collection?, url?, digest?))
}

/// Checks a delivery's header against our follows of `signer`; queues a
/// synchronisation when they differ.
pub async fn check(state: &AppState, signer: &Account, header: &str) -> Result<()> {
    let Some((collection, url, their_digest)) = parse_header(header) else {
        return Ok(());
    };
    if collection != signer.followers_url && collection != format!("{}/followers", signer.uri) {
        return Ok(());
    }
    if !same_authority(&url, &signer.uri) {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let ours = follows::follower_uris_on_domain(&mut conn, signer.id, None).await?;
    drop(conn);
    if digest(ours.iter().map(|(_, uri)| uri.as_str())) == their_digest.to_ascii_lowercase() {
        return Ok(());
    }
    jobs::enqueue(
        state,
        Job::SynchronizeFollowers {
            account_id: signer.id,
            url,
        },
    )
    .await
}

/// Fetches `account`'s list of followers on our domain and drops our
/// local follows of it that the list lacks.
pub async fn synchronize(state: &AppState, account_id: i64, url: &str) -> Result<usize> {
    let mut conn = state.conn().await?;
    let account = accounts::get_account_by_id(&mut conn, account_id).await?;
    drop(conn);
    if !same_authority(url, &account.uri) {
        return Ok(0);
    }
    let signer = instance_actor(state).await?;
    let fetched = signed_fetch(state, &signer, url)
        .await
        .map_err(|e| Error::Unavailable(e.to_string()))?;
    // Only the account's own server speaks for its followers.
    if !same_authority(&fetched.url, &account.uri) {
        return Ok(0);
    }
    let value = fetched.value;
    let listed: Vec<String> = value
        .get("orderedItems")
        .or_else(|| value.get("items"))
        .and_then(|v| v.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|i| {
                    i.as_str()
                        .or_else(|| i.get("id").and_then(|id| id.as_str()))
                })
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut conn = state.conn().await?;
    let ours = follows::follower_uris_on_domain(&mut conn, account.id, None).await?;
    let mut removed = 0;
    for (follower_id, uri) in ours {
        if !listed.contains(&uri)
            && follows::delete_follow(
                &mut conn,
                AccountId::new(follower_id),
                AccountId::new(account.id),
            )
            .await?
        {
            accounts::add_to_follow_counts(
                &mut conn,
                AccountId::new(follower_id),
                AccountId::new(account.id),
                -1,
            )
            .await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// `GET /users/:name/followers_synchronization`: the followers of a local
/// account on the requesting server's domain.
pub async fn followers_on_domain(
    state: &AppState,
    account: &Account,
    requester: &Account,
) -> Result<ap::Collection<String>> {
    let domain = requester.domain.clone().unwrap_or_default();
    let mut conn = state.conn().await?;
    let followers = follows::follower_uris_on_domain(&mut conn, account.id, Some(&domain)).await?;
    let uris = followers.into_iter().map(|(_, uri)| uri).collect();
    Ok(synchronization_collection(account, uris))
}

/// The collection `GET /users/:name/followers_synchronization` answers:
/// the ids of `account`'s followers on the requester's domain.
pub fn synchronization_collection(
    account: &Account,
    followers: Vec<String>,
) -> ap::Collection<String> {
    ap::Collection {
        context: Some(Context::ActivityStreams),
        id: Some(format!("{}/followers_synchronization", account.uri)),
        kind: CollectionKind::OrderedCollection,
        ordered_items: Some(followers),
        ..ap::Collection::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_ignore_order_and_parse_back() {
        let a = digest(["https://a.example/users/1", "https://a.example/users/2"]);
        let b = digest(["https://a.example/users/2", "https://a.example/users/1"]);
        assert_eq!(a, b);
        assert_eq!(digest([]), "0".repeat(64));
        assert_ne!(a, digest(["https://a.example/users/1"]));
        let header = format!("collectionId=\"https://b.example/users/x/followers\", url=\"https://b.example/users/x/followers_synchronization\", digest=\"{a}\"");
        let (collection, url, parsed) = parse_header(&header).unwrap_or_default();
        assert_eq!(collection, "https://b.example/users/x/followers");
        assert!(url.ends_with("/followers_synchronization"));
        assert_eq!(parsed, a);
    }
}
