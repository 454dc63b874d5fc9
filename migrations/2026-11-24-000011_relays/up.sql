-- ActivityPub relays this server subscribes to (Mastodon's relays): a Follow
-- of the Public collection sent to the relay's inbox by the instance actor.
CREATE TABLE relays (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  inbox_url text NOT NULL UNIQUE,
  -- pending until the relay accepts; rejected if it refuses
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
  follow_activity_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
