//! Compiles the model's regexes (member `pattern`s, partition region regexes) into programs for
//! the runtime's Pike VM (`stsgen_runtime::validate::pattern`, defined in `stsgen-vocab`), so
//! generated crates need no regex engine.
//!
//! The dialect is the one the generator has always accepted (what `regex-lite` parses), with
//! its semantics: `\w`, `\d`, `\s` and `\b` are ASCII; `.` is any character but `\n`; no
//! case-insensitive flag. The regex is parsed with `regex-syntax` after rewriting the Perl
//! classes to their ASCII forms; anything outside that (lookaround, Unicode properties,
//! multi-line anchors, byte classes) is reported as unsupported and the caller documents the
//! pattern as not checked client-side.

use proc_macro2::TokenStream;
use quote::quote;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// The instruction set and the borrowed program are the runtime's own (`stsgen-vocab`), so
/// what the generator compiles is what generated code runs.
pub use stsgen_vocab::pattern::{Inst, Program};

/// A compiled regex that owns its instructions and ranges, as [`std::path::PathBuf`] owns what
/// a `Path` borrows; [`ProgramBuf::program`] is the [`Program`] view the runtime's matcher runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramBuf {
    /// The instructions.
    pub insts: Vec<Inst>,
    /// Inclusive code-point ranges, each class's slice sorted.
    pub ranges: Vec<(u32, u32)>,
}

/// Above this many instructions (counted repetitions expand) a pattern is left unchecked.
const MAX_INSTS: usize = 20_000;

/// The program for whole-value matching of `pattern`, or `None` when the dialect does not
/// cover it.
pub fn compile(pattern: &str) -> Option<ProgramBuf> {
    // regex-lite has no case-insensitive mode we would mirror faithfully; treat as unsupported.
    if has_case_insensitive_flag(pattern) {
        return None;
    }
    // The engine the generator used to check patterns must accept it too, so the set of
    // checked patterns stays what it was.
    regex_lite::Regex::new(pattern).ok()?;
    let rewritten = ascii_perl_classes(pattern)?;
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&rewritten)
        .ok()?;
    let mut c = Compiler {
        insts: Vec::new(),
        ranges: Vec::new(),
    };
    c.emit(&hir)?;
    c.insts.push(Inst::Match);
    (c.insts.len() <= MAX_INSTS).then_some(ProgramBuf {
        insts: c.insts,
        ranges: c.ranges,
    })
}

fn has_case_insensitive_flag(pattern: &str) -> bool {
    pattern.match_indices("(?").any(|(i, _)| {
        let rest = &pattern[i + 2..];
        let flags: &str = rest.split([':', ')']).next().unwrap_or("");
        flags.contains('i')
    })
}

