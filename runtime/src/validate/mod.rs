//! Client-side checks of modeled constraints, called by generated `validate` methods.
//!
//! Every check returns a [`BuildError`] naming the shape, the member and the constraint;
//! none of them puts the checked text into the error.

pub mod pattern;

use pattern::Program;

use crate::error::{BuildError, Violation};

/// Checks a length (characters, items or bytes) against the modeled `min`/`max`.
pub fn length(
    shape: &'static str,
    field: &str,
    actual: usize,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), BuildError> {
    let actual = actual as u64;
    if let Some(min) = min {
        if actual < min {
            return Err(BuildError::new(
                shape,
                field,
                Violation::TooShort { min, actual },
            ));
        }
    }
    if let Some(max) = max {
        if actual > max {
            return Err(BuildError::new(
                shape,
                field,
                Violation::TooLong { max, actual },
            ));
        }
    }
    Ok(())
}

/// Checks a string's length in characters (Unicode scalar values, as AWS counts them).
pub fn str_length(
    shape: &'static str,
    field: &str,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), BuildError> {
    length(shape, field, value.chars().count(), min, max)
}

/// Checks an integer against the modeled range; `sensitive` keeps the value out of the error.
pub fn range_i64(
    shape: &'static str,
    field: &str,
    value: i64,
    min: Option<i64>,
    max: Option<i64>,
    sensitive: bool,
) -> Result<(), BuildError> {
    let actual = (!sensitive).then(|| value.to_string());
    if let Some(min) = min {
        if value < min {
            return Err(BuildError::new(
                shape,
                field,
                Violation::TooSmall {
                    min: min.to_string(),
                    actual,
                },
            ));
        }
    }
    if let Some(max) = max {
        if value > max {
            return Err(BuildError::new(
                shape,
                field,
                Violation::TooLarge {
                    max: max.to_string(),
                    actual,
                },
            ));
        }
    }
    Ok(())
}

/// Checks a floating-point number against the modeled range (NaN passes: it has no order).
pub fn range_f64(
    shape: &'static str,
    field: &str,
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
    sensitive: bool,
) -> Result<(), BuildError> {
    let actual = (!sensitive).then(|| value.to_string());
    if let Some(min) = min {
        if value < min {
            return Err(BuildError::new(
                shape,
                field,
                Violation::TooSmall {
                    min: min.to_string(),
                    actual,
                },
            ));
        }
    }
    if let Some(max) = max {
        if value > max {
            return Err(BuildError::new(
                shape,
                field,
                Violation::TooLarge {
                    max: max.to_string(),
                    actual,
                },
            ));
        }
    }
    Ok(())
}

/// A modeled `pattern`, compiled by the generator (see [`crate::validate::pattern`]). The whole value
/// must match (Java `matches()` semantics).
pub struct Pattern {
    source: &'static str,
    program: &'static Program<'static>,
}

impl Pattern {
    /// A pattern: the model's source text and the generator's program for it.
    pub const fn new(source: &'static str, program: &'static Program<'static>) -> Self {
        Pattern { source, program }
    }

    /// The model's source text.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `value` matches as a whole.
    pub fn is_match(&self, value: &str) -> bool {
        self.program.is_match(value)
    }

    /// Checks `value` against the pattern.
    pub fn check(&self, shape: &'static str, field: &str, value: &str) -> Result<(), BuildError> {
        if self.is_match(value) {
            Ok(())
        } else {
            Err(BuildError::new(
                shape,
                field,
                Violation::PatternMismatch {
                    pattern: self.source,
                    length: value.chars().count() as u64,
                },
            ))
        }
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::pattern::Inst;

    // What the generator emits for these two patterns.
    static SESSION_NAME: Pattern = Pattern::new(
        r"[\w+=,.@-]*",
        &Program {
            insts: &[
                Inst::Split(1, 3),
                Inst::Class(0, 7),
                Inst::Jump(0),
                Inst::Match,
            ],
            ranges: &[
                (43, 43),
                (44, 46),
                (48, 57),
                (61, 61),
                (64, 90),
                (95, 95),
                (97, 122),
            ],
        },
    );
    static POLICY: Pattern = Pattern::new(
        r"[\u0009\u000A\u000D\u0020-\u00FF]+",
        &Program {
            insts: &[Inst::Class(0, 3), Inst::Split(0, 2), Inst::Match],
            ranges: &[(9, 10), (13, 13), (32, 255)],
        },
    );

    #[test]
    fn lengths() {
        assert!(str_length("S", "F", "abc", Some(2), Some(3)).is_ok());
        let e = str_length("S", "F", "é", Some(2), None).unwrap_err();
        assert_eq!(e.violation(), &Violation::TooShort { min: 2, actual: 1 });
        let e = length("S", "F", 11, None, Some(10)).unwrap_err();
        assert_eq!(
            e.violation(),
            &Violation::TooLong {
                max: 10,
                actual: 11
            }
        );
    }

    #[test]
    fn ranges() {
        assert!(range_i64("S", "DurationSeconds", 900, Some(900), Some(43200), false).is_ok());
        let e = range_i64("S", "DurationSeconds", 10, Some(900), Some(43200), false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "S: member `DurationSeconds` is 10, below the minimum 900"
        );
        let e = range_i64("S", "Pin", 10, Some(900), None, true).unwrap_err();
        assert!(!e.to_string().contains("10,"));
        assert!(range_f64("S", "F", f64::NAN, Some(0.0), Some(1.0), false).is_ok());
        assert!(range_f64("S", "F", 2.0, Some(0.0), Some(1.0), false).is_err());
    }

    #[test]
    fn patterns_match_whole_value() {
        assert!(SESSION_NAME.is_match("my-session@example.com"));
        assert!(!SESSION_NAME.is_match("has space"));
        assert!(POLICY.is_match("{\"Version\":\"2012-10-17\"}\n"));
        assert!(!POLICY.is_match("\u{0100}"));
        let e = SESSION_NAME
            .check("S", "RoleSessionName", "bad name")
            .unwrap_err();
        assert_eq!(
            e.violation(),
            &Violation::PatternMismatch {
                pattern: r"[\w+=,.@-]*",
                length: 8
            }
        );
        assert!(!e.to_string().contains("bad name"));
    }
}
