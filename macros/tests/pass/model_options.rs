//! Options of the model: table, ordering, indexes, unique_together and checks.
use modelc_macros::Model;

#[derive(Debug, Clone, PartialEq, Model)]
#[model(
    app = "store",
    table = "customers",
    ordering = ["last_name", "-first_name"],
    indexes = [["last_name", "first_name"]],
    unique_together = [["first_name", "last_name"]],
    checks = ["age >= 0"]
)]
pub struct Customer {
    #[model(primary_key, auto)]
    pub id: i64,
    #[model(max_length = 255)]
    pub first_name: String,
    #[model(max_length = 255)]
    pub last_name: String,
    pub age: i32,
}

fn main() {
    assert_eq!(Customer::TABLE, "customers");
}
