//! The tokenizer behind [`XmlReader`](super::XmlReader): a streaming, zero-copy lexer for the
//! XML that awsQuery responses use, over a body already checked to be UTF-8.
//!
//! It yields element starts (local name, raw attribute text, self-closing or not), element
//! ends, character data and CDATA sections; the XML declaration, processing instructions,
//! comments and a DOCTYPE are skipped. It checks what makes a document well-formed for this
//! subset: names, attribute syntax (quoted values, no `<`, no duplicates), entity and
//! character references (the five predefined entities and valid code points only), end tags
//! matching their start tags, and the nesting bound. Every `&str` it hands out is a slice of
//! the body cut at ASCII delimiters, so it is valid UTF-8 without checking again.

use std::borrow::Cow;

use super::error::{ParseError, ParseErrorKind, MAX_DEPTH};

/// One lexical item of the document.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// An element start: its local name (prefix removed), the raw text of its attributes
    /// (already checked; read with [`Attributes`]) and whether it closes itself (`<a/>`).
    Start {
        name: &'a str,
        attrs: &'a str,
        empty: bool,
    },
    /// An element end (checked against its start).
    End,
    /// Character data as written; `refs` when it contains (already checked) references.
    Text { raw: &'a str, refs: bool },
    /// The content of a CDATA section.
    CData(&'a str),
    /// The end of the body.
    Eof,
}

/// Byte classes for names: 0 = not a name byte, 1 = inside a name, 2 = may also start one,
/// 3 = `:` (the prefix separator). Non-ASCII bytes belong to names (the body is valid UTF-8,
/// so they form whole characters). Digits may start a name, unlike in XML 1.0: service models
/// name members and operations that way (`3DSecureCheck`), and what the reader is asked to
/// match comes from the model.
static NAME: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c == b':' {
            3
        } else if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            2
        } else if c == b'-' || c == b'.' {
            1
        } else {
            0
        };
        b += 1;
    }
    t
};

/// XML white space, as a pattern for `str` methods.
const WS: [char; 4] = [' ', '\t', '\n', '\r'];

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn malformed(message: &str, position: usize) -> ParseError {
    ParseError::malformed(message, position as u64)
}

