//! The help texts: the program's operation list and each operation's options with the first
//! sentence of their docs. Plain text computed here, emitted as string constants.

use super::common::{cli_name, options};
use crate::ir::{Operation, Service, ShapeId, ShapeKind};

/// A value hint for help texts: `<string>`, `Key=<string>,Value=<string>`, ...
pub(super) fn hint(svc: &Service, id: ShapeId, nested: bool) -> String {
    match &svc.shape(id).kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            format!(
                "<{}>",
                s.enum_values
                    .iter()
                    .map(|v| v.wire.as_str())
                    .collect::<Vec<_>>()
                    .join("|")
            )
        }
        ShapeKind::String(_) => "<string>".to_owned(),
        ShapeKind::Integer(_) => "<integer>".to_owned(),
        ShapeKind::Long(_) => "<long>".to_owned(),
        ShapeKind::Float(_) | ShapeKind::Double(_) => "<number>".to_owned(),
        ShapeKind::Boolean => "<true|false>".to_owned(),
        ShapeKind::Timestamp { .. } => "<timestamp>".to_owned(),
        ShapeKind::Blob { .. } => "<text>".to_owned(),
        ShapeKind::Document => "<json>".to_owned(),
        ShapeKind::Structure(_) if nested => "{...}".to_owned(),
        ShapeKind::Structure(s) if s.members.is_empty() => "<nothing>".to_owned(),
        ShapeKind::Structure(s) => s
            .members
            .iter()
            .map(|m| format!("{}={}", m.wire_name, hint(svc, m.target, true)))
            .collect::<Vec<_>>()
            .join(","),
        ShapeKind::List(_) if nested => "[...]".to_owned(),
        ShapeKind::List(l) => format!(
            "{} ...",
            hint(
                svc,
                l.member,
                !matches!(svc.shape(l.member).kind, ShapeKind::Structure(_))
            )
        ),
        ShapeKind::Map(_) if nested => "{...}".to_owned(),
        ShapeKind::Map(m) => format!(
            "{}={},...",
            hint(svc, m.key, true),
            hint(svc, m.value, true)
        ),
    }
}

/// Plain text from Markdown docs: the first sentence, links reduced to their text.
pub(super) fn summary(md: &str) -> String {
    let para = md
        .trim()
        .split("\n\n")
        .next()
        .unwrap_or("")
        .replace('\n', " ");
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

pub(super) fn top_help(svc: &Service, program: &str, usage: &str) -> String {
    let mut out = String::new();
    out.push_str(usage);
    out.push_str(&format!(
        "\nCalls {} (API version {}) and prints the output as JSON.\n\noperations:\n",
        svc.full_name, svc.api_version
    ));
    let names: Vec<String> = svc
        .operations
        .iter()
        .map(|op| cli_name(&op.wire_name))
        .collect();
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
pub(super) fn wrap(text: &str, indent: usize, width: usize) -> String {
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

pub(super) fn op_help(svc: &Service, op: &Operation, name: &str, program: &str) -> String {
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
