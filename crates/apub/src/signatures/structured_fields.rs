//! Structured Field Values (RFC 8941) for HTTP Message Signatures and
//! `Content-Digest`, parsed and serialised by the [`sfv`] crate, with two
//! rules of ours on top:
//!
//! - duplicated dictionary keys or parameters are refused. RFC 8941 keeps
//!   the last one; a signature header that says two things at once is not
//!   one to trust.
//! - only RFC 8941 bare items are accepted, and decimals are refused: no
//!   signature or digest field uses them (dates and display strings, added
//!   by RFC 9651, are refused by parsing as RFC 8941).
//!
//! The checks run in a visitor wrapped around `sfv`'s own parsed types, so
//! the syntax itself is entirely the crate's.
use std::cell::Cell;
use std::convert::Infallible;

use sfv::visitor::{
    DictionaryVisitor, EntryVisitor, InnerListVisitor, ItemVisitor, ParameterVisitor,
};
pub use sfv::{BareItem, Dictionary, InnerList, Integer, Item, Key, ListEntry};
use sfv::{BareItemFromInput, FieldType as _, KeyRef, Parser, Version};
use thiserror::Error;

/// Why a structured field could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SfvError {
    /// The text does not follow RFC 8941 (the `sfv` crate's message).
    #[error("invalid structured field: {0}")]
    Syntax(String),
    /// A dictionary key or parameter appears twice.
    #[error("duplicate key `{0}` in structured field")]
    DuplicateKey(String),
    /// A decimal, which no field read here uses.
    #[error("decimals are not supported")]
    Decimal,
}

/// Parses a dictionary field value (RFC 8941 §4.2.2), refusing duplicated
/// keys and parameters and decimals.
pub fn parse_dictionary(input: &str) -> Result<Dictionary, SfvError> {
    let fault = Cell::new(None);
    let visitor = Strict {
        inner: Dictionary::new(),
        fault: &fault,
    };
    Parser::new(input)
        .with_version(Version::Rfc8941)
        .parse_dictionary_with_visitor(visitor)
        // A visitor's error reaches us only as text; the typed reason is
        // kept aside in `fault`.
        .map_err(|error| fault.take().unwrap_or(SfvError::Syntax(error.to_string())))
}

/// Ordered parameters (`;key=value`) as the signature types keep them: a
/// plain list, so that callers may build them freely.
pub type Parameters = Vec<(String, BareItem)>;

/// Looks a parameter up by key.
pub fn param<'a>(params: &'a Parameters, key: &str) -> Option<&'a BareItem> {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Parameters as parsed by `sfv`, in order.
pub fn params_from(params: &sfv::Parameters) -> Parameters {
    params
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
        .collect()
}

/// Parameters for `sfv` to serialise. A key that is not a valid structured
/// field key (only possible when built by hand) is left out.
fn params_to(params: &Parameters) -> sfv::Parameters {
    params
        .iter()
        .filter_map(|(k, v)| Some((Key::from_string(k.clone()).ok()?, v.clone())))
        .collect()
}

/// An item with its parameters.
pub fn item(bare: BareItem, params: &Parameters) -> Item {
    Item::with_params(bare, params_to(params))
}

/// An inner list with its parameters.
pub fn inner_list(items: Vec<Item>, params: &Parameters) -> InnerList {
    InnerList::with_params(items, params_to(params))
}

/// A key for a [`Dictionary`] or a [`Dictionary`]; `name` must be a valid key
/// (lower-case letters, digits, `_-.*`), which every caller passes as a
/// constant.
pub fn key(name: &'static str) -> Key {
    sfv::key_ref(name).to_owned()
}

/// A string bare item. Characters a structured-field string cannot hold
/// (anything outside printable ASCII) are dropped: key ids, nonces and tags
/// are URLs or tokens, so nothing is lost in practice.
pub fn string_item(value: &str) -> BareItem {
    let printable: String = value.chars().filter(|c| matches!(c, ' '..='~')).collect();
    BareItem::String(sfv::String::from_string(printable).unwrap_or_default())
}

/// Serialises an item with its parameters (RFC 8941 §4.1.3).
pub fn serialize_item(item: &Item) -> String {
    item.serialize()
}

