-- Keyword and status filters (Mastodon's custom_filters and their rules).
CREATE TABLE filters (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  title text NOT NULL,
  -- where the filter applies: home, notifications, public, thread, account
  context text[] NOT NULL,
  -- warn: shown behind a warning; hide: left out; blur: media hidden (4.4)
  action text NOT NULL DEFAULT 'warn' CHECK (action IN ('warn', 'hide', 'blur')),
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX filters_account ON filters (account_id);

CREATE TABLE filter_keywords (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  filter_id bigint NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
  keyword text NOT NULL,
  whole_word boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX filter_keywords_filter ON filter_keywords (filter_id);

CREATE TABLE filter_statuses (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  filter_id bigint NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
  status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (filter_id, status_id)
);
CREATE INDEX filter_statuses_status ON filter_statuses (status_id);
