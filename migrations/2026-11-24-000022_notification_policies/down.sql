DROP TABLE notification_permissions;
DROP TABLE notification_requests;
DROP TABLE notification_policies;
DROP INDEX notifications_filtered;
DROP INDEX notifications_group;
ALTER TABLE notifications DROP COLUMN filtered;
ALTER TABLE notifications DROP COLUMN group_key;
