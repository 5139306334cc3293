//! A tiny JSON text writer, for printing outputs the way the AWS CLI does, and a small
//! depth-bounded JSON parser ([`parse`]) for documents such as IAM policies.
//!
//! Two layouts: [`JsonWriter::pretty`] (4-space indent, `"key": value`, like the AWS CLI's
//! `--output json`) and [`JsonWriter::compact`] (one line, no spaces). Strings are escaped as
//! JSON requires (quotes, backslashes and control characters); other characters are written as
//! they are. The writer trusts its caller to nest calls correctly (a key before each object
//! value, matching begin/end calls); it does no validation of its own.

use std::fmt::{self, Write as _};

use crate::types::datetime::DateTime;
use crate::types::wire::{encode_base64, format_timestamp, TimestampFormat};

/// Writes JSON text into a `String`.
#[derive(Debug, Clone)]
pub struct JsonWriter {
    out: String,
    /// Indent width; `None` for the compact layout.
    indent: Option<usize>,
    /// One entry per open object or array: whether it has no element yet.
    open: Vec<bool>,
    /// A key was just written: the next value goes on the same line.
    after_key: bool,
}

impl JsonWriter {
    /// Pretty layout with a 4-space indent, as the AWS CLI prints.
    pub fn pretty() -> Self {
        JsonWriter {
            out: String::new(),
            indent: Some(4),
            open: Vec::new(),
            after_key: false,
        }
    }

    /// Everything on one line, without spaces.
    pub fn compact() -> Self {
        JsonWriter {
            out: String::new(),
            indent: None,
            open: Vec::new(),
            after_key: false,
        }
    }

    /// The text written so far.
    pub fn finish(self) -> String {
        self.out
    }

    fn newline(&mut self) {
        if let Some(width) = self.indent {
            self.out.push('\n');
            for _ in 0..width * self.open.len() {
                self.out.push(' ');
            }
        }
    }

    /// Separator and line break before a value or key.
    fn before_item(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(first) = self.open.last_mut() {
            let was_first = *first;
            *first = false;
            if !was_first {
                self.out.push(',');
            }
            self.newline();
        }
    }

    /// Starts an object (`{`).
    pub fn begin_object(&mut self) {
        self.before_item();
        self.out.push('{');
        self.open.push(true);
    }

    /// Ends the innermost object (`}`); an empty object prints as `{}`.
    pub fn end_object(&mut self) {
        self.close('}');
    }

    /// Starts an array (`[`).
    pub fn begin_array(&mut self) {
        self.before_item();
        self.out.push('[');
        self.open.push(true);
    }

    /// Ends the innermost array (`]`); an empty array prints as `[]`.
    pub fn end_array(&mut self) {
        self.close(']');
    }

    fn close(&mut self, c: char) {
        let empty = self.open.pop().unwrap_or(true);
        if !empty {
            self.newline();
        }
        self.out.push(c);
    }

    /// Writes an object key; the next call writes its value.
    pub fn key(&mut self, name: &str) {
        self.before_item();
        push_string(&mut self.out, name);
        self.out.push(':');
        if self.indent.is_some() {
            self.out.push(' ');
        }
        self.after_key = true;
    }

    /// A string value.
    pub fn string(&mut self, value: &str) {
        self.before_item();
        push_string(&mut self.out, value);
    }

    /// An integer value.
    pub fn integer(&mut self, value: i64) {
        self.before_item();
        let _ = write!(self.out, "{value}");
    }

    /// A floating-point value; `NaN` and the infinities, which JSON cannot represent as
    /// numbers, are written as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.
    pub fn float(&mut self, value: f64) {
        self.before_item();
        if value.is_finite() {
            let _ = write!(self.out, "{value}");
        } else {
            push_string(&mut self.out, &crate::types::wire::format_f64(value));
        }
    }

    /// A number written as given (the caller vouches that `text` is a JSON number).
    pub fn raw_number(&mut self, text: &str) {
        self.before_item();
        self.out.push_str(text);
    }

    /// A boolean value.
    pub fn boolean(&mut self, value: bool) {
        self.before_item();
        self.out.push_str(if value { "true" } else { "false" });
    }

    /// `null`.
    pub fn null(&mut self) {
        self.before_item();
        self.out.push_str("null");
    }

    /// A timestamp as an ISO 8601 string in UTC, written as the AWS CLI does:
    /// `2019-11-09T13:34:41+00:00` (with `.fff` when the fraction is not zero).
    pub fn timestamp(&mut self, value: &DateTime) {
        let text = format_timestamp(value, TimestampFormat::DateTime);
        let text = match text.strip_suffix('Z') {
            Some(rest) => format!("{rest}+00:00"),
            None => text,
        };
        self.string(&text);
    }

