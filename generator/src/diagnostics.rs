//! Diagnostics: every problem modelc finds in user input, with where it is and how to fix it.
//!
//! Passes never panic on bad input and never stop at the first problem: they push
//! [`Diagnostic`]s into a [`Diagnostics`] sink and go on. Rendering is rustc-style (through
//! `annotate-snippets`): `file:line:column`, the offending source line underlined, a label,
//! and a `help:` line that says how to fix it.

use std::collections::HashSet;
use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::source::{SourceMap, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Where the problem is. `None` only for problems that have no place in a file.
    pub span: Option<Span>,
    /// Text under the primary underline.
    pub label: Option<String>,
    /// Other places that explain the problem, each with its label.
    pub related: Vec<(Span, String)>,
    /// How to fix it.
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: None,
            label: None,
            related: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The sink every pass writes into. Keeps insertion order and drops exact duplicates
/// (an abstract base's mistake is seen once per model that extends it, reported once).
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    seen: HashSet<Diagnostic>,
    errors: usize,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        if self.seen.insert(diagnostic.clone()) {
            self.errors += usize::from(diagnostic.is_error());
            self.items.push(diagnostic);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    pub fn error_count(&self) -> usize {
        self.errors
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d);
        }
    }

    /// Sort by file position, errors and warnings interleaved as they occur in the file.
    pub fn sort(&mut self) {
        self.items
            .sort_by_key(|d| d.span.map(|s| (s.file, s.start, s.end)));
    }

    /// Renders every diagnostic and a summary line, ready for stderr.
    pub fn render(&self, sources: &SourceMap, color: bool) -> String {
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&render(d, sources, color));
            out.push_str("\n\n");
        }
        let (errors, warnings) = (self.error_count(), self.warning_count());
        if errors > 0 {
            out.push_str(&format!(
                "error: could not compile the models due to {} previous error{}{}\n",
                errors,
                plural(errors),
                if warnings > 0 {
                    format!("; {} warning{} emitted", warnings, plural(warnings))
                } else {
                    String::new()
                }
            ));
        } else if warnings > 0 {
            out.push_str(&format!(
                "warning: {} warning{} emitted\n",
                warnings,
                plural(warnings)
            ));
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Renders one diagnostic rustc-style.
///
/// Only the source lines the annotations cover are handed to the renderer, so rendering
/// costs what those lines cost, not the size of the file.
pub fn render(d: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut group = Group::with_title(level.primary_title(d.message.as_str()));
    if let Some(span) = d.span {
        let file = sources.file(span.file);
        let mut spans: Vec<Span> = vec![span];
        spans.extend(
            d.related
                .iter()
                .filter(|(s, _)| s.file == span.file)
                .map(|(s, _)| *s),
        );
        let first = spans
            .iter()
            .map(|s| file.line_index(s.start))
            .min()
            .unwrap_or(0);
        let last = spans
            .iter()
            .map(|s| file.line_index(s.end.saturating_sub(1).max(s.start)))
            .max()
            .unwrap_or(first);
        let window = file.lines_range(first, last);
        let base = window.start;
        let clip = |s: Span| {
            let start = (s.start as usize).clamp(base, window.end) - base;
            let end = (s.end as usize).clamp(base, window.end) - base;
            start..end.max(start)
        };
        let mut snippet = Snippet::source(&file.text[window.clone()])
            .line_start(first + 1)
            .path(file.path.as_str())
            .fold(true);
        let mut primary = AnnotationKind::Primary.span(clip(span));
        if let Some(label) = &d.label {
            primary = primary.label(label.as_str());
        }
        snippet = snippet.annotation(primary);
        for (s, label) in &d.related {
            if s.file == span.file {
                snippet = snippet
                    .annotation(AnnotationKind::Context.span(clip(*s)).label(label.as_str()));
            }
        }
        group = group.element(snippet);
        for (s, label) in &d.related {
            if s.file != span.file {
                let other = sources.file(s.file);
                let line = other.line_index(s.start);
                let range = other.lines_range(line, line);
                let start = (s.start as usize).clamp(range.start, range.end) - range.start;
                let end = (s.end as usize).clamp(range.start, range.end) - range.start;
                group = group.element(
                    Snippet::source(&other.text[range.clone()])
                        .line_start(line + 1)
                        .path(other.path.as_str())
                        .annotation(
                            AnnotationKind::Context
                                .span(start..end.max(start))
                                .label(label.as_str()),
                        ),
                );
            }
        }
    }
    let mut report: Vec<Group> = vec![group];
    let mut extra: Vec<annotate_snippets::Message> = Vec::new();
    for note in &d.notes {
        extra.push(Level::NOTE.message(note.as_str()));
    }
    if let Some(help) = &d.help {
        extra.push(Level::HELP.message(help.as_str()));
    }
    if !extra.is_empty() {
        let first = report.remove(0);
        report.push(first.elements(extra));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&report)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}
