//! The generated command line, `cli/src/lib.rs` (package `<crate>-cli`): an AWS-CLI-like
//! tool with one subcommand per operation, generated from the model. The fixed parts (main
//! loop, argument splitting, exit handling, the extension trait) are the runtime's `cli`
//! module; a hand-written binary runs it with its own additions (the runtime's
//! `cli::CliExtension`).
//!
//! - Operations and members are named in kebab case from their wire names (`AssumeRoleWithSAML` ->
//!   `assume-role-with-saml`, `DurationSeconds` -> `--duration-seconds`).
//! - Each input member is one option, parsed by its shape: scalars take one value; lists take
//!   several values after one option or a repeated option; structures take the AWS CLI shorthand
//!   `Key=k,Value=v` (one structure per value; members that are themselves structures, lists or
//!   maps are rejected with a clear message); maps take `k=v` pairs.
//! - Help: the operation list with each operation's first sentence; per operation, each option
//!   with its value syntax and the first sentence of the member's docs.
//! - The input is built with the crate's public builders and sent with its `Client`; the output
//!   is printed as pretty JSON with the model's member names (unset members and empty lists
//!   omitted, timestamps as `2019-11-09T13:34:41+00:00`, blobs as base64).
//!
//! Every item is built with `quote!`; the help texts are data computed here.

use std::collections::BTreeSet;

use heck::ToKebabCase;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

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

