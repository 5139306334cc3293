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

/// The items of a list header: split at commas outside double quotes, trimmed, quoted items
/// unquoted (`\"` and `\\` unescaped).
pub fn split_list(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut chars = value.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        let mut item = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => item.extend(chars.next()),
                    '"' => break,
                    c => item.push(c),
                }
            }
            // Skip to the next comma.
            for c in chars.by_ref() {
                if c == ',' {
                    break;
                }
            }
            items.push(item);
            if chars.peek().is_none() && !value.trim_end().ends_with(',') {
                break;
            }
            continue;
        }
        let mut ended = true;
        for c in chars.by_ref() {
            if c == ',' {
                ended = false;
                break;
            }
            item.push(c);
        }
        items.push(item.trim().to_owned());
        if ended {
            break;
        }
    }
    if items.len() == 1 && items[0].is_empty() {
        items.clear();
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
        assert_eq!(split_list(""), Vec::<String>::new());
        assert_eq!(split_list(r#""unterminated"#), ["unterminated"]);
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
