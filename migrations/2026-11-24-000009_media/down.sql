ALTER TABLE statuses DROP COLUMN ordered_media_attachment_ids;
DROP TABLE account_images;
DROP INDEX media_attachments_account;
DROP INDEX media_attachments_cached;
DROP INDEX media_attachments_unattached;
ALTER TABLE media_attachments
  DROP COLUMN processing,
  DROP COLUMN file_content_type,
  DROP COLUMN file_size,
  DROP COLUMN small_key,
  DROP COLUMN upload_key,
  DROP COLUMN preview_remote_url,
  DROP COLUMN cached_at,
  DROP COLUMN accessed_at,
  DROP COLUMN processing_error,
  DROP COLUMN updated_at;
