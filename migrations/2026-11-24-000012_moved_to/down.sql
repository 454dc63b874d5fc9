ALTER TABLE accounts DROP COLUMN moved_to_account_id;
