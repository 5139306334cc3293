//! The IAM privilege model's vocabulary: access levels, condition key types and the operator
//! families and set operators that go with them.

use std::error::Error;
use std::fmt;
use std::str::FromStr;

/// The access level AWS assigns to an action in the Service Authorization Reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AccessLevel {
    /// `Read`: reads resources or metadata, without listing.
    Read,
    /// `Write`: creates, deletes or modifies resources.
    Write,
    /// `List`: lists resources to find whether they exist.
    List,
    /// `Tagging`: changes only the tags of resources.
    Tagging,
    /// `Permissions management`: grants or changes permissions.
    PermissionsManagement,
}

impl AccessLevel {
    /// Every access level, in declaration order.
    pub const ALL: &'static [AccessLevel] = &[
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::List,
        AccessLevel::Tagging,
        AccessLevel::PermissionsManagement,
    ];

    /// The name as written in the Service Authorization Reference and policy_sentry
    /// (`"Read"`, `"Permissions management"`, ...).
    pub const fn as_str(&self) -> &'static str {
        match self {
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::List => "List",
            AccessLevel::Tagging => "Tagging",
            AccessLevel::PermissionsManagement => "Permissions management",
        }
    }

    /// The variant's name in Rust (`"PermissionsManagement"`), for generators that write the
    /// value as code.
    pub const fn rust_name(&self) -> &'static str {
        match self {
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::List => "List",
            AccessLevel::Tagging => "Tagging",
            AccessLevel::PermissionsManagement => "PermissionsManagement",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AccessLevel {
    type Err = ParseNameError;

    /// Parses the reference's spelling, ignoring ASCII case (`"permissions management"` works).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccessLevel::ALL
            .iter()
            .copied()
            .find(|level| level.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseNameError::new("access level", s))
    }
}

/// The value type of a condition key, as the Service Authorization Reference names it.
///
/// The `ArrayOf*` types are multivalued: a policy compares them with a set operator
/// ([`SetOperator`]) in front of the condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ConditionKeyType {
    /// `String`.
    String,
    /// `ARN`.
    Arn,
    /// `Bool`.
    Bool,
    /// `Numeric`.
    Numeric,
    /// `Date`.
    Date,
    /// `IPAddress`.
    IpAddress,
    /// `Binary`.
    Binary,
    /// `ArrayOfString`.
    ArrayOfString,
    /// `ArrayOfARN`.
    ArrayOfArn,
    /// `ArrayOfBool`.
    ArrayOfBool,
    /// `ArrayOfNumeric`.
    ArrayOfNumeric,
    /// `ArrayOfDate`.
    ArrayOfDate,
    /// `ArrayOfIPAddress`.
    ArrayOfIpAddress,
    /// `ArrayOfBinary`.
    ArrayOfBinary,
}

