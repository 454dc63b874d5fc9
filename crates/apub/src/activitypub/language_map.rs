//! [`LanguageMap`]: `contentMap`, `nameMap` and `summaryMap`.
use serde::de::{Deserialize, Deserializer};
use serde_json::Value;

/// Language-tagged versions of a text (`{"en": "...", "de": "..."}`).
/// Entries whose value is not a string are skipped. The order of entries is
/// not significant: documents read through a JSON value come sorted by tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageMap(pub Vec<(String, String)>);

impl LanguageMap {
    /// The text for a language tag, compared case-insensitively; a bare
    /// language (`en`) also matches a regional tag (`en-GB`).
    pub fn get(&self, language: &str) -> Option<&str> {
        let exact = self
            .0
            .iter()
            .find(|(tag, _)| tag.eq_ignore_ascii_case(language));
        let primary = || {
            self.0.iter().find(|(tag, _)| {
                tag.split('-')
                    .next()
                    .is_some_and(|p| p.eq_ignore_ascii_case(language))
            })
        };
        exact.or_else(primary).map(|(_, text)| text.as_str())
    }

    /// The first entry, as `(language, text)`.
    pub fn first(&self) -> Option<(&str, &str)> {
        self.0
            .first()
            .map(|(tag, text)| (tag.as_str(), text.as_str()))
    }

    /// The language whose text equals `text`, if any.
    pub fn language_of(&self, text: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(_, t)| t == text)
            .map(|(tag, _)| tag.as_str())
    }

    /// Whether the map has no entry.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for LanguageMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = LanguageMap;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of language tags to text")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<LanguageMap, A::Error> {
                let mut entries = Vec::new();
                while let Some((tag, value)) = map.next_entry::<String, Value>()? {
                    if let Value::String(text) = value {
                        entries.push((tag, text));
                    }
                }
                Ok(LanguageMap(entries))
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<LanguageMap, E> {
                Ok(LanguageMap::default())
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn keeps_order_and_matches_languages() {
        let map: LanguageMap =
            serde_json::from_str(r#"{"fr":"bonjour","en-GB":"hello","x":3}"#).unwrap();
        assert_eq!(map.first(), Some(("fr", "bonjour")));
        assert_eq!(map.get("EN"), Some("hello"));
        assert_eq!(map.get("de"), None);
        assert_eq!(map.language_of("hello"), Some("en-GB"));
        assert_eq!(map.0.len(), 2);
    }
}
