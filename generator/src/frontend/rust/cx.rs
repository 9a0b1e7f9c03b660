//! The lowering context: where problems go, and typed reading of attribute values, each
//! mismatch reported with the tokens it is about.

use crate::diagnostics::Diagnostic;
use crate::frontend::expr;
use crate::frontend::toml::did_you_mean;
use crate::ir::{DialectName, Name, SqlExpr, SqlExprKind};
use crate::source::Span;

use super::attr::{Arg, Key, Val, ValKind};
use super::span::{Locate, Problem, Tokens};

/// Lowering state shared by every item: the locator and the problems found so far.
pub(crate) struct Cx<'a> {
    pub loc: &'a dyn Locate,
    pub problems: Vec<Problem>,
}

impl Cx<'_> {
    pub fn span(&self, tokens: Tokens) -> Span {
        self.loc.locate(tokens)
    }

    pub fn name(&self, text: &str, tokens: Tokens) -> Name {
        Name::new(text, self.span(tokens))
    }

    /// Reports `d` at `tokens`.
    pub fn error(&mut self, tokens: Tokens, d: Diagnostic) {
        let diagnostic = d.at(self.span(tokens));
        self.problems.push(Problem { diagnostic, tokens });
    }

    /// Reports a `syn` parse error of an attribute or a file.
    pub fn syn_error(&mut self, e: &syn::Error, what: &str, help: &str) {
        let tokens = Tokens::one(e.span());
        self.error(
            tokens,
            Diagnostic::error(format!("invalid {what}: {e}"))
                .label(e.to_string())
                .help(help),
        );
    }

    /// Reports a key that is not one of `allowed`, with a "did you mean".
    pub fn unknown_key(&mut self, key: &Key, what: &str, allowed: &[&str]) {
        let mut d = Diagnostic::error(format!("unknown {what} `{}`", key.text))
            .label(format!("unknown {what}"));
        d = match did_you_mean(&key.text, allowed.iter().copied()) {
            Some(best) => d.help(format!("did you mean `{best}`?")),
            None => d.help(format!("expected one of: {}", allowed.join(", "))),
        };
        self.error(key.tokens, d);
    }

    /// Reports `v` as the wrong kind of value for `what`.
    pub fn mismatch(&mut self, v: &Val, expected: &str, what: &str, help: String) {
        self.error(
            v.tokens,
            Diagnostic::error(format!(
                "expected {expected} for {what}, found {}",
                v.kind.describe()
            ))
            .label(format!("expected {expected}"))
            .help(help),
        );
    }

    /// The value of `key = value`, or a diagnostic that it has none.
    pub fn value<'v>(&mut self, arg: &'v Arg, key: &Key, example: &str) -> Option<&'v Val> {
        if arg.value.is_none() {
            self.error(
                key.tokens,
                Diagnostic::error(format!("`{}` needs a value", key.text))
                    .label("no value")
                    .help(format!("write {example}")),
            );
        }
        arg.value.as_ref()
    }

    /// A flag: `null` alone is true; `null = true` and `null = false` are accepted.
    pub fn flag(&mut self, arg: &Arg, key: &Key, what: &str) -> Option<bool> {
        match &arg.value {
            None => Some(true),
            Some(Val {
                kind: ValKind::Bool(b),
                ..
            }) => Some(*b),
            Some(v) => {
                let help = match &v.kind {
                    ValKind::Str(s) if s == "true" || s == "false" => {
                        format!("write `{} = {s}` without quotes", key.text)
                    }
                    _ => format!("write `{0}` alone (true) or `{0} = false`", key.text),
                };
                self.mismatch(v, "a boolean", what, help);
                None
            }
        }
    }

    pub fn string<'v>(&mut self, v: &'v Val, what: &str, example: &str) -> Option<&'v str> {
        match &v.kind {
            ValKind::Str(s) => Some(s),
            ValKind::Path(p) if p.len() == 1 => {
                let help = format!("write the value in quotes: {example} (here \"{}\")", p[0]);
                self.mismatch(v, "a string", what, help);
                None
            }
            _ => {
                self.mismatch(v, "a string", what, format!("write {example}"));
                None
            }
        }
    }

    /// A non-empty string that names something, spanning its text inside the quotes.
    pub fn name_value(&mut self, v: &Val, what: &str, example: &str) -> Option<Name> {
        let s = self.string(v, what, example)?;
        if s.trim().is_empty() {
            self.error(
                v.tokens,
                Diagnostic::error(format!("{what} is empty"))
                    .label("empty name")
                    .help("write a name, or remove the option"),
            );
            return None;
        }
        Some(Name::new(s, self.inner(v, s, 0..s.len())))
    }

    /// The span of bytes `range` of string `value` written as `v`: exact when the literal is
    /// a plain `"..."` without escapes, the whole literal otherwise.
    pub fn inner(&self, v: &Val, value: &str, range: std::ops::Range<usize>) -> Span {
        let whole = self.span(v.tokens);
        let exact = self.loc.text(whole).is_some_and(|raw| {
            raw.len() == value.len() + 2 && raw.get(1..raw.len() - 1) == Some(value)
        });
        if exact && !value.is_empty() {
            Span {
                file: whole.file,
                start: whole.start + 1 + range.start as u32,
                end: whole.start + 1 + range.end.max(range.start + 1) as u32,
            }
        } else {
            whole
        }
    }

    /// A whole number from `min` to `u32::MAX`.
    pub fn count(&mut self, v: &Val, what: &str, min: u32) -> Option<u32> {
        match &v.kind {
            ValKind::Int(n) if *n >= i128::from(min) && *n <= i128::from(u32::MAX) => {
                Some(*n as u32)
            }
            ValKind::Int(n) if *n < i128::from(min) => {
                self.error(
                    v.tokens,
                    Diagnostic::error(format!("{what} is {n}; it must be at least {min}"))
                        .label(format!("less than {min}"))
                        .help(format!("write a whole number of {min} or more")),
                );
                None
            }
            ValKind::Int(_) => {
                self.error(
                    v.tokens,
                    Diagnostic::error(format!(
                        "{what} is too large; it must be at most {}",
                        u32::MAX
                    ))
                    .label("too large")
                    .help(format!("write a whole number from {min} to {}", u32::MAX)),
                );
                None
            }
            ValKind::Str(s) if s.parse::<u32>().is_ok() => {
                self.mismatch(v, "an integer", what, format!("write {s} without quotes"));
                None
            }
            _ => {
                self.mismatch(
                    v,
                    "an integer",
                    what,
                    "write a whole number without quotes".into(),
                );
                None
            }
        }
    }

    /// The name a path value ends with (`Collection`, `crate::models::Collection`); a
    /// string is accepted too.
    pub fn target(&mut self, v: &Val, what: &str, example: &str) -> Option<Name> {
        match &v.kind {
            ValKind::Path(segments) => {
                let last = segments.last()?;
                let mut span = self.span(v.tokens);
                span.start = span.end.saturating_sub(last.len() as u32).max(span.start);
                Some(Name::new(last.as_str(), span))
            }
            ValKind::Str(s) if !s.trim().is_empty() => {
                Some(Name::new(s.as_str(), self.inner(v, s, 0..s.len())))
            }
            _ => {
                self.mismatch(v, "a type name", what, format!("write {example}"));
                None
            }
        }
    }

    pub fn array<'v>(&mut self, v: &'v Val, what: &str, example: &str) -> Option<&'v [Val]> {
        match &v.kind {
            ValKind::Array(items) => Some(items),
            _ => {
                self.mismatch(v, "an array", what, format!("write {example}"));
                None
            }
        }
    }

    /// An array of names, each with its own span.
    pub fn names(&mut self, v: &Val, what: &str, example: &str) -> Vec<Name> {
        let Some(items) = self.array(v, what, example) else {
            return Vec::new();
        };
        let entry = format!("an entry of {what}");
        items
            .iter()
            .filter_map(|item| self.name_value(item, &entry, example))
            .collect()
    }

    /// SQL in the portable subset (`check`, `condition`, `db_default`), or per-dialect text:
    /// `per_dialect(default = "...", sqlite = "...")`, as models.toml's
    /// `{ default = "...", sqlite = "..." }`.
    pub fn sql(&mut self, v: &Val, what: &str) -> Option<SqlExpr> {
        if let ValKind::Call(call, args) = &v.kind {
            if call == PER_DIALECT {
                return self.per_dialect(v, args, what);
            }
        }
        let s = self.string(v, what, "\"price >= 0\"")?;
        let map = |r: std::ops::Range<usize>| self.inner(v, s, r);
        match expr::parse(s, &map) {
            Ok(e) => Some(SqlExpr {
                kind: SqlExprKind::Portable(e),
                span: self.span(v.tokens),
            }),
            Err(e) => {
                let at = map(e.range.clone());
                let d = Diagnostic::error(format!("invalid SQL in {what}: {}", e.message))
                    .label(e.message.clone())
                    .help(e.help.unwrap_or_else(|| {
                        "write a condition in the portable subset (comparisons, AND/OR/NOT, IN, BETWEEN, LIKE, IS NULL), or per-dialect text: per_dialect(default = \"...\", sqlite = \"...\")".into()
                    }));
                self.problems.push(Problem {
                    diagnostic: d.at(at),
                    tokens: v.tokens,
                });
                None
            }
        }
    }

    /// `per_dialect(default = "...", postgres = "...", mysql = "...", sqlite = "...")`: raw
    /// SQL per dialect, each one balanced expression.
    fn per_dialect(&mut self, v: &Val, args: &[Arg], what: &str) -> Option<SqlExpr> {
        let example =
            "per_dialect(default = \"length(trim(title)) > 0\", postgres = \"btrim(title) <> ''\")";
        let mut items: Vec<(Option<DialectName>, String)> = Vec::new();
        let mut seen: Vec<&Key> = Vec::new();
        for arg in args {
            let (Some(key), Some(tv)) = (&arg.key, &arg.value) else {
                self.error(
                    arg.tokens(),
                    Diagnostic::error(format!("expected `dialect = \"SQL\"` in {what}"))
                        .label("not `dialect = \"SQL\"`")
                        .help(format!("write {example}")),
                );
                continue;
            };
            let k = key.text.as_str();
            if !DIALECT_KEYS.contains(&k) {
                self.unknown_key(key, "dialect", &DIALECT_KEYS);
                continue;
            }
            if let Some(first) = seen.iter().find(|s| s.text == k) {
                let first = self.span(first.tokens);
                self.error(
                    key.tokens,
                    Diagnostic::error(format!("dialect `{k}` of {what} is set twice"))
                        .label("set again here")
                        .related(first, "first set here")
                        .help("keep one of them"),
                );
                continue;
            }
            seen.push(key);
            let dialect = DialectName::parse(k);
            let Some(text) = self.string(tv, &format!("`{k}` of {what}"), example) else {
                continue;
            };
            if let Err(e) = expr::check_raw(text, dialect) {
                let at = self.inner(tv, text, e.range.clone());
                let d = Diagnostic::error(format!("invalid SQL in {what}: {}", e.message))
                    .label(e.message.clone())
                    .help(e.help.unwrap_or_else(|| {
                        "per-dialect text must be one balanced SQL expression".into()
                    }));
                self.problems.push(Problem {
                    diagnostic: d.at(at),
                    tokens: tv.tokens,
                });
                continue;
            }
            items.push((dialect, text.to_string()));
        }
        if items.is_empty() {
            if args.is_empty() {
                self.error(
                    v.tokens,
                    Diagnostic::error(format!("{what} gives no SQL"))
                        .label("no dialect")
                        .help(format!("write {example}")),
                );
            }
            return None;
        }
        Some(SqlExpr {
            kind: SqlExprKind::PerDialect(items),
            span: self.span(v.tokens),
        })
    }
}

/// The call that gives per-dialect SQL text.
pub(crate) const PER_DIALECT: &str = "per_dialect";

/// The keys of `per_dialect(...)`: `default` for every dialect not named.
const DIALECT_KEYS: [&str; 4] = ["default", "postgres", "mysql", "sqlite"];
