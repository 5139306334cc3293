//! Shared helpers for the stsgen test suites.
