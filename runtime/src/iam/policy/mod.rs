//! IAM policy documents: types, a builder with typed condition operators, minified JSON
//! output and a parser that reads it back, and a linter ([`lint`]) that checks a document
//! against a service's privilege model.
//!
//! The types are service-agnostic: actions, resources and condition keys are strings. A
//! generated crate's `iam` module adds the typed pieces (its `Action` enum and ARN builders
//! convert into strings; its condition-key constants are [`TypedKey`]s, so the compiler
//! rejects an operator that does not fit a key's type).
//!
//! ```
//! use stsgen_runtime::iam::policy::{PolicyDocument, Statement, StringOp, TypedKey, StringType};
//!
//! const EXTERNAL_ID: TypedKey<StringType> = TypedKey::new("sts:ExternalId");
//! let doc = PolicyDocument::builder()
//!     .statement(
//!         Statement::allow()
//!             .action("sts:AssumeRole")
//!             .resource("arn:aws:iam::123456789012:role/deploy")
//!             .condition(StringOp::Equals, &EXTERNAL_ID, ["ticket-42"])
//!             .build()?,
//!     )
//!     .build();
//! let json = doc.to_json();
//! assert_eq!(
//!     json,
//!     r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/deploy","Condition":{"StringEquals":{"sts:ExternalId":"ticket-42"}}}]}"#
//! );
//! assert_eq!(json.parse::<PolicyDocument>()?, doc);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A numeric operator on a string key does not compile:
//!
//! ```compile_fail
//! use stsgen_runtime::iam::policy::{NumericOp, Statement, StringType, TypedKey};
//! const EXTERNAL_ID: TypedKey<StringType> = TypedKey::new("sts:ExternalId");
//! let _ = Statement::allow().action("sts:AssumeRole").condition(NumericOp::LessThan, &EXTERNAL_ID, ["1"]);
//! ```
//!
//! Nor does a plain operator on a multivalued key (it needs `ForAnyValue`/`ForAllValues`):
//!
//! ```compile_fail
//! use stsgen_runtime::iam::policy::{ArrayOf, Statement, StringOp, StringType, TypedKey};
//! const TAG_KEYS: TypedKey<ArrayOf<StringType>> = TypedKey::new("aws:TagKeys");
//! let _ = Statement::allow().action("sts:TagSession").condition(StringOp::Equals, &TAG_KEYS, ["team"]);
//! ```

mod document;
mod lint;
mod parse;
mod typed;

pub use document::{
    ConditionBlock, ConditionEntry, ConditionValue, Effect, Negatable, OneOrMany, PolicyDocument,
    PolicyDocumentBuilder, Principal, Statement, StatementBuildError, StatementBuilder,
    VERSION_2012_10_17,
};
pub use lint::{least_privilege, lint, Finding, FindingKind, LeastPrivilegeError};
pub use parse::{PolicyParseError, PolicyParseErrorKind};
pub use typed::{
    ArnOp, ArnType, ArrayOf, BinaryEquals, BinaryType, BoolEquals, BoolType, ConditionOperator,
    DateOp, DateType, ForAllValues, ForAnyValue, IfExists, IpAddressOp, IpAddressType, KeyType,
    Null, NumericOp, NumericType, ScalarKeyType, StringOp, StringType, TypedKey,
};
