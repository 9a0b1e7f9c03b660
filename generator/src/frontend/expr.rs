//! Parser of the portable SQL expression subset (see `ir::expr`), and the tokenizer that
//! proves per-dialect raw SQL is one balanced expression.
//!
//! Never panics: every problem is an [`ExprError`] with the byte range it concerns, relative
//! to the expression text. Nesting is limited so hostile input cannot exhaust the stack.

use std::ops::Range;

use crate::ir::{BinOp, DialectName, Expr, ExprKind, Func, UnaryOp};
use crate::source::Span;

/// How deep parentheses and operators may nest.
const MAX_DEPTH: usize = 64;

const COMMENT_HELP: &str =
    "remove the comment; a TOML comment (`# ...`) after the value can hold the note";
const DEPTH_HELP: &str =
    "simplify the expression: drop redundant parentheses, or split it into several checks";

/// A problem in an expression, at a byte range of its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    pub message: String,
    pub range: Range<usize>,
    pub help: Option<String>,
}

impl ExprError {
    fn new(message: impl Into<String>, range: Range<usize>) -> Self {
        ExprError {
            message: message.into(),
            range,
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// `"name"` or `` `name` ``: always a column name.
    QuotedIdent(String),
    Str(String),
    Number(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    Eof,
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::QuotedIdent(s) => format!("`\"{s}\"`"),
        Tok::Str(_) => "a string".into(),
        Tok::Number(n) => format!("`{n}`"),
        Tok::Op(o) => format!("`{o}`"),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::Comma => "`,`".into(),
        Tok::Eof => "the end of the expression".into(),
    }
}

fn lex(text: &str) -> Result<Vec<(Tok, Range<usize>)>, ExprError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => {
                out.push((Tok::LParen, i..i + 1));
                i += 1;
            }
            b')' => {
                out.push((Tok::RParen, i..i + 1));
                i += 1;
            }
            b',' => {
                out.push((Tok::Comma, i..i + 1));
                i += 1;
            }
            b'\'' => {
                let mut value = String::new();
                i += 1;
                loop {
                    let Some(rest) = text.get(i..) else {
                        return Err(ExprError::new("unterminated string", start..text.len()));
                    };
                    let Some(q) = rest.find('\'') else {
                        return Err(ExprError::new("unterminated string", start..text.len())
                            .help("close the string with `'`; write `''` for a quote inside it"));
                    };
                    value.push_str(&rest[..q]);
                    i += q + 1;
                    if bytes.get(i) == Some(&b'\'') {
                        value.push('\'');
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push((Tok::Str(value), start..i));
            }
            b'"' | b'`' => {
                let Some(end) = text[i + 1..].find(c as char) else {
                    return Err(
                        ExprError::new("unterminated quoted name", start..text.len())
                            .help("close the name with the quote it opens with"),
                    );
                };
                let name = &text[i + 1..i + 1 + end];
                i += end + 2;
                out.push((Tok::QuotedIdent(name.to_string()), start..i));
            }
            b'0'..=b'9' | b'.' => {
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                    i += 1;
                }
                if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                    let mut j = i + 1;
                    if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                        j += 1;
                    }
                    if j < bytes.len() && bytes[j].is_ascii_digit() {
                        i = j;
                        while i < bytes.len() && bytes[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                }
                let number = &text[start..i];
                let valid = number.chars().filter(|&c| c == '.').count() <= 1
                    && number.chars().any(|c| c.is_ascii_digit())
                    && !number.starts_with('.');
                if !valid
                    || (i < bytes.len() && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_'))
                {
                    return Err(ExprError::new(
                        format!("`{number}` is not a number"),
                        start..i.max(start + 1),
                    ));
                }
                out.push((Tok::Number(number.to_string()), start..i));
            }
            _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                let rest = &text[i..];
                let len = rest
                    .char_indices()
                    .find(|&(_, ch)| !(ch == '_' || ch.is_alphanumeric()))
                    .map_or(rest.len(), |(n, _)| n);
                if len == 0 {
                    let ch = rest.chars().next().unwrap_or('?');
                    return Err(ExprError::new(
                        format!("unexpected character `{ch}`"),
                        i..i + ch.len_utf8(),
                    ));
                }
                out.push((Tok::Ident(rest[..len].to_string()), i..i + len));
                i += len;
            }
            _ => {
                let two = text.get(i..i + 2).unwrap_or("");
                let op: Option<&'static str> = match two {
                    "<=" => Some("<="),
                    ">=" => Some(">="),
                    "<>" => Some("<>"),
                    "!=" => Some("!="),
                    "--" | "/*" => {
                        return Err(ExprError::new(
                            "comments are not allowed in expressions",
                            i..i + 2,
                        )
                        .help(COMMENT_HELP));
                    }
                    _ => None,
                };
                if let Some(op) = op {
                    out.push((Tok::Op(op), i..i + 2));
                    i += 2;
                    continue;
                }
                let op: &'static str = match c {
                    b'=' => "=",
                    b'<' => "<",
                    b'>' => ">",
                    b'+' => "+",
                    b'-' => "-",
                    b'*' => "*",
                    b'/' => "/",
                    b'%' => "%",
                    b';' => {
                        return Err(ExprError::new(
                            "`;` is not allowed in an expression",
                            i..i + 1,
                        )
                        .help("an expression is one condition; it cannot end the SQL statement"));
                    }
                    _ => {
                        let ch = text[i..].chars().next().unwrap_or('?');
                        return Err(ExprError::new(
                            format!("unexpected character `{ch}`"),
                            i..i + ch.len_utf8(),
                        ));
                    }
                };
                out.push((Tok::Op(op), i..i + 1));
                i += 1;
            }
        }
    }
    out.push((Tok::Eof, text.len()..text.len()));
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
    depth: usize,
    base: &'a dyn Fn(Range<usize>) -> Span,
}

