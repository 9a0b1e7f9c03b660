//! Foreign keys, one-to-one and many-to-many with every on_delete rule.
use modelc_macros::Model;

#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "store")]
pub struct Collection {
    #[model(primary_key, auto)]
    pub id: i64,
    #[model(max_length = 255)]
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "store")]
pub struct Promotion {
    #[model(primary_key, auto)]
    pub id: i64,
    #[model(max_length = 255)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "store")]
pub struct Product {
    #[model(primary_key, auto)]
    pub id: i64,
    #[model(foreign_key = Collection, on_delete = "protect", related_name = "products")]
    pub collection: i64,
    #[model(foreign_key = Collection, on_delete = "set_null", related_name = "featured")]
    pub featured_in: Option<i64>,
    #[model(foreign_key = Collection, on_delete = "cascade", related_name = "archived")]
    pub archive: Option<i64>,
    #[model(foreign_key = Collection, on_delete = "restrict", related_name = "pinned")]
    pub pinned_in: Option<i64>,
    #[model(foreign_key = Collection, on_delete = "do_nothing", related_name = "seen")]
    pub seen_in: Option<i64>,
    #[model(one_to_one = Promotion, on_delete = "cascade")]
    pub main_promotion: Option<i64>,
    #[model(many_to_many = Promotion, related_name = "products")]
    pub promotions: Vec<i64>,
}

fn main() {
    assert_eq!(Product::TABLE, "store_product");
    assert!(Product::COLUMNS.contains("\"collection_id\""));
    assert!(!Product::COLUMNS.contains("promotions"));
}
