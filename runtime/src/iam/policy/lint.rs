//! Checking a policy document against a service's privilege model, and building the
//! least-privilege policy for a set of operations.

use std::fmt;

use super::document::{
    Effect, Negatable, OneOrMany, PolicyDocument, Statement, VERSION_2012_10_17,
};
use super::typed::parse_operator;
use crate::iam::{AccessLevel, ActionInfo, ConditionKeyInfo, PrivilegeModel};

/// What a [`Finding`] is about. The number is the stable part of the finding's code
/// (`STS001` for [`UnknownAction`](Self::UnknownAction) in the `sts` crate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FindingKind {
    /// 001: an action of the service that does not exist (or a wildcard that matches none).
    UnknownAction = 1,
    /// 002: a condition key that applies to none of the statement's actions.
    ConditionKeyNotApplicable = 2,
    /// 003: a condition operator that is unknown or does not fit the key's type
    /// (including a multivalued key without `ForAnyValue:`/`ForAllValues:`).
    OperatorTypeMismatch = 3,
    /// 004: a resource that none of the statement's actions accepts.
    ResourceNotApplicable = 4,
    /// 005: `NotAction` with `Allow`, which grants everything not listed.
    NotActionWithAllow = 5,
    /// 006: a wildcard action that grants Write or Permissions management access.
    WildcardWriteAccess = 6,
    /// 007: the document is larger than the service's policy size limit.
    PolicyTooLarge = 7,
}

/// One problem the linter found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Finding {
    /// The stable code: the service prefix in capitals and the kind's number (`STS002`).
    pub code: String,
    /// What the finding is about.
    pub kind: FindingKind,
    /// The JSON path of the offending value (`Statement[0].Condition.StringEquals.sts:ExternalId`).
    pub path: String,
    /// What is wrong and what would apply.
    pub message: String,
}

impl fmt::Display for Finding {
    /// `CODE PATH: MESSAGE`, as the CLI prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "<document>"
        } else {
            &self.path
        };
        write!(f, "{} {}: {}", self.code, path, self.message)
    }
}

struct Linter<'m> {
    prefix: &'static str,
    actions: &'m [&'static ActionInfo],
    keys: &'m [&'static ConditionKeyInfo],
    resources: &'m [&'static crate::iam::ResourceTypeInfo],
    findings: Vec<Finding>,
}

impl Linter<'_> {
    fn report(&mut self, kind: FindingKind, path: String, message: String) {
        let code = format!("{}{:03}", self.prefix.to_ascii_uppercase(), kind as u8);
        self.findings.push(Finding {
            code,
            kind,
            path,
            message,
        });
    }
}

/// Whether `text` matches the IAM wildcard `pattern` (`*` any run, `?` one character), ignoring ASCII case.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[derive(Clone, Copy, PartialEq)]
enum Tok {
    Lit(char),
    One,
    Any,
}

