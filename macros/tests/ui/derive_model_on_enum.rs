use modelc_macros::Model;

#[derive(Model)]
enum Status {
    Open,
    Closed,
}

fn main() {}
