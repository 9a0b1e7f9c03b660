BEGIN;
--
-- Create model Address
--
CREATE TABLE "store_address" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "street" varchar(255) NOT NULL, "city" varchar(255) NOT NULL);
--
-- Create model Collection
--
CREATE TABLE "store_collection" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(255) NOT NULL);
--
-- Create model Customer
--
CREATE TABLE "store_customer" ("first_name" varchar(255) NOT NULL, "last_name" varchar(255) NOT NULL, "email" varchar(254) NOT NULL PRIMARY KEY, "phone_number" varchar(255) NOT NULL, "birth_date" date NULL, "membership" varchar(1) NOT NULL, "address_id" bigint NULL REFERENCES "store_address" ("id") DEFERRABLE INITIALLY DEFERRED);
--
-- Add field customer to address
--
CREATE TABLE "new__store_address" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "street" varchar(255) NOT NULL, "city" varchar(255) NOT NULL, "customer_id" varchar(254) NOT NULL REFERENCES "store_customer" ("email") DEFERRABLE INITIALLY DEFERRED);
INSERT INTO "new__store_address" ("id", "street", "city", "customer_id") SELECT "id", "street", "city", NULL FROM "store_address";
DROP TABLE "store_address";
ALTER TABLE "new__store_address" RENAME TO "store_address";
CREATE INDEX "store_customer_address_id_3b649ed7" ON "store_customer" ("address_id");
CREATE INDEX "store_address_customer_id_080cf871" ON "store_address" ("customer_id");
--
-- Create model Order
--
CREATE TABLE "store_order" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "placed_at" datetime NOT NULL, "payment_status" varchar(1) NOT NULL, "customer_id" varchar(254) NOT NULL REFERENCES "store_customer" ("email") DEFERRABLE INITIALLY DEFERRED);
--
-- Create model Product
--
CREATE TABLE "store_product" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(255) NOT NULL, "description" text NOT NULL, "price" decimal NOT NULL, "inventory" integer NOT NULL, "last_update" datetime NOT NULL, "collection_id" bigint NOT NULL REFERENCES "store_collection" ("id") DEFERRABLE INITIALLY DEFERRED);
--
-- Create index store_custo_last_na_2e448d_idx on field(s) last_name, first_name of model customer
--
CREATE INDEX "store_custo_last_na_2e448d_idx" ON "store_customer" ("last_name", "first_name");
CREATE INDEX "store_order_customer_id_13d6d43e" ON "store_order" ("customer_id");
CREATE INDEX "store_product_collection_id_2914d2ba" ON "store_product" ("collection_id");
COMMIT;
