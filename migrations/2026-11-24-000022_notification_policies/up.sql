-- Grouped notifications (Mastodon 4.3): favourites and reblogs of one status,
-- and follows, that arrive within hours of each other share a group_key.
-- NULL means the notification is a group of its own ("ungrouped-<id>"), as
-- in Mastodon; every existing notification is therefore ungrouped.
ALTER TABLE notifications ADD COLUMN group_key text;
-- kept out of the notification lists until the recipient accepts the sender
ALTER TABLE notifications ADD COLUMN filtered boolean NOT NULL DEFAULT false;
CREATE INDEX notifications_group ON notifications (account_id, group_key, id DESC)
  WHERE group_key IS NOT NULL;
CREATE INDEX notifications_filtered ON notifications (account_id, from_account_id)
  WHERE filtered;

-- What to do with notifications from each kind of sender: accept, filter or drop.
CREATE TABLE notification_policies (
  account_id bigint PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  for_not_following text NOT NULL DEFAULT 'accept'
    CHECK (for_not_following IN ('accept', 'filter', 'drop')),
  for_not_followers text NOT NULL DEFAULT 'accept'
    CHECK (for_not_followers IN ('accept', 'filter', 'drop')),
  for_new_accounts text NOT NULL DEFAULT 'accept'
    CHECK (for_new_accounts IN ('accept', 'filter', 'drop')),
  for_private_mentions text NOT NULL DEFAULT 'filter'
    CHECK (for_private_mentions IN ('accept', 'filter', 'drop')),
  for_limited_accounts text NOT NULL DEFAULT 'filter'
    CHECK (for_limited_accounts IN ('accept', 'filter', 'drop')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Filtered mentions waiting for the recipient, one request per sender.
CREATE TABLE notification_requests (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  from_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  last_status_id bigint REFERENCES statuses (id) ON DELETE SET NULL,
  notifications_count bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, from_account_id)
);
CREATE INDEX notification_requests_list ON notification_requests (account_id, id DESC);

-- Senders whose requests were accepted: their notifications bypass the policy.
CREATE TABLE notification_permissions (
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  from_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, from_account_id)
);
