//! Django-compatible names for tables, columns, indexes and constraints.
//!
//! A Rust service pointed at a database that Django created must find the same names, so
//! these follow Django's `Options.db_table`, `truncate_name`, `names_digest` and
//! `BaseDatabaseSchemaEditor._create_index_name` (django/db/backends/utils.py and
//! base/schema.py): an md5 digest of the table and column names keeps generated names
//! unique when they must be shortened to the dialect's identifier limit.

use md5::{Digest, Md5};

/// The first `length` hex digits of the md5 of the concatenated `parts`.
pub fn names_digest(parts: &[&str], length: usize) -> String {
    let mut hex = String::with_capacity(32);
    push_digest(&mut hex, parts.iter().copied(), length);
    hex
}

/// Appends the first `length` hex digits of the md5 of the concatenated `parts` to `out`.
fn push_digest<'p>(out: &mut String, parts: impl IntoIterator<Item = &'p str>, length: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hasher = Md5::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    for (i, byte) in digest.iter().enumerate() {
        if 2 * i >= length {
            break;
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        if 2 * i + 1 < length {
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
}

/// Shortens `name` to `max` characters, replacing its end with a 4-digit hash, as Django's
/// `truncate_name` does for generated table names.
pub fn truncate_name(name: &str, max: Option<usize>) -> String {
    match max {
        Some(max) if name.chars().count() > max => {
            let digest = names_digest(&[name], 4);
            let head: String = name.chars().take(max - 4).collect();
            format!("{head}{digest}")
        }
        _ => name.to_string(),
    }
}

/// Django's default table name: `<app>_<model lowercased>`, or the lowercased model name
/// without an app, shortened to `max`.
pub fn table_name(app: Option<&str>, model: &str, max: Option<usize>) -> String {
    let name = match app {
        Some(app) => format!("{}_{}", app, model.to_lowercase()),
        None => model.to_lowercase(),
    };
    truncate_name(&name, max)
}

/// Django's `_create_index_name(table, columns, suffix)`: `<table>_<cols>_<hash8><suffix>`,
/// shortened to `max` (200 when the dialect has no limit).
pub fn index_name(table: &str, columns: &[&str], suffix: &str, max: Option<usize>) -> String {
    let max = max.unwrap_or(200);
    // The common case, built in one string: `<table>_<cols>_<hash8><suffix>` when it fits.
    let joined_len = columns.iter().map(|c| c.len() + 1).sum::<usize>();
    let mut full = String::with_capacity(table.len() + joined_len + 10 + suffix.len());
    full.push_str(table);
    full.push('_');
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            full.push('_');
        }
        full.push_str(c);
    }
    full.push('_');
    let hash_start = full.len();
    push_digest(
        &mut full,
        std::iter::once(table).chain(columns.iter().copied()),
        8,
    );
    full.push_str(suffix);
    if full.chars().count() <= max {
        return full;
    }
    let mut hash_suffix = full.split_off(hash_start);
    let joined = columns.join("_");
    if hash_suffix.chars().count() > max / 3 {
        hash_suffix = hash_suffix.chars().take(max / 3).collect();
    }
    let other = (max - hash_suffix.chars().count()) / 2 - 1;
    let table_part: String = table.chars().take(other).collect();
    let cols_part: String = joined.chars().take(other).collect();
    let mut name = format!("{table_part}_{cols_part}_{hash_suffix}");
    if name.starts_with('_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.pop();
        name.insert(0, 'D');
    }
    name
}

/// Django's `Index.set_name_with_model`: the name of a Meta index written without one:
/// `<table[:11]>_<first column[:7]>_<hash6>_idx`, the hash over the table and the columns
/// with a leading `-` where descending.
pub fn meta_index_name(table: &str, columns_with_order: &[&str]) -> String {
    let mut parts = vec![table];
    parts.extend_from_slice(columns_with_order);
    parts.push("idx");
    let hash = names_digest(&parts, 6);
    let first = columns_with_order
        .first()
        .map_or("", |c| c.trim_start_matches('-'));
    let t: String = table.chars().take(11).collect();
    let c: String = first.chars().take(7).collect();
    let name = format!("{t}_{c}_{hash}_idx");
    if name.starts_with('_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("D{}", &name[1..])
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_matches_django() {
        // md5("abc") = 900150983cd24fb0d6963f7d28e17f72; parts are concatenated.
        assert_eq!(names_digest(&["a", "bc"], 8), "90015098");
        assert_eq!(names_digest(&[""], 32), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn truncates_with_hash() {
        let long = "a".repeat(70);
        let t = truncate_name(&long, Some(63));
        assert_eq!(t.len(), 63);
        assert!(t.starts_with(&"a".repeat(59)));
        assert_eq!(truncate_name("short", Some(63)), "short");
    }

    #[test]
    fn names_match_django_sqlmigrate() {
        // From tests/django/expected/store/postgres.sql.
        assert_eq!(
            index_name(
                "store_product",
                &["collection_id"],
                "_fk_store_collection_id",
                Some(63)
            ),
            "store_product_collection_id_2914d2ba_fk_store_collection_id"
        );
        assert_eq!(
            meta_index_name("store_customer", &["last_name", "first_name"]),
            "store_custo_last_na_2e448d_idx"
        );
        // From tests/django/expected/kitchen/mysql.sql: a long suffix is cut to a third.
        assert_eq!(
            index_name(
                "kitchen_person_friends",
                &["from_person_id"],
                "_fk_kitchen_person_id",
                Some(64)
            ),
            "kitchen_person_frien_from_person_id_c949a1bc_fk_kitchen_p"
        );
    }

    #[test]
    fn index_names_fit() {
        let name = index_name(
            &"t".repeat(60),
            &["c".repeat(60).as_str()],
            "_fk_x_id",
            Some(63),
        );
        assert!(name.chars().count() <= 63, "{name}");
    }
}
