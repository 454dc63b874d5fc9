ALTER TABLE accounts DROP COLUMN suspension_origin;
