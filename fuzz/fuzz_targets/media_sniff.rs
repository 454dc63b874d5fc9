//! Media type detection from the first bytes of an upload or a remote
//! download (`crates/media/src/sniff.rs`): any prefix of any length.
#![no_main]
use ferrodon_media::sniff::{sniff, Detected};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let whole = sniff(data);
    // Detection looks only at the first bytes: a longer file with the same
    // start is the same kind.
    let mut longer = data.to_vec();
    longer.extend_from_slice(&[0u8; 64]);
    if whole != Detected::Unknown && data.len() >= 128 {
        assert_eq!(sniff(&longer), whole);
    }
});
