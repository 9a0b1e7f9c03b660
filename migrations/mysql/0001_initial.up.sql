-- modelc migration 0001_initial (up)
-- source: migrations/0001_initial.toml, md5 1e3983d47aff6786f98642cb7662d365
CREATE TABLE `store_collection` (
    `id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY,
    `title` varchar(255) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `store_product` (
    `id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY,
    `title` varchar(255) NOT NULL,
    `description` longtext NOT NULL,
    `price` numeric(6, 2) NOT NULL,
    `inventory` integer NOT NULL,
    `last_update` datetime(6) NOT NULL,
    `collection_id` bigint NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `store_customer` (
    `first_name` varchar(255) NOT NULL,
    `last_name` varchar(255) NOT NULL,
    `email` varchar(254) NOT NULL PRIMARY KEY,
    `phone_number` varchar(255) NOT NULL,
    `birth_date` date NULL,
    `membership` varchar(1) DEFAULT 'B' NOT NULL,
    `address_id` bigint NULL,
    CONSTRAINT `store_customer_membership_choices` CHECK (CAST(`membership` AS BINARY) IN ('B', 'S', 'G'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX `store_custo_last_na_2e448d_idx` ON `store_customer` (`last_name`, `first_name`);
CREATE TABLE `store_order` (
    `id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY,
    `placed_at` datetime(6) NOT NULL,
    `payment_status` varchar(1) DEFAULT 'P' NOT NULL,
    `customer_id` varchar(254) NOT NULL,
    CONSTRAINT `store_order_payment_status_choices` CHECK (CAST(`payment_status` AS BINARY) IN ('P', 'C', 'F'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `store_address` (
    `id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY,
    `street` varchar(255) NOT NULL,
    `city` varchar(255) NOT NULL,
    `customer_id` varchar(254) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
ALTER TABLE `store_product` ADD CONSTRAINT `store_product_collection_id_2914d2ba_fk_store_collection_id` FOREIGN KEY (`collection_id`) REFERENCES `store_collection` (`id`) ON DELETE RESTRICT;
ALTER TABLE `store_customer` ADD CONSTRAINT `store_customer_address_id_3b649ed7_fk_store_address_id` FOREIGN KEY (`address_id`) REFERENCES `store_address` (`id`) ON DELETE SET NULL;
ALTER TABLE `store_order` ADD CONSTRAINT `store_order_customer_id_13d6d43e_fk_store_customer_email` FOREIGN KEY (`customer_id`) REFERENCES `store_customer` (`email`) ON DELETE RESTRICT;
ALTER TABLE `store_address` ADD CONSTRAINT `store_address_customer_id_080cf871_fk_store_customer_email` FOREIGN KEY (`customer_id`) REFERENCES `store_customer` (`email`) ON DELETE CASCADE;
