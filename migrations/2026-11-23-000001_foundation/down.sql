DROP TABLE settings, media_attachments, notifications, statuses_tags, tags, mentions, bookmarks, favourites,
  follow_requests, follows, status_edits, statuses, oauth_access_tokens, oauth_access_grants,
  oauth_applications, users, accounts;
DROP FUNCTION ferrodon_id();
DROP FUNCTION ferrodon_id_at(timestamptz);
DROP SEQUENCE ferrodon_id_seq;
