-- Announcements admins show to every signed-in user (`ferrodonctl
-- announcements`), which users dismiss and react to with emojis.
CREATE TABLE announcements (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  text text NOT NULL,
  starts_at timestamptz,
  ends_at timestamptz,
  all_day boolean NOT NULL DEFAULT false,
  published boolean NOT NULL DEFAULT false,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Announcements an account has dismissed (`read`).
CREATE TABLE announcement_mutes (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  announcement_id bigint NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, announcement_id)
);

-- Emoji reactions: a unicode emoji, or a local custom emoji's shortcode.
CREATE TABLE announcement_reactions (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  announcement_id bigint NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
  name text NOT NULL,
  custom_emoji_id bigint REFERENCES custom_emojis (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, announcement_id, name)
);
CREATE INDEX announcement_reactions_announcement ON announcement_reactions (announcement_id);
