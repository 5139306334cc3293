//! JSON writers for the outputs: each structure reachable from an output becomes a function
//! writing it with the runtime's `JsonWriter`, as the AWS CLI prints it.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::common::{writer_ident, Emitter};
use crate::emit::shapes::field_ident;
use crate::ir::{Member, Operation, ShapeId, ShapeKind};
use crate::naming;

impl Emitter<'_> {
    /// Statements writing value `expr` of shape `id` to `w`; `by_ref`: `expr` is a reference
    /// (else a `Copy` value returned by a getter).
    fn write_value(&self, id: ShapeId, expr: TokenStream, by_ref: bool) -> TokenStream {
        let svc = self.svc;
        let deref = if by_ref {
            quote! { * }
        } else {
            quote! {}
        };
        let amp = if by_ref {
            quote! {}
        } else {
            quote! { & }
        };
        match &svc.shape(id).kind {
            ShapeKind::String(s) if !s.enum_values.is_empty() => {
                quote! { w.string(#expr.as_str()); }
            }
            ShapeKind::String(_) => quote! { w.string(#expr); },
            ShapeKind::Integer(_) => quote! { w.integer(i64::from(#deref #expr)); },
            ShapeKind::Long(_) => quote! { w.integer(#deref #expr); },
            ShapeKind::Float(_) => quote! { w.float(f64::from(#deref #expr)); },
            ShapeKind::Double(_) => quote! { w.float(#deref #expr); },
            ShapeKind::Boolean => quote! { w.boolean(#deref #expr); },
            ShapeKind::Timestamp { .. } => quote! { w.timestamp(#amp #expr); },
            ShapeKind::Blob { .. } => quote! { w.blob(#expr.as_bytes()); },
            ShapeKind::Document => quote! { #expr.write(w); },
            ShapeKind::Structure(_) => {
                let f = writer_ident(svc, id);
                quote! { #f(w, #expr); }
            }
            ShapeKind::List(l) => {
                let item = self.write_value(l.member, quote! { item }, true);
                quote! {
                    w.begin_array();
                    for item in #expr {
                        #item
                    }
                    w.end_array();
                }
            }
            ShapeKind::Map(mp) => {
                let key = if svc.is_enum(mp.key) {
                    quote! { key.as_str() }
                } else {
                    quote! { key }
                };
                let value = self.write_value(mp.value, quote! { value }, true);
                quote! {
                    w.begin_object();
                    for (key, value) in #expr {
                        w.key(#key);
                        #value
                    }
                    w.end_object();
                }
            }
        }
    }

    /// Statements writing member `m` of `obj` (through its getter) as `"Wire": value`, if set.
    fn write_member(&self, m: &Member, obj: &TokenStream) -> TokenStream {
        let svc = self.svc;
        let g = field_ident(m);
        let key = &m.wire_name;
        let copy = matches!(
            svc.shape(m.target).kind,
            ShapeKind::Integer(_)
                | ShapeKind::Long(_)
                | ShapeKind::Float(_)
                | ShapeKind::Double(_)
                | ShapeKind::Boolean
                | ShapeKind::Timestamp { .. }
        );
        match (&svc.shape(m.target).kind, m.required) {
            (ShapeKind::List(_), _) => {
                let write = self.write_value(m.target, quote! { items }, true);
                quote! {
                    let items = #obj.#g();
                    if !items.is_empty() {
                        w.key(#key);
                        #write
                    }
                }
            }
            (_, true) => {
                let write = self.write_value(m.target, quote! { #obj.#g() }, !copy);
                quote! {
                    w.key(#key);
                    #write
                }
            }
            (_, false) => {
                let write = self.write_value(m.target, quote! { v }, !copy);
                quote! {
                    if let ::std::option::Option::Some(v) = #obj.#g() {
                        w.key(#key);
                        #write
                    }
                }
            }
        }
    }

    fn object_body(&self, members: &[Member], obj: &Ident) -> TokenStream {
        let obj = quote! { #obj };
        let writes = members.iter().map(|m| {
            let write = self.write_member(m, &obj);
            quote! { { #write } }
        });
        quote! {
            w.begin_object();
            #(#writes)*
            w.end_object();
        }
    }

    /// `write_shape_<shape>`: writes a structure as a JSON object.
    pub(super) fn shape_writer(&self, id: ShapeId) -> TokenStream {
        let f = writer_ident(self.svc, id);
        let ty = self.type_path(id);
        let members = &self
            .svc
            .structure(id)
            .expect("writer for a structure")
            .members;
        let v = if members.is_empty() {
            naming::ident("_v")
        } else {
            naming::ident("v")
        };
        let body = self.object_body(members, &v);
        let doc = format!(
            " Writes a `{}` as a JSON object.",
            self.svc.shape(id).wire_name
        );
        quote! {
            #[doc = #doc]
            fn #f(w: &mut ::stsgen_runtime::json::JsonWriter, #v: &#ty) {
                #body
            }
        }
    }

    /// `write_output_<operation>`: writes an operation's output as a JSON object.
    pub(super) fn output_writer(&self, op: &Operation) -> TokenStream {
        let krate = self.krate;
        let f = naming::prefixed_ident("write_output_", &op.module);
        let m = naming::ident(&op.module);
        let output_ty = naming::ident(&format!("{}Output", op.rust_name));
        let empty = Vec::new();
        let members = op
            .output
            .and_then(|o| self.svc.structure(o))
            .map(|s| &s.members)
            .unwrap_or(&empty);
        let v = if members.is_empty() {
            naming::ident("_v")
        } else {
            naming::ident("v")
        };
        let body = self.object_body(members, &v);
        let doc = format!(" Writes the output of `{}` as a JSON object.", op.wire_name);
        quote! {
            #[doc = #doc]
            fn #f(w: &mut ::stsgen_runtime::json::JsonWriter, #v: &#krate::operation::#m::#output_ty) {
                #body
            }
        }
    }
}
