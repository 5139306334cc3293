//! HTML (botocore documentation) to Markdown (rustdoc).
//!
//! botocore `service-2.json` documentation strings are loosely-formed HTML fragments
//! (`<p>`, `<code>`, `<a href>`, `<ul>/<li>`, `<note>`, ...). [`html_to_markdown`] turns one
//! into CommonMark that rustdoc renders sensibly and that triggers no rustdoc lint
//! (`bare_urls`, `broken_intra_doc_links`, `invalid_html_tags`, `invalid_codeblock_attributes`,
//! `invalid_rust_codeblocks`).
//!
//! The conversion runs in three linear passes:
//!
//! 1. a forgiving tokenizer (anything that does not parse as a tag is text),
//! 2. a tree builder with HTML-like implicit closing rules (`<li>` closes an open `<li>`,
//!    block tags close an open `<p>` and open inline tags, stray close tags are ignored),
//! 3. a renderer producing blocks (paragraphs, lists, code blocks, tables) whose text is
//!    escaped so that no character from the documentation becomes Markdown syntax.
//!
//! Decisions worth knowing:
//! * only absolute links (`http://`, `https://`, `ftp://`, `mailto:`) are kept as links;
//!   relative ones (`API_Foo.html`, `#anchor`) cannot resolve from a generated crate and are
//!   rendered as their text;
//! * a tag that is neither HTML nor botocore/DocBook vocabulary *and* is never closed (as in
//!   `arn:aws:kms:<region>:<account>:key/<uuid>`) is a placeholder, not markup: it is kept as
//!   text (`&lt;region&gt;`); unknown tags that are closed are dropped, their text kept;
//! * `<br>` becomes a hard line break (`\` at the end of the line), two in a row a paragraph
//!   break; inside links, emphasis and code it is a space.

use std::borrow::Cow;
use std::collections::HashMap;

/// Elements nested deeper than this are ignored (their text is kept); bounds recursion.
const MAX_DEPTH: usize = 64;
/// A `<...>` longer than this is not a tag; bounds rescanning on garbage input.
const MAX_TAG_LEN: usize = 4096;

/// Converts a botocore HTML documentation fragment to rustdoc-safe Markdown.
pub fn html_to_markdown(html: &str) -> String {
    let normalized;
    let html = if html.contains('\r') {
        normalized = html.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        html
    };
    let root = build_tree(tokenize(html));
    let blocks = render_blocks(root.children.iter(), Ctx::default());
    let mut out = String::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&block.lines.join("\n"));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
enum Tok<'a> {
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

fn tokenize(s: &str) -> Vec<Tok<'_>> {
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

// ---------------------------------------------------------------------------------------------
// Entities
// ---------------------------------------------------------------------------------------------

fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        match parse_entity(after) {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Parses an entity body (the text after `&`); returns the character and the bytes used.
fn parse_entity(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    if b.first() == Some(&b'#') {
        let (radix, start) = match b.get(1) {
            Some(b'x') | Some(b'X') => (16, 2),
            _ => (10, 1),
        };
        let mut j = start;
        let mut value: u32 = 0;
        while j < b.len() && j - start < 8 {
            match (b[j] as char).to_digit(radix) {
                Some(d) => {
                    value = value * radix + d;
                    j += 1;
                }
                None => break,
            }
        }
        if j == start {
            return None;
        }
        let used = if b.get(j) == Some(&b';') { j + 1 } else { j };
        let c = char::from_u32(value)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        return Some((c, used));
    }
    let end = b.iter().take(12).position(|&c| c == b';')?;
    let c = match &s[..end] {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "hellip" => '\u{2026}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201c}',
        "rdquo" => '\u{201d}',
        "laquo" => '\u{ab}',
        "raquo" => '\u{bb}',
        "bull" => '\u{2022}',
        "middot" => '\u{b7}',
        "copy" => '\u{a9}',
        "reg" => '\u{ae}',
        "trade" => '\u{2122}',
        "times" => '\u{d7}',
        "divide" => '\u{f7}',
        "deg" => '\u{b0}',
        "plusmn" => '\u{b1}',
        "le" => '\u{2264}',
        "ge" => '\u{2265}',
        "ne" => '\u{2260}',
        "rarr" => '\u{2192}',
        "larr" => '\u{2190}',
        "micro" => '\u{b5}',
        "sect" => '\u{a7}',
        "para" => '\u{b6}',
        "cent" => '\u{a2}',
        "pound" => '\u{a3}',
        "euro" => '\u{20ac}',
        "yen" => '\u{a5}',
        _ => return None,
    };
    Some((c, end + 1))
}

// ---------------------------------------------------------------------------------------------
// Tree
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
enum Node {
    Text(String),
    Elem(Elem),
}

#[derive(Debug)]
struct Elem {
    name: String,
    href: Option<String>,
    children: Vec<Node>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Rendered as (or containing) blocks.
    Block,
    /// Rendered as inline markup.
    Inline,
    /// No content (`<br>`, `<hr>`, `<img>`).
    Void,
    /// Known markup without a rendering of its own: tag dropped, content kept.
    Transparent,
    /// Not HTML/DocBook vocabulary: markup if closed somewhere, else literal text.
    Unknown,
}

fn classify(name: &str) -> Class {
    match name {
        "p" | "div" | "ul" | "ol" | "li" | "note" | "important" | "pre" | "dl" | "dt" | "dd"
        | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "fullname" | "examples" | "example"
        | "title" | "table" | "thead" | "tbody" | "tfoot" | "tr" | "td" | "th" | "caption"
        | "blockquote" | "section" | "article" | "header" | "footer" | "main" | "nav" | "aside"
        | "figure" | "figcaption" | "address" | "details" | "summary" | "center" | "html"
        | "body" | "fieldset" | "form" | "menu" => Class::Block,
        "code" | "a" | "i" | "b" => Class::Inline,
        "br" | "hr" | "img" | "wbr" | "input" | "meta" | "col" | "area" | "base" | "source"
        | "track" | "embed" | "param" | "keygen" => Class::Void,
        "span" | "u" | "s" | "strike" | "del" | "ins" | "sup" | "sub" | "small" | "big"
        | "font" | "abbr" | "acronym" | "cite" | "dfn" | "q" | "var" | "mark" | "label"
        | "time" | "data" | "bdi" | "bdo" | "nobr" | "kbd" | "samp" | "tt" | "head" | "script"
        | "style" | "noscript" | "object" | "iframe" | "video" | "audio" | "picture" | "ruby"
        | "rt" | "rp" | "template" | "button" | "select" | "option" | "optgroup" | "textarea"
        | "legend" | "output" | "progress" | "meter" | "dialog" | "colgroup" | "zonbook"
        | "xhtml" | "replaceable" | "filename" | "function" | "copy" | "text" | "value"
        | "literal" | "command" | "userinput" | "systemitem" | "varname" | "parameter" | "link"
        | "guilabel" | "citetitle" | "code-block" => Class::Transparent,
        _ => Class::Unknown,
    }
}

struct TreeBuilder {
    stack: Vec<Elem>,
}

impl TreeBuilder {
    fn top(&mut self) -> &mut Elem {
        self.stack.last_mut().expect("root is never popped")
    }

    fn text(&mut self, t: &str) {
        if t.is_empty() {
            return;
        }
        let top = self.top();
        if let Some(Node::Text(prev)) = top.children.last_mut() {
            prev.push_str(t);
        } else {
            top.children.push(Node::Text(t.to_owned()));
        }
    }

    fn leaf(&mut self, name: String, href: Option<String>) {
        self.top().children.push(Node::Elem(Elem {
            name,
            href,
            children: Vec::new(),
        }));
    }

    fn pop(&mut self) {
        if self.stack.len() > 1 {
            let e = self.stack.pop().expect("len > 1");
            self.top().children.push(Node::Elem(e));
        }
    }

    fn pop_to(&mut self, len: usize) {
        while self.stack.len() > len.max(1) {
            self.pop();
        }
    }

    /// Closes the nearest open element named in `targets`, unless an element named in
    /// `stops` is found first.
    fn close_within(&mut self, targets: &[&str], stops: &[&str]) {
        for idx in (1..self.stack.len()).rev() {
            let name = self.stack[idx].name.as_str();
            if targets.contains(&name) {
                self.pop_to(idx);
                return;
            }
            if stops.contains(&name) {
                return;
            }
        }
    }

    fn open_inline(&mut self, name: String, href: Option<String>) {
        if self.stack.len() < MAX_DEPTH {
            self.stack.push(Elem {
                name,
                href,
                children: Vec::new(),
            });
        }
    }

    fn open_block(&mut self, name: String, self_closing: bool) {
        while self.stack.len() > 1 && classify(&self.top().name) == Class::Inline {
            self.pop();
        }
        if self.stack.len() > 1 && self.top().name == "p" {
            self.pop();
        }
        match name.as_str() {
            "li" => self.close_within(&["li"], &["ul", "ol"]),
            "dt" | "dd" => self.close_within(&["dt", "dd"], &["dl"]),
            "tr" => self.close_within(&["tr"], &["table"]),
            "td" | "th" => self.close_within(&["td", "th"], &["tr", "table"]),
            _ => {}
        }
        if self_closing {
            self.leaf(name, None);
        } else if self.stack.len() < MAX_DEPTH {
            self.stack.push(Elem {
                name,
                href: None,
                children: Vec::new(),
            });
        }
    }

    fn close(&mut self, name: &str) {
        if let Some(idx) = self.stack.iter().rposition(|e| e.name == name) {
            if idx > 0 {
                self.pop_to(idx);
            }
        }
    }
}

fn build_tree(tokens: Vec<Tok<'_>>) -> Elem {
    let mut last_close: HashMap<&str, usize> = HashMap::new();
    for (idx, tok) in tokens.iter().enumerate() {
        if let Tok::Close { name, .. } = tok {
            last_close.insert(name.as_str(), idx);
        }
    }
    let last_close: HashMap<String, usize> = last_close
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let mut open_unknown: HashMap<String, usize> = HashMap::new();
    let mut b = TreeBuilder {
        stack: vec![Elem {
            name: "#root".to_owned(),
            href: None,
            children: Vec::new(),
        }],
    };
    for (idx, tok) in tokens.into_iter().enumerate() {
        match tok {
            Tok::Text(raw) => b.text(&decode_entities(raw)),
            Tok::Cdata(t) => b.text(t),
            Tok::Open {
                name,
                href,
                self_closing,
                raw,
            } => match classify(&name) {
                Class::Unknown => {
                    let closed_later =
                        !self_closing && last_close.get(&name).is_some_and(|&c| c > idx);
                    if closed_later {
                        *open_unknown.entry(name).or_insert(0) += 1;
                    } else {
                        b.text(&decode_entities(raw));
                    }
                }
                Class::Transparent => {}
                Class::Void => b.leaf(name, None),
                Class::Inline if self_closing => b.leaf(name, href),
                Class::Inline => b.open_inline(name, href),
                Class::Block => b.open_block(name, self_closing),
            },
            Tok::Close { name, raw } => match classify(&name) {
                Class::Unknown => match open_unknown.get_mut(&name) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => b.text(&decode_entities(raw)),
                },
                Class::Transparent => {}
                Class::Void => {
                    if name == "br" {
                        b.leaf(name, None);
                    }
                }
                Class::Inline | Class::Block => b.close(&name),
            },
        }
    }
    b.pop_to(1);
    b.stack.pop().expect("root")
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    /// Inside link text: no nested links, no autolinks.
    in_link: bool,
    /// Inside `*...*`: nested `<i>` adds no markers.
    in_em: bool,
    /// Inside `**...**`: nested `<b>` adds no markers.
    in_strong: bool,
    /// Inside a table cell: `|` in code spans must be escaped.
    in_table: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Para,
    List,
    Code,
    Table,
}

