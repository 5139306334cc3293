//! Typed condition keys and operators: a key's value type is a marker type, and each
//! operator implements [`ConditionOperator`] only for the marker types it can compare.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use crate::iam::{ConditionKeyType, OperatorFamily, SetOperator};

mod sealed {
    pub trait Sealed {}
}

/// The value type of a condition key, as a marker type ([`StringType`], [`ArrayOf<StringType>`], ...).
pub trait KeyType: sealed::Sealed + Copy + fmt::Debug + 'static {
    /// The type as the privilege model names it.
    const TYPE: ConditionKeyType;
}

/// A single-valued key type (every [`KeyType`] except [`ArrayOf`]).
pub trait ScalarKeyType: KeyType {
    /// The `ArrayOf*` type of this element type.
    const ARRAY_TYPE: ConditionKeyType;
}

macro_rules! scalar_types {
    ($($(#[$doc:meta])* $name:ident => $ty:ident, $array:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name;
        impl sealed::Sealed for $name {}
        impl KeyType for $name {
            const TYPE: ConditionKeyType = ConditionKeyType::$ty;
        }
        impl ScalarKeyType for $name {
            const ARRAY_TYPE: ConditionKeyType = ConditionKeyType::$array;
        }
    )*};
}

scalar_types! {
    /// Keys of type `String`.
    StringType => String, ArrayOfString;
    /// Keys of type `ARN`.
    ArnType => Arn, ArrayOfArn;
    /// Keys of type `Bool`.
    BoolType => Bool, ArrayOfBool;
    /// Keys of type `Numeric`.
    NumericType => Numeric, ArrayOfNumeric;
    /// Keys of type `Date`.
    DateType => Date, ArrayOfDate;
    /// Keys of type `IPAddress`.
    IpAddressType => IpAddress, ArrayOfIpAddress;
    /// Keys of type `Binary`.
    BinaryType => Binary, ArrayOfBinary;
}

/// Multivalued keys (`ArrayOfString`, ...): compared with [`ForAnyValue`] or [`ForAllValues`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArrayOf<T>(PhantomData<T>);

impl<T> sealed::Sealed for ArrayOf<T> {}
impl<T: ScalarKeyType> KeyType for ArrayOf<T> {
    const TYPE: ConditionKeyType = T::ARRAY_TYPE;
}

/// A condition key with its value type in the type: `TypedKey<StringType>` for
/// `sts:ExternalId`. Generated `iam` modules define one constant (or, for templated keys
/// such as `aws:RequestTag/${TagKey}`, one function) per key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TypedKey<T> {
    name: Cow<'static, str>,
    _type: PhantomData<T>,
}

impl<T: KeyType> TypedKey<T> {
    /// A key with a static name.
    pub const fn new(name: &'static str) -> Self {
        TypedKey {
            name: Cow::Borrowed(name),
            _type: PhantomData,
        }
    }

    /// A key with a computed name (a concrete templated key such as `aws:RequestTag/team`).
    pub fn owned(name: String) -> Self {
        TypedKey {
            name: Cow::Owned(name),
            _type: PhantomData,
        }
    }

    /// The key as written in a policy.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key's value type.
    pub const fn key_type(&self) -> ConditionKeyType {
        T::TYPE
    }
}

impl<T: KeyType> fmt::Debug for TypedKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TypedKey<{}>({:?})", T::TYPE, self.name)
    }
}

impl<T> fmt::Display for TypedKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A condition operator that can compare keys of type `T`.
pub trait ConditionOperator<T: KeyType> {
    /// The operator as written in a policy (`StringEquals`, `ForAnyValue:StringLikeIfExists`).
    fn operator_name(&self) -> String;
}

macro_rules! operator_enum {
    ($(#[$doc:meta])* $name:ident for $ty:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }
        impl $name {
            /// The operator as written in a policy.
            pub const fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }
        }
        impl ConditionOperator<$ty> for $name {
            fn operator_name(&self) -> String {
                self.as_str().to_owned()
            }
        }
    };
}