/// The streaming lexer: a position in the body and the names of the open elements.
pub(super) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    open: Vec<&'a str>,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Lexer {
            text,
            pos: 0,
            open: Vec::with_capacity(8),
        }
    }

    /// How many elements are open.
    pub(super) fn depth(&self) -> usize {
        self.open.len()
    }

    /// The byte offset of the next token.
    pub(super) fn position(&self) -> usize {
        self.pos
    }

    /// The next token.
    pub(super) fn next_token(&mut self) -> Result<Token<'a>, ParseError> {
        self.token::<true>()
    }

    /// The next token that is not text or CDATA (text is still checked).
    pub(super) fn next_markup(&mut self) -> Result<Token<'a>, ParseError> {
        self.token::<false>()
    }

    fn token<const TEXT: bool>(&mut self) -> Result<Token<'a>, ParseError> {
        let bytes = self.text.as_bytes();
        loop {
            let start = self.pos;
            let Some(&b) = bytes.get(start) else {
                return Ok(Token::Eof);
            };
            if b != b'<' {
                let text = self.text_token(start)?;
                if TEXT {
                    return Ok(text);
                }
                continue;
            }
            let rest = &bytes[start..];
            match rest.get(1) {
                Some(b'/') => return self.end_tag(start),
                Some(b'?') => {
                    self.pos = self.past(start, 2, "?>", "unclosed processing instruction")?
                }
                Some(b'!') if rest.starts_with(b"<!--") => {
                    self.pos = self.past(start, 4, "-->", "unclosed comment")?;
                }
                Some(b'!') if rest.starts_with(b"<![CDATA[") => {
                    let end = self.past(start, 9, "]]>", "unclosed CDATA section")?;
                    self.pos = end;
                    if TEXT {
                        return Ok(Token::CData(&self.text[start + 9..end - 3]));
                    }
                }
                Some(b'!') if rest.starts_with(b"<!DOCTYPE") => {
                    self.pos = self.skip_doctype(start)?
                }
                Some(b'!') => return Err(malformed("unknown markup declaration", start)),
                _ => return self.start_tag(start),
            }
        }
    }

    /// The position just after the first `pat` found `skip` bytes after `start`.
    fn past(
        &self,
        start: usize,
        skip: usize,
        pat: &str,
        unclosed: &str,
    ) -> Result<usize, ParseError> {
        let from = start + skip;
        match self.text.get(from..).and_then(|rest| rest.find(pat)) {
            Some(i) => Ok(from + i + pat.len()),
            None => Err(malformed(unclosed, start)),
        }
    }

    #[inline(always)]
    fn text_token(&mut self, start: usize) -> Result<Token<'a>, ParseError> {
        let bytes = self.text.as_bytes();
        let mut refs = false;
        let mut i = find(bytes, start, [b'<', b'&']);
        while bytes.get(i) == Some(&b'&') {
            refs = true;
            let (_, len) = parse_ref(&self.text[i + 1..]).map_err(|m| malformed(m, i))?;
            i = find(bytes, i + 1 + len, [b'<', b'&']);
        }
        self.pos = i;
        Ok(Token::Text {
            raw: &self.text[start..i],
            refs,
        })
    }

    /// Skips `<!DOCTYPE ...>`, including an internal subset in brackets with its quoted
    /// strings, comments and processing instructions (never interpreted: entities it declares
    /// stay unknown).
    fn skip_doctype(&self, start: usize) -> Result<usize, ParseError> {
        let bytes = self.text.as_bytes();
        let mut i = start + 9;
        let mut brackets = 0usize;
        while let Some(&b) = bytes.get(i) {
            i = match b {
                b'"' => self.past(i, 1, "\"", "unclosed DOCTYPE")?,
                b'\'' => self.past(i, 1, "'", "unclosed DOCTYPE")?,
                b'<' if bytes[i..].starts_with(b"<!--") => {
                    self.past(i, 4, "-->", "unclosed comment")?
                }
                b'<' if bytes[i..].starts_with(b"<?") => {
                    self.past(i, 2, "?>", "unclosed processing instruction")?
                }
                b'>' if brackets == 0 => return Ok(i + 1),
                _ => {
                    if b == b'[' {
                        brackets += 1;
                    } else if b == b']' {
                        brackets = brackets.saturating_sub(1);
                    }
                    i + 1
                }
            };
        }
        Err(malformed("unclosed DOCTYPE", start))
    }

    /// A name starting at `i`: its end and the position of its last `:`.
    fn name(&self, i: usize) -> Result<(usize, Option<usize>), ParseError> {
        let rest = self.text.as_bytes().get(i..).unwrap_or_default();
        match rest.first() {
            Some(&b) if NAME[usize::from(b)] >= 2 => {}
            Some(_) => return Err(malformed("expected a name", i)),
            None => return Err(malformed("unexpected end of input in a tag", i)),
        }
        let mut colon = None;
        let mut len = rest.len();
        for (k, &b) in rest.iter().enumerate() {
            match NAME[usize::from(b)] {
                0 => {
                    len = k;
                    break;
                }
                3 => colon = Some(i + k),
                _ => {}
            }
        }
        Ok((i + len, colon))
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        let bytes = self.text.as_bytes();
        while bytes.get(i).is_some_and(|&b| is_ws(b)) {
            i += 1;
        }
        i
    }

    fn start_tag(&mut self, start: usize) -> Result<Token<'a>, ParseError> {
        let bytes = self.text.as_bytes();
        let (name_end, colon) = self.name(start + 1)?;
        let qname = &self.text[start + 1..name_end];
        let local = &self.text[colon.map_or(start + 1, |c| c + 1)..name_end];
        let mut i = name_end;
        let mut count = 0usize;
        let (end, empty) = loop {
            match bytes.get(i) {
                Some(b'>') => break (i, false),
                Some(b'/') if bytes.get(i + 1) == Some(&b'>') => break (i, true),
                Some(&b) if is_ws(b) => {
                    i = self.skip_ws(i);
                    if !matches!(bytes.get(i), Some(b'>' | b'/') | None) {
                        i = self.attribute(i)?;
                        count += 1;
                    }
                }
                Some(_) => return Err(malformed("unexpected character in a start tag", i)),
                None => return Err(malformed("unexpected end of input in a start tag", i)),
            }
        };
        let attrs = &self.text[name_end..end];
        if count > 1 {
            let mut names: Vec<&str> = Attributes::new(attrs).map(|(n, _)| n).collect();
            names.sort_unstable();
            if names.windows(2).any(|w| w[0] == w[1]) {
                return Err(malformed("duplicate attribute", name_end));
            }
        }
        if local.is_empty() {
            return Err(malformed("empty local name", start + 1));
        }
        if self.open.len() >= MAX_DEPTH {
            return Err(ParseError::new(ParseErrorKind::TooDeep));
        }
        if empty {
            self.pos = end + 2;
        } else {
            self.pos = end + 1;
            self.open.push(qname);
        }
        Ok(Token::Start {
            name: local,
            attrs,
            empty,
        })
    }

    /// Checks one `name="value"` at `i`; returns the position after the closing quote.
    fn attribute(&self, i: usize) -> Result<usize, ParseError> {
        let bytes = self.text.as_bytes();
        let (name_end, _) = self.name(i)?;
        let mut j = self.skip_ws(name_end);
        if bytes.get(j) != Some(&b'=') {
            return Err(malformed("expected `=` after an attribute name", j));
        }
        j = self.skip_ws(j + 1);
        let quote = match bytes.get(j) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return Err(malformed("expected a quoted attribute value", j)),
        };
        let value_start = j + 1;
        let mut k = find(bytes, value_start, [quote, b'<', b'&']);
        loop {
            match bytes.get(k) {
                Some(&b) if b == quote => return Ok(k + 1),
                Some(b'&') => {
                    let (_, len) = parse_ref(&self.text[k + 1..]).map_err(|m| malformed(m, k))?;
                    k = find(bytes, k + 1 + len, [quote, b'<', b'&']);
                }
                Some(_) => return Err(malformed("`<` in an attribute value", k)),
                None => return Err(malformed("unclosed attribute value", value_start)),
            }
        }
    }

    fn end_tag(&mut self, start: usize) -> Result<Token<'a>, ParseError> {
        let bytes = self.text.as_bytes();
        let name_start = start + 2;
        let Some(open) = self.open.pop() else {
            return Err(malformed("end tag without an open element", start));
        };
        let name_end = name_start + open.len();
        let matches = bytes.get(name_start..name_end) == Some(open.as_bytes())
            && bytes
                .get(name_end)
                .is_none_or(|&b| NAME[usize::from(b)] == 0);
        if !matches {
            // Report a bad name as such, a good one as a mismatch.
            self.name(name_start)?;
            return Err(malformed("end tag does not match the open element", start));
        }
        let close = self.skip_ws(name_end);
        match bytes.get(close) {
            Some(b'>') => {}
            Some(_) => return Err(malformed("expected `>` in an end tag", close)),
            None => return Err(malformed("unexpected end of input in an end tag", close)),
        }
        self.pos = close + 1;
        Ok(Token::End)
    }
}

