//! The storefront (the repository's `models.toml`) as a small application: it applies the
//! migrations, then creates, lists, updates and deletes collections, products, customers with
//! their addresses, and orders, through the code modelc generated in build.rs, and shows the
//! database refusing to delete what a PROTECT foreign key still points at.
//!
//! It runs on the SQLite file `storefront.sqlite3` in the current directory, made anew each
//! run, or on the database `DATABASE_URL` names (`sqlite:`, `postgres:` or `mysql:`/`mariadb:`).
//! The generated code is for one dialect, so build.rs generates all three and each is included
//! in its own module below; the application's logic is written once, in `storefront!`, and
//! instantiated in each module with that module's types.

use std::process::ExitCode;

type Error = Box<dyn std::error::Error>;
type Result<T, E = Error> = std::result::Result<T, E>;

/// The SQLite file used when `DATABASE_URL` is not set, and its URL.
const DEFAULT_FILE: &str = "storefront.sqlite3";
const DEFAULT_URL: &str = "sqlite://storefront.sqlite3?mode=rwc";

/// How the run starts from a clean state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    /// The default SQLite file was just deleted: the database is empty.
    NewFile,
    /// A database the user gave: undo what an earlier run applied, with the storefront's own
    /// down migrations, which drop its tables and nothing else. sqlx refuses (and nothing is
    /// dropped) when the database's `_sqlx_migrations` holds migrations that are not these.
    UndoEarlierRun,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    let given = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty());
    let (url, start) = match given {
        Some(url) => (url, Start::UndoEarlierRun),
        None => {
            remove_default_file()?;
            (DEFAULT_URL.to_string(), Start::NewFile)
        }
    };
    let scheme = url
        .split_once(':')
        .map(|(scheme, _)| scheme.to_ascii_lowercase())
        .unwrap_or_default();
    let name = match scheme.as_str() {
        "sqlite" => "SQLite",
        "postgres" | "postgresql" => "PostgreSQL",
        "mysql" | "mariadb" => "MySQL/MariaDB",
        _ => {
            return Err(format!(
                "DATABASE_URL `{}`: unknown database; use sqlite://, postgres:// or mysql://",
                redact(&url)
            )
            .into());
        }
    };
    println!("Storefront on {name}: {}", redact(&url));
    match start {
        Start::NewFile => {
            println!("Starting from a new file ({DEFAULT_FILE} removed if it was there)")
        }
        Start::UndoEarlierRun => println!(
            "Starting clean: undoing an earlier run's migrations (drops the storefront tables only)"
        ),
    }
    match name {
        "SQLite" => sqlite::run(&url, start).await,
        "PostgreSQL" => postgres::run(&url, start).await,
        _ => mysql::run(&url, start).await,
    }?;
    println!("\nDone.");
    Ok(())
}

/// Deletes the default SQLite file and its journal files, if they are there.
fn remove_default_file() -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let path = format!("{DEFAULT_FILE}{suffix}");
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot remove {path}: {e}").into()),
        }
    }
    Ok(())
}

/// The URL with its password, if it has one, hidden.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***{}", &rest[at..]),
        None => url.to_string(),
    }
}

/// A price as money.
fn money(price: rust_decimal::Decimal) -> String {
    format!("${price:.2}")
}

/// A moment to the microsecond, as the databases keep it.
fn moment(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S%.6f UTC").to_string()
}