/// Parses `text` as one expression of the portable subset. `span_of` maps a byte range of
/// `text` to a span in the source file.
pub fn parse(text: &str, span_of: &dyn Fn(Range<usize>) -> Span) -> Result<Expr, ExprError> {
    if text.trim().is_empty() {
        return Err(ExprError::new("the expression is empty", 0..text.len())
            .help("write a condition such as `price >= 0`"));
    }
    let toks = lex(text)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
        base: span_of,
    };
    let e = p.expr(0)?;
    let (tok, range) = p.peek();
    if *tok == Tok::RParen {
        return Err(ExprError::new("unbalanced `)`", range.clone())
            .help("remove it, or add the `(` it closes"));
    }
    if *tok != Tok::Eof {
        return Err(ExprError::new(
            format!(
                "expected the end of the expression, found {}",
                describe(tok)
            ),
            range.clone(),
        )
        .help("join conditions with AND or OR"));
    }
    Ok(e)
}

fn keyword(tok: &Tok, kw: &str) -> bool {
    matches!(tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
}

const RESERVED: [&str; 10] = [
    "and", "or", "not", "in", "is", "null", "between", "like", "true", "false",
];

impl Parser<'_> {
    fn peek(&self) -> &(Tok, Range<usize>) {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].0
    }

    fn bump(&mut self) -> (Tok, Range<usize>) {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn span(&self, range: Range<usize>) -> Span {
        (self.base)(range)
    }

    fn node(&self, kind: ExprKind, range: Range<usize>) -> Expr {
        Expr {
            kind,
            span: self.span(range),
        }
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<Range<usize>, ExprError> {
        let (tok, range) = self.peek().clone();
        if tok == want {
            self.bump();
            Ok(range)
        } else {
            Err(ExprError::new(
                format!("expected {what}, found {}", describe(&tok)),
                range,
            ))
        }
    }

    /// Precedence climbing. Returns the expression and the byte range it covers.
    fn expr(&mut self, min_prec: u8) -> Result<Expr, ExprError> {
        let (e, _) = self.expr_ranged(min_prec)?;
        Ok(e)
    }

    fn expr_ranged(&mut self, min_prec: u8) -> Result<(Expr, Range<usize>), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let range = self.peek().1.clone();
            return Err(ExprError::new(
                format!("the expression nests deeper than {MAX_DEPTH} levels"),
                range,
            )
            .help(DEPTH_HELP));
        }
        let result = self.expr_inner(min_prec);
        self.depth -= 1;
        result
    }

    fn expr_inner(&mut self, min_prec: u8) -> Result<(Expr, Range<usize>), ExprError> {
        let (mut lhs, mut range) = self.prefix()?;
        loop {
            let (tok, op_range) = self.peek().clone();
            // Postfix predicates: IS [NOT] NULL, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE.
            if min_prec <= 4 {
                if keyword(&tok, "is") {
                    self.bump();
                    let negated = keyword(self.peek_at(0), "not");
                    if negated {
                        self.bump();
                    }
                    let (t, r) = self.bump();
                    if !keyword(&t, "null") {
                        return Err(ExprError::new(
                            format!("expected NULL after IS, found {}", describe(&t)),
                            r,
                        )
                        .help("write `x IS NULL` or `x IS NOT NULL`; compare values with `=`"));
                    }
                    range = range.start..r.end;
                    lhs = self.node(
                        ExprKind::IsNull {
                            expr: Box::new(lhs),
                            negated,
                        },
                        range.clone(),
                    );
                    continue;
                }
                let negated = keyword(&tok, "not")
                    && (keyword(self.peek_at(1), "in")
                        || keyword(self.peek_at(1), "between")
                        || keyword(self.peek_at(1), "like"));
                let pred = if negated {
                    self.peek_at(1).clone()
                } else {
                    tok.clone()
                };
                if keyword(&pred, "in") {
                    if negated {
                        self.bump();
                    }
                    self.bump();
                    self.expect(Tok::LParen, "`(` after IN")?;
                    let mut list = Vec::new();
                    loop {
                        list.push(self.expr(5)?);
                        let (t, r) = self.bump();
                        match t {
                            Tok::Comma => continue,
                            Tok::RParen => {
                                range = range.start..r.end;
                                break;
                            }
                            other => {
                                return Err(ExprError::new(
                                    format!(
                                        "expected `,` or `)` in the IN list, found {}",
                                        describe(&other)
                                    ),
                                    r,
                                ));
                            }
                        }
                    }
                    lhs = self.node(
                        ExprKind::InList {
                            expr: Box::new(lhs),
                            list,
                            negated,
                        },
                        range.clone(),
                    );
                    continue;
                }
                if keyword(&pred, "between") {
                    if negated {
                        self.bump();
                    }
                    self.bump();
                    let low = self.expr(5)?;
                    let (t, r) = self.bump();
                    if !keyword(&t, "and") {
                        return Err(ExprError::new(
                            format!("expected AND in BETWEEN, found {}", describe(&t)),
                            r,
                        )
                        .help("write `x BETWEEN low AND high`"));
                    }
                    let (high, hr) = self.expr_ranged(5)?;
                    range = range.start..hr.end;
                    lhs = self.node(
                        ExprKind::Between {
                            expr: Box::new(lhs),
                            low: Box::new(low),
                            high: Box::new(high),
                            negated,
                        },
                        range.clone(),
                    );
                    continue;
                }
                if keyword(&pred, "like") {
                    if negated {
                        self.bump();
                    }
                    self.bump();
                    let (pattern, pr) = self.expr_ranged(5)?;
                    range = range.start..pr.end;
                    lhs = self.node(
                        ExprKind::Like {
                            expr: Box::new(lhs),
                            pattern: Box::new(pattern),
                            negated,
                        },
                        range.clone(),
                    );
                    continue;
                }
            }
            let op = match &tok {
                Tok::Ident(s) if s.eq_ignore_ascii_case("and") => BinOp::And,
                Tok::Ident(s) if s.eq_ignore_ascii_case("or") => BinOp::Or,
                Tok::Op("=") => BinOp::Eq,
                Tok::Op("<>") | Tok::Op("!=") => BinOp::NotEq,
                Tok::Op("<") => BinOp::Lt,
                Tok::Op("<=") => BinOp::LtEq,
                Tok::Op(">") => BinOp::Gt,
                Tok::Op(">=") => BinOp::GtEq,
                Tok::Op("+") => BinOp::Add,
                Tok::Op("-") => BinOp::Sub,
                Tok::Op("*") => BinOp::Mul,
                Tok::Op("/") => BinOp::Div,
                Tok::Op("%") => BinOp::Mod,
                _ => break,
            };
            let prec = op.precedence();
            if prec < min_prec {
                break;
            }
            self.bump();
            let _ = op_range;
            let (rhs, rr) = self.expr_ranged(prec + 1)?;
            range = range.start..rr.end;
            lhs = self.node(
                ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                range.clone(),
            );
        }
        Ok((lhs, range))
    }

    fn prefix(&mut self) -> Result<(Expr, Range<usize>), ExprError> {
        let (tok, range) = self.bump();
        match tok {
            Tok::Ident(ref s) if s.eq_ignore_ascii_case("not") => {
                let (e, r) = self.expr_ranged(3)?;
                let range = range.start..r.end;
                Ok((
                    self.node(ExprKind::Unary(UnaryOp::Not, Box::new(e)), range.clone()),
                    range,
                ))
            }
            Tok::Op("-") => {
                let (e, r) = self.expr_ranged(7)?;
                let range = range.start..r.end;
                Ok((
                    self.node(ExprKind::Unary(UnaryOp::Neg, Box::new(e)), range.clone()),
                    range,
                ))
            }
            Tok::Op("+") => self.expr_ranged(7),
            Tok::LParen => {
                let (e, _) = self.expr_ranged(0)?;
                if self.peek().0 == Tok::Eof {
                    return Err(ExprError::new("unclosed `(`", range)
                        .help("add the `)` that closes it, or remove it"));
                }
                let close = self.expect(Tok::RParen, "`)`")?;
                Ok((e, range.start..close.end))
            }
            Tok::Str(s) => Ok((self.node(ExprKind::Str(s), range.clone()), range)),
            Tok::Number(n) => Ok((self.node(ExprKind::Number(n), range.clone()), range)),
            Tok::QuotedIdent(name) => {
                if name.is_empty() {
                    return Err(ExprError::new("empty quoted name", range));
                }
                Ok((self.node(ExprKind::Column(name), range.clone()), range))
            }
            Tok::Ident(s) => {
                let lower = s.to_ascii_lowercase();
                match lower.as_str() {
                    "null" => return Ok((self.node(ExprKind::Null, range.clone()), range)),
                    "true" => return Ok((self.node(ExprKind::Bool(true), range.clone()), range)),
                    "false" => return Ok((self.node(ExprKind::Bool(false), range.clone()), range)),
                    "current_timestamp" | "current_date" | "current_time"
                        if *self.peek_at(0) != Tok::LParen =>
                    {
                        let f = Func::parse(&lower).unwrap_or(Func::CurrentTimestamp);
                        return Ok((
                            self.node(ExprKind::Call(f, Vec::new()), range.clone()),
                            range,
                        ));
                    }
                    _ => {}
                }
                if *self.peek_at(0) == Tok::LParen {
                    let Some(func) = Func::parse(&s) else {
                        let known: Vec<&str> = Func::NAMES.iter().map(|(n, _)| *n).collect();
                        let help = match crate::frontend::toml::did_you_mean(
                            &s,
                            known.iter().copied(),
                        ) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None => format!(
                                "the portable functions are {}, now; for anything else give per-dialect text: {{ default = \"...\", sqlite = \"...\" }}",
                                known.join(", ")
                            ),
                        };
                        return Err(
                            ExprError::new(format!("unknown function `{s}`"), range).help(help)
                        );
                    };
                    self.bump();
                    let mut args = Vec::new();
                    let end;
                    if *self.peek_at(0) == Tok::RParen {
                        end = self.bump().1.end;
                    } else {
                        loop {
                            args.push(self.expr(0)?);
                            let (t, r) = self.bump();
                            match t {
                                Tok::Comma => continue,
                                Tok::RParen => {
                                    end = r.end;
                                    break;
                                }
                                other => {
                                    return Err(ExprError::new(
                                        format!(
                                            "expected `,` or `)` after an argument, found {}",
                                            describe(&other)
                                        ),
                                        r,
                                    ));
                                }
                            }
                        }
                    }
                    let (min, max) = func.arity();
                    let range = range.start..end;
                    if args.len() < min || args.len() > max {
                        let want = if min == max {
                            format!("{min}")
                        } else {
                            format!("{min} to {max}")
                        };
                        return Err(ExprError::new(
                            format!(
                                "`{s}` takes {want} argument{}, found {}",
                                if max == 1 { "" } else { "s" },
                                args.len()
                            ),
                            range,
                        ));
                    }
                    return Ok((self.node(ExprKind::Call(func, args), range.clone()), range));
                }
                if RESERVED.contains(&lower.as_str()) {
                    return Err(ExprError::new(
                        format!("expected a value, found `{s}`"),
                        range,
                    ));
                }
                Ok((self.node(ExprKind::Column(s), range.clone()), range))
            }
            Tok::Eof if self.pos > 0 => {
                let (prev, prev_range) = &self.toks[self.pos - 1];
                let prev = describe(prev);
                Err(ExprError::new(
                    format!("expected a value after {prev}, found the end of the expression"),
                    prev_range.clone(),
                )
                .help(format!(
                    "complete the expression after {prev}, or remove {prev}"
                )))
            }
            other => Err(ExprError::new(
                format!("expected a value, found {}", describe(&other)),
                range,
            )),
        }
    }
}

