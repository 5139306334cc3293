//! IAM privilege IR: one service's actions, resource types and condition keys, validated and
//! with Rust names resolved.
//!
//! [`lower`] turns the serde mirror ([`IamService`]) into an [`IamModel`]:
//!
//! - **Arenas.** Resource types and condition keys live in sorted vectors addressed by
//!   [`ResourceTypeId`] / [`ConditionKeyId`]; actions are sorted by privilege name. Every list
//!   inside an action keeps the model's order, so the output is deterministic.
//! - **Names.** Enum variants come from [`naming::variant_name`], ARN builder structs from
//!   [`naming::type_name`], functions and fields from [`naming::field_name`]. Two model names
//!   that would become the same Rust name are an error naming both.
//! - **Templates.** A condition key such as `aws:RequestTag/${TagKey}` is *templated*: its
//!   [`KeyTemplate`] records the literal text around the single `${Variable}` (the reference
//!   also writes `<variable>`, as in `s3:ExistingObjectTag/<key>`; both are recognised). An ARN template
//!   (`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`) is split into
//!   [`ArnSegment`]s whose variables become the builder's fields, in order of first appearance.
//!   A templated key's Rust names leave the variable out (`AwsRequestTag`, `aws_request_tag`)
//!   unless that would clash with another key's (see `condition_key_bases` for the rounds
//!   that keep names distinct).
//! - **References.** Every condition key and resource type a privilege or resource type names
//!   must be defined in the service section. The one exception is a *global* condition key
//!   (prefix `aws:`): AWS documents those once for all services, so a section may use one
//!   without defining it. Such a key is kept by name only ([`KeyRef::id`] is `None`), listed
//!   in [`IamModel::undeclared_global_keys`], and has no `ConditionKey` variant (its type is
//!   unknown). An undefined non-global key is an error.
//! - **Operations.** An action is linked to the service-model operation of the same name
//!   (exact match first, then a unique ASCII-case-insensitive match); an action without one
//!   is *permission-only* (`sts:TagSession`).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, ensure, Context, Result};
use proc_macro2::TokenStream;
use quote::quote;

use crate::model::iam::{Condition, IamService, Privilege, PrivilegeResourceType, Resource};
use crate::naming;

pub use crate::model::iam::{AccessLevel, ConditionKeyType};

/// Prefix of global condition keys, which a service section may use without defining.
pub const GLOBAL_KEY_PREFIX: &str = "aws:";

/// Method names of the generated `ConditionKey` that templated-key functions must not take.
const CONDITION_KEY_METHODS: &[&str] = &["name", "info", "key_type", "is_templated", "matches"];

/// One service's privilege model, lowered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamModel {
    /// The service's display name (`AWS Security Token Service`).
    pub service_name: String,
    /// The IAM prefix (`sts`).
    pub prefix: String,
    /// The service's page in the Service Authorization Reference.
    pub service_authorization_url: String,
    /// Actions, sorted by privilege name.
    pub actions: Vec<Action>,
    /// Resource types, sorted by name; indexed by [`ResourceTypeId`].
    pub resource_types: Vec<ResourceType>,
    /// Condition keys defined by the section, sorted by name; indexed by [`ConditionKeyId`].
    pub condition_keys: Vec<ConditionKey>,
    /// Global (`aws:`) condition keys that are used but not defined by the section, sorted.
    pub undeclared_global_keys: Vec<String>,
    /// Service-model operations that no action is linked to, in the order given.
    pub operations_without_action: Vec<String>,
    /// The permissions of every operation, in operation order (set from the overrides by
    /// [`crate::ir::quirks::apply_permissions`]; empty until then).
    pub operation_permissions: Vec<OperationPermission>,
    /// The documented maximum size of a policy document, in characters, when the overrides give one.
    pub policy_max_chars: Option<u64>,
    /// Why the section is empty, when the privilege model has no section for the service (see
    /// [`IamService::note`]).
    pub note: Option<String>,
}

