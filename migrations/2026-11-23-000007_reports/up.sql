-- Reports of accounts (and some of their statuses) to the moderators.
CREATE TABLE reports (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  status_ids bigint[] NOT NULL DEFAULT '{}',
  comment text NOT NULL DEFAULT '',
  -- spam, legal, violation or other
  category text NOT NULL DEFAULT 'other' CHECK (category IN ('spam', 'legal', 'violation', 'other')),
  forward boolean NOT NULL DEFAULT false,
  action_taken_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_unresolved ON reports (id DESC) WHERE action_taken_at IS NULL;
