//! Fuzzes the runtime's JSON parser (`sts::runtime::json::parse`, which reads IAM policy
//! documents and other JSON) and its writer.
//!
//! Input: the JSON text (invalid UTF-8 is replaced, as a reader of a file would have to decide).
//!
//! Checks: parsing never panics, hangs or overflows the stack (nesting is bounded); an error
//! formats, and its offset lies inside the text; a parsed value written compact and pretty
//! parses back to the same value, and compact writing is a fixed point
//! (parse -> write -> parse -> write gives the same text).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sts::runtime::json::{parse, JsonValue, JsonWriter};

fn pretty(v: &JsonValue) -> String {
    let mut w = JsonWriter::pretty();
    v.write(&mut w);
    w.finish()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let value = match parse(&text) {
        Ok(v) => v,
        Err(e) => {
            assert!(e.offset() <= text.len(), "offset {} past the end ({})", e.offset(), text.len());
            assert!(!e.to_string().is_empty());
            drop(format!("{e:?} {:?} {}", e.kind(), e.path()));
            return;
        }
    };
    drop(format!("{value:?} {}", value.type_name()));
    let compact = value.to_compact_string();
    let again = parse(&compact).unwrap_or_else(|e| panic!("the compact form does not parse: {e}\n{compact}"));
    assert_eq!(again, value, "compact round trip\n{compact}");
    assert_eq!(again.to_compact_string(), compact, "compact writing is not a fixed point");
    let spaced = pretty(&value);
    let again = parse(&spaced).unwrap_or_else(|e| panic!("the pretty form does not parse: {e}\n{spaced}"));
    assert_eq!(again, value, "pretty round trip\n{spaced}");
});
