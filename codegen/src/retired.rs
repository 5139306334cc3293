//! Members removed from a model, kept for one release as deprecated accessors that do nothing.
//!
//! When `cargo xtask update-model` finds a member that the new model no longer has, it records it
//! in the generated crate's [`FILE`] (with the release that removed it); the generator then
//! emits, on the structure and its builder, the accessors the member had, marked
//! `#[deprecated]`: the getter returns nothing and the setters are ignored (the member is never
//! sent or read). Code that used the member keeps compiling, with a warning, for one release; the
//! next model update replaces the file, and the accessors go (a breaking change that update's
//! diff reports). This is possible "where the model allows it": the member's structure and its
//! target shape must still exist in the new model; otherwise the entry is skipped.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// The file, in the generated crate's directory.
pub const FILE: &str = "RETIRED.json";

/// One removed member.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetiredMember {
    /// The structure's wire name.
    pub shape: String,
    /// The member's wire name.
    pub member: String,
    /// The wire name of the shape the member targeted.
    pub target: String,
    /// The crate version whose model no longer has the member.
    pub removed_in: String,
}

/// Parses the file's text.
///
/// # Errors
/// Text that is not a JSON list of entries, naming the JSON path.
pub fn parse(text: &str) -> Result<Vec<RetiredMember>> {
    crate::model::parse_json(text, FILE).context("reading the retired members")
}

/// The file's text: the entries sorted, pretty-printed, with a final newline.
pub fn render(entries: &[RetiredMember]) -> String {
    let mut sorted = entries.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut text = serde_json::to_string_pretty(&sorted).expect("plain data serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_sorts_and_parse_reads_it_back() {
        let a = RetiredMember {
            shape: "B".into(),
            member: "M".into(),
            target: "T".into(),
            removed_in: "0.2.0".into(),
        };
        let b = RetiredMember {
            shape: "A".into(),
            ..a.clone()
        };
        let text = render(&[a.clone(), b.clone(), a.clone()]);
        assert_eq!(parse(&text).unwrap(), vec![b, a]);
        assert!(parse("[{\"shape\":\"A\"}]").is_err());
        assert!(parse("[{\"shape\":\"A\",\"member\":\"M\",\"target\":\"T\",\"removed_in\":\"1\",\"extra\":1}]").is_err());
    }
}
