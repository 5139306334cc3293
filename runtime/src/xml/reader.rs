//! The pull reader generated deserializers drive: elements by local name, leaf text, skipping.

use std::borrow::Cow;

use super::error::{ParseError, ParseErrorKind};
use super::lexer::{self, Lexer, Token};
use crate::types::datetime::DateTime;
use crate::types::wire::{parse_timestamp, InvalidValue, TimestampFormat};

/// An element start, as seen by generated code.
#[derive(Debug, Clone)]
pub struct StartTag<'a> {
    name: &'a str,
    attrs: &'a str,
    depth: usize,
    empty: bool,
}

impl<'a> StartTag<'a> {
    /// The element's local name (without any namespace prefix).
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The value of an attribute, by local name, with references resolved and whitespace
    /// normalized as XML specifies for attribute values.
    pub fn attribute(&self, name: &str) -> Option<Cow<'a, str>> {
        lexer::Attributes::new(self.attrs)
            .find(|(k, _)| local(k) == name)
            .map(|(_, v)| lexer::attribute_value(v))
    }
}

pub(crate) fn local(name: &str) -> &str {
    match name.bytes().rposition(|b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// A pull reader over one response body.
pub struct XmlReader<'a> {
    lexer: Lexer<'a>,
}

impl<'a> XmlReader<'a> {
    /// A reader over `body`, which must be UTF-8 (checked once, here).
    pub fn new(body: &'a [u8]) -> Result<Self, ParseError> {
        let text = std::str::from_utf8(body)
            .map_err(|e| ParseError::malformed(e, e.valid_up_to() as u64))?;
        Ok(XmlReader {
            lexer: Lexer::new(text),
        })
    }

    /// A start tag for a `Start` token the lexer has just read.
    fn tag(&self, name: &'a str, attrs: &'a str, empty: bool) -> StartTag<'a> {
        let depth = self.lexer.depth() + usize::from(empty);
        StartTag {
            name,
            attrs,
            depth,
            empty,
        }
    }

    /// The root element (skipping the XML declaration, comments and whitespace).
    pub fn root(&mut self) -> Result<StartTag<'a>, ParseError> {
        loop {
            match self.lexer.next_token()? {
                Token::Start { name, attrs, empty } => return Ok(self.tag(name, attrs, empty)),
                Token::Eof => return Err(ParseError::new(ParseErrorKind::NoRoot)),
                Token::Text { raw, .. }
                    if raw
                        .bytes()
                        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) => {}
                Token::Text { raw, .. } => {
                    let at = self.lexer.position().saturating_sub(raw.len());
                    return Err(ParseError::malformed(
                        "text before the root element",
                        at as u64,
                    ));
                }
                Token::CData(raw) => {
                    let at = self
                        .lexer
                        .position()
                        .saturating_sub(raw.len() + "<![CDATA[]]>".len());
                    return Err(ParseError::malformed(
                        "CDATA before the root element",
                        at as u64,
                    ));
                }
                // The lexer rejects an end tag without an open element.
                Token::End => {
                    return Err(ParseError::malformed(
                        "end tag before the root element",
                        self.lexer.position() as u64,
                    ))
                }
            }
        }
    }

    /// The next child element of `parent`, or `None` once `parent` has closed.
    /// Text directly inside `parent` is ignored.
    pub fn next_child(
        &mut self,
        parent: &StartTag<'a>,
    ) -> Result<Option<StartTag<'a>>, ParseError> {
        if parent.empty || self.lexer.depth() < parent.depth {
            return Ok(None);
        }
        loop {
            match self.lexer.next_markup()? {
                Token::Start { name, attrs, empty } => {
                    let tag = self.tag(name, attrs, empty);
                    if tag.depth == parent.depth + 1 {
                        return Ok(Some(tag));
                    }
                }
                Token::End => {
                    if self.lexer.depth() < parent.depth {
                        return Ok(None);
                    }
                }
                Token::Eof => return Err(ParseError::new(ParseErrorKind::UnexpectedEof)),
                Token::Text { .. } | Token::CData(_) => {}
            }
        }
    }

    /// All text inside `tag` (text, CDATA and entity references; nested elements are skipped),
    /// consuming the element. Borrowed from the body unless it had to be put together.
    pub fn read_text(&mut self, tag: &StartTag<'a>) -> Result<Cow<'a, str>, ParseError> {
        if tag.empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut out: Cow<'a, str> = Cow::Borrowed("");
        loop {
            match self.lexer.next_token()? {
                Token::Text { raw, refs } if self.lexer.depth() == tag.depth => {
                    if refs {
                        lexer::unescape_into(raw, out.to_mut());
                    } else if out.is_empty() {
                        out = Cow::Borrowed(raw);
                    } else {
                        out.to_mut().push_str(raw);
                    }
                }
                Token::CData(raw) if self.lexer.depth() == tag.depth => {
                    if out.is_empty() {
                        out = Cow::Borrowed(raw);
                    } else {
                        out.to_mut().push_str(raw);
                    }
                }
                Token::End => {
                    if self.lexer.depth() < tag.depth {
                        return Ok(out);
                    }
                }
                Token::Eof => return Err(ParseError::new(ParseErrorKind::UnexpectedEof)),
                Token::Start { .. } | Token::Text { .. } | Token::CData(_) => {}
            }
        }
    }

    /// The text of `tag` (as [`read_text`](Self::read_text)), owned: a string member.
    /// Generated deserializers call this (compiled once) rather than each converting the text.
    pub fn read_string(&mut self, tag: &StartTag<'a>) -> Result<String, ParseError> {
        self.read_text(tag).map(Cow::into_owned)
    }

    /// The text of `tag` read by `parse` (a number, boolean or blob member of `shape`); text
    /// `parse` refuses is [`ParseErrorKind::InvalidValue`] naming `shape` and `member`.
    pub fn read_value<T>(
        &mut self,
        tag: &StartTag<'a>,
        shape: &'static str,
        member: &'static str,
        parse: fn(&str) -> Result<T, InvalidValue>,
    ) -> Result<T, ParseError> {
        let text = self.read_text(tag)?;
        parse(&text).map_err(|e| ParseError::invalid(shape, member, e, &text))
    }

    /// The text of `tag` as a timestamp in `format` (a timestamp member of `shape`), as
    /// [`read_value`](Self::read_value) reads other scalars.
    pub fn read_timestamp(
        &mut self,
        tag: &StartTag<'a>,
        shape: &'static str,
        member: &'static str,
        format: TimestampFormat,
    ) -> Result<DateTime, ParseError> {
        let text = self.read_text(tag)?;
        parse_timestamp(&text, format).map_err(|e| ParseError::invalid(shape, member, e, &text))
    }

    /// Skips `tag` and everything inside it.
    pub fn skip(&mut self, tag: &StartTag<'a>) -> Result<(), ParseError> {
        if tag.empty {
            return Ok(());
        }
        loop {
            match self.lexer.next_markup()? {
                Token::End => {
                    if self.lexer.depth() < tag.depth {
                        return Ok(());
                    }
                }
                Token::Eof => return Err(ParseError::new(ParseErrorKind::UnexpectedEof)),
                Token::Start { .. } | Token::Text { .. } | Token::CData(_) => {}
            }
        }
    }

    /// Reads to the end of the document, failing on malformed or truncated XML.
    pub fn finish(&mut self) -> Result<(), ParseError> {
        loop {
            if let Token::Eof = self.lexer.next_markup()? {
                return if self.lexer.depth() == 0 {
                    Ok(())
                } else {
                    Err(ParseError::new(ParseErrorKind::UnexpectedEof))
                };
            }
        }
    }
}