/// Whether some ARN matches both an ARN template (`${Var}` stands for any text) and a policy
/// resource (with `*` and `?` wildcards): the intersection of the two patterns is not empty.
fn arn_fits(template: &str, resource: &str) -> bool {
    let mut t = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        t.extend(rest[..start].chars().map(Tok::Lit));
        match rest[start..].find('}') {
            Some(end) => {
                t.push(Tok::Any);
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    t.extend(rest.chars().map(Tok::Lit));
    let r: Vec<Tok> = resource
        .chars()
        .map(|c| match c {
            '*' => Tok::Any,
            '?' => Tok::One,
            c => Tok::Lit(c),
        })
        .collect();
    // Reachability over (i, j) positions of the two patterns.
    let (n, m) = (t.len(), r.len());
    let mut seen = vec![false; (n + 1) * (m + 1)];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        if std::mem::replace(&mut seen[i * (m + 1) + j], true) {
            continue;
        }
        if i == n && j == m {
            return true;
        }
        let ti = t.get(i).copied();
        let rj = r.get(j).copied();
        if ti == Some(Tok::Any) {
            stack.push((i + 1, j));
        }
        if rj == Some(Tok::Any) {
            stack.push((i, j + 1));
        }
        match (ti, rj) {
            (Some(Tok::Any), Some(Tok::Any)) => {}
            (Some(Tok::Any), Some(_)) => stack.push((i, j + 1)),
            (Some(_), Some(Tok::Any)) => stack.push((i + 1, j)),
            (Some(Tok::Lit(a)), Some(Tok::Lit(b))) if a == b => stack.push((i + 1, j + 1)),
            (Some(Tok::Lit(_)), Some(Tok::Lit(_))) => {}
            (Some(_), Some(_)) => stack.push((i + 1, j + 1)),
            _ => {}
        }
    }
    false
}

fn list(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let items: Vec<String> = names
        .into_iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect();
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_ascii_lowercase().chars().collect();
    let b: Vec<char> = b.to_ascii_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// Checks a policy document against the privilege model `M` and returns every finding, in
/// document order (see [`FindingKind`] for what is checked).
///
/// Actions of other services are not checked. Condition-key and resource checks apply to
/// statements whose actions are all of this service (with `Action`, not `NotAction`), and
/// skip keys the model does not list unless they have the service's prefix (global `aws:`
/// keys and identity-provider keys are not in the model).
pub fn lint<M: PrivilegeModel>(doc: &PolicyDocument) -> Vec<Finding> {
    let actions = M::actions();
    let keys = M::condition_keys();
    let resources = M::resource_types();
    let mut linter = Linter {
        prefix: M::PREFIX,
        actions: &actions,
        keys: &keys,
        resources: &resources,
        findings: Vec::new(),
    };
    for (i, statement) in doc.statements().iter().enumerate() {
        let path = doc.statement.item_path("Statement", i);
        lint_statement(&mut linter, statement, &path);
    }
    if let Some(max) = M::POLICY_MAX_CHARS {
        let size = doc.to_json().chars().count();
        if size > max {
            linter.report(
                FindingKind::PolicyTooLarge,
                String::new(),
                format!("the minified policy is {size} characters, above the session-policy limit of {max}"),
            );
        }
    }
    linter.findings
}

fn lint_statement(l: &mut Linter<'_>, s: &Statement, path: &str) {
    let (action_field, action_list) = match &s.action {
        Negatable::Is(a) => ("Action", a),
        Negatable::Not(a) => ("NotAction", a),
    };
    if s.action.is_not() && s.effect == Effect::Allow {
        l.report(
            FindingKind::NotActionWithAllow,
            format!("{path}.NotAction"),
            "`NotAction` with `Allow` grants every action not listed, including those of other services and ones added later; list the allowed actions with `Action` instead".to_owned(),
        );
    }
    // The service's actions the statement names; whether it names anything else.
    let mut matched: Vec<&'static ActionInfo> = Vec::new();
    let mut only_this_service = !s.action.is_not();
    for (j, name) in action_list.iter().enumerate() {
        let item = action_list.item_path(&format!("{path}.{action_field}"), j);
        let (prefix, privilege) = match name.split_once(':') {
            Some(parts) => parts,
            None if name == "*" => ("*", "*"),
            None => {
                only_this_service = false;
                continue;
            }
        };
        if prefix == "*" || !prefix.eq_ignore_ascii_case(l.prefix) {
            only_this_service = false;
            if prefix == "*" && s.effect == Effect::Allow && !s.action.is_not() {
                report_wildcard(l, name, &item, l.actions.to_vec());
            }
            continue;
        }
        if privilege.contains(['*', '?']) {
            let hits: Vec<&'static ActionInfo> = l
                .actions
                .iter()
                .copied()
                .filter(|a| glob_matches(privilege, a.privilege))
                .collect();
            if hits.is_empty() {
                l.report(
                    FindingKind::UnknownAction,
                    item,
                    format!("`{name}` matches no action of `{}`", l.prefix),
                );
                continue;
            }
            if s.effect == Effect::Allow && !s.action.is_not() {
                report_wildcard(l, name, &item, hits.clone());
            }
            matched.extend(hits);
        } else if let Some(a) = l
            .actions
            .iter()
            .find(|a| a.privilege.eq_ignore_ascii_case(privilege))
        {
            matched.push(a);
        } else {
            let mut near: Vec<(usize, &str)> = l
                .actions
                .iter()
                .map(|a| (edit_distance(privilege, a.privilege), a.name))
                .collect();
            near.sort();
            let suggestions: Vec<&str> = near.iter().take(3).map(|(_, n)| *n).collect();
            l.report(
                FindingKind::UnknownAction,
                item,
                format!(
                    "unknown action `{name}`: `{}` has no such action; closest: {}",
                    l.prefix,
                    list(suggestions)
                ),
            );
        }
    }
    matched.dedup_by_key(|a| a.name);
    let check_applicability = only_this_service && !matched.is_empty();

    for block in &s.condition {
        let op_path = format!("{path}.Condition.{}", block.operator);
        let parsed = parse_operator(&block.operator);
        for entry in &block.entries {
            let key_path = format!("{op_path}.{}", entry.key);
            let info = l.keys.iter().copied().find(|k| k.matches(&entry.key));
            match parsed {
                None => l.report(
                    FindingKind::OperatorTypeMismatch,
                    key_path.clone(),
                    format!("`{}` is not an IAM condition operator", block.operator),
                ),
                Some(op) => {
                    if let Some(info) = info {
                        let key_type = info.key_type;
                        if let Some(family) = op.family {
                            if family != key_type.operator_family() {
                                let fitting: Vec<String> = key_type
                                    .operators()
                                    .iter()
                                    .map(|o| {
                                        if key_type.is_array() {
                                            format!("ForAnyValue:{o}")
                                        } else {
                                            (*o).to_owned()
                                        }
                                    })
                                    .collect();
                                l.report(
                                    FindingKind::OperatorTypeMismatch,
                                    key_path.clone(),
                                    format!(
                                        "operator `{}` does not fit key `{}` of type {key_type}; use one of {}",
                                        block.operator,
                                        entry.key,
                                        list(fitting)
                                    ),
                                );
                            }
                        }
                        if op.family.is_some() && key_type.is_array() && op.set.is_none() {
                            l.report(
                                FindingKind::OperatorTypeMismatch,
                                key_path.clone(),
                                format!(
                                    "key `{}` is multivalued ({key_type}): prefix the operator with `ForAnyValue:` or `ForAllValues:` (`ForAnyValue:{}`)",
                                    entry.key, op.base
                                ),
                            );
                        } else if op.set.is_some() && !key_type.is_array() {
                            l.report(
                                FindingKind::OperatorTypeMismatch,
                                key_path.clone(),
                                format!(
                                    "key `{}` is single-valued ({key_type}): `{}` is meant for multivalued keys; use `{}`",
                                    entry.key,
                                    block.operator,
                                    block.operator.split_once(':').map_or("", |(_, rest)| rest)
                                ),
                            );
                        }
                    }
                }
            }
            // Keys the model does not list are checked only when they claim this service's prefix:
            // global `aws:` keys and identity-provider keys (`token.actions.githubusercontent.com:sub`)
            // are not in the model.
            let own_prefix = entry
                .key
                .split_once(':')
                .is_some_and(|(p, _)| p.eq_ignore_ascii_case(l.prefix));
            if check_applicability && (info.is_some() || own_prefix) {
                let applies = matched.iter().any(|a| {
                    a.all_condition_keys().iter().any(|name| {
                        match l.keys.iter().find(|k| k.name == *name) {
                            Some(k) => k.matches(&entry.key),
                            None => name.eq_ignore_ascii_case(&entry.key),
                        }
                    })
                });
                if !applies {
                    let mut keys: Vec<&str> = Vec::new();
                    for a in &matched {
                        for k in a.all_condition_keys() {
                            if !keys.contains(&k) {
                                keys.push(k);
                            }
                        }
                    }
                    l.report(
                        FindingKind::ConditionKeyNotApplicable,
                        key_path,
                        format!(
                            "condition key `{}` does not apply to {}; keys that apply: {}",
                            entry.key,
                            list(matched.iter().map(|a| a.name)),
                            list(keys)
                        ),
                    );
                }
            }
        }
    }

    if let (true, Some(Negatable::Is(resources))) = (check_applicability, &s.resource) {
        for (j, resource) in resources.iter().enumerate() {
            if resource == "*" {
                continue;
            }
            let fits = matched.iter().any(|a| {
                a.resource_types.iter().any(|rt| {
                    l.resources
                        .iter()
                        .find(|r| r.name == rt.name)
                        .is_some_and(|r| arn_fits(r.arn_template, resource))
                })
            });
            if !fits {
                let mut accepted: Vec<String> = Vec::new();
                for a in &matched {
                    if a.resource_types.is_empty() {
                        accepted.push(format!("{}: only `*`", a.name));
                        continue;
                    }
                    let types: Vec<String> = a
                        .resource_types
                        .iter()
                        .map(|rt| match l.resources.iter().find(|r| r.name == rt.name) {
                            Some(r) => format!("{} `{}`", r.name, r.arn_template),
                            None => rt.name.to_owned(),
                        })
                        .collect();
                    accepted.push(format!("{}: {}", a.name, types.join(", ")));
                }
                l.report(
                    FindingKind::ResourceNotApplicable,
                    resources.item_path(&format!("{path}.Resource"), j),
                    format!("resource `{resource}` fits no resource type of the statement's actions; they accept {}", accepted.join("; ")),
                );
            }
        }
    }
}

fn report_wildcard(l: &mut Linter<'_>, name: &str, path: &str, hits: Vec<&'static ActionInfo>) {
    let risky: Vec<&str> = hits
        .iter()
        .filter(|a| {
            matches!(
                a.access_level,
                AccessLevel::Write | AccessLevel::PermissionsManagement
            )
        })
        .map(|a| a.name)
        .collect();
    if !risky.is_empty() {
        l.report(
            FindingKind::WildcardWriteAccess,
            path.to_owned(),
            format!("wildcard `{name}` grants Write or Permissions management actions: {}; list the actions needed instead", list(risky)),
        );
    }
}

/// Why [`least_privilege`] cannot write a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeastPrivilegeError {
    /// An operation name that the privilege model's operation table does not have.
    UnknownOperation(String),
    /// An operation whose permission the privilege model does not give (it lags the service
    /// model): the policy would silently lack it.
    PermissionUnknown(String),
}

impl fmt::Display for LeastPrivilegeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeastPrivilegeError::UnknownOperation(op) => write!(f, "unknown operation `{op}`"),
            LeastPrivilegeError::PermissionUnknown(op) => write!(
                f,
                "the permission of operation `{op}` is unknown: the privilege model this crate was generated \
                 from does not list it yet (add the action it needs to the policy by hand)"
            ),
        }
    }
}