impl ConditionKeyType {
    /// Every type, in declaration order.
    pub const ALL: &'static [ConditionKeyType] = &[
        ConditionKeyType::String,
        ConditionKeyType::Arn,
        ConditionKeyType::Bool,
        ConditionKeyType::Numeric,
        ConditionKeyType::Date,
        ConditionKeyType::IpAddress,
        ConditionKeyType::Binary,
        ConditionKeyType::ArrayOfString,
        ConditionKeyType::ArrayOfArn,
        ConditionKeyType::ArrayOfBool,
        ConditionKeyType::ArrayOfNumeric,
        ConditionKeyType::ArrayOfDate,
        ConditionKeyType::ArrayOfIpAddress,
        ConditionKeyType::ArrayOfBinary,
    ];

    /// The name as written in the Service Authorization Reference (`"ARN"`, `"ArrayOfString"`).
    pub const fn as_str(&self) -> &'static str {
        match self {
            ConditionKeyType::String => "String",
            ConditionKeyType::Arn => "ARN",
            ConditionKeyType::Bool => "Bool",
            ConditionKeyType::Numeric => "Numeric",
            ConditionKeyType::Date => "Date",
            ConditionKeyType::IpAddress => "IPAddress",
            ConditionKeyType::Binary => "Binary",
            ConditionKeyType::ArrayOfString => "ArrayOfString",
            ConditionKeyType::ArrayOfArn => "ArrayOfARN",
            ConditionKeyType::ArrayOfBool => "ArrayOfBool",
            ConditionKeyType::ArrayOfNumeric => "ArrayOfNumeric",
            ConditionKeyType::ArrayOfDate => "ArrayOfDate",
            ConditionKeyType::ArrayOfIpAddress => "ArrayOfIPAddress",
            ConditionKeyType::ArrayOfBinary => "ArrayOfBinary",
        }
    }

    /// The variant's name in Rust (`"ArrayOfIpAddress"`), for generators that write the value
    /// as code.
    pub const fn rust_name(&self) -> &'static str {
        match self {
            ConditionKeyType::String => "String",
            ConditionKeyType::Arn => "Arn",
            ConditionKeyType::Bool => "Bool",
            ConditionKeyType::Numeric => "Numeric",
            ConditionKeyType::Date => "Date",
            ConditionKeyType::IpAddress => "IpAddress",
            ConditionKeyType::Binary => "Binary",
            ConditionKeyType::ArrayOfString => "ArrayOfString",
            ConditionKeyType::ArrayOfArn => "ArrayOfArn",
            ConditionKeyType::ArrayOfBool => "ArrayOfBool",
            ConditionKeyType::ArrayOfNumeric => "ArrayOfNumeric",
            ConditionKeyType::ArrayOfDate => "ArrayOfDate",
            ConditionKeyType::ArrayOfIpAddress => "ArrayOfIpAddress",
            ConditionKeyType::ArrayOfBinary => "ArrayOfBinary",
        }
    }

    /// Whether the key is multivalued (an `ArrayOf*` type).
    pub const fn is_array(&self) -> bool {
        matches!(
            self,
            ConditionKeyType::ArrayOfString
                | ConditionKeyType::ArrayOfArn
                | ConditionKeyType::ArrayOfBool
                | ConditionKeyType::ArrayOfNumeric
                | ConditionKeyType::ArrayOfDate
                | ConditionKeyType::ArrayOfIpAddress
                | ConditionKeyType::ArrayOfBinary
        )
    }

    /// The type of one value: the element type of an `ArrayOf*` type, the type itself otherwise.
    pub const fn element_type(&self) -> ConditionKeyType {
        match self {
            ConditionKeyType::ArrayOfString => ConditionKeyType::String,
            ConditionKeyType::ArrayOfArn => ConditionKeyType::Arn,
            ConditionKeyType::ArrayOfBool => ConditionKeyType::Bool,
            ConditionKeyType::ArrayOfNumeric => ConditionKeyType::Numeric,
            ConditionKeyType::ArrayOfDate => ConditionKeyType::Date,
            ConditionKeyType::ArrayOfIpAddress => ConditionKeyType::IpAddress,
            ConditionKeyType::ArrayOfBinary => ConditionKeyType::Binary,
            other => *other,
        }
    }

    /// The family of condition operators that compare values of this type.
    pub const fn operator_family(&self) -> OperatorFamily {
        match self.element_type() {
            ConditionKeyType::Arn => OperatorFamily::Arn,
            ConditionKeyType::Bool => OperatorFamily::Bool,
            ConditionKeyType::Numeric => OperatorFamily::Numeric,
            ConditionKeyType::Date => OperatorFamily::Date,
            ConditionKeyType::IpAddress => OperatorFamily::IpAddress,
            ConditionKeyType::Binary => OperatorFamily::Binary,
            _ => OperatorFamily::String,
        }
    }

    /// The condition operators that apply to this type (see [`OperatorFamily::operators`]).
    pub const fn operators(&self) -> &'static [&'static str] {
        self.operator_family().operators()
    }
}

impl fmt::Display for ConditionKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ConditionKeyType {
    type Err = ParseNameError;

    /// Parses the reference's spelling exactly (`"ArrayOfARN"`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ConditionKeyType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| ParseNameError::new("condition key type", s))
    }
}

