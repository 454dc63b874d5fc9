//! Whole threads (issue 19, item 2): a reply whose parent we lack brings
//! its ancestors, and opening a remote thread brings the replies we lack,
//! each post fetched from its own server.
use ferrodon_testkit::factories::local_user;
use serde_json::Value;

use super::peer::{activity, settled, stored, Peer};
use super::{instance, json_of};

fn contents(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["content"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_thread_on_a_peer_is_complete_after_one_view() {
    let a = instance().await;
    let (_, _, token) = local_user(&a.state, "alice").await;
    let mut peer = Peer::start().await;
    let (p, q) = (peer.actor("p"), peer.actor("q"));
    let root_id = format!("{}/notes/1", p.uri);
    let middle_id = format!("{}/notes/2", q.uri);
    let leaf_id = format!("{}/notes/3", p.uri);
    let sibling_id = format!("{}/notes/4", q.uri);
    peer.note(&p, 1, "<p>Root</p>", None, &[&middle_id, &sibling_id]);
    peer.note(&q, 2, "<p>Middle</p>", Some(&root_id), &[&leaf_id]);
    let leaf = peer.note(&p, 3, "<p>Leaf</p>", Some(&middle_id), &[]);
    peer.note(&q, 4, "<p>Sibling</p>", Some(&root_id), &[]);

    // Only the leaf reaches us; its parent and the root are fetched.
    assert_eq!(
        p.deliver(&a, &activity("Create", &p.uri, 3, leaf)).await,
        202
    );
    settled(&a).await;
    let leaf_row = stored(&a, &leaf_id).await.expect("the leaf");
    let middle_row = stored(&a, &middle_id).await.expect("the middle reply");
    let root_row = stored(&a, &root_id).await.expect("the root");
    assert_eq!(leaf_row.in_reply_to_id, Some(middle_row.id));
    assert_eq!(middle_row.in_reply_to_id, Some(root_row.id));
    assert_eq!(root_row.in_reply_to_id, None);
    assert!(stored(&a, &sibling_id).await.is_none());

    // One view of the leaf's thread answers with what we have…
    let context = json_of(
        a.get(&format!("/api/v1/statuses/{}/context", leaf_row.id), &token)
            .await,
    )
    .await;
    assert_eq!(
        contents(&context["ancestors"]),
        ["<p>Root</p>", "<p>Middle</p>"]
    );
    // …and fetches the rest of the thread from its root.
    settled(&a).await;
    let sibling_row = stored(&a, &sibling_id).await.expect("the sibling reply");
    assert_eq!(sibling_row.in_reply_to_id, Some(root_row.id));
    assert_eq!(stored(&a, &root_id).await.unwrap().replies_count, 2);
    assert_eq!(stored(&a, &middle_id).await.unwrap().replies_count, 1);
    assert_eq!(stored(&a, &leaf_id).await.unwrap().replies_count, 0);

    // The root's thread is whole; opening it again within the cooldown
    // fetches nothing.
    peer.fetched();
    let context = json_of(
        a.get(&format!("/api/v1/statuses/{}/context", root_row.id), &token)
            .await,
    )
    .await;
    let mut descendants = contents(&context["descendants"]);
    descendants.sort();
    assert_eq!(
        descendants,
        ["<p>Leaf</p>", "<p>Middle</p>", "<p>Sibling</p>"]
    );
    settled(&a).await;
    let again = peer.fetched();
    assert!(again.is_empty(), "fetched again: {again:?}");
}

/// A server answering an endless chain of parents gets a bounded number of
/// fetches, and what was fetched is linked.
#[tokio::test]
async fn ancestors_are_fetched_to_a_bounded_depth() {
    let a = instance().await;
    let mut peer = Peer::start().await;
    let p = peer.actor("p");
    let id = |n: u32| format!("{}/notes/{n}", p.uri);
    // Note n answers note n + 1, for 60 notes.
    for n in 1..=60 {
        peer.note(&p, n, &format!("<p>{n}</p>"), Some(&id(n + 1)), &[]);
    }
    let leaf = peer.note(&p, 1, "<p>1</p>", Some(&id(2)), &[]);
    assert_eq!(
        p.deliver(&a, &activity("Create", &p.uri, 1, leaf)).await,
        202
    );
    settled(&a).await;
    let fetched = peer
        .fetched()
        .into_iter()
        .filter(|path| path.contains("/notes/"))
        .count();
    assert_eq!(fetched, 32, "note fetches for one reply");
    // The leaf and 32 ancestors, each linked to the next.
    let mut row = stored(&a, &id(1)).await.unwrap();
    for n in 2..=33 {
        let parent = stored(&a, &id(n))
            .await
            .unwrap_or_else(|| panic!("note {n}"));
        assert_eq!(row.in_reply_to_id, Some(parent.id), "note {}", n - 1);
        row = parent;
    }
    assert_eq!(row.in_reply_to_id, None);
    assert!(stored(&a, &id(34)).await.is_none());
}
