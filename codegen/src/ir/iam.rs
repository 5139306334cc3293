//! IAM privilege IR.
