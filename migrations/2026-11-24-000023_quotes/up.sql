-- Quote posts, as Mastodon 4.5 keeps them. A status's quote approval
-- policy is Mastodon's bitmap: the automatic sub-policy in the high 16
-- bits, the manual one in the low 16 (public = 2, followers = 4,
-- following = 8). 0 means nobody may quote it but its author.
ALTER TABLE statuses
  ADD COLUMN quotes_count integer NOT NULL DEFAULT 0,
  ADD COLUMN quote_approval_policy integer NOT NULL DEFAULT 0;

-- One row per quoting status. `state`: 0 pending, 1 accepted, 2 rejected,
-- 3 revoked. The quoted status going away leaves quoted_status_id NULL:
-- the quote shows as deleted.
CREATE TABLE quotes (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  status_id bigint NOT NULL UNIQUE REFERENCES statuses (id) ON DELETE CASCADE,
  quoted_status_id bigint REFERENCES statuses (id) ON DELETE SET NULL,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  quoted_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  state smallint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quotes_quoted_status ON quotes (quoted_status_id, id)
  WHERE quoted_status_id IS NOT NULL;
