-- Custom emojis: remote ones learnt from the Emoji tags of statuses and
-- actors (domain set), local ones (domain NULL) added by admins later.
CREATE TABLE custom_emojis (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  shortcode text NOT NULL,
  domain text,
  uri text,
  image_url text NOT NULL,
  visible_in_picker boolean NOT NULL DEFAULT true,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX custom_emojis_shortcode_domain ON custom_emojis (shortcode, coalesce(domain, ''));
