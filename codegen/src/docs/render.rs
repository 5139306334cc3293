//! Pass 3: blocks (paragraphs, lists, code blocks, tables) from the tree.

use std::borrow::Cow;

use super::inline::{ends_with_unescaped, is_punct, longest_run, Ctx, Inline};
use super::tree::{classify, Class, Elem, Node};

/// The Markdown for a document tree: its blocks separated by blank lines.
pub(super) fn render_document(root: &Elem) -> String {
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
