-- The thumbnail a client chose for a video or audio upload (Mastodon's
-- `thumbnail` attachment): shown as the attachment's preview.
ALTER TABLE media_attachments ADD COLUMN thumbnail_key text;
