-- Local custom emojis (domain NULL), added by admins with `ferrodonctl
-- emoji`: their image lives in the media store under
-- custom_emojis/images/…; image_url stays the URL clients load.
ALTER TABLE custom_emojis
  ADD COLUMN image_file_key text,
  ADD COLUMN image_content_type text,
  ADD COLUMN image_file_size integer,
  ADD COLUMN category text;
