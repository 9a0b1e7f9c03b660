//! The rest of the model options: db_table, constraints, managed, comments and names, a
//! rename, get_latest_by; an abstract model and a proxy (no table: no repository).
use chrono::{DateTime, Utc};
use modelc_macros::Model;

#[derive(Debug, Clone, PartialEq, Model)]
#[model(
    app = "club",
    db_table = "club_people",
    managed = true,
    db_comment = "Members of the club",
    verbose_name = "person",
    verbose_name_plural = "people",
    renamed_from = "Member",
    get_latest_by = "joined",
    constraints = [
        unique(fields = ["email"], name = "person_email_uniq", condition = "left_on IS NULL"),
        check("length(name) > 0", name = "person_name_ok"),
        check(per_dialect(default = "length(trim(name)) > 0", postgres = "btrim(name) <> ''"), name = "person_name_not_blank"),
    ]
)]
pub struct Person {
    pub id: i64,
    #[model(max_length = 100)]
    pub name: String,
    #[model(type = "email")]
    pub email: String,
    pub joined: DateTime<Utc>,
    pub left_on: Option<DateTime<Utc>>,
}

#[derive(Model)]
#[model(app = "club", abstract)]
pub struct Stamped {
    #[model(auto_now_add)]
    pub created_at: DateTime<Utc>,
}

#[derive(Model)]
#[model(app = "club", proxy, extends = Person, ordering = ["name"])]
pub struct RecentPerson;

fn main() {
    assert_eq!(Person::TABLE, "club_people");
    let _ = RecentPerson;
}
