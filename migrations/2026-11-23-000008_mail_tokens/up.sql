-- E-mail confirmation and password reset. Tokens are stored as SHA-256
-- digests (hex); the raw token exists only in the e-mail sent.
ALTER TABLE users
  ADD COLUMN confirmation_token_digest text,
  ADD COLUMN confirmation_sent_at timestamptz,
  -- a new address awaiting confirmation (sign-up keeps it in `email`)
  ADD COLUMN unconfirmed_email text,
  ADD COLUMN reset_password_token_digest text,
  ADD COLUMN reset_password_sent_at timestamptz,
  -- the application that signed the user up through the API
  ADD COLUMN created_by_application_id bigint REFERENCES oauth_applications (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX users_confirmation_token_digest ON users (confirmation_token_digest)
  WHERE confirmation_token_digest IS NOT NULL;
CREATE UNIQUE INDEX users_reset_password_token_digest ON users (reset_password_token_digest)
  WHERE reset_password_token_digest IS NOT NULL;
