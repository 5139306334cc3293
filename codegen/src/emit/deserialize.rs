//! awsQuery response deserializers over the streaming reader: structures, wrapped and
//! flattened lists and maps, attributes, enums (unknown values kept), numbers, booleans,
//! timestamps, blobs; unknown elements are skipped.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::shapes::{field_ident, reachable, rust_type, timestamp_format};
use crate::ir::{Home, Member, Service, ShapeId, ShapeKind, TimestampFormat};
use crate::naming;

/// Name of the shared deserializer function for a structure, list or map shape.
pub fn de_fn(svc: &Service, id: ShapeId) -> proc_macro2::Ident {
    format_ident!("de_{}", naming::field_name(&svc.shape(id).wire_name))
}

/// Name of the deserializer of one entry of a map shape.
fn de_entry_fn(svc: &Service, id: ShapeId) -> proc_macro2::Ident {
    format_ident!("de_{}_entry", naming::field_name(&svc.shape(id).wire_name))
}

/// Whether `id` is an awsQuery error whose only member is a plain-string `message` read from
/// `<Message>` or `<message>`: the element the runtime's `parse_error_metadata` reads the
/// error message from too, so the operation's `parse_error` fills the member from the metadata
/// instead of reading the `<Error>` element again with a reader of its own (one per such error).
pub fn message_only_error(svc: &Service, id: ShapeId) -> bool {
    let shape = svc.shape(id);
    let ShapeKind::Structure(s) = &shape.kind else {
        return false;
    };
    let [m] = s.members.as_slice() else {
        return false;
    };
    shape.home == Home::Error
        && m.rust_name == "message"
        && !m.xml_attribute
        && !m.boxed
        && matches!(element_name(svc, m).as_str(), "message" | "Message")
        && matches!(&svc.shape(m.target).kind, ShapeKind::String(st) if st.enum_values.is_empty())
}

/// Shapes reachable from operation outputs and errors.
pub fn output_shapes(svc: &Service) -> BTreeSet<ShapeId> {
    let roots = svc.operations.iter().filter_map(|o| o.output);
    reachable(
        svc,
        roots.chain(svc.operations.iter().flat_map(|o| o.errors.iter().copied())),
    )
}