#[derive(Debug, Clone)]
struct Block {
    kind: Kind,
    /// Never empty; the first line is never empty; no line has trailing whitespace.
    lines: Vec<String>,
}

/// Collects blocks; consecutive `<li>` found outside a list are gathered into one list.
#[derive(Default)]
struct Sink {
    out: Vec<Block>,
    orphan_items: Vec<Vec<Block>>,
}

impl Sink {
    fn push(&mut self, block: Block) {
        self.flush_items();
        self.out.push(block);
    }

    fn flush_items(&mut self) {
        if !self.orphan_items.is_empty() {
            let items = std::mem::take(&mut self.orphan_items);
            if let Some(list) = list_block(items, false) {
                self.out.push(list);
            }
        }
    }

    /// Moves the inline buffer out as paragraphs (split at `<br><br>`).
    fn flush_para(&mut self, inl: &mut Inline) {
        let buf = std::mem::take(inl).buf;
        let mut cur: Vec<String> = Vec::new();
        for line in buf.split('\n') {
            let line = line.trim();
            if line.is_empty() {
                if !cur.is_empty() {
                    self.push(para(std::mem::take(&mut cur)));
                }
            } else {
                cur.push(escape_line_start(line));
            }
        }
        if !cur.is_empty() {
            self.push(para(cur));
        }
    }

    fn finish(mut self) -> Vec<Block> {
        self.flush_items();
        self.out
    }
}

/// A paragraph from its lines, joined by hard breaks.
fn para(mut lines: Vec<String>) -> Block {
    let n = lines.len();
    for line in lines.iter_mut().take(n - 1) {
        line.push('\\');
    }
    Block {
        kind: Kind::Para,
        lines,
    }
}

fn render_blocks<'a>(nodes: impl IntoIterator<Item = &'a Node>, ctx: Ctx) -> Vec<Block> {
    let mut sink = Sink::default();
    let mut inl = Inline::default();
    for node in nodes {
        match node {
            Node::Text(t) => inl.text(t, ctx),
            Node::Elem(e) if e.name == "br" => inl.hard_break(),
            Node::Elem(e) if e.name == "hr" => sink.flush_para(&mut inl),
            Node::Elem(e) if classify(&e.name) == Class::Block => {
                sink.flush_para(&mut inl);
                render_block_elem(e, ctx, &mut sink);
            }
            Node::Elem(e) => render_inline_elem(e, ctx, &mut inl),
        }
    }
    sink.flush_para(&mut inl);
    sink.finish()
}

fn render_block_elem(e: &Elem, ctx: Ctx, sink: &mut Sink) {
    match e.name.as_str() {
        "ul" | "ol" => {
            if let Some(list) = render_list(e, e.name == "ol", ctx) {
                sink.push(list);
            }
        }
        "li" => {
            let item = render_blocks(e.children.iter(), ctx);
            if !item.is_empty() {
                sink.orphan_items.push(item);
            }
        }
        "note" | "important" => {
            let label = if e.name == "note" {
                "**Note:**"
            } else {
                "**Important:**"
            };
            let mut blocks = render_blocks(e.children.iter(), ctx);
            if blocks.is_empty() {
                return;
            }
            if blocks[0].kind == Kind::Para {
                blocks[0].lines[0].insert_str(0, &format!("{label} "));
            } else {
                blocks.insert(0, para(vec![label.to_owned()]));
            }
            for block in blocks {
                sink.push(block);
            }
        }
        "pre" => {
            let mut text = String::new();
            text_content(e, &mut text);
            if let Some(block) = code_block(&text) {
                sink.push(block);
            }
        }
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "title" | "dt" => {
            let mut inl = Inline::default();
            render_inline_children(
                e,
                Ctx {
                    in_strong: true,
                    ..ctx
                },
                &mut inl,
            );
            if !inl.buf.is_empty() {
                sink.push(para(vec![format!("**{}**", inl.buf)]));
            }
        }
        "table" => render_table(e, ctx, sink),
        _ => {
            for block in render_blocks(e.children.iter(), ctx) {
                sink.push(block);
            }
        }
    }
}

fn render_list(e: &Elem, ordered: bool, ctx: Ctx) -> Option<Block> {
    // Content between `</li>` and `<li>` (text, or a `<ul>` nested directly in the list)
    // belongs to the previous item; content before the first `<li>` is an item of its own.
    let mut items: Vec<Vec<&Node>> = Vec::new();
    for child in &e.children {
        match child {
            Node::Elem(c) if c.name == "li" => items.push(c.children.iter().collect()),
            _ => match items.last_mut() {
                Some(item) => item.push(child),
                None => items.push(vec![child]),
            },
        }
    }
    let items = items
        .into_iter()
        .map(|nodes| render_blocks(nodes, ctx))
        .collect();
    list_block(items, ordered)
}

