//! The generated crate's command-line example, `examples/<crate>.rs`: an AWS-CLI-like tool with
//! one subcommand per operation, generated from the model.
//!
//! `cargo run -p <crate> --example <crate> -- [--endpoint-url URL] [--region R] [--profile P]
//! <operation> [--<member> VALUE]...`
//!
//! - Operations and members are named in kebab case from their wire names (`AssumeRoleWithSAML` ->
//!   `assume-role-with-saml`, `DurationSeconds` -> `--duration-seconds`).
//! - Each input member is one option, parsed by its shape: scalars take one value; lists take
//!   several values after one option or a repeated option; structures take the AWS CLI shorthand
//!   `Key=k,Value=v` (one structure per value; members that are themselves structures, lists or
//!   maps are rejected with a clear message); maps take `k=v` pairs.
//! - The input is built with the crate's public builders and sent with its `Client`; the output
//!   is printed as pretty JSON with the model's member names (unset members and empty lists
//!   omitted, timestamps as `2019-11-09T13:34:41+00:00`, blobs as base64).
//! - Exit status: 0 on success; 1 for a service error (`{"Code":…,"Message":…,"RequestId":…}`
//!   on stderr) or a credentials, endpoint, transport or response failure (a message on stderr);
//!   2 for bad usage or an input that violates a modeled constraint (a message naming the option).
//!
//! Every item is built with `quote!`; the help texts are data computed here.

use std::collections::BTreeSet;

use heck::ToKebabCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::shapes::field_ident;
use crate::emit::inner_doc_attrs;
use crate::ir::{Home, Member, Operation, Service, ShapeId, ShapeKind};
use crate::naming;

/// The kebab-case command-line name of a wire name (`AssumeRoleWithSAML` -> `assume-role-with-saml`).
pub fn cli_name(wire: &str) -> String {
    let spaced: String = wire.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    spaced.to_kebab_case()
}

/// One input member's option.
struct Opt<'a> {
    member: &'a Member,
    /// `--kebab-name`.
    flag: String,
}

/// The options of an operation's input members: kebab-case names, deduplicated (a clash falls
/// back to the lower-cased wire name; `--help` is never a member option).
fn options<'a>(svc: &'a Service, op: &Operation) -> Vec<Opt<'a>> {
    let Some(s) = op.input.and_then(|i| svc.structure(i)) else { return Vec::new() };
    let mut used: BTreeSet<String> = ["--help".to_owned()].into_iter().collect();
    let mut out = Vec::new();
    for m in &s.members {
        let candidates = [format!("--{}", cli_name(&m.wire_name)), format!("--{}", m.wire_name.to_ascii_lowercase())];
        if let Some(flag) = candidates.into_iter().find(|f| !used.contains(f)) {
            used.insert(flag.clone());
            out.push(Opt { member: m, flag });
        }
    }
    out
}