/// The position of the first of `needles` in `bytes` at or after `from` (or the length),
/// eight bytes at a time.
#[inline(always)]
fn find<const N: usize>(bytes: &[u8], from: usize, needles: [u8; N]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let spread = needles.map(|n| LO * u64::from(n));
    // The flagged bytes of `w` (high bit set): a byte of `w ^ n` is zero where `w` has needle
    // `n`, and the lowest flagged byte is exact.
    let flags = |w: u64| {
        spread.iter().fold(0, |acc, n| {
            let x = w ^ n;
            acc | (x.wrapping_sub(LO) & !x)
        }) & HI
    };
    let word = |chunk: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        u64::from_le_bytes(w)
    };
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 16) {
        let (lo, hi) = chunk.split_at(8);
        let found = flags(word(lo));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        let found = flags(word(hi));
        if found != 0 {
            return i + 8 + (found.trailing_zeros() / 8) as usize;
        }
        i += 16;
    }
    if let Some(chunk) = bytes.get(i..i + 8) {
        let found = flags(word(chunk));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&x) = bytes.get(i) {
        if needles.contains(&x) {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

/// The character an entity or character reference stands for, and the bytes it takes after
/// the `&` (through the `;`). `s` starts just after the `&`.
fn parse_ref(s: &str) -> Result<(char, usize), &'static str> {
    let semi = s.find(';').ok_or("`&` without a terminating `;`")?;
    let name = &s[..semi];
    let c = match name.strip_prefix('#') {
        Some(num) => {
            let (digits, radix) = match num.strip_prefix('x') {
                Some(hex) => (hex, 16),
                None => (num, 10),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err("malformed character reference");
            }
            let code =
                u32::from_str_radix(digits, radix).map_err(|_| "malformed character reference")?;
            match char::from_u32(code) {
                Some(c) if code != 0 => c,
                _ => return Err("character reference to an invalid code point"),
            }
        }
        None => match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => return Err("unknown entity (only the five predefined ones exist without a DTD)"),
        },
    };
    Ok((c, semi + 1))
}

