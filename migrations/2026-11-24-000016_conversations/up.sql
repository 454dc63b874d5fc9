-- Direct-message conversations as each participant sees them (Mastodon's
-- account_conversations). A conversation is a thread (keyed by its root
-- status) with one set of other participants.
CREATE TABLE account_conversations (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- the root of the reply chain the direct statuses belong to
  root_status_id bigint NOT NULL,
  -- the other participants, sorted
  participant_account_ids bigint[] NOT NULL,
  -- the direct statuses of the conversation, oldest first
  status_ids bigint[] NOT NULL,
  last_status_id bigint NOT NULL,
  unread boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, root_status_id, participant_account_ids)
);
CREATE INDEX account_conversations_list ON account_conversations (account_id, last_status_id DESC);
CREATE INDEX account_conversations_statuses ON account_conversations USING gin (status_ids);