/// The contents of `examples/<crate>.rs`.
pub fn emit_example(svc: &Service) -> TokenStream {
    let krate = naming::ident(&svc.crate_name);
    let program = svc.crate_name.clone();
    let e = Emitter { svc, krate: &krate };

    let mut shorthand_needed = BTreeSet::new();
    let mut op_fns = Vec::new();
    let mut dispatch = Vec::new();
    let mut help_arms = Vec::new();
    for op in &svc.operations {
        let name = cli_name(&op.wire_name);
        let f = format_ident!("op_{}", op.module.trim_start_matches("r#"));
        op_fns.push(e.op_fn(op, &name, &f, &mut shorthand_needed));
        dispatch.push(quote! { #name => #f(globals, flags), });
        let help = op_help(svc, op, &name, &program);
        help_arms.push(quote! { #name => ::std::option::Option::Some(#help), });
    }

    // Shorthand parsers for the structures input options name (directly or as list items).
    let shorthand_fns = shorthand_needed.iter().map(|&id| e.shorthand_fn(id));

    // JSON writers for every structure reachable from an output.
    let mut reachable = BTreeSet::new();
    for op in &svc.operations {
        if let Some(s) = op.output.and_then(|o| svc.structure(o)) {
            for m in &s.members {
                collect_structures(svc, m.target, &mut reachable);
            }
        }
    }
    let shape_writers = reachable.iter().map(|&id| e.shape_writer(id));
    let output_writers = svc.operations.iter().filter(|op| op.output.is_some()).map(|op| e.output_writer(op));

    let usage = format!(
        "usage: {program} [--endpoint-url URL] [--region REGION] [--profile PROFILE] <operation> [--<option> VALUE]...\n"
    );
    let help = top_help(svc, &program, &usage);
    let module_doc = inner_doc_attrs(
        &format!(
            "A command-line client for {} generated from its model, in the style of the AWS CLI.\n\n\
             ```text\n{usage}```\n\n\
             Run with `--help` to list the operations and `<operation> --help` to list an operation's \
             options. The output is printed as JSON with the model's member names (unset members and \
             empty lists are omitted, timestamps are ISO 8601 in UTC such as `2019-11-09T13:34:41+00:00`, \
             blobs are base64). Exit status: 0 on success; 1 for a service error (`{{\"Code\":…,\"Message\":…,\"RequestId\":…}}` \
             on stderr) or a credentials, endpoint, transport or response failure; 2 for bad usage or \
             an input that violates a modeled constraint.",
            svc.full_name
        ),
        "",
    );
    let (lint_hook, lint_fn) = lint_policy(svc, &krate);
    let ext = svc.cli_extension.as_deref().map(naming::ident);
    let helpers = helpers(&krate, &program, &usage, &help, ext.as_ref());
    let (print_help, ext_help, ext_dispatch) = match &ext {
        Some(m) => (
            quote! { print!("{HELP}{}", #krate::#m::HELP); },
            quote! {
                if let ::std::option::Option::Some(help) = #krate::#m::command_help(&operation) {
                    print!("{help}");
                    return Ok(());
                }
            },
            quote! {
                other => match block_on(#krate::#m::command(other, &globals.extension(), &flags))? {
                    ::std::option::Option::Some(result) => result.map_err(extension_failure),
                    ::std::option::Option::None => Err(unknown_operation(&operation)),
                },
            },
        ),
        None => (quote! { print!("{HELP}"); }, quote! {}, quote! { _ => Err(unknown_operation(&operation)), }),
    };
    quote! {
        #module_doc
        #![allow(deprecated)]

        #helpers

        /// Parses the global options and the operation name, then runs the operation.
        fn run(args: ::std::vec::Vec<::std::string::String>) -> ::std::result::Result<(), Exit> {
            let mut globals = Globals::default();
            let mut args = args.into_iter();
            let operation = loop {
                let ::std::option::Option::Some(arg) = args.next() else {
                    return Err(Exit::Usage(format!("no operation given\n{USAGE}(run `{PROGRAM} --help` to list the operations)")));
                };
                if arg == "--help" || arg == "-h" || arg == "help" {
                    #print_help
                    return Ok(());
                }
                if !arg.starts_with("--") {
                    break arg;
                }
                let (flag, value) = match arg.split_once('=') {
                    ::std::option::Option::Some((flag, value)) => (flag.to_owned(), value.to_owned()),
                    ::std::option::Option::None => {
                        let value = args.next().ok_or_else(|| Exit::Usage(format!("{arg} needs a value")))?;
                        (arg, value)
                    }
                };
                globals.set(::std::option::Option::None, &flag, vec![value])?;
            };
            #lint_hook
            let flags = split_flags(args.collect())?;
            if flags.iter().any(|(flag, _)| flag == "--help") {
                #ext_help
                return match operation_help(&operation) {
                    ::std::option::Option::Some(help) => {
                        print!("{help}");
                        Ok(())
                    }
                    ::std::option::Option::None => Err(unknown_operation(&operation)),
                };
            }
            match operation.as_str() {
                #(#dispatch)*
                #ext_dispatch
            }
        }

        /// The help text of an operation.
        fn operation_help(operation: &str) -> ::std::option::Option<&'static str> {
            match operation {
                #(#help_arms)*
                _ => ::std::option::Option::None,
            }
        }

        #lint_fn
        #(#op_fns)*
        #(#shorthand_fns)*
        #(#output_writers)*
        #(#shape_writers)*
    }
}

/// The `lint-policy FILE` subcommand, when the service has a privilege model: the hook in
/// `run` and its function. Findings go to stdout one per line (`CODE PATH: MESSAGE`, exit 1);
/// a file that is not a policy document is a usage error (exit 2).
fn lint_policy(svc: &Service, krate: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    if svc.iam.is_none() {
        return (quote! {}, quote! {});
    }
    let hook = quote! {
        if operation == "lint-policy" {
            return lint_policy(args.collect());
        }
    };
    let f = quote! {
        /// `lint-policy FILE`: checks an IAM policy document against the service's privilege
        /// model; prints each finding as `CODE PATH: MESSAGE`. Exit status: 0 clean, 1 findings,
        /// 2 unreadable file or invalid policy JSON.
        fn lint_policy(args: ::std::vec::Vec<::std::string::String>) -> ::std::result::Result<(), Exit> {
            let [file] = args.as_slice() else {
                return Err(Exit::Usage(format!("usage: {PROGRAM} lint-policy FILE")));
            };
            let text = ::std::fs::read_to_string(file).map_err(|e| Exit::Usage(format!("{file}: {e}")))?;
            let doc = ::stsgen_runtime::iam::policy::PolicyDocument::parse(&text).map_err(|e| Exit::Usage(format!("{file}: {e}")))?;
            let findings = ::stsgen_runtime::iam::policy::lint::<#krate::iam::Model>(&doc);
            for finding in &findings {
                println!("{finding}");
            }
            if findings.is_empty() {
                Ok(())
            } else {
                Err(Exit::Failed(format!("{file}: {} finding(s)", findings.len())))
            }
        }
    };
    (hook, f)
}

/// Structures reachable from `id` through members, list items and map values.
fn collect_structures(svc: &Service, id: ShapeId, out: &mut BTreeSet<ShapeId>) {
    match &svc.shape(id).kind {
        ShapeKind::Structure(s) => {
            if !out.insert(id) {
                return;
            }
            for m in &s.members {
                collect_structures(svc, m.target, out);
            }
        }
        ShapeKind::List(l) => collect_structures(svc, l.member, out),
        ShapeKind::Map(m) => {
            collect_structures(svc, m.key, out);
            collect_structures(svc, m.value, out);
        }
        _ => {}
    }
}

/// Whether a shape is a scalar (one command-line value).
fn is_scalar(svc: &Service, id: ShapeId) -> bool {
    !matches!(svc.shape(id).kind, ShapeKind::Structure(_) | ShapeKind::List(_) | ShapeKind::Map(_))
}

/// A value hint for help texts: `<string>`, `Key=<string>,Value=<string>`, ...
fn hint(svc: &Service, id: ShapeId, nested: bool) -> String {
    match &svc.shape(id).kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            format!("<{}>", s.enum_values.iter().map(|v| v.wire.as_str()).collect::<Vec<_>>().join("|"))
        }
        ShapeKind::String(_) => "<string>".to_owned(),
        ShapeKind::Integer(_) => "<integer>".to_owned(),
        ShapeKind::Long(_) => "<long>".to_owned(),
        ShapeKind::Float(_) | ShapeKind::Double(_) => "<number>".to_owned(),
        ShapeKind::Boolean => "<true|false>".to_owned(),
        ShapeKind::Timestamp { .. } => "<timestamp>".to_owned(),
        ShapeKind::Blob { .. } => "<text>".to_owned(),
        ShapeKind::Structure(_) if nested => "{...}".to_owned(),
        ShapeKind::Structure(s) if s.members.is_empty() => "<nothing>".to_owned(),
        ShapeKind::Structure(s) => s
            .members
            .iter()
            .map(|m| format!("{}={}", m.wire_name, hint(svc, m.target, true)))
            .collect::<Vec<_>>()
            .join(","),
        ShapeKind::List(_) if nested => "[...]".to_owned(),
        ShapeKind::List(l) => format!("{} ...", hint(svc, l.member, !matches!(svc.shape(l.member).kind, ShapeKind::Structure(_)))),
        ShapeKind::Map(_) if nested => "{...}".to_owned(),
        ShapeKind::Map(m) => format!("{}={},...", hint(svc, m.key, true), hint(svc, m.value, true)),
    }
}

/// Plain text from Markdown docs: the first sentence, links reduced to their text.
fn summary(md: &str) -> String {
    let para = md.trim().split("\n\n").next().unwrap_or("").replace('\n', " ");
    let end = para.find(". ").map(|i| i + 1).unwrap_or(para.len());
    let mut out = String::new();
    let mut chars = para[..end].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '*' => {}
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            ']' if chars.peek() == Some(&'(') => {
                for n in chars.by_ref() {
                    if n == ')' {
                        break;
                    }
                }
            }
            '[' => {}
            c => out.push(c),
        }
    }
    out.trim().to_owned()
}

