//! Structures: the value type with getters and `validate`, and its builder.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::constraints::Constraints;
use crate::emit::doc::doc_attrs;
use crate::emit::shapes::{
    deprecated_attr, field_ident, field_type, is_copy, member_docs, rust_type,
};
use crate::ir::{Member, Service, ShapeId, ShapeKind, Structure};
use crate::naming;

/// How one structure is emitted.
pub struct StructSpec<'a> {
    /// The shape.
    pub id: ShapeId,
    /// The Rust name of the value type.
    pub name: &'a str,
    /// The Rust name of the builder type.
    pub builder_name: &'a str,
    /// Path from the value type's module to the builder's module (`builders`).
    pub builder_path: TokenStream,
    /// Path from the builder's module to the value type (`super`).
    pub value_path: TokenStream,
    /// Docs for the value type (Markdown).
    pub docs: String,
    /// Whether this is an operation output (carries the request id).
    pub is_output: bool,
}

fn structure(svc: &Service, id: ShapeId) -> &Structure {
    match &svc.shape(id).kind {
        ShapeKind::Structure(s) => s,
        _ => unreachable!("StructSpec for a non-structure"),
    }
}

/// The value type: struct definition, `Debug`, getters, `validate`, `builder()`.
pub fn emit_value(svc: &Service, spec: &StructSpec<'_>, constraints: &Constraints) -> TokenStream {
    let s = structure(svc, spec.id);
    let shape = svc.shape(spec.id);
    let name = naming::ident(spec.name);
    let builder_name = naming::ident(spec.builder_name);
    let builder_path = &spec.builder_path;
    let docs = doc_attrs(&spec.docs, &format!("The `{}` structure.", shape.wire_name));
    let dep = deprecated_attr(&shape.deprecated);

    let fields = s.members.iter().map(|m| {
        let f = field_ident(m);
        let ty = field_type(svc, m);
        let d = doc_attrs(&member_docs(svc, m), "");
        quote! { #d pub(crate) #f: #ty, }
    });
    let request_id_field = spec.is_output.then(|| {
        quote! {
            /// The request id of the response this output was read from.
            pub(crate) _request_id: ::std::option::Option<::std::string::String>,
        }
    });

    let getters = s
        .members
        .iter()
        .map(|m| getter(svc, m))
        .chain(s.retired.iter().map(|m| retired_getter(svc, m)));
    let any_sensitive = s.members.iter().any(|m| m.sensitive);
    let derive_debug = if any_sensitive {
        quote! {}
    } else {
        quote! { Debug, }
    };
    let debug_impl =
        any_sensitive.then(|| debug_impl(&name, spec.name, &s.members, spec.is_output));
    let validate_body = constraints.struct_checks(svc, spec.id);
    let wire = &shape.wire_name;
    let request_id_impl = spec.is_output.then(|| {
        quote! {
            impl ::stsgen_runtime::RequestId for #name {
                fn request_id(&self) -> ::std::option::Option<&str> {
                    self._request_id.as_deref()
                }
            }
        }
    });

    quote! {
        #docs
        #dep
        #[derive(Clone, PartialEq, #derive_debug)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #request_id_field
        }

        impl #name {
            /// The model's name for this shape.
            pub const SHAPE_NAME: &'static str = #wire;

            /// A builder for this type.
            pub fn builder() -> #builder_path::#builder_name {
                #builder_path::#builder_name::default()
            }

            #(#getters)*

            /// Checks every modeled constraint (lengths, ranges, patterns), recursively.
            ///
            /// # Errors
            /// The first violated constraint, naming the member and the limit.
            pub fn validate(&self) -> ::std::result::Result<(), ::stsgen_runtime::BuildError> {
                #validate_body
                Ok(())
            }
        }

        #debug_impl
        #request_id_impl
    }
}

