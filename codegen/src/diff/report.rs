//! The classified changes and their text and Markdown reports.

use std::fmt::Write as _;

use crate::ir;

/// What a change does to code that uses the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Code that compiled and worked keeps doing so.
    Compatible,
    /// Some code that compiled or worked no longer does.
    Breaking,
}

impl Impact {
    /// `compatible` / `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Compatible => "compatible",
            Impact::Breaking => "breaking",
        }
    }
}

/// What part of the API a change is in (also the order of the report's sections).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// Operations (client methods and `operation::*` modules).
    Operation,
    /// Modeled errors of an operation (variants of its error enum).
    OperationError,
    /// Named types (`types::*`, `types::error::*`).
    Type,
    /// Members of inputs, outputs, structures and errors.
    Member,
    /// Values of string enums.
    EnumValue,
    /// Endpoint rule-set parameters (`endpoint::Params`).
    EndpointParameter,
    /// IAM actions (`iam::Action`).
    IamAction,
    /// IAM resource types (`iam::ResourceType` and ARN builders).
    IamResourceType,
    /// IAM condition keys (`iam::ConditionKey`).
    IamConditionKey,
}

impl Area {
    /// The section heading.
    pub fn heading(self) -> &'static str {
        match self {
            Area::Operation => "operations",
            Area::OperationError => "operation errors",
            Area::Type => "types",
            Area::Member => "members",
            Area::EnumValue => "enum values",
            Area::EndpointParameter => "endpoint rule parameters",
            Area::IamAction => "IAM actions",
            Area::IamResourceType => "IAM resource types",
            Area::IamConditionKey => "IAM condition keys",
        }
    }
}

/// Added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Only in the new model.
    Added,
    /// Only in the old model.
    Removed,
    /// In both, different.
    Changed,
}

impl ChangeKind {
    /// `+`, `-` or `~`.
    pub fn sign(self) -> char {
        match self {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        }
    }
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    /// Where.
    pub area: Area,
    /// The item, by Rust type and model name (`AssumeRoleInput.DurationSeconds`).
    pub item: String,
    /// What happened.
    pub kind: ChangeKind,
    /// The change in words.
    pub detail: String,
    /// Its impact.
    pub impact: Impact,
}

/// Every classified change between two models, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiDiff {
    /// The changes, sorted by area, item, kind and detail.
    pub changes: Vec<Change>,
}

impl ApiDiff {
    /// The highest impact of any change; `None` when there is no change.
    pub fn impact(&self) -> Option<Impact> {
        self.changes.iter().map(|c| c.impact).max()
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many changes have this impact.
    pub fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }

    /// A plain-text report, one section per area, then a summary line (no semver line: see
    /// [`semver_line`](super::semver_line)).
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            out.push_str("no API changes\n");
            return out;
        }
        let mut area = None;
        for c in &self.changes {
            if area != Some(c.area) {
                area = Some(c.area);
                let _ = writeln!(out, "{}:", c.area.heading());
            }
            let _ = writeln!(
                out,
                "  {} {:<10}  {}: {}",
                c.kind.sign(),
                c.impact.as_str(),
                c.item,
                c.detail
            );
        }
        let _ = writeln!(
            out,
            "{} change(s): {} breaking, {} compatible",
            self.changes.len(),
            self.count(Impact::Breaking),
            self.count(Impact::Compatible)
        );
        out
    }

    /// The changes as Markdown list items, breaking ones first (for `CHANGELOG.md`).
    pub fn render_markdown(&self) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            out.push_str("No API changes (documentation or wire details only).\n");
            return out;
        }
        for impact in [Impact::Breaking, Impact::Compatible] {
            let changes: Vec<&Change> =
                self.changes.iter().filter(|c| c.impact == impact).collect();
            if changes.is_empty() {
                continue;
            }
            let title = match impact {
                Impact::Breaking => "Breaking",
                Impact::Compatible => "Compatible",
            };
            let _ = writeln!(out, "### {title}\n");
            for c in changes {
                let what = match c.kind {
                    ChangeKind::Added => "added",
                    ChangeKind::Removed => "removed",
                    ChangeKind::Changed => "changed",
                };
                let _ = writeln!(
                    out,
                    "- {} `{}` {what}: {}",
                    c.area.heading(),
                    c.item,
                    c.detail
                );
            }
            out.push('\n');
        }
        out
    }
}

/// Records one change.
pub(super) fn push(
    out: &mut Vec<Change>,
    area: Area,
    item: impl Into<String>,
    kind: ChangeKind,
    detail: impl Into<String>,
    impact: Impact,
) {
    out.push(Change {
        area,
        item: item.into(),
        kind,
        detail: detail.into(),
        impact,
    });
}

/// What changed in a deprecation, if anything.
pub(super) fn deprecation_change(
    old: &Option<ir::Deprecation>,
    new: &Option<ir::Deprecation>,
) -> Option<String> {
    match (old, new) {
        (None, Some(d)) => Some(match &d.message {
            Some(m) => format!("deprecated: {m}"),
            None => "deprecated".into(),
        }),
        (Some(_), None) => Some("no longer deprecated".into()),
        _ => None,
    }
}