fn top_help(svc: &Service, program: &str, usage: &str) -> String {
    let mut out = String::new();
    out.push_str(usage);
    out.push_str(&format!(
        "\nCalls {} (API version {}) and prints the output as JSON.\n\noperations:\n",
        svc.full_name, svc.api_version
    ));
    let names: Vec<String> = svc.operations.iter().map(|op| cli_name(&op.wire_name)).collect();
    let width = names.iter().map(String::len).max().unwrap_or(0);
    for (op, name) in svc.operations.iter().zip(&names) {
        let mut line = summary(&op.docs);
        if line.chars().count() > 72 {
            line = line.chars().take(69).collect::<String>() + "...";
        }
        out.push_str(format!("  {name:width$}  {line}").trim_end());
        out.push('\n');
    }
    let (profile_line, credentials_line) = if svc.cli_extension.is_some() {
        (
            "\x20 --profile PROFILE    a named profile (default: AWS_PROFILE, then `default`)\n\
             \x20 --output FORMAT      json (default), or a format of the service-specific options below\n",
            "",
        )
    } else {
        (
            "\x20 --profile PROFILE    a named profile (not supported yet: use the environment)\n",
            "\nCredentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.\n",
        )
    };
    out.push_str(&format!(
        "\nglobal options (before or after the operation):\n\
         \x20 --endpoint-url URL   send requests to this URL instead of the resolved endpoint\n\
         \x20 --region REGION      the region (default: AWS_REGION, then AWS_DEFAULT_REGION)\n\
         {profile_line}\
         \nRun `{program} <operation> --help` to list an operation's options. Values: a list takes several\n\
         values after its option or a repeated option; a structure takes Key=Value pairs separated by\n\
         commas (one structure per value); a map takes key=value pairs; a timestamp is ISO 8601\n\
         (2024-01-31T12:00:00Z) or epoch seconds; a blob is the text's bytes. Use --option=VALUE for a\n\
         value that starts with `--`.\n\
         {credentials_line}\
         \nExit status: 0 success; 1 service error (JSON with Code, Message and RequestId on stderr) or a\n\
         credentials, endpoint, transport or response failure; 2 bad usage or an invalid input.\n"
    ));
    out
}

