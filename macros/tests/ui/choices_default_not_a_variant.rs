use modelc_macros::{Choices, Model};

#[derive(Clone, Copy, Choices)]
enum Membership {
    #[choice("B", label = "Bronze")]
    Bronze,
    #[choice("G", label = "Gold")]
    Gold,
}

#[derive(Model)]
#[model(app = "store")]
struct Customer {
    #[model(primary_key, auto)]
    id: i64,
    #[model(max_length = 1, choices = Membership, default = "X")]
    membership: String,
}

fn main() {}
