//! The all-types fixture's generated repositories (`modelc_generated::all_types::<dialect>`)
//! on each real database: every field type at the edges of its range and back, nulls,
//! choices as enums (and a code outside them as a decode error), `default_fn`, `auto_now` and
//! `auto_now_add`, every relation's filter and fetch, every `on_delete` rule including
//! MySQL's emulation of SET DEFAULT (also through a CASCADE), many-to-many links (symmetrical
//! or not), an unmanaged model's table made by hand, `insert_many` past MariaDB's packet
//! limit, and transactions rolled back.
//!
//! Each test is written once, in [`all_types_tests`], and instantiated per dialect. MySQL
//! differs in its types (positive integers are unsigned there), given to the macro.
//!
//! The tests run on a multi-threaded runtime: a test that fails inside a transaction leaves a
//! pooled MySQL connection whose rollback is a task of the runtime, and dropping the
//! [`TestDb`] (which blocks its thread until the database is dropped) would otherwise wait
//! for that task forever, holding the test run.

use std::collections::HashSet;
use std::net::IpAddr;

use modelc::ir::DialectName;
use modelc_tests::db::{TestDb, compile};
use modelc_tests::repo::{assert_fk_violation, dec, text};
use modelc_tests::repo_root;
use rust_decimal::Decimal;

const FIXTURE: &str = "tests/fixtures/all_types/models.toml";

fn all_types() -> modelc::Compilation {
    let text = std::fs::read_to_string(repo_root().join(FIXTURE)).expect("read the fixture");
    compile(FIXTURE, &text)
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("an IP address")
}

