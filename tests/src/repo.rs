//! What the repository tests of the generated code share.

use std::fmt::Debug;

use rust_decimal::Decimal;
use sqlx::error::ErrorKind;

/// `n` characters of mixed scripts (2-, 3- and 4-byte UTF-8, quotes, a backslash, a percent
/// sign), starting with `prefix` (ASCII, to keep keys distinct under MariaDB's collations,
/// which take every emoji as equal).
pub fn text(prefix: &str, n: usize) -> String {
    const MIX: [char; 12] = [
        'é', '中', '🦀', 'ß', 'Ω', '\'', '"', '\\', '%', 'ñ', 'ж', 'a',
    ];
    let mut s = prefix.to_string();
    s.extend(MIX.iter().cycle().take(n - prefix.chars().count()));
    s
}

/// Panics unless `result` is a database error whose kind is `ForeignKeyViolation`: what a
/// caller matches on.
pub fn assert_fk_violation<T: Debug>(result: Result<T, sqlx::Error>, what: &str) {
    match result {
        Err(sqlx::Error::Database(e)) if e.kind() == ErrorKind::ForeignKeyViolation => {}
        Err(sqlx::Error::Database(e)) => panic!(
            "{what}: expected a foreign key violation, got a database error of kind {:?} \
             (code {:?}): {e}",
            e.kind(),
            e.code()
        ),
        other => panic!("{what}: expected a foreign key violation, got {other:?}"),
    }
}

/// A decimal from its text.
pub fn dec(s: &str) -> Decimal {
    s.parse().expect("a decimal")
}
