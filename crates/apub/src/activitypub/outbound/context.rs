//! [`Context`]: the `@context` of the documents this server sends.
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// The ActivityStreams vocabulary.
pub const ACTIVITY_STREAMS: &str = "https://www.w3.org/ns/activitystreams";

/// The security vocabulary (`publicKey`, `publicKeyPem`).
pub const SECURITY: &str = "https://w3id.org/security/v1";

/// A term of a JSON-LD context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    /// `"term": "iri"`.
    Iri(&'static str),
    /// `"term": { "@id": iri, "@type": "@id" }`: a property whose value is an id.
    Id(&'static str),
    /// `"term": { "@container": "@list", "@id": iri }`: an ordered list.
    List(&'static str),
}

/// The extension terms Mastodon defines in the `@context` of its actors and
/// objects, with those of FEP-044f, Fedibird, Misskey and GoToSocial that
/// quotes need.
const MASTODON_TERMS: &[(&str, Term)] = &[
    (
        "manuallyApprovesFollowers",
        Term::Iri("as:manuallyApprovesFollowers"),
    ),
    ("toot", Term::Iri("http://joinmastodon.org/ns#")),
    ("featured", Term::Id("toot:featured")),
    ("featuredTags", Term::Id("toot:featuredTags")),
    ("alsoKnownAs", Term::Id("as:alsoKnownAs")),
    ("movedTo", Term::Id("as:movedTo")),
    ("schema", Term::Iri("http://schema.org#")),
    ("PropertyValue", Term::Iri("schema:PropertyValue")),
    ("value", Term::Iri("schema:value")),
    ("discoverable", Term::Iri("toot:discoverable")),
    ("indexable", Term::Iri("toot:indexable")),
    ("memorial", Term::Iri("toot:memorial")),
    ("suspended", Term::Iri("toot:suspended")),
    ("sensitive", Term::Iri("as:sensitive")),
    ("Hashtag", Term::Iri("as:Hashtag")),
    ("Emoji", Term::Iri("toot:Emoji")),
    ("focalPoint", Term::List("toot:focalPoint")),
    ("blurhash", Term::Iri("toot:blurhash")),
    ("quote", Term::Id("https://w3id.org/fep/044f#quote")),
    ("quoteUri", Term::Iri("http://fedibird.com/ns#quoteUri")),
    (
        "_misskey_quote",
        Term::Iri("https://misskey-hub.net/ns#_misskey_quote"),
    ),
    (
        "quoteAuthorization",
        Term::Id("https://w3id.org/fep/044f#quoteAuthorization"),
    ),
    ("gts", Term::Iri("https://gotosocial.org/ns#")),
    ("interactionPolicy", Term::Id("gts:interactionPolicy")),
    ("canQuote", Term::Id("gts:canQuote")),
    ("automaticApproval", Term::Id("gts:automaticApproval")),
    ("manualApproval", Term::Id("gts:manualApproval")),
];

/// The terms of the quote approval exchange (FEP-044f): the request, the
/// authorization and what it names, as Mastodon's `quote_requests` and
/// `quote_authorizations` context extensions.
const QUOTE_TERMS: &[(&str, Term)] = &[
    (
        "QuoteRequest",
        Term::Iri("https://w3id.org/fep/044f#QuoteRequest"),
    ),
    (
        "QuoteAuthorization",
        Term::Iri("https://w3id.org/fep/044f#QuoteAuthorization"),
    ),
    ("gts", Term::Iri("https://gotosocial.org/ns#")),
    ("interactingObject", Term::Id("gts:interactingObject")),
    ("interactionTarget", Term::Id("gts:interactionTarget")),
];

impl Serialize for Term {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Term::Iri(iri) => serializer.serialize_str(iri),
            Term::Id(iri) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("@id", iri)?;
                map.serialize_entry("@type", "@id")?;
                map.end()
            }
            Term::List(iri) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("@container", "@list")?;
                map.serialize_entry("@id", iri)?;
                map.end()
            }
        }
    }
}

/// The extension terms as one JSON-LD context object.
struct Terms(&'static [(&'static str, Term)]);

impl Serialize for Terms {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, term) in self.0 {
            map.serialize_entry(name, term)?;
        }
        map.end()
    }
}

/// The `@context` of a document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Context {
    /// Just ActivityStreams (`"https://www.w3.org/ns/activitystreams"`), as
    /// Mastodon sends with activities and collections.
    #[default]
    ActivityStreams,
    /// ActivityStreams, the security vocabulary and the extension terms, as
    /// Mastodon sends with actors and objects (and their `Create`/`Update`).
    Mastodon,
    /// ActivityStreams and the quote approval terms: a `QuoteRequest`, its
    /// `Accept` or `Reject`, a `QuoteAuthorization` and its `Delete`.
    Quotes,
}

impl Serialize for Context {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Context::ActivityStreams => serializer.serialize_str(ACTIVITY_STREAMS),
            Context::Mastodon => {
                let mut seq = serializer.serialize_seq(Some(3))?;
                seq.serialize_element(ACTIVITY_STREAMS)?;
                seq.serialize_element(SECURITY)?;
                seq.serialize_element(&Terms(MASTODON_TERMS))?;
                seq.end()
            }
            Context::Quotes => {
                let mut seq = serializer.serialize_seq(Some(2))?;
                seq.serialize_element(ACTIVITY_STREAMS)?;
                seq.serialize_element(&Terms(QUOTE_TERMS))?;
                seq.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn contexts_serialize_as_mastodon_sends_them() {
        let plain = serde_json::to_value(Context::ActivityStreams).unwrap();
        assert_eq!(plain, ACTIVITY_STREAMS);
        let full = serde_json::to_value(Context::Mastodon).unwrap();
        assert_eq!(full[0], ACTIVITY_STREAMS);
        assert_eq!(full[1], SECURITY);
        assert_eq!(full[2]["toot"], "http://joinmastodon.org/ns#");
        assert_eq!(full[2]["featured"]["@type"], "@id");
        assert_eq!(full[2]["focalPoint"]["@container"], "@list");
        assert_eq!(
            full[2].as_object().map(|o| o.len()),
            Some(MASTODON_TERMS.len())
        );
    }
}
