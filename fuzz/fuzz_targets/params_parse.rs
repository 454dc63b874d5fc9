//! Request parameters as clients send them (`crates/params`): query
//! strings and urlencoded bodies with Rails-style nested keys, and the same
//! text as one multipart field name. Whatever the input, parsing ends in a
//! tree no deeper than Rack's limit or in a refusal, never in a crash.
#![no_main]
use ferrodon_params::{ParamTree, ParamsError, MAX_DEPTH, MAX_PARAMS};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match ParamTree::from_urlencoded(input) {
        Ok(tree) => {
            let pairs = url::form_urlencoded::parse(input.as_bytes()).count();
            assert!(pairs <= MAX_PARAMS);
            let depth = tree.depth();
            assert!(depth <= MAX_DEPTH, "{depth} levels from {input:?}");
        }
        Err(ParamsError::TooDeep | ParamsError::TooMany) => {}
    }
    let mut field = ParamTree::default();
    if field.insert(input, Value::String("v".into())).is_ok() {
        assert!(field.depth() <= MAX_DEPTH);
    }
});
