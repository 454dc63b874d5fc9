-- Instance-level domain blocks, as Mastodon's: `suspend` refuses everything
-- from and to the domain, `silence` keeps its posts off public timelines,
-- `noop` only applies the reject flags. A block covers subdomains.
CREATE TABLE domain_blocks (
  id bigint PRIMARY KEY DEFAULT ferrodon_id(),
  -- lower-cased host, with :port when not the default
  domain text NOT NULL UNIQUE,
  severity text NOT NULL DEFAULT 'suspend' CHECK (severity IN ('noop', 'silence', 'suspend')),
  reject_media boolean NOT NULL DEFAULT false,
  reject_reports boolean NOT NULL DEFAULT false,
  private_comment text,
  public_comment text,
  obfuscate boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
