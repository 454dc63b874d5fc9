-- Who suspended an account: 'local' (our moderators) or 'remote' (its own
-- server said `suspended: true` in its actor). A remote account's own
-- server may lift only a suspension that came from it.
ALTER TABLE accounts ADD COLUMN suspension_origin TEXT;
UPDATE accounts SET suspension_origin = 'local' WHERE suspended_at IS NOT NULL;
