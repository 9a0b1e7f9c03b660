//! `#[derive(Model)]` for modelc.
//!
//! Not built yet: the derive arrives with its own issue. It will stay thin: it parses
//! tokens, calls the `modelc` library's frontend, and turns errors into `compile_error!`.
