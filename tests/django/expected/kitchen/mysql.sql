--
-- Create model LegacyReport
--
-- (no-op)
--
-- Create model Tag
--
CREATE TABLE `kitchen_tag` (`created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL, `id` smallint AUTO_INCREMENT NOT NULL PRIMARY KEY, `label` varchar(50) NOT NULL UNIQUE);
--
-- Create model Category
--
CREATE TABLE `kitchen_category` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, `name` varchar(100)  COMMENT 'Shown in menus' NOT NULL, `code` varchar(12) NOT NULL UNIQUE, `parent_id` integer NULL);
--
-- Create model Person
--
CREATE TABLE `kitchen_person` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `name` varchar(120) NOT NULL);
CREATE TABLE `kitchen_person_friends` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `from_person_id` bigint NOT NULL, `to_person_id` bigint NOT NULL);
CREATE TABLE `kitchen_person_mentors` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `from_person_id` bigint NOT NULL, `to_person_id` bigint NOT NULL);
--
-- Create model Membership
--
CREATE TABLE `kitchen_membership` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `role` varchar(30) NOT NULL, `joined` date NULL, `person_id` bigint NOT NULL);
--
-- Create model Sample
--
CREATE TABLE `kitchen_samples` (`created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL, `uid` char(32) NOT NULL PRIMARY KEY, `title` varchar(200) NOT NULL, `body` longtext NOT NULL, `slug` varchar(80) NOT NULL UNIQUE, `email` varchar(254) NULL, `homepage` varchar(200) NOT NULL, `count` integer NOT NULL, `small` smallint NOT NULL, `big` bigint NOT NULL, `rank` integer UNSIGNED NOT NULL CHECK (`rank` >= 0), `stock` smallint UNSIGNED NOT NULL CHECK (`stock` >= 0), `views` bigint UNSIGNED NOT NULL CHECK (`views` >= 0), `ratio` double precision NOT NULL, `amount` numeric(12, 4) NOT NULL, `active` bool NOT NULL, `birthday` date NULL, `published_at` datetime(6) DEFAULT (CURRENT_TIMESTAMP(6)) NOT NULL, `opens_at` time(6) NOT NULL, `work_week` bigint NOT NULL, `payload` json NOT NULL, `blob` longblob NULL, `ip` char(39) NULL, `ipv4` char(39) NOT NULL, `level` smallint NOT NULL, `status` varchar(2) NOT NULL, `legacy_code` varchar(20) NULL, `category_id` integer NOT NULL, `category_code_id` varchar(12) NULL, `owner_id` bigint NULL, `parent_id` char(32) NULL, `reviewer_id` bigint NULL, `main_tag_id` smallint NULL UNIQUE);
ALTER TABLE `kitchen_samples` COMMENT = 'One row per sample';
CREATE TABLE `kitchen_samples_tags` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `sample_id` char(32) NOT NULL, `tag_id` smallint NOT NULL);
--
-- Add field sample to membership
--
ALTER TABLE `kitchen_membership` ADD COLUMN `sample_id` char(32) NOT NULL , ADD CONSTRAINT `kitchen_membership_sample_id_99121a08_fk_kitchen_samples_uid` FOREIGN KEY (`sample_id`) REFERENCES `kitchen_samples`(`uid`);
--
-- Create proxy model RecentSample
--
-- (no-op)
--
-- Alter unique_together for membership (1 constraint(s))
--
ALTER TABLE `kitchen_membership` ADD CONSTRAINT `kitchen_membership_person_id_sample_id_3bfe230d_uniq` UNIQUE (`person_id`, `sample_id`);
--
-- Create index sample_recent_idx on field(s) -published_at, status of model sample
--
CREATE INDEX `sample_recent_idx` ON `kitchen_samples` (`published_at` DESC, `status`);
--
-- Create index sample_active_title_idx on field(s) title of model sample
--
CREATE INDEX `sample_active_title_idx` ON `kitchen_samples` (`title`);
--
-- Create constraint sample_amount_ratio_check on model sample
--
ALTER TABLE `kitchen_samples` ADD CONSTRAINT `sample_amount_ratio_check` CHECK ((`amount` >= 0 AND `ratio` BETWEEN 0.0e0 AND 1.0e0));
--
-- Create constraint sample_published_email_uniq on model sample
--
-- (no-op)
--
-- Create constraint sample_slug_status_uniq on model sample
--
ALTER TABLE `kitchen_samples` ADD CONSTRAINT `sample_slug_status_uniq` UNIQUE (`slug`, `status`);
--
-- Alter unique_together for sample (1 constraint(s))
--
ALTER TABLE `kitchen_samples` ADD CONSTRAINT `kitchen_samples_title_category_id_080f4ba7_uniq` UNIQUE (`title`, `category_id`);
ALTER TABLE `kitchen_category` ADD CONSTRAINT `kitchen_category_parent_id_69a4bd26_fk_kitchen_category_id` FOREIGN KEY (`parent_id`) REFERENCES `kitchen_category` (`id`);
ALTER TABLE `kitchen_person_friends` ADD CONSTRAINT `kitchen_person_friends_from_person_id_to_person_id_21940561_uniq` UNIQUE (`from_person_id`, `to_person_id`);
ALTER TABLE `kitchen_person_friends` ADD CONSTRAINT `kitchen_person_frien_from_person_id_c949a1bc_fk_kitchen_p` FOREIGN KEY (`from_person_id`) REFERENCES `kitchen_person` (`id`);
ALTER TABLE `kitchen_person_friends` ADD CONSTRAINT `kitchen_person_frien_to_person_id_01408297_fk_kitchen_p` FOREIGN KEY (`to_person_id`) REFERENCES `kitchen_person` (`id`);
ALTER TABLE `kitchen_person_mentors` ADD CONSTRAINT `kitchen_person_mentors_from_person_id_to_person_id_37412f80_uniq` UNIQUE (`from_person_id`, `to_person_id`);
ALTER TABLE `kitchen_person_mentors` ADD CONSTRAINT `kitchen_person_mento_from_person_id_90c3525c_fk_kitchen_p` FOREIGN KEY (`from_person_id`) REFERENCES `kitchen_person` (`id`);
ALTER TABLE `kitchen_person_mentors` ADD CONSTRAINT `kitchen_person_mento_to_person_id_05404135_fk_kitchen_p` FOREIGN KEY (`to_person_id`) REFERENCES `kitchen_person` (`id`);
ALTER TABLE `kitchen_membership` ADD CONSTRAINT `kitchen_membership_person_id_c650a0fd_fk_kitchen_person_id` FOREIGN KEY (`person_id`) REFERENCES `kitchen_person` (`id`);
ALTER TABLE `kitchen_samples` ADD CONSTRAINT `kitchen_samples_category_id_d81408c5_fk_kitchen_category_id` FOREIGN KEY (`category_id`) REFERENCES `kitchen_category` (`id`);
ALTER TABLE `kitchen_samples` ADD CONSTRAINT `kitchen_samples_category_code_id_85d20dbb_fk_kitchen_c` FOREIGN KEY (`category_code_id`) REFERENCES `kitchen_category` (`code`);
ALTER TABLE `kitchen_samples` ADD CONSTRAINT `kitchen_samples_owner_id_b234b659_fk_kitchen_person_id` FOREIGN KEY (`owner_id`) REFERENCES `kitchen_person` (`id`);
ALTER TABLE `kitchen_samples` ADD CONSTRAINT `kitchen_samples_parent_id_bd0a038d_fk_kitchen_samples_uid` FOREIGN KEY (`parent_id`) REFERENCES `kitchen_samples` (`uid`);
ALTER TABLE `kitchen_samples` ADD CONSTRAINT `kitchen_samples_main_tag_id_124ccfdf_fk_kitchen_tag_id` FOREIGN KEY (`main_tag_id`) REFERENCES `kitchen_tag` (`id`);
CREATE INDEX `kitchen_samples_title_37d6c4c2` ON `kitchen_samples` (`title`);
CREATE INDEX `kitchen_samples_reviewer_id_0cec940d` ON `kitchen_samples` (`reviewer_id`);
ALTER TABLE `kitchen_samples_tags` ADD CONSTRAINT `kitchen_samples_tags_sample_id_tag_id_a4ba4602_uniq` UNIQUE (`sample_id`, `tag_id`);
ALTER TABLE `kitchen_samples_tags` ADD CONSTRAINT `kitchen_samples_tags_sample_id_fe965d2f_fk_kitchen_samples_uid` FOREIGN KEY (`sample_id`) REFERENCES `kitchen_samples` (`uid`);
ALTER TABLE `kitchen_samples_tags` ADD CONSTRAINT `kitchen_samples_tags_tag_id_b50beee3_fk_kitchen_tag_id` FOREIGN KEY (`tag_id`) REFERENCES `kitchen_tag` (`id`);