/// Appends `raw` to `out` with its references resolved (`raw` has been checked; a reference
/// that does not resolve is kept as written).
pub(super) fn unescape_into(raw: &str, out: &mut String) {
    let mut at = 0;
    while let Some(i) = raw[at..].find('&') {
        let amp = at + i;
        out.push_str(&raw[at..amp]);
        match parse_ref(&raw[amp + 1..]) {
            Ok((c, len)) => {
                out.push(c);
                at = amp + 1 + len;
            }
            Err(_) => {
                out.push('&');
                at = amp + 1;
            }
        }
    }
    out.push_str(&raw[at..]);
}

/// An attribute value as XML 1.0 normalizes it: references resolved, and each tab, line
/// feed, carriage return or CR LF pair written in the value read as one space.
pub(super) fn attribute_value(raw: &str) -> Cow<'_, str> {
    if !raw
        .bytes()
        .any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'))
    {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '\t', '\n', '\r']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        rest = if let Some(after) = tail.strip_prefix('&') {
            match parse_ref(after) {
                Ok((c, len)) => {
                    out.push(c);
                    &after[len..]
                }
                Err(_) => {
                    out.push('&');
                    after
                }
            }
        } else {
            out.push(' ');
            let skip = if tail.starts_with("\r\n") { 2 } else { 1 };
            &tail[skip..]
        };
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The `(qualified name, raw value)` pairs of a start tag's attribute text, which the lexer
/// has checked.
pub(super) struct Attributes<'a> {
    rest: &'a str,
}

impl<'a> Attributes<'a> {
    pub(super) fn new(attrs: &'a str) -> Self {
        Attributes { rest: attrs }
    }
}

impl<'a> Iterator for Attributes<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest.trim_start_matches(WS);
        let eq = rest.find('=')?;
        let name = rest[..eq].trim_end_matches(WS);
        let value = rest[eq + 1..].trim_start_matches(WS);
        let quote = value.chars().next()?;
        let len = value[1..].find(quote)?;
        self.rest = &value[1 + len + 1..];
        Some((name, &value[1..1 + len]))
    }
}
