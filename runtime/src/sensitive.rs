//! Redaction of sensitive values in `Debug` output.

use std::fmt;

/// The text printed in place of a sensitive value.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// A `Debug` stand-in for a sensitive field: prints [`REDACTED`] (or `None` for an unset optional).
pub struct Redacted<'a, T: ?Sized>(pub &'a T);

impl<T: ?Sized> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// A `Debug` stand-in for an optional sensitive field: `None`, or `Some(*** Sensitive Data Redacted ***)`.
pub struct RedactedOption<'a, T>(pub &'a Option<T>);

impl<T> fmt::Debug for RedactedOption<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("None"),
            Some(_) => write!(f, "Some({REDACTED})"),
        }
    }
}

/// The words of a shell command line, split at unquoted whitespace; quotes (`'a b'`,
/// `"a b"`) and backslash escapes stay inside their word, so a quoted value never spills into
/// the next word.
fn shell_words(command: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = None;
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in command.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => escaped = true,
            (Some('"'), '"') => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, c) if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.push(&command[s..i]);
                }
                continue;
            }
            (None, _) => {}
        }
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        words.push(&command[s..]);
    }
    words
}

/// The name of a leading `NAME=value` environment assignment, if `word` is one.
fn assignment_name(word: &str) -> Option<&str> {
    let (name, _) = word.split_once('=')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    ((first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some(name)
}

/// The program a command line runs: its first word after any leading `NAME=value`
/// environment assignments (whose values can be secrets), or `""`.
pub(crate) fn command_program(command: &str) -> &str {
    shell_words(command)
        .into_iter()
        .find(|w| assignment_name(w).is_none())
        .unwrap_or("")
}

/// A command line for `Debug` and errors: leading `NAME=value` environment assignments as
/// `NAME=***`, the program, and any arguments replaced by a marker (assignments and arguments
/// can hold secrets).
pub(crate) fn redact_command(command: &str) -> String {
    let mut out = Vec::new();
    let mut words = shell_words(command).into_iter();
    for word in words.by_ref() {
        match assignment_name(word) {
            Some(name) => out.push(format!("{name}=***")),
            None => {
                out.push(word.to_owned());
                break;
            }
        }
    }
    if words.next().is_some() {
        out.push("*** arguments redacted ***".to_owned());
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts() {
        assert_eq!(format!("{:?}", Redacted("hunter2")), REDACTED);
        assert_eq!(
            format!("{:?}", RedactedOption(&Some("hunter2"))),
            format!("Some({REDACTED})")
        );
        assert_eq!(format!("{:?}", RedactedOption::<String>(&None)), "None");
    }

    #[test]
    fn redact_command_keeps_program_only() {
        assert_eq!(
            redact_command("  /bin/creds --token s3cr3t "),
            "/bin/creds *** arguments redacted ***"
        );
        assert_eq!(redact_command("creds"), "creds");
    }

    #[test]
    fn environment_assignments_are_redacted() {
        assert_eq!(
            redact_command("API_TOKEN=s3cr3t creds --x"),
            "API_TOKEN=*** creds *** arguments redacted ***"
        );
        assert_eq!(
            redact_command("A=1 _B='s3 cr3t' \"C\"=x creds"),
            "A=*** _B=*** \"C\"=x *** arguments redacted ***"
        );
        assert_eq!(
            redact_command("T=\"s3cr3t with spaces\" U=it\\ s3cr3t creds"),
            "T=*** U=*** creds"
        );
        assert_eq!(redact_command("TOKEN=s3cr3t"), "TOKEN=***");
        assert_eq!(
            command_program("API_TOKEN=s3cr3t X='a b' /bin/creds --x"),
            "/bin/creds"
        );
        assert_eq!(command_program("T=\"s3cr3t with spaces\" creds"), "creds");
        assert_eq!(command_program("TOKEN=s3cr3t"), "");
        assert_eq!(command_program("/bin/creds"), "/bin/creds");
    }
}