fn op_help(svc: &Service, op: &Operation, name: &str, program: &str) -> String {
    let mut out = format!("usage: {program} [global options] {name} [options]\n");
    let summary = summary(&op.docs);
    if !summary.is_empty() {
        out.push('\n');
        out.push_str(&summary);
        out.push('\n');
    }
    if op.unsigned {
        out.push_str("\nThis operation is sent unsigned: it needs no credentials.\n");
    }
    let mut opts = options(svc, op);
    // Required options first, each group in wire order.
    opts.sort_by_key(|o| !o.member.required);
    if opts.is_empty() {
        out.push_str("\nThis operation has no options.\n");
    } else {
        out.push_str("\noptions:\n");
        for o in &opts {
            let mut line = format!("  {} {}", o.flag, hint(svc, o.member.target, false));
            if o.member.required {
                line.push_str("  (required)");
            }
            if o.member.deprecated.is_some() {
                line.push_str("  (deprecated)");
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push_str("\nglobal options: --endpoint-url URL, --region REGION, --profile PROFILE\n");
    out
}

struct Emitter<'a> {
    svc: &'a Service,
    krate: &'a Ident,
}

impl Emitter<'_> {
    /// The path of a structure or enum type in the generated crate, as the example names it.
    fn type_path(&self, id: ShapeId) -> TokenStream {
        let shape = self.svc.shape(id);
        let krate = self.krate;
        let name = format_ident!("{}", shape.rust_name);
        match shape.home {
            Home::Error => quote! { #krate::types::error::#name },
            _ => quote! { #krate::types::#name },
        }
    }

    /// An expression of the scalar shape `id`'s Rust type read from `text` (a `&str`; `owned`,
    /// when given, is the same text as a `String`). Uses `?` with an [`Exit::Usage`] naming `label`.
    fn scalar(&self, id: ShapeId, text: &TokenStream, owned: Option<&TokenStream>, label: &TokenStream, sensitive: bool) -> TokenStream {
        let krate = self.krate;
        let shown = if sensitive { quote! { ::std::option::Option::None } } else { quote! { ::std::option::Option::Some(#text) } };
        let parse = |f: TokenStream, expected: &str| {
            quote! { #krate::runtime::types::wire::#f.map_err(|_| invalid(#label, #shown, #expected))? }
        };
        match &self.svc.shape(id).kind {
            ShapeKind::String(s) if !s.enum_values.is_empty() => {
                let ty = self.type_path(id);
                match owned {
                    Some(o) => quote! { #ty::from(#o) },
                    None => quote! { #ty::from(#text) },
                }
            }
            ShapeKind::String(_) => match owned {
                Some(o) => quote! { #o },
                None => quote! { ::std::string::String::from(#text) },
            },
            ShapeKind::Integer(_) => parse(quote! { parse_i32(#text) }, "32-bit integer"),
            ShapeKind::Long(_) => parse(quote! { parse_i64(#text) }, "64-bit integer"),
            ShapeKind::Float(_) => parse(quote! { parse_f32(#text) }, "number"),
            ShapeKind::Double(_) => parse(quote! { parse_f64(#text) }, "number"),
            ShapeKind::Boolean => parse(quote! { parse_bool(#text) }, "boolean (true or false)"),
            ShapeKind::Timestamp { .. } => parse(
                quote! { parse_timestamp(#text, #krate::runtime::types::wire::TimestampFormat::DateTime) },
                "timestamp (ISO 8601 such as 2024-01-31T12:00:00Z, or epoch seconds)",
            ),
            ShapeKind::Blob { .. } => match owned {
                Some(o) => quote! { #krate::primitives::Blob::new(#o) },
                None => quote! { #krate::primitives::Blob::new(#text.as_bytes()) },
            },
            ShapeKind::Structure(_) | ShapeKind::List(_) | ShapeKind::Map(_) => {
                unreachable!("scalar() is only called for scalar shapes")
            }
        }
    }

    /// A short description of a non-scalar shape for "not supported" messages.
    fn what(&self, id: ShapeId) -> &'static str {
        match &self.svc.shape(id).kind {
            ShapeKind::Structure(_) => "a structure",
            ShapeKind::List(_) => "a list",
            ShapeKind::Map(_) => "a map",
            _ => "a value",
        }
    }

    /// The match arm for one input option.
    fn option_arm(&self, o: &Opt<'_>, shorthand: &mut BTreeSet<ShapeId>) -> TokenStream {
        let svc = self.svc;
        let m = o.member;
        let flag = &o.flag;
        let add = field_ident(m);
        let base = m.rust_name.trim_start_matches("r#");
        let set = format_ident!("set_{}", base);
        let get = format_ident!("get_{}", base);
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
                    self.scalar(item, &quote! { text.as_str() }, Some(&quote! { text }), &label, m.sensitive)
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
                    let what = format!("a map of {}s", self.what(mp.value).trim_start_matches("a "));
                    return quote! { #flag => return Err(unsupported(&flag, #what)), };
                }
                let k = self.scalar(mp.key, &quote! { key.as_str() }, Some(&quote! { key }), &label, false);
                let v = self.scalar(mp.value, &quote! { value.as_str() }, Some(&quote! { value }), &label, m.sensitive);
                quote! {
                    for text in several(&flag, values)? {
                        for (key, value) in pairs(&flag, &text)? {
                            b = b.#add(#k, #v);
                        }
                    }
                }
            }
            _ => {
                let value = self.scalar(m.target, &quote! { text.as_str() }, Some(&quote! { text }), &label, m.sensitive);
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
    fn op_fn(&self, op: &Operation, name: &str, f: &Ident, shorthand: &mut BTreeSet<ShapeId>) -> TokenStream {
        let krate = self.krate;
        let m = naming::ident(&op.module);
        let input_ty = format_ident!("{}Input", op.rust_name);
        let opts = options(self.svc, op);
        let arms: Vec<TokenStream> = opts.iter().map(|o| self.option_arm(o, shorthand)).collect();
        let parse = if arms.is_empty() {
            quote! {
                let b = #krate::operation::#m::#input_ty::builder();
                for (flag, values) in flags {
                    globals.set(::std::option::Option::Some(OPERATION), &flag, values)?;
                }
            }
        } else {
            quote! {
                let mut b = #krate::operation::#m::#input_ty::builder();
                for (flag, values) in flags {
                    match flag.as_str() {
                        #(#arms)*
                        _ => globals.set(::std::option::Option::Some(OPERATION), &flag, values)?,
                    }
                }
            }
        };
        let required: Vec<TokenStream> = opts
            .iter()
            .filter(|o| o.member.required)
            .map(|o| {
                let get = format_ident!("get_{}", o.member.rust_name.trim_start_matches("r#"));
                let flag = &o.flag;
                quote! { (b.#get().is_some(), #flag) }
            })
            .collect();
        let require = (!required.is_empty()).then(|| quote! { require(OPERATION, &[#(#required),*])?; });
        let wires = opts.iter().map(|o| o.member.wire_name.as_str());
        let flags = opts.iter().map(|o| o.flag.as_str());
        let print = if op.output.is_some() {
            let output_ty = format_ident!("{}Output", op.rust_name);
            let writer = format_ident!("write_output_{}", op.module.trim_start_matches("r#"));
            let json = quote! {
                let mut w = #krate::runtime::json::JsonWriter::pretty();
                #writer(&mut w, &output);
                println!("{}", w.finish());
            };
            match self.svc.cli_extension.as_deref().map(naming::ident) {
                Some(ext) => quote! {
                    #krate::#ext::check_output::<#krate::operation::#m::#output_ty>(&globals.extension()).map_err(extension_failure)?;
                    let output = block_on(client.send(input))?.map_err(sdk_error)?;
                    if !#krate::#ext::print_output(&globals.extension(), &output).map_err(extension_failure)? {
                        #json
                    }
                },
                None => quote! {
                    let output = block_on(client.send(input))?.map_err(sdk_error)?;
                    #json
                },
            }
        } else {
            quote! {
                block_on(client.send(input))?.map_err(sdk_error)?;
            }
        };
        let doc = format!(" `{name}`: `{}`.", op.wire_name);
        quote! {
            #[doc = #doc]
            fn #f(mut globals: Globals, flags: ::std::vec::Vec<(::std::string::String, ::std::vec::Vec<::std::string::String>)>) -> ::std::result::Result<(), Exit> {
                const OPERATION: &str = #name;
                #parse
                #require
                let input = b.build().map_err(|e| invalid_input(e, &[#((#wires, #flags)),*]))?;
                let client = globals.client()?;
                #print
                Ok(())
            }
        }
    }

    /// `shorthand_<shape>`: one structure from `Key=value,Other=value`.
    fn shorthand_fn(&self, id: ShapeId) -> TokenStream {
        let svc = self.svc;
        let f = shorthand_ident(svc, id);
        let ty = self.type_path(id);
        let members = &svc.structure(id).expect("shorthand for a structure").members;
        let keys = members.iter().map(|m| m.wire_name.as_str()).collect::<Vec<_>>().join(", ");
        let doc = format!(" One `{}` from shorthand syntax (`{}`).", svc.shape(id).wire_name, hint(svc, id, false));
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
            let set = format_ident!("set_{}", m.rust_name.trim_start_matches("r#"));
            let value = self.scalar(m.target, &quote! { value.as_str() }, Some(&quote! { value }), &label, m.sensitive);
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

    /// Statements writing value `expr` of shape `id` to `w`; `by_ref`: `expr` is a reference
    /// (else a `Copy` value returned by a getter).
    fn write_value(&self, id: ShapeId, expr: TokenStream, by_ref: bool) -> TokenStream {
        let svc = self.svc;
        let deref = if by_ref { quote! { * } } else { quote! {} };
        let amp = if by_ref { quote! {} } else { quote! { & } };
        match &svc.shape(id).kind {
            ShapeKind::String(s) if !s.enum_values.is_empty() => quote! { w.string(#expr.as_str()); },
            ShapeKind::String(_) => quote! { w.string(#expr); },
            ShapeKind::Integer(_) => quote! { w.integer(i64::from(#deref #expr)); },
            ShapeKind::Long(_) => quote! { w.integer(#deref #expr); },
            ShapeKind::Float(_) => quote! { w.float(f64::from(#deref #expr)); },
            ShapeKind::Double(_) => quote! { w.float(#deref #expr); },
            ShapeKind::Boolean => quote! { w.boolean(#deref #expr); },
            ShapeKind::Timestamp { .. } => quote! { w.timestamp(#amp #expr); },
            ShapeKind::Blob { .. } => quote! { w.blob(#expr.as_bytes()); },
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
                let key = if svc.is_enum(mp.key) { quote! { key.as_str() } } else { quote! { key } };
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
            ShapeKind::Integer(_) | ShapeKind::Long(_) | ShapeKind::Float(_) | ShapeKind::Double(_) | ShapeKind::Boolean | ShapeKind::Timestamp { .. }
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
    fn shape_writer(&self, id: ShapeId) -> TokenStream {
        let krate = self.krate;
        let f = writer_ident(self.svc, id);
        let ty = self.type_path(id);
        let members = &self.svc.structure(id).expect("writer for a structure").members;
        let v = if members.is_empty() { format_ident!("_v") } else { format_ident!("v") };
        let body = self.object_body(members, &v);
        let doc = format!(" Writes a `{}` as a JSON object.", self.svc.shape(id).wire_name);
        quote! {
            #[doc = #doc]
            fn #f(w: &mut #krate::runtime::json::JsonWriter, #v: &#ty) {
                #body
            }
        }
    }

    /// `write_output_<operation>`: writes an operation's output as a JSON object.
    fn output_writer(&self, op: &Operation) -> TokenStream {
        let krate = self.krate;
        let f = format_ident!("write_output_{}", op.module.trim_start_matches("r#"));
        let m = naming::ident(&op.module);
        let output_ty = format_ident!("{}Output", op.rust_name);
        let empty = Vec::new();
        let members = op.output.and_then(|o| self.svc.structure(o)).map(|s| &s.members).unwrap_or(&empty);
        let v = if members.is_empty() { format_ident!("_v") } else { format_ident!("v") };
        let body = self.object_body(members, &v);
        let doc = format!(" Writes the output of `{}` as a JSON object.", op.wire_name);
        quote! {
            #[doc = #doc]
            fn #f(w: &mut #krate::runtime::json::JsonWriter, #v: &#krate::operation::#m::#output_ty) {
                #body
            }
        }
    }
}

fn shorthand_ident(svc: &Service, id: ShapeId) -> Ident {
    format_ident!("shorthand_{}", naming::field_name(&svc.shape(id).rust_name).trim_start_matches("r#"))
}

fn writer_ident(svc: &Service, id: ShapeId) -> Ident {
    format_ident!("write_shape_{}", naming::field_name(&svc.shape(id).rust_name).trim_start_matches("r#"))
}

/// The service-independent part of the example: exit handling, argument splitting, value
/// helpers, the client and the runtime.
fn helpers(krate: &Ident, program: &str, usage: &str, help: &str, ext: Option<&Ident>) -> TokenStream {
    let (output_field, output_arm, global_list) = match ext {
        Some(_) => (
            quote! { output: ::std::option::Option<::std::string::String>, },
            quote! { "--output" => &mut self.output, },
            "--endpoint-url, --region, --profile, --output",
        ),
        None => (quote! {}, quote! {}, "--endpoint-url, --region, --profile"),
    };
    let unknown_global = format!("unknown global option `{{flag}}` (global options: {global_list})");
    let client_fn = match ext {
        Some(m) => quote! {
            /// The options the crate's hand-written command-line module reads.
            fn extension(&self) -> #krate::#m::Globals {
                #krate::#m::Globals {
                    endpoint_url: self.endpoint_url.clone(),
                    region: self.region.clone(),
                    profile: self.profile.clone(),
                    output: self.output.clone(),
                }
            }

            /// The client: configuration from the environment and the profile, then the command
            /// line, with the credentials of the profile's chain (see the crate's command-line module).
            fn client(&self) -> ::std::result::Result<#krate::Client, Exit> {
                let config = #krate::#m::config(&self.extension()).map_err(extension_failure)?;
                #krate::Client::new(config).map_err(|e| Exit::Failed(format!("could not create the HTTP client: {e}")))
            }
        },
        None => quote! {
            /// The client: configuration from the environment, then the command line; credentials
            /// from the environment (operations sent unsigned need none).
            fn client(&self) -> ::std::result::Result<#krate::Client, Exit> {
                if let ::std::option::Option::Some(profile) = &self.profile {
                    return Err(Exit::Usage(format!(
                        "--profile {profile}: named profiles are not supported by this client yet; \
                         set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN instead"
                    )));
                }
                let mut config = #krate::Config::from_env(#krate::meta::SERVICE_ID)
                    .map_err(|e| Exit::Failed(format!("configuration: {e}")))?;
                if let ::std::option::Option::Some(region) = &self.region {
                    config.region = ::std::option::Option::Some(region.clone());
                }
                if let ::std::option::Option::Some(url) = &self.endpoint_url {
                    config.endpoint_url = ::std::option::Option::Some(url.clone());
                }
                config.credentials = ::std::option::Option::Some(::std::sync::Arc::new(#krate::runtime::credentials::EnvironmentCredentials));
                #krate::Client::new(config).map_err(|e| Exit::Failed(format!("could not create the HTTP client: {e}")))
            }
        },
    };
    let failure_fn = ext.map(|m| {
        quote! {
            /// A failure reported by the crate's command-line module.
            fn extension_failure(f: #krate::#m::Failure) -> Exit {
                match f {
                    #krate::#m::Failure::Usage(message) => Exit::Usage(message),
                    #krate::#m::Failure::Failed(message) => Exit::Failed(message),
                }
            }
        }
    });
    quote! {
        #failure_fn

        /// The program name in messages.
        const PROGRAM: &str = #program;
        /// The usage line.
        const USAGE: &str = #usage;
        /// `--help`.
        const HELP: &str = #help;

        /// How the program ends when it does not succeed.
        enum Exit {
            /// Bad usage or an invalid input: a message, exit status 2.
            Usage(::std::string::String),
            /// A failure after the input was accepted (credentials, endpoint, transport, response):
            /// a message, exit status 1.
            Failed(::std::string::String),
            /// A service error: its JSON on stderr, exit status 1.
            Service(::std::string::String),
        }

        fn main() -> ::std::process::ExitCode {
            let mut args = ::std::vec::Vec::new();
            for arg in ::std::env::args_os().skip(1) {
                match arg.into_string() {
                    Ok(arg) => args.push(arg),
                    Err(arg) => {
                        eprintln!("error: argument {arg:?} is not valid UTF-8");
                        return ::std::process::ExitCode::from(2);
                    }
                }
            }
            match run(args) {
                Ok(()) => ::std::process::ExitCode::SUCCESS,
                Err(Exit::Usage(message)) => {
                    eprintln!("error: {message}");
                    ::std::process::ExitCode::from(2)
                }
                Err(Exit::Failed(message)) => {
                    eprintln!("error: {message}");
                    ::std::process::ExitCode::from(1)
                }
                Err(Exit::Service(json)) => {
                    eprintln!("{json}");
                    ::std::process::ExitCode::from(1)
                }
            }
        }

        /// Options that are not input members.
        #[derive(Default)]
        struct Globals {
            endpoint_url: ::std::option::Option<::std::string::String>,
            region: ::std::option::Option<::std::string::String>,
            profile: ::std::option::Option<::std::string::String>,
            #output_field
        }

        impl Globals {
            /// Takes a global option; anything else is an unknown option (of `operation`, when given).
            fn set(&mut self, operation: ::std::option::Option<&str>, flag: &str, values: ::std::vec::Vec<::std::string::String>) -> ::std::result::Result<(), Exit> {
                let slot = match flag {
                    "--endpoint-url" => &mut self.endpoint_url,
                    "--region" => &mut self.region,
                    "--profile" => &mut self.profile,
                    #output_arm
                    _ => {
                        return Err(Exit::Usage(match operation {
                            ::std::option::Option::Some(op) => {
                                format!("unknown option `{flag}` for `{op}` (run `{PROGRAM} {op} --help` to list its options)")
                            }
                            ::std::option::Option::None => {
                                format!(#unknown_global)
                            }
                        }))
                    }
                };
                *slot = ::std::option::Option::Some(single(flag, values)?);
                Ok(())
            }

            #client_fn
        }

        /// Splits the arguments after the operation into options and their values
        /// (`--name v1 v2`, `--name=v`); `-h` is `--help`.
        fn split_flags(args: ::std::vec::Vec<::std::string::String>) -> ::std::result::Result<::std::vec::Vec<(::std::string::String, ::std::vec::Vec<::std::string::String>)>, Exit> {
            let mut flags: ::std::vec::Vec<(::std::string::String, ::std::vec::Vec<::std::string::String>)> = ::std::vec::Vec::new();
            for arg in args {
                if arg == "-h" {
                    flags.push(("--help".to_owned(), ::std::vec::Vec::new()));
                } else if arg.starts_with("--") && arg.len() > 2 {
                    match arg.split_once('=') {
                        ::std::option::Option::Some((flag, value)) => flags.push((flag.to_owned(), vec![value.to_owned()])),
                        ::std::option::Option::None => flags.push((arg, ::std::vec::Vec::new())),
                    }
                } else {
                    match flags.last_mut() {
                        ::std::option::Option::Some((_, values)) => values.push(arg),
                        ::std::option::Option::None => {
                            return Err(Exit::Usage(format!("unexpected argument `{arg}`: options start with `--`")));
                        }
                    }
                }
            }
            Ok(flags)
        }

        /// The one value of a scalar option.
        fn single(flag: &str, mut values: ::std::vec::Vec<::std::string::String>) -> ::std::result::Result<::std::string::String, Exit> {
            if values.len() > 1 {
                return Err(Exit::Usage(format!(
                    "{flag} takes one value, got {} (quote a value that contains spaces)",
                    values.len()
                )));
            }
            values.pop().ok_or_else(|| Exit::Usage(format!("{flag} needs a value")))
        }

        /// The values of a list or map option (at least one).
        #[allow(dead_code)]
        fn several(flag: &str, values: ::std::vec::Vec<::std::string::String>) -> ::std::result::Result<::std::vec::Vec<::std::string::String>, Exit> {
            if values.is_empty() {
                return Err(Exit::Usage(format!("{flag} needs at least one value")));
            }
            Ok(values)
        }

        /// `Key=value,Other=value` pairs; a part without `=` continues the previous value
        /// (`Value=a,b` is `a,b`).
        #[allow(dead_code)]
        fn pairs(flag: &str, text: &str) -> ::std::result::Result<::std::vec::Vec<(::std::string::String, ::std::string::String)>, Exit> {
            let mut out: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = ::std::vec::Vec::new();
            for part in text.split(',') {
                match part.split_once('=') {
                    ::std::option::Option::Some((key, value)) if !key.trim().is_empty() => {
                        out.push((key.trim().to_owned(), value.to_owned()));
                    }
                    _ => match out.last_mut() {
                        ::std::option::Option::Some((_, value)) => {
                            value.push(',');
                            value.push_str(part);
                        }
                        ::std::option::Option::None => {
                            return Err(Exit::Usage(format!("{flag}: expected Key=Value pairs separated by commas")));
                        }
                    },
                }
            }
            Ok(out)
        }

        /// A value that does not parse as its shape's type.
        #[allow(dead_code)]
        fn invalid(label: &str, text: ::std::option::Option<&str>, expected: &str) -> Exit {
            match text {
                ::std::option::Option::Some(text) => Exit::Usage(format!("{label}: `{text}` is not a valid {expected}")),
                ::std::option::Option::None => Exit::Usage(format!("{label}: the value is not a valid {expected}")),
            }
        }

        /// A scalar option given twice.
        #[allow(dead_code)]
        fn repeated(flag: &str) -> Exit {
            Exit::Usage(format!("{flag} is given more than once"))
        }

        /// An option whose shape has no command-line syntax here.
        #[allow(dead_code)]
        fn unsupported(flag: &str, what: &str) -> Exit {
            Exit::Usage(format!("{flag}: {what} is not supported by this command-line client"))
        }

        /// A shorthand key naming a member that is itself a structure, list or map.
        #[allow(dead_code)]
        fn nested(flag: &str, key: &str, what: &str) -> Exit {
            Exit::Usage(format!("{flag}: `{key}` is {what}; nested values are not supported in shorthand syntax"))
        }

        /// A shorthand key that is not a member.
        #[allow(dead_code)]
        fn unknown_key(flag: &str, key: &str, expected: &str) -> Exit {
            Exit::Usage(format!("{flag}: unknown key `{key}` (expected one of: {expected})"))
        }

        /// Required options that were not given.
        #[allow(dead_code)]
        fn require(operation: &str, given: &[(bool, &str)]) -> ::std::result::Result<(), Exit> {
            let missing: ::std::vec::Vec<&str> = given.iter().filter(|(set, _)| !set).map(|(_, flag)| *flag).collect();
            if missing.is_empty() {
                return Ok(());
            }
            Err(Exit::Usage(format!(
                "{operation}: missing required option{} {} (run `{PROGRAM} {operation} --help`)",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", ")
            )))
        }

        /// An unknown operation name.
        fn unknown_operation(operation: &str) -> Exit {
            Exit::Usage(format!("unknown operation `{operation}` (run `{PROGRAM} --help` to list the operations)"))
        }

        /// A missing member or violated constraint, naming the option of the member it is about.
        fn invalid_input(e: #krate::error::BuildError, flags: &[(&str, &str)]) -> Exit {
            let head = e.field().split(['.', '[']).next().unwrap_or_default();
            match flags.iter().find(|(wire, _)| *wire == head) {
                ::std::option::Option::Some((_, flag)) => Exit::Usage(format!("{flag}: {e}")),
                ::std::option::Option::None => Exit::Usage(e.to_string()),
            }
        }

        /// Maps an operation failure to how the program ends.
        fn sdk_error<E>(e: #krate::runtime::error::SdkError<E>) -> Exit
        where
            E: #krate::runtime::client::ServiceError + ::std::fmt::Display,
        {
            match e {
                #krate::runtime::error::SdkError::Service { error, .. } => {
                    let meta = error.meta();
                    let mut w = #krate::runtime::json::JsonWriter::compact();
                    w.begin_object();
                    w.key("Code");
                    w.string(meta.code());
                    w.key("Message");
                    match meta.message() {
                        ::std::option::Option::Some(m) => w.string(m),
                        ::std::option::Option::None => w.null(),
                    }
                    w.key("RequestId");
                    match meta.request_id() {
                        ::std::option::Option::Some(id) => w.string(id),
                        ::std::option::Option::None => w.null(),
                    }
                    w.end_object();
                    Exit::Service(w.finish())
                }
                #krate::runtime::error::SdkError::Construction(e) => Exit::Usage(e.to_string()),
                other => Exit::Failed(other.to_string()),
            }
        }

        /// Runs a future on a current-thread runtime.
        fn block_on<F: ::std::future::Future>(future: F) -> ::std::result::Result<F::Output, Exit> {
            let runtime = ::tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Exit::Failed(format!("could not start the async runtime: {e}")))?;
            Ok(runtime.block_on(future))
        }
    }
}
