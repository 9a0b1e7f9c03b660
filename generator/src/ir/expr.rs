//! SQL expressions of `check`, index and constraint `condition`, and `db_default`.
//!
//! They are written in a small portable subset of SQL (comparisons, AND/OR/NOT, IN, BETWEEN,
//! LIKE, IS NULL, arithmetic, a few functions, literals), parsed by `frontend::expr` and
//! rendered per dialect by `ddl`. Field names are resolved to columns when rendered.
//! Where the subset can't say something, a per-dialect table gives raw text, which is
//! still tokenized to prove it is one balanced expression and cannot end the statement.

use crate::source::Span;

use super::DialectName;

/// An expression as written in a models file.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlExpr {
    pub kind: SqlExprKind,
    /// The whole string in the models file.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SqlExprKind {
    /// One expression in the portable subset.
    Portable(Expr),
    /// `{ default = "...", sqlite = "..." }`: raw SQL per dialect, `default` for the others.
    PerDialect(Vec<(Option<DialectName>, String)>),
}

impl SqlExpr {
    /// Raw text for `dialect` of a per-dialect expression.
    pub fn raw_for(&self, dialect: DialectName) -> Option<&str> {
        match &self.kind {
            SqlExprKind::Portable(_) => None,
            SqlExprKind::PerDialect(items) => items
                .iter()
                .find(|(d, _)| *d == Some(dialect))
                .or_else(|| items.iter().find(|(d, _)| d.is_none()))
                .map(|(_, text)| text.as_str()),
        }
    }
}

/// A node of the portable subset.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A field name (or column name, or `pk`).
    Column(String),
    Str(String),
    /// A number as written (digits, optional fraction and exponent).
    Number(String),
    Bool(bool),
    Null,
    Unary(UnaryOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
    },
    Call(Func, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinOp {
    pub fn as_sql(self) -> &'static str {
        match self {
            BinOp::Or => "OR",
            BinOp::And => "AND",
            BinOp::Eq => "=",
            BinOp::NotEq => "<>",
            BinOp::Lt => "<",
            BinOp::LtEq => "<=",
            BinOp::Gt => ">",
            BinOp::GtEq => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
        }
    }

    /// Binding strength: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::NotEq | BinOp::Lt | BinOp::LtEq | BinOp::Gt | BinOp::GtEq => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div | BinOp::Mod => 6,
        }
    }
}

/// Functions of the portable subset, rendered per dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// Length in characters.
    Length,
    Lower,
    Upper,
    Trim,
    Abs,
    Coalesce,
    CurrentTimestamp,
    CurrentDate,
    CurrentTime,
}

impl Func {
    pub const NAMES: [(&'static str, Func); 10] = [
        ("length", Func::Length),
        ("char_length", Func::Length),
        ("lower", Func::Lower),
        ("upper", Func::Upper),
        ("trim", Func::Trim),
        ("abs", Func::Abs),
        ("coalesce", Func::Coalesce),
        ("current_timestamp", Func::CurrentTimestamp),
        ("current_date", Func::CurrentDate),
        ("current_time", Func::CurrentTime),
    ];

    pub fn parse(name: &str) -> Option<Func> {
        let lower = name.to_ascii_lowercase();
        if lower == "now" {
            return Some(Func::CurrentTimestamp);
        }
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == lower)
            .map(|&(_, f)| f)
    }

    /// Whether the value depends on when it is evaluated (not allowed in checks).
    pub fn is_volatile(self) -> bool {
        matches!(
            self,
            Func::CurrentTimestamp | Func::CurrentDate | Func::CurrentTime
        )
    }

    /// Number of arguments: `(min, max)`.
    pub fn arity(self) -> (usize, usize) {
        match self {
            Func::Length | Func::Lower | Func::Upper | Func::Trim | Func::Abs => (1, 1),
            Func::Coalesce => (2, 16),
            Func::CurrentTimestamp | Func::CurrentDate | Func::CurrentTime => (0, 0),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Func::Length => "length",
            Func::Lower => "lower",
            Func::Upper => "upper",
            Func::Trim => "trim",
            Func::Abs => "abs",
            Func::Coalesce => "coalesce",
            Func::CurrentTimestamp => "CURRENT_TIMESTAMP",
            Func::CurrentDate => "CURRENT_DATE",
            Func::CurrentTime => "CURRENT_TIME",
        }
    }
}

impl Expr {
    /// Every column name the expression refers to, with its span.
    pub fn columns(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let ExprKind::Column(name) = &e.kind {
                out.push((name.as_str(), e.span));
            }
        });
        out
    }

    /// Calls `f` on this node and every node below it.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Column(_)
            | ExprKind::Str(_)
            | ExprKind::Number(_)
            | ExprKind::Bool(_)
            | ExprKind::Null => {}
            ExprKind::Unary(_, e) | ExprKind::IsNull { expr: e, .. } => e.walk(f),
            ExprKind::Binary(_, l, r) => {
                l.walk(f);
                r.walk(f);
            }
            ExprKind::InList { expr, list, .. } => {
                expr.walk(f);
                for e in list {
                    e.walk(f);
                }
            }
            ExprKind::Between {
                expr, low, high, ..
            } => {
                expr.walk(f);
                low.walk(f);
                high.walk(f);
            }
            ExprKind::Like { expr, pattern, .. } => {
                expr.walk(f);
                pattern.walk(f);
            }
            ExprKind::Call(_, args) => {
                for a in args {
                    a.walk(f);
                }
            }
        }
    }
}
