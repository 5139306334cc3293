//! Pass 2: a tree with HTML-like implicit closing rules.

use std::collections::HashMap;

use super::entities::decode_entities;
use super::tokenize::Tok;

/// Elements nested deeper than this are ignored (their text is kept); bounds recursion.
const MAX_DEPTH: usize = 64;

#[derive(Debug)]
pub(super) enum Node {
    Text(String),
    Elem(Elem),
}

#[derive(Debug)]
pub(super) struct Elem {
    pub(super) name: String,
    pub(super) href: Option<String>,
    pub(super) children: Vec<Node>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
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

pub(super) fn classify(name: &str) -> Class {
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

pub(super) fn build_tree(tokens: Vec<Tok<'_>>) -> Elem {
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
