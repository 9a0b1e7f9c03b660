//! The storefront's generated repositories (`modelc_generated::storefront::<dialect>`), and
//! the same storefront declared as `#[derive(Model)]` structs (`modelc_derived_<dialect>`), on
//! each real database: every method of every model, values at the edges of their types, choices,
//! foreign keys refused and carried out by the database (and checked at commit where they are
//! deferred), transactions rolled back, and `insert_many` of 100,000 rows.
//!
//! Each test is written once, in [`storefront_tests`], and instantiated per dialect: the
//! generated API is the same on the three databases, but its types are the dialect's own.
//!
//! The tests run on a multi-threaded runtime: a test that fails inside a transaction leaves a
//! pooled MySQL connection whose rollback is a task of the runtime, and dropping the
//! [`TestDb`] (which blocks its thread until the database is dropped) would otherwise wait
//! for that task forever, holding the test run.

use std::fmt::Debug;

use modelc::ir::DialectName;
use modelc_tests::db::{TestDb, compile};
use modelc_tests::repo::{assert_fk_violation, dec, text};
use modelc_tests::repo_root;
use rust_decimal::Decimal;

/// Compiles the storefront's models.
fn storefront() -> modelc::Compilation {
    let text =
        std::fs::read_to_string(repo_root().join("models.toml")).expect("read the storefront");
    compile("models.toml", &text)
}

