-- Statuses to be posted later (Mastodon's scheduled_statuses). `params`
-- keeps what the client sent, in Mastodon's shape, until publication.
CREATE TABLE scheduled_statuses (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  scheduled_at timestamptz NOT NULL,
  params jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scheduled_statuses_account ON scheduled_statuses (account_id, id);
CREATE INDEX scheduled_statuses_due ON scheduled_statuses (scheduled_at);

-- Uploads reserved for a scheduled status: kept from the orphan clean-up,
-- refused to other posts, attached when it is published.
ALTER TABLE media_attachments
  ADD COLUMN scheduled_status_id bigint REFERENCES scheduled_statuses (id) ON DELETE SET NULL;
CREATE INDEX media_attachments_scheduled ON media_attachments (scheduled_status_id)
  WHERE scheduled_status_id IS NOT NULL;