fn list_block(items: Vec<Vec<Block>>, ordered: bool) -> Option<Block> {
    let mut lines = Vec::new();
    let mut n = 0;
    for item in items.into_iter().filter(|i| !i.is_empty()) {
        n += 1;
        let marker = if ordered {
            format!("{n}. ")
        } else {
            "- ".to_owned()
        };
        let indent = " ".repeat(marker.len());
        let mut prev: Option<Kind> = None;
        let mut first = true;
        for block in item {
            // A nested list directly after the item's paragraph stays tight.
            let tight = block.kind == Kind::List && prev == Some(Kind::Para);
            if prev.is_some() && !tight {
                lines.push(String::new());
            }
            prev = Some(block.kind);
            for line in block.lines {
                if first {
                    lines.push(format!("{marker}{line}"));
                    first = false;
                } else if line.is_empty() {
                    lines.push(line);
                } else {
                    lines.push(format!("{indent}{line}"));
                }
            }
        }
    }
    (!lines.is_empty()).then_some(Block {
        kind: Kind::List,
        lines,
    })
}

fn render_table(e: &Elem, ctx: Ctx, sink: &mut Sink) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut stray: Vec<&Node> = Vec::new();
    collect_rows(
        e,
        Ctx {
            in_table: true,
            ..ctx
        },
        &mut rows,
        &mut stray,
    );
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    if cols > 0 {
        let row_line = |cells: &[String]| {
            let mut line = String::from("|");
            for k in 0..cols {
                line.push(' ');
                line.push_str(cells.get(k).map_or("", String::as_str));
                line.push_str(" |");
            }
            line
        };
        let mut lines = vec![row_line(&rows[0]), format!("|{}", " --- |".repeat(cols))];
        lines.extend(rows[1..].iter().map(|r| row_line(r)));
        sink.push(Block {
            kind: Kind::Table,
            lines,
        });
    }
    for block in render_blocks(stray, ctx) {
        sink.push(block);
    }
}

fn collect_rows<'a>(e: &'a Elem, ctx: Ctx, rows: &mut Vec<Vec<String>>, stray: &mut Vec<&'a Node>) {
    for child in &e.children {
        match child {
            Node::Elem(c) if c.name == "tr" => {
                let mut cells = Vec::new();
                for cell in &c.children {
                    let mut inl = Inline::default();
                    match cell {
                        Node::Text(t) if t.trim().is_empty() => continue,
                        Node::Text(t) => inl.text(t, ctx),
                        Node::Elem(c) if c.name == "td" || c.name == "th" => {
                            render_inline_children(c, ctx, &mut inl)
                        }
                        Node::Elem(c) => render_inline_elem(c, ctx, &mut inl),
                    }
                    cells.push(inl.buf);
                }
                if !cells.is_empty() {
                    rows.push(cells);
                }
            }
            Node::Elem(c) if matches!(c.name.as_str(), "thead" | "tbody" | "tfoot") => {
                collect_rows(c, ctx, rows, stray)
            }
            Node::Text(t) if t.trim().is_empty() => {}
            _ => stray.push(child),
        }
    }
}

fn render_inline_children(e: &Elem, ctx: Ctx, inl: &mut Inline) {
    for child in &e.children {
        match child {
            Node::Text(t) => inl.text(t, ctx),
            Node::Elem(c) => render_inline_elem(c, ctx, inl),
        }
    }
}

fn render_inline_elem(e: &Elem, ctx: Ctx, inl: &mut Inline) {
    match e.name.as_str() {
        "code" => {
            let mut text = String::new();
            text_content(e, &mut text);
            inl.code(&text, ctx);
        }
        "a" => render_link(e, ctx, inl),
        "i" if !ctx.in_em => emphasis(e, "*", Ctx { in_em: true, ..ctx }, inl),
        "b" if !ctx.in_strong => emphasis(
            e,
            "**",
            Ctx {
                in_strong: true,
                ..ctx
            },
            inl,
        ),
        "br" | "hr" => inl.ws(),
        name if classify(name) == Class::Block => {
            // Blocks where only inline content fits (headings, cells, link text).
            inl.ws();
            render_inline_children(e, ctx, inl);
            inl.ws();
        }
        _ => render_inline_children(e, ctx, inl),
    }
}

fn emphasis(e: &Elem, marker: &str, ctx: Ctx, inl: &mut Inline) {
    let mut sub = Inline::default();
    render_inline_children(e, ctx, &mut sub);
    if sub.leading_space {
        inl.ws();
    }
    if !sub.buf.is_empty() {
        // CommonMark flanking rules: `a**(b)**` and `**b:**c` are not emphasis; a space
        // between the marker and the neighbouring word fixes that.
        let starts_punct = sub.buf.chars().next().is_some_and(is_punct);
        if starts_punct
            && !inl.pending_space
            && inl
                .buf
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        {
            inl.pending_space = true;
        }
        // `*a**b*`: adjacent delimiter runs would merge.
        if !inl.pending_space && ends_with_unescaped(&inl.buf, '*') {
            inl.pending_space = true;
        }
        inl.raw(marker);
        inl.raw(&sub.buf);
        inl.raw(marker);
        inl.fragile_close = sub.buf.chars().next_back().is_some_and(is_punct);
    }
    if sub.pending_space {
        inl.ws();
    }
}

fn render_link(e: &Elem, ctx: Ctx, inl: &mut Inline) {
    let dest = match e.href.as_deref().and_then(link_dest) {
        Some(dest) if !ctx.in_link => dest,
        _ => return render_inline_children(e, ctx, inl),
    };
    let mut sub = Inline::default();
    render_inline_children(
        e,
        Ctx {
            in_link: true,
            ..ctx
        },
        &mut sub,
    );
    if sub.leading_space {
        inl.ws();
    }
    if sub.buf.is_empty() || sub.buf == dest {
        inl.raw(&format!("<{dest}>"));
    } else {
        // `!` right before `[` would make an image.
        if !inl.pending_space && ends_with_unescaped(&inl.buf, '!') {
            inl.buf.insert(inl.buf.len() - 1, '\\');
        }
        inl.raw("[");
        inl.raw(&sub.buf);
        inl.raw("](");
        inl.raw(&escape_dest_entities(&dest));
        inl.raw(")");
    }
    if sub.pending_space {
        inl.ws();
    }
}

/// Link destination for an absolute `href`, percent-encoding what would end or confuse a
/// Markdown destination or autolink; `None` for relative or unsupported links.
fn link_dest(href: &str) -> Option<String> {
    let h = href.trim();
    let starts = |p: &str| h.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
    let absolute = (starts("http://") || starts("https://") || starts("ftp://")) && h.len() > 8
        || (starts("mailto:") && h.contains('@'));
    if !absolute {
        return None;
    }
    let mut d = String::with_capacity(h.len());
    for c in h.chars() {
        match c {
            ' ' => d.push_str("%20"),
            '(' => d.push_str("%28"),
            ')' => d.push_str("%29"),
            '<' => d.push_str("%3C"),
            '>' => d.push_str("%3E"),
            '|' => d.push_str("%7C"),
            '\\' => d.push_str("%5C"),
            '"' => d.push_str("%22"),
            '`' => d.push_str("%60"),
            c if c.is_whitespace() || c.is_control() => {}
            c => d.push(c),
        }
    }
    Some(d)
}

