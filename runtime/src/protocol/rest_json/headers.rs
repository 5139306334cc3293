//! Reading response members bound to headers: single values, lists (`a, "b,c"`), HTTP-date
//! lists, prefixed header maps, each failure a [`ParseError`] naming the shape and member (never
//! the value).

use crate::types::blob::Blob;
use crate::types::datetime::DateTime;
use crate::types::wire::{self, TimestampFormat};
use crate::xml::{ParseError, ParseErrorKind};

fn invalid(
    shape: &'static str,
    member: &'static str,
    expected: &'static str,
    text: &str,
) -> ParseError {
    ParseError::new(ParseErrorKind::InvalidValue {
        shape,
        member,
        expected,
        length: text.len(),
    })
}

/// The text of header `name`, if present (several values are joined with `, `).
///
/// # Errors
/// When the value is not UTF-8.
pub fn get(
    headers: &http::HeaderMap,
    name: &str,
    shape: &'static str,
    member: &'static str,
) -> Result<Option<String>, ParseError> {
    let mut out: Option<String> = None;
    for v in headers.get_all(name) {
        let text = std::str::from_utf8(v.as_bytes())
            .map_err(|_| invalid(shape, member, "UTF-8 header value", ""))?;
        match &mut out {
            Some(s) => {
                s.push_str(", ");
                s.push_str(text);
            }
            None => out = Some(text.to_owned()),
        }
    }
    Ok(out)
}

/// Optional whitespace around list elements (HTTP's `OWS`: spaces and tabs).
const OWS: [char; 2] = [' ', '\t'];

/// The items of a list header (`a, "b,c", "\"d\""`), each element of the comma-separated
/// value one item, in order:
///
/// - an unquoted element is trimmed of spaces and tabs, so an empty element (`,a`, `a,,b`,
///   `a,`) is an empty item;
/// - a quoted element is the text between its quotes, unescaped (`\x` is `x`, so `\"` and `\\`
///   are a quote and a backslash), whitespace kept: `""` is one empty item, `"",""` two;
/// - a value that is empty or only whitespace has no items.
///
/// Malformed text has a defined result rather than an error: an unterminated quoted element
/// runs to the end of the value (a backslash at the very end is kept), and text between a
/// closing quote and the next comma is ignored.
pub fn split_list(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    if value.trim_matches(OWS).is_empty() {
        return items;
    }
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(OWS);
        let after = if let Some(quoted) = rest.strip_prefix('"') {
            let mut item = String::new();
            let mut end = quoted.len();
            let mut chars = quoted.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => item.push(chars.next().map_or('\\', |(_, escaped)| escaped)),
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => item.push(c),
                }
            }
            items.push(item);
            &quoted[end..]
        } else {
            let len = rest.find(',').unwrap_or(rest.len());
            items.push(rest[..len].trim_end_matches(OWS).to_owned());
            &rest[len..]
        };
        match after.find(',') {
            Some(comma) => rest = &after[comma + 1..],
            None => break,
        }
    }
    items
}

