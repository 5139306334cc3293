//! Splitting arguments into options and reading their values, with a usage [`Exit`] naming the
//! option for anything that does not fit.

use super::{Exit, Flags};

/// Splits the arguments after the operation into options and their values
/// (`--name v1 v2`, `--name=v`); `-h` is `--help`.
///
/// # Errors
/// A value before the first option.
pub fn split_flags(args: Vec<String>) -> Result<Flags, Exit> {
    let mut flags: Flags = Vec::new();
    for arg in args {
        if arg == "-h" {
            flags.push(("--help".to_owned(), Vec::new()));
        } else if arg.starts_with("--") && arg.len() > 2 {
            match arg.split_once('=') {
                Some((flag, value)) => flags.push((flag.to_owned(), vec![value.to_owned()])),
                None => flags.push((arg, Vec::new())),
            }
        } else {
            match flags.last_mut() {
                Some((_, values)) => values.push(arg),
                None => {
                    return Err(Exit::Usage(format!(
                        "unexpected argument `{arg}`: options start with `--`"
                    )))
                }
            }
        }
    }
    Ok(flags)
}

/// The one value of a scalar option.
///
/// # Errors
/// No value, or more than one.
pub fn single(flag: &str, mut values: Vec<String>) -> Result<String, Exit> {
    if values.len() > 1 {
        return Err(Exit::Usage(format!(
            "{flag} takes one value, got {} (quote a value that contains spaces)",
            values.len()
        )));
    }
    values
        .pop()
        .ok_or_else(|| Exit::Usage(format!("{flag} needs a value")))
}

/// The values of a list or map option (at least one).
///
/// # Errors
/// No value.
pub fn several(flag: &str, values: Vec<String>) -> Result<Vec<String>, Exit> {
    if values.is_empty() {
        return Err(Exit::Usage(format!("{flag} needs at least one value")));
    }
    Ok(values)
}

/// `Key=value,Other=value` pairs; a part without `=` continues the previous value
/// (`Value=a,b` is `a,b`).
///
/// # Errors
/// Text that does not start with a `Key=` pair.
pub fn pairs(flag: &str, text: &str) -> Result<Vec<(String, String)>, Exit> {
    let mut out: Vec<(String, String)> = Vec::new();
    for part in text.split(',') {
        match part.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                out.push((key.trim().to_owned(), value.to_owned()))
            }
            _ => match out.last_mut() {
                Some((_, value)) => {
                    value.push(',');
                    value.push_str(part);
                }
                None => {
                    return Err(Exit::Usage(format!(
                        "{flag}: expected Key=Value pairs separated by commas"
                    )))
                }
            },
        }
    }
    Ok(out)
}

/// A value that does not parse as its shape's type (`text` is `None` for a sensitive member,
/// whose value is never repeated).
pub fn invalid(label: &str, text: Option<&str>, expected: &str) -> Exit {
    match text {
        Some(text) => Exit::Usage(format!("{label}: `{text}` is not a valid {expected}")),
        None => Exit::Usage(format!("{label}: the value is not a valid {expected}")),
    }
}

/// A scalar option given twice.
pub fn repeated(flag: &str) -> Exit {
    Exit::Usage(format!("{flag} is given more than once"))
}

/// An option whose shape has no command-line syntax here.
pub fn unsupported(flag: &str, what: &str) -> Exit {
    Exit::Usage(format!(
        "{flag}: {what} is not supported by this command-line client"
    ))
}

/// A shorthand key naming a member that is itself a structure, list or map.
pub fn nested(flag: &str, key: &str, what: &str) -> Exit {
    Exit::Usage(format!(
        "{flag}: `{key}` is {what}; nested values are not supported in shorthand syntax"
    ))
}

/// A shorthand key that is not a member.
pub fn unknown_key(flag: &str, key: &str, expected: &str) -> Exit {
    Exit::Usage(format!(
        "{flag}: unknown key `{key}` (expected one of: {expected})"
    ))
}

/// Required options that were not given (`given`: whether each was set, and its flag).
///
/// # Errors
/// Names every missing option.
pub fn require(program: &str, operation: &str, given: &[(bool, &str)]) -> Result<(), Exit> {
    let missing: Vec<&str> = given
        .iter()
        .filter(|(set, _)| !set)
        .map(|(_, flag)| *flag)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Exit::Usage(format!(
        "{operation}: missing required option{} {} (run `{program} {operation} --help`)",
        if missing.len() > 1 { "s" } else { "" },
        missing.join(", ")
    )))
}

/// A missing member or violated constraint, naming the option of the member it is about
/// (`flags`: each member's wire name and its option).
pub fn invalid_input(e: crate::BuildError, flags: &[(&str, &str)]) -> Exit {
    let head = e.field().split(['.', '[']).next().unwrap_or_default();
    match flags.iter().find(|(wire, _)| *wire == head) {
        Some((_, flag)) => Exit::Usage(format!("{flag}: {e}")),
        None => Exit::Usage(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(e: Exit) -> String {
        match e {
            Exit::Usage(m) => m,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn flags_take_the_values_that_follow_them() {
        let args = ["--a", "1", "2", "--b=x=y", "-h", "--c"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let flags = split_flags(args).unwrap();
        assert_eq!(
            flags,
            vec![
                ("--a".to_owned(), vec!["1".to_owned(), "2".to_owned()]),
                ("--b".to_owned(), vec!["x=y".to_owned()]),
                ("--help".to_owned(), vec![]),
                ("--c".to_owned(), vec![]),
            ]
        );
        assert_eq!(
            usage(split_flags(vec!["stray".into()]).unwrap_err()),
            "unexpected argument `stray`: options start with `--`"
        );
    }

    #[test]
    fn values_are_counted() {
        assert_eq!(single("--x", vec!["v".into()]).unwrap(), "v");
        assert_eq!(
            usage(single("--x", vec![]).unwrap_err()),
            "--x needs a value"
        );
        assert!(
            usage(single("--x", vec!["a".into(), "b".into()]).unwrap_err())
                .starts_with("--x takes one value, got 2")
        );
        assert_eq!(
            usage(several("--x", vec![]).unwrap_err()),
            "--x needs at least one value"
        );
    }

    #[test]
    fn shorthand_pairs_keep_commas_in_values() {
        assert_eq!(
            pairs("--t", "Key=a, Value=b,c").unwrap(),
            vec![
                ("Key".to_owned(), "a".to_owned()),
                ("Value".to_owned(), "b,c".to_owned())
            ]
        );
        assert!(usage(pairs("--t", "novalue").unwrap_err()).contains("expected Key=Value pairs"));
    }

    #[test]
    fn missing_options_are_all_named() {
        assert!(require("p", "op", &[(true, "--a")]).is_ok());
        let m = usage(
            require("p", "op", &[(false, "--a"), (true, "--b"), (false, "--c")]).unwrap_err(),
        );
        assert_eq!(
            m,
            "op: missing required options --a, --c (run `p op --help`)"
        );
        assert_eq!(
            usage(invalid("--n", None, "number")),
            "--n: the value is not a valid number"
        );
    }
}