/// The tests of one dialect: `$module` names the generated module and the test module,
/// `$pool` the sqlx pool type.
macro_rules! storefront_tests {
    (
        $module:ident,
        $dialect:expr,
        $pool:ty,
        [$($code:tt)+],
        $collection_id:ident,
        $address_id:ident,
        $customer_id:ident
    ) => {
        mod $module {
            use super::*;
            use chrono::{NaiveDate, SubsecRound, Utc};
            use $($code)+::*;

            const DIALECT: DialectName = $dialect;

            /// The error of an unknown code (the derive's enums each have their own type;
            /// the generated file shares one).
            type UnknownChoice = <CustomerMembership as std::str::FromStr>::Err;

            /// A fresh database with the storefront's tables, and a pool on it. `None`:
            /// the server is unreachable (skipped; a failure under CI=true).
            async fn open(test: &str) -> Option<(TestDb, $pool)> {
                let compilation = storefront();
                let schema = compilation.schema.as_ref().expect("compiled");
                let name = format!("repo_storefront_{}_{test}", stringify!($module));
                let mut db = TestDb::create(&name, DIALECT).await?;
                db.apply(schema).await;
                let pool = <$pool>::connect(db.url())
                    .await
                    .unwrap_or_else(|e| panic!("{name}: cannot open a pool: {e}"));
                Some((db, pool))
            }

            fn new_product(title: &str, collection_id: i64) -> NewProduct {
                NewProduct {
                    title: title.to_string(),
                    description: String::new(),
                    price: dec("1.00"),
                    inventory: 0,
                    $collection_id: collection_id,
                }
            }

            fn new_customer(email: &str, last_name: &str) -> NewCustomer {
                NewCustomer {
                    first_name: "Ada".into(),
                    last_name: last_name.into(),
                    email: email.into(),
                    phone_number: "+1 555 0100".into(),
                    birth_date: None,
                    membership: CustomerMembership::Bronze,
                    $address_id: None,
                }
            }

            /// Insert, get, list, count, update and delete of every model, with values at
            /// the edges of each type.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn crud_round_trips() {
                let Some((_db, pool)) = open("crud").await else {
                    return;
                };

                // Collection: the smallest model.
                let mut c = Collection::insert(
                    &pool,
                    &NewCollection {
                        title: text("c", 255),
                    },
                )
                .await
                .expect("insert a collection");
                assert_eq!(c.title, text("c", 255));
                assert_eq!(Collection::get(&pool, c.id).await.unwrap(), Some(c.clone()));
                assert_eq!(Collection::get(&pool, c.id + 1000).await.unwrap(), None);
                c.title = "Ünïcödé ✓".into();
                c.update(&pool).await.expect("update a collection");
                assert_eq!(Collection::get(&pool, c.id).await.unwrap(), Some(c.clone()));
                // An update that changes nothing still finds its row.
                c.update(&pool).await.expect("update with the same values");

                // Product: decimals at full precision, integer extremes, long texts,
                // auto_now on insert and on update.
                let cases = [
                    (
                        "max",
                        "9999.99",
                        i32::MAX,
                        text("t", 255),
                        text("d", 70_000),
                    ),
                    ("min", "-9999.99", i32::MIN, text("u", 1), String::new()),
                    ("cent", "0.01", 0, "plain".to_string(), "\n\t\r".to_string()),
                ];
                let mut products = Vec::new();
                for (what, price, inventory, title, description) in cases {
                    let before = Utc::now().trunc_subsecs(6);
                    let new = NewProduct {
                        title,
                        description,
                        price: dec(price),
                        inventory,
                        $collection_id: c.id,
                    };
                    let p = Product::insert(&pool, &new)
                        .await
                        .unwrap_or_else(|e| panic!("insert product {what}: {e}"));
                    let after = Utc::now();
                    assert_eq!(
                        (
                            &p.title,
                            &p.description,
                            p.price,
                            p.inventory,
                            p.$collection_id
                        ),
                        (
                            &new.title,
                            &new.description,
                            new.price,
                            new.inventory,
                            new.$collection_id
                        ),
                        "product {what} as inserted"
                    );
                    assert_eq!(p.price.to_string(), dec(price).to_string(), "{what}: scale");
                    assert!(
                        before <= p.last_update && p.last_update <= after,
                        "auto_now on insert: {} not in [{before}, {after}]",
                        p.last_update
                    );
                    let got = Product::get(&pool, p.id).await.unwrap().expect("product");
                    assert_eq!(got, p, "product {what} read back");
                    products.push(p);
                }
                let mut p = products[0].clone();
                let stamped = p.last_update;
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                p.inventory = -1;
                p.price = dec("-0.01");
                p.update(&pool).await.expect("update a product");
                assert!(p.last_update > stamped, "auto_now moves on update");
                assert_eq!(Product::get(&pool, p.id).await.unwrap(), Some(p.clone()));
                assert_eq!(Product::count(&pool).await.unwrap(), 3);
                let page = Product::list(&pool, 2, 1).await.unwrap();
                assert_eq!(
                    page.iter().map(|x| x.id).collect::<Vec<_>>(),
                    vec![products[1].id, products[2].id],
                    "list pages in key order"
                );
                assert_eq!(Product::list(&pool, 10, 3).await.unwrap(), vec![]);

                // Customer: a string primary key at its full length, nullable date,
                // choices, the ordering of Meta.ordering.
                let email = text("max@", 254);
                let mut max = NewCustomer {
                    first_name: text("f", 255),
                    last_name: text("l", 255),
                    email: email.clone(),
                    phone_number: text("p", 255),
                    birth_date: Some(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()),
                    membership: CustomerMembership::Gold,
                    $address_id: None,
                };
                let cu = Customer::insert(&pool, &max)
                    .await
                    .expect("insert customer");
                assert_eq!(
                    cu,
                    Customer {
                        first_name: max.first_name.clone(),
                        last_name: max.last_name.clone(),
                        email: max.email.clone(),
                        phone_number: max.phone_number.clone(),
                        birth_date: max.birth_date,
                        membership: max.membership,
                        $address_id: None,
                    }
                );
                assert_eq!(
                    Customer::get(&pool, &email).await.unwrap(),
                    Some(cu.clone())
                );
                max.email = "min@example.com".into();
                max.last_name = "A".into();
                max.birth_date = Some(NaiveDate::from_ymd_opt(1, 1, 1).unwrap());
                max.membership = CustomerMembership::Silver;
                let early = Customer::insert(&pool, &max).await.unwrap();
                assert_eq!(early.birth_date, max.birth_date);
                let third = Customer::insert(&pool, &new_customer("b@example.com", "B"))
                    .await
                    .unwrap();
                assert_eq!(third.membership, CustomerMembership::Bronze);
                assert_eq!(third.birth_date, None);
                // Ordered by last_name, first_name.
                let names: Vec<String> = Customer::list(&pool, 10, 0)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|c| c.email)
                    .collect();
                assert_eq!(
                    names,
                    vec![early.email.clone(), third.email.clone(), email.clone()]
                );
                assert_eq!(
                    Customer::list(&pool, 1, 1).await.unwrap(),
                    vec![third.clone()]
                );
                assert_eq!(Customer::count(&pool).await.unwrap(), 3);

                // Address and the cycle back to Customer.
                let a = Address::insert(
                    &pool,
                    &NewAddress {
                        street: text("s", 255),
                        city: text("c", 255),
                        $customer_id: email.clone(),
                    },
                )
                .await
                .expect("insert address");
                assert_eq!(Address::get(&pool, a.id).await.unwrap(), Some(a.clone()));
                assert_eq!(a.fetch_customer(&pool).await.unwrap(), cu);
                assert_eq!(
                    Address::filter_by_customer(&pool, &email).await.unwrap(),
                    vec![a.clone()]
                );
                assert_eq!(
                    Address::filter_by_customer(&pool, "nobody").await.unwrap(),
                    vec![]
                );
                let mut cu = cu;
                assert_eq!(cu.fetch_address(&pool).await.unwrap(), None);
                cu.$address_id = Some(a.id);
                cu.membership = CustomerMembership::Bronze;
                cu.update(&pool).await.expect("update customer");
                assert_eq!(
                    Customer::get(&pool, &email).await.unwrap(),
                    Some(cu.clone())
                );
                assert_eq!(cu.fetch_address(&pool).await.unwrap(), Some(a.clone()));
                assert_eq!(
                    Customer::filter_by_address(&pool, a.id).await.unwrap(),
                    vec![cu.clone()]
                );
                let mut a2 = a.clone();
                a2.city = "Zürich".into();
                a2.update(&pool).await.unwrap();
                assert_eq!(Address::get(&pool, a.id).await.unwrap(), Some(a2.clone()));
                assert_eq!(Address::count(&pool).await.unwrap(), 1);
                assert_eq!(Address::list(&pool, 5, 0).await.unwrap(), vec![a2.clone()]);

                // Order: auto_now_add on insert, kept on update; choices.
                let before = Utc::now().trunc_subsecs(6);
                let mut o = Order::insert(
                    &pool,
                    &NewOrder {
                        payment_status: OrderPaymentStatus::Pending,
                        $customer_id: email.clone(),
                    },
                )
                .await
                .expect("insert order");
                let after = Utc::now();
                assert!(
                    before <= o.placed_at && o.placed_at <= after,
                    "auto_now_add on insert"
                );
                assert_eq!(o.payment_status, OrderPaymentStatus::Pending);
                let placed = o.placed_at;
                for status in OrderPaymentStatus::ALL {
                    o.payment_status = status;
                    o.update(&pool).await.unwrap();
                    let got = Order::get(&pool, o.id).await.unwrap().expect("order");
                    assert_eq!(got.payment_status, status);
                    assert_eq!(got.placed_at, placed, "auto_now_add is kept on update");
                }
                assert_eq!(o.fetch_customer(&pool).await.unwrap().email, email);
                assert_eq!(
                    Order::filter_by_customer(&pool, &email).await.unwrap(),
                    vec![o.clone()]
                );
                assert_eq!(Order::list(&pool, 10, 0).await.unwrap(), vec![o.clone()]);
                assert_eq!(Order::count(&pool).await.unwrap(), 1);

                // Product by its collection.
                let listed = Product::filter_by_collection(&pool, c.id).await.unwrap();
                assert_eq!(listed.len(), 3);
                assert_eq!(listed[0], p);
                assert_eq!(p.fetch_collection(&pool).await.unwrap(), c);

                // Deletes: true once, then false; update of a deleted row is RowNotFound.
                assert!(o.delete(&pool).await.unwrap());
                assert!(!o.delete(&pool).await.unwrap());
                assert!(matches!(
                    o.update(&pool).await,
                    Err(sqlx::Error::RowNotFound)
                ));
                assert_eq!(Order::get(&pool, o.id).await.unwrap(), None);
                for x in &products {
                    assert!(x.delete(&pool).await.unwrap());
                }
                assert!(c.delete(&pool).await.unwrap());
                assert!(matches!(
                    c.update(&pool).await,
                    Err(sqlx::Error::RowNotFound)
                ));
                assert_eq!(Collection::count(&pool).await.unwrap(), 0);
                assert!(third.delete(&pool).await.unwrap());
                assert!(!third.delete(&pool).await.unwrap());
                pool.close().await;
            }

            /// A missing target and a PROTECT refusal are foreign key violations the
            /// caller can match on; CASCADE and SET NULL are carried out.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn foreign_keys() {
                let Some((_db, pool)) = open("fk").await else {
                    return;
                };
                let c = Collection::insert(&pool, &NewCollection { title: "c".into() })
                    .await
                    .unwrap();
                assert_fk_violation(
                    Product::insert(&pool, &new_product("orphan", c.id + 1000)).await,
                    "a product of a missing collection",
                );
                assert_eq!(Product::count(&pool).await.unwrap(), 0);
                let p = Product::insert(&pool, &new_product("p", c.id))
                    .await
                    .unwrap();
                let mut moved = p.clone();
                moved.$collection_id = c.id + 1000;
                assert_fk_violation(moved.update(&pool).await, "a product moved to nowhere");
                // PROTECT: the collection stays while a product points at it.
                assert_fk_violation(c.delete(&pool).await, "delete a protected collection");
                assert_eq!(Collection::get(&pool, c.id).await.unwrap(), Some(c.clone()));

                let cu = Customer::insert(&pool, &new_customer("x@example.com", "X"))
                    .await
                    .unwrap();
                assert_fk_violation(
                    Order::insert(
                        &pool,
                        &NewOrder {
                            payment_status: OrderPaymentStatus::Failed,
                            $customer_id: "nobody@example.com".into(),
                        },
                    )
                    .await,
                    "an order of a missing customer",
                );
                let o = Order::insert(
                    &pool,
                    &NewOrder {
                        payment_status: OrderPaymentStatus::Completed,
                        $customer_id: cu.email.clone(),
                    },
                )
                .await
                .unwrap();
                let a = Address::insert(
                    &pool,
                    &NewAddress {
                        street: "1 Main St".into(),
                        city: "Springfield".into(),
                        $customer_id: cu.email.clone(),
                    },
                )
                .await
                .unwrap();
                let mut cu = cu;
                cu.$address_id = Some(a.id);
                cu.update(&pool).await.unwrap();
                // PROTECT from Order.
                assert_fk_violation(cu.delete(&pool).await, "delete a customer with orders");
                assert!(Customer::get(&pool, &cu.email).await.unwrap().is_some());
                // SET NULL: deleting the address clears the customer's key.
                assert!(a.delete(&pool).await.unwrap());
                let got = Customer::get(&pool, &cu.email).await.unwrap().unwrap();
                assert_eq!(got.$address_id, None, "set_null on delete");
                // CASCADE: deleting the customer deletes its addresses.
                let a2 = Address::insert(
                    &pool,
                    &NewAddress {
                        street: "2 Main St".into(),
                        city: "Springfield".into(),
                        $customer_id: cu.email.clone(),
                    },
                )
                .await
                .unwrap();
                assert!(o.delete(&pool).await.unwrap());
                assert!(cu.delete(&pool).await.unwrap());
                assert_eq!(Address::get(&pool, a2.id).await.unwrap(), None, "cascade");
                // With its product gone the collection can go.
                assert!(p.delete(&pool).await.unwrap());
                assert!(c.delete(&pool).await.unwrap());
                pool.close().await;
            }

            /// Choices are enums both ways; a code in the database that is none of them is
            /// a decode error carrying `UnknownChoice`.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn choices() {
                let Some((mut db, pool)) = open("choices").await else {
                    return;
                };
                for (i, m) in CustomerMembership::ALL.into_iter().enumerate() {
                    let mut new = new_customer(&format!("c{i}@example.com"), "C");
                    new.membership = m;
                    let got = Customer::insert(&pool, &new).await.unwrap();
                    assert_eq!(got.membership, m);
                    assert_eq!(
                        Customer::get(&pool, &new.email)
                            .await
                            .unwrap()
                            .unwrap()
                            .membership,
                        m
                    );
                }
                assert_eq!(CustomerMembership::Gold.code(), "G");
                assert_eq!(CustomerMembership::Gold.label(), "Gold");
                assert_eq!(
                    "S".parse::<CustomerMembership>().unwrap(),
                    CustomerMembership::Silver
                );

                // Put a code outside the choices past the database's own check.
                match DIALECT {
                    DialectName::Sqlite => {
                        db.execute("PRAGMA ignore_check_constraints = ON")
                            .await
                            .unwrap();
                    }
                    _ => {
                        db.execute(
                            "ALTER TABLE store_customer \
                             DROP CONSTRAINT store_customer_membership_choices",
                        )
                        .await
                        .unwrap();
                    }
                }
                db.execute(
                    "INSERT INTO store_customer \
                     (first_name, last_name, email, phone_number, membership) \
                     VALUES ('R', 'R', 'raw@example.com', '0', 'x')",
                )
                .await
                .unwrap();
                let check = |result: Result<Box<dyn Debug>, sqlx::Error>, what: &str| match result {
                    Err(sqlx::Error::ColumnDecode { source, .. }) => {
                        let unknown = source.downcast_ref::<UnknownChoice>().unwrap_or_else(|| {
                            panic!("{what}: the decode error is not an UnknownChoice: {source}")
                        });
                        assert_eq!(
                            unknown,
                            &UnknownChoice {
                                field: "Customer.membership",
                                code: "x".into()
                            }
                        );
                        assert!(source.to_string().contains("Customer.membership"));
                    }
                    other => panic!("{what}: expected a decode error, got {other:?}"),
                };
                check(
                    Customer::get(&pool, "raw@example.com")
                        .await
                        .map(|c| Box::new(c) as Box<dyn Debug>),
                    "get",
                );
                check(
                    Customer::list(&pool, 100, 0)
                        .await
                        .map(|c| Box::new(c) as Box<dyn Debug>),
                    "list",
                );
                pool.close().await;
            }

            /// What a rolled-back transaction did is gone; a failed `insert_many` leaves
            /// nothing; a committed one stays.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn transactions() {
                let Some((_db, pool)) = open("tx").await else {
                    return;
                };
                let mut tx = pool.begin().await.unwrap();
                let c = Collection::insert(&mut *tx, &NewCollection { title: "t".into() })
                    .await
                    .unwrap();
                let p = Product::insert(&mut *tx, &new_product("in tx", c.id))
                    .await
                    .unwrap();
                let rows: Vec<NewProduct> = (0..10)
                    .map(|i| new_product(&format!("r{i}"), c.id))
                    .collect();
                assert_eq!(Product::insert_many(&mut tx, &rows).await.unwrap(), 10);
                assert_eq!(Product::count(&mut *tx).await.unwrap(), 11);
                assert_eq!(Product::get(&mut *tx, p.id).await.unwrap(), Some(p.clone()));
                let mut p2 = p.clone();
                p2.title = "changed".into();
                p2.update(&mut *tx).await.unwrap();
                assert!(p2.delete(&mut *tx).await.unwrap());
                tx.rollback().await.unwrap();
                assert_eq!(Product::count(&pool).await.unwrap(), 0);
                assert_eq!(Collection::count(&pool).await.unwrap(), 0);
                assert_eq!(Collection::get(&pool, c.id).await.unwrap(), None);

                // insert_many is all or nothing: the last row points nowhere.
                let c = Collection::insert(
                    &pool,
                    &NewCollection {
                        title: "kept".into(),
                    },
                )
                .await
                .unwrap();
                let mut rows: Vec<NewProduct> = (0..100)
                    .map(|i| new_product(&format!("r{i}"), c.id))
                    .collect();
                rows.push(new_product("orphan", c.id + 1000));
                assert_fk_violation(
                    Product::insert_many(&pool, &rows).await,
                    "insert_many with an orphan",
                );
                assert_eq!(Product::count(&pool).await.unwrap(), 0);
                assert_eq!(Product::insert_many(&pool, &[]).await.unwrap(), 0);

                // PostgreSQL and SQLite check the (deferred) foreign keys of a transaction
                // at its commit; MySQL at once.
                let mut tx = pool.begin().await.unwrap();
                let inserted = Product::insert(&mut *tx, &new_product("late", c.id + 1000)).await;
                if DIALECT == DialectName::MySql {
                    assert_fk_violation(inserted, "an orphan inserted in a transaction");
                    tx.rollback().await.unwrap();
                } else {
                    inserted.expect("an orphan inserted in a transaction (checked at commit)");
                    assert_fk_violation(tx.commit().await, "the commit of an orphan");
                }
                assert_eq!(Product::count(&pool).await.unwrap(), 0);

                // Committed.
                let mut tx = pool.begin().await.unwrap();
                Product::insert(&mut *tx, &new_product("committed", c.id))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                assert_eq!(Product::count(&pool).await.unwrap(), 1);
                pool.close().await;
            }

            /// `insert_many` of the other models: the values as given, the timestamps it
            /// fills, one transaction.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn insert_many_each_model() {
                let Some((_db, pool)) = open("many_each").await else {
                    return;
                };
                let customers: Vec<NewCustomer> = CustomerMembership::ALL
                    .into_iter()
                    .enumerate()
                    .map(|(i, m)| NewCustomer {
                        birth_date: Some(NaiveDate::from_ymd_opt(1900 + i as i32, 2, 28).unwrap()),
                        membership: m,
                        ..new_customer(&format!("{i}@example.com"), &text("n", 255))
                    })
                    .collect();
                assert_eq!(Customer::insert_many(&pool, &customers).await.unwrap(), 3);
                for new in &customers {
                    let got = Customer::get(&pool, &new.email)
                        .await
                        .unwrap()
                        .expect("customer");
                    assert_eq!(
                        (got.birth_date, got.membership, &got.last_name),
                        (new.birth_date, new.membership, &new.last_name)
                    );
                }
                let addresses: Vec<NewAddress> = customers
                    .iter()
                    .map(|c| NewAddress {
                        street: text("s", 255),
                        city: "Köln".into(),
                        $customer_id: c.email.clone(),
                    })
                    .collect();
                assert_eq!(Address::insert_many(&pool, &addresses).await.unwrap(), 3);
                let listed = Address::filter_by_customer(&pool, &customers[1].email)
                    .await
                    .unwrap();
                assert_eq!(listed.len(), 1);
                assert_eq!(
                    (&listed[0].street, &listed[0].city),
                    (&addresses[1].street, &addresses[1].city)
                );
                let before = Utc::now().trunc_subsecs(6);
                let orders: Vec<NewOrder> = OrderPaymentStatus::ALL
                    .into_iter()
                    .map(|s| NewOrder {
                        payment_status: s,
                        $customer_id: customers[0].email.clone(),
                    })
                    .collect();
                assert_eq!(Order::insert_many(&pool, &orders).await.unwrap(), 3);
                let after = Utc::now();
                let got = Order::filter_by_customer(&pool, &customers[0].email)
                    .await
                    .unwrap();
                assert_eq!(
                    got.iter().map(|o| o.payment_status).collect::<Vec<_>>(),
                    OrderPaymentStatus::ALL.to_vec()
                );
                for o in &got {
                    assert!(
                        before <= o.placed_at && o.placed_at <= after,
                        "auto_now_add"
                    );
                }
                pool.close().await;
            }

            /// 100,000 rows in one call, chunked under the bind limit.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn insert_many_100k() {
                let Some((_db, pool)) = open("many").await else {
                    return;
                };
                let c = Collection::insert(
                    &pool,
                    &NewCollection {
                        title: "bulk".into(),
                    },
                )
                .await
                .unwrap();
                let rows: Vec<NewProduct> = (0..100_000)
                    .map(|i| NewProduct {
                        title: format!("p{i}"),
                        description: String::new(),
                        price: Decimal::new(i64::from(i % 1_000_000), 2),
                        inventory: i,
                        $collection_id: c.id,
                    })
                    .collect();
                let started = std::time::Instant::now();
                assert_eq!(Product::insert_many(&pool, &rows).await.unwrap(), 100_000);
                let took = started.elapsed();
                assert_eq!(Product::count(&pool).await.unwrap(), 100_000);
                assert_eq!(
                    Product::filter_by_collection(&pool, c.id)
                        .await
                        .unwrap()
                        .len(),
                    100_000
                );
                let last = Product::list(&pool, 1, 99_999).await.unwrap();
                assert_eq!(last[0].title, "p99999");
                assert_eq!(last[0].price, dec("999.99"));
                eprintln!(
                    "{}: insert_many of 100,000 products took {took:?}",
                    stringify!($module)
                );

                // One column: statements at the bind limit itself.
                let titles: Vec<NewCollection> = (0..100_000)
                    .map(|i| NewCollection {
                        title: format!("c{i}"),
                    })
                    .collect();
                assert_eq!(
                    Collection::INSERT_CHUNK,
                    match DIALECT {
                        DialectName::Sqlite => 32_766,
                        _ => 65_535,
                    }
                );
                assert_eq!(
                    Collection::insert_many(&pool, &titles).await.unwrap(),
                    100_000
                );
                assert_eq!(Collection::count(&pool).await.unwrap(), 100_001);
                pool.close().await;
            }
        }
    };
}

