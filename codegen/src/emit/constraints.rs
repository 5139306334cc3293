//! Client-side validation: one check function per constrained shape in `src/constraints.rs`,
//! and the body of every structure's `validate()`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::shapes::{field_ident, rust_type};
use crate::ir::{Range, Service, ShapeId, ShapeKind};
use crate::naming;

/// Which shapes need checks, and the names of their check functions.
pub struct Constraints {
    needs: Vec<bool>,
    fn_names: BTreeMap<ShapeId, String>,
}

impl Constraints {
    /// Analyses the service.
    pub fn new(svc: &Service) -> Self {
        let n = svc.shapes.len();
        // Fixed point: a shape needs checks if it has its own bounds/pattern or contains a shape that does.
        let mut needs: Vec<bool> = (0..n).map(|i| own_checks(svc, ShapeId(i))).collect();
        loop {
            let mut changed = false;
            for i in 0..n {
                if needs[i] {
                    continue;
                }
                let inner = match &svc.shapes[i].kind {
                    ShapeKind::Structure(s) => s.members.iter().any(|m| needs[m.target.0]),
                    ShapeKind::List(l) => needs[l.member.0],
                    ShapeKind::Map(m) => needs[m.key.0] || needs[m.value.0],
                    _ => false,
                };
                if inner {
                    needs[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut taken = BTreeSet::new();
        let mut fn_names = BTreeMap::new();
        for (i, shape) in svc.shapes.iter().enumerate() {
            if needs[i] && !matches!(shape.kind, ShapeKind::Structure(_)) {
                let mut name = naming::field_name(&shape.wire_name);
                let mut k = 2;
                while !taken.insert(name.clone()) {
                    name = format!("{}{k}", naming::field_name(&shape.wire_name));
                    k += 1;
                }
                fn_names.insert(ShapeId(i), name);
            }
        }
        Constraints { needs, fn_names }
    }

    /// Whether values of this shape have anything to check.
    pub fn needs(&self, id: ShapeId) -> bool {
        self.needs[id.0]
    }

    /// An expression of type `Result<(), BuildError>` checking one value `v` (of type `&T`) of shape `id`.
    fn check_expr(
        &self,
        svc: &Service,
        id: ShapeId,
        v: TokenStream,
        shape_name: &TokenStream,
        field: TokenStream,
    ) -> TokenStream {
        if let ShapeKind::Structure(_) = svc.shape(id).kind {
            quote! { #v.validate() }
        } else {
            let f = naming::ident(&self.fn_names[&id]);
            quote! { crate::constraints::#f(#shape_name, #field, #v) }
        }
    }

    /// A statement checking member value `v` against `field` of `shape_name`.
    fn check_member(
        &self,
        svc: &Service,
        id: ShapeId,
        v: TokenStream,
        shape_name: &TokenStream,
        field: TokenStream,
    ) -> TokenStream {
        let expr = self.check_expr(svc, id, v, shape_name, field.clone());
        if let ShapeKind::Structure(_) = svc.shape(id).kind {
            quote! { #expr.map_err(|e| e.in_field(#shape_name, #field))?; }
        } else {
            quote! { #expr?; }
        }
    }

    /// The body of a structure's `validate()`.
    pub fn struct_checks(&self, svc: &Service, id: ShapeId) -> TokenStream {
        let ShapeKind::Structure(s) = &svc.shape(id).kind else {
            return quote! {};
        };
        let wire = &svc.shape(id).wire_name;
        let shape_name = quote! { #wire };
        let checks = s.members.iter().filter(|m| self.needs(m.target)).map(|m| {
            let f = field_ident(m);
            let mwire = &m.wire_name;
            if m.required {
                let v = if matches!(svc.shape(m.target).kind, ShapeKind::Structure(_)) {
                    quote! { self.#f }
                } else {
                    quote! { &self.#f }
                };
                self.check_member(svc, m.target, v, &shape_name, quote! { #mwire })
            } else {
                let check =
                    self.check_member(svc, m.target, quote! { v }, &shape_name, quote! { #mwire });
                quote! {
                    if let ::std::option::Option::Some(v) = &self.#f {
                        #check
                    }
                }
            }
        });
        quote! { #(#checks)* }
    }

    /// The `src/constraints.rs` module: pattern statics and one check function per constrained non-structure shape.
    pub fn module(&self, svc: &Service) -> TokenStream {
        let mut items = Vec::new();
        for (&id, name) in &self.fn_names {
            let shape = svc.shape(id);
            let f = naming::ident(name);
            let ty = rust_type(svc, id);
            let doc = format!(" Checks a value of shape `{}`.", shape.wire_name);
            let shape_name = quote! { shape };
            let sensitive = shape.sensitive;
            let (param_ty, body) = match &shape.kind {
                ShapeKind::String(s) => {
                    let len = length_check(&s.length, quote! { v.chars().count() });
                    // Lowering keeps only patterns that compile; the program is the matcher.
                    let pat = s.pattern.as_ref().and_then(|p| Some((p, crate::pattern::compile(p)?))).map(|(p, program)| {
                        let stat = format_ident!("{}_PATTERN", name.to_uppercase());
                        let program = program.tokens();
                        items.push(quote! {
                            static #stat: ::stsgen_runtime::validate::Pattern = ::stsgen_runtime::validate::Pattern::new(#p, #program);
                        });
                        quote! { #stat.check(shape, field, v)?; }
                    });
                    (quote! { &str }, quote! { #len #pat })
                }
                ShapeKind::Integer(r) | ShapeKind::Long(r) => {
                    let min = opt_tokens(r.min);
                    let max = opt_tokens(r.max);
                    let value = if matches!(shape.kind, ShapeKind::Integer(_)) {
                        quote! { i64::from(*v) }
                    } else {
                        quote! { *v }
                    };
                    (
                        quote! { &#ty },
                        quote! { ::stsgen_runtime::validate::range_i64(shape, field, #value, #min, #max, #sensitive)?; },
                    )
                }
                ShapeKind::Float(r) | ShapeKind::Double(r) => {
                    let min = opt_f64(r.min);
                    let max = opt_f64(r.max);
                    let value = if matches!(shape.kind, ShapeKind::Float(_)) {
                        quote! { f64::from(*v) }
                    } else {
                        quote! { *v }
                    };
                    (
                        quote! { &#ty },
                        quote! { ::stsgen_runtime::validate::range_f64(shape, field, #value, #min, #max, #sensitive)?; },
                    )
                }
                ShapeKind::Blob { length } => {
                    (quote! { &#ty }, length_check(length, quote! { v.len() }))
                }
                ShapeKind::List(l) => {
                    let len = length_check(&l.length, quote! { v.len() });
                    let item_ty = rust_type(svc, l.member);
                    let items_check = self.needs(l.member).then(|| {
                        let inner = self.check_expr(
                            svc,
                            l.member,
                            quote! { item },
                            &shape_name,
                            quote! { "" },
                        );
                        quote! {
                            for (i, item) in v.iter().enumerate() {
                                #inner.map_err(|e| e.in_element(shape, field, i))?;
                            }
                        }
                    });
                    (quote! { &[#item_ty] }, quote! { #len #items_check })
                }
                ShapeKind::Map(mp) => {
                    let len = length_check(&mp.length, quote! { v.len() });
                    let key_check = self.needs(mp.key).then(|| {
                        let inner =
                            self.check_expr(svc, mp.key, quote! { k }, &shape_name, quote! { "" });
                        quote! { #inner.map_err(|e| e.in_entry(shape, field, &k.to_string()))?; }
                    });
                    let value_check = self.needs(mp.value).then(|| {
                        let inner = self.check_expr(
                            svc,
                            mp.value,
                            quote! { val },
                            &shape_name,
                            quote! { "" },
                        );
                        quote! { #inner.map_err(|e| e.in_entry(shape, field, &k.to_string()))?; }
                    });
                    let loop_ = (key_check.is_some() || value_check.is_some()).then(|| {
                        let head = if value_check.is_some() {
                            quote! { for (k, val) in v }
                        } else {
                            quote! { for k in v.keys() }
                        };
                        quote! {
                            #head {
                                #key_check
                                #value_check
                            }
                        }
                    });
                    (quote! { &#ty }, quote! { #len #loop_ })
                }
                ShapeKind::Boolean
                | ShapeKind::Timestamp { .. }
                | ShapeKind::Structure(_)
                | ShapeKind::Document => continue,
            };
            items.push(quote! {
                #[doc = #doc]
                pub(crate) fn #f(shape: &'static str, field: &str, v: #param_ty) -> ::std::result::Result<(), ::stsgen_runtime::BuildError> {
                    #body
                    Ok(())
                }
            });
        }
        quote! {
            //! Checks of modeled constraints, shared by every structure's `validate()`.
            // Shapes reached only from error structures (which are never validated) have unused checks.
            #![allow(dead_code)]
                        #(#items)*
        }
    }
}

fn own_checks(svc: &Service, id: ShapeId) -> bool {
    match &svc.shape(id).kind {
        ShapeKind::String(s) => {
            s.enum_values.is_empty() && (!s.length.is_empty() || s.pattern.is_some())
        }
        ShapeKind::Integer(r) | ShapeKind::Long(r) => !r.is_empty(),
        ShapeKind::Float(r) | ShapeKind::Double(r) => !r.is_empty(),
        ShapeKind::Blob { length } => !length.is_empty(),
        ShapeKind::List(l) => !l.length.is_empty(),
        ShapeKind::Map(m) => !m.length.is_empty(),
        ShapeKind::Boolean
        | ShapeKind::Timestamp { .. }
        | ShapeKind::Structure(_)
        | ShapeKind::Document => false,
    }
}

fn length_check(range: &Range<u64>, len: TokenStream) -> TokenStream {
    if range.is_empty() {
        return quote! {};
    }
    let min = opt_tokens(range.min);
    let max = opt_tokens(range.max);
    quote! { ::stsgen_runtime::validate::length(shape, field, #len, #min, #max)?; }
}

fn opt_tokens<T: quote::ToTokens>(v: Option<T>) -> TokenStream {
    match v {
        Some(v) => quote! { ::std::option::Option::Some(#v) },
        None => quote! { ::std::option::Option::None },
    }
}

fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(v) => {
            let lit = proc_macro2::Literal::f64_suffixed(v);
            quote! { ::std::option::Option::Some(#lit) }
        }
        None => quote! { ::std::option::Option::None },
    }
}
