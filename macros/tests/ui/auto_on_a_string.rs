use modelc_macros::Model;

#[derive(Model)]
struct Ticket {
    #[model(primary_key, auto)]
    code: String,
}

fn main() {}