    /// Bytes as a base64 string (standard alphabet, padded), as the AWS CLI prints blobs.
    pub fn blob(&mut self, value: &[u8]) {
        self.string(&encode_base64(value));
    }
}

/// Appends `value` as a JSON string literal.
fn push_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `value` as a JSON string literal (with the quotes).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    push_string(&mut out, value);
    out
}

/// A parsed JSON value. Objects keep their members in document order (duplicates included);
/// numbers keep their source text, so nothing is lost to floating point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written in the source (`-1.5e3`).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object: members in document order.
    Object(Vec<(String, JsonValue)>),
}

impl JsonValue {
    /// The JSON type name, for error messages (`"object"`, `"string"`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "boolean",
            JsonValue::Number(_) => "number",
            JsonValue::String(_) => "string",
            JsonValue::Array(_) => "array",
            JsonValue::Object(_) => "object",
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// Writes the value into `w` (object members in their stored order).
    pub fn write(&self, w: &mut JsonWriter) {
        match self {
            JsonValue::Null => w.null(),
            JsonValue::Bool(b) => w.boolean(*b),
            JsonValue::Number(n) => w.raw_number(n),
            JsonValue::String(s) => w.string(s),
            JsonValue::Array(items) => {
                w.begin_array();
                for item in items {
                    item.write(w);
                }
                w.end_array();
            }
            JsonValue::Object(members) => {
                w.begin_object();
                for (k, v) in members {
                    w.key(k);
                    v.write(w);
                }
                w.end_object();
            }
        }
    }

    /// The value as minified JSON text.
    pub fn to_compact_string(&self) -> String {
        let mut w = JsonWriter::compact();
        self.write(&mut w);
        w.finish()
    }
}

/// The deepest nesting of arrays and objects [`parse`] accepts.
pub const MAX_DEPTH: usize = 64;

/// Why JSON text did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// The text ended inside a value.
    UnexpectedEnd,
    /// A character that cannot start or continue a value here.
    UnexpectedCharacter(char),
    /// A malformed number.
    InvalidNumber,
    /// A malformed escape sequence (`\x`, `\u12`, a lone surrogate).
    InvalidEscape,
    /// A raw control character inside a string.
    ControlCharacter,
    /// Arrays and objects nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Text after the value.
    TrailingCharacters,
}

/// A JSON syntax error: what, the byte offset, and the path of the value being read
/// (`Statement[0].Condition`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    kind: JsonErrorKind,
    offset: usize,
    path: String,
}

impl JsonError {
    /// Why parsing failed.
    pub fn kind(&self) -> JsonErrorKind {
        self.kind
    }

    /// The byte offset in the input where the problem was found.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The path of the value being read (`""` for the top level).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            JsonErrorKind::UnexpectedEnd => "unexpected end of input".to_owned(),
            JsonErrorKind::UnexpectedCharacter(c) => format!("unexpected character {c:?}"),
            JsonErrorKind::InvalidNumber => "invalid number".to_owned(),
            JsonErrorKind::InvalidEscape => "invalid escape sequence".to_owned(),
            JsonErrorKind::ControlCharacter => "control character in string".to_owned(),
            JsonErrorKind::TooDeep => format!("nested deeper than {MAX_DEPTH} levels"),
            JsonErrorKind::TrailingCharacters => "trailing characters after the value".to_owned(),
        };
        write!(f, "invalid JSON at byte {}", self.offset)?;
        if !self.path.is_empty() {
            write!(f, " (in `{}`)", self.path)?;
        }
        write!(f, ": {what}")
    }
}

impl std::error::Error for JsonError {}

/// Parses JSON text (RFC 8259) into a [`JsonValue`]. Never panics; nesting is bounded by
/// [`MAX_DEPTH`]; a leading UTF-8 byte-order mark and surrounding whitespace are allowed.
pub fn parse(text: &str) -> Result<JsonValue, JsonError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        path: Vec::new(),
    };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error(JsonErrorKind::TrailingCharacters));
    }
    Ok(value)
}

enum PathPart {
    Key(String),
    Index(usize),
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    path: Vec<PathPart>,
}

