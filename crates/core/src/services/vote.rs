//! Voting in a poll (`POST /api/v1/polls/:id/votes`). A vote in a remote
//! poll is also sent to its author's server, as a `Note` naming the choice.
use ferrodon_db::models::Account;
use ferrodon_db::queries::polls::{self, Poll};
use ferrodon_db::queries::{accounts, statuses};
use ferrodon_db::AsyncConnection;

use super::status_access::get_visible_status;
use crate::federation::outbox;
use crate::{live, AppState, Error, Result};

/// Records `voter`'s choices and returns the poll as it now is.
pub async fn vote(
    state: &AppState,
    voter: &Account,
    poll_id: i64,
    choices: &[i32],
) -> Result<Poll> {
    let mut conn = state.conn().await?;
    let poll = polls::find_poll(&mut conn, poll_id)
        .await?
        .ok_or(Error::NotFound)?;
    let status = get_visible_status(&mut conn, poll.status_id, Some(voter.id)).await?;
    if poll.expired() {
        return Err(Error::validation("The poll has already ended"));
    }
    if poll.account_id == voter.id {
        return Err(Error::validation("You cannot vote in your own poll"));
    }
    let mut unique = choices.to_vec();
    unique.sort_unstable();
    unique.dedup();
    // Mastodon's VoteValidator words (config/locales/en.yml polls.errors).
    if unique.is_empty()
        || unique
            .iter()
            .any(|c| *c < 0 || *c as usize >= poll.options.len())
    {
        return Err(Error::validation("The chosen vote option does not exist"));
    }
    if !poll.multiple && unique.len() > 1 {
        // Mastodon stores the first choice, then refuses the second.
        return Err(Error::validation("You have already voted on this poll"));
    }
    // As Mastodon: one vote on a single-choice poll; on a multiple-choice
    // poll more options may be added later, but none twice.
    let earlier: Vec<i32> = polls::votes_of(&mut conn, voter.id, &[poll.id])
        .await?
        .into_iter()
        .map(|(_, choice)| choice)
        .collect();
    if (!poll.multiple && !earlier.is_empty()) || unique.iter().any(|c| earlier.contains(c)) {
        return Err(Error::validation("You have already voted on this poll"));
    }
    let voter_uri = voter.uri.clone();
    conn.transaction(async |conn| {
        for choice in &unique {
            let uri = format!("{voter_uri}#votes/{}/{choice}", poll.id);
            polls::put_vote(conn, &poll, voter.id, *choice, Some(&uri)).await?;
        }
        Ok::<_, Error>(())
    })
    .await?;
    let updated = polls::find_poll(&mut conn, poll.id)
        .await?
        .ok_or(Error::NotFound)?;
    let author = accounts::get_account_by_id(&mut conn, poll.account_id).await?;
    drop(conn);
    if author.is_local() {
        // Followers see the new counts (an Update of the Question), streams too.
        live::status_edited(state, &status).await;
    } else {
        for choice in &unique {
            let name = &poll.options[*choice as usize];
            let activity = outbox::poll_vote(voter, &author, poll.id, *choice, name, &status.uri);
            outbox::send_to(state, voter, &author, activity).await?;
        }
    }
    Ok(updated)
}

/// Records a remote account's vote (a `Note` named after an option, in
/// reply to a local poll); false when it is not a vote.
pub async fn record_remote_vote(
    state: &AppState,
    voter: &Account,
    poll_status_id: i64,
    option_name: &str,
    uri: &str,
) -> Result<bool> {
    let mut conn = state.conn().await?;
    let Some(poll) = polls::polls_of_statuses(&mut conn, &[poll_status_id])
        .await?
        .into_iter()
        .next()
    else {
        return Ok(false);
    };
    let Some(choice) = poll.options.iter().position(|o| o == option_name) else {
        return Ok(true);
    };
    if poll.expired() {
        return Ok(true);
    }
    if !poll.multiple
        && !polls::votes_of(&mut conn, voter.id, &[poll.id])
            .await?
            .is_empty()
    {
        return Ok(true);
    }
    polls::put_vote(&mut conn, &poll, voter.id, choice as i32, Some(uri)).await?;
    let status = statuses::get_status_by_id(&mut conn, poll_status_id).await?;
    drop(conn);
    live::status_edited(state, &status).await;
    Ok(true)
}

/// Sends the "poll ended" notifications of polls that ended: to local
/// voters and to the author if local. Returns how many were sent.
pub async fn notify_ended_polls(state: &AppState) -> Result<usize> {
    let mut sent = 0;
    loop {
        let mut conn = state.conn().await?;
        let ended = polls::take_ended_polls(&mut conn, 100).await?;
        if ended.is_empty() {
            return Ok(sent);
        }
        let mut notes = Vec::new();
        for poll in &ended {
            let mut recipients = polls::voter_ids(&mut conn, poll.id).await?;
            recipients.push(poll.account_id);
            for account in accounts::get_accounts_by_ids(&mut conn, &recipients).await? {
                if !account.is_local() {
                    continue;
                }
                notes.extend(
                    super::notify::notify(
                        &mut conn,
                        &ferrodon_db::models::NewNotification {
                            account_id: account.id,
                            from_account_id: poll.account_id,
                            kind: ferrodon_db::models::NotificationKind::Poll,
                            status_id: Some(poll.status_id),
                        },
                    )
                    .await?,
                );
            }
        }
        drop(conn);
        sent += notes.len();
        live::notifications_created(state, &notes).await;
    }
}
