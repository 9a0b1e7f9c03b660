//! The storefront declared as `#[derive(Model)]` structs, expanded for MySQL/MariaDB. The same file
//! is read by the CLI (tests/tests/derive_frontend.rs) and by the other dialects' crates.

include!("../../../fixtures/derive/storefront/src/models.rs");

/// The names modelc gives the storefront's choices enums in models.toml, for the tests
/// written against the generated code.
pub type CustomerMembership = Membership;
/// See [`CustomerMembership`].
pub type OrderPaymentStatus = PaymentStatus;
