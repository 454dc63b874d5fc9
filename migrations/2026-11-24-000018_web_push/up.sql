-- Web Push subscriptions (Mastodon's web_push_subscriptions): one per
-- access token, gone with it.
CREATE TABLE web_push_subscriptions (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  access_token_id bigint NOT NULL UNIQUE REFERENCES oauth_access_tokens (id) ON DELETE CASCADE,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  endpoint text NOT NULL,
  -- base64url, as the client sent them
  key_p256dh text NOT NULL,
  key_auth text NOT NULL,
  standard boolean NOT NULL DEFAULT false,
  -- {"mention": true, ...}: only the alerts the client named
  alerts jsonb NOT NULL DEFAULT '{}',
  -- all, followed, follower or none
  policy text NOT NULL DEFAULT 'all',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_push_subscriptions_user ON web_push_subscriptions (user_id);
