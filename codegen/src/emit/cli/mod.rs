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

mod args;
mod common;
mod help;
mod json;

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::doc::inner_doc_attrs;
use crate::ir::{Operation, Service};
use crate::naming;
use common::{cli_name, collect_structures, Emitter};
use help::{op_help, top_help};

/// The contents of `cli/src/lib.rs`: the model-driven part of the service's command line.
pub fn emit_cli(svc: &Service) -> TokenStream {
    let krate = naming::ident(&svc.crate_name);
    let program = svc.crate_name.clone();
    let service_id = &svc.service_id;
    let e = Emitter { svc, krate: &krate };

    // Operations sorted by subcommand: `Program::operation` looks them up by binary search.
    let mut ops: Vec<(String, &Operation)> = svc
        .operations
        .iter()
        .map(|op| (cli_name(&op.wire_name), op))
        .collect();
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
    let output_writers = svc
        .operations
        .iter()
        .filter(|op| op.output.is_some())
        .map(|op| e.output_writer(op));

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
    // A service whose operations are all unsupported (Kinesis Video Media: one streaming
    // operation) has a command line with no operation, which uses neither the argument helpers
    // nor `run`'s parameters, nor the `client` helper.
    let no_operations = svc
        .operations
        .is_empty()
        .then(|| quote! { #![allow(unused_imports, unused_variables, dead_code)] });
    quote! {
        #module_doc
        #![deny(missing_docs)]
        #![allow(deprecated)]
        #no_operations

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