// The generated code (`modelc generate rust`, through build.rs): relation fields named as
// Django's attname (`collection_id`).
storefront_tests!(
    postgres,
    DialectName::Postgres,
    sqlx::PgPool,
    [modelc_generated::storefront::postgres],
    collection_id,
    address_id,
    customer_id
);
storefront_tests!(
    mysql,
    DialectName::MySql,
    sqlx::MySqlPool,
    [modelc_generated::storefront::mysql],
    collection_id,
    address_id,
    customer_id
);
storefront_tests!(
    sqlite,
    DialectName::Sqlite,
    sqlx::SqlitePool,
    [modelc_generated::storefront::sqlite],
    collection_id,
    address_id,
    customer_id
);

// The same storefront declared as `#[derive(Model)]` structs (tests/derived/*): relation
// fields named as the struct names them (`collection`).
storefront_tests!(
    derived_postgres,
    DialectName::Postgres,
    sqlx::PgPool,
    [modelc_derived_postgres],
    collection,
    address,
    customer
);
storefront_tests!(
    derived_mysql,
    DialectName::MySql,
    sqlx::MySqlPool,
    [modelc_derived_mysql],
    collection,
    address,
    customer
);
storefront_tests!(
    derived_sqlite,
    DialectName::Sqlite,
    sqlx::SqlitePool,
    [modelc_derived_sqlite],
    collection,
    address,
    customer
);
