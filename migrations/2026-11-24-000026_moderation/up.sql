-- Moderation: sensitized accounts, report handling, warnings (strikes)
-- and the audit log of what moderators did.
ALTER TABLE accounts ADD COLUMN sensitized_at timestamptz;

ALTER TABLE reports
  ADD COLUMN assigned_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  ADD COLUMN action_taken_by_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  ADD COLUMN rule_ids bigint[] NOT NULL DEFAULT '{}',
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX reports_target ON reports (target_account_id);

-- A moderator's action against an account, as its owner is told of it.
CREATE TABLE account_warnings (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  target_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- none, disable, sensitive, silence or suspend
  action text NOT NULL,
  text text NOT NULL DEFAULT '',
  report_id bigint REFERENCES reports (id) ON DELETE SET NULL,
  status_ids bigint[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_warnings_target ON account_warnings (target_account_id, id DESC);

-- What each moderator did, for the audit log.
CREATE TABLE admin_action_logs (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id bigint,
  human_identifier text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admin_action_logs_recent ON admin_action_logs (id DESC);
