//! Emitters: IR -> `proc_macro2::TokenStream`, one module per concern.

pub mod iam;

use anyhow::Result;

use crate::{ir::Service, GeneratedCrate, Options};

/// Emits every file of the generated crate (placeholder while the emitters land).
pub fn emit_crate(_service: &Service, _options: &Options) -> Result<GeneratedCrate> {
    Ok(GeneratedCrate::default())
}
