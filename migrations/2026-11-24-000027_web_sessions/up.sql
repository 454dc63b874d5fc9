-- Browser sessions for the server's own HTML pages (sign-in, settings,
-- moderation). The cookie holds a random secret; only its SHA-256 digest
-- is stored, as for access tokens.
CREATE TABLE web_sessions (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_digest TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_active_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX web_sessions_user_id ON web_sessions (user_id);
