-- Polls attached to statuses (Mastodon's polls; ActivityPub Question).
CREATE TABLE polls (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  status_id bigint NOT NULL UNIQUE REFERENCES statuses (id) ON DELETE CASCADE,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  options text[] NOT NULL,
  -- votes per option: maintained here for local polls, as reported for remote ones
  tallies integer[] NOT NULL,
  multiple boolean NOT NULL DEFAULT false,
  hide_totals boolean NOT NULL DEFAULT false,
  votes_count integer NOT NULL DEFAULT 0,
  voters_count integer NOT NULL DEFAULT 0,
  expires_at timestamptz,
  -- when the "poll ended" notifications went out
  notified_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX polls_expiring ON polls (expires_at) WHERE notified_at IS NULL;

CREATE TABLE poll_votes (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  poll_id bigint NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  choice integer NOT NULL,
  uri text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (poll_id, account_id, choice)
);
CREATE INDEX poll_votes_account ON poll_votes (account_id, poll_id);