/// A scalar read from text `t` (an expression of type `&str`), as an expression of type `T`.
fn parse_scalar(
    svc: &Service,
    id: ShapeId,
    t: TokenStream,
    shape_name: &str,
    member: &str,
    member_ts: Option<TimestampFormat>,
) -> TokenStream {
    let parse = |f: TokenStream| {
        quote! {
            ::stsgen_runtime::types::wire::#f(#t)
                .map_err(|e| ::stsgen_runtime::ParseError::invalid(#shape_name, #member, e, #t))?
        }
    };
    match &svc.shape(id).kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            let ty = rust_type(svc, id);
            quote! { #ty::from(#t) }
        }
        ShapeKind::String(_) => quote! { ::std::borrow::ToOwned::to_owned(#t) },
        ShapeKind::Boolean => parse(quote! { parse_bool }),
        ShapeKind::Integer(_) => parse(quote! { parse_i32 }),
        ShapeKind::Long(_) => parse(quote! { parse_i64 }),
        ShapeKind::Float(_) => parse(quote! { parse_f32 }),
        ShapeKind::Double(_) => parse(quote! { parse_f64 }),
        ShapeKind::Blob { .. } => {
            let p = parse(quote! { decode_base64 });
            quote! { ::stsgen_runtime::Blob::new(#p) }
        }
        ShapeKind::Timestamp { format } => {
            let fmt = timestamp_format(member_ts.or(*format));
            quote! {
                ::stsgen_runtime::types::wire::parse_timestamp(#t, #fmt)
                    .map_err(|e| ::stsgen_runtime::ParseError::invalid(#shape_name, #member, e, #t))?
            }
        }
        _ => quote! { compile_error!("not a scalar") },
    }
}

/// An expression of type `T` reading the element `tag` (an ident of type `StartTag`) as shape `id`.
fn de_value(
    svc: &Service,
    id: ShapeId,
    tag: &proc_macro2::Ident,
    shape_name: &str,
    member: &str,
    member_ts: Option<TimestampFormat>,
) -> TokenStream {
    match &svc.shape(id).kind {
        ShapeKind::Structure(_) | ShapeKind::List(_) | ShapeKind::Map(_) => {
            let f = de_fn(svc, id);
            quote! { crate::protocol::de::#f(r, &#tag)? }
        }
        // Strings, numbers, booleans, blobs and timestamps go through the reader's helpers
        // (compiled once in the runtime), not code converting the text at each member.
        ShapeKind::String(s) if s.enum_values.is_empty() => quote! { r.read_string(&#tag)? },
        ShapeKind::Boolean => read_value(tag, shape_name, member, quote! { parse_bool }),
        ShapeKind::Integer(_) => read_value(tag, shape_name, member, quote! { parse_i32 }),
        ShapeKind::Long(_) => read_value(tag, shape_name, member, quote! { parse_i64 }),
        ShapeKind::Float(_) => read_value(tag, shape_name, member, quote! { parse_f32 }),
        ShapeKind::Double(_) => read_value(tag, shape_name, member, quote! { parse_f64 }),
        ShapeKind::Blob { .. } => {
            let p = read_value(tag, shape_name, member, quote! { decode_base64 });
            quote! { ::stsgen_runtime::Blob::new(#p) }
        }
        ShapeKind::Timestamp { format } => {
            let fmt = timestamp_format(member_ts.or(*format));
            quote! { r.read_timestamp(&#tag, #shape_name, #member, #fmt)? }
        }
        _ => {
            let text = parse_scalar(svc, id, quote! { text }, shape_name, member, member_ts);
            quote! {
                {
                    let text = r.read_text(&#tag)?;
                    let text: &str = &text;
                    #text
                }
            }
        }
    }
}

/// `r.read_value(...)` of the element `tag` with the runtime's wire parser `parse`.
fn read_value(
    tag: &proc_macro2::Ident,
    shape_name: &str,
    member: &str,
    parse: TokenStream,
) -> TokenStream {
    quote! {
        r.read_value(&#tag, #shape_name, #member, ::stsgen_runtime::types::wire::#parse)?
    }
}

/// The element name a member is read from. A flattened list's items repeat under its item
/// name (the member's serialized name unless the IR decided otherwise); other members appear
/// once under the member's serialized name.
fn element_name(svc: &Service, m: &Member) -> String {
    match &svc.shape(m.target).kind {
        ShapeKind::List(l) if l.flattened || m.flattened => m.item_name().to_owned(),
        _ => m.serialized_name().to_owned(),
    }
}

/// Statements reading members into `f_<name>` locals, then an expression building the structure
/// literal `path { ... }` (with `extra` fields appended).
pub fn de_struct_body(
    svc: &Service,
    id: ShapeId,
    path: TokenStream,
    extra: TokenStream,
    lenient_required: bool,
) -> TokenStream {
    let shape = svc.shape(id);
    let ShapeKind::Structure(s) = &shape.kind else {
        return quote! {};
    };
    let shape_name = shape.wire_name.as_str();
    let locals = s.members.iter().map(|m| {
        let local = naming::prefixed_ident("f_", &m.rust_name);
        let ty = rust_type(svc, m.target);
        quote! { let mut #local: ::std::option::Option<#ty> = ::std::option::Option::None; }
    });
    let attrs = s.members.iter().filter(|m| m.xml_attribute).map(|m| {
        let local = naming::prefixed_ident("f_", &m.rust_name);
        let name = element_name(svc, m);
        let value = parse_scalar(
            svc,
            m.target,
            quote! { text },
            shape_name,
            &m.wire_name,
            m.timestamp_format,
        );
        quote! {
            if let ::std::option::Option::Some(text) = tag.attribute(#name) {
                let text: &str = &text;
                #local = ::std::option::Option::Some(#value);
            }
        }
    });
    let child = format_ident!("child");
    let arms = s.members.iter().filter(|m| !m.xml_attribute).map(|m| {
        let local = naming::prefixed_ident("f_", &m.rust_name);
        let name = element_name(svc, m);
        let target = svc.shape(m.target);
        let mut names = vec![name.clone()];
        // Error structures read their `message` member from `<Message>`.
        if shape.home == Home::Error && m.rust_name == "message" && name != "Message" {
            names.push("Message".to_owned());
        }
        let body = match &target.kind {
            ShapeKind::List(l) if l.flattened || m.flattened => {
                let item = de_value(svc, l.member, &child, shape_name, &m.wire_name, None);
                quote! { #local.get_or_insert_with(::std::vec::Vec::new).push(#item); }
            }
            ShapeKind::Map(mp) if mp.flattened || m.flattened => {
                let f = de_entry_fn(svc, m.target);
                quote! {
                    let (k, v) = crate::protocol::de::#f(r, &#child)?;
                    #local.get_or_insert_with(::std::collections::BTreeMap::new).insert(k, v);
                }
            }
            _ => {
                let value = de_value(
                    svc,
                    m.target,
                    &child,
                    shape_name,
                    &m.wire_name,
                    m.timestamp_format,
                );
                quote! { #local = ::std::option::Option::Some(#value); }
            }
        };
        quote! { #(#names)|* => { #body } }
    });
    let inits = s.members.iter().map(|m| {
        let f = field_ident(m);
        let local = naming::prefixed_ident("f_", &m.rust_name);
        let wire = &m.wire_name;
        let mut value = if m.required && !lenient_required {
            quote! { #local.ok_or_else(|| ::stsgen_runtime::ParseError::missing(#shape_name, #wire))? }
        } else {
            quote! { #local }
        };
        if m.boxed {
            value = if m.required && !lenient_required {
                quote! { ::std::boxed::Box::new(#value) }
            } else {
                quote! { #value.map(::std::boxed::Box::new) }
            };
        }
        quote! { #f: #value, }
    });
    let has_children = s.members.iter().any(|m| !m.xml_attribute);
    let loop_ = if has_children {
        quote! {
            while let ::std::option::Option::Some(#child) = r.next_child(tag)? {
                match #child.name() {
                    #(#arms)*
                    _ => r.skip(&#child)?,
                }
            }
        }
    } else {
        quote! {
            while let ::std::option::Option::Some(#child) = r.next_child(tag)? {
                r.skip(&#child)?;
            }
        }
    };
    quote! {
        #(#locals)*
        #(#attrs)*
        #loop_
        Ok(#path { #(#inits)* #extra })
    }
}

/// The `src/protocol/de.rs` module.
pub fn module(svc: &Service) -> TokenStream {
    let reach = output_shapes(svc);
    let mut fns = Vec::new();
    let op_outputs: BTreeSet<ShapeId> = svc.operations.iter().filter_map(|o| o.output).collect();
    // Message-only errors read nothing of their own (see `message_only_error`), unless a
    // structure (an output, another error) holds one as a member.
    let nested = reachable(
        svc,
        reach
            .iter()
            .filter_map(|&id| svc.structure(id))
            .flat_map(|s| s.members.iter().map(|m| m.target)),
    );
    for &id in &reach {
        if message_only_error(svc, id) && !nested.contains(&id) {
            continue;
        }
        let shape = svc.shape(id);
        let f = de_fn(svc, id);
        let ty = rust_type(svc, id);
        let doc = format!(" Reads a `{}`.", shape.wire_name);
        match &shape.kind {
            ShapeKind::Structure(_) => {
                if shape.home != Home::Types && shape.home != Home::Error {
                    continue; // operation outputs are read in their operation module
                }
                let _ = &op_outputs;
                let is_error = shape.home == Home::Error;
                let extra = if is_error {
                    quote! { meta: ::stsgen_runtime::ErrorMetadata::default(), }
                } else {
                    quote! {}
                };
                let body = de_struct_body(svc, id, ty.clone(), extra, is_error);
                fns.push(quote! {
                    #[doc = #doc]
                    pub(crate) fn #f<'a>(
                        r: &mut ::stsgen_runtime::xml::XmlReader<'a>,
                        tag: &::stsgen_runtime::xml::StartTag<'a>,
                    ) -> ::std::result::Result<#ty, ::stsgen_runtime::ParseError> {
                        #body
                    }
                });
            }
            ShapeKind::List(l) => {
                let item_name = l
                    .member_location_name
                    .clone()
                    .unwrap_or_else(|| "member".to_owned());
                let item = format_ident!("item");
                let value = de_value(svc, l.member, &item, &shape.wire_name, &item_name, None);
                fns.push(quote! {
                    #[doc = #doc]
                    pub(crate) fn #f<'a>(
                        r: &mut ::stsgen_runtime::xml::XmlReader<'a>,
                        tag: &::stsgen_runtime::xml::StartTag<'a>,
                    ) -> ::std::result::Result<#ty, ::stsgen_runtime::ParseError> {
                        let mut out = ::std::vec::Vec::new();
                        while let ::std::option::Option::Some(item) = r.next_child(tag)? {
                            if item.name() == #item_name {
                                out.push(#value);
                            } else {
                                r.skip(&item)?;
                            }
                        }
                        Ok(out)
                    }
                });
            }
            ShapeKind::Map(m) => {
                let entry_fn = de_entry_fn(svc, id);
                let kty = rust_type(svc, m.key);
                let vty = rust_type(svc, m.value);
                let key_name = m
                    .key_location_name
                    .clone()
                    .unwrap_or_else(|| "key".to_owned());
                let value_name = m
                    .value_location_name
                    .clone()
                    .unwrap_or_else(|| "value".to_owned());
                let field = format_ident!("field");
                let kval = de_value(svc, m.key, &field, &shape.wire_name, &key_name, None);
                let vval = de_value(svc, m.value, &field, &shape.wire_name, &value_name, None);
                let wire = &shape.wire_name;
                let entry_doc = format!(" Reads one entry of a `{}`.", shape.wire_name);
                fns.push(quote! {
                    #[doc = #entry_doc]
                    pub(crate) fn #entry_fn<'a>(
                        r: &mut ::stsgen_runtime::xml::XmlReader<'a>,
                        tag: &::stsgen_runtime::xml::StartTag<'a>,
                    ) -> ::std::result::Result<(#kty, #vty), ::stsgen_runtime::ParseError> {
                        let mut k = ::std::option::Option::None;
                        let mut v = ::std::option::Option::None;
                        while let ::std::option::Option::Some(field) = r.next_child(tag)? {
                            match field.name() {
                                #key_name => k = ::std::option::Option::Some(#kval),
                                #value_name => v = ::std::option::Option::Some(#vval),
                                _ => r.skip(&field)?,
                            }
                        }
                        let k = k.ok_or_else(|| ::stsgen_runtime::ParseError::missing(#wire, #key_name))?;
                        let v = v.ok_or_else(|| ::stsgen_runtime::ParseError::missing(#wire, #value_name))?;
                        Ok((k, v))
                    }

                    #[doc = #doc]
                    pub(crate) fn #f<'a>(
                        r: &mut ::stsgen_runtime::xml::XmlReader<'a>,
                        tag: &::stsgen_runtime::xml::StartTag<'a>,
                    ) -> ::std::result::Result<#ty, ::stsgen_runtime::ParseError> {
                        let mut out = ::std::collections::BTreeMap::new();
                        while let ::std::option::Option::Some(entry) = r.next_child(tag)? {
                            if entry.name() == "entry" {
                                let (k, v) = #entry_fn(r, &entry)?;
                                out.insert(k, v);
                            } else {
                                r.skip(&entry)?;
                            }
                        }
                        Ok(out)
                    }
                });
            }
            _ => {}
        }
    }
    quote! {
        //! awsQuery deserializers for shapes shared between operations.
        #![allow(dead_code, unused_mut, clippy::match_single_binding)]
        #(#fns)*
    }
}

#[cfg(test)]
mod tests {
    use crate::{generate, Inputs, Options};

    #[test]
    fn message_only_errors_have_no_reader_unless_a_structure_holds_one() {
        let model = r#"{"metadata": {"apiVersion": "1", "protocol": "query", "serviceId": "T",
                                     "endpointPrefix": "t", "signatureVersion": "v4"},
            "operations": {"Go": {"name": "Go", "http": {"method": "POST", "requestUri": "/"},
                "output": {"shape": "GoResult", "resultWrapper": "GoResult"},
                "errors": [{"shape": "Plain"}, {"shape": "Coded"}, {"shape": "Wrapping"}, {"shape": "Held"}]}},
            "shapes": {
                "Text": {"type": "string"},
                "GoResult": {"type": "structure", "members": {"X": {"shape": "Text"}}},
                "Plain": {"type": "structure", "members": {"message": {"shape": "Text"}}, "exception": true},
                "Coded": {"type": "structure", "members": {"message": {"shape": "Text"}, "Reason": {"shape": "Text"}},
                          "exception": true},
                "Wrapping": {"type": "structure", "members": {"message": {"shape": "Text"}, "Inner": {"shape": "Held"}},
                             "exception": true},
                "Held": {"type": "structure", "members": {"message": {"shape": "Text"}}, "exception": true}}}"#;
        let generated = generate(&Inputs {
            service_model: model.to_owned(),
            privileges: None,
            endpoint_rules: None,
            partitions: None,
            options: Options::default(),
        })
        .expect("the model generates");
        let de = &generated.files["src/protocol/de.rs"];
        let op = &generated.files["src/operation/go.rs"];
        let flat = |text: &str| text.split_whitespace().collect::<String>();
        // Only a message: filled from the error metadata, no reader.
        assert!(!de.contains("fn de_plain"), "{de}");
        for e in ["Plain", "Held"] {
            let arm = format!("GoError::{e}(crate::types::error::{e}{{message,meta,}})");
            assert!(flat(op).contains(&arm), "{arm} missing:\n{op}");
        }
        // Other members: read as before; held by another structure: its reader stays for it.
        for f in ["fn de_coded", "fn de_wrapping", "fn de_held"] {
            assert!(de.contains(f), "{f} missing:\n{de}");
        }
        assert!(
            flat(de).contains("crate::protocol::de::de_held(r,&child)"),
            "{de}"
        );
        assert!(flat(op).contains("crate::protocol::de::de_coded,"), "{op}");
    }
}
