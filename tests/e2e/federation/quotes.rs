//! Quotes across servers (issue 19, item 4; FEP-044f as Mastodon 4.5):
//! a quote of a remote post waits for its author's `Accept`, the
//! authorization is served and checked, revoking it reaches the quoting
//! server, and a quote of a third server's post shows only once an
//! authorization from that server holds.
use ferrodon_core::db::models::{Quote, QuoteState};
use ferrodon_core::db::queries::quotes;
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

use super::peer::{activity, note_document, settled, stored, Peer, PeerActor};
use super::{fetch_ap, instance, json_of, post_status, within};

/// The id on `app` of the status `uri`, found with `resolve=true`.
async fn resolve_status(app: &TestApp, token: &str, uri: &str) -> String {
    let found = json_of(
        app.get(
            &format!("/api/v2/search?q={uri}&resolve=true&type=statuses"),
            token,
        )
        .await,
    )
    .await;
    found["statuses"][0]["id"].as_str().unwrap().to_owned()
}

/// The quote row of the status `id` on `app`.
async fn quote_row(app: &TestApp, id: i64) -> Option<Quote> {
    let mut conn = app.state.conn().await.unwrap();
    quotes::quotes_of_statuses(&mut conn, &[id])
        .await
        .unwrap()
        .into_iter()
        .next()
}

async fn quote_state_on(app: &TestApp, token: &str, id: &str) -> Value {
    let status = json_of(app.get(&format!("/api/v1/statuses/{id}"), token).await).await;
    status["quote"]["state"].clone()
}

#[tokio::test]
async fn a_quote_round_trips_between_two_instances() {
    let a = instance().await;
    let b = instance().await;
    let (_, _, alice_token) = local_user(&a.state, "alice").await;
    let (_, bob, bob_token) = local_user(&b.state, "bob").await;
    let open = post_status(&b, &bob_token, &[("status", "quote me")]).await;
    let closed = post_status(
        &b,
        &bob_token,
        &[("status", "not me"), ("quote_approval_policy", "nobody")],
    )
    .await;
    let open_on_a = resolve_status(&a, &alice_token, open["uri"].as_str().unwrap()).await;
    let closed_on_a = resolve_status(&a, &alice_token, closed["uri"].as_str().unwrap()).await;

    // B's note says nobody but bob may quote the second post: refused here.
    let refused = a
        .post_form(
            "/api/v1/statuses",
            &alice_token,
            &[("status", "no"), ("quoted_status_id", &closed_on_a)],
        )
        .await;
    assert_eq!(refused.status(), 422);

    // The first one may be quoted; the quote waits for bob's server.
    let quoting = post_status(
        &a,
        &alice_token,
        &[("status", "look at this"), ("quoted_status_id", &open_on_a)],
    )
    .await;
    assert_eq!(quoting["quote"]["state"], "pending");
    let quoting_id = quoting["id"].as_str().unwrap();
    within("B's Accept of the quote request", || async {
        (quote_state_on(&a, &alice_token, quoting_id).await == "accepted").then_some(())
    })
    .await;
    let row = quote_row(&a, quoting_id.parse().unwrap()).await.unwrap();
    let approval = row.approval_uri.clone().expect("the authorization's id");
    assert!(approval.starts_with(&format!("{}/quote_authorizations/", bob.uri)));

    // Bob was told, and B counts the quote.
    let notification = within("the quote notification on B", || async {
        let notes = json_of(
            b.get("/api/v1/notifications?types[]=quote", &bob_token)
                .await,
        )
        .await;
        notes.as_array().unwrap().first().cloned()
    })
    .await;
    assert_eq!(notification["status"]["uri"], quoting["uri"]);
    assert_eq!(notification["status"]["quote"]["state"], "accepted");
    assert_eq!(
        notification["status"]["quote"]["quoted_status"]["id"],
        open["id"]
    );
    let open_id = open["id"].as_str().unwrap();
    let counted = json_of(
        b.get(&format!("/api/v1/statuses/{open_id}"), &bob_token)
            .await,
    )
    .await;
    assert_eq!(counted["quotes_count"], 1);

    // B serves the authorization; A's note carries it.
    let authorization = fetch_ap(&b, approval.as_str()).await;
    assert_eq!(authorization["type"], "QuoteAuthorization");
    assert_eq!(authorization["id"], approval.as_str());
    assert_eq!(authorization["attributedTo"], bob.uri.as_str());
    assert_eq!(authorization["interactingObject"], quoting["uri"]);
    assert_eq!(authorization["interactionTarget"], open["uri"]);
    let note = fetch_ap(&a, quoting["uri"].as_str().unwrap()).await;
    assert_eq!(note["quote"], open["uri"]);
    assert_eq!(note["quoteAuthorization"], approval.as_str());

    // Bob revokes it: A hears the Delete of the authorization.
    let quoting_on_b = notification["status"]["id"].as_str().unwrap();
    let revoked = b
        .post_form(
            &format!("/api/v1/statuses/{open_id}/quotes/{quoting_on_b}/revoke"),
            &bob_token,
            &[],
        )
        .await;
    assert_eq!(revoked.status(), 200);
    within("the revocation on A", || async {
        (quote_state_on(&a, &alice_token, quoting_id).await == "revoked").then_some(())
    })
    .await;
    let gone = b
        .client
        .get(&approval)
        .header("Accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    let uncounted = json_of(
        b.get(&format!("/api/v1/statuses/{open_id}"), &bob_token)
            .await,
    )
    .await;
    assert_eq!(uncounted["quotes_count"], 0);
}

