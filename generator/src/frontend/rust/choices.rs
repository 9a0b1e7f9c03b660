//! Lowering of one `#[derive(Choices)]` enum: each variant's `#[choice(code, label = "...")]`.
//!
//! ```text
//! #[derive(Choices)]
//! enum Membership {
//!     #[choice("B", label = "Bronze")]
//!     Bronze,
//!     #[choice("S")]          // label: the variant's name
//!     Silver,
//! }
//! ```

use crate::diagnostics::Diagnostic;
use crate::ir::Name;
use crate::source::Span;

use super::attr::{Val, ValKind};
use super::cx::Cx;
use super::span::Tokens;

/// One variant: its code as written, label and name.
#[derive(Debug, Clone)]
pub(crate) struct ChoiceDecl {
    pub code: Val,
    pub label: String,
    pub variant: String,
    pub span: Span,
}

/// An enum of choices.
#[derive(Debug, Clone)]
pub(crate) struct ChoicesDecl {
    pub name: Name,
    pub items: Vec<ChoiceDecl>,
}

impl Cx<'_> {
    pub(crate) fn choices(&mut self, data: &syn::ItemEnum) -> Option<ChoicesDecl> {
        let tokens = Tokens::one(data.ident.span());
        let enum_name = data.ident.to_string();
        let mut items: Vec<ChoiceDecl> = Vec::new();
        for variant in &data.variants {
            let vtokens = Tokens::one(variant.ident.span());
            let vname = variant.ident.to_string();
            if !matches!(variant.fields, syn::Fields::Unit) {
                self.error(
                    vtokens,
                    Diagnostic::error(format!("choice `{enum_name}::{vname}` has fields"))
                        .label("not a unit variant")
                        .help("a choice is a code and a label: remove the fields"),
                );
                continue;
            }
            let (args, errors) = super::attr::args_of(&variant.attrs, "choice");
            for e in &errors {
                self.syn_error(
                    e,
                    "#[choice] attribute",
                    "write #[choice(\"B\", label = \"Bronze\")]",
                );
            }
            if !errors.is_empty() {
                continue;
            }
            let mut code: Option<Val> = None;
            let mut label: Option<String> = None;
            for arg in &args {
                match (&arg.key, &arg.value) {
                    (None, Some(v)) if code.is_none() => match v.kind {
                        ValKind::Str(_) | ValKind::Int(_) => code = Some(v.clone()),
                        _ => self.mismatch(
                            v,
                            "a string or an integer",
                            &format!("the code of `{enum_name}::{vname}`"),
                            "write #[choice(\"B\")] or #[choice(1)]".into(),
                        ),
                    },
                    (Some(key), Some(v)) if key.text == "label" => {
                        label = self
                            .string(
                                v,
                                &format!("the label of `{enum_name}::{vname}`"),
                                "label = \"Bronze\"",
                            )
                            .map(str::to_string)
                    }
                    (Some(key), _) if key.text != "label" => {
                        self.unknown_key(key, "choice option", &["label"])
                    }
                    _ => self.error(
                        arg.tokens(),
                        Diagnostic::error(format!(
                            "unexpected argument in the choice `{enum_name}::{vname}`"
                        ))
                        .label("unexpected")
                        .help("write #[choice(\"B\", label = \"Bronze\")]"),
                    ),
                }
            }
            let Some(code) = code else {
                if args.is_empty() {
                    self.error(
                        vtokens,
                        Diagnostic::error(format!("choice `{enum_name}::{vname}` has no code"))
                            .label("no #[choice(...)]")
                            .help(format!(
                                "write #[choice(\"{}\", label = \"{vname}\")] above the variant",
                                vname.chars().next().unwrap_or('X')
                            )),
                    );
                }
                continue;
            };
            items.push(ChoiceDecl {
                span: self.span(code.tokens),
                code,
                label: label.unwrap_or_else(|| vname.clone()),
                variant: vname,
            });
        }
        if items.is_empty() && data.variants.is_empty() {
            self.error(
                tokens,
                Diagnostic::error(format!("enum of choices `{enum_name}` has no variants"))
                    .label("no choices")
                    .help("add a variant: #[choice(\"B\", label = \"Bronze\")] Bronze,"),
            );
        }
        Some(ChoicesDecl {
            name: self.name(&enum_name, tokens),
            items,
        })
    }
}
