use modelc_macros::Model;

// The rows are read into the struct: the implicit `id` must be one of its fields.
#[derive(Model)]
#[model(app = "store")]
struct Collection {
    #[model(max_length = 255)]
    title: String,
}

fn main() {}
