use modelc_macros::Choices;

#[derive(Choices)]
enum Membership {
    #[choice("B", label = "Bronze")]
    Bronze,
    Silver,
}

fn main() {}