/// Serialises an inner list with its parameters (RFC 8941 §4.1.1.1).
pub fn serialize_inner_list(list: &InnerList) -> String {
    // A list of one member serialises as that member alone.
    vec![ListEntry::InnerList(list.clone())]
        .serialize()
        .unwrap_or_default()
}

/// Wraps one of `sfv`'s visitors, adding our checks; `fault` records why it
/// refused.
struct Strict<'f, V> {
    inner: V,
    fault: &'f Cell<Option<SfvError>>,
}

impl<'f, V> Strict<'f, V> {
    fn refuse(&self, error: SfvError) -> SfvError {
        self.fault.set(Some(error.clone()));
        error
    }

    fn check(&self, item: &BareItemFromInput<'_>) -> Result<(), SfvError> {
        match item {
            BareItemFromInput::Decimal(_) => Err(self.refuse(SfvError::Decimal)),
            _ => Ok(()),
        }
    }
}

/// Parameters seen so far, to refuse a repeated one.
struct StrictParams<'f, 'de, V> {
    strict: Strict<'f, V>,
    seen: Vec<&'de KeyRef>,
}

impl<'f, V> Strict<'f, V> {
    fn params<'de>(self) -> StrictParams<'f, 'de, V> {
        StrictParams {
            strict: self,
            seen: Vec::new(),
        }
    }
}

impl From<Infallible> for SfvError {
    fn from(never: Infallible) -> SfvError {
        match never {}
    }
}

/// An error from one of `sfv`'s own visitors; they never fail, but their
/// error types are opaque here.
fn unexpected(error: impl std::error::Error) -> SfvError {
    SfvError::Syntax(error.to_string())
}

impl<'de> DictionaryVisitor<'de> for Strict<'_, Dictionary> {
    type Out = Dictionary;
    type Error = SfvError;

    fn entry(&mut self, key: &'de KeyRef) -> Result<impl EntryVisitor<'de>, SfvError> {
        if self.inner.contains_key(key) {
            return Err(self.refuse(SfvError::DuplicateKey(key.as_str().to_owned())));
        }
        let fault = self.fault;
        let inner = DictionaryVisitor::entry(&mut self.inner, key)?;
        Ok(Strict { inner, fault })
    }

    fn finish(self) -> Result<Dictionary, SfvError> {
        Ok(self.inner)
    }
}

impl<'de, V: EntryVisitor<'de>> EntryVisitor<'de> for Strict<'_, V> {
    type Error = SfvError;

    fn item(self) -> Result<impl ItemVisitor<'de>, SfvError> {
        let fault = self.fault;
        let inner = self.inner.item().map_err(unexpected)?;
        Ok(Strict { inner, fault })
    }

    fn inner_list(self) -> Result<impl InnerListVisitor<'de>, SfvError> {
        let fault = self.fault;
        let inner = self.inner.inner_list().map_err(unexpected)?;
        Ok(Strict { inner, fault })
    }
}

impl<'de, V: ItemVisitor<'de>> ItemVisitor<'de> for Strict<'_, V> {
    type Out = V::Out;
    type Error = SfvError;

    fn bare_item(
        self,
        bare_item: BareItemFromInput<'de>,
    ) -> Result<impl ParameterVisitor<'de, Out = V::Out>, SfvError> {
        self.check(&bare_item)?;
        let fault = self.fault;
        let params = self.inner.bare_item(bare_item).map_err(unexpected)?;
        Ok(Strict {
            inner: params,
            fault,
        }
        .params())
    }
}

impl<'de, V: InnerListVisitor<'de>> InnerListVisitor<'de> for Strict<'_, V> {
    type Error = SfvError;

    fn item(&mut self) -> Result<impl ItemVisitor<'de>, SfvError> {
        let fault = self.fault;
        Ok(Strict {
            inner: self.inner.item().map_err(unexpected)?,
            fault,
        })
    }

    fn finish(self) -> Result<impl ParameterVisitor<'de>, SfvError> {
        let fault = self.fault;
        let params = self.inner.finish().map_err(unexpected)?;
        Ok(Strict {
            inner: params,
            fault,
        }
        .params())
    }
}