/// A family of IAM condition operators: the operators that compare one kind of value.
///
/// Every family also allows the `...IfExists` form of its operators and the `Null` operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum OperatorFamily {
    /// String operators (`StringEquals`, `StringLike`, ...).
    String,
    /// Numeric operators (`NumericEquals`, `NumericLessThan`, ...).
    Numeric,
    /// Date operators (`DateEquals`, `DateGreaterThan`, ...).
    Date,
    /// The `Bool` operator.
    Bool,
    /// The `BinaryEquals` operator.
    Binary,
    /// IP address operators (`IpAddress`, `NotIpAddress`).
    IpAddress,
    /// ARN operators (`ArnEquals`, `ArnLike`, ...).
    Arn,
}

impl OperatorFamily {
    /// The operators of the family, without the `...IfExists` forms and `Null`.
    pub const fn operators(&self) -> &'static [&'static str] {
        match self {
            OperatorFamily::String => &[
                "StringEquals",
                "StringNotEquals",
                "StringEqualsIgnoreCase",
                "StringNotEqualsIgnoreCase",
                "StringLike",
                "StringNotLike",
            ],
            OperatorFamily::Numeric => &[
                "NumericEquals",
                "NumericNotEquals",
                "NumericLessThan",
                "NumericLessThanEquals",
                "NumericGreaterThan",
                "NumericGreaterThanEquals",
            ],
            OperatorFamily::Date => &[
                "DateEquals",
                "DateNotEquals",
                "DateLessThan",
                "DateLessThanEquals",
                "DateGreaterThan",
                "DateGreaterThanEquals",
            ],
            OperatorFamily::Bool => &["Bool"],
            OperatorFamily::Binary => &["BinaryEquals"],
            OperatorFamily::IpAddress => &["IpAddress", "NotIpAddress"],
            OperatorFamily::Arn => &["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
        }
    }
}

/// A set operator that qualifies a condition operator for multivalued (`ArrayOf*`) keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SetOperator {
    /// `ForAllValues`: every value in the request must match.
    ForAllValues,
    /// `ForAnyValue`: at least one value in the request must match.
    ForAnyValue,
}

impl SetOperator {
    /// The qualifier as written in a policy, without the colon (`"ForAllValues"`).
    pub const fn as_str(&self) -> &'static str {
        match self {
            SetOperator::ForAllValues => "ForAllValues",
            SetOperator::ForAnyValue => "ForAnyValue",
        }
    }
}

impl fmt::Display for SetOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a name that the model does not define (a resource type, a condition
/// key, an access level or a condition key type).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParseNameError {
    what: &'static str,
    input: String,
}

impl ParseNameError {
    /// An error for `input`, which is not a known `what` (`"condition key"`).
    pub fn new(what: &'static str, input: &str) -> Self {
        ParseNameError {
            what,
            input: input.to_owned(),
        }
    }

    /// What kind of name was expected (`"condition key"`).
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The string that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} `{}`", self.what, self.input)
    }
}

impl Error for ParseNameError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_levels_round_trip() {
        for level in AccessLevel::ALL {
            assert_eq!(level.as_str().parse::<AccessLevel>(), Ok(*level));
        }
        assert_eq!(
            "permissions management".parse(),
            Ok(AccessLevel::PermissionsManagement)
        );
        assert_eq!(
            AccessLevel::PermissionsManagement.to_string(),
            "Permissions management"
        );
        assert!("Admin".parse::<AccessLevel>().is_err());
    }

    #[test]
    fn condition_key_types() {
        for t in ConditionKeyType::ALL {
            assert_eq!(t.as_str().parse::<ConditionKeyType>(), Ok(*t));
            assert_eq!(t.is_array(), t.as_str().starts_with("ArrayOf"), "{t}");
            assert!(!t.element_type().is_array());
        }
        assert_eq!(
            ConditionKeyType::ArrayOfArn.element_type(),
            ConditionKeyType::Arn
        );
        assert_eq!(
            ConditionKeyType::ArrayOfArn.operator_family(),
            OperatorFamily::Arn
        );
        assert!(ConditionKeyType::IpAddress
            .operators()
            .contains(&"NotIpAddress"));
        assert!("Strin".parse::<ConditionKeyType>().is_err());
    }
}
