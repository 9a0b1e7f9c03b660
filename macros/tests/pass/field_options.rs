//! Every field option compiles, and the names come out as Django's.
use chrono::{DateTime, NaiveDate, Utc};
use modelc_macros::Model;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "store")]
pub struct Product {
    #[model(primary_key, auto)]
    pub id: i64,
    #[model(max_length = 255, unique, db_index, help_text = "What it is called", verbose_name = "title")]
    pub title: String,
    #[model(max_length = 50, db_column = "sku_code", renamed_from = "code")]
    pub sku: String,
    pub description: Option<String>,
    #[model(max_digits = 6, decimal_places = 2, default = "9.99")]
    pub price: Decimal,
    #[model(default = 0, db_comment = "units in stock")]
    pub inventory: i32,
    #[model(default_fn = "uuid4")]
    pub uid: uuid::Uuid,
    #[model(auto_now)]
    pub last_update: DateTime<Utc>,
    #[model(auto_now_add)]
    pub created: DateTime<Utc>,
    #[model(null)]
    pub released: Option<NaiveDate>,
    #[model(type = "text", blank, editable = false)]
    pub notes: String,
}

fn main() {
    assert_eq!(Product::TABLE, "store_product");
    assert!(Product::COLUMNS.contains("\"sku_code\""));
    let _new = NewProduct {
        title: "t".into(),
        sku: "s".into(),
        description: None,
        price: Decimal::new(999, 2),
        inventory: 0,
        uid: None,
        released: None,
        notes: String::new(),
    };
}
