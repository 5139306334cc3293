//! API diff between two versions of a service's models, classified by what each change does to
//! the generated crate's Rust API, and the semver bump that follows.
//!
//! Both sides go through the same pipeline as generation (serde mirror -> [`crate::ir`]), so the
//! diff compares shapes as the generator sees them: members are matched by model name inside the
//! Rust item that holds them (`AssumeRoleInput`, `types::Tag`, `types::error::ExpiredTokenException`),
//! types by their Rust names, and a member's type is the Rust type the generator gives it (two
//! string shapes with different names are the same `String`; only their constraints differ).
//!
//! Classification follows what the generated crate promises: structures, enums, operation error
//! enums and the IAM enums are `#[non_exhaustive]` and string enums keep unknown values, so
//! additions are [`Impact::Compatible`]. Removals, type and required-ness changes (the accessor's
//! type changes), new required members (existing builder calls fail in `build()`) and tightened
//! constraints (`build()` / `validate()` reject values they accepted) are [`Impact::Breaking`].
//! Deprecation, sensitivity and loosened constraints are compatible.
//!
//! Output is sorted (area, item, kind, detail), so it is deterministic.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{anyhow, bail, Context, Result};

use crate::ir::iam::IamModel;
use crate::ir::{self, Home, Member, Service, ShapeId, ShapeKind};
use crate::model;
use crate::model::endpoints::{Literal, Parameter, ParameterType, RuleSet};
use crate::Inputs;

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

/// A semver bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// No new version.
    None,
    /// `x.y.Z`.
    Patch,
    /// `x.Y.0`.
    Minor,
    /// `X.0.0`.
    Major,
}

impl Bump {
    /// `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// A `MAJOR.MINOR.PATCH` version (no pre-release or build parts: the generated crate has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
}

impl Version {
    /// Parses `X.Y.Z`.
    pub fn parse(text: &str) -> Result<Version> {
        let parts: Vec<&str> = text.trim().split('.').collect();
        let [major, minor, patch] = parts.as_slice() else {
            bail!("`{}` is not a MAJOR.MINOR.PATCH version", text.trim());
        };
        let num = |s: &str| -> Result<u64> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) {
                bail!("`{}` is not a MAJOR.MINOR.PATCH version", text.trim());
            }
            s.parse().map_err(|_| anyhow!("`{}`: number out of range", text.trim()))
        };
        Ok(Version { major: num(major)?, minor: num(minor)?, patch: num(patch)? })
    }

    /// The bump an API change of this impact needs (`None`: no API change). While the major
    /// version is 0, a breaking change bumps the minor version and anything else the patch
    /// version (Cargo's rules for 0.x); from 1.0 on, breaking -> major, compatible -> minor.
    /// `other_changes` (the model changed without an API change, e.g. documentation) asks for
    /// at least a patch release.
    pub fn required_bump(self, impact: Option<Impact>, other_changes: bool) -> Bump {
        match (impact, self.major) {
            (Some(Impact::Breaking), 0) => Bump::Minor,
            (Some(Impact::Breaking), _) => Bump::Major,
            (Some(Impact::Compatible), 0) => Bump::Patch,
            (Some(Impact::Compatible), _) => Bump::Minor,
            (None, _) if other_changes => Bump::Patch,
            (None, _) => Bump::None,
        }
    }

    /// This version bumped.
    pub fn bumped(self, bump: Bump) -> Version {
        let Version { major, minor, patch } = self;
        match bump {
            Bump::None => self,
            Bump::Patch => Version { major, minor, patch: patch + 1 },
            Bump::Minor => Version { major, minor: minor + 1, patch: 0 },
            Bump::Major => Version { major: major + 1, minor: 0, patch: 0 },
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
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
    /// [`semver_line`]).
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
            let _ = writeln!(out, "  {} {:<10}  {}: {}", c.kind.sign(), c.impact.as_str(), c.item, c.detail);
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
            let changes: Vec<&Change> = self.changes.iter().filter(|c| c.impact == impact).collect();
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
                let _ = writeln!(out, "- {} `{}` {what}: {}", c.area.heading(), c.item, c.detail);
            }
            out.push('\n');
        }
        out
    }
}

