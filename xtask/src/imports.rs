//! `cargo xtask imports [SRC_DIR...]`: the import graph between a crate's files, and its cycles.
//!
//! Every path that starts with `crate::`, `super::` or `self::` (in `use` items, in code and in
//! group imports such as `use crate::a::{b, c::d}`) is resolved to the file that holds the
//! longest matching module, giving an edge from the file that names it. `mod x;` declarations
//! are not edges; `pub use x::Y` re-exports are. Tokens inside `quote!` and friends are skipped
//! (they are paths of the generated code, not of this crate), as are comments and literals.
//!
//! Two graphs are checked: files, and top-level modules (each file counted under the first
//! segment of its module path, the crate root left out). A strongly connected component with
//! more than one member is a cycle: some file imports from a module that imports it back.
//! Exits with an error when either graph has one. Default directory: `runtime/src`;
//! `--verbose` also lists which top-level modules each one imports from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::project_root;

pub fn run(args: &[String]) -> Result<()> {
    let root = project_root();
    let verbose = args.iter().any(|a| a == "--verbose");
    let args: Vec<&String> = args.iter().filter(|a| *a != "--verbose").collect();
    let dirs: Vec<PathBuf> = if args.is_empty() {
        vec![root.join("runtime/src")]
    } else {
        args.iter().map(|a| root.join(a)).collect()
    };
    let mut failed = Vec::new();
    for dir in dirs {
        let graph = Graph::load(&dir)?;
        let files = graph.file_cycles();
        let folders = graph.folder_cycles();
        let edges: usize = graph.edges.values().map(BTreeSet::len).sum();
        println!(
            "{}: {} files, {} import edges between files",
            dir.display(),
            graph.files.len(),
            edges
        );
        if verbose {
            for (from, tos) in graph.module_edges() {
                println!(
                    "  {from} -> {}",
                    tos.into_iter().collect::<Vec<_>>().join(", ")
                );
            }
        }
        for scc in &files {
            println!("  file cycle: {}", scc.join(" <-> "));
        }
        for scc in &folders {
            println!("  module cycle: {}", scc.join(" <-> "));
        }
        if files.is_empty() && folders.is_empty() {
            println!("  no cycles between files or top-level modules");
        } else {
            failed.push(dir.display().to_string());
        }
    }
    if !failed.is_empty() {
        bail!("import cycles in {}", failed.join(", "));
    }
    Ok(())
}

type ModPath = Vec<String>;

struct Graph {
    /// Module path of each file, and the file's path relative to the source directory.
    files: BTreeMap<ModPath, String>,
    /// Edges between module paths of files (from -> to), self-edges left out.
    edges: BTreeMap<ModPath, BTreeSet<ModPath>>,
}

impl Graph {
    fn load(dir: &Path) -> Result<Graph> {
        let mut sources = Vec::new();
        collect(dir, dir, &mut sources)?;
        let mut files = BTreeMap::new();
        for (rel, _) in &sources {
            files.insert(module_path(rel), rel.clone());
        }
        let modules: BTreeSet<ModPath> = files.keys().cloned().collect();
        let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
        for (rel, text) in &sources {
            let from = module_path(rel);
            let entry = edges.entry(from.clone()).or_default();
            for path in paths(&from, text, &modules) {
                // The longest prefix that is a file's module.
                let to = (0..=path.len())
                    .rev()
                    .map(|n| path[..n].to_vec())
                    .find(|p| files.contains_key(p));
                if let Some(to) = to {
                    if to != from {
                        entry.insert(to);
                    }
                }
            }
        }
        Ok(Graph { files, edges })
    }

    fn file_cycles(&self) -> Vec<Vec<String>> {
        let names = |p: &ModPath| self.files[p].clone();
        sccs(&self.edges)
            .into_iter()
            .map(|c| c.iter().map(names).collect())
            .collect()
    }

    /// Which top-level modules each top-level module imports from.
    fn module_edges(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, tos) in &self.edges {
            let Some(f) = from.first() else { continue };
            let entry = out.entry(f.clone()).or_default();
            entry.extend(
                tos.iter()
                    .filter_map(|t| t.first())
                    .filter(|t| *t != f)
                    .cloned(),
            );
        }
        out
    }

    fn folder_cycles(&self) -> Vec<Vec<String>> {
        let top: BTreeMap<ModPath, BTreeSet<ModPath>> = self
            .module_edges()
            .into_iter()
            .map(|(from, tos)| (vec![from], tos.into_iter().map(|t| vec![t]).collect()))
            .collect();
        sccs(&top)
            .into_iter()
            .map(|c| c.into_iter().map(|p| p.join("::")).collect())
            .collect()
    }
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        if path.is_dir() {
            collect(base, &path, out)?;
        } else if path.extension().is_some_and(|x| x == "rs") {
            let rel = path
                .strip_prefix(base)?
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            out.push((rel, text));
        }
    }
    Ok(())
}

