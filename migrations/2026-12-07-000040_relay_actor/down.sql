ALTER TABLE relays DROP COLUMN actor_uri;