operator_enum! {
    /// String operators, for `String` keys.
    StringOp for StringType {
        /// `StringEquals`.
        Equals => "StringEquals",
        /// `StringNotEquals`.
        NotEquals => "StringNotEquals",
        /// `StringEqualsIgnoreCase`.
        EqualsIgnoreCase => "StringEqualsIgnoreCase",
        /// `StringNotEqualsIgnoreCase`.
        NotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
        /// `StringLike`.
        Like => "StringLike",
        /// `StringNotLike`.
        NotLike => "StringNotLike",
    }
}

operator_enum! {
    /// Numeric operators, for `Numeric` keys.
    NumericOp for NumericType {
        /// `NumericEquals`.
        Equals => "NumericEquals",
        /// `NumericNotEquals`.
        NotEquals => "NumericNotEquals",
        /// `NumericLessThan`.
        LessThan => "NumericLessThan",
        /// `NumericLessThanEquals`.
        LessThanEquals => "NumericLessThanEquals",
        /// `NumericGreaterThan`.
        GreaterThan => "NumericGreaterThan",
        /// `NumericGreaterThanEquals`.
        GreaterThanEquals => "NumericGreaterThanEquals",
    }
}

operator_enum! {
    /// Date operators, for `Date` keys.
    DateOp for DateType {
        /// `DateEquals`.
        Equals => "DateEquals",
        /// `DateNotEquals`.
        NotEquals => "DateNotEquals",
        /// `DateLessThan`.
        LessThan => "DateLessThan",
        /// `DateLessThanEquals`.
        LessThanEquals => "DateLessThanEquals",
        /// `DateGreaterThan`.
        GreaterThan => "DateGreaterThan",
        /// `DateGreaterThanEquals`.
        GreaterThanEquals => "DateGreaterThanEquals",
    }
}

operator_enum! {
    /// ARN operators, for `ARN` keys.
    ArnOp for ArnType {
        /// `ArnEquals`.
        Equals => "ArnEquals",
        /// `ArnLike`.
        Like => "ArnLike",
        /// `ArnNotEquals`.
        NotEquals => "ArnNotEquals",
        /// `ArnNotLike`.
        NotLike => "ArnNotLike",
    }
}

operator_enum! {
    /// IP address operators, for `IPAddress` keys.
    IpAddressOp for IpAddressType {
        /// `IpAddress`.
        IpAddress => "IpAddress",
        /// `NotIpAddress`.
        NotIpAddress => "NotIpAddress",
    }
}

/// The `Bool` operator, for `Bool` keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BoolEquals;

impl ConditionOperator<BoolType> for BoolEquals {
    fn operator_name(&self) -> String {
        "Bool".to_owned()
    }
}

/// The `BinaryEquals` operator, for `Binary` keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BinaryEquals;

impl ConditionOperator<BinaryType> for BinaryEquals {
    fn operator_name(&self) -> String {
        "BinaryEquals".to_owned()
    }
}

/// The `Null` operator (whether the key is absent), for keys of any type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Null;

impl<T: KeyType> ConditionOperator<T> for Null {
    fn operator_name(&self) -> String {
        "Null".to_owned()
    }
}

/// The `...IfExists` form of an operator: true when the key is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IfExists<O>(pub O);

impl<T: ScalarKeyType, O: ConditionOperator<T>> ConditionOperator<T> for IfExists<O> {
    fn operator_name(&self) -> String {
        format!("{}IfExists", self.0.operator_name())
    }
}

/// `ForAnyValue:` in front of an operator, for multivalued keys: at least one value matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ForAnyValue<O>(pub O);

impl<T: ScalarKeyType, O: ConditionOperator<T>> ConditionOperator<ArrayOf<T>> for ForAnyValue<O> {
    fn operator_name(&self) -> String {
        format!("ForAnyValue:{}", self.0.operator_name())
    }
}

