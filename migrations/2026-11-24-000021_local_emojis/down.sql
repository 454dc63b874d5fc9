ALTER TABLE custom_emojis
  DROP COLUMN category,
  DROP COLUMN image_file_size,
  DROP COLUMN image_content_type,
  DROP COLUMN image_file_key;
