//! Reading awsJson response bodies: the document ([`parse_body`]) and typed values out of it,
//! each failure a [`ParseError`] naming the shape and member (never the value, which may be
//! secret). Generated deserializers walk the parsed [`JsonValue`] with these helpers; `null`
//! members are treated as absent by the generated code.

use crate::json::{self, JsonValue};
use crate::types::blob::Blob;
use crate::types::datetime::DateTime;
use crate::types::wire::{self, InvalidValue, TimestampFormat};
use crate::xml::{ParseError, ParseErrorKind};

/// Parses a response body; an empty (or all-whitespace) body is an empty object.
///
/// # Errors
/// [`ParseErrorKind::MalformedJson`] with the byte offset, the path and what was wrong.
pub fn parse_body(body: &[u8]) -> Result<JsonValue, ParseError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(JsonValue::Object(Vec::new()));
    }
    let text = std::str::from_utf8(body).map_err(|e| {
        ParseError::new(ParseErrorKind::MalformedJson {
            message: "the body is not UTF-8".to_owned(),
            position: e.valid_up_to() as u64,
        })
    })?;
    json::parse(text).map_err(|e| {
        ParseError::new(ParseErrorKind::MalformedJson {
            message: e.to_string(),
            position: e.offset() as u64,
        })
    })
}

fn wrong(
    shape: &'static str,
    member: &'static str,
    expected: &'static str,
    v: &JsonValue,
) -> ParseError {
    let length = match v {
        JsonValue::String(s) | JsonValue::Number(s) => s.len(),
        _ => 0,
    };
    ParseError::new(ParseErrorKind::InvalidValue {
        shape,
        member,
        expected,
        length,
    })
}

/// The members of an object (in document order; a later duplicate wins when the caller assigns
/// in order).
///
/// # Errors
/// When `v` is not an object.
pub fn object<'a>(
    v: &'a JsonValue,
    shape: &'static str,
    member: &'static str,
) -> Result<&'a [(String, JsonValue)], ParseError> {
    match v {
        JsonValue::Object(members) => Ok(members),
        other => Err(wrong(shape, member, "object", other)),
    }
}

/// The items of an array.
///
/// # Errors
/// When `v` is not an array.
pub fn array<'a>(
    v: &'a JsonValue,
    shape: &'static str,
    member: &'static str,
) -> Result<&'a [JsonValue], ParseError> {
    match v {
        JsonValue::Array(items) => Ok(items),
        other => Err(wrong(shape, member, "array", other)),
    }
}

/// A string.
///
/// # Errors
/// When `v` is not a string.
pub fn string(
    v: &JsonValue,
    shape: &'static str,
    member: &'static str,
) -> Result<String, ParseError> {
    match v {
        JsonValue::String(s) => Ok(s.clone()),
        other => Err(wrong(shape, member, "string", other)),
    }
}

/// A boolean.
///
/// # Errors
/// When `v` is not `true` or `false`.
pub fn boolean(
    v: &JsonValue,
    shape: &'static str,
    member: &'static str,
) -> Result<bool, ParseError> {
    match v {
        JsonValue::Bool(b) => Ok(*b),
        other => Err(wrong(shape, member, "boolean", other)),
    }
}

fn number_text<'a>(
    v: &'a JsonValue,
    shape: &'static str,
    member: &'static str,
    expected: &'static str,
) -> Result<&'a str, ParseError> {
    match v {
        JsonValue::Number(n) => Ok(n),
        other => Err(wrong(shape, member, expected, other)),
    }
}

/// A 32-bit integer.
///
/// # Errors
/// When `v` is not an integer in range.
pub fn i32(v: &JsonValue, shape: &'static str, member: &'static str) -> Result<i32, ParseError> {
    let text = number_text(v, shape, member, "integer")?;
    wire::parse_i32(text).map_err(|e| ParseError::invalid(shape, member, e, text))
}

/// A 64-bit integer.
///
/// # Errors
/// When `v` is not an integer in range.
pub fn i64(v: &JsonValue, shape: &'static str, member: &'static str) -> Result<i64, ParseError> {
    let text = number_text(v, shape, member, "integer")?;
    wire::parse_i64(text).map_err(|e| ParseError::invalid(shape, member, e, text))
}

fn float_text<'a>(
    v: &'a JsonValue,
    shape: &'static str,
    member: &'static str,
) -> Result<&'a str, ParseError> {
    match v {
        JsonValue::Number(n) => Ok(n),
        JsonValue::String(s) if matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity") => Ok(s),
        other => Err(wrong(shape, member, "number", other)),
    }
}

/// A 32-bit float: a number, or the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
///
/// # Errors
/// When `v` is neither.
pub fn f32(v: &JsonValue, shape: &'static str, member: &'static str) -> Result<f32, ParseError> {
    let text = float_text(v, shape, member)?;
    wire::parse_f32(text).map_err(|e| ParseError::invalid(shape, member, e, text))
}

