//! Mastodon's rules for remote HTML (`Sanitize::Config::MASTODON_STRICT` in
//! `lib/sanitize_ext/sanitize_config.rb`), as ammonia settings.
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use ammonia::{Builder, UrlRelative};

/// Elements kept as they are.
pub(super) const ALLOWED_ELEMENTS: &[&str] = &[
    "p",
    "br",
    "span",
    "a",
    "del",
    "s",
    "pre",
    "blockquote",
    "code",
    "b",
    "strong",
    "u",
    "i",
    "em",
    "ul",
    "ol",
    "li",
    "ruby",
    "rt",
    "rp",
];

/// Headings, which become `<p><strong>…</strong></p>`.
pub(super) const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

/// Block elements that are unwrapped with a space on each side (Sanitize's
/// default `whitespace_elements`, less those allowed or converted above).
pub(super) const SPACED_ELEMENTS: &[&str] = &[
    "address", "article", "aside", "dd", "div", "dl", "dt", "footer", "header", "hgroup", "hr",
    "nav", "section",
];

/// MathML elements kept through the first pass so that FEP-dc88 math can be
/// turned into its TeX or plain-text annotation.
pub(super) const MATH_ELEMENTS: &[&str] = &["math", "semantics", "annotation"];

/// Elements removed together with their content (Sanitize's default
/// `remove_contents`; `math` is handled by the math rule instead).
const REMOVED_WITH_CONTENT: &[&str] = &[
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "script",
    "style",
    "svg",
    "xmp",
];

/// Schemes a link may use; other links are reduced to their text.
const LINK_PROTOCOLS: &[&str] = &[
    "http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini",
];

/// What every link gets, replacing whatever `rel` was sent.
const LINK_REL: &str = "nofollow noopener";

/// Whether a class is one Mastodon keeps: microformats (`h-*`, `p-*`, `u-*`,
/// `dt-*`, `e-*`), `mention`, `hashtag`, `ellipsis`, `invisible`,
/// `quote-inline`.
pub(super) fn is_allowed_class(class: &str) -> bool {
    const PREFIXES: &[&str] = &["h-", "p-", "u-", "dt-", "e-"];
    const NAMES: &[&str] = &[
        "mention",
        "hashtag",
        "ellipsis",
        "invisible",
        "quote-inline",
    ];
    PREFIXES.iter().any(|p| class.starts_with(p)) || NAMES.contains(&class)
}

/// Rewrites attribute values: classes are filtered (an attribute left
/// empty is dropped) and `translate` survives only as `no`.
fn filter_attribute<'u>(_element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match attribute {
        "class" => {
            let kept: Vec<&str> = value
                .split(['\t', '\n', '\x0c', '\r', ' '])
                .filter(|class| is_allowed_class(class))
                .collect();
            (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
        }
        "translate" => (value == "no").then_some(Cow::Borrowed(value)),
        _ => Some(Cow::Borrowed(value)),
    }
}

/// The first pass: ammonia with Mastodon's elements, attributes and link
/// schemes, plus the elements the second pass converts.
pub(super) fn remote_html_builder() -> Builder<'static> {
    let set = |items: &[&'static str]| items.iter().copied().collect::<HashSet<_>>();
    let tags: HashSet<&str> = [ALLOWED_ELEMENTS, HEADINGS, SPACED_ELEMENTS, MATH_ELEMENTS]
        .concat()
        .into_iter()
        .collect();
    let tag_attributes = HashMap::from([
        ("a", set(&["href", "class", "translate"])),
        ("span", set(&["class", "translate"])),
        ("ol", set(&["start", "reversed"])),
        ("li", set(&["value"])),
        ("p", set(&["class"])),
        ("math", set(&["display"])),
        ("annotation", set(&["encoding"])),
    ]);
    let mut builder = Builder::empty();
    builder
        .tags(tags)
        .clean_content_tags(set(REMOVED_WITH_CONTENT))
        .tag_attributes(tag_attributes)
        .generic_attributes(set(&["lang"]))
        .url_schemes(set(LINK_PROTOCOLS))
        .url_relative(UrlRelative::Deny)
        .link_rel(Some(LINK_REL))
        .set_tag_attribute_value("a", "target", "_blank")
        .strip_comments(true)
        .attribute_filter(filter_attribute);
    builder
}

/// The plain-text pass: only paragraphs and line breaks survive, so that
/// they can become newlines; content of removed elements is dropped.
pub(super) fn plain_text_builder() -> Builder<'static> {
    let mut builder = Builder::empty();
    builder
        .tags(["p", "br"].into_iter().collect())
        .clean_content_tags(
            REMOVED_WITH_CONTENT
                .iter()
                .copied()
                .chain(["math"])
                .collect(),
        )
        .tag_attributes(HashMap::new())
        .generic_attributes(HashSet::new())
        .link_rel(None)
        .strip_comments(true);
    builder
}
