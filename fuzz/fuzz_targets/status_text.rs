//! Local status text as a client posts it: mention and hashtag extraction
//! and the plain-text-to-HTML rendering (links, mentions, hashtags).
//!
//! The text module of `ferrodon-core` is compiled in directly (it needs
//! only `regex`), so the fuzzer does not build the whole core crate with
//! its database and network stack under the sanitiser.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../../crates/core/src/text/mod.rs"]
#[allow(dead_code, unused_imports)]
mod text;

use text::{extract_hashtags, extract_mentions, render_plain_text, MentionTarget};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    for (user, domain) in extract_mentions(input) {
        assert!(
            input.contains(&format!("@{user}")),
            "{user} not in {input:?}"
        );
        if let Some(domain) = domain {
            assert!(!domain.is_empty());
        }
    }
    for tag in extract_hashtags(input) {
        assert!(!tag.is_empty());
    }
    let html = render_plain_text(
        input,
        &|user, _| {
            Some(MentionTarget {
                username: user.to_owned(),
                url: format!("https://example.com/@{user}"),
            })
        },
        &|tag| format!("https://example.com/tags/{tag}"),
    );
    // Every `<` the user typed comes out escaped: the only tags are ours.
    let tags_in_html = html.matches('<').count();
    let ours = ["<p>", "</p>", "<br />", "<a ", "</a>", "<span", "</span>"]
        .iter()
        .map(|t| html.matches(t).count())
        .sum::<usize>();
    assert_eq!(
        tags_in_html, ours,
        "stray markup in {html:?} from {input:?}"
    );
});
