//! [`parse_document`]: bytes from the network to a [`Document`], with limits
//! on size and nesting checked before any parsing.
use serde_json::Value;

use super::document::Document;

/// Bounds on what [`parse_document`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest body, in bytes.
    pub max_bytes: usize,
    /// The deepest nesting of arrays and objects (the top-level object is
    /// depth 1).
    pub max_depth: usize,
}

impl Default for Limits {
    /// 1 MiB and 32 levels: real documents (a PeerTube video inside an
    /// Announce inside an outbox page) stay well under 20 levels.
    fn default() -> Self {
        Limits {
            max_bytes: 1024 * 1024,
            max_depth: 32,
        }
    }
}

/// Why a document was refused.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The body is larger than [`Limits::max_bytes`].
    #[error("document of {size} bytes is over the limit of {limit} bytes")]
    TooLarge {
        /// The body's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Arrays and objects nest deeper than [`Limits::max_depth`].
    #[error("document nests deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The body is not JSON.
    #[error("document is not valid JSON: {0}")]
    Syntax(#[source] serde_json::Error),
    /// The JSON is not an object.
    #[error("document is not a JSON object")]
    NotAnObject,
    /// The object does not fit the class its type names (e.g. an activity
    /// without an `id`).
    #[error("document is not a valid {kind}: {source}")]
    Invalid {
        /// What it was read as: activity, actor, object, collection, tombstone.
        kind: &'static str,
        /// What did not fit.
        #[source]
        source: serde_json::Error,
    },
}

/// Parses an incoming document: refuses bodies over `limits.max_bytes` and
/// JSON nested deeper than `limits.max_depth` (checked by a scan of the raw
/// bytes, before serde sees them), then classifies and reads it.
pub fn parse_document(bytes: &[u8], limits: Limits) -> Result<Document, ParseError> {
    Document::from_value(parse_value(bytes, limits)?)
}

/// Parses any JSON body under the same limits, without interpreting it.
pub fn parse_value(bytes: &[u8], limits: Limits) -> Result<Value, ParseError> {
    if bytes.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    if exceeds_depth(bytes, limits.max_depth) {
        return Err(ParseError::TooDeep {
            limit: limits.max_depth,
        });
    }
    serde_json::from_slice(bytes).map_err(ParseError::Syntax)
}

/// Whether `[` and `{` outside strings nest deeper than `max_depth`. Stops
/// at the first level too deep; malformed input is left to the parser.
fn exceeds_depth(bytes: &[u8], max_depth: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scan_ignores_brackets_in_strings() {
        assert!(!exceeds_depth(br#"{"a":[1,{"b":"[[[[{{{{"}]}"#, 3));
        assert!(exceeds_depth(br#"{"a":[1,{"b":[]}]}"#, 3));
        assert!(!exceeds_depth(br#"{"a":"\"[[[[\\","b":{}}"#, 2));
        assert!(exceeds_depth(br#"{"a":"\\"}[[["#, 2));
        assert!(!exceeds_depth(b"", 0));
    }
}
