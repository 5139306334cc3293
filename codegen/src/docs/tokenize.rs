//! Pass 1: a forgiving tokenizer; anything that does not parse as a tag is text.

use super::entities::decode_entities;

/// A `<...>` longer than this is not a tag; bounds rescanning on garbage input.
const MAX_TAG_LEN: usize = 4096;

#[derive(Debug)]
pub(super) enum Tok<'a> {
    /// Raw text, entities not yet decoded.
    Text(&'a str),
    /// `<![CDATA[...]]>` content: literal text.
    Cdata(&'a str),
    Open {
        name: String,
        href: Option<String>,
        self_closing: bool,
        raw: &'a str,
    },
    Close {
        name: String,
        raw: &'a str,
    },
}

pub(super) fn tokenize(s: &str) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let mut scan = Scanner::default();
    let mut text_start = 0;
    let mut i = 0;
    while let Some(p) = s[i..].find('<') {
        let at = i + p;
        match scan.markup(s, at) {
            Some((tok, end)) => {
                if text_start < at {
                    toks.push(Tok::Text(&s[text_start..at]));
                }
                toks.extend(tok);
                i = end;
                text_start = end;
            }
            None => i = at + 1,
        }
    }
    if text_start < s.len() {
        toks.push(Tok::Text(&s[text_start..]));
    }
    toks
}

/// Remembers failed searches for terminators so garbage input stays linear.
#[derive(Default)]
struct Scanner {
    no_comment_end: bool,
    no_cdata_end: bool,
}

impl Scanner {
    /// Parses the markup starting at `s[at] == '<'`; returns the token (if any) and the end
    /// offset, or `None` when the `<` is plain text.
    fn markup<'a>(&mut self, s: &'a str, at: usize) -> Option<(Option<Tok<'a>>, usize)> {
        let rest = &s[at..];
        let b = rest.as_bytes();
        if let Some(body) = rest.strip_prefix("<!--") {
            if self.no_comment_end {
                return None;
            }
            return match body.find("-->") {
                Some(p) => Some((None, at + 4 + p + 3)),
                None => {
                    self.no_comment_end = true;
                    None
                }
            };
        }
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            if self.no_cdata_end {
                return None;
            }
            return match body.find("]]>") {
                Some(p) => Some((Some(Tok::Cdata(&body[..p])), at + 9 + p + 3)),
                None => {
                    self.no_cdata_end = true;
                    None
                }
            };
        }
        match b.get(1) {
            Some(b'!') | Some(b'?') => {
                // Declaration / processing instruction: skipped.
                let end = find_tag_end(b, 2)?;
                Some((None, at + end))
            }
            Some(b'/') => {
                if !b.get(2).is_some_and(u8::is_ascii_alphabetic) {
                    return None;
                }
                let name_end = 2 + b[2..].iter().take_while(|c| is_name_byte(**c)).count();
                let end = find_tag_end(b, name_end)?;
                let name = canonical_name(&rest[2..name_end]);
                Some((
                    Some(Tok::Close {
                        name,
                        raw: &rest[..end],
                    }),
                    at + end,
                ))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name_end = 1 + b[1..].iter().take_while(|c| is_name_byte(**c)).count();
                let (href, self_closing, end) = parse_attributes(rest, name_end)?;
                let name = canonical_name(&rest[1..name_end]);
                let tok = Tok::Open {
                    name,
                    href,
                    self_closing,
                    raw: &rest[..end],
                };
                Some((Some(tok), at + end))
            }
            _ => None,
        }
    }
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.')
}

/// Offset just past the `>` that ends a close tag or declaration; `None` if a `<` or the
/// length limit comes first.
fn find_tag_end(b: &[u8], from: usize) -> Option<usize> {
    let limit = b.len().min(MAX_TAG_LEN);
    let mut j = from;
    while j < limit {
        match b[j] {
            b'>' => return Some(j + 1),
            b'<' => return None,
            _ => j += 1,
        }
    }
    None
}

/// Parses the attributes of an open tag in `rest` (which starts with `<name`), from offset
/// `j`. Returns (`href`/`url` attribute, self-closing, offset past `>`).
fn parse_attributes(rest: &str, mut j: usize) -> Option<(Option<String>, bool, usize)> {
    let b = rest.as_bytes();
    let limit = b.len().min(MAX_TAG_LEN);
    let mut href = None;
    loop {
        if j >= limit {
            return None;
        }
        let c = b[j];
        if c.is_ascii_whitespace() {
            j += 1;
            continue;
        }
        match c {
            b'>' => return Some((href, false, j + 1)),
            b'/' => {
                if b.get(j + 1) == Some(&b'>') {
                    return Some((href, true, j + 2));
                }
                j += 1;
                continue;
            }
            b'<' => return None,
            b'=' => {
                j += 1;
                continue;
            }
            _ => {}
        }
        let name_start = j;
        while j < limit && !b[j].is_ascii_whitespace() && !matches!(b[j], b'>' | b'/' | b'=' | b'<')
        {
            j += 1;
        }
        let attr = &rest[name_start..j];
        while j < limit && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = None;
        if j < limit && b[j] == b'=' {
            j += 1;
            while j < limit && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= limit {
                return None;
            }
            if b[j] == b'"' || b[j] == b'\'' {
                let quote = b[j];
                let start = j + 1;
                let len = b[start..limit].iter().position(|&c| c == quote)?;
                value = Some(&rest[start..start + len]);
                j = start + len + 1;
            } else {
                let start = j;
                while j < limit && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'<' {
                    j += 1;
                }
                value = Some(&rest[start..j]);
            }
        }
        if href.is_none() && (attr.eq_ignore_ascii_case("href") || attr.eq_ignore_ascii_case("url"))
        {
            href = value.map(|v| decode_entities(v).into_owned());
        }
    }
}

/// Lower-cases a tag name and maps DocBook spellings onto their HTML equivalents.
fn canonical_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let mapped = match lower.as_str() {
        "em" | "emphasis" => "i",
        "strong" => "b",
        "ulink" => "a",
        "para" | "simpara" => "p",
        "programlisting" | "screen" => "pre",
        "itemizedlist" => "ul",
        "orderedlist" => "ol",
        "listitem" => "li",
        _ => return lower,
    };
    mapped.to_owned()
}
