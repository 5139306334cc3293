//! The endpoint rule set compiled to Rust: `src/endpoint.rs` (parameters, the partition table,
//! and `resolve`, nested `if`/`if let` blocks in rule order) and, when the service has an
//! endpoint test suite, `src/endpoint_tests.rs` with one `#[test]` per case.
//!
//! Each rule becomes one block: its conditions in order, consecutive boolean conditions joined
//! with `&&`, a condition that binds a value (`assign`, or `isSet` of a parameter read later)
//! as `if let Some(name) = ...`. A rule whose conditions hold returns; a tree rule's block
//! holds its sub-rules, and when none of them applies, evaluation goes on after the block
//! (botocore's semantics). Constant conditions (`isSet` of a parameter with a default) are
//! folded, and rules after an unconditional one are unreachable and not emitted.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{format_ident, quote};

use crate::emit::doc::doc_attrs;
use crate::ir::endpoints::{
    Call, Condition, EndpointModel, EndpointTemplate, Expected, Expr, Field, Param, ParamType,
    Property, Rule, RuleKind, Step, Template, TemplatePart, Ty, Value, Var, VarSource,
};
use crate::ir::Service;
use crate::naming;

/// `::stsgen_runtime::endpoint::<name>`.
fn rt(name: &str) -> TokenStream {
    let name = naming::ident(name);
    quote! { ::stsgen_runtime::endpoint::#name }
}

/// The generated `src/endpoint.rs`.
pub fn emit(svc: &Service, model: &EndpointModel) -> TokenStream {
    let module_doc = format!(
        " Endpoint resolution for {}: the service's endpoint rule set compiled into Rust.\n\n \
         Build [`Params`] and call [`resolve`]; the result is an [`Endpoint`] (URL, properties such as \
         the auth schemes to sign with, and headers) or a [`ResolveError`] carrying the rule set's message.",
        svc.full_name
    );
    let module_doc = module_doc.lines().map(|l| quote! { #![doc = #l] });
    let params = emit_params(model);
    let partitions = emit_partitions(model);
    let body = Compiler::new(model).resolve_body(&model.rules);
    quote! {
        #(#module_doc)*

        pub use ::stsgen_runtime::endpoint::{AuthScheme, Document, Endpoint, ResolveError, ResolveErrorKind};

        #params
        #partitions

        /// Resolves the endpoint for `params` by evaluating the service's endpoint rules in order.
        ///
        /// # Errors
        /// The message of the error rule that matched (for example when FIPS is requested in a
        /// partition without FIPS endpoints), or [`ResolveErrorKind::NoMatch`] when no rule matched.
        pub fn resolve(params: &Params) -> ::std::result::Result<Endpoint, ResolveError> {
            #body
        }
    }
}

fn field_ident(p: &Param) -> Ident {
    naming::ident(&p.rust_name)
}

fn setter_ident(p: &Param) -> Ident {
    naming::prefixed_ident("set_", &p.rust_name)
}

fn value_tokens(v: &Value) -> TokenStream {
    match v {
        Value::Bool(b) => quote! { #b },
        Value::String(s) => quote! { #s },
    }
}

fn emit_params(model: &EndpointModel) -> TokenStream {
    let mut fields = Vec::new();
    let mut getters = Vec::new();
    let mut builder_fields = Vec::new();
    let mut setters = Vec::new();
    let mut build_fields = Vec::new();
    for p in &model.params {
        let f = field_ident(p);
        let set = setter_ident(p);
        let mut notes = Vec::new();
        if let Some(b) = &p.built_in {
            notes.push(format!("Bound to the SDK setting `{}`.", b.wire_name));
        }
        match &p.default {
            Some(Value::Bool(b)) => notes.push(format!("Default: `{b}`.")),
            Some(Value::String(s)) => notes.push(format!("Default: `{s:?}`.")),
            None if p.required => notes.push("Required.".to_owned()),
            None => {}
        }
        if let Some(d) = &p.deprecated {
            notes.push(format!("Deprecated: {d}"));
        }
        let docs = format!("{}\n\n{}", p.docs.trim(), notes.join(" "));
        let docs = doc_attrs(&docs, "");
        let wire = &p.wire_name;
        let (field_ty, getter_ty, getter_body, setter_arg, setter_value, value_ty) = match p.ty {
            ParamType::String => (
                quote! { ::std::string::String },
                quote! { &str },
                quote! { &self.#f },
                quote! { impl ::std::convert::Into<::std::string::String> },
                quote! { value.into() },
                quote! { ::std::string::String },
            ),
            ParamType::Boolean => (
                quote! { bool },
                quote! { bool },
                quote! { self.#f },
                quote! { bool },
                quote! { value },
                quote! { bool },
            ),
            ParamType::StringArray => (
                quote! { ::std::vec::Vec<::std::string::String> },
                quote! { &[::std::string::String] },
                quote! { &self.#f },
                quote! { ::std::vec::Vec<::std::string::String> },
                quote! { value },
                quote! { ::std::vec::Vec<::std::string::String> },
            ),
        };
        if p.always_set() {
            fields.push(quote! { #docs pub(crate) #f: #field_ty, });
            getters.push(quote! { #docs pub fn #f(&self) -> #getter_ty { #getter_body } });
        } else {
            fields.push(quote! { #docs pub(crate) #f: ::std::option::Option<#field_ty>, });
            let getter = match p.ty {
                ParamType::String | ParamType::StringArray => quote! { self.#f.as_deref() },
                ParamType::Boolean => quote! { self.#f },
            };
            getters.push(
                quote! { #docs pub fn #f(&self) -> ::std::option::Option<#getter_ty> { #getter } },
            );
        }
        builder_fields.push(quote! { #f: ::std::option::Option<#value_ty>, });
        let set_doc = format!(" Sets `{wire}`.");
        let set_opt_doc = format!(" Sets or clears `{wire}`.");
        setters.push(quote! {
            #[doc = #set_doc]
            pub fn #f(mut self, value: #setter_arg) -> Self {
                self.#f = ::std::option::Option::Some(#setter_value);
                self
            }
            #[doc = #set_opt_doc]
            pub fn #set(mut self, value: ::std::option::Option<#value_ty>) -> Self {
                self.#f = value;
                self
            }
        });
        build_fields.push(match (&p.default, p.required) {
            (Some(Value::Bool(b)), _) => quote! { #f: self.#f.unwrap_or(#b), },
            (Some(Value::String(s)), _) => quote! { #f: self.#f.unwrap_or_else(|| #s.to_owned()), },
            (None, true) => {
                quote! { #f: self.#f.ok_or_else(|| ResolveError::missing_parameter(#wire))?, }
            }
            (None, false) => quote! { #f: self.#f, },
        });
    }
    quote! {
        /// The endpoint rule set's parameters. Build with [`Params::builder`].
        #[derive(Clone, PartialEq, Debug)]
        #[non_exhaustive]
        pub struct Params {
            #(#fields)*
        }

        impl Params {
            /// A builder for the parameters.
            pub fn builder() -> ParamsBuilder {
                ParamsBuilder::default()
            }
            #(#getters)*
        }

        /// Builder for [`Params`]; unset parameters take the rule set's defaults.
        #[derive(Clone, PartialEq, Debug, Default)]
        pub struct ParamsBuilder {
            #(#builder_fields)*
        }

        impl ParamsBuilder {
            #(#setters)*

            /// The parameters, with defaults applied.
            ///
            /// # Errors
            /// [`ResolveErrorKind::MissingParameter`] when a required parameter without a default is unset.
            pub fn build(self) -> ::std::result::Result<Params, ResolveError> {
                ::std::result::Result::Ok(Params { #(#build_fields)* })
            }
        }
    }
}

fn emit_partitions(model: &EndpointModel) -> TokenStream {
    if model.partitions.is_empty() {
        return TokenStream::new();
    }
    let n = proc_macro2::Literal::usize_unsuffixed(model.partitions.len());
    let partition = rt("Partition");
    let outputs = rt("PartitionOutputs");
    let entries =
        model.partitions.iter().map(|p| {
            let (id, regex, name, dns, dual, global) = (
                &p.id,
                &p.region_regex,
                &p.name,
                &p.dns_suffix,
                &p.dual_stack_dns_suffix,
                &p.implicit_global_region,
            );
            let (fips, dual_stack) = (p.supports_fips, p.supports_dual_stack);
            let regions = &p.regions;
            // Lowering checked that the regex compiles.
            let program = crate::pattern::compile(regex).map(|p| p.tokens()).unwrap_or_else(|| {
            quote! { &::stsgen_runtime::validate::pattern::Program { insts: &[], ranges: &[] } }
        });
            quote! {
                #partition::new(
                    #id,
                    #regex,
                    #program,
                    &[#(#regions),*],
                    #outputs {
                        name: #name,
                        dns_suffix: #dns,
                        dual_stack_dns_suffix: #dual,
                        supports_fips: #fips,
                        supports_dual_stack: #dual_stack,
                        implicit_global_region: #global,
                    },
                )
            }
        });
    quote! {
        /// The partition table from `partitions.json`, in matching order.
        static PARTITIONS: [#partition; #n] = [#(#entries),*];
    }
}

/// A compiled value: Rust tokens and what they evaluate to.
#[derive(Clone)]
struct Val {
    tokens: TokenStream,
    ty: Ty,
    /// The tokens evaluate to an `Option` of the value.
    optional: bool,
    /// For strings: the tokens are an owned `String` rather than a `&str`.
    owned: bool,
    /// For booleans: the negation, written without `!` where possible.
    negated: Option<TokenStream>,
    /// A boolean constant.
    constant: Option<bool>,
    /// A string literal.
    literal: Option<String>,
    /// The tokens are this local variable (format arguments can be inlined).
    local: Option<Ident>,
}

impl Val {
    fn new(tokens: TokenStream, ty: Ty, optional: bool) -> Self {
        Val {
            tokens,
            ty,
            optional,
            owned: false,
            negated: None,
            constant: None,
            literal: None,
            local: None,
        }
    }

    fn boolean(tokens: TokenStream, negated: TokenStream) -> Self {
        Val {
            negated: Some(negated),
            ..Val::new(tokens, Ty::Bool, false)
        }
    }

    fn constant(b: bool) -> Self {
        Val {
            constant: Some(b),
            ..Val::boolean(quote! { #b }, {
                let n = !b;
                quote! { #n }
            })
        }
    }

    fn not(self) -> Self {
        if let Some(b) = self.constant {
            return Val::constant(!b);
        }
        if self.optional {
            let t = &self.tokens;
            return Val::boolean(
                quote! { #t != ::std::option::Option::Some(true) },
                quote! { #t == ::std::option::Option::Some(true) },
            );
        }
        let t = self.tokens;
        let n = self.negated.unwrap_or_else(|| quote! { !#t });
        Val::boolean(n, t)
    }

    /// As a `&str` expression (strings only).
    fn as_str(&self) -> TokenStream {
        let t = &self.tokens;
        if self.owned {
            quote! { #t.as_str() }
        } else {
            t.clone()
        }
    }
}

/// One step before a rule's body: a condition, or a binding.
#[derive(Clone)]
enum Guard {
    /// `if <cond> { ... }`.
    Cond(TokenStream),
    /// `if let Some(<name>) = <value> { ... }`; `prunable`: becomes `.is_some()` when the name is unused.
    Let {
        name: Ident,
        value: TokenStream,
        prunable: bool,
    },
    /// `let <name> = <value>;`; dropped when the name is unused.
    Bind { name: Ident, value: TokenStream },
}

/// Compiles rules into statements, tracking which names are bound to locals.
#[derive(Clone)]
struct Compiler<'a> {
    model: &'a EndpointModel,
    /// Rule-set name -> the local holding its (present) value.
    bound: BTreeMap<String, Val>,
    /// Counter for hoisted temporaries.
    temps: usize,
}

impl<'a> Compiler<'a> {
    fn new(model: &'a EndpointModel) -> Self {
        Compiler {
            model,
            bound: BTreeMap::new(),
            temps: 0,
        }
    }

    fn resolve_body(&mut self, rules: &[Rule]) -> TokenStream {
        let (stmts, diverges) = self.rules(rules, true);
        let tail =
            (!diverges).then(|| quote! { ::std::result::Result::Err(ResolveError::no_match()) });
        quote! { #(#stmts)* #tail }
    }

    /// Statements for `rules` in order, and whether control never passes the last of them.
    /// `tail`: the statements end the function, so an unconditional result needs no `return`.
    fn rules(&mut self, rules: &[Rule], tail: bool) -> (Vec<TokenStream>, bool) {
        let mut stmts = Vec::new();
        // The last rule, when it is one condition before a body that always returns: a next
        // rule of the same form with the same body joins it (`if a || b { .. }`), so a body
        // shared by many siblings (STS's sixteen legacy global-endpoint regions) is emitted once.
        let mut mergeable: Option<(usize, TokenStream, String)> = None;
        for rule in rules {
            let mut inner = self.clone();
            let Some(mut guards) = inner.conditions(&rule.conditions) else {
                continue;
            };
            let (body, body_diverges) = inner.body(&rule.kind, &mut guards, tail);
            // Temporaries named in a tree body must not collide with later siblings'.
            self.temps = inner.temps;
            prune(&mut guards, &body);
            let unconditional = guards.iter().all(|g| matches!(g, Guard::Bind { .. }));
            if let ([Guard::Cond(cond)], true) = (guards.as_slice(), body_diverges) {
                let key = body.iter().map(ToString::to_string).collect::<String>();
                if let Some((start, prev, prev_key)) = &mut mergeable {
                    if *prev_key == key {
                        *prev = quote! { #prev || #cond };
                        stmts.truncate(*start);
                        stmts.extend(wrap(&[Guard::Cond(prev.clone())], body));
                        continue;
                    }
                }
                mergeable = Some((stmts.len(), cond.clone(), key));
            } else {
                mergeable = None;
            }
            stmts.extend(wrap(&guards, body));
            if unconditional && body_diverges {
                return (stmts, true);
            }
        }
        (stmts, false)
    }

    /// Guards for a rule's conditions; `None` when a condition can never hold.
    fn conditions(&mut self, conditions: &[Condition]) -> Option<Vec<Guard>> {
        let mut guards = Vec::new();
        for c in conditions {
            // `isSet(Param)`: bind the parameter for later conditions and the body.
            if let (Call::IsSet(Expr::Ref(var)), None) = (&c.call, &c.assign) {
                if !self.bound.contains_key(&var.name) && var.ty.optional {
                    self.bind_param(var, &mut guards, true);
                    continue;
                }
            }
            let v = self.call(&c.call, &mut guards);
            match &c.assign {
                None => match truthiness(&v) {
                    Some(true) => {}
                    Some(false) => return None,
                    None => guards.push(Guard::Cond(condition_tokens(&v))),
                },
                Some(var) => {
                    let name = local_ident(&var.rust_name);
                    if v.ty == Ty::Bool && !v.optional {
                        match v.constant {
                            Some(false) => return None,
                            Some(true) => {}
                            None => guards.push(Guard::Cond(v.tokens.clone())),
                        }
                        self.bound.insert(var.name.clone(), Val::constant(true));
                        continue;
                    }
                    let value = v.tokens.clone();
                    if v.optional {
                        guards.push(Guard::Let {
                            name: name.clone(),
                            value,
                            prunable: true,
                        });
                    } else {
                        guards.push(Guard::Bind {
                            name: name.clone(),
                            value,
                        });
                    }
                    let local = if v.owned {
                        Val::new(quote! { #name.as_str() }, v.ty, false)
                    } else {
                        Val {
                            local: Some(name.clone()),
                            ..Val::new(quote! { #name }, v.ty, false)
                        }
                    };
                    self.bound.insert(var.name.clone(), local);
                }
            }
        }
        Some(guards)
    }

    /// Binds an optional parameter to a local named after it: `if let Some(region) = params.region.as_deref()`.
    fn bind_param(&mut self, var: &Var, guards: &mut Vec<Guard>, prunable: bool) -> Val {
        let name = local_ident(&var.rust_name);
        let value = self.param_access(var).tokens;
        guards.push(Guard::Let {
            name: name.clone(),
            value,
            prunable,
        });
        let mut local = match var.ty.ty {
            Ty::Bool => Val::boolean(quote! { #name }, quote! { !#name }),
            ty => Val::new(quote! { #name }, ty, false),
        };
        local.local = Some(name);
        self.bound.insert(var.name.clone(), local.clone());
        local
    }

    fn param_access(&self, var: &Var) -> Val {
        let VarSource::Param(i) = var.source else {
            unreachable!("assigned names are bound before use")
        };
        let p = &self.model.params[i];
        let f = field_ident(p);
        match (p.ty, var.ty.optional) {
            (ParamType::String, false) => {
                Val::new(quote! { params.#f.as_str() }, Ty::String, false)
            }
            (ParamType::String, true) => {
                Val::new(quote! { params.#f.as_deref() }, Ty::String, true)
            }
            (ParamType::Boolean, false) => {
                Val::boolean(quote! { params.#f }, quote! { !params.#f })
            }
            (ParamType::Boolean, true) => Val::new(quote! { params.#f }, Ty::Bool, true),
            (ParamType::StringArray, false) => {
                Val::new(quote! { params.#f.as_slice() }, Ty::StringList, false)
            }
            (ParamType::StringArray, true) => {
                Val::new(quote! { params.#f.as_deref() }, Ty::StringList, true)
            }
        }
    }

    /// The value of an expression, possibly optional.
    fn expr(&mut self, e: &Expr, guards: &mut Vec<Guard>) -> Val {
        match e {
            Expr::Bool(b) => Val::constant(*b),
            Expr::Int(i) => Val::new(quote! { #i }, Ty::Int, false),
            Expr::Template(t) => self.template(t, guards),
            Expr::Ref(var) => match self.bound.get(&var.name) {
                Some(v) => v.clone(),
                None => self.param_access(var),
            },
            Expr::Call(c) => self.call(c, guards),
        }
    }

    /// The value of an expression that must be present: an optional one is bound first
    /// (`if let Some(..) = ..`), so the rule does not apply when it is absent.
    fn present(&mut self, e: &Expr, guards: &mut Vec<Guard>) -> Val {
        if let Expr::Ref(var) = e {
            if !self.bound.contains_key(&var.name) && var.ty.optional {
                return self.bind_param(var, guards, false);
            }
        }
        let v = self.expr(e, guards);
        self.hoist(v, guards)
    }

    fn hoist(&mut self, v: Val, guards: &mut Vec<Guard>) -> Val {
        if !v.optional {
            return v;
        }
        self.temps += 1;
        let name = format_ident!("value_{}", self.temps);
        guards.push(Guard::Let {
            name: name.clone(),
            value: v.tokens.clone(),
            prunable: false,
        });
        let mut local = match v.ty {
            Ty::Bool => Val::boolean(quote! { #name }, quote! { !#name }),
            ty => Val::new(quote! { #name }, ty, false),
        };
        local.local = Some(name);
        local
    }

    fn call(&mut self, c: &Call, guards: &mut Vec<Guard>) -> Val {
        match c {
            Call::IsSet(e) => {
                if let Expr::Ref(
                    var @ Var {
                        source: VarSource::Param(i),
                        ..
                    },
                ) = e
                {
                    if !self.bound.contains_key(&var.name) && var.ty.optional {
                        let f = field_ident(&self.model.params[*i]);
                        return Val::boolean(
                            quote! { params.#f.is_some() },
                            quote! { params.#f.is_none() },
                        );
                    }
                }
                let v = self.expr(e, guards);
                if v.optional {
                    let t = &v.tokens;
                    Val::boolean(quote! { #t.is_some() }, quote! { #t.is_none() })
                } else {
                    Val::constant(true)
                }
            }
            Call::Not(e) => self.expr(e, guards).not(),
            Call::BooleanEquals(a, b) => {
                let (va, vb) = (self.expr(a, guards), self.expr(b, guards));
                match (va.constant, vb.constant) {
                    (Some(x), Some(y)) => Val::constant(x == y),
                    (Some(k), None) => bool_equals_constant(vb, k),
                    (None, Some(k)) => bool_equals_constant(va, k),
                    (None, None) => {
                        let (va, vb) = (self.hoist(va, guards), self.hoist(vb, guards));
                        let (x, y) = (&va.tokens, &vb.tokens);
                        Val::boolean(quote! { #x == #y }, quote! { #x != #y })
                    }
                }
            }
            Call::StringEquals(a, b) => {
                let (va, vb) = (self.expr(a, guards), self.expr(b, guards));
                match (&va.literal, &vb.literal) {
                    (Some(x), Some(y)) => Val::constant(x == y),
                    (Some(lit), None) => string_equals_literal(&vb, lit),
                    (None, Some(lit)) => string_equals_literal(&va, lit),
                    (None, None) => {
                        let (va, vb) = (self.hoist(va, guards), self.hoist(vb, guards));
                        let (x, y) = (va.as_str(), vb.as_str());
                        Val::boolean(quote! { #x == #y }, quote! { #x != #y })
                    }
                }
            }
            Call::Partition(e) => {
                let region = self.present(e, guards).as_str();
                let f = rt("partition");
                Val::new(quote! { #f(&PARTITIONS, #region) }, Ty::Partition, true)
            }
            Call::ParseUrl(e) => {
                let url = self.present(e, guards).as_str();
                let f = rt("parse_url");
                Val::new(quote! { #f(#url) }, Ty::Url, true)
            }
            Call::Substring {
                value,
                start,
                stop,
                reverse,
            } => {
                let s = self.present(value, guards).as_str();
                let f = rt("substring");
                Val::new(quote! { #f(#s, #start, #stop, #reverse) }, Ty::String, true)
            }
            Call::UriEncode(e) => {
                let s = self.present(e, guards).as_str();
                let f = rt("uri_encode");
                Val {
                    owned: true,
                    ..Val::new(quote! { #f(#s) }, Ty::String, false)
                }
            }
            Call::IsValidHostLabel(a, b) => self.predicate("is_valid_host_label", a, b, guards),
            Call::IsVirtualHostableS3Bucket(a, b) => {
                self.predicate("is_virtual_hostable_s3_bucket", a, b, guards)
            }
            Call::ParseArn(e) => {
                let s = self.present(e, guards).as_str();
                let f = rt("parse_arn");
                Val::new(quote! { #f(#s) }, Ty::Arn, true)
            }
            Call::GetAttr {
                target,
                path,
                ty: result,
            } => {
                let t = self.present(target, guards);
                let mut tokens = t.tokens;
                let mut optional = false;
                for step in path {
                    tokens = match step {
                        Step::Field(field) => field_access(&tokens, *field),
                        Step::Index(i) => {
                            optional = true;
                            // `first()` for `[0]`: clippy's `get_first` refuses `get(0)`.
                            let element = if *i == 0 {
                                quote! { first() }
                            } else {
                                quote! { get(#i) }
                            };
                            quote! { #tokens.#element.map(::std::string::String::as_str) }
                        }
                    };
                }
                match (result.ty, optional) {
                    (Ty::Bool, false) => {
                        let n = quote! { !#tokens };
                        Val::boolean(tokens, n)
                    }
                    (other, _) => Val::new(tokens, other, optional),
                }
            }
        }
    }

    fn predicate(
        &mut self,
        function: &str,
        value: &Expr,
        flag: &Expr,
        guards: &mut Vec<Guard>,
    ) -> Val {
        let s = self.present(value, guards).as_str();
        let b = self.present(flag, guards).tokens;
        let f = rt(function);
        Val::boolean(quote! { #f(#s, #b) }, quote! { !#f(#s, #b) })
    }

    fn template(&mut self, t: &Template, guards: &mut Vec<Guard>) -> Val {
        if let Some(text) = t.as_literal() {
            return Val {
                literal: Some(text.clone()),
                ..Val::new(quote! { #text }, Ty::String, false)
            };
        }
        if let [TemplatePart::Expr(e)] = t.parts.as_slice() {
            // `"{Region}"`: the value itself.
            return self.present(e, guards);
        }
        let mut format = String::new();
        let mut args = Vec::new();
        for part in &t.parts {
            match part {
                TemplatePart::Literal(s) => {
                    format.push_str(&s.replace('{', "{{").replace('}', "}}"))
                }
                TemplatePart::Expr(e) => {
                    let v = self.present(e, guards);
                    match &v.local {
                        Some(name) if !name.to_string().starts_with("r#") => {
                            format.push_str(&format!("{{{name}}}"))
                        }
                        _ => {
                            format.push_str("{}");
                            args.push(v.as_str());
                        }
                    }
                }
            }
        }
        Val {
            owned: true,
            ..Val::new(
                quote! { ::std::format!(#format #(, #args)*) },
                Ty::String,
                false,
            )
        }
    }

    /// A rule's body statements (after its guards), and whether they always return.
    fn body(
        &mut self,
        kind: &RuleKind,
        guards: &mut Vec<Guard>,
        tail: bool,
    ) -> (Vec<TokenStream>, bool) {
        let result = match kind {
            RuleKind::Tree(rules) => {
                let conditional = guards.iter().any(|g| !matches!(g, Guard::Bind { .. }));
                return self.rules(rules, tail && !conditional);
            }
            RuleKind::Endpoint(e) => {
                let endpoint = self.endpoint(e, guards);
                quote! { ::std::result::Result::Ok(#endpoint) }
            }
            RuleKind::Error(message) => {
                let v = self.present(message, guards);
                let m = &v.tokens;
                quote! { ::std::result::Result::Err(ResolveError::rule(#m)) }
            }
        };
        let conditional = guards.iter().any(|g| !matches!(g, Guard::Bind { .. }));
        if tail && !conditional {
            (vec![result], true)
        } else {
            (vec![quote! { return #result; }], true)
        }
    }

    fn endpoint(&mut self, e: &EndpointTemplate, guards: &mut Vec<Guard>) -> TokenStream {
        let url = self.present(&e.url, guards).tokens;
        let mut tokens = quote! { Endpoint::new(#url) };
        for (name, value) in &e.properties {
            let doc = self.property(value, guards);
            tokens = quote! { #tokens.with_property(#name, #doc) };
        }
        for (name, values) in &e.headers {
            let values: Vec<TokenStream> = values
                .iter()
                .map(|v| {
                    let v = self.present(v, guards);
                    let t = &v.tokens;
                    if v.owned {
                        t.clone()
                    } else {
                        quote! { #t.to_owned() }
                    }
                })
                .collect();
            tokens = quote! { #tokens.with_header(#name, ::std::vec![#(#values),*]) };
        }
        tokens
    }

    fn property(&mut self, p: &Property, guards: &mut Vec<Guard>) -> TokenStream {
        match p {
            Property::Bool(b) => quote! { Document::Bool(#b) },
            Property::Int(i) => quote! { Document::Int(#i) },
            Property::String(t) => {
                let v = self.template(t, guards).tokens;
                quote! { Document::from(#v) }
            }
            Property::Array(items) => {
                let items: Vec<_> = items.iter().map(|p| self.property(p, guards)).collect();
                quote! { Document::Array(::std::vec![#(#items),*]) }
            }
            Property::Object(fields) => {
                let fields: Vec<_> = fields
                    .iter()
                    .map(|(k, p)| {
                        let v = self.property(p, guards);
                        quote! { (#k, #v) }
                    })
                    .collect();
                quote! { Document::object([#(#fields),*]) }
            }
        }
    }
}

/// A local's identifier; `params` is the resolver's argument.
fn local_ident(rust_name: &str) -> Ident {
    if rust_name == "params" {
        format_ident!("params_")
    } else {
        naming::ident(rust_name)
    }
}

fn field_access(target: &TokenStream, field: Field) -> TokenStream {
    let (name, method) = match field {
        Field::PartitionName => ("name", false),
        Field::DnsSuffix => ("dns_suffix", false),
        Field::DualStackDnsSuffix => ("dual_stack_dns_suffix", false),
        Field::SupportsFips => ("supports_fips", false),
        Field::SupportsDualStack => ("supports_dual_stack", false),
        Field::ImplicitGlobalRegion => ("implicit_global_region", false),
        Field::Scheme => ("scheme", true),
        Field::Authority => ("authority", true),
        Field::Path => ("path", true),
        Field::NormalizedPath => ("normalized_path", true),
        Field::IsIp => ("is_ip", true),
        Field::ArnPartition => ("partition", true),
        Field::ArnService => ("service", true),
        Field::ArnRegion => ("region", true),
        Field::ArnAccountId => ("account_id", true),
        Field::ArnResourceId => ("resource_id", true),
    };
    let name = Ident::new(name, Span::call_site());
    if method {
        quote! { #target.#name() }
    } else {
        quote! { #target.#name }
    }
}

/// `booleanEquals(v, k)` for a constant `k`.
fn bool_equals_constant(v: Val, k: bool) -> Val {
    if v.optional {
        let t = &v.tokens;
        return Val::boolean(
            quote! { #t == ::std::option::Option::Some(#k) },
            quote! { #t != ::std::option::Option::Some(#k) },
        );
    }
    if k {
        v
    } else {
        v.not()
    }
}

/// `stringEquals(v, "literal")`.
fn string_equals_literal(v: &Val, lit: &str) -> Val {
    if v.optional {
        let t = &v.tokens;
        return Val::boolean(
            quote! { #t == ::std::option::Option::Some(#lit) },
            quote! { #t != ::std::option::Option::Some(#lit) },
        );
    }
    let t = &v.tokens;
    Val::boolean(quote! { #t == #lit }, quote! { #t != #lit })
}

/// Whether a condition value always holds (`Some(true)`), never holds (`Some(false)`), or depends.
fn truthiness(v: &Val) -> Option<bool> {
    if v.ty == Ty::Bool && !v.optional {
        v.constant
    } else if v.optional {
        None
    } else {
        // A present non-boolean value (`uriEncode`) is truthy.
        Some(true)
    }
}

fn condition_tokens(v: &Val) -> TokenStream {
    let t = &v.tokens;
    match (v.ty, v.optional) {
        (Ty::Bool, true) => quote! { #t == ::std::option::Option::Some(true) },
        (Ty::Bool, false) => t.clone(),
        (_, _) => quote! { #t.is_some() },
    }
}

/// Turns bindings whose name the rest of the rule never reads into plain conditions (or drops them).
fn prune(guards: &mut Vec<Guard>, body: &[TokenStream]) {
    let mut i = guards.len();
    while i > 0 {
        i -= 1;
        let name = match &guards[i] {
            Guard::Let {
                name,
                prunable: true,
                ..
            }
            | Guard::Bind { name, .. } => name.clone(),
            _ => continue,
        };
        let used = guards[i + 1..].iter().any(|g| match g {
            Guard::Cond(t) | Guard::Let { value: t, .. } | Guard::Bind { value: t, .. } => {
                reads(t, &name)
            }
        }) || body.iter().any(|t| reads(t, &name));
        if used {
            continue;
        }
        match guards[i].clone() {
            Guard::Let { value, .. } => guards[i] = Guard::Cond(quote! { #value.is_some() }),
            _ => {
                guards.remove(i);
            }
        }
    }
}

/// Whether `tokens` read the local `name` (an identifier not preceded by `.`).
fn reads(tokens: &TokenStream, name: &Ident) -> bool {
    let mut after_dot = false;
    for tt in tokens.clone() {
        match &tt {
            TokenTree::Ident(i) if i == name && !after_dot => return true,
            TokenTree::Group(g) if reads(&g.stream(), name) => return true,
            TokenTree::Literal(l) if format_reads(&l.to_string(), name) => return true,
            _ => {}
        }
        after_dot = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '.');
    }
    false
}

/// Whether a string literal is a format string that inlines `name` (`"{region}"`).
fn format_reads(literal: &str, name: &Ident) -> bool {
    literal.starts_with('"') && literal.replace("{{", "").contains(&format!("{{{name}}}"))
}

/// Nests `body` inside the guards: conditions joined with `&&`, bindings as `if let`/`let`.
fn wrap(guards: &[Guard], body: Vec<TokenStream>) -> Vec<TokenStream> {
    let mut inner = body;
    let mut i = guards.len();
    while i > 0 {
        match &guards[i - 1] {
            Guard::Cond(_) => {
                let mut j = i - 1;
                while j > 0 && matches!(guards[j - 1], Guard::Cond(_)) {
                    j -= 1;
                }
                let conds = guards[j..i].iter().map(|g| match g {
                    Guard::Cond(t) => t.clone(),
                    _ => unreachable!(),
                });
                inner = vec![quote! { if #(#conds)&&* { #(#inner)* } }];
                i = j;
            }
            Guard::Let { name, value, .. } => {
                inner = vec![
                    quote! { if let ::std::option::Option::Some(#name) = #value { #(#inner)* } },
                ];
                i -= 1;
            }
            Guard::Bind { name, value } => {
                inner.insert(0, quote! { let #name = #value; });
                i -= 1;
            }
        }
    }
    inner
}

/// The generated `src/endpoint_tests.rs`: one `#[test]` per case of the endpoint test suite.
pub fn emit_tests(model: &EndpointModel) -> Option<TokenStream> {
    if model.tests.is_empty() {
        return None;
    }
    let cases = model.tests.iter().map(|case| {
        let name = naming::ident(&case.fn_name);
        let docs = doc_attrs(&case.docs, "An endpoint test case.");
        let setters = case.params.iter().map(|(i, v)| {
            let f = field_ident(&model.params[*i]);
            let v = value_tokens(v);
            quote! { .#f(#v) }
        });
        let check = match &case.expect {
            Expected::Endpoint { url, properties, headers } => {
                let props = map_literal(properties.iter().map(|(k, p)| {
                    let v = expected_property(p);
                    quote! { (#k.to_owned(), #v) }
                }));
                let headers = map_literal(headers.iter().map(|(k, vs)| {
                    quote! { (#k.to_owned(), ::std::vec![#(#vs.to_owned()),*]) }
                }));
                quote! { expect_endpoint(result, #url, #props, #headers); }
            }
            Expected::Error(message) => quote! { expect_error(result, #message); },
        };
        quote! {
            #docs
            #[test]
            fn #name() {
                let result = Params::builder() #(#setters)* .build().and_then(|params| resolve(&params));
                #check
            }
        }
    });
    Some(quote! {
        //! The service's endpoint test suite (botocore's `endpoint-tests-1.json`), one test per case.
        use ::std::collections::BTreeMap;
        use ::std::string::String;
        use ::std::vec::Vec;

        use crate::endpoint::{resolve, Document, Endpoint, Params, ResolveError};

        #[track_caller]
        fn expect_endpoint(
            result: ::std::result::Result<Endpoint, ResolveError>,
            url: &str,
            properties: BTreeMap<String, Document>,
            headers: BTreeMap<String, Vec<String>>,
        ) {
            let endpoint = match result {
                ::std::result::Result::Ok(endpoint) => endpoint,
                ::std::result::Result::Err(error) => panic!("expected an endpoint, got the error `{error}`"),
            };
            let (expected_properties, expected_headers) = (&properties, &headers);
            assert_eq!(endpoint.url(), url);
            assert_eq!(endpoint.properties(), expected_properties);
            assert_eq!(endpoint.headers(), expected_headers);
        }

        #[track_caller]
        fn expect_error(result: ::std::result::Result<Endpoint, ResolveError>, message: &str) {
            match result {
                ::std::result::Result::Ok(endpoint) => panic!("expected the error `{message}`, got the endpoint {endpoint:?}"),
                ::std::result::Result::Err(error) => assert_eq!(error.message(), message),
            }
        }

        #(#cases)*
    })
}

/// `BTreeMap::from([entries])`, or `BTreeMap::new()` without entries.
fn map_literal(entries: impl Iterator<Item = TokenStream>) -> TokenStream {
    let entries: Vec<_> = entries.collect();
    if entries.is_empty() {
        quote! { BTreeMap::new() }
    } else {
        quote! { BTreeMap::from([#(#entries),*]) }
    }
}

fn expected_property(p: &Property) -> TokenStream {
    match p {
        Property::Bool(b) => quote! { Document::Bool(#b) },
        Property::Int(i) => quote! { Document::Int(#i) },
        Property::String(t) => {
            let s = t.as_literal().unwrap_or_default();
            quote! { Document::from(#s) }
        }
        Property::Array(items) => {
            let items = items.iter().map(expected_property);
            quote! { Document::Array(::std::vec![#(#items),*]) }
        }
        Property::Object(fields) => {
            let fields = fields.iter().map(|(k, p)| {
                let v = expected_property(p);
                quote! { (#k, #v) }
            });
            quote! { Document::object([#(#fields),*]) }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::endpoints::lower;
    use crate::model::endpoints::{Partitions, RuleSet};

    const PARTITIONS: &str = r#"{"version": "1.1", "partitions": [{"id": "aws",
        "outputs": {"name": "aws", "dnsSuffix": "amazonaws.com", "dualStackDnsSuffix": "api.aws",
                    "supportsFIPS": true, "supportsDualStack": true, "implicitGlobalRegion": "us-east-1"},
        "regionRegex": "^us\\-\\w+\\-\\d+$", "regions": {"us-east-1": {"description": "x"}}}]}"#;

    /// Renders the `resolve` function of a rule set with `Region`, `Endpoint` and `UseFIPS`.
    fn resolve_fn(rules: &str) -> String {
        let text = format!(
            r#"{{"version": "1.0", "parameters": {{
                "Region": {{"type": "string", "required": false}},
                "Endpoint": {{"type": "string", "required": false}},
                "Key": {{"type": "string", "required": false}},
                "Arns": {{"type": "stringArray", "required": false}},
                "UseFIPS": {{"type": "boolean", "required": true, "default": false}}}},
              "rules": {rules}}}"#
        );
        let rules: RuleSet = serde_json::from_str(&text).unwrap();
        let partitions: Partitions = serde_json::from_str(PARTITIONS).unwrap();
        let model = lower(&rules, Some(&partitions), None).unwrap();
        let body = super::Compiler::new(&model).resolve_body(&model.rules);
        let file =
            crate::render::rust_file(quote::quote! { fn resolve() { #body } }, "test").unwrap();
        file.lines().skip(2).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn conditions_nest_bindings_and_join_tests() {
        let out = resolve_fn(
            r#"[{"type": "tree", "conditions": [
                    {"fn": "isSet", "argv": [{"ref": "Region"}]},
                    {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "PartitionResult"},
                    {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]},
                    {"fn": "booleanEquals", "argv": [true, {"fn": "getAttr", "argv": [{"ref": "PartitionResult"}, "supportsFIPS"]}]}],
                 "rules": [{"type": "endpoint", "conditions": [],
                            "endpoint": {"url": "https://svc-fips.{Region}.{PartitionResult#dnsSuffix}"}}]},
                {"type": "error", "conditions": [], "error": "Invalid Configuration: Missing Region"}]"#,
        );
        let expected = r#"fn resolve() {
    if let ::std::option::Option::Some(region) = params.region.as_deref() {
        if let ::std::option::Option::Some(partition_result) = ::stsgen_runtime::endpoint::partition(
            &PARTITIONS,
            region,
        ) {
            if params.use_fips && partition_result.supports_fips {
                return ::std::result::Result::Ok(
                    Endpoint::new(
                        ::std::format!(
                            "https://svc-fips.{region}.{}", partition_result.dns_suffix
                        ),
                    ),
                );
            }
        }
    }
    ::std::result::Result::Err(
        ResolveError::rule("Invalid Configuration: Missing Region"),
    )
}"#;
        assert_eq!(out, expected);
    }

    #[test]
    fn unused_bindings_become_tests_and_constants_fold() {
        let out = resolve_fn(
            r#"[{"type": "endpoint", "conditions": [
                    {"fn": "isSet", "argv": [{"ref": "Endpoint"}]},
                    {"fn": "parseURL", "argv": [{"ref": "Endpoint"}], "assign": "url"},
                    {"fn": "isSet", "argv": [{"ref": "UseFIPS"}]}],
                 "endpoint": {"url": {"ref": "Endpoint"}}},
                {"type": "error", "conditions": [{"fn": "not", "argv": [{"fn": "isSet", "argv": [{"ref": "UseFIPS"}]}]}],
                 "error": "unreachable"},
                {"type": "endpoint", "conditions": [{"fn": "not", "argv": [{"fn": "isSet", "argv": [{"ref": "Region"}]}]}],
                 "endpoint": {"url": "https://{Key}.example.com"}}]"#,
        );
        let expected = r#"fn resolve() {
    if let ::std::option::Option::Some(endpoint) = params.endpoint.as_deref() {
        if ::stsgen_runtime::endpoint::parse_url(endpoint).is_some() {
            return ::std::result::Result::Ok(Endpoint::new(endpoint));
        }
    }
    if params.region.is_none() {
        if let ::std::option::Option::Some(key) = params.key.as_deref() {
            return ::std::result::Result::Ok(
                Endpoint::new(::std::format!("https://{key}.example.com")),
            );
        }
    }
    ::std::result::Result::Err(ResolveError::no_match())
}"#;
        assert_eq!(out, expected);
    }

    #[test]
    fn siblings_with_one_condition_and_the_same_result_share_a_branch() {
        let out = resolve_fn(
            r#"[{"type": "tree", "conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]}], "rules": [
                    {"type": "endpoint", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Region"}, "a-1"]}],
                     "endpoint": {"url": "https://global.example.com"}},
                    {"type": "endpoint", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Region"}, "b-1"]}],
                     "endpoint": {"url": "https://global.example.com"}},
                    {"type": "endpoint", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Region"}, "c-1"]}],
                     "endpoint": {"url": "https://other.example.com"}},
                    {"type": "endpoint", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Region"}, "d-1"]}],
                     "endpoint": {"url": "https://global.example.com"}},
                    {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://{Region}.example.com"}}]},
                {"type": "error", "conditions": [], "error": "no"}]"#,
        );
        let expected = r#"fn resolve() {
    if let ::std::option::Option::Some(region) = params.region.as_deref() {
        if region == "a-1" || region == "b-1" {
            return ::std::result::Result::Ok(
                Endpoint::new("https://global.example.com"),
            );
        }
        if region == "c-1" {
            return ::std::result::Result::Ok(Endpoint::new("https://other.example.com"));
        }
        if region == "d-1" {
            return ::std::result::Result::Ok(
                Endpoint::new("https://global.example.com"),
            );
        }
        return ::std::result::Result::Ok(
            Endpoint::new(::std::format!("https://{region}.example.com")),
        );
    }
    ::std::result::Result::Err(ResolveError::rule("no"))
}"#;
        assert_eq!(out, expected);
    }

    #[test]
    fn list_elements_are_read_with_first_and_get() {
        // `[0]` as `first()` (clippy's `get_first` refuses `get(0)` in the generated crate).
        let out = resolve_fn(
            r#"[{"type": "endpoint", "conditions": [
                    {"fn": "getAttr", "argv": [{"ref": "Arns"}, "[0]"], "assign": "FirstArn"},
                    {"fn": "getAttr", "argv": [{"ref": "Arns"}, "[1]"], "assign": "SecondArn"}],
                 "endpoint": {"url": "https://{FirstArn}.{SecondArn}.example.com"}},
                {"type": "error", "conditions": [], "error": "no"}]"#,
        );
        let flat: String = out.split_whitespace().collect();
        assert!(
            flat.contains("arns.first().map(::std::string::String::as_str)"),
            "{out}"
        );
        assert!(
            flat.contains("arns.get(1usize).map(::std::string::String::as_str)"),
            "{out}"
        );
        assert!(!flat.contains(".get(0"), "{out}");
    }
}
