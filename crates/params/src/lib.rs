//! Rails-style request parameters: `media_ids[]=1`,
//! `fields_attributes[0][name]=x`, `source[privacy]=public` folded into
//! one JSON object, as Rack does for Mastodon. Pure (no I/O), so the web
//! extractor stays thin and the parser can be fuzzed on its own
//! (`fuzz/fuzz_targets/params_parse.rs`).
//!
//! Rack's limits hold: a key nests at most [`MAX_DEPTH`] levels and a
//! request carries at most [`MAX_PARAMS`] parameters. Without the first, a
//! 1.5 MB key `a[x][x]…` built a 500,000-level tree and overflowed the
//! stack, aborting the whole server (issue 17).
#![warn(missing_docs)]

mod key;

use serde_json::{Map, Value};

pub use key::split_key;

/// Deepest nesting of one key, counting its name (`a[b][c]` is 3): Rack's
/// `param_depth_limit`.
pub const MAX_DEPTH: usize = 32;

/// Most parameters in one request (query string and body together):
/// Rack's `params_limit`.
pub const MAX_PARAMS: usize = 4096;

/// Why parameters were refused; the client gets a 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    /// A key nests deeper than [`MAX_DEPTH`].
    #[error("Invalid request parameters: a key is nested more than {MAX_DEPTH} levels deep")]
    TooDeep,
    /// More than [`MAX_PARAMS`] parameters.
    #[error("Invalid request parameters: more than {MAX_PARAMS} parameters")]
    TooMany,
}

/// Parameters being gathered from a request's parts.
#[derive(Debug, Default, Clone)]
pub struct ParamTree {
    values: Map<String, Value>,
    count: usize,
}

impl ParamTree {
    /// Parameters of one urlencoded string.
    pub fn from_urlencoded(raw: &str) -> Result<Self, ParamsError> {
        let mut tree = ParamTree::default();
        tree.merge_urlencoded(raw)?;
        Ok(tree)
    }

    /// Adds every `key=value` pair of an urlencoded string (a query string
    /// or a form body).
    pub fn merge_urlencoded(&mut self, raw: &str) -> Result<(), ParamsError> {
        for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            self.insert(&key, Value::String(value.into_owned()))?;
        }
        Ok(())
    }

    /// Adds one parameter under a Rails-style key (a form or multipart
    /// field name).
    pub fn insert(&mut self, key: &str, value: Value) -> Result<(), ParamsError> {
        self.count += 1;
        if self.count > MAX_PARAMS {
            return Err(ParamsError::TooMany);
        }
        let segments = split_key(key)?;
        insert_path(&mut self.values, &segments, value);
        Ok(())
    }

    /// Adds the members of a JSON body's object as they are (serde_json
    /// already bounds their nesting at 128).
    pub fn extend_json(&mut self, object: Map<String, Value>) {
        self.values.extend(object);
    }

    /// The parameters gathered so far.
    pub fn values(&self) -> &Map<String, Value> {
        &self.values
    }

    /// How deeply the parameters nest: `a=1` is 1, `a[b]=1` is 2 (for
    /// tests and the fuzz target; walked without recursion).
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut pending: Vec<(&Value, usize)> = self.values.values().map(|v| (v, 1)).collect();
        while let Some((value, depth)) = pending.pop() {
            deepest = deepest.max(depth);
            match value {
                Value::Array(items) => pending.extend(items.iter().map(|v| (v, depth + 1))),
                Value::Object(map) => pending.extend(map.values().map(|v| (v, depth + 1))),
                _ => {}
            }
        }
        deepest
    }
}

/// Puts `value` at `segments` (at most [`MAX_DEPTH`] of them, so the
/// recursion is bounded), creating objects and arrays on the way:
/// `name[]` appends to an array, `name[][k]` adds `k` to the array's last
/// object unless it already has `k` (then a new object starts), as Rails.
fn insert_path(map: &mut Map<String, Value>, segments: &[&str], value: Value) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    if rest.is_empty() {
        map.insert((*first).to_owned(), value);
        return;
    }
    if rest[0].is_empty() {
        let entry = map
            .entry((*first).to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if !entry.is_array() {
            *entry = Value::Array(Vec::new());
        }
        if let Value::Array(items) = entry {
            if rest.len() == 1 {
                items.push(value);
            } else {
                let key = rest[1];
                match items.last_mut() {
                    Some(Value::Object(last)) if !last.contains_key(key) => {
                        insert_path(last, &rest[1..], value);
                    }
                    _ => {
                        let mut inner = Map::new();
                        insert_path(&mut inner, &rest[1..], value);
                        items.push(Value::Object(inner));
                    }
                }
            }
        }
        return;
    }
    let entry = map
        .entry((*first).to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    if let Value::Object(inner) = entry {
        insert_path(inner, rest, value);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(raw: &str) -> Value {
        match ParamTree::from_urlencoded(raw) {
            Ok(tree) => Value::Object(tree.values().clone()),
            Err(e) => panic!("{raw}: {e}"),
        }
    }

    #[test]
    fn rails_nesting() {
        assert_eq!(
            parse("media_ids[]=1&media_ids[]=2&source[privacy]=private&fields_attributes[0][name]=a&fields_attributes[0][value]=b&status=hi"),
            json!({
                "media_ids": ["1", "2"],
                "source": {"privacy": "private"},
                "fields_attributes": {"0": {"name": "a", "value": "b"}},
                "status": "hi",
            })
        );
    }

    #[test]
    fn repeated_keys_under_empty_brackets_start_a_new_hash() {
        assert_eq!(
            parse("k[][keyword]=a&k[][whole_word]=true&k[][keyword]=b&k[][whole_word]=false"),
            json!({"k": [
                {"keyword": "a", "whole_word": "true"},
                {"keyword": "b", "whole_word": "false"}
            ]})
        );
    }

    #[test]
    fn encoded_brackets_nest_too() {
        assert_eq!(parse("a%5Bb%5D=1"), json!({"a": {"b": "1"}}));
    }

    #[test]
    fn nesting_stops_at_rack_depth() {
        let at_limit = format!("a{}=1", "[x]".repeat(MAX_DEPTH - 1));
        match ParamTree::from_urlencoded(&at_limit) {
            Ok(tree) => assert_eq!(tree.depth(), MAX_DEPTH),
            Err(e) => panic!("{e}"),
        }
        let deeper = format!("a{}=1", "[x]".repeat(MAX_DEPTH));
        assert_eq!(
            ParamTree::from_urlencoded(&deeper).err(),
            Some(ParamsError::TooDeep)
        );
        let deeper = format!("a{}=1", "[]".repeat(MAX_DEPTH));
        assert_eq!(
            ParamTree::from_urlencoded(&deeper).err(),
            Some(ParamsError::TooDeep)
        );
    }

    #[test]
    fn a_huge_key_is_refused_without_overflowing() {
        let key = format!("a{}=1", "[x]".repeat(500_000));
        assert_eq!(
            ParamTree::from_urlencoded(&key).err(),
            Some(ParamsError::TooDeep)
        );
    }

    #[test]
    fn parameter_count_stops_at_rack_limit() {
        let at_limit: Vec<String> = (0..MAX_PARAMS).map(|i| format!("k{i}=1")).collect();
        assert!(ParamTree::from_urlencoded(&at_limit.join("&")).is_ok());
        let mut tree = match ParamTree::from_urlencoded(&at_limit.join("&")) {
            Ok(tree) => tree,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            tree.insert("one_more", Value::Null),
            Err(ParamsError::TooMany)
        );
    }
}