/// The tests of one dialect: `$module` names the generated module and the test module,
/// `$pool` the sqlx pool type; the largest values of the positive small and big integers.
macro_rules! all_types_tests {
    (
        $module:ident, $dialect:expr, $pool:ty,
        stock_max = $stock_max:expr, views_max = $views_max:expr $(,)?
    ) => {
        mod $module {
            use super::*;
            use chrono::{DateTime, NaiveDate, NaiveTime, SubsecRound, TimeDelta, Utc};
            use modelc_generated::all_types::$module::*;
            use serde_json::json;
            use uuid::Uuid;

            const DIALECT: DialectName = $dialect;

            /// A fresh database with the fixture's tables, and a pool on it. `None`: the
            /// server is unreachable (skipped; a failure under CI=true).
            async fn open(test: &str) -> Option<(TestDb, $pool)> {
                let compilation = all_types();
                let schema = compilation.schema.as_ref().expect("compiled");
                let name = format!("repo_all_types_{}_{test}", stringify!($module));
                let mut db = TestDb::create(&name, DIALECT).await?;
                db.apply(schema).await;
                let pool = <$pool>::connect(db.url())
                    .await
                    .unwrap_or_else(|e| panic!("{name}: cannot open a pool: {e}"));
                Some((db, pool))
            }

            fn utc(s: &str) -> DateTime<Utc> {
                s.parse().expect("a timestamp")
            }

            fn date(y: i32, m: u32, d: u32) -> NaiveDate {
                NaiveDate::from_ymd_opt(y, m, d).expect("a date")
            }

            /// Category 1, the default of `Sample.category`.
            async fn default_category(pool: &$pool) -> Category {
                let c = Category::insert(
                    pool,
                    &NewCategory {
                        name: "Default".into(),
                        code: "default".into(),
                        parent_id: None,
                    },
                )
                .await
                .expect("insert the default category");
                assert_eq!(c.id, 1, "the first category of a fresh table");
                c
            }

            async fn category(pool: &$pool, code: &str, parent_id: Option<i32>) -> Category {
                Category::insert(
                    pool,
                    &NewCategory {
                        name: code.to_uppercase(),
                        code: code.into(),
                        parent_id,
                    },
                )
                .await
                .expect("insert a category")
            }

            async fn tag(pool: &$pool, label: &str) -> Tag {
                Tag::insert(
                    pool,
                    &NewTag {
                        label: label.into(),
                    },
                )
                .await
                .expect("insert a tag")
            }

            async fn person(pool: &$pool, name: &str) -> Person {
                Person::insert(pool, &NewPerson { name: name.into() })
                    .await
                    .expect("insert a person")
            }

            /// A sample with the models' defaults, `key` making its unique fields unique.
            fn new_sample(key: &str, category_id: i32) -> NewSample {
                NewSample {
                    uid: None,
                    title: format!("title {key}"),
                    body: String::new(),
                    slug: format!("slug-{key}"),
                    email: None,
                    homepage: "https://example.com/?q='x'".into(),
                    count: 0,
                    small: -1,
                    big: 9_007_199_254_740_993,
                    rank: SampleRank::One,
                    stock: 0,
                    views: 0,
                    ratio: 0.5,
                    amount: dec("0.0000"),
                    active: true,
                    birthday: Some(date(2000, 1, 1)),
                    published_at: utc("2024-02-29T12:34:56.789012Z"),
                    opens_at: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
                    work_week: TimeDelta::hours(40),
                    payload: json!({ "kind": "empty", "tags": [] }),
                    blob: None,
                    ip: None,
                    ipv4: ip("127.0.0.1"),
                    level: Level::Junior,
                    status: SampleStatus::Draft,
                    legacy: None,
                    category_id,
                    category_code_id: None,
                    parent_id: None,
                    owner_id: None,
                    reviewer_id: None,
                    main_tag_id: None,
                }
            }

            /// The row `new` makes, with the values the repository fills taken from `got`.
            fn stored(new: &NewSample, got: &Sample) -> Sample {
                Sample {
                    created_at: got.created_at,
                    updated_at: got.updated_at,
                    uid: new.uid.unwrap_or(got.uid),
                    title: new.title.clone(),
                    body: new.body.clone(),
                    slug: new.slug.clone(),
                    email: new.email.clone(),
                    homepage: new.homepage.clone(),
                    count: new.count,
                    small: new.small,
                    big: new.big,
                    rank: new.rank,
                    stock: new.stock,
                    views: new.views,
                    ratio: new.ratio,
                    amount: new.amount,
                    active: new.active,
                    birthday: new.birthday,
                    published_at: new.published_at,
                    opens_at: new.opens_at,
                    work_week: new.work_week,
                    payload: new.payload.clone(),
                    blob: new.blob.clone(),
                    ip: new.ip,
                    ipv4: new.ipv4,
                    level: new.level,
                    status: new.status,
                    legacy: new.legacy.clone(),
                    category_id: new.category_id,
                    category_code_id: new.category_code_id.clone(),
                    parent_id: new.parent_id,
                    owner_id: new.owner_id,
                    reviewer_id: new.reviewer_id,
                    main_tag_id: new.main_tag_id,
                }
            }

            /// Inserts `new`, checks the row returned and the row read back.
            async fn round_trip(pool: &$pool, new: &NewSample, what: &str) -> Sample {
                let before = Utc::now().trunc_subsecs(6);
                let got = Sample::insert(pool, new)
                    .await
                    .unwrap_or_else(|e| panic!("insert the {what} sample: {e}"));
                let after = Utc::now();
                assert!(
                    before <= got.created_at && got.created_at <= after,
                    "{what}: auto_now_add {} not in [{before}, {after}]",
                    got.created_at
                );
                assert_eq!(got.created_at, got.updated_at, "{what}: auto_now on insert");
                assert_eq!(got, stored(new, &got), "{what}: the row returned by insert");
                let read = Sample::get(pool, got.uid).await.unwrap();
                assert_eq!(read.as_ref(), Some(&got), "{what}: the row read back");
                got
            }

            /// Every field type at the edges of its range, and nulls, both ways; update;
            /// the relation methods.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn samples_round_trip() {
                let Some((_db, pool)) = open("samples").await else {
                    return;
                };
                let default = default_category(&pool).await;
                let code = text("k", 12);
                let cat = category(&pool, &code, Some(default.id)).await;
                let owner = person(&pool, &text("o", 120)).await;
                let t = tag(&pool, &text("t", 50)).await;

                let max = NewSample {
                    uid: Some(Uuid::from_u128(u128::MAX)),
                    title: text("max", 200),
                    body: text("b", 100_000),
                    slug: text("max-", 80),
                    email: Some(text("e@", 254)),
                    homepage: text("h", 200),
                    count: i32::MAX,
                    small: i16::MAX,
                    big: i64::MAX,
                    rank: SampleRank::Two,
                    stock: $stock_max,
                    views: $views_max,
                    ratio: 1.0,
                    amount: dec("99999999.9999"),
                    active: true,
                    birthday: Some(date(9999, 12, 31)),
                    published_at: utc("9999-12-31T23:59:59.999999Z"),
                    opens_at: NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap(),
                    work_week: TimeDelta::microseconds(i64::MAX),
                    payload: json!({
                        "text": text("j", 1000),
                        "escapes": "\"\\/\n\t\u{1}\u{7f}",
                        "u64": u64::MAX,
                        "i64": i64::MIN,
                        "float": 0.1,
                        "nested": [[], {}, null, true, false, [1, [2, [3]]]],
                        "": "empty key",
                    }),
                    blob: Some((0..=255u8).cycle().take(100_000).collect()),
                    ip: Some(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
                    ipv4: ip("255.255.255.255"),
                    level: Level::Senior,
                    status: SampleStatus::Archived,
                    legacy: Some(text("l", 20)),
                    category_id: cat.id,
                    category_code_id: Some(code.clone()),
                    parent_id: None,
                    owner_id: Some(owner.id),
                    // No constraint: any key is stored.
                    reviewer_id: Some(i64::MAX),
                    main_tag_id: Some(t.id),
                };
                let max_row = round_trip(&pool, &max, "max").await;
                assert_eq!(max_row.uid, Uuid::from_u128(u128::MAX));
                assert_eq!(max_row.amount.to_string(), "99999999.9999");
                // serde: choices as their codes, and back.
                let json = serde_json::to_value(&max_row).expect("serialize");
                assert_eq!(
                    (&json["status"], &json["level"], &json["rank"]),
                    (&json!("ar"), &json!(2), &json!(2))
                );
                let back: Sample = serde_json::from_value(json).expect("deserialize");
                assert_eq!(back, max_row);

                let min = NewSample {
                    uid: Some(Uuid::nil()),
                    title: String::new(),
                    body: String::new(),
                    slug: String::new(),
                    email: Some(String::new()),
                    homepage: String::new(),
                    count: i32::MIN,
                    small: i16::MIN,
                    big: i64::MIN,
                    rank: SampleRank::Zero,
                    stock: 0,
                    views: 0,
                    ratio: f64::MIN_POSITIVE,
                    amount: dec("0.0001"),
                    active: false,
                    birthday: Some(date(1, 1, 1)),
                    published_at: utc("0001-01-01T00:00:00.000001Z"),
                    opens_at: NaiveTime::MIN,
                    work_week: TimeDelta::microseconds(-i64::MAX),
                    payload: json!(null),
                    blob: Some(Vec::new()),
                    ip: Some(ip("::")),
                    ipv4: ip("0.0.0.0"),
                    level: Level::Intern,
                    status: SampleStatus::Draft,
                    legacy: Some(String::new()),
                    category_id: default.id,
                    category_code_id: None,
                    parent_id: Some(max_row.uid),
                    owner_id: None,
                    reviewer_id: None,
                    main_tag_id: None,
                };
                let min_row = round_trip(&pool, &min, "min").await;

                let mut nulls = new_sample("nulls", default.id);
                nulls.birthday = None;
                nulls.ip = Some(ip("::ffff:192.0.2.1"));
                nulls.payload = json!([1.5, -2.25, "é中🦀", {"a": {"b": []}}]);
                nulls.work_week = TimeDelta::zero();
                nulls.ratio = 0.1 + 0.2;
                let nulls_row = round_trip(&pool, &nulls, "nulls").await;
                assert!(nulls_row.uid.get_version_num() == 4, "default_fn uuid4");

                // Ordering: published_at descending, then title.
                let uids: Vec<Uuid> = Sample::list(&pool, 10, 0)
                    .await
                    .unwrap()
                    .iter()
                    .map(|s| s.uid)
                    .collect();
                assert_eq!(uids, vec![max_row.uid, nulls_row.uid, min_row.uid]);
                assert_eq!(
                    Sample::list(&pool, 1, 2).await.unwrap(),
                    vec![min_row.clone()]
                );
                assert_eq!(Sample::count(&pool).await.unwrap(), 3);

                // Update: every field written back, auto_now moved, auto_now_add kept.
                let mut changed = min_row.clone();
                changed.title = text("upd", 200);
                changed.big = i64::MAX;
                changed.views = $views_max;
                changed.amount = dec("12345678.9012");
                changed.payload = json!({"updated": true});
                changed.blob = None;
                changed.ip = None;
                changed.email = None;
                changed.legacy = None;
                changed.birthday = None;
                changed.level = Level::Junior;
                changed.status = SampleStatus::Published;
                changed.rank = SampleRank::One;
                changed.work_week = TimeDelta::days(-3) + TimeDelta::microseconds(1);
                changed.category_code_id = Some(code.clone());
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                changed.update(&pool).await.expect("update the sample");
                assert!(
                    changed.updated_at > min_row.updated_at,
                    "auto_now on update"
                );
                assert_eq!(changed.created_at, min_row.created_at, "auto_now_add kept");
                assert_eq!(
                    Sample::get(&pool, changed.uid).await.unwrap(),
                    Some(changed.clone())
                );

                // Relations: filter_by_* and fetch_* of each.
                let only = |v: Vec<Sample>| v.into_iter().map(|s| s.uid).collect::<Vec<_>>();
                assert_eq!(
                    only(Sample::filter_by_category(&pool, cat.id).await.unwrap()),
                    vec![max_row.uid]
                );
                assert_eq!(
                    only(Sample::filter_by_category(&pool, default.id).await.unwrap()),
                    vec![nulls_row.uid, changed.uid]
                );
                assert_eq!(max_row.fetch_category(&pool).await.unwrap(), cat);
                assert_eq!(
                    only(Sample::filter_by_category_code(&pool, &code).await.unwrap()),
                    vec![max_row.uid, changed.uid]
                );
                assert_eq!(
                    max_row.fetch_category_code(&pool).await.unwrap(),
                    Some(cat.clone())
                );
                assert_eq!(nulls_row.fetch_category_code(&pool).await.unwrap(), None);
                assert_eq!(
                    only(Sample::filter_by_parent(&pool, max_row.uid).await.unwrap()),
                    vec![changed.uid]
                );
                assert_eq!(
                    changed.fetch_parent(&pool).await.unwrap(),
                    Some(max_row.clone())
                );
                assert_eq!(max_row.fetch_parent(&pool).await.unwrap(), None);
                assert_eq!(
                    only(Sample::filter_by_owner(&pool, owner.id).await.unwrap()),
                    vec![max_row.uid]
                );
                assert_eq!(
                    max_row.fetch_owner(&pool).await.unwrap(),
                    Some(owner.clone())
                );
                assert_eq!(
                    only(Sample::filter_by_reviewer(&pool, i64::MAX).await.unwrap()),
                    vec![max_row.uid]
                );
                // A key without a constraint may point at nothing.
                assert_eq!(max_row.fetch_reviewer(&pool).await.unwrap(), None);
                assert_eq!(
                    only(Sample::filter_by_main_tag(&pool, t.id).await.unwrap()),
                    vec![max_row.uid]
                );
                assert_eq!(
                    max_row.fetch_main_tag(&pool).await.unwrap(),
                    Some(t.clone())
                );
                assert_eq!(nulls_row.fetch_main_tag(&pool).await.unwrap(), None);
                assert_eq!(
                    Category::filter_by_parent(&pool, default.id).await.unwrap(),
                    vec![cat.clone()]
                );
                assert_eq!(
                    cat.fetch_parent(&pool).await.unwrap(),
                    Some(default.clone())
                );
                assert_eq!(default.fetch_parent(&pool).await.unwrap(), None);

                // Delete: SET NULL of the self relation.
                assert!(max_row.delete(&pool).await.unwrap());
                assert!(!max_row.delete(&pool).await.unwrap());
                assert_eq!(
                    Sample::get(&pool, changed.uid)
                        .await
                        .unwrap()
                        .unwrap()
                        .parent_id,
                    None
                );
                assert_eq!(Sample::get(&pool, max_row.uid).await.unwrap(), None);
                let mut gone = max_row.clone();
                assert!(matches!(
                    gone.update(&pool).await,
                    Err(sqlx::Error::RowNotFound)
                ));
                pool.close().await;
            }

            /// The other models: Tag (small auto key, timestamps), Category (self relation),
            /// Person, Membership, and LegacyReport, unmanaged, on a table made by hand.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn other_models() {
                let Some((mut db, pool)) = open("models").await else {
                    return;
                };
                let default = default_category(&pool).await;
                // Tag: auto_now_add and auto_now.
                let before = Utc::now().trunc_subsecs(6);
                let mut t = tag(&pool, &text("t", 50)).await;
                assert!(before <= t.created_at && t.created_at == t.updated_at);
                assert_eq!(Tag::get(&pool, t.id).await.unwrap(), Some(t.clone()));
                let created = t.created_at;
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                t.label = "renamed".into();
                t.update(&pool).await.unwrap();
                assert!(t.updated_at > created);
                assert_eq!(t.created_at, created);
                assert_eq!(Tag::get(&pool, t.id).await.unwrap(), Some(t.clone()));
                let tags: Vec<NewTag> = (0..300)
                    .map(|i| NewTag {
                        label: format!("tag-{i}"),
                    })
                    .collect();
                assert_eq!(Tag::insert_many(&pool, &tags).await.unwrap(), 300);
                assert_eq!(Tag::count(&pool).await.unwrap(), 301);
                let listed = Tag::list(&pool, 2, 0).await.unwrap();
                assert_eq!(listed[0], t);
                assert_eq!(listed[1].label, "tag-0");
                assert_eq!(
                    listed[1].created_at, listed[1].updated_at,
                    "insert_many stamps"
                );
                assert!(listed[1].created_at >= t.updated_at);
                assert!(t.delete(&pool).await.unwrap());
                assert!(!t.delete(&pool).await.unwrap());

                // Category: ordering by name; CASCADE down the tree.
                let root = category(&pool, "b-root", None).await;
                let child = category(&pool, "a-child", Some(root.id)).await;
                let grandchild = category(&pool, "c-grand", Some(child.id)).await;
                let more: Vec<NewCategory> = (0..3)
                    .map(|i| NewCategory {
                        name: format!("z{i}"),
                        code: format!("z{i}"),
                        parent_id: Some(grandchild.id),
                    })
                    .collect();
                assert_eq!(Category::insert_many(&pool, &more).await.unwrap(), 3);
                assert_eq!(
                    Category::filter_by_parent(&pool, grandchild.id)
                        .await
                        .unwrap()
                        .len(),
                    3
                );
                let names: Vec<String> = Category::list(&pool, 4, 0)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|c| c.name)
                    .collect();
                assert_eq!(names, vec!["A-CHILD", "B-ROOT", "C-GRAND", "Default"]);
                let mut renamed = child.clone();
                renamed.name = text("n", 100);
                renamed.update(&pool).await.unwrap();
                assert_eq!(
                    Category::get(&pool, child.id).await.unwrap(),
                    Some(renamed.clone())
                );
                assert_eq!(grandchild.fetch_parent(&pool).await.unwrap(), Some(renamed));
                assert!(root.delete(&pool).await.unwrap());
                assert_eq!(Category::count(&pool).await.unwrap(), 1, "cascade");
                assert_fk_violation(
                    Category::insert(
                        &pool,
                        &NewCategory {
                            name: "x".into(),
                            code: "x".into(),
                            parent_id: Some(i32::MAX),
                        },
                    )
                    .await,
                    "a category under a missing parent",
                );

                // Person and Membership.
                let mut p = person(&pool, "Ann").await;
                p.name = text("p", 120);
                p.update(&pool).await.unwrap();
                assert_eq!(Person::get(&pool, p.id).await.unwrap(), Some(p.clone()));
                assert_eq!(
                    Person::insert_many(
                        &pool,
                        &[
                            NewPerson { name: "B".into() },
                            NewPerson { name: "C".into() }
                        ]
                    )
                    .await
                    .unwrap(),
                    2
                );
                assert_eq!(Person::count(&pool).await.unwrap(), 3);
                assert_eq!(Person::list(&pool, 1, 0).await.unwrap(), vec![p.clone()]);
                let s = Sample::insert(&pool, &new_sample("m", default.id))
                    .await
                    .unwrap();
                let mut m = Membership::insert(
                    &pool,
                    &NewMembership {
                        person_id: p.id,
                        sample_id: s.uid,
                        role: text("r", 30),
                        joined: Some(date(2024, 2, 29)),
                    },
                )
                .await
                .unwrap();
                assert_eq!(Membership::get(&pool, m.id).await.unwrap(), Some(m.clone()));
                m.role = "owner".into();
                m.joined = None;
                m.update(&pool).await.unwrap();
                assert_eq!(
                    Membership::list(&pool, 10, 0).await.unwrap(),
                    vec![m.clone()]
                );
                assert_eq!(Membership::count(&pool).await.unwrap(), 1);
                assert_eq!(
                    Membership::filter_by_person(&pool, p.id).await.unwrap(),
                    vec![m.clone()]
                );
                assert_eq!(
                    Membership::filter_by_sample(&pool, s.uid).await.unwrap(),
                    vec![m.clone()]
                );
                assert_eq!(m.fetch_person(&pool).await.unwrap(), p);
                assert_eq!(m.fetch_sample(&pool).await.unwrap(), s);
                assert_eq!(s.list_members(&pool).await.unwrap(), vec![p.clone()]);
                assert_fk_violation(
                    Membership::insert(
                        &pool,
                        &NewMembership {
                            person_id: i64::MAX,
                            sample_id: s.uid,
                            role: "x".into(),
                            joined: None,
                        },
                    )
                    .await,
                    "a membership of a missing person",
                );
                assert!(m.delete(&pool).await.unwrap());
                assert_eq!(s.list_members(&pool).await.unwrap(), vec![]);
                let rows = vec![NewMembership {
                    person_id: p.id,
                    sample_id: s.uid,
                    role: "a".into(),
                    joined: None,
                }];
                assert_eq!(Membership::insert_many(&pool, &rows).await.unwrap(), 1);
                // CASCADE from the sample.
                assert!(s.delete(&pool).await.unwrap());
                assert_eq!(Membership::count(&pool).await.unwrap(), 0);

                // LegacyReport: unmanaged, so its table is the user's; made here.
                db.execute(
                    "CREATE TABLE legacy_report \
                     (id integer NOT NULL PRIMARY KEY, total numeric(10, 2) NOT NULL)",
                )
                .await
                .unwrap();
                let mut r = LegacyReport::insert(
                    &pool,
                    &NewLegacyReport {
                        id: i32::MAX,
                        total: dec("99999999.99"),
                    },
                )
                .await
                .unwrap();
                assert_eq!(r.total.to_string(), "99999999.99");
                assert_eq!(
                    LegacyReport::get(&pool, i32::MAX).await.unwrap(),
                    Some(r.clone())
                );
                r.total = dec("-99999999.99");
                r.update(&pool).await.unwrap();
                assert_eq!(
                    LegacyReport::get(&pool, i32::MAX).await.unwrap(),
                    Some(r.clone())
                );
                let reports: Vec<NewLegacyReport> = (0..10)
                    .map(|i| NewLegacyReport {
                        id: i32::MIN + i,
                        total: Decimal::new(i64::from(i), 2),
                    })
                    .collect();
                assert_eq!(
                    LegacyReport::insert_many(&pool, &reports).await.unwrap(),
                    10
                );
                assert_eq!(LegacyReport::count(&pool).await.unwrap(), 11);
                let first = LegacyReport::list(&pool, 1, 0).await.unwrap();
                assert_eq!(first[0].id, i32::MIN);
                assert!(r.delete(&pool).await.unwrap());
                assert_eq!(LegacyReport::get(&pool, i32::MAX).await.unwrap(), None);
                pool.close().await;
            }

            /// `default_fn = "uuid4"`: `None` makes a new v4 key on insert and on
            /// insert_many; a given key is kept.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn default_fn_uuid4() {
                let Some((_db, pool)) = open("uuid4").await else {
                    return;
                };
                let default = default_category(&pool).await;
                let a = Sample::insert(&pool, &new_sample("a", default.id))
                    .await
                    .unwrap();
                let b = Sample::insert(&pool, &new_sample("b", default.id))
                    .await
                    .unwrap();
                assert_eq!(a.uid.get_version_num(), 4);
                assert_ne!(a.uid, b.uid);
                let given = Uuid::new_v4();
                let mut new = new_sample("c", default.id);
                new.uid = Some(given);
                assert_eq!(Sample::insert(&pool, &new).await.unwrap().uid, given);
                // Enough rows for several statements of insert_many.
                let n = Sample::INSERT_CHUNK * 2 + 7;
                let rows: Vec<NewSample> = (0..n)
                    .map(|i| new_sample(&format!("many-{i}"), default.id))
                    .collect();
                assert_eq!(Sample::insert_many(&pool, &rows).await.unwrap(), n as u64);
                assert_eq!(Sample::count(&pool).await.unwrap(), n as i64 + 3);
                let all = Sample::list(&pool, n as i64 + 3, 0).await.unwrap();
                let uids: HashSet<Uuid> = all.iter().map(|s| s.uid).collect();
                assert_eq!(uids.len(), all.len(), "every made key is distinct");
                assert!(
                    all.iter()
                        .all(|s| s.uid == given || s.uid.get_version_num() == 4)
                );
                pool.close().await;
            }

            /// `insert_many` of rows too large together for one statement: 30 MB of text,
            /// above MariaDB's default `max_allowed_packet` of 16 MiB.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn insert_many_large_rows() {
                let Some((_db, pool)) = open("large").await else {
                    return;
                };
                let default = default_category(&pool).await;
                let rows: Vec<NewSample> = (0..300)
                    .map(|i| NewSample {
                        body: text(&format!("{i}:"), 50_000),
                        payload: json!({ "text": "x".repeat(20_000) }),
                        ..new_sample(&format!("large-{i}"), default.id)
                    })
                    .collect();
                assert_eq!(Sample::insert_many(&pool, &rows).await.unwrap(), 300);
                assert_eq!(Sample::count(&pool).await.unwrap(), 300);
                let got = Sample::filter_by_category(&pool, default.id).await.unwrap();
                let bodies: HashSet<&String> = got.iter().map(|s| &s.body).collect();
                assert!(
                    rows.iter().all(|r| bodies.contains(&r.body)),
                    "every body stored whole"
                );
                pool.close().await;
            }

            /// Each choice both ways; a code outside the choices, written past the
            /// database's check, is a decode error carrying `UnknownChoice`.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn choices() {
                let Some((mut db, pool)) = open("choices").await else {
                    return;
                };
                let default = default_category(&pool).await;
                let mut s = Sample::insert(&pool, &new_sample("c", default.id))
                    .await
                    .unwrap();
                for (level, (rank, status)) in Level::ALL
                    .into_iter()
                    .zip(SampleRank::ALL.into_iter().zip(SampleStatus::ALL))
                {
                    s.level = level;
                    s.rank = rank;
                    s.status = status;
                    s.update(&pool).await.unwrap();
                    let got = Sample::get(&pool, s.uid).await.unwrap().unwrap();
                    assert_eq!((got.level, got.rank, got.status), (level, rank, status));
                }
                assert_eq!(Level::Senior.code(), 2);
                assert_eq!(Level::Junior.label(), "Junior developer");
                assert_eq!(SampleStatus::Archived.code(), "ar");
                assert_eq!(
                    "pu".parse::<SampleStatus>().unwrap(),
                    SampleStatus::Published
                );
                assert!("xx".parse::<SampleStatus>().is_err());

                match DIALECT {
                    DialectName::Sqlite => {
                        db.execute("PRAGMA ignore_check_constraints = ON")
                            .await
                            .unwrap();
                    }
                    _ => {
                        for c in ["level_choices", "rank_choices", "status_choices"] {
                            db.execute(&format!(
                                "ALTER TABLE kitchen_samples DROP CONSTRAINT kitchen_samples_{c}"
                            ))
                            .await
                            .unwrap();
                        }
                    }
                }
                let cases = [
                    ("level = 7", "Sample.level", "7"),
                    ("rank = 3", "Sample.rank", "3"),
                    ("status = 'DR'", "Sample.status", "DR"),
                ];
                for (set, field, code) in cases {
                    // `rank` is a reserved word of MySQL 8.
                    let set = match DIALECT {
                        DialectName::MySql => set.replace("rank", "`rank`"),
                        _ => set.replace("rank", "\"rank\""),
                    };
                    let reset = match DIALECT {
                        DialectName::MySql => "level = 1, `rank` = 1, status = 'dr'",
                        _ => "level = 1, \"rank\" = 1, status = 'dr'",
                    };
                    db.execute(&format!("UPDATE kitchen_samples SET {reset}"))
                        .await
                        .unwrap();
                    db.execute(&format!("UPDATE kitchen_samples SET {set}"))
                        .await
                        .unwrap();
                    match Sample::get(&pool, s.uid).await {
                        Err(sqlx::Error::ColumnDecode { source, .. }) => {
                            let unknown = source.downcast_ref::<UnknownChoice>().unwrap_or_else(|| {
                                panic!("{set}: the decode error is not an UnknownChoice: {source}")
                            });
                            assert_eq!(
                                unknown,
                                &UnknownChoice {
                                    field,
                                    code: code.into()
                                }
                            );
                        }
                        other => panic!("{set}: expected a decode error, got {other:?}"),
                    }
                    assert!(
                        matches!(
                            Sample::list(&pool, 10, 0).await,
                            Err(sqlx::Error::ColumnDecode { .. })
                        ),
                        "{set}: list"
                    );
                }
                pool.close().await;
            }

            /// A missing target is a foreign key violation; PROTECT and RESTRICT refuse
            /// with one; SET DEFAULT, SET NULL and CASCADE are carried out (SET DEFAULT by
            /// the repository on MySQL).
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_delete() {
                let Some((_db, pool)) = open("on_delete").await else {
                    return;
                };
                let default = default_category(&pool).await;
                let other = category(&pool, "other", None).await;
                assert_fk_violation(
                    Sample::insert(&pool, &new_sample("orphan", i32::MAX)).await,
                    "a sample of a missing category",
                );
                let mut orphan = new_sample("orphan2", default.id);
                orphan.category_code_id = Some("no such code".into());
                assert_fk_violation(
                    Sample::insert(&pool, &orphan).await,
                    "a sample of a missing category code",
                );
                assert_eq!(Sample::count(&pool).await.unwrap(), 0);

                // PROTECT (owner) and CASCADE (main_tag).
                let owner = person(&pool, "owner").await;
                let t = tag(&pool, "main").await;
                let mut new = new_sample("owned", other.id);
                new.owner_id = Some(owner.id);
                new.main_tag_id = Some(t.id);
                let owned = Sample::insert(&pool, &new).await.unwrap();
                assert_fk_violation(owner.delete(&pool).await, "delete a protected owner");
                assert!(Person::get(&pool, owner.id).await.unwrap().is_some());

                // SET DEFAULT: deleting `other` moves its samples to category 1.
                let mut moved = new_sample("moved", other.id);
                moved.title = "moved".into();
                let moved = Sample::insert(&pool, &moved).await.unwrap();
                assert!(
                    other
                        .delete(&pool)
                        .await
                        .expect("delete a category with samples")
                );
                for s in [&owned, &moved] {
                    let got = Sample::get(&pool, s.uid).await.unwrap().unwrap();
                    assert_eq!(got.category_id, default.id, "set_default");
                }
                // ... also for a category deleted by a CASCADE from its parent.
                let parent = category(&pool, "parent", None).await;
                let child = category(&pool, "child", Some(parent.id)).await;
                let grandchild = category(&pool, "grandchild", Some(child.id)).await;
                let mut deep = new_sample("deep", grandchild.id);
                deep.title = "deep".into();
                let deep = Sample::insert(&pool, &deep).await.unwrap();
                assert!(
                    parent
                        .delete(&pool)
                        .await
                        .expect("delete a category tree with samples")
                );
                let got = Sample::get(&pool, deep.uid).await.unwrap().unwrap();
                assert_eq!(got.category_id, default.id, "set_default through a cascade");
                assert_eq!(Category::count(&pool).await.unwrap(), 1);

                // CASCADE from the one-to-one tag.
                assert!(t.delete(&pool).await.unwrap());
                assert_eq!(Sample::get(&pool, owned.uid).await.unwrap(), None);
                assert!(owner.delete(&pool).await.unwrap());
                pool.close().await;
            }

            /// Links of automatic many-to-many tables: duplicates kept once, removal,
            /// symmetry of `friends`, none of `mentors`, and the through model's list.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn many_to_many() {
                let Some((_db, pool)) = open("m2m").await else {
                    return;
                };
                let default = default_category(&pool).await;
                let s = Sample::insert(&pool, &new_sample("s", default.id))
                    .await
                    .unwrap();
                let t1 = tag(&pool, "one").await;
                let t2 = tag(&pool, "two").await;
                let t3 = tag(&pool, "three").await;
                assert_eq!(s.add_tags(&pool, &[]).await.unwrap(), 0);
                assert_eq!(s.add_tags(&pool, &[t1.id, t1.id, t2.id]).await.unwrap(), 2);
                assert_eq!(s.add_tags(&pool, &[t2.id, t3.id]).await.unwrap(), 1);
                assert_eq!(
                    s.list_tags(&pool).await.unwrap(),
                    vec![t1.clone(), t2.clone(), t3.clone()]
                );
                assert_fk_violation(
                    s.add_tags(&pool, &[i16::MAX]).await,
                    "a link to a missing tag",
                );
                assert_eq!(s.list_tags(&pool).await.unwrap().len(), 3);
                assert_eq!(s.remove_tags(&pool, &[]).await.unwrap(), 0);
                assert_eq!(
                    s.remove_tags(&pool, &[t1.id, t1.id, i16::MAX])
                        .await
                        .unwrap(),
                    1
                );
                assert_eq!(
                    s.list_tags(&pool).await.unwrap(),
                    vec![t2.clone(), t3.clone()]
                );
                let other = Sample::insert(&pool, &new_sample("o", default.id))
                    .await
                    .unwrap();
                assert_eq!(other.list_tags(&pool).await.unwrap(), vec![]);
                assert_eq!(other.add_tags(&pool, &[t2.id]).await.unwrap(), 1);
                // Deleting a tag removes its links (CASCADE).
                assert!(t2.delete(&pool).await.unwrap());
                assert_eq!(s.list_tags(&pool).await.unwrap(), vec![t3.clone()]);
                assert_eq!(other.list_tags(&pool).await.unwrap(), vec![]);

                // friends: symmetrical, as in Django; mentors: one way.
                let a = person(&pool, "a").await;
                let b = person(&pool, "b").await;
                let c = person(&pool, "c").await;
                a.add_friends(&pool, &[b.id, c.id, b.id]).await.unwrap();
                assert_eq!(
                    a.list_friends(&pool).await.unwrap(),
                    vec![b.clone(), c.clone()]
                );
                assert_eq!(
                    b.list_friends(&pool).await.unwrap(),
                    vec![a.clone()],
                    "symmetrical"
                );
                assert_eq!(
                    b.add_friends(&pool, &[a.id]).await.unwrap(),
                    0,
                    "already friends"
                );
                b.remove_friends(&pool, &[a.id]).await.unwrap();
                assert_eq!(a.list_friends(&pool).await.unwrap(), vec![c.clone()]);
                assert_eq!(b.list_friends(&pool).await.unwrap(), vec![]);
                assert_eq!(a.add_mentors(&pool, &[b.id, b.id]).await.unwrap(), 1);
                assert_eq!(a.list_mentors(&pool).await.unwrap(), vec![b.clone()]);
                assert_eq!(
                    b.list_mentors(&pool).await.unwrap(),
                    vec![],
                    "not symmetrical"
                );
                assert_eq!(a.remove_mentors(&pool, &[b.id]).await.unwrap(), 1);
                assert_eq!(a.list_mentors(&pool).await.unwrap(), vec![]);

                // Through a model of its own: list only.
                Membership::insert(
                    &pool,
                    &NewMembership {
                        person_id: c.id,
                        sample_id: s.uid,
                        role: "m".into(),
                        joined: None,
                    },
                )
                .await
                .unwrap();
                Membership::insert(
                    &pool,
                    &NewMembership {
                        person_id: a.id,
                        sample_id: s.uid,
                        role: "m".into(),
                        joined: None,
                    },
                )
                .await
                .unwrap();
                assert_eq!(
                    s.list_members(&pool).await.unwrap(),
                    vec![a.clone(), c.clone()]
                );
                pool.close().await;
            }

            /// A transaction rolled back leaves nothing, whatever ran in it; the
            /// methods that need a connection of their own take `&mut tx`.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn transactions() {
                let Some((_db, pool)) = open("tx").await else {
                    return;
                };
                let default = default_category(&pool).await;
                let kept = Sample::insert(&pool, &new_sample("kept", default.id))
                    .await
                    .unwrap();
                let t = tag(&pool, "kept").await;

                let mut tx = pool.begin().await.unwrap();
                let other = Category::insert(
                    &mut *tx,
                    &NewCategory {
                        name: "o".into(),
                        code: "o".into(),
                        parent_id: None,
                    },
                )
                .await
                .unwrap();
                let s = Sample::insert(&mut *tx, &new_sample("tx", other.id))
                    .await
                    .unwrap();
                s.add_tags(&mut *tx, &[t.id]).await.unwrap();
                let mut k = kept.clone();
                k.title = "changed in tx".into();
                k.update(&mut *tx).await.unwrap();
                let rows: Vec<NewSample> = (0..20)
                    .map(|i| new_sample(&format!("tx-{i}"), other.id))
                    .collect();
                assert_eq!(Sample::insert_many(&mut tx, &rows).await.unwrap(), 20);
                // SET DEFAULT (on MySQL, the repository's own statements) inside the
                // transaction.
                assert!(other.delete(&mut *tx).await.unwrap());
                assert_eq!(
                    Sample::filter_by_category(&mut *tx, default.id)
                        .await
                        .unwrap()
                        .len(),
                    22
                );
                assert!(t.delete(&mut *tx).await.unwrap());
                assert_eq!(Sample::count(&mut *tx).await.unwrap(), 22);
                tx.rollback().await.unwrap();

                assert_eq!(Sample::count(&pool).await.unwrap(), 1);
                assert_eq!(
                    Sample::get(&pool, kept.uid).await.unwrap(),
                    Some(kept.clone())
                );
                assert_eq!(Category::count(&pool).await.unwrap(), 1);
                assert_eq!(Tag::get(&pool, t.id).await.unwrap(), Some(t.clone()));
                assert_eq!(kept.list_tags(&pool).await.unwrap(), vec![]);
                pool.close().await;
            }
        }
    };
}

all_types_tests!(
    postgres,
    DialectName::Postgres,
    sqlx::PgPool,
    stock_max = i16::MAX,
    views_max = i64::MAX,
);
all_types_tests!(
    mysql,
    DialectName::MySql,
    sqlx::MySqlPool,
    stock_max = u16::MAX,
    views_max = u64::MAX,
);
all_types_tests!(
    sqlite,
    DialectName::Sqlite,
    sqlx::SqlitePool,
    stock_max = i16::MAX,
    views_max = i64::MAX,
);
