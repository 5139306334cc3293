//! The line-level grammar of the shared files: comments, section headers, properties and
//! continuation lines, with the file and line of each.

use std::path::Path;

use crate::config::error::{FileKind, ProfileError};

pub(super) const WHITESPACE: &[char] = &[' ', '\t'];

/// `[A-Za-z0-9_\-/.%@:+]+`
pub(super) fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}

pub(super) struct RawProperty {
    pub(super) key: String,
    pub(super) value: String,
    pub(super) line: usize,
}

pub(super) struct RawSection<'a> {
    pub(super) header: &'a str,
    pub(super) line: usize,
    pub(super) properties: Vec<RawProperty>,
}

/// Trims, then cuts at the first `#`/`;` (in property lines only when preceded by whitespace).
pub(super) fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let line = line.trim_matches(WHITESPACE);
    let mut prev_ws = false;
    for (i, c) in line.char_indices() {
        if (c == '#' || c == ';') && (prev_ws || !needs_whitespace) {
            return line[..i].trim_matches(WHITESPACE);
        }
        prev_ws = c.is_whitespace();
    }
    line
}

/// Whether a property key is a key name: ASCII letters, digits, `_`, `-` and `.`. Anything
/// else (`aws_session_token:IQoJ...`, a key with `:`, `+` or `/`) is a malformed line whose
/// "key" may hold a value.
pub(super) fn is_key_name(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// Whether a property looks like a base64 value split at its `=` padding (`token==` read as
/// key `token`, value `=`): its value is nothing but `=`.
pub(super) fn is_split_padding(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c == '=')
}

/// Why a property line is not `key = value`.
pub(super) enum PropertyLineError {
    NoEquals,
    NoName,
}

/// `key = value` (comment removed, key lower-cased by the caller).
pub(super) fn parse_property_line(line: &str) -> Result<(&str, &str), PropertyLineError> {
    let line = strip_comment(line, true);
    let (k, v) = line.split_once('=').ok_or(PropertyLineError::NoEquals)?;
    let k = k.trim_matches(WHITESPACE);
    if k.is_empty() {
        return Err(PropertyLineError::NoName);
    }
    Ok((k, v.trim_matches(WHITESPACE)))
}

/// The literal structure of one file: sections with their properties, in file order.
pub(super) fn parse_sections<'a>(
    text: &'a str,
    path: &Path,
) -> Result<Vec<RawSection<'a>>, ProfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<RawSection<'a>> = Vec::new();
    // The property continuation lines extend, and whether they are sub-properties.
    let mut open: Option<bool> = None;
    let syntax = |line: usize, message: &str| ProfileError::Syntax {
        path: path.to_path_buf(),
        line,
        message: message.to_owned(),
    };
    let property_error = |line: usize, what: &str, e: PropertyLineError| match e {
        PropertyLineError::NoEquals => syntax(
            line,
            &format!("expected `=` in this {what} (`name = value`)"),
        ),
        PropertyLineError::NoName => syntax(line, &format!("this {what} has no name before `=`")),
    };
    const NO_SECTION: &str =
        "expected a section header such as `[default]` or `[profile name]` before this line";
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim_matches(WHITESPACE).is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with('[') {
            let header = strip_comment(line, false)
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .ok_or_else(|| syntax(n, "section header must end with `]`"))?;
            sections.push(RawSection {
                header,
                line: n,
                properties: Vec::new(),
            });
            open = None;
        } else if line.starts_with(WHITESPACE) {
            let section = sections.last_mut().ok_or_else(|| syntax(n, NO_SECTION))?;
            let (Some(is_sub), Some(prop)) = (open, section.properties.last_mut()) else {
                return Err(syntax(
                    n,
                    "this line starts with whitespace, so it continues a property, but no property precedes it in this section",
                ));
            };
            if is_sub {
                parse_property_line(line).map_err(|e| property_error(n, "sub-property", e))?;
            }
            prop.value.push('\n');
            prop.value.push_str(line.trim_matches(WHITESPACE));
        } else {
            let section = sections.last_mut().ok_or_else(|| syntax(n, NO_SECTION))?;
            let (k, v) = parse_property_line(line).map_err(|e| property_error(n, "property", e))?;
            section.properties.push(RawProperty {
                key: k.to_ascii_lowercase(),
                value: v.to_owned(),
                line: n,
            });
            open = Some(v.is_empty());
        }
    }
    Ok(sections)
}

pub(super) enum SectionName<'a> {
    Profile { name: &'a str, prefixed: bool },
    SsoSession(&'a str),
    Services(&'a str),
}

/// What a section header names in a file of this kind; `Err` (a warning) when it is ignored.
pub(super) fn classify(header: &str, kind: FileKind) -> Result<SectionName<'_>, String> {
    let header = header.trim_matches(WHITESPACE);
    let (word, rest) = match header.split_once(WHITESPACE) {
        Some((w, rest)) => (w, Some(rest.trim_matches(WHITESPACE))),
        None => (header, None),
    };
    let check = |name: &str| {
        if is_identifier(name) {
            Ok(())
        } else {
            Err(format!("section [{header}] ignored: `{name}` is not a valid name (letters, digits and _-/.%@:+ only)"))
        }
    };
    match (kind, word, rest) {
        (FileKind::Config, "profile", Some(name)) => check(name).map(|()| SectionName::Profile { name, prefixed: true }),
        (FileKind::Config, "sso-session", Some(name)) => check(name).map(|()| SectionName::SsoSession(name)),
        (FileKind::Config, "services", Some(name)) => check(name).map(|()| SectionName::Services(name)),
        (FileKind::Config, "default", None) => Ok(SectionName::Profile { name: "default", prefixed: false }),
        (FileKind::Config, _, _) => Err(format!(
            "section [{header}] ignored: profiles in the config file are written `[profile {header}]` (only `[default]` may omit the prefix)"
        )),
        (FileKind::Credentials, "profile", Some(name)) => Err(format!(
            "section [{header}] ignored: profiles in the credentials file are written `[{name}]`, without `profile`"
        )),
        (FileKind::Credentials, _, _) => check(header).map(|()| SectionName::Profile { name: header, prefixed: false }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_comment_rules() {
        assert_eq!(strip_comment("name = value # c # d", true), "name = value");
        assert_eq!(strip_comment("name = value#c # d", true), "name = value#c");
        assert_eq!(strip_comment("[profile a]#c", false), "[profile a]");
    }
}
