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

/// A command line for `Debug` and errors: the program, with any arguments replaced by a marker
/// (arguments can hold secrets).
pub(crate) fn redact_command(command: &str) -> String {
    let command = command.trim();
    match command.split_once(char::is_whitespace) {
        Some((program, _)) => format!("{program} *** arguments redacted ***"),
        None => command.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts() {
        assert_eq!(format!("{:?}", Redacted("hunter2")), REDACTED);
        assert_eq!(format!("{:?}", RedactedOption(&Some("hunter2"))), format!("Some({REDACTED})"));
        assert_eq!(format!("{:?}", RedactedOption::<String>(&None)), "None");
    }

    #[test]
    fn redact_command_keeps_program_only() {
        assert_eq!(redact_command("  /bin/creds --token s3cr3t "), "/bin/creds *** arguments redacted ***");
        assert_eq!(redact_command("creds"), "creds");
    }
}
