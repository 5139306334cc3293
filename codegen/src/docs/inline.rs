//! Inline Markdown: text runs, emphasis, code spans, autolinks, escaping.

/// Where inline content sits, which changes how it is written.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Ctx {
    /// Inside link text: no nested links, no autolinks.
    pub(super) in_link: bool,
    /// Inside `*...*`: nested `<i>` adds no markers.
    pub(super) in_em: bool,
    /// Inside `**...**`: nested `<b>` adds no markers.
    pub(super) in_strong: bool,
    /// Inside a table cell: `|` in code spans must be escaped.
    pub(super) in_table: bool,
}

/// Inline Markdown being built: whitespace is collapsed lazily so that spaces never end up
/// inside emphasis markers or at line ends.
#[derive(Default)]
pub(super) struct Inline {
    pub(super) buf: String,
    /// Whitespace seen after content, not yet written.
    pub(super) pending_space: bool,
    /// Whitespace seen before any content.
    pub(super) leading_space: bool,
    /// The buffer ends with an emphasis marker preceded by punctuation, so a word must not
    /// follow it directly.
    pub(super) fragile_close: bool,
}

impl Inline {
    pub(super) fn ws(&mut self) {
        if self.buf.is_empty() {
            self.leading_space = true;
        } else if !self.buf.ends_with('\n') {
            self.pending_space = true;
        }
    }

    pub(super) fn raw(&mut self, s: &str) {
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

    pub(super) fn hard_break(&mut self) {
        self.pending_space = false;
        self.fragile_close = false;
        self.buf.push('\n');
    }

    pub(super) fn prev_char(&self) -> Option<char> {
        if self.pending_space {
            Some(' ')
        } else {
            self.buf.chars().next_back()
        }
    }

    /// Appends documentation text, escaping everything Markdown could interpret.
    pub(super) fn text(&mut self, t: &str, ctx: Ctx) {
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
    pub(super) fn code(&mut self, text: &str, ctx: Ctx) {
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
pub(super) fn ends_with_unescaped(s: &str, c: char) -> bool {
    s.strip_suffix(c)
        .is_some_and(|rest| rest.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 0)
}

/// Unicode punctuation or symbol, approximately (CommonMark's flanking rules care).
pub(super) fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || !(c.is_ascii() || c.is_alphanumeric() || c.is_whitespace())
}

/// Length of the bare `http(s)://` URL at the start of `s`, without trailing punctuation
/// that more likely ends the sentence; `None` if `s` does not start with one.
pub(super) fn bare_url_len(s: &str) -> Option<usize> {
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

pub(super) fn longest_run(s: &str, ch: char) -> usize {
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
