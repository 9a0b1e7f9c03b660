use modelc_macros::{Choices, Model};

#[derive(Choices)]
enum Level {
    #[choice(1, label = "Junior")]
    Junior,
    #[choice(2, label = "Senior")]
    Senior,
}

#[derive(Model)]
struct Employee {
    #[model(max_length = 1, choices = Level)]
    level: String,
}

fn main() {}
