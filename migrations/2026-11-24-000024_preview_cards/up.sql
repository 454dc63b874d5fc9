-- Link previews: one card per URL, read from the page's OpenGraph and
-- Twitter meta tags, and the status that links it.
CREATE TABLE preview_cards (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  url text NOT NULL UNIQUE,
  title text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  -- link, photo, video or rich
  type text NOT NULL DEFAULT 'link',
  author_name text NOT NULL DEFAULT '',
  author_url text NOT NULL DEFAULT '',
  provider_name text NOT NULL DEFAULT '',
  provider_url text NOT NULL DEFAULT '',
  image_url text,
  width integer NOT NULL DEFAULT 0,
  height integer NOT NULL DEFAULT 0,
  language text,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE preview_cards_statuses (
  status_id bigint PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
  preview_card_id bigint NOT NULL REFERENCES preview_cards (id) ON DELETE CASCADE
);
CREATE INDEX preview_cards_statuses_card ON preview_cards_statuses (preview_card_id);
