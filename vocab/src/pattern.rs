//! Whole-value matching of the model's `pattern` constraints and the partitions' region
//! regexes. The generator compiles each regex (with `regex-syntax`, at generation time) into a
//! small [`Program`]; this module runs it with a Pike VM: one pass over the value, time linear
//! in its length times the program's size, no backtracking and no regex engine in the binary.
//!
//! Semantics follow the regex dialect the generator accepts: `\w`, `\d`, `\s` and `\b` are
//! ASCII (as in Java's default mode, which AWS validates with); `.` is any character but `\n`;
//! the whole value must match.

/// One instruction of a [`Program`]. Targets are instruction indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inst {
    /// Consume one character inside one of `ranges[start..start + len]` (sorted, inclusive).
    Class(u32, u32),
    /// Continue at both targets (the first preferred; irrelevant for a yes/no match).
    Split(u32, u32),
    /// Continue at the target.
    Jump(u32),
    /// Only at the start of the value.
    Start,
    /// Only at the end of the value.
    End,
    /// Only where an ASCII word character and a non-word character (or an edge) meet.
    WordBoundary,
    /// Only where [`Inst::WordBoundary`] does not hold.
    NotWordBoundary,
    /// The value matches if this is reached at its end.
    Match,
}

/// A compiled regex: instructions, starting at 0, and the character ranges they refer to.
/// Generated code holds `Program<'static>` values; a generator borrows one from the buffers it
/// compiles into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Program<'a> {
    /// The instructions.
    pub insts: &'a [Inst],
    /// Inclusive code-point ranges, each class's slice sorted.
    pub ranges: &'a [(u32, u32)],
}

/// The states live at one position, in insertion order, with O(1) membership.
struct Threads {
    dense: Vec<u32>,
    member: Vec<bool>,
}

impl Threads {
    fn new(n: usize) -> Self {
        Threads {
            dense: Vec::with_capacity(n),
            member: vec![false; n],
        }
    }

    fn clear(&mut self) {
        for &pc in &self.dense {
            self.member[pc as usize] = false;
        }
        self.dense.clear();
    }
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Program<'_> {
    /// Whether the whole of `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        let n = self.insts.len();
        let mut cur = Threads::new(n);
        let mut next = Threads::new(n);
        let mut stack = Vec::new();
        let mut chars = text.chars().peekable();
        self.add(&mut cur, 0, None, chars.peek().copied(), &mut stack);
        while let Some(c) = chars.next() {
            if cur.dense.is_empty() {
                return false;
            }
            let after = chars.peek().copied();
            for i in 0..cur.dense.len() {
                let pc = cur.dense[i];
                if let Some(Inst::Class(start, len)) = self.insts.get(pc as usize) {
                    if self.class_contains(*start, *len, c) {
                        self.add(&mut next, pc + 1, Some(c), after, &mut stack);
                    }
                }
            }
            std::mem::swap(&mut cur, &mut next);
            next.clear();
        }
        cur.dense
            .iter()
            .any(|&pc| self.insts.get(pc as usize) == Some(&Inst::Match))
    }

    fn class_contains(&self, start: u32, len: u32, c: char) -> bool {
        let Some(ranges) = self
            .ranges
            .get(start as usize..(start as usize).saturating_add(len as usize))
        else {
            return false;
        };
        let c = c as u32;
        ranges
            .binary_search_by(|&(lo, hi)| {
                if hi < c {
                    std::cmp::Ordering::Less
                } else if lo > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    /// Adds `pc` and every state reachable from it without consuming, at a position between
    /// `prev` and `next` (`None`: an edge of the value).
    fn add(
        &self,
        set: &mut Threads,
        pc: u32,
        prev: Option<char>,
        next: Option<char>,
        stack: &mut Vec<u32>,
    ) {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            let Some(inst) = self.insts.get(pc as usize) else {
                continue;
            };
            if set.member[pc as usize] {
                continue;
            }
            set.member[pc as usize] = true;
            set.dense.push(pc);
            let follow = match inst {
                Inst::Jump(t) => {
                    stack.push(*t);
                    false
                }
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                    false
                }
                Inst::Start => prev.is_none(),
                Inst::End => next.is_none(),
                Inst::WordBoundary => is_word(prev) != is_word(next),
                Inst::NotWordBoundary => is_word(prev) == is_word(next),
                Inst::Class(..) | Inst::Match => false,
            };
            if follow {
                stack.push(pc + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // `[a-c]+x?` : 0 Class(abc) 1 Split(0,2) 2 Split(3,4) 3 Class(x) 4 Match
    static PLUS: Program = Program {
        insts: &[
            Inst::Class(0, 1),
            Inst::Split(0, 2),
            Inst::Split(3, 4),
            Inst::Class(1, 1),
            Inst::Match,
        ],
        ranges: &[(b'a' as u32, b'c' as u32), (b'x' as u32, b'x' as u32)],
    };

    #[test]
    fn whole_value_matching() {
        assert!(PLUS.is_match("abc"));
        assert!(PLUS.is_match("cx"));
        assert!(!PLUS.is_match(""));
        assert!(!PLUS.is_match("x"));
        assert!(!PLUS.is_match("abcxx"));
        assert!(!PLUS.is_match("abd"));
    }

    #[test]
    fn word_boundaries_and_edges() {
        // `\bab\b` over `[a][b]`
        static P: Program = Program {
            insts: &[
                Inst::WordBoundary,
                Inst::Class(0, 1),
                Inst::Class(1, 1),
                Inst::WordBoundary,
                Inst::End,
                Inst::Match,
            ],
            ranges: &[(97, 97), (98, 98)],
        };
        assert!(P.is_match("ab"));
        assert!(!P.is_match("a"));
    }

    #[test]
    fn malformed_programs_do_not_panic() {
        static BAD: Program = Program {
            insts: &[Inst::Jump(7), Inst::Class(5, 9), Inst::Split(0, 1)],
            ranges: &[],
        };
        assert!(!BAD.is_match("abc"));
        static EMPTY: Program = Program {
            insts: &[],
            ranges: &[],
        };
        assert!(!EMPTY.is_match(""));
    }
}
