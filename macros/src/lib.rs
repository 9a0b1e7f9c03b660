//! `#[derive(Model)]` and `#[derive(Choices)]` for modelc.
//!
//! Thin: it parses the item, asks the `modelc` library for its expansion
//! (`modelc::derive::expand`: the Rust frontend the CLI reads the same structs with, and the
//! code generator `build.rs` uses), and turns errors into `compile_error!` at their tokens.
//!
//! ```ignore
//! use modelc_macros::{Choices, Model};
//!
//! #[derive(Debug, Clone, Model)]
//! #[model(app = "store")]
//! pub struct Collection {
//!     pub id: i64,
//!     #[model(max_length = 255)]
//!     pub title: String,
//! }
//! ```
//!
//! The struct gets the repository methods (`Collection::insert`, `get`, `list`, ...), a
//! `NewCollection` struct beside it and `sqlx::FromRow`; a choices enum gets its codes,
//! labels, `FromStr`, `Display` and sqlx's `Encode`/`Decode`. See the README's "Rust structs".

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenTree};

/// Declares a model: the struct's fields are its columns; `#[model(...)]` on the struct and on
/// its fields says what models.toml says. See the README's "Rust structs".
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    expand(input)
}

/// Declares the choices of a field: one unit variant per choice, `#[choice("B", label =
/// "Bronze")]` giving its stored code and its label.
#[proc_macro_derive(Choices, attributes(choice))]
pub fn derive_choices(input: TokenStream) -> TokenStream {
    expand(input)
}

fn expand(input: TokenStream) -> TokenStream {
    let item = match syn::parse::<syn::Item>(input) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error().into(),
    };
    let site = modelc::derive::Site {
        file: proc_macro::Span::call_site().local_file(),
        manifest_dir: std::env::var_os("CARGO_MANIFEST_DIR").map(Into::into),
    };
    let out = modelc::derive::expand(&item, &site);
    let mut errors = out.errors;
    let (name, tokens) = match &item {
        syn::Item::Struct(s) => (s.ident.span(), quote_tokens(&item)),
        syn::Item::Enum(e) => (e.ident.span(), quote_tokens(&item)),
        _ => (Span::call_site(), Vec::new()),
    };
    // The project's problems: at their token, when the compiler tells where tokens are, and
    // only those inside this item; else at the item's name.
    let lines = tokens
        .iter()
        .flat_map(|s| [s.start().line, s.end().line])
        .filter(|l| *l > 0)
        .fold(None, |r: Option<(usize, usize)>, l| match r {
            None => Some((l, l)),
            Some((a, b)) => Some((a.min(l), b.max(l))),
        });
    for p in out.placed {
        match lines {
            Some((first, last)) => {
                if p.line < first || p.line > last {
                    continue;
                }
                let at = tokens
                    .iter()
                    .find(|s| s.start().line == p.line && s.start().column + 1 == p.column)
                    .copied()
                    .unwrap_or(name);
                errors.push(syn::Error::new(at, p.message));
            }
            None => errors.push(syn::Error::new(
                name,
                format!(
                    "{}:{}:{}: {}",
                    p.file.display(),
                    p.line,
                    p.column,
                    p.message
                ),
            )),
        }
    }
    for message in out.unplaced {
        errors.push(syn::Error::new(name, message));
    }
    // With errors, the code is a fallback declaring what the expansion would, so that code
    // using it reports nothing more.
    let mut all = match out.code.parse::<proc_macro2::TokenStream>() {
        Ok(code) => code,
        Err(e) => syn::Error::new(
            name,
            format!("modelc generated Rust that does not parse ({e}); this is a bug in modelc"),
        )
        .to_compile_error(),
    };
    for e in errors {
        all.extend(e.to_compile_error());
    }
    all.into()
}

/// The spans of every token of `item`, groups included.
fn quote_tokens(item: &syn::Item) -> Vec<Span> {
    fn walk(stream: proc_macro2::TokenStream, out: &mut Vec<Span>) {
        for t in stream {
            out.push(t.span());
            if let TokenTree::Group(g) = t {
                walk(g.stream(), out);
            }
        }
    }
    let mut out = Vec::new();
    walk(quote::ToTokens::to_token_stream(item), &mut out);
    out
}
