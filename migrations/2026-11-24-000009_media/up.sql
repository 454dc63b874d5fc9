-- Media attachments: processing state, stored files (original and small
-- preview), sizes for usage reports, and the remote media cache's
-- bookkeeping. Accounts gain stored avatar and header files.

ALTER TABLE media_attachments
  -- 0 queued, 1 processing, 2 complete, 3 failed (Mastodon's processing enum)
  ADD COLUMN processing smallint NOT NULL DEFAULT 2,
  ADD COLUMN file_content_type text,
  -- bytes of the original plus the preview, as stored
  ADD COLUMN file_size bigint NOT NULL DEFAULT 0,
  ADD COLUMN small_key text,
  -- the uploaded bytes awaiting processing (video, audio, animated GIF)
  ADD COLUMN upload_key text,
  ADD COLUMN preview_remote_url text,
  -- remote media only: when the files were downloaded and last requested
  ADD COLUMN cached_at timestamptz,
  ADD COLUMN accessed_at timestamptz,
  ADD COLUMN processing_error text,
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Local uploads not attached to any status, for the orphan sweep.
CREATE INDEX media_attachments_unattached ON media_attachments (created_at)
  WHERE status_id IS NULL AND remote_url IS NULL;
-- Cached remote files, oldest first, for retention and the size cap.
CREATE INDEX media_attachments_cached ON media_attachments (coalesce(accessed_at, cached_at))
  WHERE cached_at IS NOT NULL;
CREATE INDEX media_attachments_account ON media_attachments (account_id, id DESC);

-- Stored avatar and header files of an account (accounts.avatar_url and
-- header_url keep the URL served to clients). Remote accounts' images are
-- cache entries, bounded like remote media.
CREATE TABLE account_images (
  account_id bigint PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  avatar_file_key text,
  header_file_key text,
  -- remote accounts: where the images came from
  avatar_remote_url text,
  header_remote_url text,
  -- bytes stored for both images
  file_size bigint NOT NULL DEFAULT 0,
  -- remote accounts: when the images were downloaded
  cached_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_images_cached ON account_images (cached_at) WHERE cached_at IS NOT NULL;

-- The order the author gave the attachments in, as Mastodon keeps it.
ALTER TABLE statuses ADD COLUMN ordered_media_attachment_ids bigint[];