/// `ForAllValues:` in front of an operator, for multivalued keys: every value matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ForAllValues<O>(pub O);

impl<T: ScalarKeyType, O: ConditionOperator<T>> ConditionOperator<ArrayOf<T>> for ForAllValues<O> {
    fn operator_name(&self) -> String {
        format!("ForAllValues:{}", self.0.operator_name())
    }
}

/// An operator as written in a policy, taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParsedOperator<'a> {
    pub set: Option<SetOperator>,
    /// The base operator (`StringLike`), without the set prefix and `IfExists`.
    pub base: &'a str,
    /// The family; `None` for `Null`.
    pub family: Option<OperatorFamily>,
}

const FAMILIES: [OperatorFamily; 7] = [
    OperatorFamily::String,
    OperatorFamily::Numeric,
    OperatorFamily::Date,
    OperatorFamily::Bool,
    OperatorFamily::Binary,
    OperatorFamily::IpAddress,
    OperatorFamily::Arn,
];

/// Takes an operator apart; `None` when it is not an IAM condition operator. Operator names
/// are case-sensitive in IAM.
pub(crate) fn parse_operator(text: &str) -> Option<ParsedOperator<'_>> {
    let (set, rest) = if let Some(rest) = text.strip_prefix("ForAnyValue:") {
        (Some(SetOperator::ForAnyValue), rest)
    } else if let Some(rest) = text.strip_prefix("ForAllValues:") {
        (Some(SetOperator::ForAllValues), rest)
    } else {
        (None, text)
    };
    if rest == "Null" {
        return Some(ParsedOperator {
            set,
            base: rest,
            family: None,
        });
    }
    let base = rest.strip_suffix("IfExists").unwrap_or(rest);
    let family = FAMILIES
        .into_iter()
        .find(|f| f.operators().contains(&base))?;
    Some(ParsedOperator {
        set,
        base,
        family: Some(family),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name<T: KeyType, O: ConditionOperator<T>>(op: O, _key: &TypedKey<T>) -> String {
        op.operator_name()
    }

    #[test]
    fn operator_names_compose() {
        let tags: TypedKey<ArrayOf<StringType>> = TypedKey::new("aws:TagKeys");
        assert_eq!(tags.key_type(), ConditionKeyType::ArrayOfString);
        assert_eq!(
            name(ForAnyValue(IfExists(StringOp::Like)), &tags),
            "ForAnyValue:StringLikeIfExists"
        );
        assert_eq!(name(Null, &tags), "Null");
        let arn: TypedKey<ArnType> = TypedKey::new("aws:SourceArn");
        assert_eq!(name(ArnOp::NotLike, &arn), "ArnNotLike");
        let ip: TypedKey<IpAddressType> = TypedKey::new("aws:SourceIp");
        assert_eq!(
            name(IfExists(IpAddressOp::NotIpAddress), &ip),
            "NotIpAddressIfExists"
        );
        let date: TypedKey<DateType> = TypedKey::owned("aws:CurrentTime".to_owned());
        assert_eq!(name(DateOp::GreaterThan, &date), "DateGreaterThan");
        assert_eq!(format!("{date:?}"), "TypedKey<Date>(\"aws:CurrentTime\")");
    }

    #[test]
    fn parses_operators() {
        let p = parse_operator("ForAllValues:StringNotEqualsIgnoreCaseIfExists").unwrap();
        assert_eq!(p.set, Some(SetOperator::ForAllValues));
        assert_eq!(p.base, "StringNotEqualsIgnoreCase");
        assert_eq!(p.family, Some(OperatorFamily::String));
        assert_eq!(parse_operator("Null").unwrap().family, None);
        assert_eq!(
            parse_operator("BoolIfExists").unwrap().family,
            Some(OperatorFamily::Bool)
        );
        assert!(parse_operator("stringequals").is_none());
        assert!(parse_operator("ForSomeValues:StringEquals").is_none());
        assert!(parse_operator("NullIfExists").is_none());
    }
}
