//! Code generation from a validated schema.

pub mod build;
pub mod rust;
