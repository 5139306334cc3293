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

mod entities;
mod inline;
mod render;
#[cfg(test)]
mod tests;
mod tokenize;
mod tree;

use render::render_document;
use tokenize::tokenize;
use tree::build_tree;

/// Converts a botocore HTML documentation fragment to rustdoc-safe Markdown.
pub fn html_to_markdown(html: &str) -> String {
    let normalized;
    let html = if html.contains('\r') {
        normalized = html.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        html
    };
    render_document(&build_tree(tokenize(html)))
}
