ALTER TABLE accounts ADD COLUMN moved_to_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL;