/// In `[..](dest)` entity references are decoded by Markdown; escape their `&`.
fn escape_dest_entities(dest: &str) -> Cow<'_, str> {
    if !dest.contains('&') {
        return Cow::Borrowed(dest);
    }
    let mut out = String::with_capacity(dest.len() + 4);
    for (i, c) in dest.char_indices() {
        if c == '&' && looks_like_entity(&dest[i + 1..]) {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

fn looks_like_entity(after_amp: &str) -> bool {
    let body: &[u8] = after_amp.as_bytes();
    let n = body
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'#')
        .count();
    n > 0 && body.get(n) == Some(&b';')
}

/// Appends the text of `e`'s descendants; `<br>` and block ends become newlines.
fn text_content(e: &Elem, out: &mut String) {
    for child in &e.children {
        match child {
            Node::Text(t) => out.push_str(t),
            Node::Elem(c) if c.name == "br" => out.push('\n'),
            Node::Elem(c) => {
                text_content(c, out);
                if classify(&c.name) == Class::Block {
                    out.push('\n');
                }
            }
        }
    }
}

/// A fenced `text` code block with `text` verbatim (minus trailing whitespace and blank
/// edge lines); `None` if blank.
fn code_block(text: &str) -> Option<Block> {
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| {
            let l: String = l
                .chars()
                .filter(|&c| c == '\t' || !c.is_control())
                .collect();
            l.trim_end().to_owned()
        })
        .collect();
    let start = lines.iter().position(|l| !l.is_empty())?;
    let end = lines.iter().rposition(|l| !l.is_empty())?;
    let body = &lines[start..=end];
    let run = body.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0);
    let fence = "`".repeat(run.max(2) + 1);
    let mut out = Vec::with_capacity(body.len() + 2);
    out.push(format!("{fence}text"));
    out.extend(body.iter().cloned());
    out.push(fence);
    Some(Block {
        kind: Kind::Code,
        lines: out,
    })
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.chars() {
        if c == ch {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// Escapes what would make a paragraph line start a heading, list, setext underline,
/// thematic break or definition.
fn escape_line_start(line: &str) -> String {
    let b = line.as_bytes();
    match b.first() {
        Some(b'#' | b'-' | b'+' | b'=') => format!("\\{line}"),
        Some(b':') if matches!(b.get(1), None | Some(b' ')) => format!("\\{line}"),
        Some(c) if c.is_ascii_digit() => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            let is_marker = digits <= 9
                && matches!(b.get(digits), Some(b'.' | b')'))
                && matches!(b.get(digits + 1), None | Some(b' '));
            if is_marker {
                format!("{}\\{}", &line[..digits], &line[digits..])
            } else {
                line.to_owned()
            }
        }
        _ => line.to_owned(),
    }
}

/// Inline Markdown being built: whitespace is collapsed lazily so that spaces never end up
/// inside emphasis markers or at line ends.
#[derive(Default)]
struct Inline {
    buf: String,
    /// Whitespace seen after content, not yet written.
    pending_space: bool,
    /// Whitespace seen before any content.
    leading_space: bool,
    /// The buffer ends with an emphasis marker preceded by punctuation, so a word must not
    /// follow it directly.
    fragile_close: bool,
}

impl Inline {
    fn ws(&mut self) {
        if self.buf.is_empty() {
            self.leading_space = true;
        } else if !self.buf.ends_with('\n') {
            self.pending_space = true;
        }
    }

    fn raw(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.pending_space || (self.fragile_close && s.starts_with(char::is_alphanumeric)) {
            self.buf.push(' ');
            self.pending_space = false;
        }
        self.fragile_close = false;
        self.buf.push_str(s);
    }

    fn hard_break(&mut self) {
        self.pending_space = false;
        self.fragile_close = false;
        self.buf.push('\n');
    }

    fn prev_char(&self) -> Option<char> {
        if self.pending_space {
            Some(' ')
        } else {
            self.buf.chars().next_back()
        }
    }

    /// Appends documentation text, escaping everything Markdown could interpret.
    fn text(&mut self, t: &str, ctx: Ctx) {
        let mut it = t.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c.is_whitespace() {
                self.ws();
                continue;
            }
            if c.is_control() {
                continue;
            }
            if !ctx.in_link && matches!(c, 'h' | 'H') {
                if let Some(len) = bare_url_len(&t[i..]) {
                    self.raw("<");
                    self.buf.push_str(&t[i..i + len]);
                    self.buf.push('>');
                    while it.next_if(|&(j, _)| j < i + len).is_some() {}
                    continue;
                }
            }
            let next = it.peek().map(|&(_, n)| n);
            match c {
                '\\' | '`' | '*' | '[' | ']' | '~' | '|' => {
                    self.raw("\\");
                    self.buf.push(c);
                }
                '_' => {
                    // Intraword `_` cannot start emphasis; keep snake_case readable.
                    let intraword = self.prev_char().is_some_and(char::is_alphanumeric)
                        && next.is_some_and(char::is_alphanumeric);
                    self.raw(if intraword { "_" } else { "\\_" });
                }
                '<' => self.raw("&lt;"),
                '>' => self.raw("&gt;"),
                '&' => {
                    let entity_like = next.is_none_or(|n| n.is_ascii_alphanumeric() || n == '#');
                    self.raw(if entity_like { "&amp;" } else { "&" });
                }
                c => {
                    let mut tmp = [0u8; 4];
                    self.raw(c.encode_utf8(&mut tmp));
                }
            }
        }
    }

    /// Appends a code span for `text` (whitespace collapsed).
    fn code(&mut self, text: &str, ctx: Ctx) {
        if text.starts_with(char::is_whitespace) {
            self.ws();
        }
        let mut body = String::with_capacity(text.len());
        for word in text.split_whitespace() {
            if !body.is_empty() {
                body.push(' ');
            }
            body.extend(word.chars().filter(|c| !c.is_control()));
        }
        if !body.is_empty() {
            if ctx.in_table {
                body = body.replace('|', "\\|");
            }
            let fence = "`".repeat(longest_run(&body, '`') + 1);
            // Directly after another code span the fences would merge into one run.
            if !self.pending_space && ends_with_unescaped(&self.buf, '`') {
                self.pending_space = true;
            }
            let pad = if body.starts_with('`') || body.ends_with('`') {
                " "
            } else {
                ""
            };
            self.raw(&fence);
            self.buf.push_str(pad);
            self.buf.push_str(&body);
            self.buf.push_str(pad);
            self.buf.push_str(&fence);
        }
        if text.ends_with(char::is_whitespace) {
            self.ws();
        }
    }
}

/// Whether `s` ends with `c` not escaped by a backslash.
fn ends_with_unescaped(s: &str, c: char) -> bool {
    s.strip_suffix(c)
        .is_some_and(|rest| rest.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 0)
}

/// Unicode punctuation or symbol, approximately (CommonMark's flanking rules care).
fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || !(c.is_ascii() || c.is_alphanumeric() || c.is_whitespace())
}