/// What one operation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationPermission {
    /// The operation's wire name.
    pub operation: String,
    /// The operation's module (`assume_role`).
    pub module: String,
    /// The input struct's Rust name (`AssumeRoleInput`), when the operation has an input.
    pub input_type: Option<String>,
    /// Indices into [`IamModel::actions`] of the actions always needed.
    pub actions: Vec<usize>,
    /// Why the operation needs no permission, when it needs none.
    pub no_permission: Option<String>,
    /// Neither the privilege model nor the overrides say what the operation needs (the
    /// privilege model lags the service model): never treated as needing nothing.
    pub permission_unknown: bool,
    /// Actions needed when a member is set.
    pub conditional: Vec<ConditionalAction>,
}

/// An action needed when an input member is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionalAction {
    /// The member's wire name (`Tags`).
    pub member: String,
    /// The member's accessor on the input (`tags`).
    pub accessor: String,
    /// Index into [`IamModel::actions`].
    pub action: usize,
    /// Why.
    pub why: String,
}

/// Index of a [`ResourceType`] in [`IamModel::resource_types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceTypeId(pub usize);

/// Index of a [`ConditionKey`] in [`IamModel::condition_keys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConditionKeyId(pub usize);

/// One action (privilege).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// The privilege name (`AssumeRole`).
    pub wire_name: String,
    /// The policy string (`sts:AssumeRole`).
    pub policy_name: String,
    /// The lower-cased privilege name, for case-insensitive parsing (`assumerole`).
    pub lower_name: String,
    /// The `Action` variant name (`AssumeRole`).
    pub variant: String,
    /// What the action grants (plain text).
    pub description: String,
    /// The access level.
    pub access_level: AccessLevel,
    /// The AWS documentation page.
    pub documentation_url: String,
    /// The resource types the action applies to, in model order (without the action-wide row).
    pub resource_types: Vec<ResourceTypeUse>,
    /// Action-wide condition keys (the row without a resource type), in model order.
    pub condition_keys: Vec<KeyRef>,
    /// Action-wide dependent actions (`service:Action`), in model order.
    pub dependent_actions: Vec<String>,
    /// The linked service-model operation's wire name; `None` for a permission-only action.
    pub operation: Option<String>,
}

impl Action {
    /// Whether no API operation is linked to the action.
    pub fn is_permission_only(&self) -> bool {
        self.operation.is_none()
    }
}

/// A resource type as used by one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceTypeUse {
    /// The resource type.
    pub resource_type: ResourceTypeId,
    /// Its name (`role`).
    pub name: String,
    /// Whether a statement for the action must name a resource of this type.
    pub required: bool,
    /// Condition keys of this row, in model order.
    pub condition_keys: Vec<KeyRef>,
    /// Dependent actions of this row, in model order.
    pub dependent_actions: Vec<String>,
}

/// A reference to a condition key by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRef {
    /// The key as written in the model (`aws:RequestTag/${TagKey}`).
    pub name: String,
    /// The defined key, or `None` for an undeclared global (`aws:`) key.
    pub id: Option<ConditionKeyId>,
}

/// One resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// The name (`role`).
    pub name: String,
    /// The `ResourceType` variant name (`Role`).
    pub variant: String,
    /// The ARN builder struct name (`RoleArn`).
    pub arn_struct: String,
    /// The ARN template as written (`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`).
    pub arn_template: String,
    /// The template split into literals and variables.
    pub arn_segments: Vec<ArnSegment>,
    /// The template's distinct variables, in order of first appearance.
    pub arn_variables: Vec<ArnVariable>,
    /// Condition keys of the resource type, in model order.
    pub condition_keys: Vec<KeyRef>,
}

/// A piece of an ARN template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnSegment {
    /// Literal text.
    Literal(String),
    /// A variable: index into [`ResourceType::arn_variables`].
    Variable(usize),
}

/// One variable of an ARN template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnVariable {
    /// The variable as written (`RoleNameWithPath`).
    pub wire_name: String,
    /// The builder's field and parameter name (`role_name_with_path`).
    pub field: String,
}