/// `lib.rs` -> [], `a.rs` -> [a], `a/mod.rs` -> [a], `a/b.rs` -> [a, b].
fn module_path(rel: &str) -> ModPath {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Punct(char),
    PathSep,
}

/// Identifiers, `::` and single punctuation; comments, strings and chars dropped.
fn tokenize(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == b'r'
            && (b.get(i + 1) == Some(&b'"')
                || (b.get(i + 1) == Some(&b'#') && b.get(i + 2) != Some(&b'[')))
            && !prev_ident(b, i)
        {
            // Raw string r"..." / r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                // `r#ident`.
                i += 2;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == b'"'
                    && b[j + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&h| h == b'#')
                        .count()
                        == hashes
                {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == b'\'' {
            // A char literal ('a', '\n', '\u{..}') or a lifetime ('a).
            let end = if b.get(i + 1) == Some(&b'\\') {
                b[i + 2..]
                    .iter()
                    .position(|&x| x == b'\'')
                    .map(|p| i + 2 + p + 1)
            } else if b.get(i + 2) == Some(&b'\'') {
                Some(i + 3)
            } else {
                None
            };
            match end {
                Some(e) => i = e,
                None => {
                    i += 1;
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                        i += 1;
                    }
                }
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(Tok::Ident(text[start..i].to_owned()));
        } else if c == b':' && b.get(i + 1) == Some(&b':') {
            out.push(Tok::PathSep);
            i += 2;
        } else if c.is_ascii_whitespace() || c.is_ascii_digit() {
            i += 1;
        } else {
            out.push(Tok::Punct(c as char));
            i += 1;
        }
    }
    out
}

fn prev_ident(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// Every `crate::`/`super::`/`self::` path in `text`, made absolute, for a file at module `file`.
fn paths(file: &ModPath, text: &str, modules: &BTreeSet<ModPath>) -> Vec<ModPath> {
    let toks = tokenize(text);
    let mut out = Vec::new();
    // Inline modules open at a brace depth: (depth, name).
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(d, _)| *d == depth) {
                    inline.pop();
                }
            }
            Tok::Ident(m) if m == "mod" => {
                if let (Some(Tok::Ident(name)), Some(Tok::Punct('{'))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    inline.push((depth, name.clone()));
                }
            }
            Tok::Ident(m)
                if matches!(m.as_str(), "quote" | "quote_spanned" | "parse_quote")
                    && toks.get(i + 1) == Some(&Tok::Punct('!')) =>
            {
                // Skip the macro's delimited body.
                let mut j = i + 2;
                let mut level = 0i32;
                while j < toks.len() {
                    match toks[j] {
                        Tok::Punct('{' | '(' | '[') => level += 1,
                        Tok::Punct('}' | ')' | ']') => {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                i = j + 1;
                continue;
            }
            Tok::Ident(u) if u == "use" => {
                // `use child::X` (a path relative to this module, edition 2018).
                if let Some(Tok::Ident(first)) = toks.get(i + 1) {
                    let mut here = file.clone();
                    here.extend(inline.iter().map(|(_, n)| n.clone()));
                    let mut child = here.clone();
                    child.push(first.clone());
                    if modules.contains(&child) {
                        let (found, next) = read_path(&toks, i + 1, &here);
                        out.extend(found);
                        i = next;
                        continue;
                    }
                }
            }
            // Only the start of a path (not `foo::self`).
            Tok::Ident(start)
                if matches!(start.as_str(), "crate" | "super" | "self")
                    && toks.get(i + 1) == Some(&Tok::PathSep)
                    && (i == 0 || toks[i - 1] != Tok::PathSep) =>
            {
                let mut here = file.clone();
                here.extend(inline.iter().map(|(_, n)| n.clone()));
                let (found, next) = read_path(&toks, i, &here);
                out.extend(found);
                i = next;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Reads the path starting at `toks[i]` (with any `{...}` groups), returning absolute paths and
/// the index after it. `here` is the module the path is written in.
fn read_path(toks: &[Tok], mut i: usize, here: &ModPath) -> (Vec<ModPath>, usize) {
    let mut base: ModPath = match &toks[i] {
        Tok::Ident(s) if s == "crate" => Vec::new(),
        _ => here.clone(),
    };
    // Leading `super::super::...` (after `self::` or on their own).
    if toks[i] == Tok::Ident("self".to_owned()) {
        i += 2;
    }
    while toks.get(i) == Some(&Tok::Ident("super".to_owned()))
        && toks.get(i + 1) == Some(&Tok::PathSep)
    {
        base.pop();
        i += 2;
    }
    if toks[i] == Tok::Ident("crate".to_owned()) {
        i += 2;
    }
    loop {
        match toks.get(i) {
            Some(Tok::Ident(s)) => base.push(s.clone()),
            Some(Tok::Punct('{')) => return read_group(toks, i + 1, &base),
            _ => return (vec![base], i),
        }
        i += 1;
        if toks.get(i) == Some(&Tok::PathSep) {
            i += 1;
        } else {
            return (vec![base], i);
        }
    }
}

/// The items of a `{a, b::c, d::{e}}` group under `base`, up to the closing brace.
fn read_group(toks: &[Tok], mut i: usize, base: &ModPath) -> (Vec<ModPath>, usize) {
    let mut out = Vec::new();
    let mut current = base.clone();
    while let Some(t) = toks.get(i) {
        match t {
            Tok::Punct('}') => {
                if current.len() > base.len() {
                    out.push(current);
                }
                return (out, i + 1);
            }
            Tok::Punct(',') => {
                if current.len() > base.len() {
                    out.push(std::mem::replace(&mut current, base.clone()));
                }
                i += 1;
            }
            Tok::Punct('{') => {
                let (inner, next) = read_group(toks, i + 1, &current);
                out.extend(inner);
                current = base.clone();
                i = next;
            }
            Tok::Ident(s) if s == "as" => i += 2,
            Tok::Ident(s) if s == "self" => {
                out.push(current.clone());
                i += 1;
            }
            Tok::Ident(s) => {
                current.push(s.clone());
                i += 1;
            }
            _ => i += 1,
        }
    }
    (out, i)
}

/// Strongly connected components with more than one member (Tarjan), each sorted.
fn sccs(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    struct State<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<&'a ModPath, usize>,
        low: BTreeMap<&'a ModPath, usize>,
        stack: Vec<&'a ModPath>,
        on_stack: BTreeSet<&'a ModPath>,
        next: usize,
        out: Vec<Vec<ModPath>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a ModPath) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(tos) = s.edges.get(v) {
            for w in tos {
                let w = s.edges.get_key_value(w).map(|(k, _)| k).unwrap_or(w);
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let lw = s.low[w];
                    let lv = s.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if s.on_stack.contains(w) {
                    let iw = s.index[w];
                    let lv = s.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                comp.push(w.clone());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> ModPath {
        if s.is_empty() {
            Vec::new()
        } else {
            s.split("::").map(str::to_owned).collect()
        }
    }

    #[test]
    fn paths_resolve_relative_to_the_file_and_inline_modules() {
        let text = "use super::provider::{Credentials, CredentialsError as E};\n\
                    use crate::future::BoxFuture; // crate::in_a_comment\n\
                    fn f() { let s = \"crate::in_a_string\"; crate::types::wire::parse(s); }\n\
                    quote! { crate::generated::Thing }\n\
                    mod tests { use super::*; use super::super::x::{self, y::{Z}}; }";
        let modules = BTreeSet::from([m("credentials::cache::inner")]);
        let got = paths(
            &m("credentials::cache"),
            &format!("{text}\nuse inner::Thing;"),
            &modules,
        );
        let want = [
            "credentials::provider::Credentials",
            "credentials::provider::CredentialsError",
            "future::BoxFuture",
            "types::wire::parse",
            "credentials::cache::*",
            "credentials::x",
            "credentials::x::y::Z",
            "credentials::cache::inner::Thing",
        ];
        let got: Vec<String> = got.iter().map(|p| p.join("::")).collect();
        for w in want {
            assert!(
                got.iter()
                    .any(|g| g == w || (w.ends_with("::*") && g == w.trim_end_matches("::*"))),
                "{w} in {got:?}"
            );
        }
        assert!(
            !got.iter()
                .any(|g| g.contains("in_a_") || g.contains("generated")),
            "{got:?}"
        );
    }

    #[test]
    fn cycles_are_found_and_chains_are_not() {
        let mut e: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
        e.entry(m("a")).or_default().insert(m("b"));
        e.entry(m("b")).or_default().insert(m("c"));
        assert!(sccs(&e).is_empty());
        e.entry(m("c")).or_default().insert(m("a"));
        assert_eq!(sccs(&e), vec![vec![m("a"), m("b"), m("c")]]);
    }
}
