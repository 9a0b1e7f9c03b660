//! Relation options: to_field, db_constraint, a self many-to-many that is not symmetrical, a
//! many-to-many through a model; an IP address with a protocol; a database default.
use modelc_macros::Model;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "club")]
pub struct Club {
    pub id: i64,
    #[model(max_length = 20, unique)]
    pub code: String,
    #[model(max_length = 100, db_default = "'unnamed'")]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "club")]
pub struct Person {
    pub id: i64,
    #[model(protocol = "ipv4")]
    pub last_ip: Option<IpAddr>,
    #[model(many_to_many = Self, symmetrical = false, related_name = "followers")]
    pub follows: Vec<i64>,
    #[model(many_to_many = Club, through = Membership, related_name = "members")]
    pub clubs: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "club")]
pub struct Membership {
    pub id: i64,
    #[model(foreign_key = Person, on_delete = "cascade")]
    pub person: i64,
    #[model(foreign_key = Club, to_field = "code", on_delete = "cascade", db_constraint = false)]
    pub club: String,
}

fn main() {
    assert_eq!(Membership::TABLE, "club_membership");
    assert!(Membership::COLUMNS.contains("\"club_id\""));
    let _ = NewMembership {
        person: 1,
        club: "c".into(),
    };
}
