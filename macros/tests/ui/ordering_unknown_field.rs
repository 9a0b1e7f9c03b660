use modelc_macros::Model;

#[derive(Model)]
#[model(ordering = ["-nmae"])]
struct Collection {
    #[model(max_length = 255)]
    name: String,
}

fn main() {}