/// A public note by `author` quoting `quoted`, with `authorization`.
fn quoting_note(author: &PeerActor, n: u32, quoted: &str, authorization: &str) -> Value {
    let mut note = note_document(
        &format!("{}/notes/{n}", author.uri),
        &author.uri,
        &format!("<p>Quote {n}</p>"),
        None,
    );
    note["quote"] = json!(quoted);
    note["quoteAuthorization"] = json!(authorization);
    note
}

/// A `QuoteAuthorization` with id `{approver}/quote_authorizations/{n}`.
fn authorization(approver: &PeerActor, n: u32, by: &str, object: &str, target: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", {
            "QuoteAuthorization": "https://w3id.org/fep/044f#QuoteAuthorization",
            "gts": "https://gotosocial.org/ns#",
            "interactingObject": {"@id": "gts:interactingObject", "@type": "@id"},
            "interactionTarget": {"@id": "gts:interactionTarget", "@type": "@id"},
        }],
        "id": format!("{}/quote_authorizations/{n}", approver.uri),
        "type": "QuoteAuthorization",
        "attributedTo": by,
        "interactingObject": object,
        "interactionTarget": target,
    })
}

#[tokio::test]
async fn quotes_of_a_third_servers_post_show_once_its_authorization_holds() {
    let a = instance().await;
    let peer = Peer::start().await;
    let (p, q) = (peer.actor("p"), peer.actor("q"));
    let quoted = peer.note(&p, 1, "<p>Quoted</p>", None, &[]);
    let quoted_id = quoted["id"].as_str().unwrap();
    let id = |n: u32| format!("{}/notes/{n}", q.uri);
    let auth_id = |n: u32| format!("{}/quote_authorizations/{n}", p.uri);
    // 2: a true authorization; 3: one q made itself (the wrong actor);
    // 4: p's, but for another post; 5: none served.
    peer.serve(&authorization(&p, 2, &p.uri, &id(2), quoted_id));
    peer.serve(&authorization(&p, 3, &q.uri, &id(3), quoted_id));
    peer.serve(&authorization(&p, 4, &p.uri, &id(2), quoted_id));
    // The first quote brings the quoted post, which the others then find.
    for n in 2..=5 {
        let note = quoting_note(&q, n, quoted_id, &auth_id(n));
        assert_eq!(
            q.deliver(&a, &activity("Create", &q.uri, n, note)).await,
            202
        );
        settled(&a).await;
    }

    // The quoted post we lacked was fetched from its server.
    let quoted_row = stored(&a, quoted_id).await.expect("the quoted post");
    let mut states = Vec::new();
    for n in 2..=5 {
        let status = stored(&a, &id(n)).await.expect("the quoting post");
        let quote = quote_row(&a, status.id).await.expect("its quote");
        assert_eq!(quote.quoted_status_id, Some(quoted_row.id));
        states.push(quote.state());
    }
    assert_eq!(
        states,
        [
            QuoteState::Accepted,
            QuoteState::Pending,
            QuoteState::Pending,
            QuoteState::Pending
        ]
    );
    let accepted = stored(&a, &id(2)).await.unwrap();
    assert_eq!(
        quote_row(&a, accepted.id).await.unwrap().approval_uri,
        Some(auth_id(2))
    );

    // Only p can withdraw its authorization.
    let delete = |actor: &str, id: String| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": id,
            "type": "Delete",
            "actor": actor,
            "object": {"id": auth_id(2), "type": "QuoteAuthorization"},
        })
    };
    let from_q = delete(&q.uri, format!("{}/activities/delete-authorization", q.uri));
    assert_eq!(q.deliver(&a, &from_q).await, 202);
    settled(&a).await;
    let state = quote_row(&a, accepted.id).await.unwrap().state();
    assert_eq!(state, QuoteState::Accepted);
    let from_p = delete(&p.uri, format!("{}#delete", auth_id(2)));
    assert_eq!(p.deliver(&a, &from_p).await, 202);
    settled(&a).await;
    let state = quote_row(&a, accepted.id).await.unwrap().state();
    assert_eq!(state, QuoteState::Revoked);
}

