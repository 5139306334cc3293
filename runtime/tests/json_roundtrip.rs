//! Property tests of the JSON writer and parser pair the awsJson protocol uses: any document
//! written by [`JsonWriter`] parses back to itself, every typed value the protocol writes reads
//! back as the same value, and the parser returns (never panics) on arbitrary bytes.

#![cfg(feature = "aws-json")]

use proptest::prelude::*;
use stsgen_runtime::json::{self, JsonValue, JsonWriter};
use stsgen_runtime::protocol::aws_json::{self, reader};
use stsgen_runtime::types::wire::TimestampFormat;
use stsgen_runtime::DateTime;

/// JSON numbers as the parser keeps them: their source text.
fn arb_number() -> impl Strategy<Value = JsonValue> {
    prop_oneof![
        any::<i64>().prop_map(|n| JsonValue::Number(n.to_string())),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| JsonValue::Number(f.to_string())),
        (any::<i32>(), 0u32..1000, -30i32..30)
            .prop_map(|(m, f, e)| JsonValue::Number(format!("{m}.{f}e{e}"))),
    ]
}

/// Strings with quotes, backslashes, control characters and non-ASCII text.
fn arb_string() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('"'),
            Just('\\'),
            Just('\n'),
            Just('\u{1}'),
            Just('\u{1f}'),
            Just('é'),
            Just('\u{1F600}'),
            any::<char>(),
            prop::char::range('a', 'z'),
        ],
        0..12,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn arb_value() -> impl Strategy<Value = JsonValue> {
    let leaf = prop_oneof![
        Just(JsonValue::Null),
        any::<bool>().prop_map(JsonValue::Bool),
        arb_number(),
        arb_string().prop_map(JsonValue::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(JsonValue::Array),
            prop::collection::vec((arb_string(), inner), 0..6).prop_map(JsonValue::Object),
        ]
    })
}

fn arb_datetime() -> impl Strategy<Value = DateTime> {
    // Years 1 to 9999, any nanosecond.
    (-62_135_596_800i64..253_402_300_799, 0u32..1_000_000_000).prop_map(|(s, n)| {
        DateTime::from_unix_timestamp_nanos(i128::from(s) * 1_000_000_000 + i128::from(n))
            .expect("in range")
    })
}

/// `[value]` written with `write`, parsed back, the single item returned.
fn through_json(write: impl FnOnce(&mut JsonWriter)) -> JsonValue {
    let mut w = JsonWriter::compact();
    w.begin_array();
    write(&mut w);
    w.end_array();
    let text = w.finish();
    match json::parse(&text) {
        Ok(JsonValue::Array(mut items)) if items.len() == 1 => items.remove(0),
        other => panic!("{text} parsed as {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn documents_round_trip_in_both_layouts(v in arb_value()) {
        let compact = v.to_compact_string();
        prop_assert_eq!(&json::parse(&compact).unwrap(), &v, "compact: {}", compact);
        let mut pretty = JsonWriter::pretty();
        v.write(&mut pretty);
        let pretty = pretty.finish();
        prop_assert_eq!(&json::parse(&pretty).unwrap(), &v, "pretty: {}", pretty);
        // And through the awsJson body reader.
        prop_assert_eq!(&aws_json::parse_body(compact.as_bytes()).unwrap(), &v);
    }

    #[test]
    fn strings_round_trip(s in arb_string()) {
        let v = through_json(|w| w.string(&s));
        prop_assert_eq!(reader::string(&v, "S", "m").unwrap(), s);
    }

    #[test]
    fn integers_round_trip(i in any::<i32>(), l in any::<i64>()) {
        prop_assert_eq!(reader::i32(&through_json(|w| w.integer(i64::from(i))), "S", "m").unwrap(), i);
        prop_assert_eq!(reader::i64(&through_json(|w| w.integer(l)), "S", "m").unwrap(), l);
    }

    #[test]
    fn floats_round_trip_including_non_finite(d in any::<f64>(), f in any::<f32>()) {
        let back = reader::f64(&through_json(|w| aws_json::write_f64(w, d)), "S", "m").unwrap();
        prop_assert!(back == d || (back.is_nan() && d.is_nan()), "{} -> {}", d, back);
        let back = reader::f32(&through_json(|w| aws_json::write_f32(w, f)), "S", "m").unwrap();
        prop_assert!(back == f || (back.is_nan() && f.is_nan()), "{} -> {}", f, back);
    }

    #[test]
    fn timestamps_round_trip_in_every_format(t in arb_datetime()) {
        let epoch = through_json(|w| aws_json::write_timestamp(w, &t, TimestampFormat::EpochSeconds));
        prop_assert!(matches!(epoch, JsonValue::Number(_)), "epoch seconds are a number: {:?}", epoch);
        prop_assert_eq!(reader::timestamp(&epoch, TimestampFormat::EpochSeconds, "S", "m").unwrap(), t);
        let iso = through_json(|w| aws_json::write_timestamp(w, &t, TimestampFormat::DateTime));
        prop_assert_eq!(reader::timestamp(&iso, TimestampFormat::DateTime, "S", "m").unwrap(), t);
        // HTTP dates carry whole seconds only.
        let whole = DateTime::from_unix_timestamp(t.unix_timestamp_nanos().div_euclid(1_000_000_000) as i64).unwrap();
        let http = through_json(|w| aws_json::write_timestamp(w, &whole, TimestampFormat::HttpDate));
        prop_assert_eq!(reader::timestamp(&http, TimestampFormat::HttpDate, "S", "m").unwrap(), whole);
    }

    #[test]
    fn blobs_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let v = through_json(|w| w.blob(&bytes));
        let blob = reader::blob(&v, "S", "m").unwrap();
        prop_assert_eq!(blob.as_bytes(), &bytes[..]);
    }

    #[test]
    fn the_body_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = aws_json::parse_body(&bytes);
    }

    #[test]
    fn the_body_parser_never_panics_on_json_like_text(
        text in prop::collection::vec(prop_oneof![Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"),
            Just("\""), Just("\\u12"), Just("1e"), Just("-"), Just("null"), Just("tru"), Just(" ")], 0..40)
    ) {
        let text: String = text.concat();
        let _ = aws_json::parse_body(text.as_bytes());
    }
}
