//! Errors from building and validating generated input values.

use std::fmt;

/// What was wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// A required member was not set.
    Missing,
    /// Shorter than the modeled minimum length (characters for strings, items for lists and maps, bytes for blobs).
    TooShort {
        /// The modeled minimum.
        min: u64,
        /// The actual length.
        actual: u64,
    },
    /// Longer than the modeled maximum length.
    TooLong {
        /// The modeled maximum.
        max: u64,
        /// The actual length.
        actual: u64,
    },
    /// A number below the modeled minimum.
    TooSmall {
        /// The modeled minimum, as written in the model.
        min: String,
        /// The actual value (absent for sensitive members).
        actual: Option<String>,
    },
    /// A number above the modeled maximum.
    TooLarge {
        /// The modeled maximum, as written in the model.
        max: String,
        /// The actual value (absent for sensitive members).
        actual: Option<String>,
    },
    /// A member the operation puts into the endpoint's host name (`hostLabel`) is not a valid
    /// host label (1 to 63 letters, digits and hyphens, not starting with a hyphen).
    NotAHostLabel {
        /// The length of the rejected value, in characters.
        length: u64,
    },
    /// A member bound to an HTTP header (restJson) holds text a header cannot carry (a line
    /// break or another control character), or a header-map key that is not a header name.
    NotAHeaderValue {
        /// The length of the rejected text, in characters.
        length: u64,
    },
    /// A string that does not match the modeled pattern. The value itself is never kept.
    PatternMismatch {
        /// The modeled pattern.
        pattern: &'static str,
        /// The length of the rejected value, in characters.
        length: u64,
    },
}

/// A value could not be built: a required member is missing or a modeled constraint is violated.
///
/// The error names the shape, the member path (wire names, e.g. `Tags[1].Key`) and the
/// constraint; it carries lengths, never the text of the offending value.
///
/// One pointer wide (the parts are boxed): every check returns `Result<(), BuildError>`, and
/// a small error keeps the generated validation code small.
#[derive(Clone, PartialEq, Eq)]
pub struct BuildError(Box<Parts>);

#[derive(Clone, PartialEq, Eq)]
struct Parts {
    shape: &'static str,
    path: String,
    violation: Violation,
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuildError")
            .field("shape", &self.0.shape)
            .field("path", &self.0.path)
            .field("violation", &self.0.violation)
            .finish()
    }
}

impl BuildError {
    /// A new error for `field` of `shape`.
    pub fn new(shape: &'static str, field: impl Into<String>, violation: Violation) -> Self {
        BuildError::from_parts(shape, field.into(), violation)
    }

    /// [`new`](Self::new) without the generic argument (compiled once).
    fn from_parts(shape: &'static str, path: String, violation: Violation) -> Self {
        BuildError(Box::new(Parts {
            shape,
            path,
            violation,
        }))
    }

    /// A missing required member.
    pub fn missing(shape: &'static str, field: &str) -> Self {
        Self::new(shape, field, Violation::Missing)
    }

    /// The shape (wire name) whose value was being built.
    pub fn shape(&self) -> &'static str {
        self.0.shape
    }

    /// The member path, using wire names (`RoleArn`, `Tags[1].Key`).
    pub fn field(&self) -> &str {
        &self.0.path
    }

    /// What was wrong.
    pub fn violation(&self) -> &Violation {
        &self.0.violation
    }

    /// Re-roots an error from a nested structure under `field` of `shape`.
    pub fn in_field(mut self, shape: &'static str, field: &str) -> Self {
        self.0.path = join(field, None, &self.0.path);
        self.0.shape = shape;
        self
    }

    /// Re-roots an error from an element of the list `field` of `shape`.
    pub fn in_element(mut self, shape: &'static str, field: &str, index: usize) -> Self {
        self.0.path = join(field, Some(&index.to_string()), &self.0.path);
        self.0.shape = shape;
        self
    }

    /// Re-roots an error from the value at `key` of the map `field` of `shape`.
    pub fn in_entry(mut self, shape: &'static str, field: &str, key: &str) -> Self {
        self.0.path = join(field, Some(&format!("{key:?}")), &self.0.path);
        self.0.shape = shape;
        self
    }
}

fn join(field: &str, index: Option<&str>, rest: &str) -> String {
    let mut out = String::from(field);
    if let Some(i) = index {
        out.push('[');
        out.push_str(i);
        out.push(']');
    }
    if !rest.is_empty() {
        if !rest.starts_with('[') {
            out.push('.');
        }
        out.push_str(rest);
    }
    out
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: member `{}` ", self.0.shape, self.0.path)?;
        match &self.0.violation {
            Violation::Missing => write!(f, "is required but was not set"),
            Violation::TooShort { min, actual } => {
                write!(f, "has length {actual}, below the minimum length {min}")
            }
            Violation::TooLong { max, actual } => {
                write!(f, "has length {actual}, above the maximum length {max}")
            }
            Violation::TooSmall { min, actual: Some(v) } => write!(f, "is {v}, below the minimum {min}"),
            Violation::TooSmall { min, actual: None } => write!(f, "is below the minimum {min}"),
            Violation::TooLarge { max, actual: Some(v) } => write!(f, "is {v}, above the maximum {max}"),
            Violation::TooLarge { max, actual: None } => write!(f, "is above the maximum {max}"),
            Violation::PatternMismatch { pattern, length } => {
                write!(f, "(length {length}) does not match the pattern `{pattern}`")
            }
            Violation::NotAHostLabel { length } => write!(
                f,
                "(length {length}) is not a valid host label (1 to 63 letters, digits and hyphens, not starting \
                 with a hyphen): the operation puts it into the endpoint's host name"
            ),
            Violation::NotAHeaderValue { length } => {
                write!(f, "(length {length}) cannot be sent in an HTTP header (it holds a line break or a control character)")
            }
        }
    }
}

impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_nest() {
        let e = BuildError::new("Tag", "Key", Violation::TooShort { min: 1, actual: 0 })
            .in_element("AssumeRoleRequest", "Tags", 2);
        assert_eq!(e.field(), "Tags[2].Key");
        assert_eq!(e.shape(), "AssumeRoleRequest");
        assert_eq!(
            e.to_string(),
            "AssumeRoleRequest: member `Tags[2].Key` has length 0, below the minimum length 1"
        );
        let e = BuildError::new("X", "", Violation::TooLong { max: 3, actual: 4 })
            .in_element("Y", "List", 0);
        assert_eq!(e.field(), "List[0]");
        let e = BuildError::missing("Inner", "Name").in_field("Outer", "Child");
        assert_eq!(
            e.to_string(),
            "Outer: member `Child.Name` is required but was not set"
        );
    }
}