/// One condition key defined by the service section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionKey {
    /// The key as written (`aws:RequestTag/${TagKey}`).
    pub name: String,
    /// The `ConditionKey` variant name (`AwsRequestTag`).
    pub variant: String,
    /// The value type.
    pub key_type: ConditionKeyType,
    /// What the key filters access by (plain text).
    pub description: String,
    /// The template of a templated key; `None` for a plain key.
    pub template: Option<KeyTemplate>,
}

/// The parts of a templated condition key such as `aws:RequestTag/${TagKey}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTemplate {
    /// Literal text before the variable (`aws:RequestTag/`).
    pub prefix: String,
    /// The variable (`TagKey`).
    pub variable: String,
    /// Literal text after the variable (usually empty).
    pub suffix: String,
    /// The generated function that builds a concrete key (`aws_request_tag`).
    pub fn_name: String,
    /// That function's parameter name (`tag_key`).
    pub param: String,
}

impl IamModel {
    /// The resource type with this id.
    pub fn resource_type(&self, id: ResourceTypeId) -> &ResourceType {
        &self.resource_types[id.0]
    }

    /// The condition key with this id.
    pub fn condition_key(&self, id: ConditionKeyId) -> &ConditionKey {
        &self.condition_keys[id.0]
    }

    /// The actions of one access level, in action order.
    pub fn actions_with_access_level(&self, level: AccessLevel) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter(move |a| a.access_level == level)
    }

    /// The access levels that have at least one action, each with its actions (in action order).
    pub fn actions_by_access_level(&self) -> BTreeMap<AccessLevel, Vec<&Action>> {
        let mut levels: BTreeMap<AccessLevel, Vec<&Action>> = BTreeMap::new();
        for action in &self.actions {
            levels.entry(action.access_level).or_default().push(action);
        }
        levels
    }

    /// The action linked to a service-model operation (by the operation's wire name).
    pub fn action_for_operation(&self, operation: &str) -> Option<&Action> {
        self.actions
            .iter()
            .find(|a| a.operation.as_deref() == Some(operation))
    }

    /// Keys in the order `ConditionKey::from_str` should try them: plain keys first, then
    /// templated keys from the longest literal text to the shortest, so the most specific
    /// template wins when several match (ties by name).
    pub fn key_match_order(&self) -> Vec<ConditionKeyId> {
        let mut ids: Vec<ConditionKeyId> =
            (0..self.condition_keys.len()).map(ConditionKeyId).collect();
        ids.sort_by_key(|id| {
            let key = self.condition_key(*id);
            let specificity = match &key.template {
                None => usize::MAX,
                Some(t) => t.prefix.len() + t.suffix.len(),
            };
            (std::cmp::Reverse(specificity), key.name.clone())
        });
        ids
    }
}

