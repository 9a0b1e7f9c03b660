//! Frontends: read user input into one [`ir::Schema`](crate::ir::Schema), with spans.
//!
//! A frontend never panics and never stops at the first problem: it reports each into the
//! [`Diagnostics`](crate::diagnostics::Diagnostics) sink and keeps what it can (a field whose
//! type can't be read becomes [`FieldType::Error`](crate::ir::FieldType::Error)), so that one
//! run reports every problem in the file.

pub mod expr;
pub mod rust;
pub mod toml;
