//! [`parse_document`] on edge cases real servers produce: limits, typed
//! errors, compaction variants, unknown types and malformed properties.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ferrodon_apub::activitypub::{
    parse_document, same_origin, Activity, ActivityKind, Document, DocumentClass, IdOrObject,
    Limits, ObjectKind, ParseError,
};
use serde_json::json;

fn parse(value: serde_json::Value) -> Result<Document, ParseError> {
    parse_document(value.to_string().as_bytes(), Limits::default())
}

/// An activity of `kind` by `https://a/u` about `object`.
fn activity_about(kind: &str, object: serde_json::Value) -> Activity {
    let doc = parse(
        json!({"id": "https://a/activity/1", "type": kind, "actor": "https://a/u", "object": object}),
    );
    doc.unwrap().as_activity().unwrap().clone()
}

#[test]
fn refuses_large_bodies_before_parsing() {
    let limits = Limits {
        max_bytes: 10,
        max_depth: 8,
    };
    let err = parse_document(br#"{"type":"Note","content":"hello"}"#, limits).unwrap_err();
    assert!(
        matches!(
            err,
            ParseError::TooLarge {
                size: 33,
                limit: 10
            }
        ),
        "{err}"
    );
}

#[test]
fn refuses_deep_nesting_before_parsing() {
    // Far deeper than serde_json's own limit: refused by the scan, not by
    // serde's untyped recursion error.
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let limits = Limits {
        max_bytes: 1 << 20,
        max_depth: 32,
    };
    let err = parse_document(deep.as_bytes(), limits).unwrap_err();
    assert!(matches!(err, ParseError::TooDeep { limit: 32 }), "{err}");

    // Brackets inside strings do not count.
    let tricky = json!({"type": "Note", "content": "[[[[[[[[[[{{{{{{{{{{\"]]]"});
    let shallow = Limits {
        max_bytes: 1 << 20,
        max_depth: 1,
    };
    let doc = parse_document(tricky.to_string().as_bytes(), shallow).unwrap();
    assert_eq!(doc.class(), DocumentClass::Object);
}

#[test]
fn typed_errors() {
    assert!(matches!(
        parse_document(b"{\"type\":", Limits::default()),
        Err(ParseError::Syntax(_))
    ));
    assert!(matches!(
        parse(json!(["Note"])),
        Err(ParseError::NotAnObject)
    ));
    // An activity and an actor need an id.
    let err = parse(json!({"type": "Follow", "actor": "https://a/u", "object": "https://b/u"}))
        .unwrap_err();
    assert!(
        matches!(
            err,
            ParseError::Invalid {
                kind: "activity",
                ..
            }
        ),
        "{err}"
    );
    let err = parse(json!({"type": "Person", "inbox": "https://a/inbox"})).unwrap_err();
    assert!(
        matches!(err, ParseError::Invalid { kind: "actor", .. }),
        "{err}"
    );
}

#[test]
fn compaction_variants_and_context_are_handled() {
    let doc = parse(json!({
        "@context": ["https://www.w3.org/ns/activitystreams", {"toot": "http://joinmastodon.org/ns#"}],
        "id": "https://a.example/notes/1",
        "type": ["as:Note", "ChatMessage"],
        "attributedTo": {"type": "Person", "id": "https://a.example/users/x"},
        "to": "as:Public",
        "cc": [{"id": "https://a.example/users/x/followers"}, 5],
        "tag": {"type": "Mention", "href": "https://b.example/users/y"},
        "attachment": {"type": "Image", "url": {"type": "Link", "href": "https://a.example/f.png", "mediaType": "image/png"}},
        "inReplyTo": {"id": "https://b.example/notes/0", "type": "Note"},
        "unknownProperty": {"deep": [1, 2, 3]}
    }))
    .unwrap();
    let note = doc.as_object().unwrap();
    assert_eq!(note.kind, ObjectKind::Note);
    assert_eq!(note.attributed_to_id(), Some("https://a.example/users/x"));
    assert_eq!(note.to.as_slice(), ["as:Public"]);
    assert_eq!(note.cc.as_slice(), ["https://a.example/users/x/followers"]);
    assert_eq!(note.mentioned_ids(), ["https://b.example/users/y"]);
    let attachment = note.attachment.first().unwrap();
    assert_eq!(attachment.url(), Some("https://a.example/f.png"));
    assert_eq!(attachment.media_type(), Some("image/png"));
    assert_eq!(
        note.in_reply_to.as_deref(),
        Some("https://b.example/notes/0")
    );
}

#[test]
fn malformed_properties_read_as_absent() {
    let doc = parse(json!({
        "id": "https://a.example/users/x",
        "type": "Person",
        "name": ["not", "a", "string"],
        "manuallyApprovesFollowers": "yes",
        "published": "yesterday",
        "icon": 42,
        "publicKey": [
            {"id": "https://a.example/users/x#other", "owner": "https://elsewhere/y", "publicKeyPem": "B"},
            "garbage",
            {"id": "https://a.example/users/x#main-key", "owner": "https://a.example/users/x", "publicKeyPem": "A"}
        ],
        "endpoints": "https://a.example/inbox",
        "attachment": [{"type": "PropertyValue", "name": "site"}, {"type": "PropertyValue", "name": "k", "value": "v"}]
    }))
    .unwrap();
    let actor = doc.as_actor().unwrap();
    assert_eq!(actor.name, None);
    assert_eq!(actor.manually_approves_followers, None);
    assert_eq!(actor.published, None);
    assert_eq!(actor.avatar_url(), None);
    assert_eq!(actor.endpoints, None);
    assert_eq!(actor.public_key.len(), 2);
    // The key a signature names, and the actor's own key.
    assert_eq!(
        actor
            .public_key("https://a.example/users/x#other")
            .and_then(|k| k.public_key_pem.as_deref()),
        Some("B")
    );
    assert_eq!(
        actor.main_key().and_then(|k| k.public_key_pem.as_deref()),
        Some("A")
    );
    assert_eq!(actor.fields().collect::<Vec<_>>(), [("k", "v")]);
}

#[test]
fn unknown_types_are_kept_and_guessed() {
    let bite = parse(json!({
        "id": "https://is.example/bites/1",
        "type": "Bite",
        "actor": "https://is.example/users/a",
        "target": "https://b.example/users/b"
    }))
    .unwrap();
    let bite = bite.as_activity().unwrap();
    assert_eq!(bite.kind, ActivityKind::Other("Bite".into()));
    assert_eq!(bite.target_id(), Some("https://b.example/users/b"));

    let chat = parse(json!({"id": "https://p/1", "type": "ChatMessage", "attributedTo": "https://p/u", "content": "hi"})).unwrap();
    assert_eq!(
        chat.as_object().unwrap().kind,
        ObjectKind::Other("ChatMessage".into())
    );

    let other = parse(json!({"id": "https://x/1", "type": "Relationship"})).unwrap();
    assert_eq!(other.class(), DocumentClass::Other);
}

#[test]
fn embedded_objects_that_do_not_fit_keep_their_id() {
    // An Undo whose embedded activity lacks an id cannot be an Activity, but
    // a Follow embedded with an id and a broken actor still is one.
    let undo = activity_about(
        "Undo",
        json!({"id": "https://a/follow/1", "type": "Follow", "actor": 7, "object": "https://b/u"}),
    );
    let follow = undo
        .embedded_object()
        .and_then(Document::as_activity)
        .unwrap();
    assert_eq!(follow.actor_id(), None);
    assert_eq!(follow.object_id(), Some("https://b/u"));

    let undo = activity_about("Undo", json!({"type": "Like", "object": "https://b/n/1"}));
    assert!(undo.object.is_empty());

    // An embedded actor without an id is not an Actor, but its `href` (a
    // Link-like object) still names it.
    let block = activity_about("Block", json!({"type": "Person", "href": "https://b/u"}));
    assert_eq!(
        block.object.first(),
        Some(&IdOrObject::Id("https://b/u".into()))
    );
    assert!(same_origin(block.actor_id().unwrap(), &block.id));
}
