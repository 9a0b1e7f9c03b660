-- no-transaction
-- modelc migration 0001_initial (down)
-- source: migrations/0001_initial.toml, md5 1e3983d47aff6786f98642cb7662d365
PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE "store_address";
DROP TABLE "store_order";
DROP TABLE "store_customer";
DROP TABLE "store_product";
DROP TABLE "store_collection";
CREATE TEMP TABLE "modelc_foreign_key_check" ("violations" integer NOT NULL CONSTRAINT "foreign keys violated: see PRAGMA foreign_key_check" CHECK ("violations" = 0));
INSERT INTO "modelc_foreign_key_check" SELECT count(*) FROM pragma_foreign_key_check;
DROP TABLE "modelc_foreign_key_check";
COMMIT;
PRAGMA foreign_keys = ON;
