-- The admin API's blocks and allows: e-mail domains and canonical e-mail
-- addresses refused at sign-up, IP ranges, the federation allowlist,
-- moderators' reviews of trends, and the link from a notification to the
-- warning it tells of.

-- E-mail domains (and their subdomains) nobody may sign up with.
CREATE TABLE email_domain_blocks (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  domain text NOT NULL UNIQUE,
  -- Sign-ups are allowed but wait for approval instead of being refused.
  allow_with_approval boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Refused sign-up attempts per block and day (the block's `history`).
CREATE TABLE email_domain_block_attempts (
  email_domain_block_id bigint NOT NULL REFERENCES email_domain_blocks (id) ON DELETE CASCADE,
  day date NOT NULL,
  attempts bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (email_domain_block_id, day)
);

-- SHA-256 of normalised addresses (lowercase, local part without dots
-- and +tag) nobody may sign up with again.
CREATE TABLE canonical_email_blocks (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  canonical_email_hash text NOT NULL UNIQUE,
  reference_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Address ranges: sign_up_requires_approval, sign_up_block or no_access.
CREATE TABLE ip_blocks (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  -- ADDRESS/PREFIX with the host bits as given
  ip text NOT NULL UNIQUE,
  severity text NOT NULL,
  comment text NOT NULL DEFAULT '',
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The servers federated with in limited federation mode.
CREATE TABLE domain_allows (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  domain text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A moderator's verdict on a trending tag, status or link: rejected ones
-- are left out of the public trends.
CREATE TABLE trend_reviews (
  -- tag, status or link (a preview card)
  kind text NOT NULL,
  target_id bigint NOT NULL,
  approved boolean NOT NULL,
  reviewed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, target_id)
);

ALTER TABLE notifications
  ADD COLUMN account_warning_id bigint REFERENCES account_warnings (id) ON DELETE CASCADE;