#[tokio::test]
async fn quote_requests_are_answered_by_the_quoted_posts_policy() {
    let a = instance().await;
    let (_, alice, token) = local_user(&a.state, "alice").await;
    let open = post_status(&a, &token, &[("status", "quote me")]).await;
    let closed = post_status(
        &a,
        &token,
        &[("status", "not me"), ("quote_approval_policy", "nobody")],
    )
    .await;
    let mut peer = Peer::start().await;
    let q = peer.actor("q");
    for (n, quoted) in [(1, &open), (2, &closed)] {
        // The quoting post is only served: A fetches it from q's server.
        let mut note = note_document(&format!("{}/notes/{n}", q.uri), &q.uri, "<p>look</p>", None);
        note["quote"] = quoted["uri"].clone();
        peer.serve(&note);
        let request = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/quote_requests/{n}", q.uri),
            "type": "QuoteRequest",
            "actor": q.uri,
            "object": quoted["uri"],
            "instrument": note["id"],
        });
        assert_eq!(q.deliver(&a, &request).await, 202);
    }
    let mut answers: Vec<Value> = Vec::new();
    within("both answers", || {
        answers.extend(peer.delivered());
        let done = answers.len() >= 2;
        async move { done.then_some(()) }
    })
    .await;
    let answer_to = |n: u32| {
        answers
            .iter()
            .find(|x| x["object"]["id"] == format!("{}/quote_requests/{n}", q.uri))
            .unwrap_or_else(|| panic!("no answer to request {n}: {answers:?}"))
            .clone()
    };
    let accept = answer_to(1);
    assert_eq!(accept["type"], "Accept");
    assert_eq!(accept["actor"], alice.uri.as_str());
    assert_eq!(accept["object"]["type"], "QuoteRequest");
    assert_eq!(accept["object"]["instrument"], format!("{}/notes/1", q.uri));
    let result = accept["result"].as_str().unwrap();
    let served = fetch_ap(&a, result).await;
    assert_eq!(served["type"], "QuoteAuthorization");
    assert_eq!(served["attributedTo"], alice.uri.as_str());
    assert_eq!(served["interactingObject"], format!("{}/notes/1", q.uri));
    assert_eq!(served["interactionTarget"], open["uri"]);
    let reject = answer_to(2);
    assert_eq!(reject["type"], "Reject");
    assert!(reject.get("result").is_none());
    // The quote of the `nobody` post stays unapproved.
    let refused = stored(&a, &format!("{}/notes/2", q.uri)).await.unwrap();
    assert_ne!(
        quote_row(&a, refused.id).await.unwrap().state(),
        QuoteState::Accepted
    );
}
