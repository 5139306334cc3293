//! Per-operation code: reading each option into the input builder (scalars, lists, maps,
//! structure shorthand), building and sending the input.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::common::{is_scalar, options, shorthand_ident, Emitter, Opt};
use super::help::hint;
use crate::emit::shapes::field_ident;
use crate::ir::{Operation, ShapeId, ShapeKind};
use crate::naming;

impl Emitter<'_> {
    /// The match arm for one input option.
    pub(super) fn option_arm(&self, o: &Opt<'_>, shorthand: &mut BTreeSet<ShapeId>) -> TokenStream {
        let svc = self.svc;
        let m = o.member;
        let flag = &o.flag;
        let add = field_ident(m);
        let set = naming::prefixed_ident("set_", &m.rust_name);
        let get = naming::prefixed_ident("get_", &m.rust_name);
        let label = quote! { &flag };
        let body = match &svc.shape(m.target).kind {
            ShapeKind::Structure(_) => {
                shorthand.insert(m.target);
                let f = shorthand_ident(svc, m.target);
                quote! {
                    if b.#get().is_some() {
                        return Err(repeated(&flag));
                    }
                    let text = single(&flag, values)?;
                    b = b.#set(::std::option::Option::Some(#f(&flag, &text)?));
                }
            }
            ShapeKind::List(l) => {
                let item = l.member;
                let value = if is_scalar(svc, item) {
                    self.scalar(
                        item,
                        &quote! { text.as_str() },
                        Some(&quote! { text }),
                        &label,
                        m.sensitive,
                    )
                } else if matches!(svc.shape(item).kind, ShapeKind::Structure(_)) {
                    shorthand.insert(item);
                    let f = shorthand_ident(svc, item);
                    quote! { #f(&flag, &text)? }
                } else {
                    let what = format!("a list of {}s", self.what(item).trim_start_matches("a "));
                    return quote! { #flag => return Err(unsupported(&flag, #what)), };
                };
                quote! {
                    for text in several(&flag, values)? {
                        b = b.#add(#value);
                    }
                }
            }
            ShapeKind::Map(mp) => {
                if !is_scalar(svc, mp.key) || !is_scalar(svc, mp.value) {
                    let what =
                        format!("a map of {}s", self.what(mp.value).trim_start_matches("a "));
                    return quote! { #flag => return Err(unsupported(&flag, #what)), };
                }
                let k = self.scalar(
                    mp.key,
                    &quote! { key.as_str() },
                    Some(&quote! { key }),
                    &label,
                    false,
                );
                let v = self.scalar(
                    mp.value,
                    &quote! { value.as_str() },
                    Some(&quote! { value }),
                    &label,
                    m.sensitive,
                );
                quote! {
                    for text in several(&flag, values)? {
                        for (key, value) in pairs(&flag, &text)? {
                            b = b.#add(#k, #v);
                        }
                    }
                }
            }
            _ => {
                let value = self.scalar(
                    m.target,
                    &quote! { text.as_str() },
                    Some(&quote! { text }),
                    &label,
                    m.sensitive,
                );
                quote! {
                    if b.#get().is_some() {
                        return Err(repeated(&flag));
                    }
                    let text = single(&flag, values)?;
                    b = b.#set(::std::option::Option::Some(#value));
                }
            }
        };
        quote! { #flag => { #body } }
    }

    /// `op_<module>`: parses the options, builds the input, sends it and prints the output.
    pub(super) fn op_fn(
        &self,
        op: &Operation,
        name: &str,
        index: usize,
        f: &Ident,
        shorthand: &mut BTreeSet<ShapeId>,
    ) -> TokenStream {
        let krate = self.krate;
        let m = naming::ident(&op.module);
        let input_ty = naming::ident(&format!("{}Input", op.rust_name));
        let opts = options(self.svc, op);
        let arms: Vec<TokenStream> = opts.iter().map(|o| self.option_arm(o, shorthand)).collect();
        let parse = if arms.is_empty() {
            quote! {
                let b = #krate::operation::#m::#input_ty::builder();
                for (flag, values) in flags {
                    globals.set(PROGRAM.name, ::std::option::Option::Some(OPERATION), &flag, values)?;
                }
            }
        } else {
            // An input whose every option is one the command line cannot take (IoT's
            // UpdateEventConfigurations: a map of structures) never sets the builder.
            let svc = self.svc;
            let settable = opts.iter().any(|o| match &svc.shape(o.member.target).kind {
                ShapeKind::List(l) => {
                    is_scalar(svc, l.member)
                        || matches!(svc.shape(l.member).kind, ShapeKind::Structure(_))
                }
                ShapeKind::Map(mp) => is_scalar(svc, mp.key) && is_scalar(svc, mp.value),
                _ => true,
            });
            let mutable = settable.then(|| quote! { mut });
            quote! {
                let #mutable b = #krate::operation::#m::#input_ty::builder();
                for (flag, values) in flags {
                    match flag.as_str() {
                        #(#arms)*
                        _ => globals.set(PROGRAM.name, ::std::option::Option::Some(OPERATION), &flag, values)?,
                    }
                }
            }
        };
        let required: Vec<TokenStream> = opts
            .iter()
            .filter(|o| o.member.required)
            .map(|o| {
                let get = naming::prefixed_ident("get_", &o.member.rust_name);
                let flag = &o.flag;
                quote! { (b.#get().is_some(), #flag) }
            })
            .collect();
        let require = (!required.is_empty())
            .then(|| quote! { require(PROGRAM.name, OPERATION, &[#(#required),*])?; });
        let wires = opts.iter().map(|o| o.member.wire_name.as_str());
        let flags = opts.iter().map(|o| o.flag.as_str());
        let send = if op.output.is_some() {
            let writer = naming::prefixed_ident("write_output_", &op.module);
            quote! { cx.send(#index, &globals, &config, client.send(input), #writer) }
        } else {
            quote! { cx.send_without_output(#index, &globals, &config, client.send(input)) }
        };
        let doc = format!(" `{name}`: `{}`.", op.wire_name);
        quote! {
            #[doc = #doc]
            fn #f(cx: &Invocation<'_>, mut globals: Globals, flags: Flags) -> ::std::result::Result<(), Exit> {
                const OPERATION: &str = #name;
                #parse
                #require
                let input = b.build().map_err(|e| invalid_input(e, &[#((#wires, #flags)),*]))?;
                let config = cx.config(&globals)?;
                let client = client(&config)?;
                #send
            }
        }
    }

    /// `shorthand_<shape>`: one structure from `Key=value,Other=value`.
    pub(super) fn shorthand_fn(&self, id: ShapeId) -> TokenStream {
        let svc = self.svc;
        let f = shorthand_ident(svc, id);
        let ty = self.type_path(id);
        let members = &svc
            .structure(id)
            .expect("shorthand for a structure")
            .members;
        let keys = members
            .iter()
            .map(|m| m.wire_name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let doc = format!(
            " One `{}` from shorthand syntax (`{}`).",
            svc.shape(id).wire_name,
            hint(svc, id, false)
        );
        let label = quote! { &format!("{flag} ({key})") };
        let nested_arms: Vec<TokenStream> = members
            .iter()
            .filter(|m| !is_scalar(svc, m.target))
            .map(|m| {
                let wire = &m.wire_name;
                let what = self.what(m.target);
                quote! { #wire => nested(flag, &key, #what), }
            })
            .collect();
        let arms = members.iter().map(|m| {
            let wire = &m.wire_name;
            if !is_scalar(svc, m.target) {
                let what = self.what(m.target);
                return quote! { #wire => return Err(nested(flag, &key, #what)), };
            }
            let set = naming::prefixed_ident("set_", &m.rust_name);
            let value = self.scalar(
                m.target,
                &quote! { value.as_str() },
                Some(&quote! { value }),
                &label,
                m.sensitive,
            );
            quote! { #wire => b = b.#set(::std::option::Option::Some(#value)), }
        });
        let body = if members.is_empty() {
            quote! {
                let b = #ty::builder();
                if let ::std::option::Option::Some((key, _)) = pairs(flag, text)?.into_iter().next() {
                    return Err(unknown_key(flag, &key, #keys));
                }
            }
        } else if nested_arms.len() == members.len() {
            // Nothing settable in shorthand: any key is an error.
            quote! {
                let b = #ty::builder();
                if let ::std::option::Option::Some((key, _)) = pairs(flag, text)?.into_iter().next() {
                    return Err(match key.as_str() {
                        #(#nested_arms)*
                        _ => unknown_key(flag, &key, #keys),
                    });
                }
            }
        } else {
            quote! {
                let mut b = #ty::builder();
                for (key, value) in pairs(flag, text)? {
                    match key.as_str() {
                        #(#arms)*
                        _ => return Err(unknown_key(flag, &key, #keys)),
                    }
                }
            }
        };
        quote! {
            #[doc = #doc]
            fn #f(flag: &str, text: &str) -> ::std::result::Result<#ty, Exit> {
                #body
                b.build().map_err(|e| Exit::Usage(format!("{flag}: {e}")))
            }
        }
    }
}
