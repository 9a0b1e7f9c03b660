//! Applying migrations (see the module docs).