/// The path, inside the generated crate, of the `Action` value for a service-model operation
/// (`crate::iam::Action::AssumeRole`); `None` when no action is linked to the operation.
///
/// The generated crate holds the output of [`crate::emit::iam::emit`] as its `iam` module.
pub fn action_path(model: &IamModel, operation: &str) -> Option<TokenStream> {
    let action = model.action_for_operation(operation)?;
    let variant = naming::ident(&action.variant);
    Some(quote! { crate::iam::Action::#variant })
}

/// Lowers and validates one service section; `operations` are the service model's operation
/// wire names (`AssumeRole`, `GetCallerIdentity`, ...).
pub fn lower(svc: &IamService, operations: &[String]) -> Result<IamModel> {
    let what = format!("privilege model for `{}`", svc.prefix);
    lower_inner(svc, operations).with_context(|| what)
}

fn lower_inner(svc: &IamService, operations: &[String]) -> Result<IamModel> {
    ensure!(
        !svc.prefix.is_empty() && !svc.prefix.contains(':'),
        "service prefix `{}` must be non-empty and contain no `:`",
        svc.prefix
    );
    check_lower_names("privileges_lower_name", &svc.privileges_lower_name, |n| {
        svc.privileges.contains_key(n)
    })?;
    check_lower_names("resources_lower_name", &svc.resources_lower_name, |n| {
        svc.resources.contains_key(n)
    })?;

    let mut names = NameTable::default();
    let bases = condition_key_bases(svc.conditions.keys().map(String::as_str));
    let condition_keys = svc
        .conditions
        .iter()
        .map(|(key, c)| lower_condition(key, c, &bases[key.as_str()], &mut names))
        .collect::<Result<Vec<_>>>()?;
    let mut lower_keys: BTreeMap<String, &str> = BTreeMap::new();
    for key in svc.conditions.keys() {
        if let Some(other) = lower_keys.insert(key.to_ascii_lowercase(), key) {
            bail!("condition keys `{other}` and `{key}` differ only in case, and IAM ignores case in key names");
        }
    }
    let key_ids: BTreeMap<&str, ConditionKeyId> = condition_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.name.as_str(), ConditionKeyId(i)))
        .collect();
    let mut globals = BTreeSet::new();
    let mut key_ref = |name: &str, user: &dyn Fn() -> String| -> Result<KeyRef> {
        if let Some(id) = key_ids.get(name) {
            return Ok(KeyRef {
                name: name.to_owned(),
                id: Some(*id),
            });
        }
        ensure!(
            name.starts_with(GLOBAL_KEY_PREFIX),
            "{} uses condition key `{name}`, which `conditions` does not define \
             (only global `{GLOBAL_KEY_PREFIX}` keys may be used without a definition)",
            user()
        );
        globals.insert(name.to_owned());
        Ok(KeyRef {
            name: name.to_owned(),
            id: None,
        })
    };

    let mut resource_types = Vec::new();
    for (name, resource) in &svc.resources {
        resource_types.push(lower_resource(name, resource, &mut names, &mut key_ref)?);
    }
    let resource_ids: BTreeMap<&str, ResourceTypeId> = resource_types
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.as_str(), ResourceTypeId(i)))
        .collect();

    let mut actions = Vec::new();
    let mut lower_names: BTreeMap<String, &str> = BTreeMap::new();
    for (name, privilege) in &svc.privileges {
        let action = lower_privilege(
            &svc.prefix,
            name,
            privilege,
            &mut names,
            &resource_ids,
            &mut key_ref,
        )?;
        if let Some(other) = lower_names.insert(action.lower_name.clone(), name) {
            bail!("privileges `{other}` and `{name}` differ only in case, so action names would be ambiguous");
        }
        actions.push(action);
    }

    let operations_without_action = link_operations(&mut actions, operations);
    Ok(IamModel {
        service_name: svc.service_name.clone(),
        prefix: svc.prefix.clone(),
        service_authorization_url: svc.service_authorization_url.clone(),
        actions,
        resource_types,
        condition_keys,
        undeclared_global_keys: globals.into_iter().collect(),
        operations_without_action,
        operation_permissions: Vec::new(),
        policy_max_chars: None,
        note: svc.note.clone(),
    })
}

fn check_lower_names(
    field: &str,
    map: &BTreeMap<String, String>,
    exists: impl Fn(&str) -> bool,
) -> Result<()> {
    for (lower, name) in map {
        ensure!(
            exists(name),
            "`{field}.{lower}` names `{name}`, which is not defined"
        );
        ensure!(
            *lower == name.to_lowercase(),
            "`{field}.{lower}` is not the lower-case form of `{name}`"
        );
    }
    Ok(())
}

