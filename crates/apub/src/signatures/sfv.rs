//! The subset of Structured Field Values (RFC 8941) that HTTP Message
//! Signatures and `Content-Digest` use: dictionaries whose members are items
//! or inner lists, with parameters; bare items that are integers, strings,
//! tokens, byte sequences or booleans. Decimals are refused.
//!
//! Unlike RFC 8941, which keeps the last of duplicated dictionary keys or
//! parameters, this parser rejects duplicates: a signature header that says
//! two things at once is not one to trust.
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use thiserror::Error;

/// Why a structured field could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SfvError {
    /// The text does not follow RFC 8941 at byte `at`.
    #[error("invalid structured field at byte {at}: {reason}")]
    Syntax {
        /// Byte offset of the problem.
        at: usize,
        /// What was expected.
        reason: &'static str,
    },
    /// A dictionary key or parameter appears twice.
    #[error("duplicate key `{0}` in structured field")]
    DuplicateKey(String),
}

/// A bare item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BareItem {
    /// An integer (at most 15 digits).
    Integer(i64),
    /// A string (printable ASCII).
    String(String),
    /// A token.
    Token(String),
    /// A byte sequence (`:base64:`).
    ByteSequence(Vec<u8>),
    /// A boolean (`?1` / `?0`).
    Boolean(bool),
}

/// Ordered parameters (`;key=value`).
pub type Parameters = Vec<(String, BareItem)>;

/// An item with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The value.
    pub bare: BareItem,
    /// Its parameters.
    pub params: Parameters,
}

/// An inner list with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnerList {
    /// The members.
    pub items: Vec<Item>,
    /// Parameters of the whole list.
    pub params: Parameters,
}

/// A dictionary member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    /// A single item.
    Item(Item),
    /// An inner list.
    InnerList(InnerList),
}

/// A dictionary, in field order.
pub type Dictionary = Vec<(String, Member)>;

/// Looks a parameter up by key.
pub fn param<'a>(params: &'a Parameters, key: &str) -> Option<&'a BareItem> {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Parses a dictionary field value (RFC 8941 §4.2.2).
pub fn parse_dictionary(input: &str) -> Result<Dictionary, SfvError> {
    let mut p = Parser::new(input);
    p.skip_sp();
    let mut dict: Dictionary = Vec::new();
    while !p.at_end() {
        let key = p.key()?;
        let member = if p.eat(b'=') {
            p.member()?
        } else {
            Member::Item(Item {
                bare: BareItem::Boolean(true),
                params: p.parameters()?,
            })
        };
        if dict.iter().any(|(k, _)| *k == key) {
            return Err(SfvError::DuplicateKey(key));
        }
        dict.push((key, member));
        p.skip_ows();
        if p.at_end() {
            break;
        }
        if !p.eat(b',') {
            return Err(p.error("expected `,` between dictionary members"));
        }
        p.skip_ows();
        if p.at_end() {
            return Err(p.error("trailing `,` in dictionary"));
        }
    }
    Ok(dict)
}

/// Serialises a bare item (RFC 8941 §4.1.3).
pub fn serialize_bare_item(item: &BareItem, out: &mut String) {
    match item {
        BareItem::Integer(i) => out.push_str(&i.to_string()),
        BareItem::String(s) => {
            out.push('"');
            for c in s.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        }
        BareItem::Token(t) => out.push_str(t),
        BareItem::ByteSequence(b) => {
            out.push(':');
            out.push_str(&STANDARD.encode(b));
            out.push(':');
        }
        BareItem::Boolean(b) => out.push_str(if *b { "?1" } else { "?0" }),
    }
}

/// Serialises parameters (RFC 8941 §4.1.1.2).
pub fn serialize_parameters(params: &Parameters, out: &mut String) {
    for (key, value) in params {
        out.push(';');
        out.push_str(key);
        if *value != BareItem::Boolean(true) {
            out.push('=');
            serialize_bare_item(value, out);
        }
    }
}

/// Serialises an item with its parameters.
pub fn serialize_item(item: &Item, out: &mut String) {
    serialize_bare_item(&item.bare, out);
    serialize_parameters(&item.params, out);
}

/// Serialises an inner list with its parameters (RFC 8941 §4.1.1.1).
pub fn serialize_inner_list(list: &InnerList, out: &mut String) {
    out.push('(');
    for (i, item) in list.items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        serialize_item(item, out);
    }
    out.push(')');
    serialize_parameters(&list.params, out);
}

