-- modelc migration 0001_initial (up)
-- source: migrations/0001_initial.toml, md5 1e3983d47aff6786f98642cb7662d365
CREATE TABLE "store_collection" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" varchar(255) NOT NULL
);
CREATE TABLE "store_product" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" varchar(255) NOT NULL,
    "description" text NOT NULL,
    "price" decimal NOT NULL,
    "inventory" integer NOT NULL,
    "last_update" datetime NOT NULL,
    "collection_id" bigint NOT NULL REFERENCES "store_collection" ("id") ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "store_product_collection_id_2914d2ba" ON "store_product" ("collection_id");
CREATE TABLE "store_customer" (
    "first_name" varchar(255) NOT NULL,
    "last_name" varchar(255) NOT NULL,
    "email" varchar(254) NOT NULL PRIMARY KEY,
    "phone_number" varchar(255) NOT NULL,
    "birth_date" date NULL,
    "membership" varchar(1) DEFAULT 'B' NOT NULL,
    "address_id" bigint NULL REFERENCES "store_address" ("id") ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT "store_customer_membership_choices" CHECK ("membership" IN ('B', 'S', 'G'))
);
CREATE INDEX "store_customer_address_id_3b649ed7" ON "store_customer" ("address_id");
CREATE INDEX "store_custo_last_na_2e448d_idx" ON "store_customer" ("last_name", "first_name");
CREATE TABLE "store_order" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "placed_at" datetime NOT NULL,
    "payment_status" varchar(1) DEFAULT 'P' NOT NULL,
    "customer_id" varchar(254) NOT NULL REFERENCES "store_customer" ("email") ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT "store_order_payment_status_choices" CHECK ("payment_status" IN ('P', 'C', 'F'))
);
CREATE INDEX "store_order_customer_id_13d6d43e" ON "store_order" ("customer_id");
CREATE TABLE "store_address" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "street" varchar(255) NOT NULL,
    "city" varchar(255) NOT NULL,
    "customer_id" varchar(254) NOT NULL REFERENCES "store_customer" ("email") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "store_address_customer_id_080cf871" ON "store_address" ("customer_id");
