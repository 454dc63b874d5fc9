DROP INDEX quotes_approval_uri;
DROP INDEX quotes_activity_uri;
ALTER TABLE quotes DROP COLUMN approval_uri, DROP COLUMN activity_uri;
