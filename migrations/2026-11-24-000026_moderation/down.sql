DROP TABLE admin_action_logs;
DROP TABLE account_warnings;
DROP INDEX reports_target;
ALTER TABLE reports
  DROP COLUMN assigned_account_id,
  DROP COLUMN action_taken_by_account_id,
  DROP COLUMN rule_ids,
  DROP COLUMN updated_at;
ALTER TABLE accounts DROP COLUMN sensitized_at;