/// A 64-bit float: a number, or the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
///
/// # Errors
/// When `v` is neither.
pub fn f64(v: &JsonValue, shape: &'static str, member: &'static str) -> Result<f64, ParseError> {
    let text = float_text(v, shape, member)?;
    wire::parse_f64(text).map_err(|e| ParseError::invalid(shape, member, e, text))
}

/// A blob: a base64 string.
///
/// # Errors
/// When `v` is not a string of valid base64.
pub fn blob(v: &JsonValue, shape: &'static str, member: &'static str) -> Result<Blob, ParseError> {
    match v {
        JsonValue::String(s) => wire::decode_base64(s)
            .map(Blob::new)
            .map_err(|e| ParseError::invalid(shape, member, e, s)),
        other => Err(wrong(shape, member, "base64 string", other)),
    }
}

/// A timestamp: a number is epoch seconds (with any fraction); a string is read in `format`
/// (falling back to the other formats, as services are not always consistent).
///
/// # Errors
/// When `v` is neither, or out of range.
pub fn timestamp(
    v: &JsonValue,
    format: TimestampFormat,
    shape: &'static str,
    member: &'static str,
) -> Result<DateTime, ParseError> {
    match v {
        JsonValue::Number(n) => DateTime::parse_epoch_seconds(n).map_err(|_| {
            ParseError::invalid(
                shape,
                member,
                InvalidValue {
                    expected: "timestamp",
                },
                n,
            )
        }),
        JsonValue::String(s) => {
            wire::parse_timestamp(s, format).map_err(|e| ParseError::invalid(shape, member, e, s))
        }
        other => Err(wrong(shape, member, "timestamp", other)),
    }
}

/// A document: any JSON value, kept as it is.
pub fn document(v: &JsonValue) -> JsonValue {
    v.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> JsonValue {
        json::parse(text).unwrap()
    }

    #[test]
    fn empty_bodies_are_empty_objects() {
        assert_eq!(parse_body(b"").unwrap(), JsonValue::Object(Vec::new()));
        assert_eq!(parse_body(b"  \n").unwrap(), JsonValue::Object(Vec::new()));
    }

    #[test]
    fn malformed_bodies_say_where() {
        let e = parse_body(b"{\"a\": [1, }").unwrap_err();
        assert!(
            matches!(e.kind(), ParseErrorKind::MalformedJson { position: 10, .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains("not valid JSON"), "{e}");
        let e = parse_body(b"{\"a\": \"\xff\"}").unwrap_err();
        assert!(
            matches!(e.kind(), ParseErrorKind::MalformedJson { position: 7, .. }),
            "{e:?}"
        );
    }

    #[test]
    fn values_read_as_their_types() {
        assert_eq!(i32(&v("1234"), "S", "m").unwrap(), 1234);
        assert!(i32(&v("3000000000"), "S", "m").is_err());
        assert_eq!(
            i64(&v("1234567890123456789"), "S", "m").unwrap(),
            1_234_567_890_123_456_789
        );
        assert_eq!(
            f64(&v("123456789.12345679"), "S", "m").unwrap(),
            123_456_789.123_456_79
        );
        assert!(f64(&v("\"NaN\""), "S", "m").unwrap().is_nan());
        assert_eq!(
            f32(&v("\"-Infinity\""), "S", "m").unwrap(),
            f32::NEG_INFINITY
        );
        assert!(f64(&v("\"1.5\""), "S", "m").is_err());
        assert_eq!(
            blob(&v("\"YmluYXJ5LXZhbHVl\""), "S", "m")
                .unwrap()
                .as_bytes(),
            b"binary-value"
        );
        let t = timestamp(&v("946845296.123"), TimestampFormat::EpochSeconds, "S", "m").unwrap();
        assert_eq!(
            t,
            DateTime::from_unix_timestamp_nanos(946_845_296_123_000_000).unwrap()
        );
        let t = timestamp(
            &v("\"2019-12-16T22:48:18-01:00\""),
            TimestampFormat::DateTime,
            "S",
            "m",
        )
        .unwrap();
        assert_eq!(t, DateTime::from_unix_timestamp(1_576_540_098).unwrap());
        let t = timestamp(
            &v("\"Sun, 02 Jan 2000 20:34:56 GMT\""),
            TimestampFormat::HttpDate,
            "S",
            "m",
        )
        .unwrap();
        assert_eq!(t, DateTime::from_unix_timestamp(946_845_296).unwrap());
    }

    #[test]
    fn wrong_types_name_shape_and_member_not_value() {
        let e = string(&v("12345"), "Creds", "Secret").unwrap_err();
        assert_eq!(
            e.kind(),
            &ParseErrorKind::InvalidValue {
                shape: "Creds",
                member: "Secret",
                expected: "string",
                length: 5
            }
        );
        assert!(!e.to_string().contains("12345"));
        assert!(object(&v("[]"), "S", "m").is_err());
        assert!(array(&v("{}"), "S", "m").is_err());
        assert!(boolean(&v("\"true\""), "S", "m").is_err());
    }
}
