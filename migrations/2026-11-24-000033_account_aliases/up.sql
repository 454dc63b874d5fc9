-- Other accounts a local account says it also is (`alsoKnownAs`): an
-- account moving here from elsewhere must be named first, so the old
-- server's Move can be verified.
CREATE TABLE account_aliases (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    acct TEXT NOT NULL,
    uri TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, uri)
);
