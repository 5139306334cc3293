//! A tiny streaming JSON text writer, for printing outputs the way the AWS CLI does.
//!
//! Two layouts: [`JsonWriter::pretty`] (4-space indent, `"key": value`, like the AWS CLI's
//! `--output json`) and [`JsonWriter::compact`] (one line, no spaces). Strings are escaped as
//! JSON requires (quotes, backslashes and control characters); other characters are written as
//! they are. The writer trusts its caller to nest calls correctly (a key before each object
//! value, matching begin/end calls); it does no validation of its own.

use std::fmt::Write as _;

use crate::primitives::{encode_base64, format_timestamp, TimestampFormat};
use crate::DateTime;

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
        JsonWriter { out: String::new(), indent: Some(4), open: Vec::new(), after_key: false }
    }

    /// Everything on one line, without spaces.
    pub fn compact() -> Self {
        JsonWriter { out: String::new(), indent: None, open: Vec::new(), after_key: false }
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
            push_string(&mut self.out, &crate::primitives::format_f64(value));
        }
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
        w.timestamp(&(t + time::Duration::milliseconds(250)));
        w.blob(b"value");
        w.end_array();
        assert_eq!(w.finish(), r#"["2019-11-09T13:34:41+00:00","2019-11-09T13:34:41.250+00:00","dmFsdWU="]"#);
        assert_eq!(quote("a\\b"), r#""a\\b""#);
    }
}
