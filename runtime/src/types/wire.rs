//! Wire forms of primitive values: timestamps, floats, booleans and blobs.

use base64::Engine as _;

use crate::types::datetime::DateTime;

/// Timestamp wire formats (the model's `timestampFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// `2015-01-25T08:00:00Z` (fractional seconds when not whole).
    DateTime,
    /// Seconds since the epoch, `1422172800` (fraction when not whole).
    EpochSeconds,
    /// `Sun, 25 Jan 2015 08:00:00 GMT`.
    HttpDate,
}

/// Formats a timestamp.
pub fn format_timestamp(value: &DateTime, format: TimestampFormat) -> String {
    match format {
        TimestampFormat::DateTime => value.format_rfc3339(),
        TimestampFormat::EpochSeconds => value.format_epoch_seconds(),
        TimestampFormat::HttpDate => value.format_http_date(),
    }
}

/// Why a value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidValue {
    /// What was expected (`"timestamp"`, `"integer"`, ...).
    pub expected: &'static str,
}

/// Parses a timestamp in the given format; date-times also accept offsets, any fraction and no
/// zone at all (read as UTC), and every format falls back to the others (services are not
/// always consistent).
pub fn parse_timestamp(text: &str, format: TimestampFormat) -> Result<DateTime, InvalidValue> {
    let text = text.trim();
    let as_epoch = || DateTime::parse_epoch_seconds(text);
    let as_date_time = || DateTime::parse_rfc3339_lenient(text);
    let as_http = || DateTime::parse_http_date(text);
    let parsed = match format {
        TimestampFormat::DateTime => as_date_time()
            .or_else(|_| as_epoch())
            .or_else(|_| as_http()),
        TimestampFormat::EpochSeconds => as_epoch()
            .or_else(|_| as_date_time())
            .or_else(|_| as_http()),
        TimestampFormat::HttpDate => as_http()
            .or_else(|_| as_date_time())
            .or_else(|_| as_epoch()),
    };
    parsed.map_err(|_| InvalidValue {
        expected: "timestamp",
    })
}

/// Formats a float as AWS expects: `NaN`, `Infinity`, `-Infinity`, else the shortest round-trip form.
pub fn format_f64(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        v.to_string()
    }
}

/// Formats an `f32` (see [`format_f64`]).
pub fn format_f32(v: f32) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        v.to_string()
    }
}

/// Parses a float, accepting `NaN`, `Infinity` and `-Infinity`.
pub fn parse_f64(text: &str) -> Result<f64, InvalidValue> {
    match text.trim() {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        t => t.parse().map_err(|_| InvalidValue {
            expected: "floating-point number",
        }),
    }
}

/// Parses an `f32` (see [`parse_f64`]).
pub fn parse_f32(text: &str) -> Result<f32, InvalidValue> {
    match text.trim() {
        "NaN" => Ok(f32::NAN),
        "Infinity" => Ok(f32::INFINITY),
        "-Infinity" => Ok(f32::NEG_INFINITY),
        t => t.parse().map_err(|_| InvalidValue {
            expected: "floating-point number",
        }),
    }
}

/// Parses `true` / `false`.
pub fn parse_bool(text: &str) -> Result<bool, InvalidValue> {
    match text.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(InvalidValue {
            expected: "boolean",
        }),
    }
}

/// Parses a 32-bit integer.
pub fn parse_i32(text: &str) -> Result<i32, InvalidValue> {
    text.trim().parse().map_err(|_| InvalidValue {
        expected: "32-bit integer",
    })
}

/// Parses a 64-bit integer.
pub fn parse_i64(text: &str) -> Result<i64, InvalidValue> {
    text.trim().parse().map_err(|_| InvalidValue {
        expected: "64-bit integer",
    })
}

