DROP TABLE announcement_reactions;
DROP TABLE announcement_mutes;
DROP TABLE announcements;