/// `count` things: `1 order`, `2 orders`.
fn things(count: i64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

fn section(title: &str) {
    println!("\n-- {title}");
}

/// Whether a database error is a foreign key refusing the statement: on PostgreSQL and
/// MySQL/MariaDB, and on SQLite for a NO ACTION key, its kind is `ForeignKeyViolation`. SQLite
/// reports an `ON DELETE RESTRICT` (PROTECT) refusal with the extended code 1811
/// (SQLITE_CONSTRAINT_TRIGGER) instead of 787 (SQLITE_CONSTRAINT_FOREIGNKEY), which sqlx does not
/// map to a kind (`Other`); its message says what it is.
fn is_foreign_key_refusal(e: &dyn sqlx::error::DatabaseError) -> bool {
    e.kind() == sqlx::error::ErrorKind::ForeignKeyViolation
        || (e.code().as_deref() == Some("1811") && e.message() == "FOREIGN KEY constraint failed")
}

/// What a delete that the database must refuse (PROTECT) came to: the database's message,
/// or an error when it did not refuse, or failed otherwise.
fn refused(result: Result<bool, sqlx::Error>, what: &str) -> Result<String> {
    match result {
        Err(sqlx::Error::Database(e)) if is_foreign_key_refusal(&*e) => {
            let code = e.code().unwrap_or_default();
            Ok(format!("{}, code {code}", e.message()))
        }
        Err(e) => Err(format!("deleting {what}: {e}").into()),
        Ok(deleted) => Err(format!(
            "deleting {what} should have been refused (PROTECT), but it returned {deleted}"
        )
        .into()),
    }
}

/// Fails with `message` unless `condition` holds: the application checks what it reads back.
fn expect(condition: bool, message: impl FnOnce() -> String) -> Result<()> {
    if condition {
        Ok(())
    } else {
        Err(message().into())
    }
}

/// The application, for one database: `$db` is its sqlx database type, and the module it is
/// instantiated in has the generated types (`Collection`, `NewCollection`, ...) and `MIGRATOR`.
macro_rules! storefront {
    ($db:ty) => {
        use chrono::NaiveDate;
        use rust_decimal::Decimal;
        use sqlx::Pool;

        use crate::{Result, Start, expect, moment, money, refused, section, things};

        pub async fn run(url: &str, start: Start) -> Result<()> {
            let pool = Pool::<$db>::connect(url).await?;
            let result = storefront(&pool, start).await;
            pool.close().await;
            result
        }

        fn product_line(p: &Product) -> String {
            format!(
                "#{} {} ({}), {}, {} in stock",
                p.id,
                p.title,
                p.description,
                money(p.price),
                p.inventory
            )
        }

        fn customer_line(c: &Customer) -> String {
            let born = match c.birth_date {
                Some(d) => format!(", born {d}"),
                None => String::new(),
            };
            format!(
                "{} {} <{}>, {} member{born}",
                c.first_name,
                c.last_name,
                c.email,
                c.membership.label()
            )
        }

        fn order_line(o: &Order) -> String {
            format!(
                "order #{} by {}, placed {}, payment {}",
                o.id,
                o.customer_id,
                moment(o.placed_at),
                o.payment_status.label()
            )
        }

        fn new_product(
            title: &str,
            description: &str,
            cents: i64,
            inventory: i32,
            collection: &Collection,
        ) -> NewProduct {
            NewProduct {
                title: title.into(),
                description: description.into(),
                price: Decimal::new(cents, 2),
                inventory,
                collection_id: collection.id,
            }
        }

        fn new_customer(
            first: &str,
            last: &str,
            email: &str,
            phone: &str,
            birth: Option<NaiveDate>,
            membership: CustomerMembership,
        ) -> NewCustomer {
            NewCustomer {
                first_name: first.into(),
                last_name: last.into(),
                email: email.into(),
                phone_number: phone.into(),
                birth_date: birth,
                membership,
                address_id: None,
            }
        }

        /// A customer and their address, which point at each other: the customer is inserted
        /// without one (`address` is nullable), then the address with its customer, then the
        /// customer's `address` is set, all in one transaction.
        async fn customer_at(
            pool: &Pool<$db>,
            new: &NewCustomer,
            street: &str,
            city: &str,
        ) -> Result<(Customer, Address)> {
            let mut tx = pool.begin().await?;
            let mut customer = Customer::insert(&mut *tx, new).await?;
            let address = Address::insert(
                &mut *tx,
                &NewAddress {
                    street: street.into(),
                    city: city.into(),
                    customer_id: customer.email.clone(),
                },
            )
            .await?;
            customer.address_id = Some(address.id);
            customer.update(&mut *tx).await?;
            tx.commit().await?;
            Ok((customer, address))
        }

        async fn new_collection(pool: &Pool<$db>, title: &str) -> Result<Collection> {
            let new = NewCollection {
                title: title.into(),
            };
            let c = Collection::insert(pool, &new).await?;
            println!("  created collection #{} {}", c.id, c.title);
            Ok(c)
        }

        async fn counts(pool: &Pool<$db>) -> Result<String> {
            Ok(format!(
                "{}, {}, {}, {}, {}",
                things(Collection::count(pool).await?, "collection", "collections"),
                things(Product::count(pool).await?, "product", "products"),
                things(Customer::count(pool).await?, "customer", "customers"),
                things(Address::count(pool).await?, "address", "addresses"),
                things(Order::count(pool).await?, "order", "orders")
            ))
        }

        async fn storefront(pool: &Pool<$db>, start: Start) -> Result<()> {
            if start == Start::UndoEarlierRun {
                MIGRATOR.undo(pool, 0).await?;
            }
            MIGRATOR.run(pool).await?;
            for m in MIGRATOR
                .iter()
                .filter(|m| m.migration_type.is_up_migration())
            {
                println!("Applied migration {:04} {}", m.version, m.description);
            }

            section("Collections");
            let mut baking = new_collection(pool, "Baking").await?;
            let tools = new_collection(pool, "Kitchen tools").await?;
            let mut clearance = new_collection(pool, "Clearance").await?;

            section("Products");
            for new in [
                new_product("Rye flour", "stone-ground, 1 kg", 450, 40, &baking),
                new_product("Dry yeast", "7 g sachets, box of 10", 325, 120, &baking),
            ] {
                let p = Product::insert(pool, &new).await?;
                println!(
                    "  created {}; in collection {}",
                    product_line(&p),
                    p.fetch_collection(pool).await?.title
                );
            }
            let many = [
                new_product("Balloon whisk", "stainless steel", 1290, 15, &tools),
                new_product("Rolling pin", "beech, 45 cm", 1850, 8, &tools),
                new_product("Kitchen scale", "to 5 kg, by the gram", 2999, 5, &tools),
            ];
            let inserted = Product::insert_many(pool, &many).await?;
            println!("  insert_many: {inserted} kitchen tools in one statement");
            let total = Product::count(pool).await?;
            let per_page = 2;
            let mut offset = 0;
            while offset < total {
                let page = Product::list(pool, per_page, offset).await?;
                println!("  page {} of the product list:", offset / per_page + 1);
                for p in &page {
                    println!("    {}", product_line(p));
                }
                offset += per_page;
            }
            let in_baking = Product::filter_by_collection(pool, baking.id).await?;
            println!(
                "  in {}: {}",
                baking.title,
                in_baking
                    .iter()
                    .map(|p| p.title.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            expect(in_baking.len() == 2, || {
                format!("Baking should have 2 products, has {}", in_baking.len())
            })?;

            section("Customers and their addresses (Customer.address <-> Address.customer)");
            let (ada, home) = customer_at(
                pool,
                &new_customer(
                    "Ada",
                    "Lovelace",
                    "ada@example.com",
                    "+44 20 7946 0001",
                    NaiveDate::from_ymd_opt(1815, 12, 10),
                    CustomerMembership::Gold,
                ),
                "12 St James's Square",
                "London",
            )
            .await?;
            let (mut grace, _) = customer_at(
                pool,
                &new_customer(
                    "Grace",
                    "Hopper",
                    "grace@example.com",
                    "+1 202 555 0142",
                    None,
                    CustomerMembership::Silver,
                ),
                "3 Navy Yard",
                "Arlington",
            )
            .await?;
            // William lives at Ada's home too: his address is one of hers (Address.customer).
            let mut william = new_customer(
                "William",
                "King",
                "william@example.com",
                "+44 20 7946 0002",
                None,
                CustomerMembership::Bronze,
            );
            william.address_id = Some(home.id);
            let william = Customer::insert(pool, &william).await?;
            let alan = Customer::insert(
                pool,
                &new_customer(
                    "Alan",
                    "Turing",
                    "alan@example.com",
                    "+44 161 496 0003",
                    NaiveDate::from_ymd_opt(1912, 6, 23),
                    CustomerMembership::Bronze,
                ),
            )
            .await?;
            let office = Address::insert(
                pool,
                &NewAddress {
                    street: "Analytical Engine Works, 1 Dorset Street".into(),
                    city: "London".into(),
                    customer_id: ada.email.clone(),
                },
            )
            .await?;
            println!("  customers, in the model's ordering (last name, first name):");
            for c in Customer::list(pool, 10, 0).await? {
                let lives = match c.fetch_address(pool).await? {
                    Some(a) => format!("lives at {}, {}", a.street, a.city),
                    None => "no address".to_string(),
                };
                println!("    {}; {lives}", customer_line(&c));
            }
            let addresses = Address::filter_by_customer(pool, &ada.email).await?;
            println!("  addresses of {} (Customer.addresses):", ada.first_name);
            for a in &addresses {
                println!("    #{} {}, {}", a.id, a.street, a.city);
            }
            expect(addresses.len() == 2 && addresses[1].id == office.id, || {
                format!("Ada should have 2 addresses, has {addresses:?}")
            })?;
            let residents = Customer::filter_by_address(pool, home.id).await?;
            println!(
                "  residents of {} (Address.residents): {}",
                home.street,
                residents
                    .iter()
                    .map(|c| c.first_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            expect(residents.len() == 2, || {
                format!(
                    "two residents expected at Ada's home, found {}",
                    residents.len()
                )
            })?;

            section("Orders");
            let mut first = Order::insert(
                pool,
                &NewOrder {
                    payment_status: OrderPaymentStatus::Pending,
                    customer_id: ada.email.clone(),
                },
            )
            .await?;
            let failed = Order::insert(
                pool,
                &NewOrder {
                    payment_status: OrderPaymentStatus::Failed,
                    customer_id: ada.email.clone(),
                },
            )
            .await?;
            let graces = Order::insert(
                pool,
                &NewOrder {
                    payment_status: OrderPaymentStatus::Pending,
                    customer_id: grace.email.clone(),
                },
            )
            .await?;
            for o in [&first, &failed, &graces] {
                println!("  created {}", order_line(o));
            }
            println!("  orders of {}:", ada.email);
            for o in Order::filter_by_customer(pool, &ada.email).await? {
                println!("    {}", order_line(&o));
            }
            first.payment_status = OrderPaymentStatus::Completed;
            first.update(pool).await?;
            let buyer = first.fetch_customer(pool).await?;
            println!(
                "  order #{} paid: now {}, by {} {}",
                first.id,
                first.payment_status.label(),
                buyer.first_name,
                buyer.last_name
            );
            let reread = Order::get(pool, first.id)
                .await?
                .ok_or("the paid order is gone")?;
            expect(reread == first, || {
                format!("order read back {reread:?}, saved {first:?}")
            })?;

            section("Updates");
            clearance.title = "Summer sale".into();
            clearance.update(pool).await?;
            println!(
                "  collection #{} renamed: {}",
                clearance.id,
                Collection::get(pool, clearance.id)
                    .await?
                    .ok_or("collection gone")?
                    .title
            );
            let mut flour = Product::filter_by_collection(pool, baking.id)
                .await?
                .into_iter()
                .next()
                .ok_or("no flour")?;
            let before = flour.last_update;
            flour.price = Decimal::new(399, 2);
            flour.inventory -= 1;
            flour.update(pool).await?;
            let stored = Product::get(pool, flour.id).await?.ok_or("flour gone")?;
            println!(
                "  {}: price now {}, {} in stock",
                stored.title,
                money(stored.price),
                stored.inventory
            );
            println!(
                "    last_update (auto_now) {} -> {}",
                moment(before),
                moment(stored.last_update)
            );
            expect(stored == flour && stored.last_update >= before, || {
                format!("product read back {stored:?}, saved {flour:?}")
            })?;
            grace.membership = CustomerMembership::Gold;
            grace.phone_number = "+1 202 555 0199".into();
            grace.update(pool).await?;
            let stored = Customer::get(pool, &grace.email)
                .await?
                .ok_or("Grace is gone")?;
            println!("  {}", customer_line(&stored));
            expect(stored == grace, || {
                format!("customer read back {stored:?}, saved {grace:?}")
            })?;

            section("Deletes, and PROTECT");
            let message = refused(baking.delete(pool).await, "collection Baking")?;
            println!(
                "  deleting collection {} while 2 products are in it: refused ({message})",
                baking.title
            );
            for p in Product::filter_by_collection(pool, baking.id).await? {
                expect(p.delete(pool).await?, || {
                    format!("product #{} was not deleted", p.id)
                })?;
                println!("  deleted product #{} {}", p.id, p.title);
            }
            expect(baking.delete(pool).await?, || {
                "collection Baking was not deleted".into()
            })?;
            println!("  deleted collection {} now that it is empty", baking.title);
            let again = baking.delete(pool).await?;
            println!("  deleting it again: {again} (it was already gone)");
            expect(!again, || "a deleted collection was deleted again".into())?;
            baking.title = "Bread".into();
            match baking.update(pool).await {
                Err(sqlx::Error::RowNotFound) => println!("  updating it: RowNotFound"),
                other => return Err(format!("updating a deleted collection: {other:?}").into()),
            }

            let message = refused(ada.delete(pool).await, "customer Ada")?;
            println!(
                "  deleting customer {} while she has orders: refused ({message})",
                ada.email
            );
            expect(alan.delete(pool).await?, || "Alan was not deleted".into())?;
            println!("  deleted customer {} (no orders)", alan.email);
            for o in Order::filter_by_customer(pool, &ada.email).await? {
                o.delete(pool).await?;
                println!("  deleted order #{}", o.id);
            }
            println!("  before deleting Ada: {}", counts(pool).await?);
            expect(ada.delete(pool).await?, || "Ada was not deleted".into())?;
            println!(
                "  deleted customer {}: her addresses go with her (CASCADE)",
                ada.email
            );
            let left = Address::filter_by_customer(pool, &ada.email).await?;
            expect(left.is_empty(), || {
                format!("Ada's addresses should be gone: {left:?}")
            })?;
            let william = Customer::get(pool, &william.email)
                .await?
                .ok_or("William is gone")?;
            println!(
                "  {}'s address, which was Ada's home: {:?} (SET NULL)",
                william.first_name, william.address_id
            );
            expect(william.address_id.is_none(), || {
                format!("William's address should be NULL: {william:?}")
            })?;
            expect(Customer::get(pool, &ada.email).await?.is_none(), || {
                "Ada is still there".into()
            })?;

            section("What is left");
            println!("  {}", counts(pool).await?);
            for c in Collection::list(pool, 10, 0).await? {
                let products = Product::filter_by_collection(pool, c.id).await?;
                let products = things(products.len() as i64, "product", "products");
                println!("  collection #{} {}: {products}", c.id, c.title);
            }
            for c in Customer::list(pool, 10, 0).await? {
                let orders = Order::filter_by_customer(pool, &c.email).await?;
                let orders = things(orders.len() as i64, "order", "orders");
                println!("  {}; {orders}", customer_line(&c));
            }
            Ok(())
        }
    };
}

/// The storefront's code for SQLite.
mod sqlite {
    #[allow(dead_code)] // the generated API is larger than what the application uses
    mod models {
        include!(concat!(env!("OUT_DIR"), "/storefront_sqlite.rs"));
    }
    use models::*;

    static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

    storefront!(sqlx::Sqlite);
}

/// The storefront's code for PostgreSQL.
mod postgres {
    #[allow(dead_code)]
    mod models {
        include!(concat!(env!("OUT_DIR"), "/storefront_postgres.rs"));
    }
    use models::*;

    static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

    storefront!(sqlx::Postgres);
}

/// The storefront's code for MySQL and MariaDB.
mod mysql {
    #[allow(dead_code)]
    mod models {
        include!(concat!(env!("OUT_DIR"), "/storefront_mysql.rs"));
    }
    use models::*;

    static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/mysql");

    storefront!(sqlx::MySql);
}