/// The contents of `cli/src/lib.rs`: the model-driven part of the service's command line.
pub fn emit_cli(svc: &Service) -> TokenStream {
    let krate = naming::ident(&svc.crate_name);
    let program = svc.crate_name.clone();
    let service_id = &svc.service_id;
    let e = Emitter { svc, krate: &krate };

    // Operations sorted by subcommand: `Program::operation` looks them up by binary search.
    let mut ops: Vec<(String, &Operation)> = svc.operations.iter().map(|op| (cli_name(&op.wire_name), op)).collect();
    ops.sort_by(|a, b| a.0.cmp(&b.0));

    let mut shorthand_needed = BTreeSet::new();
    let mut op_fns = Vec::new();
    let mut dispatch = Vec::new();
    let mut infos = Vec::new();
    for (index, (name, op)) in ops.iter().enumerate() {
        let f = naming::prefixed_ident("op_", &op.module);
        op_fns.push(e.op_fn(op, name, index, &f, &mut shorthand_needed));
        dispatch.push(quote! { #index => #f(cx, globals, flags), });
        let help = op_help(svc, op, name, &program);
        let wire = &op.wire_name;
        let members: Vec<&str> = op
            .output
            .and_then(|o| svc.structure(o))
            .map(|s| s.members.iter().map(|m| m.wire_name.as_str()).collect())
            .unwrap_or_default();
        infos.push(quote! {
            ::stsgen_runtime::cli::OperationInfo {
                command: #name,
                operation: #wire,
                output_members: &[#(#members),*],
                help: #help,
            },
        });
    }
    let count = ops.len();

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

    let usage = format!("usage: {program} [global options] <operation> [--<option> VALUE]...\n");
    let help = top_help(svc, &program, &usage);
    let module_doc = inner_doc_attrs(
        &format!(
            "The command line of {full}, generated from its model in the style of the AWS CLI: one \
             subcommand per operation, one option per input member, help from the model's docs.\n\n\
             This crate is a library: a binary runs it with the additions of a hand-written crate \
             (commands, `--profile`, output formats) through \
             [`CliExtension`](::stsgen_runtime::cli::CliExtension):\n\n\
             ```no_run\n\
             fn main() -> std::process::ExitCode {{\n\
             \x20   {lib}_cli::main(&stsgen_runtime::cli::NoExtension)\n\
             }}\n\
             ```\n\n\
             ```text\n{usage}```\n\n\
             The output is printed as JSON with the model's member names (unset members and empty \
             lists are omitted, timestamps are ISO 8601 in UTC such as `2019-11-09T13:34:41+00:00`, \
             blobs are base64). Exit status: 0 on success; 1 for a service error \
             (`{{\"Code\":…,\"Message\":…,\"RequestId\":…}}` on stderr) or a credentials, endpoint, \
             transport or response failure; 2 for bad usage or an input that violates a modeled constraint.",
            full = svc.full_name,
            lib = svc.crate_name,
        ),
        "",
    );
    quote! {
        #module_doc
        #![deny(missing_docs)]
        #![allow(deprecated)]

        use ::stsgen_runtime::cli::args::*;
        use ::stsgen_runtime::cli::{Exit, Flags, Globals, Invocation};

        /// The program: its help and its operations.
        pub const PROGRAM: ::stsgen_runtime::cli::Program = ::stsgen_runtime::cli::Program {
            name: #program,
            service_id: #service_id,
            help: #help,
            operations: &OPERATIONS,
            run,
        };

        /// Runs the command line on the process arguments with `extension`'s additions and
        /// returns the exit status.
        pub fn main(extension: &dyn ::stsgen_runtime::cli::CliExtension) -> ::std::process::ExitCode {
            ::stsgen_runtime::cli::main(&PROGRAM, extension)
        }

        /// The operations, sorted by subcommand.
        static OPERATIONS: [::stsgen_runtime::cli::OperationInfo; #count] = [#(#infos)*];

        /// Runs the operation at `index` of [`OPERATIONS`].
        fn run(cx: &Invocation<'_>, index: usize, globals: Globals, flags: Flags) -> ::std::result::Result<(), Exit> {
            match index {
                #(#dispatch)*
                _ => Err(Exit::Failed(format!("no operation at index {index}"))),
            }
        }

        /// A client for `config`.
        fn client(config: &#krate::Config) -> ::std::result::Result<#krate::Client, Exit> {
            #krate::Client::new(config.clone()).map_err(|e| Exit::Failed(format!("could not create the HTTP client: {e}")))
        }

        #(#op_fns)*
        #(#shorthand_fns)*
        #(#output_writers)*
        #(#shape_writers)*
    }
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
    out.push_str(&format!(
        "\nglobal options (before or after the operation):\n\
         \x20 --endpoint-url URL   send requests to this URL instead of the resolved endpoint\n\
         \x20 --region REGION      the region (default: AWS_REGION, then AWS_DEFAULT_REGION, then the profile's)\n\
         \x20 --profile PROFILE    a named profile (default: AWS_PROFILE, then `default`)\n\
         \x20 --output FORMAT      json (default), or a format listed below\n\
         \nRun `{program} <operation> --help` to list an operation's options. Values: a list takes several\n\
         values after its option or a repeated option; a structure takes Key=Value pairs separated by\n\
         commas (one structure per value); a map takes key=value pairs; a timestamp is ISO 8601\n\
         (2024-01-31T12:00:00Z) or epoch seconds; a blob is the text's bytes. Use --option=VALUE for a\n\
         value that starts with `--`.\n\
         \nExit status: 0 success; 1 service error (JSON with Code, Message and RequestId on stderr) or a\n\
         credentials, endpoint, transport or response failure; 2 bad usage or an invalid input.\n"
    ));
    out
}

/// `text` in lines of at most `width` columns (a longer word gets a line of its own), each
/// indented by `indent` spaces and ended by a newline.
fn wrap(text: &str, indent: usize, width: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent + line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&pad);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&pad);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn op_help(svc: &Service, op: &Operation, name: &str, program: &str) -> String {
    let mut out = format!("usage: {program} [global options] {name} [options]\n");
    let first = summary(&op.docs);
    if !first.is_empty() {
        out.push('\n');
        out.push_str(&first);
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
            let doc = summary(&o.member.docs);
            if !doc.is_empty() {
                out.push_str(&wrap(&doc, 6, 100));
            }
        }
    }
    out.push_str("\nglobal options: --endpoint-url URL, --region REGION, --profile PROFILE, --output FORMAT\n");
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
        let name = naming::ident(&shape.rust_name);
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
            quote! { ::stsgen_runtime::primitives::#f.map_err(|_| invalid(#label, #shown, #expected))? }
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
                quote! { parse_timestamp(#text, ::stsgen_runtime::primitives::TimestampFormat::DateTime) },
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
    fn op_fn(&self, op: &Operation, name: &str, index: usize, f: &Ident, shorthand: &mut BTreeSet<ShapeId>) -> TokenStream {
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
            quote! {
                let mut b = #krate::operation::#m::#input_ty::builder();
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
        let require = (!required.is_empty()).then(|| quote! { require(PROGRAM.name, OPERATION, &[#(#required),*])?; });
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
            let set = naming::prefixed_ident("set_", &m.rust_name);
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
        let f = writer_ident(self.svc, id);
        let ty = self.type_path(id);
        let members = &self.svc.structure(id).expect("writer for a structure").members;
        let v = if members.is_empty() { naming::ident("_v") } else { naming::ident("v") };
        let body = self.object_body(members, &v);
        let doc = format!(" Writes a `{}` as a JSON object.", self.svc.shape(id).wire_name);
        quote! {
            #[doc = #doc]
            fn #f(w: &mut ::stsgen_runtime::json::JsonWriter, #v: &#ty) {
                #body
            }
        }
    }

    /// `write_output_<operation>`: writes an operation's output as a JSON object.
    fn output_writer(&self, op: &Operation) -> TokenStream {
        let krate = self.krate;
        let f = naming::prefixed_ident("write_output_", &op.module);
        let m = naming::ident(&op.module);
        let output_ty = naming::ident(&format!("{}Output", op.rust_name));
        let empty = Vec::new();
        let members = op.output.and_then(|o| self.svc.structure(o)).map(|s| &s.members).unwrap_or(&empty);
        let v = if members.is_empty() { naming::ident("_v") } else { naming::ident("v") };
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

fn shorthand_ident(svc: &Service, id: ShapeId) -> Ident {
    naming::prefixed_ident("shorthand_", &naming::field_name(&svc.shape(id).rust_name))
}

fn writer_ident(svc: &Service, id: ShapeId) -> Ident {
    naming::prefixed_ident("write_shape_", &naming::field_name(&svc.shape(id).rust_name))
}