/// Length of the bare `http(s)://` URL at the start of `s`, without trailing punctuation
/// that more likely ends the sentence; `None` if `s` does not start with one.
fn bare_url_len(s: &str) -> Option<usize> {
    let scheme = if s
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
    {
        7
    } else if s
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    {
        8
    } else {
        return None;
    };
    let mut end = s
        .char_indices()
        .find(|&(_, c)| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`' | '|')
        })
        .map_or(s.len(), |(i, _)| i);
    let url = &s[..end];
    let count = |c: char| url.matches(c).count();
    let mut parens = (count('('), count(')'));
    let mut brackets = (count('['), count(']'));
    let mut braces = (count('{'), count('}'));
    while let Some(last) = s[..end].chars().next_back() {
        let unbalanced = |(open, close): &mut (usize, usize)| {
            let yes = close > open;
            if yes {
                *close -= 1;
            }
            yes
        };
        let trim = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' | '_' => true,
            ')' => unbalanced(&mut parens),
            ']' => unbalanced(&mut brackets),
            '}' => unbalanced(&mut braces),
            _ => false,
        };
        if !trim {
            break;
        }
        end -= last.len_utf8();
    }
    (end > scheme).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::html_to_markdown as md;

    // ---- paragraphs & whitespace ------------------------------------------------------------

    #[test]
    fn empty_and_whitespace_input() {
        assert_eq!(md(""), "");
        assert_eq!(md("   \n\t "), "");
        assert_eq!(md("<p></p> <p> </p>"), "");
    }

    #[test]
    fn plain_text_without_tags() {
        assert_eq!(md("The ARN of the role."), "The ARN of the role.");
    }

    #[test]
    fn paragraphs_are_separated_by_one_blank_line() {
        assert_eq!(
            md("<p>First.</p> <p>Second.</p>\n\n<p>Third.</p>"),
            "First.\n\nSecond.\n\nThird."
        );
    }

    #[test]
    fn whitespace_is_collapsed_and_trimmed() {
        assert_eq!(md("<p>  a \n\t b  </p>"), "a b");
        assert_eq!(md("  <p>x</p>  "), "x");
        assert_eq!(md("a&nbsp;&nbsp;b"), "a b");
        assert_eq!(md("a\r\nb\rc"), "a b c");
    }

    #[test]
    fn text_outside_paragraphs_forms_paragraphs() {
        assert_eq!(md("Intro <p>Body</p> Outro"), "Intro\n\nBody\n\nOutro");
    }

    #[test]
    fn unclosed_paragraphs_are_closed_by_the_next_one() {
        assert_eq!(md("<p>One<p>Two"), "One\n\nTwo");
    }

    // ---- code ---------------------------------------------------------------------------------

    #[test]
    fn code_span() {
        assert_eq!(
            md("<p>Use <code>sts:TagSession</code> here.</p>"),
            "Use `sts:TagSession` here."
        );
    }

    #[test]
    fn code_span_collapses_whitespace_and_keeps_outer_spaces() {
        assert_eq!(md("a<code> x \n  y </code>b"), "a `x y` b");
        assert_eq!(md("<code>  </code>"), "");
    }

    #[test]
    fn code_span_with_backticks_uses_longer_fence() {
        assert_eq!(md("<code>a`b</code>"), "``a`b``");
        assert_eq!(md("<code>a``b</code>"), "```a``b```");
        assert_eq!(md("<code>`x</code>"), "`` `x ``");
    }

    #[test]
    fn adjacent_code_spans_do_not_merge() {
        assert_eq!(md("<code>a</code><code>b</code>"), "`a` `b`");
        assert_eq!(
            md("<code>x</code><code>`&lt;b&gt;`</code>"),
            "`x` `` `<b>` ``"
        );
        assert_eq!(md("a`<code>b</code>"), r"a\``b`");
    }

    #[test]
    fn code_span_is_literal() {
        assert_eq!(
            md("<code>arn:aws:iam::*:role/&lt;role_name&gt; [x] a|b</code>"),
            "`arn:aws:iam::*:role/<role_name> [x] a|b`"
        );
        assert_eq!(
            md("<code>https://example.com/x</code>"),
            "`https://example.com/x`"
        );
        assert_eq!(md("<code>Foo<i>Bar</i></code>"), "`FooBar`");
    }

    // ---- links --------------------------------------------------------------------------------

    #[test]
    fn link() {
        assert_eq!(
            md(r#"see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html">Temporary credentials</a> in"#),
            "see [Temporary credentials](https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html) in"
        );
    }

    #[test]
    fn link_text_keeps_markup_and_is_escaped() {
        assert_eq!(
            md(r#"<a href="https://x.example/a_b"> <code>Foo</code> [v2] </a>."#),
            r"[`Foo` \[v2\]](https://x.example/a_b) ."
        );
    }

    #[test]
    fn link_without_href_is_text() {
        assert_eq!(md(r#"<a name="top">Top</a> here"#), "Top here");
    }

    #[test]
    fn link_with_empty_text_is_autolink() {
        assert_eq!(
            md(r#"See <a href="https://example.com/a"></a>."#),
            "See <https://example.com/a>."
        );
        assert_eq!(
            md(r#"<a href="https://example.com/a"> </a>"#),
            "<https://example.com/a>"
        );
        assert_eq!(
            md(r#"<a href="https://example.com/a">https://example.com/a</a>"#),
            "<https://example.com/a>"
        );
    }

    #[test]
    fn relative_link_is_text() {
        assert_eq!(
            md(r#"<a href="API_AssumeRole.html">AssumeRole</a>"#),
            "AssumeRole"
        );
        assert_eq!(md(r##"<a href="#anchor">here</a>"##), "here");
        assert_eq!(md(r#"<a href="mailto:nobody">x</a>"#), "x");
    }

    #[test]
    fn link_destination_is_sanitized() {
        assert_eq!(
            md(r#"<a href=" https://e.com/a b(c)&lt;d&gt;?x=1&amp;copy;y ">t</a>"#),
            r"[t](https://e.com/a%20b%28c%29%3Cd%3E?x=1\&copy;y)"
        );
        assert_eq!(
            md("<a href='https://e.com/x'>single</a>"),
            "[single](https://e.com/x)"
        );
        assert_eq!(
            md("<a href=https://e.com/x>unquoted</a>"),
            "[unquoted](https://e.com/x)"
        );
        assert_eq!(
            md(r#"<a href="mailto:a@b.com">mail</a>"#),
            "[mail](mailto:a@b.com)"
        );
    }

    #[test]
    fn nested_links_are_flattened() {
        assert_eq!(
            md(r#"<a href="https://a.example/">x <a href="https://b.example/">y</a></a>"#),
            "[x y](https://a.example/)"
        );
    }

    #[test]
    fn exclamation_before_link_is_escaped() {
        assert_eq!(
            md(r#"Hi!<a href="https://e.com/x">t</a>"#),
            r"Hi\![t](https://e.com/x)"
        );
        assert_eq!(
            md(r#"Hi! <a href="https://e.com/x">t</a>"#),
            "Hi! [t](https://e.com/x)"
        );
    }

    #[test]
    fn ulink_is_a_link() {
        assert_eq!(
            md(r#"<ulink url="http://docs.aws.amazon.com/x.html">Guide</ulink>"#),
            "[Guide](http://docs.aws.amazon.com/x.html)"
        );
    }

    // ---- emphasis -----------------------------------------------------------------------------

    #[test]
    fn emphasis_and_strong() {
        assert_eq!(
            md("in the <i>IAM User Guide</i>."),
            "in the *IAM User Guide*."
        );
        assert_eq!(
            md("<em>a</em> <b>b</b> <strong>c</strong>"),
            "*a* **b** **c**"
        );
        assert_eq!(md("<emphasis>d</emphasis>"), "*d*");
    }

    #[test]
    fn emphasis_moves_spaces_outside_markers() {
        assert_eq!(md("a<i> b </i>c"), "a *b* c");
        assert_eq!(md("<p> <b>Permissions</b> </p>"), "**Permissions**");
    }

    #[test]
    fn empty_emphasis_is_dropped() {
        assert_eq!(md("a<i></i>b<b> </b>c"), "ab c");
    }

    #[test]
    fn emphasis_next_to_words_stays_emphasis() {
        // `**Note:**The` would not render as bold (closing run after punctuation before a
        // letter), nor would `a**(b)**`.
        assert_eq!(md("<b>Note:</b>The"), "**Note:** The");
        assert_eq!(md("<b>Default VPC:</b>true"), "**Default VPC:** true");
        assert_eq!(md("a<i>(b)</i>"), "a *(b)*");
        assert_eq!(md("<b><code>X</code></b>s"), "**`X`** s");
        assert_eq!(md("<b>Note:</b>."), "**Note:**.");
        assert_eq!(md("<i>word</i>s and <i>x</i>y"), "*word*s and *x*y");
        assert_eq!(md("(<i>(x)</i>)"), "(*(x)*)");
    }

    #[test]
    fn adjacent_emphasis_does_not_merge() {
        assert_eq!(md("<i>a</i><i>b</i>"), "*a* *b*");
        assert_eq!(md("<b>a</b><i>b</i>"), "**a** *b*");
        assert_eq!(md("a*<i>b</i>"), r"a\**b*");
    }

    #[test]
    fn nested_same_emphasis_is_not_doubled() {
        assert_eq!(md("<i>a <em>b</em></i>"), "*a b*");
        assert_eq!(md("<b>a <i>b</i></b>"), "**a *b***");
    }

    // ---- lists --------------------------------------------------------------------------------

    #[test]
    fn unordered_list_with_paragraphs_in_items() {
        assert_eq!(
            md("<p>Options:</p> <ul> <li> <p>one</p> </li> <li> <p>two</p> </li> </ul> <p>After.</p>"),
            "Options:\n\n- one\n- two\n\nAfter."
        );
    }

    #[test]
    fn ordered_list() {
        assert_eq!(md("<ol><li>a</li><li>b</li></ol>"), "1. a\n2. b");
    }

    #[test]
    fn ordered_list_with_ten_items_indents_continuations() {
        let html: String = (1..=10)
            .map(|i| format!("<li><p>i{i}</p><p>more</p></li>"))
            .collect();
        let out = md(&format!("<ol>{html}</ol>"));
        assert!(out.starts_with("1. i1\n\n   more\n2. i2\n"), "{out}");
        assert!(out.ends_with("10. i10\n\n    more"), "{out}");
    }

    #[test]
    fn nested_lists_are_indented() {
        assert_eq!(
            md("<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li><li>d</li></ul>"),
            "- a\n  - b\n    1. c\n- d"
        );
        assert_eq!(md("<ol><li>a<ul><li>b</li></ul></li></ol>"), "1. a\n   - b");
    }

    #[test]
    fn multiple_paragraphs_in_an_item_stay_in_the_item() {
        assert_eq!(
            md("<ul><li><p>first</p><p>second</p></li><li>next</li></ul>"),
            "- first\n\n  second\n- next"
        );
    }

    #[test]
    fn list_nested_directly_in_list_joins_previous_item() {
        assert_eq!(
            md("<ul><li>a</li><ul><li>b</li></ul><li>c</li></ul>"),
            "- a\n  - b\n- c"
        );
    }

    #[test]
    fn text_between_items_joins_previous_item() {
        assert_eq!(
            md("<ul><li>a</li> and more <li>b</li></ul>"),
            "- a and more\n- b"
        );
        assert_eq!(md("<ul>lead<li>b</li></ul>"), "- lead\n- b");
    }

    #[test]
    fn unclosed_and_orphan_items() {
        assert_eq!(md("<ul><li>a<li>b</ul>"), "- a\n- b");
        assert_eq!(md("<li>a</li><li>b</li><p>x</p>"), "- a\n- b\n\nx");
        assert_eq!(md("<ul><li></li><li> </li></ul>"), "");
    }

    #[test]
    fn list_closes_open_paragraph() {
        assert_eq!(
            md("<p>Scenarios: <ul><li>a</li></ul></p>"),
            "Scenarios:\n\n- a"
        );
    }

    #[test]
    fn note_inside_list_item() {
        assert_eq!(
            md("<ul><li><note><p>n</p></note></li></ul>"),
            "- **Note:** n"
        );
    }

    // ---- note / important -------------------------------------------------------------------

    #[test]
    fn note_and_important() {
        assert_eq!(
            md("<note> <p>Careful.</p> <p>More.</p> </note>"),
            "**Note:** Careful.\n\nMore."
        );
        assert_eq!(
            md("<important><p>Really.</p></important>"),
            "**Important:** Really."
        );
        assert_eq!(md("<note>Bare text</note>"), "**Note:** Bare text");
        assert_eq!(md("<note> </note>"), "");
    }

    #[test]
    fn note_starting_with_list_gets_own_label_paragraph() {
        assert_eq!(md("<note><ul><li>x</li></ul></note>"), "**Note:**\n\n- x");
    }

    // ---- pre ----------------------------------------------------------------------------------

    #[test]
    fn pre_is_a_text_code_block() {
        assert_eq!(
            md("<p>Example:</p><pre><code>{\n  \"a\": [1, 2] &lt;x&gt; *y*\n}\n</code></pre>"),
            "Example:\n\n```text\n{\n  \"a\": [1, 2] <x> *y*\n}\n```"
        );
        assert_eq!(
            md("<pre>\nfn main() {}   \n</pre>"),
            "```text\nfn main() {}\n```"
        );
    }

    #[test]
    fn pre_with_backtick_fence_inside_uses_longer_fence() {
        assert_eq!(md("<pre>```\nx\n```</pre>"), "````text\n```\nx\n```\n````");
    }

    #[test]
    fn pre_inside_list_item_is_indented() {
        assert_eq!(
            md("<ul><li>Run:<pre>a\n\nb</pre></li></ul>"),
            "- Run:\n\n  ```text\n  a\n\n  b\n  ```"
        );
    }

    #[test]
    fn empty_pre_is_dropped() {
        assert_eq!(md("<pre> \n </pre>"), "");
    }

    // ---- br -----------------------------------------------------------------------------------

    #[test]
    fn br_is_a_hard_line_break() {
        assert_eq!(
            md("<p><b>Note:</b><br>Text<br/>more</p>"),
            "**Note:**\\\nText\\\nmore"
        );
        assert_eq!(md("<p>a <br /> b</p>"), "a\\\nb");
    }

    #[test]
    fn br_at_paragraph_edges_is_dropped_and_double_br_splits() {
        assert_eq!(md("<p><br>a<br></p>"), "a");
        assert_eq!(md("a<br><br>b"), "a\n\nb");
    }

    #[test]
    fn br_inside_inline_markup_is_a_space() {
        assert_eq!(md("<b>a<br>b</b>"), "**a b**");
        assert_eq!(md("<code>a<br>b</code>"), "`a b`");
    }

    #[test]
    fn br_in_list_item_keeps_indentation() {
        assert_eq!(md("<ul><li>a<br>b</li></ul>"), "- a\\\n  b");
    }

    // ---- headings, fullname, dl, table, containers -------------------------------------------

    #[test]
    fn headings_become_bold_paragraphs() {
        assert_eq!(md("<h2>Behavior</h2><p>Text</p>"), "**Behavior**\n\nText");
        assert_eq!(md("<h1><b>Bold</b> <code>c</code></h1>"), "**Bold `c`**");
        assert_eq!(md("<title>T</title>"), "**T**");
        assert_eq!(md("<h3> </h3>"), "");
    }

    #[test]
    fn fullname_is_a_paragraph() {
        assert_eq!(
            md("<fullname>Security Token Service</fullname> <p>Body</p>"),
            "Security Token Service\n\nBody"
        );
    }

    #[test]
    fn definition_list() {
        assert_eq!(
            md("<dl> <dt>200</dt> <dd> <p>OK.</p> </dd> <dt>404</dt> <dd>Missing.</dd> </dl>"),
            "**200**\n\nOK.\n\n**404**\n\nMissing."
        );
    }

    #[test]
    fn table() {
        assert_eq!(
            md("<table> <tr> <th>A</th> <th>B</th> </tr> <tr> <td><code>x|y</code></td> <td>1 | 2</td> </tr> <tr><td>only</td></tr> </table>"),
            "| A | B |\n| --- | --- |\n| `x\\|y` | 1 \\| 2 |\n| only |  |"
        );
        assert_eq!(
            md("<table><tbody><tr><td><p>a</p><p>b</p></td></tr></tbody></table>"),
            "| a b |\n| --- |"
        );
        assert_eq!(md("<table> </table>"), "");
    }

    #[test]
    fn examples_and_containers_keep_content() {
        assert_eq!(
            md("<examples><example><title>Ex</title><p>Body</p></example></examples><div>d</div>"),
            "**Ex**\n\nBody\n\nd"
        );
    }

    #[test]
    fn hr_separates_paragraphs() {
        assert_eq!(md("a<hr>b"), "a\n\nb");
    }

    // ---- unknown tags -------------------------------------------------------------------------

    #[test]
    fn unknown_and_unrendered_tags_are_dropped_keeping_text() {
        assert_eq!(
            md("<span>a</span> <u>b</u> <foo>c</foo> <replaceable>d</replaceable>"),
            "a b c d"
        );
        assert_eq!(md("<zonbook></zonbook><xhtml></xhtml>"), "");
        assert_eq!(
            md("Example: <copy>mydbinstance</copy> <para/>"),
            "Example: mydbinstance"
        );
    }

    #[test]
    fn unclosed_unknown_tags_are_placeholders_kept_as_text() {
        assert_eq!(
            md("<p>format arn:aws:kms:<region>:<account>:key/<uuid>.</p>"),
            "format arn:aws:kms:&lt;region&gt;:&lt;account&gt;:key/&lt;uuid&gt;."
        );
        assert_eq!(
            md(r#"adds <Role schemeIDUri="urn:mpeg" value="subtitle"/>."#),
            r#"adds &lt;Role schemeIDUri="urn:mpeg" value="subtitle"/&gt;."#
        );
        assert_eq!(md("stray </foo> close"), "stray &lt;/foo&gt; close");
    }

    #[test]
    fn comments_declarations_and_cdata() {
        assert_eq!(md("a<!-- hidden <p> -->b<!DOCTYPE html><?xml x?>c"), "abc");
        assert_eq!(
            md("<![CDATA[<b>x</b> &amp;]]>"),
            "&lt;b&gt;x&lt;/b&gt; &amp;amp;"
        );
    }

    // ---- escaping -----------------------------------------------------------------------------

    #[test]
    fn brackets_are_escaped() {
        assert_eq!(
            md("[FunctionARN] and [x](y)"),
            r"\[FunctionARN\] and \[x\](y)"
        );
    }

    #[test]
    fn asterisks_backticks_backslashes_tildes_pipes_are_escaped() {
        assert_eq!(md("a*b* `c` d\\e ~f~ g|h"), r"a\*b\* \`c\` d\\e \~f\~ g\|h");
    }

    #[test]
    fn underscores_escaped_only_where_they_could_emphasize() {
        assert_eq!(md("AWS_ACCESS_KEY_ID"), "AWS_ACCESS_KEY_ID");
        assert_eq!(md("_foo_ and __bar"), r"\_foo\_ and \_\_bar");
        assert_eq!(md("x_ _y"), r"x\_ \_y");
    }

    #[test]
    fn angle_brackets_in_text_become_entities() {
        assert_eq!(
            md("Use &lt;role-name&gt; here"),
            "Use &lt;role-name&gt; here"
        );
        assert_eq!(md("a < b > c"), "a &lt; b &gt; c");
        assert_eq!(md("x<5"), "x&lt;5");
    }

    #[test]
    fn ampersand_is_escaped_only_when_it_could_start_an_entity() {
        assert_eq!(md("A & B"), "A & B");
        assert_eq!(
            md("AT&amp;T &amp;lt; &amp;#1;"),
            "AT&amp;T &amp;lt; &amp;#1;"
        );
        assert_eq!(md("end&"), "end&amp;");
    }

    #[test]
    fn line_start_markers_are_escaped() {
        assert_eq!(md("<p># not a heading</p>"), r"\# not a heading");
        assert_eq!(md("<p>1. not a list</p>"), r"1\. not a list");
        assert_eq!(md("<p>2) nope</p>"), r"2\) nope");
        assert_eq!(
            md("<p>- dash</p><p>+ plus</p><p>= eq</p>"),
            "\\- dash\n\n\\+ plus\n\n\\= eq"
        );
        assert_eq!(md("<p>1.5 GB and 2024</p>"), "1.5 GB and 2024");
        assert_eq!(
            md("a<br>---<br># b<br>1. c"),
            "a\\\n\\---\\\n\\# b\\\n1\\. c"
        );
        assert_eq!(md("<ul><li># x</li></ul>"), r"- \# x");
        assert_eq!(md("<p>: def</p>"), r"\: def");
    }

    #[test]
    fn hash_and_digits_inside_text_are_not_escaped() {
        assert_eq!(
            md("<p>Item #1. costs 2. dollars</p>"),
            "Item #1. costs 2. dollars"
        );
    }

    // ---- bare URLs ----------------------------------------------------------------------------

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            md("See https://example.com/a_b*c."),
            "See <https://example.com/a_b*c>."
        );
        assert_eq!(
            md("(http://example.com/x), more"),
            "(<http://example.com/x>), more"
        );
        assert_eq!(
            md("https://en.wikipedia.org/wiki/Foo_(bar)!"),
            "<https://en.wikipedia.org/wiki/Foo_(bar)>!"
        );
        assert_eq!(
            md("'https://e.com/x'; and [https://e.com/y]"),
            r"'<https://e.com/x>'; and \[<https://e.com/y>\]"
        );
        assert_eq!(md("HTTPS://E.COM"), "<HTTPS://E.COM>");
        assert_eq!(md("\"https://e.com/a\""), "\"<https://e.com/a>\"");
    }

    #[test]
    fn bare_url_stops_at_markup_characters() {
        assert_eq!(md("https://e.com/&lt;id&gt;"), "<https://e.com/>&lt;id&gt;");
        assert_eq!(md("https://e.com/`x`"), r"<https://e.com/>\`x\`");
    }

    #[test]
    fn bare_scheme_only_is_not_a_url() {
        assert_eq!(md("use https:// or http://."), "use https:// or http://.");
    }

    #[test]
    fn bare_urls_in_emphasis_and_headings_are_wrapped() {
        assert_eq!(md("<i>https://e.com/x</i>"), "*<https://e.com/x>*");
        assert_eq!(md("<h2>https://e.com/x</h2>"), "**<https://e.com/x>**");
    }

    #[test]
    fn bare_urls_in_link_text_are_not_wrapped() {
        assert_eq!(
            md(r#"<a href="https://e.com/x">go to https://e.com/x</a>"#),
            "[go to https://e.com/x](https://e.com/x)"
        );
    }

    // ---- entities -----------------------------------------------------------------------------

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            md("&lt;a&gt; &amp; &quot;q&quot; &apos;s&#39; &#x2014; &#8212;&nbsp;x &mdash; &hellip;"),
            "&lt;a&gt; & \"q\" 's' \u{2014} \u{2014} x \u{2014} \u{2026}"
        );
    }

    #[test]
    fn invalid_and_unknown_entities_are_kept_or_replaced() {
        assert_eq!(
            md("&bogus; &#xD800; &#0; &#; &#x110000; &amp"),
            "&amp;bogus; \u{fffd} \u{fffd} &amp;#; \u{fffd} &amp;amp"
        );
    }

    #[test]
    fn entity_decoded_markup_is_text() {
        assert_eq!(md("&lt;p&gt;x&lt;/p&gt;"), "&lt;p&gt;x&lt;/p&gt;");
        assert_eq!(md("&#91;x&#93;"), r"\[x\]");
    }

    // ---- malformed input ----------------------------------------------------------------------

    #[test]
    fn stray_less_than_and_truncated_tags_are_text() {
        assert_eq!(
            md(r#"a <a href="https://e.com"#),
            r#"a &lt;a href="<https://e.com>"#
        );
        assert_eq!(md(r#"a <a href="x"#), r#"a &lt;a href="x"#);
        assert_eq!(md("x <p"), "x &lt;p");
        assert_eq!(md("<"), "&lt;");
        assert_eq!(md("a </ b"), "a &lt;/ b");
        assert_eq!(md("if x<y then z</p>"), "if x&lt;y then z");
    }

    #[test]
    fn unclosed_inline_tags_end_at_block_boundaries() {
        assert_eq!(md("<p>a <code>b</p><p>c</p>"), "a `b`\n\nc");
        assert_eq!(md("<p><b>bold</p>"), "**bold**");
        assert_eq!(md("<i>x"), "*x*");
    }

    #[test]
    fn stray_close_tags_are_ignored() {
        assert_eq!(md("a</p></li></ul></code></b>b"), "ab");
    }

    #[test]
    fn misnested_tags_from_the_wild() {
        // cloudfront: `<code><em>.example.com</code> ... <code></em>.example.com</code>`
        assert_eq!(
            md("(<code><em>.example.com</code>), if <code></em>.example.com</code>"),
            "(`.example.com`), if `.example.com`"
        );
    }

    #[test]
    fn case_insensitive_tags() {
        assert_eq!(
            md("<P>a <CODE>b</CODE> <A HREF=\"https://e.com/\">c</A></P>"),
            "a `b` [c](https://e.com/)"
        );
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(md("a\u{0}b\u{7}c"), "abc");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = "<ul><li>".repeat(5000) + "x" + &"</li></ul>".repeat(5000);
        assert!(md(&deep).ends_with('x'));
        let deep = "<b><i>".repeat(50_000) + "x";
        assert_eq!(md(&deep), "***x***");
        let deep = "<note>".repeat(10_000) + "x";
        assert!(md(&deep).starts_with("**Note:** "));
    }

    #[test]
    fn pathological_input_is_linear_enough() {
        // Each of these would be quadratic without the scan limits.
        let inputs = [
            "<a x=\"".repeat(40_000),
            "<!--".repeat(40_000),
            "<![CDATA[".repeat(40_000),
            "<!x".repeat(40_000),
            format!("https://a.b/{}", ")".repeat(100_000)),
            "&#".repeat(100_000),
            "<region>".repeat(40_000),
        ];
        let start = std::time::Instant::now();
        for input in &inputs {
            let _ = md(input);
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
    }

    // ---- real documentation -------------------------------------------------------------------

    #[test]
    fn sts_assume_role_excerpt() {
        let html = r#"<p>Returns a set of temporary security credentials. Typically, you use <code>AssumeRole</code> within your account. For a comparison, see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html">Requesting Temporary Security Credentials</a> in the <i>IAM User Guide</i>.</p> <p> <b>Permissions</b> </p> <p>To allow a user to assume a role in the same account, you can do either of the following:</p> <ul> <li> <p>Attach a policy to the user that allows the user to call <code>AssumeRole</code> (as long as the role's trust policy trusts the account).</p> </li> <li> <p>Add the user as a principal directly in the role's trust policy.</p> </li> </ul> <note> <p>You cannot use session policies to grant more permissions.</p> </note> <p>The regex used to validate this parameter is a string of characters consisting of upper- and lower-case alphanumeric characters with no spaces. You can also include underscores or any of the following characters: =,.@-</p> <p> <code>"Condition": {"Bool": {"aws:MultiFactorAuthPresent": true}}</code> </p>"#;
        let expected = "Returns a set of temporary security credentials. Typically, you use `AssumeRole` within your account. For a comparison, see [Requesting Temporary Security Credentials](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html) in the *IAM User Guide*.

**Permissions**

To allow a user to assume a role in the same account, you can do either of the following:

- Attach a policy to the user that allows the user to call `AssumeRole` (as long as the role's trust policy trusts the account).
- Add the user as a principal directly in the role's trust policy.

**Note:** You cannot use session policies to grant more permissions.

The regex used to validate this parameter is a string of characters consisting of upper- and lower-case alphanumeric characters with no spaces. You can also include underscores or any of the following characters: =,.@-

`\"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": true}}`";
        assert_eq!(md(html), expected);
    }

    /// Every `documentation` string of the STS model in this repository (std-only JSON string
    /// extraction, so the test does not depend on the model types).
    #[test]
    fn sts_model_documentation_keeps_invariants() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../model/sts/service-2.json");
        let Ok(json) = std::fs::read_to_string(path) else {
            return;
        };
        let mut count = 0;
        let mut rest = json.as_str();
        while let Some(p) = rest.find("\"documentation\"") {
            rest = rest[p + 15..]
                .trim_start()
                .trim_start_matches(':')
                .trim_start();
            let Some(body) = rest.strip_prefix('"') else {
                continue;
            };
            let (doc, used) = json_string(body);
            rest = &body[used..];
            let out = md(&doc);
            check_invariants(&doc);
            assert!(doc.trim().is_empty() || !out.is_empty(), "{doc:?}");
            count += 1;
        }
        assert!(count > 100, "only {count} documentation strings found");
    }

    /// Decodes a JSON string body (after the opening quote); returns it and the bytes used
    /// including the closing quote.
    fn json_string(s: &str) -> (String, usize) {
        let mut out = String::new();
        let mut chars = s.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return (out, i + 1),
                '\\' => match chars.next().map(|(_, e)| e) {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('b' | 'f') => {}
                    Some('u') => {
                        let hex: String = (0..4)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        let unit = u32::from_str_radix(&hex, 16).unwrap_or(0xfffd);
                        out.push(char::from_u32(unit).unwrap_or('\u{fffd}'));
                    }
                    Some(other) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        (out, s.len())
    }

    // ---- invariants over garbage ------------------------------------------------------------

    /// Small deterministic PRNG (xorshift64*), so the fuzz test needs no dependencies.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn check_invariants(input: &str) {
        let out = md(input);
        assert_eq!(out, md(input), "not deterministic for {input:?}");
        assert_eq!(
            out.trim(),
            out,
            "leading/trailing whitespace for {input:?}: {out:?}"
        );
        let mut fence: Option<String> = None;
        let mut blank_run = 0;
        for line in out.lines() {
            assert_eq!(
                line.trim_end(),
                line,
                "trailing whitespace for {input:?}: {out:?}"
            );
            let t = line.trim_start();
            match &fence {
                None => {
                    blank_run = if line.is_empty() { blank_run + 1 } else { 0 };
                    assert!(blank_run < 2, "double blank line for {input:?}: {out:?}");
                    let t = strip_list_markers(t);
                    // CommonMark: a backtick fence's info string has no backticks.
                    if t.starts_with("```") && !t.trim_start_matches('`').contains('`') {
                        fence = Some(t.trim_end_matches("text").to_owned());
                    }
                }
                Some(f) if t == f => fence = None,
                Some(_) => {}
            }
        }
        assert!(fence.is_none(), "unclosed fence for {input:?}: {out:?}");
        assert_no_raw_html(&out, input);
    }

    /// Outside code, every `<` must open an autolink (rustdoc would see anything else as an
    /// HTML tag).
    fn assert_no_raw_html(out: &str, input: &str) {
        let mut in_block = None::<String>;
        for line in out.lines() {
            let t = strip_list_markers(line);
            if let Some(f) = &in_block {
                if t == f {
                    in_block = None;
                }
                continue;
            }
            if t.starts_with("```") && !t.trim_start_matches('`').contains('`') {
                in_block = Some(t.trim_end_matches("text").to_owned());
                continue;
            }
            let b = t.as_bytes();
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'`' => {
                        let n = b[i..].iter().take_while(|&&c| c == b'`').count();
                        let fence = "`".repeat(n);
                        let mut j = i + n;
                        // Find a closing run of exactly `n` backticks.
                        loop {
                            match t[j..].find(&fence) {
                                Some(p) => {
                                    let at = j + p;
                                    let run = b[at..].iter().take_while(|&&c| c == b'`').count();
                                    if run == n {
                                        i = at + n;
                                        break;
                                    }
                                    j = at + run;
                                }
                                None => {
                                    i += n;
                                    break;
                                }
                            }
                        }
                    }
                    b'<' => {
                        let rest = t[i..].to_ascii_lowercase();
                        let autolink = ["<http://", "<https://", "<ftp://", "<mailto:"]
                            .iter()
                            .any(|p| rest.starts_with(p));
                        assert!(autolink, "raw `<` for {input:?}: {out:?}");
                        i += t[i..].find('>').expect("autolink is closed") + 1;
                    }
                    _ => i += 1,
                }
            }
        }
    }

    fn strip_list_markers(mut t: &str) -> &str {
        loop {
            t = t.trim_start();
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            if let Some(rest) = t.strip_prefix("- ") {
                t = rest;
            } else if digits > 0 && t[digits..].starts_with(". ") {
                t = &t[digits + 2..];
            } else {
                return t;
            }
        }
    }

    const PIECES: &[&str] = &[
        "<p>",
        "</p>",
        "<code>",
        "</code>",
        "<a href=\"https://e.com/x\">",
        "<a href='",
        "</a>",
        "<a>",
        "<i>",
        "</i>",
        "<b>",
        "</b>",
        "<em>",
        "</strong>",
        "<ul>",
        "</ul>",
        "<ol>",
        "</ol>",
        "<li>",
        "</li>",
        "<note>",
        "</note>",
        "<important>",
        "<pre>",
        "</pre>",
        "<br>",
        "<br/>",
        "<dl>",
        "<dt>",
        "<dd>",
        "<table>",
        "<tr>",
        "<td>",
        "<th>",
        "</table>",
        "<h2>",
        "</h2>",
        "<fullname>",
        "<foo>",
        "</foo>",
        "<region>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<",
        ">",
        "</",
        "/>",
        "=",
        "\"",
        "'",
        "&",
        "&lt;",
        "&gt;",
        "&amp;",
        "&#x2014;",
        "&#",
        "&nbsp;",
        "x",
        "word",
        " ",
        "  ",
        "\n",
        "\t",
        "`",
        "``",
        "*",
        "_",
        "[",
        "]",
        "(",
        ")",
        "!",
        "#",
        "-",
        "1.",
        "|",
        "~",
        "\\",
        "https://",
        "e.com",
        ".",
        ",",
        "é",
        "日本",
        "\u{0}",
        "\u{a0}",
        "\r",
    ];

    #[test]
    fn fuzz_random_fragments_never_panic_and_keep_invariants() {
        let mut rng = Rng(0x5eed_1234_abcd_ef01);
        for _ in 0..3000 {
            let n = rng.below(40);
            let s: String = (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            check_invariants(&s);
        }
    }

    #[test]
    fn fuzz_random_bytes_never_panic() {
        let mut rng = Rng(42);
        let alphabet: Vec<char> = "<>/=\"'&;#xp ab\n`*_[]!-1.:h".chars().collect();
        for _ in 0..3000 {
            let n = rng.below(60);
            let s: String = (0..n)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            check_invariants(&s);
        }
    }

    #[test]
    fn every_truncation_of_real_markup_is_handled() {
        let html = r#"<p>See <a href="https://docs.aws.amazon.com/x.html">the <i>guide</i></a> &amp; <code>a`b</code>.</p> <note> <p>Note &#x2014; n</p> </note> <ul> <li> <p>item https://e.com/y.</p> <ol><li>x</li></ol> </li> </ul> <pre><code>{ "k": 1 }</code></pre> <table><tr><th>h</th></tr><tr><td>c</td></tr></table> <dl><dt>t</dt><dd>d</dd></dl> a<br>b <region> <!-- c --> <![CDATA[z]]>"#;
        for (i, _) in html.char_indices() {
            check_invariants(&html[..i]);
            check_invariants(&html[i..]);
        }
    }
}