fn getter(svc: &Service, m: &Member) -> TokenStream {
    let f = field_ident(m);
    let d = doc_attrs(&member_docs(svc, m), "");
    let dep = deprecated_attr(&m.deprecated);
    let target = svc.shape(m.target);
    let item_ty = rust_type(svc, m.target);
    let (ret, body) = match (&target.kind, m.required) {
        (ShapeKind::String(st), true) if st.enum_values.is_empty() => {
            (quote! { &str }, quote! { &self.#f })
        }
        (ShapeKind::String(st), false) if st.enum_values.is_empty() => (
            quote! { ::std::option::Option<&str> },
            quote! { self.#f.as_deref() },
        ),
        (ShapeKind::List(l), true) => {
            let t = rust_type(svc, l.member);
            (quote! { &[#t] }, quote! { &self.#f })
        }
        (ShapeKind::List(l), false) => {
            let t = rust_type(svc, l.member);
            (
                quote! { &[#t] },
                quote! { self.#f.as_deref().unwrap_or_default() },
            )
        }
        (_, true) if is_copy(svc, m.target) => (quote! { #item_ty }, quote! { self.#f }),
        (_, false) if is_copy(svc, m.target) => (
            quote! { ::std::option::Option<#item_ty> },
            quote! { self.#f },
        ),
        (_, true) => (quote! { &#item_ty }, quote! { &self.#f }),
        (_, false) if m.boxed => (
            quote! { ::std::option::Option<&#item_ty> },
            quote! { self.#f.as_deref() },
        ),
        (_, false) => (
            quote! { ::std::option::Option<&#item_ty> },
            quote! { self.#f.as_ref() },
        ),
    };
    let list_note = match (&target.kind, m.required) {
        (ShapeKind::List(_), false) => {
            quote! {
                #[doc = ""]
                #[doc = " An unset list reads as empty; see the builder's getter to tell the two apart."]
            }
        }
        _ => quote! {},
    };
    quote! {
        #d
        #list_note
        #dep
        pub fn #f(&self) -> #ret {
            #body
        }
    }
}

/// The getter a removed member had (as an optional member), always reading as unset.
fn retired_getter(svc: &Service, m: &Member) -> TokenStream {
    let f = field_ident(m);
    let d = doc_attrs(&m.docs, "");
    let dep = deprecated_attr(&m.deprecated);
    let item_ty = rust_type(svc, m.target);
    let (ret, body) = match &svc.shape(m.target).kind {
        ShapeKind::String(st) if st.enum_values.is_empty() => (
            quote! { ::std::option::Option<&str> },
            quote! { ::std::option::Option::None },
        ),
        ShapeKind::List(l) => {
            let t = rust_type(svc, l.member);
            (quote! { &[#t] }, quote! { &[] })
        }
        _ if is_copy(svc, m.target) => (
            quote! { ::std::option::Option<#item_ty> },
            quote! { ::std::option::Option::None },
        ),
        _ => (
            quote! { ::std::option::Option<&#item_ty> },
            quote! { ::std::option::Option::None },
        ),
    };
    quote! {
        #d
        #dep
        pub fn #f(&self) -> #ret {
            #body
        }
    }
}

/// The builder methods a removed member had; values given to them are dropped.
fn retired_setters(svc: &Service, m: &Member) -> TokenStream {
    let f = field_ident(m);
    let set = naming::prefixed_ident("set_", &m.rust_name);
    let get = naming::prefixed_ident("get_", &m.rust_name);
    let ty = rust_type(svc, m.target);
    let d = doc_attrs(&m.docs, "");
    let dep = deprecated_attr(&m.deprecated);
    let main = match &svc.shape(m.target).kind {
        ShapeKind::List(l) => {
            let item = rust_type(svc, l.member);
            quote! { pub fn #f(self, _item: impl ::std::convert::Into<#item>) -> Self { self } }
        }
        ShapeKind::Map(mp) => {
            let (k, v) = (rust_type(svc, mp.key), rust_type(svc, mp.value));
            quote! { pub fn #f(self, _key: impl ::std::convert::Into<#k>, _value: impl ::std::convert::Into<#v>) -> Self { self } }
        }
        _ => quote! { pub fn #f(self, _value: impl ::std::convert::Into<#ty>) -> Self { self } },
    };
    quote! {
        #d
        #dep
        #main
        #d
        #dep
        pub fn #set(self, _value: ::std::option::Option<#ty>) -> Self {
            self
        }
        #d
        #dep
        pub fn #get(&self) -> &::std::option::Option<#ty> {
            &::std::option::Option::None
        }
    }
}

fn debug_impl(
    name: &proc_macro2::Ident,
    text_name: &str,
    members: &[Member],
    is_output: bool,
) -> TokenStream {
    let fields = members.iter().map(|m| {
        let f = field_ident(m);
        let label = &m.rust_name;
        if m.sensitive {
            if m.required {
                quote! { d.field(#label, &::stsgen_runtime::sensitive::Redacted(&self.#f)); }
            } else {
                quote! { d.field(#label, &::stsgen_runtime::sensitive::RedactedOption(&self.#f)); }
            }
        } else {
            quote! { d.field(#label, &self.#f); }
        }
    });
    let rid = is_output.then(|| quote! { d.field("request_id", &self._request_id); });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut d = f.debug_struct(#text_name);
                #(#fields)*
                #rid
                d.finish()
            }
        }
    }
}

/// The builder type: optional fields, setters, getters and `build()`.
pub fn emit_builder(svc: &Service, spec: &StructSpec<'_>) -> TokenStream {
    let s = structure(svc, spec.id);
    let shape = svc.shape(spec.id);
    let value_path = &spec.value_path;
    let name = naming::ident(spec.name);
    let builder = naming::ident(spec.builder_name);
    let wire = &shape.wire_name;
    let builder_doc = format!(
        " A builder for [`{}`]({}::{}).",
        spec.name,
        quote!(#value_path).to_string().replace(' ', ""),
        spec.name
    );

    let fields = s.members.iter().map(|m| {
        let f = field_ident(m);
        let ty = rust_type(svc, m.target);
        quote! { pub(crate) #f: ::std::option::Option<#ty>, }
    });
    let request_id_field = spec
        .is_output
        .then(|| quote! { pub(crate) _request_id: ::std::option::Option<::std::string::String>, });
    let setters = s
        .members
        .iter()
        .map(|m| setters(svc, m))
        .chain(s.retired.iter().map(|m| retired_setters(svc, m)));
    let inits = s.members.iter().map(|m| {
        let f = field_ident(m);
        let mwire = &m.wire_name;
        let mut value = if m.required {
            quote! { self.#f.ok_or_else(|| ::stsgen_runtime::BuildError::missing(#wire, #mwire))? }
        } else {
            quote! { self.#f }
        };
        if m.boxed {
            value = if m.required {
                quote! { ::std::boxed::Box::new(#value) }
            } else {
                quote! { #value.map(::std::boxed::Box::new) }
            };
        }
        quote! { #f: #value, }
    });
    let request_id_init = spec
        .is_output
        .then(|| quote! { _request_id: self._request_id, });
    let request_id_setter = spec.is_output.then(|| {
        quote! {
            /// Sets the request id (normally read from the response).
            pub fn response_request_id(mut self, request_id: impl ::std::convert::Into<::std::string::String>) -> Self {
                self._request_id = ::std::option::Option::Some(request_id.into());
                self
            }
        }
    });
    let any_sensitive = s.members.iter().any(|m| m.sensitive);
    let derive_debug = if any_sensitive {
        quote! {}
    } else {
        quote! { Debug, }
    };
    let debug_impl = any_sensitive.then(|| {
        let mut optional_members: Vec<Member> = Vec::new();
        for m in &s.members {
            optional_members.push(Member {
                required: false,
                ..clone_member(m)
            });
        }
        debug_impl(
            &builder,
            spec.builder_name,
            &optional_members,
            spec.is_output,
        )
    });

    quote! {
        #[doc = #builder_doc]
        #[derive(Clone, Default, PartialEq, #derive_debug)]
        #[non_exhaustive]
        pub struct #builder {
            #(#fields)*
            #request_id_field
        }

        impl #builder {
            #(#setters)*
            #request_id_setter

            /// Builds the value, checking required members and every modeled constraint.
            ///
            /// # Errors
            /// A [`BuildError`](::stsgen_runtime::BuildError) naming the first missing member or violated constraint.
            pub fn build(self) -> ::std::result::Result<#value_path::#name, ::stsgen_runtime::BuildError> {
                let value = #value_path::#name {
                    #(#inits)*
                    #request_id_init
                };
                value.validate()?;
                Ok(value)
            }
        }

        #debug_impl
    }
}

fn clone_member(m: &Member) -> Member {
    Member {
        json_name: m.json_name.clone(),
        wire_name: m.wire_name.clone(),
        rust_name: m.rust_name.clone(),
        target: m.target,
        required: m.required,
        docs: String::new(),
        location_name: None,
        query_name: None,
        flattened: false,
        flattened_item_name: None,
        xml_attribute: false,
        xml_namespace: None,
        timestamp_format: None,
        deprecated: None,
        sensitive: m.sensitive,
        idempotency_token: false,
        boxed: false,
        location: m.location,
        json_value: m.json_value,
        location_timestamp_format: m.location_timestamp_format,
    }
}

fn setters(svc: &Service, m: &Member) -> TokenStream {
    let f = field_ident(m);
    let set = naming::prefixed_ident("set_", &m.rust_name);
    let get = naming::prefixed_ident("get_", &m.rust_name);
    let ty = rust_type(svc, m.target);
    let docs = doc_attrs(&member_docs(svc, m), "");
    let dep = deprecated_attr(&m.deprecated);
    let wire = &m.wire_name;
    let set_doc = format!(" Sets or clears `{wire}`.");
    let get_doc = format!(" The value set for `{wire}`, if any.");
    let main = match &svc.shape(m.target).kind {
        ShapeKind::List(l) => {
            let item = rust_type(svc, l.member);
            let add_doc = format!(" Appends one item to `{wire}`.");
            quote! {
                #[doc = #add_doc]
                #[doc = ""]
                #docs
                #dep
                pub fn #f(mut self, item: impl ::std::convert::Into<#item>) -> Self {
                    self.#f.get_or_insert_with(::std::vec::Vec::new).push(item.into());
                    self
                }
            }
        }
        ShapeKind::Map(mp) => {
            let k = rust_type(svc, mp.key);
            let v = rust_type(svc, mp.value);
            let add_doc = format!(" Inserts one entry into `{wire}`.");
            quote! {
                #[doc = #add_doc]
                #[doc = ""]
                #docs
                #dep
                pub fn #f(mut self, key: impl ::std::convert::Into<#k>, value: impl ::std::convert::Into<#v>) -> Self {
                    self.#f.get_or_insert_with(::std::collections::BTreeMap::new).insert(key.into(), value.into());
                    self
                }
            }
        }
        _ => quote! {
            #docs
            #dep
            pub fn #f(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                self.#f = ::std::option::Option::Some(value.into());
                self
            }
        },
    };
    quote! {
        #main
        #[doc = #set_doc]
        #dep
        pub fn #set(mut self, value: ::std::option::Option<#ty>) -> Self {
            self.#f = value;
            self
        }
        #[doc = #get_doc]
        #dep
        pub fn #get(&self) -> &::std::option::Option<#ty> {
            &self.#f
        }
    }
}