/// Base64 (standard alphabet, padded).
pub fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes base64 (standard alphabet; whitespace inside is ignored, padding optional).
pub fn decode_base64(text: &str) -> Result<Vec<u8>, InvalidValue> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(compact.trim_end_matches('=').as_bytes())
        })
        .map_err(|_| InvalidValue { expected: "base64" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(secs: i64, nanos: u32) -> DateTime {
        DateTime::from_parts(secs, nanos).unwrap()
    }

    #[test]
    fn formats() {
        let t = ts(1422172800, 0);
        assert_eq!(
            format_timestamp(&t, TimestampFormat::DateTime),
            "2015-01-25T08:00:00Z"
        );
        assert_eq!(
            format_timestamp(&t, TimestampFormat::EpochSeconds),
            "1422172800"
        );
        assert_eq!(
            format_timestamp(&t, TimestampFormat::HttpDate),
            "Sun, 25 Jan 2015 08:00:00 GMT"
        );
        let t = ts(1422172800, 123_000_000);
        assert_eq!(
            format_timestamp(&t, TimestampFormat::DateTime),
            "2015-01-25T08:00:00.123Z"
        );
        assert_eq!(
            format_timestamp(&t, TimestampFormat::EpochSeconds),
            "1422172800.123"
        );
    }

    #[test]
    fn parses() {
        let t = ts(1576540098, 0);
        for text in [
            "2019-12-16T23:48:18Z",
            "2019-12-16T22:48:18-01:00",
            "2019-12-17T00:48:18+01:00",
            "1576540098",
            "Mon, 16 Dec 2019 23:48:18 GMT",
            "2019-12-16T23:48:18",
        ] {
            assert_eq!(
                parse_timestamp(text, TimestampFormat::DateTime),
                Ok(t),
                "{text}"
            );
        }
        assert_eq!(
            parse_timestamp("2019-12-16T23:48:18.5Z", TimestampFormat::DateTime),
            Ok(ts(1576540098, 500_000_000))
        );
        assert_eq!(
            parse_timestamp("1576540098.25", TimestampFormat::EpochSeconds),
            Ok(ts(1576540098, 250_000_000))
        );
        assert!(parse_timestamp("yesterday", TimestampFormat::DateTime).is_err());
        assert!(parse_timestamp("", TimestampFormat::EpochSeconds).is_err());
        // Non-ASCII inside a timestamp is an error, never a panic (a fuzzing find).
        assert!(parse_timestamp("2026-05-01T12:30:0\u{420}", TimestampFormat::DateTime).is_err());
        assert!(parse_timestamp(
            "2026-05-01T12:30:00\u{420}\u{420}",
            TimestampFormat::DateTime
        )
        .is_err());
        assert_eq!(
            parse_timestamp(
                " Mon, 16 Dec 2019 23:48:18 UTC\n",
                TimestampFormat::HttpDate
            ),
            Ok(t)
        );
        assert_eq!(
            parse_timestamp("2019-12-16t23:48:18z", TimestampFormat::HttpDate),
            Ok(t)
        );
        // Offsets that carry the instant outside the years 1 to 9999 are errors, not panics.
        assert!(parse_timestamp("9999-12-31T23:59:59-01:00", TimestampFormat::DateTime).is_err());
        assert!(parse_timestamp("0001-01-01T00:00:00+01:00", TimestampFormat::DateTime).is_err());
    }

    #[test]
    fn epoch_seconds_before_1970_keep_their_sign() {
        let t = ts(-2, 500_000_000);
        assert_eq!(
            format_timestamp(&t, TimestampFormat::EpochSeconds),
            "-1.500"
        );
        assert_eq!(
            parse_timestamp("-1.5", TimestampFormat::EpochSeconds),
            Ok(t)
        );
        assert_eq!(
            parse_timestamp("-0.5", TimestampFormat::EpochSeconds),
            Ok(ts(-1, 500_000_000))
        );
    }

    #[test]
    fn floats_and_blobs() {
        assert_eq!(format_f64(10.8), "10.8");
        assert_eq!(format_f64(f64::NAN), "NaN");
        assert_eq!(format_f64(f64::NEG_INFINITY), "-Infinity");
        assert!(parse_f64("NaN").unwrap().is_nan());
        assert_eq!(parse_f64("-Infinity"), Ok(f64::NEG_INFINITY));
        assert_eq!(encode_base64(b"value"), "dmFsdWU=");
        assert_eq!(decode_base64("dmFs\ndWU="), Ok(b"value".to_vec()));
        assert_eq!(decode_base64("dmFsdWU"), Ok(b"value".to_vec()));
        assert!(decode_base64("!!").is_err());
    }
}
