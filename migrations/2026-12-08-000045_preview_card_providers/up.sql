-- The host of a URL, lower-cased (NULL when the URL has none): the
-- publisher of a link.
CREATE FUNCTION ferrodon_url_host(url text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(substring(url from '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)')) $$;

-- The publishers of links (Mastodon's PreviewCardProvider): one per host
-- of a preview card. A moderator's verdict on a publisher holds for its
-- links that have no verdict of their own in the link trends.
CREATE TABLE preview_card_providers (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  domain text NOT NULL UNIQUE,
  -- NULL until reviewed
  trendable boolean,
  reviewed_at timestamptz,
  requested_review_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO preview_card_providers (domain)
  SELECT DISTINCT ferrodon_url_host(url) FROM preview_cards
  WHERE ferrodon_url_host(url) IS NOT NULL
  ON CONFLICT DO NOTHING;