/// Rewrites `\w \d \s \W \D \S` to ASCII classes (regex-syntax makes them Unicode).
fn ascii_perl_classes(pattern: &str) -> Option<String> {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut depth = 0usize;
    let mut chars = pattern.chars().peekable();
    let mut class_start = false;
    while let Some(c) = chars.next() {
        let at_class_start = std::mem::take(&mut class_start);
        match c {
            '\\' => {
                let next = chars.next()?;
                let ascii = match next {
                    'w' => Some("word"),
                    'd' => Some("digit"),
                    's' => Some("space"),
                    'W' => Some("^word"),
                    'D' => Some("^digit"),
                    'S' => Some("^space"),
                    _ => None,
                };
                match (ascii, depth) {
                    (Some(name), 0) => {
                        out.push_str("[[:");
                        out.push_str(name);
                        out.push_str(":]]");
                    }
                    (Some(name), _) => {
                        out.push_str("[:");
                        out.push_str(name);
                        out.push_str(":]");
                    }
                    (None, _) => {
                        out.push('\\');
                        out.push(next);
                    }
                }
            }
            '[' => {
                out.push('[');
                if depth > 0 && chars.peek() == Some(&':') {
                    // An ASCII class `[:name:]` inside a bracket: copy it whole.
                    for d in chars.by_ref() {
                        out.push(d);
                        if d == ']' {
                            break;
                        }
                    }
                    continue;
                }
                depth += 1;
                class_start = true;
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
            }
            ']' if depth > 0 && !at_class_start => {
                depth -= 1;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

struct Compiler {
    insts: Vec<Inst>,
    ranges: Vec<(u32, u32)>,
}

impl Compiler {
    fn at(&self) -> u32 {
        self.insts.len() as u32
    }

    fn class(&mut self, ranges: impl IntoIterator<Item = (u32, u32)>) {
        let start = self.ranges.len() as u32;
        self.ranges.extend(ranges);
        let len = self.ranges.len() as u32 - start;
        self.insts.push(Inst::Class(start, len));
    }

    fn emit(&mut self, hir: &Hir) -> Option<()> {
        if self.insts.len() > MAX_INSTS {
            return None;
        }
        match hir.kind() {
            HirKind::Empty => {}
            HirKind::Literal(lit) => {
                for c in std::str::from_utf8(&lit.0).ok()?.chars() {
                    self.class([(c as u32, c as u32)]);
                }
            }
            HirKind::Class(Class::Unicode(class)) => self.class(
                class
                    .ranges()
                    .iter()
                    .map(|r| (r.start() as u32, r.end() as u32)),
            ),
            HirKind::Class(Class::Bytes(_)) => return None,
            HirKind::Look(look) => self.insts.push(match look {
                Look::Start => Inst::Start,
                Look::End => Inst::End,
                Look::WordAscii | Look::WordUnicode => Inst::WordBoundary,
                Look::WordAsciiNegate | Look::WordUnicodeNegate => Inst::NotWordBoundary,
                _ => return None,
            }),
            HirKind::Repetition(rep) => {
                for _ in 0..rep.min {
                    self.emit(&rep.sub)?;
                }
                match rep.max {
                    None => {
                        let split = self.at();
                        self.insts.push(Inst::Split(split + 1, 0));
                        self.emit(&rep.sub)?;
                        self.insts.push(Inst::Jump(split));
                        let end = self.at();
                        self.insts[split as usize] = Inst::Split(split + 1, end);
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in rep.min..max {
                            splits.push(self.at());
                            self.insts.push(Inst::Split(self.at() + 1, 0));
                            self.emit(&rep.sub)?;
                        }
                        let end = self.at();
                        for s in splits {
                            self.insts[s as usize] = Inst::Split(s + 1, end);
                        }
                    }
                }
            }
            HirKind::Capture(cap) => self.emit(&cap.sub)?,
            HirKind::Concat(parts) => {
                for p in parts {
                    self.emit(p)?;
                }
            }
            HirKind::Alternation(alts) => {
                let mut jumps = Vec::new();
                for (i, alt) in alts.iter().enumerate() {
                    if i + 1 == alts.len() {
                        self.emit(alt)?;
                    } else {
                        let split = self.at();
                        self.insts.push(Inst::Split(split + 1, 0));
                        self.emit(alt)?;
                        jumps.push(self.at());
                        self.insts.push(Inst::Jump(0));
                        let next = self.at();
                        self.insts[split as usize] = Inst::Split(split + 1, next);
                    }
                }
                let end = self.at();
                for j in jumps {
                    self.insts[j as usize] = Inst::Jump(end);
                }
            }
        }
        Some(())
    }
}

impl ProgramBuf {
    /// The program, borrowed.
    pub fn program(&self) -> Program<'_> {
        Program {
            insts: &self.insts,
            ranges: &self.ranges,
        }
    }

    /// `&::stsgen_runtime::validate::pattern::Program { insts: &[...], ranges: &[...] }`.
    pub fn tokens(&self) -> TokenStream {
        let insts = self.insts.iter().map(|i| match *i {
            Inst::Class(s, l) => quote! { I::Class(#s, #l) },
            Inst::Split(a, b) => quote! { I::Split(#a, #b) },
            Inst::Jump(t) => quote! { I::Jump(#t) },
            Inst::Start => quote! { I::Start },
            Inst::End => quote! { I::End },
            Inst::WordBoundary => quote! { I::WordBoundary },
            Inst::NotWordBoundary => quote! { I::NotWordBoundary },
            Inst::Match => quote! { I::Match },
        });
        let ranges = self.ranges.iter().map(|(a, b)| quote! { (#a, #b) });
        quote! {
            &{
                use ::stsgen_runtime::validate::pattern::Inst as I;
                ::stsgen_runtime::validate::pattern::Program { insts: &[#(#insts),*], ranges: &[#(#ranges),*] }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_become_ascii() {
        assert_eq!(
            ascii_perl_classes(r"[\w+=,.@-]*").unwrap(),
            r"[[:word:]+=,.@-]*"
        );
        assert_eq!(ascii_perl_classes(r"\d{12}").unwrap(), r"[[:digit:]]{12}");
        assert_eq!(
            ascii_perl_classes(r"[]\s]\[\w").unwrap(),
            r"[][:space:]]\[[[:word:]]"
        );
        assert_eq!(
            ascii_perl_classes(r"[[:alpha:]\S]").unwrap(),
            r"[[:alpha:][:^space:]]"
        );
    }

    #[test]
    fn unsupported_dialect_is_none() {
        for p in [r"[\p{L}]+", r"(?i)abc", r"a(?!b)", r"(?m)^a$", r"[\uD800]"] {
            assert!(compile(p).is_none(), "{p}");
        }
        assert!(compile(r"[\w+=,.@-]*").is_some());
    }
}
