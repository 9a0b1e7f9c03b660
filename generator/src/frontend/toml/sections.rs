//! Splits a TOML document at its table headers, so that each section is parsed, lowered and
//! dropped before the next: the parse never holds more than one section's tokens and tree,
//! whatever the size of the file.
//!
//! A header is a `[` or `[[` that starts a line outside any value (arrays and inline tables
//! may span lines; strings, multi-line strings and comments are skipped). For valid TOML the
//! split is exact; for invalid TOML a section may run on, and its parse reports the error.

use std::ops::Range;

/// One section: its byte range, and whether its header is an array of tables (`[[...]]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Section {
    pub range: Range<usize>,
    pub array: bool,
}

/// The sections of `text`, in order; the first is what precedes the first header.
pub(crate) fn split(text: &str) -> Vec<Section> {
    let b = text.as_bytes();
    let n = b.len();
    let mut out = Vec::new();
    let mut start = 0;
    let mut array = false;
    let mut depth = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while i < n {
        match b[i] {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => i = skip_line(b, i),
            b'"' | b'\'' => {
                i = skip_string(b, i);
                line_start = false;
            }
            b'[' if line_start && depth == 0 => {
                if i > 0 {
                    out.push(Section {
                        range: start..i,
                        array,
                    });
                }
                start = i;
                array = b.get(i + 1) == Some(&b'[');
                i = skip_header(b, i);
                line_start = false;
            }
            b'[' | b'{' => {
                depth += 1;
                line_start = false;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                line_start = false;
                i += 1;
            }
            _ => {
                line_start = false;
                i += 1;
            }
        }
    }
    out.push(Section {
        range: start..n,
        array,
    });
    out
}

fn skip_line(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'\n' {
        i += 1;
    }
    i
}

/// Skips a string starting at `i` (a quote): basic, literal, or multi-line of either kind.
/// A single-line string ends at its closing quote or, if unterminated, at the line's end.
fn skip_string(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let n = b.len();
    if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
        let mut j = i + 3;
        while j < n {
            if q == b'"' && b[j] == b'\\' {
                j += 2;
                continue;
            }
            if b[j] == q && b.get(j + 1) == Some(&q) && b.get(j + 2) == Some(&q) {
                // Up to two more quotes belong to the content: `"""a""""` holds `a"`.
                let mut end = j + 3;
                while end < n && b[end] == q && end - j < 5 {
                    end += 1;
                }
                return end;
            }
            j += 1;
        }
        return n;
    }
    let mut j = i + 1;
    while j < n && b[j] != b'\n' {
        if q == b'"' && b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == q {
            return j + 1;
        }
        j += 1;
    }
    j.min(n)
}

/// Skips a table header from its `[` to the end of its `]` (or `]]`), quoted keys included.
fn skip_header(b: &[u8], mut i: usize) -> usize {
    let n = b.len();
    while i < n && b[i] == b'[' {
        i += 1;
    }
    while i < n && b[i] != b'\n' {
        match b[i] {
            b'"' | b'\'' => i = skip_string(b, i),
            b']' => {
                while i < n && b[i] == b']' {
                    i += 1;
                }
                return i;
            }
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|s| &text[s.range]).collect()
    }

    #[test]
    fn splits_at_headers_only() {
        let text = "a = 1\n[x]\nk = [\n  [1, 2],\n  [3],\n]\ns = \"[not]\"\nm = '''\n[no]\n'''\n# [no]\n[[y.z]]\nq = { r = \"]\" }\n  [w . \"a]b\"]\n";
        assert_eq!(
            parts(text),
            [
                "a = 1\n",
                "[x]\nk = [\n  [1, 2],\n  [3],\n]\ns = \"[not]\"\nm = '''\n[no]\n'''\n# [no]\n",
                "[[y.z]]\nq = { r = \"]\" }\n  ",
                "[w . \"a]b\"]\n",
            ]
        );
        let array: Vec<bool> = split(text).iter().map(|s| s.array).collect();
        assert_eq!(array, [false, false, true, false]);
    }

    #[test]
    fn multiline_strings_with_quotes_and_escapes() {
        let text = "a = \"\"\"x \\\"\"\" \n[no]\"\"\"\"\n[t]\nb = 1\n";
        assert_eq!(
            parts(text),
            ["a = \"\"\"x \\\"\"\" \n[no]\"\"\"\"\n", "[t]\nb = 1\n"]
        );
    }

    #[test]
    fn a_document_that_starts_with_a_header_has_no_empty_first_section() {
        assert_eq!(parts("[a]\nx = 1\n"), ["[a]\nx = 1\n"]);
        assert_eq!(parts(""), [""]);
    }
}
