//! A model that extends an abstract base: the base declares the inherited fields; the struct
//! holds their columns in fields of the same names, written without attributes.
use chrono::{DateTime, Utc};
use modelc_macros::Model;

#[derive(Model)]
#[model(app = "blog", abstract, ordering = ["-created_at"])]
pub struct Stamped {
    #[model(auto_now_add)]
    pub created_at: DateTime<Utc>,
    #[model(auto_now)]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "blog", extends = Stamped)]
pub struct Post {
    pub id: i64,
    #[model(max_length = 200)]
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn main() {
    assert_eq!(Post::TABLE, "blog_post");
    assert!(Post::COLUMNS.contains("\"created_at\""));
    // The base fills the timestamps: the New struct has the title only.
    let _ = NewPost {
        title: "t".into(),
    };
}
