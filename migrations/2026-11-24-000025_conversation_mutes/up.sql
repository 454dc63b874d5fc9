-- Threads a user muted: no more notifications from statuses in them.
CREATE TABLE conversation_mutes (
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  root_status_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, root_status_id)
);