/// The items of a list of HTTP dates (`Mon, 16 Dec 2019 23:48:18 GMT, Tue, ...`): every
/// second comma separates two dates.
pub fn split_http_dates(value: &str) -> Vec<String> {
    let parts: Vec<&str> = value.split(',').collect();
    parts
        .chunks(2)
        .map(|pair| pair.join(",").trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The headers whose names start with `prefix` (case-insensitively), as (name without the
/// prefix, value), in name order.
///
/// # Errors
/// When a value is not UTF-8.
pub fn prefixed(
    headers: &http::HeaderMap,
    prefix: &str,
    shape: &'static str,
    member: &'static str,
) -> Result<Vec<(String, String)>, ParseError> {
    let prefix = prefix.to_ascii_lowercase();
    let mut out = Vec::new();
    for name in headers.keys() {
        if let Some(rest) = name.as_str().strip_prefix(prefix.as_str()) {
            if let Some(value) = get(headers, name.as_str(), shape, member)? {
                out.push((rest.to_owned(), value));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A boolean (`true` / `false`).
///
/// # Errors
/// Any other text.
pub fn boolean(text: &str, shape: &'static str, member: &'static str) -> Result<bool, ParseError> {
    wire::parse_bool(text.trim()).map_err(|e| ParseError::invalid(shape, member, e, text))
}

/// A 32-bit integer.
///
/// # Errors
/// Not an integer in range.
pub fn i32(text: &str, shape: &'static str, member: &'static str) -> Result<i32, ParseError> {
    wire::parse_i32(text.trim()).map_err(|e| ParseError::invalid(shape, member, e, text))
}

/// A 64-bit integer.
///
/// # Errors
/// Not an integer in range.
pub fn i64(text: &str, shape: &'static str, member: &'static str) -> Result<i64, ParseError> {
    wire::parse_i64(text.trim()).map_err(|e| ParseError::invalid(shape, member, e, text))
}

/// A 32-bit float (`NaN`, `Infinity`, `-Infinity` included).
///
/// # Errors
/// Not a number.
pub fn f32(text: &str, shape: &'static str, member: &'static str) -> Result<f32, ParseError> {
    wire::parse_f32(text.trim()).map_err(|e| ParseError::invalid(shape, member, e, text))
}

/// A 64-bit float (`NaN`, `Infinity`, `-Infinity` included).
///
/// # Errors
/// Not a number.
pub fn f64(text: &str, shape: &'static str, member: &'static str) -> Result<f64, ParseError> {
    wire::parse_f64(text.trim()).map_err(|e| ParseError::invalid(shape, member, e, text))
}

/// A timestamp in `format` (falling back to the others).
///
/// # Errors
/// Not a timestamp.
pub fn timestamp(
    text: &str,
    format: TimestampFormat,
    shape: &'static str,
    member: &'static str,
) -> Result<DateTime, ParseError> {
    wire::parse_timestamp(text, format).map_err(|e| ParseError::invalid(shape, member, e, text))
}

/// A blob sent base64-encoded in a header.
///
/// # Errors
/// Not base64.
pub fn blob(text: &str, shape: &'static str, member: &'static str) -> Result<Blob, ParseError> {
    wire::decode_base64(text.trim())
        .map(Blob::new)
        .map_err(|e| ParseError::invalid(shape, member, e, text))
}

/// A `jsonvalue` string sent base64-encoded in a header: the decoded JSON text.
///
/// # Errors
/// Not base64 of UTF-8 text.
pub fn json_text(
    text: &str,
    shape: &'static str,
    member: &'static str,
) -> Result<String, ParseError> {
    let bytes = wire::decode_base64(text.trim())
        .map_err(|e| ParseError::invalid(shape, member, e, text))?;
    String::from_utf8(bytes).map_err(|_| invalid(shape, member, "base64 of UTF-8 JSON text", text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_outside_quotes() {
        assert_eq!(split_list("a, b, c"), ["a", "b", "c"]);
        assert_eq!(
            split_list(r#""b,c", "\"def\"", a"#),
            ["b,c", "\"def\"", "a"]
        );
        assert_eq!(split_list("1,2"), ["1", "2"]);
        assert_eq!(split_list("\ta\t,b "), ["a", "b"]);
    }

    #[test]
    fn a_quoted_empty_string_is_one_empty_item() {
        assert_eq!(split_list(r#""""#), [""]);
        assert_eq!(split_list(r#" "" "#), [""]);
        assert_eq!(split_list(r#""","""#), ["", ""]);
        assert_eq!(split_list(r#""", a"#), ["", "a"]);
    }

    #[test]
    fn empty_elements_are_empty_items_and_empty_values_have_none() {
        assert_eq!(split_list(""), Vec::<String>::new());
        assert_eq!(split_list(" \t "), Vec::<String>::new());
        assert_eq!(split_list("a,"), ["a", ""]);
        assert_eq!(split_list(",a"), ["", "a"]);
        assert_eq!(split_list("a,,b"), ["a", "", "b"]);
        assert_eq!(split_list(r#""a", "#), ["a", ""]);
    }

    #[test]
    fn quoted_items_keep_their_whitespace_and_unescape() {
        assert_eq!(split_list("  \" a \" , \"b\t\" "), [" a ", "b\t"]);
        assert_eq!(split_list(r#""x\"y\\z", "\q""#), ["x\"y\\z", "q"]);
        // Unquoted items are not unescaped, and only HTTP whitespace is trimmed.
        assert_eq!(split_list("a\\\"b, \u{a0}c"), [r#"a\"b"#, "\u{a0}c"]);
    }

    #[test]
    fn malformed_lists_have_defined_items() {
        assert_eq!(split_list(r#""unterminated"#), ["unterminated"]);
        assert_eq!(split_list(r#""a, b"#), ["a, b"]);
        assert_eq!(split_list(r#""ends in \"#), ["ends in \\"]);
        assert_eq!(split_list(r#""a" junk, b"#), ["a", "b"]);
        assert_eq!(split_list(r#""a""b", c"#), ["a", "c"]);
    }

    #[test]
    fn http_date_lists_split_every_second_comma() {
        let v = "Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT";
        assert_eq!(
            split_http_dates(v),
            [
                "Mon, 16 Dec 2019 23:48:18 GMT",
                "Mon, 16 Dec 2019 23:48:18 GMT"
            ]
        );
    }

    #[test]
    fn prefixed_headers_and_typed_values() {
        let mut h = http::HeaderMap::new();
        h.insert("x-foo-abc", http::HeaderValue::from_static("Abc value"));
        h.insert("x-foo", http::HeaderValue::from_static("Foo"));
        h.insert("other", http::HeaderValue::from_static("o"));
        let got = prefixed(&h, "X-Foo-", "S", "m").unwrap();
        assert_eq!(got, [("abc".to_owned(), "Abc value".to_owned())]);
        assert_eq!(get(&h, "x-foo", "S", "m").unwrap().as_deref(), Some("Foo"));
        assert!(i32("12x", "S", "m").is_err());
        assert!(f64("NaN", "S", "m").unwrap().is_nan());
        assert_eq!(json_text("dHJ1ZQ==", "S", "m").unwrap(), "true");
        let e = boolean("yes", "Out", "Flag").unwrap_err();
        assert!(!e.to_string().contains("yes"), "{e}");
    }
}
