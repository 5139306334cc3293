//! The vocabulary shared by stsgen's generator (`codegen`) and runtime (`stsgen-runtime`),
//! defined once: the generator reads models into these types and writes them as code; the
//! runtime re-exports them (`stsgen_runtime::iam`, `stsgen_runtime::validate::pattern`), so
//! generated code names them through the runtime.
//!
//! - [`iam`]: access levels, condition key types, operator families, set operators.
//! - [`pattern`]: the instruction set of compiled `pattern` regexes and the Pike VM that runs
//!   them.

#![deny(missing_docs)]

pub mod iam;
pub mod pattern;
