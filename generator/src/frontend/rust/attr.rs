//! The argument language of `#[model(...)]` and `#[choice(...)]`, with a token span on
//! every part.
//!
//! ```text
//! args  := arg ("," arg)* ","?
//! arg   := key | key "=" value | value        (a bare value only inside a call)
//! value := literal | "-" number | path | "[" value,* "]" | ident "(" args ")"
//! ```
//!
//! Keys may be Rust keywords (`type`, `abstract`). Values stay as written here; what each
//! key accepts is checked by the lowering, so every mistake gets its own diagnostic.

use proc_macro2::Ident;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Lit, Meta, Token, token};

use super::span::Tokens;

/// One argument: `key`, `key = value`, or (inside a call) a bare value.
#[derive(Clone, Debug)]
pub(crate) struct Arg {
    pub key: Option<Key>,
    pub value: Option<Val>,
}

/// A key as written (`r#type` is `type`).
#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub text: String,
    pub tokens: Tokens,
}

impl Arg {
    /// The whole argument.
    pub fn tokens(&self) -> Tokens {
        match (&self.key, &self.value) {
            (Some(k), Some(v)) => k.tokens.to(v.tokens),
            (Some(k), None) => k.tokens,
            (None, Some(v)) => v.tokens,
            // Not made by the parser.
            (None, None) => Tokens::one(proc_macro2::Span::call_site()),
        }
    }
}

/// A value with where it was written.
#[derive(Clone, Debug)]
pub(crate) struct Val {
    pub kind: ValKind,
    pub tokens: Tokens,
}

#[derive(Clone, Debug)]
pub(crate) enum ValKind {
    Str(String),
    /// An integer, its sign applied.
    Int(i128),
    Float(f64),
    Bool(bool),
    /// `Collection`, `crate::models::Collection`: the segments.
    Path(Vec<String>),
    Array(Vec<Val>),
    /// `index(fields = ["a"], name = "x")`.
    Call(String, Vec<Arg>),
    /// A literal of another kind (`'c'`, `b"..."`), named for messages.
    Other(&'static str),
}

impl ValKind {
    /// "a string", "an integer", ... for "expected X, found Y".
    pub fn describe(&self) -> &'static str {
        match self {
            ValKind::Str(_) => "a string",
            ValKind::Int(_) => "an integer",
            ValKind::Float(_) => "a float",
            ValKind::Bool(_) => "a boolean",
            ValKind::Path(_) => "a path",
            ValKind::Array(_) => "an array",
            ValKind::Call(..) => "a call",
            ValKind::Other(what) => what,
        }
    }
}

impl Parse for Arg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let keyed = input.peek(Ident::peek_any)
            && (input.peek2(Token![=]) && !input.peek2(Token![==])
                || input.peek2(Token![,])
                || is_last_token(input));
        if !keyed || input.peek(syn::LitBool) {
            return Ok(Arg {
                key: None,
                value: Some(input.parse()?),
            });
        }
        let ident = Ident::parse_any(input)?;
        let key = Key {
            text: ident.unraw().to_string(),
            tokens: Tokens::one(ident.span()),
        };
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(Arg {
            key: Some(key),
            value,
        })
    }
}

/// Whether one token is left (an ident followed by nothing is a flag).
fn is_last_token(input: ParseStream) -> bool {
    let fork = input.fork();
    fork.step(|cursor| match cursor.token_tree() {
        Some((_, rest)) => Ok(((), rest)),
        None => Err(cursor.error("end")),
    })
    .is_ok()
        && fork.is_empty()
}