impl std::error::Error for LeastPrivilegeError {}

/// The least-privilege identity policy for calling `operations` (wire names, such as
/// `AssumeRole`): one `Allow` statement with the actions they need (and the actions those
/// depend on), sorted, on `Resource: "*"`. Operations that need no permission add nothing;
/// when none needs one, the document has no statements.
///
/// # Errors
/// An operation the model does not have, or one whose permission it does not know.
pub fn least_privilege<M: PrivilegeModel>(
    operations: &[&str],
) -> Result<PolicyDocument, LeastPrivilegeError> {
    let table = M::operations();
    let all = M::actions();
    let mut needed: Vec<&'static str> = Vec::new();
    for op in operations {
        let entry = table
            .iter()
            .find(|o| o.operation == *op)
            .ok_or_else(|| LeastPrivilegeError::UnknownOperation((*op).to_owned()))?;
        if entry.permission_unknown {
            return Err(LeastPrivilegeError::PermissionUnknown((*op).to_owned()));
        }
        for action in entry.actions {
            needed.push(action);
            if let Some(info) = all.iter().find(|a| a.name == *action) {
                needed.extend(info.dependent_actions.iter().copied());
                needed.extend(
                    info.resource_types
                        .iter()
                        .flat_map(|r| r.dependent_actions.iter().copied()),
                );
            }
        }
    }
    needed.sort_unstable();
    needed.dedup();
    let statements = if needed.is_empty() {
        Vec::new()
    } else {
        let action = if needed.len() == 1 {
            OneOrMany::One(needed[0].to_owned())
        } else {
            OneOrMany::Many(needed.iter().map(|a| (*a).to_owned()).collect())
        };
        vec![Statement {
            sid: Some("LeastPrivilege".to_owned()),
            effect: Effect::Allow,
            principal: None,
            action: Negatable::Is(action),
            resource: Some(Negatable::Is(OneOrMany::One("*".to_owned()))),
            condition: Vec::new(),
        }]
    };
    Ok(PolicyDocument {
        version: Some(VERSION_2012_10_17.to_owned()),
        id: None,
        statement: OneOrMany::Many(statements),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_matches("Assume*", "AssumeRoleWithSAML"));
        assert!(glob_matches("get*token", "GetSessionToken"));
        assert!(glob_matches("Get?ederationToken", "GetFederationToken"));
        assert!(!glob_matches("Get*Role", "GetSessionToken"));
        assert!(glob_matches("*", ""));
    }

    #[test]
    fn arns_fit_templates() {
        let role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
        assert!(arn_fits(role, "arn:aws:iam::123456789012:role/deploy"));
        assert!(arn_fits(role, "arn:aws:iam::*:role/*"));
        assert!(arn_fits(role, "arn:*"));
        assert!(arn_fits(role, "arn:aws:iam::12345678901?:role/a/b"));
        assert!(!arn_fits(role, "arn:aws:iam::123456789012:user/deploy"));
        assert!(!arn_fits(role, "arn:aws:s3:::bucket"));
        assert!(!arn_fits(
            "arn:${Partition}:iam::${Account}:root",
            "arn:aws:iam::123456789012:role/x"
        ));
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("AssumeRol", "AssumeRole"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }
}
