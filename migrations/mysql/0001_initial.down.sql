-- modelc migration 0001_initial (down)
-- source: migrations/0001_initial.toml, md5 1e3983d47aff6786f98642cb7662d365
ALTER TABLE `store_address` DROP FOREIGN KEY `store_address_customer_id_080cf871_fk_store_customer_email`;
ALTER TABLE `store_order` DROP FOREIGN KEY `store_order_customer_id_13d6d43e_fk_store_customer_email`;
ALTER TABLE `store_customer` DROP FOREIGN KEY `store_customer_address_id_3b649ed7_fk_store_address_id`;
ALTER TABLE `store_product` DROP FOREIGN KEY `store_product_collection_id_2914d2ba_fk_store_collection_id`;
DROP TABLE `store_address`;
DROP TABLE `store_order`;
DROP TABLE `store_customer`;
DROP TABLE `store_product`;
DROP TABLE `store_collection`;