impl Parse for Val {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(token::Bracket) {
            let content;
            let bracket = syn::bracketed!(content in input);
            let items = Punctuated::<Val, Token![,]>::parse_terminated(&content)?;
            return Ok(Val {
                kind: ValKind::Array(items.into_iter().collect()),
                tokens: Tokens {
                    first: bracket.span.open(),
                    last: bracket.span.close(),
                },
            });
        }
        if input.peek(Token![-]) {
            let minus: Token![-] = input.parse()?;
            let lit: Lit = input.parse()?;
            let tokens = Tokens::one(minus.spans[0]).to(Tokens::one(lit.span()));
            let kind = match lit {
                Lit::Int(i) => ValKind::Int(-i.base10_parse::<i128>()?),
                Lit::Float(f) => ValKind::Float(-f.base10_parse::<f64>()?),
                other => {
                    return Err(syn::Error::new(other.span(), "expected a number after `-`"));
                }
            };
            return Ok(Val { kind, tokens });
        }
        if input.peek(Lit) {
            let lit: Lit = input.parse()?;
            let tokens = Tokens::one(lit.span());
            let kind = match lit {
                Lit::Str(s) => ValKind::Str(s.value()),
                Lit::Int(i) => ValKind::Int(i.base10_parse::<i128>()?),
                Lit::Float(f) => ValKind::Float(f.base10_parse::<f64>()?),
                Lit::Bool(b) => ValKind::Bool(b.value()),
                Lit::Char(_) => ValKind::Other("a character"),
                Lit::Byte(_) => ValKind::Other("a byte"),
                Lit::ByteStr(_) => ValKind::Other("a byte string"),
                Lit::CStr(_) => ValKind::Other("a C string"),
                _ => ValKind::Other("a literal"),
            };
            return Ok(Val { kind, tokens });
        }
        if input.peek(Ident::peek_any) || input.peek(Token![::]) {
            let leading = input.parse::<Option<Token![::]>>()?;
            let first = Ident::parse_any(input)?;
            let mut tokens = Tokens::one(leading.map_or(first.span(), |c| c.spans[0]));
            tokens.last = first.span();
            let mut segments = vec![first.unraw().to_string()];
            while input.peek(Token![::]) {
                input.parse::<Token![::]>()?;
                let next = Ident::parse_any(input)?;
                tokens.last = next.span();
                segments.push(next.unraw().to_string());
            }
            if segments.len() == 1 && input.peek(token::Paren) {
                let content;
                let paren = syn::parenthesized!(content in input);
                let args = Punctuated::<Arg, Token![,]>::parse_terminated(&content)?;
                tokens.last = paren.span.close();
                let name = segments.pop().unwrap_or_default();
                return Ok(Val {
                    kind: ValKind::Call(name, args.into_iter().collect()),
                    tokens,
                });
            }
            return Ok(Val {
                kind: ValKind::Path(segments),
                tokens,
            });
        }
        Err(input.error("expected a value: a string, a number, true or false, a name, or [...]"))
    }
}

/// The arguments of every `#[<name>(...)]` among `attrs`, in order. Attributes that are not
/// a list (`#[model]`, `#[model = ...]`) and argument syntax errors are returned as errors.
pub(crate) fn args_of(attrs: &[Attribute], name: &str) -> (Vec<Arg>, Vec<syn::Error>) {
    let mut args = Vec::new();
    let mut errors = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident(name)) {
        match &attr.meta {
            Meta::List(list) => {
                match list.parse_args_with(Punctuated::<Arg, Token![,]>::parse_terminated) {
                    Ok(parsed) => args.extend(parsed),
                    Err(e) => errors.push(e),
                }
            }
            Meta::Path(path) => errors.push(syn::Error::new(
                path.segments
                    .first()
                    .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span()),
                format!("expected `#[{name}(...)]`"),
            )),
            Meta::NameValue(nv) => errors.push(syn::Error::new(
                nv.eq_token.spans[0],
                format!("expected `#[{name}(...)]`"),
            )),
        }
    }
    (args, errors)
}

/// Whether `attrs` hold `#[derive(..., <name>, ...)]` (also written `modelc::<name>`).
pub(crate) fn derives(attrs: &[Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
                .ok()
        })
        .any(|paths| {
            paths
                .iter()
                .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
        })
}