/// Rust names already taken, per namespace, with the model name that took each.
#[derive(Default)]
struct NameTable {
    taken: BTreeMap<(&'static str, String), String>,
}

impl NameTable {
    /// Claims `rust` in `namespace` for model name `wire`; a second claim is an error.
    fn claim(&mut self, namespace: &'static str, rust: String, wire: &str) -> Result<String> {
        if let Some(other) = self.taken.get(&(namespace, rust.clone())) {
            bail!("{namespace} `{other}` and `{wire}` would both be named `{rust}` in Rust");
        }
        self.taken
            .insert((namespace, rust.clone()), wire.to_owned());
        Ok(rust)
    }
}

/// A parsed `${Variable}` template: literal text and variable names, alternating as found.
enum TemplatePart<'a> {
    Literal(&'a str),
    Variable(&'a str),
}

/// Placeholder syntaxes: `${Name}` everywhere, and `<name>` in condition keys, where the
/// reference also writes templates that way (`s3:ExistingObjectTag/<key>`).
const DOLLAR: (&str, char) = ("${", '}');
const ANGLE: (&str, char) = ("<", '>');

/// Splits a template into literal text and variables, recognising the given placeholder syntaxes.
fn parse_template<'a>(text: &'a str, syntaxes: &[(&str, char)]) -> Result<Vec<TemplatePart<'a>>> {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let next = syntaxes
            .iter()
            .filter_map(|&(open, close)| rest.find(open).map(|start| (start, open, close)))
            .min_by_key(|&(start, _, _)| start);
        let Some((start, open, close)) = next else {
            break;
        };
        if start > 0 {
            parts.push(TemplatePart::Literal(&rest[..start]));
        }
        let after = &rest[start + open.len()..];
        let end = after
            .find(close)
            .with_context(|| format!("unterminated `{open}` in `{text}`"))?;
        let variable = &after[..end];
        ensure!(
            !variable.is_empty()
                && variable
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "template variable `{variable}` in `{text}` is not a name"
        );
        parts.push(TemplatePart::Variable(variable));
        rest = &after[end + close.len_utf8()..];
    }
    if !rest.is_empty() {
        parts.push(TemplatePart::Literal(rest));
    }
    Ok(parts)
}

/// A condition key without its placeholders (`aws:RequestTag/${TagKey}` -> `aws:RequestTag/`);
/// the key itself when it does not parse (lowering reports that error).
fn strip_variables(key: &str) -> String {
    match parse_template(key, &[DOLLAR, ANGLE]) {
        Ok(parts) => parts
            .iter()
            .filter_map(|p| {
                if let TemplatePart::Literal(text) = p {
                    Some(*text)
                } else {
                    None
                }
            })
            .collect(),
        Err(_) => key.to_owned(),
    }
}

/// The text each condition key's Rust names are made from, chosen so that names stay short
/// and distinct. Keys start with their short form (placeholders removed,
/// `aws:RequestTag/${TagKey}` -> `aws:RequestTag/`); keys whose names would clash move to the
/// next form, in rounds, until the names differ:
///
/// 1. a templated key keeps its variable (`codebuild:secondarySources/${sourceIdentifier}.location`
///    next to the plain `codebuild:secondarySources.location`);
/// 2. punctuation is spelled out (`codebuild:environment.type` -> `...EnvironmentDotType`
///    next to `codebuild:environmentType`).
///
/// Names that still clash are reported by the [`NameTable`].
fn condition_key_bases<'a>(keys: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, String> {
    let forms = |key: &str| -> [String; 3] {
        [strip_variables(key), key.to_owned(), spell_punctuation(key)]
    };
    let mut chosen: BTreeMap<&str, (usize, [String; 3])> =
        keys.map(|k| (k, (0, forms(k)))).collect();
    for _round in 0..2 {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (level, forms) in chosen.values() {
            *counts
                .entry(naming::variant_name(&forms[*level]))
                .or_default() += 1;
        }
        for (level, forms) in chosen.values_mut() {
            if counts[&naming::variant_name(&forms[*level])] > 1 {
                *level += 1;
            }
        }
    }
    chosen
        .into_iter()
        .map(|(key, (level, forms))| (key, forms[level].clone()))
        .collect()
}

/// `codebuild:environment.type` -> `codebuild:environment dot type` (the service prefix is kept).
fn spell_punctuation(key: &str) -> String {
    let (service, name) = key.split_once(':').unwrap_or(("", key));
    let mut out = format!("{service}:");
    for c in name.chars() {
        match c {
            '.' => out.push_str(" dot "),
            '/' => out.push_str(" slash "),
            '-' => out.push_str(" dash "),
            '_' => out.push_str(" underscore "),
            ':' => out.push_str(" colon "),
            c => out.push(c),
        }
    }
    out
}