impl Parser<'_> {
    fn error(&self, kind: JsonErrorKind) -> JsonError {
        let mut path = String::new();
        for part in &self.path {
            match part {
                PathPart::Key(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                PathPart::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
            }
        }
        JsonError {
            kind,
            offset: self.pos,
            path,
        }
    }

    fn unexpected(&self) -> JsonError {
        match self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        {
            Some(c) => self.error(JsonErrorKind::UnexpectedCharacter(c)),
            None => self.error(JsonErrorKind::UnexpectedEnd),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.bytes.get(self.pos) == Some(&b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &str, value: JsonValue) -> Result<JsonValue, JsonError> {
        for &expected in word.as_bytes() {
            if !self.eat(expected) {
                return Err(self.unexpected());
            }
        }
        Ok(value)
    }

    fn value(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        match self.bytes.get(self.pos) {
            None => Err(self.error(JsonErrorKind::UnexpectedEnd)),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(JsonValue::String),
            Some(b't') => self.literal("true", JsonValue::Bool(true)),
            Some(b'f') => self.literal("false", JsonValue::Bool(false)),
            Some(b'n') => self.literal("null", JsonValue::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.unexpected()),
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(JsonErrorKind::TooDeep));
        }
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.eat(b'}') {
            return Ok(JsonValue::Object(members));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.unexpected());
            }
            let key = self.string()?;
            self.skip_ws();
            if !self.eat(b':') {
                return Err(self.unexpected());
            }
            self.skip_ws();
            self.path.push(PathPart::Key(key.clone()));
            let value = self.value(depth)?;
            self.path.pop();
            members.push((key, value));
            self.skip_ws();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b'}') {
                return Ok(JsonValue::Object(members));
            }
            return Err(self.unexpected());
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(JsonErrorKind::TooDeep));
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.eat(b']') {
            return Ok(JsonValue::Array(items));
        }
        loop {
            self.skip_ws();
            self.path.push(PathPart::Index(items.len()));
            let value = self.value(depth)?;
            self.path.pop();
            items.push(value);
            self.skip_ws();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b']') {
                return Ok(JsonValue::Array(items));
            }
            return Err(self.unexpected());
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error(JsonErrorKind::UnexpectedEnd))?;
        let mut value = 0u32;
        for &d in digits {
            let v = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.error(JsonErrorKind::InvalidEscape))?;
            value = value * 16 + v;
        }
        self.pos += 4;
        Ok(value)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // `start..pos` ends before an ASCII byte (or at the end), so it is on char boundaries.
            out.push_str(self.text.get(start..self.pos).unwrap_or_default());
            match self.bytes.get(self.pos) {
                None => return Err(self.error(JsonErrorKind::UnexpectedEnd)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(&esc) = self.bytes.get(self.pos) else {
                        return Err(self.error(JsonErrorKind::UnexpectedEnd));
                    };
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let first = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&first) {
                                if !(self.eat(b'\\') && self.eat(b'u')) {
                                    return Err(self.error(JsonErrorKind::InvalidEscape));
                                }
                                let second = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&second) {
                                    return Err(self.error(JsonErrorKind::InvalidEscape));
                                }
                                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                            } else {
                                first
                            };
                            let c = char::from_u32(code)
                                .ok_or_else(|| self.error(JsonErrorKind::InvalidEscape))?;
                            out.push(c);
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.error(JsonErrorKind::InvalidEscape));
                        }
                    }
                }
                Some(_) => return Err(self.error(JsonErrorKind::ControlCharacter)),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<JsonValue, JsonError> {
        let start = self.pos;
        self.eat(b'-');
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error(JsonErrorKind::InvalidNumber)),
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.error(JsonErrorKind::InvalidNumber));
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return Err(self.error(JsonErrorKind::InvalidNumber));
            }
        }
        Ok(JsonValue::Number(self.text[start..self.pos].to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(mut w: JsonWriter) -> String {
        w.begin_object();
        w.key("Name");
        w.string("a \"b\"\n\u{1}é");
        w.key("Count");
        w.integer(-3);
        w.key("Ratio");
        w.float(0.5);
        w.key("Odd");
        w.float(f64::NAN);
        w.key("On");
        w.boolean(true);
        w.key("Items");
        w.begin_array();
        w.string("x");
        w.begin_object();
        w.key("K");
        w.null();
        w.end_object();
        w.end_array();
        w.key("Empty");
        w.begin_array();
        w.end_array();
        w.key("None");
        w.begin_object();
        w.end_object();
        w.end_object();
        w.finish()
    }

    #[test]
    fn pretty_like_the_aws_cli() {
        let expected = r#"{
    "Name": "a \"b\"\n\u0001é",
    "Count": -3,
    "Ratio": 0.5,
    "Odd": "NaN",
    "On": true,
    "Items": [
        "x",
        {
            "K": null
        }
    ],
    "Empty": [],
    "None": {}
}"#;
        assert_eq!(sample(JsonWriter::pretty()), expected);
    }

    #[test]
    fn compact() {
        assert_eq!(
            sample(JsonWriter::compact()),
            r#"{"Name":"a \"b\"\n\u0001é","Count":-3,"Ratio":0.5,"Odd":"NaN","On":true,"Items":["x",{"K":null}],"Empty":[],"None":{}}"#
        );
    }

    #[test]
    fn timestamps_and_blobs() {
        let t = DateTime::from_unix_timestamp(1573306481).unwrap();
        let mut w = JsonWriter::compact();
        w.begin_array();
        w.timestamp(&t);
        w.timestamp(&(t + std::time::Duration::from_millis(250)));
        w.blob(b"value");
        w.end_array();
        assert_eq!(
            w.finish(),
            r#"["2019-11-09T13:34:41+00:00","2019-11-09T13:34:41.250+00:00","dmFsdWU="]"#
        );
        assert_eq!(quote("a\\b"), r#""a\\b""#);
    }

    fn err(text: &str) -> JsonError {
        parse(text).unwrap_err()
    }

    #[test]
    fn parses_values_in_order() {
        let v =
            parse(" {\"b\":[1,-0.5e+3,true,false,null],\"a\":{},\"c\":\"x\",\"b\":[]} ").unwrap();
        let JsonValue::Object(members) = &v else {
            panic!("{v:?}")
        };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c", "b"]);
        assert_eq!(
            members[0].1,
            JsonValue::Array(vec![
                JsonValue::Number("1".into()),
                JsonValue::Number("-0.5e+3".into()),
                JsonValue::Bool(true),
                JsonValue::Bool(false),
                JsonValue::Null,
            ])
        );
        assert_eq!(
            v.to_compact_string(),
            r#"{"b":[1,-0.5e+3,true,false,null],"a":{},"c":"x","b":[]}"#
        );
        assert_eq!(parse("\u{feff}[]").unwrap(), JsonValue::Array(vec![]));
    }

    #[test]
    fn escapes_and_surrogates() {
        let v = parse(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(
            v,
            JsonValue::String("a\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1F600}".into())
        );
        assert_eq!(parse(r#""é😀""#).unwrap().as_str(), Some("é😀"));
        // Lone or reversed surrogates, short and bad escapes.
        for bad in [
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\u12""#,
            r#""\x""#,
            r#""\u12G4""#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(err("\"a\u{1}\"").kind(), JsonErrorKind::ControlCharacter);
        assert_eq!(err(r#""\q""#).kind(), JsonErrorKind::InvalidEscape);
        // Round trip of escaped text through the writer.
        let text = parse(r#""\u0001\"x""#).unwrap().to_compact_string();
        assert_eq!(text, r#""\u0001\"x""#);
    }

    #[test]
    fn numbers() {
        for ok in ["0", "-0", "12", "1.25", "1e5", "1E-5", "-3.0e+10"] {
            assert_eq!(parse(ok).unwrap(), JsonValue::Number(ok.into()), "{ok}");
        }
        for bad in ["01", "-", "1.", ".5", "1e", "+1", "1.e3", "0x10"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_carry_offset_and_path() {
        let e = err(r#"{"Statement":[{"Effect":"Allow"},{"Action":tru}]}"#);
        assert_eq!(e.path(), "Statement[1].Action");
        assert_eq!(e.kind(), JsonErrorKind::UnexpectedCharacter('}'));
        assert_eq!(e.offset(), 46);
        assert!(e.to_string().contains("Statement[1].Action"), "{e}");
        assert_eq!(err("[1] x").kind(), JsonErrorKind::TrailingCharacters);
        assert_eq!(err("{} {}").offset(), 3);
        assert_eq!(err("[1,]").kind(), JsonErrorKind::UnexpectedCharacter(']'));
        assert_eq!(
            err("{\"a\" 1}").kind(),
            JsonErrorKind::UnexpectedCharacter('1')
        );
        assert_eq!(err("{,}").kind(), JsonErrorKind::UnexpectedCharacter(','));
    }

    #[test]
    fn truncation_never_panics() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:*"],"Condition":{"Bool":{"aws:SecureTransport":true}},"N":-1.5e3,"S":"\u00e9\ud83d\ude00é"}]}"#;
        assert!(parse(text).is_ok());
        for end in 0..text.len() {
            if let Some(prefix) = text.get(..end) {
                assert!(parse(prefix).is_err(), "{prefix}");
            }
        }
        assert_eq!(err("").kind(), JsonErrorKind::UnexpectedEnd);
        assert_eq!(err("\"abc").kind(), JsonErrorKind::UnexpectedEnd);
    }

    #[test]
    fn depth_is_bounded() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = "[".repeat(100_000);
        assert_eq!(err(&deep).kind(), JsonErrorKind::TooDeep);
        let deep_obj = "{\"a\":".repeat(MAX_DEPTH + 1);
        assert_eq!(err(&deep_obj).kind(), JsonErrorKind::TooDeep);
    }
}
