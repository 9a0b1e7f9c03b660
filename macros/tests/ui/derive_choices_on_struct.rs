use modelc_macros::Choices;

#[derive(Choices)]
struct Membership {
    code: String,
}

fn main() {}