/// Lowers one condition key; `base` is the text its Rust names are made from.
fn lower_condition(
    key: &str,
    condition: &Condition,
    base: &str,
    names: &mut NameTable,
) -> Result<ConditionKey> {
    let context = || format!("condition key `{key}`");
    ensure!(
        condition.condition == key,
        "{}: its `condition` field is `{}`, not its key",
        context(),
        condition.condition
    );
    let (service, _) = key
        .split_once(':')
        .with_context(|| format!("{}: has no `service:` prefix", context()))?;
    ensure!(
        !service.is_empty(),
        "{}: has an empty service prefix",
        context()
    );

    let parts = parse_template(key, &[DOLLAR, ANGLE]).with_context(context)?;
    let template = match parts.as_slice() {
        [TemplatePart::Literal(_)] | [] => None,
        [TemplatePart::Literal(prefix), TemplatePart::Variable(variable), rest @ ..] => {
            let suffix = match rest {
                [] => "",
                [TemplatePart::Literal(suffix)] => *suffix,
                _ => bail!("{}: has more than one template variable", context()),
            };
            let fn_name = naming::field_name(base);
            ensure!(
                !CONDITION_KEY_METHODS.contains(&fn_name.as_str()),
                "{}: its function `{fn_name}` would clash with a method of `ConditionKey`",
                context()
            );
            let fn_name = names.claim("condition key function", fn_name, key)?;
            Some(KeyTemplate {
                prefix: (*prefix).to_owned(),
                variable: (*variable).to_owned(),
                suffix: suffix.to_owned(),
                fn_name,
                param: naming::field_name(variable),
            })
        }
        _ => bail!(
            "{}: a template variable must follow the `service:` prefix, once",
            context()
        ),
    };
    let variant = names.claim("condition key", naming::variant_name(base), key)?;
    Ok(ConditionKey {
        name: key.to_owned(),
        variant,
        key_type: condition.key_type,
        description: condition.description.clone(),
        template,
    })
}

type KeyRefFn<'a> = dyn FnMut(&str, &dyn Fn() -> String) -> Result<KeyRef> + 'a;

fn lower_keys(
    keys: &[String],
    user: &dyn Fn() -> String,
    key_ref: &mut KeyRefFn<'_>,
) -> Result<Vec<KeyRef>> {
    keys.iter().map(|k| key_ref(k, user)).collect()
}

fn lower_resource(
    name: &str,
    resource: &Resource,
    names: &mut NameTable,
    key_ref: &mut KeyRefFn<'_>,
) -> Result<ResourceType> {
    let context = || format!("resource type `{name}`");
    ensure!(!name.is_empty(), "a resource type has an empty name");
    ensure!(
        resource.resource == name,
        "{}: its `resource` field is `{}`, not its key",
        context(),
        resource.resource
    );
    let mut arn_segments = Vec::new();
    let mut arn_variables: Vec<ArnVariable> = Vec::new();
    let mut fields = NameTable::default();
    for part in parse_template(&resource.arn, &[DOLLAR]).with_context(context)? {
        match part {
            TemplatePart::Literal(text) => arn_segments.push(ArnSegment::Literal(text.to_owned())),
            TemplatePart::Variable(variable) => {
                let index = match arn_variables.iter().position(|v| v.wire_name == variable) {
                    Some(index) => index,
                    None => {
                        let field = fields
                            .claim("ARN variable", naming::field_name(variable), variable)
                            .with_context(context)?;
                        arn_variables.push(ArnVariable {
                            wire_name: variable.to_owned(),
                            field,
                        });
                        arn_variables.len() - 1
                    }
                };
                arn_segments.push(ArnSegment::Variable(index));
            }
        }
    }
    Ok(ResourceType {
        name: name.to_owned(),
        variant: names.claim("resource type", naming::variant_name(name), name)?,
        arn_struct: names.claim(
            "ARN builder",
            naming::type_name(&format!("{name} arn")),
            name,
        )?,
        arn_template: resource.arn.clone(),
        arn_segments,
        arn_variables,
        condition_keys: lower_keys(&resource.condition_keys, &context, key_ref)?,
    })
}

