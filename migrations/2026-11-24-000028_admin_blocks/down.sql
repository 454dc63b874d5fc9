ALTER TABLE notifications DROP COLUMN account_warning_id;
DROP TABLE trend_reviews;
DROP TABLE domain_allows;
DROP TABLE ip_blocks;
DROP TABLE canonical_email_blocks;
DROP TABLE email_domain_block_attempts;
DROP TABLE email_domain_blocks;
