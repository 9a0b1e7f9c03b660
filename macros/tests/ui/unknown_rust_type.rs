use modelc_macros::Model;

use std::collections::HashMap;

#[derive(Model)]
struct Product {
    tags: HashMap<String, String>,
}

fn main() {}