fn check_dependent_actions(actions: &[String], user: &dyn Fn() -> String) -> Result<Vec<String>> {
    for action in actions {
        let ok = action
            .split_once(':')
            .is_some_and(|(prefix, name)| !prefix.is_empty() && !name.is_empty());
        ensure!(
            ok,
            "{}: dependent action `{action}` is not of the form `service:Action`",
            user()
        );
    }
    Ok(actions.to_vec())
}

fn lower_privilege(
    prefix: &str,
    name: &str,
    privilege: &Privilege,
    names: &mut NameTable,
    resource_ids: &BTreeMap<&str, ResourceTypeId>,
    key_ref: &mut KeyRefFn<'_>,
) -> Result<Action> {
    let context = || format!("privilege `{name}`");
    ensure!(!name.is_empty(), "a privilege has an empty name");
    ensure!(
        privilege.privilege == name,
        "{}: its `privilege` field is `{}`, not its key",
        context(),
        privilege.privilege
    );
    check_lower_names(
        "resource_types_lower_name",
        &privilege.resource_types_lower_name,
        |n| privilege.resource_types.contains_key(n),
    )
    .with_context(context)?;

    let mut resource_types = Vec::new();
    let mut condition_keys = Vec::new();
    let mut dependent_actions = Vec::new();
    for (rt_name, row) in &privilege.resource_types {
        let PrivilegeResourceType {
            resource_type,
            required,
            condition_keys: keys,
            dependent_actions: deps,
        } = row;
        let user = || format!("privilege `{name}`, resource type `{rt_name}`");
        ensure!(
            resource_type == rt_name,
            "{}: its `resource_type` field is `{resource_type}`",
            user()
        );
        let keys = lower_keys(keys, &user, key_ref)?;
        let deps = check_dependent_actions(deps, &user)?;
        if rt_name.is_empty() {
            condition_keys = keys;
            dependent_actions = deps;
            continue;
        }
        let id = resource_ids.get(rt_name.as_str()).with_context(|| {
            format!("{}: `resources` does not define this resource type", user())
        })?;
        resource_types.push(ResourceTypeUse {
            resource_type: *id,
            name: rt_name.clone(),
            required: *required,
            condition_keys: keys,
            dependent_actions: deps,
        });
    }
    Ok(Action {
        wire_name: name.to_owned(),
        policy_name: format!("{prefix}:{name}"),
        lower_name: name.to_ascii_lowercase(),
        variant: names.claim("action", naming::variant_name(name), name)?,
        description: privilege.description.clone(),
        access_level: privilege.access_level,
        documentation_url: privilege.api_documentation_link.clone(),
        resource_types,
        condition_keys,
        dependent_actions,
        operation: None,
    })
}

/// Links actions to operations (exact name first, then a unique case-insensitive match) and
/// returns the operations left without an action.
fn link_operations(actions: &mut [Action], operations: &[String]) -> Vec<String> {
    let mut unlinked: Vec<&String> = Vec::new();
    for operation in operations {
        match actions
            .iter_mut()
            .find(|a| a.operation.is_none() && a.wire_name == *operation)
        {
            Some(action) => action.operation = Some(operation.clone()),
            None => unlinked.push(operation),
        }
    }
    let mut left = Vec::new();
    for operation in unlinked {
        let mut candidates = actions
            .iter_mut()
            .filter(|a| a.operation.is_none() && a.wire_name.eq_ignore_ascii_case(operation));
        match (candidates.next(), candidates.next()) {
            (Some(action), None) => action.operation = Some(operation.clone()),
            _ => left.push(operation.clone()),
        }
    }
    left
}