impl StartTag<'static> {
    /// A stand-in for an element a body does not have (an empty one at depth 1).
    pub(crate) fn empty() -> Self {
        StartTag {
            name: "",
            attrs: "",
            depth: 1,
            empty: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::error::MAX_DEPTH;

    #[test]
    fn member_helpers_read_and_name_what_is_invalid() {
        let body = b"<R><S>a &amp; b</S><N>42</N><Bad>4x2</Bad><T>2015-08-30T12:36:00Z</T><E/></R>";
        let mut r = XmlReader::new(body).unwrap();
        let root = r.root().unwrap();
        let s = r.next_child(&root).unwrap().unwrap();
        assert_eq!(r.read_string(&s).unwrap(), "a & b");
        let n = r.next_child(&root).unwrap().unwrap();
        let parse = crate::types::wire::parse_i32;
        assert_eq!(r.read_value(&n, "Shape", "N", parse).unwrap(), 42);
        let bad = r.next_child(&root).unwrap().unwrap();
        let e = r.read_value(&bad, "Shape", "Bad", parse).unwrap_err();
        assert_eq!(
            e.kind(),
            &ParseErrorKind::InvalidValue {
                shape: "Shape",
                member: "Bad",
                expected: "32-bit integer",
                length: 3
            }
        );
        let t = r.next_child(&root).unwrap().unwrap();
        let at = r
            .read_timestamp(&t, "Shape", "T", TimestampFormat::DateTime)
            .unwrap();
        assert_eq!(at.format_rfc3339(), "2015-08-30T12:36:00Z");
        let empty = r.next_child(&root).unwrap().unwrap();
        let e = r
            .read_timestamp(&empty, "Shape", "E", TimestampFormat::DateTime)
            .unwrap_err();
        assert!(
            matches!(
                e.kind(),
                ParseErrorKind::InvalidValue {
                    member: "E",
                    length: 0,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn walks_children_and_text() {
        let body = br#"<?xml version="1.0"?><a:Root xmlns:a="urn:x"><One>1 &amp; <![CDATA[<2>]]> &#x41;</One><Empty/><Two attr="v"><Deep><Er/></Deep></Two><Three>t</Three></a:Root>"#;
        let mut r = XmlReader::new(body).unwrap();
        let root = r.root().unwrap();
        assert_eq!(root.name(), "Root");
        let one = r.next_child(&root).unwrap().unwrap();
        assert_eq!(one.name(), "One");
        assert_eq!(r.read_text(&one).unwrap(), "1 & <2> A");
        let empty = r.next_child(&root).unwrap().unwrap();
        assert_eq!(empty.name(), "Empty");
        assert_eq!(r.read_text(&empty).unwrap(), "");
        let two = r.next_child(&root).unwrap().unwrap();
        assert_eq!(two.attribute("attr").as_deref(), Some("v"));
        r.skip(&two).unwrap();
        let three = r.next_child(&root).unwrap().unwrap();
        assert_eq!(r.read_text(&three).unwrap(), "t");
        assert!(r.next_child(&root).unwrap().is_none());
        r.finish().unwrap();
    }

    #[test]
    fn nesting_is_bounded() {
        let body = "<a>".repeat(MAX_DEPTH + 10);
        let mut r = XmlReader::new(body.as_bytes()).unwrap();
        let root = r.root().unwrap();
        let mut err = None;
        let mut tag = root;
        loop {
            match r.next_child(&tag) {
                Ok(Some(t)) => tag = t,
                Ok(None) => break,
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        assert_eq!(err.unwrap().kind(), &ParseErrorKind::TooDeep);
    }

    /// The text of each child of the root, in order, or the first error.
    fn texts(body: &str) -> Result<Vec<String>, ParseError> {
        let mut r = XmlReader::new(body.as_bytes())?;
        let root = r.root()?;
        let mut out = Vec::new();
        while let Some(child) = r.next_child(&root)? {
            out.push(r.read_text(&child)?.into_owned());
        }
        r.finish()?;
        Ok(out)
    }

    fn is_malformed(body: &str) -> bool {
        matches!(
            texts(body).map_err(|e| e.kind().clone()),
            Err(ParseErrorKind::Malformed { .. })
        )
    }

    #[test]
    fn references_resolve_and_bad_ones_are_malformed() {
        let t = texts("<R><a>&lt;&gt;&amp;&quot;&apos;</a><b>&#65;&#x42;&#x1F600;&#0065;</b><c>x &amp;amp; y</c></R>").unwrap();
        assert_eq!(t, ["<>&\"'", "AB\u{1F600}A", "x &amp; y"]);
        for bad in [
            "&nbsp;",
            "&#0;",
            "&#xD800;",
            "&#x110000;",
            "&#;",
            "&#x;",
            "&#+65;",
            "&#-1;",
            "&#1a;",
            "& b",
            "a &",
            "&amp",
        ] {
            assert!(is_malformed(&format!("<R><a>{bad}</a></R>")), "{bad}");
            // Also where the text is only skipped, and in attribute values.
            assert!(
                is_malformed(&format!("<R><a><b>{bad}</b></a></R>")),
                "{bad}"
            );
            assert!(is_malformed(&format!("<R><a x=\"{bad}\"/></R>")), "{bad}");
        }
        // A reference to a huge number does not overflow.
        assert!(is_malformed("<R><a>&#99999999999999999999;</a></R>"));
    }

    #[test]
    fn cdata_comments_and_processing_instructions() {
        let t = texts("<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- a -- comment --><R><a>x<!-- <b>not</b> -->y<?pi <z>?>z</a><b><![CDATA[<&amp;]]]]></b><c>p<![CDATA[]]>q</c></R><!-- after -->").unwrap();
        assert_eq!(t, ["xyz", "<&amp;]]", "pq"]);
        assert!(is_malformed("<R><a><![CDATA[x</a></R>"));
        assert!(is_malformed("<R><a><!-- x</a></R>"));
        assert!(is_malformed("<R><a><?pi x</a></R>"));
        assert!(is_malformed("<R><a><!ELEMENT x></a></R>"));
        assert!(is_malformed("<![CDATA[x]]><R/>"), "CDATA before the root");
    }

    #[test]
    fn doctype_is_skipped_but_declares_nothing() {
        let t = texts("<?xml version=\"1.0\"?>\n<!DOCTYPE R [ <!ENTITY e \"a>b\"> <!-- ] > --> ]>\n<R><a>t</a></R>").unwrap();
        assert_eq!(t, ["t"]);
        assert!(is_malformed(
            "<!DOCTYPE R [<!ENTITY e \"x\">]><R><a>&e;</a></R>"
        ));
        assert!(is_malformed("<!DOCTYPE R [ <R/>"));
    }

    #[test]
    fn whitespace_is_kept_as_written() {
        let t = texts("<R>\n  <a>  two\r\n lines \t</a>\n<b> </b><c/></R>\n").unwrap();
        assert_eq!(t, ["  two\r\n lines \t", " ", ""]);
        assert!(is_malformed("  x <R/>"), "text before the root");
        let e = texts("<!--c--> x <R/>").unwrap_err();
        assert!(
            matches!(e.kind(), ParseErrorKind::Malformed { position: 8, .. }),
            "{e:?}"
        );
        let e = texts("<?pi?><![CDATA[x]]><R/>").unwrap_err();
        assert!(
            matches!(e.kind(), ParseErrorKind::Malformed { position: 6, .. }),
            "{e:?}"
        );
        texts(" \r\n\t<R/> trailing text is ignored").unwrap();
    }

    #[test]
    fn names_prefixes_and_end_tags() {
        let body =
            "<p:R xmlns:p=\"urn:p\"><p:a>1</p:a><q:é.ñ-2 >2</q:é.ñ-2 ><b\n/><c></c ><3D/></p:R>";
        let mut r = XmlReader::new(body.as_bytes()).unwrap();
        let root = r.root().unwrap();
        assert_eq!(root.name(), "R");
        let mut names = Vec::new();
        while let Some(c) = r.next_child(&root).unwrap() {
            names.push(c.name());
            r.skip(&c).unwrap();
        }
        assert_eq!(
            names,
            ["a", "é.ñ-2", "b", "c", "3D"],
            "digits may start names, as model names do"
        );
        r.finish().unwrap();
        for bad in [
            "<R></r>",
            "<p:R></q:R>",
            "<R><a></R></a>",
            "<R/></R>",
            "</R>",
            "<R></R >x</R>",
            "< R/>",
            "<-R/>",
            "<>",
            "<R",
            "<R/",
            "<R></R",
            "<R></>",
            "<p:/>",
            "<R><a></a x></R>",
        ] {
            let r = XmlReader::new(bad.as_bytes()).and_then(|mut r| {
                let root = r.root()?;
                r.skip(&root)?;
                r.finish()
            });
            assert!(
                matches!(
                    r.as_ref().map_err(ParseError::kind),
                    Err(ParseErrorKind::Malformed { .. })
                ),
                "{bad}: {r:?}"
            );
        }
    }

    #[test]
    fn attributes_are_checked_and_read_lazily() {
        let body = "<R xmlns=\"urn:a\" xmlns:x='urn:x' x:Id = \"&lt;1&#x41;\" tab=\"a\tb\r\nc&#10;d\" gt=\"a>b\" single='say \"hi\"'><a k=\"v\"/></R>";
        let mut r = XmlReader::new(body.as_bytes()).unwrap();
        let root = r.root().unwrap();
        assert_eq!(root.attribute("Id").as_deref(), Some("<1A"));
        assert_eq!(root.attribute("tab").as_deref(), Some("a b c\nd"));
        assert_eq!(root.attribute("gt").as_deref(), Some("a>b"));
        assert_eq!(root.attribute("single").as_deref(), Some("say \"hi\""));
        assert_eq!(root.attribute("xmlns").as_deref(), Some("urn:a"));
        assert_eq!(root.attribute("missing"), None);
        assert!(matches!(root.attribute("gt"), Some(Cow::Borrowed(_))));
        let a = r.next_child(&root).unwrap().unwrap();
        assert_eq!((a.name(), a.attribute("k").as_deref()), ("a", Some("v")));
        for bad in [
            "<R a/>",
            "<R a=b/>",
            "<R a=\"b/>",
            "<R a=\"1\"b=\"2\"/>",
            "<R a=\"1\" a=\"2\"/>",
            "<R a=\"<\"/>",
            "<R =\"1\"/>",
            "<R a=\"1\" / >",
            "<R a:b=\"1\" c=\"\" a:b='2'/>",
        ] {
            assert!(is_malformed(bad), "{bad}");
        }
        // Same local name under two prefixes is not a duplicate.
        texts("<R a:b=\"1\" c:b=\"2\"/>").unwrap();
    }

    #[test]
    fn self_closing_elements_at_every_level() {
        let t = texts("<R><a/><b /><c x=\"1\"/><d><e/></d></R>").unwrap();
        assert_eq!(t, ["", "", "", ""]);
        let mut r = XmlReader::new(b"<R/>").unwrap();
        let root = r.root().unwrap();
        assert!(r.next_child(&root).unwrap().is_none());
        r.finish().unwrap();
    }

    #[test]
    fn depth_bound_counts_self_closing_elements() {
        let ok = format!(
            "{}<x/>{}",
            "<a>".repeat(MAX_DEPTH - 1),
            "</a>".repeat(MAX_DEPTH - 1)
        );
        let mut r = XmlReader::new(ok.as_bytes()).unwrap();
        let root = r.root().unwrap();
        r.skip(&root).unwrap();
        r.finish().unwrap();
        let deep = format!(
            "{}<x/>{}",
            "<a>".repeat(MAX_DEPTH),
            "</a>".repeat(MAX_DEPTH)
        );
        let mut r = XmlReader::new(deep.as_bytes()).unwrap();
        let root = r.root().unwrap();
        assert_eq!(r.skip(&root).unwrap_err().kind(), &ParseErrorKind::TooDeep);
    }

    /// Every prefix of a document (cut anywhere, including inside multi-byte characters) and
    /// every single-byte corruption reads as an error or a value, never a panic or a hang.
    #[test]
    fn truncations_and_corruptions_never_panic() {
        let body = "<?xml version=\"1.0\"?><!DOCTYPE R><p:R xmlns:p=\"u&amp;\"><!--c--><a k='v'>x&#233;é<![CDATA[<]]></a><b/></p:R>";
        for cut in 0..body.len() {
            let r = XmlReader::new(&body.as_bytes()[..cut]).and_then(|mut r| {
                let root = r.root()?;
                while let Some(c) = r.next_child(&root)? {
                    r.read_text(&c)?;
                }
                r.finish()
            });
            assert!(r.is_err(), "prefix {cut} parsed");
        }
        for i in 0..body.len() {
            for b in [
                b'<', b'>', b'&', b';', b'/', b'"', b'\'', b'!', b'?', b'[', b']', b'-', b' ', 0,
                0xff,
            ] {
                let mut v = body.as_bytes().to_vec();
                v[i] = b;
                let _ = texts_bytes(&v);
            }
        }
    }

    fn texts_bytes(body: &[u8]) -> Result<(), ParseError> {
        let mut r = XmlReader::new(body)?;
        let root = r.root()?;
        while let Some(c) = r.next_child(&root)? {
            let _ = c.attribute("k");
            r.read_text(&c)?;
        }
        r.finish()
    }

    #[test]
    fn error_positions_point_at_the_problem() {
        let e = texts("<R><a>x &bogus; y</a></R>").unwrap_err();
        assert_eq!(
            e.kind(),
            &ParseErrorKind::Malformed {
                message: "unknown entity (only the five predefined ones exist without a DTD)"
                    .into(),
                position: 8
            }
        );
        let e = texts("<R><a></b></R>").unwrap_err();
        assert!(
            matches!(e.kind(), ParseErrorKind::Malformed { position: 6, .. }),
            "{e:?}"
        );
    }
}
