-- The actor of a relay: learned from its Accept of our follow (signed by an
-- actor on the relay's server whose inbox is the relay's), and from then on
-- the only actor whose announces count as the relay's.
ALTER TABLE relays ADD COLUMN actor_uri TEXT;
