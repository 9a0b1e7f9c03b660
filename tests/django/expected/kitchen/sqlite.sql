BEGIN;
--
-- Create model LegacyReport
--
-- (no-op)
--
-- Create model Tag
--
CREATE TABLE "kitchen_tag" ("created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "label" varchar(50) NOT NULL UNIQUE);
--
-- Create model Category
--
CREATE TABLE "kitchen_category" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL, "code" varchar(12) NOT NULL UNIQUE, "parent_id" integer NULL REFERENCES "kitchen_category" ("id") DEFERRABLE INITIALLY DEFERRED);
--
-- Create model Person
--
CREATE TABLE "kitchen_person" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(120) NOT NULL);
CREATE TABLE "kitchen_person_friends" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "from_person_id" bigint NOT NULL REFERENCES "kitchen_person" ("id") DEFERRABLE INITIALLY DEFERRED, "to_person_id" bigint NOT NULL REFERENCES "kitchen_person" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "kitchen_person_mentors" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "from_person_id" bigint NOT NULL REFERENCES "kitchen_person" ("id") DEFERRABLE INITIALLY DEFERRED, "to_person_id" bigint NOT NULL REFERENCES "kitchen_person" ("id") DEFERRABLE INITIALLY DEFERRED);
--
-- Create model Membership
--
CREATE TABLE "kitchen_membership" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "role" varchar(30) NOT NULL, "joined" date NULL, "person_id" bigint NOT NULL REFERENCES "kitchen_person" ("id") DEFERRABLE INITIALLY DEFERRED);
--
-- Create model Sample
--
CREATE TABLE "kitchen_samples" ("created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "uid" char(32) NOT NULL PRIMARY KEY, "title" varchar(200) NOT NULL, "body" text NOT NULL, "slug" varchar(80) NOT NULL UNIQUE, "email" varchar(254) NULL, "homepage" varchar(200) NOT NULL, "count" integer NOT NULL, "small" smallint NOT NULL, "big" bigint NOT NULL, "rank" integer unsigned NOT NULL CHECK ("rank" >= 0), "stock" smallint unsigned NOT NULL CHECK ("stock" >= 0), "views" bigint unsigned NOT NULL CHECK ("views" >= 0), "ratio" real NOT NULL, "amount" decimal NOT NULL, "active" bool NOT NULL, "birthday" date NULL, "published_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "opens_at" time NOT NULL, "work_week" bigint NOT NULL, "payload" text NOT NULL CHECK ((JSON_VALID("payload") OR "payload" IS NULL)), "blob" BLOB NULL, "ip" char(39) NULL, "ipv4" char(39) NOT NULL, "level" smallint NOT NULL, "status" varchar(2) NOT NULL, "legacy_code" varchar(20) NULL, "category_id" integer NOT NULL REFERENCES "kitchen_category" ("id") DEFERRABLE INITIALLY DEFERRED, "category_code_id" varchar(12) NULL REFERENCES "kitchen_category" ("code") DEFERRABLE INITIALLY DEFERRED, "owner_id" bigint NULL REFERENCES "kitchen_person" ("id") DEFERRABLE INITIALLY DEFERRED, "parent_id" char(32) NULL REFERENCES "kitchen_samples" ("uid") DEFERRABLE INITIALLY DEFERRED, "reviewer_id" bigint NULL, "main_tag_id" smallint NULL UNIQUE REFERENCES "kitchen_tag" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "kitchen_samples_tags" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "sample_id" char(32) NOT NULL REFERENCES "kitchen_samples" ("uid") DEFERRABLE INITIALLY DEFERRED, "tag_id" smallint NOT NULL REFERENCES "kitchen_tag" ("id") DEFERRABLE INITIALLY DEFERRED);
--
-- Add field sample to membership
--
CREATE TABLE "new__kitchen_membership" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "role" varchar(30) NOT NULL, "joined" date NULL, "person_id" bigint NOT NULL REFERENCES "kitchen_person" ("id") DEFERRABLE INITIALLY DEFERRED, "sample_id" char(32) NOT NULL REFERENCES "kitchen_samples" ("uid") DEFERRABLE INITIALLY DEFERRED);
INSERT INTO "new__kitchen_membership" ("id", "role", "joined", "person_id", "sample_id") SELECT "id", "role", "joined", "person_id", NULL FROM "kitchen_membership";
DROP TABLE "kitchen_membership";
ALTER TABLE "new__kitchen_membership" RENAME TO "kitchen_membership";
CREATE INDEX "kitchen_category_parent_id_69a4bd26" ON "kitchen_category" ("parent_id");
CREATE UNIQUE INDEX "kitchen_person_friends_from_person_id_to_person_id_21940561_uniq" ON "kitchen_person_friends" ("from_person_id", "to_person_id");
CREATE INDEX "kitchen_person_friends_from_person_id_c949a1bc" ON "kitchen_person_friends" ("from_person_id");
CREATE INDEX "kitchen_person_friends_to_person_id_01408297" ON "kitchen_person_friends" ("to_person_id");
CREATE UNIQUE INDEX "kitchen_person_mentors_from_person_id_to_person_id_37412f80_uniq" ON "kitchen_person_mentors" ("from_person_id", "to_person_id");
CREATE INDEX "kitchen_person_mentors_from_person_id_90c3525c" ON "kitchen_person_mentors" ("from_person_id");
CREATE INDEX "kitchen_person_mentors_to_person_id_05404135" ON "kitchen_person_mentors" ("to_person_id");
CREATE INDEX "kitchen_samples_title_37d6c4c2" ON "kitchen_samples" ("title");
CREATE INDEX "kitchen_samples_category_id_d81408c5" ON "kitchen_samples" ("category_id");
CREATE INDEX "kitchen_samples_category_code_id_85d20dbb" ON "kitchen_samples" ("category_code_id");
CREATE INDEX "kitchen_samples_owner_id_b234b659" ON "kitchen_samples" ("owner_id");
CREATE INDEX "kitchen_samples_parent_id_bd0a038d" ON "kitchen_samples" ("parent_id");
CREATE INDEX "kitchen_samples_reviewer_id_0cec940d" ON "kitchen_samples" ("reviewer_id");
CREATE UNIQUE INDEX "kitchen_samples_tags_sample_id_tag_id_a4ba4602_uniq" ON "kitchen_samples_tags" ("sample_id", "tag_id");
CREATE INDEX "kitchen_samples_tags_sample_id_fe965d2f" ON "kitchen_samples_tags" ("sample_id");
CREATE INDEX "kitchen_samples_tags_tag_id_b50beee3" ON "kitchen_samples_tags" ("tag_id");
CREATE INDEX "kitchen_membership_person_id_c650a0fd" ON "kitchen_membership" ("person_id");
CREATE INDEX "kitchen_membership_sample_id_99121a08" ON "kitchen_membership" ("sample_id");
--
-- Create proxy model RecentSample
--
-- (no-op)
--
-- Alter unique_together for membership (1 constraint(s))
--
CREATE UNIQUE INDEX "kitchen_membership_person_id_sample_id_3bfe230d_uniq" ON "kitchen_membership" ("person_id", "sample_id");
--
-- Create index sample_recent_idx on field(s) -published_at, status of model sample
--
CREATE INDEX "sample_recent_idx" ON "kitchen_samples" ("published_at" DESC, "status");
--
-- Create index sample_active_title_idx on field(s) title of model sample
--
CREATE INDEX "sample_active_title_idx" ON "kitchen_samples" ("title") WHERE ("active" AND NOT ("status" = 'ar'));
--
-- Create constraint sample_amount_ratio_check on model sample
--
CREATE TABLE "new__kitchen_samples" ("created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "uid" char(32) NOT NULL PRIMARY KEY, "title" varchar(200) NOT NULL, "body" text NOT NULL, "slug" varchar(80) NOT NULL UNIQUE, "email" varchar(254) NULL, "homepage" varchar(200) NOT NULL, "count" integer NOT NULL, "small" smallint NOT NULL, "big" bigint NOT NULL, "rank" integer unsigned NOT NULL CHECK ("rank" >= 0), "stock" smallint unsigned NOT NULL CHECK ("stock" >= 0), "views" bigint unsigned NOT NULL CHECK ("views" >= 0), "ratio" real NOT NULL, "amount" decimal NOT NULL, "active" bool NOT NULL, "birthday" date NULL, "published_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "opens_at" time NOT NULL, "work_week" bigint NOT NULL, "payload" text NOT NULL CHECK ((JSON_VALID("payload") OR "payload" IS NULL)), "blob" BLOB NULL, "ip" char(39) NULL, "ipv4" char(39) NOT NULL, "level" smallint NOT NULL, "status" varchar(2) NOT NULL, "legacy_code" varchar(20) NULL, "category_id" integer NOT NULL REFERENCES "kitchen_category" ("id") DEFERRABLE INITIALLY DEFERRED, "category_code_id" varchar(12) NULL REFERENCES "kitchen_category" ("code") DEFERRABLE INITIALLY DEFERRED, "owner_id" bigint NULL REFERENCES "kitchen_person" ("id") DEFERRABLE INITIALLY DEFERRED, "reviewer_id" bigint NULL, "main_tag_id" smallint NULL UNIQUE REFERENCES "kitchen_tag" ("id") DEFERRABLE INITIALLY DEFERRED, "parent_id" char(32) NULL REFERENCES "kitchen_samples" ("uid") DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "sample_amount_ratio_check" CHECK (("amount" >= '0' AND "ratio" BETWEEN 0.0 AND 1.0)));
INSERT INTO "new__kitchen_samples" ("created_at", "updated_at", "uid", "title", "body", "slug", "email", "homepage", "count", "small", "big", "rank", "stock", "views", "ratio", "amount", "active", "birthday", "published_at", "opens_at", "work_week", "payload", "blob", "ip", "ipv4", "level", "status", "legacy_code", "category_id", "category_code_id", "owner_id", "parent_id", "reviewer_id", "main_tag_id") SELECT "created_at", "updated_at", "uid", "title", "body", "slug", "email", "homepage", "count", "small", "big", "rank", "stock", "views", "ratio", "amount", "active", "birthday", "published_at", "opens_at", "work_week", "payload", "blob", "ip", "ipv4", "level", "status", "legacy_code", "category_id", "category_code_id", "owner_id", "parent_id", "reviewer_id", "main_tag_id" FROM "kitchen_samples";
DROP TABLE "kitchen_samples";
ALTER TABLE "new__kitchen_samples" RENAME TO "kitchen_samples";
CREATE INDEX "kitchen_samples_title_37d6c4c2" ON "kitchen_samples" ("title");
CREATE INDEX "kitchen_samples_category_id_d81408c5" ON "kitchen_samples" ("category_id");
CREATE INDEX "kitchen_samples_category_code_id_85d20dbb" ON "kitchen_samples" ("category_code_id");
CREATE INDEX "kitchen_samples_owner_id_b234b659" ON "kitchen_samples" ("owner_id");
CREATE INDEX "kitchen_samples_reviewer_id_0cec940d" ON "kitchen_samples" ("reviewer_id");
CREATE INDEX "kitchen_samples_parent_id_bd0a038d" ON "kitchen_samples" ("parent_id");
CREATE INDEX "sample_recent_idx" ON "kitchen_samples" ("published_at" DESC, "status");
CREATE INDEX "sample_active_title_idx" ON "kitchen_samples" ("title") WHERE ("active" AND NOT ("status" = 'ar'));
--
-- Create constraint sample_published_email_uniq on model sample
--
CREATE UNIQUE INDEX "sample_published_email_uniq" ON "kitchen_samples" ("email") WHERE ("email" IS NOT NULL AND "status" IN ('pu', 'ar'));
--
-- Create constraint sample_slug_status_uniq on model sample
--
CREATE TABLE "new__kitchen_samples" ("created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "uid" char(32) NOT NULL PRIMARY KEY, "title" varchar(200) NOT NULL, "body" text NOT NULL, "slug" varchar(80) NOT NULL UNIQUE, "email" varchar(254) NULL, "homepage" varchar(200) NOT NULL, "count" integer NOT NULL, "small" smallint NOT NULL, "big" bigint NOT NULL, "rank" integer unsigned NOT NULL CHECK ("rank" >= 0), "stock" smallint unsigned NOT NULL CHECK ("stock" >= 0), "views" bigint unsigned NOT NULL CHECK ("views" >= 0), "ratio" real NOT NULL, "amount" decimal NOT NULL, "active" bool NOT NULL, "birthday" date NULL, "published_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "opens_at" time NOT NULL, "work_week" bigint NOT NULL, "payload" text NOT NULL CHECK ((JSON_VALID("payload") OR "payload" IS NULL)), "blob" BLOB NULL, "ip" char(39) NULL, "ipv4" char(39) NOT NULL, "level" smallint NOT NULL, "status" varchar(2) NOT NULL, "legacy_code" varchar(20) NULL, "category_id" integer NOT NULL REFERENCES "kitchen_category" ("id") DEFERRABLE INITIALLY DEFERRED, "category_code_id" varchar(12) NULL REFERENCES "kitchen_category" ("code") DEFERRABLE INITIALLY DEFERRED, "owner_id" bigint NULL REFERENCES "kitchen_person" ("id") DEFERRABLE INITIALLY DEFERRED, "reviewer_id" bigint NULL, "main_tag_id" smallint NULL UNIQUE REFERENCES "kitchen_tag" ("id") DEFERRABLE INITIALLY DEFERRED, "parent_id" char(32) NULL REFERENCES "kitchen_samples" ("uid") DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "sample_amount_ratio_check" CHECK (("amount" >= '0' AND "ratio" BETWEEN 0.0 AND 1.0)), CONSTRAINT "sample_slug_status_uniq" UNIQUE ("slug", "status"));
INSERT INTO "new__kitchen_samples" ("created_at", "updated_at", "uid", "title", "body", "slug", "email", "homepage", "count", "small", "big", "rank", "stock", "views", "ratio", "amount", "active", "birthday", "published_at", "opens_at", "work_week", "payload", "blob", "ip", "ipv4", "level", "status", "legacy_code", "category_id", "category_code_id", "owner_id", "parent_id", "reviewer_id", "main_tag_id") SELECT "created_at", "updated_at", "uid", "title", "body", "slug", "email", "homepage", "count", "small", "big", "rank", "stock", "views", "ratio", "amount", "active", "birthday", "published_at", "opens_at", "work_week", "payload", "blob", "ip", "ipv4", "level", "status", "legacy_code", "category_id", "category_code_id", "owner_id", "parent_id", "reviewer_id", "main_tag_id" FROM "kitchen_samples";
DROP TABLE "kitchen_samples";
ALTER TABLE "new__kitchen_samples" RENAME TO "kitchen_samples";
CREATE UNIQUE INDEX "sample_published_email_uniq" ON "kitchen_samples" ("email") WHERE ("email" IS NOT NULL AND "status" IN ('pu', 'ar'));
CREATE INDEX "kitchen_samples_title_37d6c4c2" ON "kitchen_samples" ("title");
CREATE INDEX "kitchen_samples_category_id_d81408c5" ON "kitchen_samples" ("category_id");
CREATE INDEX "kitchen_samples_category_code_id_85d20dbb" ON "kitchen_samples" ("category_code_id");
CREATE INDEX "kitchen_samples_owner_id_b234b659" ON "kitchen_samples" ("owner_id");
CREATE INDEX "kitchen_samples_reviewer_id_0cec940d" ON "kitchen_samples" ("reviewer_id");
CREATE INDEX "kitchen_samples_parent_id_bd0a038d" ON "kitchen_samples" ("parent_id");
CREATE INDEX "sample_recent_idx" ON "kitchen_samples" ("published_at" DESC, "status");
CREATE INDEX "sample_active_title_idx" ON "kitchen_samples" ("title") WHERE ("active" AND NOT ("status" = 'ar'));
--
-- Alter unique_together for sample (1 constraint(s))
--
CREATE UNIQUE INDEX "kitchen_samples_title_category_id_080f4ba7_uniq" ON "kitchen_samples" ("title", "category_id");
COMMIT;
