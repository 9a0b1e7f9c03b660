//! Where Rust tokens are, in two currencies: `proc_macro2` spans (for `syn::Error`, when the
//! derive macro reports) and byte ranges of a loaded file (for [`Diagnostic`]s, when the CLI
//! reads the file).
//!
//! Lowering never asks which one it is producing: it hands [`Tokens`] to a [`Locate`], and
//! every [`Problem`] keeps both.

use proc_macro2::{LineColumn, Span as TokenSpan};

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, SourceFile, Span};

/// A run of tokens: from the start of `first` to the end of `last`.
#[derive(Clone, Copy, Debug)]
pub struct Tokens {
    pub first: TokenSpan,
    pub last: TokenSpan,
}

impl Tokens {
    /// One token (or a span that covers several already).
    pub fn one(span: TokenSpan) -> Self {
        Tokens {
            first: span,
            last: span,
        }
    }

    /// From the start of `self` to the end of `other`.
    pub fn to(self, other: Tokens) -> Self {
        Tokens {
            first: self.first,
            last: other.last,
        }
    }
}

/// Turns tokens into a place in a source file.
pub trait Locate {
    fn locate(&self, tokens: Tokens) -> Span;
    /// The source text of `span`, when there is a file to read it from.
    fn text(&self, _span: Span) -> Option<&str> {
        None
    }
}

/// Tokens of a file read from disk: `proc_macro2`'s line and column (one-based line,
/// column in characters) become a byte range of the file.
#[derive(Debug)]
pub struct InFile<'a> {
    pub file: FileId,
    pub source: &'a SourceFile,
}

impl InFile<'_> {
    fn byte(&self, at: LineColumn) -> usize {
        if at.line == 0 {
            return 0;
        }
        let starts = self.source.line_starts();
        let Some(&start) = starts.get(at.line - 1) else {
            return self.source.text.len();
        };
        let mut start = start as usize;
        // syn reads the file without its byte order mark.
        if at.line == 1 && self.source.text.starts_with('\u{feff}') {
            start += '\u{feff}'.len_utf8();
        }
        let line = self.source.text.get(start..).unwrap_or("");
        start
            + line
                .char_indices()
                .nth(at.column)
                .map_or(line.len(), |(i, _)| i)
    }
}

impl Locate for InFile<'_> {
    fn locate(&self, tokens: Tokens) -> Span {
        let start = self.byte(tokens.first.start());
        let end = self.byte(tokens.last.end()).max(start);
        Span::new(self.file, start..end)
    }

    fn text(&self, span: Span) -> Option<&str> {
        self.source.text.get(span.range())
    }
}

/// Tokens handed to the derive macro: no file to point into (the compiler shows the tokens
/// of each [`Problem`] instead).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFile;

impl Locate for NoFile {
    fn locate(&self, _tokens: Tokens) -> Span {
        Span::default()
    }
}

/// One problem found while lowering Rust items: the diagnostic (placed in the file, when
/// there is one) and the tokens it is about.
#[derive(Clone, Debug)]
pub struct Problem {
    pub diagnostic: Diagnostic,
    pub tokens: Tokens,
}

impl Problem {
    /// The problem as the derive macro reports it: the message at the tokens, with the help.
    pub fn to_syn_error(&self) -> syn::Error {
        let d = &self.diagnostic;
        let message = match &d.help {
            Some(help) => format!("{}\n\n= help: {help}", d.message),
            None => d.message.clone(),
        };
        syn::Error::new(self.tokens.first, message)
    }
}
