//! What each dialect can do, in one place, each capability documented with its source.
//! Validation reads these to warn or fail; planning reads them to render.

/// How a dialect stores table and column comments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentSupport {
    /// No comments (SQLite): they are not emitted.
    None,
    /// `COMMENT '...'` inside the column and table definitions (MySQL).
    Inline,
    /// Separate `COMMENT ON` statements (PostgreSQL).
    Statement,
}

/// Capabilities of one dialect. No field has a silent default: every dialect states each.
#[derive(Clone, Debug)]
pub struct Capabilities {
    /// Longest identifier. PostgreSQL: NAMEDATALEN - 1 = 63 bytes (longer names are cut
    /// silently, "Identifiers and Key Words"); MySQL: 64 characters ("Identifier Length
    /// Limits"); SQLite: none.
    pub max_identifier_len: Option<usize>,
    /// Whether `max_identifier_len` counts bytes (PostgreSQL) rather than characters.
    pub identifier_len_in_bytes: bool,
    /// DDL runs inside a transaction and rolls back with it (MySQL commits implicitly,
    /// "Statements That Cause an Implicit Commit").
    pub transactional_ddl: bool,
    /// `ALTER TABLE ... ALTER COLUMN` / `MODIFY` exists (SQLite has none: changes need a
    /// table rebuild, "ALTER TABLE" section 7).
    pub alter_column: bool,
    /// Foreign keys can be `DEFERRABLE INITIALLY DEFERRED` (MySQL: no).
    pub deferrable_fks: bool,
    /// `ON DELETE SET DEFAULT` is enforced. InnoDB parses and rejects it ("FOREIGN KEY
    /// Constraints": SET DEFAULT is not supported by InnoDB).
    pub on_delete_set_default: bool,
    /// `CREATE INDEX ... WHERE` (partial indexes). MySQL and MariaDB have none.
    pub partial_indexes: bool,
    /// Foreign keys can only be declared inside CREATE TABLE (SQLite: no ADD CONSTRAINT).
    pub inline_foreign_keys: bool,
    /// Creating a foreign key creates an index on its column when none exists (InnoDB), so
    /// modelc does not add another (as Django does not).
    pub fk_creates_index: bool,
    /// Where table and column comments go.
    pub comments: CommentSupport,
    /// Longest column comment, in characters (MySQL: 1024).
    pub max_column_comment: Option<usize>,
    /// Longest table comment, in characters (MySQL: 2048).
    pub max_table_comment: Option<usize>,
    /// Comments hold only characters of the Basic Multilingual Plane: MySQL and MariaDB keep
    /// them in 3-byte UTF-8 (utf8mb3) and store `?` for anything else, emoji included,
    /// without an error.
    pub comments_bmp_only: bool,
    /// A foreign key column has exactly the type of its target, unsigned included (MySQL);
    /// elsewhere a key to a positive integer is a plain integer (Django's
    /// `related_fields_match_type`).
    pub related_fields_match_type: bool,
    /// Indexes of varchar/text columns get a second `*_pattern_ops` index for LIKE, as
    /// Django does on PostgreSQL.
    pub pattern_ops_index: bool,
    /// Most bind parameters in one statement (PostgreSQL 65535, MySQL 65535, SQLite 32766).
    pub bind_param_limit: usize,
    /// TEXT, BLOB and JSON columns can be indexed without a prefix length (MySQL: no).
    pub index_text_columns: bool,
    /// Longest index key in bytes (InnoDB with DYNAMIC rows: 3072).
    pub max_index_key_bytes: Option<u32>,
    /// Bytes per character counted for index keys (utf8mb4: 4).
    pub index_bytes_per_char: u32,
    /// Largest `varchar(n)` (PostgreSQL 10485760; MySQL 65535 bytes a row, so 16383
    /// utf8mb4 characters; SQLite does not enforce lengths).
    pub max_varchar: u32,
    /// Largest decimal precision (PostgreSQL 1000, MySQL 65, SQLite: none enforced).
    pub max_decimal_digits: u32,
    /// Largest decimal scale (MySQL 30).
    pub max_decimal_places: u32,
    /// Defaults of TEXT/BLOB/JSON columns must be expressions in parentheses (MySQL 8.0.13+).
    pub text_defaults_need_parens: bool,
    /// Indexes can be renamed in place (SQLite: no; they are dropped and created again).
    pub rename_index: bool,
    /// Unique and check constraints can be renamed in place (PostgreSQL: `RENAME
    /// CONSTRAINT`; MySQL renames a unique constraint as the index it is, and drops and adds
    /// a check).
    pub rename_constraint: bool,
}
