//! Choices: string and integer codes; a field holding the enum, or its code as a String.
use modelc_macros::{Choices, Model};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Choices)]
pub enum Membership {
    #[choice("B", label = "Bronze")]
    Bronze,
    #[choice("S")]
    Silver,
    #[choice("G", label = "Gold")]
    Gold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Choices)]
pub enum Priority {
    #[choice(1, label = "Low")]
    Low,
    #[choice(2, label = "High")]
    High,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "store")]
pub struct Customer {
    #[model(primary_key, auto)]
    pub id: i64,
    #[model(type = "char", max_length = 1, choices = Membership, default = "B")]
    pub membership: Membership,
    #[model(type = "small_integer", choices = Priority, default = 1)]
    pub priority: Priority,
    #[model(max_length = 1, choices = Membership, default = "G")]
    pub former: String,
}

fn main() {
    assert_eq!(Membership::Gold.code(), "G");
    assert_eq!(Membership::Silver.label(), "Silver");
    assert_eq!("B".parse::<Membership>().ok(), Some(Membership::Bronze));
    assert_eq!(Priority::High.code(), 2);
    assert_eq!(Priority::from_code(1), Some(Priority::Low));
    assert_eq!(Membership::ALL.len(), 3);
}