impl<'de, V: ParameterVisitor<'de>> ParameterVisitor<'de> for StrictParams<'_, 'de, V> {
    type Out = V::Out;
    type Error = SfvError;

    fn parameter(
        &mut self,
        key: &'de KeyRef,
        value: BareItemFromInput<'de>,
    ) -> Result<(), SfvError> {
        if self.seen.contains(&key) {
            let duplicate = SfvError::DuplicateKey(key.as_str().to_owned());
            return Err(self.strict.refuse(duplicate));
        }
        self.strict.check(&value)?;
        self.seen.push(key);
        self.strict.inner.parameter(key, value).map_err(unexpected)
    }

    fn finish(self) -> Result<V::Out, SfvError> {
        self.strict.inner.finish().map_err(unexpected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serialize_dictionary(dict: &Dictionary) -> String {
        dict.serialize().unwrap_or_default()
    }

    #[test]
    fn parses_signature_input_shapes() {
        let dict = parse_dictionary(
            r#"sig1=("@method" "@query-param";name="Pet");created=1618884473;keyid="k";flag, b=:AAEC:"#,
        )
        .unwrap();
        assert_eq!(dict.len(), 2);
        let Some(ListEntry::InnerList(list)) = dict.get("sig1") else {
            panic!("inner list expected")
        };
        assert_eq!(list.items[0].bare_item, string_item("@method"));
        assert_eq!(
            params_from(&list.items[1].params),
            vec![("name".to_owned(), string_item("Pet"))]
        );
        let params = params_from(&list.params);
        assert_eq!(
            param(&params, "created"),
            Some(&BareItem::Integer(sfv::integer(1618884473)))
        );
        assert_eq!(param(&params, "flag"), Some(&BareItem::Boolean(true)));
        let Some(ListEntry::Item(item)) = dict.get("b") else {
            panic!("item expected")
        };
        assert_eq!(item.bare_item, BareItem::ByteSequence(vec![0, 1, 2]));
    }

    #[test]
    fn round_trips() {
        for text in [
            r#"sig1=("@method" "@target-uri" "content-digest");created=1;keyid="a \"b\" \\ c""#,
            "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, md5=?0, x;y=tok/en:1",
            "a=()",
        ] {
            let dict = parse_dictionary(text).unwrap();
            assert_eq!(serialize_dictionary(&dict), text);
        }
        let Some(ListEntry::InnerList(list)) =
            parse_dictionary("a=(1 \"b\");c").unwrap().shift_remove("a")
        else {
            panic!("inner list expected")
        };
        assert_eq!(serialize_inner_list(&list), "(1 \"b\");c");
    }

    #[test]
    fn tolerates_optional_whitespace() {
        let dict = parse_dictionary("  a=1 ,\tb=( 2   3 )  ").unwrap();
        assert_eq!(serialize_dictionary(&dict), "a=1, b=(2 3)");
    }

    #[test]
    fn rejects_garbage_and_duplicates() {
        for bad in [
            "A=1",
            "a=1,",
            "a=1 b=2",
            "a=\"unterminated",
            "a=:not base64!:",
            "a=(1 2",
            "a=(1,2)",
            "a=\"bad \\x escape\"",
            "a=1234567890123456",
            "a=?2",
            "a=@1659578233",
            "a=%\"display\"",
        ] {
            assert!(
                matches!(parse_dictionary(bad), Err(SfvError::Syntax(_))),
                "{bad} should fail"
            );
        }
        for decimal in ["a=1.5", "a=1;q=0.5", "a=(1.5)"] {
            assert_eq!(
                parse_dictionary(decimal),
                Err(SfvError::Decimal),
                "{decimal}"
            );
        }
        assert_eq!(
            parse_dictionary("a=1, a=2"),
            Err(SfvError::DuplicateKey("a".into()))
        );
        assert_eq!(
            parse_dictionary("a=1;x;x=2"),
            Err(SfvError::DuplicateKey("x".into()))
        );
        assert_eq!(
            parse_dictionary("a=(1;x 2);y;y"),
            Err(SfvError::DuplicateKey("y".into()))
        );
    }
}
