-- Read positions clients sync between devices (GET/POST /api/v1/markers).
CREATE TABLE markers (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- home or notifications
  timeline text NOT NULL CHECK (timeline IN ('home', 'notifications')),
  last_read_id bigint NOT NULL,
  -- incremented on every save, as Mastodon's lock_version
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, timeline)
);
