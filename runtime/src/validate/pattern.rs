//! Whole-value matching of the model's `pattern` constraints and the partitions' region
//! regexes. The generator compiles each regex (with `regex-syntax`, at generation time) into a
//! small [`Program`]; this module runs it with a Pike VM: one pass over the value, time linear
//! in its length times the program's size, no backtracking and no regex engine in the binary.
//!
//! Semantics follow the regex dialect the generator accepts: `\w`, `\d`, `\s` and `\b` are
//! ASCII (as in Java's default mode, which AWS validates with); `.` is any character but `\n`;
//! the whole value must match.
//!
//! The program and its matcher are defined in `stsgen-vocab`, shared with the generator.

pub use stsgen_vocab::pattern::{Inst, Program};