/// The semver line of a report: the impact, the rule that maps it to a bump, and the versions.
pub fn semver_line(diff: &ApiDiff, current: Version) -> String {
    let impact = diff.impact();
    let bump = current.required_bump(impact, false);
    let rule = match (impact, current.major) {
        (Some(Impact::Breaking), 0) => "breaking changes bump the minor version while the crate is 0.x",
        (Some(Impact::Compatible), 0) => "compatible changes bump the patch version while the crate is 0.x",
        (Some(Impact::Breaking), _) => "breaking changes bump the major version",
        (Some(Impact::Compatible), _) => "compatible additions bump the minor version",
        (None, _) => "no API change; a model change without one is a patch release",
    };
    format!(
        "semver: {} -> {} bump ({rule}): {current} -> {}",
        impact.map(Impact::as_str).unwrap_or("none"),
        bump.as_str(),
        current.bumped(bump)
    )
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/// One side of the diff, lowered.
struct Side {
    svc: Service,
    rules: Option<RuleSet>,
}

fn load(inputs: &Inputs, what: &str) -> Result<Side> {
    let service: model::service::ServiceModel = model::parse_json(&inputs.service_model, "service model")
        .with_context(|| format!("{what} model"))?;
    let privileges = match &inputs.privileges {
        Some(text) => Some(
            model::parse_json::<model::iam::IamService>(text, "privilege model")
                .with_context(|| format!("{what} model"))?,
        ),
        None => None,
    };
    let overrides = match &inputs.options.overrides {
        Some(text) => model::parse_json::<model::overrides::Overrides>(text, "overrides")?,
        None => model::overrides::Overrides::default(),
    };
    let svc = ir::lower(&service, privileges.as_ref(), &overrides, &inputs.options)
        .with_context(|| format!("lowering the {what} model"))?;
    let rules = match &inputs.endpoint_rules {
        Some(text) => Some(
            model::parse_json::<RuleSet>(text, "endpoint rule set").with_context(|| format!("{what} model"))?,
        ),
        None => None,
    };
    Ok(Side { svc, rules })
}

/// The members `new` removed from structures it still has, whose target shapes it also still
/// has: the ones a release can keep as deprecated accessors (see [`crate::retired`]), with
/// `removed_in` set to `version`.
///
/// # Errors
/// A side that does not parse or lower.
pub fn retired_members(old: &Inputs, new: &Inputs, version: &str) -> Result<Vec<crate::retired::RetiredMember>> {
    let old = load(old, "old")?;
    let new = load(new, "new")?;
    let by_name = |svc: &Service| -> BTreeMap<String, ShapeId> {
        svc.shapes.iter().enumerate().map(|(i, s)| (s.wire_name.clone(), ShapeId(i))).collect()
    };
    let (old_shapes, new_shapes) = (by_name(&old.svc), by_name(&new.svc));
    let mut out = Vec::new();
    for (name, &oid) in &old_shapes {
        let (Some(os), Some(ns)) = (old.svc.structure(oid), new_shapes.get(name).and_then(|&n| new.svc.structure(n))) else {
            continue;
        };
        for m in &os.members {
            let target = &old.svc.shape(m.target).wire_name;
            if !ns.members.iter().any(|n| n.wire_name == m.wire_name) && new_shapes.contains_key(target) {
                out.push(crate::retired::RetiredMember {
                    shape: name.clone(),
                    member: m.wire_name.clone(),
                    target: target.clone(),
                    removed_in: version.to_owned(),
                });
            }
        }
    }
    Ok(out)
}

/// Diffs two sets of model inputs (only the model fields of [`Inputs`] and the overrides are
/// read). The privilege models and endpoint rule sets are compared when both sides have one.
pub fn diff(old: &Inputs, new: &Inputs) -> Result<ApiDiff> {
    let old = load(old, "old")?;
    let new = load(new, "new")?;
    let mut out = Vec::new();
    diff_operations(&old.svc, &new.svc, &mut out);
    diff_types(&old.svc, &new.svc, &mut out);
    diff_structures(&old.svc, &new.svc, &mut out);
    if let (Some(o), Some(n)) = (&old.rules, &new.rules) {
        diff_endpoint_params(&o.parameters, &n.parameters, &mut out);
    }
    if let (Some(o), Some(n)) = (&old.svc.iam, &new.svc.iam) {
        diff_iam(o, n, &mut out);
    }
    out.sort();
    out.dedup();
    Ok(ApiDiff { changes: out })
}

fn push(out: &mut Vec<Change>, area: Area, item: impl Into<String>, kind: ChangeKind, detail: impl Into<String>, impact: Impact) {
    out.push(Change { area, item: item.into(), kind, detail: detail.into(), impact });
}

// ---------------------------------------------------------------------------------------------
// Operations and their errors
// ---------------------------------------------------------------------------------------------

fn diff_operations(old: &Service, new: &Service, out: &mut Vec<Change>) {
    let o: BTreeMap<&str, &ir::Operation> = old.operations.iter().map(|op| (op.wire_name.as_str(), op)).collect();
    let n: BTreeMap<&str, &ir::Operation> = new.operations.iter().map(|op| (op.wire_name.as_str(), op)).collect();
    for (name, op) in &n {
        if !o.contains_key(name) {
            let detail = format!("new operation (`Client::{}`, module `operation::{}`)", op.module, op.module);
            push(out, Area::Operation, *name, ChangeKind::Added, detail, Impact::Compatible);
        }
    }
    for (name, op) in &o {
        let Some(nop) = n.get(name) else {
            let detail = format!("operation removed (`Client::{}` and `operation::{}` go away)", op.module, op.module);
            push(out, Area::Operation, *name, ChangeKind::Removed, detail, Impact::Breaking);
            continue;
        };
        if op.module != nop.module || op.rust_name != nop.rust_name {
            let detail = format!("Rust names `{}`/`{}` -> `{}`/`{}`", op.module, op.rust_name, nop.module, nop.rust_name);
            push(out, Area::Operation, *name, ChangeKind::Changed, detail, Impact::Breaking);
        }
        if let Some(d) = deprecation_change(&op.deprecated, &nop.deprecated) {
            push(out, Area::Operation, *name, ChangeKind::Changed, d, Impact::Compatible);
        }
        if op.unsigned != nop.unsigned {
            let detail = if nop.unsigned { "now sent unsigned" } else { "now signed" };
            push(out, Area::Operation, *name, ChangeKind::Changed, detail, Impact::Compatible);
        }
        // Errors: variants of `<Op>Error`, by error type name.
        let error_enum = format!("{}Error", nop.rust_name);
        let errs = |svc: &Service, op: &ir::Operation| -> BTreeMap<String, String> {
            op.errors
                .iter()
                .map(|&e| {
                    let shape = svc.shape(e);
                    let code = match &shape.kind {
                        ShapeKind::Structure(s) => s.error.as_ref().map(|i| i.code.clone()),
                        _ => None,
                    };
                    (shape.rust_name.clone(), code.unwrap_or_else(|| shape.wire_name.clone()))
                })
                .collect()
        };
        let (oe, ne) = (errs(old, op), errs(new, nop));
        for (variant, code) in &ne {
            if !oe.contains_key(variant) {
                let detail = format!(
                    "new variant for error code `{code}` (the enum is non_exhaustive; the code was `Unhandled` before)"
                );
                push(out, Area::OperationError, format!("{error_enum}::{variant}"), ChangeKind::Added, detail, Impact::Compatible);
            }
        }
        for (variant, code) in &oe {
            if !ne.contains_key(variant) {
                let detail = format!("variant removed (error code `{code}` becomes `Unhandled`)");
                push(out, Area::OperationError, format!("{error_enum}::{variant}"), ChangeKind::Removed, detail, Impact::Breaking);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Named types and enum values
// ---------------------------------------------------------------------------------------------

/// The Rust path of a named type, relative to the crate root; `None` for shapes without one.
fn type_path(svc: &Service, id: ShapeId) -> Option<String> {
    let shape = svc.shape(id);
    match shape.home {
        Home::Types => Some(format!("types::{}", shape.rust_name)),
        Home::Error => Some(format!("types::error::{}", shape.rust_name)),
        Home::Inline | Home::OperationOnly => None,
    }
}

fn kind_word(svc: &Service, id: ShapeId) -> &'static str {
    match &svc.shape(id).kind {
        ShapeKind::Structure(_) if svc.shape(id).home == Home::Error => "error struct",
        ShapeKind::Structure(_) => "struct",
        ShapeKind::String(s) if !s.enum_values.is_empty() => "enum",
        _ => "type",
    }
}

fn named_types(svc: &Service) -> BTreeMap<String, ShapeId> {
    (0..svc.shapes.len()).map(ShapeId).filter_map(|id| type_path(svc, id).map(|p| (p, id))).collect()
}

fn diff_types(old: &Service, new: &Service, out: &mut Vec<Change>) {
    let (o, n) = (named_types(old), named_types(new));
    for (path, &id) in &n {
        match o.get(path) {
            None => {
                let detail = format!("new {} (model shape `{}`)", kind_word(new, id), new.shape(id).wire_name);
                push(out, Area::Type, path, ChangeKind::Added, detail, Impact::Compatible);
            }
            Some(&oid) => {
                let (ok, nk) = (kind_word(old, oid), kind_word(new, id));
                if ok != nk {
                    push(out, Area::Type, path, ChangeKind::Changed, format!("{ok} -> {nk}"), Impact::Breaking);
                    continue;
                }
                if let Some(d) = deprecation_change(&old.shape(oid).deprecated, &new.shape(id).deprecated) {
                    push(out, Area::Type, path, ChangeKind::Changed, d, Impact::Compatible);
                }
                diff_enum_values(old, oid, new, id, path, out);
            }
        }
    }
    for (path, &id) in &o {
        if !n.contains_key(path) {
            let detail = format!("{} removed (model shape `{}`)", kind_word(old, id), old.shape(id).wire_name);
            push(out, Area::Type, path, ChangeKind::Removed, detail, Impact::Breaking);
        }
    }
}

fn enum_values(svc: &Service, id: ShapeId) -> BTreeMap<String, String> {
    match &svc.shape(id).kind {
        ShapeKind::String(s) => s.enum_values.iter().map(|v| (v.wire.clone(), v.rust.clone())).collect(),
        _ => BTreeMap::new(),
    }
}

fn diff_enum_values(old: &Service, oid: ShapeId, new: &Service, nid: ShapeId, path: &str, out: &mut Vec<Change>) {
    let (o, n) = (enum_values(old, oid), enum_values(new, nid));
    let name = path.rsplit("::").next().unwrap_or(path);
    for (wire, rust) in &n {
        match o.get(wire) {
            None => {
                let detail = format!("new variant `{name}::{rust}` (the enum is non_exhaustive; the value read as `Unknown` before)");
                push(out, Area::EnumValue, format!("{path} \"{wire}\""), ChangeKind::Added, detail, Impact::Compatible);
            }
            Some(orust) if orust != rust => {
                let detail = format!("variant renamed `{orust}` -> `{rust}`");
                push(out, Area::EnumValue, format!("{path} \"{wire}\""), ChangeKind::Changed, detail, Impact::Breaking);
            }
            Some(_) => {}
        }
    }
    for (wire, rust) in &o {
        if !n.contains_key(wire) {
            let detail = format!("variant `{name}::{rust}` removed (the value now reads as `Unknown`)");
            push(out, Area::EnumValue, format!("{path} \"{wire}\""), ChangeKind::Removed, detail, Impact::Breaking);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------------------------

/// Every structure with members in the Rust API, by display name: operation inputs and outputs
/// (by operation, so a renamed input shape is still the same `<Op>Input`), named structures and
/// errors. An operation without an input or output has an empty one.
fn structures(svc: &Service) -> BTreeMap<String, Option<ShapeId>> {
    let mut out = BTreeMap::new();
    for op in &svc.operations {
        out.insert(format!("{}Input", op.rust_name), op.input);
        out.insert(format!("{}Output", op.rust_name), op.output);
    }
    for (path, id) in named_types(svc) {
        if matches!(svc.shape(id).kind, ShapeKind::Structure(_)) {
            out.insert(path, Some(id));
        }
    }
    out
}

fn members(svc: &Service, id: Option<ShapeId>) -> BTreeMap<&str, &Member> {
    id.and_then(|id| svc.structure(id))
        .map(|s| s.members.iter().map(|m| (m.wire_name.as_str(), m)).collect())
        .unwrap_or_default()
}

fn diff_structures(old: &Service, new: &Service, out: &mut Vec<Change>) {
    let (o, n) = (structures(old), structures(new));
    for (name, &nid) in &n {
        let Some(&oid) = o.get(name) else { continue };
        let (om, nm) = (members(old, oid), members(new, nid));
        for (wire, m) in &nm {
            let item = format!("{name}.{wire}");
            match om.get(wire) {
                None if m.required => {
                    let detail = format!(
                        "new required member `{}` ({}); builder calls without it now fail in build()",
                        m.rust_name,
                        type_desc(new, m.target)
                    );
                    push(out, Area::Member, item, ChangeKind::Added, detail, Impact::Breaking);
                }
                None => {
                    let detail = format!("new optional member `{}` ({})", m.rust_name, type_desc(new, m.target));
                    push(out, Area::Member, item, ChangeKind::Added, detail, Impact::Compatible);
                }
                Some(om) => diff_member(old, om, new, m, &item, out),
            }
        }
        for (wire, m) in &om {
            if !nm.contains_key(wire) {
                let detail = format!("member removed (accessor `{}()` and its builder setters go away)", m.rust_name);
                push(out, Area::Member, format!("{name}.{wire}"), ChangeKind::Removed, detail, Impact::Breaking);
            }
        }
    }
}

fn diff_member(old: &Service, om: &Member, new: &Service, nm: &Member, item: &str, out: &mut Vec<Change>) {
    let changed = |out: &mut Vec<Change>, detail: String, impact| {
        push(out, Area::Member, item, ChangeKind::Changed, detail, impact);
    };
    if om.rust_name != nm.rust_name {
        changed(out, format!("Rust name `{}` -> `{}`", om.rust_name, nm.rust_name), Impact::Breaking);
    }
    let (ot, nt) = (type_desc(old, om.target), type_desc(new, nm.target));
    if ot != nt {
        changed(out, format!("type `{ot}` -> `{nt}`"), Impact::Breaking);
    } else {
        for c in constraint_changes(&constraints(old, om.target), &constraints(new, nm.target)) {
            changed(out, c.0, c.1);
        }
    }
    match (om.required, nm.required) {
        (false, true) => changed(
            out,
            "optional -> required (the accessor no longer returns an Option; builders without it fail in build())".into(),
            Impact::Breaking,
        ),
        (true, false) => {
            changed(out, "required -> optional (the accessor now returns an Option)".into(), Impact::Breaking)
        }
        _ => {}
    }
    match (om.sensitive, nm.sensitive) {
        (false, true) => changed(out, "now sensitive (redacted in Debug)".into(), Impact::Compatible),
        (true, false) => changed(out, "no longer sensitive (shown in Debug)".into(), Impact::Compatible),
        _ => {}
    }
    if let Some(d) = deprecation_change(&om.deprecated, &nm.deprecated) {
        changed(out, d, Impact::Compatible);
    }
}

/// A short Rust type for a shape, as the generator maps it.
fn type_desc(svc: &Service, id: ShapeId) -> String {
    type_desc_depth(svc, id, 0)
}

fn type_desc_depth(svc: &Service, id: ShapeId, depth: usize) -> String {
    if depth > 8 {
        return "...".into();
    }
    let shape = svc.shape(id);
    match &shape.kind {
        ShapeKind::Structure(_) | ShapeKind::String(_) if type_path(svc, id).is_some() => {
            type_path(svc, id).unwrap_or_default()
        }
        ShapeKind::Structure(_) => shape.rust_name.clone(),
        ShapeKind::String(_) => "String".into(),
        ShapeKind::Integer(_) => "i32".into(),
        ShapeKind::Long(_) => "i64".into(),
        ShapeKind::Float(_) => "f32".into(),
        ShapeKind::Double(_) => "f64".into(),
        ShapeKind::Boolean => "bool".into(),
        ShapeKind::Timestamp { .. } => "DateTime".into(),
        ShapeKind::Blob { .. } => "Blob".into(),
        ShapeKind::List(l) => format!("Vec<{}>", type_desc_depth(svc, l.member, depth + 1)),
        ShapeKind::Map(m) => format!(
            "BTreeMap<{}, {}>",
            type_desc_depth(svc, m.key, depth + 1),
            type_desc_depth(svc, m.value, depth + 1)
        ),
    }
}

/// One checked constraint: a bound (compared numerically) or a pattern.
#[derive(Debug, Clone, PartialEq)]
enum Bound {
    Min(f64, String),
    Max(f64, String),
    Pattern(String),
}

/// The constraints `validate()` checks for a value of this shape, keyed by what they bound
/// (`length`, `items length`, `values pattern`, ...). Structures are not entered: their members
/// are diffed on their own.
fn constraints(svc: &Service, id: ShapeId) -> BTreeMap<String, Bound> {
    let mut out = BTreeMap::new();
    collect_constraints(svc, id, "", 0, &mut out);
    out
}

fn collect_constraints(svc: &Service, id: ShapeId, prefix: &str, depth: usize, out: &mut BTreeMap<String, Bound>) {
    if depth > 4 {
        return;
    }
    let mut range_u = |what: &str, r: &ir::Range<u64>| {
        if let Some(v) = r.min {
            out.insert(format!("{prefix}min {what}"), Bound::Min(v as f64, v.to_string()));
        }
        if let Some(v) = r.max {
            out.insert(format!("{prefix}max {what}"), Bound::Max(v as f64, v.to_string()));
        }
    };
    match &svc.shape(id).kind {
        ShapeKind::String(s) => {
            range_u("length", &s.length);
            if let Some(p) = &s.pattern {
                out.insert(format!("{prefix}pattern"), Bound::Pattern(p.clone()));
            }
        }
        ShapeKind::Blob { length } => range_u("length", length),
        ShapeKind::List(l) => {
            range_u("length", &l.length);
            collect_constraints(svc, l.member, &format!("{prefix}items' "), depth + 1, out);
        }
        ShapeKind::Map(m) => {
            range_u("length", &m.length);
            collect_constraints(svc, m.key, &format!("{prefix}keys' "), depth + 1, out);
            collect_constraints(svc, m.value, &format!("{prefix}values' "), depth + 1, out);
        }
        ShapeKind::Integer(r) | ShapeKind::Long(r) => {
            if let Some(v) = r.min {
                out.insert(format!("{prefix}min value"), Bound::Min(v as f64, v.to_string()));
            }
            if let Some(v) = r.max {
                out.insert(format!("{prefix}max value"), Bound::Max(v as f64, v.to_string()));
            }
        }
        ShapeKind::Float(r) | ShapeKind::Double(r) => {
            if let Some(v) = r.min {
                out.insert(format!("{prefix}min value"), Bound::Min(v, v.to_string()));
            }
            if let Some(v) = r.max {
                out.insert(format!("{prefix}max value"), Bound::Max(v, v.to_string()));
            }
        }
        ShapeKind::Structure(_) | ShapeKind::Boolean | ShapeKind::Timestamp { .. } => {}
    }
}

const TIGHTENED: &str = "tightened: build() and validate() reject values they accepted";
const LOOSENED: &str = "loosened";

fn constraint_changes(old: &BTreeMap<String, Bound>, new: &BTreeMap<String, Bound>) -> Vec<(String, Impact)> {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let (tightened, text) = match (old.get(key), new.get(key)) {
            (None, None) => continue,
            (Some(a), Some(b)) if a == b => continue,
            (None, Some(b)) => (true, format!("{key}: none -> {}", bound_text(b))),
            (Some(a), None) => (false, format!("{key}: {} -> none", bound_text(a))),
            (Some(Bound::Min(a, at)), Some(Bound::Min(b, bt))) => (b > a, format!("{key}: {at} -> {bt}")),
            (Some(Bound::Max(a, at)), Some(Bound::Max(b, bt))) => (b < a, format!("{key}: {at} -> {bt}")),
            (Some(a), Some(b)) => {
                // Two different patterns cannot be ordered: assume the worst.
                out.push((
                    format!("{key}: {} -> {} (may reject values it accepted)", bound_text(a), bound_text(b)),
                    Impact::Breaking,
                ));
                continue;
            }
        };
        if tightened {
            out.push((format!("{text} ({TIGHTENED})"), Impact::Breaking));
        } else {
            out.push((format!("{text} ({LOOSENED})"), Impact::Compatible));
        }
    }
    out
}

fn bound_text(b: &Bound) -> String {
    match b {
        Bound::Min(_, t) | Bound::Max(_, t) => t.clone(),
        Bound::Pattern(p) => format!("`{p}`"),
    }
}

fn deprecation_change(old: &Option<ir::Deprecation>, new: &Option<ir::Deprecation>) -> Option<String> {
    match (old, new) {
        (None, Some(d)) => Some(match &d.message {
            Some(m) => format!("deprecated: {m}"),
            None => "deprecated".into(),
        }),
        (Some(_), None) => Some("no longer deprecated".into()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Endpoint rule parameters
// ---------------------------------------------------------------------------------------------

fn param_type(t: ParameterType) -> &'static str {
    match t {
        ParameterType::String => "String",
        ParameterType::Boolean => "bool",
        ParameterType::StringArray => "Vec<String>",
    }
}

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Bool(b) => b.to_string(),
        Literal::String(s) => format!("{s:?}"),
        Literal::StringArray(v) => format!("{v:?}"),
    }
}

fn diff_endpoint_params(old: &BTreeMap<String, Parameter>, new: &BTreeMap<String, Parameter>, out: &mut Vec<Change>) {
    let always_set = |p: &Parameter| p.default.is_some() || p.required == Some(true);
    for (name, p) in new {
        let item = format!("Params.{name}");
        let Some(o) = old.get(name) else {
            let (detail, impact) = if p.required == Some(true) && p.default.is_none() {
                (
                    format!("new required parameter ({}) without a default; Params builds without it fail", param_type(p.ty)),
                    Impact::Breaking,
                )
            } else {
                (format!("new parameter ({})", param_type(p.ty)), Impact::Compatible)
            };
            push(out, Area::EndpointParameter, item, ChangeKind::Added, detail, impact);
            continue;
        };
        if o.ty != p.ty {
            let detail = format!("type `{}` -> `{}`", param_type(o.ty), param_type(p.ty));
            push(out, Area::EndpointParameter, &item, ChangeKind::Changed, detail, Impact::Breaking);
        }
        if always_set(o) != always_set(p) {
            let detail = if always_set(p) {
                "now always set (required or defaulted): the accessor no longer returns an Option"
            } else {
                "no longer always set: the accessor now returns an Option"
            };
            push(out, Area::EndpointParameter, &item, ChangeKind::Changed, detail, Impact::Breaking);
        } else if o.required != p.required && p.required == Some(true) && p.default.is_none() {
            push(out, Area::EndpointParameter, &item, ChangeKind::Changed, "now required", Impact::Breaking);
        }
        if o.default != p.default {
            let text = |d: &Option<Literal>| d.as_ref().map(literal_text).unwrap_or_else(|| "none".into());
            let detail = format!("default {} -> {}", text(&o.default), text(&p.default));
            push(out, Area::EndpointParameter, &item, ChangeKind::Changed, detail, Impact::Compatible);
        }
        if o.built_in != p.built_in {
            let text = |b: &Option<String>| b.clone().unwrap_or_else(|| "none".into());
            let detail = format!("built-in {} -> {}", text(&o.built_in), text(&p.built_in));
            push(out, Area::EndpointParameter, &item, ChangeKind::Changed, detail, Impact::Compatible);
        }
        match (&o.deprecated, &p.deprecated) {
            (None, Some(_)) => push(out, Area::EndpointParameter, &item, ChangeKind::Changed, "deprecated", Impact::Compatible),
            (Some(_), None) => {
                push(out, Area::EndpointParameter, &item, ChangeKind::Changed, "no longer deprecated", Impact::Compatible)
            }
            _ => {}
        }
    }
    for (name, p) in old {
        if !new.contains_key(name) {
            let detail = format!("parameter removed ({}; its accessor and builder setters go away)", param_type(p.ty));
            push(out, Area::EndpointParameter, format!("Params.{name}"), ChangeKind::Removed, detail, Impact::Breaking);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------

fn diff_iam(old: &IamModel, new: &IamModel, out: &mut Vec<Change>) {
    let prefix = &new.prefix;
    let oa: BTreeMap<&str, &ir::iam::Action> = old.actions.iter().map(|a| (a.wire_name.as_str(), a)).collect();
    let na: BTreeMap<&str, &ir::iam::Action> = new.actions.iter().map(|a| (a.wire_name.as_str(), a)).collect();
    for (name, a) in &na {
        let item = format!("{prefix}:{name}");
        let Some(o) = oa.get(name) else {
            let link = match &a.operation {
                Some(op) => format!("linked to operation `{op}`"),
                None => "permission only".into(),
            };
            let detail = format!("new variant `Action::{}` ({:?}, {link})", a.variant, a.access_level);
            push(out, Area::IamAction, item, ChangeKind::Added, detail, Impact::Compatible);
            continue;
        };
        if o.variant != a.variant {
            let detail = format!("variant renamed `{}` -> `{}`", o.variant, a.variant);
            push(out, Area::IamAction, &item, ChangeKind::Changed, detail, Impact::Breaking);
        }
        if o.access_level != a.access_level {
            let detail = format!("access level {:?} -> {:?}", o.access_level, a.access_level);
            push(out, Area::IamAction, &item, ChangeKind::Changed, detail, Impact::Compatible);
        }
        if o.operation != a.operation {
            let text = |op: &Option<String>| op.clone().unwrap_or_else(|| "none".into());
            let detail = format!("linked operation {} -> {} (`IAM_ACTION` changes)", text(&o.operation), text(&a.operation));
            push(out, Area::IamAction, &item, ChangeKind::Changed, detail, Impact::Compatible);
        }
        let keys = |a: &ir::iam::Action| -> BTreeSet<String> {
            a.condition_keys
                .iter()
                .chain(a.resource_types.iter().flat_map(|r| r.condition_keys.iter()))
                .map(|k| k.name.clone())
                .collect()
        };
        let (ok, nk) = (keys(o), keys(a));
        for k in nk.difference(&ok) {
            push(out, Area::IamAction, &item, ChangeKind::Changed, format!("now takes condition key `{k}`"), Impact::Compatible);
        }
        for k in ok.difference(&nk) {
            push(out, Area::IamAction, &item, ChangeKind::Changed, format!("no longer takes condition key `{k}`"), Impact::Compatible);
        }
        let rts = |a: &ir::iam::Action| -> BTreeMap<String, bool> {
            a.resource_types.iter().map(|r| (r.name.clone(), r.required)).collect()
        };
        let (ort, nrt) = (rts(o), rts(a));
        for (r, req) in &nrt {
            match ort.get(r) {
                None => push(out, Area::IamAction, &item, ChangeKind::Changed, format!("now applies to resource type `{r}`"), Impact::Compatible),
                Some(oreq) if oreq != req => {
                    let detail = format!("resource type `{r}` {}", if *req { "now required" } else { "no longer required" });
                    push(out, Area::IamAction, &item, ChangeKind::Changed, detail, Impact::Compatible)
                }
                Some(_) => {}
            }
        }
        for r in ort.keys().filter(|r| !nrt.contains_key(*r)) {
            push(out, Area::IamAction, &item, ChangeKind::Changed, format!("no longer applies to resource type `{r}`"), Impact::Compatible);
        }
    }
    for (name, a) in &oa {
        if !na.contains_key(name) {
            let detail = format!("variant `Action::{}` removed", a.variant);
            push(out, Area::IamAction, format!("{prefix}:{name}"), ChangeKind::Removed, detail, Impact::Breaking);
        }
    }

    // Resource types.
    let ort: BTreeMap<&str, &ir::iam::ResourceType> = old.resource_types.iter().map(|r| (r.name.as_str(), r)).collect();
    let nrt: BTreeMap<&str, &ir::iam::ResourceType> = new.resource_types.iter().map(|r| (r.name.as_str(), r)).collect();
    for (name, r) in &nrt {
        let Some(o) = ort.get(name) else {
            let detail = format!("new variant `ResourceType::{}` and ARN builder `{}`", r.variant, r.arn_struct);
            push(out, Area::IamResourceType, *name, ChangeKind::Added, detail, Impact::Compatible);
            continue;
        };
        if o.arn_template != r.arn_template {
            let vars = |r: &ir::iam::ResourceType| r.arn_variables.iter().map(|v| v.field.clone()).collect::<Vec<_>>();
            let impact = if vars(o) == vars(r) && o.arn_struct == r.arn_struct { Impact::Compatible } else { Impact::Breaking };
            let detail = format!("ARN template `{}` -> `{}`", o.arn_template, r.arn_template);
            push(out, Area::IamResourceType, *name, ChangeKind::Changed, detail, impact);
        }
    }
    for (name, r) in &ort {
        if !nrt.contains_key(name) {
            let detail = format!("variant `ResourceType::{}` and ARN builder `{}` removed", r.variant, r.arn_struct);
            push(out, Area::IamResourceType, *name, ChangeKind::Removed, detail, Impact::Breaking);
        }
    }

    // Condition keys defined by the section.
    let ok: BTreeMap<&str, &ir::iam::ConditionKey> = old.condition_keys.iter().map(|k| (k.name.as_str(), k)).collect();
    let nk: BTreeMap<&str, &ir::iam::ConditionKey> = new.condition_keys.iter().map(|k| (k.name.as_str(), k)).collect();
    for (name, k) in &nk {
        let Some(o) = ok.get(name) else {
            let detail = format!("new variant `ConditionKey::{}` ({:?})", k.variant, k.key_type);
            push(out, Area::IamConditionKey, *name, ChangeKind::Added, detail, Impact::Compatible);
            continue;
        };
        if o.variant != k.variant {
            let detail = format!("variant renamed `{}` -> `{}`", o.variant, k.variant);
            push(out, Area::IamConditionKey, *name, ChangeKind::Changed, detail, Impact::Breaking);
        }
        if o.key_type != k.key_type {
            let detail = format!("type {:?} -> {:?}", o.key_type, k.key_type);
            push(out, Area::IamConditionKey, *name, ChangeKind::Changed, detail, Impact::Compatible);
        }
    }
    for (name, k) in &ok {
        if !nk.contains_key(name) {
            let detail = format!("variant `ConditionKey::{}` removed", k.variant);
            push(out, Area::IamConditionKey, *name, ChangeKind::Removed, detail, Impact::Breaking);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_bump() {
        let v = Version::parse("0.1.9").unwrap();
        assert_eq!(v.required_bump(Some(Impact::Breaking), false), Bump::Minor);
        assert_eq!(v.bumped(Bump::Minor).to_string(), "0.2.0");
        assert_eq!(v.required_bump(Some(Impact::Compatible), false), Bump::Patch);
        assert_eq!(v.bumped(Bump::Patch).to_string(), "0.1.10");
        assert_eq!(v.required_bump(None, false), Bump::None);
        assert_eq!(v.required_bump(None, true), Bump::Patch);
        let one = Version::parse("1.4.2").unwrap();
        assert_eq!(one.required_bump(Some(Impact::Breaking), false), Bump::Major);
        assert_eq!(one.bumped(Bump::Major).to_string(), "2.0.0");
        assert_eq!(one.required_bump(Some(Impact::Compatible), false), Bump::Minor);
        assert_eq!(one.bumped(Bump::Minor).to_string(), "1.5.0");
        for bad in ["1.2", "1.2.3-rc1", "01.2.3", "a.b.c", ""] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn constraint_direction() {
        let b = |pairs: &[(&str, Bound)]| pairs.iter().cloned().map(|(k, v)| (k.to_owned(), v)).collect();
        let old = b(&[("max length", Bound::Max(64.0, "64".into())), ("min length", Bound::Min(2.0, "2".into()))]);
        let new = b(&[("max length", Bound::Max(32.0, "32".into())), ("min length", Bound::Min(1.0, "1".into()))]);
        let changes = constraint_changes(&old, &new);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].1, Impact::Breaking, "{changes:?}");
        assert!(changes[0].0.starts_with("max length: 64 -> 32"), "{changes:?}");
        assert_eq!(changes[1].1, Impact::Compatible, "{changes:?}");
        let pattern = b(&[("pattern", Bound::Pattern("[a-z]+".into()))]);
        assert_eq!(constraint_changes(&BTreeMap::new(), &pattern)[0].1, Impact::Breaking);
        assert_eq!(constraint_changes(&pattern, &BTreeMap::new())[0].1, Impact::Compatible);
    }
}
