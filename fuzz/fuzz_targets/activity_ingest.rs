//! An incoming ActivityPub document, as an inbox or a fetch receives it:
//! the size and depth limits, classification into the internal types, and
//! every accessor ingress reads (actor, objects, audience, mentions, tags,
//! poll options), with the object's HTML sanitised as it would be stored.
#![no_main]
use ferrodon_apub::activitypub::{parse_document, same_host, Document, Limits, Object};
use ferrodon_apub::sanitize::{plain_text, sanitize_remote_html};
use libfuzzer_sys::fuzz_target;

fn read_object(object: &Object) {
    let _ = object.attributed_to_id();
    if let Some(html) = object.content_for(object.language()) {
        let _ = sanitize_remote_html(html);
    }
    let _ = object.source_text();
    let _ = object.quote_id();
    let _ = object.url_href();
    if let Some(warning) = object.content_warning() {
        let _ = plain_text(warning);
    }
    let _ = object.mentioned_ids();
    let _ = object.hashtags().count();
    let _ = object.emojis().count();
    let _ = object.poll_options();
    let _ = object.visibility(Some("https://example.com/users/alice/followers"));
    if let (Some(id), Some(author)) = (object.id.as_deref(), object.attributed_to_id()) {
        let _ = same_host(id, author);
    }
}

fn read(document: &Document, depth: usize) {
    match document {
        Document::Activity(activity) => {
            let _ = activity.actor_id();
            let _ = activity.object_id();
            let _ = activity.object_ids().count();
            let _ = activity.target_id();
            let _ = activity.reaction();
            let _ = activity.visibility(None);
            if let (Some(actor), true) = (activity.actor_id(), depth < 4) {
                let _ = same_host(&activity.id, actor);
                if let Some(inner) = activity.embedded_object() {
                    read(inner, depth + 1);
                }
            }
        }
        Document::Actor(actor) => {
            let _ = actor.main_key();
            let _ = actor.shared_inbox();
            let _ = actor.profile_url();
            let _ = actor.avatar_url();
            let _ = actor.header_url();
            let _ = actor.fields().count();
            let _ = actor.emojis().count();
            let _ = actor.is_bot();
        }
        Document::Object(object) => read_object(object),
        Document::Collection(collection) => {
            let _ = collection.item_ids().count();
            let _ = collection.is_page();
        }
        Document::Tombstone(_) | Document::Other(_) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_bytes: 64 * 1024,
        max_depth: 32,
    };
    if let Ok(document) = parse_document(data, limits) {
        read(&document, 0);
    }
});
