DROP TABLE quotes;
ALTER TABLE statuses DROP COLUMN quote_approval_policy, DROP COLUMN quotes_count;