/// Checks that raw SQL for `dialect` is one balanced expression: strings and quoted names
/// closed, parentheses balanced, no `;` and no comments. It cannot end the statement it is
/// placed in, so it cannot inject another.
pub fn check_raw(text: &str, dialect: Option<DialectName>) -> Result<(), ExprError> {
    if text.trim().is_empty() {
        return Err(ExprError::new("the expression is empty", 0..text.len()));
    }
    let bytes = text.as_bytes();
    let mut depth: Vec<usize> = Vec::new();
    let mut i = 0;
    // MySQL reads backslash escapes inside strings (unless NO_BACKSLASH_ESCAPES).
    let backslash = dialect == Some(DialectName::MySql) || dialect.is_none();
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\'' | b'"' | b'`' => {
                let start = i;
                i += 1;
                loop {
                    if i >= bytes.len() {
                        return Err(ExprError::new("unterminated quote", start..text.len())
                            .help("close the quote; write it twice to put it inside"));
                    }
                    if backslash && c == b'\'' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == c {
                        if bytes.get(i + 1) == Some(&c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'(' => {
                depth.push(i);
                if depth.len() > MAX_DEPTH {
                    return Err(ExprError::new(
                        format!("the expression nests deeper than {MAX_DEPTH} levels"),
                        i..i + 1,
                    )
                    .help(DEPTH_HELP));
                }
                i += 1;
            }
            b')' => {
                if depth.pop().is_none() {
                    return Err(ExprError::new("unbalanced `)`", i..i + 1)
                        .help("remove it, or add the `(` it closes"));
                }
                i += 1;
            }
            b';' => {
                return Err(
                    ExprError::new("`;` is not allowed in an expression", i..i + 1)
                        .help("an expression is one condition; it cannot end the SQL statement"),
                );
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                return Err(
                    ExprError::new("comments are not allowed in expressions", i..i + 2)
                        .help(COMMENT_HELP),
                );
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                return Err(
                    ExprError::new("comments are not allowed in expressions", i..i + 2)
                        .help(COMMENT_HELP),
                );
            }
            b'#' if dialect == Some(DialectName::MySql) || dialect.is_none() => {
                return Err(ExprError::new(
                    "`#` starts a comment in MySQL and is not allowed here",
                    i..i + 1,
                )
                .help(COMMENT_HELP));
            }
            0 => return Err(ExprError::new("NUL characters are not allowed", i..i + 1)),
            _ => i += 1,
        }
    }
    if let Some(open) = depth.pop() {
        return Err(ExprError::new("unclosed `(`", open..open + 1)
            .help("add the `)` that closes it, or remove it"));
    }
    Ok(())
}
