-- Foundation schema: accounts, users, OAuth, statuses and the relations a
-- Mastodon client needs to sign in, post and read timelines.

-- Mastodon-style time-ordered 64-bit ids: milliseconds since the Unix epoch in
-- the high 48 bits, a global sequence in the low 16. Ordering by id is
-- ordering by creation time, which keyset pagination relies on.
CREATE SEQUENCE ferrodon_id_seq CYCLE MAXVALUE 65535;

CREATE FUNCTION ferrodon_id_at(ts timestamptz) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
  SELECT ((floor(extract(epoch FROM ts) * 1000)::bigint) << 16) | nextval('ferrodon_id_seq')
$$;

CREATE FUNCTION ferrodon_id() RETURNS bigint
LANGUAGE sql VOLATILE AS $$ SELECT ferrodon_id_at(clock_timestamp()) $$;

CREATE TABLE accounts (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  username text NOT NULL,
  -- NULL for local accounts
  domain text,
  display_name text NOT NULL DEFAULT '',
  -- local accounts: the source text; remote accounts: sanitised HTML
  note text NOT NULL DEFAULT '',
  locked boolean NOT NULL DEFAULT false,
  bot boolean NOT NULL DEFAULT false,
  discoverable boolean NOT NULL DEFAULT true,
  indexable boolean NOT NULL DEFAULT false,
  hide_collections boolean NOT NULL DEFAULT false,
  uri text NOT NULL,
  url text,
  inbox_url text NOT NULL DEFAULT '',
  shared_inbox_url text NOT NULL DEFAULT '',
  outbox_url text NOT NULL DEFAULT '',
  followers_url text NOT NULL DEFAULT '',
  public_key text NOT NULL DEFAULT '',
  private_key text,
  avatar_url text,
  header_url text,
  fields jsonb NOT NULL DEFAULT '[]',
  suspended_at timestamptz,
  silenced_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_status_at timestamptz,
  statuses_count integer NOT NULL DEFAULT 0,
  followers_count integer NOT NULL DEFAULT 0,
  following_count integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX accounts_username_domain ON accounts (lower(username), lower(coalesce(domain, '')));
CREATE UNIQUE INDEX accounts_uri ON accounts (uri);
CREATE INDEX accounts_search ON accounts USING gin (to_tsvector('simple', username || ' ' || display_name));

CREATE TABLE users (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
  email text NOT NULL,
  -- argon2id PHC string, or a bcrypt hash imported from Mastodon
  encrypted_password text NOT NULL,
  role text NOT NULL DEFAULT 'User' CHECK (role IN ('Owner', 'Admin', 'Moderator', 'User')),
  confirmed_at timestamptz,
  approved boolean NOT NULL DEFAULT true,
  disabled boolean NOT NULL DEFAULT false,
  locale text NOT NULL DEFAULT 'en',
  -- posting defaults exposed as `source` in CredentialAccount
  default_privacy text NOT NULL DEFAULT 'public',
  default_sensitive boolean NOT NULL DEFAULT false,
  default_language text,
  sign_up_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_sign_in_at timestamptz
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE oauth_applications (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  name text NOT NULL,
  client_id text NOT NULL UNIQUE,
  client_secret text NOT NULL,
  -- newline-separated, as Doorkeeper stores them
  redirect_uri text NOT NULL,
  scopes text NOT NULL DEFAULT 'read',
  website text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE oauth_access_grants (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  application_id bigint NOT NULL REFERENCES oauth_applications (id) ON DELETE CASCADE,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- SHA-256 of the authorization code; the code itself is never stored
  token_digest text NOT NULL UNIQUE,
  redirect_uri text NOT NULL,
  scopes text NOT NULL,
  code_challenge text,
  code_challenge_method text,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE oauth_access_tokens (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  application_id bigint REFERENCES oauth_applications (id) ON DELETE CASCADE,
  -- NULL for client_credentials tokens
  user_id bigint REFERENCES users (id) ON DELETE CASCADE,
  -- SHA-256 of the bearer token; the token itself is never stored
  token_digest text NOT NULL UNIQUE,
  scopes text NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_access_tokens_user ON oauth_access_tokens (user_id);

CREATE TABLE statuses (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  uri text NOT NULL,
  url text,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  in_reply_to_id bigint REFERENCES statuses (id) ON DELETE SET NULL,
  in_reply_to_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  reblog_of_id bigint REFERENCES statuses (id) ON DELETE CASCADE,
  -- the author's source text (local) or empty (remote)
  text text NOT NULL DEFAULT '',
  -- rendered, safe HTML
  content text NOT NULL DEFAULT '',
  spoiler_text text NOT NULL DEFAULT '',
  sensitive boolean NOT NULL DEFAULT false,
  -- 0 public, 1 unlisted, 2 private, 3 direct
  visibility smallint NOT NULL DEFAULT 0 CHECK (visibility BETWEEN 0 AND 3),
  language text,
  local boolean NOT NULL DEFAULT true,
  application_id bigint REFERENCES oauth_applications (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  edited_at timestamptz,
  replies_count integer NOT NULL DEFAULT 0,
  reblogs_count integer NOT NULL DEFAULT 0,
  favourites_count integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX statuses_uri ON statuses (uri);
CREATE INDEX statuses_account_id ON statuses (account_id, id DESC);
CREATE INDEX statuses_in_reply_to ON statuses (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
CREATE UNIQUE INDEX statuses_reblog_once ON statuses (account_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL;
CREATE INDEX statuses_reblog_of ON statuses (reblog_of_id) WHERE reblog_of_id IS NOT NULL;
CREATE INDEX statuses_public_timeline ON statuses (id DESC) WHERE visibility = 0 AND reblog_of_id IS NULL;

CREATE TABLE status_edits (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  text text NOT NULL,
  content text NOT NULL,
  spoiler_text text NOT NULL DEFAULT '',
  sensitive boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX status_edits_status ON status_edits (status_id, id);

CREATE TABLE follows (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  show_reblogs boolean NOT NULL DEFAULT true,
  notify boolean NOT NULL DEFAULT false,
  languages text[],
  uri text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, target_account_id)
);
CREATE INDEX follows_target ON follows (target_account_id, id DESC);

CREATE TABLE follow_requests (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  show_reblogs boolean NOT NULL DEFAULT true,
  notify boolean NOT NULL DEFAULT false,
  uri text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, target_account_id)
);
CREATE INDEX follow_requests_target ON follow_requests (target_account_id, id DESC);

CREATE TABLE favourites (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, status_id)
);
CREATE INDEX favourites_status ON favourites (status_id, id DESC);
CREATE INDEX favourites_account ON favourites (account_id, id DESC);

CREATE TABLE bookmarks (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, status_id)
);
CREATE INDEX bookmarks_account ON bookmarks (account_id, id DESC);

CREATE TABLE mentions (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  silent boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (status_id, account_id)
);
CREATE INDEX mentions_account ON mentions (account_id, status_id DESC);

CREATE TABLE tags (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  -- lower-cased, used for lookups
  name text NOT NULL UNIQUE,
  display_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE statuses_tags (
  status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  PRIMARY KEY (tag_id, status_id)
);
CREATE INDEX statuses_tags_status ON statuses_tags (status_id);

CREATE TABLE notifications (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  from_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- mention, status, reblog, follow, follow_request, favourite, poll, update, ...
  type text NOT NULL,
  status_id bigint REFERENCES statuses (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_account ON notifications (account_id, id DESC);

CREATE TABLE media_attachments (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  status_id bigint REFERENCES statuses (id) ON DELETE SET NULL,
  -- image, gifv, video, audio, unknown
  type text NOT NULL DEFAULT 'unknown',
  file_key text,
  remote_url text,
  description text,
  blurhash text,
  meta jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_attachments_status ON media_attachments (status_id) WHERE status_id IS NOT NULL;

-- Instance-wide settings changed at run time (ferrodonctl settings ...)
CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
