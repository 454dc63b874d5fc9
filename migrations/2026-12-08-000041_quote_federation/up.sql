-- Quotes across servers (FEP-044f), as Mastodon 4.5 keeps them:
-- `activity_uri` is the id of the QuoteRequest a local quote of a remote
-- post sent (its Accept or Reject names it); `approval_uri` is the remote
-- QuoteAuthorization that approved a quote of a remote post (a Delete of
-- it revokes the quote). Quotes of local posts need neither: their
-- authorization is served from the quote's id.
ALTER TABLE quotes
  ADD COLUMN activity_uri text,
  ADD COLUMN approval_uri text;
CREATE UNIQUE INDEX quotes_activity_uri ON quotes (activity_uri)
  WHERE activity_uri IS NOT NULL;
CREATE INDEX quotes_approval_uri ON quotes (approval_uri)
  WHERE approval_uri IS NOT NULL;
