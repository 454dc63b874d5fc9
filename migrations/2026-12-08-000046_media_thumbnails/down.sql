ALTER TABLE media_attachments DROP COLUMN thumbnail_key;
