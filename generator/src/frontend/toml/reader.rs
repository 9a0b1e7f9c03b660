//! Typed reading of TOML values with spans, reporting every mismatch as a diagnostic.

use std::fmt;
use std::ops::Range;

use toml::Spanned as TSpanned;
use toml::de::{DeArray, DeString, DeTable, DeValue};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

pub(crate) type Value<'i> = TSpanned<DeValue<'i>>;
pub(crate) type Key<'i> = TSpanned<DeString<'i>>;

/// Reads values out of one file's TOML tree into diagnostics-aware results.
pub(crate) struct Reader<'a> {
    pub file: FileId,
    /// The text being read (one section of the file); spans of values are relative to it.
    pub src: &'a str,
    /// Where `src` starts in the file.
    pub base: usize,
    pub diags: &'a mut Diagnostics,
}

/// A description of a TOML value's kind, for "expected X, found Y".
pub(crate) fn kind_of(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date/time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl<'a> Reader<'a> {
    pub fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, self.base + range.start..self.base + range.end)
    }

    pub fn vspan(&self, v: &Value<'_>) -> Span {
        self.span(v.span())
    }

    pub fn kspan(&self, k: &Key<'_>) -> Span {
        self.span(k.span())
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Reports `v` as the wrong kind of value.
    pub fn mismatch(
        &mut self,
        v: &Value<'_>,
        expected: &str,
        what: &dyn fmt::Display,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::error(format!(
            "expected {expected} for {what}, found {}",
            kind_of(v.get_ref())
        ))
        .at(self.vspan(v))
        .label(format!("expected {expected}"));
        d = d.help(help.unwrap_or_else(|| match expected {
            "a table" => "write a table: `{ key = value, ... }`, or a `[section]`".to_string(),
            "an array" => "write an array in brackets: `[\"a\", \"b\"]`".to_string(),
            "a string" => "write the value in double quotes".to_string(),
            "an integer" => "write a whole number without quotes".to_string(),
            _ => format!("write {expected} here"),
        }));
        self.push(d);
    }

    pub fn table<'v, 'i>(
        &mut self,
        v: &'v Value<'i>,
        what: &dyn fmt::Display,
    ) -> Option<&'v DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.mismatch(v, "a table", what, None);
                None
            }
        }
    }

    pub fn array<'v, 'i>(
        &mut self,
        v: &'v Value<'i>,
        what: &dyn fmt::Display,
    ) -> Option<&'v DeArray<'i>> {
        match v.get_ref() {
            DeValue::Array(a) => Some(a),
            _ => {
                self.mismatch(v, "an array", what, None);
                None
            }
        }
    }

    pub fn string<'v>(&mut self, v: &'v Value<'_>, what: &dyn fmt::Display) -> Option<&'v str> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => {
                self.mismatch(v, "a string", what, None);
                None
            }
        }
    }

    pub fn boolean(&mut self, v: &Value<'_>, what: &dyn fmt::Display, key: &str) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            DeValue::String(s) if s == "true" || s == "false" || s == "True" || s == "False" => {
                self.mismatch(
                    v,
                    "a boolean",
                    what,
                    Some(format!(
                        "write `{key} = {}` without quotes",
                        s.to_lowercase()
                    )),
                );
                None
            }
            _ => {
                self.mismatch(
                    v,
                    "a boolean",
                    what,
                    Some(format!("write `{key} = true` or `{key} = false`")),
                );
                None
            }
        }
    }

    /// A non-negative integer that fits in `u32` and is at least `min`.
    pub fn count(&mut self, v: &Value<'_>, what: &dyn fmt::Display, min: u32) -> Option<u32> {
        match v.get_ref() {
            DeValue::Integer(i) => {
                let parsed = i64::from_str_radix(i.as_str(), i.radix()).ok();
                match parsed {
                    Some(n) if n >= i64::from(min) && n <= i64::from(u32::MAX) => Some(n as u32),
                    Some(n) if n < i64::from(min) => {
                        self.push(
                            Diagnostic::error(format!("{what} is {n}; it must be at least {min}"))
                                .at(self.vspan(v))
                                .label(format!("less than {min}"))
                                .help(format!("write a whole number of {min} or more")),
                        );
                        None
                    }
                    _ => {
                        self.push(
                            Diagnostic::error(format!(
                                "{what} is too large; it must be at most {}",
                                u32::MAX
                            ))
                            .at(self.vspan(v))
                            .label("too large")
                            .help(format!("write a whole number from {min} to {}", u32::MAX)),
                        );
                        None
                    }
                }
            }
            DeValue::String(s) if s.parse::<u32>().is_ok() => {
                self.mismatch(
                    v,
                    "an integer",
                    what,
                    Some(format!("write {s} without quotes")),
                );
                None
            }
            _ => {
                self.mismatch(v, "an integer", what, None);
                None
            }
        }
    }

    /// Reports a key that is not one of `allowed`, with a "did you mean".
    pub fn unknown_key(&mut self, key: &Key<'_>, what: &str, allowed: &[&str]) {
        let name: &str = key.get_ref().as_ref();
        let mut d = Diagnostic::error(format!("unknown {what} `{name}`"))
            .at(self.kspan(key))
            .label(format!("unknown {what}"));
        d = match did_you_mean(name, allowed.iter().copied()) {
            Some(best) => d.help(format!("did you mean `{best}`?")),
            None => d.help(format!("expected one of: {}", allowed.join(", "))),
        };
        self.push(d);
    }

    /// A span for a byte range inside a string value, when the string's source text maps
    /// byte for byte onto its value (no escapes); otherwise the whole string.
    pub fn inner_span(&self, v: &Value<'_>, value: &str) -> impl Fn(Range<usize>) -> Span + use<> {
        let whole = self.vspan(v);
        let raw = self.src.get(v.span()).unwrap_or("");
        let offset = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            let after = &raw[3..];
            if after.starts_with("\r\n") {
                Some(5)
            } else if after.starts_with('\n') {
                Some(4)
            } else {
                Some(3)
            }
        } else if raw.starts_with('"') || raw.starts_with('\'') {
            Some(1)
        } else {
            None
        };
        // An empty string has no inside to point at: the whole `""` is shown.
        let exact =
            offset.filter(|&o| !value.is_empty() && raw.get(o..o + value.len()) == Some(value));
        move |r: Range<usize>| match exact {
            Some(o) => Span {
                file: whole.file,
                start: whole.start + (o + r.start) as u32,
                end: whole.start + (o + r.end.max(r.start + 1)) as u32,
            },
            None => whole,
        }
    }
}

/// The closest of `candidates` to `name`, if any is close enough to be a likely typo.
pub(crate) fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|&(score, _)| score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