/// Serialises a dictionary (RFC 8941 §4.1.2).
pub fn serialize_dictionary(dict: &Dictionary) -> String {
    let mut out = String::new();
    for (i, (key, member)) in dict.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(key);
        match member {
            Member::Item(item) if item.bare == BareItem::Boolean(true) => {
                serialize_parameters(&item.params, &mut out)
            }
            Member::Item(item) => {
                out.push('=');
                serialize_item(item, &mut out);
            }
            Member::InnerList(list) => {
                out.push('=');
                serialize_inner_list(list, &mut out);
            }
        }
    }
    out
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    /// Length of the input once trailing spaces are dropped.
    end: usize,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Parser<'a> {
        let bytes = input.as_bytes();
        let end = bytes.len() - bytes.iter().rev().take_while(|b| **b == b' ').count();
        Parser {
            input: bytes,
            pos: 0,
            end,
        }
    }

    fn error(&self, reason: &'static str) -> SfvError {
        SfvError::Syntax {
            at: self.pos,
            reason,
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.end
    }

    fn peek(&self) -> Option<u8> {
        if self.at_end() {
            None
        } else {
            self.input.get(self.pos).copied()
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_sp(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn take_while(&mut self, pred: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
        // Only ASCII bytes are ever accepted by the predicates used here.
        std::str::from_utf8(&self.input[start..self.pos]).unwrap_or_default()
    }

    fn key(&mut self) -> Result<String, SfvError> {
        match self.peek() {
            Some(b'a'..=b'z' | b'*') => {}
            _ => return Err(self.error("expected a key")),
        }
        Ok(self
            .take_while(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || matches!(b, b'_' | b'-' | b'.' | b'*')
            })
            .to_owned())
    }

    fn member(&mut self) -> Result<Member, SfvError> {
        if self.peek() == Some(b'(') {
            Ok(Member::InnerList(self.inner_list()?))
        } else {
            Ok(Member::Item(self.item()?))
        }
    }

    fn inner_list(&mut self) -> Result<InnerList, SfvError> {
        if !self.eat(b'(') {
            return Err(self.error("expected `(`"));
        }
        let mut items = Vec::new();
        loop {
            self.skip_sp();
            if self.eat(b')') {
                let params = self.parameters()?;
                return Ok(InnerList { items, params });
            }
            items.push(self.item()?);
            match self.peek() {
                Some(b' ' | b')') => {}
                _ => return Err(self.error("expected a space or `)` in inner list")),
            }
        }
    }

    fn item(&mut self) -> Result<Item, SfvError> {
        let bare = self.bare_item()?;
        let params = self.parameters()?;
        Ok(Item { bare, params })
    }

    fn parameters(&mut self) -> Result<Parameters, SfvError> {
        let mut params: Parameters = Vec::new();
        while self.eat(b';') {
            self.skip_sp();
            let key = self.key()?;
            let value = if self.eat(b'=') {
                self.bare_item()?
            } else {
                BareItem::Boolean(true)
            };
            if params.iter().any(|(k, _)| *k == key) {
                return Err(SfvError::DuplicateKey(key));
            }
            params.push((key, value));
        }
        Ok(params)
    }

    fn bare_item(&mut self) -> Result<BareItem, SfvError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.integer(),
            Some(b'"') => self.string(),
            Some(b':') => self.byte_sequence(),
            Some(b'?') => self.boolean(),
            Some(b'A'..=b'Z' | b'a'..=b'z' | b'*') => Ok(self.token()),
            _ => Err(self.error("expected an item")),
        }
    }

    fn integer(&mut self) -> Result<BareItem, SfvError> {
        let negative = self.eat(b'-');
        let digits = self.take_while(|b| b.is_ascii_digit());
        if digits.is_empty() {
            return Err(self.error("expected digits"));
        }
        if self.peek() == Some(b'.') {
            return Err(self.error("decimals are not supported"));
        }
        if digits.len() > 15 {
            return Err(self.error("integer longer than 15 digits"));
        }
        let value: i64 = digits.parse().map_err(|_| self.error("invalid integer"))?;
        Ok(BareItem::Integer(if negative { -value } else { value }))
    }

    fn string(&mut self) -> Result<BareItem, SfvError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let Some(b) = self.input.get(self.pos).copied() else {
                return Err(self.error("unterminated string"));
            };
            self.pos += 1;
            match b {
                b'"' => return Ok(BareItem::String(out)),
                b'\\' => match self.input.get(self.pos).copied() {
                    Some(c @ (b'"' | b'\\')) => {
                        self.pos += 1;
                        out.push(char::from(c));
                    }
                    _ => return Err(self.error("invalid escape in string")),
                },
                0x20..=0x7e => out.push(char::from(b)),
                _ => return Err(self.error("invalid character in string")),
            }
        }
    }

    fn token(&mut self) -> BareItem {
        let token =
            self.take_while(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&b));
        BareItem::Token(token.to_owned())
    }

    fn byte_sequence(&mut self) -> Result<BareItem, SfvError> {
        self.pos += 1; // opening colon
        let body =
            self.take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
        if !self.eat(b':') {
            return Err(self.error("unterminated byte sequence"));
        }
        let engine = GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
        );
        let bytes = engine
            .decode(body)
            .map_err(|_| self.error("invalid base64 in byte sequence"))?;
        Ok(BareItem::ByteSequence(bytes))
    }

    fn boolean(&mut self) -> Result<BareItem, SfvError> {
        self.pos += 1; // question mark
        if self.eat(b'1') {
            Ok(BareItem::Boolean(true))
        } else if self.eat(b'0') {
            Ok(BareItem::Boolean(false))
        } else {
            Err(self.error("expected ?0 or ?1"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_signature_input_shapes() {
        let dict = parse_dictionary(
            r#"sig1=("@method" "@query-param";name="Pet");created=1618884473;keyid="k";flag, b=:AAEC:"#,
        )
        .unwrap();
        assert_eq!(dict.len(), 2);
        let Member::InnerList(list) = &dict[0].1 else {
            panic!("inner list expected")
        };
        assert_eq!(list.items[0].bare, BareItem::String("@method".into()));
        assert_eq!(
            list.items[1].params,
            vec![("name".into(), BareItem::String("Pet".into()))]
        );
        assert_eq!(
            param(&list.params, "created"),
            Some(&BareItem::Integer(1618884473))
        );
        assert_eq!(param(&list.params, "flag"), Some(&BareItem::Boolean(true)));
        let Member::Item(item) = &dict[1].1 else {
            panic!("item expected")
        };
        assert_eq!(item.bare, BareItem::ByteSequence(vec![0, 1, 2]));
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
            "a=1.5",
            "a=(1 2",
            "a=(1,2)",
            "a=\"bad \\x escape\"",
            "a=1234567890123456",
            "a=?2",
        ] {
            assert!(
                matches!(parse_dictionary(bad), Err(SfvError::Syntax { .. })),
                "{bad} should fail"
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
    }
}
